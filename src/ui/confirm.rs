//! Confirmation of destructive or production-affecting actions.
//!
//! With `--yes` the action proceeds. Otherwise, on a terminal, dialoguer asks
//! (default: no). Without a terminal it refuses at once with exit 2 and says to
//! pass `--yes`: a CI job must never hang on a prompt.
//!
//! Commands that change something go through [`Change`]: created before the
//! command touches anything, it refuses right away when a confirmation will be
//! needed and nobody can give one, so a CI job learns about the missing `--yes`
//! before hctl connects anywhere; [`Change::confirm`] then asks, on a
//! terminal, once the exact change is known.

use std::io::IsTerminal;

use anyhow::{Context, Result};

use crate::exit::{Interrupted, UsageError};

/// When a change needs a confirmation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// Only in a production environment (deploys, migrations, flag changes).
    Production,
    /// In every environment (restores, deletions).
    Destructive,
}

/// A change about to be made by `command` (e.g. `hctl rollout apply`).
#[derive(Debug, Clone)]
pub struct Change {
    needs_confirmation: bool,
    yes: bool,
}

impl Change {
    /// Decide whether the change needs a confirmation and, when it does and
    /// neither `--yes` nor a terminal is there, refuse now (exit 2).
    pub fn begin(
        command: &str,
        env: &str,
        production: bool,
        scope: Scope,
        dry_run: bool,
        yes: bool,
    ) -> Result<Change> {
        let needs_confirmation = !dry_run
            && match scope {
                Scope::Production => production,
                Scope::Destructive => true,
            };
        if needs_confirmation && !yes && !interactive() {
            let what = if production {
                format!("production environment `{env}`")
            } else {
                format!("environment `{env}`")
            };
            return Err(UsageError::new(format!(
                "refusing to run `{command}` against {what} without confirmation: stdin is not a terminal; pass --yes to proceed"
            )).into());
        }
        Ok(Change {
            needs_confirmation,
            yes,
        })
    }

    /// Ask before `action` when this change needs it.
    pub fn confirm(&self, action: &str) -> Result<()> {
        if self.needs_confirmation {
            confirm(action, self.yes)
        } else {
            Ok(())
        }
    }
}

fn interactive() -> bool {
    std::io::stdin().is_terminal() && std::io::stderr().is_terminal()
}

/// Ask before `action` (e.g. "restore backup 2026-11-24T10:00 over `production`").
pub fn confirm(action: &str, yes: bool) -> Result<()> {
    if yes {
        return Ok(());
    }
    if !interactive() {
        return Err(UsageError::new(format!(
            "refusing to {action} without confirmation: stdin is not a terminal; pass --yes to proceed"
        )).into());
    }
    let prompt = format!("{action}?");
    let answer = tokio::task::block_in_place(|| {
        dialoguer::Confirm::new()
            .with_prompt(prompt)
            .default(false)
            .interact_opt()
    });
    if answered(answer, "the confirmation")? {
        Ok(())
    } else {
        Err(UsageError::new(format!("not confirmed: did not {action}")).into())
    }
}

/// The answer of a dialoguer prompt run with `interact_opt`. Esc or q cancel,
/// as Ctrl-C does (console raises SIGINT and reports the read as
/// interrupted): both are [`Interrupted`] (exit 130), with the cursor shown
/// again.
pub fn answered<T>(answer: dialoguer::Result<Option<T>>, what: &str) -> Result<T> {
    match answer {
        Ok(Some(value)) => Ok(value),
        Ok(None) => {
            restore_terminal();
            Err(Interrupted.into())
        }
        Err(dialoguer::Error::IO(err)) if err.kind() == std::io::ErrorKind::Interrupted => {
            restore_terminal();
            Err(Interrupted.into())
        }
        Err(err) => {
            restore_terminal();
            Err(err).with_context(|| format!("could not read {what} from the terminal"))
        }
    }
}

/// Show the cursor again after an interrupted prompt.
fn restore_terminal() {
    let _ = dialoguer::console::Term::stderr().show_cursor();
}
