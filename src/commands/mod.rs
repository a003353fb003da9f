//! One thin module per subcommand group: turn clap arguments into typed
//! options, call the domain code, render the result. [`run`] dispatches.

pub(crate) mod checklist;
pub(crate) mod config;
pub(crate) mod dashboard;
pub(crate) mod db;
pub(crate) mod docs;
pub(crate) mod flags;
pub(crate) mod flags_ramp;
pub(crate) mod migrate;
pub(crate) mod pitr;
pub(crate) mod playbook;
pub(crate) mod preflight;
pub(crate) mod rollback;
pub(crate) mod rollout;
pub(crate) mod serve;
pub(crate) mod verify;

use std::sync::OnceLock;

use anyhow::Result;

use crate::cli::{Cli, Command, GlobalArgs};
use crate::config::{Overrides, Settings, process_env};
use crate::exit::{Exit, UsageError};
use crate::output::{self, Format, Style};
use crate::report::{Report, Severity};
use crate::ui::confirm::{Change, Scope};

/// The formats of a command that prints tables or JSON only.
pub const TABLE_OR_JSON: &[Format] = &[Format::Table, Format::Json];

/// What every command gets: the global flags, the presentation style and the
/// settings of the selected environment (loaded on first use, so commands that
/// need no configuration never fail on a broken `hctl.yaml`).
pub struct Ctx {
    pub global: GlobalArgs,
    pub style: Style,
    settings: OnceLock<Settings>,
}

impl Ctx {
    pub fn new(global: GlobalArgs) -> Self {
        let style = Style::detect(global.no_color, global.quiet, global.output);
        Ctx {
            global,
            style,
            settings: OnceLock::new(),
        }
    }

    pub fn format(&self) -> Format {
        self.global.output
    }

    pub fn overrides(&self) -> Overrides {
        Overrides {
            env: self.global.env.clone(),
            config: self.global.config.clone(),
            set: self.global.set.clone(),
        }
    }

    /// Refuse at once (exit 2) an `-o` that `hctl {command}` cannot print,
    /// naming the formats it can.
    pub fn require_format(&self, command: &str, supported: &[Format]) -> Result<()> {
        let format = self.format();
        if supported.contains(&format) {
            return Ok(());
        }
        let names: Vec<&str> = supported.iter().map(|f| f.as_str()).collect();
        Err(UsageError::new(format!(
            "`hctl {command}` supports -o {}, not {}",
            names.join("|"),
            format.as_str()
        ))
        .into())
    }

    /// Write a report to stdout in the selected format.
    pub fn print_report(&self, report: &Report) -> Result<()> {
        let mut out = Vec::new();
        report.render(self.format(), &self.style, &mut out)?;
        output::print(&String::from_utf8_lossy(&out))?;
        Ok(())
    }

    /// End a gating command: print the one line that says why the gate passed
    /// or failed (on stderr; a failure even with `-q`, since it explains the
    /// exit code) and return the exit code it implies.
    pub fn gate(&self, report: &Report, threshold: Severity, allow_empty: bool) -> Exit {
        let gate = report.gate(threshold, allow_empty);
        if gate.passed {
            output::note(&self.style, &gate.reason);
            Exit::Success
        } else {
            output::diagnostic(&gate.reason);
            Exit::Failed
        }
    }

    /// Start a change made by `command` (e.g. `hctl rollout apply`): refuses
    /// at once (exit 2) when the change needs a confirmation (production, or
    /// destructive anywhere) and neither `--yes` nor a terminal is there; call
    /// [`Change::confirm`] once the exact change is known.
    pub fn change(&self, command: &str, scope: Scope, dry_run: bool) -> Result<Change> {
        let settings = self.settings()?;
        Change::begin(
            command,
            &settings.env,
            settings.is_production(),
            scope,
            dry_run,
            self.global.yes,
        )
    }

    /// The settings of the selected environment.
    pub fn settings(&self) -> Result<&Settings> {
        if let Some(settings) = self.settings.get() {
            return Ok(settings);
        }
        let loaded = Settings::load(&self.overrides(), &process_env)?;
        Ok(self.settings.get_or_init(|| loaded))
    }
}

/// Render a report; exit 1 when a critical item failed. `extra` fields are
/// added to the JSON document beside the report's own.
pub fn render(
    ctx: &Ctx,
    title: &str,
    (started_at, started): (chrono::DateTime<chrono::Utc>, std::time::Instant),
    items: Vec<crate::report::Item>,
    extra: &[(&str, serde_json::Value)],
) -> Result<Exit> {
    let environment = ctx.settings().ok().map(|s| s.env.clone());
    let report = Report::new(title, environment, started_at, started.elapsed(), items);
    if ctx.format() == Format::Json && !extra.is_empty() {
        let mut value = serde_json::to_value(&report)?;
        if let Some(fields) = value.as_object_mut() {
            for (key, extra) in extra {
                fields.insert((*key).to_string(), extra.clone());
            }
        }
        output::print_json(&value)?;
    } else {
        ctx.print_report(&report)?;
    }
    Ok(ctx.gate(&report, Severity::Critical, true))
}

/// Run the parsed command line.
pub async fn run(cli: Cli) -> Result<Exit> {
    let ctx = Ctx::new(cli.global);
    match cli.command {
        Command::Config(cmd) => config::run(&ctx, cmd),
        Command::Db(cmd) => db::run(&ctx, cmd).await,
        Command::Completions(args) => docs::completions(args),
        Command::Man(args) => docs::man(&ctx, args),
        Command::Preflight(args) => preflight::run(&ctx, args).await,
        Command::Checklist(cmd) => checklist::run(&ctx, cmd).await,
        Command::Verify(cmd) => verify::run(&ctx, cmd).await,
        Command::Rollout(cmd) => rollout::run(&ctx, cmd).await,
        Command::Rollback(args) => rollback::run(&ctx, args).await,
        Command::Serve(args) => serve::run(&ctx, *args).await,
        Command::Flags(cmd) => flags::run(&ctx, cmd).await,
        Command::Playbook(cmd) => playbook::run(&ctx, cmd).await,
        Command::Dashboard(args) => dashboard::run(&ctx, args).await,
    }
}

#[cfg(test)]
mod tests {
    use clap::Parser;

    use super::*;
    use crate::exit::classify;

    fn ctx(args: &[&str]) -> Ctx {
        Ctx::new(Cli::parse_from(args).global)
    }

    #[test]
    fn an_unsupported_format_is_a_usage_error_naming_the_command() {
        let ctx = ctx(&["hctl", "-o", "junit", "rollout", "status"]);
        let err = ctx
            .require_format("rollout status", TABLE_OR_JSON)
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            "`hctl rollout status` supports -o table|json, not junit"
        );
        assert_eq!(classify(&err).0, Exit::Usage);
    }

    #[test]
    fn a_supported_format_passes() {
        let ctx = ctx(&["hctl", "-o", "json", "rollout", "status"]);
        assert!(ctx.require_format("rollout status", TABLE_OR_JSON).is_ok());
    }
}
