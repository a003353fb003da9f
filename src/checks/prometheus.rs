//! The `prometheus` kind: a PromQL instant query compared to a threshold
//! (`below` / `above`), named alerting and recording rules loaded and
//! healthy (`rules:`, from `/api/v1/rules`), and which alerts fire
//! (`alerts_firing:`, from `/api/v1/alerts`). Covers "p95 < 500 ms", "error
//! rate < 0.1 %", "alert rules for critical metrics" and anything else
//! Prometheus knows. Each part asked for is one request; the findings of all
//! of them make the outcome.

use serde::Deserialize;

use super::http::{TlsOptions, fetch};
use super::{Outcome, one_line};
use crate::report::Status;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PrometheusCheck {
    /// Prometheus base URL, usually `{{ env.prometheus_url }}`.
    pub url: String,
    #[serde(default)]
    pub query: Option<String>,
    /// Every sample must be below this.
    #[serde(default)]
    pub below: Option<f64>,
    /// Every sample must be above this.
    #[serde(default)]
    pub above: Option<f64>,
    /// Pass when the query returns no samples (default: fail, "no data").
    #[serde(default)]
    pub empty_ok: bool,
    /// Alerting or recording rules that must be loaded, and not failing.
    #[serde(default)]
    pub rules: Vec<String>,
    /// `none`: no alert may be firing; a list: each of these must be firing.
    #[serde(default)]
    pub alerts_firing: Option<Firing>,
}

/// `alerts_firing:`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Firing {
    None,
    These(Vec<String>),
}

impl<'de> Deserialize<'de> for Firing {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Raw {
            Word(String),
            Names(Vec<String>),
        }
        match Raw::deserialize(d)? {
            Raw::Word(w) if w == "none" => Ok(Firing::None),
            Raw::Word(w) => Err(serde::de::Error::custom(format!(
                "alerts_firing `{w}`: write `none` or a list of alert names"
            ))),
            Raw::Names(names) => Ok(Firing::These(names)),
        }
    }
}

pub async fn run(check: &PrometheusCheck) -> Outcome {
    let mut findings = Vec::new();
    let mut passed = Vec::new();
    let mut parts: Vec<(&str, Outcome)> = Vec::new();
    if let Some(query) = &check.query {
        let outcome = match get(check, "api/v1/query", Some(query)).await {
            Ok(body) => match samples(&body) {
                Ok(values) => judge(check, query, &values),
                Err(err) => Outcome::error(format!("prometheus query: {err}")),
            },
            Err(outcome) => outcome,
        };
        parts.push(("query", outcome));
    }
    if !check.rules.is_empty() {
        let outcome = match get(check, "api/v1/rules", None).await {
            Ok(body) => judge_rules(&check.rules, &body),
            Err(outcome) => outcome,
        };
        parts.push(("rules", outcome));
    }
    if let Some(firing) = &check.alerts_firing {
        let outcome = match get(check, "api/v1/alerts", None).await {
            Ok(body) => judge_alerts(firing, &body),
            Err(outcome) => outcome,
        };
        parts.push(("alerts", outcome));
    }
    for (_, outcome) in parts {
        if outcome.status == Status::Pass {
            passed.push(outcome.detail);
        } else {
            findings.push((outcome.status, outcome.detail));
        }
    }
    Outcome::from_findings(passed.join("; "), findings)
}

/// The body of `GET {url}/{path}[?query=…]`, or the error outcome.
async fn get(check: &PrometheusCheck, path: &str, query: Option<&str>) -> Result<Vec<u8>, Outcome> {
    let params: Vec<(&str, &str)> = query.map(|q| ("query", q)).into_iter().collect();
    api_get(&check.url, path, &params)
        .await
        .map_err(Outcome::error)
}

/// The body of `GET {base}/{path}?{params}` from a Prometheus API, or why
/// not (naming the URL). An error status comes with Prometheus' JSON error
/// body, read by [`data`].
pub async fn api_get(base: &str, path: &str, params: &[(&str, &str)]) -> Result<Vec<u8>, String> {
    let mut url = url::Url::parse(base)
        .and_then(|u| u.join(path))
        .map_err(|err| format!("invalid prometheus url `{base}`: {err}"))?;
    if !params.is_empty() {
        url.query_pairs_mut().extend_pairs(params);
    }
    let got = fetch("GET", url.as_str(), &TlsOptions::default())
        .await
        .map_err(|err| format!("prometheus at {base}: {}", one_line(err.as_ref())))?;
    Ok(got.body)
}

