//! `hctl flags ramp` against a real `hctl serve` and a real Prometheus that
//! scrapes a test-owned exporter (a tokio listener serving exposition text
//! whose value the test sets): a healthy series reaches 100 %, a series that
//! breaks at step 2 sets the flag back with the reason in the audit log, and
//! a missing series holds the ramp (never a pass) and resumes from the
//! recorded step when run again, as an interrupted (Ctrl-C) ramp does; and
//! a ramp runs as a playbook step.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use reqwest::Method;
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use super::{ADMIN_TOKEN, App, Backend};
use crate::support::prometheus::Prometheus;
use crate::support::{Run, Sandbox};

/// The exporter's one gauge, `ramp_test_error_ratio`; `None` serves nothing.
type Value_ = Arc<Mutex<Option<f64>>>;

/// Serve `/metrics` on a free loopback port until the test ends.
async fn exporter(value: Value_) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap().to_string();
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            let value = value.clone();
            tokio::spawn(async move {
                let mut buf = [0u8; 4096];
                let _ = stream.read(&mut buf).await;
                let v = *value.lock().unwrap();
                let body = v.map_or(String::new(), |v| {
                    format!("# TYPE ramp_test_error_ratio gauge\nramp_test_error_ratio {v}\n")
                });
                let head = format!(
                    "HTTP/1.1 200 OK\r\ncontent-type: text/plain; version=0.0.4\r\ncontent-length: {}\r\nconnection: close\r\n\r\n",
                    body.len()
                );
                let _ = stream.write_all(head.as_bytes()).await;
                let _ = stream.write_all(body.as_bytes()).await;
            });
        }
    });
    addr
}

const RULES: &str = "groups:\n  - name: ramp-test\n    rules:\n      - record: ramp_test:up\n        expr: vector(1)\n";

struct Setup {
    app: App,
    prom: Prometheus,
    value: Value_,
}

async fn setup(initial: Option<f64>) -> Setup {
    let app = App::spawn(Backend::Sqlite).await;
    let (status, body) = app
        .call(
            Method::POST,
            "/api/feature-flags",
            Some(ADMIN_TOKEN),
            Some(json!({"name": "checkout"})),
        )
        .await;
    assert_eq!(status, 201, "{body}");
    let value: Value_ = Arc::new(Mutex::new(initial));
    let target = exporter(value.clone()).await;
    let prom =
        tokio::task::spawn_blocking(move || Prometheus::scraping(&[RULES], &[("test", &target)]))
            .await
            .unwrap();
    if initial.is_some() {
        wait_for_series(&prom).await;
    }
    Setup { app, prom, value }
}

