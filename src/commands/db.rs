//! `hctl db backup | backups | restore | verify | prune | health` for the
//! selected environment's database and backup storage.

use std::time::{Duration, Instant};

use anyhow::Result;
use chrono::{DateTime, Utc};
use clap::{Args, Subcommand};
use comfy_table::Cell;
use serde::Serialize;

use super::Ctx;
use crate::db::manifest::{Manifest, VerifyRecord};
use crate::db::{self, Target, catalog, health, human_age, human_bytes, prune, restore, verify};
use crate::exit::{Exit, usage};
use crate::output::{self, Format};
use crate::report::{Item, Report, Severity};
use crate::storage::Storage;
use crate::ui::{confirm::confirm, progress::Progress};

#[derive(Debug, Subcommand)]
pub enum DbCommand {
    /// Apply the embedded migrations (one transaction each, under an advisory
    /// lock on PostgreSQL so concurrent migrators apply each one once)
    Migrate(super::migrate::MigrateArgs),
    /// Show every migration's state: applied, pending, missing or changed
    Status,
    /// Back up the environment's database into its backup storage (`storage`
    /// setting); the manifest is written last, so a failed backup never counts
    Backup(BackupArgs),
    /// List the backups in the environment's storage, newest first
    Backups,
    /// Restore a backup over the environment's database (or into --into URL),
    /// after checking its SHA-256; asks first unless --yes
    Restore(RestoreArgs),
    /// Check a backup: object present, size and SHA-256 match, archive readable;
    /// --deep also restores it into a scratch database and compares every table
    Verify(VerifyArgs),
    /// Delete old backups, keeping the newest --keep N (and those younger than
    /// --keep-days); asks first unless --yes
    Prune(PruneArgs),
    /// Check the database: reachable, version, schema, connections, replication,
    /// latest backup age; exit 1 when unhealthy
    Health(HealthArgs),
}

#[derive(Debug, Args)]
pub struct BackupArgs {
    /// A note stored in the manifest (e.g. "before v2.3 migration")
    #[arg(long)]
    pub note: Option<String>,
}

#[derive(Debug, Args)]
pub struct RestoreArgs {
    /// Backup to restore: `latest` or an id from `hctl db backups`
    #[arg(long, value_name = "latest|ID")]
    pub backup_id: String,
    /// Restore into this database URL instead (created when it does not exist)
    #[arg(long, value_name = "URL")]
    pub into: Option<String>,
    /// Restore even when the target's schema version is newer than the backup's
    #[arg(long)]
    pub force: bool,
}

#[derive(Debug, Args)]
pub struct VerifyArgs {
    /// Backup to check: `latest` or an id; without it, compare the live
    /// database with the backup it was restored from
    #[arg(long, value_name = "latest|ID")]
    pub backup_id: Option<String>,
    /// Also restore into a scratch database, compare row counts and checksums
    /// table by table, and record the restore time (the real RTO)
    #[arg(long)]
    pub deep: bool,
}

#[derive(Debug, Args)]
pub struct PruneArgs {
    /// Keep this many newest backups (at least 1: prune never deletes them all)
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..))]
    pub keep: u16,
    /// Also keep every backup younger than this many days
    #[arg(long, value_name = "D")]
    pub keep_days: Option<u32>,
}

#[derive(Debug, Args)]
pub struct HealthArgs {
    /// Lowest PostgreSQL major version that passes (older gives a warning)
    #[arg(long, value_name = "MAJOR", default_value_t = 16)]
    pub min_version: u32,
    /// The latest backup must be younger than this many hours
    #[arg(long, value_name = "HOURS", default_value_t = 24)]
    pub max_backup_age: u64,
}

pub async fn run(ctx: &Ctx, cmd: DbCommand) -> Result<Exit> {
    match cmd {
        DbCommand::Migrate(args) => super::migrate::migrate(ctx, args).await,
        DbCommand::Status => super::migrate::status(ctx).await,
        DbCommand::Backup(args) => backup(ctx, args).await,
        DbCommand::Backups => backups(ctx).await,
        DbCommand::Restore(args) => restore(ctx, args).await,
        DbCommand::Verify(args) => verify(ctx, args).await,
        DbCommand::Prune(args) => prune(ctx, args).await,
        DbCommand::Health(args) => health(ctx, args).await,
    }
}

fn target(ctx: &Ctx) -> Result<Target> {
    Target::parse(ctx.settings()?.require("database_url")?)
}

fn storage(ctx: &Ctx) -> Result<Storage> {
    Storage::from_settings(ctx.settings()?)
}

fn table_or_json(ctx: &Ctx, command: &str) -> Result<()> {
    match ctx.format() {
        Format::Table | Format::Json => Ok(()),
        other => Err(usage(format!(
            "`hctl db {command}` supports -o table|json, not {}",
            other.as_str()
        ))),
    }
}

