//! The sign-off report of one checklist (`hctl checklist report`, and the
//! launch page's `/launch-report.md`): its automated checks run now, its
//! manual items decided by their ticks and waivers, ids ticked but no
//! longer in the file listed as skipped; in Markdown, a sign-off table
//! follows. One function, so both places render the same report.

use std::collections::BTreeMap;
use std::time::Instant;

use anyhow::Result;
use chrono::Utc;

use super::{Manual, Observer, Options, Planned, Selection};
use crate::checklist::status::status_of;
use crate::checklist::store::Tick;
use crate::checklist::{Action, Checklist};
use crate::checks::Deps;
use crate::report::{Item, Report, Severity, Status};

/// The table signed on paper under a Markdown sign-off report.
pub const SIGN_OFF: &str = "\n## Sign-off\n\n| Role | Name | Date | Signature |\n|---|---|---|---|\n| Launch Coordinator | | | |\n| Engineering Manager | | | |\n| Product Manager | | | |\n";

/// The items of `c` the report covers: those with any of `tags` (none:
/// all), and with `no_checks` only the manual ones (no automated check runs).
pub fn plan(c: &Checklist, tags: Vec<String>, no_checks: bool) -> Result<Vec<Planned>> {
    let selection = Selection {
        tags,
        ..Selection::default()
    };
    let mut plan = super::select(std::slice::from_ref(c), &selection)?;
    if no_checks {
        plan.retain(|p| matches!(p.entry.action, Action::Manual));
    }
    Ok(plan)
}

/// The report of `c` over `plan`, with its current marks `state`.
pub async fn report(
    c: &Checklist,
    state: &BTreeMap<String, Tick>,
    plan: &[Planned],
    environment: &str,
    deps: &Deps,
    observer: &impl Observer,
) -> Report {
    // Ticks decide manual items; waivers also cover failed automated ones.
    let manual = Manual::Ticks(
        state
            .iter()
            .map(|(id, t)| ((c.name.clone(), id.clone()), t.clone()))
            .collect(),
    );
    let started_at = Utc::now();
    let started = Instant::now();
    let opts = Options {
        concurrency: super::DEFAULT_CONCURRENCY,
        deadline: super::DEFAULT_DEADLINE,
    };
    let mut items = super::run(plan, &opts, deps, &manual, observer).await;
    for r in status_of(c, state).removed {
        items.push(
            Item::new(
                r.item_id.clone(),
                "(item removed from the checklist)",
                Severity::Info,
                Status::Skip,
                std::time::Duration::ZERO,
                format!(
                    "ticked by {} at {}; no longer in the checklist",
                    r.actor,
                    r.at.format("%Y-%m-%d %H:%M UTC")
                ),
            )
            .in_section("removed"),
        );
    }
    Report::new(
        format!("checklist report {}", c.name),
        Some(environment.to_string()),
        started_at,
        started.elapsed(),
        items,
    )
}

/// The Markdown sign-off document: the reports one after the other, then
/// the sign-off table.
pub fn markdown(reports: &[Report]) -> String {
    let mut out = Vec::new();
    for (i, report) in reports.iter().enumerate() {
        if i > 0 {
            out.push(b'\n');
        }
        crate::report::markdown::render(report, &mut out).expect("writing to a Vec cannot fail");
    }
    let mut text = String::from_utf8_lossy(&out).into_owned();
    text.push_str(SIGN_OFF);
    text
}
