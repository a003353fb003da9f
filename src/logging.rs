//! Diagnostics via `tracing` on stderr: `-v` debug, `-vv` trace, `-q` errors only.
//! `HCTL_LOG` (an env-filter directive) overrides the level.

use std::io::IsTerminal;

use tracing_subscriber::EnvFilter;

/// Set up logging for a CLI run. `json` writes one JSON object per line (for
/// `hctl serve` in containers); `no_color` is `--no-color`/`NO_COLOR`.
pub fn init(verbose: u8, quiet: bool, json: bool, no_color: bool) {
    let level = match (quiet, verbose) {
        (true, _) => "error",
        (false, 0) => "warn",
        (false, 1) => "hctl=debug,info",
        (false, _) => "trace",
    };
    let filter = EnvFilter::try_from_env("HCTL_LOG").unwrap_or_else(|_| EnvFilter::new(level));
    // Colour only on a terminal and without NO_COLOR: a CI log or a file
    // must not fill with escape codes.
    let color = !no_color && std::io::stderr().is_terminal();
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(color)
        .with_writer(std::io::stderr);
    // Err means a subscriber is already set (tests): keep it.
    let _ = if json {
        builder.json().flatten_event(true).try_init()
    } else {
        builder.without_time().with_target(false).try_init()
    };
}
