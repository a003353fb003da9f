//! The `hctl` binary: parse, run, map the outcome to an exit code.

use std::io::Write;
use std::process::ExitCode;

use clap::Parser;
use hctl::cli::Cli;
use hctl::exit::{self, Exit, Interrupted};

/// Small blocks from mimalloc, large ones mapped and unmapped on their own
/// (`hctl_server::memory`).
#[global_allocator]
static ALLOCATOR: hctl_server::memory::Allocator = hctl_server::memory::Allocator;

fn main() -> ExitCode {
    // A TAB in the shell (`HCTL_COMPLETE=bash hctl -- …`) ends here.
    hctl::cli::complete::complete_if_requested();
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(err) => {
            let _ = err.print();
            // --help and --version are not errors.
            return ExitCode::from(if err.use_stderr() {
                Exit::Usage.code()
            } else {
                0
            });
        }
    };
    // The server logs JSON lines at info level (containers); the CLI stays terse.
    let serve = matches!(cli.command, hctl::cli::Command::Serve(_));
    let log = hctl::logging::init(
        cli.global.verbose.max(u8::from(serve)),
        cli.global.quiet,
        serve,
        cli.global.no_color,
    );
    hctl::init_crypto();

    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(err) => {
            let _ = writeln!(
                std::io::stderr(),
                "error: cannot start the async runtime: {err}"
            );
            return ExitCode::from(Exit::Operation.code());
        }
    };
    let result = runtime.block_on(async {
        if serve {
            // The server turns SIGINT into a drain, as it does SIGTERM.
            return hctl::commands::run(cli).await;
        }
        tokio::select! {
            // Polled first, so the SIGINT handler is installed before the
            // command runs: a command that reaches a prompt without ever
            // yielding must still turn Ctrl-C into exit 130, not die of it.
            biased;
            _ = tokio::signal::ctrl_c() => Err(Interrupted.into()),
            result = hctl::commands::run(cli) => result,
        }
    });
    // Clean-ups started on the way out (an S3 upload being aborted after
    // Ctrl-C or a failure) finish first, within a deadline.
    runtime.block_on(hctl::cleanup::finish(std::time::Duration::from_secs(10)));
    // Do not wait for stray blocking tasks (a prompt, a child's pipe) on exit.
    runtime.shutdown_background();
    // Write the queued log lines before the final error line.
    drop(log);

    match result {
        Ok(exit) => ExitCode::from(exit.code()),
        Err(err) => {
            let (exit, print) = exit::classify(&err);
            if print {
                let _ = writeln!(std::io::stderr(), "error: {}", exit::message(&err));
            }
            ExitCode::from(exit.code())
        }
    }
}
