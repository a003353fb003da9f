//! The migration runner: embedded, append-only SQL migrations per backend,
//! recorded in `hctl_schema_migrations` with a SHA-256 of each file (CRLF
//! normalised to LF, so a checkout on Windows does not look like drift).
//!
//! Guarantees: each migration runs in its own transaction together with its
//! history row; on PostgreSQL the whole run holds a session advisory lock, so
//! two pods migrating at once apply each migration once; an applied migration
//! whose file changed, or an applied migration this binary does not know,
//! stops the run with an error naming the file.

use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use chrono::{DateTime, Utc};
use serde::Serialize;
use sha2::{Digest, Sha256};
use sqlx::Connection;

use super::{Backend, Db};

/// One embedded migration file.
#[derive(Debug, Clone, Copy)]
pub struct Migration {
    pub version: i64,
    /// File name, e.g. `0001_init.sql`.
    pub file: &'static str,
    pub sql: &'static str,
}

macro_rules! embed {
    ($dir:literal: $($version:literal => $file:literal),* $(,)?) => {
        &[$(Migration {
            version: $version,
            file: $file,
            sql: include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/../../migrations/", $dir, "/", $file)),
        }),*]
    };
}

/// Append-only: add new files at the end, never edit one that has shipped.
const POSTGRES: &[Migration] = embed!("postgres":
    1 => "0001_init.sql",
    2 => "0002_flag_group_id.sql",
    3 => "0003_audit_pseudonymous_targets.sql",
);
const SQLITE: &[Migration] = embed!("sqlite":
    1 => "0001_init.sql",
    2 => "0002_flag_group_id.sql",
    3 => "0003_audit_pseudonymous_targets.sql",
);

/// The history table name (a contract with `hctl db` and preflight).
pub const HISTORY_TABLE: &str = "hctl_schema_migrations";

const PG_HISTORY: &str = "CREATE TABLE IF NOT EXISTS hctl_schema_migrations (
    version BIGINT PRIMARY KEY, name TEXT NOT NULL, checksum TEXT NOT NULL,
    applied_at TIMESTAMPTZ NOT NULL, execution_ms BIGINT NOT NULL)";
const SQLITE_HISTORY: &str = "CREATE TABLE IF NOT EXISTS hctl_schema_migrations (
    version BIGINT PRIMARY KEY, name TEXT NOT NULL, checksum TEXT NOT NULL,
    applied_at TEXT NOT NULL, execution_ms BIGINT NOT NULL)";

/// Key of the PostgreSQL advisory lock held while migrating ("hctlmigr").
const PG_LOCK_KEY: i64 = 0x6863_746c_6d69_6772;

/// The migrations compiled in for a backend, in version order.
pub fn embedded(backend: Backend) -> &'static [Migration] {
    match backend {
        Backend::Postgres => POSTGRES,
        Backend::Sqlite => SQLITE,
    }
}

/// The newest migration version compiled into this binary.
pub fn latest_known() -> i64 {
    POSTGRES.iter().map(|m| m.version).max().unwrap_or(0)
}

/// SHA-256 hex of a migration's text with CRLF normalised to LF.
pub fn checksum(sql: &str) -> String {
    hex::encode(Sha256::digest(sql.replace("\r\n", "\n").as_bytes()))
}

/// How an embedded or recorded migration relates to the database.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum State {
    /// Recorded with the same checksum.
    Applied,
    /// Embedded, not yet recorded.
    Pending,
    /// Recorded, but this binary does not have it (a newer hctl applied it).
    Missing,
    /// Recorded with a different checksum: the file was edited after shipping.
    Changed,
}

/// One row of `status`.
#[derive(Debug, Clone, Serialize)]
pub struct MigrationState {
    pub version: i64,
    pub name: String,
    pub state: State,
    pub checksum: String,
    pub applied_at: Option<DateTime<Utc>>,
}

/// What `apply` should do.
#[derive(Debug, Clone, Copy)]
pub struct ApplyOptions {
    /// Report what would run, change nothing.
    pub dry_run: bool,
    /// How long to wait for another migrator's lock (PostgreSQL).
    pub lock_timeout: Duration,
}

impl Default for ApplyOptions {
    fn default() -> Self {
        ApplyOptions {
            dry_run: false,
            lock_timeout: Duration::from_secs(60),
        }
    }
}

/// One migration `apply` ran (or would run).
#[derive(Debug, Clone, Serialize)]
pub struct Applied {
    pub version: i64,
    pub name: String,
    pub execution_ms: i64,
}

/// The outcome of `apply`.
#[derive(Debug, Clone, Serialize)]
pub struct ApplyReport {
    pub dry_run: bool,
    pub applied: Vec<Applied>,
    /// The database's schema version when `apply` returned (a dry run leaves
    /// it where it was).
    pub schema_version: i64,
    /// The version the applied (or, in a dry run, planned) migrations reach.
    pub target_version: i64,
}

