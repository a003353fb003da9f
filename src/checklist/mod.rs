//! Checklists: the YAML format CI runs as a gate and people tick off.
//!
//! A checklist has a `name`, a `description` and `sections`, each with
//! `items`. An item has a unique, stable `id`, a `title`, a `severity`
//! (critical|warning|info, default critical), an optional `owner` role, `tags`,
//! and either `check:` (automated: one of [`crate::checks::KINDS`], with
//! `timeout`, `retries`, `retry_delay` on the item) or `manual: true`.
//! [`load`] validates everything (unknown keys, duplicate ids, bad durations,
//! unknown kinds, bad templates) and reports the first problems as
//! `file:line:column` before anything runs.

pub mod discover;
mod parse;
pub mod status;
pub mod store;
pub mod template;

use std::path::PathBuf;
use std::time::Duration;

use crate::checks::CheckSpec;
use crate::report::Severity;
use crate::yaml::YamlError;

pub use parse::{load, parse};

/// Default per-attempt timeout of an automated item.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(10);
/// Default pause between attempts.
pub const DEFAULT_RETRY_DELAY: Duration = Duration::from_secs(1);

/// A validated checklist.
#[derive(Debug, Clone)]
pub struct Checklist {
    /// `name:` in the file (what `hctl checklist tick NAME` uses).
    pub name: String,
    pub description: String,
    pub path: PathBuf,
    pub sections: Vec<Section>,
}

#[derive(Debug, Clone)]
pub struct Section {
    pub name: String,
    pub items: Vec<Entry>,
}

/// One item of a checklist.
#[derive(Debug, Clone)]
pub struct Entry {
    pub id: String,
    pub title: String,
    pub description: String,
    pub severity: Severity,
    pub owner: Option<String>,
    pub tags: Vec<String>,
    pub action: Action,
    pub timeout: Duration,
    pub retries: u32,
    pub retry_delay: Duration,
    /// Line of the item's `id:` in the file.
    pub line: u64,
}

/// What deciding an item takes.
#[derive(Debug, Clone)]
pub enum Action {
    /// A person ticks it (`hctl checklist tick`).
    Manual,
    /// A machine checks it.
    Check(Box<CheckSpec>),
    /// Automated, but its template needs a setting this environment lacks
    /// (e.g. `prometheus_url`): reported as skipped, naming the setting.
    NotApplicable { key: String },
}

impl Action {
    /// `manual`, the check kind, or `n/a`.
    pub fn label(&self) -> &'static str {
        match self {
            Action::Manual => "manual",
            Action::Check(spec) => spec.kind(),
            Action::NotApplicable { .. } => "n/a",
        }
    }
}

impl Checklist {
    /// Every item with its section name, in file order.
    pub fn entries(&self) -> impl Iterator<Item = (&str, &Entry)> {
        self.sections
            .iter()
            .flat_map(|s| s.items.iter().map(move |i| (s.name.as_str(), i)))
    }

    pub fn find(&self, id: &str) -> Option<&Entry> {
        self.entries().map(|(_, e)| e).find(|e| e.id == id)
    }
}

/// Several problems in one file, reported together (each `file:line:col`).
#[derive(Debug, Clone)]
pub struct Invalid(pub Vec<YamlError>);

impl std::fmt::Display for Invalid {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let lines: Vec<_> = self.0.iter().map(ToString::to_string).collect();
        f.write_str(&lines.join("\n"))
    }
}

/// Load several checklists; every problem in every file is reported at once
/// (exit 2), and two files may not share a checklist name.
pub fn load_all(
    paths: &[PathBuf],
    lookup: &dyn Fn(&str) -> Option<String>,
) -> anyhow::Result<Vec<Checklist>> {
    let mut errors = Vec::new();
    let mut loaded: Vec<Checklist> = Vec::new();
    for path in paths {
        match load(path, lookup) {
            Ok(c) => {
                if let Some(other) = loaded.iter().find(|o| o.name == c.name) {
                    errors.push(YamlError::at(
                        path,
                        1,
                        1,
                        format!(
                            "checklist name `{}` is also used by `{}`",
                            c.name,
                            other.path.display()
                        ),
                    ));
                }
                loaded.push(c);
            }
            Err(Invalid(errs)) => errors.extend(errs),
        }
    }
    if errors.is_empty() {
        Ok(loaded)
    } else {
        Err(Invalid(errors).into_error())
    }
}

impl Invalid {
    /// A usage error (exit 2) listing every problem.
    pub fn into_error(self) -> anyhow::Error {
        crate::exit::usage(self.to_string())
    }
}
