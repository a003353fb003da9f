//! The tick store's own schema and its migrations, apart from the API's
//! (`store::migrate`): the store lives in whatever database the environment
//! names, which need not be the API's, so it keeps its own history table
//! `hctl_checklist_schema` (one row per applied step). It also holds the
//! preflight runs `hctl preflight --record` keeps (`preflight::record`).
//!
//! Guarantees: steps are append-only and applied in order, each once, all
//! in one transaction that first takes a lock (PostgreSQL: a transaction
//! advisory lock; SQLite: `BEGIN IMMEDIATE`), so two people ticking at once
//! on a fresh or an old database migrate it once. A database whose store is
//! newer than this binary is refused rather than written by old code.

use anyhow::{Context, Result, bail};
use chrono::Utc;
use sqlx::postgres::PgPool;
use sqlx::sqlite::SqlitePool;

/// One step: its version and the SQL of each backend.
struct Step {
    version: i64,
    postgres: &'static str,
    sqlite: &'static str,
}

/// Append-only: add new steps at the end, never edit one that has shipped.
const STEPS: &[Step] = &[
    // The table as releases before the history table created it, so a
    // database ticked by them adopts its table unchanged.
    Step {
        version: 1,
        postgres: "CREATE TABLE IF NOT EXISTS hctl_checklist_events (
            id BIGSERIAL PRIMARY KEY,
            checklist TEXT NOT NULL,
            item_id TEXT NOT NULL,
            action TEXT NOT NULL CHECK (action IN ('tick', 'untick')),
            actor TEXT NOT NULL,
            note TEXT,
            at TIMESTAMPTZ NOT NULL)",
        sqlite: "CREATE TABLE IF NOT EXISTS hctl_checklist_events (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            checklist TEXT NOT NULL,
            item_id TEXT NOT NULL,
            action TEXT NOT NULL CHECK (action IN ('tick', 'untick')),
            actor TEXT NOT NULL,
            note TEXT,
            at TEXT NOT NULL)",
    },
    // Evidence on ticks, and waivers (`waive` events valid until a time).
    // SQLite cannot alter a CHECK constraint, so its table is rebuilt.
    Step {
        version: 2,
        postgres: "ALTER TABLE hctl_checklist_events
                DROP CONSTRAINT IF EXISTS hctl_checklist_events_action_check;
            ALTER TABLE hctl_checklist_events
                ADD CONSTRAINT hctl_checklist_events_action_check
                    CHECK (action IN ('tick', 'untick', 'waive')),
                ADD COLUMN evidence_url TEXT,
                ADD COLUMN evidence_file TEXT,
                ADD COLUMN evidence_sha256 TEXT,
                ADD COLUMN waived_until TIMESTAMPTZ",
        sqlite: "CREATE TABLE hctl_checklist_events_v2 (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                checklist TEXT NOT NULL,
                item_id TEXT NOT NULL,
                action TEXT NOT NULL CHECK (action IN ('tick', 'untick', 'waive')),
                actor TEXT NOT NULL,
                note TEXT,
                at TEXT NOT NULL,
                evidence_url TEXT,
                evidence_file TEXT,
                evidence_sha256 TEXT,
                waived_until TEXT);
            INSERT INTO hctl_checklist_events_v2 (id, checklist, item_id, action, actor, note, at)
                SELECT id, checklist, item_id, action, actor, note, at FROM hctl_checklist_events;
            DROP TABLE hctl_checklist_events;
            ALTER TABLE hctl_checklist_events_v2 RENAME TO hctl_checklist_events",
    },
    // `hctl preflight --record`: each run's report, one row per checklist.
    Step {
        version: 3,
        postgres: "CREATE TABLE hctl_preflight_runs (
                id BIGSERIAL PRIMARY KEY,
                checklist TEXT NOT NULL,
                environment TEXT NOT NULL,
                started_at TIMESTAMPTZ NOT NULL,
                report TEXT NOT NULL);
            CREATE INDEX hctl_preflight_runs_latest
                ON hctl_preflight_runs (environment, checklist, id)",
        sqlite: "CREATE TABLE hctl_preflight_runs (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                checklist TEXT NOT NULL,
                environment TEXT NOT NULL,
                started_at TEXT NOT NULL,
                report TEXT NOT NULL);
            CREATE INDEX hctl_preflight_runs_latest
                ON hctl_preflight_runs (environment, checklist, id)",
    },
];

