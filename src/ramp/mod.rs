//! `hctl flags ramp`: a flag's rollout raised step by step behind
//! Prometheus guards. After each step the ramp waits one interval and
//! judges every guard over it (a range query, see [`guard`]); all
//! pass: the next step (after the last one, the ramp is complete). A breach
//! sets the flag back (off, or the previous step) and ends the ramp. Too few
//! samples, or Prometheus not answering, is no decision: the ramp holds,
//! judging again every interval, and gives up after the hold timeout with the
//! flag left where it is (never raised on missing data).
//!
//! Every step and decision is an audit row of the flag (a change's or a
//! note's `note` and `context.ramp`), and that log is the ramp's only record:
//! a ramp run again reads the newest `context.ramp` of the flag and, when it
//! is unfinished (running, holding or given up), resumes at its step.

use std::time::Duration;

use anyhow::{Result, bail};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

pub mod guard;

use guard::{Guard, Judged, Verdict};

use crate::checks::prometheus;
use crate::exit::UsageError;
use crate::flags::{AuditEntry, Change, Client, Flag};

/// What a breach does to the flag.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, clap::ValueEnum)]
#[serde(rename_all = "snake_case")]
pub enum OnBreach {
    /// Turn the flag off for everyone.
    Off,
    /// Set the rollout back to the last good step (0 % before the first).
    Hold,
}

/// How a ramp is run.
#[derive(Debug, Clone)]
pub struct Options {
    /// Rollout percentages, increasing.
    pub steps: Vec<u8>,
    /// How long each step is watched before the next.
    pub interval: Duration,
    /// Resolution of the range queries (a point every `resolution`).
    pub resolution: Duration,
    pub guards: Vec<Guard>,
    /// Fewer points per guard and interval hold the ramp.
    pub min_samples: usize,
    pub on_breach: OnBreach,
    /// How long a step may hold before the ramp gives up.
    pub hold_timeout: Duration,
    /// Start from the first step even when an unfinished ramp is recorded.
    pub restart: bool,
    /// The most one Prometheus request may take.
    pub request_timeout: Duration,
}

/// Check the steps: 1 to 100, strictly increasing, at least one.
pub fn check_steps(steps: &[u8]) -> Result<(), String> {
    if steps.is_empty() {
        return Err("--steps needs at least one percentage, e.g. 1,10,50,100".into());
    }
    if let Some(p) = steps.iter().find(|p| !(1..=100).contains(*p)) {
        return Err(format!("--steps: {p} is not a percentage from 1 to 100"));
    }
    if let Some(w) = steps.windows(2).find(|w| w[0] >= w[1]) {
        return Err(format!(
            "--steps must increase: {} comes after {}",
            w[1], w[0]
        ));
    }
    Ok(())
}

/// The ramp's state as each audit row records it (`context.ramp`).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Record {
    pub steps: Vec<u8>,
    /// Index into `steps` of the step the flag is at.
    pub step: usize,
    pub percent: u8,
    pub state: State,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum State {
    Running,
    Holding,
    /// Gave up holding: resumable.
    TimedOut,
    Completed,
    Breached,
}

impl State {
    fn is_finished(self) -> bool {
        matches!(self, State::Completed | State::Breached)
    }
}

/// How the ramp ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// Every step reached, every guard held after each.
    Completed,
    /// A guard broke: the flag was set back.
    Breached,
    /// Held longer than the hold timeout: the flag was left where it is.
    Held,
}

/// What the ramp did at one point.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    Resume,
    Raise,
    Hold,
    Breach,
    GiveUp,
    Complete,
}

impl Action {
    pub fn as_str(self) -> &'static str {
        match self {
            Action::Resume => "resume",
            Action::Raise => "raise",
            Action::Hold => "hold",
            Action::Breach => "breach",
            Action::GiveUp => "give up",
            Action::Complete => "complete",
        }
    }
}

