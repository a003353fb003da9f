//! Dynamic shell completion. The script `hctl completions SHELL` prints calls
//! back into hctl on every TAB (`HCTL_COMPLETE=bash hctl -- hctl checklist tick
//! pre…`, clap_complete's `CompleteEnv` protocol), and the completers attached
//! here answer with what exists now: checklist names, item ids and tags, the
//! environments of `hctl.yaml`, backup ids, feature flags.
//!
//! Completion never gets in the way: a completer that cannot answer (no
//! config, a broken file, an unreachable server) offers nothing, network
//! look-ups give up after [`values::NETWORK_BUDGET`], and nothing is ever
//! printed to stderr, where it would land in the middle of the user's prompt.

mod values;

use std::ffi::OsString;
use std::path::PathBuf;

use clap::{ArgMatches, CommandFactory};
use clap_complete::engine::ArgValueCompleter;
use clap_complete::env::CompleteEnv;

use super::Cli;
use crate::config::Overrides;

pub use values::playbooks;

/// The variable that turns a run of `hctl` into a completion request.
/// hctl's own name, not clap's default `COMPLETE`: a stray `COMPLETE=bash`
/// in a CI job must not turn `hctl preflight` into a no-op that exits 0.
pub const VAR: &str = "HCTL_COMPLETE";

/// The checklist subcommands whose `NAME` is a checklist.
const CHECKLIST_NAMED: [&str; 7] = ["show", "tick", "untick", "waive", "status", "log", "report"];
/// The flag subcommands whose `NAME` is an existing flag.
const FLAG_NAMED: [&str; 5] = ["get", "set", "enable", "disable", "delete"];

/// The command line with its value completers attached (the same definition
/// `Cli` parses; only completion reads the completers).
pub fn command() -> clap::Command {
    let checklist = || ArgValueCompleter::new(values::checklists);
    Cli::command()
        .mut_arg("env", |a| {
            a.add(ArgValueCompleter::new(values::environments))
        })
        .mut_subcommand("preflight", |c| {
            c.mut_arg("checklists", |a| a.add(checklist()))
                .mut_arg("only", |a| a.add(ArgValueCompleter::new(values::item_ids)))
                .mut_arg("exclude", |a| {
                    a.add(ArgValueCompleter::new(values::item_ids))
                })
                .mut_arg("tags", |a| a.add(ArgValueCompleter::new(values::tags)))
        })
        .mut_subcommand("checklist", |group| {
            CHECKLIST_NAMED
                .into_iter()
                .fold(group, |g, sub| {
                    g.mut_subcommand(sub, |c| c.mut_arg("name", |a| a.add(checklist())))
                })
                .mut_subcommand("tick", |c| {
                    c.mut_arg("items", |a| a.add(ArgValueCompleter::new(values::to_tick)))
                })
                .mut_subcommand("report", |c| {
                    c.mut_arg("tags", |a| a.add(ArgValueCompleter::new(values::tags)))
                })
                .mut_subcommand("untick", |c| {
                    c.mut_arg("items", |a| {
                        a.add(ArgValueCompleter::new(values::to_untick))
                    })
                })
                // Any item may be waived: manual first, as for untick.
                .mut_subcommand("waive", |c| {
                    c.mut_arg("item", |a| a.add(ArgValueCompleter::new(values::to_untick)))
                })
        })
        .mut_subcommand("db", |group| {
            ["restore", "verify"].into_iter().fold(group, |g, sub| {
                g.mut_subcommand(sub, |c| {
                    c.mut_arg("backup_id", |a| {
                        a.add(ArgValueCompleter::new(values::backups))
                    })
                })
            })
        })
        .mut_subcommand("flags", |group| {
            FLAG_NAMED.into_iter().fold(group, |g, sub| {
                g.mut_subcommand(sub, |c| {
                    c.mut_arg("name", |a| a.add(ArgValueCompleter::new(values::flags)))
                })
            })
        })
        .mut_subcommand("playbook", |group| {
            ["show", "run", "runs"].into_iter().fold(group, |g, sub| {
                g.mut_subcommand(sub, |c| {
                    c.mut_arg("name", |a| a.add(ArgValueCompleter::new(values::playbooks)))
                })
            })
        })
}

