//! `hctl playbook list | show | run | resume | approve | runs | log`: the
//! launch, rollback and incident procedures as recorded, resumable runs
//! (see `playbook`). This file turns arguments into runner calls, gives the
//! runner the CLI ([`InProcess`]: argv checked by the same clap definition,
//! commands run in-process with their JSON captured) and renders the report.

use std::io::IsTerminal;

use anyhow::Result;
use comfy_table::Cell;
use serde::Serialize;

mod in_process;
mod records;

pub use in_process::{InProcess, findings};
use records::{approve, log, open_run, runs};

use super::Ctx;
use crate::cli::playbook::{
    ApproveArgs, LogArgs, PlaybookCommand, ResumeArgs, RunArgs, RunsArgs, ShowArgs,
};
use crate::config::process_env;
use crate::exit::{Exit, UsageError};
use crate::output::{self, Format};
use crate::playbook::ledger::{Ledger, Lock, verify};
use crate::playbook::report::{RunStatus, View};
use crate::playbook::runner::{Runner, Say, new_run_id};
use crate::playbook::state::{fold, plan};
use crate::playbook::{Playbook, discover};

pub async fn run(ctx: &Ctx, cmd: PlaybookCommand) -> Result<Exit> {
    let hctl = InProcess::new(&ctx.global);
    match cmd {
        PlaybookCommand::List => list(ctx, &hctl),
        PlaybookCommand::Show(a) => show(ctx, &hctl, a),
        PlaybookCommand::Run(a) => start(ctx, &hctl, a).await,
        PlaybookCommand::Resume(a) => resume(ctx, &hctl, a).await,
        PlaybookCommand::Approve(a) => approve(ctx, &hctl, a).await,
        PlaybookCommand::Runs(a) => runs(ctx, &hctl, a).await,
        PlaybookCommand::Log(a) => log(ctx, &hctl, a).await,
    }
}

fn dir(ctx: &Ctx) -> std::path::PathBuf {
    discover::dir(ctx.global.config.as_deref())
}

fn load(ctx: &Ctx, hctl: &InProcess, name: &str) -> Result<Playbook> {
    discover::load(&dir(ctx), name, hctl)
}

/// Who acts: `--as`, `HCTL_ACTOR`, the OS user.
fn actor(given: Option<String>) -> Result<String> {
    given
        .or_else(|| std::env::var("HCTL_ACTOR").ok())
        .or_else(|| std::env::var("USER").ok())
        .or_else(|| std::env::var("LOGNAME").ok())
        .map(|a| a.trim().to_string())
        .filter(|a| !a.is_empty())
        .ok_or_else(|| {
            UsageError::new("who is acting? pass --as NAME (or set HCTL_ACTOR; USER is not set)")
                .into()
        })
}

fn print(ctx: &Ctx, view: &View) -> Result<()> {
    let mut out = Vec::new();
    view.render(ctx.format(), &ctx.style, &mut out)?;
    output::print(&String::from_utf8_lossy(&out))?;
    Ok(())
}

#[derive(Serialize)]
struct Listed {
    name: String,
    path: String,
    description: String,
    phases: Vec<String>,
    steps: usize,
    params: Vec<String>,
}

fn list(ctx: &Ctx, hctl: &InProcess) -> Result<Exit> {
    let playbooks = discover::load_all(&dir(ctx), hctl)?;
    if playbooks.is_empty() {
        return Err(UsageError::new(format!(
            "no playbooks: `{}` has no .yaml files",
            dir(ctx).display()
        ))
        .into());
    }
    let listed: Vec<Listed> = playbooks
        .iter()
        .map(|p| Listed {
            name: p.name.clone(),
            path: p.path.display().to_string(),
            description: p.description.clone(),
            phases: p.phases.iter().map(|ph| ph.name.clone()).collect(),
            steps: p.steps().count(),
            params: p.params.iter().map(|pa| pa.name.clone()).collect(),
        })
        .collect();
    match ctx.format() {
        Format::Json => output::print_json(&listed)?,
        Format::Table => {
            let mut table = ctx
                .style
                .table(&["NAME", "PHASES", "STEPS", "PARAMS", "DESCRIPTION"]);
            for l in &listed {
                table.add_row(vec![
                    Cell::new(&l.name),
                    Cell::new(l.phases.join(", ")),
                    Cell::new(l.steps),
                    Cell::new(l.params.join(", ")),
                    Cell::new(&l.description),
                ]);
            }
            output::print_table(&table)?;
        }
        other => {
            return Err(UsageError::new(format!(
                "`hctl playbook list` supports -o table|json, not {}",
                other.as_str()
            ))
            .into());
        }
    }
    Ok(Exit::Success)
}

