//! `hctl db verify`: is a backup usable? The object exists with the manifest's
//! size and SHA-256, the archive is readable, and with `--deep` it restores into
//! a scratch database whose tables match the manifest (the restore time is the
//! real RTO). Also: compare a live database with the backup it was restored from.

use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use chrono::Utc;

use super::database::{self, Scratch};
use super::manifest::{Manifest, VerifyRecord};
use super::stats::{self, TableCheck};
use super::transfer::{self, Fetched, OnBytes, TempFile};
use super::{Target, catalog, connect_pg, pgtools};
use crate::exit::UsageError;
use crate::report::{Item, Severity, Status};
use crate::storage::Storage;

/// The outcome of checking a backup's bytes.
pub struct Integrity {
    pub items: Vec<Item>,
    /// The downloaded dump, present only when it matched the manifest.
    pub fetched: Option<Fetched>,
}

/// Check that the dump exists, has the manifest's size and SHA-256, and is a
/// readable archive. Nothing outside a private temp file is touched.
pub async fn integrity(
    storage: &Storage,
    manifest: &Manifest,
    on_bytes: OnBytes,
) -> Result<Integrity> {
    let mut items = Vec::new();
    let start = Instant::now();
    let size = storage.head(&manifest.dump_key).await?;
    let (status, detail) = match size {
        None => (
            Status::Fail,
            format!(
                "`{}` is missing from {}",
                manifest.dump_key,
                storage.describe()
            ),
        ),
        Some(n) if n != manifest.size_bytes => (
            Status::Fail,
            format!(
                "`{}` is {n} bytes, manifest says {}",
                manifest.dump_key, manifest.size_bytes
            ),
        ),
        Some(n) => (Status::Pass, format!("{n} bytes")),
    };
    let exists = Item::new(
        "object",
        "dump object exists with the manifest's size",
        Severity::Critical,
        status,
        start.elapsed(),
        detail,
    );
    let object_ok = exists.status == Status::Pass;
    items.push(exists);
    if !object_ok {
        items.push(skipped("sha256", "dump matches the manifest's SHA-256"));
        items.push(skipped("archive", "archive is readable"));
        return Ok(Integrity {
            items,
            fetched: None,
        });
    }

    let start = Instant::now();
    let fetched = transfer::fetch(storage, manifest, on_bytes).await?;
    let (status, detail) = match fetched.problem(manifest) {
        Some(problem) => (Status::Fail, problem),
        None => (Status::Pass, fetched.sha256.clone()),
    };
    items.push(Item::new(
        "sha256",
        "dump matches the manifest's SHA-256",
        Severity::Critical,
        status,
        start.elapsed(),
        detail,
    ));
    if status != Status::Pass {
        items.push(skipped("archive", "archive is readable"));
        return Ok(Integrity {
            items,
            fetched: None,
        });
    }

    let start = Instant::now();
    let readable = readable(manifest, &fetched).await;
    let ok = readable.is_ok();
    items.push(Item::new(
        "archive",
        "archive is readable",
        Severity::Critical,
        if ok { Status::Pass } else { Status::Fail },
        start.elapsed(),
        match readable {
            Ok(detail) => detail,
            Err(err) => format!("{err:#}"),
        },
    ));
    Ok(Integrity {
        items,
        fetched: ok.then_some(fetched),
    })
}

fn skipped(id: &str, title: &str) -> Item {
    Item::new(
        id,
        title,
        Severity::Critical,
        Status::Skip,
        Duration::ZERO,
        "not checked: an earlier check failed",
    )
}

