//! The MDN HTTP Observatory's verdict on a site, as a report item carries it
//! (`headers` items and `hctl verify headers`): its score, grade and every
//! test's result. Plain data, so the report does not depend on the check that
//! computes it (`checks::headers::judge`).

use serde::{Deserialize, Serialize};

/// One Observatory test's result.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct TestResult {
    /// The Observatory's test name, e.g. `content-security-policy`.
    pub name: String,
    /// The Observatory's result identifier, e.g. `csp-implemented-with-unsafe-inline`.
    pub result: String,
    pub pass: bool,
    pub score_modifier: i32,
}

/// The Observatory's verdict on a site.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Observatory {
    pub score: i32,
    pub grade: String,
    pub tests_passed: usize,
    pub tests_failed: usize,
    pub tests: Vec<TestResult>,
}

impl Observatory {
    /// Results that cost points: the reasons the check fails.
    pub fn problems(&self) -> Vec<String> {
        self.tests
            .iter()
            .filter(|t| t.score_modifier < 0)
            .map(|t| format!("{}: {} ({})", t.name, t.result, t.score_modifier))
            .collect()
    }
}
