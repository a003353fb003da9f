//! `hctl dashboard` end to end: the real binary serving a real store
//! (SQLite; PostgreSQL for the preflight table's migration), loaded in
//! headless Chromium over WebDriver: the numbers shown match the store, a
//! tick made while the page is open shows up without a reload, axe-core
//! finds no serious or critical violation, a screenshot is kept in
//! `target/test-artifacts/`. Also: the token, the refusal to serve a
//! non-loopback address without one, and `/launch-report.md`.

mod browser;
mod webdriver;

use std::io::{BufRead, BufReader};
use std::process::{Child, Stdio};
use std::time::Duration;

use serde_json::Value;

use crate::support::services::TestDb;
use crate::support::{Run, Sandbox};

pub const CHECKLIST: &str = "\
name: launch
description: Launch day gate
sections:
  - name: Security
    items:
      - id: pentest
        title: Penetration test <signed off>
        owner: Security Lead
        manual: true
      - id: tls-ok
        title: TLS configured
        check: { kind: command, shell: \"true\" }
  - name: Operations
    items:
      - id: runbook
        title: Runbook reviewed
        owner: SRE
        manual: true
        valid_for: 7d
      - id: oncall
        title: On-call rota published
        severity: warning
        owner: SRE
        manual: true
      - id: disk
        title: Disk check
        severity: warning
        check: { kind: command, shell: \"false\" }
";

pub const PLAYBOOK: &str = r#"name: golive
phases:
  - name: prepare
    steps:
      - id: freeze
        shell: "true"
      - id: go
        confirm: "Go live?"
        approvals: 1
      - id: flip
        shell: "true"
"#;

/// A project with the checklist and playbook above, on `database_url`; no
/// kubeconfig and no API server, so those panels are unavailable.
pub fn project(database_url: &str) -> Sandbox {
    let sb = Sandbox::new();
    sb.write(
        "hctl.yaml",
        &format!(
            "default_env: local\nenvironments:\n  local:\n    url: http://127.0.0.1:9\n    database_url: {database_url}\n    storage: file://./backups\n"
        ),
    );
    sb.write("checklists/launch.yaml", CHECKLIST);
    sb.write("playbooks/golive.yaml", PLAYBOOK);
    sb
}

pub fn sqlite_project() -> Sandbox {
    project("sqlite://state.db")
}

pub fn hctl(sb: &Sandbox, args: &[&str]) -> Run {
    sb.run_with(
        args,
        &[
            ("HCTL_ACTOR", "ana"),
            ("USER", "ana"),
            ("KUBECONFIG", "/nonexistent/kubeconfig"),
        ],
    )
}

/// A running `hctl dashboard`; killed on drop.
pub struct Dashboard {
    child: Child,
    pub url: String,
    /// Its later stderr lines.
    pub stderr: std::sync::mpsc::Receiver<String>,
}

impl Dashboard {
    pub fn start(sb: &Sandbox, extra: &[&str], env: &[(&str, &str)]) -> Dashboard {
        let mut args = vec!["dashboard"];
        if !extra.contains(&"--bind") {
            args.extend(["--bind", "127.0.0.1:0"]);
        }
        args.extend_from_slice(extra);
        let mut cmd = sb.cmd(&args);
        cmd.env("HCTL_ACTOR", "ana")
            .env("KUBECONFIG", "/nonexistent/kubeconfig")
            .envs(env.iter().copied())
            .stdout(Stdio::null())
            .stderr(Stdio::piped());
        let (tx, rx) = std::sync::mpsc::channel();
        let mut child = cmd.spawn().expect("spawn hctl dashboard");
        let stderr = child.stderr.take().expect("stderr");
        let mut dash = Dashboard {
            child,
            url: String::new(),
            stderr: rx,
        };
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                let _ = tx.send(line);
            }
        });
        let mut seen = Vec::new();
        // On a panic here, dropping `dash` kills the process.
        while let Ok(line) = dash.stderr.recv_timeout(Duration::from_secs(20)) {
            if let Some(at) = line.find("http://") {
                dash.url = line[at..].split_whitespace().next().unwrap().to_string();
                return dash;
            }
            seen.push(line);
        }
        panic!("hctl dashboard printed no URL; stderr: {seen:?}");
    }
}

impl Drop for Dashboard {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub fn http() -> reqwest::Client {
    crate::server::client()
}

pub fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("tokio runtime")
}

pub fn json(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or_else(|e| panic!("not JSON ({e}): {text}"))
}

