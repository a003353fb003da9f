//! Filling a step's templates from the run: parameters, settings, what
//! earlier steps published (read back from the ledger on resume) and the
//! run's own fields. A dry run shows what it cannot know yet as `<steps.ID.NAME>`.

use std::time::Duration;

use super::Runner;
use crate::duration::human;
use crate::playbook::report::RunReport;
use crate::playbook::state::outputs;
use crate::playbook::steps;
use crate::playbook::template::{self, Ref};
use crate::playbook::{Step, StepKind, Wait};

/// A step's inputs with its templates filled.
pub(super) enum Prepared {
    Hctl(Vec<String>),
    Check(serde_json::Value),
    Command {
        shell: Option<String>,
        argv: Vec<String>,
    },
    Confirm(String),
    Notify(String),
    Wait(Wait),
}

impl Prepared {
    /// The argv (or line) recorded and shown, URLs redacted.
    pub(super) fn shown(&self) -> Option<Vec<String>> {
        match self {
            Prepared::Hctl(argv) => Some(steps::hctl::shown(argv)),
            Prepared::Command {
                shell: Some(line), ..
            } => Some(steps::hctl::shown(std::slice::from_ref(line))),
            Prepared::Command { argv, .. } => Some(steps::hctl::shown(argv)),
            _ => None,
        }
    }
}

impl Runner<'_> {
    /// Fill a step's templates.
    pub(super) fn prepare(&self, step: &Step, report: &RunReport) -> Result<Prepared, String> {
        let render = |text: &str| self.render(text, report);
        let render_json = |value: &serde_json::Value| {
            let mut value = value.clone();
            crate::checklist::template::render_strings(&mut value, &mut |s| render(s))?;
            Ok::<_, String>(value)
        };
        Ok(match &step.kind {
            StepKind::Hctl(h) => {
                Prepared::Hctl(h.argv.iter().map(|a| render(a)).collect::<Result<_, _>>()?)
            }
            StepKind::Check(check) => Prepared::Check(render_json(check)?),
            StepKind::Command { shell, argv } => Prepared::Command {
                shell: shell.as_deref().map(render).transpose()?,
                argv: argv.iter().map(|a| render(a)).collect::<Result<_, _>>()?,
            },
            StepKind::Confirm { text, .. } => Prepared::Confirm(render(text)?),
            StepKind::Notify(n) => {
                let mut text = render(&n.text)?;
                if let Some(clock) = &report.response {
                    text.push_str(&format!(
                        " (next update due by {}, every {})",
                        clock.update_due,
                        human(Duration::from_secs(clock.update_every_secs))
                    ));
                }
                Prepared::Notify(text)
            }
            StepKind::Wait(Wait::For(d)) => Prepared::Wait(Wait::For(*d)),
            StepKind::Wait(Wait::Until {
                check,
                timeout,
                every,
            }) => Prepared::Wait(Wait::Until {
                check: render_json(check)?,
                timeout: *timeout,
                every: *every,
            }),
        })
    }

    /// A template's value in this run; a dry run shows what it cannot know yet as `<steps.ID.NAME>`.
    pub(super) fn render(&self, text: &str, report: &RunReport) -> Result<String, String> {
        self.render_with(text, report, false)
    }

    /// [`Runner::render`]; `condition`: an output a step has not published
    /// is empty (so `when:` on something that did not happen is false).
    pub(super) fn render_with(
        &self,
        text: &str,
        report: &RunReport,
        condition: bool,
    ) -> Result<String, String> {
        let published = outputs(report);
        template::render(text, &|r| match r {
            Ref::Param(name) => report
                .params
                .get(name)
                .cloned()
                .ok_or_else(|| format!("parameter `{name}` has no value in this run")),
            Ref::Env(key) => self.settings.get(key).map(str::to_string).ok_or_else(|| {
                format!(
                    "`{key}` is not set for environment `{}` (needed by `{{{{ env.{key} }}}}`)",
                    self.settings.env
                )
            }),
            Ref::Step(id, name) => match published.get(id).and_then(|o| o.get(name)) {
                Some(value) => Ok(value.clone()),
                None if self.dry_run() => Ok(format!("<{r}>")),
                None if condition => Ok(String::new()),
                None => Err(format!(
                    "`{{{{ {r} }}}}` is not available: step `{id}` has not published `{name}` (it is {})",
                    report
                        .steps
                        .iter()
                        .find(|s| &s.id == id)
                        .map_or("unknown", |s| s.status.as_str())
                )),
            },
            Ref::Run(field) => Ok(self.run_field(field, report)),
        })
    }

    pub(super) fn run_field(&self, field: &str, report: &RunReport) -> String {
        let clock = report.response.as_ref();
        match field {
            "id" => report.label(),
            "playbook" => report.playbook.clone(),
            "environment" => self.settings.env.clone(),
            "status" if self.rolling_back => "failed".into(),
            "status" => "running".into(),
            "actor" => report
                .started_by
                .clone()
                .unwrap_or_else(|| self.actor.clone()),
            "started_at" => report.started_at.clone().unwrap_or_default(),
            "failed_step" => report.failed_step.clone().unwrap_or_default(),
            "respond_by" => clock.map(|c| c.respond_by.clone()).unwrap_or_default(),
            "update_due" => clock.map(|c| c.update_due.clone()).unwrap_or_default(),
            _ => String::new(),
        }
    }
}
