//! `wait:` steps: a pause (`wait: 30s`), or a check polled every `every`
//! until it passes, failing when it has not within `timeout`.

use std::time::{Duration, Instant};

use super::{Done, StepOutcome, check};
use crate::checks::Deps;
use crate::duration::human;

/// Pause for `d`.
pub async fn pause(d: Duration) -> Done {
    tokio::time::sleep(d).await;
    Done::new(StepOutcome::Pass, format!("waited {}", human(d)))
}

/// Poll the (rendered) check until it passes or `timeout` has passed.
pub async fn until(
    spec: serde_json::Value,
    id: &str,
    phase: &str,
    deps: &Deps,
    timeout: Duration,
    every: Duration,
) -> Done {
    let started = Instant::now();
    let deadline = started + timeout;
    let mut tries = 0;
    loop {
        tries += 1;
        let left = deadline.saturating_duration_since(Instant::now());
        let limit = crate::checklist::DEFAULT_TIMEOUT.min(left.max(Duration::from_millis(100)));
        let mut done = check::run(spec.clone(), id, phase, deps, limit).await;
        if done.outcome == StepOutcome::Pass {
            done.detail = format!(
                "passed after {tries} {} in {}: {}",
                if tries == 1 { "try" } else { "tries" },
                human(started.elapsed()),
                done.detail
            );
            return done;
        }
        if Instant::now() + every >= deadline {
            done.outcome = StepOutcome::Fail;
            done.detail = format!(
                "still not passing after {} ({tries} tries): {}",
                human(timeout),
                done.detail
            );
            return done;
        }
        tokio::time::sleep(every).await;
    }
}
