//! The concurrent runner: at most `concurrency` checks in flight, each
//! attempt bounded by min(item timeout, time left before the deadline), so a
//! hanging peer costs one timeout and the run always ends by its deadline.

use std::time::{Duration, Instant};

use futures::StreamExt;

use chrono::Utc;

use super::{Manual, Planned};
use crate::checklist::Action;
use crate::checklist::standing::{Standing, standing};
use crate::checks::{self, Deps, Outcome};
use crate::duration::human;
use crate::report::{Attempt, Item, Status, millis};

/// How a run is bounded.
#[derive(Debug, Clone)]
pub struct Options {
    pub concurrency: usize,
    pub deadline: Duration,
}

/// What a run says as it goes, for whoever shows its progress; `()` shows
/// nothing. Items start and finish in any order, several at once.
pub trait Observer: Sync {
    /// Item `index` of the plan starts; `label` is its id and title.
    fn started(&self, _index: usize, _label: &str) {}
    /// Item `index` of the plan is decided.
    fn finished(&self, _index: usize) {}
}

impl Observer for () {}

/// Run the plan; items come back in plan order.
pub async fn run(
    plan: &[Planned],
    opts: &Options,
    deps: &Deps,
    manual: &Manual,
    observer: &impl Observer,
) -> Vec<Item> {
    let deadline = Instant::now() + opts.deadline;
    let mut items: Vec<(usize, Item)> = futures::stream::iter(plan.iter().enumerate())
        .map(|(i, planned)| async move {
            observer.started(i, &format!("{} {}", planned.entry.id, planned.entry.title));
            let item = run_item(planned, deps, manual, deadline).await;
            observer.finished(i);
            (i, item)
        })
        .buffer_unordered(opts.concurrency.max(1))
        .collect()
        .await;
    items.sort_by_key(|(i, _)| *i);
    items.into_iter().map(|(_, item)| item).collect()
}

fn item(planned: &Planned, status: Status, duration: Duration, detail: String) -> Item {
    let e = &planned.entry;
    Item::new(
        e.id.clone(),
        e.title.clone(),
        e.severity,
        status,
        duration,
        detail,
    )
    .in_section(planned.section.clone())
}

/// Decide one item.
pub async fn run_item(planned: &Planned, deps: &Deps, manual: &Manual, deadline: Instant) -> Item {
    let entry = &planned.entry;
    let spec = match &entry.action {
        Action::Check(spec) => spec,
        Action::NotApplicable { key } => {
            return item(
                planned,
                Status::Skip,
                Duration::ZERO,
                format!("not applicable here: `{key}` is not set for this environment"),
            );
        }
        Action::Manual => {
            let (status, detail) = manual_state(planned, manual);
            let mut result = item(planned, status, Duration::ZERO, detail);
            result.evidence = manual.mark(planned).and_then(|t| t.evidence.clone());
            return result;
        }
    };
    let started = Instant::now();
    let tries = entry.retries + 1;
    let mut attempts = Vec::new();
    let mut observatory = None;
    for n in 1..=tries {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            attempts.push(Attempt {
                status: Status::Error,
                duration_ms: 0,
                detail: "not run: the overall deadline was reached".into(),
            });
            break;
        }
        let limit = entry.timeout.min(left);
        let attempt_started = Instant::now();
        let outcome = match tokio::time::timeout(limit, checks::run(spec, deps)).await {
            Ok(outcome) => outcome,
            Err(_) if limit < entry.timeout => Outcome::error(format!(
                "timed out after {} (overall deadline)",
                human(limit)
            )),
            Err(_) => Outcome::error(format!("timed out after {}", human(limit))),
        };
        attempts.push(Attempt {
            status: outcome.status,
            duration_ms: millis(attempt_started.elapsed()),
            detail: outcome.detail.replace('\n', " "),
        });
        observatory = outcome.observatory;
        if !outcome.status.is_failure() || n == tries {
            break;
        }
        let pause = entry
            .retry_delay
            .min(deadline.saturating_duration_since(Instant::now()));
        tokio::time::sleep(pause).await;
    }
    let last = attempts
        .last()
        .cloned()
        .expect("at least one attempt is recorded");
    let detail = if attempts.len() > 1 {
        format!("{} (after {} attempts)", last.detail, attempts.len())
    } else {
        last.detail.clone()
    };
    let mut result = item(planned, last.status, started.elapsed(), detail);
    result.attempts = attempts;
    result.observatory = observatory;
    waive_failure(&mut result, planned, manual);
    result
}

/// A failed automated item under a waiver that still holds is `waived`, its
/// detail saying by whom and until when, then what the check found.
fn waive_failure(result: &mut Item, planned: &Planned, manual: &Manual) {
    let Some(mark) = manual.mark(planned) else {
        return;
    };
    let judged = standing(&planned.entry, Some(mark), Utc::now());
    if result.status.is_failure() && judged == Standing::Waived(mark) {
        result.detail = format!("{}; check: {}", judged.describe(None, ""), result.detail);
        result.status = Status::Waived;
    }
}

fn manual_state(planned: &Planned, manual: &Manual) -> (Status, String) {
    let owner = planned
        .entry
        .owner
        .as_deref()
        .map(|o| format!(" (owner: {o})"))
        .unwrap_or_default();
    match manual {
        Manual::Skip(_) => (
            Status::Skip,
            format!("manual{owner}: skipped (--skip-manual)"),
        ),
        Manual::Unknown(why) => (
            Status::Error,
            format!("manual{owner}: cannot read ticks: {why}"),
        ),
        Manual::Ticks(ticks) => {
            let mark = ticks.get(&(planned.checklist.clone(), planned.entry.id.clone()));
            let judged = standing(&planned.entry, mark, Utc::now());
            let again = format!(
                "hctl checklist tick {} {}",
                planned.checklist, planned.entry.id
            );
            let detail = judged.describe(planned.entry.valid_for, &again);
            let detail = match judged {
                Standing::Open => format!("manual{owner}: {detail}"),
                _ => detail,
            };
            (judged.status(), detail)
        }
    }
}
