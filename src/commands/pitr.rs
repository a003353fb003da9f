//! The pgBackRest side of `hctl db`: `wal status`, `backup --physical`,
//! `restore --physical` and `pitr-drill` — arguments to typed options, one
//! call into `db::{wal, physical, pitr}`, the result rendered.

use std::time::{Duration, Instant};

use anyhow::Result;
use chrono::Utc;
use comfy_table::Cell;

use super::Ctx;
use crate::cli::pitr::{DrillArgs, PhysicalRestoreArgs, TypeArg, WalCommand};
use crate::db::pgbackrest::Pgbackrest;
use crate::db::pgbackrest::info::Target;
use crate::db::physical::{self, BackupType, Physical};
use crate::db::pitr::{self, drill, scratch::Lifetime};
use crate::db::{human_bytes, wal};
use crate::exit::{Exit, UsageError};
use crate::output::{self, Format};
use crate::report::{Item, Severity, Status};
use crate::storage::Storage;
use crate::ui::confirm::Scope;

impl From<TypeArg> for BackupType {
    fn from(t: TypeArg) -> Self {
        match t {
            TypeArg::Full => BackupType::Full,
            TypeArg::Diff => BackupType::Diff,
            TypeArg::Incr => BackupType::Incr,
        }
    }
}

fn pgbackrest(ctx: &Ctx, what: &str) -> Result<Pgbackrest> {
    Pgbackrest::from_settings(ctx.settings()?, what)
}

fn postgres_url<'a>(ctx: &'a Ctx, what: &str) -> Result<&'a str> {
    let url = ctx.settings()?.require("database_url")?;
    if !url.starts_with("postgres") {
        return Err(UsageError::new(format!(
            "{what} needs a PostgreSQL `database_url`; environment `{}` has `{}`",
            ctx.settings()?.env,
            crate::config::redact::redact_url(url)
        ))
        .into());
    }
    Ok(url)
}

pub async fn wal(ctx: &Ctx, cmd: WalCommand) -> Result<Exit> {
    let WalCommand::Status(args) = cmd;
    ctx.require_format("db wal status", super::TABLE_OR_JSON)?;
    let started = (Utc::now(), Instant::now());
    let pgbackrest = pgbackrest(ctx, "`hctl db wal status`")?;
    let url = postgres_url(ctx, "`hctl db wal status`")?;
    let (archiver, items) = wal::status(url, &pgbackrest, args.max_age, args.check_timeout).await?;
    super::render(
        ctx,
        "db wal status",
        started,
        items,
        &[
            ("stanza", serde_json::json!(pgbackrest.stanza)),
            ("archiver", serde_json::to_value(&archiver)?),
        ],
    )
}

pub async fn backup(ctx: &Ctx, kind: TypeArg) -> Result<Exit> {
    ctx.require_format("db backup --physical", super::TABLE_OR_JSON)?;
    let pgbackrest = pgbackrest(ctx, "`hctl db backup --physical`")?;
    output::note(
        &ctx.style,
        &format!(
            "running `{}`",
            pgbackrest.describe(
                "backup",
                &[format!("--type={}", BackupType::from(kind).as_str())]
            )
        ),
    );
    let (made, took) = physical::backup(&pgbackrest, kind.into()).await?;
    if ctx.format() == Format::Json {
        output::print_json(&made)?;
        return Ok(Exit::Success);
    }
    let mut table = ctx
        .style
        .table(&["BACKUP", "TYPE", "SIZE", "REPO", "WAL", "TOOK", "STANZA"]);
    table.add_row(vec![
        Cell::new(&made.id),
        Cell::new(&made.kind),
        Cell::new(human_bytes(made.size_bytes)),
        Cell::new(human_bytes(made.repo_bytes)),
        Cell::new(made.wal_range()),
        Cell::new(format!("{:.1}s", took.as_secs_f64())),
        Cell::new(&made.stanza),
    ]);
    output::print_table(&table)?;
    Ok(Exit::Success)
}

/// The physical backups to list beside the logical ones: none without a
/// stanza; when pgBackRest cannot be asked, a warning and none.
pub async fn listed_physical(ctx: &Ctx) -> Result<Vec<Physical>> {
    if ctx.settings()?.get("pgbackrest.stanza").is_none() {
        return Ok(Vec::new());
    }
    let pgbackrest = pgbackrest(ctx, "listing physical backups")?;
    physical::list(&pgbackrest).await
}

/// The newest passing drill that restored from each physical backup.
pub async fn drills_by_backup(storage: &Storage) -> Vec<drill::Evidence> {
    match drill::list(storage).await {
        Ok(all) => all,
        Err(err) => {
            tracing::warn!("could not read the PITR drills: {err:#}");
            Vec::new()
        }
    }
}

