//! A run's state is the fold of its ledger rows: [`fold`] turns the events
//! (and the playbook, for the plan's order and the steps not reached yet)
//! into the [`RunReport`] every view shows and the runner resumes from.
//! Nothing about a run is kept anywhere else.

use std::collections::BTreeMap;

use chrono::{DateTime, SecondsFormat, Utc};

use super::ledger::Event;
use super::report::{AttemptReport, ResponseClock, RunReport, RunStatus, StepReport, StepStatus};
use super::steps::StepOutcome;
use super::steps::confirm::Approval;
use super::{Playbook, ROLLBACK, StepKind};

/// A step of the plan as the report shows it before it runs.
fn planned(phase: &str, step: &super::Step) -> StepReport {
    let (argv, approvals_needed) = match &step.kind {
        StepKind::Hctl(h) => (Some(h.argv.clone()), None),
        StepKind::Command {
            shell: Some(line), ..
        } => (Some(vec![line.clone()]), None),
        StepKind::Command { argv, .. } => (Some(argv.clone()), None),
        StepKind::Confirm { approvals, .. } => (None, Some(*approvals)),
        _ => (None, None),
    };
    let title = if step.title.is_empty() {
        match &step.kind {
            StepKind::Confirm { text, .. } => text.clone(),
            StepKind::Notify(n) => n.text.clone(),
            _ => String::new(),
        }
    } else {
        step.title.clone()
    };
    StepReport {
        id: step.id.clone(),
        phase: phase.to_string(),
        kind: step.kind.label().to_string(),
        title,
        status: StepStatus::Pending,
        detail: String::new(),
        argv,
        approvals_needed,
        approvals: Vec::new(),
        outputs: BTreeMap::new(),
        attempts: Vec::new(),
    }
}

/// The plan of `playbook` (for `show`), nothing run.
pub fn plan(playbook: &Playbook, environment: &str, phase: Option<&str>) -> RunReport {
    RunReport {
        run_id: None,
        playbook: playbook.name.clone(),
        environment: environment.to_string(),
        status: RunStatus::Planned,
        dry_run: false,
        started_by: None,
        started_at: None,
        finished_at: None,
        phase: phase.map(str::to_string),
        params: BTreeMap::new(),
        digest: Some(playbook.digest.clone()),
        failed_step: None,
        response: None,
        steps: playbook
            .steps()
            .filter(|(p, _)| phase.is_none_or(|want| *p == want || *p == ROLLBACK))
            .map(|(p, s)| planned(p, s))
            .collect(),
    }
}

fn text(value: &serde_json::Value, key: &str) -> Option<String> {
    value.get(key).and_then(|v| v.as_str()).map(str::to_string)
}

fn strings(value: &serde_json::Value, key: &str) -> BTreeMap<String, String> {
    value
        .get(key)
        .and_then(|v| v.as_object())
        .map(|m| {
            m.iter()
                .filter_map(|(k, v)| v.as_str().map(|s| (k.clone(), s.to_string())))
                .collect()
        })
        .unwrap_or_default()
}

