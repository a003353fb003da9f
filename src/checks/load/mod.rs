//! The `load` kind: a load test as a gate. [`generate`] applies an open
//! model (a constant arrival rate for a duration, at most `max_connections`
//! in flight, latency from each request's scheduled time into an HDR
//! histogram); this module holds the spec and judges the [`Summary`]:
//! `p95` (default 500 ms), `p99`, `error_rate` (default 0.1 %), and the
//! achieved rate (`min_rate`, default 95 % of `rate`). A run that could not
//! apply its load (requests dropped for want of a connection, or too slow a
//! rate) is an error, never a pass. With `baseline`, p50/p95/p99 may be at
//! most `max_regression` (default 20 %) above the baseline run's.

mod client;
pub mod generate;
mod tally;

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::Duration;

use serde::{Deserialize, Deserializer};

pub use generate::Summary;

use super::Outcome;
use super::http::TlsOptions;
use crate::duration;
use crate::report::Status;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LoadCheck {
    pub url: String,
    /// Arrival rate: `100/s`, `6000/m` or a number per second.
    #[serde(deserialize_with = "rate")]
    pub rate: f64,
    #[serde(deserialize_with = "required_duration")]
    pub duration: Duration,
    /// Requests in flight at most (default 1000).
    #[serde(default = "default_connections")]
    pub max_connections: u32,
    #[serde(default)]
    pub method: Option<String>,
    #[serde(default)]
    pub body: Option<String>,
    #[serde(default)]
    pub request_headers: BTreeMap<String, String>,
    /// Statuses that count as success (default any 2xx).
    #[serde(default)]
    pub status: Vec<u16>,
    /// 95th percentile budget (default 500ms).
    #[serde(default, deserialize_with = "duration::optional")]
    pub p95: Option<Duration>,
    #[serde(default, deserialize_with = "duration::optional")]
    pub p99: Option<Duration>,
    /// Share of failed requests allowed: `0.1%` or `0.001` (default 0.1%).
    #[serde(default, deserialize_with = "ratio")]
    pub error_rate: Option<f64>,
    /// Answered requests per second required (default 95% of `rate`).
    #[serde(default, deserialize_with = "optional_rate")]
    pub min_rate: Option<f64>,
    /// A previous run's JSON summary to compare with.
    #[serde(default)]
    pub baseline: Option<PathBuf>,
    /// How much worse than the baseline p50/p95/p99 may be (default 20%).
    #[serde(default, deserialize_with = "ratio")]
    pub max_regression: Option<f64>,
    #[serde(default)]
    pub ca_file: Option<PathBuf>,
    #[serde(default)]
    pub insecure: bool,
}

fn default_connections() -> u32 {
    1000
}

pub const DEFAULT_P95: Duration = Duration::from_millis(500);
pub const DEFAULT_ERROR_RATE: f64 = 0.001;
pub const DEFAULT_MAX_REGRESSION: f64 = 0.2;
/// The share of `rate` the run must achieve when `min_rate` is not given.
pub const DEFAULT_MIN_RATE_SHARE: f64 = 0.95;

/// `100/s`, `6000/m`, `2/ms` or a bare number (per second).
pub fn parse_rate(text: &str) -> Result<f64, String> {
    let (n, per) = text.trim().split_once('/').unwrap_or((text.trim(), "s"));
    let n: f64 = n
        .trim()
        .parse()
        .map_err(|_| format!("bad rate `{text}`: expected e.g. `100/s` or `6000/m`"))?;
    let seconds = match per.trim() {
        "s" => 1.0,
        "m" => 60.0,
        "h" => 3600.0,
        _ => return Err(format!("bad rate `{text}`: the unit is /s, /m or /h")),
    };
    Ok(n / seconds)
}

/// `20%` or a fraction (`0.2`).
pub fn parse_ratio(text: &str) -> Result<f64, String> {
    let t = text.trim();
    let bad = || format!("bad ratio `{text}`: expected e.g. `0.1%` or `0.001`");
    match t.strip_suffix('%') {
        Some(p) => p
            .trim()
            .parse::<f64>()
            .map(|v| v / 100.0)
            .map_err(|_| bad()),
        None => t.parse().map_err(|_| bad()),
    }
}

#[derive(Deserialize)]
#[serde(untagged)]
enum Raw {
    Text(String),
    Number(f64),
}