struct Recorded {
    version: i64,
    name: String,
    checksum: String,
    applied_at: DateTime<Utc>,
}
crate::from_row!(Recorded {
    version,
    name,
    checksum,
    applied_at
});

/// Whether `hctl_schema_migrations` exists, per backend.
fn exists_sql(backend: Backend) -> &'static str {
    match backend {
        Backend::Postgres => "SELECT to_regclass('hctl_schema_migrations') IS NOT NULL",
        Backend::Sqlite => {
            "SELECT EXISTS (SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'hctl_schema_migrations')"
        }
    }
}

/// The highest applied migration; both backends accept it.
const MAX_VERSION: &str = "SELECT CAST(max(version) AS BIGINT) FROM hctl_schema_migrations";

async fn history_exists(db: &Db) -> Result<bool> {
    let sql = exists_sql(db.backend());
    let exists: bool = crate::on_pool!(db, pool => sqlx::query_scalar(sql).fetch_one(pool).await)
        .context("could not read the migration history")?;
    Ok(exists)
}

/// The schema version over one open connection: the highest applied
/// migration, 0 without a history. Compiled once per backend.
macro_rules! connection_version {
    ($conn:expr, $backend:expr) => {{
        let exists: bool = sqlx::query_scalar(exists_sql($backend))
            .fetch_one(&mut *$conn)
            .await
            .context("could not look for `hctl_schema_migrations`")?;
        if !exists {
            return Ok(0);
        }
        let version: Option<i64> = sqlx::query_scalar(MAX_VERSION)
            .fetch_one(&mut *$conn)
            .await
            .context("could not read `hctl_schema_migrations`")?;
        Ok(version.unwrap_or(0))
    }};
}

/// The schema version of the PostgreSQL database `conn` is open on (`db
/// backup`, `db health`, the rollback check).
pub async fn pg_schema_version(conn: &mut sqlx::PgConnection) -> Result<i64> {
    connection_version!(conn, Backend::Postgres)
}

/// The schema version of the SQLite database `conn` is open on.
pub async fn sqlite_schema_version(conn: &mut sqlx::SqliteConnection) -> Result<i64> {
    connection_version!(conn, Backend::Sqlite)
}

async fn recorded(db: &Db) -> Result<Vec<Recorded>> {
    if !history_exists(db).await? {
        return Ok(Vec::new());
    }
    let sql =
        "SELECT version, name, checksum, applied_at FROM hctl_schema_migrations ORDER BY version";
    crate::on_pool!(db, pool => sqlx::query_as::<_, Recorded>(sql).fetch_all(pool).await)
        .context("could not read `hctl_schema_migrations`")
}

/// The schema version of the database (0 when empty).
pub async fn schema_version(db: &Db) -> Result<i64> {
    Ok(recorded(db)
        .await?
        .iter()
        .map(|r| r.version)
        .max()
        .unwrap_or(0))
}

fn compare(embedded: &[Migration], recorded: &[Recorded]) -> Vec<MigrationState> {
    let mut out: Vec<MigrationState> = embedded
        .iter()
        .map(|m| {
            let sum = checksum(m.sql);
            match recorded.iter().find(|r| r.version == m.version) {
                Some(r) => MigrationState {
                    version: m.version,
                    name: m.file.to_string(),
                    state: if r.checksum == sum {
                        State::Applied
                    } else {
                        State::Changed
                    },
                    checksum: sum,
                    applied_at: Some(r.applied_at),
                },
                None => MigrationState {
                    version: m.version,
                    name: m.file.to_string(),
                    state: State::Pending,
                    checksum: sum,
                    applied_at: None,
                },
            }
        })
        .collect();
    for r in recorded {
        if !embedded.iter().any(|m| m.version == r.version) {
            out.push(MigrationState {
                version: r.version,
                name: r.name.clone(),
                state: State::Missing,
                checksum: r.checksum.clone(),
                applied_at: Some(r.applied_at),
            });
        }
    }
    out.sort_by_key(|s| s.version);
    out
}

/// Every embedded and recorded migration with its state.
pub async fn status(db: &Db) -> Result<Vec<MigrationState>> {
    Ok(compare(embedded(db.backend()), &recorded(db).await?))
}

/// Whether migrations are pending (what `/api/readyz` reports).
pub async fn pending(db: &Db) -> Result<usize> {
    Ok(status(db)
        .await?
        .iter()
        .filter(|s| s.state != State::Applied)
        .count())
}

