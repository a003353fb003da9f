//! The one result model every checking command produces, rendered many ways.
//!
//! Preflight, `verify`, `config validate`, `db health` and checklist reports are
//! all a [`Report`]; the table, JSON, JUnit and Markdown views in the submodules
//! are pure functions of it, so the formats can never disagree.

mod json;
mod junit;
pub(crate) mod markdown;
mod observatory;
mod table;

use std::io::Write;
use std::time::Duration;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::output::{Format, Style};

pub use observatory::{Observatory, TestResult};

/// How much a failing item matters. Ordered: `Info < Warning < Critical`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    Info,
    Warning,
    Critical,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Critical => "critical",
        }
    }
}

/// The outcome of one item.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Checked and fine.
    Pass,
    /// Checked; works, but something deserves attention (e.g. a certificate
    /// expiring soon). Never fails the gate.
    Warn,
    /// Checked and not fine.
    Fail,
    /// Not run (filtered out, not applicable, manual item skipped).
    Skip,
    /// Could not be checked (timeout, unreachable, bad response).
    Error,
    /// Open or failing, but waived by a person until a date (`hctl checklist
    /// waive`). Never fails the gate.
    Waived,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Pass => "pass",
            Status::Warn => "warn",
            Status::Fail => "fail",
            Status::Skip => "skip",
            Status::Error => "error",
            Status::Waived => "waived",
        }
    }

    /// Fail and error both count against the gate.
    pub fn is_failure(self) -> bool {
        matches!(self, Status::Fail | Status::Error)
    }
}

/// One try at an item (checks with retries have several).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Attempt {
    pub status: Status,
    pub duration_ms: u64,
    pub detail: String,
}

/// One row of a report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Item {
    /// Stable identifier (checklist item id, file path, …).
    pub id: String,
    pub title: String,
    /// Grouping shown in reports (checklist section, file kind); may be empty.
    #[serde(default)]
    pub section: String,
    pub severity: Severity,
    pub status: Status,
    pub duration_ms: u64,
    /// One line saying why (first line is used where space is short).
    pub detail: String,
    /// Every attempt, in order; the last one decided `status`.
    #[serde(default)]
    pub attempts: Vec<Attempt>,
    /// `headers` items: the MDN HTTP Observatory's score, grade and tests.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub observatory: Option<Box<Observatory>>,
    /// Manual items: what the person who ticked it pointed at.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub evidence: Option<Evidence>,
}

/// What a tick points at: a link, or a file by its SHA-256 (the file itself
/// stays where it is; the digest proves later which file was meant).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Evidence {
    Url { url: String },
    File { path: String, sha256: String },
}

impl std::fmt::Display for Evidence {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Evidence::Url { url } => f.write_str(url),
            Evidence::File { path, sha256 } => write!(f, "{path} (sha256 {sha256})"),
        }
    }
}

impl Item {
    /// An item decided in one attempt.
    pub fn new(
        id: impl Into<String>,
        title: impl Into<String>,
        severity: Severity,
        status: Status,
        duration: Duration,
        detail: impl Into<String>,
    ) -> Self {
        let detail = detail.into();
        let duration_ms = millis(duration);
        Item {
            id: id.into(),
            title: title.into(),
            section: String::new(),
            severity,
            status,
            duration_ms,
            attempts: vec![Attempt {
                status,
                duration_ms,
                detail: detail.clone(),
            }],
            detail,
            observatory: None,
            evidence: None,
        }
    }

    pub fn in_section(mut self, section: impl Into<String>) -> Self {
        self.section = section.into();
        self
    }
}

/// Counts by status.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Summary {
    pub total: usize,
    pub pass: usize,
    pub warn: usize,
    pub fail: usize,
    pub skip: usize,
    pub error: usize,
    /// Items that passed only by a person's waiver.
    #[serde(default)]
    pub waived: usize,
}

impl Summary {
    /// `, N waived` when any item was waived.
    fn waived_tail(&self) -> String {
        if self.waived > 0 {
            format!(", {} waived", self.waived)
        } else {
            String::new()
        }
    }

