//! Executing a run: phases in order, each step's `when:`, attempts with
//! retries and timeouts, the failure policy (`abort`, `continue`,
//! `rollback`), confirmations, and resume. Every event is appended to the
//! ledger before the runner moves on, and the run's state is always the fold
//! of those events ([`state::fold`]), so a run killed at any point resumes
//! from what was recorded: passed steps are not run again, the step that was
//! cut short is recorded as interrupted and runs again.
//!
//! A dry run records into memory only (nothing is written anywhere), runs
//! the hctl steps that have a `--dry-run` of their own with it and lists
//! everything else, the rollback section included.

mod execute;
mod render;

use std::collections::BTreeSet;
use std::time::{Duration, Instant};

use anyhow::Result;
use chrono::Utc;
use serde_json::json;

use render::Prepared;

use super::ledger::{Event, Ledger, NewEvent, RunKey, chain};
use super::report::{RunReport, RunStatus, StepStatus};
use super::state::fold;
use super::steps::{self, Done, StepOutcome};
use super::template;
use super::{Hctl, OnFailure, Playbook, ROLLBACK, Step, StepKind};
use crate::checks::Deps;
use crate::config::Settings;
use crate::duration::human;
use crate::exit::UsageError;

/// A line of progress for stderr; `problem` lines explain a failure.
pub type Say<'a> = &'a (dyn Fn(bool, &str) + Sync);

/// Everything a run needs besides its playbook.
pub struct Runner<'a> {
    pub playbook: &'a Playbook,
    pub settings: &'a Settings,
    pub deps: Deps,
    pub hctl: &'a dyn Hctl,
    /// `None`: a dry run, recorded in memory only.
    pub ledger: Option<&'a Ledger>,
    /// Who runs this invocation (`--as`, `HCTL_ACTOR`, the OS user).
    pub actor: String,
    /// `--yes`: confirmations without approvals pass, hctl steps do not ask.
    pub yes: bool,
    /// stdin and stderr are a terminal: a confirm step may ask.
    pub interactive: bool,
    /// Where `webhook_env` variables are read.
    pub vars: &'a (dyn Fn(&str) -> Option<String> + Sync),
    pub say: Say<'a>,
    http: reqwest::Client,
    key: RunKey,
    events: Vec<Event>,
    /// The rollback section is running (`run.status` is `failed`).
    rolling_back: bool,
}

/// The host this process runs on, for naming the holder of a run.
pub fn hostname() -> String {
    let mut buf = [0u8; 256];
    // SAFETY: gethostname writes at most `buf.len()` bytes into `buf`.
    let ok = unsafe { libc::gethostname(buf.as_mut_ptr().cast(), buf.len()) } == 0;
    let end = buf.iter().position(|&b| b == 0).unwrap_or(buf.len());
    if ok {
        String::from_utf8_lossy(&buf[..end]).into_owned()
    } else {
        "unknown-host".into()
    }
}

/// A new run id: `PLAYBOOK-YYYYMMDDTHHMMSS-XXXXXX` (sortable, typeable).
pub fn new_run_id(playbook: &str) -> String {
    let random = uuid::Uuid::new_v4().as_u128() & 0xff_ffff;
    format!(
        "{playbook}-{}-{random:06x}",
        Utc::now().format("%Y%m%dT%H%M%S")
    )
}

