//! `hctl db restore`: put a backup back. Order matters for safety: the target's
//! schema version and its other users are checked first (read only: a target
//! in use is refused unless `--force`), the dump is downloaded and its size and
//! SHA-256 checked against the manifest BEFORE the target is touched, then a
//! safety backup of the target is taken (so the restore can be undone), then
//! PostgreSQL restores in one transaction stopping at the first error (so a
//! failure leaves the target as it was), and the result is compared with the
//! manifest table by table. The restored database remembers its backup id, so
//! `hctl db verify` can later compare it with that backup.

use std::time::{Duration, Instant};

use anyhow::{Context, Result};

use super::manifest::{Kind, Manifest};
use super::transfer::{Fetched, OnBytes};
use super::verify::{self, Integrity};
use super::{Target, connect_pg, database, inuse, pgtools, stats};
use crate::exit::UsageError;
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
    /// Other sessions or processes using the target (allowed only with `force`).
    pub users: Vec<String>,
}

/// Check the target (read only) and refuse a restore over a newer schema, or
/// over a database others are using, unless `force`.
pub async fn prepare(manifest: Manifest, target: Target, force: bool) -> Result<Plan> {
    if manifest.backend != target.backend() {
        return Err(UsageError::new(format!(
            "backup `{}` is a {} backup; it cannot be restored into {}",
            manifest.id,
            manifest.backend,
            target.describe()
        ))
        .into());
    }
    let (target_schema, create, users) = match &target {
        Target::Postgres(url) => match connect_pg(url).await {
            Ok(mut conn) => {
                let schema = super::pg_schema_version(&mut conn).await?;
                (schema, false, inuse::postgres(&mut conn).await?)
            }
            Err(err) if missing_database(&err) => (0, true, Vec::new()),
            Err(err) => return Err(err),
        },
        Target::Sqlite(path) if path.exists() => {
            let schema = {
                let mut conn = super::connect_sqlite(path, true).await?;
                super::sqlite_schema_version(&mut conn).await?
            };
            let probe = path.clone();
            let users = tokio::task::spawn_blocking(move || inuse::sqlite(&probe))
                .await
                .context("the in-use probe stopped")??;
            (schema, false, users)
        }
        Target::Sqlite(_) => (0, true, Vec::new()),
    };
    if !users.is_empty() && !force {
        return Err(UsageError::new(format!(
            "refusing to restore backup `{}` over {}: it is in use by {} other {}: {}; \
             stop them first (e.g. scale the Deployment to 0) or pass --force",
            manifest.id,
            target.describe(),
            users.len(),
            match &target {
                Target::Postgres(_) => "session(s)",
                Target::Sqlite(_) => "process(es)",
            },
            users.join("; ")
        ))
        .into());
    }
    if target_schema > manifest.schema_version && !force {
        return Err(UsageError::new(format!(
            "refusing to restore backup `{}` (schema version {}) over {} which has schema version {target_schema}: \
             the data would not match the code that migrated it; pass --force to restore anyway",
            manifest.id,
            manifest.schema_version,
            target.describe()
        )).into());
    }
    Ok(Plan {
        manifest,
        target,
        target_schema,
        create,
        users,
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

/// Download the backup and check it against its manifest; nothing outside a
/// private temp file is touched.
pub async fn check(plan: &Plan, storage: &Storage, on_bytes: OnBytes) -> Result<Integrity> {
    verify::integrity(storage, &plan.manifest, on_bytes).await
}

/// Back the target up (a `safety` backup) before it is overwritten, so the
/// restore can be undone with `hctl db restore --backup-id <its id>`.
pub async fn safety_backup(plan: &Plan, storage: &Storage, on_bytes: OnBytes) -> Result<Manifest> {
    let note = format!(
        "safety backup of {} before restoring `{}`",
        plan.target.describe(),
        plan.manifest.id
    );
    super::backup::run(&plan.target, storage, Some(note), Kind::Safety, on_bytes)
        .await
        .with_context(|| {
            format!(
                "could not take a safety backup of {}; nothing was restored \
                 (pass --no-safety-backup to restore without one)",
                plan.target.describe()
            )
        })
}

/// Restore a checked backup. When the check failed, a refused item comes back
/// with the target untouched; a failed restore is an error (target unchanged).
pub async fn apply(plan: &Plan, checked: Integrity) -> Result<Vec<Item>> {
    let Integrity { mut items, fetched } = checked;
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
    let tables = write(plan, &fetched).await?;
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

async fn write(plan: &Plan, fetched: &Fetched) -> Result<Vec<super::manifest::TableStat>> {
    match &plan.target {
        Target::Postgres(url) => {
            if plan.create {
                database::create(url).await?;
            }
            pgtools::pg_restore(url, fetched.path(), true)
                .await
                .with_context(|| {
                    format!(
                        "restore into {} failed; it was rolled back",
                        plan.target.describe()
                    )
                })?;
            let mut conn = connect_pg(url).await?;
            database::mark(&mut conn, &plan.manifest.id).await?;
            stats::pg(&mut conn).await
        }
        Target::Sqlite(path) => {
            replace_sqlite(fetched.path(), path).await?;
            Ok(super::backup::sqlite_facts(path).await?.2)
        }
    }
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
    // The copy has the private temp file's mode; keep the target's own.
    if let Ok(meta) = tokio::fs::metadata(target).await {
        let _ = tokio::fs::set_permissions(&tmp, meta.permissions()).await;
    }
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
