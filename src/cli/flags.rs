//! The arguments of `hctl flags` as clap parses them; `commands::flags` acts on them.

use std::time::Duration;

use crate::flags::name::{parse_group_id, parse_name};
use crate::ramp::OnBreach;
use crate::ramp::guard::{self, Guard};
use clap::{Args, Subcommand};

#[derive(Debug, Subcommand)]
pub enum FlagsCommand {
    /// List every flag with its state, rollout percentage and group id
    #[command(after_help = "Examples:\n  hctl flags list")]
    List(CommonArgs),
    /// Show one flag
    #[command(after_help = "Examples:\n  hctl flags get leaderboard -o json")]
    Get(NameArgs),
    /// Create a flag (off unless --enabled); fails if it exists
    #[command(
        after_help = "Examples:\n  hctl flags create leaderboard --description 'weekly steps board'"
    )]
    Create(CreateArgs),
    /// Change an existing flag: --enabled, --rollout, --description, --group-id
    /// (fields left out keep their value)
    #[command(after_help = "Examples:\n  hctl flags set leaderboard --rollout 25")]
    Set(SetArgs),
    /// Turn an existing flag on (for everyone, or for --rollout percent of users)
    #[command(
        after_help = "Examples:\n  hctl flags enable leaderboard --rollout 10\n  hctl --env production flags enable leaderboard --yes"
    )]
    Enable(EnableArgs),
    /// Turn an existing flag off for everyone
    #[command(
        after_help = "Examples:\n  hctl --env production flags disable leaderboard --yes   # the kill switch"
    )]
    Disable(NameArgs),
    /// Delete a flag (asks first; --yes when not on a terminal)
    #[command(after_help = "Examples:\n  hctl flags delete old-banner --yes")]
    Delete(NameArgs),
    /// Raise a flag's rollout step by step behind Prometheus guards; a breach
    /// sets it back, missing data holds it; run again to resume
    #[command(after_help = RAMP_HELP)]
    Ramp(RampArgs),
}

const RAMP_HELP: &str = "\
Each step is watched for --interval; then every guard is judged over that interval
(a range query on the environment's prometheus_url, a point every --resolution):
all pass, the next step; one breaks, the flag is set back (--on-breach) and the ramp
ends (exit 1); too few points (--min-samples) or Prometheus not answering holds the
ramp, never passes, until --hold-timeout (exit 1, the flag left where it is).
A guard is `PROMQL OP NUMBER`, OP one of < <= > >= == !=, the number last: the
query is everything before the operator in front of it. Every step and decision is an audit
row of the flag; an unfinished ramp resumes at its recorded step (--restart: from
the first step). A fresh ramp never lowers a flag that is already on.

Examples:
  hctl --env production flags ramp leaderboard --steps 1,10,50,100 --interval 10m \\
    --guard 'max(job:http_request_errors:ratio_rate5m) < 0.001' \\
    --guard 'max(job:http_request_duration_seconds:p95_5m) < 0.5' --yes";

#[derive(Debug, Args)]
pub struct CommonArgs {
    /// Seconds to wait for the server
    #[arg(long, default_value_t = 10)]
    pub timeout: u64,
}

#[derive(Debug, Args)]
pub struct NameArgs {
    /// Flag name, e.g. leaderboard (a-z, 0-9, `.`, `_`, `-`; at most 64)
    #[arg(value_parser = parse_name)]
    pub name: String,
    #[command(flatten)]
    pub common: CommonArgs,
}

#[derive(Debug, Args)]
pub struct CreateArgs {
    /// Flag name, e.g. leaderboard (a-z, 0-9, `.`, `_`, `-`; at most 64)
    #[arg(value_parser = parse_name)]
    pub name: String,
    /// Create the flag turned on (for --rollout percent of users, default 100)
    #[arg(long)]
    pub enabled: bool,
    #[command(flatten)]
    pub fields: FieldArgs,
    #[command(flatten)]
    pub common: CommonArgs,
}

#[derive(Debug, Args)]
pub struct SetArgs {
    /// Flag name, e.g. leaderboard
    #[arg(value_parser = parse_name)]
    pub name: String,
    /// Turn the flag on (true) or off (false)
    #[arg(long, value_name = "BOOL")]
    pub enabled: Option<bool>,
    #[command(flatten)]
    pub fields: FieldArgs,
    #[command(flatten)]
    pub common: CommonArgs,
}

/// The fields `create` and `set` both take.
#[derive(Debug, Args)]
pub struct FieldArgs {
    /// Percentage of users (0-100) the flag is on for; sticky per user
    #[arg(long, value_name = "PCT", value_parser = clap::value_parser!(u8).range(0..=100))]
    pub rollout: Option<u8>,
    /// What the flag gates, for the people who will toggle it
    #[arg(long, value_name = "TEXT")]
    pub description: Option<String>,
    /// Unleash groupId hashed with the user id (default: the flag name); flags
    /// sharing one and a rollout are on for the same users, and changing it
    /// reshuffles who is in
    #[arg(long, value_name = "ID", value_parser = parse_group_id)]
    pub group_id: Option<String>,
}

#[derive(Debug, Args)]
pub struct EnableArgs {
    /// Flag name, e.g. leaderboard
    #[arg(value_parser = parse_name)]
    pub name: String,
    /// Percentage of users (0-100) the flag is on for [default: 100]
    #[arg(long, value_name = "PCT", value_parser = clap::value_parser!(u8).range(0..=100))]
    pub rollout: Option<u8>,
    #[command(flatten)]
    pub common: CommonArgs,
}

#[derive(Debug, Args)]
pub struct RampArgs {
    /// Flag name, e.g. leaderboard
    #[arg(value_parser = parse_name)]
    pub name: String,
    /// Rollout percentages, increasing, e.g. 1,10,50,100
    #[arg(long, value_name = "PCTS", value_delimiter = ',', required = true, value_parser = clap::value_parser!(u8).range(1..=100))]
    pub steps: Vec<u8>,
    /// How long each step is watched before the next, e.g. 10m
    #[arg(long, value_name = "DURATION", value_parser = crate::duration::parse)]
    pub interval: Duration,
    /// `PROMQL OP NUMBER` that must hold over each interval (repeatable)
    #[arg(long = "guard", value_name = "GUARD", required = true, value_parser = guard::parse)]
    pub guards: Vec<Guard>,
    /// Fewer points than this per guard and interval hold the ramp
    #[arg(long, value_name = "N", default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..))]
    pub min_samples: u32,
    /// What a breach does: `off` turns the flag off, `hold` sets the rollout back to the last good step
    #[arg(long, value_enum, default_value = "off")]
    pub on_breach: OnBreach,
    /// How long a step may hold (no data) before the ramp gives up [default: 3 intervals]
    #[arg(long, value_name = "DURATION", value_parser = crate::duration::parse)]
    pub hold_timeout: Option<Duration>,
    /// Range-query resolution: a point every DURATION [default: interval / 10, at least 1s]
    #[arg(long, value_name = "DURATION", value_parser = crate::duration::parse)]
    pub resolution: Option<Duration>,
    /// Start from the first step even when an unfinished ramp is recorded
    #[arg(long)]
    pub restart: bool,
    #[command(flatten)]
    pub common: CommonArgs,
}
