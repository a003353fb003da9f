//! The run ledger: hctl's append-only table `hctl_playbook_events` in the
//! environment's database (SQLite by default, PostgreSQL when configured;
//! beside the checklist ticks), created on first use.
//!
//! Every event of a run is one row, numbered from 1 and hash-chained: a row's
//! `hash` is the SHA-256 of its content and the previous row's hash, so
//! [`verify`] finds a row that was edited or deleted. `UNIQUE (run_id, seq)`
//! keeps two writers of one run (a runner and an `approve`) from forking the
//! chain: the loser re-reads the head and appends after it.
//!
//! [`Ledger::lock`] makes a run the only active one of its playbook and
//! environment for as long as the process lives (a PostgreSQL session
//! advisory lock, or an `flock` beside a SQLite file), so a killed runner
//! never leaves a stale lock behind.

use std::str::FromStr;

use anyhow::{Context, Result, bail};
use chrono::{SecondsFormat, Utc};
use serde::Serialize;
use sha2::{Digest, Sha256};
use sqlx::sqlite::SqliteConnectOptions;

use crate::config::redact::redact_url;
use crate::exit::UsageError;
use crate::on_pool;
use crate::store::{Db, PoolOptions};

/// The table; `id` is the one column the two backends spell differently.
fn ddl(id: &str) -> String {
    format!(
        "CREATE TABLE IF NOT EXISTS hctl_playbook_events (
    id {id},
    run_id TEXT NOT NULL,
    seq BIGINT NOT NULL,
    playbook TEXT NOT NULL,
    environment TEXT NOT NULL,
    kind TEXT NOT NULL,
    step TEXT,
    actor TEXT NOT NULL,
    at TEXT NOT NULL,
    data TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL,
    UNIQUE (run_id, seq))"
    )
}

const COLUMNS: &str =
    "id, run_id, seq, playbook, environment, kind, step, actor, at, data, prev_hash, hash";
const INSERT: &str = "INSERT INTO hctl_playbook_events (run_id, seq, playbook, environment, kind, step, actor, at, data, prev_hash, hash) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)";

/// The `prev_hash` of a run's first row.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// One row of the ledger.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Event {
    #[serde(skip)]
    pub id: i64,
    pub run_id: String,
    /// 1, 2, 3… within the run.
    pub seq: i64,
    pub playbook: String,
    pub environment: String,
    /// `run_started`, `resumed`, `step_started`, `step_finished`,
    /// `step_interrupted`, `approval`, `rollback_started`, `run_finished`.
    pub kind: String,
    pub step: Option<String>,
    pub actor: String,
    /// RFC 3339, UTC, microseconds.
    pub at: String,
    /// The event's fields, as JSON text (hashed as stored).
    pub data: String,
    pub prev_hash: String,
    pub hash: String,
}

crate::from_row!(Event {
    id,
    run_id,
    seq,
    playbook,
    environment,
    kind,
    step,
    actor,
    at,
    data,
    prev_hash,
    hash
});

impl Event {
    /// The event's fields.
    pub fn fields(&self) -> serde_json::Value {
        serde_json::from_str(&self.data).unwrap_or(serde_json::Value::Null)
    }
}

/// Which run an appended event belongs to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunKey {
    pub run_id: String,
    pub playbook: String,
    pub environment: String,
}

/// An event before it is chained.
#[derive(Debug, Clone)]
pub struct NewEvent<'a> {
    pub kind: &'a str,
    pub step: Option<&'a str>,
    pub actor: &'a str,
    pub data: serde_json::Value,
}

/// The hash of a row: SHA-256 over its fields and the previous hash, as one
/// JSON array (so no two different rows serialise alike).
pub fn hash(event: &Event) -> String {
    let fields = serde_json::json!([
        event.prev_hash,
        event.run_id,
        event.seq,
        event.playbook,
        event.environment,
        event.kind,
        event.step,
        event.actor,
        event.at,
        event.data,
    ]);
    hex::encode(Sha256::digest(fields.to_string().as_bytes()))
}

/// The next row after `head` (none: the run's first row), chained.
pub fn chain(key: &RunKey, head: Option<&Event>, new: &NewEvent<'_>) -> Event {
    let mut event = Event {
        id: 0,
        run_id: key.run_id.clone(),
        seq: head.map_or(1, |h| h.seq + 1),
        playbook: key.playbook.clone(),
        environment: key.environment.clone(),
        kind: new.kind.to_string(),
        step: new.step.map(str::to_string),
        actor: new.actor.to_string(),
        at: Utc::now().to_rfc3339_opts(SecondsFormat::Micros, true),
        data: new.data.to_string(),
        prev_hash: head.map_or_else(|| GENESIS.to_string(), |h| h.hash.clone()),
        hash: String::new(),
    };
    event.hash = hash(&event);
    event
}

