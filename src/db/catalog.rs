//! The catalog of backups in a storage: a backup exists only when its manifest
//! does (the manifest is written last), so a failed or interrupted backup is
//! never listed and never becomes `latest`.
//!
//! `latest` means the newest *regular* backup that is not known-bad (its last
//! `hctl db verify` failed): safety backups taken by `hctl db restore` are never
//! picked by accident, a failed backup is passed over and named, and a newer
//! backup whose manifest cannot be read stops the choice instead of being
//! silently skipped (the caller must pass an explicit id).

use anyhow::{Context, Result};

use super::manifest::{self, Kind, MANIFEST, Manifest, VERIFIED, VerifyRecord};
use crate::exit::UsageError;
use crate::storage::{Storage, Unfinished};

/// A complete backup and its last verification, if any.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    pub manifest: Manifest,
    pub verified: Option<VerifyRecord>,
}

impl Entry {
    /// Its last verification failed: it must not be trusted or counted.
    pub fn known_bad(&self) -> bool {
        self.verified.as_ref().is_some_and(|v| !v.ok)
    }

    /// `` `ID` (verification failed 2026-11-24 10:00 UTC) `` for messages.
    pub fn failed_text(&self) -> String {
        match &self.verified {
            Some(v) if !v.ok => format!(
                "`{}` (verification failed {})",
                self.manifest.id,
                v.verified_at.format("%Y-%m-%d %H:%M UTC")
            ),
            _ => format!("`{}`", self.manifest.id),
        }
    }
}

/// Objects of a backup that never got its manifest (failed, interrupted, or
/// still running), and its writes that never finished (a killed hctl's temp
/// file or open multipart upload): not usable, never listed as a backup.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Incomplete {
    pub id: String,
    pub keys: Vec<String>,
    pub unfinished: Vec<Unfinished>,
    pub size: u64,
}

/// A backup whose manifest exists but cannot be read or is not valid.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unreadable {
    pub id: String,
    pub error: String,
}

/// Everything in a storage.
#[derive(Debug, Clone, Default)]
pub struct Catalog {
    /// Complete backups, newest first.
    pub backups: Vec<Entry>,
    /// Backups without a manifest, oldest first.
    pub incomplete: Vec<Incomplete>,
    /// Backups with a broken manifest, oldest first.
    pub unreadable: Vec<Unreadable>,
}

/// What `latest` resolved to.
#[derive(Debug, Clone)]
pub struct Latest {
    pub entry: Entry,
    /// Newer regular backups passed over because they are known-bad, newest first.
    pub skipped: Vec<Entry>,
}

impl Latest {
    /// "newer backup(s) failed their last verification: …", when any did.
    pub fn passed_over(&self) -> Option<String> {
        if self.skipped.is_empty() {
            return None;
        }
        let names: Vec<String> = self.skipped.iter().map(Entry::failed_text).collect();
        Some(format!(
            "`latest` is `{}`, the newest backup that is not known-bad: passed over newer {}",
            self.entry.manifest.id,
            names.join(", ")
        ))
    }
}

/// A backup chosen by `--backup-id`.
#[derive(Debug, Clone)]
pub struct Resolved {
    pub manifest: Manifest,
    /// For `latest`: the known-bad newer backups passed over (see [`Latest`]).
    pub passed_over: Option<String>,
}

/// Read everything in `storage`: complete backups with their verification,
/// incomplete ones, and those whose manifest is broken.
pub async fn scan(storage: &Storage) -> Result<Catalog> {
    let objects = storage.list("").await?;
    let keys: std::collections::HashSet<&str> = objects.iter().map(|o| o.key.as_str()).collect();
    let complete: std::collections::HashSet<&str> = objects
        .iter()
        .filter_map(|o| o.key.strip_suffix(&format!("/{MANIFEST}")))
        .collect();
    let mut catalog = Catalog::default();
    for object in &objects {
        let Some((id, _)) = object.key.split_once('/') else {
            continue;
        };
        if !manifest::is_id(id) || complete.contains(id) {
            continue;
        }
        let entry = incomplete(&mut catalog, id);
        entry.keys.push(object.key.clone());
        entry.size += object.size;
    }
    for unfinished in storage.unfinished().await? {
        let Some((id, _)) = unfinished.key.split_once('/') else {
            continue;
        };
        if !manifest::is_id(id) || complete.contains(id) {
            continue;
        }
        let entry = incomplete(&mut catalog, id);
        entry.size += unfinished.size;
        entry.unfinished.push(unfinished);
    }
    catalog.incomplete.sort_by(|a, b| a.id.cmp(&b.id));
    for object in &objects {
        let Some(id) = object.key.strip_suffix(&format!("/{MANIFEST}")) else {
            continue;
        };
        if !manifest::is_id(id) {
            continue;
        }
        match read(storage, id).await {
            Ok(manifest) => {
                let verified = if keys.contains(manifest::key(id, VERIFIED).as_str()) {
                    verified(storage, id).await
                } else {
                    None
                };
                catalog.backups.push(Entry { manifest, verified });
            }
            Err(err) => {
                tracing::warn!("backup `{id}` has an unreadable manifest: {err:#}");
                catalog.unreadable.push(Unreadable {
                    id: id.to_string(),
                    error: format!("{err:#}"),
                });
            }
        }
    }
    // Ids have one-second resolution; the start time breaks ties.
    catalog.backups.sort_by(|a, b| {
        let key = |e: &Entry| (e.manifest.started_at, e.manifest.id.clone());
        key(b).cmp(&key(a))
    });
    Ok(catalog)
}

