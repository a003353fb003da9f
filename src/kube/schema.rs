//! Schema versions: the one this hctl's release expects (recorded on the pod
//! template by `rollout apply`) and the one the live database is at
//! (`SELECT max(version) FROM hctl_schema_migrations`; no table → 0), compared
//! before a rollback.

use std::str::FromStr;

use anyhow::{Context, Result};
use sqlx::Connection;
use sqlx::postgres::PgConnection;
use sqlx::sqlite::{SqliteConnectOptions, SqliteConnection};

use crate::config::redact::redact_url;

/// The latest migration version compiled into this hctl. Until the migration
/// runner (`store::migrate::latest_known`) is part of the build, the version a
/// release expects is given with `--schema-version`; this is the default.
pub fn latest_known() -> i64 {
    0
}

/// The schema version of the database at `url` (PostgreSQL or SQLite).
pub async fn live_version(url: &str) -> Result<i64> {
    let shown = redact_url(url);
    if url.starts_with("sqlite:") {
        let options = SqliteConnectOptions::from_str(url)
            .with_context(|| format!("invalid database URL `{shown}`"))?
            .read_only(true);
        if !options.get_filename().exists() {
            return Ok(0);
        }
        let mut conn = SqliteConnection::connect_with(&options)
            .await
            .with_context(|| format!("cannot open the database `{shown}`"))?;
        let exists: i64 = sqlx::query_scalar(
            "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'hctl_schema_migrations'",
        )
        .fetch_one(&mut conn)
        .await
        .with_context(|| format!("cannot read the schema of `{shown}`"))?;
        if exists == 0 {
            return Ok(0);
        }
        let version: Option<i64> =
            sqlx::query_scalar("SELECT max(version) FROM hctl_schema_migrations")
                .fetch_one(&mut conn)
                .await
                .with_context(|| format!("cannot read the schema version of `{shown}`"))?;
        return Ok(version.unwrap_or(0));
    }
    let mut conn = PgConnection::connect(url)
        .await
        .with_context(|| format!("cannot connect to the database `{shown}`"))?;
    let exists: bool =
        sqlx::query_scalar("SELECT to_regclass('hctl_schema_migrations') IS NOT NULL")
            .fetch_one(&mut conn)
            .await
            .with_context(|| format!("cannot read the schema of `{shown}`"))?;
    if !exists {
        return Ok(0);
    }
    let version: Option<i64> =
        sqlx::query_scalar("SELECT max(version) FROM hctl_schema_migrations")
            .fetch_one(&mut conn)
            .await
            .with_context(|| format!("cannot read the schema version of `{shown}`"))?;
    Ok(version.unwrap_or(0))
}

/// Why rolling back to a release expecting `target` is unsafe with the
/// database at `live`, if it is.
pub fn rollback_risk(live: i64, target: Option<i64>, revision: u64) -> Option<String> {
    match target {
        Some(expected) if live > expected => Some(format!(
            "the database is at schema version {live} but revision {revision} was released for schema version {expected}: \
             its code does not know migrations {}..={live}; restore the database first (`hctl db restore`) or pass --force",
            expected + 1
        )),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn newer_database_is_a_risk() {
        assert!(
            rollback_risk(12, Some(10), 3)
                .unwrap()
                .contains("migrations 11..=12")
        );
        assert_eq!(rollback_risk(10, Some(10), 3), None);
        assert_eq!(rollback_risk(9, Some(10), 3), None);
        assert_eq!(rollback_risk(9, None, 3), None);
    }
}