/// Without a token on a non-loopback address the dashboard refuses to
/// start (exit 2, saying how); a named but unset variable is refused too.
#[test]
fn non_loopback_without_token_is_refused() {
    let sb = sqlite_project();
    hctl(&sb, &["dashboard", "--bind", "0.0.0.0:0"])
        .code(2)
        .assert_stderr_has("refusing to serve the dashboard on `0.0.0.0:0` without a token")
        .assert_stderr_has("--token-env");
    hctl(
        &sb,
        &[
            "dashboard",
            "--bind",
            "0.0.0.0:0",
            "--token-env",
            "HCTL_DASH_UNSET",
        ],
    )
    .code(2)
    .assert_stderr_has("`HCTL_DASH_UNSET` is not set or empty");
}

/// With a token, every page and endpoint answers 401 without it (or with a
/// wrong one), and 200 with it as a bearer token or a `?token=` link; the
/// embedded assets need none. A non-loopback bind is accepted with a token.
#[test]
fn token_is_required() {
    let sb = sqlite_project();
    let dash = Dashboard::start(
        &sb,
        &["--token-env", "DASH_TOKEN"],
        &[("DASH_TOKEN", "s3cret-launch-token")],
    );
    runtime().block_on(async {
        let http = http();
        for path in [
            "",
            "fragment",
            "api/launch.json",
            "launch-report.md?no_checks=true",
        ] {
            let url = format!("{}{path}", dash.url);
            let res = http.get(&url).send().await.unwrap();
            assert_eq!(res.status(), 401, "{url} without a token");
            assert!(res.headers().contains_key("www-authenticate"));
            let res = http.get(&url).bearer_auth("wrong").send().await.unwrap();
            assert_eq!(res.status(), 401, "{url} with a wrong token");
            let res = http
                .get(&url)
                .bearer_auth("s3cret-launch-token")
                .send()
                .await
                .unwrap();
            assert_eq!(res.status(), 200, "{url} with the bearer token");
        }
        let res = http
            .get(format!("{}?token=s3cret-launch-token", dash.url))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200);
        let csp = res.headers()["content-security-policy"]
            .to_str()
            .unwrap()
            .to_string();
        assert!(csp.contains("script-src 'self'"), "{csp}");
        assert_eq!(res.headers()["referrer-policy"], "no-referrer");
        let page = res.text().await.unwrap();
        assert!(
            !page.contains("s3cret-launch-token"),
            "the token never lands in the page"
        );
        for asset in ["assets/dashboard.css", "assets/dashboard.js"] {
            let res = http
                .get(format!("{}{asset}", dash.url))
                .send()
                .await
                .unwrap();
            assert_eq!(res.status(), 200, "{asset}");
        }
    });
    drop(dash);
    let wide = Dashboard::start(
        &sb,
        &["--bind", "0.0.0.0:0", "--token-env", "DASH_TOKEN"],
        &[("DASH_TOKEN", "s3cret-launch-token")],
    );
    assert!(wide.url.starts_with("http://0.0.0.0:"), "{}", wide.url);
}

/// `--share-for` prints a signed link that opens every guarded route
/// without the token; an altered one is refused, and so is one whose time
/// is over (said so).
#[test]
fn a_signed_link_opens_the_page_until_it_expires() {
    let sb = sqlite_project();
    let (dash, link) = sharing(&sb, "1h");
    let query = link.split_once('?').unwrap().1.to_string();
    assert!(
        !link.contains("s3cret"),
        "the token is not in the link: {link}"
    );
    let (exp, sig) = query.split_once('&').unwrap();
    let forged = format!("{exp}&sig={}", "0".repeat(64));
    let later: i64 = exp.strip_prefix("exp=").unwrap().parse::<i64>().unwrap() + 3600;
    let extended = format!("exp={later}&{sig}");
    runtime().block_on(async {
        for path in [
            "",
            "fragment",
            "api/launch.json",
            "launch-report.md?no_checks=true",
        ] {
            let sep = if path.contains('?') { '&' } else { '?' };
            let url = format!("{}{path}{sep}{query}", dash.url);
            let res = http().get(&url).send().await.unwrap();
            assert_eq!(res.status(), 200, "{url}");
            for bad in [&forged, &extended] {
                let res = http()
                    .get(format!("{}{path}{sep}{bad}", dash.url))
                    .send()
                    .await
                    .unwrap();
                assert_eq!(res.status(), 401, "{bad}");
                assert!(res.text().await.unwrap().contains("signature is not valid"));
            }
        }
    });
    drop(dash);
    // A link for one second is over two seconds later.
    let (dash, link) = sharing(&sb, "1s");
    let query = link.split_once('?').unwrap().1.to_string();
    std::thread::sleep(Duration::from_millis(2100));
    runtime().block_on(async {
        let res = http()
            .get(format!("{}?{query}", dash.url))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 401);
        let text = res.text().await.unwrap();
        assert!(text.contains("this link expired at"), "{text}");
    });
    // Without a token there is nothing to sign with.
    hctl(&sb, &["dashboard", "--share-for", "1h"]).code(2);
}

