//! The one model every playbook view renders: a [`RunReport`] per run (a
//! plan, a dry run, a live or finished run), and for `log` the run's ledger
//! rows with their verification. Table, JSON, JUnit and Markdown are pure
//! functions of it (the submodules), so the formats never disagree. JSON
//! field names are a contract.

mod junit;
mod markdown;
mod table;

use std::collections::BTreeMap;

use serde::Serialize;

use super::ledger::{Broken, Event};
use super::steps::StepOutcome;
use super::steps::confirm::Approval;
use crate::output::{Format, Style};

/// Where a run stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RunStatus {
    /// `show`: the plan, not a run.
    Planned,
    Running,
    Passed,
    Failed,
    /// Stopped at a confirmation or approvals; `approve` + `resume` go on.
    Waiting,
    /// Cut short (Ctrl-C, a kill, a lost machine); `resume` goes on.
    Interrupted,
    /// A step failed and the rollback section ran to its end.
    RolledBack,
}

impl RunStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            RunStatus::Planned => "planned",
            RunStatus::Running => "running",
            RunStatus::Passed => "passed",
            RunStatus::Failed => "failed",
            RunStatus::Waiting => "waiting",
            RunStatus::Interrupted => "interrupted",
            RunStatus::RolledBack => "rolled_back",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        [
            RunStatus::Planned,
            RunStatus::Running,
            RunStatus::Passed,
            RunStatus::Failed,
            RunStatus::Waiting,
            RunStatus::Interrupted,
            RunStatus::RolledBack,
        ]
        .into_iter()
        .find(|s| s.as_str() == text)
    }

    /// The exit code a run that ends here maps to.
    pub fn exit_code(self) -> crate::exit::Exit {
        use crate::exit::Exit;
        match self {
            RunStatus::Planned | RunStatus::Passed => Exit::Success,
            RunStatus::Failed | RunStatus::RolledBack => Exit::Failed,
            RunStatus::Waiting => Exit::Usage,
            RunStatus::Interrupted => Exit::Interrupted,
            RunStatus::Running => Exit::Operation,
        }
    }
}

/// Where a step stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum StepStatus {
    Pending,
    Running,
    Passed,
    Failed,
    Skipped,
    Waiting,
    Interrupted,
    /// Dry run: listed, not run.
    WouldRun,
}

impl StepStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            StepStatus::Pending => "pending",
            StepStatus::Running => "running",
            StepStatus::Passed => "passed",
            StepStatus::Failed => "failed",
            StepStatus::Skipped => "skipped",
            StepStatus::Waiting => "waiting",
            StepStatus::Interrupted => "interrupted",
            StepStatus::WouldRun => "would_run",
        }
    }

    pub fn from_outcome(outcome: StepOutcome) -> Self {
        match outcome {
            StepOutcome::Pass => StepStatus::Passed,
            StepOutcome::Fail | StepOutcome::Usage | StepOutcome::Error => StepStatus::Failed,
            StepOutcome::Skipped => StepStatus::Skipped,
            StepOutcome::Waiting => StepStatus::Waiting,
            StepOutcome::WouldRun => StepStatus::WouldRun,
            StepOutcome::Interrupted => StepStatus::Interrupted,
        }
    }

    /// Passed or skipped: a resume does not run it again.
    pub fn is_done(self) -> bool {
        matches!(self, StepStatus::Passed | StepStatus::Skipped)
    }
}

/// One run, or the plan of one.
#[derive(Debug, Clone, Serialize)]
pub struct RunReport {
    /// `null` for a plan (`show`) or a dry run, which record nothing.
    pub run_id: Option<String>,
    pub playbook: String,
    pub environment: String,
    pub status: RunStatus,
    pub dry_run: bool,
    pub started_by: Option<String>,
    pub started_at: Option<String>,
    pub finished_at: Option<String>,
    /// `--phase`: only this phase runs.
    pub phase: Option<String>,
    pub params: BTreeMap<String, String>,
    /// SHA-256 of the playbook file the run started from.
    pub digest: Option<String>,
    pub failed_step: Option<String>,
    /// Incidents: the response deadline and update interval of the run's level.
    pub response: Option<ResponseClock>,
    /// Every step in plan order, the rollback section last (phase `rollback`).
    pub steps: Vec<StepReport>,
}

