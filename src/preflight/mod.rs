//! `hctl preflight`'s engine: select checklist items (`--tag`, `--only`,
//! `--exclude`), then run the automated ones concurrently (bounded), each
//! attempt under its own timeout, with retries, all inside one overall
//! deadline; manual items pass only when ticked. Every attempt is recorded in
//! the resulting report items.

mod runner;

use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

use anyhow::Result;

use crate::checklist::store::Tick;
use crate::checklist::{Checklist, Entry};
use crate::exit::usage;

pub use runner::{Options, run, run_item};

/// One selected item with where it came from.
#[derive(Debug, Clone)]
pub struct Planned {
    pub checklist: String,
    /// Section as shown in reports (prefixed with the checklist when several run).
    pub section: String,
    pub entry: Entry,
}

/// `--tag`, `--only`, `--exclude`.
#[derive(Debug, Clone, Default)]
pub struct Selection {
    /// Items with any of these tags (none: every item).
    pub tags: Vec<String>,
    /// Only these ids (none: every item).
    pub only: Vec<String>,
    pub exclude: Vec<String>,
}

/// Manual items' state: ticks by (checklist, item id), or why they are unknown.
#[derive(Debug, Clone)]
pub enum Manual {
    /// `--skip-manual`.
    Skip,
    Ticks(BTreeMap<(String, String), Tick>),
    /// The database could not be read: manual items error with this reason.
    Unknown(String),
}

/// Pick the items to run. An id in `--only`/`--exclude` that no checklist
/// has is a usage error (a typo must not silently run nothing).
pub fn select(checklists: &[Checklist], sel: &Selection) -> Result<Vec<Planned>> {
    let known: BTreeSet<&str> = checklists
        .iter()
        .flat_map(|c| c.entries().map(|(_, e)| e.id.as_str()))
        .collect();
    for id in sel.only.iter().chain(&sel.exclude) {
        if !known.contains(id.as_str()) {
            return Err(usage(format!("no item `{id}` in the selected checklists")));
        }
    }
    let several = checklists.len() > 1;
    let mut plan = Vec::new();
    for checklist in checklists {
        for (section, entry) in checklist.entries() {
            let tagged = sel.tags.is_empty() || entry.tags.iter().any(|t| sel.tags.contains(t));
            let only = sel.only.is_empty() || sel.only.contains(&entry.id);
            if tagged && only && !sel.exclude.contains(&entry.id) {
                plan.push(Planned {
                    checklist: checklist.name.clone(),
                    section: if several {
                        format!("{}: {section}", checklist.name)
                    } else {
                        section.to_string()
                    },
                    entry: entry.clone(),
                });
            }
        }
    }
    Ok(plan)
}

/// The overall deadline's default.
pub const DEFAULT_DEADLINE: Duration = Duration::from_secs(300);
/// Default number of checks in flight.
pub const DEFAULT_CONCURRENCY: usize = 128;
