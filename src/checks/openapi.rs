//! The `openapi` kind: every operation of the server's OpenAPI 3 document
//! that needs no path parameter is called (`GET` only, unless `methods`
//! lists more; no body) and must answer without a 5xx and with a status the
//! document lists for it (`200`, a range like `2XX`, or `default`).

use std::collections::BTreeMap;
use std::path::PathBuf;

use futures::StreamExt;
use serde::Deserialize;

use super::Outcome;
use super::http::{self, TlsOptions};
use crate::report::Status;

/// Operations called at once.
const IN_FLIGHT: usize = 8;

/// Methods an OpenAPI path item may hold.
const METHODS: &[&str] = &[
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OpenapiCheck {
    /// The API's base URL: operations are called at `url` + their path.
    pub url: String,
    /// Where the document is: a path under `url` or a full URL.
    #[serde(default = "default_document")]
    pub document: String,
    /// Methods to call (default `[GET]`); mutating ones only when listed.
    #[serde(default)]
    pub methods: Vec<String>,
    /// Paths not to call.
    #[serde(default)]
    pub exclude: Vec<String>,
    /// Headers sent with every call (e.g. `authorization`).
    #[serde(default)]
    pub request_headers: BTreeMap<String, String>,
    #[serde(default)]
    pub ca_file: Option<PathBuf>,
    #[serde(default)]
    pub insecure: bool,
}

fn default_document() -> String {
    "/api/openapi.json".into()
}

/// One operation to call, with its documented statuses.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Operation {
    method: String,
    path: String,
    documented: Vec<String>,
}

/// The operations of `doc` to call, and how many were skipped for a path
/// parameter, or why the document is unusable.
fn operations(
    doc: &serde_json::Value,
    methods: &[String],
    exclude: &[String],
) -> Result<(Vec<Operation>, usize), String> {
    let paths = doc
        .get("paths")
        .and_then(|p| p.as_object())
        .ok_or("the document has no `paths` object (not OpenAPI 3?)")?;
    let mut ops = Vec::new();
    let mut with_params = 0;
    for (path, item) in paths {
        if exclude.contains(path) {
            continue;
        }
        for method in METHODS {
            let Some(op) = item.get(*method) else {
                continue;
            };
            if !methods.iter().any(|m| m.eq_ignore_ascii_case(method)) {
                continue;
            }
            if path.contains('{') {
                with_params += 1;
                continue;
            }
            let documented = op
                .get("responses")
                .and_then(|r| r.as_object())
                .map(|r| r.keys().cloned().collect())
                .unwrap_or_default();
            ops.push(Operation {
                method: method.to_ascii_uppercase(),
                path: path.clone(),
                documented,
            });
        }
    }
    Ok((ops, with_params))
}

/// Whether `status` is among the documented response keys.
fn documented(keys: &[String], status: u16) -> bool {
    let code = status.to_string();
    keys.iter().any(|k| {
        k == "default"
            || *k == code
            || (k.len() == 3
                && k[1..].eq_ignore_ascii_case("XX")
                && k.as_bytes()[0] == code.as_bytes()[0])
    })
}

fn join(base: &str, path: &str) -> String {
    if path.starts_with("http://") || path.starts_with("https://") {
        path.to_string()
    } else {
        format!("{}{path}", base.trim_end_matches('/'))
    }
}

pub async fn run(check: &OpenapiCheck) -> Outcome {
    let tls = TlsOptions {
        ca_file: check.ca_file.clone(),
        insecure: check.insecure,
    };
    let client = match http::client(&tls) {
        Ok(c) => c,
        Err(err) => return Outcome::error(format!("{err:#}")),
    };
    let doc_url = join(&check.url, &check.document);
    let fetched = match http::send(&client, "GET", &doc_url, &check.request_headers, None).await {
        Ok(f) => f,
        Err(err) => return Outcome::error(format!("GET {doc_url}: {err:#}")),
    };
    if fetched.status != 200 {
        return Outcome::fail(format!(
            "GET {doc_url} answered {} (expected 200)",
            fetched.status
        ));
    }
    let doc = match http::json_body(&fetched) {
        Ok(doc) => doc,
        Err(err) => return Outcome::fail(format!("{doc_url}: {err}")),
    };
    let methods = if check.methods.is_empty() {
        vec!["GET".to_string()]
    } else {
        check.methods.clone()
    };
    let (ops, with_params) = match operations(&doc, &methods, &check.exclude) {
        Ok(found) => found,
        Err(err) => return Outcome::fail(format!("{doc_url}: {err}")),
    };
    if ops.is_empty() {
        return Outcome::fail(format!(
            "{doc_url} documents no {} operation without a path parameter",
            methods.join("/")
        ));
    }
    let results: Vec<(Operation, Result<u16, String>)> = futures::stream::iter(ops)
        .map(|op| {
            let client = &client;
            async move {
                let url = join(&check.url, &op.path);
                let got = http::send(client, &op.method, &url, &check.request_headers, None)
                    .await
                    .map(|f| f.status)
                    .map_err(|e| format!("{e:#}"));
                (op, got)
            }
        })
        .buffer_unordered(IN_FLIGHT)
        .collect()
        .await;
    verdict(results, with_params)
}

fn verdict(mut results: Vec<(Operation, Result<u16, String>)>, with_params: usize) -> Outcome {
    results.sort_by(|a, b| (&a.0.path, &a.0.method).cmp(&(&b.0.path, &b.0.method)));
    let mut problems = Vec::new();
    for (op, got) in &results {
        let what = format!("{} {}", op.method, op.path);
        match got {
            Err(err) => problems.push((Status::Error, format!("{what}: {err}"))),
            Ok(code) if *code >= 500 => {
                problems.push((Status::Fail, format!("{what} answered {code}")));
            }
            Ok(code) if !documented(&op.documented, *code) => problems.push((
                Status::Fail,
                format!(
                    "{what} answered {code}, not in its documented statuses ({})",
                    op.documented.join(", ")
                ),
            )),
            Ok(_) => {}
        }
    }
    let ok = format!(
        "{} operations answered as documented ({} with path parameters not called)",
        results.len(),
        with_params
    );
    Outcome::from_findings(ok, problems)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn documented_statuses_ranges_and_default() {
        let keys = |ks: &[&str]| ks.iter().map(|k| k.to_string()).collect::<Vec<_>>();
        assert!(documented(&keys(&["200", "401"]), 401));
        assert!(!documented(&keys(&["200", "401"]), 404));
        assert!(documented(&keys(&["2XX"]), 204));
        assert!(documented(&keys(&["default"]), 418));
    }

    #[test]
    fn only_listed_methods_without_path_parameters() {
        let doc = serde_json::json!({"paths": {
            "/a": {"get": {"responses": {"200": {}}}, "post": {"responses": {"201": {}}}},
            "/a/{id}": {"get": {"responses": {"200": {}}}},
            "/skip": {"get": {}}
        }});
        let (ops, params) = operations(&doc, &["GET".into()], &["/skip".into()]).unwrap();
        assert_eq!(params, 1);
        assert_eq!(
            ops,
            [Operation {
                method: "GET".into(),
                path: "/a".into(),
                documented: vec!["200".into()]
            }]
        );
        let (ops, _) = operations(&doc, &["get".into(), "POST".into()], &[]).unwrap();
        assert_eq!(ops.len(), 3);
        assert!(operations(&serde_json::json!({}), &[], &[]).is_err());
    }
}
