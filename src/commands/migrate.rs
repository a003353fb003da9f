//! `hctl db migrate [--dry-run] [--lint]` and `hctl db status`: the server's
//! embedded migrations against the environment's database (`store::migrate`).

use std::time::{Duration, Instant};

use anyhow::Result;
use chrono::Utc;
use comfy_table::{Cell, Color};
use serde::Serialize;

use super::{Ctx, TABLE_OR_JSON};
use crate::cli::migrate::MigrateArgs;
use crate::exit::Exit;
use crate::output::{self, Format};
use crate::report::{Item, Report, Severity, Status};
use crate::store::migrate::{self, ApplyOptions, MigrationState, State};
use crate::store::{Db, lint};
use crate::ui::confirm::Scope;

/// The database to migrate. A look that must change nothing (`--dry-run`,
/// `--lint`) reads a SQLite file that does not exist yet as the empty
/// database it would be, instead of creating it.
async fn open(ctx: &Ctx, look_only: bool) -> Result<Db> {
    let url = ctx.settings()?.require("database_url")?;
    let missing_file = crate::store::DbUrl::parse(url)
        .ok()
        .and_then(|u| u.sqlite_file())
        .is_some_and(|path| !path.exists());
    if look_only && missing_file {
        return Db::connect("sqlite::memory:").await;
    }
    Db::connect(url).await
}

pub async fn migrate(ctx: &Ctx, args: MigrateArgs) -> Result<Exit> {
    if args.lint {
        return lint_only(ctx).await;
    }
    ctx.require_format("db migrate", TABLE_OR_JSON)?;
    let change = ctx.change("hctl db migrate", Scope::Production, args.dry_run)?;
    let db = open(ctx, args.dry_run).await?;
    let pending = migrate::to_apply(&db).await?;
    // Applying lints first: risky statements are worth a word before they run.
    for f in lint::lint(db.backend(), &pending) {
        output::note(
            &ctx.style,
            &format!(
                "warning: {}: {}: {} ({})",
                f.location, f.rule, f.statement, f.why
            ),
        );
    }
    if let Some(last) = pending.last() {
        change.confirm(&format!(
            "apply {} pending migrations (up to {:04}) to the database of `{}`",
            pending.len(),
            last.version,
            ctx.settings()?.env
        ))?;
    }
    let options = ApplyOptions {
        dry_run: args.dry_run,
        lock_timeout: Duration::from_secs(args.lock_timeout),
    };
    let report = migrate::apply(&db, options).await?;
    db.close().await;
    if ctx.format() == Format::Json {
        output::print_json(&report)?;
    } else {
        {
            let verb = if report.dry_run {
                "would apply"
            } else {
                "applied"
            };
            let mut text = String::new();
            for m in &report.applied {
                text.push_str(&format!("{verb} {:04} {}", m.version, m.name));
                if !report.dry_run {
                    text.push_str(&format!(" ({} ms)", m.execution_ms));
                }
                text.push('\n');
            }
            match (report.dry_run, report.applied.last()) {
                (_, None) => text.push_str(&format!(
                    "nothing to apply: schema version {}\n",
                    report.schema_version
                )),
                (true, Some(_)) => text.push_str(&format!(
                    "dry run: nothing applied; schema version {} (would be {} after these)\n",
                    report.schema_version, report.target_version
                )),
                (false, Some(_)) => {
                    text.push_str(&format!("schema version {}\n", report.schema_version))
                }
            }
            output::print(&text)?;
        }
    }
    Ok(Exit::Success)
}

/// `db migrate --lint`: a check of the pending migrations; applies nothing.
async fn lint_only(ctx: &Ctx) -> Result<Exit> {
    let started_at = Utc::now();
    let started = Instant::now();
    let db = open(ctx, true).await?;
    let pending = migrate::to_apply(&db).await?;
    db.close().await;
    let findings = lint::lint(db.backend(), &pending);
    let mut items: Vec<Item> = findings
        .iter()
        .map(|f| {
            Item::new(
                &f.location,
                format!("{}: {}", f.rule, f.statement),
                Severity::Critical,
                Status::Fail,
                Duration::ZERO,
                f.why,
            )
        })
        .collect();
    if items.is_empty() {
        items = pending
            .iter()
            .map(|m| {
                Item::new(
                    format!("migrations/{}/{}", db.backend().as_str(), m.file),
                    "no destructive or locking statement",
                    Severity::Critical,
                    Status::Pass,
                    Duration::ZERO,
                    "",
                )
            })
            .collect();
    }
    let report = Report::new(
        "db migrate --lint",
        Some(ctx.settings()?.env.clone()),
        started_at,
        started.elapsed(),
        items,
    );
    ctx.print_report(&report)?;
    output::note(
        &ctx.style,
        &format!(
            "lint: {} pending migrations checked, nothing applied",
            pending.len()
        ),
    );
    // No pending migration is a clean result, not an empty gate.
    Ok(ctx.gate(&report, Severity::Critical, true))
}

#[derive(Serialize)]
struct StatusView<'a> {
    backend: &'static str,
    schema_version: i64,
    latest_known: i64,
    migrations: &'a [MigrationState],
}

pub async fn status(ctx: &Ctx) -> Result<Exit> {
    ctx.require_format("db status", TABLE_OR_JSON)?;
    let db = open(ctx, true).await?;
    let states = migrate::status(&db).await?;
    let view = StatusView {
        backend: db.backend().as_str(),
        schema_version: migrate::schema_version(&db).await?,
        latest_known: migrate::latest_known(),
        migrations: &states,
    };
    db.close().await;
    if ctx.format() == Format::Json {
        output::print_json(&view)?;
    } else {
        {
            let mut table =
                ctx.style
                    .table(&["VERSION", "NAME", "STATE", "APPLIED AT", "CHECKSUM"]);
            for s in &states {
                let color = match s.state {
                    State::Applied => Color::Green,
                    State::Pending => Color::Yellow,
                    State::Missing | State::Changed => Color::Red,
                };
                let state = serde_json::to_value(s.state)?
                    .as_str()
                    .unwrap_or("?")
                    .to_string();
                table.add_row(vec![
                    Cell::new(s.version),
                    Cell::new(&s.name),
                    ctx.style.paint(Cell::new(state), color),
                    Cell::new(s.applied_at.map(|t| t.to_rfc3339()).unwrap_or_default()),
                    Cell::new(s.checksum.get(..12).unwrap_or(&s.checksum)),
                ]);
            }
            output::print_table(&table)?;
            output::print(&format!(
                "{}: schema version {} (this hctl knows {})\n",
                view.backend, view.schema_version, view.latest_known
            ))?;
        }
    }
    Ok(Exit::Success)
}
