//! The `command` kind: run a program (an image scanner, `npm audit`, a
//! script) and check its exit code and output. The child runs in its own
//! process group, killed as a whole when the check times out, so a hanging
//! grandchild can never keep preflight waiting.
//! URLs in the command shown in the detail have their passwords redacted
//! (a `{{ env.database_url }}` templated into a `psql` line).

use std::process::Stdio;

use serde::Deserialize;
use tokio::io::AsyncReadExt;
use tokio::process::Command;

use super::Outcome;
use crate::config::redact::redact_urls_in;

/// The most of stdout/stderr kept.
const OUTPUT_LIMIT: u64 = 1024 * 1024;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CommandCheck {
    /// Program and arguments, run without a shell.
    #[serde(default)]
    pub run: Vec<String>,
    /// A shell command line, run with `sh -c` (instead of `run`).
    #[serde(default)]
    pub shell: Option<String>,
    /// Expected exit code (default 0).
    #[serde(default)]
    pub exit_code: i32,
    /// Text stdout must contain.
    #[serde(default)]
    pub stdout_contains: Option<String>,
    /// Text stdout must not contain.
    #[serde(default)]
    pub stdout_excludes: Option<String>,
}

/// Kills the child's process group when dropped (timeout, cancellation).
pub(crate) struct GroupGuard(pub(crate) Option<i32>);

impl Drop for GroupGuard {
    fn drop(&mut self) {
        if let Some(pgid) = self.0 {
            // SAFETY: killpg only sends a signal; a stale pgid yields ESRCH.
            unsafe {
                libc::killpg(pgid, libc::SIGKILL);
            }
        }
    }
}

pub async fn run(check: &CommandCheck) -> Outcome {
    let (program, args, shown) = match (&check.shell, check.run.split_first()) {
        (Some(line), _) => (
            "sh".to_string(),
            vec!["-c".to_string(), line.clone()],
            redact_urls_in(line),
        ),
        (None, Some((p, rest))) => (
            p.clone(),
            rest.to_vec(),
            redact_urls_in(&check.run.join(" ")),
        ),
        (None, None) => return Outcome::error("command check needs `run` or `shell`"),
    };
    let mut cmd = Command::new(&program);
    cmd.args(&args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .process_group(0)
        .kill_on_drop(true);
    let mut child = match cmd.spawn() {
        Ok(child) => child,
        Err(err) => return Outcome::error(format!("cannot run `{program}`: {err}")),
    };
    let mut guard = GroupGuard(child.id().and_then(|id| i32::try_from(id).ok()));
    let mut stdout = Vec::new();
    let mut stderr = Vec::new();
    let out = child.stdout.take();
    let err = child.stderr.take();
    let read_out = async {
        if let Some(out) = out {
            let _ = out.take(OUTPUT_LIMIT).read_to_end(&mut stdout).await;
        }
    };
    let read_err = async {
        if let Some(err) = err {
            let _ = err.take(OUTPUT_LIMIT).read_to_end(&mut stderr).await;
        }
    };
    let (status, _, _) = tokio::join!(child.wait(), read_out, read_err);
    guard.0 = None;
    let status = match status {
        Ok(s) => s,
        Err(err) => return Outcome::error(format!("waiting for `{shown}`: {err}")),
    };
    let stdout = String::from_utf8_lossy(&stdout);
    let stderr = String::from_utf8_lossy(&stderr);
    let last = |text: &str| {
        text.lines()
            .rev()
            .find(|l| !l.trim().is_empty())
            .unwrap_or("")
            .trim()
            .to_string()
    };
    let code = status.code();
    if code != Some(check.exit_code) {
        let why = match code {
            Some(c) => format!("exit code {c} (expected {})", check.exit_code),
            None => "killed by a signal".to_string(),
        };
        let tail = last(&stderr);
        let tail = if tail.is_empty() { last(&stdout) } else { tail };
        return Outcome::fail(format!("`{shown}`: {why}: {tail}"));
    }
    if let Some(want) = &check.stdout_contains
        && !stdout.contains(want.as_str())
    {
        return Outcome::fail(format!("`{shown}`: stdout does not contain `{want}`"));
    }
    if let Some(bad) = &check.stdout_excludes
        && stdout.contains(bad.as_str())
    {
        return Outcome::fail(format!("`{shown}`: stdout contains `{bad}`"));
    }
    Outcome::pass(format!("`{shown}` exited {}", code.unwrap_or_default()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::Status;

    fn shell(line: &str) -> CommandCheck {
        CommandCheck {
            run: vec![],
            shell: Some(line.into()),
            exit_code: 0,
            stdout_contains: None,
            stdout_excludes: None,
        }
    }

    #[tokio::test]
    async fn exit_codes_and_output() {
        assert_eq!(run(&shell("echo 0 critical")).await.status, Status::Pass);
        let bad = run(&shell("echo boom >&2; exit 4")).await;
        assert_eq!(bad.status, Status::Fail);
        assert!(
            bad.detail.contains("exit code 4") && bad.detail.contains("boom"),
            "{}",
            bad.detail
        );
        let mut c = shell("echo 3 CRITICAL vulnerabilities");
        c.stdout_excludes = Some("CRITICAL".into());
        assert_eq!(run(&c).await.status, Status::Fail);
        let missing = CommandCheck {
            run: vec!["/nonexistent/x".into()],
            ..shell("")
        };
        let missing = CommandCheck {
            shell: None,
            ..missing
        };
        assert_eq!(run(&missing).await.status, Status::Error);
    }

    #[tokio::test]
    async fn a_timeout_kills_the_whole_group() {
        let started = std::time::Instant::now();
        let c = shell("sleep 30 & sleep 30; echo done");
        let r = tokio::time::timeout(std::time::Duration::from_millis(300), run(&c)).await;
        assert!(r.is_err());
        assert!(started.elapsed() < std::time::Duration::from_secs(2));
    }
}