/// Refuse to run on drift: a changed or unknown applied migration.
fn check_drift(states: &[MigrationState], backend: Backend) -> Result<()> {
    for s in states {
        match s.state {
            State::Changed => bail!(
                "migration `migrations/{}/{}` was changed after it was applied (checksum differs from the recorded one); migrations are append-only: restore the file and add a new migration",
                backend.as_str(),
                s.name
            ),
            State::Missing => bail!(
                "the database has migration {} `{}` that this hctl does not know (applied by a newer version?); upgrade hctl before migrating",
                s.version,
                s.name
            ),
            State::Applied | State::Pending => {}
        }
    }
    Ok(())
}

/// Apply every pending migration, in order.
pub async fn apply(db: &Db, options: ApplyOptions) -> Result<ApplyReport> {
    let backend = db.backend();
    let mut applied = Vec::new();
    match db {
        Db::Postgres(pool) => {
            if pool.behind_pgbouncer() {
                bail!(
                    "migrations hold a session-level advisory lock, which PgBouncer in transaction mode cannot keep: run `hctl db migrate` with the direct PostgreSQL URL (without `pgbouncer=true`)"
                );
            }
            let mut conn = pool
                .acquire()
                .await
                .context("could not connect to PostgreSQL")?;
            lock_pg(&mut conn, options.lock_timeout).await?;
            let result = async {
                for m in plan(db).await? {
                    applied.push(if options.dry_run {
                        dry(m)
                    } else {
                        run_one_pg(&mut conn, backend, m).await?
                    });
                }
                anyhow::Ok(())
            }
            .await;
            let unlocked = sqlx::query("SELECT pg_advisory_unlock($1)")
                .bind(PG_LOCK_KEY)
                .execute(&mut *conn)
                .await;
            result?;
            unlocked.context("could not release the migration lock")?;
        }
        Db::Sqlite(pool) => {
            let mut conn = pool
                .acquire()
                .await
                .context("could not open the SQLite database")?;
            for m in plan(db).await? {
                applied.push(if options.dry_run {
                    dry(m)
                } else {
                    run_one_sqlite(&mut conn, backend, m).await?
                });
            }
        }
    }
    let schema_version = schema_version(db).await?;
    Ok(ApplyReport {
        dry_run: options.dry_run,
        target_version: applied.last().map_or(schema_version, |last| last.version),
        applied,
        schema_version,
    })
}

/// The embedded migrations not yet applied to `db`, in order (drift aside).
pub async fn to_apply(db: &Db) -> Result<Vec<&'static Migration>> {
    let states = status(db).await?;
    Ok(pending_in(&states, db.backend()))
}

fn pending_in(states: &[MigrationState], backend: Backend) -> Vec<&'static Migration> {
    embedded(backend)
        .iter()
        .filter(|m| {
            states
                .iter()
                .any(|s| s.version == m.version && s.state == State::Pending)
        })
        .collect()
}

/// The migrations still to run, after refusing on drift.
async fn plan(db: &Db) -> Result<Vec<&'static Migration>> {
    let states = status(db).await?;
    check_drift(&states, db.backend())?;
    Ok(pending_in(&states, db.backend()))
}

fn dry(m: &Migration) -> Applied {
    Applied {
        version: m.version,
        name: m.file.to_string(),
        execution_ms: 0,
    }
}

