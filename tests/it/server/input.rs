//! Hostile input never reaches a database as a 500: NUL bytes in text and
//! dates or cursors outside what both backends store are 422 naming the
//! field, on SQLite and PostgreSQL alike.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use super::{App, Backend};

crate::both!(
    nul_bytes_in_text_are_422,
    out_of_range_dates_and_cursors_are_422
);

#[track_caller]
fn assert_invalid(what: &str, (status, body): (StatusCode, Value), field: &str) {
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{what}: {body}");
    assert_eq!(body["error"]["field"], field, "{what}: {body}");
}

async fn nul_bytes_in_text_are_422(backend: Backend) {
    let app = App::spawn(backend).await;
    let post = async |path: &str, token: Option<&str>, body: Value| {
        app.call(Method::POST, path, token, Some(body)).await
    };
    // Anonymous: the login and registration emails.
    let login = json!({"email": "a\u{0}@example.com", "password": "whatever whatever"});
    assert_invalid(
        "login email",
        post("/api/auth/login", None, login).await,
        "email",
    );
    let register = json!({"email": "b\u{0}@example.com", "password": "correct horse battery"});
    assert_invalid(
        "register email",
        post("/api/auth/register", None, register).await,
        "email",
    );
    let named = json!({"email": "c@example.com", "password": "correct horse battery", "displayName": "Ada\u{0}"});
    assert_invalid(
        "register displayName",
        post("/api/auth/register", None, named).await,
        "displayName",
    );
    let (token, _) = app.register("nul@example.com").await;
    let me = app
        .call(
            Method::PATCH,
            "/api/me",
            Some(&token),
            Some(json!({"displayName": "\u{0}"})),
        )
        .await;
    assert_invalid("PATCH /api/me displayName", me, "displayName");
    let entry = json!({"kind": "steps", "value": 10, "recordedAt": "2026-01-01T00:00:00Z", "note": "a\u{0}b"});
    assert_invalid(
        "entry note",
        post("/api/entries", Some(&token), entry.clone()).await,
        "note",
    );
    let ok = json!({"kind": "steps", "value": 10, "recordedAt": "2026-01-01T00:00:00Z"});
    let (status, created) = post("/api/entries", Some(&token), ok).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let path = format!("/api/entries/{}", created["id"].as_str().unwrap());
    let put = app
        .call(Method::PUT, &path, Some(&token), Some(entry))
        .await;
    assert_invalid("PUT entry note", put, "note");
    // Unchanged by the rejected writes; the server logged no internal error.
    let (_, me) = app.get("/api/me", Some(&token)).await;
    assert_eq!(me["displayName"], Value::Null, "{me}");
}

async fn out_of_range_dates_and_cursors_are_422(backend: Backend) {
    let app = App::spawn(backend).await;
    let (token, _) = app.register("past@example.com").await;
    // Year -9999 in milliseconds: chrono holds it, PostgreSQL's timestamptz does not.
    let far_past = "-377705116800000_0190a1b2c3d4e5f60718293a4b5c6d7e";
    let far_future = "253370764800000_0190a1b2c3d4e5f60718293a4b5c6d7e";
    for (query, field) in [
        (format!("/api/entries?cursor={far_past}"), "cursor"),
        (format!("/api/entries?cursor={far_future}"), "cursor"),
        ("/api/entries?from=-009999-01-01T00:00:00Z".into(), "from"),
        ("/api/entries?to=-009999-01-01T00:00:00Z".into(), "to"),
        ("/api/insights?asOf=-009999-06-01".into(), "asOf"),
        ("/api/insights?asOf=0001-01-01".into(), "asOf"),
        (
            "/api/summary?from=-009999-06-01&to=-009999-06-07".into(),
            "from",
        ),
        ("/api/summary?from=2026-01-01&to=-009999-06-07".into(), "to"),
    ] {
        assert_invalid(&query, app.get(&query, Some(&token)).await, field);
    }
    let far = json!({"kind": "steps", "value": 10, "recordedAt": "-009999-01-01T00:00:00Z"});
    let posted = app
        .call(Method::POST, "/api/entries", Some(&token), Some(far))
        .await;
    assert_invalid("recordedAt", posted, "recordedAt");
    // The edges of the range still work.
    for ok in [
        "/api/entries?from=1970-01-01T00:00:00Z&to=9998-12-31T23:59:59Z",
        "/api/insights?asOf=1970-01-14",
        "/api/summary?from=9998-12-01&to=9998-12-31",
        "/api/summary?from=9998-12-01&to=9998-12-31&tz=Pacific/Kiritimati",
        "/api/summary?from=1970-01-01&to=1970-01-31&tz=America/Los_Angeles",
    ] {
        let (status, body) = app.get(ok, Some(&token)).await;
        assert_eq!(status, StatusCode::OK, "{ok}: {body}");
    }
}
