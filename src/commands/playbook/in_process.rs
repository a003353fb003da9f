//! The CLI as the playbook runner sees it ([`crate::playbook::Hctl`]): an
//! argv checked by the same clap definition `hctl` parses, and a command run
//! in-process (`commands::run`) against the run's environment with `-o json`,
//! its stdout captured as the step's evidence.

use clap::{CommandFactory, Parser};
use futures::future::LocalBoxFuture;

use crate::cli::{Cli, GlobalArgs};
use crate::exit::Exit;
use crate::output::{self, Format};
use crate::playbook::{self, Hctl, HctlCommand, HctlOutcome};
use crate::yaml::YamlError;

/// The CLI for the runner: argv checked by the clap definition, commands
/// run in-process (`commands::run`) against the run's environment with
/// `-o json`, their stdout captured as the step's evidence.
pub struct InProcess {
    global: GlobalArgs,
}

impl InProcess {
    pub fn new(global: &GlobalArgs) -> Self {
        InProcess {
            global: global.clone(),
        }
    }
}

/// clap's message on one line, without its `error:` prefix and usage block.
fn clap_message(err: &clap::Error) -> String {
    let text = err.to_string();
    let first = text
        .lines()
        .find(|l| !l.trim().is_empty())
        .unwrap_or("invalid arguments");
    first.trim().trim_start_matches("error: ").to_string()
}

impl Hctl for InProcess {
    fn check(&self, argv: &[String]) -> Result<HctlCommand, String> {
        let root = Cli::command();
        let words = std::iter::once("hctl").chain(argv.iter().map(String::as_str));
        let matches = root
            .clone()
            .try_get_matches_from(words)
            .map_err(|e| match e.kind() {
                clap::error::ErrorKind::DisplayHelp | clap::error::ErrorKind::DisplayVersion => {
                    "`--help` and `--version` are not steps".to_string()
                }
                clap::error::ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
                    "names a command group, not a command".to_string()
                }
                _ => clap_message(&e),
            })?;
        let (mut path, mut cmd, mut m) = (Vec::new(), &root, &matches);
        while let Some((name, sub)) = m.subcommand() {
            path.push(name.to_string());
            cmd = cmd
                .find_subcommand(name)
                .ok_or_else(|| format!("unknown subcommand `{name}`"))?;
            m = sub;
        }
        Ok(HctlCommand {
            command: path.join(" "),
            dry_run: cmd.get_arguments().any(|a| a.get_long() == Some("dry-run")),
        })
    }

    fn run(&self, argv: Vec<String>, yes: bool) -> LocalBoxFuture<'_, HctlOutcome> {
        Box::pin(async move {
            let words = std::iter::once("hctl".to_string()).chain(argv);
            let mut cli = match Cli::try_parse_from(words) {
                Ok(cli) => cli,
                Err(err) => {
                    return HctlOutcome {
                        code: Exit::Usage.code(),
                        stdout: String::new(),
                        error: Some(clap_message(&err)),
                    };
                }
            };
            let g = &self.global;
            let mut set = g.set.clone();
            set.append(&mut cli.global.set);
            cli.global = GlobalArgs {
                env: g.env.clone(),
                config: g.config.clone(),
                set,
                output: Format::Json,
                yes: yes || cli.global.yes,
                no_color: g.no_color,
                quiet: g.quiet,
                verbose: g.verbose,
            };
            let (result, stdout) = output::capture(crate::commands::run(cli)).await;
            let stdout = String::from_utf8_lossy(&stdout).into_owned();
            match result {
                Ok(exit) => HctlOutcome {
                    code: exit.code(),
                    stdout,
                    error: None,
                },
                Err(err) => HctlOutcome {
                    code: crate::exit::classify(&err).0.code(),
                    stdout,
                    error: Some(crate::exit::message(&err)),
                },
            }
        })
    }
}

/// Every problem in a playbook file, checked against this binary's CLI (for
/// `hctl config validate`).
pub fn findings(path: &std::path::Path) -> Vec<YamlError> {
    let global = Cli::parse_from(["hctl", "config", "show"]).global;
    playbook::validate(path, &InProcess::new(&global))
}
