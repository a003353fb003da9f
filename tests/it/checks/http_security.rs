//! The `http` kind's security assertions through the shipped items, against
//! a real `hctl serve`: the rate limit (`repeat` until 429 + `Retry-After`),
//! the CORS allow-list (`headers_absent` for a foreign origin) and input
//! validation (422 naming the field); each also seen failing on a server
//! configured without that protection.

use hctl::report::Status;

use super::{deps, one_line, shipped_check};
use crate::server::{App, Backend};

async fn item(app: &App, id: &str) -> hctl::checks::Outcome {
    hctl::init_crypto();
    let check = shipped_check("pre-launch.yaml", id, &app.base);
    let o = hctl::checks::run(&check, &deps()).await;
    one_line(&o);
    o
}

#[tokio::test]
async fn the_login_throttle_answers_429_with_retry_after() {
    let app = App::spawn(Backend::Sqlite).await;
    let o = item(&app, "auth-rate-limiting").await;
    assert_eq!(o.status, Status::Pass, "{o:?}");
    // The default throttle: 10 failed logins per account per 15 minutes.
    assert!(o.detail.starts_with("after 11 requests: 429 in "), "{o:?}");

    let lax = App::spawn_with(Backend::Sqlite, |s| s.login_attempts = 1000).await;
    let o = item(&lax, "auth-rate-limiting").await;
    assert_eq!(o.status, Status::Fail, "{o:?}");
    assert_eq!(
        o.detail,
        "no answer with status [429] in 20 requests (last: 401)"
    );
}

#[tokio::test]
async fn a_foreign_origin_gets_no_cors_grant() {
    let app = App::spawn_with(Backend::Sqlite, |s| {
        s.cors_origins = vec!["https://app.example.com".into()]
    })
    .await;
    let o = item(&app, "auth-cors").await;
    assert_eq!(o.status, Status::Pass, "{o:?}");

    let open = App::spawn_with(Backend::Sqlite, |s| {
        s.cors_origins = vec!["https://cors-probe.invalid".into()]
    })
    .await;
    let o = item(&open, "auth-cors").await;
    assert_eq!(o.status, Status::Fail, "{o:?}");
    assert!(
        o.detail.contains(
            "header `access-control-allow-origin` is present (`https://cors-probe.invalid`), expected it absent"
        ),
        "{o:?}"
    );
}

#[tokio::test]
async fn a_bad_email_is_refused_naming_the_field() {
    let app = App::spawn(Backend::Sqlite).await;
    let o = item(&app, "auth-input-validation").await;
    assert_eq!(o.status, Status::Pass, "{o:?}");
    assert!(o.detail.starts_with("422 in "), "{o:?}");
}
