//! Running one prepared attempt of a step by its kind, and the decision of
//! a confirm step (asking at a terminal when it may).

use std::time::Duration;

use anyhow::Result;
use serde_json::json;

use super::Runner;
use super::render::Prepared;
use crate::duration::human;
use crate::exit::UsageError;
use crate::playbook::report::{RunReport, StepStatus};
use crate::playbook::steps::confirm::{self, Decision};
use crate::playbook::steps::notify::Meta;
use crate::playbook::steps::{self, Done, StepOutcome};
use crate::playbook::{Step, StepKind, Wait};

impl Runner<'_> {
    /// Run one attempt of a prepared step.
    pub(super) async fn execute(
        &mut self,
        phase: &str,
        step: &Step,
        prepared: Prepared,
        report: &RunReport,
        check_timeout: Duration,
    ) -> Result<Done> {
        let dry_run = self.dry_run();
        Ok(match (prepared, &step.kind) {
            (Prepared::Hctl(argv), StepKind::Hctl(h)) => {
                let confirmed = report
                    .steps
                    .iter()
                    .any(|s| s.kind == "confirm" && s.status == StepStatus::Passed);
                steps::hctl::run(self.hctl, h, argv, self.yes || confirmed, dry_run).await
            }
            (Prepared::Check(check), _) if dry_run => {
                let kind = check
                    .get("kind")
                    .and_then(|k| k.as_str())
                    .unwrap_or("check")
                    .to_string();
                Done::new(StepOutcome::WouldRun, format!("would run the {kind} check"))
            }
            (Prepared::Check(check), _) => {
                steps::check::run(check, &step.id, phase, &self.deps, check_timeout).await
            }
            (Prepared::Command { shell, argv }, _) => {
                if dry_run {
                    let line = shell.clone().unwrap_or_else(|| argv.join(" "));
                    Done::new(StepOutcome::WouldRun, format!("would run `{line}`"))
                } else {
                    steps::command::run(shell.as_deref(), &argv).await
                }
            }
            (Prepared::Confirm(text), StepKind::Confirm { approvals, .. }) => {
                self.confirm(step, &text, *approvals, report).await?
            }
            (Prepared::Notify(text), StepKind::Notify(n)) => {
                if dry_run {
                    let set = if (self.vars)(&n.webhook_env).is_some() {
                        "set"
                    } else {
                        "not set"
                    };
                    Done::new(
                        StepOutcome::WouldRun,
                        format!("would notify `{}` ({set}): {text}", n.webhook_env),
                    )
                } else {
                    let status = if self.rolling_back {
                        "failed"
                    } else {
                        "running"
                    };
                    let meta = Meta {
                        playbook: &self.playbook.name,
                        run_id: &self.key.run_id,
                        status,
                        environment: &self.settings.env,
                        step: &step.id,
                    };
                    let timeout = step.timeout.unwrap_or(Duration::from_secs(10));
                    steps::notify::send(&self.http, n, &text, &meta, self.vars, timeout).await
                }
            }
            (Prepared::Wait(Wait::For(d)), _) if dry_run => {
                Done::new(StepOutcome::WouldRun, format!("would wait {}", human(d)))
            }
            (Prepared::Wait(Wait::For(d)), _) => steps::wait::pause(d).await,
            (Prepared::Wait(Wait::Until { .. }), _) if dry_run => {
                Done::new(StepOutcome::WouldRun, "would wait until its check passes")
            }
            (
                Prepared::Wait(Wait::Until {
                    check,
                    timeout,
                    every,
                }),
                _,
            ) => steps::wait::until(check, &step.id, phase, &self.deps, timeout, every).await,
            _ => Done::new(
                StepOutcome::Error,
                "internal: step kind and inputs disagree",
            ),
        })
    }

    pub(super) async fn confirm(
        &mut self,
        step: &Step,
        text: &str,
        needed: u32,
        report: &RunReport,
    ) -> Result<Done> {
        let approvals = report
            .steps
            .iter()
            .find(|s| s.id == step.id)
            .map(|s| s.approvals.clone())
            .unwrap_or_default();
        let starter = report
            .started_by
            .clone()
            .unwrap_or_else(|| self.actor.clone());
        let decision = confirm::decide(
            &step.id,
            needed,
            &approvals,
            &starter,
            self.yes,
            self.interactive,
            self.dry_run(),
            &self.key.run_id,
        );
        match decision {
            Decision::Done(done) => Ok(done),
            Decision::Ask => {
                let question = text.trim_end_matches('?').to_string();
                match crate::ui::confirm::confirm(&question, false) {
                    Ok(()) => {
                        let data = json!({ "note": "confirmed at a terminal" });
                        self.record("approval", Some(&step.id), None, data).await?;
                        let mut done =
                            Done::new(StepOutcome::Pass, format!("confirmed by {}", self.actor));
                        done.outputs
                            .insert("approved_by".into(), self.actor.clone());
                        Ok(done)
                    }
                    Err(err) if err.is::<UsageError>() => Ok(Done::new(
                        StepOutcome::Fail,
                        format!("declined by {}", self.actor),
                    )),
                    Err(err) => Err(err),
                }
            }
        }
    }
}
