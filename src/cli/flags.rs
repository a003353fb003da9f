//! The arguments of `hctl flags` as clap parses them; `commands::flags` acts on them.

use crate::flags::name::{parse_group_id, parse_name};
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
}

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
