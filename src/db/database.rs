//! Whole PostgreSQL databases on one server: a URL naming a sibling database,
//! creating one (a restore into a database that does not exist yet), the
//! throwaway [`Scratch`] database a verification restores into, and the mark
//! that records which backup a database was restored from.

use anyhow::{Context, Result, anyhow};
use chrono::Utc;
use sqlx::{PgConnection, Row};

use super::connect_pg;
use crate::config::redact::redact_url;
use crate::exit::UsageError;

/// `url` with its database name replaced.
pub fn with_database(url: &str, name: &str) -> Result<String> {
    let mut parsed = url::Url::parse(url)
        .with_context(|| format!("invalid database URL `{}`", redact_url(url)))?;
    parsed.set_path(&format!("/{name}"));
    Ok(parsed.to_string())
}

fn database_name(url: &str) -> Result<String> {
    let parsed = url::Url::parse(url).map_err(|e| anyhow!("invalid database URL: {e}"))?;
    let name = parsed.path().trim_start_matches('/');
    if name.is_empty() {
        return Err(UsageError::new("the target URL names no database").into());
    }
    Ok(name.to_string())
}

pub async fn create(url: &str) -> Result<()> {
    let name = database_name(url)?;
    let mut admin = connect_pg(&with_database(url, "postgres")?).await?;
    sqlx::query(sqlx::AssertSqlSafe(format!(
        "CREATE DATABASE \"{}\"",
        name.replace('"', "\"\"")
    )))
    .execute(&mut admin)
    .await
    .with_context(|| format!("could not create database `{name}`"))?;
    Ok(())
}

const MARK: &str = "hctl: restored from backup ";

/// Remember which backup a database was restored from (a database comment:
/// not part of any dump, invisible to the application).
pub async fn mark(conn: &mut PgConnection, id: &str) -> Result<()> {
    let name: String = sqlx::query("SELECT current_database()")
        .fetch_one(&mut *conn)
        .await?
        .get(0);
    let comment = format!("{MARK}{id} at {}", Utc::now().to_rfc3339());
    sqlx::query(sqlx::AssertSqlSafe(format!(
        "COMMENT ON DATABASE \"{}\" IS '{}'",
        name.replace('"', "\"\""),
        comment.replace('\'', "''")
    )))
    .execute(&mut *conn)
    .await
    .context("could not record the restored backup id")?;
    Ok(())
}

/// The backup id a PostgreSQL database was restored from, if hctl restored it.
pub async fn restored_from(conn: &mut PgConnection) -> Result<Option<String>> {
    let comment: Option<String> = sqlx::query(
        "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = current_database()",
    )
    .fetch_one(&mut *conn)
    .await
    .context("could not read the database comment")?
    .get(0);
    Ok(comment
        .as_deref()
        .and_then(|c| c.strip_prefix(MARK))
        .and_then(|rest| rest.split_whitespace().next())
        .map(str::to_string))
}

/// A throwaway database (`hctl_verify_…`) on the server of a URL, reached
/// at [`Scratch::url`]; [`Scratch::drop`] removes it, whatever was left
/// connected to it.
pub struct Scratch {
    admin: PgConnection,
    pub name: String,
    pub url: String,
}

impl Scratch {
    /// Create a scratch database beside the one `url` names.
    pub async fn create(url: &str) -> Result<Self> {
        let name = format!(
            "hctl_verify_{}",
            &uuid::Uuid::new_v4().simple().to_string()[..12]
        );
        let scratch_url = with_database(url, &name)?;
        let mut admin = connect_pg(url).await?;
        sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE \"{name}\"")))
            .execute(&mut admin)
            .await
            .with_context(|| format!("could not create the scratch database `{name}`"))?;
        Ok(Scratch {
            admin,
            name,
            url: scratch_url,
        })
    }

    /// Drop the scratch database.
    pub async fn drop(mut self) -> Result<()> {
        let name = &self.name;
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"
        )))
        .execute(&mut self.admin)
        .await
        .with_context(|| format!("could not drop the scratch database `{name}`"))?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn database_names_are_swapped() {
        assert_eq!(
            with_database("postgres://u:p@h:5432/app?sslmode=disable", "scratch").unwrap(),
            "postgres://u:p@h:5432/scratch?sslmode=disable"
        );
        assert_eq!(database_name("postgres://h/app").unwrap(), "app");
        assert!(database_name("postgres://h").is_err());
    }
}
