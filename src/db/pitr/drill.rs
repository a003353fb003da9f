//! `hctl db pitr-drill`: prove point-in-time recovery works, end to end, and
//! measure how long it takes. On the live database: marker row 1, note the
//! time T, marker row 2, switch WAL and wait until that segment is archived;
//! then restore to T into a scratch cluster on a free port (supervised: it
//! dies with hctl), check marker 1 is there and marker 2 is not (and, with
//! `--at`/`--ago`, that exactly the markers of earlier drills written by T
//! are), stop and remove the scratch cluster, and store the evidence as
//! `drills/<id>.json` in the backup storage, which the `backup` check kind
//! reads (`max_drill_age`, `max_rto`).
//!
//! A drill that is refused (archiving failing, no backup before T) or
//! interrupted records nothing.

use std::collections::BTreeSet;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, anyhow};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use sqlx::{Connection, PgConnection, Row};

use super::scratch::Lifetime;
use super::{Request, choose, restore};
use crate::db::pgbackrest::Pgbackrest;
use crate::db::pgbackrest::info::{Target, segment_after};
use crate::db::wal::Archiver;
use crate::exit::UsageError;
use crate::report::{Item, Severity, Status};
use crate::storage::Storage;

/// The table of drill markers in the live database.
pub const MARKERS: &str = "hctl_pitr_drill";
/// Where drill evidence lives in the backup storage.
pub const PREFIX: &str = "drills/";

/// When to restore to.
#[derive(Debug, Clone, Copy)]
pub enum When {
    /// Between this drill's two markers.
    Now,
    /// A time in the past.
    At(DateTime<Utc>),
}

/// The evidence of one drill (`drills/<id>.json`; fields are a contract).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Evidence {
    pub id: String,
    pub started_at: DateTime<Utc>,
    pub finished_at: DateTime<Utc>,
    pub stanza: String,
    /// The time restored to.
    pub target_time: DateTime<Utc>,
    /// The backup set restored.
    pub backup: String,
    /// Commit time of the last transaction the scratch cluster replayed.
    pub reached_at: Option<DateTime<Utc>>,
    pub reached_lsn: String,
    /// Restore + recovery to the target, measured (the RTO).
    pub rto_ms: u64,
    /// Every check passed.
    pub ok: bool,
    pub checks: Vec<EvidenceCheck>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct EvidenceCheck {
    pub id: String,
    pub ok: bool,
    pub detail: String,
}

/// How long archiving of the drill's WAL segment may take.
const ARCHIVE_WAIT: Duration = Duration::from_secs(60);

