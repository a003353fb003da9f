//! One thin module per subcommand group: turn clap arguments into typed
//! options, call the domain code, render the result. [`run`] dispatches.

pub mod checklist;
pub mod config;
pub mod db;
pub mod docs;
pub mod flags;
pub mod migrate;
pub mod playbook;
pub mod preflight;
pub mod rollback;
pub mod rollout;
pub mod serve;
pub mod verify;

use std::sync::OnceLock;

use anyhow::Result;

use crate::cli::{Cli, Command, GlobalArgs};
use crate::config::{Overrides, Settings, process_env};
use crate::exit::Exit;
use crate::output::{self, Format, Style};
use crate::report::{Report, Severity};
use crate::ui::confirm::{Change, Scope};

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
    }
}
