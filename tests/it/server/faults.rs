//! `hctl serve` under faults and hostile load: a login storm against the real
//! binary (resident memory read from /proc), Redis refused or restarted,
//! settings out of range.

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use futures::StreamExt;
use reqwest::{Method, StatusCode};
use serde_json::json;

use super::cli::{serve, sigterm};
use super::{App, Backend};
use crate::support::Sandbox;

/// A field of /proc/PID/status in KiB (VmRSS, VmHWM).
fn status_kib(pid: u32, field: &str) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status"))
        .unwrap_or_else(|e| panic!("read /proc/{pid}/status: {e}"));
    status
        .lines()
        .find_map(|l| l.strip_prefix(&format!("{field}:")))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or_else(|| panic!("no {field} in /proc/{pid}/status:\n{status}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_login_storm_keeps_resident_memory_under_200_mib() {
    let sandbox = Sandbox::new();
    // Limits raised so that every attempt reaches argon2.
    let (mut child, url) = serve(
        &sandbox,
        &[],
        &[("LOGIN_ATTEMPTS", "100000"), ("RATE_LIMIT_IP", "0")],
    );
    let pid = child.id();
    let before = status_kib(pid, "VmRSS");
    let http = super::client();
    let codes: Vec<u16> = futures::stream::iter(0..400)
        .map(|i| {
            let (http, url) = (http.clone(), url.clone());
            async move {
                http.post(format!("{url}/api/auth/login"))
                    .json(&json!({"email": format!("storm{i}@example.com"), "password": "not the password"}))
                    .send()
                    .await
                    .expect("login request")
                    .status()
                    .as_u16()
            }
        })
        .buffer_unordered(16)
        .collect()
        .await;
    let (peak, after) = (status_kib(pid, "VmHWM"), status_kib(pid, "VmRSS"));
    assert_eq!(sigterm(&mut child), 0);
    let failed = codes.iter().filter(|c| **c == 401).count();
    let busy = codes.iter().filter(|c| **c == 503).count();
    assert_eq!(failed + busy, 400, "only 401 or 503: {codes:?}");
    assert!(failed >= 200, "most logins reach argon2: {failed} of 400");
    eprintln!(
        "login storm: RSS {before} KiB before, peak {peak} KiB, {after} KiB after; {failed}×401 {busy}×503"
    );
    assert!(
        peak < 200 * 1024,
        "peak RSS {peak} KiB over 200 MiB (before {before} KiB)"
    );
    assert!(
        after < 100 * 1024,
        "RSS stays at {after} KiB after the storm"
    );
}

/// A port nothing listens on.
fn closed_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// A "Redis" that accepts connections and never answers (a hung server).
async fn hung_port() -> u16 {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((socket, _)) = listener.accept().await {
            held.push(socket);
        }
    });
    port
}

/// An app limiting rates in Redis at `url` (limits high enough not to bite,
/// two login attempts per account).
async fn app_with_redis(url: String) -> App {
    App::spawn_with(Backend::Sqlite, move |s| {
        s.redis_url = Some(url);
        s.rate_limit_ip = 10_000;
        s.rate_limit_user = 10_000;
        s.login_attempts = 2;
    })
    .await
}

/// `GET path`, asserting it answers within 500 ms.
async fn timed_get(app: &App, path: &str, token: Option<&str>) -> (StatusCode, serde_json::Value) {
    let started = Instant::now();
    let answer = app.get(path, token).await;
    let took = started.elapsed();
    assert!(took < Duration::from_millis(500), "{path} took {took:?}");
    answer
}