/// Where a run's chain is broken.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Broken {
    /// The first row (by `seq`) that does not fit.
    pub seq: i64,
    pub why: String,
}

/// Check a run's rows (in `seq` order): numbered 1, 2, 3… without gaps, each
/// row's `prev_hash` the previous row's `hash`, each `hash` its content's.
pub fn verify(events: &[Event]) -> Result<(), Broken> {
    let mut prev = GENESIS.to_string();
    for (i, e) in events.iter().enumerate() {
        let expected = i as i64 + 1;
        if e.seq != expected {
            return Err(Broken {
                seq: expected,
                why: format!("row {expected} is missing (the next row is {})", e.seq),
            });
        }
        if e.prev_hash != prev {
            return Err(Broken {
                seq: e.seq,
                why: format!(
                    "row {} does not follow row {}: a row was deleted or replaced",
                    e.seq,
                    e.seq - 1
                ),
            });
        }
        if hash(e) != e.hash {
            return Err(Broken {
                seq: e.seq,
                why: format!(
                    "row {} ({}) was changed after it was written: its hash does not match its content",
                    e.seq, e.kind
                ),
            });
        }
        prev = e.hash.clone();
    }
    Ok(())
}

/// The ledger of one environment's database.
pub struct Ledger {
    db: Db,
    url: String,
}

/// Holds a playbook+environment for one run until dropped (or the process dies).
pub enum Lock {
    /// The session holding the advisory lock.
    Postgres(sqlx::PgConnection),
    /// The open file holding the `flock`: kept only so the lock lives.
    File(#[expect(dead_code, reason = "held for its flock, never read")] std::fs::File),
}

impl Ledger {
    /// Connect and create the table if needed.
    pub async fn open(url: &str) -> Result<Ledger> {
        let shown = redact_url(url);
        let options = PoolOptions {
            max_connections: 2,
            acquire_timeout: std::time::Duration::from_secs(10),
        };
        let db = Db::open(url, options)?;
        db.ping()
            .await
            .with_context(|| format!("cannot reach the run ledger in `{shown}`"))?;
        let ddl = ddl(match db {
            Db::Sqlite(_) => "INTEGER PRIMARY KEY AUTOINCREMENT",
            Db::Postgres(_) => "BIGSERIAL PRIMARY KEY",
        });
        let create = || async {
            on_pool!(&db, pool => sqlx::query(sqlx::AssertSqlSafe(ddl.clone())).execute(pool).await.map(|_| ()))
        };
        // Two first uses at once can race on CREATE TABLE IF NOT EXISTS; the
        // loser sees a unique violation and finds the table on a second try.
        if create().await.is_err() {
            create()
                .await
                .with_context(|| format!("cannot create hctl_playbook_events in `{shown}`"))?;
        }
        Ok(Ledger {
            db,
            url: url.to_string(),
        })
    }

    /// The ledger if it exists: a missing SQLite file means no run yet.
    pub async fn open_existing(url: &str) -> Result<Option<Ledger>> {
        if let Some(file) = sqlite_file(url)
            && !std::path::Path::new(&file).exists()
        {
            return Ok(None);
        }
        Ledger::open(url).await.map(Some)
    }

    /// Append one event after the run's current head.
    pub async fn append(&self, key: &RunKey, new: &NewEvent<'_>) -> Result<Event> {
        for _ in 0..5 {
            let head = self.head(&key.run_id).await?;
            let event = chain(key, head.as_ref(), new);
            let inserted = on_pool!(&self.db, pool => sqlx::query(INSERT)
                .bind(&event.run_id)
                .bind(event.seq)
                .bind(&event.playbook)
                .bind(&event.environment)
                .bind(&event.kind)
                .bind(&event.step)
                .bind(&event.actor)
                .bind(&event.at)
                .bind(&event.data)
                .bind(&event.prev_hash)
                .bind(&event.hash)
                .execute(pool)
                .await
                .map(|_| ()));
            match inserted {
                Ok(()) => return Ok(event),
                // Someone appended to this run meanwhile: chain after theirs.
                Err(sqlx::Error::Database(e)) if e.is_unique_violation() => continue,
                Err(e) => {
                    return Err(e).with_context(|| {
                        format!(
                            "cannot record `{}` of run `{}` in the ledger",
                            new.kind, key.run_id
                        )
                    });
                }
            }
        }
        bail!(
            "cannot record `{}` of run `{}`: the ledger kept changing under it",
            new.kind,
            key.run_id
        )
    }

