//! `hctl playbook list | show | run | resume | approve | runs | log`: the
//! launch, rollback and incident procedures as recorded, resumable runs
//! (see `playbook`). This file turns arguments into runner calls, gives the
//! runner the CLI ([`InProcess`]: argv checked by the same clap definition,
//! commands run in-process with their JSON captured) and renders the report.

use std::io::IsTerminal;

use anyhow::Result;
use clap::{Args, Subcommand};
use comfy_table::Cell;
use serde::Serialize;

mod in_process;
mod records;

pub use in_process::{InProcess, findings};
use records::{approve, log, open_run, runs};

use super::Ctx;
use crate::config::process_env;
use crate::exit::{Exit, UsageError};
use crate::output::{self, Format};
use crate::playbook::ledger::{Ledger, Lock, verify};
use crate::playbook::report::{RunStatus, View};
use crate::playbook::runner::{Runner, Say, new_run_id};
use crate::playbook::state::{fold, plan};
use crate::playbook::{Playbook, discover};

/// The playbook format, shown by `hctl playbook --help`.
pub const FORMAT_HELP: &str = "\
Launch, rollback and incident procedures as recorded, resumable runs.

Playbooks are YAML files in playbooks/ (beside hctl.yaml, or given by path):

  name: launch
  description: Go-live of a new release
  params:
    image: { required: true }
    rollout: { default: \"100\" }
  phases:
    - name: pre-launch
      steps:
        - id: gate
          preflight: { checklist: pre-launch, tags: [production] }
        - id: backup
          hctl: [db, backup, --note, \"pre-launch {{ params.image }}\"]
        - id: go
          confirm: \"Start the deploy of {{ params.image }}?\"
          approvals: 2             # two people, neither the one who started the run
    - name: go-live
      on_failure: rollback         # abort (default) | continue | rollback
      steps:
        - id: deploy
          hctl: [rollout, apply, --image, \"{{ params.image }}\", --wait]
        - id: health
          check: { kind: http, url: \"{{ env.url }}/api/healthz\" }
          retries: 5
        - id: announce
          notify: { webhook_env: HCTL_SLACK_WEBHOOK, text: \"{{ run.playbook }} done\" }
  rollback:
    - hctl: [rollback, --wait]
    - hctl: [db, restore, --backup-id, \"{{ steps.backup.backup_id }}\"]
      when: \"{{ steps.backup.passed }}\"

Step kinds: hctl (any subcommand, checked against hctl's own flags), preflight,
check (any check kind; retries, timeout), shell / run (timeout; killed with its
process group), confirm (approvals: N), notify (Slack-compatible or `format: json`
webhook; the URL comes from the variable named by webhook_env), wait (30s, or
{ until: CHECK, timeout: 5m, every: 5s }). Every step may have title, when,
timeout, retries, retry_delay. Templates: {{ params.NAME }}, {{ env.KEY }},
{{ steps.ID.OUTPUT }} (status, ran, passed, exit_code, detail; db backup:
backup_id; rollback: from_revision, to_revision; rollout status: revision;
shell/run: stdout), {{ run.id|playbook|environment|status|actor|started_at|
failed_step|respond_by|update_due }}. An incident playbook's `response:` maps a
parameter's values to deadlines: { by: severity, levels: { P0: { within: 0s,
update_every: 30m } } }.

Every run and step event is a hash-chained row in the environment's database;
`log RUN --verify` finds an edited or deleted row. Exit codes: 0 passed, 1 a step
failed (after any rollback), 2 usage or waiting for a confirmation, 3 the ledger
could not be used, 130 interrupted.";

#[derive(Debug, Subcommand)]
pub enum PlaybookCommand {
    /// List the playbooks with their phases and steps
    #[command(after_help = "Examples:\n  hctl playbook list")]
    List,
    /// Show a playbook's plan: every step in order, the rollback section last
    #[command(
        after_help = "Examples:\n  hctl playbook show launch\n  hctl playbook show incident -o json"
    )]
    Show(ShowArgs),
    /// Start a run: steps in order, recorded in the ledger; prints the run id on stderr
    #[command(
        after_help = "Examples:\n  hctl playbook run launch --param image=ghcr.io/org/api:1.4.2 --dry-run\n  hctl --env production playbook run launch --param image=ghcr.io/org/api:1.4.2\n  hctl playbook run incident --param severity=P1 --param summary='login errors' --yes"
    )]
    Run(RunArgs),
    /// Go on with a failed, interrupted or waiting run; passed steps are not run again
    #[command(
        after_help = "Examples:\n  hctl playbook resume launch-20261124T100000-3f2a0c\n  hctl playbook resume launch-20261124T100000-3f2a0c --from health"
    )]
    Resume(ResumeArgs),
    /// Approve a confirm step of a run (as someone other than its starter)
    #[command(
        after_help = "Examples:\n  hctl playbook approve launch-20261124T100000-3f2a0c go --as ana --note 'change #4411'"
    )]
    Approve(ApproveArgs),
    /// The runs of a playbook (default: every playbook), newest first
    #[command(
        after_help = "Examples:\n  hctl playbook runs\n  hctl playbook runs incident -o json"
    )]
    Runs(RunsArgs),
    /// Every ledger row of a run; --verify checks the hash chain (exit 1 when broken)
    #[command(
        after_help = "Examples:\n  hctl playbook log launch-20261124T100000-3f2a0c --verify\n  hctl playbook log launch-20261124T100000-3f2a0c -o markdown > signoff.md"
    )]
    Log(LogArgs),
}