/// One step or decision.
#[derive(Debug, Clone, Serialize)]
pub struct Decision {
    pub at: DateTime<Utc>,
    /// 1-based step the decision is about.
    pub step: usize,
    /// The flag's rollout after the decision.
    pub rollout: u8,
    pub enabled: bool,
    pub action: Action,
    pub detail: String,
    pub guards: Vec<Judged>,
}

/// The result of `hctl flags ramp`.
#[derive(Debug, Clone, Serialize)]
pub struct Ramp {
    pub flag: String,
    pub outcome: Outcome,
    pub detail: String,
    pub steps: Vec<u8>,
    /// The step the ramp started at, 1-based, when it resumed a recorded one.
    pub resumed_at: Option<usize>,
    pub rollout: u8,
    pub enabled: bool,
    pub decisions: Vec<Decision>,
}

/// Ask every guard once, as an instant query, before anything changes: a
/// query Prometheus rejects is a usage error naming the guard, Prometheus
/// not answering is an operation error.
pub async fn precheck(prometheus_url: &str, guards: &[Guard], timeout: Duration) -> Result<()> {
    for g in guards {
        let params = [("query", g.query.as_str())];
        let ask = prometheus::api_get(prometheus_url, "api/v1/query", &params);
        let body = tokio::time::timeout(timeout, ask)
            .await
            .unwrap_or_else(|_| Err(timed_out(prometheus_url, timeout)))
            .map_err(anyhow::Error::msg)?;
        if let Err(err) = prometheus::samples(&body) {
            return Err(UsageError::new(format!(
                "guard `{g}`: prometheus at {prometheus_url}: {err}"
            ))
            .into());
        }
    }
    Ok(())
}

fn timed_out(prometheus_url: &str, timeout: Duration) -> String {
    format!(
        "prometheus at {prometheus_url}: no answer within {}",
        crate::duration::human(timeout)
    )
}

/// Where a ramp starts: the recorded unfinished ramp of `flag` (resume), or
/// the first step at or above the flag's rollout when it is on (a ramp never
/// lowers a rollout unless `restart`), else the first step.
pub fn start(flag: &Flag, history: &[AuditEntry], opts: &Options) -> Result<Start> {
    // The newest ramp record; a deletion since ends any ramp before it.
    let recorded = history
        .iter()
        .take_while(|e| e.action != "flag.delete")
        .find_map(|e| serde_json::from_value::<Record>(e.detail["context"]["ramp"].clone()).ok());
    if !opts.restart
        && let Some(r) = recorded.filter(|r| !r.state.is_finished())
    {
        if r.steps != opts.steps {
            return Err(UsageError::new(format!(
                "an unfinished ramp of `{}` is recorded with --steps {}: run it with those steps to resume, or pass --restart",
                flag.name,
                join(&r.steps)
            ))
            .into());
        }
        if !flag.enabled || flag.rollout_percentage != i32::from(r.percent) {
            return Err(UsageError::new(format!(
                "the unfinished ramp of `{}` left it at {}%, but it is now {} at {}%: it was changed since; pass --restart to ramp again from the first step",
                flag.name,
                r.percent,
                if flag.enabled { "on" } else { "off" },
                flag.rollout_percentage
            ))
            .into());
        }
        return Ok(Start::Resume(r.step));
    }
    if opts.restart || !flag.enabled {
        return Ok(Start::Fresh(0));
    }
    let current = flag.rollout_percentage.clamp(0, 100) as u8;
    match opts.steps.iter().position(|p| *p >= current) {
        Some(i) => Ok(Start::Fresh(i)),
        None => bail!(
            "`{}` is already on for {current}%, above every step ({}): nothing to ramp",
            flag.name,
            join(&opts.steps)
        ),
    }
}

/// Where [`start`] puts the ramp.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Start {
    /// At this step index, already set: watch it first.
    Resume(usize),
    /// Set this step index first.
    Fresh(usize),
}

fn join(steps: &[u8]) -> String {
    steps
        .iter()
        .map(u8::to_string)
        .collect::<Vec<_>>()
        .join(",")
}