    async fn head(&self, run_id: &str) -> Result<Option<Event>> {
        let sql = format!(
            "SELECT {COLUMNS} FROM hctl_playbook_events WHERE run_id = $1 ORDER BY seq DESC LIMIT 1"
        );
        let row = on_pool!(&self.db, pool => sqlx::query_as::<_, Event>(sqlx::AssertSqlSafe(sql))
            .bind(run_id)
            .fetch_optional(pool)
            .await)
        .with_context(|| format!("cannot read run `{run_id}` from the ledger"))?;
        Ok(row)
    }

    /// Every event of a run, by `seq`.
    pub async fn events(&self, run_id: &str) -> Result<Vec<Event>> {
        let sql = format!(
            "SELECT {COLUMNS} FROM hctl_playbook_events WHERE run_id = $1 ORDER BY seq, id"
        );
        on_pool!(&self.db, pool => sqlx::query_as::<_, Event>(sqlx::AssertSqlSafe(sql))
            .bind(run_id)
            .fetch_all(pool)
            .await)
        .with_context(|| format!("cannot read run `{run_id}` from the ledger"))
    }

    /// Every run of `playbook` (all playbooks when `None`) in `environment`,
    /// newest first, each with its events by `seq`.
    pub async fn runs(&self, playbook: Option<&str>, environment: &str) -> Result<Vec<Vec<Event>>> {
        let sql = format!(
            "SELECT {COLUMNS} FROM hctl_playbook_events WHERE environment = $1 AND ($2 = '' OR playbook = $2) ORDER BY id"
        );
        let rows = on_pool!(&self.db, pool => sqlx::query_as::<_, Event>(sqlx::AssertSqlSafe(sql))
            .bind(environment)
            .bind(playbook.unwrap_or(""))
            .fetch_all(pool)
            .await)
        .context("cannot list the runs in the ledger")?;
        let mut runs: Vec<Vec<Event>> = Vec::new();
        for row in rows {
            match runs.iter_mut().find(|r| r[0].run_id == row.run_id) {
                Some(run) => run.push(row),
                None => runs.push(vec![row]),
            }
        }
        for run in &mut runs {
            run.sort_by_key(|e| (e.seq, e.id));
        }
        runs.reverse();
        Ok(runs)
    }

