//! `hctl dashboard`: serve the launch page of the selected environment
//! (see `dashboard`) until Ctrl-C or SIGTERM.

use std::sync::Arc;

use anyhow::{Context, Result};

use super::Ctx;
use super::playbook::InProcess;
use crate::cli::dashboard::DashboardArgs;
use crate::config::process_env;
use crate::dashboard::{self, Launch};
use crate::exit::{Exit, UsageError};
use crate::output;
use crate::playbook::discover;

pub async fn run(ctx: &Ctx, args: DashboardArgs) -> Result<Exit> {
    let token = match &args.token_env {
        Some(var) => Some(
            process_env(var)
                .filter(|t| !t.trim().is_empty())
                .ok_or_else(|| {
                    UsageError::new(format!(
                        "--token-env {var}: `{var}` is not set or empty; export the dashboard's token in it"
                    ))
                })?,
        ),
        None => None,
    };
    if token.is_none() && !args.bind.ip().is_loopback() {
        return Err(UsageError::new(format!(
            "refusing to serve the dashboard on `{}` without a token: pass --token-env VAR (a variable holding the token), or bind a loopback address such as 127.0.0.1",
            args.bind
        ))
        .into());
    }
    let settings = ctx.settings()?.clone();
    let launch = Launch::new(
        settings,
        Arc::new(InProcess::new(&ctx.global)),
        discover::dir(ctx.global.config.as_deref()),
        token,
    );
    let listener = tokio::net::TcpListener::bind(args.bind)
        .await
        .with_context(|| format!("could not listen on `{}`", args.bind))?;
    let addr = listener
        .local_addr()
        .context("could not read the listening address")?;
    let how = match &args.token_env {
        Some(var) => format!(" (open it with ?token=${var}, or send Authorization: Bearer ${var})"),
        None => String::new(),
    };
    output::note(
        &ctx.style,
        &format!(
            "hctl dashboard: the launch page of `{}` is on http://{addr}/{how}",
            launch.settings.env
        ),
    );
    if let (Some(valid), Some(token)) = (args.share_for, &launch.token) {
        let until =
            chrono::Utc::now() + chrono::Duration::from_std(valid).unwrap_or(chrono::Duration::MAX);
        output::note(
            &ctx.style,
            &format!(
                "hctl dashboard: a read-only link that opens it until {}: http://{addr}/?{}",
                until.format("%Y-%m-%d %H:%M:%S UTC"),
                dashboard::link::query(token, until)
            ),
        );
    }
    dashboard::serve(launch, listener, super::serve::shutdown_signal()).await?;
    Ok(Exit::Success)
}
