//! The `http` kind: request a URL and check the status, the latency budget,
//! fields of a JSON body and response headers (present, absent, containing a
//! text). With `repeat`, the request is sent until an answer has a status of
//! `expect_status_any` (a rate limit's 429) and that answer is judged. Bodies
//! are read up to [`BODY_LIMIT`]; larger or non-UTF-8 bodies are reported,
//! never buffered whole. The `flow` kind runs its steps through [`observe`]
//! and [`judge`].

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use reqwest::header::HeaderMap;
use serde::Deserialize;

use super::{Outcome, one_line, tls_config};
use crate::duration;
use crate::report::Status;

/// The most of a body any check reads.
pub const BODY_LIMIT: usize = 1024 * 1024;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HttpCheck {
    pub url: String,
    /// HTTP method (default GET).
    #[serde(default)]
    pub method: Option<String>,
    /// Request body (e.g. a JSON document for a POST).
    #[serde(default)]
    pub body: Option<String>,
    /// Request headers to send (e.g. `content-type`, `authorization`).
    #[serde(default)]
    pub request_headers: BTreeMap<String, String>,
    /// Expected status codes (default: any 2xx).
    #[serde(default)]
    pub status: Option<StatusSpec>,
    /// Fail when the response headers take longer than this.
    #[serde(default, deserialize_with = "duration::optional")]
    pub max_latency: Option<Duration>,
    /// Dotted JSON paths (`checks.database`) and the values they must hold.
    #[serde(default)]
    pub json: BTreeMap<String, serde_json::Value>,
    /// Response headers that must contain the given text (case-insensitive).
    #[serde(default)]
    pub headers: BTreeMap<String, String>,
    /// Response headers that must be present, any value (e.g. `retry-after`).
    #[serde(default)]
    pub headers_present: Vec<String>,
    /// Response headers that must be absent (e.g. `access-control-allow-origin`
    /// when the request carries a foreign `origin`).
    #[serde(default)]
    pub headers_absent: Vec<String>,
    /// Text the body must contain.
    #[serde(default)]
    pub body_contains: Option<String>,
    /// Send the request up to this many times, one after another, until an
    /// answer has a status in `expect_status_any`; that answer is judged.
    #[serde(default)]
    pub repeat: Option<u32>,
    /// With `repeat`: the statuses that end the series (e.g. `[429]`); none
    /// of them in `repeat` answers fails the check.
    #[serde(default)]
    pub expect_status_any: Option<Vec<u16>>,
    /// Trust only the certificates in this PEM file.
    #[serde(default)]
    pub ca_file: Option<PathBuf>,
    /// Accept any certificate (never in production checklists).
    #[serde(default)]
    pub insecure: bool,
}

/// TLS options of HTTP-speaking kinds.
#[derive(Debug, Clone, Default)]
pub struct TlsOptions {
    pub ca_file: Option<PathBuf>,
    pub insecure: bool,
}

/// One status or several.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum StatusSpec {
    One(u16),
    Any(Vec<u16>),
}

impl StatusSpec {
    fn allows(&self, code: u16) -> bool {
        match self {
            StatusSpec::One(c) => *c == code,
            StatusSpec::Any(cs) => cs.contains(&code),
        }
    }
}

/// A response, its body capped at [`BODY_LIMIT`].
pub struct Fetched {
    pub status: u16,
    pub headers: HeaderMap,
    pub body: Vec<u8>,
    pub truncated: bool,
    /// Time until the response headers arrived.
    pub latency: Duration,
}

/// Send one request. The caller's timeout bounds the whole exchange.
pub async fn fetch(method: &str, url: &str, tls: &TlsOptions) -> Result<Fetched> {
    send(&client(tls)?, method, url, &BTreeMap::new(), None).await
}

/// The client checks send with: `tls`, a 10 s connect timeout, at most 5
/// redirects, hctl's user agent; connections are kept for reuse.
pub fn client(tls: &TlsOptions) -> Result<reqwest::Client> {
    let config = tls_config::client(tls.ca_file.as_deref(), tls.insecure, &[b"http/1.1"])?;
    reqwest::Client::builder()
        .tls_backend_preconfigured(config)
        .connect_timeout(Duration::from_secs(10))
        .redirect(reqwest::redirect::Policy::limited(5))
        .user_agent(concat!("hctl/", env!("CARGO_PKG_VERSION")))
        .build()
        .context("cannot build the HTTP client")
}

