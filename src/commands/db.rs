//! `hctl db backup | backups | restore | verify | prune | health` for the
//! selected environment's database and backup storage; the pgBackRest side
//! (`wal status`, `--physical`, `pitr-drill`) is rendered by `commands::pitr`.

use std::time::{Duration, Instant};

use anyhow::Result;
use chrono::{DateTime, Utc};
use comfy_table::Cell;
use serde::Serialize;

use super::{Ctx, TABLE_OR_JSON, render};
use crate::cli::db::{BackupArgs, DbCommand, HealthArgs, PruneArgs, RestoreArgs, VerifyArgs};
use crate::db::catalog::Resolved;
use crate::db::manifest::{Kind, Manifest, VerifyRecord};
use crate::db::{self, Target, catalog, health, human_age, human_bytes, prune, restore, verify};
use crate::exit::{Exit, UsageError};
use crate::output::{self, Format};
use crate::report::{Item, Severity, Status};
use crate::storage::Storage;
use crate::ui::confirm::{Scope, confirm};
use crate::ui::progress::{Progress, advance};

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
        DbCommand::Wal(cmd) => super::pitr::wal(ctx, cmd).await,
        DbCommand::PitrDrill(args) => super::pitr::pitr_drill(ctx, args).await,
    }
}

fn target(ctx: &Ctx) -> Result<Target> {
    Target::parse(ctx.settings()?.require("database_url")?)
}

fn storage(ctx: &Ctx) -> Result<Storage> {
    Storage::from_settings(ctx.settings()?)
}

fn table_or_json(ctx: &Ctx, command: &str) -> Result<()> {
    ctx.require_format(&format!("db {command}"), TABLE_OR_JSON)
}

