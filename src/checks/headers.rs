//! The `headers` kind: security headers present and sane (CSP without
//! `unsafe-inline`/`unsafe-eval`, HSTS max-age ≥ 15768000, X-Frame-Options or
//! CSP `frame-ancestors`, `nosniff`, Referrer-Policy), plus a score computed
//! like Mozilla Observatory's header tests (start at 100, penalties and
//! bonuses, letter grade).

use std::path::PathBuf;

use reqwest::header::HeaderMap;
use serde::{Deserialize, Serialize};

use super::http::{TlsOptions, fetch};
use super::{Outcome, one_line};
use crate::report::Status;

/// Six months, the minimum HSTS max-age browsers' preload lists accept.
pub const HSTS_MIN_AGE: u64 = 15_768_000;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HeadersCheck {
    pub url: String,
    /// Also fail when the score is below this.
    #[serde(default)]
    pub min_score: Option<i32>,
    #[serde(default)]
    pub ca_file: Option<PathBuf>,
    #[serde(default)]
    pub insecure: bool,
}

/// The verdict on one response's headers.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Verdict {
    pub problems: Vec<String>,
    pub score: i32,
    pub grade: &'static str,
}

pub async fn run(check: &HeadersCheck) -> Outcome {
    let tls = TlsOptions {
        ca_file: check.ca_file.clone(),
        insecure: check.insecure,
    };
    let got = match fetch("GET", &check.url, &tls).await {
        Ok(got) => got,
        Err(err) => {
            return Outcome::error(format!("GET {}: {}", check.url, one_line(err.as_ref())));
        }
    };
    let verdict = judge(&got.headers);
    let mut problems: Vec<_> = verdict
        .problems
        .iter()
        .map(|p| (Status::Fail, p.clone()))
        .collect();
    if let Some(min) = check.min_score
        && verdict.score < min
    {
        problems.push((Status::Fail, format!("score {} below {min}", verdict.score)));
    }
    let mut outcome = Outcome::from_findings(String::new(), problems);
    let score = format!("score {} ({})", verdict.score, verdict.grade);
    outcome.detail = if outcome.detail.is_empty() {
        format!("all security headers sane, {score}")
    } else {
        format!("{}; {score}", outcome.detail)
    };
    outcome
}

fn header<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(str::trim)
}

/// The directives of a CSP: name → value.
fn csp_directive<'a>(csp: &'a str, name: &str) -> Option<&'a str> {
    csp.split(';').map(str::trim).find_map(|d| {
        let (n, v) = d.split_once(char::is_whitespace).unwrap_or((d, ""));
        n.eq_ignore_ascii_case(name).then_some(v.trim())
    })
}

