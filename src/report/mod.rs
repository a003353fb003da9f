//! The one result model every checking command produces, rendered many ways.
//!
//! Preflight, `verify`, `config validate`, `db health` and checklist reports are
//! all a [`Report`]; the table, JSON, JUnit and Markdown views in the submodules
//! are pure functions of it, so the formats can never disagree.

mod json;
mod junit;
mod markdown;
mod table;

use std::io::Write;
use std::time::Duration;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::output::{Format, Style};

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
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Pass => "pass",
            Status::Warn => "warn",
            Status::Fail => "fail",
            Status::Skip => "skip",
            Status::Error => "error",
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
    pub observatory: Option<Box<crate::checks::headers::Observatory>>,
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
                error: 1
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
}