async fn backup(ctx: &Ctx, args: BackupArgs) -> Result<Exit> {
    if args.physical {
        return super::pitr::backup(ctx, args.kind).await;
    }
    table_or_json(ctx, "backup")?;
    let (target, storage) = (target(ctx)?, storage(ctx)?);
    let progress = Progress::new(&ctx.style);
    let bar = progress.bytes(None, format!("backing up {}", target.describe()));
    let manifest =
        db::backup::run(&target, &storage, args.note, Kind::Regular, advance(&bar)).await;
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

/// One row of `hctl db backups -o json`: `method` tells the kinds apart.
#[derive(Serialize)]
#[serde(untagged)]
enum Listed {
    Logical {
        /// Always `logical`.
        method: &'static str,
        #[serde(flatten)]
        manifest: Manifest,
        verified: Option<VerifyRecord>,
    },
    Physical {
        #[serde(flatten)]
        backup: crate::db::physical::Physical,
        /// The newest PITR drill that restored from it, as a deep verification.
        verified: Option<VerifyRecord>,
    },
}

impl Listed {
    fn started_at(&self) -> DateTime<Utc> {
        match self {
            Listed::Logical { manifest, .. } => manifest.started_at,
            Listed::Physical { backup, .. } => backup.started_at,
        }
    }
}

async fn backups(ctx: &Ctx) -> Result<Exit> {
    table_or_json(ctx, "backups")?;
    let storage = storage(ctx)?;
    let catalog = catalog::scan(&storage).await?;
    if !catalog.incomplete.is_empty() {
        let ids: Vec<_> = catalog.incomplete.iter().map(|i| i.id.as_str()).collect();
        output::note(
            &ctx.style,
            &format!(
                "ignored {} incomplete backup(s) without a manifest (failed, interrupted or still running; not usable): {}",
                ids.len(),
                ids.join(", ")
            ),
        );
    }
    for broken in &catalog.unreadable {
        output::note(
            &ctx.style,
            &format!(
                "warning: backup `{}` has an unreadable manifest, not listed: {}",
                broken.id, broken.error
            ),
        );
    }
    let mut listed: Vec<Listed> = catalog
        .backups
        .into_iter()
        .map(|e| Listed::Logical {
            method: "logical",
            manifest: e.manifest,
            verified: e.verified,
        })
        .collect();
    let physical = super::pitr::listed_physical(ctx).await?;
    if !physical.is_empty() {
        let drills = super::pitr::drills_by_backup(&storage).await;
        listed.extend(physical.into_iter().map(|backup| {
            let verified = super::pitr::drilled(&backup.id, &drills);
            Listed::Physical { backup, verified }
        }));
        listed.sort_by_key(|l| std::cmp::Reverse(l.started_at()));
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
    let mut table = ctx.style.table(&[
        "ID", "KIND", "TYPE", "TIME", "SIZE", "AGE", "WAL", "NOTE", "VERIFIED",
    ]);
    for entry in &listed {
        let row = match entry {
            Listed::Logical {
                manifest: m,
                verified,
                ..
            } => [
                m.id.clone(),
                "logical".into(),
                m.kind.as_str().into(),
                m.started_at.format("%Y-%m-%d %H:%M:%S UTC").to_string(),
                human_bytes(m.size_bytes),
                human_age(now - m.finished_at),
                String::new(),
                m.note.clone().unwrap_or_default(),
                verified_text(verified.as_ref()),
            ],
            Listed::Physical {
                backup: p,
                verified,
            } => [
                p.id.clone(),
                "physical".into(),
                p.kind.clone(),
                p.started_at.format("%Y-%m-%d %H:%M:%S UTC").to_string(),
                human_bytes(p.size_bytes),
                human_age(now - p.finished_at),
                p.wal_range(),
                String::new(),
                verified_text(verified.as_ref()),
            ],
        };
        table.add_row(row.into_iter().map(Cell::new).collect::<Vec<_>>());
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

/// A warning item when `latest` passed over newer known-bad backups.
fn passed_over(resolved: &Resolved) -> Option<Item> {
    resolved.passed_over.as_ref().map(|text| {
        Item::new(
            "latest",
            "`latest` is the newest backup that is not known-bad",
            Severity::Warning,
            Status::Warn,
            Duration::ZERO,
            text.clone(),
        )
    })
}

async fn restore(ctx: &Ctx, args: RestoreArgs) -> Result<Exit> {
    if args.physical {
        return super::pitr::restore(ctx, args.pitr, args.force).await;
    }
    let backup_id = args.backup_id.clone().unwrap_or_default();
    let started = (Utc::now(), Instant::now());
    if args.into.is_none() {
        // Over the environment's own database: refuse before downloading
        // anything when nobody can confirm. (`--into` a database that does not
        // exist yet needs no confirmation; that is known after `prepare`.)
        ctx.change("hctl db restore", Scope::Destructive, false)?;
    }
    let storage = storage(ctx)?;
    let target = match &args.into {
        Some(url) => Target::parse(url)?,
        None => target(ctx)?,
    };
    let resolved = catalog::resolve(&storage, &backup_id).await?;
    if let Some(text) = &resolved.passed_over {
        output::note(&ctx.style, &format!("warning: {text}"));
    }
    let plan = restore::prepare(resolved.manifest.clone(), target, args.force).await?;
    if !plan.users.is_empty() {
        let mut text = format!(
            "warning: restoring anyway (--force) while {} is in use by: {}",
            plan.target.describe(),
            plan.users.join("; ")
        );
        if let Target::Sqlite(_) = plan.target {
            text.push_str(
                "; they keep the replaced file open and what they write after the swap is lost: restart them",
            );
        }
        output::note(&ctx.style, &text);
    }
    let safety = !plan.create && !args.no_safety_backup;
    if !plan.create {
        let env = &ctx.settings()?.env;
        confirm(
            &format!(
                "restore backup `{}` over {} (environment `{env}`, schema version {} → {}, {})",
                plan.manifest.id,
                plan.target.describe(),
                plan.target_schema,
                plan.manifest.schema_version,
                if safety {
                    "after a safety backup"
                } else {
                    "WITHOUT a safety backup"
                }
            ),
            ctx.global.yes,
        )?;
    }
    let progress = Progress::new(&ctx.style);
    let bar = progress.bytes(
        Some(plan.manifest.size_bytes),
        "downloading and checking the backup",
    );
    let checked = restore::check(&plan, &storage, advance(&bar)).await;
    bar.finish_and_clear();
    let mut checked = checked?;
    let mut safety_id = None;
    if checked.fetched.is_some() && !plan.create {
        let item = if safety {
            let bar = progress.bytes(None, format!("safety backup of {}", plan.target.describe()));
            let taken = restore::safety_backup(&plan, &storage, advance(&bar)).await;
            bar.finish_and_clear();
            let taken = taken?;
            let undo = format!(
                "safety backup `{}` of {} taken: undo this restore with `hctl db restore --backup-id {}`",
                taken.id,
                plan.target.describe(),
                taken.id
            );
            output::note(&ctx.style, &undo);
            safety_id = Some(taken.id);
            Item::new(
                "safety-backup",
                "target backed up before the restore",
                Severity::Critical,
                Status::Pass,
                Duration::ZERO,
                undo,
            )
        } else {
            Item::new(
                "safety-backup",
                "target backed up before the restore",
                Severity::Critical,
                Status::Skip,
                Duration::ZERO,
                "--no-safety-backup: this restore cannot be undone",
            )
        };
        checked.items.push(item);
    }
    if let Some(item) = passed_over(&resolved) {
        checked.items.insert(0, item);
    }
    let items = restore::apply(&plan, checked).await?;
    render(
        ctx,
        "db restore",
        started,
        items,
        &[
            ("backup_id", serde_json::json!(plan.manifest.id)),
            ("safety_backup_id", serde_json::json!(safety_id)),
        ],
    )
}

async fn verify(ctx: &Ctx, args: VerifyArgs) -> Result<Exit> {
    let started = (Utc::now(), Instant::now());
    let storage = storage(ctx)?;
    let Some(wanted) = args.backup_id else {
        if args.deep {
            return Err(UsageError::new("--deep needs --backup-id latest|ID").into());
        }
        let items = verify::live(&target(ctx)?, &storage).await?;
        return render(ctx, "db verify (live database)", started, items, &[]);
    };
    let resolved = catalog::resolve(&storage, &wanted).await?;
    let manifest = &resolved.manifest;
    let deep_on = if args.deep { Some(target(ctx)?) } else { None };
    let progress = Progress::new(&ctx.style);
    let bar = progress.bytes(
        Some(manifest.size_bytes),
        format!("checking `{}`", manifest.id),
    );
    let items = verify::backup(&storage, manifest, deep_on.as_ref(), advance(&bar)).await;
    bar.finish_and_clear();
    let mut items = items?;
    if let Some(item) = passed_over(&resolved) {
        items.insert(0, item);
    }
    render(
        ctx,
        &format!("db verify {}", manifest.id),
        started,
        items,
        &[("backup_id", serde_json::json!(manifest.id))],
    )
}

/// `hctl db prune -o json` (fields are a contract). With `--dry-run`,
/// `deleted` and `incomplete_deleted` list what would be deleted.
#[derive(Serialize)]
struct Pruned {
    dry_run: bool,
    kept: Vec<String>,
    deleted: Vec<String>,
    /// Backups that never got a manifest, older than a day.
    incomplete_deleted: Vec<String>,
    /// Every backup with its action and the reason for it, newest first.
    backups: Vec<prune::Decision>,
}

async fn prune(ctx: &Ctx, args: PruneArgs) -> Result<Exit> {
    table_or_json(ctx, "prune")?;
    let change = ctx.change("hctl db prune", Scope::Destructive, args.dry_run)?;
    let storage = storage(ctx)?;
    let catalog = catalog::scan(&storage).await?;
    let rules = prune::Rules {
        keep: usize::from(args.keep),
        keep_days: args.keep_days,
        keep_safety_days: args.keep_safety_days,
    };
    let plan = prune::plan(catalog, &rules, Utc::now(), &storage.describe());
    if let Some(refusal) = &plan.refusal {
        if args.dry_run {
            show_prune(ctx, &plan, true)?;
        }
        return Err(UsageError::new(refusal.clone()).into());
    }
    let deleting = !plan.delete.is_empty() || !plan.delete_incomplete.is_empty();
    if deleting && !args.dry_run {
        change.confirm(&format!(
            "delete {} backup(s) and {} day-old incomplete backup(s) from {}, keeping {}",
            plan.delete.len(),
            plan.delete_incomplete.len(),
            storage.describe(),
            plan.ids(prune::Action::Keep, true).len()
        ))?;
        prune::delete(&storage, &plan.delete).await?;
        prune::delete_incomplete(&storage, &plan.delete_incomplete).await?;
    }
    show_prune(ctx, &plan, args.dry_run)?;
    if !deleting {
        output::note(
            &ctx.style,
            &format!(
                "nothing to prune: {} backup(s) kept",
                plan.ids(prune::Action::Keep, true).len()
            ),
        );
    } else if args.dry_run {
        output::note(&ctx.style, "dry run: nothing was deleted");
    }
    Ok(Exit::Success)
}

fn show_prune(ctx: &Ctx, plan: &prune::Plan, dry_run: bool) -> Result<()> {
    use prune::Action;
    if ctx.format() == Format::Json {
        output::print_json(&Pruned {
            dry_run,
            kept: plan.ids(Action::Keep, true),
            deleted: plan.ids(Action::Delete, true),
            incomplete_deleted: plan.ids(Action::Delete, false),
            backups: plan.decisions.clone(),
        })?;
        return Ok(());
    }
    if plan.decisions.is_empty() {
        return Ok(());
    }
    let now = Utc::now();
    let mut table = ctx
        .style
        .table(&["ID", "KIND", "AGE", "SIZE", "VERIFIED", "ACTION", "WHY"]);
    for d in &plan.decisions {
        let action = match (d.action, dry_run) {
            (Action::Keep, true) => "keep",
            (Action::Keep, false) => "kept",
            (Action::Delete, true) => "would delete",
            (Action::Delete, false) => "deleted",
        };
        table.add_row(vec![
            Cell::new(&d.id),
            Cell::new(d.kind),
            Cell::new(d.started_at.map(|t| human_age(now - t)).unwrap_or_default()),
            Cell::new(human_bytes(d.size_bytes)),
            Cell::new(match d.verified {
                "failed" => "FAILED",
                "ok" => "yes",
                _ => "no",
            }),
            Cell::new(action),
            Cell::new(&d.reason),
        ]);
    }
    output::print_table(&table)?;
    Ok(())
}

async fn health(ctx: &Ctx, args: HealthArgs) -> Result<Exit> {
    let started = (Utc::now(), Instant::now());
    let target = target(ctx)?;
    let limits = health::Limits {
        min_version: args.min_version,
        max_backup_age: Duration::from_secs(args.max_backup_age.saturating_mul(3600)),
    };
    let storage = storage(ctx)?;
    let items = health::check(&target, &storage, &limits).await;
    render(ctx, "db health", started, items, &[])
}
