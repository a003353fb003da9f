//! The `flow` kind against a real `hctl serve`: the shipped journey of the
//! readiness guide passes and leaves no account behind; a failing step still
//! runs the cleanup, also when the attempt is cut by its timeout.

use std::time::Duration;

use hctl::checks::CheckSpec;
use hctl::report::Status;
use reqwest::{Method, StatusCode};
use serde_json::json;

use super::peers::{self, Behaviour};
use super::{deps, one_line, shipped_check, spec, through_runner};
use crate::server::{App, Backend};

async fn users(app: &App) -> i64 {
    let db = app.db().await;
    hctl::on_pool!(&db, pool => sqlx::query_scalar("SELECT count(*) FROM users").fetch_one(pool).await)
        .unwrap()
}

#[tokio::test]
async fn the_shipped_journey_passes_and_erases_its_account() {
    hctl::init_crypto();
    let app = App::spawn(Backend::Sqlite).await;
    let check = shipped_check("launch-day.yaml", "critical-flows", &app.base);
    let o = hctl::checks::run(&check, &deps()).await;
    assert_eq!(o.status, Status::Pass, "{o:?}");
    one_line(&o);
    for part in [
        "6 of 6 steps passed",
        "register 201 ",
        "log-in 200 ",
        "record-entry 201 ",
        "read-back 200 ",
        "export 200 ",
        "delete-account 204 ",
        "cleanup: erase-account 401 ",
    ] {
        assert!(o.detail.contains(part), "{part}: {}", o.detail);
    }
    assert_eq!(users(&app).await, 0, "the journey's account is erased");
    // A second run registers a new account: run.id differs.
    let again = hctl::checks::run(&check, &deps()).await;
    assert_eq!(again.status, Status::Pass, "{again:?}");
}

#[tokio::test]
async fn the_shipped_auth_flow_passes_and_erases_its_account() {
    hctl::init_crypto();
    let app = App::spawn(Backend::Sqlite).await;
    let check = shipped_check("post-launch.yaml", "auth-flows", &app.base);
    let o = hctl::checks::run(&check, &deps()).await;
    assert_eq!(o.status, Status::Pass, "{o:?}");
    assert!(o.detail.contains("wrong-password 401 "), "{o:?}");
    assert!(o.detail.contains("cleanup: erase-account 204 "), "{o:?}");
    assert_eq!(users(&app).await, 0);
}

/// Register a known account, fail on purpose, erase it in cleanup.
fn failing_flow(base: &str, email: &str, broken: &str) -> String {
    format!(
        r#"kind: flow
base_url: "{base}"
steps:
  - name: register
    method: POST
    url: /api/auth/register
    request_headers: {{ content-type: application/json }}
    body: '{{"email":"{email}","password":"long-enough-pw"}}'
    status: 201
    capture: {{ token: token }}
  - name: broken
    url: "{broken}"
    request_headers: {{ authorization: "Bearer {{{{ token }}}}" }}
    json: {{ user.email: nobody@example.com }}
  - name: never-runs
    url: /api/me
    capture: {{ later: id }}
cleanup:
  - name: erase
    method: DELETE
    url: /api/me
    request_headers: {{ authorization: "Bearer {{{{ token }}}}" }}
    status: 204
  - name: without-capture
    url: "/api/entries/{{{{ later }}}}"
"#
    )
}

#[tokio::test]
async fn a_failing_step_stops_the_journey_and_cleanup_still_runs() {
    hctl::init_crypto();
    let app = App::spawn(Backend::Sqlite).await;
    let yaml = failing_flow(&app.base, "flow-fail@example.com", "/api/me/export");
    let o = hctl::checks::run(&spec(&yaml), &deps()).await;
    assert_eq!(o.status, Status::Fail, "{o:?}");
    one_line(&o);
    assert!(
        o.detail
            .starts_with("step `broken` failed: JSON `user.email` is \"flow-fail@example.com\""),
        "{}",
        o.detail
    );
    assert!(!o.detail.contains("never-runs"), "{}", o.detail);
    assert!(o.detail.contains("cleanup: erase 204 "), "{}", o.detail);
    assert!(
        o.detail
            .contains("without-capture skipped (`later` was not captured)"),
        "{}",
        o.detail
    );
    assert_eq!(users(&app).await, 0, "cleanup erased the account");
}

#[tokio::test]
async fn a_variable_no_step_captures_is_refused_at_load() {
    let bad = "kind: flow\nsteps:\n  - {name: a, url: 'http://127.0.0.1:1/{{ tokn }}'}\n";
    let err = serde_saphyr::from_str::<CheckSpec>(bad)
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("step `a` uses `{{ tokn }}`, which no earlier step captures"),
        "{err}"
    );
}

#[tokio::test]
async fn cleanup_runs_when_the_attempt_times_out() {
    hctl::init_crypto();
    let app = App::spawn(Backend::Sqlite).await;
    let hang = peers::http(Behaviour::Hang);
    let email = "flow-timeout@example.com";
    let yaml = failing_flow(&app.base, email, &format!("http://{hang}/"));
    let item = through_runner(&yaml, Duration::from_secs(3), 0).await;
    assert_eq!(item.status, Status::Error, "{item:?}");
    assert!(item.detail.contains("timed out after 3s"), "{item:?}");
    // The cancelled attempt left its cleanup to `hctl::cleanup`, as main awaits it.
    hctl::cleanup::finish(Duration::from_secs(10)).await;
    assert_eq!(users(&app).await, 0, "cleanup erased the account");
    let (status, _) = app
        .call(
            Method::POST,
            "/api/auth/login",
            None,
            Some(json!({"email": email, "password": "long-enough-pw"})),
        )
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}