/// One step of a run.
#[derive(Debug, Clone, Serialize)]
pub struct StepReport {
    pub id: String,
    pub phase: String,
    /// hctl, preflight, check, shell, run, confirm, notify, wait.
    pub kind: String,
    pub title: String,
    pub status: StepStatus,
    /// The last attempt's one line.
    pub detail: String,
    /// The argv or line as it ran (templates filled, URLs redacted), else as written.
    pub argv: Option<Vec<String>>,
    /// Confirm steps: approvals needed (0: one confirmation).
    pub approvals_needed: Option<u32>,
    pub approvals: Vec<Approval>,
    /// What it published for `{{ steps.ID.NAME }}`.
    pub outputs: BTreeMap<String, String>,
    pub attempts: Vec<AttemptReport>,
}

/// One attempt at a step.
#[derive(Debug, Clone, Serialize)]
pub struct AttemptReport {
    /// 1, 2, … across the run and its resumes.
    pub attempt: u32,
    /// `null` while it runs (or when it was cut short without a word).
    pub outcome: Option<StepOutcome>,
    pub started_at: String,
    pub finished_at: Option<String>,
    pub duration_ms: Option<u64>,
    pub exit_code: Option<i32>,
    pub detail: String,
}

/// Time against an incident's deadlines.
#[derive(Debug, Clone, Serialize)]
pub struct ResponseClock {
    /// The level (the value of the playbook's `response.by` parameter).
    pub level: String,
    pub respond_within_secs: u64,
    pub respond_by: String,
    pub elapsed_secs: u64,
    /// Still open past the response deadline.
    pub overdue: bool,
    pub update_every_secs: u64,
    /// The last notify step that was sent.
    pub last_update_at: Option<String>,
    pub update_due: String,
    /// Still open and no update since the interval passed.
    pub update_overdue: bool,
}

/// `hctl playbook log`: a run, its rows, and (with `--verify`) the verdict.
#[derive(Debug, Clone, Serialize)]
pub struct LogReport {
    pub run: RunReport,
    pub events: Vec<Event>,
    pub verified: Option<Verified>,
}

/// The chain check of a run's rows.
#[derive(Debug, Clone, Serialize)]
pub struct Verified {
    pub ok: bool,
    pub rows: usize,
    /// The last row's hash: keep it to notice rows removed from the end.
    pub head: Option<String>,
    pub broken: Option<Broken>,
}

/// What a command shows.
#[derive(Debug, Clone)]
pub enum View {
    /// `show`, `run`, `resume`.
    Run(RunReport),
    /// `runs`.
    Runs(Vec<RunReport>),
    /// `log`.
    Log(LogReport),
}

impl View {
    /// Write the view in `format` to `out`.
    pub fn render(
        &self,
        format: Format,
        style: &Style,
        out: &mut dyn std::io::Write,
    ) -> std::io::Result<()> {
        match format {
            Format::Json => {
                let value = match self {
                    View::Run(r) => serde_json::to_value(r),
                    View::Runs(r) => serde_json::to_value(r),
                    View::Log(l) => serde_json::to_value(l),
                }
                .map_err(std::io::Error::other)?;
                let mut text =
                    serde_json::to_string_pretty(&value).map_err(std::io::Error::other)?;
                text.push('\n');
                out.write_all(text.as_bytes())
            }
            Format::Table => table::render(self, style, out),
            Format::Junit => junit::render(self, out),
            Format::Markdown => markdown::render(self, out),
        }
    }
}

impl RunReport {
    /// The runs a report covers, for renderers that take a list.
    fn runs(view: &View) -> Vec<&RunReport> {
        match view {
            View::Run(r) => vec![r],
            View::Runs(rs) => rs.iter().collect(),
            View::Log(l) => vec![&l.run],
        }
    }

    /// `run_id`, or what stands in for it.
    pub fn label(&self) -> String {
        match &self.run_id {
            Some(id) => id.clone(),
            None if self.dry_run => format!("{} (dry run)", self.playbook),
            None => format!("{} (plan)", self.playbook),
        }
    }
}

/// Elapsed seconds as `1h02m`, `5m`, `12s`.
pub fn human_secs(secs: u64) -> String {
    let (h, m, s) = (secs / 3600, secs % 3600 / 60, secs % 60);
    match (h, m) {
        (0, 0) => format!("{s}s"),
        (0, _) => format!("{m}m{s:02}s"),
        _ => format!("{h}h{m:02}m"),
    }
}