/// One series of a range query: its labels and its points' values.
pub type Series = (String, Vec<f64>);

/// `query_range` of `query` from `start` to `end` (Unix seconds) every
/// `step` seconds: each series' points, oldest first.
pub async fn query_range(
    base: &str,
    query: &str,
    (start, end): (f64, f64),
    step: f64,
) -> Result<Vec<Series>, String> {
    let (start, end, step) = (start.to_string(), end.to_string(), step.to_string());
    let params = [
        ("query", query),
        ("start", start.as_str()),
        ("end", end.as_str()),
        ("step", step.as_str()),
    ];
    let body = api_get(base, "api/v1/query_range", &params).await?;
    range_samples(&body)
}

/// The series of a range-query response (a `matrix`); points whose value
/// is not a number (`NaN` parses, and is kept: it fails every comparison).
pub fn range_samples(body: &[u8]) -> Result<Vec<Series>, String> {
    let data = data(body)?;
    if data["resultType"] != "matrix" {
        return Err(format!(
            "unsupported result type {:?} for a range query",
            data["resultType"].as_str()
        ));
    }
    Ok(data["result"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|s| {
            let points = s["values"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|p| p[1].as_str().and_then(|v| v.parse::<f64>().ok()))
                .collect();
            (s["metric"].to_string(), points)
        })
        .collect())
}

/// The `data` of a successful API answer.
fn data(body: &[u8]) -> Result<serde_json::Value, String> {
    let mut doc: serde_json::Value =
        serde_json::from_slice(body).map_err(|e| format!("not JSON: {e}"))?;
    if doc["status"] != "success" {
        return Err(format!(
            "request failed: {}",
            doc["error"].as_str().unwrap_or("unknown error")
        ));
    }
    Ok(doc["data"].take())
}

/// Every named rule is loaded (in any group) and its last evaluation did not fail.
pub fn judge_rules(names: &[String], body: &[u8]) -> Outcome {
    let data = match data(body) {
        Ok(d) => d,
        Err(err) => return Outcome::error(format!("prometheus rules: {err}")),
    };
    let loaded: Vec<&serde_json::Value> = data["groups"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|g| g["rules"].as_array().into_iter().flatten())
        .collect();
    let mut problems = Vec::new();
    for name in names {
        match loaded.iter().find(|r| r["name"] == name.as_str()) {
            None => problems.push((Status::Fail, format!("rule `{name}` is not loaded"))),
            Some(rule) if rule["health"] == "err" => problems.push((
                Status::Fail,
                format!(
                    "rule `{name}` fails to evaluate: {}",
                    rule["lastError"].as_str().unwrap_or("no error text")
                ),
            )),
            Some(_) => {}
        }
    }
    Outcome::from_findings(
        format!(
            "{} of {} rules loaded and healthy",
            names.len(),
            loaded.len()
        ),
        problems,
    )
}

/// The firing alerts (state `firing`; `pending` ones are not yet firing)
/// against `alerts_firing`.
pub fn judge_alerts(want: &Firing, body: &[u8]) -> Outcome {
    let data = match data(body) {
        Ok(d) => d,
        Err(err) => return Outcome::error(format!("prometheus alerts: {err}")),
    };
    let mut firing: Vec<String> = data["alerts"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|a| a["state"] == "firing")
        .filter_map(|a| a["labels"]["alertname"].as_str().map(str::to_string))
        .collect();
    firing.sort();
    firing.dedup();
    match want {
        Firing::None if firing.is_empty() => Outcome::pass("no alert firing"),
        Firing::None => Outcome::fail(format!("firing: {}", firing.join(", "))),
        Firing::These(names) => {
            let missing: Vec<&str> = names
                .iter()
                .filter(|n| !firing.contains(n))
                .map(String::as_str)
                .collect();
            if missing.is_empty() {
                Outcome::pass(format!("firing: {}", firing.join(", ")))
            } else {
                let now = if firing.is_empty() {
                    "none".to_string()
                } else {
                    firing.join(", ")
                };
                Outcome::fail(format!(
                    "not firing: {} (firing: {now})",
                    missing.join(", ")
                ))
            }
        }
    }
}

