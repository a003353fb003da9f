//! Database operations of `hctl db`: backup, restore, verify, prune and health
//! for the environment's database (PostgreSQL or SQLite), with backups kept in a
//! [`crate::storage::Storage`] as described in `catalog`.
//!
//! Nothing here knows about clap; `commands::db` parses and renders.

pub mod backup;
pub mod catalog;
pub mod health;
pub mod inuse;
pub mod manifest;
pub mod pgtools;
pub mod prune;
pub mod restore;
pub mod stats;
pub mod transfer;
pub mod verify;

use std::path::PathBuf;
use std::str::FromStr;
use std::time::Duration;

use anyhow::{Context, Result};
use sqlx::postgres::PgConnectOptions;
use sqlx::sqlite::SqliteConnectOptions;
use sqlx::{ConnectOptions, Connection, PgConnection, Row, SqliteConnection};

use crate::config::redact::redact_url;
use crate::exit::UsageError;

/// How long to wait for a database connection.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// The database an operation works on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// A PostgreSQL connection URL.
    Postgres(String),
    /// A SQLite database file.
    Sqlite(PathBuf),
}

impl Target {
    /// Parse `postgres://…` or `sqlite://FILE` / `sqlite:FILE`.
    pub fn parse(url: &str) -> Result<Self> {
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            return Ok(Target::Postgres(url.to_string()));
        }
        if let Some(rest) = url.strip_prefix("sqlite:") {
            let rest = rest.strip_prefix("//").unwrap_or(rest);
            let path = rest.split('?').next().unwrap_or("");
            if path.is_empty() || path == ":memory:" {
                return Err(UsageError::new(format!(
                    "database `{url}` names no file: backups need an on-disk SQLite database"
                ))
                .into());
            }
            return Ok(Target::Sqlite(PathBuf::from(path)));
        }
        Err(UsageError::new(format!(
            "unsupported database `{}`: expected postgres://… or sqlite://FILE",
            redact_url(url)
        ))
        .into())
    }

    /// For messages: the URL with its password hidden, or the file.
    pub fn describe(&self) -> String {
        match self {
            Target::Postgres(url) => format!("postgres at `{}`", redact_url(url)),
            Target::Sqlite(path) => format!("sqlite file `{}`", path.display()),
        }
    }

    pub fn backend(&self) -> &'static str {
        match self {
            Target::Postgres(_) => "postgres",
            Target::Sqlite(_) => "sqlite",
        }
    }
}

/// Connect to PostgreSQL with a timeout; the error names the (redacted) URL.
pub async fn connect_pg(url: &str) -> Result<PgConnection> {
    let options = PgConnectOptions::from_str(url)
        .with_context(|| format!("invalid database URL `{}`", redact_url(url)))?
        // Checksumming a big table is slow by design; not worth a warning.
        .disable_statement_logging();
    let connect = PgConnection::connect_with(&options);
    match tokio::time::timeout(CONNECT_TIMEOUT, connect).await {
        Ok(result) => result
            .with_context(|| format!("could not connect to postgres at `{}`", redact_url(url))),
        Err(_) => Err(anyhow::anyhow!(
            "could not connect to postgres at `{}`: no answer within {}s",
            redact_url(url),
            CONNECT_TIMEOUT.as_secs()
        )),
    }
}

/// Open an existing SQLite file (never creates one).
pub async fn connect_sqlite(path: &std::path::Path, read_only: bool) -> Result<SqliteConnection> {
    if !path.is_file() {
        return Err(anyhow::anyhow!(
            "sqlite database `{}` does not exist",
            path.display()
        ));
    }
    let options = SqliteConnectOptions::new()
        .filename(path)
        .read_only(read_only)
        .create_if_missing(false)
        .disable_statement_logging();
    SqliteConnection::connect_with(&options)
        .await
        .with_context(|| format!("could not open sqlite database `{}`", path.display()))
}

