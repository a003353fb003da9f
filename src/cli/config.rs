//! The arguments of `hctl config` as clap parses them; `commands::config` acts on them.

use clap::Subcommand;

#[derive(Debug, Subcommand)]
pub enum ConfigCommand {
    /// Print the effective settings of the selected environment, secrets
    /// redacted, with the layer each value came from
    #[command(
        after_help = "Examples:\n  hctl config show\n  hctl --env production config show -o json\n  hctl config show --set url=http://127.0.0.1:8080"
    )]
    Show,
    /// Validate hctl.yaml (and every checklist and playbook file), listing every
    /// problem of every file as file:line:column with its key; exit 2 when any
    /// file is invalid
    #[command(
        after_help = "Examples:\n  hctl config validate\n  hctl config validate -o json | jq '.problems[] | .key'\n  hctl config validate -o junit > config-report.xml"
    )]
    Validate,
}
