//! Database operations of `hctl db`: backup, restore, verify, prune and health
//! for the environment's database (PostgreSQL or SQLite), with backups kept in a
//! [`crate::storage::Storage`] as described in `catalog`; physical backups, WAL
//! archiving and point-in-time recovery through pgBackRest (`pgbackrest`,
//! `physical`, `wal`, `pitr`).
//!
//! Nothing here knows about clap; `commands::db` parses and renders.

pub mod backup;
pub mod catalog;
pub mod database;
pub mod health;
pub mod inuse;
pub mod manifest;
pub mod pgbackrest;
pub mod pgtools;
pub mod physical;
pub mod pitr;
pub mod prune;
pub mod restore;
pub mod stats;
pub mod transfer;
pub mod verify;
pub mod wal;

use std::path::PathBuf;

use anyhow::{Context, Result};
use sqlx::sqlite::SqliteConnectOptions;
use sqlx::{ConnectOptions, Connection, PgConnection, Row, SqliteConnection};

use crate::config::redact::redact_url;
use crate::exit::UsageError;
use crate::store::{Backend, DbUrl};

pub use crate::store::url::CONNECT_TIMEOUT;

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
        let parsed = DbUrl::parse(url)?;
        match parsed.backend() {
            Backend::Postgres => Ok(Target::Postgres(url.to_string())),
            Backend::Sqlite => parsed.sqlite_file().map(Target::Sqlite).ok_or_else(|| {
                UsageError::new(format!(
                    "database `{parsed}` names no file: backups need an on-disk SQLite database"
                ))
                .into()
            }),
        }
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

/// Connect to PostgreSQL within [`CONNECT_TIMEOUT`]; the error names the
/// (redacted) URL.
pub async fn connect_pg(url: &str) -> Result<PgConnection> {
    DbUrl::parse(url)?.connect_pg().await
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

pub use crate::store::migrate::{pg_schema_version, sqlite_schema_version};

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