/// The newest step this binary knows.
pub fn latest() -> i64 {
    STEPS.last().map_or(0, |s| s.version)
}

const PG_HISTORY: &str = "CREATE TABLE IF NOT EXISTS hctl_checklist_schema (
    version BIGINT PRIMARY KEY, applied_at TIMESTAMPTZ NOT NULL)";
const SQLITE_HISTORY: &str = "CREATE TABLE IF NOT EXISTS hctl_checklist_schema (
    version BIGINT PRIMARY KEY, applied_at TEXT NOT NULL)";
const CURRENT: &str = "SELECT COALESCE(MAX(version), 0) FROM hctl_checklist_schema";
const RECORD: &str = "INSERT INTO hctl_checklist_schema (version, applied_at) VALUES ($1, $2)";

/// Key of the PostgreSQL advisory lock held while migrating ("hctlchkl").
const PG_LOCK_KEY: i64 = 0x6863_746c_6368_6b6c;

/// Inside an open, locked transaction `$tx`: create the history table,
/// then apply and record each pending step's `$backend` SQL. A macro, as
/// the two backends' transactions are different types.
macro_rules! apply_pending {
    ($tx:ident, $history:expr, $backend:ident) => {{
        sqlx::query($history).execute(&mut *$tx).await?;
        let current: i64 = sqlx::query_scalar(CURRENT).fetch_one(&mut *$tx).await?;
        for step in pending(current)? {
            sqlx::raw_sql(step.$backend)
                .execute(&mut *$tx)
                .await
                .with_context(|| format!("tick store migration {} failed", step.version))?;
            sqlx::query(RECORD)
                .bind(step.version)
                .bind(Utc::now())
                .execute(&mut *$tx)
                .await?;
        }
        $tx.commit().await?;
        Ok(())
    }};
}

/// Bring the tick store of a PostgreSQL database up to [`latest`].
pub async fn migrate_pg(pool: &PgPool) -> Result<()> {
    let mut tx = pool.begin().await.context("cannot open a transaction")?;
    sqlx::query("SELECT pg_advisory_xact_lock($1)")
        .bind(PG_LOCK_KEY)
        .execute(&mut *tx)
        .await
        .context("cannot take the tick store's migration lock")?;
    apply_pending!(tx, PG_HISTORY, postgres)
}

/// Bring the tick store of a SQLite database up to [`latest`].
pub async fn migrate_sqlite(pool: &SqlitePool) -> Result<()> {
    // IMMEDIATE takes the write lock before reading the version, so a second
    // process waits (busy timeout) instead of migrating the same step.
    let mut tx = pool
        .begin_with("BEGIN IMMEDIATE")
        .await
        .context("cannot open a transaction")?;
    apply_pending!(tx, SQLITE_HISTORY, sqlite)
}

/// The steps after `current`, or an error when the store is newer than hctl.
fn pending(current: i64) -> Result<impl Iterator<Item = &'static Step>> {
    if current > latest() {
        bail!(
            "the checklist tick store is at version {current}, newer than this hctl knows ({}): upgrade hctl",
            latest()
        );
    }
    Ok(STEPS.iter().filter(move |s| s.version > current))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn steps_are_numbered_in_order_from_one() {
        for (i, step) in STEPS.iter().enumerate() {
            assert_eq!(step.version, i as i64 + 1);
        }
        assert_eq!(pending(0).unwrap().count(), STEPS.len());
        assert_eq!(pending(latest()).unwrap().count(), 0);
        let err = pending(latest() + 1).err().unwrap().to_string();
        assert!(err.contains("newer than this hctl knows"), "{err}");
    }
}
