//! pgBackRest as hctl drives it: the environment's stanza and config file
//! (`pgbackrest: { stanza, config }`), one way to run a `pgbackrest` command
//! (a supervised child with a timeout, data on stdout, warnings and errors on
//! stderr kept for the message), and its `info --output=json` (see [`info`]),
//! which its authors promise stable. hctl never reimplements pgBackRest: it
//! runs it, reads what it reports, and adds the gates and drills around it.

pub mod info;

use std::path::PathBuf;
use std::process::Stdio;
use std::time::Duration;

use anyhow::{Context, Result, anyhow, bail};

use super::pgtools::{self, supervised};
use crate::config::Settings;
use crate::exit::UsageError;

/// What to tell someone whose environment has no stanza.
const HOW_TO_CONFIGURE: &str = "name the pgBackRest stanza of the database in hctl.yaml \
     (`environments.NAME.pgbackrest: { stanza: main, config: /etc/pgbackrest/pgbackrest.conf }`), \
     with HCTL_PGBACKREST_STANZA, or with --set pgbackrest.stanza=NAME";

/// How to get pgBackRest when it is missing.
pub const HOW_TO_INSTALL: &str = "install pgBackRest (Debian/Ubuntu: apt-get install pgbackrest; \
     RHEL: dnf install pgbackrest) on the database host";

/// The environment's pgBackRest stanza.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pgbackrest {
    pub stanza: String,
    /// `--config`; pgBackRest's default file when absent.
    pub config: Option<PathBuf>,
}

impl Pgbackrest {
    /// The stanza of the selected environment, or a usage error (exit 2)
    /// saying how to configure one: `what` needs it.
    pub fn from_settings(settings: &Settings, what: &str) -> Result<Self> {
        let Some(stanza) = settings.get("pgbackrest.stanza") else {
            return Err(UsageError::new(format!(
                "{what} needs pgBackRest, and environment `{}` names no stanza: {HOW_TO_CONFIGURE}",
                settings.env
            ))
            .into());
        };
        Ok(Pgbackrest {
            stanza: stanza.to_string(),
            config: settings.get("pgbackrest.config").map(PathBuf::from),
        })
    }

    /// `--config=…`, `--stanza=…` and the logging hctl needs: data alone on
    /// stdout, warnings and errors on stderr, no log file of hctl's runs.
    fn base_args(&self) -> Vec<String> {
        let mut args = Vec::new();
        if let Some(config) = &self.config {
            args.push(format!("--config={}", config.display()));
        }
        args.push(format!("--stanza={}", self.stanza));
        args.extend(
            ["--log-level-console=off", "--log-level-stderr=warn"]
                .iter()
                .map(|s| s.to_string()),
        );
        args
    }

    /// `pgbackrest [base] ARGS… SUBCOMMAND` as it would run (for messages).
    pub fn describe(&self, sub: &str, args: &[String]) -> String {
        let mut all = vec!["pgbackrest".to_string()];
        if let Some(config) = &self.config {
            all.push(format!("--config={}", config.display()));
        }
        all.push(format!("--stanza={}", self.stanza));
        all.extend(args.iter().cloned());
        all.push(sub.to_string());
        all.join(" ")
    }

    /// Run `pgbackrest … ARGS SUB` to completion within `timeout`; its stdout.
    /// A failure names the command, its exit status and pgBackRest's own error.
    pub async fn run(&self, sub: &str, args: &[String], timeout: Duration) -> Result<String> {
        let shown = self.describe(sub, args);
        let mut cmd = supervised("pgbackrest");
        cmd.args(self.base_args())
            .args(args)
            .arg(sub)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let child = match cmd.spawn() {
            Ok(child) => child,
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => {
                bail!("`pgbackrest` was not found on PATH: {HOW_TO_INSTALL}")
            }
            Err(err) => return Err(err).with_context(|| format!("could not run `{shown}`")),
        };
        let out = tokio::time::timeout(timeout, child.wait_with_output())
            .await
            .map_err(|_| {
                anyhow!(
                    "`{shown}` did not finish within {}",
                    crate::duration::human(timeout)
                )
            })?
            .with_context(|| format!("could not wait for `{shown}`"))?;
        if out.status.success() {
            return Ok(String::from_utf8_lossy(&out.stdout).into_owned());
        }
        let why = error_text(&String::from_utf8_lossy(&out.stderr));
        Err(anyhow!("`{shown}` failed ({}): {why}", out.status))
    }

