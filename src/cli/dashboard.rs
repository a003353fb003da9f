//! The arguments of `hctl dashboard` as clap parses them; `commands::dashboard` acts on them.

use std::net::SocketAddr;
use std::time::Duration;

use clap::Args;

/// The default address: loopback only, a fixed port so a bookmark keeps working.
pub const DEFAULT_BIND: &str = "127.0.0.1:8089";

#[derive(Debug, Args)]
pub struct DashboardArgs {
    /// Address to listen on (port 0: a free port); any other than loopback needs --token-env
    #[arg(long, default_value = DEFAULT_BIND, value_name = "ADDR")]
    pub bind: SocketAddr,
    /// Environment variable holding the token the page asks for (Authorization: Bearer, or ?token= in a link)
    #[arg(long, value_name = "VAR")]
    pub token_env: Option<String>,
    /// Also print a read-only link that opens the page without the token until DURATION from now (e.g. 8h; signed with the token)
    #[arg(long, value_name = "DURATION", requires = "token_env", value_parser = crate::duration::parse)]
    pub share_for: Option<Duration>,
}