/// Runs a ramp, writing each decision to the audit log and to `say`.
pub struct Runner<'a> {
    pub client: &'a Client,
    pub prometheus_url: &'a str,
    pub name: &'a str,
    pub opts: &'a Options,
    pub say: &'a (dyn Fn(&str) + Sync),
}

impl Runner<'_> {
    pub async fn run(&self, start: Start) -> Result<Ramp> {
        let steps = &self.opts.steps;
        let mut ramp = Ramp {
            flag: self.name.to_string(),
            outcome: Outcome::Held,
            detail: String::new(),
            steps: steps.clone(),
            resumed_at: None,
            rollout: 0,
            enabled: false,
            decisions: Vec::new(),
        };
        let mut i = match start {
            Start::Resume(i) => {
                ramp.resumed_at = Some(i + 1);
                let detail = format!("resuming the recorded ramp at {}%", steps[i]);
                self.note(
                    &mut ramp,
                    i,
                    Action::Resume,
                    State::Running,
                    detail,
                    Vec::new(),
                )
                .await?;
                i
            }
            Start::Fresh(i) => {
                let detail = format!("rollout {}%", steps[i]);
                self.raise(&mut ramp, i, detail, Vec::new()).await?;
                i
            }
        };
        loop {
            let judged = match self.watch(&mut ramp, i).await? {
                Watched::Passed(judged) => judged,
                Watched::Ended => return Ok(ramp),
            };
            let passed = summary(&judged);
            if i + 1 == steps.len() {
                let detail = format!("reached {}% and every guard held: {passed}", steps[i]);
                self.note(
                    &mut ramp,
                    i,
                    Action::Complete,
                    State::Completed,
                    detail.clone(),
                    judged,
                )
                .await?;
                ramp.outcome = Outcome::Completed;
                ramp.detail = detail;
                return Ok(ramp);
            }
            i += 1;
            let detail = format!("rollout {}% ({}% held: {passed})", steps[i], steps[i - 1]);
            self.raise(&mut ramp, i, detail, judged).await?;
        }
    }

    /// Watch step `i` until every guard passes, one breaks, or the hold
    /// timeout passes.
    async fn watch(&self, ramp: &mut Ramp, i: usize) -> Result<Watched> {
        let mut holding_since: Option<tokio::time::Instant> = None;
        loop {
            let waited_from = tokio::time::Instant::now();
            tokio::time::sleep(self.opts.interval).await;
            let judged = self.judge().await;
            if let Some(broken) = judged.iter().find(|j| j.verdict == Verdict::Breach) {
                let why = broken.detail.clone();
                self.breach(ramp, i, why, judged).await?;
                return Ok(Watched::Ended);
            }
            let held: Vec<&Judged> = judged
                .iter()
                .filter(|j| j.verdict == Verdict::Hold)
                .collect();
            if held.is_empty() {
                return Ok(Watched::Passed(judged));
            }
            let why = held
                .iter()
                .map(|j| j.detail.as_str())
                .collect::<Vec<_>>()
                .join("; ");
            // Held since the start of the interval that first held; give
            // up when the next judgement would come after the timeout.
            let held = holding_since.get_or_insert(waited_from).elapsed();
            if held + self.opts.interval > self.opts.hold_timeout {
                let detail = format!(
                    "held at {}% for {} without a decision ({why}): gave up, the flag stays at {}%",
                    self.opts.steps[i],
                    crate::duration::human(held),
                    self.opts.steps[i]
                );
                self.note(
                    ramp,
                    i,
                    Action::GiveUp,
                    State::TimedOut,
                    detail.clone(),
                    judged,
                )
                .await?;
                ramp.outcome = Outcome::Held;
                ramp.detail = detail;
                return Ok(Watched::Ended);
            }
            let detail = format!("holding at {}%: {why}", self.opts.steps[i]);
            // The first hold of a streak is an audit row; the rest are lines.
            if ramp
                .decisions
                .last()
                .is_none_or(|d| d.action != Action::Hold)
            {
                self.note(ramp, i, Action::Hold, State::Holding, detail, judged)
                    .await?;
            } else {
                (self.say)(&detail);
            }
        }
    }

    /// Every guard over the last interval.
    async fn judge(&self) -> Vec<Judged> {
        let end = Utc::now().timestamp_millis() as f64 / 1000.0;
        let start = end - self.opts.interval.as_secs_f64();
        let step = self.opts.resolution.as_secs_f64().max(0.001);
        let mut judged = Vec::new();
        for g in &self.opts.guards {
            let ask = prometheus::query_range(self.prometheus_url, &g.query, (start, end), step);
            let answer = tokio::time::timeout(self.opts.request_timeout, ask)
                .await
                .unwrap_or_else(|_| Err(timed_out(self.prometheus_url, self.opts.request_timeout)));
            judged.push(match answer {
                Ok(series) => guard::judge(g, &series, self.opts.min_samples),
                Err(err) => guard::unanswered(g, &err),
            });
        }
        judged
    }

    async fn raise(
        &self,
        ramp: &mut Ramp,
        i: usize,
        detail: String,
        guards: Vec<Judged>,
    ) -> Result<()> {
        let percent = self.opts.steps[i];
        let change = Change {
            enabled: Some(true),
            rollout_percentage: Some(percent),
            ..Change::default()
        };
        self.change(
            ramp,
            i,
            change,
            Action::Raise,
            State::Running,
            detail,
            guards,
        )
        .await
    }

    async fn breach(
        &self,
        ramp: &mut Ramp,
        i: usize,
        why: String,
        guards: Vec<Judged>,
    ) -> Result<()> {
        let (change, then) = match self.opts.on_breach {
            OnBreach::Off => (
                Change {
                    enabled: Some(false),
                    ..Change::default()
                },
                "turned the flag off".to_string(),
            ),
            OnBreach::Hold => {
                let back = if i == 0 { 0 } else { self.opts.steps[i - 1] };
                (
                    Change {
                        rollout_percentage: Some(back),
                        ..Change::default()
                    },
                    format!("set the rollout back to {back}%"),
                )
            }
        };
        let detail = format!("at {}%: {why}; {then}", self.opts.steps[i]);
        self.change(
            ramp,
            i,
            change,
            Action::Breach,
            State::Breached,
            detail.clone(),
            guards,
        )
        .await?;
        ramp.outcome = Outcome::Breached;
        ramp.detail = detail;
        Ok(())
    }

    /// Change the flag, with the decision as the audit row's note and context.
    #[allow(clippy::too_many_arguments)]
    async fn change(
        &self,
        ramp: &mut Ramp,
        i: usize,
        mut change: Change,
        action: Action,
        state: State,
        detail: String,
        guards: Vec<Judged>,
    ) -> Result<()> {
        let percent = change.rollout_percentage.unwrap_or(self.opts.steps[i]);
        let record = self.record(i, percent, state);
        change.note = Some(self.note_text(i, action, &detail));
        change.context = Some(serde_json::json!({ "ramp": record }));
        let flag = self.client.set(self.name, &change).await?;
        let rollout = flag.rollout_percentage.clamp(0, 100) as u8;
        self.decided(ramp, i, (rollout, flag.enabled), action, detail, guards);
        Ok(())
    }

    /// A decision that changes nothing: an audit note.
    async fn note(
        &self,
        ramp: &mut Ramp,
        i: usize,
        action: Action,
        state: State,
        detail: String,
        guards: Vec<Judged>,
    ) -> Result<()> {
        let record = self.record(i, self.opts.steps[i], state);
        let text = self.note_text(i, action, &detail);
        self.client
            .note(self.name, &text, serde_json::json!({ "ramp": record }))
            .await?;
        // Notes are made with the flag on at this step (set, or checked on resume).
        self.decided(ramp, i, (self.opts.steps[i], true), action, detail, guards);
        Ok(())
    }

    fn record(&self, i: usize, percent: u8, state: State) -> Record {
        Record {
            steps: self.opts.steps.clone(),
            step: i,
            percent,
            state,
        }
    }

    fn note_text(&self, i: usize, action: Action, detail: &str) -> String {
        let text = format!(
            "hctl flags ramp: step {}/{} {}: {detail}",
            i + 1,
            self.opts.steps.len(),
            action.as_str()
        );
        text.chars().take(500).collect()
    }

    fn decided(
        &self,
        ramp: &mut Ramp,
        i: usize,
        (rollout, enabled): (u8, bool),
        action: Action,
        detail: String,
        guards: Vec<Judged>,
    ) {
        (self.say)(&format!(
            "ramp `{}` step {}/{} {}: {detail}",
            self.name,
            i + 1,
            self.opts.steps.len(),
            action.as_str()
        ));
        ramp.rollout = rollout;
        ramp.enabled = enabled;
        ramp.decisions.push(Decision {
            at: Utc::now(),
            step: i + 1,
            rollout,
            enabled,
            action,
            detail,
            guards,
        });
    }
}

