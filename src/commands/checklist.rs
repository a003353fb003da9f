//! `hctl checklist list | show | tick | untick | status | log | report`: the
//! launch coordinators' view of checklists, with ticks stored in the
//! environment's database (see `checklist::store`).

use std::collections::BTreeMap;
use std::io::IsTerminal;
use std::time::Instant;

use anyhow::Result;
use chrono::Utc;
use clap::{Args, Subcommand};
use comfy_table::Cell;
use serde::Serialize;

use super::preflight::{deps, lookup};
use super::{Ctx, TABLE_OR_JSON};
use crate::checklist::status::{bar, status_of};
use crate::checklist::store::{Store, Tick, ticks};
use crate::checklist::{self, Action, Checklist, discover};
use crate::exit::{Exit, UsageError};
use crate::output::{self, Format};
use crate::preflight::{self, Manual, Options, Selection};
use crate::report::{Item, Report, Severity, Status};
use crate::shipped::Source;
use crate::ui::confirm::answered;
use crate::ui::progress::Checks;

/// The checklist format, shown by `hctl checklist --help`.
pub const FORMAT_HELP: &str = "\
Launch checklists: list, show, tick off, and report.

Checklists are YAML files. pre-launch, launch-day, post-launch and compliance
are shipped inside hctl; a project's checklists/ beside hctl.yaml (or the
config's `checklists_dir:`) replaces a shipped one of the same file name and
adds the others; -c FILE names any file. `hctl checklist list` shows each
one's origin. The format:

  name: pre-launch                 # used by `hctl checklist tick pre-launch ...`
  description: Before go-live
  sections:
    - name: Infrastructure
      items:
        - id: api-health           # unique, stable: ticks follow ids
          title: API health endpoint answers
          severity: critical       # critical (default) | warning | info
          owner: DevOps Engineer   # role responsible (manual items)
          tags: [local, production]
          check:                   # automated: http, flow, openapi, load, headers,
            kind: http             # tls, dns, postgres, redis, s3, prometheus,
                                   # command, kubernetes, manifests
            url: \"{{ env.url }}/api/healthz\"
            json: { status: ok }
          timeout: 5s              # per attempt (default 10s)
          retries: 2               # extra attempts after a failure
          retry_delay: 1s
        - id: pentest
          title: Penetration test completed
          owner: Security Lead
          manual: true             # ticked by a person

`{{ env.KEY }}` is replaced by the selected environment's setting KEY; an item
whose setting is unset there is skipped as not applicable. Unknown keys,
duplicate ids, bad durations and unknown kinds are errors with file:line:column
(exit 2). Ticks are stored in the environment's database (`database_url`).";

#[derive(Debug, Subcommand)]
pub enum ChecklistCommand {
    /// List the checklists with their item counts
    #[command(after_help = "Examples:\n  hctl checklist list")]
    List,
    /// Show every item of a checklist with its kind, owner and tick
    #[command(
        after_help = "Examples:\n  hctl checklist show pre-launch\n  hctl checklist show launch-day -o json"
    )]
    Show(NameArg),
    /// Tick items off (no ITEM: choose from the open items interactively)
    #[command(
        after_help = "Examples:\n  hctl checklist tick launch-day                        # pick items on a terminal\n  hctl checklist tick pre-launch pentest --note 'report in drive' --as ana"
    )]
    Tick(TickArgs),
    /// Take back a tick
    #[command(
        after_help = "Examples:\n  hctl checklist untick pre-launch pentest --note 'finding reopened'"
    )]
    Untick(TickArgs),
    /// Progress per section; --require-complete exits 1 while a critical item is open
    #[command(
        after_help = "Examples:\n  hctl checklist status\n  hctl checklist status pre-launch --require-complete   # exit 1 naming what is open"
    )]
    Status(StatusArgs),
    /// Every tick and untick of a checklist, oldest first
    #[command(after_help = "Examples:\n  hctl checklist log pre-launch")]
    Log(NameArg),
    /// Sign-off report: automated results and manual ticks with names and times
    #[command(
        after_help = "Examples:\n  hctl checklist report pre-launch -o markdown > signoff.md\n  hctl checklist report pre-launch --tag local --no-checks"
    )]
    Report(ReportArgs),
}

#[derive(Debug, Args)]
pub struct NameArg {
    /// Checklist name or file
    pub name: String,
}

#[derive(Debug, Args)]
pub struct TickArgs {
    /// Checklist name or file
    pub name: String,
    /// Item ids (tick without ids: pick from a list on a terminal)
    pub items: Vec<String>,
    /// Why, or where the evidence is
    #[arg(long)]
    pub note: Option<String>,
    /// Who ticks (default: $USER)
    #[arg(long = "as", value_name = "WHO")]
    pub actor: Option<String>,
}