/// Send one request with headers and an optional body.
pub async fn send(
    client: &reqwest::Client,
    method: &str,
    url: &str,
    headers: &BTreeMap<String, String>,
    body: Option<&str>,
) -> Result<Fetched> {
    let method = reqwest::Method::from_bytes(method.to_ascii_uppercase().as_bytes())
        .with_context(|| format!("invalid HTTP method `{method}`"))?;
    let started = Instant::now();
    let mut request = client.request(method, url);
    for (name, value) in headers {
        request = request.header(name.as_str(), value.as_str());
    }
    if let Some(body) = body {
        request = request.body(body.to_string());
    }
    let mut response = request
        .send()
        .await
        .map_err(|e| anyhow::anyhow!("{}", request_error(&e)))?;
    let latency = started.elapsed();
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let mut body = Vec::new();
    let mut truncated = false;
    while let Some(chunk) = response
        .chunk()
        .await
        .map_err(|e| anyhow::anyhow!("reading the body: {}", one_line(&e)))?
    {
        let room = BODY_LIMIT - body.len();
        if chunk.len() > room {
            body.extend_from_slice(&chunk[..room]);
            truncated = true;
            break;
        }
        body.extend_from_slice(&chunk);
    }
    Ok(Fetched {
        status,
        headers,
        body,
        truncated,
        latency,
    })
}

/// A request error in one short line: what failed and the root cause, without
/// reqwest's repetition of the URL.
fn request_error(err: &reqwest::Error) -> String {
    let mut root: &dyn std::error::Error = err;
    while let Some(next) = root.source() {
        root = next;
    }
    let cause = root.to_string().replace('\n', " ");
    if err.is_timeout() {
        format!("timed out: {cause}")
    } else if err.is_connect() {
        format!("could not connect: {cause}")
    } else if std::ptr::eq(root as *const _ as *const u8, err as *const _ as *const u8) {
        one_line(err)
    } else {
        format!("request failed: {cause}")
    }
}

impl HttpCheck {
    /// The TLS options of the check.
    pub fn tls(&self) -> TlsOptions {
        TlsOptions {
            ca_file: self.ca_file.clone(),
            insecure: self.insecure,
        }
    }

    /// The method, `GET` by default.
    pub fn method(&self) -> &str {
        self.method.as_deref().unwrap_or("GET")
    }
}

pub async fn run(check: &HttpCheck) -> Outcome {
    let client = match client(&check.tls()) {
        Ok(c) => c,
        Err(err) => return Outcome::error(format!("{err:#}")),
    };
    match observe(&client, check).await {
        Ok(seen) => judge(check, &seen),
        Err(err) => Outcome::error(err),
    }
}

/// What a check saw: the answer it judges and how many requests it sent.
pub struct Observed {
    pub fetched: Fetched,
    pub sent: u32,
}

/// Send the check's request (`repeat` times at most, until an answer has a
/// status of `expect_status_any`). The error names the method and URL.
pub async fn observe(client: &reqwest::Client, check: &HttpCheck) -> Result<Observed, String> {
    let method = check.method();
    let times = check.repeat.unwrap_or(1).max(1);
    let mut sent = 0;
    loop {
        let fetched = send(
            client,
            method,
            &check.url,
            &check.request_headers,
            check.body.as_deref(),
        )
        .await
        .map_err(|err| format!("{method} {}: {err:#}", check.url))?;
        sent += 1;
        let ends = check
            .expect_status_any
            .as_ref()
            .is_none_or(|codes| codes.contains(&fetched.status));
        if ends || sent >= times {
            return Ok(Observed { fetched, sent });
        }
    }
}