/// The newest drill that restored from physical backup `id`, as the deep
/// verification it is (its RTO the restore time).
pub fn drilled(id: &str, drills: &[drill::Evidence]) -> Option<crate::db::manifest::VerifyRecord> {
    drills
        .iter()
        .find(|d| d.backup == id)
        .map(|d| crate::db::manifest::VerifyRecord {
            verified_at: d.finished_at,
            ok: d.ok,
            deep: true,
            restore_ms: Some(d.rto_ms),
        })
}

pub async fn restore(ctx: &Ctx, args: PhysicalRestoreArgs, force: bool) -> Result<Exit> {
    ctx.require_format("db restore --physical", super::TABLE_OR_JSON)?;
    let started = (Utc::now(), Instant::now());
    let target = match (&args.to_time, &args.to_lsn, args.to_latest) {
        (Some(t), _, _) => Target::Time(*t),
        (_, Some(l), _) => Target::Lsn(l.clone()),
        (_, _, true) => Target::Latest,
        _ => {
            return Err(UsageError::new(
                "`--physical` needs a target: --to-time TIME, --to-lsn LSN or --to-latest",
            )
            .into());
        }
    };
    if let Target::Time(t) = &target
        && *t > Utc::now()
    {
        return Err(UsageError::new(format!(
            "--to-time {} is in the future",
            t.format("%Y-%m-%d %H:%M:%S UTC")
        ))
        .into());
    }
    let Some(dir) = args.into_dir.clone() else {
        return Err(UsageError::new(
            "`--physical` needs --into-dir DIR: a new data directory for the scratch cluster (never the live one)",
        )
        .into());
    };
    if force {
        // Over files that are there: maybe the live cluster's own directory.
        let change = ctx.change(
            "hctl db restore --physical --force",
            Scope::Destructive,
            false,
        )?;
        change.confirm(&format!(
            "restore over the files in `{}` (environment `{}`)",
            dir.display(),
            ctx.settings()?.env
        ))?;
    }
    let pgbackrest = pgbackrest(ctx, "`hctl db restore --physical`")?;
    let (stanza, set) = pitr::choose(&pgbackrest, &target).await?;
    let req = pitr::Request {
        target,
        dir,
        port: args.port,
        force,
        timeout: args.recovery_timeout,
    };
    let database_url = ctx.settings()?.get("database_url");
    let (restored, _cluster) = pitr::restore(
        &pgbackrest,
        &stanza,
        &set,
        &req,
        database_url,
        Lifetime::Detached,
    )
    .await?;
    output::note(
        &ctx.style,
        &format!(
            "the scratch cluster runs on 127.0.0.1:{} from `{}`; stop it with `pg_ctl -D {} stop`",
            restored.port,
            restored.data_dir.display(),
            restored.data_dir.display()
        ),
    );
    let reached = &restored.reached;
    let items = vec![Item::new(
        "recovered",
        "restored and promoted at the target",
        Severity::Critical,
        Status::Pass,
        Duration::from_millis(restored.rto_ms),
        format!(
            "backup `{}` ({}) recovered to {}: last transaction replayed {}, LSN {}, timeline {}; restore {:.1}s + recovery {:.1}s",
            restored.backup.id,
            restored.backup.kind,
            restored.target.describe(),
            reached
                .last_replayed_at
                .map(|t| t.format("%Y-%m-%d %H:%M:%S%.3f UTC").to_string())
                .unwrap_or_else(|| "none".into()),
            reached.lsn,
            reached.timeline,
            restored.restore_ms as f64 / 1000.0,
            restored.recovery_ms as f64 / 1000.0
        ),
    )];
    super::render(
        ctx,
        "db restore --physical",
        started,
        items,
        &[("restored", serde_json::to_value(&restored)?)],
    )
}

pub async fn pitr_drill(ctx: &Ctx, args: DrillArgs) -> Result<Exit> {
    ctx.require_format("db pitr-drill", super::TABLE_OR_JSON)?;
    let started = (Utc::now(), Instant::now());
    let pgbackrest = pgbackrest(ctx, "`hctl db pitr-drill`")?;
    let url = postgres_url(ctx, "`hctl db pitr-drill`")?;
    let storage = Storage::from_settings(ctx.settings()?)?;
    let when = drill::when_from(args.at, args.ago)?;
    let (evidence, items) = drill::run(
        &pgbackrest,
        &storage,
        url,
        when,
        args.scratch_dir,
        args.recovery_timeout,
    )
    .await?;
    if let Some(e) = &evidence {
        output::note(
            &ctx.style,
            &format!(
                "drill `{}` recorded in {} as drills/{}.json (RTO {:.1}s)",
                e.id,
                storage.describe(),
                e.id,
                e.rto_ms as f64 / 1000.0
            ),
        );
    }
    super::render(
        ctx,
        "db pitr-drill",
        started,
        items,
        &[("drill", serde_json::to_value(&evidence)?)],
    )
}