#[derive(Debug, Args)]
pub struct StatusArgs {
    /// Checklist name or file (default: every checklist)
    pub name: Option<String>,
    /// Exit 1 while any critical manual item is not ticked
    #[arg(long)]
    pub require_complete: bool,
}

#[derive(Debug, Args)]
pub struct ReportArgs {
    /// Checklist name or file
    pub name: String,
    /// Do not run the automated items (report ticks only)
    #[arg(long)]
    pub no_checks: bool,
    /// Report only items with this tag (repeatable: any of them), e.g.
    /// `--tag local` so a local report never runs the production checks
    #[arg(long = "tag", value_name = "TAG")]
    pub tags: Vec<String>,
}

pub async fn run(ctx: &Ctx, cmd: ChecklistCommand) -> Result<Exit> {
    match cmd {
        ChecklistCommand::List => list(ctx),
        ChecklistCommand::Show(a) => show(ctx, &a.name).await,
        ChecklistCommand::Tick(a) => tick(ctx, a, "tick").await,
        ChecklistCommand::Untick(a) => tick(ctx, a, "untick").await,
        ChecklistCommand::Status(a) => status(ctx, a).await,
        ChecklistCommand::Log(a) => log(ctx, &a.name).await,
        ChecklistCommand::Report(a) => report(ctx, a).await,
    }
}

/// The checklists `names` select (none: all), each with where it came from.
fn load_with_sources(ctx: &Ctx, names: &[String]) -> Result<Vec<(Source, Checklist)>> {
    let settings = ctx.settings()?;
    let sources = discover::resolve(&discover::project_dir(settings), names)?;
    let checklists = checklist::load_all(&sources, &lookup(settings))?;
    Ok(sources.into_iter().zip(checklists).collect())
}

fn load(ctx: &Ctx, names: &[String]) -> Result<Vec<Checklist>> {
    Ok(load_with_sources(ctx, names)?
        .into_iter()
        .map(|(_, c)| c)
        .collect())
}

fn load_one(ctx: &Ctx, name: &str) -> Result<Checklist> {
    Ok(load(ctx, &[name.to_string()])?.remove(0))
}

async fn store(ctx: &Ctx) -> Result<Store> {
    Store::open(ctx.settings()?.require("database_url")?).await
}

fn table_or_json(ctx: &Ctx, command: &str) -> Result<()> {
    ctx.require_format(&format!("checklist {command}"), TABLE_OR_JSON)
}

#[derive(Serialize)]
struct Listed {
    name: String,
    path: String,
    /// `shipped` (embedded in hctl), or the file's path.
    origin: String,
    /// A project file that replaces the shipped checklist of its name.
    overrides_shipped: bool,
    description: String,
    items: usize,
    automated: usize,
    manual: usize,
}

fn list(ctx: &Ctx) -> Result<Exit> {
    table_or_json(ctx, "list")?;
    let listed: Vec<Listed> = load_with_sources(ctx, &[])?
        .iter()
        .map(|(source, c)| {
            let manual = c
                .entries()
                .filter(|(_, e)| matches!(e.action, Action::Manual))
                .count();
            let items = c.entries().count();
            Listed {
                name: c.name.clone(),
                path: c.path.display().to_string(),
                origin: source.origin_label(),
                overrides_shipped: source.overrides,
                description: c.description.clone(),
                items,
                automated: items - manual,
                manual,
            }
        })
        .collect();
    if ctx.format() == Format::Json {
        output::print_json(&listed)?;
    } else {
        let mut table = ctx.style.table(&[
            "NAME",
            "ITEMS",
            "AUTOMATED",
            "MANUAL",
            "ORIGIN",
            "DESCRIPTION",
        ]);
        for l in &listed {
            let origin = if l.overrides_shipped {
                format!("{} (replaces shipped)", l.origin)
            } else {
                l.origin.clone()
            };
            table.add_row(vec![
                Cell::new(&l.name),
                Cell::new(l.items),
                Cell::new(l.automated),
                Cell::new(l.manual),
                Cell::new(origin),
                Cell::new(&l.description),
            ]);
        }
        output::print_table(&table)?;
    }
    Ok(Exit::Success)
}

#[derive(Serialize)]
struct Shown<'a> {
    section: &'a str,
    id: &'a str,
    title: &'a str,
    severity: &'static str,
    kind: &'static str,
    owner: Option<&'a str>,
    tags: &'a [String],
    ticked: Option<&'a Tick>,
}