impl<'a> Runner<'a> {
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        playbook: &'a Playbook,
        settings: &'a Settings,
        deps: Deps,
        hctl: &'a dyn Hctl,
        ledger: Option<&'a Ledger>,
        actor: String,
        yes: bool,
        interactive: bool,
        vars: &'a (dyn Fn(&str) -> Option<String> + Sync),
        say: Say<'a>,
    ) -> Result<Self> {
        let http = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(5))
            .build()
            .map_err(|e| anyhow::anyhow!("cannot build the HTTP client for notifications: {e}"))?;
        Ok(Runner {
            key: RunKey {
                run_id: String::new(),
                playbook: playbook.name.clone(),
                environment: settings.env.clone(),
            },
            playbook,
            settings,
            deps,
            hctl,
            ledger,
            actor,
            yes,
            interactive,
            vars,
            say,
            http,
            events: Vec::new(),
            rolling_back: false,
        })
    }

    fn dry_run(&self) -> bool {
        self.ledger.is_none()
    }

    /// The run as recorded so far.
    pub fn report(&self) -> RunReport {
        let mut report = fold(Some(self.playbook), &self.events, true);
        if self.dry_run() {
            report.run_id = None;
            report.dry_run = true;
        }
        report
    }

    async fn record(
        &mut self,
        kind: &str,
        step: Option<&str>,
        actor: Option<&str>,
        data: serde_json::Value,
    ) -> Result<()> {
        let actor = actor.unwrap_or(&self.actor).to_string();
        let new = NewEvent {
            kind,
            step,
            actor: &actor,
            data,
        };
        match self.ledger {
            None => {
                let event = chain(&self.key, self.events.last(), &new);
                self.events.push(event);
            }
            Some(ledger) => {
                let event = ledger.append(&self.key, &new).await?;
                if event.seq == self.events.len() as i64 + 1 {
                    self.events.push(event);
                } else {
                    // Someone else (an `approve`) appended meanwhile.
                    self.events = ledger.events(&self.key.run_id).await?;
                }
            }
        }
        Ok(())
    }

    /// Start a new run with these parameter values (see [`Playbook::resolve_params`]).
    pub async fn start(
        &mut self,
        params: std::collections::BTreeMap<String, String>,
        phase: Option<String>,
        run_id: String,
    ) -> Result<RunStatus> {
        self.key.run_id = run_id;
        let data = json!({
            "digest": self.playbook.digest,
            "path": self.playbook.path.display().to_string(),
            "params": params,
            "phase": phase,
            "dry_run": self.dry_run(),
            "yes": self.yes,
            "host": hostname(),
            "pid": std::process::id(),
        });
        self.record("run_started", None, None, data).await?;
        self.go(None).await
    }

    /// Go on with a recorded run: `from` reruns from that step on purpose.
    pub async fn resume(&mut self, events: Vec<Event>, from: Option<String>) -> Result<RunStatus> {
        let Some(first) = events.first() else {
            return Err(UsageError::new("the run has no events").into());
        };
        self.key.run_id = first.run_id.clone();
        // This process holds the run's lock, so anything left running was cut short.
        let before = fold(Some(self.playbook), &events, false);
        self.events = events;
        match before.status {
            RunStatus::Passed if from.is_none() => {
                return Err(UsageError::new(format!(
                    "run `{}` has passed: nothing to resume (`--from STEP` reruns from a step on purpose)",
                    self.key.run_id
                )).into());
            }
            RunStatus::RolledBack => {
                return Err(UsageError::new(format!(
                    "run `{}` was rolled back: start a new run",
                    self.key.run_id
                ))
                .into());
            }
            _ => {}
        }
        if let Some(id) = &from
            && !before
                .steps
                .iter()
                .any(|s| &s.id == id && s.phase != ROLLBACK)
        {
            return Err(UsageError::new(format!(
                "--from {id}: run `{}` has no step `{id}` (steps: {})",
                self.key.run_id,
                before
                    .steps
                    .iter()
                    .filter(|s| s.phase != ROLLBACK)
                    .map(|s| s.id.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ))
            .into());
        }
        for step in before
            .steps
            .iter()
            .filter(|s| s.status == StepStatus::Interrupted)
        {
            let open = step.attempts.last().filter(|a| a.outcome.is_none());
            if let Some(a) = open {
                let data = json!({
                    "attempt": a.attempt,
                    "detail": "interrupted: hctl stopped during this step (Ctrl-C, a kill or a lost machine)",
                });
                self.record("step_interrupted", Some(&step.id), None, data)
                    .await?;
            }
        }
        let data = json!({ "from": from, "host": hostname(), "pid": std::process::id() });
        self.record("resumed", None, None, data).await?;
        self.go(from).await
    }

    /// The steps of the run's phases in order, each with its phase and policy.
    fn plan(&self, phase: Option<&str>) -> Vec<(String, Step, OnFailure)> {
        self.playbook
            .phases
            .iter()
            .filter(|p| phase.is_none_or(|want| p.name == want))
            .flat_map(|p| {
                p.steps
                    .iter()
                    .map(move |s| (p.name.clone(), s.clone(), p.on_failure))
            })
            .collect()
    }

    async fn go(&mut self, from: Option<String>) -> Result<RunStatus> {
        let phase = self.report().phase;
        let plan = self.plan(phase.as_deref());
        let rerun: BTreeSet<String> = match &from {
            Some(id) => plan
                .iter()
                .skip_while(|(_, s, _)| &s.id != id)
                .map(|(_, s, _)| s.id.clone())
                .collect(),
            None => BTreeSet::new(),
        };
        let mut failed = None;
        for (phase, step, on_failure) in plan {
            let report = self.report();
            let done_before = report
                .steps
                .iter()
                .find(|s| s.id == step.id)
                .is_some_and(|s| s.status.is_done());
            if done_before && !rerun.contains(&step.id) {
                continue;
            }
            let done = self.step(&phase, &step).await?;
            if done.outcome == StepOutcome::Waiting {
                return self.finish(RunStatus::Waiting, None).await;
            }
            if !done.outcome.is_failure() {
                continue;
            }
            failed.get_or_insert(step.id.clone());
            if self.dry_run() {
                continue;
            }
            match on_failure {
                OnFailure::Continue => continue,
                OnFailure::Abort => return self.finish(RunStatus::Failed, Some(&step.id)).await,
                OnFailure::Rollback => return self.rollback(&step.id).await,
            }
        }
        if self.dry_run() {
            for step in self.playbook.rollback.clone() {
                let prepared = self.prepare(&step, &self.report());
                let argv = prepared.as_ref().ok().and_then(Prepared::shown);
                let what = match (&argv, &step.kind) {
                    (Some(a), StepKind::Hctl(_)) => format!("`hctl {}`", a.join(" ")),
                    (Some(a), _) => format!("`{}`", a.join(" ")),
                    (None, kind) => format!("the {} step", kind.label()),
                };
                let data = json!({
                    "attempt": 1,
                    "outcome": StepOutcome::WouldRun,
                    "detail": format!("would run {what} if a phase with `on_failure: rollback` fails"),
                    "argv": argv,
                });
                self.record("step_finished", Some(&step.id), None, data)
                    .await?;
            }
        }
        let status = if failed.is_some() {
            RunStatus::Failed
        } else {
            RunStatus::Passed
        };
        self.finish(status, failed.as_deref()).await
    }

    async fn finish(&mut self, status: RunStatus, failed_step: Option<&str>) -> Result<RunStatus> {
        let data = json!({ "status": status.as_str(), "failed_step": failed_step });
        self.record("run_finished", None, None, data).await?;
        let line = match (status, failed_step) {
            (RunStatus::Passed, _) => format!("run `{}` passed", self.label()),
            (RunStatus::Waiting, _) => {
                format!("run `{}` is waiting for a confirmation", self.label())
            }
            (RunStatus::RolledBack, Some(s)) => {
                format!("run `{}` failed at `{s}` and was rolled back", self.label())
            }
            (_, Some(s)) => format!("run `{}` failed at `{s}`", self.label()),
            (_, None) => format!("run `{}` {}", self.label(), status.as_str()),
        };
        (self.say)(status != RunStatus::Passed, &line);
        Ok(status)
    }

    fn label(&self) -> String {
        if self.dry_run() {
            format!("{} (dry run)", self.playbook.name)
        } else {
            self.key.run_id.clone()
        }
    }

    async fn rollback(&mut self, failed: &str) -> Result<RunStatus> {
        (self.say)(
            true,
            &format!("`{failed}` failed: running the rollback section"),
        );
        self.record(
            "rollback_started",
            None,
            None,
            json!({ "failed_step": failed }),
        )
        .await?;
        self.rolling_back = true;
        let mut complete = true;
        for step in self.playbook.rollback.clone() {
            let done = self.step(ROLLBACK, &step).await?;
            // Every rollback step gets its try: a failed one does not stop the rest.
            if done.outcome.is_failure() || done.outcome == StepOutcome::Waiting {
                complete = false;
            }
        }
        let status = if complete {
            RunStatus::RolledBack
        } else {
            RunStatus::Failed
        };
        self.finish(status, Some(failed)).await
    }

    /// One step: its `when:`, then attempts until one passes or retries run out.
    async fn step(&mut self, phase: &str, step: &Step) -> Result<Done> {
        if let Some(when) = &step.when {
            let report = self.report();
            let decided =
                self.render(when, &report)
                    .and_then(|text| match template::truth(&text) {
                        Err(_) if self.dry_run() && text.contains('<') => Ok(None),
                        other => other.map(Some),
                    });
            let skip = match decided {
                Ok(Some(true)) => None,
                Ok(Some(false)) => Some(Done::new(
                    StepOutcome::Skipped,
                    format!("skipped: `when: {when}` is false"),
                )),
                Ok(None) => Some(Done::new(
                    StepOutcome::WouldRun,
                    format!("would run if `{when}`"),
                )),
                Err(msg) => Some(Done::new(StepOutcome::Usage, format!("`when:` {msg}"))),
            };
            if let Some(done) = skip {
                let data = json!({ "attempt": 0, "phase": phase, "kind": step.kind.label(), "outcome": done.outcome, "detail": done.detail });
                self.record("step_finished", Some(&step.id), None, data)
                    .await?;
                (self.say)(
                    done.outcome.is_failure(),
                    &format!("{} {}: {}", mark(done.outcome), step.id, done.detail),
                );
                return Ok(done);
            }
        }
        let retryable = !matches!(step.kind, StepKind::Confirm { .. } | StepKind::Wait(_));
        let tries = if retryable { step.retries + 1 } else { 1 };
        let mut attempt = u32::try_from(
            self.report()
                .steps
                .iter()
                .find(|s| s.id == step.id)
                .map_or(0, |s| s.attempts.len()),
        )
        .unwrap_or(0);
        for n in 1..=tries {
            attempt += 1;
            let done = self.attempt(phase, step, attempt).await?;
            if !done.outcome.is_failure() || n == tries || self.dry_run() {
                return Ok(done);
            }
            (self.say)(
                false,
                &format!(
                    "  retrying `{}` in {} ({} of {} attempts failed)",
                    step.id,
                    human(step.retry_delay),
                    n,
                    tries
                ),
            );
            tokio::time::sleep(step.retry_delay).await;
        }
        unreachable!("the loop returns on its last attempt")
    }

    async fn attempt(&mut self, phase: &str, step: &Step, attempt: u32) -> Result<Done> {
        let report = self.report();
        let prepared = self.prepare(step, &report);
        let argv = prepared.as_ref().ok().and_then(Prepared::shown);
        let shown = match (&argv, &step.kind) {
            (Some(a), StepKind::Hctl(_)) => format!("hctl {}", a.join(" ")),
            (Some(a), _) => a.join(" "),
            (None, kind) => kind.label().to_string(),
        };
        let data =
            json!({ "attempt": attempt, "phase": phase, "kind": step.kind.label(), "argv": argv });
        self.record("step_started", Some(&step.id), None, data)
            .await?;
        (self.say)(false, &format!("▶ [{phase}] {}: {shown}", step.id));
        let started = Instant::now();
        let timeout = step.timeout.or_else(|| steps::default_timeout(&step.kind));
        let done = match prepared {
            Err(msg) => Done::new(StepOutcome::Usage, msg),
            Ok(p) => {
                let check_timeout = timeout.unwrap_or(crate::checklist::DEFAULT_TIMEOUT);
                let run = self.execute(phase, step, p, &report, check_timeout);
                match (timeout, &step.kind) {
                    // A check bounds its own attempt (and says so in its item).
                    (Some(limit), kind) if !matches!(kind, StepKind::Check(_)) => {
                        match tokio::time::timeout(limit, run).await {
                            Ok(done) => done?,
                            Err(_) => Done::new(
                                StepOutcome::Error,
                                format!("timed out after {}", human(limit)),
                            ),
                        }
                    }
                    _ => run.await?,
                }
            }
        };
        let data = json!({
            "attempt": attempt,
            "outcome": done.outcome,
            "exit_code": done.exit_code,
            "detail": done.detail,
            "outputs": done.outputs,
            "evidence": done.evidence,
            "duration_ms": u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX),
            "argv": argv,
        });
        self.record("step_finished", Some(&step.id), None, data)
            .await?;
        let line = format!(
            "{} {}: {} ({})",
            mark(done.outcome),
            step.id,
            done.detail,
            human(Duration::from_millis(
                u64::try_from(started.elapsed().as_millis()).unwrap_or(0)
            ))
        );
        (self.say)(
            done.outcome.is_failure() || done.outcome == StepOutcome::Waiting,
            &line,
        );
        Ok(done)
    }
}

/// The mark of an outcome in progress lines.
fn mark(outcome: StepOutcome) -> &'static str {
    match outcome {
        StepOutcome::Pass => "✓",
        StepOutcome::Skipped | StepOutcome::WouldRun => "·",
        StepOutcome::Waiting => "…",
        _ => "✗",
    }
}