fn rate<'de, D: Deserializer<'de>>(d: D) -> Result<f64, D::Error> {
    match Raw::deserialize(d)? {
        Raw::Text(t) => parse_rate(&t).map_err(serde::de::Error::custom),
        Raw::Number(n) => Ok(n),
    }
}

fn optional_rate<'de, D: Deserializer<'de>>(d: D) -> Result<Option<f64>, D::Error> {
    rate(d).map(Some)
}

pub(crate) fn ratio<'de, D: Deserializer<'de>>(d: D) -> Result<Option<f64>, D::Error> {
    match Raw::deserialize(d)? {
        Raw::Text(t) => parse_ratio(&t).map(Some).map_err(serde::de::Error::custom),
        Raw::Number(n) => Ok(Some(n)),
    }
}

fn required_duration<'de, D: Deserializer<'de>>(d: D) -> Result<Duration, D::Error> {
    duration::optional(d)?.ok_or_else(|| serde::de::Error::custom("`duration` is required"))
}

pub async fn run(check: &LoadCheck) -> Outcome {
    let baseline = match &check.baseline {
        None => None,
        Some(path) => match read_baseline(path) {
            Ok(b) => Some(b),
            Err(err) => return Outcome::error(err),
        },
    };
    let tls = TlsOptions {
        ca_file: check.ca_file.clone(),
        insecure: check.insecure,
    };
    let target = match client::Target::new(
        &check.url,
        check.method.as_deref().unwrap_or("GET"),
        &check.request_headers,
        check.body.as_deref(),
        &check.status,
        &tls,
    ) {
        Ok(t) => t,
        Err(err) => return Outcome::error(err),
    };
    let summary = generate::run(generate::Plan {
        target,
        rate: check.rate,
        duration: check.duration,
        max_connections: check.max_connections,
    })
    .await;
    judge(check, &summary, baseline.as_ref())
}

fn read_baseline(path: &std::path::Path) -> Result<Summary, String> {
    let text = crate::files::read_text(path, 1024 * 1024)
        .map_err(|e| format!("cannot read baseline `{}`: {e}", path.display()))?;
    serde_json::from_str(&text).map_err(|e| {
        format!(
            "baseline `{}` is not a load summary (the JSON after `summary: ` in a load item's detail): {e}",
            path.display()
        )
    })
}

/// The verdict on a run: could it apply its load, then the thresholds.
pub fn judge(check: &LoadCheck, s: &Summary, baseline: Option<&Summary>) -> Outcome {
    let evidence = serde_json::to_string(s).unwrap_or_default();
    let min_rate = check
        .min_rate
        .unwrap_or(check.rate * DEFAULT_MIN_RATE_SHARE);
    let mut unreached = Vec::new();
    if s.dropped > 0 {
        unreached.push(format!(
            "{} of {} requests were due while all {} connections were busy and were not sent",
            s.dropped, s.scheduled, s.max_connections
        ));
    }
    if s.achieved_rate < min_rate {
        unreached.push(format!(
            "achieved {:.1}/s, below {:.1}/s",
            s.achieved_rate, min_rate
        ));
    }
    if !unreached.is_empty() {
        return Outcome::error(format!(
            "did not reach the target rate of {}/s: {}; summary: {evidence}",
            s.target_rate,
            unreached.join("; ")
        ));
    }
    let mut problems = Vec::new();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    let p95 = check.p95.unwrap_or(DEFAULT_P95);
    for (name, got, budget) in [("p95", s.p95_ms, Some(p95)), ("p99", s.p99_ms, check.p99)] {
        if let Some(budget) = budget
            && got > ms(budget)
        {
            problems.push((
                Status::Fail,
                format!("{name} {got}ms above {}", duration::human(budget)),
            ));
        }
    }
    let max_errors = check.error_rate.unwrap_or(DEFAULT_ERROR_RATE);
    if s.error_rate > max_errors {
        let causes = if s.error_samples.is_empty() {
            String::new()
        } else {
            format!(" ({})", s.error_samples.join(", "))
        };
        problems.push((
            Status::Fail,
            format!(
                "error rate {} above {}{causes}",
                percent(s.error_rate),
                percent(max_errors)
            ),
        ));
    }
    if let Some(base) = baseline {
        let allowed = check.max_regression.unwrap_or(DEFAULT_MAX_REGRESSION);
        for (name, got, was) in [
            ("p50", s.p50_ms, base.p50_ms),
            ("p95", s.p95_ms, base.p95_ms),
            ("p99", s.p99_ms, base.p99_ms),
        ] {
            if was > 0.0 && got > was * (1.0 + allowed) {
                problems.push((
                    Status::Fail,
                    format!(
                        "{name} {got}ms is {} above the baseline's {was}ms (at most {})",
                        percent(got / was - 1.0),
                        percent(allowed)
                    ),
                ));
            }
        }
    }
    let ok = format!(
        "{:.1}/s for {}s, p95 {}ms, p99 {}ms, errors {}",
        s.achieved_rate,
        s.duration_s,
        s.p95_ms,
        s.p99_ms,
        percent(s.error_rate)
    );
    let mut outcome = Outcome::from_findings(ok, problems);
    outcome.detail = format!("{}; summary: {evidence}", outcome.detail);
    outcome
}

