//! Schema versions: the one this hctl's release expects (recorded on the pod
//! template by `rollout apply`) and the one the live database is at
//! (`SELECT max(version) FROM hctl_schema_migrations`; no table → 0), compared
//! before a rollback.

use anyhow::Result;

use crate::store::{Backend, DbUrl, migrate};

/// The latest migration version compiled into this hctl: what a release of
/// it expects, recorded on the pod template by `rollout apply`.
pub fn latest_known() -> Option<i64> {
    Some(migrate::latest_known())
}

/// The schema version of the database at `url` (PostgreSQL or SQLite). A
/// missing SQLite file is an empty database (0); nothing is created.
pub async fn live_version(url: &str) -> Result<i64> {
    let url = DbUrl::parse(url)?;
    let read = |e: anyhow::Error| e.context(format!("cannot read the schema version of `{url}`"));
    match url.backend() {
        Backend::Sqlite => {
            let options = url.sqlite_options()?.read_only(true);
            if !options.get_filename().exists() {
                return Ok(0);
            }
            let mut conn = url.connect_sqlite(options).await?;
            migrate::sqlite_schema_version(&mut conn)
                .await
                .map_err(read)
        }
        Backend::Postgres => {
            let mut conn = url.connect_pg().await?;
            migrate::pg_schema_version(&mut conn).await.map_err(read)
        }
    }
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

    #[tokio::test]
    async fn sqlite_versions() {
        use sqlx::Connection;
        use sqlx::sqlite::{SqliteConnectOptions, SqliteConnection};
        use std::str::FromStr;
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}", dir.path().join("app.db").display());
        assert_eq!(
            live_version(&url).await.unwrap(),
            0,
            "missing file: empty database"
        );
        let options = SqliteConnectOptions::from_str(&url)
            .unwrap()
            .create_if_missing(true);
        let mut conn = SqliteConnection::connect_with(&options).await.unwrap();
        sqlx::query("CREATE TABLE other (x INTEGER)")
            .execute(&mut conn)
            .await
            .unwrap();
        assert_eq!(live_version(&url).await.unwrap(), 0, "no history table");
        sqlx::query(
            "CREATE TABLE hctl_schema_migrations (version BIGINT PRIMARY KEY, name TEXT NOT NULL)",
        )
        .execute(&mut conn)
        .await
        .unwrap();
        assert_eq!(live_version(&url).await.unwrap(), 0, "empty history");
        sqlx::query("INSERT INTO hctl_schema_migrations VALUES (1, 'a'), (4, 'b')")
            .execute(&mut conn)
            .await
            .unwrap();
        assert_eq!(live_version(&url).await.unwrap(), 4);
    }

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
