//! `hctl preflight`'s engine: select checklist items (`--tag`, `--only`,
//! `--exclude`), then run the automated ones concurrently (bounded), each
//! attempt under its own timeout, with retries, all inside one overall
//! deadline; manual items pass only when ticked. Every attempt is recorded in
//! the resulting report items.

pub mod record;
mod runner;
pub mod signoff;

use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

use anyhow::Result;

use crate::checklist::store::Tick;
use crate::checklist::{Checklist, Entry};
use crate::checks::Deps;
use crate::config::Settings;
use crate::exit::UsageError;
use crate::s3::S3Target;

pub use runner::{Observer, Options, run, run_item};

/// `{{ env.KEY }}` lookups from the selected environment.
pub fn lookup(settings: &Settings) -> impl Fn(&str) -> Option<String> + '_ {
    |key| settings.get(key).map(str::to_string)
}

/// What checks need from the settings.
pub fn deps(settings: &Settings) -> Deps {
    Deps {
        s3: S3Target::from_settings(settings),
        latest_schema: Some(crate::store::migrate::latest_known()),
        settings: settings.clone(),
    }
}

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

/// Ticks and waivers by (checklist, item id).
pub type Marks = BTreeMap<(String, String), Tick>;

/// Manual items' state and every item's waiver: marks by (checklist, item
/// id), or why they are unknown.
#[derive(Debug, Clone)]
pub enum Manual {
    /// `--skip-manual`: manual items are skipped; the marks (if read) still
    /// waive failed automated items.
    Skip(Marks),
    Ticks(Marks),
    /// The database could not be read: manual items error with this reason.
    Unknown(String),
}

impl Manual {
    /// The current tick or waiver of a planned item, when known.
    pub fn mark(&self, planned: &Planned) -> Option<&Tick> {
        match self {
            Manual::Skip(marks) | Manual::Ticks(marks) => {
                marks.get(&(planned.checklist.clone(), planned.entry.id.clone()))
            }
            _ => None,
        }
    }
}

/// Pick the items to run. A selector that matches nothing is a usage error
/// naming it: an id in `--only`/`--exclude` or a `--tag` that no item of the
/// selected checklists has, and a combination that leaves no item at all. A
/// typo must never turn into a green gate that checked nothing.
pub fn select(checklists: &[Checklist], sel: &Selection) -> Result<Vec<Planned>> {
    let names = checklists
        .iter()
        .map(|c| format!("`{}`", c.name))
        .collect::<Vec<_>>()
        .join(", ");
    let known: BTreeSet<&str> = checklists
        .iter()
        .flat_map(|c| c.entries().map(|(_, e)| e.id.as_str()))
        .collect();
    for (flag, id) in sel
        .only
        .iter()
        .map(|id| ("--only", id))
        .chain(sel.exclude.iter().map(|id| ("--exclude", id)))
    {
        if !known.contains(id.as_str()) {
            return Err(UsageError::new(format!(
                "{flag} {id}: no item `{id}` in the selected checklists ({names})"
            ))
            .into());
        }
    }
    let tags: BTreeSet<&str> = checklists
        .iter()
        .flat_map(|c| {
            c.entries()
                .flat_map(|(_, e)| e.tags.iter().map(String::as_str))
        })
        .collect();
    for tag in &sel.tags {
        if !tags.contains(tag.as_str()) {
            let known = tags.iter().copied().collect::<Vec<_>>().join(", ");
            return Err(UsageError::new(format!(
                "--tag {tag}: no item of {names} has tag `{tag}` (tags in use: {})",
                if known.is_empty() { "none" } else { &known }
            ))
            .into());
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
    if plan.is_empty() {
        return Err(UsageError::new(format!(
            "the selection {} matches no item of {names}",
            sel.describe()
        ))
        .into());
    }
    Ok(plan)
}

impl Selection {
    /// The selectors as given on the command line, for messages.
    fn describe(&self) -> String {
        let flags: Vec<String> = [
            ("--tag", &self.tags),
            ("--only", &self.only),
            ("--exclude", &self.exclude),
        ]
        .into_iter()
        .flat_map(|(flag, values)| values.iter().map(move |v| format!("{flag} {v}")))
        .collect();
        if flags.is_empty() {
            "(every item)".into()
        } else {
            format!("({})", flags.join(" "))
        }
    }
}

/// The overall deadline's default.
pub const DEFAULT_DEADLINE: Duration = Duration::from_secs(300);
/// Default number of checks in flight.
pub const DEFAULT_CONCURRENCY: usize = 128;
