//! `hctl db restore`: put a backup back. Order matters for safety: the target's
//! schema version is checked first (read only), the dump is downloaded and its
//! size and SHA-256 checked against the manifest BEFORE the target is touched,
//! then PostgreSQL restores in one transaction stopping at the first error (so a
//! failure leaves the target as it was), and the result is compared with the
//! manifest table by table. The restored database remembers its backup id, so
//! `hctl db verify` can later compare it with that backup.

use std::time::{Duration, Instant};

use anyhow::{Context, Result, anyhow};
use chrono::Utc;
use indicatif::ProgressBar;
use sqlx::Row;

use super::manifest::Manifest;
use super::verify::{self, Integrity};
use super::{Target, connect_pg, stats};
use crate::exit::usage;
use crate::report::{Item, Severity, Status};
use crate::storage::Storage;

/// What a restore will do, decided before anything is changed.
#[derive(Debug)]
pub struct Plan {
    pub manifest: Manifest,
    pub target: Target,
    /// Schema version of the target now (0 when empty or absent).
    pub target_schema: i64,
    /// The target PostgreSQL database does not exist and will be created.
    pub create: bool,
}

/// Check the target (read only) and refuse a restore over a newer schema
/// unless `force`.
pub async fn prepare(manifest: Manifest, target: Target, force: bool) -> Result<Plan> {
    if manifest.backend != target.backend() {
        return Err(usage(format!(
            "backup `{}` is a {} backup; it cannot be restored into {}",
            manifest.id,
            manifest.backend,
            target.describe()
        )));
    }
    let (target_schema, create) = match &target {
        Target::Postgres(url) => match connect_pg(url).await {
            Ok(mut conn) => (super::pg_schema_version(&mut conn).await?, false),
            Err(err) if missing_database(&err) => (0, true),
            Err(err) => return Err(err),
        },
        Target::Sqlite(path) if path.exists() => {
            let mut conn = super::connect_sqlite(path, true).await?;
            (super::sqlite_schema_version(&mut conn).await?, false)
        }
        Target::Sqlite(_) => (0, true),
    };
    if target_schema > manifest.schema_version && !force {
        return Err(usage(format!(
            "refusing to restore backup `{}` (schema version {}) over {} which has schema version {target_schema}: \
             the data would not match the code that migrated it; pass --force to restore anyway",
            manifest.id,
            manifest.schema_version,
            target.describe()
        )));
    }
    Ok(Plan {
        manifest,
        target,
        target_schema,
        create,
    })
}

fn missing_database(err: &anyhow::Error) -> bool {
    err.chain().any(|cause| {
        cause
            .downcast_ref::<sqlx::Error>()
            .and_then(|e| e.as_database_error())
            .and_then(|e| e.code())
            .is_some_and(|code| code == "3D000")
    })
}

/// Run a prepared restore. Integrity failures come back as failed items with
/// the target untouched; a failed restore is an error (target unchanged).
pub async fn execute(plan: &Plan, storage: &Storage, bar: ProgressBar) -> Result<Vec<Item>> {
    let Integrity { mut items, fetched } = verify::integrity(storage, &plan.manifest, bar).await?;
    let Some(fetched) = fetched else {
        items.push(Item::new(
            "restore",
            "backup restored",
            Severity::Critical,
            Status::Skip,
            Duration::ZERO,
            format!(
                "refused: the backup failed its integrity check; {} was not touched",
                plan.target.describe()
            ),
        ));
        return Ok(items);
    };
    let start = Instant::now();
    let tables = match &plan.target {
        Target::Postgres(url) => {
            if plan.create {
                create_database(url).await?;
            }
            verify::pg_restore(url, fetched.path(), true)
                .await
                .with_context(|| {
                    format!(
                        "restore into {} failed; it was rolled back",
                        plan.target.describe()
                    )
                })?;
            let mut conn = connect_pg(url).await?;
            mark(&mut conn, &plan.manifest.id).await?;
            stats::pg(&mut conn).await?
        }
        Target::Sqlite(path) => {
            replace_sqlite(fetched.path(), path).await?;
            super::backup::sqlite_facts(path).await?.2
        }
    };
    items.push(Item::new(
        "restore",
        "backup restored",
        Severity::Critical,
        Status::Pass,
        start.elapsed(),
        format!(
            "backup `{}` restored into {} in {:.1}s",
            plan.manifest.id,
            plan.target.describe(),
            start.elapsed().as_secs_f64()
        ),
    ));
    items.extend(verify::table_items(
        &stats::compare(&plan.manifest.tables, &tables),
        "the backup",
    ));
    Ok(items)
}

/// `url` with its database name replaced.
pub fn with_database(url: &str, name: &str) -> Result<String> {
    let mut parsed = url::Url::parse(url).with_context(|| {
        format!(
            "invalid database URL `{}`",
            crate::config::redact::redact_url(url)
        )
    })?;
    parsed.set_path(&format!("/{name}"));
    Ok(parsed.to_string())
}

fn database_name(url: &str) -> Result<String> {
    let parsed = url::Url::parse(url).map_err(|e| anyhow!("invalid database URL: {e}"))?;
    let name = parsed.path().trim_start_matches('/');
    if name.is_empty() {
        return Err(usage("the target URL names no database"));
    }
    Ok(name.to_string())
}

async fn create_database(url: &str) -> Result<()> {
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
async fn mark(conn: &mut sqlx::PgConnection, id: &str) -> Result<()> {
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
pub async fn restored_from(conn: &mut sqlx::PgConnection) -> Result<Option<String>> {
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

/// Swap a verified SQLite snapshot in for `target` (atomic rename in the same
/// directory; the old WAL and shared-memory files belong to the old file).
async fn replace_sqlite(snapshot: &std::path::Path, target: &std::path::Path) -> Result<()> {
    let dir = target
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(std::path::Path::new("."));
    let tmp = dir.join(format!(".hctl-restore-{}", uuid::Uuid::new_v4().simple()));
    tokio::fs::copy(snapshot, &tmp)
        .await
        .with_context(|| format!("could not write `{}`", tmp.display()))?;
    if let Err(err) = tokio::fs::rename(&tmp, target).await {
        let _ = tokio::fs::remove_file(&tmp).await;
        return Err(err).with_context(|| format!("could not replace `{}`", target.display()));
    }
    for suffix in ["-wal", "-shm"] {
        let mut side = target.as_os_str().to_owned();
        side.push(suffix);
        let _ = tokio::fs::remove_file(&side).await;
    }
    Ok(())
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
