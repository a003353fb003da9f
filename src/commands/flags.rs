//! `hctl flags list | get | set | enable | disable`: feature flags through the
//! admin API of the selected environment's server (`url`, admin token from the
//! variable named by `admin_token_env`). Changes in production ask first.

use std::time::Duration;

use anyhow::Result;
use clap::{Args, Subcommand};
use comfy_table::Cell;

use super::Ctx;
use crate::config::process_env;
use crate::exit::{Exit, usage};
use crate::flags::{Change, Client, Flag};
use crate::output::{self, Format};
use crate::ui::confirm::confirm;

#[derive(Debug, Subcommand)]
pub enum FlagsCommand {
    /// List every flag with its state and rollout percentage
    List(CommonArgs),
    /// Show one flag
    Get(NameArgs),
    /// Change a flag: --enabled and/or --rollout (fields left out keep their value)
    Set(SetArgs),
    /// Turn a flag on (for everyone, or for --rollout percent of users)
    Enable(EnableArgs),
    /// Turn a flag off for everyone
    Disable(NameArgs),
}

#[derive(Debug, Args)]
pub struct CommonArgs {
    /// Seconds to wait for the server
    #[arg(long, default_value_t = 10)]
    pub timeout: u64,
}

#[derive(Debug, Args)]
pub struct NameArgs {
    /// Flag name, e.g. leaderboard
    pub name: String,
    #[command(flatten)]
    pub common: CommonArgs,
}

#[derive(Debug, Args)]
pub struct SetArgs {
    /// Flag name, e.g. leaderboard
    pub name: String,
    /// Turn the flag on (true) or off (false)
    #[arg(long, value_name = "BOOL")]
    pub enabled: Option<bool>,
    /// Percentage of users (0-100) the flag is on for; sticky per user
    #[arg(long, value_name = "PCT", value_parser = clap::value_parser!(u8).range(0..=100))]
    pub rollout: Option<u8>,
    #[command(flatten)]
    pub common: CommonArgs,
}

#[derive(Debug, Args)]
pub struct EnableArgs {
    /// Flag name, e.g. leaderboard
    pub name: String,
    /// Percentage of users (0-100) the flag is on for [default: 100]
    #[arg(long, value_name = "PCT", value_parser = clap::value_parser!(u8).range(0..=100))]
    pub rollout: Option<u8>,
    #[command(flatten)]
    pub common: CommonArgs,
}

pub async fn run(ctx: &Ctx, cmd: FlagsCommand) -> Result<Exit> {
    if !matches!(ctx.format(), Format::Table | Format::Json) {
        return Err(usage(format!(
            "`hctl flags` prints table or json, not {}",
            ctx.format().as_str()
        )));
    }
    let settings = ctx.settings()?;
    let url = settings.require("url")?.to_string();
    let token = settings.admin_token(&process_env)?;
    let client =
        |timeout: u64| Client::new(&url, token.clone(), Duration::from_secs(timeout.max(1)));
    match cmd {
        FlagsCommand::List(args) => {
            let flags = client(args.timeout)?.list().await?;
            render(ctx, &flags, false)
        }
        FlagsCommand::Get(args) => {
            let flag = client(args.common.timeout)?.get(&args.name).await?;
            render(ctx, &[flag], true)
        }
        FlagsCommand::Set(args) => {
            if args.enabled.is_none() && args.rollout.is_none() {
                return Err(usage(
                    "`hctl flags set` needs --enabled BOOL and/or --rollout PCT",
                ));
            }
            let change = Change {
                enabled: args.enabled,
                rollout_percentage: args.rollout,
            };
            change_flag(ctx, client(args.common.timeout)?, &args.name, change).await
        }
        FlagsCommand::Enable(args) => {
            let change = Change {
                enabled: Some(true),
                rollout_percentage: Some(args.rollout.unwrap_or(100)),
            };
            change_flag(ctx, client(args.common.timeout)?, &args.name, change).await
        }
        FlagsCommand::Disable(args) => {
            let change = Change {
                enabled: Some(false),
                rollout_percentage: None,
            };
            change_flag(ctx, client(args.common.timeout)?, &args.name, change).await
        }
    }
}

async fn change_flag(ctx: &Ctx, client: Client, name: &str, change: Change) -> Result<Exit> {
    let settings = ctx.settings()?;
    if settings.is_production() {
        let what = match (change.enabled, change.rollout_percentage) {
            (Some(false), _) => "disable".to_string(),
            (_, Some(p)) => format!("set rollout {p}% (enabled: {:?}) of", change.enabled),
            _ => "change".to_string(),
        };
        confirm(
            &format!("{what} feature flag `{name}` in `{}`", settings.env),
            ctx.global.yes,
        )?;
    }
    let flag = client.set(name, &change).await?;
    render(ctx, &[flag], true)
}

/// Table, or JSON: an array for `list`, one object for a single flag.
fn render(ctx: &Ctx, flags: &[Flag], single: bool) -> Result<Exit> {
    if ctx.format() == Format::Json {
        match flags {
            [flag] if single => output::print_json(flag)?,
            _ => output::print_json(&flags)?,
        }
        return Ok(Exit::Success);
    }
    let mut table = ctx
        .style
        .table(&["name", "enabled", "rollout", "updated", "description"]);
    for flag in flags {
        table.add_row(vec![
            Cell::new(&flag.name),
            Cell::new(if flag.enabled { "on" } else { "off" }),
            Cell::new(format!("{}%", flag.rollout_percentage)),
            Cell::new(&flag.updated_at),
            Cell::new(&flag.description),
        ]);
    }
    output::print_table(&table)?;
    Ok(Exit::Success)
}
