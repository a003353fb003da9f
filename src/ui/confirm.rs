//! Confirmation of destructive or production-affecting actions.
//!
//! With `--yes` the action proceeds. Otherwise, on a terminal, dialoguer asks
//! (default: no). Without a terminal it refuses at once with exit 2 and says to
//! pass `--yes`: a CI job must never hang on a prompt.

use std::io::IsTerminal;

use anyhow::{Context, Result};

use crate::exit::usage;

/// Ask before `action` (e.g. "restore backup 2026-11-24T10:00 over `production`").
pub fn confirm(action: &str, yes: bool) -> Result<()> {
    if yes {
        return Ok(());
    }
    if !(std::io::stdin().is_terminal() && std::io::stderr().is_terminal()) {
        return Err(usage(format!(
            "refusing to {action} without confirmation: stdin is not a terminal; pass --yes to proceed"
        )));
    }
    let prompt = format!("{action}?");
    let accepted = tokio::task::block_in_place(|| {
        dialoguer::Confirm::new()
            .with_prompt(prompt)
            .default(false)
            .interact()
    })
    .context("could not read the confirmation from the terminal")?;
    if accepted {
        Ok(())
    } else {
        Err(usage(format!("not confirmed: did not {action}")))
    }
}
