//! The command line: global flags and the subcommand tree (clap derive).
//!
//! Each command group's arguments live in their own file here (`cli/db.rs`, …),
//! which `commands/` acts on; this file assembles them. Completions and man pages are generated from this same
//! definition (see [`generate`]).

pub mod checklist;
pub mod complete;
pub mod config;
pub mod dashboard;
pub mod db;
pub mod docs;
pub mod flags;
pub mod generate;
pub mod migrate;
pub mod pitr;
pub mod playbook;
pub mod preflight;
pub mod rollback;
pub mod rollout;
pub mod serve;
pub mod verify;

use std::path::PathBuf;

use clap::{ArgAction, Args, Parser, Subcommand};

use crate::exit::EXIT_CODES_HELP;
use crate::output::Format;

const ABOUT: &str = "Operations CLI and launch-readiness toolkit of Health Companion";

const LONG_ABOUT: &str = "\
Operations CLI and launch-readiness toolkit of Health Companion.

Configuration is layered: built-in defaults < hctl.yaml (or --config) < HCTL_* \
environment variables < --set KEY=VALUE. `hctl config show` prints the effective \
settings of the selected environment and where each value came from.";

#[derive(Debug, Parser)]
#[command(
    name = "hctl",
    version,
    about = ABOUT,
    long_about = LONG_ABOUT,
    after_help = EXIT_CODES_HELP,
    propagate_version = true,
    max_term_width = 100
)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,
    #[command(subcommand)]
    pub command: Command,
}

/// Flags every subcommand accepts.
#[derive(Debug, Clone, Args)]
pub struct GlobalArgs {
    /// Target environment from the config file (default: `default_env`, else `local`)
    #[arg(
        help_heading = "Global options",
        long,
        global = true,
        env = "HCTL_ENV",
        value_name = "NAME"
    )]
    pub env: Option<String>,

    /// Config file (default: ./hctl.yaml when present)
    #[arg(
        help_heading = "Global options",
        long,
        global = true,
        env = "HCTL_CONFIG",
        value_name = "FILE"
    )]
    pub config: Option<PathBuf>,

    /// Override one setting for this run, e.g. --set url=http://127.0.0.1:8080
    #[arg(
        help_heading = "Global options",
        long = "set",
        global = true,
        value_name = "KEY=VALUE"
    )]
    pub set: Vec<String>,

    /// Output format
    #[arg(help_heading = "Global options", short, long, global = true, value_enum, default_value_t = Format::Table)]
    pub output: Format,

    /// Proceed with destructive or production-affecting actions without asking
    #[arg(help_heading = "Global options", short = 'y', long, global = true)]
    pub yes: bool,

    /// Disable colours (also when NO_COLOR is set)
    #[arg(help_heading = "Global options", long, global = true, env = "NO_COLOR", value_parser = clap::builder::FalseyValueParser::new(), hide_env_values = true)]
    pub no_color: bool,

    /// Print only data and errors: no progress, no notes
    #[arg(
        help_heading = "Global options",
        short,
        long,
        global = true,
        conflicts_with = "verbose"
    )]
    pub quiet: bool,

    /// More diagnostics on stderr (-v debug, -vv trace)
    #[arg(help_heading = "Global options", short, long, global = true, action = ArgAction::Count)]
    pub verbose: u8,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Show the effective configuration or validate config and YAML files
    #[command(subcommand)]
    Config(config::ConfigCommand),
    /// Run checklists as a gate: automated checks concurrently, manual items by their ticks
    #[command(
        after_help = "Examples:\n  hctl preflight --tag local --skip-manual\n  hctl --env production preflight -c pre-launch -o junit > preflight.xml\n  hctl preflight --only api-health --only db-backup-recent"
    )]
    Preflight(preflight::PreflightArgs),
    /// Launch checklists: list, show, tick off, progress, audit log, sign-off report
    #[command(subcommand, long_about = checklist::FORMAT_HELP)]
    Checklist(checklist::ChecklistCommand),
    /// Verify DNS records, a TLS endpoint or security headers, standalone
    #[command(subcommand)]
    Verify(verify::VerifyCommand),
    /// Back up, restore, verify and check the environment's database
    #[command(subcommand)]
    Db(db::DbCommand),
    /// Print the script that makes a shell complete commands, flags and their values
    #[command(
        after_help = "Examples:\n  echo 'source <(hctl completions bash)' >> ~/.bashrc\n  echo 'source <(hctl completions zsh)' >> ~/.zshrc\n  hctl completions fish > ~/.config/fish/completions/hctl.fish"
    )]
    Completions(docs::CompletionsArgs),
    /// Write the man pages (hctl.1 and one per subcommand)
    #[command(after_help = "Examples:\n  hctl man --out /usr/local/share/man/man1")]
    Man(docs::ManArgs),
    /// Deploy to Kubernetes: apply manifests, watch rollouts, history, restart
    #[command(subcommand)]
    Rollout(rollout::RolloutCommand),
    /// Roll the Deployment back to the previous (or a given) revision
    #[command(
        after_help = "Examples:\n  hctl rollback --dry-run\n  hctl --env production rollback --wait --yes\n  hctl rollback --to-revision 4 --wait"
    )]
    Rollback(rollback::RollbackArgs),
    /// Run the Health Companion API server (SQLite by default, PostgreSQL with DATABASE_URL)
    #[command(
        after_help = "Examples:\n  hctl serve                                   # SQLite file, local uploads\n  DATABASE_URL=postgres://… REDIS_URL=redis://… hctl serve --migrate --production"
    )]
    Serve(Box<serve::ServeArgs>),
    /// List and change feature flags through the server's admin API
    #[command(subcommand)]
    Flags(flags::FlagsCommand),
    /// Launch, rollback and incident procedures as recorded, resumable runs
    #[command(subcommand, long_about = playbook::FORMAT_HELP)]
    Playbook(playbook::PlaybookCommand),
    /// Serve the launch page: checklists, preflight runs, playbooks, rollout, backups, flags
    #[command(
        after_help = "Examples:\n  hctl dashboard                                # http://127.0.0.1:8089/\n  hctl --env production dashboard --bind 0.0.0.0:8089 --token-env HCTL_DASHBOARD_TOKEN"
    )]
    Dashboard(dashboard::DashboardArgs),
}

/// `-o/--output` as clap sees it; the formats themselves live in `output`,
/// which knows nothing of clap.
impl clap::ValueEnum for Format {
    fn value_variants<'a>() -> &'a [Self] {
        &Format::ALL
    }

    fn to_possible_value(&self) -> Option<clap::builder::PossibleValue> {
        Some(clap::builder::PossibleValue::new(self.as_str()).help(self.help()))
    }
}
