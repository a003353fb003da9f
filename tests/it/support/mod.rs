//! Shared test helpers: the real `hctl` binary in an isolated directory, and
//! real services (a fresh PostgreSQL database and S3 bucket per test).
//!
//! Services are never optional: when one is missing the test fails and says
//! how to start it.

#![allow(dead_code)]

pub mod cluster;
pub mod pgbouncer;
pub mod prometheus;
pub mod services;

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

/// Output of one `hctl` run.
#[derive(Debug)]
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    pub fn from_output(output: Output) -> Self {
        Run {
            code: output.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        }
    }

    /// Assert the exit code, showing both streams when it differs.
    #[track_caller]
    pub fn code(&self, expected: i32) -> &Self {
        assert_eq!(
            self.code, expected,
            "unexpected exit code\n--- stdout\n{}\n--- stderr\n{}",
            self.stdout, self.stderr
        );
        self
    }
}

impl Run {
    /// Assert stderr contains `text`, showing it when not.
    #[track_caller]
    pub fn assert_stderr_has(&self, text: &str) -> &Self {
        self.expect("stderr", &self.stderr, text, true)
    }

    /// Assert stdout contains `text`, showing it when not.
    #[track_caller]
    pub fn assert_stdout_has(&self, text: &str) -> &Self {
        self.expect("stdout", &self.stdout, text, true)
    }

    /// Assert stderr does not contain `text`, showing it when it does.
    #[track_caller]
    pub fn assert_stderr_lacks(&self, text: &str) -> &Self {
        self.expect("stderr", &self.stderr, text, false)
    }

    /// Assert stdout does not contain `text`, showing it when it does.
    #[track_caller]
    pub fn assert_stdout_lacks(&self, text: &str) -> &Self {
        self.expect("stdout", &self.stdout, text, false)
    }

    /// The one assertion behind the four above: `stream` (named `name`)
    /// contains `text` exactly when `wanted`.
    #[track_caller]
    fn expect(&self, name: &str, stream: &str, text: &str, wanted: bool) -> &Self {
        let verb = if wanted { "lacks" } else { "has" };
        assert!(
            stream.contains(text) == wanted,
            "{name} {verb} {text:?}:\n{stream}"
        );
        self
    }
}

/// A temp directory to run `hctl` in, with no inherited hctl configuration.
pub struct Sandbox {
    pub dir: tempfile::TempDir,
}

impl Sandbox {
    pub fn new() -> Self {
        Sandbox {
            dir: tempfile::tempdir().expect("create temp dir"),
        }
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Write a file relative to the sandbox, creating directories.
    pub fn write(&self, rel: &str, text: &str) -> PathBuf {
        let path = self.dir.path().join(rel);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).expect("create dirs");
        }
        std::fs::write(&path, text).expect("write file");
        path
    }

    /// `hctl ARGS` in the sandbox with a clean environment.
    pub fn cmd(&self, args: &[&str]) -> Command {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_hctl"));
        cmd.args(args)
            .current_dir(self.path())
            .stdin(Stdio::null())
            .env_remove("NO_COLOR")
            .env_remove("HCTL_LOG");
        for (name, _) in std::env::vars() {
            if name.starts_with("HCTL_") {
                cmd.env_remove(name);
            }
        }
        cmd
    }

    /// Run `hctl ARGS` in a pseudo-terminal; when `prompt` appears in its
    /// output, type `keys` (`\\x03` is Ctrl-C). stdout is the terminal output.
    pub fn run_in_pty(&self, args: &[&str], prompt: &str, keys: &str) -> Run {
        let mut cmd = Command::new("python3");
        cmd.arg(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/it/support/in_pty.py"
        ))
        .args([prompt, keys, env!("CARGO_BIN_EXE_hctl")])
        .args(args)
        .current_dir(self.path())
        .env_clear()
        .envs(std::env::vars_os().filter(|(k, _)| {
            let k = k.to_string_lossy();
            !k.starts_with("HCTL_") && k != "NO_COLOR"
        }))
        .env("TERM", "xterm");
        Run::from_output(
            cmd.output()
                .expect("python3 must be installed to drive a pseudo-terminal"),
        )
    }

    /// Run `hctl ARGS` to completion.
    pub fn run(&self, args: &[&str]) -> Run {
        self.run_with(args, &[])
    }

    /// Run with extra environment variables.
    pub fn run_with(&self, args: &[&str], env: &[(&str, &str)]) -> Run {
        let mut cmd = self.cmd(args);
        for (k, v) in env {
            cmd.env(k, v);
        }
        Run::from_output(cmd.output().expect("run hctl"))
    }
}
