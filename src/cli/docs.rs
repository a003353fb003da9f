//! The arguments of `hctl docs` as clap parses them; `commands::docs` acts on them.

use clap::Args;
use clap_complete::Shell;
use std::path::PathBuf;

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// Shell to generate for
    #[arg(value_enum)]
    pub shell: Shell,
}

#[derive(Debug, Args)]
pub struct ManArgs {
    /// Directory to write the pages to (created if missing); without it, print hctl.1
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
}
