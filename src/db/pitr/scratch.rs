//! A scratch PostgreSQL cluster started on a restored data directory: on
//! 127.0.0.1 and a port of its own, its socket inside the directory, WAL
//! archiving off (a restored copy must never push into the live stanza), and
//! waited for until recovery has promoted it at the target.
//!
//! Two lifetimes: [`Lifetime::Detached`] (`hctl db restore --physical`: the
//! cluster is the result, left running for the operator, started by
//! `pg_ctl`) and [`Lifetime::Supervised`] (`pitr-drill`: a `postgres` child
//! that dies with hctl — see `pgtools::supervised` — and whose directory is
//! removed when the [`Cluster`] is dropped, after an error or Ctrl-C too).

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, anyhow, bail};
use chrono::{DateTime, Utc};
use serde::Serialize;
use sqlx::{Connection, PgConnection, Row};
use tokio::process::{Child, Command};

use crate::db::pgtools::supervised;

/// How the scratch cluster lives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lifetime {
    /// Keeps running after hctl exits (`pg_ctl start`).
    Detached,
    /// Dies with hctl; stopped and its directory removed on drop.
    Supervised,
}

/// What recovery reached.
#[derive(Debug, Clone, Serialize)]
pub struct Reached {
    /// Commit time of the last transaction replayed.
    pub last_replayed_at: Option<DateTime<Utc>>,
    /// The WAL position after promotion.
    pub lsn: String,
    /// The new timeline the promoted cluster runs on.
    pub timeline: i32,
}

/// A started scratch cluster.
pub struct Cluster {
    pub dir: PathBuf,
    pub port: u16,
    child: Option<Child>,
    remove_on_drop: bool,
}

/// The server log of a scratch cluster, inside its directory.
pub const LOG: &str = "hctl-scratch.log";

/// A free TCP port on 127.0.0.1 (the OS picks it).
pub fn free_port() -> Result<u16> {
    let listener =
        std::net::TcpListener::bind("127.0.0.1:0").context("could not find a free port")?;
    Ok(listener.local_addr()?.port())
}

/// Settings forced on every scratch start, whatever the restored config says.
fn server_options(dir: &Path, port: u16) -> Vec<String> {
    [
        format!("port={port}"),
        "listen_addresses=127.0.0.1".into(),
        format!("unix_socket_directories={}", dir.display()),
        "archive_mode=off".into(),
        "primary_conninfo=".into(),
        "logging_collector=off".into(),
        "hot_standby=on".into(),
    ]
    .into_iter()
    .collect()
}

/// A data directory restored from a Debian-style cluster has no config files
/// (they live in /etc/postgresql): give it minimal ones, local access only.
fn ensure_config_files(dir: &Path) -> Result<()> {
    let files = [
        (
            "postgresql.conf",
            "# written by hctl for a scratch cluster: the restored cluster kept its configuration elsewhere\n",
        ),
        (
            "pg_hba.conf",
            "# written by hctl for a scratch cluster\nlocal all all peer\nhost all all 127.0.0.1/32 scram-sha-256\n",
        ),
        ("pg_ident.conf", "# written by hctl for a scratch cluster\n"),
    ];
    for (name, text) in files {
        let path = dir.join(name);
        if !path.exists() {
            std::fs::write(&path, text)
                .with_context(|| format!("could not write `{}`", path.display()))?;
        }
    }
    Ok(())
}

impl Cluster {
    /// Start PostgreSQL (`bindir`) on the restored `dir` at `port`.
    pub async fn start(bindir: &Path, dir: &Path, port: u16, lifetime: Lifetime) -> Result<Self> {
        ensure_config_files(dir)?;
        let log = dir.join(LOG);
        let options = server_options(dir, port);
        let child = match lifetime {
            Lifetime::Supervised => {
                let file = std::fs::File::create(&log)
                    .with_context(|| format!("could not create `{}`", log.display()))?;
                let mut cmd = supervised(&bindir.join("postgres").to_string_lossy());
                cmd.arg("-D").arg(dir);
                for o in &options {
                    cmd.arg("-c").arg(o);
                }
                cmd.stdin(Stdio::null())
                    .stdout(Stdio::null())
                    .stderr(Stdio::from(file));
                Some(
                    cmd.spawn()
                        .context("could not start `postgres` on the scratch directory")?,
                )
            }
            Lifetime::Detached => {
                let quoted: Vec<String> = options.iter().map(|o| format!("-c {o}")).collect();
                let out = Command::new(bindir.join("pg_ctl"))
                    .arg("-D")
                    .arg(dir)
                    .arg("-l")
                    .arg(&log)
                    .arg("-o")
                    .arg(quoted.join(" "))
                    .args(["-w", "-t", "3600", "start"])
                    .stdin(Stdio::null())
                    .output()
                    .await
                    .context("could not run `pg_ctl start` on the scratch directory")?;
                if !out.status.success() {
                    bail!(
                        "`pg_ctl start` failed: {}; server log: {}",
                        String::from_utf8_lossy(&out.stderr).trim(),
                        log_tail(&log)
                    );
                }
                None
            }
        };
        Ok(Cluster {
            dir: dir.to_path_buf(),
            port,
            child,
            remove_on_drop: lifetime == Lifetime::Supervised,
        })
    }

