//! The arguments of `hctl migrate` as clap parses them; `commands::migrate` acts on them.

use clap::Args;

#[derive(Debug, Args)]
pub struct MigrateArgs {
    /// Show what would be applied, change nothing
    #[arg(long)]
    pub dry_run: bool,
    /// Only check the pending migrations for destructive or locking
    /// statements and apply nothing: exit 0 when clean, 1 with findings
    #[arg(long)]
    pub lint: bool,
    /// How long to wait for another migrator's lock (PostgreSQL), in seconds
    #[arg(long, value_name = "SECS", default_value_t = 60)]
    pub lock_timeout: u64,
}
