//! Diagnostics via `tracing` on stderr: `-v` debug, `-vv` trace, `-q` errors only.
//! `HCTL_LOG` (an env-filter directive) overrides the level.

mod batch;
mod json;

use std::io::IsTerminal;

use tracing_subscriber::EnvFilter;
use tracing_subscriber::fmt::format::JsonFields;

pub use batch::Guard;

/// Set up logging for a CLI run. `json` writes one JSON object per line (for
/// `hctl serve` in containers; see the `json` module); `no_color` is `--no-color`/`NO_COLOR`.
///
/// The JSON log (the server's access log: a line per request) is batched
/// (see [`batch`]): a request never waits on a write to stderr, no line is
/// lost, and the returned guard writes what is pending when dropped: keep it
/// until exit.
pub fn init(verbose: u8, quiet: bool, json: bool, no_color: bool) -> Option<Guard> {
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
        .with_ansi(color);
    if json {
        let Ok((writer, guard)) = batch::batched(std::io::stderr()) else {
            // No thread for the writer: write each line at once.
            let _ = builder
                .with_writer(std::io::stderr)
                .fmt_fields(JsonFields::new())
                .event_format(json::Json::new())
                .try_init();
            return None;
        };
        // Err means a subscriber is already set (tests): keep it.
        let set = builder
            .with_writer(writer)
            .fmt_fields(JsonFields::new())
            .event_format(json::Json::new())
            .try_init();
        set.ok().map(|()| guard)
    } else {
        let _ = builder
            .with_writer(std::io::stderr)
            .without_time()
            .with_target(false)
            .try_init();
        None
    }
}