/// Run a drill against the environment's database.
pub async fn run(
    pgbackrest: &Pgbackrest,
    storage: &Storage,
    url: &str,
    when: When,
    scratch_parent: PathBuf,
    timeout: Duration,
) -> Result<(Option<Evidence>, Vec<Item>)> {
    crate::db::pgbackrest::refuse_root("`hctl db pitr-drill`")?;
    let started_at = Utc::now();
    let id = crate::db::manifest::new_id(started_at);
    let mut conn = crate::db::connect_pg(url).await?;
    if let Some(why) = not_archiving(&mut conn).await? {
        return Ok((None, vec![refused(why)]));
    }

    let (marker1, noted, marker2) = write_markers(&mut conn, &id).await?;
    let target_time = match when {
        When::Now => noted,
        When::At(t) => t,
    };
    if target_time > noted {
        return Err(UsageError::new(format!(
            "the drill's target {} is in the future",
            target_time.format("%Y-%m-%d %H:%M:%S UTC")
        ))
        .into());
    }
    if let Some(why) = wait_archived(&mut conn).await? {
        return Ok((None, vec![refused(why)]));
    }
    let expected = markers_until(&mut conn, target_time).await?;
    let _ = conn.close().await;

    let target = Target::Time(target_time);
    let (stanza, set) = choose(pgbackrest, &target).await?;
    let dir = scratch_parent.join(format!("hctl-drill-{id}"));
    let req = Request {
        target,
        dir,
        port: None,
        force: false,
        timeout,
    };
    let began = Instant::now();
    let (restored, cluster) = restore(
        pgbackrest,
        &stanza,
        &set,
        &req,
        Some(url),
        Lifetime::Supervised,
    )
    .await?;
    let scratch_url = super::scratch_url(Some(url), &cluster)?;
    let found = markers_in(&scratch_url).await?;
    drop(cluster);
    let rto = began.elapsed();

    let mut checks = Vec::new();
    let mut items = Vec::new();
    let mut add = |id: &str, title: &str, ok: bool, detail: String, took: Duration| {
        checks.push(EvidenceCheck {
            id: id.into(),
            ok,
            detail: detail.clone(),
        });
        let status = if ok { Status::Pass } else { Status::Fail };
        items.push(Item::new(
            id,
            title,
            Severity::Critical,
            status,
            took,
            detail,
        ));
    };
    add(
        "restore",
        "restored to the target in a scratch cluster",
        true,
        format!(
            "backup `{}` restored to {} in {:.1}s (RTO), reached {} at {}",
            set.label,
            req.target.describe(),
            rto.as_secs_f64(),
            restored
                .reached
                .last_replayed_at
                .map(|t| t.format("%H:%M:%S%.3f UTC").to_string())
                .unwrap_or_else(|| "no transaction".into()),
            restored.reached.lsn
        ),
        rto,
    );
    if matches!(when, When::Now) {
        let has1 = found.contains(&(id.clone(), 1));
        add(
            "marker-before",
            "the marker written before the target is there",
            has1,
            if has1 {
                format!(
                    "marker 1 (written {}) restored",
                    marker1.format("%H:%M:%S%.3f")
                )
            } else {
                format!(
                    "marker 1 (written {}) is missing from the restored cluster",
                    marker1.format("%H:%M:%S%.3f")
                )
            },
            Duration::ZERO,
        );
        let has2 = found.contains(&(id.clone(), 2));
        add(
            "marker-after",
            "the marker written after the target is not",
            !has2,
            if has2 {
                format!(
                    "marker 2 (written {}) is there: recovery went past the target",
                    marker2.format("%H:%M:%S%.3f")
                )
            } else {
                format!(
                    "marker 2 (written {}) absent, as it should be",
                    marker2.format("%H:%M:%S%.3f")
                )
            },
            Duration::ZERO,
        );
    }
    let missing: Vec<_> = expected.difference(&found).collect();
    let extra: Vec<_> = found.difference(&expected).collect();
    add(
        "markers",
        "exactly the markers written by the target are restored",
        missing.is_empty() && extra.is_empty(),
        if missing.is_empty() && extra.is_empty() {
            format!(
                "{} marker(s) written by the target, all restored, none later",
                expected.len()
            )
        } else {
            format!("missing {missing:?}, written after the target but restored {extra:?}")
        },
        Duration::ZERO,
    );
    let ok = checks.iter().all(|c| c.ok);
    let evidence = Evidence {
        id: id.clone(),
        started_at,
        finished_at: Utc::now(),
        stanza: stanza.name.clone(),
        target_time,
        backup: set.label.clone(),
        reached_at: restored.reached.last_replayed_at,
        reached_lsn: restored.reached.lsn.clone(),
        rto_ms: crate::report::millis(rto),
        ok,
        checks,
    };
    record(storage, &evidence).await?;
    Ok((Some(evidence), items))
}

/// The failed item of a refused drill (nothing restored, nothing recorded).
fn refused(why: String) -> Item {
    Item::new(
        "archiving",
        "WAL archiving works (checked before the drill)",
        Severity::Critical,
        Status::Fail,
        Duration::ZERO,
        format!("drill refused: {why}"),
    )
}

/// Why a drill cannot prove anything here: archiving off or failing.
async fn not_archiving(conn: &mut PgConnection) -> Result<Option<String>> {
    let archiver = Archiver::read(conn).await?;
    let problems: Vec<String> = crate::db::wal::judge(&archiver, None, Utc::now())
        .into_iter()
        .filter(|f| f.status.is_failure())
        .map(|f| f.detail)
        .collect();
    Ok((!problems.is_empty()).then(|| problems.join("; ")))
}

/// Marker 1, the target time, marker 2 (server clock, each committed).
async fn write_markers(
    conn: &mut PgConnection,
    id: &str,
) -> Result<(DateTime<Utc>, DateTime<Utc>, DateTime<Utc>)> {
    sqlx::raw_sql(sqlx::AssertSqlSafe(format!(
        "CREATE TABLE IF NOT EXISTS {MARKERS} (drill_id text NOT NULL, marker int NOT NULL, \
         written_at timestamptz NOT NULL DEFAULT clock_timestamp(), PRIMARY KEY (drill_id, marker))"
    )))
    .execute(&mut *conn)
    .await
    .with_context(|| format!("could not create the drill's marker table `{MARKERS}`"))?;
    let insert = |marker: i32| {
        sqlx::query_scalar::<_, DateTime<Utc>>(sqlx::AssertSqlSafe(format!(
            "INSERT INTO {MARKERS} (drill_id, marker) VALUES ($1, $2) RETURNING written_at"
        )))
        .bind(id.to_string())
        .bind(marker)
    };
    let m1 = insert(1)
        .fetch_one(&mut *conn)
        .await
        .context("could not write drill marker 1")?;
    // Commit timestamps are taken at commit: leave clear air around T.
    tokio::time::sleep(Duration::from_millis(300)).await;
    let noted: DateTime<Utc> = sqlx::query_scalar("SELECT clock_timestamp()")
        .fetch_one(&mut *conn)
        .await?;
    tokio::time::sleep(Duration::from_millis(300)).await;
    let m2 = insert(2)
        .fetch_one(&mut *conn)
        .await
        .context("could not write drill marker 2")?;
    Ok((m1, noted, m2))
}