/// A dashboard with a token, started with `--share-for valid`, and the
/// signed link it printed.
fn sharing(sb: &Sandbox, valid: &str) -> (Dashboard, String) {
    let dash = Dashboard::start(
        sb,
        &["--token-env", "DASH_TOKEN", "--share-for", valid],
        &[("DASH_TOKEN", "s3cret-launch-token")],
    );
    let line = dash
        .stderr
        .recv_timeout(Duration::from_secs(10))
        .expect("the link line");
    assert!(
        line.contains("read-only link that opens it until"),
        "{line}"
    );
    let link = line[line.find("http://").unwrap()..].to_string();
    (dash, link)
}

/// A refresh that brings its `ETag` back gets an empty 304 while nothing
/// changed (the time stamp aside), and the new content after a tick.
#[test]
fn an_unchanged_refresh_is_a_304_without_a_body() {
    let sb = sqlite_project();
    let dash = Dashboard::start(&sb, &[], &[]);
    let url = format!("{}fragment", dash.url);
    let get = |tag: Option<String>| {
        runtime().block_on(async {
            let mut req = http().get(&url);
            if let Some(tag) = tag {
                req = req.header("if-none-match", tag);
            }
            let res = req.send().await.unwrap();
            let tag = res.headers()["etag"].to_str().unwrap().to_string();
            (res.status().as_u16(), tag, res.text().await.unwrap())
        })
    };
    let (status, tag, first) = get(None);
    assert_eq!(status, 200);
    assert!(tag.starts_with('"') && tag.len() == 34, "{tag}");
    assert!(first.len() > 1000, "{}", first.len());
    std::thread::sleep(Duration::from_millis(1100));
    let (status, again, body) = get(Some(tag.clone()));
    assert_eq!(
        (status, body.as_str()),
        (304, ""),
        "nothing changed, first:\n{first}"
    );
    assert_eq!(again, tag);
    let (status, _, _) = get(Some("\"other\"".into()));
    assert_eq!(status, 200, "a tag of other content");
    hctl(&sb, &["checklist", "tick", "launch", "pentest"]).code(0);
    let (status, changed, body) = get(Some(tag.clone()));
    assert_eq!(status, 200, "a tick changes the content");
    assert_ne!(changed, tag);
    assert!(body.contains("ana"), "the tick's author is shown");
}

/// `/launch-report.md` is `hctl checklist report -o markdown`: the same
/// rows, then the sign-off table.
#[test]
fn launch_report_is_the_sign_off_markdown() {
    let sb = sqlite_project();
    hctl(
        &sb,
        &["checklist", "tick", "launch", "pentest", "--note", "PT-7"],
    )
    .code(0);
    let cli = hctl(&sb, &["checklist", "report", "launch", "-o", "markdown"]);
    let dash = Dashboard::start(&sb, &[], &[]);
    let md = runtime().block_on(async {
        let res = http()
            .get(format!("{}launch-report.md?checklist=launch", dash.url))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200);
        assert!(
            res.headers()["content-type"]
                .to_str()
                .unwrap()
                .starts_with("text/markdown")
        );
        res.text().await.unwrap()
    });
    assert!(md.starts_with("# hctl checklist report launch\n"), "{md}");
    assert!(md.contains("| ✅ pass | `pentest` |"), "{md}");
    assert!(md.contains("| ❌ fail | `runbook` |"), "{md}");
    assert!(md.contains("| ❌ fail | `disk` |"), "{md}");
    assert!(
        md.contains("- Result: 2 passed, 0 warned, 3 failed, 0 errors, 0 skipped (of 5)"),
        "{md}"
    );
    assert!(md.ends_with("| Product Manager | | | |\n"), "{md}");
    let missing = runtime().block_on(async {
        http()
            .get(format!("{}launch-report.md?checklist=nope", dash.url))
            .send()
            .await
            .unwrap()
    });
    assert_eq!(missing.status(), 404, "an unknown checklist");
    // The same rows as the CLI's (durations and times aside).
    let rows = |text: &str| -> Vec<String> {
        text.lines()
            .filter(|l| l.starts_with("| ") && l.contains('`'))
            .map(|l| l.split(" | ").take(4).collect::<Vec<_>>().join(" | "))
            .collect()
    };
    assert_eq!(rows(&md), rows(&cli.stdout));
}

