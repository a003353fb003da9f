//! `confirm:` steps: the decision, from what is recorded. `approvals: N`
//! needs N distinct people other than the run's starter (`--yes` does not
//! replace them); without it one confirmation does: a recorded approval,
//! `--yes`, or an answer at a terminal. Nobody to ask means the run waits.

use std::collections::BTreeSet;

use super::{Done, StepOutcome};

/// One recorded approval of a confirm step.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Approval {
    pub actor: String,
    pub note: Option<String>,
    pub at: String,
}

/// What the runner does with a confirm step.
#[derive(Debug, Clone, PartialEq)]
pub enum Decision {
    /// Decided without asking anyone.
    Done(Done),
    /// Ask the person at the terminal.
    Ask,
}

/// The people whose approvals count for a step needing `needed` of them.
pub fn counted<'a>(needed: u32, approvals: &'a [Approval], starter: &str) -> BTreeSet<&'a str> {
    approvals
        .iter()
        .map(|a| a.actor.as_str())
        .filter(|a| needed == 0 || *a != starter)
        .collect()
}

/// Decide a confirm step of run `run_id`.
#[allow(clippy::too_many_arguments)]
pub fn decide(
    step: &str,
    needed: u32,
    approvals: &[Approval],
    starter: &str,
    yes: bool,
    interactive: bool,
    dry_run: bool,
    run_id: &str,
) -> Decision {
    let people = counted(needed, approvals, starter);
    let by = people.iter().copied().collect::<Vec<_>>().join(", ");
    let approve = format!("hctl playbook approve {run_id} {step} --as NAME");
    let pass = |detail: String| {
        let mut done = Done::new(StepOutcome::Pass, detail);
        done.outputs.insert("approved_by".into(), by.clone());
        Decision::Done(done)
    };
    if needed > 0 {
        let have = u32::try_from(people.len()).unwrap_or(u32::MAX);
        if have >= needed {
            return pass(format!("approved by {by}"));
        }
        let what = format!(
            "needs {needed} {} by people other than {starter}, has {have}{}",
            if needed == 1 { "approval" } else { "approvals" },
            if by.is_empty() {
                String::new()
            } else {
                format!(" ({by})")
            }
        );
        if dry_run {
            return Decision::Done(Done::new(
                StepOutcome::WouldRun,
                format!("would wait: {what}"),
            ));
        }
        return Decision::Done(Done::new(
            StepOutcome::Waiting,
            format!("{what}: `{approve}`, then `hctl playbook resume {run_id}`"),
        ));
    }
    if !people.is_empty() {
        return pass(format!("confirmed by {by}"));
    }
    if dry_run {
        return Decision::Done(Done::new(
            StepOutcome::WouldRun,
            "would ask for a confirmation",
        ));
    }
    if yes {
        let mut done = Done::new(
            StepOutcome::Pass,
            format!("confirmed with --yes by {starter}"),
        );
        done.outputs
            .insert("approved_by".into(), starter.to_string());
        return Decision::Done(done);
    }
    if interactive {
        return Decision::Ask;
    }
    Decision::Done(Done::new(
        StepOutcome::Waiting,
        format!(
            "needs a confirmation and stdin is not a terminal: pass --yes, or `{approve}` and `hctl playbook resume {run_id}`"
        ),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn approval(actor: &str) -> Approval {
        Approval {
            actor: actor.into(),
            note: None,
            at: String::new(),
        }
    }

    fn outcome(d: Decision) -> StepOutcome {
        match d {
            Decision::Done(done) => done.outcome,
            Decision::Ask => panic!("asked"),
        }
    }

    #[test]
    fn approvals_count_distinct_people_other_than_the_starter() {
        let decide = |a: &[Approval]| outcome(decide("go", 2, a, "ana", true, true, false, "r"));
        assert_eq!(
            decide(&[approval("ana"), approval("bo")]),
            StepOutcome::Waiting
        );
        assert_eq!(
            decide(&[approval("bo"), approval("bo")]),
            StepOutcome::Waiting
        );
        assert_eq!(decide(&[approval("bo"), approval("cy")]), StepOutcome::Pass);
    }

    #[test]
    fn one_confirmation_from_yes_a_terminal_or_a_record() {
        assert_eq!(
            outcome(decide("go", 0, &[], "ana", true, false, false, "r")),
            StepOutcome::Pass
        );
        assert_eq!(
            outcome(decide("go", 0, &[], "ana", false, false, false, "r")),
            StepOutcome::Waiting
        );
        assert_eq!(
            decide("go", 0, &[], "ana", false, true, false, "r"),
            Decision::Ask
        );
        assert_eq!(
            outcome(decide(
                "go",
                0,
                &[approval("ana")],
                "ana",
                false,
                false,
                false,
                "r"
            )),
            StepOutcome::Pass
        );
        assert_eq!(
            outcome(decide("go", 0, &[], "ana", false, false, true, "r")),
            StepOutcome::WouldRun
        );
    }
}
