//! The `load` kind against a real `hctl serve` (a short run at 50/s passes
//! with its JSON summary as evidence), and a run that cannot apply its load
//! (two connections against a slow peer) ending as an error that says so.

use std::time::Duration;

use hctl::report::Status;

use super::peers::{self, Behaviour};
use super::{once, one_line};
use crate::server::{App, Backend};

fn summary(detail: &str) -> serde_json::Value {
    let json = detail
        .split_once("summary: ")
        .unwrap_or_else(|| panic!("no summary in {detail}"))
        .1;
    serde_json::from_str(json).unwrap_or_else(|e| panic!("{e}: {json}"))
}

#[tokio::test]
async fn a_short_run_at_50_per_second_passes_against_hctl_serve() {
    let app = App::spawn(Backend::Sqlite).await;
    let o = once(&format!(
        "kind: load\nurl: {}/api/healthz\nrate: 50/s\nduration: 2s\n",
        app.base
    ))
    .await;
    assert_eq!(o.status, Status::Pass, "{o:?}");
    one_line(&o);
    let s = summary(&o.detail);
    assert_eq!(s["scheduled"], 100, "{s}");
    assert_eq!(s["completed"], 100, "{s}");
    assert_eq!(s["dropped"], 0, "{s}");
    assert_eq!(s["errors"], 0, "{s}");
    let rate = s["achieved_rate"].as_f64().unwrap();
    assert!((47.5..=50.5).contains(&rate), "{s}");
    assert!(s["p95_ms"].as_f64().unwrap() > 0.0, "{s}");
    assert!(s["p50_ms"].as_f64() <= s["p99_ms"].as_f64(), "{s}");
}

#[tokio::test]
async fn too_few_connections_for_a_slow_endpoint_is_an_error() {
    let slow = peers::http(Behaviour::Delay(
        Duration::from_millis(300),
        Box::new(peers::ok_json("{}")),
    ));
    let o = once(&format!(
        "kind: load\nurl: http://{slow}/\nrate: 50/s\nduration: 1s\nmax_connections: 2\n"
    ))
    .await;
    assert_eq!(o.status, Status::Error, "{o:?}");
    one_line(&o);
    assert!(
        o.detail
            .starts_with("did not reach the target rate of 50/s: "),
        "{o:?}"
    );
    assert!(
        o.detail
            .contains("requests were due while all 2 connections were busy and were not sent"),
        "{o:?}"
    );
    let s = summary(&o.detail);
    assert!(s["dropped"].as_u64().unwrap() >= 40, "{s}");
    assert!(s["peak_in_flight"] == 2, "{s}");
}

#[tokio::test]
async fn a_held_load_measures_the_endpoints_own_time() {
    // One connection, an endpoint taking 50ms, 10/s: the server keeps up,
    // every request starts on time, p50 is about the endpoint's time.
    let slowish = peers::http(Behaviour::Delay(
        Duration::from_millis(50),
        Box::new(peers::ok_json("{}")),
    ));
    let o = once(&format!(
        "kind: load\nurl: http://{slowish}/\nrate: 10/s\nduration: 1s\nmax_connections: 1\np95: 200ms\n"
    ))
    .await;
    assert_eq!(o.status, Status::Pass, "{o:?}");
    let s = summary(&o.detail);
    let p50 = s["p50_ms"].as_f64().unwrap();
    assert!((50.0..150.0).contains(&p50), "{s}");
}
