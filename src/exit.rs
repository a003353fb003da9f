//! The documented exit codes, and the one place an error is mapped to one.
//!
//! Commands return `Ok(Exit)` for outcomes (all passed, checks failed) and `Err`
//! for everything else; [`classify`] decides whether an error was the user's input
//! (2), an interruption (130) or the operation itself failing (3).

use std::io;

/// Process exit status, as documented in `hctl --help` and the man page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    /// Success: everything ran and every check passed.
    Success,
    /// Checks or verification failed (the CI gate).
    Failed,
    /// Usage or configuration error: bad flags, invalid YAML, missing `--yes`.
    Usage,
    /// The operation itself failed: unreachable target, S3/k8s/database error, timeout.
    Operation,
    /// Interrupted by Ctrl-C / SIGINT.
    Interrupted,
}

impl Exit {
    pub fn code(self) -> u8 {
        match self {
            Exit::Success => 0,
            Exit::Failed => 1,
            Exit::Usage => 2,
            Exit::Operation => 3,
            Exit::Interrupted => 130,
        }
    }
}

/// Text for `--help` and the man page.
pub const EXIT_CODES_HELP: &str = "\
Exit codes:
  0    success, every check passed
  1    checks or verification failed (the gate)
  2    usage or configuration error (bad flags, invalid YAML, missing --yes)
  3    the operation itself failed (unreachable target, S3/k8s/database error, timeout)
  130  interrupted";

/// An error caused by what the user gave us: flags, config, YAML, a refused
/// confirmation. Maps to exit 2.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct UsageError(pub String);

/// Build a usage error (exit 2) from a message.
pub fn usage(message: impl Into<String>) -> anyhow::Error {
    UsageError(message.into()).into()
}

/// The run was interrupted (Ctrl-C). Maps to exit 130.
#[derive(Debug, thiserror::Error)]
#[error("interrupted")]
pub struct Interrupted;

/// How an error ends the process: its exit status, and whether to print it.
pub fn classify(err: &anyhow::Error) -> (Exit, bool) {
    for cause in err.chain() {
        if cause.is::<Interrupted>() {
            return (Exit::Interrupted, true);
        }
        if let Some(io_err) = cause.downcast_ref::<io::Error>()
            && io_err.kind() == io::ErrorKind::BrokenPipe
        {
            // `hctl … | head` closed our stdout: not an error worth a word.
            return (Exit::Success, false);
        }
        if cause.is::<UsageError>() || cause.is::<crate::yaml::YamlError>() {
            return (Exit::Usage, true);
        }
    }
    (Exit::Operation, true)
}

#[cfg(test)]
mod tests {
    use super::*;
    use anyhow::Context;

    #[test]
    fn usage_errors_keep_their_code_under_context() {
        let err = Err::<(), _>(usage("bad flag"))
            .context("while loading")
            .unwrap_err();
        assert_eq!(classify(&err), (Exit::Usage, true));
    }

    #[test]
    fn broken_pipe_is_quiet_success() {
        let err = anyhow::Error::from(io::Error::from(io::ErrorKind::BrokenPipe))
            .context("writing table");
        assert_eq!(classify(&err), (Exit::Success, false));
    }

    #[test]
    fn other_errors_are_operation_failures() {
        let err = anyhow::anyhow!("connection refused").context("could not connect");
        assert_eq!(classify(&err), (Exit::Operation, true));
    }
}