/// Until Prometheus has scraped the exporter's gauge twice.
async fn wait_for_series(prom: &Prometheus) {
    let mut url = url::Url::parse(&format!("{}api/v1/query", prom.url)).unwrap();
    url.query_pairs_mut()
        .append_pair("query", "count_over_time(ramp_test_error_ratio[1m])");
    let deadline = Instant::now() + Duration::from_secs(20);
    while Instant::now() < deadline {
        let answer: Value = super::client()
            .get(url.as_str())
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let n = answer["data"]["result"][0]["value"][1]
            .as_str()
            .and_then(|v| v.parse::<f64>().ok())
            .unwrap_or(0.0);
        if n >= 2.0 {
            return;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    panic!("prometheus at {} never scraped the test exporter", prom.url);
}

/// `hctl flags ramp checkout ARGS -o json` against the app and Prometheus.
async fn ramp(s: &Setup, args: &[&str]) -> Run {
    let mut argv: Vec<String> = ["-o", "json", "flags", "ramp", "checkout"]
        .iter()
        .chain(args)
        .map(|a| a.to_string())
        .collect();
    argv.push("--steps=1,10,50,100".into());
    let env = [
        ("HCTL_URL".to_string(), s.app.base.clone()),
        ("HCTL_ADMIN_TOKEN".to_string(), ADMIN_TOKEN.to_string()),
        ("HCTL_PROMETHEUS_URL".to_string(), s.prom.url.clone()),
    ];
    tokio::task::spawn_blocking(move || {
        let argv: Vec<&str> = argv.iter().map(String::as_str).collect();
        let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        Sandbox::new().run_with(&argv, &env)
    })
    .await
    .unwrap()
}

async fn flag(app: &App) -> Value {
    app.get("/api/feature-flags/checkout", Some(ADMIN_TOKEN))
        .await
        .1
}

async fn audit(app: &App) -> Vec<Value> {
    let (status, rows) = app
        .get("/api/feature-flags/checkout/audit", Some(ADMIN_TOKEN))
        .await;
    assert_eq!(status, 200, "{rows}");
    rows.as_array().unwrap().clone()
}

/// The decisions' actions of a ramp result.
fn actions(result: &Value) -> Vec<&str> {
    result["decisions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["action"].as_str().unwrap())
        .collect()
}

/// Until the flag's rollout is `pct` (the ramp got there).
async fn until_rollout(app: &App, pct: u8) {
    let deadline = Instant::now() + Duration::from_secs(30);
    while flag(app).await["rolloutPercentage"] != pct {
        assert!(Instant::now() < deadline, "the ramp never reached {pct}%");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

fn json_of(run: &Run) -> Value {
    serde_json::from_str(&run.stdout).unwrap_or_else(|e| panic!("{e}: {}", run.stdout))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_healthy_ramp_reaches_100_and_every_step_is_audited() {
    let s = setup(Some(0.01)).await;
    let started = Instant::now();
    let run = ramp(
        &s,
        &[
            "--interval=2s",
            "--resolution=1s",
            "--min-samples=2",
            "--guard=max(ramp_test_error_ratio) < 0.05",
        ],
    )
    .await;
    run.code(0);
    let took = started.elapsed();
    let result = json_of(&run);
    assert_eq!(result["outcome"], "completed", "{result}");
    assert_eq!(result["rollout"], 100);
    let actions = actions(&result);
    assert_eq!(actions, ["raise", "raise", "raise", "raise", "complete"]);
    let guard = &result["decisions"][1]["guards"][0];
    assert_eq!(guard["verdict"], "pass", "{guard}");
    assert!(guard["samples"].as_u64().unwrap() >= 2, "{guard}");
    assert_eq!(guard["value"], 0.01);
    for pct in ["rollout 1%", "rollout 10%", "rollout 50%", "rollout 100%"] {
        assert!(
            run.stderr.contains(pct),
            "stderr lacks {pct}: {}",
            run.stderr
        );
    }
    let f = flag(&s.app).await;
    assert_eq!(
        (f["enabled"].clone(), f["rolloutPercentage"].clone()),
        (json!(true), json!(100))
    );
    // Newest first: the completion note, then the four raises.
    let rows = audit(&s.app).await;
    let ramp_rows: Vec<&Value> = rows
        .iter()
        .filter(|r| r["detail"]["context"]["ramp"].is_object())
        .collect();
    assert_eq!(ramp_rows.len(), 5, "{rows:?}");
    assert_eq!(ramp_rows[0]["action"], "flag.note");
    assert_eq!(
        ramp_rows[0]["detail"]["context"]["ramp"]["state"],
        "completed"
    );
    assert_eq!(ramp_rows[1]["action"], "flag.update");
    assert_eq!(ramp_rows[1]["detail"]["after"]["rolloutPercentage"], 100);
    assert!(
        ramp_rows[1]["detail"]["note"]
            .as_str()
            .unwrap()
            .contains("50% held"),
        "{}",
        ramp_rows[1]
    );
    eprintln!("healthy ramp of 4 steps at 2s: {took:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_breach_at_step_2_turns_the_flag_off_and_the_audit_says_why() {
    let s = setup(Some(0.01)).await;
    let running = ramp(
        &s,
        &[
            "--interval=3s",
            "--resolution=1s",
            "--guard=max(ramp_test_error_ratio) < 0.05",
        ],
    );
    let breaker = async {
        until_rollout(&s.app, 10).await;
        *s.value.lock().unwrap() = Some(0.5);
    };
    let (run, ()) = tokio::join!(running, breaker);
    run.code(1);
    let result = json_of(&run);
    assert_eq!(result["outcome"], "breached", "{result}");
    let last = result["decisions"]
        .as_array()
        .unwrap()
        .last()
        .unwrap()
        .clone();
    assert_eq!(last["action"], "breach");
    assert_eq!(last["step"], 2);
    assert_eq!(last["guards"][0]["value"], 0.5);
    for part in [
        "max(ramp_test_error_ratio) < 0.05",
        "0.5",
        "threshold 0.05",
        "turned the flag off",
    ] {
        assert!(
            run.stderr.contains(part),
            "stderr lacks {part:?}: {}",
            run.stderr
        );
    }
    let f = flag(&s.app).await;
    assert_eq!(f["enabled"], false, "{f}");
    let rows = audit(&s.app).await;
    let newest = &rows[0];
    assert_eq!(newest["action"], "flag.update");
    assert_eq!(newest["detail"]["after"]["enabled"], false);
    assert_eq!(newest["detail"]["context"]["ramp"]["state"], "breached");
    let note = newest["detail"]["note"].as_str().unwrap();
    assert!(
        note.contains("breached: 0.5") && note.contains("at 10%"),
        "{note}"
    );

    // A breached ramp is finished: run again, it starts over (and holds
    // nothing back: the guard still breaks, at step 1, with --on-breach hold).
    let run = ramp(
        &s,
        &[
            "--interval=1s",
            "--guard=max(ramp_test_error_ratio) < 0.05",
            "--on-breach=hold",
        ],
    )
    .await;
    run.code(1);
    assert!(
        run.stderr.contains("set the rollout back to 0%"),
        "{}",
        run.stderr
    );
    let f = flag(&s.app).await;
    assert_eq!(
        (f["enabled"].clone(), f["rolloutPercentage"].clone()),
        (json!(true), json!(0))
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_data_holds_the_ramp_and_a_second_run_resumes_at_the_recorded_step() {
    let s = setup(None).await;
    let args = [
        "--interval=1s",
        "--hold-timeout=3s",
        "--guard=max(ramp_test_error_ratio) < 0.05",
    ];
    let run = ramp(&s, &args).await;
    run.code(1);
    let result = json_of(&run);
    assert_eq!(result["outcome"], "held", "{result}");
    assert!(run.stderr.contains("no data"), "{}", run.stderr);
    assert!(
        run.stderr.contains("gave up, the flag stays at 1%"),
        "{}",
        run.stderr
    );
    let f = flag(&s.app).await;
    assert_eq!(
        (f["enabled"].clone(), f["rolloutPercentage"].clone()),
        (json!(true), json!(1))
    );
    let rows = audit(&s.app).await;
    assert_eq!(rows[0]["detail"]["context"]["ramp"]["state"], "timed_out");
    assert_eq!(rows[1]["detail"]["context"]["ramp"]["state"], "holding");

    // The series appears: the same command resumes at 1% (no new raise to
    // 1%) and goes on.
    *s.value.lock().unwrap() = Some(0.0);
    wait_for_series(&s.prom).await;
    let run = ramp(&s, &args).await;
    run.code(0);
    let result = json_of(&run);
    assert_eq!(result["resumed_at"], 1, "{result}");
    assert_eq!(result["decisions"][0]["action"], "resume");
    assert_eq!(
        result["decisions"][1]["detail"]
            .as_str()
            .unwrap()
            .split(' ')
            .take(2)
            .collect::<Vec<_>>(),
        ["rollout", "10%"]
    );
    assert_eq!(flag(&s.app).await["rolloutPercentage"], 100);

    // Bad input is refused before any change: a guard Prometheus rejects.
    let run = ramp(&s, &["--interval=1s", "--restart", "--guard=sum(( < 1"]).await;
    run.code(2);
    assert!(
        run.stderr.contains("guard `sum(( < 1`") && run.stderr.contains("parse error"),
        "{}",
        run.stderr
    );
    assert_eq!(flag(&s.app).await["rolloutPercentage"], 100);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_ramp_is_a_playbook_step_with_its_outcome_as_outputs() {
    let s = setup(Some(0.01)).await;
    let sandbox = Sandbox::new();
    sandbox.write(
        "playbooks/release.yaml",
        "name: release\ndescription: ramp the checkout\nphases:\n  - name: go-live\n    steps:\n      - id: ramp\n        title: Ramp checkout behind its error ratio\n        hctl: [flags, ramp, checkout, --steps, \"50,100\", --interval, 1s, --guard, \"max(ramp_test_error_ratio) < 0.05\"]\n      - id: after\n        title: Say where it got\n        shell: \"echo {{ steps.ramp.outcome }} at {{ steps.ramp.rollout }}\"\n",
    );
    let ledger = format!("sqlite://{}", sandbox.path().join("ledger.db").display());
    let env = [
        ("HCTL_URL", s.app.base.clone()),
        ("HCTL_ADMIN_TOKEN", ADMIN_TOKEN.to_string()),
        ("HCTL_PROMETHEUS_URL", s.prom.url.clone()),
        ("HCTL_DATABASE_URL", ledger),
        ("HCTL_ACTOR", "ana".to_string()),
    ];
    let run = tokio::task::spawn_blocking(move || {
        let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
        sandbox.run_with(&["-o", "json", "playbook", "run", "release", "--yes"], &env)
    })
    .await
    .unwrap();
    run.code(0);
    assert!(
        run.stdout.contains("completed at 100"),
        "{}\n{}",
        run.stdout,
        run.stderr
    );
    assert_eq!(flag(&s.app).await["rolloutPercentage"], 100);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_interrupted_ramp_resumes_at_its_recorded_step() {
    let s = setup(Some(0.01)).await;
    let args = [
        "-o",
        "json",
        "flags",
        "ramp",
        "checkout",
        "--steps=1,10,50,100",
        "--interval=2s",
        "--guard=max(ramp_test_error_ratio) < 0.05",
    ];
    let sandbox = Sandbox::new();
    let mut child = sandbox
        .cmd(&args)
        .env("HCTL_URL", &s.app.base)
        .env("HCTL_ADMIN_TOKEN", ADMIN_TOKEN)
        .env("HCTL_PROMETHEUS_URL", &s.prom.url)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("spawn hctl");
    until_rollout(&s.app, 10).await;
    let pid = child.id().to_string();
    let killed = std::process::Command::new("kill")
        .args(["-INT", &pid])
        .status()
        .unwrap();
    assert!(killed.success());
    let status = tokio::task::spawn_blocking(move || child.wait().unwrap())
        .await
        .unwrap();
    assert_eq!(status.code(), Some(130), "Ctrl-C is exit 130");
    assert_eq!(flag(&s.app).await["rolloutPercentage"], 10);

    let run = ramp(
        &s,
        &["--interval=1s", "--guard=max(ramp_test_error_ratio) < 0.05"],
    )
    .await;
    run.code(0);
    let result = json_of(&run);
    assert_eq!(result["resumed_at"], 2, "{result}");
    let actions = actions(&result);
    assert_eq!(actions, ["resume", "raise", "raise", "complete"]);

    // A completed ramp is not resumed: set back by hand, a new ramp starts
    // fresh, at the first step at or above the rollout (never lower).
    s.app
        .set_flag("checkout", json!({"rolloutPercentage": 10}))
        .await;
    let run = ramp(
        &s,
        &["--interval=1s", "--guard=max(ramp_test_error_ratio) < 0.05"],
    )
    .await;
    run.code(0);
    let result = json_of(&run);
    assert_eq!(result["resumed_at"], Value::Null, "{result}");
    assert_eq!(result["decisions"][0]["action"], "raise");
    assert_eq!(result["decisions"][0]["rollout"], 10);
}