/// Render a report; exit 1 when a critical item failed.
fn render(
    ctx: &Ctx,
    title: &str,
    started_at: DateTime<Utc>,
    started: Instant,
    items: Vec<Item>,
) -> Result<Exit> {
    let environment = ctx.settings().ok().map(|s| s.env.clone());
    let report = Report::new(title, environment, started_at, started.elapsed(), items);
    let mut out = Vec::new();
    report.render(ctx.format(), &ctx.style, &mut out)?;
    output::print(&String::from_utf8_lossy(&out))?;
    Ok(if report.passed(Severity::Critical) {
        Exit::Success
    } else {
        Exit::Failed
    })
}

async fn backup(ctx: &Ctx, args: BackupArgs) -> Result<Exit> {
    table_or_json(ctx, "backup")?;
    let (target, storage) = (target(ctx)?, storage(ctx)?);
    let progress = Progress::new(&ctx.style);
    let bar = progress.bytes(None, format!("backing up {}", target.describe()));
    let manifest = db::backup::run(&target, &storage, args.note, bar.clone()).await;
    bar.finish_and_clear();
    let manifest = manifest?;
    if ctx.format() == Format::Json {
        output::print_json(&manifest)?;
        return Ok(Exit::Success);
    }
    let took = (manifest.finished_at - manifest.started_at)
        .to_std()
        .unwrap_or_default();
    let rows: i64 = manifest.tables.iter().map(|t| t.rows).sum();
    let mut table = ctx.style.table(&[
        "BACKUP", "SIZE", "TABLES", "ROWS", "SCHEMA", "TOOK", "STORAGE",
    ]);
    table.add_row(vec![
        Cell::new(&manifest.id),
        Cell::new(human_bytes(manifest.size_bytes)),
        Cell::new(manifest.tables.len()),
        Cell::new(rows),
        Cell::new(manifest.schema_version),
        Cell::new(format!("{:.1}s", took.as_secs_f64())),
        Cell::new(storage.describe()),
    ]);
    output::print_table(&table)?;
    Ok(Exit::Success)
}

#[derive(Serialize)]
struct Listed {
    #[serde(flatten)]
    manifest: Manifest,
    verified: Option<VerifyRecord>,
}

async fn backups(ctx: &Ctx) -> Result<Exit> {
    table_or_json(ctx, "backups")?;
    let storage = storage(ctx)?;
    let (complete, incomplete) = catalog::scan(&storage).await?;
    if !incomplete.is_empty() {
        let ids: Vec<_> = incomplete.iter().map(|i| i.id.as_str()).collect();
        output::note(
            &ctx.style,
            &format!(
                "ignored {} incomplete backup(s) without a manifest (failed, interrupted or still running; not usable): {}",
                ids.len(),
                ids.join(", ")
            ),
        );
    }
    let mut listed = Vec::new();
    for manifest in complete {
        let verified = catalog::verified(&storage, &manifest.id).await;
        listed.push(Listed { manifest, verified });
    }
    if ctx.format() == Format::Json {
        output::print_json(&listed)?;
        return Ok(Exit::Success);
    }
    if listed.is_empty() {
        output::note(&ctx.style, &format!("no backups in {}", storage.describe()));
        return Ok(Exit::Success);
    }
    let now = Utc::now();
    let mut table = ctx
        .style
        .table(&["ID", "TIME", "SIZE", "AGE", "NOTE", "VERIFIED"]);
    for entry in &listed {
        let m = &entry.manifest;
        table.add_row(vec![
            Cell::new(&m.id),
            Cell::new(m.started_at.format("%Y-%m-%d %H:%M:%S UTC")),
            Cell::new(human_bytes(m.size_bytes)),
            Cell::new(human_age(now - m.finished_at)),
            Cell::new(m.note.as_deref().unwrap_or("")),
            Cell::new(verified_text(entry.verified.as_ref())),
        ]);
    }
    output::print_table(&table)?;
    Ok(Exit::Success)
}

fn verified_text(record: Option<&VerifyRecord>) -> String {
    match record {
        None => "no".into(),
        Some(r) if !r.ok => format!("FAILED {}", r.verified_at.format("%Y-%m-%d %H:%M")),
        Some(r) => match r.restore_ms {
            Some(ms) => format!("deep, RTO {:.1}s", ms as f64 / 1000.0),
            None => "yes".into(),
        },
    }
}