/// The sample values of an instant-query response (vector or scalar).
pub fn samples(body: &[u8]) -> Result<Vec<(String, f64)>, String> {
    let data = data(body)?;
    let value = |v: &serde_json::Value| v[1].as_str().and_then(|s| s.parse::<f64>().ok());
    match data["resultType"].as_str() {
        Some("vector") => Ok(data["result"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|s| Some((s["metric"].to_string(), value(&s["value"])?)))
            .collect()),
        Some("scalar") => Ok(value(&data["result"])
            .map(|v| vec![(String::new(), v)])
            .unwrap_or_default()),
        other => Err(format!("unsupported result type {other:?}")),
    }
}

pub fn judge(check: &PrometheusCheck, query: &str, values: &[(String, f64)]) -> Outcome {
    // `histogram_quantile` over a window with no observations is NaN, which
    // compares false both ways: it is no data, never a pass of `below`.
    if !values.is_empty() && values.iter().all(|(_, v)| v.is_nan()) {
        return if check.empty_ok {
            Outcome::pass("no samples (NaN)")
        } else {
            Outcome::fail(format!(
                "no data for `{query}` (NaN: nothing observed in the window)"
            ))
        };
    }
    if values.is_empty() {
        return if check.empty_ok {
            Outcome::pass("no samples")
        } else {
            Outcome::fail(format!("no data for `{query}`"))
        };
    }
    for (labels, v) in values {
        let at = if labels.is_empty() || labels == "{}" {
            String::new()
        } else {
            format!(" at {labels}")
        };
        if let Some(max) = check.below
            && *v >= max
        {
            return Outcome::fail(format!("{v} is not below {max}{at}"));
        }
        if let Some(min) = check.above
            && *v <= min
        {
            return Outcome::fail(format!("{v} is not above {min}{at}"));
        }
    }
    let shown: Vec<_> = values.iter().take(3).map(|(_, v)| v.to_string()).collect();
    Outcome::pass(format!("value {}", shown.join(", ")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::Status;

    #[test]
    fn vector_threshold() {
        let body = br#"{"status":"success","data":{"resultType":"vector","result":[{"metric":{"route":"/a"},"value":[1,"0.42"]}]}}"#;
        let vals = samples(body).unwrap();
        let c = PrometheusCheck {
            url: String::new(),
            query: Some("q".into()),
            below: Some(0.5),
            above: None,
            empty_ok: false,
            rules: vec![],
            alerts_firing: None,
        };
        assert_eq!(judge(&c, "q", &vals).status, Status::Pass);
        let c = PrometheusCheck {
            below: Some(0.4),
            ..c
        };
        let o = judge(&c, "q", &vals);
        assert_eq!(o.status, Status::Fail);
        assert!(o.detail.contains("route"), "{}", o.detail);
        assert_eq!(judge(&c, "q", &[]).status, Status::Fail);
        let nan = judge(&c, "q", &[(String::new(), f64::NAN)]);
        assert_eq!(nan.status, Status::Fail);
        assert!(
            nan.detail.starts_with("no data for `q` (NaN"),
            "{}",
            nan.detail
        );
        assert!(
            samples(br#"{"status":"error","error":"bad"}"#)
                .unwrap_err()
                .contains("bad")
        );
    }

    #[test]
    fn a_check_must_ask_something_and_thresholds_need_a_query() {
        let text = |check: &str| {
            format!(
                "name: c\nsections:\n  - name: s\n    items:\n      - id: a\n        title: A\n        check: {{ kind: prometheus, url: 'http://p/'{check} }}\n"
            )
        };
        let err = |check: &str| {
            crate::checklist::parse(&text(check), std::path::Path::new("c.yaml"), &|_| None)
                .unwrap_err()
                .to_string()
        };
        assert!(err("").contains("needs `query`, `rules` or `alerts_firing`"));
        assert!(err(", rules: [X], below: 1").contains("`below` needs a `query`"));
        assert!(err(", alerts_firing: some").contains("write `none` or a list"));
        let ok = crate::checklist::parse(
            &text(", alerts_firing: none"),
            std::path::Path::new("c.yaml"),
            &|_| None,
        );
        assert!(ok.is_ok());
    }
}