/// When `HCTL_COMPLETE` is set, answer the shell (or print the registration
/// script) and exit; otherwise return at once. Call it first thing in `main`:
/// nothing may be written to stdout before it.
pub fn complete_if_requested() {
    let shell = std::env::var_os(VAR).unwrap_or_default();
    if shell.is_empty() || shell == "0" {
        return;
    }
    let args: Vec<OsString> = std::env::args_os().collect();
    // `hctl -- WORDS` is the shell asking; plain `hctl` asks for the script.
    let from_shell = args.iter().skip(1).any(|a| a == "--");
    if from_shell {
        // A completer bug must not print a panic message into the prompt.
        std::panic::set_hook(Box::new(|_| {}));
    }
    let current_dir = std::env::current_dir().ok();
    let outcome = CompleteEnv::with_factory(command)
        .var(VAR)
        .try_complete(args, current_dir.as_deref());
    match outcome {
        Ok(true) => std::process::exit(0),
        Ok(false) => {}
        // The shell treats a failure as "no candidates"; a person who typed
        // `HCTL_COMPLETE=tcsh hctl` is told what went wrong.
        Err(_) if from_shell => std::process::exit(1),
        Err(err) => {
            let _ = err.print();
            std::process::exit(i32::from(crate::exit::Exit::Usage.code()));
        }
    }
}

/// What the words before the cursor say: the global flags given so far and
/// the subcommand's arguments, parsed leniently (the line is incomplete).
struct Line {
    root: ArgMatches,
}

impl Line {
    /// The line the shell passed after `--`, up to the word being completed.
    fn current() -> Line {
        let args: Vec<OsString> = std::env::args_os().collect();
        let words = match args.iter().position(|a| a == "--") {
            Some(dash) => &args[dash + 1..],
            None => &[][..],
        };
        // bash, zsh and elvish say which word is being completed; fish and
        // PowerShell pass the words up to the cursor, the last being it.
        let index = std::env::var("_CLAP_COMPLETE_INDEX")
            .ok()
            .and_then(|i| i.parse::<usize>().ok())
            .unwrap_or(words.len().saturating_sub(1))
            .min(words.len());
        Line::parse(&words[..index])
    }

    fn parse(words: &[OsString]) -> Line {
        let root = Cli::command()
            .ignore_errors(true)
            .try_get_matches_from(words)
            .unwrap_or_default();
        Line { root }
    }

    /// `--env`, `--config` and `--set` as given on the line or in
    /// `HCTL_ENV` / `HCTL_CONFIG`, as a run of the line would see them.
    fn overrides(&self) -> Overrides {
        let m = &self.root;
        Overrides {
            env: one::<String>(m, "env").or_else(|| std::env::var("HCTL_ENV").ok()),
            config: one::<PathBuf>(m, "config")
                .or_else(|| std::env::var_os("HCTL_CONFIG").map(PathBuf::from)),
            set: many(m, "set"),
        }
    }

    /// The innermost subcommand's matches.
    fn leaf(&self) -> &ArgMatches {
        let mut m = &self.root;
        while let Some((_, sub)) = m.subcommand() {
            m = sub;
        }
        m
    }
}

fn one<T: Clone + Send + Sync + 'static>(m: &ArgMatches, id: &str) -> Option<T> {
    m.try_get_one::<T>(id).ok().flatten().cloned()
}

fn many(m: &ArgMatches, id: &str) -> Vec<String> {
    m.try_get_many::<String>(id)
        .ok()
        .flatten()
        .map(|v| v.cloned().collect())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(words: &[&str]) -> Line {
        let words: Vec<OsString> = words.iter().map(OsString::from).collect();
        Line::parse(&words)
    }

    #[test]
    fn every_completer_is_attached_to_an_existing_argument() {
        // mut_arg / mut_subcommand panic on a renamed argument or command.
        command().debug_assert();
    }

    #[test]
    fn the_line_gives_global_flags_and_positionals_wherever_they_stand() {
        let l = line(&[
            "hctl",
            "checklist",
            "--config",
            "other.yaml",
            "tick",
            "pre-launch",
            "--env=staging",
            "pentest",
        ]);
        let o = l.overrides();
        assert_eq!(o.env.as_deref(), Some("staging"));
        assert_eq!(o.config, Some(PathBuf::from("other.yaml")));
        assert_eq!(
            one::<String>(l.leaf(), "name").as_deref(),
            Some("pre-launch")
        );
        assert_eq!(many(l.leaf(), "items"), ["pentest"]);
    }

    #[test]
    fn an_incomplete_line_still_parses() {
        let l = line(&["hctl", "flags", "get"]);
        assert_eq!(one::<String>(l.leaf(), "name"), None);
        let l = line(&["hctl", "--no-such-flag", "db"]);
        assert!(l.overrides().set.is_empty());
    }
}