/// Judge the security headers of a response.
pub fn judge(headers: &HeaderMap) -> Verdict {
    let mut problems = Vec::new();
    let mut score = 100;
    let mut bonus = 0;

    let csp = header(headers, "content-security-policy");
    match csp {
        None => {
            problems.push("Content-Security-Policy missing".to_string());
            score -= 25;
        }
        Some(csp) => {
            let scripts = csp_directive(csp, "script-src")
                .or_else(|| csp_directive(csp, "default-src"))
                .unwrap_or("");
            if scripts.contains("'unsafe-inline'") {
                problems.push("CSP allows 'unsafe-inline' scripts".into());
                score -= 20;
            }
            if scripts.contains("'unsafe-eval'") {
                problems.push("CSP allows 'unsafe-eval'".into());
                score -= 10;
            }
            if csp_directive(csp, "default-src").is_none()
                && csp_directive(csp, "script-src").is_none()
            {
                problems.push("CSP has neither default-src nor script-src".into());
                score -= 10;
            } else if csp_directive(csp, "default-src") == Some("'none'") {
                bonus += 5;
            }
        }
    }

    match header(headers, "strict-transport-security") {
        None => {
            problems.push("Strict-Transport-Security missing".into());
            score -= 20;
        }
        Some(hsts) => {
            let age = hsts.split(';').find_map(|part| {
                let (k, v) = part.trim().split_once('=')?;
                k.trim()
                    .eq_ignore_ascii_case("max-age")
                    .then(|| v.trim().trim_matches('"').parse::<u64>().ok())
                    .flatten()
            });
            match age {
                None => {
                    problems.push(format!(
                        "Strict-Transport-Security `{hsts}` has no valid max-age"
                    ));
                    score -= 20;
                }
                Some(age) if age < HSTS_MIN_AGE => {
                    problems.push(format!("HSTS max-age={age} is below {HSTS_MIN_AGE}"));
                    score -= 10;
                }
                Some(_) if hsts.to_ascii_lowercase().contains("preload") => bonus += 5,
                Some(_) => {}
            }
        }
    }

    let frame_ancestors = csp.and_then(|c| csp_directive(c, "frame-ancestors"));
    match (header(headers, "x-frame-options"), frame_ancestors) {
        (_, Some(_)) => bonus += 5,
        (Some(xfo), None) => {
            let xfo = xfo.to_ascii_uppercase();
            if xfo != "DENY" && xfo != "SAMEORIGIN" {
                problems.push(format!("X-Frame-Options `{xfo}` is not DENY or SAMEORIGIN"));
                score -= 20;
            }
        }
        (None, None) => {
            problems.push("X-Frame-Options missing (and no CSP frame-ancestors)".into());
            score -= 20;
        }
    }

    match header(headers, "x-content-type-options") {
        Some(v) if v.eq_ignore_ascii_case("nosniff") => {}
        Some(v) => {
            problems.push(format!("X-Content-Type-Options `{v}` is not nosniff"));
            score -= 5;
        }
        None => {
            problems.push("X-Content-Type-Options missing".into());
            score -= 5;
        }
    }

    match header(headers, "referrer-policy").map(str::to_ascii_lowercase) {
        None => problems.push("Referrer-Policy missing".into()),
        Some(p) if p.contains("unsafe-url") || p.contains("no-referrer-when-downgrade") => {
            problems.push(format!("Referrer-Policy `{p}` leaks URLs"));
            score -= 5;
        }
        Some(_) => bonus += 5,
    }

    // Observatory grants bonuses only to sites already scoring 90 or more.
    if score >= 90 {
        score += bonus;
    }
    let score = score.max(0);
    Verdict {
        problems,
        score,
        grade: grade(score),
    }
}

/// Observatory's letter grades.
pub fn grade(score: i32) -> &'static str {
    match score {
        100.. => "A+",
        90..=99 => "A",
        85..=89 => "A-",
        80..=84 => "B+",
        70..=79 => "B",
        65..=69 => "B-",
        60..=64 => "C+",
        50..=59 => "C",
        45..=49 => "C-",
        40..=44 => "D+",
        30..=39 => "D",
        25..=29 => "D-",
        _ => "F",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (k, v) in pairs {
            map.insert(*k, v.parse().unwrap());
        }
        map
    }

    pub const GOOD: &[(&str, &str)] = &[
        (
            "content-security-policy",
            "default-src 'none'; frame-ancestors 'none'",
        ),
        (
            "strict-transport-security",
            "max-age=31536000; includeSubDomains",
        ),
        ("x-content-type-options", "nosniff"),
        ("referrer-policy", "no-referrer"),
    ];

    #[test]
    fn good_headers_score_a_plus() {
        let v = judge(&headers(GOOD));
        assert!(v.problems.is_empty(), "{v:?}");
        assert_eq!((v.score, v.grade), (115, "A+"));
    }

    #[test]
    fn weak_headers_are_named() {
        let v = judge(&headers(&[
            (
                "content-security-policy",
                "default-src 'self' 'unsafe-inline' 'unsafe-eval'",
            ),
            ("strict-transport-security", "max-age=300"),
            ("x-frame-options", "ALLOW-FROM x"),
            ("referrer-policy", "unsafe-url"),
        ]));
        let text = v.problems.join("\n");
        for part in [
            "unsafe-inline",
            "unsafe-eval",
            "max-age=300",
            "X-Frame-Options",
            "X-Content-Type-Options missing",
            "leaks",
        ] {
            assert!(text.contains(part), "{part}: {text}");
        }
        assert_eq!(v.score, 100 - 20 - 10 - 10 - 20 - 5 - 5);
        assert_eq!(v.grade, "D");
    }

    #[test]
    fn nothing_at_all_is_f() {
        let v = judge(&HeaderMap::new());
        assert_eq!(v.problems.len(), 5);
        assert_eq!((v.score, v.grade), (30, "D"));
    }
}
