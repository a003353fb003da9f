//! Playbooks: the launch, rollback and incident procedures of the readiness
//! guide as runs that gate, roll back, resume and leave a ledger.
//!
//! A playbook (`playbooks/NAME.yaml`) has `params`, `phases` of `steps` and a
//! `rollback` section; each step is one kind (`hctl`, `preflight`, `check`,
//! `shell`/`run`, `confirm`, `notify`, `wait`). [`parse`] validates a file
//! strictly (unknown keys, unknown kinds, hctl argv against the CLI's own
//! definition, template references), every problem as `file:line:column`.
//! [`runner`] executes a run, recording every event in the append-only,
//! hash-chained [`ledger`]; [`state`] folds a run's events back into the
//! [`report::RunReport`] every view renders. This module never sees clap: the
//! CLI is reached through [`Hctl`], which `commands::playbook` implements.

pub(crate) mod discover;
pub(crate) mod ledger;
mod parse;
pub(crate) mod report;
pub(crate) mod runner;
pub(crate) mod runs;
pub(crate) mod state;
pub(crate) mod steps;
pub(crate) mod template;

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::Duration;

use futures::future::LocalBoxFuture;

pub use crate::checklist::Invalid;
use crate::exit::UsageError;
use crate::yaml::YamlError;

pub use parse::parse;

/// A validated playbook.
#[derive(Debug, Clone)]
pub struct Playbook {
    /// `name:` in the file (what `hctl playbook run NAME` uses).
    pub name: String,
    pub description: String,
    /// Where it was read from (`playbooks/launch.yaml`).
    pub path: PathBuf,
    /// SHA-256 of the file's text, recorded with every run.
    pub digest: String,
    pub params: Vec<Param>,
    pub phases: Vec<Phase>,
    /// What `on_failure: rollback` runs, in order.
    pub rollback: Vec<Step>,
    /// Response deadlines by the value of a parameter (incidents).
    pub response: Option<Response>,
}

/// A `--param NAME=VALUE` the playbook takes.
#[derive(Debug, Clone)]
pub struct Param {
    pub name: String,
    pub description: String,
    pub required: bool,
    pub default: Option<String>,
    /// The only values allowed (empty: any).
    pub values: Vec<String>,
}

/// A named group of steps with its failure policy.
#[derive(Debug, Clone)]
pub struct Phase {
    pub name: String,
    pub on_failure: OnFailure,
    pub steps: Vec<Step>,
}

/// What a failed step does to the run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OnFailure {
    /// Stop the run as failed (the default).
    Abort,
    /// Record the failure and go on with the next step.
    Continue,
    /// Run the playbook's `rollback` section, then stop.
    Rollback,
}

/// One step of a phase or of the rollback section.
#[derive(Debug, Clone)]
pub struct Step {
    pub id: String,
    pub title: String,
    pub kind: StepKind,
    /// A template that must render to `true` or `false` (or `A == B`, `A != B`).
    pub when: Option<String>,
    /// Per attempt; `None`: the kind's default.
    pub timeout: Option<Duration>,
    /// Extra attempts after a failure.
    pub retries: u32,
    pub retry_delay: Duration,
}

/// What a step does.
#[derive(Debug, Clone)]
pub enum StepKind {
    /// An hctl subcommand, run in-process against the run's environment.
    Hctl(HctlStep),
    /// Any check kind of the checks engine (`check:` as in checklists).
    Check(serde_json::Value),
    /// A shell line (`sh -c`) or an argv (`run:`), in its own process group.
    Command {
        shell: Option<String>,
        argv: Vec<String>,
    },
    /// A person confirms; `approvals: N` needs N distinct others.
    Confirm { text: String, approvals: u32 },
    /// A message to a Slack-compatible or generic JSON webhook.
    Notify(Notify),
    /// A pause, or a check polled until it passes.
    Wait(Wait),
}

/// An `hctl:` (or `preflight:`) step.
#[derive(Debug, Clone)]
pub struct HctlStep {
    /// The argv after `hctl`, templates unrendered.
    pub argv: Vec<String>,
    /// The subcommand path, e.g. `db backup` (from the CLI definition).
    pub command: String,
    /// Whether the subcommand has a `--dry-run` of its own.
    pub dry_run: bool,
    /// Written as `preflight:` (shown as that kind).
    pub preflight: bool,
}

/// A `notify:` step.
#[derive(Debug, Clone)]
pub struct Notify {
    /// The environment variable holding the webhook URL (never the URL itself).
    pub webhook_env: String,
    pub text: String,
    pub format: NotifyFormat,
}

/// The body a webhook gets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NotifyFormat {
    /// `{"text": "..."}`: Slack, Mattermost, Rocket.Chat, Teams workflows.
    Slack,
    /// `{"text", "playbook", "run_id", "status", "environment", "step"}`.
    Json,
}

/// A `wait:` step.
#[derive(Debug, Clone)]
pub enum Wait {
    For(Duration),
    Until {
        check: serde_json::Value,
        timeout: Duration,
        every: Duration,
    },
}

