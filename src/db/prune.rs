//! `hctl db prune`: which backups to delete, and deleting them safely (the
//! manifest goes first, so a half-deleted backup is simply no longer listed).

use anyhow::Result;
use chrono::{DateTime, Utc};

use super::catalog::Incomplete;
use super::manifest::{self, DUMP, MANIFEST, Manifest, VERIFIED};
use crate::storage::Storage;

/// Split `backups` (newest first) into (kept, deleted): the newest `keep` are
/// kept, and with `keep_days` so is every backup younger than that.
pub fn select(
    backups: Vec<Manifest>,
    keep: usize,
    keep_days: Option<u32>,
    now: DateTime<Utc>,
) -> (Vec<Manifest>, Vec<Manifest>) {
    let cutoff = keep_days.map(|d| now - chrono::Duration::days(i64::from(d)));
    let (mut kept, mut deleted) = (Vec::new(), Vec::new());
    for (i, backup) in backups.into_iter().enumerate() {
        if i < keep || cutoff.is_some_and(|c| backup.started_at >= c) {
            kept.push(backup);
        } else {
            deleted.push(backup);
        }
    }
    (kept, deleted)
}

/// Incomplete backups (no manifest) old enough that no backup can still be
/// writing them: started more than a day ago.
pub fn stale(incomplete: Vec<Incomplete>, now: DateTime<Utc>) -> Vec<Incomplete> {
    let cutoff = now - chrono::Duration::days(1);
    incomplete
        .into_iter()
        .filter(|i| manifest::id_time(&i.id).is_some_and(|t| t < cutoff))
        .collect()
}

/// Delete the objects of incomplete backups.
pub async fn delete_incomplete(storage: &Storage, incomplete: &[Incomplete]) -> Result<()> {
    for entry in incomplete {
        for key in &entry.keys {
            storage.delete(key).await?;
        }
    }
    Ok(())
}

/// Delete backups: manifest first (no longer listed), then the data.
pub async fn delete(storage: &Storage, backups: &[Manifest]) -> Result<()> {
    for backup in backups {
        storage.delete(&manifest::key(&backup.id, MANIFEST)).await?;
        storage.delete(&backup.dump_key).await?;
        storage.delete(&manifest::key(&backup.id, VERIFIED)).await?;
        if backup.dump_key != manifest::key(&backup.id, DUMP) {
            storage.delete(&manifest::key(&backup.id, DUMP)).await?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn backup(id: &str, hours_ago: i64, now: DateTime<Utc>) -> Manifest {
        let at = now - chrono::Duration::hours(hours_ago);
        Manifest {
            id: id.into(),
            backend: "postgres".into(),
            started_at: at,
            finished_at: at,
            server_version: "15".into(),
            schema_version: 1,
            size_bytes: 1,
            sha256: String::new(),
            tables: vec![],
            note: None,
            dump_key: manifest::key(id, DUMP),
        }
    }

    #[test]
    fn keeps_newest_and_young_ones() {
        let now = Utc::now();
        let all = || {
            vec![
                backup("d", 1, now),
                backup("c", 30, now),
                backup("b", 80, now),
                backup("a", 200, now),
            ]
        };
        let ids = |v: Vec<Manifest>| {
            v.into_iter()
                .map(|m| m.id)
                .collect::<Vec<String>>()
                .join(",")
        };
        let (kept, deleted) = select(all(), 2, None, now);
        assert_eq!(
            (ids(kept), ids(deleted)),
            ("d,c".to_string(), "b,a".to_string())
        );
        let (kept, deleted) = select(all(), 1, Some(4), now);
        assert_eq!(
            (ids(kept), ids(deleted)),
            ("d,c,b".to_string(), "a".to_string())
        );
        let (kept, deleted) = select(all(), 0, None, now);
        assert_eq!((kept.len(), deleted.len()), (0, 4));
    }

    #[test]
    fn only_day_old_incomplete_backups_are_stale() {
        let now = DateTime::parse_from_rfc3339("2026-11-24T10:00:00Z")
            .unwrap()
            .to_utc();
        let entry = |id: &str| Incomplete {
            id: id.into(),
            keys: vec![manifest::key(id, DUMP)],
            size: 1,
        };
        let stale = stale(
            vec![
                entry("20261123T090000Z-aaaaaa"),
                entry("20261124T090000Z-bbbbbb"),
            ],
            now,
        );
        assert_eq!(stale, [entry("20261123T090000Z-aaaaaa")]);
    }
}
