//! Diagnostics via `tracing` on stderr: `-v` debug, `-vv` trace, `-q` errors only.
//! `HCTL_LOG` (an env-filter directive) overrides the level.

use std::io::IsTerminal;

use tracing_appender::non_blocking::{NonBlockingBuilder, WorkerGuard};
use tracing_subscriber::EnvFilter;

/// Lines the JSON log may queue before a request waits for the writer.
/// Small enough that the guard's drain at exit (it waits up to 1 s) ends.
const QUEUED_LINES: usize = 8 * 1024;

/// Set up logging for a CLI run. `json` writes one JSON object per line (for
/// `hctl serve` in containers); `no_color` is `--no-color`/`NO_COLOR`.
///
/// The JSON log (the server's access log: a line per request) goes through a
/// writer thread, so a request never waits on a write to stderr (the thread
/// batches lines and flushes whenever its queue is empty); the queue is not
/// lossy (a full queue makes the logging request wait) and the
/// returned guard writes what is queued when dropped: keep it until exit.
pub fn init(verbose: u8, quiet: bool, json: bool, no_color: bool) -> Option<WorkerGuard> {
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
        let (writer, guard) = NonBlockingBuilder::default()
            .lossy(false)
            .buffered_lines_limit(QUEUED_LINES)
            .thread_name("hctl-log")
            .finish(std::io::BufWriter::with_capacity(
                64 * 1024,
                std::io::stderr(),
            ));
        // Err means a subscriber is already set (tests): keep it.
        let set = builder
            .with_writer(writer)
            .json()
            .flatten_event(true)
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