async fn show(ctx: &Ctx, name: &str) -> Result<Exit> {
    table_or_json(ctx, "show")?;
    let c = load_one(ctx, name)?;
    let state = Store::read_ticks(ctx.settings()?.require("database_url")?, &c.name).await?;
    let rows: Vec<Shown> = c
        .entries()
        .map(|(section, e)| Shown {
            section,
            id: &e.id,
            title: &e.title,
            severity: e.severity.as_str(),
            kind: e.action.label(),
            owner: e.owner.as_deref(),
            tags: &e.tags,
            ticked: state.get(&e.id),
        })
        .collect();
    if ctx.format() == Format::Json {
        output::print_json(&rows)?;
        return Ok(Exit::Success);
    }
    let mut table = ctx.style.table(&[
        "SECTION", "ID", "TITLE", "SEVERITY", "KIND", "OWNER", "TAGS", "TICKED",
    ]);
    for r in &rows {
        let ticked = r
            .ticked
            .map(|t| format!("{} {}", t.actor, t.at.format("%Y-%m-%d %H:%M")))
            .unwrap_or_default();
        table.add_row(vec![
            Cell::new(r.section),
            Cell::new(r.id),
            Cell::new(r.title),
            Cell::new(r.severity),
            Cell::new(r.kind),
            Cell::new(r.owner.unwrap_or("")),
            Cell::new(r.tags.join(",")),
            Cell::new(ticked),
        ]);
    }
    output::print(&format!("{} — {}\n", c.name, c.description))?;
    output::print_table(&table)?;
    Ok(Exit::Success)
}

fn actor(given: Option<String>) -> Result<String> {
    given
        .or_else(|| std::env::var("USER").ok())
        .filter(|a| !a.trim().is_empty())
        .ok_or_else(|| UsageError::new("who is ticking? pass --as NAME (USER is not set)").into())
}

async fn tick(ctx: &Ctx, args: TickArgs, action: &str) -> Result<Exit> {
    let c = load_one(ctx, &args.name)?;
    let store = store(ctx).await?;
    let state = ticks(&store.events(&c.name).await?);
    let items = if args.items.is_empty() {
        choose(&c, &state, action)?
    } else {
        args.items
    };
    let actor = actor(args.actor)?;
    for id in &items {
        if c.find(id).is_none() {
            return Err(
                UsageError::new(format!("no item `{id}` in checklist `{}`", c.name)).into(),
            );
        }
    }
    for id in &items {
        let before = state.get(id);
        if action == "untick" && before.is_none() {
            output::note(
                &ctx.style,
                &format!("`{id}` in `{}` is not ticked: nothing to untick", c.name),
            );
            continue;
        }
        store
            .record(&c.name, id, action, &actor, args.note.as_deref())
            .await?;
        let text = match (action, before) {
            ("tick", Some(t)) => format!(
                "ticked `{id}` in `{}` again as {actor} (it was ticked by {} at {})",
                c.name,
                t.actor,
                t.at.format("%Y-%m-%d %H:%M UTC")
            ),
            ("tick", None) => format!("ticked `{id}` in `{}` as {actor}", c.name),
            _ => format!("unticked `{id}` in `{}` as {actor}", c.name),
        };
        output::note(&ctx.style, &text);
    }
    Ok(Exit::Success)
}

/// The dialoguer multi-select of items to (un)tick; only on a terminal.
fn choose(c: &Checklist, state: &BTreeMap<String, Tick>, action: &str) -> Result<Vec<String>> {
    if !(std::io::stdin().is_terminal() && std::io::stderr().is_terminal()) {
        return Err(UsageError::new(format!(
            "name the items to {action}: stdin is not a terminal, so no picker"
        ))
        .into());
    }
    let candidates: Vec<(&str, String)> = c
        .entries()
        // Only manual items: automated ones are decided by their checks.
        .filter(|(_, e)| matches!(e.action, Action::Manual))
        .filter(|(_, e)| (action == "tick") != state.contains_key(&e.id))
        .map(|(s, e)| (e.id.as_str(), format!("[{s}] {} — {}", e.id, e.title)))
        .collect();
    if candidates.is_empty() {
        return Err(UsageError::new(format!("nothing to {action} in `{}`", c.name)).into());
    }
    let labels: Vec<&str> = candidates.iter().map(|(_, l)| l.as_str()).collect();
    let chosen = answered(
        tokio::task::block_in_place(|| {
            dialoguer::MultiSelect::new()
                .with_prompt(format!(
                    "Items to {action} (space selects, enter confirms, esc cancels)"
                ))
                .items(&labels)
                .interact_opt()
        }),
        "the selection",
    )?;
    Ok(chosen
        .into_iter()
        .map(|i| candidates[i].0.to_string())
        .collect())
}

