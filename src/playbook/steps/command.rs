//! `shell:` and `run:` steps: a shell line (`sh -c`) or an argv without a
//! shell, as a supervised child (`db::pgtools::supervised`: its own process
//! group, SIGKILLed by the kernel if hctl dies) whose whole group is killed
//! when the attempt times out or the run is interrupted.

use std::process::Stdio;

use tokio::io::AsyncReadExt;

use super::{Done, StepOutcome};
use crate::checks::command::GroupGuard;
use crate::db::pgtools::supervised;

/// The most of stdout/stderr read; `stdout` as an output keeps less.
const READ_LIMIT: u64 = 1024 * 1024;
const OUTPUT_LIMIT: usize = 4096;

/// Run `sh -c LINE` or `ARGV` once.
pub async fn run(shell: Option<&str>, argv: &[String]) -> Done {
    let (program, args, shown): (&str, Vec<&str>, String) = match (shell, argv.split_first()) {
        (Some(line), _) => ("sh", vec!["-c", line], line.to_string()),
        (None, Some((p, rest))) => (p, rest.iter().map(String::as_str).collect(), argv.join(" ")),
        (None, None) => return Done::new(StepOutcome::Usage, "`run:` needs a program"),
    };
    let mut cmd = supervised(program);
    cmd.args(&args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = match cmd.spawn() {
        Ok(child) => child,
        Err(err) => return Done::new(StepOutcome::Error, format!("cannot run `{program}`: {err}")),
    };
    let mut guard = GroupGuard(child.id().and_then(|id| i32::try_from(id).ok()));
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let (stdout, stderr) = (child.stdout.take(), child.stderr.take());
    let (status, _, _) = tokio::join!(
        child.wait(),
        async {
            if let Some(s) = stdout {
                let _ = s.take(READ_LIMIT).read_to_end(&mut out).await;
            }
        },
        async {
            if let Some(s) = stderr {
                let _ = s.take(READ_LIMIT).read_to_end(&mut err).await;
            }
        },
    );
    guard.0 = None;
    let (out, err) = (String::from_utf8_lossy(&out), String::from_utf8_lossy(&err));
    let status = match status {
        Ok(status) => status,
        Err(e) => return Done::new(StepOutcome::Error, format!("waiting for `{shown}`: {e}")),
    };
    let last_line = |text: &str| {
        text.lines()
            .rev()
            .map(str::trim)
            .find(|l| !l.is_empty())
            .unwrap_or("")
            .to_string()
    };
    let mut done = match status.code() {
        Some(0) => Done::new(StepOutcome::Pass, format!("`{shown}` exited 0")),
        Some(code) => {
            let tail = Some(last_line(&err))
                .filter(|t| !t.is_empty())
                .unwrap_or_else(|| last_line(&out));
            Done::new(
                StepOutcome::Fail,
                format!("`{shown}`: exit code {code}: {tail}"),
            )
        }
        None => Done::new(
            StepOutcome::Fail,
            format!("`{shown}` was killed by a signal"),
        ),
    };
    done.exit_code = status.code();
    let kept: String = out.trim().chars().take(OUTPUT_LIMIT).collect();
    done.outputs.insert("stdout".into(), kept.clone());
    done.evidence = Some(serde_json::json!({
        "exit_code": status.code(),
        "stdout": kept,
        "stderr": err.trim().chars().take(OUTPUT_LIMIT).collect::<String>(),
    }));
    done
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn exit_codes_and_stdout() {
        let ok = run(Some("echo hello"), &[]).await;
        assert_eq!(ok.outcome, StepOutcome::Pass);
        assert_eq!(ok.outputs["stdout"], "hello");
        let bad = run(
            None,
            &["sh".into(), "-c".into(), "echo boom >&2; exit 4".into()],
        )
        .await;
        assert_eq!(bad.outcome, StepOutcome::Fail);
        assert_eq!(bad.exit_code, Some(4));
        assert!(bad.detail.contains("exit code 4: boom"), "{}", bad.detail);
    }

    #[tokio::test]
    async fn a_timeout_kills_the_whole_group() {
        let dir = tempfile::tempdir().unwrap();
        let marker = dir.path().join("survived");
        let line = format!("(sleep 2; touch {}) & sleep 30", marker.display());
        let cut =
            tokio::time::timeout(std::time::Duration::from_millis(300), run(Some(&line), &[]))
                .await;
        assert!(cut.is_err(), "timed out");
        tokio::time::sleep(std::time::Duration::from_millis(2500)).await;
        assert!(!marker.exists(), "the grandchild was killed with its group");
    }
}