async fn lock_pg(conn: &mut sqlx::PgConnection, timeout: Duration) -> Result<()> {
    let started = Instant::now();
    loop {
        let got: bool = sqlx::query_scalar("SELECT pg_try_advisory_lock($1)")
            .bind(PG_LOCK_KEY)
            .fetch_one(&mut *conn)
            .await
            .context("could not take the migration lock")?;
        if got {
            return Ok(());
        }
        if started.elapsed() >= timeout {
            let holder = lock_holder(conn)
                .await
                .unwrap_or_else(|| "an unknown session".into());
            bail!(
                "another migration holds the lock (pg_advisory_lock {PG_LOCK_KEY}): {holder}; gave up after waiting {}s",
                timeout.as_secs()
            );
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// Who holds the migration lock: pid, application, client and since when.
/// Advisory locks are per database: the holder is looked up in this one, or
/// a migration of another database on the same server would be named.
async fn lock_holder(conn: &mut sqlx::PgConnection) -> Option<String> {
    let sql = "SELECT a.pid, coalesce(nullif(a.application_name, ''), 'unnamed'), coalesce(host(a.client_addr), 'local socket'), to_char(a.xact_start, 'YYYY-MM-DD HH24:MI:SS TZ') FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid WHERE l.locktype = 'advisory' AND l.granted AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database()) AND ((l.classid::bigint << 32) | l.objid::bigint) = $1 LIMIT 1";
    let row: Option<(i32, String, String, Option<String>)> = sqlx::query_as(sql)
        .bind(PG_LOCK_KEY)
        .fetch_optional(&mut *conn)
        .await
        .ok()?;
    row.map(|(pid, app, client, since)| {
        format!(
            "session pid {pid} (`{app}` from {client}, transaction since {}); end it with SELECT pg_terminate_backend({pid}) if it is stuck",
            since.unwrap_or_else(|| "-".into())
        )
    })
}

/// One migration and its history row in one transaction. The history row is
/// re-checked inside the transaction, so a concurrent migrator that got there
/// first makes this a no-op rather than a double apply.
macro_rules! run_one {
    ($name:ident, $conn:ty, $begin:literal, $history:expr) => {
        async fn $name(conn: &mut $conn, backend: Backend, m: &Migration) -> Result<Applied> {
            let started = Instant::now();
            let mut tx = conn.begin_with($begin).await.context("could not begin a transaction")?;
            sqlx::raw_sql($history)
                .execute(&mut *tx)
                .await
                .context("could not create `hctl_schema_migrations`")?;
            let done: i64 = sqlx::query_scalar("SELECT count(*) FROM hctl_schema_migrations WHERE version = $1")
                .bind(m.version)
                .fetch_one(&mut *tx)
                .await
                .context("could not read `hctl_schema_migrations`")?;
            if done == 0 {
                sqlx::raw_sql(sqlx::AssertSqlSafe(m.sql))
                    .execute(&mut *tx)
                    .await
                    .with_context(|| format!("migration `migrations/{}/{}` failed", backend.as_str(), m.file))?;
                let ms = i64::try_from(started.elapsed().as_millis()).unwrap_or(i64::MAX);
                sqlx::query(
                    "INSERT INTO hctl_schema_migrations (version, name, checksum, applied_at, execution_ms) VALUES ($1, $2, $3, $4, $5)",
                )
                .bind(m.version)
                .bind(m.file)
                .bind(checksum(m.sql))
                .bind(Utc::now())
                .bind(ms)
                .execute(&mut *tx)
                .await
                .context("could not record the migration")?;
            }
            tx.commit()
                .await
                .with_context(|| format!("could not commit migration `{}`", m.file))?;
            Ok(Applied {
                version: m.version,
                name: m.file.to_string(),
                execution_ms: i64::try_from(started.elapsed().as_millis()).unwrap_or(i64::MAX),
            })
        }
    };
}

run_one!(run_one_pg, sqlx::PgConnection, "BEGIN", PG_HISTORY);
run_one!(
    run_one_sqlite,
    sqlx::SqliteConnection,
    "BEGIN IMMEDIATE",
    SQLITE_HISTORY
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn checksum_ignores_line_endings() {
        assert_eq!(checksum("a;\r\nb;\r\n"), checksum("a;\nb;\n"));
        assert_ne!(checksum("a;\n"), checksum("b;\n"));
    }

    #[test]
    fn embedded_lists_match_the_directories() {
        for backend in [Backend::Postgres, Backend::Sqlite] {
            let dir = format!(
                "{}/../../migrations/{}",
                env!("CARGO_MANIFEST_DIR"),
                backend.as_str()
            );
            let mut files: Vec<String> = std::fs::read_dir(&dir)
                .unwrap()
                .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                .filter(|n| n.ends_with(".sql"))
                .collect();
            files.sort();
            let listed: Vec<&str> = embedded(backend).iter().map(|m| m.file).collect();
            assert_eq!(files, listed, "every file in `{dir}` is embedded, in order");
            for m in embedded(backend) {
                assert_eq!(m.file[..4].parse::<i64>().unwrap(), m.version, "{}", m.file);
            }
        }
        let pg: Vec<i64> = POSTGRES.iter().map(|m| m.version).collect();
        let lite: Vec<i64> = SQLITE.iter().map(|m| m.version).collect();
        assert_eq!(pg, lite, "both backends have the same versions");
    }

    #[test]
    fn drift_is_named() {
        let recorded = vec![Recorded {
            version: 1,
            name: "0001_init.sql".into(),
            checksum: "0".repeat(64),
            applied_at: Utc::now(),
        }];
        let states = compare(SQLITE, &recorded);
        assert_eq!(states[0].state, State::Changed);
        let err = check_drift(&states, Backend::Sqlite)
            .unwrap_err()
            .to_string();
        assert!(err.contains("migrations/sqlite/0001_init.sql"), "{err}");
        let unknown = vec![Recorded {
            version: 999,
            name: "0999_future.sql".into(),
            checksum: "x".into(),
            applied_at: Utc::now(),
        }];
        let states = compare(SQLITE, &unknown);
        assert!(states.iter().any(|s| s.state == State::Missing));
        let err = check_drift(&states, Backend::Sqlite)
            .unwrap_err()
            .to_string();
        assert!(err.contains("0999_future.sql"), "{err}");
    }
}