#[derive(Debug, Args)]
pub struct ShowArgs {
    /// Playbook name or file
    pub name: String,
    /// Show only this phase (and the rollback section)
    #[arg(long, value_name = "PHASE")]
    pub phase: Option<String>,
}

#[derive(Debug, Args)]
pub struct RunArgs {
    /// Playbook name or file
    pub name: String,
    /// A parameter value (repeatable), e.g. --param image=ghcr.io/org/api:1.4.2
    #[arg(long = "param", value_name = "K=V")]
    pub params: Vec<String>,
    /// Run only this phase (e.g. post-launch the next day)
    #[arg(long, value_name = "PHASE")]
    pub phase: Option<String>,
    /// Render every step, run hctl steps that have a --dry-run with it, list
    /// the rest and the rollback plan; record and change nothing
    #[arg(long)]
    pub dry_run: bool,
    /// Who starts the run (default: $HCTL_ACTOR, else the OS user)
    #[arg(long = "as", value_name = "WHO")]
    pub actor: Option<String>,
}

#[derive(Debug, Args)]
pub struct ResumeArgs {
    /// Run id (or an unambiguous start of it)
    pub run: String,
    /// Run again from this step on, even the steps after it that passed
    #[arg(long, value_name = "STEP")]
    pub from: Option<String>,
    /// Who resumes the run (default: $HCTL_ACTOR, else the OS user)
    #[arg(long = "as", value_name = "WHO")]
    pub actor: Option<String>,
}

#[derive(Debug, Args)]
pub struct ApproveArgs {
    /// Run id (or an unambiguous start of it)
    pub run: String,
    /// The confirm step to approve
    pub step: String,
    /// Who approves (default: $HCTL_ACTOR, else the OS user); not the run's starter
    #[arg(long = "as", value_name = "WHO")]
    pub actor: Option<String>,
    /// Why, or where the evidence is (kept in the ledger)
    #[arg(long, value_name = "TEXT")]
    pub note: Option<String>,
}

#[derive(Debug, Args)]
pub struct RunsArgs {
    /// Playbook name (default: every playbook)
    pub name: Option<String>,
}

#[derive(Debug, Args)]
pub struct LogArgs {
    /// Run id (or an unambiguous start of it)
    pub run: String,
    /// Check the hash chain of the run's rows: exit 1 naming the first edited or missing row
    #[arg(long)]
    pub verify: bool,
}

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