/// Response deadlines, chosen by the value of one parameter.
#[derive(Debug, Clone)]
pub struct Response {
    /// The parameter that picks the level, e.g. `severity`.
    pub by: String,
    pub levels: BTreeMap<String, Level>,
}

/// One severity's deadlines.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Level {
    /// Time from the start of the run to the first response.
    pub within: Duration,
    /// How often a status update is due.
    pub update_every: Duration,
}

impl StepKind {
    /// The kind as written in YAML.
    pub fn label(&self) -> &'static str {
        match self {
            StepKind::Hctl(h) if h.preflight => "preflight",
            StepKind::Hctl(_) => "hctl",
            StepKind::Check(_) => "check",
            StepKind::Command { shell: Some(_), .. } => "shell",
            StepKind::Command { .. } => "run",
            StepKind::Confirm { .. } => "confirm",
            StepKind::Notify(_) => "notify",
            StepKind::Wait(_) => "wait",
        }
    }
}

impl Playbook {
    /// Every step in plan order: phases first, then the rollback section,
    /// each with its phase name (`rollback` for the latter).
    pub fn steps(&self) -> impl Iterator<Item = (&str, &Step)> {
        self.phases
            .iter()
            .flat_map(|p| p.steps.iter().map(move |s| (p.name.as_str(), s)))
            .chain(self.rollback.iter().map(|s| (ROLLBACK, s)))
    }

    pub fn phase(&self, name: &str) -> Option<&Phase> {
        self.phases.iter().find(|p| p.name == name)
    }

    /// The values of a run: `--param` over the defaults. Unknown names,
    /// missing required ones and values outside `values:` are usage errors.
    pub fn resolve_params(
        &self,
        given: &[(String, String)],
    ) -> anyhow::Result<BTreeMap<String, String>> {
        let mut values = BTreeMap::new();
        for (name, value) in given {
            let Some(param) = self.params.iter().find(|p| &p.name == name) else {
                let known: Vec<&str> = self.params.iter().map(|p| p.name.as_str()).collect();
                return Err(UsageError::new(format!(
                    "--param {name}: playbook `{}` has no parameter `{name}` (known: {})",
                    self.name,
                    if known.is_empty() {
                        "none".to_string()
                    } else {
                        known.join(", ")
                    }
                ))
                .into());
            };
            if !param.values.is_empty() && !param.values.contains(value) {
                return Err(UsageError::new(format!(
                    "--param {name}={value}: expected one of {}",
                    param.values.join(", ")
                ))
                .into());
            }
            values.insert(name.clone(), value.clone());
        }
        for param in &self.params {
            if values.contains_key(&param.name) {
                continue;
            }
            match (&param.default, param.required) {
                (Some(default), _) => {
                    values.insert(param.name.clone(), default.clone());
                }
                (None, true) => {
                    return Err(UsageError::new(format!(
                        "playbook `{}` needs --param {}=VALUE{}",
                        self.name,
                        param.name,
                        if param.description.is_empty() {
                            String::new()
                        } else {
                            format!(" ({})", param.description)
                        }
                    ))
                    .into());
                }
                (None, false) => {
                    values.insert(param.name.clone(), String::new());
                }
            }
        }
        Ok(values)
    }

    /// The response level a run with these parameters is held to.
    pub fn level(&self, params: &BTreeMap<String, String>) -> Option<(&str, Level)> {
        let response = self.response.as_ref()?;
        let value = params.get(&response.by)?;
        response
            .levels
            .get_key_value(value)
            .map(|(k, l)| (k.as_str(), *l))
    }
}

/// The phase name of the rollback section's steps.
pub const ROLLBACK: &str = "rollback";

/// What the CLI says about an hctl argv: which subcommand it is and whether
/// it has a `--dry-run` of its own.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HctlCommand {
    pub command: String,
    pub dry_run: bool,
}

/// How one in-process hctl invocation ended.
#[derive(Debug, Clone)]
pub struct HctlOutcome {
    /// The exit code it maps to (0, 1, 2, 3, 130).
    pub code: u8,
    /// What it printed on stdout (its JSON report).
    pub stdout: String,
    /// The error line when it failed with an error.
    pub error: Option<String>,
}

/// The CLI as a playbook needs it: checking an argv against the same
/// definitions `hctl` parses, and running one in-process.
pub trait Hctl: Send + Sync {
    /// The subcommand of `argv` (no leading `hctl`), or the parser's message.
    fn check(&self, argv: &[String]) -> Result<HctlCommand, String>;
    /// Run `argv` against the run's environment with `-o json`; `yes` answers
    /// its confirmations. (Not `Send`: the command runs on the caller's task,
    /// which is what lets its stdout be captured.)
    fn run(&self, argv: Vec<String>, yes: bool) -> LocalBoxFuture<'_, HctlOutcome>;
}

/// Every problem in the playbook file at `path` (empty: valid), for
/// `hctl config validate`.
pub fn validate(path: &std::path::Path, hctl: &dyn Hctl) -> Vec<YamlError> {
    match discover::read(path)
        .map_err(|e| Invalid(vec![e]))
        .and_then(|text| parse(&text, path, hctl))
    {
        Ok(_) => Vec::new(),
        Err(Invalid(errors)) => errors,
    }
}
