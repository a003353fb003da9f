//! Running the PostgreSQL client tools (`pg_dump`, `pg_restore`) as child
//! processes: version checks with a fix-it message, the password passed in
//! `PGPASSWORD` (never on the command line), stderr kept for error messages,
//! and children that never outlive hctl (see [`supervised`]): a `pg_restore`
//! left writing a database with nobody watching is worse than a failed one.

use std::path::Path;
use std::process::Stdio;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, anyhow, bail};
use tokio::io::AsyncReadExt;
use tokio::process::{Child, Command};
use tokio::task::JoinHandle;

use crate::config::redact::redact_url;

/// `tool` as a child that dies with hctl: killed when hctl drops it (an error,
/// Ctrl-C), in its own process group (a terminal's Ctrl-C reaches hctl, which
/// stops it, not the tool behind hctl's back), and on Linux sent SIGKILL by
/// the kernel when hctl dies, even by `kill -9` (`PR_SET_PDEATHSIG`). The
/// kernel ties that signal to the *thread* that spawned the child: spawn only
/// from async code (the main thread or a runtime worker, which live as long as
/// hctl does), never from a `spawn_blocking` thread (those exit when idle).
pub fn supervised(tool: &str) -> Command {
    let mut cmd = Command::new(tool);
    cmd.process_group(0).kill_on_drop(true);
    #[cfg(target_os = "linux")]
    {
        let parent = std::process::id();
        // SAFETY: between fork and exec the closure only makes two system
        // calls (prctl, getppid), both async-signal-safe, and allocates nothing.
        unsafe {
            cmd.pre_exec(move || {
                if libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL) == -1 {
                    return Err(std::io::Error::last_os_error());
                }
                // hctl died before the signal was armed: do not run orphaned.
                if u32::try_from(libc::getppid()).ok() != Some(parent) {
                    return Err(std::io::Error::from(std::io::ErrorKind::BrokenPipe));
                }
                Ok(())
            });
        }
    }
    cmd
}

/// The major version of a client tool (`pg_dump --version` → 15).
pub async fn tool_major(tool: &str) -> Result<u32> {
    let out = supervised(tool)
        .arg("--version")
        .output()
        .await
        .with_context(|| {
            format!("could not run `{tool}`: install the PostgreSQL client tools (Debian: apt-get install postgresql-client)")
        })?;
    let text = String::from_utf8_lossy(&out.stdout);
    parse_major(&text).ok_or_else(|| {
        anyhow!(
            "could not read the version of `{tool}` from `{}`",
            text.trim()
        )
    })
}

fn parse_major(text: &str) -> Option<u32> {
    let version = text
        .split_whitespace()
        .find(|w| w.starts_with(|c: char| c.is_ascii_digit()))?;
    let digits: String = version.chars().take_while(char::is_ascii_digit).collect();
    digits.parse().ok()
}

/// Refuse when the local `tool` is older than the server: an old `pg_dump`
/// cannot dump a newer server, and an old `pg_restore` cannot read its archives.
pub async fn require_at_least(tool: &str, server_major: u32) -> Result<()> {
    let local = tool_major(tool).await?;
    if local < server_major {
        bail!(
            "local `{tool}` is version {local} but the server is PostgreSQL {server_major}: \
             install postgresql-client-{server_major} (Debian: apt-get install postgresql-client-{server_major}) \
             and put its bin directory (e.g. /usr/lib/postgresql/{server_major}/bin) first on PATH"
        );
    }
    Ok(())
}

/// `tool ARGS --dbname URL` with the password moved into `PGPASSWORD`.
pub fn command(tool: &str, url: &str) -> Command {
    let mut cmd = supervised(tool);
    let mut dbname = url.to_string();
    if let Ok(mut parsed) = url::Url::parse(url)
        && let Some(password) = parsed.password().map(str::to_string)
    {
        let decoded = url::form_urlencoded::parse(format!("p={password}").as_bytes())
            .next()
            .map(|(_, v)| v.into_owned())
            .unwrap_or(password);
        cmd.env("PGPASSWORD", decoded);
        let _ = parsed.set_password(None);
        dbname = parsed.to_string();
    }
    // Never prompt for a password (it would read the terminal, not stdin).
    cmd.arg(format!("--dbname={dbname}"))
        .arg("--no-password")
        .env(
            "PGCONNECT_TIMEOUT",
            super::CONNECT_TIMEOUT.as_secs().to_string(),
        )
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    cmd
}

/// Collect a child's stderr (the last few KiB) in the background.
pub fn stderr_tail(child: &mut Child) -> JoinHandle<String> {
    let stderr = child.stderr.take();
    tokio::spawn(async move {
        let Some(mut stderr) = stderr else {
            return String::new();
        };
        let mut all = Vec::new();
        let mut buf = [0u8; 4096];
        while let Ok(n) = stderr.read(&mut buf).await {
            if n == 0 {
                break;
            }
            all.extend_from_slice(&buf[..n]);
            if all.len() > 16384 {
                all.drain(..all.len() - 8192);
            }
        }
        String::from_utf8_lossy(&all).trim().to_string()
    })
}

/// Wait for a child and turn a failure into an error with its stderr.
pub async fn finish(
    tool: &str,
    mut child: Child,
    stderr: JoinHandle<String>,
    url: &str,
) -> Result<()> {
    let status = child
        .wait()
        .await
        .with_context(|| format!("could not wait for `{tool}`"))?;
    let text = stderr.await.unwrap_or_default();
    if status.success() {
        return Ok(());
    }
    let why = if text.is_empty() {
        "no message".to_string()
    } else {
        text.lines()
            .rev()
            .take(5)
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .collect::<Vec<_>>()
            .join(" | ")
    };
    Err(anyhow!(
        "`{tool}` failed ({status}) on `{}`: {}",
        redact_url(url),
        redact_url(&why)
    ))
}

/// `pg_restore` of a local archive into `url` in one transaction, stopping at
/// the first error; `clean` drops the archive's objects first. Returns how long it took.
pub async fn pg_restore(url: &str, archive: &Path, clean: bool) -> Result<Duration> {
    let start = Instant::now();
    let mut cmd = command("pg_restore", url);
    cmd.args(["--single-transaction", "--exit-on-error"]);
    if clean {
        cmd.args(["--clean", "--if-exists"]);
    }
    cmd.arg(archive);
    let mut child = cmd.spawn().context("could not start `pg_restore`")?;
    let stderr = stderr_tail(&mut child);
    finish("pg_restore", child, stderr, url).await?;
    Ok(start.elapsed())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_parse() {
        assert_eq!(
            parse_major("pg_dump (PostgreSQL) 15.20 (Debian 15.20-0+deb12u1)"),
            Some(15)
        );
        assert_eq!(parse_major("pg_restore (PostgreSQL) 17beta1"), Some(17));
        assert_eq!(parse_major("no version here"), None);
        assert_eq!(parse_major("pg_dump (PostgreSQL) 16.4"), Some(16));
    }

    #[test]
    fn password_goes_to_the_environment() {
        let cmd = command("pg_dump", "postgres://app:p%40ss@db:5432/x");
        let std = cmd.as_std();
        let args: Vec<_> = std
            .get_args()
            .map(|a| a.to_string_lossy().into_owned())
            .collect();
        assert_eq!(args, ["--dbname=postgres://app@db:5432/x", "--no-password"]);
        let env: Vec<_> = std.get_envs().collect();
        assert!(
            env.iter()
                .any(|(k, v)| *k == "PGPASSWORD" && v.map(|v| v == "p@ss").unwrap_or(false))
        );
    }
}
