//! `hctl preflight --record`: each run's report kept in the environment's
//! database (table `hctl_preflight_runs`, created by the tick store's schema,
//! `checklist::schema`), one row per checklist, so the launch page
//! (`dashboard`) shows the latest run of every checklist and when it ran.
//! Rows are only inserted; the report is the one result model
//! (`report::Report`), stored as its JSON.

use anyhow::{Context, Result};
use chrono::{DateTime, Utc};
use serde::Serialize;
use sqlx::FromRow;

use super::Planned;
use crate::checklist::store::Store;
use crate::on_pool;
use crate::report::{Item, Report};

const INSERT: &str = "INSERT INTO hctl_preflight_runs (checklist, environment, started_at, report) VALUES ($1, $2, $3, $4)";
const LATEST: &str = "SELECT r.id, r.checklist, r.started_at, r.report FROM hctl_preflight_runs r
    WHERE r.environment = $1 AND r.id = (SELECT MAX(l.id) FROM hctl_preflight_runs l
        WHERE l.environment = r.environment AND l.checklist = r.checklist)
    ORDER BY r.checklist";

/// The latest recorded run of one checklist.
#[derive(Debug, Clone, Serialize)]
pub struct Recorded {
    pub id: i64,
    pub checklist: String,
    pub started_at: DateTime<Utc>,
    pub report: Report,
}

struct Row {
    id: i64,
    checklist: String,
    started_at: DateTime<Utc>,
    report: String,
}
crate::from_row!(Row {
    id,
    checklist,
    started_at,
    report
});

/// Split a run's report by checklist: `items` are in `plan` order (as
/// `preflight::run` returns them).
pub fn by_checklist(report: &Report, plan: &[Planned]) -> Vec<(String, Report)> {
    let mut groups: Vec<(String, Vec<Item>)> = Vec::new();
    for (planned, item) in plan.iter().zip(&report.items) {
        match groups
            .iter_mut()
            .find(|(name, _)| *name == planned.checklist)
        {
            Some((_, items)) => items.push(item.clone()),
            None => groups.push((planned.checklist.clone(), vec![item.clone()])),
        }
    }
    groups
        .into_iter()
        .map(|(name, items)| {
            let one = Report::new(
                format!("preflight {name}"),
                report.environment.clone(),
                report.started_at,
                std::time::Duration::from_millis(report.duration_ms),
                items,
            );
            (name, one)
        })
        .collect()
}

/// Keep a run: one row per checklist it covered.
pub async fn save(
    store: &Store,
    environment: &str,
    report: &Report,
    plan: &[Planned],
) -> Result<usize> {
    let parts = by_checklist(report, plan);
    for (checklist, part) in &parts {
        let json = serde_json::to_string(part).context("cannot serialise the report")?;
        on_pool!(store.db(), pool => sqlx::query(INSERT)
            .bind(checklist)
            .bind(environment)
            .bind(part.started_at)
            .bind(&json)
            .execute(pool)
            .await
            .map(|_| ()))
        .with_context(|| format!("cannot record the preflight run of `{checklist}`"))?;
    }
    Ok(parts.len())
}

/// The latest recorded run of each checklist of `environment`, by name.
pub async fn latest(store: &Store, environment: &str) -> Result<Vec<Recorded>> {
    let rows = on_pool!(store.db(), pool => sqlx::query(LATEST)
        .bind(environment)
        .fetch_all(pool)
        .await
        .map(|rows| rows.iter().map(Row::from_row).collect::<Result<Vec<_>, _>>()));
    let rows = rows
        .and_then(|r| r)
        .context("cannot read the recorded preflight runs")?;
    rows.into_iter()
        .map(|r| {
            let report = serde_json::from_str(&r.report).with_context(|| {
                format!(
                    "recorded preflight run {} of `{}` is not a report",
                    r.id, r.checklist
                )
            })?;
            Ok(Recorded {
                id: r.id,
                checklist: r.checklist,
                started_at: r.started_at,
                report,
            })
        })
        .collect()
}