    /// `url` (the live database's, for its user and password) pointed at
    /// this cluster.
    pub fn url(&self, like: &str) -> Result<String> {
        let mut url = url::Url::parse(like).context("the database URL is not a URL")?;
        url.set_host(Some("127.0.0.1"))
            .map_err(|e| anyhow!("cannot point the URL at the scratch cluster: {e}"))?;
        url.set_port(Some(self.port))
            .map_err(|_| anyhow!("cannot point the URL at the scratch cluster"))?;
        Ok(url.to_string())
    }

    /// Whether the server process has exited (known only when supervised;
    /// detached: its `postmaster.pid` is gone).
    fn exited(&mut self) -> bool {
        match &mut self.child {
            Some(child) => !matches!(child.try_wait(), Ok(None)),
            None => !self.dir.join("postmaster.pid").exists(),
        }
    }

    /// Wait until recovery has ended and the cluster is promoted, at most
    /// `timeout`; what it reached. Recovery that stops (target not reached,
    /// WAL missing) is an error quoting the server log.
    pub async fn wait_promoted(&mut self, url: &str, timeout: Duration) -> Result<Reached> {
        let started = Instant::now();
        let mut last_error = String::from("not reachable yet");
        while started.elapsed() < timeout {
            // Give the server a moment to write its last words.
            if self.exited() {
                tokio::time::sleep(Duration::from_millis(200)).await;
                bail!(
                    "the scratch cluster stopped during recovery: {}",
                    log_tail(&self.dir.join(LOG))
                );
            }
            match probe(url).await {
                Ok(Some(reached)) => return Ok(reached),
                Ok(None) => last_error = "still in recovery".into(),
                Err(err) => last_error = format!("{err:#}"),
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        bail!(
            "the scratch cluster was not promoted within {} ({last_error}); server log: {}",
            crate::duration::human(timeout),
            log_tail(&self.dir.join(LOG))
        )
    }
}

/// `Some(reached)` once promoted; `None` while still recovering.
async fn probe(url: &str) -> Result<Option<Reached>> {
    let mut conn = tokio::time::timeout(Duration::from_secs(5), PgConnection::connect(url))
        .await
        .map_err(|_| anyhow!("connect timed out"))??;
    let row = sqlx::query(
        "SELECT pg_is_in_recovery() AS recovering, pg_last_xact_replay_timestamp() AS replayed,
                pg_current_wal_lsn()::text AS lsn, (SELECT timeline_id FROM pg_control_checkpoint()) AS tl",
    )
    .fetch_one(&mut conn)
    .await;
    let row = match row {
        Ok(row) => row,
        // pg_current_wal_lsn() is refused during recovery.
        Err(_) => return Ok(None),
    };
    if row.try_get::<bool, _>("recovering")? {
        return Ok(None);
    }
    let reached = Reached {
        last_replayed_at: row.try_get("replayed")?,
        lsn: row.try_get("lsn")?,
        timeline: row.try_get("tl")?,
    };
    let _ = conn.close().await;
    Ok(Some(reached))
}

/// The server log's `FATAL`/`PANIC`/`LOG: recovery …` lines, or its last lines.
pub fn log_tail(path: &Path) -> String {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    let lines: Vec<&str> = text.lines().collect();
    let wanted: Vec<&str> = lines
        .iter()
        .copied()
        .filter(|l| l.contains("FATAL:") || l.contains("PANIC:") || l.contains("recovery stopping"))
        .collect();
    let chosen = if wanted.is_empty() {
        lines[lines.len().saturating_sub(3)..].to_vec()
    } else {
        wanted[wanted.len().saturating_sub(3)..].to_vec()
    };
    if chosen.is_empty() {
        format!("(no log in `{}`)", path.display())
    } else {
        chosen.join(" | ")
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        if !self.remove_on_drop {
            return;
        }
        let child = self.child.take();
        let dir = self.dir.clone();
        let work = async move {
            if let Some(mut child) = child {
                if let Some(pid) = child.id() {
                    // SAFETY: kill(2) on our own child's pid; SIGQUIT is
                    // PostgreSQL's immediate shutdown (it stops its backends).
                    unsafe {
                        libc::kill(pid as libc::pid_t, libc::SIGQUIT);
                    }
                }
                if tokio::time::timeout(Duration::from_secs(5), child.wait())
                    .await
                    .is_err()
                {
                    let _ = child.kill().await;
                }
            }
            let _ = tokio::fs::remove_dir_all(&dir).await;
        };
        let what = format!(
            "stopping and removing the scratch cluster in `{}`",
            self.dir.display()
        );
        if !crate::cleanup::spawn(what, work) {
            let _ = std::fs::remove_dir_all(&self.dir);
        }
    }
}

/// Free bytes on the file system that would hold `path` (its nearest
/// existing ancestor).
pub fn free_bytes(path: &Path) -> Result<u64> {
    let mut probe = path.to_path_buf();
    while !probe.exists() {
        if !probe.pop() {
            probe = PathBuf::from(".");
            break;
        }
    }
    let c = std::ffi::CString::new(probe.as_os_str().as_encoded_bytes())
        .context("path holds a NUL byte")?;
    let mut stat: libc::statvfs = unsafe { std::mem::zeroed() };
    // SAFETY: `c` is a valid C string and `stat` a valid out-pointer.
    if unsafe { libc::statvfs(c.as_ptr(), &mut stat) } != 0 {
        return Err(std::io::Error::last_os_error())
            .with_context(|| format!("could not read the free space of `{}`", probe.display()));
    }
    Ok(stat.f_bavail as u64 * stat.f_frsize as u64)
}