async fn restore(ctx: &Ctx, args: RestoreArgs) -> Result<Exit> {
    let (started_at, started) = (Utc::now(), Instant::now());
    let storage = storage(ctx)?;
    let target = match &args.into {
        Some(url) => Target::parse(url)?,
        None => target(ctx)?,
    };
    let manifest = catalog::resolve(&storage, &args.backup_id).await?;
    let plan = restore::prepare(manifest, target, args.force).await?;
    if !plan.create {
        let env = &ctx.settings()?.env;
        confirm(
            &format!(
                "restore backup `{}` over {} (environment `{env}`, schema version {} → {})",
                plan.manifest.id,
                plan.target.describe(),
                plan.target_schema,
                plan.manifest.schema_version
            ),
            ctx.global.yes,
        )?;
    }
    let progress = Progress::new(&ctx.style);
    let bar = progress.bytes(
        Some(plan.manifest.size_bytes),
        "downloading and checking the backup",
    );
    let items = restore::execute(&plan, &storage, bar.clone()).await;
    bar.finish_and_clear();
    render(ctx, "db restore", started_at, started, items?)
}

async fn verify(ctx: &Ctx, args: VerifyArgs) -> Result<Exit> {
    let (started_at, started) = (Utc::now(), Instant::now());
    let storage = storage(ctx)?;
    let Some(wanted) = args.backup_id else {
        if args.deep {
            return Err(usage("--deep needs --backup-id latest|ID"));
        }
        let items = verify::live(&target(ctx)?, &storage).await?;
        return render(ctx, "db verify (live database)", started_at, started, items);
    };
    let manifest = catalog::resolve(&storage, &wanted).await?;
    let deep_on = if args.deep { Some(target(ctx)?) } else { None };
    let progress = Progress::new(&ctx.style);
    let bar = progress.bytes(
        Some(manifest.size_bytes),
        format!("checking `{}`", manifest.id),
    );
    let items = verify::backup(&storage, &manifest, deep_on.as_ref(), bar.clone()).await;
    bar.finish_and_clear();
    render(
        ctx,
        &format!("db verify {}", manifest.id),
        started_at,
        started,
        items?,
    )
}

#[derive(Serialize)]
struct Pruned {
    kept: Vec<String>,
    deleted: Vec<String>,
    /// Backups that never got a manifest, older than a day.
    incomplete_deleted: Vec<String>,
}

async fn prune(ctx: &Ctx, args: PruneArgs) -> Result<Exit> {
    table_or_json(ctx, "prune")?;
    let storage = storage(ctx)?;
    let (all, incomplete) = catalog::scan(&storage).await?;
    let now = Utc::now();
    let (kept, deleted) = prune::select(all, usize::from(args.keep), args.keep_days, now);
    let stale = prune::stale(incomplete, now);
    if !deleted.is_empty() || !stale.is_empty() {
        confirm(
            &format!(
                "delete {} backup(s) and {} day-old incomplete backup(s) from {}, keeping {}",
                deleted.len(),
                stale.len(),
                storage.describe(),
                kept.len()
            ),
            ctx.global.yes,
        )?;
        prune::delete(&storage, &deleted).await?;
        prune::delete_incomplete(&storage, &stale).await?;
    }
    let result = Pruned {
        kept: kept.iter().map(|m| m.id.clone()).collect(),
        deleted: deleted.iter().map(|m| m.id.clone()).collect(),
        incomplete_deleted: stale.iter().map(|i| i.id.clone()).collect(),
    };
    if ctx.format() == Format::Json {
        output::print_json(&result)?;
    } else if deleted.is_empty() && stale.is_empty() {
        output::note(
            &ctx.style,
            &format!("nothing to prune: {} backup(s) kept", kept.len()),
        );
    } else {
        let mut table = ctx.style.table(&["ID", "SIZE", "ACTION"]);
        for (list, action) in [(&kept, "kept"), (&deleted, "deleted")] {
            for m in list {
                table.add_row(vec![
                    Cell::new(&m.id),
                    Cell::new(human_bytes(m.size_bytes)),
                    Cell::new(action),
                ]);
            }
        }
        for entry in &stale {
            table.add_row(vec![
                Cell::new(&entry.id),
                Cell::new(human_bytes(entry.size)),
                Cell::new("deleted (incomplete)"),
            ]);
        }
        output::print_table(&table)?;
    }
    Ok(Exit::Success)
}

async fn health(ctx: &Ctx, args: HealthArgs) -> Result<Exit> {
    let (started_at, started) = (Utc::now(), Instant::now());
    let target = target(ctx)?;
    let limits = health::Limits {
        min_version: args.min_version,
        max_backup_age: Duration::from_secs(args.max_backup_age.saturating_mul(3600)),
    };
    let storage = storage(ctx)?;
    let items = health::check(&target, &storage, &limits).await;
    render(ctx, "db health", started_at, started, items)
}
