//! `hctl db prune`: which backups go, which stay and why (one [`Plan`], shown
//! by `--dry-run` and carried out otherwise), and deleting them safely (the
//! manifest goes first, so a half-deleted backup is simply no longer listed).
//!
//! Retention never keeps a known-bad backup in place of a good one: a backup
//! whose last verification failed never counts toward `--keep` or
//! `--keep-days` (it is deleted); safety backups taken by `hctl db restore` do
//! not count toward `--keep` either (they stay for `--keep-safety-days`); and a
//! prune that would delete backups while leaving no regular backup that is not
//! known-bad is refused.

use anyhow::Result;
use chrono::{DateTime, Utc};
use serde::Serialize;

use super::catalog::{Catalog, Entry, Incomplete};
use super::manifest::{self, DUMP, Kind, MANIFEST, Manifest, VERIFIED};
use crate::storage::Storage;

/// What prune keeps.
#[derive(Debug, Clone)]
pub struct Rules {
    /// The newest this many regular backups that are not known-bad.
    pub keep: usize,
    /// Also regular backups (not known-bad) younger than this many days.
    pub keep_days: Option<u32>,
    /// Safety backups younger than this many days.
    pub keep_safety_days: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    Keep,
    Delete,
}

/// One backup (complete or not) and what prune does with it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Decision {
    pub id: String,
    /// `regular`, `safety`, `incomplete` (no manifest) or `unreadable` (broken manifest).
    pub kind: &'static str,
    pub started_at: Option<DateTime<Utc>>,
    pub size_bytes: u64,
    /// Last verification: `ok`, `failed` or `none`.
    pub verified: &'static str,
    pub action: Action,
    pub reason: String,
}

/// Everything prune would do.
#[derive(Debug, Clone)]
pub struct Plan {
    /// Every backup, newest first.
    pub decisions: Vec<Decision>,
    pub delete: Vec<Manifest>,
    pub delete_incomplete: Vec<Incomplete>,
    /// Why prune must not run, when it must not.
    pub refusal: Option<String>,
}

impl Plan {
    pub fn ids(&self, action: Action, complete: bool) -> Vec<String> {
        self.decisions
            .iter()
            .filter(|d| d.action == action)
            .filter(|d| matches!(d.kind, "regular" | "safety") == complete)
            .map(|d| d.id.clone())
            .collect()
    }
}

fn days(n: u32) -> String {
    if n == 1 {
        "1 day".into()
    } else {
        format!("{n} days")
    }
}

/// Decide every backup of `catalog`; `place` names the storage in the refusal.
pub fn plan(catalog: Catalog, rules: &Rules, now: DateTime<Utc>, place: &str) -> Plan {
    let cutoff = rules
        .keep_days
        .map(|d| now - chrono::Duration::days(i64::from(d)));
    let safety_cutoff = now - chrono::Duration::days(i64::from(rules.keep_safety_days));
    let mut decisions = Vec::new();
    let mut delete = Vec::new();
    let mut good_kept = 0usize;
    for entry in catalog.backups {
        let (action, reason) = decide(&entry, rules, cutoff, safety_cutoff, &mut good_kept);
        decisions.push(Decision {
            id: entry.manifest.id.clone(),
            kind: entry.manifest.kind.as_str(),
            started_at: Some(entry.manifest.started_at),
            size_bytes: entry.manifest.size_bytes,
            verified: match &entry.verified {
                None => "none",
                Some(v) if v.ok => "ok",
                Some(_) => "failed",
            },
            action,
            reason,
        });
        if action == Action::Delete {
            delete.push(entry.manifest);
        }
    }
    for broken in catalog.unreadable {
        decisions.push(Decision {
            started_at: manifest::id_time(&broken.id),
            id: broken.id,
            kind: "unreadable",
            size_bytes: 0,
            verified: "none",
            action: Action::Keep,
            reason: format!("manifest cannot be read, left alone: {}", broken.error),
        });
    }
    let stale_cutoff = now - chrono::Duration::days(1);
    let mut delete_incomplete = Vec::new();
    for entry in catalog.incomplete {
        let started_at = manifest::id_time(&entry.id);
        let stale = started_at.is_some_and(|t| t < stale_cutoff);
        decisions.push(Decision {
            id: entry.id.clone(),
            kind: "incomplete",
            started_at,
            size_bytes: entry.size,
            verified: "none",
            action: if stale { Action::Delete } else { Action::Keep },
            reason: if stale {
                "no manifest (failed or interrupted), started more than a day ago".into()
            } else {
                "no manifest yet: may still be running".into()
            },
        });
        if stale {
            delete_incomplete.push(entry);
        }
    }
    // Newest first, by start time (ids have one-second resolution).
    decisions.sort_by(|a, b| (b.started_at, &b.id).cmp(&(a.started_at, &a.id)));
    let refusal = (!delete.is_empty() && good_kept == 0).then(|| {
        let bad: Vec<String> = decisions
            .iter()
            .filter(|d| d.verified == "failed")
            .map(|d| format!("`{}`", d.id))
            .collect();
        format!(
            "refusing to prune {place}: it would keep no regular backup that is not known-bad \
             (failed verification: {}); take a new backup with `hctl db backup` (and check it with \
             `hctl db verify --backup-id latest`) first",
            if bad.is_empty() {
                "none".to_string()
            } else {
                bad.join(", ")
            }
        )
    });
    Plan {
        decisions,
        delete,
        delete_incomplete,
        refusal,
    }
}

