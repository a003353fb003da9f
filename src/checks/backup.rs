//! The `backup` kind: what the backup storage proves about recoverability,
//! read from the objects `hctl db` writes there. The newest good backup's
//! age (`max_age`: a regular backup that is not known-bad, or a pgBackRest
//! set when the environment names a stanza), the newest deep
//! verification's age (`max_verify_age`: `hctl db verify --deep` of a logical
//! backup or a PITR drill, `drills/<id>.json`) and the RTO it measured
//! (`max_rto`, the guide's 15 minutes), and the newest PITR drill's age
//! (`max_drill_age`). A newest verification or drill that failed fails the
//! check: an older success says nothing about today's backups.

use std::time::Duration;

use anyhow::Result;
use chrono::{DateTime, Utc};
use serde::Deserialize;

use super::{Deps, Outcome};
use crate::db::pgbackrest::Pgbackrest;
use crate::db::{human_age, pitr::drill};
use crate::report::Status;
use crate::storage::Storage;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BackupCheck {
    /// Backup storage (`file://DIR` or `s3://BUCKET/PREFIX`; default: the
    /// environment's `storage`).
    #[serde(default)]
    pub storage: Option<String>,
    /// The newest good backup finished within this long (e.g. `26h`).
    #[serde(default, deserialize_with = "crate::duration::optional")]
    pub max_age: Option<Duration>,
    /// The newest deep verification (restore into scratch, timed) within this long.
    #[serde(default, deserialize_with = "crate::duration::optional")]
    pub max_verify_age: Option<Duration>,
    /// That verification's measured restore time at most this (e.g. `15m`).
    #[serde(default, deserialize_with = "crate::duration::optional")]
    pub max_rto: Option<Duration>,
    /// The newest PITR drill (`hctl db pitr-drill`) within this long, and passed.
    #[serde(default, deserialize_with = "crate::duration::optional")]
    pub max_drill_age: Option<Duration>,
}

/// One deep verification: a `verify --deep` or a drill.
#[derive(Debug, Clone, PartialEq)]
struct Deep {
    what: String,
    at: DateTime<Utc>,
    ok: bool,
    rto_ms: Option<u64>,
}

pub async fn run(check: &BackupCheck, deps: &Deps) -> Outcome {
    match inspect(check, deps).await {
        Ok(outcome) => outcome,
        Err(err) => Outcome::error(format!("{err:#}").replace('\n', " ")),
    }
}

async fn inspect(check: &BackupCheck, deps: &Deps) -> Result<Outcome> {
    let storage = match &check.storage {
        Some(url) => Storage::open(url, &deps.s3)?,
        None => Storage::from_settings(&deps.settings)?,
    };
    let catalog = crate::db::catalog::scan(&storage).await?;
    let drills = drill::list(&storage).await?;
    let now = Utc::now();
    let mut facts = Vec::new();
    let mut problems = Vec::new();

    let mut newest_good: Option<(String, DateTime<Utc>)> = catalog
        .backups
        .iter()
        .find(|e| e.manifest.kind == crate::db::manifest::Kind::Regular && !e.known_bad())
        .map(|e| (e.manifest.id.clone(), e.manifest.finished_at));
    // With a pgBackRest stanza, its physical backups count as well.
    if deps.settings.get("pgbackrest.stanza").is_some() {
        let pgbackrest = Pgbackrest::from_settings(&deps.settings, "the `backup` kind")?;
        if let Some(newest) = crate::db::physical::list(&pgbackrest).await?.pop()
            && newest_good
                .as_ref()
                .is_none_or(|(_, at)| newest.finished_at > *at)
        {
            newest_good = Some((format!("physical {}", newest.id), newest.finished_at));
        }
    }
    match (&newest_good, check.max_age) {
        (Some((id, at)), max) => {
            facts.push(format!(
                "newest good backup {id} ({} old)",
                human_age(now - *at)
            ));
            if let Some(max) = max {
                too_old(&mut problems, "newest good backup", id, *at, max, now);
            }
        }
        (None, Some(_)) => problems.push((
            Status::Fail,
            format!(
                "no good backup in {}: run `hctl db backup`",
                storage.describe()
            ),
        )),
        (None, None) => {}
    }

    let mut deep: Vec<Deep> = catalog
        .backups
        .iter()
        .filter_map(|e| {
            let v = e.verified.as_ref().filter(|v| v.deep)?;
            Some(Deep {
                what: format!("deep verification of {}", e.manifest.id),
                at: v.verified_at,
                ok: v.ok,
                rto_ms: v.restore_ms,
            })
        })
        .chain(drills.iter().map(|d| Deep {
            what: format!("PITR drill {} (backup {})", d.id, d.backup),
            at: d.finished_at,
            ok: d.ok,
            rto_ms: Some(d.rto_ms),
        }))
        .collect();
    deep.sort_by_key(|d| std::cmp::Reverse(d.at));
    if check.max_verify_age.is_some() || check.max_rto.is_some() {
        judge_deep(
            check,
            deep.first(),
            now,
            &mut facts,
            &mut problems,
            &storage,
        );
    }

    if let Some(max) = check.max_drill_age {
        match drills.first() {
            None => problems.push((
                Status::Fail,
                format!(
                    "no PITR drill recorded in {}: run `hctl db pitr-drill`",
                    storage.describe()
                ),
            )),
            Some(d) if !d.ok => problems.push((
                Status::Fail,
                format!(
                    "the newest PITR drill {} failed ({})",
                    d.id,
                    failed_checks(d)
                ),
            )),
            Some(d) => {
                facts.push(format!(
                    "PITR drill {} passed {} ago",
                    d.id,
                    human_age(now - d.finished_at)
                ));
                too_old(
                    &mut problems,
                    "newest PITR drill",
                    &d.id,
                    d.finished_at,
                    max,
                    now,
                );
            }
        }
    }
    Ok(Outcome::from_findings(facts.join(", "), problems))
}

