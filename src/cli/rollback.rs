//! The arguments of `hctl rollback` as clap parses them; `commands::rollback` acts on them.

use crate::cli::rollout::WaitArgs;
use clap::Args;

#[derive(Debug, Args)]
pub struct RollbackArgs {
    /// Revision to roll back to (default: the previous one; see `hctl rollout history`)
    #[arg(long, value_name = "N")]
    pub to_revision: Option<u64>,
    /// Show what would happen (server-side dry run) without changing anything
    #[arg(long)]
    pub dry_run: bool,
    /// Roll back even when the database has migrations the target release does not know
    #[arg(long)]
    pub force: bool,
    #[command(flatten)]
    pub wait: WaitArgs,
}