/// The incomplete backup `id` of `catalog`, added when new.
fn incomplete<'a>(catalog: &'a mut Catalog, id: &str) -> &'a mut Incomplete {
    let at = match catalog.incomplete.iter().position(|i| i.id == id) {
        Some(at) => at,
        None => {
            catalog.incomplete.push(Incomplete {
                id: id.to_string(),
                keys: Vec::new(),
                unfinished: Vec::new(),
                size: 0,
            });
            catalog.incomplete.len() - 1
        }
    };
    &mut catalog.incomplete[at]
}

impl Catalog {
    /// The newest regular backup that is not known-bad. A usage error (exit 2)
    /// when there is none, or when a backup at least as new has an unreadable
    /// manifest: then nobody knows what `latest` is, and the user must choose.
    pub fn latest(&self, storage: &Storage) -> Result<Latest> {
        let regular = self
            .backups
            .iter()
            .filter(|e| e.manifest.kind == Kind::Regular);
        let mut skipped = Vec::new();
        let mut chosen = None;
        for entry in regular {
            if entry.known_bad() {
                skipped.push(entry.clone());
            } else {
                chosen = Some(entry.clone());
                break;
            }
        }
        let newest_unreadable = self
            .unreadable
            .iter()
            .filter(|u| match &chosen {
                Some(entry) => manifest::id_time(&u.id) >= manifest::id_time(&entry.manifest.id),
                None => true,
            })
            .max_by(|a, b| a.id.cmp(&b.id));
        if let Some(broken) = newest_unreadable {
            return Err(UsageError::new(format!(
                "backup `{}` in {} is newer than any usable backup but its manifest cannot be read ({}): \
                 refusing to pick an older backup as `latest`; pass an explicit --backup-id (see `hctl db backups`)",
                broken.id,
                storage.describe(),
                broken.error
            )).into());
        }
        match chosen {
            Some(entry) => Ok(Latest { entry, skipped }),
            None if !skipped.is_empty() => {
                let names: Vec<String> = skipped.iter().map(Entry::failed_text).collect();
                Err(UsageError::new(format!(
                    "no usable backup in {}: every regular backup is known-bad ({}); \
                     take a new one with `hctl db backup`, or pass an explicit --backup-id",
                    storage.describe(),
                    names.join(", ")
                )).into())
            }
            None if !self.backups.is_empty() => Err(UsageError::new(format!(
                "no regular backups in {}: it holds only safety backups, which `latest` never picks; \
                 pass one's id explicitly (see `hctl db backups`) or run `hctl db backup`",
                storage.describe()
            )).into()),
            None => Err(UsageError::new(format!(
                "no backups in {}: run `hctl db backup` first",
                storage.describe()
            )).into()),
        }
    }
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

/// Find `latest` (see [`Catalog::latest`]) or an id; a usage error (exit 2)
/// when there is no such backup.
pub async fn resolve(storage: &Storage, wanted: &str) -> Result<Resolved> {
    if wanted == "latest" {
        let latest = scan(storage).await?.latest(storage)?;
        return Ok(Resolved {
            passed_over: latest.passed_over(),
            manifest: latest.entry.manifest,
        });
    }
    if !manifest::is_id(wanted) {
        return Err(UsageError::new(format!(
            "`{wanted}` is not a backup id (expected `latest` or an id like 20261124T100000Z-a1b2c3; see `hctl db backups`)"
        )).into());
    }
    if storage
        .head(&manifest::key(wanted, MANIFEST))
        .await?
        .is_none()
    {
        return Err(UsageError::new(format!(
            "no backup `{wanted}` in {} (see `hctl db backups`)",
            storage.describe()
        ))
        .into());
    }
    Ok(Resolved {
        manifest: read(storage, wanted).await?,
        passed_over: None,
    })
}

/// The last verification of backup `id`, if any (an unreadable record is
/// logged and counts as none).
pub async fn verified(storage: &Storage, id: &str) -> Option<VerifyRecord> {
    let key = manifest::key(id, VERIFIED);
    let parsed = match storage.get_bytes(&key).await {
        Ok(bytes) => serde_json::from_slice(&bytes).map_err(anyhow::Error::from),
        Err(err) => Err(err),
    };
    parsed
        .inspect_err(|err| tracing::warn!("ignoring `{key}`: {err:#}"))
        .ok()
}

/// Record a verification of backup `id`.
pub async fn record_verified(storage: &Storage, id: &str, record: &VerifyRecord) -> Result<()> {
    let bytes = serde_json::to_vec_pretty(record).context("could not encode the verification")?;
    storage
        .put_bytes(&manifest::key(id, VERIFIED), &bytes)
        .await
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use chrono::{DateTime, Utc};

    /// A backup started at `at`, last verified `ok` (or never).
    pub(crate) fn entry_at(id: &str, at: DateTime<Utc>, kind: Kind, ok: Option<bool>) -> Entry {
        Entry {
            manifest: Manifest {
                id: id.into(),
                backend: "postgres".into(),
                started_at: at,
                finished_at: at,
                server_version: "16".into(),
                schema_version: 1,
                size_bytes: 1,
                sha256: String::new(),
                tables: vec![],
                note: None,
                dump_key: manifest::key(id, manifest::DUMP),
                kind,
            },
            verified: ok.map(|ok| VerifyRecord {
                verified_at: at,
                ok,
                deep: false,
                restore_ms: None,
            }),
        }
    }

    fn entry(id: &str, kind: Kind, ok: Option<bool>) -> Entry {
        entry_at(id, manifest::id_time(id).unwrap(), kind, ok)
    }

    fn storage() -> Storage {
        let target = crate::s3::S3Target {
            endpoint: None,
            region: "us-east-1".into(),
            force_path_style: false,
        };
        Storage::open("file:///nowhere", &target).unwrap()
    }

    const OLD: &str = "20261124T080000Z-aaaaaa";
    const MID: &str = "20261124T090000Z-bbbbbb";
    const NEW: &str = "20261124T100000Z-cccccc";

    fn catalog(backups: Vec<Entry>) -> Catalog {
        Catalog {
            backups,
            ..Catalog::default()
        }
    }

    #[test]
    fn latest_passes_over_known_bad_and_safety_backups() {
        let c = catalog(vec![
            entry(NEW, Kind::Safety, None),
            entry(MID, Kind::Regular, Some(false)),
            entry(OLD, Kind::Regular, Some(true)),
        ]);
        let latest = c.latest(&storage()).unwrap();
        assert_eq!(latest.entry.manifest.id, OLD);
        let said = latest.passed_over().unwrap();
        assert!(said.contains(MID) && said.contains("failed"), "{said}");
        assert!(!said.contains(NEW), "{said}");

        let c = catalog(vec![entry(NEW, Kind::Regular, None)]);
        assert!(c.latest(&storage()).unwrap().passed_over().is_none());
    }

    #[test]
    fn latest_refuses_without_a_usable_backup() {
        let exit = |c: Catalog| {
            let err = c.latest(&storage()).unwrap_err();
            (crate::exit::classify(&err).0, err.to_string())
        };
        let (code, text) = exit(catalog(vec![entry(MID, Kind::Regular, Some(false))]));
        assert_eq!(code, crate::exit::Exit::Usage);
        assert!(text.contains("known-bad") && text.contains(MID), "{text}");
        let (_, text) = exit(catalog(vec![entry(MID, Kind::Safety, None)]));
        assert!(text.contains("only safety backups"), "{text}");
        let (_, text) = exit(catalog(vec![]));
        assert!(text.contains("no backups"), "{text}");
    }

    #[test]
    fn latest_never_skips_a_newer_unreadable_manifest() {
        let mut c = catalog(vec![entry(OLD, Kind::Regular, None)]);
        c.unreadable.push(Unreadable {
            id: NEW.into(),
            error: "not json".into(),
        });
        let text = c.latest(&storage()).unwrap_err().to_string();
        assert!(text.contains(NEW) && text.contains("--backup-id"), "{text}");
        // An older broken manifest does not matter.
        let mut c = catalog(vec![entry(NEW, Kind::Regular, None)]);
        c.unreadable.push(Unreadable {
            id: OLD.into(),
            error: "not json".into(),
        });
        assert_eq!(c.latest(&storage()).unwrap().entry.manifest.id, NEW);
    }
}