    /// `1 passed, 0 warned, 2 failed, 0 errors, 0 skipped[, 1 waived]`: the
    /// counts as the table and Markdown views say them.
    pub fn counts(&self) -> String {
        format!(
            "{} passed, {} warned, {} failed, {} errors, {} skipped{}",
            self.pass,
            self.warn,
            self.fail,
            self.error,
            self.skip,
            self.waived_tail()
        )
    }
}

/// A complete report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Report {
    /// What produced it, e.g. `preflight` or `config validate`.
    pub title: String,
    /// Selected environment, when one applies.
    pub environment: Option<String>,
    pub started_at: DateTime<Utc>,
    pub duration_ms: u64,
    pub summary: Summary,
    pub items: Vec<Item>,
}

impl Report {
    /// Build a report; the summary is computed from the items.
    pub fn new(
        title: impl Into<String>,
        environment: Option<String>,
        started_at: DateTime<Utc>,
        duration: Duration,
        items: Vec<Item>,
    ) -> Self {
        let mut summary = Summary {
            total: items.len(),
            ..Summary::default()
        };
        for item in &items {
            match item.status {
                Status::Pass => summary.pass += 1,
                Status::Warn => summary.warn += 1,
                Status::Fail => summary.fail += 1,
                Status::Skip => summary.skip += 1,
                Status::Error => summary.error += 1,
                Status::Waived => summary.waived += 1,
            }
        }
        Report {
            title: title.into(),
            environment,
            started_at,
            duration_ms: millis(duration),
            summary,
            items,
        }
    }

    /// Items at or above `threshold` that failed or errored: what the gate trips on.
    pub fn failures(&self, threshold: Severity) -> impl Iterator<Item = &Item> {
        self.items
            .iter()
            .filter(move |i| i.status.is_failure() && i.severity >= threshold)
    }

    /// Whether the gate passes at `threshold`.
    pub fn passed(&self, threshold: Severity) -> bool {
        self.failures(threshold).next().is_none()
    }

    /// The gate's verdict at `threshold`, with the one line that says why.
    ///
    /// A report in which every item was skipped verified nothing: it fails
    /// unless `allow_empty`, so a typo in a selector or a missing setting can
    /// never turn a CI gate green.
    pub fn gate(&self, threshold: Severity, allow_empty: bool) -> Gate {
        let failed: Vec<&str> = self.failures(threshold).map(|i| i.id.as_str()).collect();
        if !failed.is_empty() {
            let level = match threshold {
                Severity::Critical => "critical ",
                _ => "",
            };
            return Gate {
                passed: false,
                reason: format!(
                    "gate: {} {level}{} failed: {}",
                    failed.len(),
                    plural(failed.len(), "item"),
                    id_list(&failed)
                ),
            };
        }
        let s = &self.summary;
        if s.total > 0 && s.skip == s.total && !allow_empty {
            return Gate {
                passed: false,
                reason: format!(
                    "gate: nothing was verified ({} of {} selected {} skipped); pass --allow-empty to accept that",
                    s.skip,
                    s.total,
                    plural(s.total, "item")
                ),
            };
        }
        let below: Vec<&str> = self
            .items
            .iter()
            .filter(|i| i.status.is_failure() && i.severity < threshold)
            .map(|i| i.id.as_str())
            .collect();
        let reason = if below.is_empty() {
            format!(
                "gate: passed: {} pass, {} warn, {} skip{}",
                s.pass,
                s.warn,
                s.skip,
                s.waived_tail()
            )
        } else {
            format!(
                "gate: passed, only items below {} failed ({}); --fail-on {} to fail on them",
                threshold.as_str(),
                id_list(&below),
                Severity::Warning.as_str()
            )
        };
        Gate {
            passed: true,
            reason,
        }
    }

    /// Write the report in `format` to `out`.
    pub fn render(
        &self,
        format: Format,
        style: &Style,
        out: &mut dyn Write,
    ) -> std::io::Result<()> {
        match format {
            Format::Table => table::render(self, style, out),
            Format::Json => json::render(self, out),
            Format::Junit => junit::render(self, out),
            Format::Markdown => markdown::render(self, out),
        }
    }
}

/// A gate's verdict: whether it passed and the line that says why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Gate {
    pub passed: bool,
    pub reason: String,
}

fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        word.to_string()
    } else {
        format!("{word}s")
    }
}

