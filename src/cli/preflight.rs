//! The arguments of `hctl preflight` as clap parses them; `commands::preflight` acts on them.

use crate::duration;
use crate::preflight::{self};
use clap::{Args, ValueEnum};

#[derive(Debug, Args)]
pub struct PreflightArgs {
    /// Checklist file or name (`pre-launch` → checklists/pre-launch.yaml); repeatable; default: every file in checklists/
    #[arg(short = 'c', long = "checklist", value_name = "FILE|NAME")]
    pub checklists: Vec<String>,
    /// Run only items with this tag (repeatable: any of them)
    #[arg(long = "tag", value_name = "TAG")]
    pub tags: Vec<String>,
    /// Run only this item id (repeatable)
    #[arg(long, value_name = "ID")]
    pub only: Vec<String>,
    /// Leave out this item id (repeatable)
    #[arg(long, value_name = "ID")]
    pub exclude: Vec<String>,
    /// Lowest severity whose failure fails the run (exit 1)
    #[arg(long, value_enum, default_value_t = FailOn::Critical)]
    pub fail_on: FailOn,
    /// Checks in flight at once
    #[arg(long, default_value_t = preflight::DEFAULT_CONCURRENCY, value_name = "N")]
    pub concurrency: usize,
    /// Do not count unticked manual items as failures (they are skipped)
    #[arg(long)]
    pub skip_manual: bool,
    /// Pass even when every selected item was skipped (by default a run that
    /// verified nothing fails: exit 1)
    #[arg(long)]
    pub allow_empty: bool,
    /// Keep the report in the environment's database (one row per checklist),
    /// where `hctl dashboard` shows the latest run of each checklist
    #[arg(long)]
    pub record: bool,
    /// Overall time limit; checks still running then fail with a timeout (e.g. 90s, 5m)
    #[arg(long, default_value = "5m", value_name = "DURATION", value_parser = duration::parse)]
    pub deadline: std::time::Duration,
}

/// `--fail-on`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FailOn {
    /// Only failed critical items fail the run.
    Critical,
    /// Failed warning and critical items fail the run.
    Warning,
}