/// Fold a run's events (by `seq`) into its report. `live`: a process holds
/// the run right now; a run that stopped without `run_finished` and is not
/// live was interrupted, and so was the step it was in.
pub fn fold(playbook: Option<&Playbook>, events: &[Event], live: bool) -> RunReport {
    let first = events.first();
    let mut report = RunReport {
        run_id: first.map(|e| e.run_id.clone()),
        playbook: first
            .map(|e| e.playbook.clone())
            .or_else(|| playbook.map(|p| p.name.clone()))
            .unwrap_or_default(),
        environment: first.map(|e| e.environment.clone()).unwrap_or_default(),
        status: RunStatus::Running,
        dry_run: false,
        started_by: None,
        started_at: None,
        finished_at: None,
        phase: None,
        params: BTreeMap::new(),
        digest: None,
        failed_step: None,
        response: None,
        steps: Vec::new(),
    };
    if let Some(e) = first.filter(|e| e.kind == "run_started") {
        let data = e.fields();
        report.phase = text(&data, "phase");
        report.dry_run = data
            .get("dry_run")
            .and_then(|v| v.as_bool())
            .unwrap_or(false);
    }
    if let Some(p) = playbook {
        report.steps = plan(p, &report.environment, report.phase.as_deref()).steps;
    }
    let mut last_update: Option<String> = None;
    for e in events {
        let data = e.fields();
        match e.kind.as_str() {
            "run_started" => {
                report.started_by = Some(e.actor.clone());
                report.started_at = Some(e.at.clone());
                report.params = strings(&data, "params");
                report.digest = text(&data, "digest");
                report.status = RunStatus::Running;
            }
            "resumed" => {
                report.status = RunStatus::Running;
                report.finished_at = None;
            }
            "rollback_started" => report.failed_step = text(&data, "failed_step"),
            "run_finished" => {
                report.status = text(&data, "status")
                    .and_then(|s| RunStatus::parse(&s))
                    .unwrap_or(RunStatus::Failed);
                report.finished_at = Some(e.at.clone());
                if let Some(failed) = text(&data, "failed_step") {
                    report.failed_step = Some(failed);
                }
            }
            kind => {
                let Some(id) = &e.step else { continue };
                let step = step_entry(&mut report.steps, id, &data);
                apply(step, kind, e, &data);
                if step.kind == "notify"
                    && kind == "step_finished"
                    && step.status == StepStatus::Passed
                {
                    last_update = Some(e.at.clone());
                }
            }
        }
    }
    if !live && report.status == RunStatus::Running && first.is_some() {
        report.status = RunStatus::Interrupted;
        for step in &mut report.steps {
            if step.status == StepStatus::Running {
                step.status = StepStatus::Interrupted;
                step.detail = "interrupted: the run stopped during this step".into();
            }
        }
    }
    if let Some(p) = playbook {
        report.response = clock(p, &report, last_update);
    }
    report
}

/// The report's row for step `id`, added (after the plan) when the playbook
/// no longer has it.
fn step_entry<'a>(
    steps: &'a mut Vec<StepReport>,
    id: &str,
    data: &serde_json::Value,
) -> &'a mut StepReport {
    let at = match steps.iter().position(|s| s.id == id) {
        Some(i) => i,
        None => {
            steps.push(StepReport {
                id: id.to_string(),
                phase: text(data, "phase").unwrap_or_default(),
                kind: text(data, "kind").unwrap_or_default(),
                title: "(no longer in the playbook)".into(),
                status: StepStatus::Pending,
                detail: String::new(),
                argv: None,
                approvals_needed: None,
                approvals: Vec::new(),
                outputs: BTreeMap::new(),
                attempts: Vec::new(),
            });
            steps.len() - 1
        }
    };
    &mut steps[at]
}