/// Judge what [`observe`] saw.
pub fn judge(check: &HttpCheck, seen: &Observed) -> Outcome {
    let Some(codes) = &check.expect_status_any else {
        return evaluate(check, &seen.fetched);
    };
    if !codes.contains(&seen.fetched.status) {
        return Outcome::fail(format!(
            "no answer with status {codes:?} in {} requests (last: {})",
            seen.sent, seen.fetched.status
        ));
    }
    let mut outcome = evaluate(check, &seen.fetched);
    outcome.detail = format!("after {} requests: {}", seen.sent, outcome.detail);
    outcome
}

/// Judge a response against the expectations.
pub fn evaluate(check: &HttpCheck, got: &Fetched) -> Outcome {
    let mut problems = Vec::new();
    let status_ok = match (&check.status, &check.expect_status_any) {
        (Some(spec), _) => spec.allows(got.status),
        (None, Some(codes)) => codes.contains(&got.status),
        (None, None) => (200..300).contains(&got.status),
    };
    if !status_ok {
        let expected = match (&check.status, &check.expect_status_any) {
            (Some(StatusSpec::One(c)), _) => c.to_string(),
            (Some(StatusSpec::Any(cs)), _) | (None, Some(cs)) => format!("{cs:?}"),
            (None, None) => "2xx".into(),
        };
        problems.push((
            Status::Fail,
            format!("status {} (expected {expected})", got.status),
        ));
    }
    if let Some(budget) = check.max_latency
        && got.latency > budget
    {
        problems.push((
            Status::Fail,
            format!(
                "took {} (budget {})",
                duration::human(got.latency),
                duration::human(budget)
            ),
        ));
    }
    for (name, want) in &check.headers {
        match got.headers.get(name.as_str()).map(|v| v.to_str()) {
            None => problems.push((Status::Fail, format!("header `{name}` missing"))),
            Some(Err(_)) => problems.push((Status::Fail, format!("header `{name}` is not text"))),
            Some(Ok(v)) if !v.to_ascii_lowercase().contains(&want.to_ascii_lowercase()) => problems
                .push((
                    Status::Fail,
                    format!("header `{name}` is `{v}`, expected it to contain `{want}`"),
                )),
            Some(Ok(_)) => {}
        }
    }
    for name in &check.headers_present {
        if !got.headers.contains_key(name.as_str()) {
            problems.push((Status::Fail, format!("header `{name}` missing")));
        }
    }
    for name in &check.headers_absent {
        if let Some(v) = got.headers.get(name.as_str()) {
            let v = String::from_utf8_lossy(v.as_bytes());
            problems.push((
                Status::Fail,
                format!("header `{name}` is present (`{v}`), expected it absent"),
            ));
        }
    }
    if !check.json.is_empty() {
        problems.extend(json_problems(check, got));
    }
    if let Some(text) = &check.body_contains {
        let body = String::from_utf8_lossy(&got.body);
        if !body.contains(text.as_str()) {
            let more = if got.truncated {
                " (first 1 MiB read)"
            } else {
                ""
            };
            problems.push((
                Status::Fail,
                format!("body does not contain `{text}`{more}"),
            ));
        }
    }
    let ok = format!("{} in {}", got.status, duration::human(got.latency));
    Outcome::from_findings(ok, problems)
}

/// The body as JSON, or why it is not.
pub fn json_body(got: &Fetched) -> Result<serde_json::Value, String> {
    if got.truncated {
        return Err("body larger than 1 MiB, not parsed as JSON".into());
    }
    serde_json::from_slice(&got.body).map_err(|err| format!("body is not JSON: {err}"))
}

/// The value at a dotted path (`checks.database`, `items.0.id`).
pub fn at_path<'a>(doc: &'a serde_json::Value, path: &str) -> Option<&'a serde_json::Value> {
    doc.pointer(&format!("/{}", path.replace('.', "/")))
}

fn json_problems(check: &HttpCheck, got: &Fetched) -> Vec<(Status, String)> {
    let doc = match json_body(got) {
        Ok(doc) => doc,
        Err(err) => return vec![(Status::Fail, err)],
    };
    let mut problems = Vec::new();
    for (path, want) in &check.json {
        match at_path(&doc, path) {
            None => problems.push((Status::Fail, format!("JSON `{path}` missing"))),
            Some(v) if !same(v, want) => problems.push((
                Status::Fail,
                format!("JSON `{path}` is {v}, expected {want}"),
            )),
            Some(_) => {}
        }
    }
    problems
}

