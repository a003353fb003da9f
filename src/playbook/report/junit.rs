//! JUnit view: each step a test case (classname `PLAYBOOK.PHASE`), through
//! the checks' own JUnit renderer, so CI reads a run like any other gate:
//! failed steps are failures, interrupted ones errors, steps not run skipped.

use std::io::Write;

use chrono::{DateTime, Utc};

use super::{RunReport, StepStatus, View};
use crate::playbook::steps::StepOutcome;
use crate::report::{Attempt, Item, Report, Severity, Status};

fn status(step: StepStatus, last: Option<StepOutcome>) -> Status {
    match step {
        StepStatus::Passed => Status::Pass,
        StepStatus::Failed if matches!(last, Some(StepOutcome::Error)) => Status::Error,
        StepStatus::Failed => Status::Fail,
        StepStatus::Interrupted => Status::Error,
        _ => Status::Skip,
    }
}

fn items(run: &RunReport, many: bool) -> Vec<Item> {
    run.steps
        .iter()
        .map(|s| {
            let last = s.attempts.last().and_then(|a| a.outcome);
            let st = status(s.status, last);
            let ms: u64 = s.attempts.iter().filter_map(|a| a.duration_ms).sum();
            let detail = if s.detail.is_empty() {
                s.status.as_str().to_string()
            } else {
                format!("{}: {}", s.status.as_str(), s.detail)
            };
            let mut item = Item::new(
                s.id.clone(),
                format!("{} {}", s.kind, s.id),
                Severity::Critical,
                st,
                std::time::Duration::from_millis(ms),
                detail,
            );
            if !s.attempts.is_empty() {
                item.attempts = s
                    .attempts
                    .iter()
                    .map(|a| Attempt {
                        status: status(
                            StepStatus::from_outcome(a.outcome.unwrap_or(StepOutcome::Interrupted)),
                            a.outcome,
                        ),
                        duration_ms: a.duration_ms.unwrap_or(0),
                        detail: a.detail.clone(),
                    })
                    .collect();
            }
            let section = if many {
                format!("{}.{}.{}", run.label(), run.playbook, s.phase)
            } else {
                format!("{}.{}", run.playbook, s.phase)
            };
            item.in_section(section)
        })
        .collect()
}

pub fn render(view: &View, out: &mut dyn Write) -> std::io::Result<()> {
    let runs = RunReport::runs(view);
    let many = runs.len() > 1;
    let started = |r: &RunReport| {
        r.started_at
            .as_deref()
            .and_then(|t| DateTime::parse_from_rfc3339(t).ok())
            .map(|t| t.with_timezone(&Utc))
    };
    let first = runs
        .iter()
        .filter_map(|r| started(r))
        .min()
        .unwrap_or_else(Utc::now);
    let title = match runs.as_slice() {
        [one] => format!("playbook {} {}", one.label(), one.status.as_str()),
        _ => "playbook runs".to_string(),
    };
    let items: Vec<Item> = runs.iter().flat_map(|r| items(r, many)).collect();
    let ms: u64 = items.iter().map(|i| i.duration_ms).sum();
    let environment = runs.first().map(|r| r.environment.clone());
    let report = Report::new(
        title,
        environment,
        first,
        std::time::Duration::from_millis(ms),
        items,
    );
    report.render(
        crate::output::Format::Junit,
        &crate::output::Style::plain(),
        out,
    )
}