enum Watched {
    Passed(Vec<Judged>),
    Ended,
}

fn summary(judged: &[Judged]) -> String {
    judged
        .iter()
        .map(|j| match j.value {
            Some(v) => format!("`{}` worst {v}", j.guard),
            None => format!("`{}`", j.guard),
        })
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn flag(enabled: bool, rollout: i32) -> Flag {
        Flag {
            name: "f".into(),
            enabled,
            rollout_percentage: rollout,
            group_id: "f".into(),
            description: String::new(),
            updated_at: String::new(),
        }
    }

    fn opts(restart: bool) -> Options {
        Options {
            steps: vec![1, 10, 50, 100],
            interval: Duration::from_secs(1),
            resolution: Duration::from_secs(1),
            guards: Vec::new(),
            min_samples: 1,
            on_breach: OnBreach::Off,
            hold_timeout: Duration::from_secs(3),
            restart,
            request_timeout: Duration::from_secs(10),
        }
    }

    fn entry(state: State, step: usize, percent: u8) -> AuditEntry {
        let record = Record {
            steps: vec![1, 10, 50, 100],
            step,
            percent,
            state,
        };
        AuditEntry {
            action: "flag.note".into(),
            detail: serde_json::json!({ "context": { "ramp": record } }),
        }
    }

    #[test]
    fn steps_increase_within_1_to_100() {
        assert!(check_steps(&[1, 10, 50, 100]).is_ok());
        assert!(check_steps(&[]).is_err());
        assert!(check_steps(&[0, 10]).unwrap_err().contains("0 is not"));
        assert!(
            check_steps(&[10, 10])
                .unwrap_err()
                .contains("must increase")
        );
        assert!(check_steps(&[1, 101]).is_err());
    }

    #[test]
    fn an_unfinished_recorded_ramp_resumes_and_a_finished_one_does_not() {
        let held = [entry(State::TimedOut, 1, 10)];
        assert_eq!(
            start(&flag(true, 10), &held, &opts(false)).unwrap(),
            Start::Resume(1)
        );
        assert_eq!(
            start(&flag(true, 10), &held, &opts(true)).unwrap(),
            Start::Fresh(0)
        );
        // Changed by hand since: refused, not guessed.
        let err = start(&flag(true, 30), &held, &opts(false))
            .unwrap_err()
            .to_string();
        assert!(err.contains("--restart"), "{err}");
        let done = [entry(State::Completed, 3, 100)];
        assert_eq!(
            start(&flag(false, 100), &done, &opts(false)).unwrap(),
            Start::Fresh(0)
        );
        // A flag already on is never lowered by a fresh ramp.
        assert_eq!(
            start(&flag(true, 30), &[], &opts(false)).unwrap(),
            Start::Fresh(2)
        );
        assert!(start(&flag(true, 100), &[], &opts(false)).is_ok());
    }
}
