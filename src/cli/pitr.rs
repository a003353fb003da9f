//! The physical-backup arguments of `hctl db` (`wal status`, `pitr-drill`, `--physical` restores) as clap parses them; `commands::pitr` acts on them.

use chrono::{DateTime, Utc};
use clap::{Args, Subcommand, ValueEnum};
use std::path::PathBuf;
use std::time::Duration;

#[derive(Debug, Subcommand)]
pub enum WalCommand {
    /// Check WAL archiving end to end: archive_mode and archive_command,
    /// pg_stat_archiver (a failure newer than the last success names the
    /// segment), `pgbackrest check` and the archive's continuity; exit 1 on a problem
    #[command(
        after_help = "Examples:\n  hctl db wal status\n  hctl --env production db wal status --max-age 10m -o json"
    )]
    Status(WalStatusArgs),
}

#[derive(Debug, Args)]
pub struct WalStatusArgs {
    /// Fail when the last WAL segment was archived longer ago than this (e.g. 10m)
    #[arg(long, value_name = "DURATION", value_parser = crate::duration::parse)]
    pub max_age: Option<Duration>,
    /// How long `pgbackrest check` waits for a switched WAL segment to reach
    /// the repository
    #[arg(long, value_name = "DURATION", value_parser = crate::duration::parse, default_value = "60s")]
    pub check_timeout: Duration,
}

/// `--type` of `hctl db backup --physical`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum TypeArg {
    /// Every file
    Full,
    /// What changed since the last full backup
    Diff,
    /// What changed since the last backup of any type
    Incr,
}

/// The point-in-time options of `hctl db restore --physical`.
#[derive(Debug, Clone, Args)]
pub struct PhysicalRestoreArgs {
    /// Recover to this time (RFC 3339, or `YYYY-MM-DD HH:MM:SS` in UTC)
    #[arg(long, value_name = "TIME", value_parser = crate::timestamp::parse, requires = "physical", group = "pitr_target")]
    pub to_time: Option<DateTime<Utc>>,
    /// Recover to this WAL position (e.g. 0/3000060)
    #[arg(long, value_name = "LSN", requires = "physical", group = "pitr_target")]
    pub to_lsn: Option<String>,
    /// Recover to the end of the archived WAL
    #[arg(long, requires = "physical", group = "pitr_target")]
    pub to_latest: bool,
    /// The new data directory to restore into and start the scratch cluster on
    #[arg(long, value_name = "DIR", requires = "physical")]
    pub into_dir: Option<PathBuf>,
    /// Port of the scratch cluster (default: a free one)
    #[arg(long, value_name = "PORT", requires = "physical")]
    pub port: Option<u16>,
    /// How long WAL replay up to the target may take
    #[arg(long, value_name = "DURATION", value_parser = crate::duration::parse, default_value = "1h", requires = "physical")]
    pub recovery_timeout: Duration,
}

#[derive(Debug, Args)]
pub struct DrillArgs {
    /// Restore to this long ago instead of between the drill's own markers
    #[arg(long, value_name = "DURATION", value_parser = crate::duration::parse, conflicts_with = "at")]
    pub ago: Option<Duration>,
    /// Restore to this time instead (RFC 3339, or `YYYY-MM-DD HH:MM:SS` in UTC)
    #[arg(long, value_name = "TIME", value_parser = crate::timestamp::parse)]
    pub at: Option<DateTime<Utc>>,
    /// Where the scratch cluster's data directory goes (removed afterwards)
    #[arg(long, value_name = "DIR", default_value_os_t = std::env::temp_dir())]
    pub scratch_dir: PathBuf,
    /// How long WAL replay up to the target may take
    #[arg(long, value_name = "DURATION", value_parser = crate::duration::parse, default_value = "1h")]
    pub recovery_timeout: Duration,
}