/// One step event onto its step.
fn apply(step: &mut StepReport, kind: &str, e: &Event, data: &serde_json::Value) {
    let attempt = data
        .get("attempt")
        .and_then(|v| v.as_u64())
        .and_then(|n| u32::try_from(n).ok())
        .unwrap_or(1);
    match kind {
        "step_started" => {
            step.status = StepStatus::Running;
            step.detail.clear();
            if let Some(argv) = data.get("argv").and_then(|v| v.as_array()) {
                step.argv = Some(
                    argv.iter()
                        .filter_map(|a| a.as_str().map(str::to_string))
                        .collect(),
                );
            }
            step.attempts.push(AttemptReport {
                attempt,
                outcome: None,
                started_at: e.at.clone(),
                finished_at: None,
                duration_ms: None,
                exit_code: None,
                detail: String::new(),
            });
        }
        "step_finished" | "step_interrupted" => {
            let outcome = if kind == "step_interrupted" {
                StepOutcome::Interrupted
            } else {
                data.get("outcome")
                    .and_then(|v| serde_json::from_value::<StepOutcome>(v.clone()).ok())
                    .unwrap_or(StepOutcome::Error)
            };
            let detail = text(data, "detail").unwrap_or_default();
            if let Some(a) = step
                .attempts
                .iter_mut()
                .rev()
                .find(|a| a.attempt == attempt)
            {
                a.outcome = Some(outcome);
                a.finished_at = Some(e.at.clone());
                a.duration_ms = data.get("duration_ms").and_then(|v| v.as_u64());
                a.exit_code = data
                    .get("exit_code")
                    .and_then(|v| v.as_i64())
                    .and_then(|c| i32::try_from(c).ok());
                a.detail = detail.clone();
            }
            step.status = StepStatus::from_outcome(outcome);
            step.detail = detail;
            if let Some(argv) = data.get("argv").and_then(|v| v.as_array()) {
                step.argv = Some(
                    argv.iter()
                        .filter_map(|a| a.as_str().map(str::to_string))
                        .collect(),
                );
            }
            step.outputs.extend(strings(data, "outputs"));
        }
        "approval" if !step.approvals.iter().any(|a| a.actor == e.actor) => {
            step.approvals.push(Approval {
                actor: e.actor.clone(),
                note: text(data, "note"),
                at: e.at.clone(),
            });
        }
        _ => {}
    }
}

fn parse_time(at: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(at)
        .ok()
        .map(|t| t.with_timezone(&Utc))
}

/// The response clock of an incident run.
fn clock(
    playbook: &Playbook,
    report: &RunReport,
    last_update: Option<String>,
) -> Option<ResponseClock> {
    let (level, l) = playbook.level(&report.params)?;
    let started = parse_time(report.started_at.as_deref()?)?;
    let open = matches!(
        report.status,
        RunStatus::Running | RunStatus::Waiting | RunStatus::Interrupted
    );
    let end = report
        .finished_at
        .as_deref()
        .filter(|_| !open)
        .and_then(parse_time)
        .unwrap_or_else(Utc::now);
    let within = chrono::Duration::from_std(l.within).ok()?;
    let every = chrono::Duration::from_std(l.update_every).ok()?;
    let since = last_update
        .as_deref()
        .and_then(parse_time)
        .unwrap_or(started);
    let due = since + every;
    let fmt = |t: DateTime<Utc>| t.to_rfc3339_opts(SecondsFormat::Secs, true);
    Some(ResponseClock {
        level: level.to_string(),
        respond_within_secs: l.within.as_secs(),
        respond_by: fmt(started + within),
        elapsed_secs: u64::try_from((end - started).num_seconds()).unwrap_or(0),
        overdue: open && Utc::now() > started + within,
        update_every_secs: l.update_every.as_secs(),
        last_update_at: last_update,
        update_due: fmt(due),
        update_overdue: open && Utc::now() > due,
    })
}

/// The `{{ steps.ID.NAME }}` values of a run so far: every step that has
/// an attempt, with the common outputs and what it published.
pub fn outputs(report: &RunReport) -> BTreeMap<String, BTreeMap<String, String>> {
    report
        .steps
        .iter()
        .map(|s| {
            let mut out = s.outputs.clone();
            let last = s.attempts.last();
            let ran = s.attempts.iter().any(|a| {
                !matches!(
                    a.outcome,
                    Some(StepOutcome::Skipped | StepOutcome::WouldRun | StepOutcome::Waiting)
                )
            });
            out.insert("status".into(), s.status.as_str().into());
            out.insert("ran".into(), ran.to_string());
            out.insert(
                "passed".into(),
                (s.status == StepStatus::Passed).to_string(),
            );
            out.insert(
                "exit_code".into(),
                last.and_then(|a| a.exit_code)
                    .map(|c| c.to_string())
                    .unwrap_or_default(),
            );
            out.insert("detail".into(), s.detail.clone());
            (s.id.clone(), out)
        })
        .collect()
}
