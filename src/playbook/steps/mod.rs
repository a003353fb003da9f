//! The step kinds, one small module each. A kind gets its inputs already
//! rendered (templates filled by the runner) and returns one attempt's
//! [`Done`]; timeouts, retries, recording and the failure policy are the
//! runner's job, so a kind only has to be correct once.

pub mod check;
pub mod command;
pub mod confirm;
pub mod hctl;
pub mod notify;
pub mod wait;

use std::collections::BTreeMap;
use std::time::Duration;

use serde::{Deserialize, Serialize};

use super::StepKind;

/// How one attempt at a step ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StepOutcome {
    /// Done and fine (exit 0).
    Pass,
    /// Done and not fine: a gate failed, a rollout failed (exit 1).
    Fail,
    /// Could not start: bad arguments, a missing setting or `--yes` (exit 2).
    Usage,
    /// The operation failed: unreachable, timed out (exit 3).
    Error,
    /// Not run: its `when:` is false, or nothing to do.
    Skipped,
    /// A confirmation or approvals are missing: the run stops and waits.
    Waiting,
    /// Dry run: listed, not run.
    WouldRun,
    /// Cut short by Ctrl-C, a kill or a lost machine.
    Interrupted,
}

impl StepOutcome {
    /// Fail, usage, error and interrupted all make the step failed.
    pub fn is_failure(self) -> bool {
        matches!(
            self,
            StepOutcome::Fail | StepOutcome::Usage | StepOutcome::Error | StepOutcome::Interrupted
        )
    }

    /// An exit code (0 pass, 1 fail, 2 usage, 3 error) as an outcome.
    pub fn from_code(code: u8) -> Self {
        match code {
            0 => StepOutcome::Pass,
            1 => StepOutcome::Fail,
            2 => StepOutcome::Usage,
            130 => StepOutcome::Interrupted,
            _ => StepOutcome::Error,
        }
    }
}

/// One attempt's result.
#[derive(Debug, Clone, PartialEq)]
pub struct Done {
    pub outcome: StepOutcome,
    pub exit_code: Option<i32>,
    /// One line saying why.
    pub detail: String,
    /// The step's report (an hctl command's JSON, a check's item), if any.
    pub evidence: Option<serde_json::Value>,
    /// What later steps may use as `{{ steps.ID.NAME }}`.
    pub outputs: BTreeMap<String, String>,
}

impl Done {
    pub fn new(outcome: StepOutcome, detail: impl Into<String>) -> Self {
        Done {
            outcome,
            exit_code: None,
            detail: detail.into().replace('\n', " "),
            evidence: None,
            outputs: BTreeMap::new(),
        }
    }
}

/// Outputs every step publishes: `status` (its step status), `ran` and
/// `passed` (`true`/`false`), `exit_code` and `detail`.
pub const COMMON_OUTPUTS: &[&str] = &["status", "ran", "passed", "exit_code", "detail"];

/// What a step of `kind` publishes for `{{ steps.ID.NAME }}`.
pub fn outputs(kind: &StepKind) -> Vec<&'static str> {
    let mut names = COMMON_OUTPUTS.to_vec();
    match kind {
        StepKind::Hctl(h) => names.extend(hctl::outputs(&h.command).iter().map(|(n, _)| *n)),
        StepKind::Command { .. } => names.push("stdout"),
        StepKind::Confirm { .. } => names.push("approved_by"),
        _ => {}
    }
    names
}

/// The per-attempt time limit of a step kind when the step sets none.
pub fn default_timeout(kind: &StepKind) -> Option<Duration> {
    match kind {
        StepKind::Check(_) => Some(crate::checklist::DEFAULT_TIMEOUT),
        StepKind::Command { .. } => Some(Duration::from_secs(600)),
        StepKind::Notify(_) => Some(Duration::from_secs(10)),
        // hctl commands bound their own network calls (`--timeout` of a
        // rollout); confirm and wait have no attempt time limit.
        StepKind::Hctl(_) | StepKind::Confirm { .. } | StepKind::Wait(_) => None,
    }
}

/// The most of a step's JSON report kept in the ledger; a larger one is
/// kept as its SHA-256 and size.
pub const EVIDENCE_LIMIT: usize = 64 * 1024;

/// A report as evidence: the JSON itself when small enough, else its digest.
pub fn evidence(text: &str) -> Option<serde_json::Value> {
    let text = text.trim();
    if text.is_empty() {
        return None;
    }
    if text.len() <= EVIDENCE_LIMIT
        && let Ok(value) = serde_json::from_str::<serde_json::Value>(text)
    {
        return Some(value);
    }
    use sha2::Digest;
    Some(serde_json::json!({
        "sha256": hex::encode(sha2::Sha256::digest(text.as_bytes())),
        "bytes": text.len(),
    }))
}
