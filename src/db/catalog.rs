//! The catalog of backups in a storage: a backup exists only when its manifest
//! does (the manifest is written last), so a failed or interrupted backup is
//! never listed and never becomes `latest`.

use anyhow::{Context, Result};

use super::manifest::{self, MANIFEST, Manifest, VERIFIED, VerifyRecord};
use crate::exit::usage;
use crate::storage::Storage;

/// Every complete backup, newest first. Unreadable manifests are skipped with a
/// warning in the log rather than hiding every other backup.
pub async fn list(storage: &Storage) -> Result<Vec<Manifest>> {
    Ok(scan(storage).await?.0)
}

/// Objects of a backup that never got its manifest (failed, interrupted, or
/// still running): not usable, never listed as a backup.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Incomplete {
    pub id: String,
    pub keys: Vec<String>,
    pub size: u64,
}

/// Complete backups (newest first) and incomplete ones (oldest first).
pub async fn scan(storage: &Storage) -> Result<(Vec<Manifest>, Vec<Incomplete>)> {
    let objects = storage.list("").await?;
    let complete: std::collections::HashSet<&str> = objects
        .iter()
        .filter_map(|o| o.key.strip_suffix(&format!("/{MANIFEST}")))
        .collect();
    let mut incomplete: Vec<Incomplete> = Vec::new();
    for object in &objects {
        let Some((id, _)) = object.key.split_once('/') else {
            continue;
        };
        if !manifest::is_id(id) || complete.contains(id) {
            continue;
        }
        match incomplete.iter_mut().find(|i| i.id == id) {
            Some(entry) => {
                entry.keys.push(object.key.clone());
                entry.size += object.size;
            }
            None => incomplete.push(Incomplete {
                id: id.to_string(),
                keys: vec![object.key.clone()],
                size: object.size,
            }),
        }
    }
    let mut out = Vec::new();
    for object in &objects {
        let Some(id) = object.key.strip_suffix(&format!("/{MANIFEST}")) else {
            continue;
        };
        if !manifest::is_id(id) {
            continue;
        }
        match read(storage, id).await {
            Ok(m) => out.push(m),
            Err(err) => tracing::warn!("skipping backup `{id}`: {err:#}"),
        }
    }
    // Ids have one-second resolution; the start time breaks ties.
    out.sort_by(|a, b| (b.started_at, &b.id).cmp(&(a.started_at, &a.id)));
    Ok((out, incomplete))
}

/// Read the manifest of backup `id`.
pub async fn read(storage: &Storage, id: &str) -> Result<Manifest> {
    let key = manifest::key(id, MANIFEST);
    let bytes = storage.get_bytes(&key).await?;
    let manifest: Manifest = serde_json::from_slice(&bytes)
        .with_context(|| format!("manifest `{key}` in {} is not valid", storage.describe()))?;
    // The dump must live inside this backup: a manifest never points elsewhere.
    if manifest.id != id
        || !manifest.dump_key.starts_with(&format!("{id}/"))
        || manifest.dump_key.split('/').any(|part| part == "..")
    {
        anyhow::bail!(
            "manifest `{key}` in {} is not valid: id `{}` / dump `{}` do not belong to backup `{id}`",
            storage.describe(),
            manifest.id,
            manifest.dump_key
        );
    }
    Ok(manifest)
}

/// Find `latest` or an id; a usage error (exit 2) when there is no such backup.
pub async fn resolve(storage: &Storage, wanted: &str) -> Result<Manifest> {
    if wanted == "latest" {
        return list(storage).await?.into_iter().next().ok_or_else(|| {
            usage(format!(
                "no backups in {}: run `hctl db backup` first",
                storage.describe()
            ))
        });
    }
    if !manifest::is_id(wanted) {
        return Err(usage(format!(
            "`{wanted}` is not a backup id (expected `latest` or an id like 20261124T100000Z-a1b2c3; see `hctl db backups`)"
        )));
    }
    if storage
        .head(&manifest::key(wanted, MANIFEST))
        .await?
        .is_none()
    {
        return Err(usage(format!(
            "no backup `{wanted}` in {} (see `hctl db backups`)",
            storage.describe()
        )));
    }
    read(storage, wanted).await
}

/// The last verification of backup `id`, if any.
pub async fn verified(storage: &Storage, id: &str) -> Option<VerifyRecord> {
    let bytes = storage.get_bytes(&manifest::key(id, VERIFIED)).await.ok()?;
    serde_json::from_slice(&bytes).ok()
}

/// Record a verification of backup `id`.
pub async fn record_verified(storage: &Storage, id: &str, record: &VerifyRecord) -> Result<()> {
    let bytes = serde_json::to_vec_pretty(record).context("could not encode the verification")?;
    storage
        .put_bytes(&manifest::key(id, VERIFIED), &bytes)
        .await
}
