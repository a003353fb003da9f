//! `hctl checklist list | show | tick | untick | waive | status | log |
//! report`: the launch coordinators' view of checklists, with ticks (and
//! their evidence) and waivers stored in the environment's database (see
//! `checklist::store`; what a mark means now: `checklist::standing`).

use std::collections::BTreeMap;
use std::io::IsTerminal;

use anyhow::Result;
use chrono::{DateTime, Utc};
use comfy_table::Cell;
use serde::Serialize;

use super::preflight::{deps, lookup};
use super::{Ctx, TABLE_OR_JSON};
use crate::checklist::standing::standing;
use crate::checklist::status::{bar, status_of};
use crate::checklist::store::{self as marks, NewEvent, Store, Tick, ticks};
use crate::checklist::{self, Action, Checklist, discover, evidence};
use crate::cli::checklist::{ChecklistCommand, ReportArgs, StatusArgs, UntickArgs, WaiveArgs};
use crate::exit::{Exit, UsageError};
use crate::output::{self, Format};
use crate::preflight::signoff;
use crate::report::Severity;
use crate::shipped::Source;
use crate::ui::confirm::answered;
use crate::ui::progress::Checks;

pub async fn run(ctx: &Ctx, cmd: ChecklistCommand) -> Result<Exit> {
    match cmd {
        ChecklistCommand::List => list(ctx),
        ChecklistCommand::Show(a) => show(ctx, &a.name).await,
        ChecklistCommand::Tick(a) => {
            let cwd = std::env::current_dir()?;
            let evidence = a
                .evidence
                .as_deref()
                .map(|e| evidence::resolve(e, &cwd))
                .transpose()?;
            tick(ctx, a.marks, marks::Action::Tick, evidence).await
        }
        ChecklistCommand::Untick(a) => tick(ctx, a, marks::Action::Untick, None).await,
        ChecklistCommand::Waive(a) => waive(ctx, a).await,
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
    /// `open`, `ticked`, `expired`, `waived` or `waiver_lapsed`.
    standing: &'static str,
}

async fn show(ctx: &Ctx, name: &str) -> Result<Exit> {
    table_or_json(ctx, "show")?;
    let c = load_one(ctx, name)?;
    let state = Store::read_ticks(ctx.settings()?.require("database_url")?, &c.name).await?;
    let now = Utc::now();
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
            standing: standing(e, state.get(&e.id), now).label(),
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
            .map(|t| {
                let when = match t.waived_until {
                    Some(until) => format!("until {}", until.format("%Y-%m-%d %H:%M")),
                    None => t.at.format("%Y-%m-%d %H:%M").to_string(),
                };
                match r.standing {
                    "ticked" => format!("{} {when}", t.actor),
                    label => format!("{label}: {} {when}", t.actor),
                }
            })
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

/// The word for a standing, in `show`'s JSON and table.
fn stamp(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%d %H:%M UTC").to_string()
}

async fn tick(
    ctx: &Ctx,
    args: UntickArgs,
    action: marks::Action,
    evidence: Option<crate::report::Evidence>,
) -> Result<Exit> {
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
        if action == marks::Action::Untick && before.is_none() {
            output::note(
                &ctx.style,
                &format!("`{id}` in `{}` is not ticked: nothing to untick", c.name),
            );
            continue;
        }
        store
            .record(&NewEvent {
                checklist: &c.name,
                item: id,
                action,
                actor: &actor,
                note: args.note.as_deref(),
                evidence: evidence.as_ref(),
                waived_until: None,
            })
            .await?;
        let with = evidence
            .as_ref()
            .map(|e| format!(" with evidence {e}"))
            .unwrap_or_default();
        let text = match (action, before) {
            (marks::Action::Untick, _) => format!("unticked `{id}` in `{}` as {actor}", c.name),
            (_, Some(t)) => format!(
                "ticked `{id}` in `{}` again as {actor}{with} (it was {} by {} at {})",
                c.name,
                if t.waived_until.is_some() {
                    "waived"
                } else {
                    "ticked"
                },
                t.actor,
                stamp(t.at)
            ),
            (_, None) => format!("ticked `{id}` in `{}` as {actor}{with}", c.name),
        };
        output::note(&ctx.style, &text);
    }
    Ok(Exit::Success)
}

async fn waive(ctx: &Ctx, args: WaiveArgs) -> Result<Exit> {
    let c = load_one(ctx, &args.name)?;
    if c.find(&args.item).is_none() {
        return Err(
            UsageError::new(format!("no item `{}` in checklist `{}`", args.item, c.name)).into(),
        );
    }
    if args.until <= Utc::now() {
        return Err(UsageError::new(format!(
            "--until {} is in the past: a waiver must end in the future",
            stamp(args.until)
        ))
        .into());
    }
    if args.reason.trim().is_empty() {
        return Err(UsageError::new("--reason must say why the item is waived").into());
    }
    let actor = actor(args.actor)?;
    store(ctx)
        .await?
        .record(&NewEvent {
            checklist: &c.name,
            item: &args.item,
            action: marks::Action::Waive,
            actor: &actor,
            note: Some(&args.reason),
            evidence: None,
            waived_until: Some(args.until),
        })
        .await?;
    output::note(
        &ctx.style,
        &format!(
            "waived `{}` in `{}` until {} as {actor}: {}",
            args.item,
            c.name,
            stamp(args.until),
            args.reason
        ),
    );
    Ok(Exit::Success)
}

/// The dialoguer multi-select of items to (un)tick; only on a terminal.
fn choose(
    c: &Checklist,
    state: &BTreeMap<String, Tick>,
    action: marks::Action,
) -> Result<Vec<String>> {
    let now = Utc::now();
    let ticking = action == marks::Action::Tick;
    let action = action.as_str();
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
        // Ticking offers what does not count now (open, expired, lapsed);
        // unticking what has a mark.
        .filter(|(_, e)| {
            if ticking {
                !standing(e, state.get(&e.id), now).counts()
            } else {
                state.contains_key(&e.id)
            }
        })
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
            "WAIVED",
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
                    Cell::new(s.waived),
                    Cell::new(s.automated),
                    Cell::new(s.open_critical.join(", ")),
                ]);
            }
        }
        output::print_table(&table)?;
        for c in &all {
            for id in c.sections.iter().flat_map(|s| &s.expired) {
                output::note(
                    &ctx.style,
                    &format!(
                        "note: the mark of `{id}` in `{}` has expired: it counts as open (hctl checklist show {})",
                        c.name, c.name
                    ),
                );
            }
        }
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
    let mut table = ctx
        .style
        .table(&["AT", "ACTION", "ITEM", "BY", "NOTE", "EVIDENCE", "UNTIL"]);
    for e in &events {
        let item = if c.find(&e.item_id).is_some() {
            e.item_id.clone()
        } else {
            format!("{} (removed)", e.item_id)
        };
        table.add_row(vec![
            Cell::new(e.at.format("%Y-%m-%d %H:%M:%S UTC")),
            Cell::new(e.action.as_str()),
            Cell::new(item),
            Cell::new(&e.actor),
            Cell::new(e.note.as_deref().unwrap_or("")),
            Cell::new(
                e.evidence
                    .as_ref()
                    .map(ToString::to_string)
                    .unwrap_or_default(),
            ),
            Cell::new(e.waived_until.map(stamp).unwrap_or_default()),
        ]);
    }
    output::print_table(&table)?;
    Ok(Exit::Success)
}

async fn report(ctx: &Ctx, args: ReportArgs) -> Result<Exit> {
    let c = load_one(ctx, &args.name)?;
    let settings = ctx.settings()?;
    let state = Store::read_ticks(settings.require("database_url")?, &c.name).await?;
    let plan = signoff::plan(&c, args.tags, args.no_checks)?;
    let progress = Checks::new(&ctx.style, plan.len());
    let report =
        signoff::report(&c, &state, &plan, &settings.env, &deps(settings), &progress).await;
    progress.clear();
    if ctx.format() == Format::Markdown {
        output::print(&signoff::markdown(std::slice::from_ref(&report)))?;
    } else {
        ctx.print_report(&report)?;
    }
    Ok(ctx.gate(&report, Severity::Critical, true))
}