async fn status(ctx: &Ctx, args: StatusArgs) -> Result<Exit> {
    table_or_json(ctx, "status")?;
    let names: Vec<String> = args.name.into_iter().collect();
    let checklists = load(ctx, &names)?;
    let url = ctx.settings()?.require("database_url")?;
    let mut all = Vec::new();
    for c in &checklists {
        all.push(status_of(c, &Store::read_ticks(url, &c.name).await?));
    }
    if ctx.format() == Format::Json {
        output::print_json(&all)?;
    } else {
        let mut table = ctx.style.table(&[
            "CHECKLIST",
            "SECTION",
            "TICKED",
            "PROGRESS",
            "AUTOMATED",
            "OPEN CRITICAL",
        ]);
        for c in &all {
            for s in &c.sections {
                table.add_row(vec![
                    Cell::new(&c.name),
                    Cell::new(&s.name),
                    Cell::new(format!("{}/{}", s.ticked, s.manual)),
                    Cell::new(bar(s.ticked, s.manual)),
                    Cell::new(s.automated),
                    Cell::new(s.open_critical.join(", ")),
                ]);
            }
        }
        output::print_table(&table)?;
        for c in &all {
            for r in &c.removed {
                output::note(
                    &ctx.style,
                    &format!(
                        "note: `{}` was ticked by {} at {} but is no longer in checklist `{}`",
                        r.item_id,
                        r.actor,
                        r.at.format("%Y-%m-%d %H:%M UTC"),
                        c.name
                    ),
                );
            }
        }
    }
    let open = all
        .iter()
        .flat_map(|c| &c.sections)
        .any(|s| !s.open_critical.is_empty());
    if args.require_complete && open {
        let missing: Vec<String> = all
            .iter()
            .flat_map(|c| {
                c.sections.iter().flat_map(move |s| {
                    s.open_critical
                        .iter()
                        .map(move |id| format!("{}/{id}", c.name))
                })
            })
            .collect();
        output::diagnostic(&format!(
            "incomplete: {} critical manual {} not ticked: {}",
            missing.len(),
            if missing.len() == 1 { "item" } else { "items" },
            missing.join(", ")
        ));
        return Ok(Exit::Failed);
    }
    Ok(Exit::Success)
}

async fn log(ctx: &Ctx, name: &str) -> Result<Exit> {
    table_or_json(ctx, "log")?;
    let c = load_one(ctx, name)?;
    let events = store(ctx).await?.events(&c.name).await?;
    if ctx.format() == Format::Json {
        output::print_json(&events)?;
        return Ok(Exit::Success);
    }
    let mut table = ctx.style.table(&["AT", "ACTION", "ITEM", "BY", "NOTE"]);
    for e in &events {
        let item = if c.find(&e.item_id).is_some() {
            e.item_id.clone()
        } else {
            format!("{} (removed)", e.item_id)
        };
        table.add_row(vec![
            Cell::new(e.at.format("%Y-%m-%d %H:%M:%S UTC")),
            Cell::new(&e.action),
            Cell::new(item),
            Cell::new(&e.actor),
            Cell::new(e.note.as_deref().unwrap_or("")),
        ]);
    }
    output::print_table(&table)?;
    Ok(Exit::Success)
}

async fn report(ctx: &Ctx, args: ReportArgs) -> Result<Exit> {
    let c = load_one(ctx, &args.name)?;
    let settings = ctx.settings()?;
    let state = Store::read_ticks(settings.require("database_url")?, &c.name).await?;
    let selection = Selection {
        tags: args.tags,
        ..Selection::default()
    };
    let mut plan = preflight::select(std::slice::from_ref(&c), &selection)?;
    if args.no_checks {
        plan.retain(|p| matches!(p.entry.action, Action::Manual));
    }
    let manual = Manual::Ticks(
        state
            .iter()
            .map(|(id, t)| ((c.name.clone(), id.clone()), t.clone()))
            .collect(),
    );
    let started_at = Utc::now();
    let started = Instant::now();
    let opts = Options {
        concurrency: preflight::DEFAULT_CONCURRENCY,
        deadline: preflight::DEFAULT_DEADLINE,
    };
    let progress = Checks::new(&ctx.style, plan.len());
    let mut items = preflight::run(&plan, &opts, &deps(settings), &manual, &progress).await;
    progress.clear();
    for r in status_of(&c, &state).removed {
        items.push(
            Item::new(
                r.item_id.clone(),
                "(item removed from the checklist)",
                Severity::Info,
                Status::Skip,
                std::time::Duration::ZERO,
                format!(
                    "ticked by {} at {}; no longer in the checklist",
                    r.actor,
                    r.at.format("%Y-%m-%d %H:%M UTC")
                ),
            )
            .in_section("removed"),
        );
    }
    let report = Report::new(
        format!("checklist report {}", c.name),
        Some(settings.env.clone()),
        started_at,
        started.elapsed(),
        items,
    );
    ctx.print_report(&report)?;
    if ctx.format() == Format::Markdown {
        output::print(
            "\n## Sign-off\n\n| Role | Name | Date | Signature |\n|---|---|---|---|\n| Launch Coordinator | | | |\n| Engineering Manager | | | |\n| Product Manager | | | |\n",
        )?;
    }
    Ok(ctx.gate(&report, Severity::Critical, true))
}