/// `preflight --record` on PostgreSQL: the table is made by the tick
/// store's migration step, each run is one row per checklist, and the page's
/// JSON shows the latest.
#[test]
fn preflight_record_on_postgres() {
    let db = TestDb::new();
    let sb = project(&db.url);
    hctl(
        &sb,
        &["preflight", "-c", "launch", "--record", "--skip-manual"],
    )
    .code(0)
    .assert_stderr_has("recorded the run of 1 checklist(s) in `local`");
    hctl(&sb, &["checklist", "tick", "launch", "pentest"]).code(0);
    hctl(&sb, &["preflight", "-c", "launch", "--record"]).code(1);
    let dash = Dashboard::start(&sb, &[], &[]);
    let snap = runtime().block_on(async {
        let res = http()
            .get(format!("{}api/launch.json", dash.url))
            .send()
            .await
            .unwrap();
        json(&res.text().await.unwrap())
    });
    assert_eq!(snap["preflight"]["state"], "ok", "{snap}");
    let runs = snap["preflight"]["data"].as_array().unwrap();
    assert_eq!(runs.len(), 1, "{snap}");
    assert_eq!(runs[0]["checklist"], "launch");
    let summary = &runs[0]["report"]["summary"];
    // The second run: pentest ticked (pass), runbook and oncall open (fail).
    assert_eq!(
        (summary["pass"].as_u64(), summary["fail"].as_u64()),
        (Some(2), Some(3)),
        "{summary}"
    );
    let url = db.url.clone();
    let ids: Vec<i64> = runtime().block_on(async move {
        let pool = sqlx::PgPool::connect(&url).await.unwrap();
        sqlx::query_scalar("SELECT id FROM hctl_preflight_runs ORDER BY id")
            .fetch_all(&pool)
            .await
            .unwrap()
    });
    assert_eq!(ids.len(), 2, "one row per run of the one checklist");
    assert_eq!(runs[0]["id"].as_i64(), ids.last().copied());
    assert_eq!(snap["checklists"]["state"], "ok");
    assert_eq!(
        snap["rollout"]["state"], "unavailable",
        "no kubeconfig: {snap}"
    );
    assert_eq!(
        snap["flags"]["state"], "unavailable",
        "no admin token: {snap}"
    );
}

/// With a kubeconfig the rollout panel shows the Deployment's state and its
/// revisions, newest first (the API emulator behind a real kubeconfig).
#[test]
fn rollout_panel_reads_the_cluster() {
    let cluster = crate::kube::Cluster::new();
    cluster.deploy("ghcr.io/healthtracker/api:v1");
    cluster.deploy("ghcr.io/healthtracker/api:v2");
    let kubeconfig = cluster.kubeconfig.to_str().unwrap().to_string();
    let dash = Dashboard::start(&cluster.sandbox, &[], &[("KUBECONFIG", &kubeconfig)]);
    let (snap, page) = runtime().block_on(async {
        let http = http();
        let snap = http
            .get(format!("{}api/launch.json", dash.url))
            .send()
            .await
            .unwrap();
        let snap = json(&snap.text().await.unwrap());
        let page = http
            .get(&dash.url)
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        (snap, page)
    });
    assert_eq!(snap["rollout"]["state"], "ok", "{}", snap["rollout"]);
    let r = &snap["rollout"]["data"];
    assert_eq!(r["state"], "complete", "{r}");
    assert_eq!(r["namespace"], crate::kube::NS);
    let history = r["history"].as_array().unwrap();
    assert_eq!(history.len(), 2, "{r}");
    assert_eq!(history[0]["revision"], 2);
    assert_eq!(history[0]["current"], true);
    assert_eq!(history[0]["images"][0], "ghcr.io/healthtracker/api:v2");
    assert!(
        page.contains(r#"data-status="complete""#),
        "the page says it"
    );
    assert!(page.contains("2 (current)"));
}
