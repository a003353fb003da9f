//! `hctl flags list | get | create | set | enable | disable | delete | ramp`: feature
//! flags through the admin API of the selected environment's server (`url`,
//! admin token from the variable named by `admin_token_env`). Changes in
//! production ask first; `delete` asks everywhere. `set`, `enable` and
//! `disable` change existing flags only: creating one is `create`. A malformed
//! name is a usage error (exit 2) before any request.

use std::time::Duration;

use anyhow::Result;
use comfy_table::Cell;

use super::{Ctx, TABLE_OR_JSON};
use crate::cli::flags::{FieldArgs, FlagsCommand};
use crate::config::process_env;
use crate::exit::{Exit, UsageError};
use crate::flags::{Change, Client, Flag, NewFlag};
use crate::output::{self, Format};
use crate::ui::confirm::Scope;

impl FieldArgs {
    fn change(self, enabled: Option<bool>) -> Change {
        Change {
            enabled,
            rollout_percentage: self.rollout,
            description: self.description,
            group_id: self.group_id,
            ..Change::default()
        }
    }
}

pub async fn run(ctx: &Ctx, cmd: FlagsCommand) -> Result<Exit> {
    ctx.require_format("flags", TABLE_OR_JSON)?;
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
        FlagsCommand::Create(args) => {
            ctx.change("hctl flags create", Scope::Production, false)?
                .confirm(&format!(
                    "create feature flag `{}` in `{}`",
                    args.name, settings.env
                ))?;
            let new = NewFlag {
                name: args.name,
                fields: args.fields.change(args.enabled.then_some(true)),
            };
            let flag = client(args.common.timeout)?.create(&new).await?;
            render(ctx, &[flag], true)
        }
        FlagsCommand::Set(args) => {
            let change = args.fields.change(args.enabled);
            if change.enabled.is_none()
                && change.rollout_percentage.is_none()
                && change.description.is_none()
                && change.group_id.is_none()
            {
                return Err(UsageError::new(
                    "`hctl flags set` needs --enabled BOOL, --rollout PCT, --description TEXT or --group-id ID",
                ).into());
            }
            change_flag(ctx, "set", client(args.common.timeout)?, &args.name, change).await
        }
        FlagsCommand::Enable(args) => {
            let change = Change {
                enabled: Some(true),
                rollout_percentage: Some(args.rollout.unwrap_or(100)),
                ..Change::default()
            };
            change_flag(
                ctx,
                "enable",
                client(args.common.timeout)?,
                &args.name,
                change,
            )
            .await
        }
        FlagsCommand::Disable(args) => {
            let change = Change {
                enabled: Some(false),
                ..Change::default()
            };
            change_flag(
                ctx,
                "disable",
                client(args.common.timeout)?,
                &args.name,
                change,
            )
            .await
        }
        FlagsCommand::Ramp(args) => {
            let client = client(args.common.timeout)?;
            super::flags_ramp::run(ctx, client, args).await
        }
        FlagsCommand::Delete(args) => {
            // Destructive everywhere: users who had the flag on lose it at once.
            ctx.change("hctl flags delete", Scope::Destructive, false)?
                .confirm(&format!(
                    "delete feature flag `{}` in `{}` ({})",
                    args.name,
                    settings.env,
                    crate::config::redact::redact_url(&url)
                ))?;
            client(args.common.timeout)?.delete(&args.name).await?;
            if ctx.format() == Format::Json {
                output::print_json(&serde_json::json!({ "name": args.name, "deleted": true }))?;
            } else {
                output::note(&ctx.style, &format!("deleted feature flag `{}`", args.name));
            }
            Ok(Exit::Success)
        }
    }
}

async fn change_flag(
    ctx: &Ctx,
    verb: &str,
    client: Client,
    name: &str,
    change: Change,
) -> Result<Exit> {
    let settings = ctx.settings()?;
    ctx.change(&format!("hctl flags {verb}"), Scope::Production, false)?
        .confirm(&format!(
            "change feature flag `{name}` in `{}`: {}",
            settings.env,
            describe(&change)
        ))?;
    let flag = client.set(name, &change).await?;
    render(ctx, &[flag], true)
}

/// A change in words, for the confirmation prompt.
fn describe(change: &Change) -> String {
    let mut parts = Vec::new();
    match change.enabled {
        Some(true) => parts.push("enable it".to_string()),
        Some(false) => parts.push("disable it".to_string()),
        None => {}
    }
    if let Some(p) = change.rollout_percentage {
        parts.push(format!("rollout {p}%"));
    }
    if let Some(d) = &change.description {
        parts.push(format!("description `{d}`"));
    }
    if let Some(g) = &change.group_id {
        parts.push(format!("group id `{g}`"));
    }
    parts.join(", ")
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
    let mut table = ctx.style.table(&[
        "name",
        "enabled",
        "rollout",
        "group id",
        "updated",
        "description",
    ]);
    for flag in flags {
        table.add_row(vec![
            Cell::new(&flag.name),
            Cell::new(if flag.enabled { "on" } else { "off" }),
            Cell::new(format!("{}%", flag.rollout_percentage)),
            Cell::new(&flag.group_id),
            Cell::new(&flag.updated_at),
            Cell::new(&flag.description),
        ]);
    }
    output::print_table(&table)?;
    Ok(Exit::Success)
}
