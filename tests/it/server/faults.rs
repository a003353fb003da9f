//! `hctl serve` under faults and hostile load: a login storm against the real
//! binary (resident memory read from /proc), Redis refused or restarted,
//! settings out of range.

use futures::StreamExt;
use serde_json::json;

use super::cli::{serve, sigterm};
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