fn decide(
    entry: &Entry,
    rules: &Rules,
    cutoff: Option<DateTime<Utc>>,
    safety_cutoff: DateTime<Utc>,
    good_kept: &mut usize,
) -> (Action, String) {
    let started = entry.manifest.started_at;
    if entry.known_bad() {
        return (
            Action::Delete,
            "its last verification failed: never counts toward --keep or --keep-days".into(),
        );
    }
    if entry.manifest.kind == Kind::Safety {
        let limit = days(rules.keep_safety_days);
        return if started >= safety_cutoff {
            (
                Action::Keep,
                format!(
                    "safety backup (undoes a restore) younger than {limit} (--keep-safety-days)"
                ),
            )
        } else {
            (
                Action::Delete,
                format!("safety backup older than {limit} (--keep-safety-days)"),
            )
        };
    }
    if *good_kept < rules.keep {
        *good_kept += 1;
        let reason = if rules.keep == 1 {
            "the newest backup that is not known-bad (--keep 1)".to_string()
        } else {
            format!(
                "one of the newest {} backups that are not known-bad (--keep)",
                rules.keep
            )
        };
        return (Action::Keep, reason);
    }
    if let (Some(cutoff), Some(d)) = (cutoff, rules.keep_days)
        && started >= cutoff
    {
        *good_kept += 1;
        return (
            Action::Keep,
            format!("younger than {} (--keep-days)", days(d)),
        );
    }
    let mut reason = format!(
        "older than the newest {} backups that are not known-bad",
        rules.keep
    );
    if let Some(d) = rules.keep_days {
        reason.push_str(&format!(" and than {}", days(d)));
    }
    (Action::Delete, reason)
}

