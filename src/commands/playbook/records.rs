//! What the ledger holds about runs: `approve` (an approval row), `runs`
//! (every run folded, with its clock) and `log` (the rows, `--verify`).

use anyhow::{Context, Result};

use super::{ApproveArgs, InProcess, LogArgs, RunsArgs, actor, load, print};
use crate::commands::Ctx;
use crate::exit::{Exit, UsageError};
use crate::output::{self, Format};
use crate::playbook::ledger::{Event, Ledger, NewEvent, RunKey, verify};
use crate::playbook::report::{LogReport, RunReport, RunStatus, StepStatus, Verified, View};
use crate::playbook::runs;
use crate::playbook::state::fold;

/// The ledger, a run's id and its rows; a missing ledger or run is a usage error.
pub(super) async fn open_run(ctx: &Ctx, run: &str) -> Result<(Ledger, String, Vec<Event>)> {
    let url = ctx.settings()?.require("database_url")?;
    let missing = || {
        UsageError::new(format!(
            "no run `{run}` in the ledger of `{}`",
            ctx.settings().map(|s| s.env.as_str()).unwrap_or("?")
        ))
    };
    let ledger = Ledger::open_existing(url).await?.ok_or_else(missing)?;
    let run_id = ledger.find_run(run).await?.ok_or_else(missing)?;
    let events = ledger.events(&run_id).await?;
    Ok((ledger, run_id, events))
}

pub(super) async fn approve(ctx: &Ctx, hctl: &InProcess, args: ApproveArgs) -> Result<Exit> {
    let (ledger, run_id, events) = open_run(ctx, &args.run).await?;
    let first = &events[0];
    let p = load(ctx, hctl, &first.playbook)?;
    let live = ledger.is_locked(&p.name, &first.environment).await?;
    let report = fold(Some(&p), &events, live);
    let Some(step) = report.steps.iter().find(|s| s.id == args.step) else {
        return Err(UsageError::new(format!("run `{run_id}` has no step `{}`", args.step)).into());
    };
    let Some(needed) = step.approvals_needed else {
        return Err(UsageError::new(format!(
            "step `{}` is a `{}` step: only confirm steps take approvals",
            step.id, step.kind
        ))
        .into());
    };
    if matches!(report.status, RunStatus::Passed | RunStatus::RolledBack) {
        return Err(UsageError::new(format!(
            "run `{run_id}` has ended ({})",
            report.status.as_str()
        ))
        .into());
    }
    let actor = actor(args.actor)?;
    let starter = report.started_by.clone().unwrap_or_default();
    if needed > 0 && actor == starter {
        return Err(UsageError::new(format!(
            "{actor} started run `{run_id}` and cannot approve `{}`: it needs {needed} approvals by other people",
            step.id
        )).into());
    }
    if step.status == StepStatus::Passed {
        output::note(
            &ctx.style,
            &format!("`{}` of run `{run_id}` is already confirmed", step.id),
        );
        return Ok(Exit::Success);
    }
    if let Some(before) = step.approvals.iter().find(|a| a.actor == actor) {
        output::note(
            &ctx.style,
            &format!(
                "{actor} already approved `{}` at {}; an approval counts once",
                step.id, before.at
            ),
        );
        return Ok(Exit::Success);
    }
    let key = RunKey {
        run_id: run_id.clone(),
        playbook: first.playbook.clone(),
        environment: first.environment.clone(),
    };
    let new = NewEvent {
        kind: "approval",
        step: Some(&step.id),
        actor: &actor,
        data: serde_json::json!({ "note": args.note }),
    };
    ledger.append(&key, &new).await?;
    let after = fold(Some(&p), &ledger.events(&run_id).await?, live);
    let approvals = after
        .steps
        .iter()
        .find(|s| s.id == args.step)
        .map(|s| s.approvals.clone())
        .unwrap_or_default();
    let have = crate::playbook::steps::confirm::counted(needed, &approvals, &starter).len();
    let of = if needed > 0 {
        format!(" ({have} of {needed})")
    } else {
        String::new()
    };
    output::note(
        &ctx.style,
        &format!(
            "approved `{}` of run `{run_id}` as {actor}{of}; continue with `hctl playbook resume {run_id}`",
            step.id
        ),
    );
    Ok(Exit::Success)
}

/// Every run of `name` (or all) in the environment, folded; a run counts as
/// running only while a process holds its playbook's lock.
pub(super) async fn runs(ctx: &Ctx, hctl: &InProcess, args: RunsArgs) -> Result<Exit> {
    let settings = ctx.settings()?;
    let mut reports = Vec::new();
    if let Some(ledger) = Ledger::open_existing(settings.require("database_url")?).await? {
        reports = runs::folded(&ledger, args.name.as_deref(), &settings.env, |name| {
            load(ctx, hctl, name).ok()
        })
        .await?;
    }
    if reports.is_empty() && ctx.format() == Format::Table {
        output::note(
            &ctx.style,
            &format!("no playbook runs in `{}`", settings.env),
        );
        return Ok(Exit::Success);
    }
    print(ctx, &View::Runs(reports))?;
    Ok(Exit::Success)
}

pub(super) async fn log(ctx: &Ctx, hctl: &InProcess, args: LogArgs) -> Result<Exit> {
    let (ledger, _, events) = open_run(ctx, &args.run).await?;
    let first = &events[0];
    let p = load(ctx, hctl, &first.playbook).ok();
    let live = ledger
        .is_locked(&first.playbook, &first.environment)
        .await
        .context("cannot tell whether the run is active")?;
    let run: RunReport = fold(p.as_ref(), &events, live);
    let verified = args.verify.then(|| {
        let broken = verify(&events).err();
        Verified {
            ok: broken.is_none(),
            rows: events.len(),
            head: events.last().map(|e| e.hash.clone()),
            broken,
        }
    });
    let broken = verified.as_ref().and_then(|v| v.broken.clone());
    print(
        ctx,
        &View::Log(LogReport {
            run,
            events,
            verified,
        }),
    )?;
    if let Some(b) = broken {
        output::diagnostic(&format!("ledger broken at row {}: {}", b.seq, b.why));
        return Ok(Exit::Failed);
    }
    Ok(Exit::Success)
}
