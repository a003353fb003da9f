use std::time::Duration;

use hctl::report::Status;

use super::peers::{self, Behaviour};
use super::{once, one_line, through_runner};

const HEALTHY: &str = r#"{"status":"ok","checks":{"database":"ok","storage":"ok"}}"#;

#[tokio::test]
async fn status_json_headers_and_latency() {
    let addr = peers::http(peers::ok_json(HEALTHY));
    let o = once(&format!(
        "kind: http\nurl: http://{addr}/api/healthz\nstatus: 200\njson: {{status: ok, checks.database: ok}}\nheaders: {{content-type: json}}\nmax_latency: 2s\n"
    ))
    .await;
    assert_eq!(o.status, Status::Pass, "{o:?}");

    let o = once(&format!(
        "kind: http\nurl: http://{addr}/\njson: {{checks.cache: ok}}\nstatus: [201, 204]\n"
    ))
    .await;
    assert_eq!(o.status, Status::Fail);
    assert!(
        o.detail.contains("status 200") && o.detail.contains("`checks.cache` missing"),
        "{o:?}"
    );
    one_line(&o);
}

#[tokio::test]
async fn latency_budget_is_enforced() {
    let slow = peers::http(Behaviour::Delay(
        Duration::from_millis(300),
        Box::new(peers::ok_json(HEALTHY)),
    ));
    let o = once(&format!(
        "kind: http\nurl: http://{slow}/\nmax_latency: 100ms\n"
    ))
    .await;
    assert_eq!(o.status, Status::Fail);
    assert!(o.detail.contains("budget 100ms"), "{o:?}");
}

#[tokio::test]
async fn unreachable_is_an_error_in_one_line() {
    let addr = peers::closed_port();
    let o = once(&format!("kind: http\nurl: http://{addr}/\n")).await;
    assert_eq!(o.status, Status::Error);
    one_line(&o);
    let o = once("kind: http\nurl: http://no-such-host.invalid/\n").await;
    assert_eq!(o.status, Status::Error);
    one_line(&o);
}

#[tokio::test]
async fn a_hanging_server_times_out_and_retries_are_recorded() {
    let addr = peers::http(Behaviour::Hang);
    let item = through_runner(
        &format!("kind: http\nurl: http://{addr}/\n"),
        Duration::from_millis(300),
        2,
    )
    .await;
    assert_eq!(item.status, Status::Error);
    assert_eq!(item.attempts.len(), 3, "{item:?}");
    assert!(
        item.detail
            .contains("timed out after 300ms (after 3 attempts)"),
        "{item:?}"
    );
}

#[tokio::test]
async fn huge_and_non_utf8_bodies_fail_cleanly() {
    let endless = peers::http(Behaviour::Endless);
    let item = through_runner(
        &format!("kind: http\nurl: http://{endless}/\njson: {{status: ok}}\n"),
        Duration::from_secs(5),
        0,
    )
    .await;
    assert_eq!(item.status, Status::Fail, "{item:?}");
    assert!(item.detail.contains("larger than 1 MiB"), "{item:?}");

    let binary = peers::http(Behaviour::Respond {
        status: 200,
        headers: vec![],
        body: vec![0xff, 0xfe, 0xc3, 0x28, 0x00],
    });
    let o = once(&format!(
        "kind: http\nurl: http://{binary}/\njson: {{status: ok}}\n"
    ))
    .await;
    assert_eq!(o.status, Status::Fail);
    assert!(o.detail.contains("not JSON"), "{o:?}");
    let o = once(&format!(
        "kind: http\nurl: http://{binary}/\nbody_contains: ok\n"
    ))
    .await;
    assert_eq!(o.status, Status::Fail);
    one_line(&o);
}

#[tokio::test]
async fn security_headers_against_a_server() {
    let good = peers::http(peers::with_headers(
        200,
        &[
            (
                "content-security-policy",
                "default-src 'none'; frame-ancestors 'none'",
            ),
            (
                "strict-transport-security",
                "max-age=63072000; includeSubDomains; preload",
            ),
            ("x-content-type-options", "nosniff"),
            ("referrer-policy", "strict-origin-when-cross-origin"),
        ],
    ));
    // Served over http only: a browser ignores HSTS there, so the
    // Observatory's C+ (60) whatever the headers say.
    let o = once(&format!(
        "kind: headers\nurl: http://{good}/\nmin_score: 60\n"
    ))
    .await;
    assert_eq!(o.status, Status::Fail, "{o:?}");
    assert!(o.detail.contains("Observatory score 60 (C+)"), "{o:?}");
    assert!(
        o.detail
            .contains("strict-transport-security: hsts-not-implemented-no-https (-20)"),
        "{o:?}"
    );
    assert!(
        o.detail.contains("redirection: redirection-missing (-20)"),
        "{o:?}"
    );
    let observatory = o.observatory.as_ref().expect("observatory verdict");
    assert_eq!(observatory.tests.len(), 10);

    let weak = peers::http(peers::with_headers(
        200,
        &[
            (
                "content-security-policy",
                "script-src 'self' 'unsafe-inline'",
            ),
            ("strict-transport-security", "max-age=600"),
        ],
    ));
    let o = once(&format!("kind: headers\nurl: http://{weak}/\n")).await;
    assert_eq!(o.status, Status::Fail);
    for part in [
        "csp-implemented-with-unsafe-inline",
        "x-frame-options-not-implemented",
        "x-content-type-options-not-implemented",
        "Observatory score 15 (F)",
    ] {
        assert!(o.detail.contains(part), "{part}: {o:?}");
    }
    one_line(&o);
}

#[tokio::test]
async fn prometheus_threshold_against_a_query_api() {
    let body = r#"{"status":"success","data":{"resultType":"vector","result":[{"metric":{},"value":[1700000000,"0.231"]}]}}"#;
    let prom = peers::http(peers::ok_json(body));
    let q = "histogram_quantile(0.95, sum(rate(http_request_duration_seconds_bucket[5m])) by (le))";
    let o = once(&format!(
        "kind: prometheus\nurl: http://{prom}/\nquery: '{q}'\nbelow: 0.5\n"
    ))
    .await;
    assert_eq!(o.status, Status::Pass, "{o:?}");
    let o = once(&format!(
        "kind: prometheus\nurl: http://{prom}/\nquery: '{q}'\nbelow: 0.2\n"
    ))
    .await;
    assert_eq!(o.status, Status::Fail);
    assert!(o.detail.contains("0.231 is not below 0.2"), "{o:?}");
    let down = peers::closed_port();
    let o = once(&format!(
        "kind: prometheus\nurl: http://{down}/\nquery: up\nabove: 0\n"
    ))
    .await;
    assert_eq!(o.status, Status::Error);
    one_line(&o);
}
