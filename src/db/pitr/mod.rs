//! Point-in-time recovery through pgBackRest: `hctl db restore --physical`
//! restores the backup set a target needs into a new data directory, starts a
//! scratch cluster on it, waits for recovery to promote at the target and
//! reports what was reached; `pitr-drill` (see [`drill`]) proves the whole
//! chain on the live database and records the measured RTO.
//!
//! What is refused before anything is written: a target before the end of
//! the oldest backup (pgbackrest#817), a directory in use or not empty
//! (without `--force`), and a file system without room for the restore.

pub mod drill;
pub mod scratch;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use serde::Serialize;

use super::pgbackrest::info::{self, Set, Target};
use super::pgbackrest::{Pgbackrest, refuse_root, server_bindir};
use super::physical::Physical;
use crate::exit::UsageError;
use scratch::{Cluster, Lifetime, Reached};

/// What `restore --physical` is asked to do.
#[derive(Debug, Clone)]
pub struct Request {
    pub target: Target,
    /// The new data directory.
    pub dir: PathBuf,
    /// The scratch cluster's port (default: a free one).
    pub port: Option<u16>,
    /// Restore into a directory that is not empty (pgBackRest `--delta`).
    pub force: bool,
    /// The longest recovery may take.
    pub timeout: Duration,
}

/// A finished point-in-time restore (`-o json` fields are a contract).
#[derive(Debug, Clone, Serialize)]
pub struct Restored {
    pub stanza: String,
    /// The backup set restored.
    pub backup: Physical,
    pub target: Target,
    pub data_dir: PathBuf,
    pub port: u16,
    pub reached: Reached,
    /// `pgbackrest restore` (files back in place).
    pub restore_ms: u64,
    /// WAL replay up to the target and promotion.
    pub recovery_ms: u64,
    /// The whole restore: the recovery time actually measured (RTO).
    pub rto_ms: u64,
}

/// Extra room asked for beyond the database's size: WAL replayed on the
/// way to the target, and the new timeline's first segments.
const WAL_MARGIN: u64 = 256 << 20;

/// The backup set `target` needs, or the refusal (exit 2) saying why none can.
pub async fn choose(pgbackrest: &Pgbackrest, target: &Target) -> Result<(info::Stanza, Set)> {
    let stanza = pgbackrest.info().await?;
    let set = info::choose(&stanza, target)
        .map_err(UsageError::new)?
        .clone();
    Ok((stanza, set))
}

/// Refuse a directory a server runs on, or one holding files (unless `force`).
pub fn check_dir(dir: &Path, force: bool) -> Result<()> {
    if dir.join("postmaster.pid").exists() {
        return Err(UsageError::new(format!(
            "a PostgreSQL server is running on `{}` (postmaster.pid): stop it before restoring over it",
            dir.display()
        ))
        .into());
    }
    let has_files = std::fs::read_dir(dir)
        .map(|mut entries| entries.next().is_some())
        .unwrap_or(false);
    if has_files && !force {
        return Err(UsageError::new(format!(
            "`{}` is not empty: restore into a new directory, or pass --force to restore over what is there",
            dir.display()
        ))
        .into());
    }
    Ok(())
}

/// Refuse when the file system of `dir` cannot hold the restored database.
pub fn check_space(dir: &Path, set: &Set) -> Result<()> {
    let need = set
        .info
        .size
        .saturating_add(set.info.size / 10)
        .saturating_add(WAL_MARGIN);
    let free = scratch::free_bytes(dir)?;
    if free < need {
        return Err(UsageError::new(format!(
            "not enough disk for the restore into `{}`: {} free, {} needed (backup `{}` holds {} of data, plus WAL)",
            dir.display(),
            super::human_bytes(free),
            super::human_bytes(need),
            set.label,
            super::human_bytes(set.info.size)
        ))
        .into());
    }
    Ok(())
}

/// pgBackRest's options for `target`.
fn target_args(target: &Target) -> Vec<String> {
    match target {
        Target::Time(t) => vec![
            "--type=time".into(),
            format!("--target={}", t.format("%Y-%m-%d %H:%M:%S%.6f+00")),
            "--target-action=promote".into(),
        ],
        Target::Lsn(lsn) => vec![
            "--type=lsn".into(),
            format!("--target={lsn}"),
            "--target-action=promote".into(),
        ],
        Target::Latest => vec!["--type=default".into()],
    }
}

/// The URL of a scratch cluster on `port`: the environment's PostgreSQL URL
/// (its user, password and database) pointed at 127.0.0.1:port.
pub fn scratch_url(database_url: Option<&str>, cluster: &Cluster) -> Result<String> {
    match database_url {
        Some(url) if url.starts_with("postgres") => cluster.url(url),
        _ => cluster.url("postgres://postgres@127.0.0.1/postgres"),
    }
}

/// Restore `set` to `req.target` into `req.dir` and start a scratch cluster
/// on it that recovery promotes at the target.
pub async fn restore(
    pgbackrest: &Pgbackrest,
    stanza: &info::Stanza,
    set: &Set,
    req: &Request,
    database_url: Option<&str>,
    lifetime: Lifetime,
) -> Result<(Restored, Cluster)> {
    refuse_root("a physical restore")?;
    let major = stanza.pg_major().with_context(|| {
        format!(
            "pgBackRest reports no PostgreSQL version for stanza `{}`",
            stanza.name
        )
    })?;
    let bindir = server_bindir(major).await?;
    check_dir(&req.dir, req.force)?;
    check_space(&req.dir, set)?;
    create_private_dir(&req.dir)?;

    let started = Instant::now();
    let mut args = vec![
        format!("--pg1-path={}", req.dir.display()),
        format!("--set={}", set.label),
        "--archive-mode=off".into(),
    ];
    if req.force {
        args.push("--delta".into());
    }
    args.extend(target_args(&req.target));
    pgbackrest
        .run("restore", &args, super::physical::BACKUP_TIMEOUT)
        .await?;
    let restore_took = started.elapsed();

    let port = match req.port {
        Some(port) => port,
        None => scratch::free_port()?,
    };
    let recovery = Instant::now();
    let mut cluster = Cluster::start(&bindir, &req.dir, port, lifetime).await?;
    let url = scratch_url(database_url, &cluster)?;
    let reached = cluster.wait_promoted(&url, req.timeout).await?;
    let recovery_took = recovery.elapsed();
    let restored = Restored {
        stanza: stanza.name.clone(),
        backup: Physical::from_set(set, &stanza.name),
        target: req.target.clone(),
        data_dir: req.dir.clone(),
        port,
        reached,
        restore_ms: crate::report::millis(restore_took),
        recovery_ms: crate::report::millis(recovery_took),
        rto_ms: crate::report::millis(started.elapsed()),
    };
    Ok((restored, cluster))
}

/// Create `dir` (and parents) with mode 0700, as PostgreSQL requires of a
/// data directory; an existing one is tightened to 0700.
fn create_private_dir(dir: &Path) -> Result<()> {
    use std::os::unix::fs::{DirBuilderExt, PermissionsExt};
    if !dir.exists() {
        std::fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(dir)
            .with_context(|| format!("could not create `{}`", dir.display()))?;
    }
    std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))
        .with_context(|| format!("could not make `{}` private (0700)", dir.display()))
}
