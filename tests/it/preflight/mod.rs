//! `hctl preflight` end to end: validation before running (exit 2), the gate
//! (exit 0/1 per --fail-on), every output format, selection flags, retries
//! recorded as attempts, the overall deadline, manual items and ticks, and
//! the shipped checklists against a server that behaves like `hctl serve`.

use std::time::{Duration, Instant};

use crate::checks::peers::{self, Behaviour};
use crate::support::Sandbox;

const SECURE: &[(&str, &str)] = &[
    (
        "content-security-policy",
        "default-src 'none'; frame-ancestors 'none'",
    ),
    (
        "strict-transport-security",
        "max-age=63072000; includeSubDomains",
    ),
    ("x-frame-options", "DENY"),
    ("x-content-type-options", "nosniff"),
    ("referrer-policy", "no-referrer"),
    ("content-type", "application/json"),
];

fn respond(status: u16, body: &str) -> Behaviour {
    Behaviour::Respond {
        status,
        headers: SECURE
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
        body: body.as_bytes().to_vec(),
    }
}

/// A peer answering like `hctl serve` does per SPEC.md.
pub fn fake_serve() -> std::net::SocketAddr {
    peers::http(Behaviour::Routes(vec![
        (
            "GET /api/healthz",
            respond(
                200,
                r#"{"status":"ok","version":"0.1.0","checks":{"database":"ok","storage":"ok","cache":"disabled"}}"#,
            ),
        ),
        ("GET /api/readyz", respond(200, r#"{"status":"ready"}"#)),
        (
            "GET /metrics",
            respond(
                200,
                "# TYPE http_requests_total counter\nhttp_requests_total 1\n",
            ),
        ),
        (
            "GET /api/openapi.json",
            respond(200, r#"{"openapi":"3.1.0","paths":{"/api/entries":{}}}"#),
        ),
        (
            "POST /api/auth/login",
            respond(
                401,
                r#"{"error":{"code":"unauthorized","message":"bad credentials"}}"#,
            ),
        ),
        ("GET /api/me", respond(401, "{}")),
        ("DELETE /api/me", respond(401, "{}")),
        ("GET /api/me/export", respond(401, "{}")),
        ("GET /api/me/consents", respond(401, "{}")),
        ("GET /api/feature-flags", respond(401, "{}")),
    ]))
}

fn json(text: &str) -> serde_json::Value {
    serde_json::from_str(text).unwrap_or_else(|e| panic!("not JSON ({e}): {text}"))
}

const LIST: &str = "\
name: gate
sections:
  - name: Web
    items:
      - id: up
        title: API up
        tags: [local]
        check: { kind: http, url: \"{{ env.url }}/api/healthz\", json: { status: ok } }
      - id: flaky
        title: Optional thing
        severity: warning
        tags: [local]
        retries: 2
        retry_delay: 10ms
        check: { kind: http, url: \"{{ env.url }}/nope\" }
      - id: signoff
        title: Signed off
        owner: CTO
        manual: true
";

fn sandbox_with(list: &str) -> Sandbox {
    let sb = Sandbox::new();
    sb.write("checklists/gate.yaml", list);
    sb
}

#[test]
fn invalid_checklists_exit_2_before_anything_runs() {
    let sb = Sandbox::new();
    sb.write(
        "checklists/bad.yaml",
        "name: bad\nsections:\n  - name: s\n    items:\n      - id: a\n        title: runs\n        check: { kind: command, shell: \"touch ran\" }\n      - id: b\n        title: typo\n        timeout: 5x\n        check: { kind: htp, url: x }\n",
    );
    let run = sb.run(&["preflight", "-c", "bad"]);
    run.code(2)
        .assert_stderr_has("checklists/bad.yaml:10:18: invalid duration `5x`");
    run.assert_stderr_has("checklists/bad.yaml:11:")
        .assert_stderr_has("unknown check kind `htp`");
    assert!(
        !sb.path().join("ran").exists(),
        "nothing may run when a checklist is invalid"
    );
    let run = sb.run(&["config", "validate"]);
    run.code(2)
        .assert_stdout_has("checklists/bad.yaml")
        .assert_stdout_has("FAIL");
}

#[test]
fn the_gate_follows_fail_on_and_records_every_attempt() {
    let addr = fake_serve();
    let sb = sandbox_with(LIST);
    let url = format!("url=http://{addr}");
    let run = sb.run(&[
        "preflight",
        "-c",
        "gate",
        "--skip-manual",
        "--set",
        &url,
        "-o",
        "json",
    ]);
    run.code(0);
    let doc = json(&run.stdout);
    assert_eq!(doc["summary"]["pass"], 1, "{doc}");
    assert_eq!(doc["summary"]["skip"], 1, "{doc}");
    let flaky = &doc["items"][1];
    assert_eq!(flaky["status"], "fail");
    assert_eq!(flaky["attempts"].as_array().unwrap().len(), 3, "{flaky}");
    assert!(
        flaky["detail"].as_str().unwrap().contains("status 404"),
        "{flaky}"
    );

    sb.run(&[
        "preflight",
        "-c",
        "gate",
        "--skip-manual",
        "--set",
        &url,
        "--fail-on",
        "warning",
    ])
    .code(1);
    // Manual items fail until ticked.
    let run = sb.run(&[
        "preflight",
        "-c",
        "gate",
        "--set",
        &url,
        "--only",
        "signoff",
    ]);
    run.code(1).assert_stdout_has("not ticked");
    sb.run_with(
        &["checklist", "tick", "gate", "signoff", "--note", "ok by me"],
        &[("USER", "cto")],
    )
    .code(0);
    let run = sb.run(&[
        "preflight",
        "-c",
        "gate",
        "--set",
        &url,
        "--only",
        "signoff",
        "-o",
        "json",
    ]);
    run.code(0);
    assert!(
        json(&run.stdout)["items"][0]["detail"]
            .as_str()
            .unwrap()
            .contains("ticked by cto"),
        "{}",
        run.stdout
    );
}

#[test]
fn an_unreachable_tick_database_fails_manual_items_not_the_run() {
    let sb = sandbox_with(LIST);
    let closed = peers::closed_port();
    let db = format!("database_url=postgres://hctl:secret@{closed}/ticks");
    let run = sb.run(&[
        "preflight",
        "-c",
        "gate",
        "--only",
        "signoff",
        "--set",
        &db,
        "-o",
        "json",
    ]);
    run.code(1);
    let item = &json(&run.stdout)["items"][0];
    assert_eq!(item["status"], "error", "{item}");
    assert!(
        item["detail"]
            .as_str()
            .unwrap()
            .contains("cannot read ticks"),
        "{item}"
    );
    run.assert_stdout_lacks("secret");
}

#[test]
fn junit_and_markdown_views() {
    let addr = fake_serve();
    let sb = sandbox_with(LIST);
    let url = format!("url=http://{addr}");
    let run = sb.run(&[
        "preflight",
        "-c",
        "gate",
        "--skip-manual",
        "--set",
        &url,
        "-o",
        "junit",
        "--fail-on",
        "warning",
    ]);
    run.code(1)
        .assert_stdout_has("<testcase")
        .assert_stdout_has("Optional thing");
    run.assert_stdout_has("<failure")
        .assert_stdout_has("status 404");
    let run = sb.run(&[
        "preflight",
        "-c",
        "gate",
        "--skip-manual",
        "--set",
        &url,
        "-o",
        "markdown",
    ]);
    run.code(0).assert_stdout_has("| `up` |");
}

#[test]
fn selection_flags() {
    let addr = fake_serve();
    let sb = sandbox_with(LIST);
    let url = format!("url=http://{addr}");
    let ids = |args: &[&str]| -> Vec<String> {
        let mut all = vec![
            "preflight",
            "-c",
            "gate",
            "--skip-manual",
            "--set",
            &url,
            "-o",
            "json",
        ];
        all.extend_from_slice(args);
        let run = sb.run(&all);
        json(&run.stdout)["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["id"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(ids(&["--tag", "local"]), ["up", "flaky"]);
    assert_eq!(ids(&["--only", "up"]), ["up"]);
    assert_eq!(ids(&["--exclude", "flaky", "--exclude", "signoff"]), ["up"]);
    let run = sb.run(&["preflight", "-c", "gate", "--only", "nope"]);
    run.code(2).assert_stderr_has("no item `nope`");
    sb.run(&["preflight", "-c", "missing"]).code(2);
    sb.run(&["preflight", "-c", "gate", "--deadline", "soon"])
        .code(2);
}

/// One duration grammar on every flag: a unit is required (as kubectl's
/// `--timeout` requires one), and the error says what to write.
#[test]
fn every_duration_flag_takes_the_same_grammar() {
    let sb = sandbox_with(LIST);
    for args in [
        &["preflight", "--deadline", "90"][..],
        &["rollout", "status", "--timeout", "90"],
        &["verify", "tls", "127.0.0.1:1", "--timeout", "90"],
    ] {
        sb.run(args)
            .code(2)
            .assert_stderr_has("add a unit, e.g. `90s`");
    }
    sb.run(&["rollout", "status", "--timeout", "-5m"]).code(2);
    let run = sb.run(&["preflight", "--deadline", "1m30s", "--only", "up"]);
    assert_ne!(run.code, 2, "`1m30s` is a duration: {}", run.stderr);
}

#[test]
fn a_selector_that_matches_nothing_is_a_usage_error_naming_it() {
    let sb = sandbox_with(LIST);
    let cases: &[(&[&str], &str)] = &[
        (
            &["--tag", "lcoal"],
            "--tag lcoal: no item of `gate` has tag `lcoal` (tags in use: local)",
        ),
        (&["--tag", "local", "--tag", "nope"], "--tag nope"),
        (&["--only", "nope"], "--only nope: no item `nope`"),
        (&["--exclude", "nope"], "--exclude nope: no item `nope`"),
        (
            &["--tag", "local", "--only", "signoff"],
            "the selection (--tag local --only signoff) matches no item of `gate`",
        ),
    ];
    for (args, message) in cases {
        let mut all = vec!["preflight", "-c", "gate"];
        all.extend_from_slice(args);
        sb.run(&all).code(2).assert_stderr_has(message);
    }
    sb.run(&["preflight", "-c", "gaet"])
        .code(2)
        .assert_stderr_has("gaet");
}

#[test]
fn a_run_that_skips_every_item_verified_nothing_and_fails() {
    let sb = sandbox_with(LIST);
    let skip_all = [
        "preflight",
        "-c",
        "gate",
        "--only",
        "signoff",
        "--skip-manual",
    ];
    sb.run(&skip_all).code(1).assert_stderr_has(
        "gate: nothing was verified (1 of 1 selected item skipped); pass --allow-empty",
    );
    sb.run(&[&skip_all[..], &["--allow-empty"]].concat())
        .code(0);
}

#[test]
fn the_gate_line_says_why_the_exit_code_is_what_it_is() {
    let addr = fake_serve();
    let sb = sandbox_with(LIST);
    let url = format!("url=http://{addr}");
    let run = ["preflight", "-c", "gate", "--skip-manual", "--set", &url];
    sb.run(&run).code(0).assert_stderr_has(
        "gate: passed, only items below critical failed (flaky); --fail-on warning to fail on them",
    );
    sb.run(&[&run[..], &["--fail-on", "warning"]].concat())
        .code(1)
        .assert_stderr_has("gate: 1 item failed: flaky");
}

/// `xml` validates against the Jenkins schema (junit-10.xsd) with xmllint.
#[track_caller]
pub(crate) fn assert_valid_junit(sb: &Sandbox, xml: &str) {
    let xsd = std::env::var("HCTL_TEST_JUNIT_XSD").unwrap_or_else(|_| {
        panic!("HCTL_TEST_JUNIT_XSD is not set: run the tests with scripts/test, which fetches junit-10.xsd and xmllint")
    });
    let file = sb.write("report.xml", xml);
    let out = std::process::Command::new("xmllint")
        .args(["--noout", "--schema", &xsd])
        .arg(&file)
        .output()
        .expect("xmllint (Debian: libxml2-utils) must be installed; scripts/test installs it");
    assert!(
        out.status.success(),
        "junit-10.xsd rejects the report:\n{}\n{xml}",
        String::from_utf8_lossy(&out.stderr),
    );
}

/// The JUnit view validates against the Jenkins schema (junit-10.xsd), with
/// every status in it: pass, fail, error, skip and retried attempts.
#[test]
fn junit_validates_against_the_jenkins_schema() {
    let addr = fake_serve();
    let closed = peers::closed_port();
    let list = format!(
        "{LIST}      - id: down\n        title: \"Down <&> \\\"quoted\\\"\"\n        check: {{ kind: http, url: \"http://{closed}/\" }}\n"
    );
    let sb = sandbox_with(&list);
    let url = format!("url=http://{addr}");
    let run = sb.run(&[
        "preflight",
        "-c",
        "gate",
        "--skip-manual",
        "--set",
        &url,
        "-o",
        "junit",
    ]);
    run.code(1);
    for status in ["<failure", "<error", "<skipped", "attempt 2"] {
        run.assert_stdout_has(status);
    }
    assert_valid_junit(&sb, &run.stdout);
}

/// The other JUnit reports come from the same model and validate too: one
/// testcase per problem of `config validate`, one per step of a playbook run.
#[test]
fn config_validate_and_playbook_junit_validate_against_the_jenkins_schema() {
    let sb = Sandbox::new();
    let fixture = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/five-problems.yaml"
    ))
    .unwrap();
    sb.write("checklists/five-problems.yaml", &fixture);
    let validate = sb.run(&["config", "validate", "-o", "junit"]);
    validate.code(2).assert_stdout_has("<failure");
    assert_valid_junit(&sb, &validate.stdout);
    let playbook = sb.run(&[
        "playbook",
        "run",
        "launch",
        "--dry-run",
        "--as",
        "ana",
        "--param",
        "image=api:1",
        "-o",
        "junit",
    ]);
    playbook.assert_stdout_has("<testcase");
    assert_valid_junit(&sb, &playbook.stdout);
}

#[test]
fn the_run_ends_by_its_deadline_when_peers_hang() {
    let hang = peers::http(Behaviour::Hang);
    let mut list = String::from("name: slow\nsections:\n  - name: s\n    items:\n");
    for i in 0..6 {
        list.push_str(&format!("      - id: hang-{i}\n        title: hangs\n        timeout: 60s\n        check: {{ kind: http, url: \"http://{hang}/\" }}\n"));
    }
    let sb = Sandbox::new();
    sb.write("checklists/slow.yaml", &list);
    let started = Instant::now();
    let run = sb.run(&[
        "preflight",
        "-c",
        "slow",
        "--deadline",
        "1s",
        "--concurrency",
        "2",
        "-o",
        "json",
    ]);
    run.code(1);
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "took {:?}",
        started.elapsed()
    );
    let doc = json(&run.stdout);
    assert_eq!(doc["summary"]["error"], 6, "{doc}");
    run.assert_stdout_has("overall deadline");
}

/// The real `hctl serve`, zero configuration (SQLite in the sandbox), on a
/// free port; killed when dropped.
struct RealServe {
    child: std::process::Child,
    addr: std::net::SocketAddr,
}

impl RealServe {
    fn start(sb: &Sandbox) -> Self {
        let addr = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .unwrap();
        let child = sb
            .cmd(&["serve", "--bind", &addr.to_string()])
            // Zero configuration: not the test services' servers.
            .env_remove("DATABASE_URL")
            .env_remove("REDIS_URL")
            .env_remove("STORAGE_URL")
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        let deadline = std::time::Instant::now() + Duration::from_secs(20);
        // Ready means migrated: /api/readyz answers 200.
        while !ready(addr) {
            assert!(
                std::time::Instant::now() < deadline,
                "hctl serve did not become ready on {addr}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        RealServe { child, addr }
    }
}

fn ready(addr: std::net::SocketAddr) -> bool {
    use std::io::{Read, Write};
    let Ok(mut stream) = std::net::TcpStream::connect(addr) else {
        return false;
    };
    let request = format!("GET /api/readyz HTTP/1.0\r\nHost: {addr}\r\n\r\n");
    let mut response = String::new();
    stream.write_all(request.as_bytes()).is_ok()
        && stream.read_to_string(&mut response).is_ok()
        && (response.starts_with("HTTP/1.0 200") || response.starts_with("HTTP/1.1 200"))
}

impl Drop for RealServe {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[test]
fn shipped_checklists_pass_their_local_items_against_a_local_server() {
    let sb = Sandbox::new();
    let server = RealServe::start(&sb);
    let addr = server.addr;
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("checklists");
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        sb.write(
            &format!("checklists/{name}"),
            &std::fs::read_to_string(&path).unwrap(),
        );
    }
    sb.run(&["config", "validate"]).code(0);
    let url = format!("url=http://{addr}");
    let run = sb.run(&[
        "preflight",
        "--tag",
        "local",
        "--skip-manual",
        "--set",
        &url,
        "-o",
        "json",
        "--fail-on",
        "warning",
    ]);
    let doc = json(&run.stdout);
    let bad: Vec<_> = doc["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["status"] != "pass" && i["status"] != "skip")
        .collect();
    assert!(bad.is_empty(), "local items failing: {bad:#?}");
    assert!(doc["summary"]["pass"].as_u64().unwrap() >= 20, "{doc}");
    run.code(0);
    // Every item names an owner or is automated.
    let run = sb.run(&["checklist", "show", "pre-launch", "-o", "json"]);
    run.code(0);
    for item in json(&run.stdout).as_array().unwrap() {
        assert!(
            item["kind"] != "manual" || !item["owner"].is_null(),
            "manual item without owner: {item}"
        );
    }
}