/// Switch to a new WAL segment and wait until the one holding the markers is
/// archived; why not, when archiving fails or takes too long.
async fn wait_archived(conn: &mut PgConnection) -> Result<Option<String>> {
    let segment: String = sqlx::query_scalar("SELECT pg_walfile_name(pg_switch_wal())")
        .fetch_one(&mut *conn)
        .await
        .context(
            "could not switch WAL (pg_switch_wal needs superuser or the pg_checkpoint-like grant)",
        )?;
    let started = Instant::now();
    while started.elapsed() < ARCHIVE_WAIT {
        let archiver = Archiver::read(conn).await?;
        if let Some(last) = &archiver.last_archived_wal
            && (last == &segment || segment_after(last, &segment))
        {
            return Ok(None);
        }
        if archiver.failing() {
            return not_archiving(conn).await;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    Ok(Some(format!(
        "WAL segment {segment} was not archived within {}s",
        ARCHIVE_WAIT.as_secs()
    )))
}

type Markers = BTreeSet<(String, i32)>;

/// The markers written at or before `t`, on the live database.
async fn markers_until(conn: &mut PgConnection, t: DateTime<Utc>) -> Result<Markers> {
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT drill_id, marker FROM {MARKERS} WHERE written_at <= $1"
    )))
    .bind(t)
    .fetch_all(&mut *conn)
    .await
    .context("could not read the drill markers")?;
    rows.iter()
        .map(|r| Ok((r.try_get(0)?, r.try_get(1)?)))
        .collect()
}

/// Every marker in the restored cluster (none when the table did not exist yet).
async fn markers_in(url: &str) -> Result<Markers> {
    let mut conn = crate::db::connect_pg(url)
        .await
        .context("could not connect to the scratch cluster")?;
    let exists: bool = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
        "SELECT to_regclass('{MARKERS}') IS NOT NULL"
    )))
    .fetch_one(&mut conn)
    .await?;
    if !exists {
        return Ok(Markers::new());
    }
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT drill_id, marker FROM {MARKERS}"
    )))
    .fetch_all(&mut conn)
    .await?;
    let _ = conn.close().await;
    rows.iter()
        .map(|r| Ok((r.try_get(0)?, r.try_get(1)?)))
        .collect()
}

/// Store the evidence (`drills/<id>.json`).
async fn record(storage: &Storage, evidence: &Evidence) -> Result<()> {
    let bytes =
        serde_json::to_vec_pretty(evidence).context("could not encode the drill evidence")?;
    storage
        .put_bytes(&format!("{PREFIX}{}.json", evidence.id), &bytes)
        .await
}

/// Every recorded drill, newest first (unreadable ones are logged and skipped).
pub async fn list(storage: &Storage) -> Result<Vec<Evidence>> {
    let mut out = Vec::new();
    for object in storage.list(PREFIX).await? {
        if !object.key.ends_with(".json") {
            continue;
        }
        match storage
            .get_bytes(&object.key)
            .await
            .and_then(|b| serde_json::from_slice::<Evidence>(&b).map_err(anyhow::Error::from))
        {
            Ok(e) => out.push(e),
            Err(err) => tracing::warn!("ignoring `{}`: {err:#}", object.key),
        }
    }
    out.sort_by_key(|e| std::cmp::Reverse(e.finished_at));
    Ok(out)
}

/// Refuse `--at` in the future or `--ago` beyond reason.
pub fn when_from(at: Option<DateTime<Utc>>, ago: Option<Duration>) -> Result<When> {
    match (at, ago) {
        (Some(t), _) => Ok(When::At(t)),
        (None, Some(d)) => {
            let d = chrono::Duration::from_std(d).map_err(|_| anyhow!("--ago is too long"))?;
            Ok(When::At(Utc::now() - d))
        }
        (None, None) => Ok(When::Now),
    }
}