/// Schema version of a PostgreSQL database: the highest applied migration in
/// `hctl_schema_migrations`, 0 when the table is absent.
pub async fn pg_schema_version(conn: &mut PgConnection) -> Result<i64> {
    let exists: bool = sqlx::query("SELECT to_regclass('hctl_schema_migrations') IS NOT NULL")
        .fetch_one(&mut *conn)
        .await
        .context("could not look for `hctl_schema_migrations`")?
        .get(0);
    if !exists {
        return Ok(0);
    }
    let version: Option<i64> =
        sqlx::query("SELECT max(version)::bigint FROM hctl_schema_migrations")
            .fetch_one(&mut *conn)
            .await
            .context("could not read `hctl_schema_migrations`")?
            .get(0);
    Ok(version.unwrap_or(0))
}

/// Schema version of a SQLite database (same rule as [`pg_schema_version`]).
pub async fn sqlite_schema_version(conn: &mut SqliteConnection) -> Result<i64> {
    let exists: i64 = sqlx::query(
        "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'hctl_schema_migrations'",
    )
    .fetch_one(&mut *conn)
    .await
    .context("could not look for `hctl_schema_migrations`")?
    .get(0);
    if exists == 0 {
        return Ok(0);
    }
    let version: Option<i64> = sqlx::query("SELECT max(version) FROM hctl_schema_migrations")
        .fetch_one(&mut *conn)
        .await
        .context("could not read `hctl_schema_migrations`")?
        .get(0);
    Ok(version.unwrap_or(0))
}

/// `(version text, major)` of the PostgreSQL server.
pub async fn pg_server_version(conn: &mut PgConnection) -> Result<(String, u32)> {
    let row = sqlx::query(
        "SELECT current_setting('server_version'), current_setting('server_version_num')::int",
    )
    .fetch_one(&mut *conn)
    .await
    .context("could not read the server version")?;
    let text: String = row.get(0);
    let num: i32 = row.get(1);
    Ok((text, (num / 10000).max(0) as u32))
}

/// `1.5 GiB`, `12.0 MiB`, `512 B`.
pub fn human_bytes(n: u64) -> String {
    const UNITS: [&str; 5] = ["B", "KiB", "MiB", "GiB", "TiB"];
    let mut value = n as f64;
    let mut unit = 0;
    while value >= 1024.0 && unit < UNITS.len() - 1 {
        value /= 1024.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{n} B")
    } else {
        format!("{value:.1} {}", UNITS[unit])
    }
}

/// `45s`, `12m`, `3h 5m`, `2d 4h`.
pub fn human_age(d: chrono::Duration) -> String {
    let s = d.num_seconds().max(0);
    match s {
        0..60 => format!("{s}s"),
        60..3600 => format!("{}m", s / 60),
        3600..86400 => format!("{}h {}m", s / 3600, s % 3600 / 60),
        _ => format!("{}d {}h", s / 86400, s % 86400 / 3600),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets_parse() {
        assert_eq!(
            Target::parse("sqlite://healthtracker.db").unwrap(),
            Target::Sqlite("healthtracker.db".into())
        );
        assert_eq!(
            Target::parse("sqlite:///var/lib/ht.db?mode=rwc").unwrap(),
            Target::Sqlite("/var/lib/ht.db".into())
        );
        assert!(matches!(
            Target::parse("postgres://u:pw@h/db").unwrap(),
            Target::Postgres(_)
        ));
        assert!(Target::parse("sqlite::memory:").is_err());
        let err = Target::parse("mysql://u:secret@h/db")
            .unwrap_err()
            .to_string();
        assert!(!err.contains("secret"), "{err}");
    }

    #[test]
    fn humans_read_sizes_and_ages() {
        assert_eq!(human_bytes(512), "512 B");
        assert_eq!(human_bytes(3 << 20), "3.0 MiB");
        assert_eq!(
            human_age(chrono::Duration::seconds(3 * 3600 + 300)),
            "3h 5m"
        );
        assert_eq!(human_age(chrono::Duration::seconds(-5)), "0s");
    }
}