/// Delete the objects of incomplete backups and discard their unfinished
/// writes (temp files; S3: abort the uploads).
pub async fn delete_incomplete(storage: &Storage, incomplete: &[Incomplete]) -> Result<()> {
    for entry in incomplete {
        for unfinished in &entry.unfinished {
            storage.discard(unfinished).await?;
        }
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
    use crate::db::catalog::Unreadable;
    use crate::db::catalog::tests::entry_at;

    fn entry(id: &str, hours_ago: i64, now: DateTime<Utc>, kind: Kind, ok: Option<bool>) -> Entry {
        entry_at(id, now - chrono::Duration::hours(hours_ago), kind, ok)
    }

    fn rules(keep: usize, keep_days: Option<u32>) -> Rules {
        Rules {
            keep,
            keep_days,
            keep_safety_days: 7,
        }
    }

    fn run(backups: Vec<Entry>, rules: &Rules, now: DateTime<Utc>) -> (String, String) {
        let plan = plan(
            Catalog {
                backups,
                ..Catalog::default()
            },
            rules,
            now,
            "here",
        );
        assert!(plan.refusal.is_none(), "{:?}", plan.refusal);
        (
            plan.ids(Action::Keep, true).join(","),
            plan.ids(Action::Delete, true).join(","),
        )
    }

    #[test]
    fn keeps_newest_and_young_ones() {
        let now = Utc::now();
        let all = || {
            vec![
                entry("d", 1, now, Kind::Regular, None),
                entry("c", 30, now, Kind::Regular, Some(true)),
                entry("b", 80, now, Kind::Regular, None),
                entry("a", 200, now, Kind::Regular, None),
            ]
        };
        assert_eq!(
            run(all(), &rules(2, None), now),
            ("d,c".into(), "b,a".into())
        );
        assert_eq!(
            run(all(), &rules(1, Some(4)), now),
            ("d,c,b".into(), "a".into())
        );
    }

    #[test]
    fn known_bad_backups_never_count_toward_keep_or_keep_days() {
        let now = Utc::now();
        let backups = vec![
            entry("d", 1, now, Kind::Regular, Some(false)),
            entry("c", 2, now, Kind::Regular, None),
            entry("b", 3, now, Kind::Regular, Some(false)),
            entry("a", 4, now, Kind::Regular, None),
        ];
        assert_eq!(
            run(backups.clone(), &rules(1, None), now),
            ("c".into(), "d,b,a".into())
        );
        assert_eq!(
            run(backups, &rules(1, Some(30)), now),
            ("c,a".into(), "d,b".into())
        );
    }

    #[test]
    fn safety_backups_do_not_count_and_expire_on_their_own() {
        let now = Utc::now();
        let backups = vec![
            entry("d", 1, now, Kind::Safety, None),
            entry("c", 2, now, Kind::Regular, None),
            entry("b", 300, now, Kind::Safety, None),
            entry("a", 400, now, Kind::Regular, None),
        ];
        assert_eq!(
            run(backups, &rules(1, None), now),
            ("d,c".into(), "b,a".into())
        );
    }

    #[test]
    fn refuses_to_leave_no_backup_that_is_not_known_bad() {
        let now = Utc::now();
        let catalog = Catalog {
            backups: vec![
                entry("b", 1, now, Kind::Regular, Some(false)),
                entry("a", 2, now, Kind::Safety, None),
            ],
            ..Catalog::default()
        };
        let plan = plan(catalog, &rules(3, None), now, "directory `x`");
        let refusal = plan.refusal.expect("refused");
        assert!(
            refusal.contains("`b`") && refusal.contains("hctl db backup"),
            "{refusal}"
        );
        // Nothing to delete: nothing to refuse.
        let plan = plan_of(vec![entry("a", 1, now, Kind::Regular, None)], now);
        assert!(plan.refusal.is_none());
    }

    fn plan_of(backups: Vec<Entry>, now: DateTime<Utc>) -> Plan {
        plan(
            Catalog {
                backups,
                ..Catalog::default()
            },
            &rules(1, None),
            now,
            "here",
        )
    }

    #[test]
    fn incomplete_and_unreadable_backups_are_explained() {
        let now = DateTime::parse_from_rfc3339("2026-11-24T10:00:00Z")
            .unwrap()
            .to_utc();
        let incomplete = |id: &str| Incomplete {
            id: id.into(),
            keys: vec![manifest::key(id, DUMP)],
            unfinished: vec![],
            size: 1,
        };
        let catalog = Catalog {
            backups: vec![],
            incomplete: vec![
                incomplete("20261123T090000Z-aaaaaa"),
                incomplete("20261124T090000Z-bbbbbb"),
            ],
            unreadable: vec![Unreadable {
                id: "20261124T093000Z-cccccc".into(),
                error: "not json".into(),
            }],
        };
        let plan = plan(catalog, &rules(1, None), now, "here");
        assert_eq!(
            plan.delete_incomplete,
            [incomplete("20261123T090000Z-aaaaaa")]
        );
        let actions: Vec<(&str, Action)> =
            plan.decisions.iter().map(|d| (d.kind, d.action)).collect();
        assert_eq!(
            actions,
            [
                ("unreadable", Action::Keep),
                ("incomplete", Action::Keep),
                ("incomplete", Action::Delete)
            ]
        );
        assert!(plan.refusal.is_none());
    }
}
