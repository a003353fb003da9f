//! Checklists: the YAML format CI runs as a gate and people tick off.
//!
//! A checklist has a `name`, a `description` and `sections`, each with
//! `items`. An item has a unique, stable `id`, a `title`, a `severity`
//! (critical|warning|info, default critical), an optional `owner` role, `tags`,
//! and either `check:` (automated: one of [`crate::checks::KINDS`], with
//! `timeout`, `retries`, `retry_delay` on the item) or `manual: true` (with
//! an optional `valid_for: 7d`, after which a tick no longer counts).
//! [`load`] validates everything (unknown keys, duplicate ids, bad durations,
//! unknown kinds, bad templates) and reports the first problems as
//! `file:line:column` before anything runs. [`discover`] finds them: shipped
//! in the binary, overridden or added to by the project's directory.

pub mod discover;
pub mod evidence;
mod parse;
mod schema;
pub mod standing;
pub mod status;
pub mod store;
pub mod template;

use std::path::PathBuf;
use std::time::Duration;

use crate::checks::CheckSpec;
use crate::exit::UsageError;
use crate::report::Severity;
use crate::shipped::{Origin, Source};
use crate::yaml::YamlError;

pub use parse::{load, parse};

/// Default per-attempt timeout of an automated item.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(10);
/// What an item whose check runs for a set time (a load test) gets beyond
/// it when it sets no `timeout`.
pub const RUN_GRACE: Duration = Duration::from_secs(30);
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
    /// Manual items: how long a tick counts (`valid_for: 7d`); none: for good.
    pub valid_for: Option<Duration>,
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

/// Read and validate one checklist, shipped or on disk; errors name
/// `source.path` (`<shipped>/pre-launch.yaml:LINE:COL` for a shipped one).
pub fn load_source(
    source: &Source,
    lookup: &dyn Fn(&str) -> Option<String>,
) -> Result<Checklist, Invalid> {
    let text = source.text().map_err(|e| Invalid(vec![e]))?;
    parse(&text, &source.path, lookup)
}

/// Load several checklists, in the order given; every problem in every file
/// is reported at once (exit 2), and two files may not share a checklist name.
pub fn load_all(
    sources: &[Source],
    lookup: &dyn Fn(&str) -> Option<String>,
) -> anyhow::Result<Vec<Checklist>> {
    let mut errors = Vec::new();
    let mut loaded: Vec<(&Source, Checklist)> = Vec::new();
    for source in sources {
        match load_source(source, lookup) {
            Ok(c) => {
                if let Some((other, _)) = loaded.iter().find(|(_, o)| o.name == c.name) {
                    errors.push(same_name(&c.name, source, other));
                }
                loaded.push((source, c));
            }
            Err(Invalid(errs)) => errors.extend(errs),
        }
    }
    if errors.is_empty() {
        Ok(loaded.into_iter().map(|(_, c)| c).collect())
    } else {
        Err(Invalid(errors).into_error())
    }
}

/// Two files with one checklist name, reported at the project's file (where
/// to act), with how to replace a shipped checklist when one of them is.
fn same_name(name: &str, a: &Source, b: &Source) -> YamlError {
    let (here, there) = match a.origin {
        Origin::Shipped(_) => (b, a),
        Origin::File => (a, b),
    };
    let hint = match there.origin {
        Origin::Shipped(_) => {
            format!(" (to replace the shipped checklist, name the project's file `{name}.yaml`)")
        }
        Origin::File => String::new(),
    };
    YamlError::at(
        &here.path,
        1,
        1,
        format!(
            "checklist name `{name}` is also used by `{}`{hint}",
            there.path.display()
        ),
    )
}

impl Invalid {
    /// A usage error (exit 2) listing every problem.
    pub fn into_error(self) -> anyhow::Error {
        UsageError::list(self.0.iter().map(ToString::to_string).collect()).into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::shipped::{Origin, Source};

    #[test]
    fn errors_in_a_shipped_checklist_name_it_by_its_shipped_path() {
        let source = Source {
            name: "broken".into(),
            path: PathBuf::from("<shipped>/broken.yaml"),
            origin: Origin::Shipped(
                "name: broken\nsections:\n  - name: s\n    items:\n      - id: a\n        title: t\n        timeout: 5x\n        check: { kind: command, shell: 'true' }\n",
            ),
            overrides: false,
        };
        let err = load_all(&[source], &|_| None).unwrap_err().to_string();
        assert!(
            err.starts_with("<shipped>/broken.yaml:7:18: invalid duration `5x`"),
            "{err}"
        );
    }
}