fn show(ctx: &Ctx, hctl: &InProcess, args: ShowArgs) -> Result<Exit> {
    let p = load(ctx, hctl, &args.name)?;
    if let Some(phase) = &args.phase {
        require_phase(&p, phase)?;
    }
    let env = ctx
        .settings()
        .map(|s| s.env.clone())
        .unwrap_or_else(|_| "local".into());
    let mut report = plan(&p, &env, args.phase.as_deref());
    report.params = p
        .params
        .iter()
        .map(|pa| {
            let value = match (&pa.default, pa.required) {
                (Some(d), _) => d.clone(),
                (None, true) => "<required>".into(),
                (None, false) => String::new(),
            };
            (pa.name.clone(), value)
        })
        .collect();
    print(ctx, &View::Run(report))?;
    Ok(Exit::Success)
}

fn require_phase(p: &Playbook, phase: &str) -> Result<()> {
    if p.phase(phase).is_some() {
        return Ok(());
    }
    let known: Vec<&str> = p.phases.iter().map(|ph| ph.name.as_str()).collect();
    Err(UsageError::new(format!(
        "--phase {phase}: playbook `{}` has no phase `{phase}` (phases: {})",
        p.name,
        known.join(", ")
    ))
    .into())
}

fn params(given: &[String]) -> Result<Vec<(String, String)>> {
    given
        .iter()
        .map(|kv| {
            kv.split_once('=')
                .map(|(k, v)| (k.trim().to_string(), v.to_string()))
                .filter(|(k, _)| !k.is_empty())
                .ok_or_else(|| UsageError::new(format!("--param {kv}: expected NAME=VALUE")).into())
        })
        .collect()
}

fn interactive() -> bool {
    std::io::stdin().is_terminal() && std::io::stderr().is_terminal()
}

/// Progress to stderr: problems always (they explain the exit code), the rest unless `-q`.
fn say(ctx: &Ctx) -> impl Fn(bool, &str) + Sync + '_ {
    move |problem, text| {
        if problem {
            output::diagnostic(text);
        } else {
            output::note(&ctx.style, text);
        }
    }
}

/// A runner for `p` in the selected environment; `ledger: None` is a dry run
/// (which never asks at a terminal).
fn runner<'a>(
    ctx: &'a Ctx,
    p: &'a Playbook,
    hctl: &'a InProcess,
    ledger: Option<&'a Ledger>,
    actor: String,
    say: Say<'a>,
) -> Result<Runner<'a>> {
    let settings = ctx.settings()?;
    let interactive = ledger.is_some() && interactive();
    Runner::new(
        p,
        settings,
        super::preflight::deps(settings),
        hctl,
        ledger,
        actor,
        ctx.global.yes,
        interactive,
        &process_env,
        say,
    )
}

async fn start(ctx: &Ctx, hctl: &InProcess, args: RunArgs) -> Result<Exit> {
    let p = load(ctx, hctl, &args.name)?;
    let values = p.resolve_params(&params(&args.params)?)?;
    if let Some(phase) = &args.phase {
        require_phase(&p, phase)?;
    }
    let settings = ctx.settings()?;
    let actor = actor(args.actor)?;
    let say = say(ctx);
    if args.dry_run {
        output::note(
            &ctx.style,
            &format!(
                "dry run of playbook `{}` in `{}`: nothing is recorded or changed",
                p.name, settings.env
            ),
        );
        let mut runner = runner(ctx, &p, hctl, None, actor, &say)?;
        let status = runner.start(values, args.phase, "dry-run".into()).await?;
        print(ctx, &View::Run(runner.report()))?;
        return Ok(status.exit_code());
    }
    let ledger = Ledger::open(settings.require("database_url")?).await?;
    let lock = take(&ledger, &p.name, &settings.env).await?;
    open_runs(&ledger, &p.name, &settings.env).await;
    let run_id = new_run_id(&p.name);
    output::diagnostic(&format!("run: {run_id}"));
    let mut runner = runner(ctx, &p, hctl, Some(&ledger), actor, &say)?;
    let status = runner.start(values, args.phase, run_id).await?;
    drop(lock);
    print(ctx, &View::Run(runner.report()))?;
    Ok(status.exit_code())
}

