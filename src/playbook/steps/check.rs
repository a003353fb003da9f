//! `check:` steps: any check kind of the checks engine, run through the
//! preflight runner's item logic (its timeout, its outcome, its report item
//! as evidence). Retries are the playbook runner's, one attempt each.

use std::time::{Duration, Instant};

use super::{Done, StepOutcome};
use crate::checklist::{Action, Entry};
use crate::checks::{CheckSpec, Deps};
use crate::preflight::{self, Manual, Planned};
use crate::report::{Severity, Status};

/// Run one attempt of the (rendered) `check:` mapping under `timeout`.
pub async fn run(
    check: serde_json::Value,
    id: &str,
    phase: &str,
    deps: &Deps,
    timeout: Duration,
) -> Done {
    let spec = match serde_json::from_value::<CheckSpec>(check) {
        Ok(spec) => spec,
        Err(err) => return Done::new(StepOutcome::Usage, format!("invalid check: {err}")),
    };
    let planned = Planned {
        checklist: String::new(),
        section: phase.to_string(),
        entry: Entry {
            id: id.to_string(),
            title: format!("{} check", spec.kind()),
            description: String::new(),
            severity: Severity::Critical,
            owner: None,
            tags: Vec::new(),
            action: Action::Check(Box::new(spec)),
            timeout,
            retries: 0,
            retry_delay: Duration::ZERO,
            valid_for: None,
            line: 0,
        },
    };
    // The deadline only bounds the attempt; the timeout above decides it.
    let deadline = Instant::now() + timeout + Duration::from_secs(1);
    let item =
        preflight::run_item(&planned, deps, &Manual::Skip(Default::default()), deadline).await;
    let outcome = match item.status {
        Status::Pass | Status::Warn => StepOutcome::Pass,
        Status::Fail => StepOutcome::Fail,
        Status::Error => StepOutcome::Error,
        Status::Skip => StepOutcome::Skipped,
        // Nothing waives a playbook's check (no marks are passed).
        Status::Waived => StepOutcome::Pass,
    };
    let mut done = Done::new(outcome, item.detail.clone());
    done.evidence = serde_json::to_value(&item).ok();
    done
}
