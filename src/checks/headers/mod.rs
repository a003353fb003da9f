//! The `headers` kind (and `hctl verify headers`): the MDN HTTP Observatory's
//! scan, ported from its own scanner (`@mdn/mdn-http-observatory` 1.4.8). A
//! site is fetched as the Observatory fetches it (http and https, redirects,
//! cookies, a CORS preflight, `<meta>` policies), its ten tests run with the
//! same rules, and the score and grade are the ones it prints: 100 plus every
//! result's modifier, bonuses only when the score is already 90 without them.
//! `min_score` compares with that number, and every result that costs points
//! is a problem that fails the check.
//!
//! Not ported: Chromium's HSTS preload list (`hsts-preloaded`, and
//! `redirection-all-redirects-preloaded` for preloaded hosts), which hctl does
//! not carry; a preloaded site scores up to 5 points more on the Observatory.

mod analyze;
mod cookies;
mod csp;
mod html;
mod retrieve;
mod score;

use std::path::PathBuf;

use serde::Deserialize;
use url::Url;

use super::http::TlsOptions;
use super::{Outcome, one_line};
use crate::report::Status;

pub use crate::report::{Observatory, TestResult};
pub use retrieve::{Headers, Requests, Response};
pub use score::grade;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HeadersCheck {
    /// The page to scan; the same host over the other scheme (default port)
    /// is probed too, as the Observatory does.
    pub url: String,
    /// Also fail when the Observatory's score is below this.
    #[serde(default)]
    pub min_score: Option<i32>,
    #[serde(default)]
    pub ca_file: Option<PathBuf>,
    /// Accept any certificate as valid (a staging site with a self-signed
    /// certificate scores as it will with a real one).
    #[serde(default)]
    pub insecure: bool,
}

/// Run the Observatory's tests on what was retrieved, and score them.
pub fn judge(requests: &Requests) -> Observatory {
    let tests: Vec<TestResult> = analyze::all(requests)
        .into_iter()
        .map(|(name, j)| TestResult {
            name: name.to_string(),
            result: j.result.id().to_string(),
            pass: j.pass,
            score_modifier: j.result.modifier(),
        })
        .collect();
    let score = score::score(tests.iter().map(|t| t.score_modifier));
    let passed = tests.iter().filter(|t| t.pass).count();
    Observatory {
        score,
        grade: grade(score).to_string(),
        tests_passed: passed,
        tests_failed: tests.len() - passed,
        tests,
    }
}

pub async fn run(check: &HeadersCheck) -> Outcome {
    let url = match Url::parse(&check.url) {
        Ok(url) => url,
        Err(e) => return Outcome::error(format!("`{}` is not a URL: {e}", check.url)),
    };
    let tls = TlsOptions {
        ca_file: check.ca_file.clone(),
        insecure: check.insecure,
    };
    let requests = match retrieve::retrieve(&url, &tls).await {
        Ok(r) => r,
        Err(e) => return Outcome::error(format!("scanning {url}: {}", one_line(e.as_ref()))),
    };
    let Some(auto) = &requests.auto else {
        return Outcome::error(format!(
            "scanning {url}: could not connect to {} over http or https",
            requests.hostname
        ));
    };
    // The Observatory refuses to score other answers.
    if auto.status < 200 || (auto.status >= 400 && ![401, 403].contains(&auto.status)) {
        return Outcome::error(format!(
            "scanning {url}: the site answered {} (the Observatory scores only 2xx, 3xx, 401 and 403)",
            auto.status
        ));
    }
    let verdict = judge(&requests);
    let mut problems: Vec<_> = verdict
        .problems()
        .into_iter()
        .map(|p| (Status::Fail, p))
        .collect();
    if let Some(min) = check.min_score
        && verdict.score < min
    {
        problems.push((Status::Fail, format!("score {} below {min}", verdict.score)));
    }
    let mut outcome = Outcome::from_findings(String::new(), problems);
    let score = format!("Observatory score {} ({})", verdict.score, verdict.grade);
    outcome.detail = if outcome.detail.is_empty() {
        format!("{score}, no test loses points")
    } else {
        format!("{score}; {}", outcome.detail)
    };
    outcome.observatory = Some(Box::new(verdict));
    outcome
}

#[cfg(test)]
mod tests {
    use super::retrieve::{Equiv, Hop};
    use super::*;

    /// A site answering on https only, with these headers on `/`.
    fn https_only(pairs: &[(&str, &str)]) -> Requests {
        let url = Url::parse("https://example.org/").unwrap();
        let response = Response {
            status: 200,
            headers: Headers::from_pairs(pairs).unwrap(),
            body: String::new(),
            verified: true,
        };
        let mut jar = cookies::Jar::default();
        for c in response.headers.all("set-cookie") {
            jar.set(c, &url);
        }
        Requests {
            hostname: "example.org".into(),
            http: None,
            https: Some(response.clone()),
            auto: Some(response),
            session_url: Some(url.clone()),
            http_redirects: vec![],
            jar,
            cors: None,
            equiv: Equiv::default(),
            page: Default::default(),
        }
    }

    const STRICT: &[(&str, &str)] = &[
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
        ("content-type", "application/json"),
    ];

    fn result(o: &Observatory, test: &str) -> String {
        o.tests
            .iter()
            .find(|t| t.name == test)
            .unwrap()
            .result
            .clone()
    }

    #[test]
    fn strict_set_over_https_is_a_plus() {
        let o = judge(&https_only(STRICT));
        assert_eq!((o.score, o.grade.as_str()), (120, "A+"), "{o:?}");
        assert!(o.problems().is_empty());
        assert_eq!(o.tests.len(), 10);
    }

    #[test]
    fn the_same_over_http_only_is_c_plus() {
        let mut r = https_only(STRICT);
        let url = Url::parse("http://example.org/").unwrap();
        r.https = None;
        r.http = r.auto.clone();
        r.session_url = Some(url.clone());
        r.http_redirects = vec![Hop { url }];
        let o = judge(&r);
        assert_eq!((o.score, o.grade.as_str()), (60, "C+"), "{o:?}");
        assert_eq!(
            result(&o, "strict-transport-security"),
            "hsts-not-implemented-no-https"
        );
        assert_eq!(result(&o, "redirection"), "redirection-missing");
        assert_eq!(o.problems().len(), 2);
    }

    #[test]
    fn broad_script_sources_count_as_unsafe_inline() {
        let mut h = STRICT.to_vec();
        h[0] = (
            "content-security-policy",
            "default-src 'self'; script-src https:; frame-ancestors 'none'",
        );
        let o = judge(&https_only(&h));
        assert_eq!(
            result(&o, "content-security-policy"),
            "csp-implemented-with-unsafe-inline"
        );
        assert_eq!(o.score, 100 - 20);
    }

    #[test]
    fn session_cookie_without_secure() {
        let mut h = STRICT.to_vec();
        h.push(("set-cookie", "sessionid=1; HttpOnly; SameSite=Lax"));
        let o = judge(&https_only(&h));
        assert_eq!(
            result(&o, "cookies"),
            "cookies-session-without-secure-flag-but-protected-by-hsts"
        );
    }
}