/// Become the one active run of `playbook` in `env`, or refuse naming the holder.
async fn take(ledger: &Ledger, playbook: &str, env: &str) -> Result<Lock> {
    match ledger.lock(playbook, env).await? {
        Some(lock) => Ok(lock),
        None => Err(UsageError::new(format!(
            "playbook `{playbook}` already has an active run in `{env}`: {}",
            holder(ledger, playbook, env).await
        ))
        .into()),
    }
}

/// Say which earlier runs still wait or were cut short: approvals given to
/// them do not carry over to a new run.
async fn open_runs(ledger: &Ledger, playbook: &str, env: &str) {
    let Ok(runs) = ledger.runs(Some(playbook), env).await else {
        return;
    };
    for events in &runs {
        let report = fold(None, events, false);
        if matches!(report.status, RunStatus::Waiting | RunStatus::Interrupted) {
            output::diagnostic(&format!(
                "note: run `{}` of `{playbook}` is still {} (`hctl playbook resume {}` goes on with it)",
                report.label(),
                report.status.as_str(),
                report.label()
            ));
        }
    }
}

/// Who holds the active run of a playbook: its id, actor, host, pid and start.
async fn holder(ledger: &Ledger, playbook: &str, env: &str) -> String {
    let Ok(runs) = ledger.runs(Some(playbook), env).await else {
        return "another hctl process holds it".into();
    };
    for events in &runs {
        if fold(None, events, true).status != RunStatus::Running {
            continue;
        }
        if let Some(e) = events
            .iter()
            .rev()
            .find(|e| e.kind == "run_started" || e.kind == "resumed")
        {
            let data = e.fields();
            return format!(
                "run `{}` by {} on {} (pid {}) since {}",
                e.run_id,
                e.actor,
                data["host"].as_str().unwrap_or("?"),
                data["pid"],
                e.at
            );
        }
    }
    "another hctl process holds it".into()
}

async fn resume(ctx: &Ctx, hctl: &InProcess, args: ResumeArgs) -> Result<Exit> {
    let (ledger, run_id, events) = open_run(ctx, &args.run).await?;
    if let Err(broken) = verify(&events) {
        anyhow::bail!(
            "run `{run_id}` cannot be resumed: its ledger fails verification at row {}: {} (see `hctl playbook log {run_id} --verify`)",
            broken.seq,
            broken.why
        );
    }
    let settings = ctx.settings()?;
    let first = &events[0];
    if first.environment != settings.env {
        return Err(UsageError::new(format!(
            "run `{run_id}` is in environment `{}`: pass --env {}",
            first.environment, first.environment
        ))
        .into());
    }
    let p = load(ctx, hctl, &first.playbook)?;
    let before = fold(Some(&p), &events, true);
    if let Some(clock) = before.response.as_ref().filter(|c| c.update_overdue) {
        output::diagnostic(&format!(
            "reminder: a status update of `{run_id}` ({}) was due by {}",
            clock.level, clock.update_due
        ));
    }
    let recorded = before.digest;
    if recorded.as_deref().is_some_and(|d| d != p.digest) {
        output::diagnostic(&format!(
            "warning: `{}` changed since run `{run_id}` started; steps are matched by id",
            p.path.display()
        ));
    }
    let lock = take(&ledger, &p.name, &settings.env).await?;
    output::diagnostic(&format!("run: {run_id}"));
    let say = say(ctx);
    let mut runner = runner(ctx, &p, hctl, Some(&ledger), actor(args.actor)?, &say)?;
    let status = runner.resume(events, args.from).await?;
    drop(lock);
    print(ctx, &View::Run(runner.report()))?;
    Ok(status.exit_code())
}