async fn dead_redis_never_stalls_the_api(url: String) {
    let app = app_with_redis(url).await;
    let (token, _) = app.register("stall@example.com").await;
    for _ in 0..20 {
        let (status, body) = timed_get(&app, "/api/entries", Some(&token)).await;
        assert_eq!(status, StatusCode::OK, "{body}");
    }
    let (status, health) = timed_get(&app, "/api/healthz", None).await;
    assert_eq!(status, StatusCode::OK, "the cache is optional: {health}");
    assert_eq!(health["checks"]["cache"], "degraded", "{health}");
    assert_eq!(health["status"], "ok", "{health}");
    // Login throttling falls back to this replica's memory, it does not open up.
    let body = json!({"email": "stall@example.com", "password": "not the password"});
    let mut statuses = Vec::new();
    for _ in 0..3 {
        let (status, _) = app
            .call(Method::POST, "/api/auth/login", None, Some(body.clone()))
            .await;
        statuses.push(status);
    }
    assert_eq!(statuses[2], StatusCode::TOO_MANY_REQUESTS, "{statuses:?}");
    let metrics = app.text("/metrics").await;
    assert!(metrics.contains("hctl_cache_breaker_open 1"), "{metrics}");
    assert!(
        !metrics.contains("hctl_cache_failures_total 0"),
        "{metrics}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_redis_never_stalls_the_api() {
    dead_redis_never_stalls_the_api(format!("redis://127.0.0.1:{}", closed_port())).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hung_redis_never_stalls_the_api() {
    dead_redis_never_stalls_the_api(format!("redis://127.0.0.1:{}", hung_port().await)).await;
}

/// A redis-server of this test's own on `port`, killed on drop.
struct RedisServer(Child);

impl RedisServer {
    fn start(port: u16) -> Self {
        let child = Command::new("redis-server")
            .args(["--port", &port.to_string(), "--bind", "127.0.0.1"])
            .args(["--save", "", "--appendonly", "no"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| {
                panic!("redis-server must be installed (Debian: apt-get install redis-server; scripts/test installs it): {e}")
            });
        RedisServer(child)
    }

    fn stop(mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

impl Drop for RedisServer {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Poll `/api/healthz` until the cache reports `want` (within `limit`).
async fn wait_for_cache(app: &App, want: &str, limit: Duration) {
    let deadline = Instant::now() + limit;
    loop {
        let (_, health) = timed_get(app, "/api/healthz", None).await;
        if health["checks"]["cache"] == want {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "cache never became {want}: {health}"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// The request count of a rate-limit key in Redis.
async fn redis_count(url: &str, key: &str) -> Option<u64> {
    let client = redis::Client::open(url).unwrap();
    let mut conn = client.get_multiplexed_async_connection().await.ok()?;
    redis::cmd("GET")
        .arg(key)
        .query_async(&mut conn)
        .await
        .ok()?
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shared_limits_recover_when_redis_comes_back() {
    let port = closed_port();
    let url = format!("redis://127.0.0.1:{port}");
    let redis = RedisServer::start(port);
    let app = app_with_redis(url.clone()).await;
    wait_for_cache(&app, "ok", Duration::from_secs(10)).await;
    let (token, user) = app.register("back@example.com").await;
    let key = format!("hctl:rl:user:{user}");
    timed_get(&app, "/api/me", Some(&token)).await;
    assert_eq!(redis_count(&url, &key).await, Some(1));

    redis.stop();
    for _ in 0..10 {
        let (status, _) = timed_get(&app, "/api/me", Some(&token)).await;
        assert_eq!(status, StatusCode::OK);
    }
    wait_for_cache(&app, "degraded", Duration::from_secs(5)).await;

    let redis = RedisServer::start(port);
    // Within the breaker's open time plus a probe, by itself.
    wait_for_cache(&app, "ok", Duration::from_secs(15)).await;
    timed_get(&app, "/api/me", Some(&token)).await;
    assert_eq!(
        redis_count(&url, &key).await,
        Some(1),
        "hits count in Redis again (a fresh server)"
    );
    let metrics = app.text("/metrics").await;
    assert!(metrics.contains("hctl_cache_breaker_open 0"), "{metrics}");
    drop(redis);
}

/// `hctl serve` with one setting from the environment; the exit code and
/// stderr, or `None` when it is still running after 10 s (then killed).
fn serve_exit(sandbox: &Sandbox, var: &str, value: &str) -> Option<(i32, String)> {
    let mut child = sandbox
        .cmd(&["serve", "--bind", "127.0.0.1:0"])
        .env(var, value)
        .env_remove("DATABASE_URL")
        .env_remove("REDIS_URL")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn hctl serve");
    let deadline = Instant::now() + Duration::from_secs(10);
    while Instant::now() < deadline {
        if let Some(status) = child.try_wait().unwrap() {
            let mut stderr = String::new();
            std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut stderr).unwrap();
            return Some((status.code().unwrap_or(-1), stderr));
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let _ = child.kill();
    let _ = child.wait();
    None
}

#[test]
fn numeric_settings_out_of_range_exit_2_naming_them() {
    for (var, value) in [
        ("DB_MAX_CONNECTIONS", "0"),
        ("DB_MAX_CONNECTIONS", "1001"),
        ("RETENTION_DAYS", "4294967295"),
        ("RATE_LIMIT_IP", "-1"),
        ("RATE_LIMIT_USER", "1000001"),
        ("LOGIN_ATTEMPTS", "4294967296"),
        ("PURGE_INTERVAL", "0"),
        ("REQUEST_TIMEOUT", "3601"),
    ] {
        let sandbox = Sandbox::new();
        let (code, stderr) = serve_exit(&sandbox, var, value)
            .unwrap_or_else(|| panic!("{var}={value}: hctl serve started instead of refusing"));
        assert_eq!(code, 2, "{var}={value}:\n{stderr}");
        assert!(stderr.contains(var), "{var}={value} is named:\n{stderr}");
        assert!(!stderr.contains("listening"), "{var}={value}:\n{stderr}");
        assert!(
            !sandbox.path().join("healthtracker.db").exists(),
            "{var}={value}: refused before opening the database"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn healthz_reports_a_failing_background_task() {
    let app = App::spawn_with(Backend::Sqlite, |s| {
        s.retention_days = 30;
        s.purge_interval = Duration::from_millis(100);
    })
    .await;
    let background = async |want: &str| {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let (status, health) = app.get("/api/healthz", None).await;
            assert_eq!(
                status,
                StatusCode::OK,
                "the background task is not required: {health}"
            );
            if health["checks"]["background"] == want {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "background never {want}: {health}"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    };
    background("ok").await;
    // The purge cannot delete from a table that is gone.
    app.rename_table("entries", "entries_away").await;
    background("failing").await;
    app.rename_table("entries_away", "entries").await;
    background("ok").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_last_hop_that_is_not_an_ip_cannot_rotate_the_rate_limit_key() {
    let app = App::spawn_with(Backend::Sqlite, |s| {
        s.rate_limit_ip = 2;
        s.trust_forwarded_for = true;
    })
    .await;
    let mut codes = Vec::new();
    for (i, last) in ["192.0.2.1:4711", "garbage", "192.0.2.1:4712"]
        .iter()
        .enumerate()
    {
        let resp = app
            .http
            .get(app.url("/api/entries"))
            .header("x-forwarded-for", format!("203.0.113.{i}, {last}"))
            .send()
            .await
            .unwrap();
        codes.push(resp.status());
    }
    assert_eq!(
        codes[2],
        StatusCode::TOO_MANY_REQUESTS,
        "all three count against the socket address: {codes:?}"
    );
}