fn judge_deep(
    check: &BackupCheck,
    newest: Option<&Deep>,
    now: DateTime<Utc>,
    facts: &mut Vec<String>,
    problems: &mut Vec<(Status, String)>,
    storage: &Storage,
) {
    let Some(d) = newest else {
        problems.push((
            Status::Fail,
            format!(
                "no deep verification in {}: run `hctl db verify --backup-id latest --deep` or `hctl db pitr-drill`",
                storage.describe()
            ),
        ));
        return;
    };
    if !d.ok {
        problems.push((Status::Fail, format!("the newest {} failed", d.what)));
        return;
    }
    let rto = d.rto_ms.map(Duration::from_millis);
    facts.push(match rto {
        Some(rto) => format!("{} passed, RTO {}", d.what, crate::duration::human(rto)),
        None => format!("{} passed", d.what),
    });
    if let Some(max) = check.max_verify_age {
        too_old(
            problems,
            "newest deep verification",
            &d.what,
            d.at,
            max,
            now,
        );
    }
    if let Some(max) = check.max_rto {
        match rto {
            Some(rto) if rto > max => problems.push((
                Status::Fail,
                format!(
                    "the {} measured an RTO of {}, above {}",
                    d.what,
                    crate::duration::human(rto),
                    limit(max)
                ),
            )),
            Some(_) => {}
            None => problems.push((
                Status::Fail,
                format!("the {} measured no restore time", d.what),
            )),
        }
    }
}

fn too_old(
    problems: &mut Vec<(Status, String)>,
    what: &str,
    id: &str,
    at: DateTime<Utc>,
    max: Duration,
    now: DateTime<Utc>,
) {
    let allowed = chrono::Duration::from_std(max).unwrap_or(chrono::Duration::MAX);
    if now - at > allowed {
        problems.push((
            Status::Fail,
            format!(
                "{what} ({id}) is {} old, more than {}",
                human_age(now - at),
                limit(max)
            ),
        ));
    }
}

/// A limit as written: `15m`, `26h`, `7d 0h`.
fn limit(d: Duration) -> String {
    human_age(chrono::Duration::from_std(d).unwrap_or(chrono::Duration::MAX))
}

fn failed_checks(d: &drill::Evidence) -> String {
    let failed: Vec<String> = d
        .checks
        .iter()
        .filter(|c| !c.ok)
        .map(|c| format!("{}: {}", c.id, c.detail))
        .collect();
    failed.join("; ")
}