fn percent(v: f64) -> String {
    let p = v * 100.0;
    if p == p.trunc() {
        format!("{p:.0}%")
    } else {
        format!("{p:.2}%")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(yaml: &str) -> LoadCheck {
        serde_saphyr::from_str(yaml).unwrap()
    }

    fn summary() -> Summary {
        Summary {
            target_rate: 100.0,
            achieved_rate: 99.5,
            duration_s: 30.0,
            scheduled: 3000,
            dropped: 0,
            completed: 3000,
            errors: 0,
            error_rate: 0.0,
            max_connections: 1000,
            peak_in_flight: 3,
            p50_ms: 2.0,
            p90_ms: 4.0,
            p95_ms: 5.0,
            p99_ms: 9.0,
            max_ms: 20.0,
            send_lag_p50_ms: 0.01,
            send_lag_p99_ms: 0.05,
            error_samples: vec![],
        }
    }

    #[test]
    fn rates_and_ratios() {
        assert_eq!(parse_rate("100/s").unwrap(), 100.0);
        assert_eq!(parse_rate("6000/m").unwrap(), 100.0);
        assert_eq!(parse_rate("50").unwrap(), 50.0);
        assert!(parse_rate("100/d").is_err());
        assert_eq!(parse_ratio("20%").unwrap(), 0.2);
        assert_eq!(parse_ratio("0.001").unwrap(), 0.001);
        assert!(parse_ratio("lots").is_err());
        let c = check("url: http://x\nrate: 100/s\nduration: 30s\n");
        assert_eq!(
            (c.rate, c.duration, c.max_connections),
            (100.0, Duration::from_secs(30), 1000)
        );
    }

    #[test]
    fn defaults_are_the_guides_baselines() {
        let c = check("url: http://x\nrate: 100/s\nduration: 30s\n");
        assert_eq!(judge(&c, &summary(), None).status, Status::Pass);
        let mut slow = summary();
        slow.p95_ms = 600.0;
        slow.error_rate = 0.002;
        slow.error_samples = vec!["status 503".into()];
        let o = judge(&c, &slow, None);
        assert_eq!(o.status, Status::Fail);
        assert!(
            o.detail.starts_with(
                "p95 600ms above 500ms; error rate 0.20% above 0.10% (status 503); summary: {"
            ),
            "{}",
            o.detail
        );
    }

    #[test]
    fn a_run_short_of_its_rate_is_an_error_not_a_pass() {
        let c = check("url: http://x\nrate: 100/s\nduration: 30s\n");
        let mut s = summary();
        s.dropped = 40;
        s.achieved_rate = 90.0;
        let o = judge(&c, &s, None);
        assert_eq!(o.status, Status::Error);
        assert!(
            o.detail.starts_with("did not reach the target rate of 100/s: 40 of 3000 requests were due while all 1000 connections were busy and were not sent; achieved 90.0/s, below 95.0/s"),
            "{}",
            o.detail
        );
    }

    #[test]
    fn regression_against_a_baseline() {
        let c = check(
            "url: http://x\nrate: 100/s\nduration: 30s\nbaseline: b.json\nmax_regression: 20%\n",
        );
        let mut s = summary();
        s.p99_ms = 12.0;
        let o = judge(&c, &s, Some(&summary()));
        assert_eq!(o.status, Status::Fail);
        assert!(
            o.detail
                .starts_with("p99 12ms is 33.33% above the baseline's 9ms (at most 20%)"),
            "{}",
            o.detail
        );
        let parsed: Summary = serde_json::from_str(&serde_json::to_string(&s).unwrap()).unwrap();
        assert_eq!(parsed, s);
    }
}
