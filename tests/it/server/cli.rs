//! The real `hctl serve` and `hctl flags` binaries.

use std::io::{BufRead, BufReader};
use std::process::{Child, Stdio};
use std::time::Duration;

use serde_json::json;

use super::{ADMIN_TOKEN, App, Backend};
use crate::support::Sandbox;

/// `hctl serve` in a sandbox on a free port; returns the child and base URL.
pub(super) fn serve(sandbox: &Sandbox, args: &[&str], envs: &[(&str, &str)]) -> (Child, String) {
    let mut all = vec!["serve", "--bind", "127.0.0.1:0"];
    all.extend_from_slice(args);
    let mut cmd = sandbox.cmd(&all);
    for var in [
        "DATABASE_URL",
        "REDIS_URL",
        "JWT_SECRET",
        "ADMIN_TOKEN",
        "STORAGE_URL",
        "CORS_ORIGINS",
        "BIND",
    ] {
        cmd.env_remove(var);
    }
    cmd.envs(envs.iter().copied())
        .stderr(Stdio::piped())
        .stdout(Stdio::null());
    let mut child = cmd.spawn().expect("spawn hctl serve");
    let stderr = child.stderr.take().unwrap();
    let mut lines = BufReader::new(stderr).lines();
    let mut seen = String::new();
    let url = loop {
        let line = lines
            .next()
            .unwrap_or_else(|| panic!("hctl serve exited early:\n{seen}"))
            .unwrap();
        seen.push_str(&line);
        seen.push('\n');
        if let Some(rest) = line.split("listening on ").nth(1) {
            break rest.split(['"', ' ']).next().unwrap().to_string();
        }
    };
    // Keep draining stderr so the server never blocks on a full pipe.
    std::thread::spawn(move || for _ in lines {});
    (child, url)
}

pub(super) fn sigterm(child: &mut Child) -> i32 {
    let pid = child.id().to_string();
    let killed = std::process::Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .unwrap();
    assert!(killed.success());
    for _ in 0..100 {
        if let Some(status) = child.try_wait().unwrap() {
            return status.code().unwrap_or(-1);
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    child.kill().unwrap();
    panic!("hctl serve did not stop within 10s of SIGTERM");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn zero_config_serve_runs_on_sqlite_and_drains_on_sigterm() {
    let sandbox = Sandbox::new();
    let (mut child, url) = serve(&sandbox, &[], &[]);
    let http = super::client();
    let health: serde_json::Value = http
        .get(format!("{url}/api/healthz"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(health["status"], "ok", "{health}");
    let resp = http
        .post(format!("{url}/api/auth/register"))
        .json(&json!({"email": "z@example.com", "password": "zero config pass"}))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 201);
    assert!(sandbox.path().join("healthtracker.db").exists());
    assert!(sandbox.path().join("uploads").is_dir());
    assert_eq!(sigterm(&mut child), 0, "SIGTERM drains and exits 0");
}

#[test]
fn production_refuses_weak_secrets() {
    let sandbox = Sandbox::new();
    let run = sandbox.run_with(
        &["serve", "--production", "--bind", "127.0.0.1:0"],
        &[("JWT_SECRET", "short"), ("ADMIN_TOKEN", "")],
    );
    run.code(2).assert_stderr_has("JWT_SECRET is 5 bytes");
    // The secret is never printed.
    run.assert_stderr_lacks("short");
}

#[test]
fn production_checks_settings_before_taking_the_port() {
    // Hold the port: a server that binds before it checks fails with "could
    // not listen" (exit 3) instead of naming the bad setting.
    let held = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = held.local_addr().unwrap().to_string();
    let sandbox = Sandbox::new();
    let run = sandbox.run_with(
        &["serve", "--production", "--bind", &addr],
        &[("JWT_SECRET", ""), ("ADMIN_TOKEN", "")],
    );
    run.code(2).assert_stderr_has("JWT_SECRET is not set");
    run.assert_stderr_lacks("listening");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn flags_cli_toggles_a_flag_on_a_running_server() {
    let app = App::spawn(Backend::Sqlite).await;
    let (token, _) = app.register("cli@example.com").await;
    let base = app.base.clone();
    let env = [
        ("HCTL_URL", base.as_str()),
        ("HCTL_ADMIN_TOKEN", ADMIN_TOKEN),
    ];
    let run = |args: &'static [&'static str], env: Vec<(String, String)>| {
        tokio::task::spawn_blocking(move || {
            let sandbox = Sandbox::new();
            let env: Vec<(&str, &str)> =
                env.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
            sandbox.run_with(args, &env)
        })
    };
    let owned = |pairs: &[(&str, &str)]| {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect::<Vec<_>>()
    };

    let list = run(&["flags", "list", "-o", "json"], owned(&env))
        .await
        .unwrap();
    list.code(0);
    let flags: serde_json::Value = serde_json::from_str(&list.stdout).unwrap();
    assert_eq!(flags[0]["name"], "leaderboard");

    run(&["flags", "enable", "leaderboard"], owned(&env))
        .await
        .unwrap()
        .code(0);
    // The server's cache is at most 200 ms stale in tests.
    tokio::time::sleep(Duration::from_millis(300)).await;
    let (_, features) = app.get("/api/me/features", Some(&token)).await;
    assert_eq!(features["features"]["leaderboard"], true);

    let table = run(&["flags", "get", "leaderboard"], owned(&env))
        .await
        .unwrap();
    table.code(0);
    table
        .assert_stdout_has("leaderboard")
        .assert_stdout_has("100%");

    run(&["flags", "disable", "leaderboard"], owned(&env))
        .await
        .unwrap()
        .code(0);
    tokio::time::sleep(Duration::from_millis(300)).await;
    let (_, features) = app.get("/api/me/features", Some(&token)).await;
    assert_eq!(features["features"]["leaderboard"], false);

    let missing = run(&["flags", "get", "nope"], owned(&env)).await.unwrap();
    missing.code(3).assert_stderr_has("`nope` not found");

    let wrong = run(
        &["flags", "list"],
        owned(&[("HCTL_URL", base.as_str()), ("HCTL_ADMIN_TOKEN", "wrong")]),
    )
    .await
    .unwrap();
    wrong
        .code(3)
        .assert_stderr_has("401")
        .assert_stderr_has(&base);

    let down = run(
        &["flags", "list"],
        owned(&[
            ("HCTL_URL", "http://127.0.0.1:9"),
            ("HCTL_ADMIN_TOKEN", "x"),
        ]),
    )
    .await
    .unwrap();
    down.code(3)
        .assert_stderr_has("could not reach the admin API at `http://127.0.0.1:9");

    let no_token = run(&["flags", "list"], owned(&[("HCTL_URL", base.as_str())]))
        .await
        .unwrap();
    no_token.code(2).assert_stderr_has("HCTL_ADMIN_TOKEN");

    // Production asks first; without a terminal and --yes it refuses (exit 2).
    let sandbox_config = "environments:\n  production:\n    url: URL\n";
    let prod = tokio::task::spawn_blocking({
        let base = base.clone();
        move || {
            let sandbox = Sandbox::new();
            sandbox.write("hctl.yaml", &sandbox_config.replace("URL", &base));
            sandbox.run_with(
                &["--env", "production", "flags", "enable", "leaderboard"],
                &[("HCTL_ADMIN_TOKEN", ADMIN_TOKEN)],
            )
        }
    })
    .await
    .unwrap();
    prod.code(2).assert_stderr_has("--yes");
}