/// Equal, treating YAML scalars loosely: `200` matches `"200"` and `200.0`.
fn same(got: &serde_json::Value, want: &serde_json::Value) -> bool {
    got == want
        || match (got, want) {
            (serde_json::Value::Number(g), serde_json::Value::Number(w)) => {
                g.as_f64() == w.as_f64()
            }
            (serde_json::Value::String(g), w) | (w, serde_json::Value::String(g)) => {
                !w.is_string()
                    && !w.is_object()
                    && !w.is_array()
                    && g.as_str() == w.to_string().as_str()
            }
            _ => false,
        }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fetched(status: u16, body: &str, latency_ms: u64) -> Fetched {
        Fetched {
            status,
            headers: HeaderMap::new(),
            body: body.as_bytes().to_vec(),
            truncated: false,
            latency: Duration::from_millis(latency_ms),
        }
    }

    fn check(yaml: &str) -> HttpCheck {
        serde_saphyr::from_str(yaml).unwrap()
    }

    #[test]
    fn json_fields_status_and_latency() {
        let c = check(
            "url: http://x\njson: {status: ok, checks.database: ok, count: 3}\nmax_latency: 100ms\n",
        );
        let ok = evaluate(
            &c,
            &fetched(
                200,
                r#"{"status":"ok","checks":{"database":"ok"},"count":3}"#,
                5,
            ),
        );
        assert_eq!(ok.status, Status::Pass, "{ok:?}");
        let bad = evaluate(&c, &fetched(503, r#"{"status":"down","checks":{}}"#, 300));
        assert_eq!(bad.status, Status::Fail);
        for part in [
            "status 503",
            "took 300ms",
            "`status` is \"down\"",
            "`checks.database` missing",
        ] {
            assert!(bad.detail.contains(part), "{part}: {}", bad.detail);
        }
        assert!(!bad.detail.contains('\n'));
    }

    #[test]
    fn non_json_and_non_utf8_bodies_fail_in_one_line() {
        let c = check("url: http://x\njson: {a: 1}\nbody_contains: hi\n");
        let mut f = fetched(200, "", 1);
        f.body = vec![0xff, 0xfe, 0x00, 0x80];
        let o = evaluate(&c, &f);
        assert_eq!(o.status, Status::Fail);
        assert!(o.detail.contains("not JSON"), "{}", o.detail);
        assert!(!o.detail.contains('\n'));
    }

    #[test]
    fn repeat_judges_the_answer_that_ended_the_series() {
        let c = check(
            "url: http://x\nrepeat: 5\nexpect_status_any: [429]\nheaders_present: [retry-after]\nheaders_absent: [access-control-allow-origin]\n",
        );
        let mut got = fetched(429, "", 2);
        let seen = |fetched, sent| Observed { fetched, sent };
        let o = judge(&c, &seen(fetched(429, "", 2), 3));
        assert_eq!(o.status, Status::Fail);
        assert_eq!(o.detail, "after 3 requests: header `retry-after` missing");
        got.headers.insert("retry-after", "7".parse().unwrap());
        got.headers
            .insert("access-control-allow-origin", "*".parse().unwrap());
        let o = judge(&c, &seen(got, 3));
        assert_eq!(
            o.detail,
            "after 3 requests: header `access-control-allow-origin` is present (`*`), expected it absent"
        );
        let o = judge(&c, &seen(fetched(401, "", 2), 5));
        assert_eq!(
            o.detail,
            "no answer with status [429] in 5 requests (last: 401)"
        );
    }

    #[test]
    fn loose_scalar_match() {
        assert!(same(&serde_json::json!("200"), &serde_json::json!(200)));
        assert!(same(&serde_json::json!(true), &serde_json::json!("true")));
        assert!(!same(&serde_json::json!("x"), &serde_json::json!(1)));
        assert!(same(&serde_json::json!(4321.0), &serde_json::json!(4321)));
    }
}