/// Ids for one line: the first five, then how many more.
fn id_list(ids: &[&str]) -> String {
    const SHOWN: usize = 5;
    let mut text = ids
        .iter()
        .take(SHOWN)
        .copied()
        .collect::<Vec<_>>()
        .join(", ");
    if ids.len() > SHOWN {
        text.push_str(&format!(" and {} more", ids.len() - SHOWN));
    }
    text
}

pub(crate) fn millis(d: Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX)
}

/// The first line of a detail, for places with one line of room.
pub(crate) fn first_line(text: &str) -> &str {
    text.lines().next().unwrap_or("")
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A report with one item of every status, shared by the renderer tests.
    pub fn sample() -> Report {
        let started = DateTime::parse_from_rfc3339("2026-11-24T10:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        let ms = Duration::from_millis;
        let mut flaky = Item::new(
            "api-health",
            "API health endpoint answers",
            Severity::Critical,
            Status::Pass,
            ms(120),
            "200 OK in 80ms",
        );
        flaky.attempts.insert(
            0,
            Attempt {
                status: Status::Error,
                duration_ms: 40,
                detail: "connection refused".into(),
            },
        );
        let items = vec![
            flaky.in_section("Infrastructure"),
            Item::new(
                "tls-expiry",
                "TLS certificate valid > 14 days",
                Severity::Warning,
                Status::Warn,
                ms(30),
                "expires in 9 days",
            ),
            Item::new(
                "hsts",
                "HSTS header <strict> & \"sane\"",
                Severity::Critical,
                Status::Fail,
                ms(10),
                "max-age=300 is below 15768000\nsecond | line",
            )
            .in_section("Security"),
            Item::new(
                "pentest",
                "Penetration test done",
                Severity::Info,
                Status::Skip,
                ms(0),
                "manual",
            ),
            Item::new(
                "dns",
                "DNS resolves",
                Severity::Warning,
                Status::Error,
                ms(5000),
                "timed out after 5s",
            ),
        ];
        Report::new("preflight", Some("local".into()), started, ms(5200), items)
    }

    #[test]
    fn summary_counts_and_gate() {
        let r = sample();
        assert_eq!(
            r.summary,
            Summary {
                total: 5,
                pass: 1,
                warn: 1,
                fail: 1,
                skip: 1,
                error: 1,
                waived: 0
            }
        );
        assert!(!r.passed(Severity::Critical));
        let ids: Vec<_> = r
            .failures(Severity::Warning)
            .map(|i| i.id.as_str())
            .collect();
        assert_eq!(ids, ["hsts", "dns"]);
        let only_warnings = Report::new(
            "x",
            None,
            r.started_at,
            Duration::ZERO,
            vec![r.items[4].clone()],
        );
        assert!(only_warnings.passed(Severity::Critical));
        assert!(!only_warnings.passed(Severity::Warning));
    }

    #[test]
    fn gate_says_why() {
        let r = sample();
        let gate = r.gate(Severity::Critical, false);
        assert!(!gate.passed);
        assert_eq!(gate.reason, "gate: 1 critical item failed: hsts");
        let gate = r.gate(Severity::Warning, false);
        assert_eq!(gate.reason, "gate: 2 items failed: hsts, dns");
        let warn_only = Report::new(
            "x",
            None,
            r.started_at,
            Duration::ZERO,
            vec![r.items[4].clone()],
        );
        let gate = warn_only.gate(Severity::Critical, false);
        assert!(gate.passed);
        assert_eq!(
            gate.reason,
            "gate: passed, only items below critical failed (dns); --fail-on warning to fail on them"
        );
    }

    #[test]
    fn a_report_of_only_skipped_items_fails_unless_allowed() {
        let r = sample();
        let skipped = Report::new(
            "x",
            None,
            r.started_at,
            Duration::ZERO,
            vec![r.items[3].clone()],
        );
        let gate = skipped.gate(Severity::Critical, false);
        assert!(!gate.passed);
        assert_eq!(
            gate.reason,
            "gate: nothing was verified (1 of 1 selected item skipped); pass --allow-empty to accept that"
        );
        assert!(skipped.gate(Severity::Critical, true).passed);
    }
}