    /// The run whose id is `id`, or the only one starting with it.
    pub async fn find_run(&self, id: &str) -> Result<Option<String>> {
        let sql = "SELECT DISTINCT run_id FROM hctl_playbook_events WHERE substr(run_id, 1, length($1)) = $1";
        let ids: Vec<(String,)> = on_pool!(&self.db, pool => sqlx::query_as(sql)
            .bind(id)
            .fetch_all(pool)
            .await)
        .context("cannot look up the run in the ledger")?;
        if let Some(exact) = ids.iter().find(|(r,)| r == id) {
            return Ok(Some(exact.0.clone()));
        }
        match ids.as_slice() {
            [] => Ok(None),
            [(one,)] => Ok(Some(one.clone())),
            many => Err(UsageError::new(format!(
                "run id `{id}` is ambiguous: {}",
                many.iter()
                    .map(|(r,)| r.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ))
            .into()),
        }
    }

    /// Try to become the active run of `playbook` in `environment`; `None`
    /// when another process holds it.
    pub async fn lock(&self, playbook: &str, environment: &str) -> Result<Option<Lock>> {
        match &self.db {
            Db::Postgres(_) => {
                let mut conn = <sqlx::PgConnection as sqlx::Connection>::connect(&self.url)
                    .await
                    .with_context(|| {
                        format!("could not connect to postgres at {}", redact_url(&self.url))
                    })?;
                let (got,): (bool,) = sqlx::query_as("SELECT pg_try_advisory_lock($1)")
                    .bind(lock_key(playbook, environment))
                    .fetch_one(&mut conn)
                    .await
                    .context("cannot take the playbook's advisory lock")?;
                Ok(got.then_some(Lock::Postgres(conn)))
            }
            Db::Sqlite(_) => {
                let file = sqlite_file(&self.url).unwrap_or_else(|| "hctl".into());
                let path = format!("{file}.playbook-{playbook}-{environment}.lock");
                let handle = std::fs::OpenOptions::new()
                    .create(true)
                    .truncate(false)
                    .write(true)
                    .open(&path)
                    .with_context(|| format!("cannot open the lock file `{path}`"))?;
                Ok(flock(&handle).then_some(Lock::File(handle)))
            }
        }
    }

    /// Whether a live process holds the lock of `playbook` in `environment`.
    pub async fn is_locked(&self, playbook: &str, environment: &str) -> Result<bool> {
        match self.lock(playbook, environment).await? {
            None => Ok(true),
            Some(Lock::Postgres(mut conn)) => {
                let _ = sqlx::query("SELECT pg_advisory_unlock($1)")
                    .bind(lock_key(playbook, environment))
                    .execute(&mut conn)
                    .await;
                Ok(false)
            }
            Some(Lock::File(_)) => Ok(false),
        }
    }
}

/// The advisory lock key of a playbook in an environment.
fn lock_key(playbook: &str, environment: &str) -> i64 {
    let digest = Sha256::digest(format!("hctl-playbook\0{playbook}\0{environment}").as_bytes());
    let mut bytes = [0u8; 8];
    bytes.copy_from_slice(&digest[..8]);
    i64::from_be_bytes(bytes)
}

/// The file of a `sqlite:` URL (none for `:memory:` or other URLs).
fn sqlite_file(url: &str) -> Option<String> {
    if !url.starts_with("sqlite:") {
        return None;
    }
    let options = SqliteConnectOptions::from_str(url).ok()?;
    let file = options.get_filename().to_string_lossy().into_owned();
    (file != ":memory:" && !file.is_empty()).then_some(file)
}

/// A non-blocking exclusive `flock`: held until the file is closed, which
/// the kernel does when the process dies.
fn flock(file: &std::fs::File) -> bool {
    use std::os::fd::AsRawFd;
    // SAFETY: flock only reads the descriptor, which `file` keeps open.
    unsafe { libc::flock(file.as_raw_fd(), libc::LOCK_EX | libc::LOCK_NB) == 0 }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key() -> RunKey {
        RunKey {
            run_id: "launch-1".into(),
            playbook: "launch".into(),
            environment: "local".into(),
        }
    }

    fn events(n: usize) -> Vec<Event> {
        let mut out: Vec<Event> = Vec::new();
        for i in 0..n {
            let new = NewEvent {
                kind: "step_started",
                step: Some("backup"),
                actor: "ana",
                data: serde_json::json!({ "attempt": i + 1 }),
            };
            let e = chain(&key(), out.last(), &new);
            out.push(e);
        }
        out
    }

    #[test]
    fn an_intact_chain_verifies() {
        assert_eq!(verify(&events(4)), Ok(()));
    }

    #[test]
    fn an_edited_row_is_found() {
        let mut rows = events(4);
        rows[1].actor = "mallory".into();
        assert_eq!(verify(&rows).unwrap_err().seq, 2);
        let mut rows = events(4);
        rows[2].data = r#"{"attempt":1}"#.into();
        assert_eq!(verify(&rows).unwrap_err().seq, 3);
    }

    #[test]
    fn a_deleted_row_is_found() {
        let mut rows = events(4);
        rows.remove(1);
        let broken = verify(&rows).unwrap_err();
        assert_eq!(broken.seq, 2);
        assert!(broken.why.contains("missing"), "{}", broken.why);
    }

    #[test]
    fn a_rehashed_row_still_breaks_the_next_link() {
        let mut rows = events(3);
        rows[0].actor = "mallory".into();
        rows[0].hash = hash(&rows[0]);
        assert_eq!(verify(&rows).unwrap_err().seq, 2);
    }

    #[tokio::test]
    async fn sqlite_rows_append_in_order_and_lock_once() {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}", dir.path().join("l.db").display());
        assert!(Ledger::open_existing(&url).await.unwrap().is_none());
        let ledger = Ledger::open(&url).await.unwrap();
        for kind in ["run_started", "step_started", "step_finished"] {
            let new = NewEvent {
                kind,
                step: None,
                actor: "ana",
                data: serde_json::json!({}),
            };
            ledger.append(&key(), &new).await.unwrap();
        }
        let rows = ledger.events("launch-1").await.unwrap();
        assert_eq!(rows.iter().map(|e| e.seq).collect::<Vec<_>>(), [1, 2, 3]);
        assert_eq!(verify(&rows), Ok(()));
        assert_eq!(
            ledger.find_run("launch").await.unwrap().as_deref(),
            Some("launch-1")
        );
        let held = ledger.lock("launch", "local").await.unwrap();
        assert!(held.is_some());
        assert!(ledger.is_locked("launch", "local").await.unwrap());
        drop(held);
        assert!(!ledger.is_locked("launch", "local").await.unwrap());
    }
}
