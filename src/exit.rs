//! The documented exit codes, and the one place an error is mapped to one.
//!
//! Commands return `Ok(Exit)` for outcomes (all passed, checks failed) and `Err`
//! for everything else; [`classify`] decides whether an error was the user's input
//! (2), an interruption (130) or the operation itself failing (3).

use std::io;

pub use hctl_core::error::{UsageError, error_line, message, one_line};

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
  1    checks or verification failed (the gate; also when every selected item was skipped)
  2    usage or configuration error (bad flags, invalid YAML, a selector matching nothing, missing --yes)
  3    the operation itself failed (unreachable target, S3/k8s/database error, timeout)
  130  interrupted (Ctrl-C, or Esc at a prompt)";

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
    fn the_chain_is_one_line_without_repeats() {
        let root = io::Error::other("Is a directory (os error 21)");
        let err = anyhow::Error::new(root)
            .context("failed to read kubeconfig: Is a directory (os error 21)")
            .context("no usable kubeconfig");
        assert_eq!(
            message(&err),
            "no usable kubeconfig: failed to read kubeconfig: Is a directory (os error 21)"
        );
    }

    #[test]
    fn usage_errors_keep_their_code_under_context() {
        let err = Err::<(), _>(UsageError::new("bad flag"))
            .context("while loading")
            .unwrap_err();
        assert_eq!(classify(&err), (Exit::Usage, true));
    }

    #[test]
    fn listed_problems_keep_one_line_each() {
        let problems = vec![
            "checklists/gate.yaml:3:5: unknown field `chek`".to_string(),
            "checklists/gate.yaml:9:7: missing `title`".to_string(),
        ];
        let err = anyhow::Error::from(UsageError::list(problems.clone()))
            .context("checklist `gate` is invalid");
        assert_eq!(
            message(&err),
            format!(
                "checklist `gate` is invalid: {}\n{}",
                problems[0], problems[1]
            )
        );
        assert_eq!(classify(&err), (Exit::Usage, true));
        let single = anyhow::anyhow!("line one\nline two").context("outer");
        assert_eq!(message(&single), "outer: line one line two");
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
