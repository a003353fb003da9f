//! What Prometheus and an on-call engineer read: `/metrics` passes
//! `promtool check metrics` (the exposition format and its naming lint), and
//! the shipped `monitoring/` rules pass `promtool check rules` and their own
//! unit tests (`promtool test rules`, alerts fired by synthetic series).

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use reqwest::Method;
use serde_json::json;

use super::{App, Backend};

crate::both!(metrics_pass_promtool_and_carry_the_contracted_names);

/// Prometheus' own checker, from Debian's `prometheus` package.
fn promtool(args: &[&str], stdin: Option<&str>) -> Output {
    let mut child = Command::new("promtool")
        .args(args)
        .current_dir(Path::new(env!("CARGO_MANIFEST_DIR")))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect(
            "promtool not found: install Debian's `prometheus` (apt-get install prometheus; scripts/test does it when missing)",
        );
    let mut input = child.stdin.take().unwrap();
    input.write_all(stdin.unwrap_or("").as_bytes()).unwrap();
    drop(input);
    child.wait_with_output().unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

async fn metrics_pass_promtool_and_carry_the_contracted_names(backend: Backend) {
    let app = App::spawn(backend).await;
    let (token, _) = app.register("metrics@example.com").await;
    let (status, _) = app
        .call(
            Method::POST,
            "/api/entries",
            Some(&token),
            Some(json!({"kind": "nope"})),
        )
        .await;
    assert_eq!(status, 422);
    app.get("/api/no-such-route", None).await;
    let metrics = app.text("/metrics").await;

    let out = promtool(&["check", "metrics"], Some(&metrics));
    assert!(
        out.status.success() && out.stdout.is_empty() && out.stderr.is_empty(),
        "promtool check metrics: {}{}\n{metrics}",
        text(&out.stdout),
        text(&out.stderr)
    );
    for name in [
        "http_requests_total{route=\"/api/auth/register\",method=\"POST\",status=\"201\"} 1",
        "http_request_duration_seconds_bucket{route=\"/api/entries\",method=\"POST\",le=\"+Inf\"} 1",
        "http_request_errors_total{route=\"/api/entries\",class=\"client\"} 1",
        "rate_limit_rejections_total{scope=\"ip\"} 0",
        "cache_requests_total{cache=\"flags\",result=\"hit\"}",
        "db_pool_connections{state=\"max\"} 16",
        "db_query_duration_seconds_count ",
        "db_pool_wait_seconds_count ",
        "hctl_build_info{version=",
        "hctl_background_restarts_total 0",
        "hctl_error_tracking_enabled 0",
        "hctl_error_tracking_events_total{outcome=\"failed\"} 0",
        "process_resident_memory_bytes ",
        "process_open_fds ",
    ] {
        assert!(metrics.contains(name), "{name} in\n{metrics}");
    }
    // Each wait for a PostgreSQL pool connection is measured (SQLite's are
    // not). The histogram is the process's, shared with concurrent tests: a
    // request must add to it, whatever the others do.
    if backend == Backend::Postgres {
        let before = pool_waits(&metrics);
        let (status, _) = app.get("/api/entries", Some(&token)).await;
        assert_eq!(status, 200);
        let after = pool_waits(&app.text("/metrics").await);
        assert!(
            after > before,
            "pool waits {before} -> {after} across a query"
        );
    }
    // Every hctl series the shipped dashboard and rules select is one the
    // server exposes (the others come from Prometheus and postgres_exporter).
    for (file, expr) in shipped_queries() {
        for name in selected_metrics(&expr) {
            let foreign = ["up", "ALERTS"].contains(&name.as_str()) || name.starts_with("pg_");
            assert!(
                foreign || name.contains(':') || metrics.contains(&format!("\n{name}")),
                "{file} selects `{name}`, which /metrics does not have:\n{expr}"
            );
        }
    }
    app.stop().await.expect("graceful stop");
}

fn pool_waits(metrics: &str) -> u64 {
    metrics
        .lines()
        .find_map(|l| l.strip_prefix("db_pool_wait_seconds_count "))
        .and_then(|n| n.trim().parse().ok())
        .unwrap_or_else(|| panic!("db_pool_wait_seconds_count in\n{metrics}"))
}

/// Every PromQL expression of `monitoring/`: the rules' `expr` and the
/// dashboard panels' targets (`$job` as Grafana's "All", `.*`).
fn shipped_queries() -> Vec<(String, String)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("monitoring");
    let mut queries = Vec::new();
    for file in monitoring_files("monitoring") {
        let rules: serde_json::Value =
            serde_saphyr::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
        for group in rules["groups"].as_array().unwrap() {
            for rule in group["rules"].as_array().unwrap() {
                let expr = rule["expr"].as_str().unwrap().to_string();
                queries.push((file.display().to_string(), expr));
            }
        }
    }
    let dashboard = root.join("grafana/hctl-api.json");
    let panels: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&dashboard).unwrap()).unwrap();
    for panel in panels["panels"].as_array().unwrap() {
        for target in panel["targets"].as_array().unwrap() {
            let expr = target["expr"].as_str().unwrap().replace("$job", ".*");
            queries.push((dashboard.display().to_string(), expr));
        }
    }
    queries
}

/// The metric names an expression selects: identifiers followed by `{`.
fn selected_metrics(expr: &str) -> Vec<String> {
    let mut names = Vec::new();
    let mut word = String::new();
    let mut in_string = false;
    for c in expr.chars() {
        if c == '"' {
            in_string = !in_string;
        }
        if !in_string && (c.is_ascii_alphanumeric() || c == '_' || c == ':') {
            word.push(c);
            continue;
        }
        if c == '{' && !word.is_empty() {
            names.push(word.clone());
        }
        word.clear();
    }
    names
}

fn monitoring_files(dir: &str) -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join(dir);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "yml"))
        .collect();
    files.sort();
    files
}

#[test]
fn shipped_rules_pass_promtool_check_and_their_unit_tests() {
    let rules = monitoring_files("monitoring");
    assert!(rules.len() >= 2, "{rules:?}");
    let rules: Vec<&str> = rules.iter().map(|p| p.to_str().unwrap()).collect();
    let out = promtool(&[&["check", "rules"][..], &rules].concat(), None);
    assert!(
        out.status.success(),
        "{}{}",
        text(&out.stdout),
        text(&out.stderr)
    );

    // The dashboard's queries parse: promtool checks them as recording rules.
    let dir = tempfile::tempdir().unwrap();
    let mut panels = String::from("groups:\n  - name: dashboard\n    rules:\n");
    for (i, (_, expr)) in shipped_queries().iter().enumerate() {
        panels.push_str(&format!(
            "      - record: dashboard:query_{i}\n        expr: {}\n",
            serde_json::to_string(expr).unwrap()
        ));
    }
    let queries = dir.path().join("dashboard.yml");
    std::fs::write(&queries, panels).unwrap();
    let out = promtool(&["check", "rules", queries.to_str().unwrap()], None);
    assert!(
        out.status.success(),
        "dashboard queries: {}{}",
        text(&out.stdout),
        text(&out.stderr)
    );

    let tests = monitoring_files("monitoring/tests");
    assert!(!tests.is_empty());
    let tests: Vec<&str> = tests.iter().map(|p| p.to_str().unwrap()).collect();
    let out = promtool(&[&["test", "rules"][..], &tests].concat(), None);
    assert!(
        out.status.success(),
        "promtool test rules: {}{}",
        text(&out.stdout),
        text(&out.stderr)
    );
}