    /// `pgbackrest info --output=json` for this stanza.
    pub async fn info(&self) -> Result<info::Stanza> {
        let json = self
            .run("info", &["--output=json".into()], Duration::from_secs(60))
            .await?;
        info::parse(&json, &self.stanza)
    }
}

/// pgBackRest's error lines (`ERROR: [082]: …`, `HINT: …`) on one line, or
/// its last lines when it printed no `ERROR:`.
pub fn error_text(stderr: &str) -> String {
    let lines: Vec<&str> = stderr
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    let flagged: Vec<&str> = lines
        .iter()
        .copied()
        .filter(|l| l.contains("ERROR:") || l.contains("HINT:"))
        .collect();
    let chosen = if flagged.is_empty() {
        lines[lines.len().saturating_sub(3)..].to_vec()
    } else {
        flagged
    };
    if chosen.is_empty() {
        return "no message".into();
    }
    crate::config::redact::redact_url(&chosen.join(" | "))
}

/// Where the PostgreSQL server programs (`postgres`, `pg_ctl`) of `major` are:
/// Debian keeps them off PATH, in `/usr/lib/postgresql/MAJOR/bin`.
pub async fn server_bindir(major: u32) -> Result<PathBuf> {
    let debian = PathBuf::from(format!("/usr/lib/postgresql/{major}/bin"));
    if debian.join("pg_ctl").is_file() {
        return Ok(debian);
    }
    if let Ok(found) = which("pg_ctl")
        && pgtools::tool_major(&found.to_string_lossy()).await.ok() == Some(major)
        && let Some(dir) = found.parent()
    {
        return Ok(dir.to_path_buf());
    }
    bail!(
        "no PostgreSQL {major} server programs (pg_ctl, postgres) found in /usr/lib/postgresql/{major}/bin or on PATH: \
         install postgresql-{major} (Debian: apt-get install postgresql-{major})"
    )
}

fn which(tool: &str) -> Result<PathBuf> {
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&path)
        .map(|dir| dir.join(tool))
        .find(|p| p.is_file())
        .ok_or_else(|| anyhow!("`{tool}` is not on PATH"))
}

/// PostgreSQL and pgBackRest refuse to run as root; say so before starting.
pub fn refuse_root(what: &str) -> Result<()> {
    // SAFETY: geteuid has no preconditions and cannot fail.
    if unsafe { libc::geteuid() } == 0 {
        return Err(UsageError::new(format!(
            "{what} runs pgBackRest and PostgreSQL, which refuse to run as root: \
             run hctl as the database's OS user (e.g. `sudo -u postgres hctl …`)"
        ))
        .into());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_keep_pgbackrest_s_own_lines() {
        let text = "WARN: something\nERROR: [082]: WAL segment 000000010000000000000005 was not archived before the 5000ms timeout\n       HINT: check the archive_command\n";
        assert_eq!(
            error_text(text),
            "ERROR: [082]: WAL segment 000000010000000000000005 was not archived before the 5000ms timeout | HINT: check the archive_command"
        );
        assert_eq!(error_text(""), "no message");
        assert_eq!(error_text("a\nb\nc\nd\n"), "b | c | d");
    }

    #[test]
    fn the_command_line_names_config_and_stanza() {
        let p = Pgbackrest {
            stanza: "main".into(),
            config: Some("/etc/pb.conf".into()),
        };
        assert_eq!(
            p.describe("check", &["--archive-timeout=5".into()]),
            "pgbackrest --config=/etc/pb.conf --stanza=main --archive-timeout=5 check"
        );
    }
}
