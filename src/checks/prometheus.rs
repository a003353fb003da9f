//! The `prometheus` kind: a PromQL instant query compared to a threshold
//! (`below` / `above`). Covers "p95 < 500 ms", "error rate < 0.1 %", "alert
//! rules loaded" and anything else Prometheus knows.

use serde::Deserialize;

use super::http::{TlsOptions, fetch};
use super::{Outcome, one_line};

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PrometheusCheck {
    /// Prometheus base URL, usually `{{ env.prometheus_url }}`.
    pub url: String,
    pub query: String,
    /// Every sample must be below this.
    #[serde(default)]
    pub below: Option<f64>,
    /// Every sample must be above this.
    #[serde(default)]
    pub above: Option<f64>,
    /// Pass when the query returns no samples (default: fail, "no data").
    #[serde(default)]
    pub empty_ok: bool,
}

pub async fn run(check: &PrometheusCheck) -> Outcome {
    let mut url = match url::Url::parse(&check.url).and_then(|u| u.join("api/v1/query")) {
        Ok(u) => u,
        Err(err) => {
            return Outcome::error(format!("invalid prometheus url `{}`: {err}", check.url));
        }
    };
    url.query_pairs_mut().append_pair("query", &check.query);
    let got = match fetch("GET", url.as_str(), &TlsOptions::default()).await {
        Ok(got) => got,
        Err(err) => {
            return Outcome::error(format!(
                "prometheus at {}: {}",
                check.url,
                one_line(err.as_ref())
            ));
        }
    };
    match samples(&got.body) {
        Ok(values) => judge(check, &values),
        Err(err) => Outcome::error(format!("prometheus answered {}: {err}", got.status)),
    }
}

/// The sample values of an instant-query response (vector or scalar).
pub fn samples(body: &[u8]) -> Result<Vec<(String, f64)>, String> {
    let doc: serde_json::Value =
        serde_json::from_slice(body).map_err(|e| format!("not JSON: {e}"))?;
    if doc["status"] != "success" {
        return Err(format!(
            "query failed: {}",
            doc["error"].as_str().unwrap_or("unknown error")
        ));
    }
    let value = |v: &serde_json::Value| v[1].as_str().and_then(|s| s.parse::<f64>().ok());
    let data = &doc["data"];
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

pub fn judge(check: &PrometheusCheck, values: &[(String, f64)]) -> Outcome {
    if values.is_empty() {
        return if check.empty_ok {
            Outcome::pass("no samples")
        } else {
            Outcome::fail(format!("no data for `{}`", check.query))
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
            query: "q".into(),
            below: Some(0.5),
            above: None,
            empty_ok: false,
        };
        assert_eq!(judge(&c, &vals).status, Status::Pass);
        let c = PrometheusCheck {
            below: Some(0.4),
            ..c
        };
        let o = judge(&c, &vals);
        assert_eq!(o.status, Status::Fail);
        assert!(o.detail.contains("route"), "{}", o.detail);
        assert_eq!(judge(&c, &[]).status, Status::Fail);
        assert!(
            samples(br#"{"status":"error","error":"bad"}"#)
                .unwrap_err()
                .contains("bad")
        );
    }
}