/// `pg_restore --list` for PostgreSQL, `PRAGMA integrity_check` for SQLite.
async fn readable(manifest: &Manifest, fetched: &Fetched) -> Result<String> {
    if manifest.backend == "sqlite" {
        let mut conn = super::connect_sqlite(fetched.path(), true).await?;
        let verdict: (String,) = sqlx::query_as("PRAGMA integrity_check")
            .fetch_one(&mut conn)
            .await
            .context("could not run `PRAGMA integrity_check`")?;
        return if verdict.0 == "ok" {
            Ok("sqlite integrity_check: ok".into())
        } else {
            Err(anyhow::anyhow!("sqlite integrity_check: {}", verdict.0))
        };
    }
    let out = pgtools::supervised("pg_restore")
        .arg("--list")
        .arg(fetched.path())
        .output()
        .await
        .context("could not run `pg_restore`: install the PostgreSQL client tools")?;
    if !out.status.success() {
        return Err(anyhow::anyhow!(
            "`pg_restore --list` failed: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        ));
    }
    let entries = String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter(|l| !l.starts_with(';') && !l.trim().is_empty())
        .count();
    Ok(format!("pg_restore --list: {entries} entries"))
}

/// Report items for a table-by-table comparison with the manifest.
pub fn table_items(checks: &[TableCheck], against: &str) -> Vec<Item> {
    checks
        .iter()
        .map(|check| {
            let (status, detail) = match &check.problem {
                None => (Status::Pass, format!("rows and checksum match {against}")),
                Some(problem) => (Status::Fail, problem.clone()),
            };
            Item::new(
                format!("table:{}", check.name),
                format!("table `{}` matches {against}", check.name),
                Severity::Critical,
                status,
                Duration::ZERO,
                detail,
            )
            .in_section("tables")
        })
        .collect()
}

/// Verify a backup; `deep_on` is the environment's database when `--deep`
/// (its server hosts the scratch database). Records the result beside the backup.
pub async fn backup(
    storage: &Storage,
    manifest: &Manifest,
    deep_on: Option<&Target>,
    on_bytes: OnBytes,
) -> Result<Vec<Item>> {
    let Integrity { mut items, fetched } = integrity(storage, manifest, on_bytes).await?;
    let mut restore_ms = None;
    if let Some(target) = deep_on {
        match &fetched {
            Some(fetched) => {
                let start = Instant::now();
                match scratch_restore(target, manifest, fetched).await {
                    Ok((took, tables)) => {
                        restore_ms = Some(crate::report::millis(took));
                        items.push(Item::new(
                            "restore",
                            "restores into a scratch database",
                            Severity::Critical,
                            Status::Pass,
                            took,
                            format!("restored in {:.1}s (RTO)", took.as_secs_f64()),
                        ));
                        items.extend(table_items(
                            &stats::compare(&manifest.tables, &tables),
                            "the manifest",
                        ));
                    }
                    Err(err) => items.push(Item::new(
                        "restore",
                        "restores into a scratch database",
                        Severity::Critical,
                        Status::Fail,
                        start.elapsed(),
                        format!("{err:#}"),
                    )),
                }
            }
            None => items.push(skipped("restore", "restores into a scratch database")),
        }
    }
    let ok = items.iter().all(|i| !i.status.is_failure());
    let record = VerifyRecord {
        verified_at: Utc::now(),
        ok,
        deep: deep_on.is_some(),
        restore_ms,
    };
    if let Err(err) = catalog::record_verified(storage, &manifest.id, &record).await {
        tracing::warn!("could not record the verification: {err:#}");
    }
    Ok(items)
}

/// Restore into a throwaway database, read its tables, drop it.
async fn scratch_restore(
    target: &Target,
    manifest: &Manifest,
    fetched: &Fetched,
) -> Result<(Duration, Vec<super::manifest::TableStat>)> {
    if manifest.backend != target.backend() {
        anyhow::bail!(
            "backup `{}` is a {} backup; it cannot be restored into {}",
            manifest.id,
            manifest.backend,
            target.describe()
        );
    }
    match target {
        Target::Sqlite(_) => {
            let copy = TempFile::new("sqlite-verify");
            let start = Instant::now();
            tokio::fs::copy(fetched.path(), &copy.path)
                .await
                .with_context(|| format!("could not copy to `{}`", copy.path.display()))?;
            let took = start.elapsed();
            let (_, _, tables) = super::backup::sqlite_facts(&copy.path).await?;
            Ok((took, tables))
        }
        Target::Postgres(url) => {
            let scratch = Scratch::create(url).await?;
            let result = async {
                let took = pgtools::pg_restore(&scratch.url, fetched.path(), false).await?;
                let mut conn = connect_pg(&scratch.url).await?;
                let tables = stats::pg(&mut conn).await?;
                let _ = sqlx::Connection::close(conn).await;
                anyhow::Ok((took, tables))
            }
            .await;
            let dropped = scratch.drop().await;
            let out = result?;
            dropped?;
            Ok(out)
        }
    }
}

/// Compare a live database with the backup it was restored from.
pub async fn live(target: &Target, storage: &Storage) -> Result<Vec<Item>> {
    let Target::Postgres(url) = target else {
        return Err(UsageError::new(
            "a SQLite database does not record the backup it was restored from: pass --backup-id latest|ID",
        ).into());
    };
    let start = Instant::now();
    let mut conn = connect_pg(url).await?;
    let Some(id) = database::restored_from(&mut conn).await? else {
        return Err(UsageError::new(format!(
            "{} was not restored by hctl, so there is no backup to compare it with: pass --backup-id latest|ID to check a backup",
            target.describe()
        )).into());
    };
    let manifest = catalog::resolve(storage, &id).await?.manifest;
    let tables = stats::pg(&mut conn).await?;
    let mut items = vec![Item::new(
        "restored-from",
        "database was restored from a known backup",
        Severity::Critical,
        Status::Pass,
        start.elapsed(),
        format!("backup `{id}` taken {}", manifest.started_at.to_rfc3339()),
    )];
    items.extend(table_items(
        &stats::compare(&manifest.tables, &tables),
        "the backup",
    ));
    Ok(items)
}
