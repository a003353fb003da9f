//! Physical backups through pgBackRest (`hctl db backup --physical`) and the
//! one listing of both kinds (`hctl db backups`): a pgBackRest backup set is
//! shown beside the logical `pg_dump` backups with its type, size, WAL range
//! and the newest passing PITR drill that restored from it.

use std::time::{Duration, Instant};

use anyhow::{Result, anyhow};
use chrono::{DateTime, Utc};
use serde::Serialize;

use super::pgbackrest::info::Set;
use super::pgbackrest::{Pgbackrest, refuse_root};

/// `--type` of a physical backup.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BackupType {
    Full,
    Diff,
    Incr,
}

impl BackupType {
    pub fn as_str(self) -> &'static str {
        match self {
            BackupType::Full => "full",
            BackupType::Diff => "diff",
            BackupType::Incr => "incr",
        }
    }
}

/// The longest a `pgbackrest backup` may run (a full backup of a large
/// database takes hours; a hung one must still end).
pub const BACKUP_TIMEOUT: Duration = Duration::from_secs(24 * 3600);

/// A physical backup as listed and reported (`-o json` fields are a contract).
#[derive(Debug, Clone, Serialize)]
pub struct Physical {
    /// pgBackRest's label, e.g. `20261201-192554F`.
    pub id: String,
    /// Always `physical`.
    pub method: &'static str,
    /// `full`, `diff` or `incr`.
    #[serde(rename = "type")]
    pub kind: String,
    pub stanza: String,
    pub started_at: DateTime<Utc>,
    pub finished_at: DateTime<Utc>,
    /// Size of the database backed up.
    pub size_bytes: u64,
    /// What this backup added to the repository (compressed, deduplicated).
    pub repo_bytes: u64,
    pub wal_start: Option<String>,
    pub wal_stop: Option<String>,
    pub lsn_start: Option<String>,
    pub lsn_stop: Option<String>,
}

impl Physical {
    pub fn from_set(set: &Set, stanza: &str) -> Self {
        Physical {
            id: set.label.clone(),
            method: "physical",
            kind: set.kind.clone(),
            stanza: stanza.to_string(),
            started_at: set.started_at(),
            finished_at: set.stopped_at(),
            size_bytes: set.info.size,
            repo_bytes: set.info.repository.delta,
            wal_start: set.archive.start.clone(),
            wal_stop: set.archive.stop.clone(),
            lsn_start: set.lsn.as_ref().map(|l| l.start.clone()),
            lsn_stop: set.lsn.as_ref().map(|l| l.stop.clone()),
        }
    }

    /// `000000010000000000000002 … 000000010000000000000003`.
    pub fn wal_range(&self) -> String {
        match (&self.wal_start, &self.wal_stop) {
            (Some(a), Some(b)) => format!("{a} … {b}"),
            _ => String::new(),
        }
    }
}

/// Every usable physical backup of the stanza, oldest first.
pub async fn list(pgbackrest: &Pgbackrest) -> Result<Vec<Physical>> {
    let stanza = pgbackrest.info().await?;
    Ok(stanza
        .sets()
        .map(|s| Physical::from_set(s, &stanza.name))
        .collect())
}

/// Run `pgbackrest backup --type=…`; the backup it made, and how long it took.
pub async fn backup(pgbackrest: &Pgbackrest, kind: BackupType) -> Result<(Physical, Duration)> {
    refuse_root("`hctl db backup --physical`")?;
    let before: Vec<String> = list(pgbackrest).await?.into_iter().map(|p| p.id).collect();
    let started = Instant::now();
    pgbackrest
        .run(
            "backup",
            &[format!("--type={}", kind.as_str())],
            BACKUP_TIMEOUT,
        )
        .await?;
    let took = started.elapsed();
    let made = list(pgbackrest)
        .await?
        .into_iter()
        .rev()
        .find(|p| !before.contains(&p.id))
        .ok_or_else(|| {
            anyhow!(
                "`pgbackrest backup` succeeded but stanza `{}` lists no new backup",
                pgbackrest.stanza
            )
        })?;
    Ok((made, took))
}
