//! Summary, insights, leaderboard, files and GDPR endpoints on both backends.

use reqwest::{Method, StatusCode};
use serde_json::json;

use super::{App, Backend};
use crate::support::services::{TestBucket, require};

crate::both!(
    summary_aggregates_days_in_the_time_zone,
    insights_explain_their_numbers,
    leaderboard_follows_the_flag_and_opt_in,
    files_are_owner_only_and_type_checked,
    export_and_erase_the_account,
);

async fn add(app: &App, token: &str, kind: &str, value: f64, at: &str) {
    let (status, body) = app
        .call(
            Method::POST,
            "/api/entries",
            Some(token),
            Some(json!({"kind": kind, "value": value, "recordedAt": at})),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
}

async fn summary_aggregates_days_in_the_time_zone(backend: Backend) {
    let app = App::spawn(backend).await;
    let (t, _) = app.register("sum@example.com").await;
    add(&app, &t, "steps", 1000.0, "2026-01-01T12:00:00Z").await;
    add(&app, &t, "steps", 2000.0, "2026-01-02T03:00:00Z").await; // Jan 1 in New York
    add(&app, &t, "mood", 7.0, "2026-01-02T15:00:00Z").await;
    let (status, utc) = app
        .get("/api/summary?from=2026-01-01&to=2026-01-02", Some(&t))
        .await;
    assert_eq!(status, StatusCode::OK, "{utc}");
    assert_eq!(utc["days"][0]["kinds"]["steps"]["sum"], 1000.0);
    assert_eq!(utc["days"][1]["kinds"]["steps"]["sum"], 2000.0);
    let (_, ny) = app
        .get(
            "/api/summary?from=2026-01-01&to=2026-01-02&tz=America/New_York",
            Some(&t),
        )
        .await;
    assert_eq!(ny["days"][0]["date"], "2026-01-01");
    assert_eq!(ny["days"][0]["kinds"]["steps"]["sum"], 3000.0, "{ny}");
    assert_eq!(ny["days"][0]["kinds"]["steps"]["count"], 2);
    assert_eq!(ny["days"][1]["kinds"]["mood"]["avg"], 7.0);
    for (q, field) in [
        ("tz=Nowhere/City", "tz"),
        ("from=2026-13-01", "from"),
        ("from=2026-02-01&to=2026-01-01", "from"),
        ("from=2020-01-01&to=2026-01-01", "to"),
    ] {
        let (status, body) = app.get(&format!("/api/summary?{q}"), Some(&t)).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{q}: {body}");
        assert_eq!(body["error"]["field"], field, "{q}: {body}");
    }
}

async fn insights_explain_their_numbers(backend: Backend) {
    let app = App::spawn(backend).await;
    let (t, _) = app.register("ins@example.com").await;
    for day in 1..=14 {
        let steps = if day <= 7 { 5000.0 } else { 7500.0 };
        add(
            &app,
            &t,
            "steps",
            steps,
            &format!("2026-03-{day:02}T12:00:00Z"),
        )
        .await;
    }
    add(&app, &t, "sleep_minutes", 400.0, "2026-03-14T06:00:00Z").await;
    let (status, body) = app.get("/api/insights?asOf=2026-03-14", Some(&t)).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let insights = body["insights"].as_array().unwrap();
    let steps = insights
        .iter()
        .find(|i| i["kind"] == "steps")
        .expect("a steps trend");
    assert_eq!(steps["numbers"]["current_avg"], 7500.0);
    assert_eq!(steps["numbers"]["previous_avg"], 5000.0);
    assert_eq!(steps["numbers"]["change_pct"], 50.0);
    assert!(
        steps["message"].as_str().unwrap().contains("up 50%"),
        "{steps}"
    );
    let debt = insights
        .iter()
        .find(|i| i["id"] == "sleep_debt")
        .expect("sleep debt");
    assert_eq!(debt["numbers"]["debt_minutes"], 80.0);
    let (_, again) = app.get("/api/insights?asOf=2026-03-14", Some(&t)).await;
    assert_eq!(again, body, "deterministic");
}

async fn leaderboard_follows_the_flag_and_opt_in(backend: Backend) {
    let app = App::spawn(backend).await;
    let (a, _) = app.register("lead-a@example.com").await;
    let (b, _) = app.register("lead-b@example.com").await;
    let now = chrono::Utc::now().to_rfc3339();
    add(&app, &a, "steps", 9000.0, &now).await;
    add(&app, &b, "steps", 12000.0, &now).await;
    assert_eq!(
        app.get("/api/leaderboard", Some(&a)).await.0,
        StatusCode::NOT_FOUND,
        "flag off"
    );
    app.set_flag(
        "leaderboard",
        json!({"enabled": true, "rolloutPercentage": 100}),
    )
    .await;
    let (status, board) = app.get("/api/leaderboard", Some(&a)).await;
    assert_eq!(status, StatusCode::OK, "{board}");
    assert_eq!(
        board["entries"].as_array().unwrap().len(),
        0,
        "nobody opted in: {board}"
    );
    for (token, name) in [(&a, "Ada"), (&b, "Bo")] {
        let (status, me) = app
            .call(
                Method::PATCH,
                "/api/me",
                Some(token),
                Some(json!({"leaderboardOptIn": true, "displayName": name})),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{me}");
    }
    let (_, board) = app.get("/api/leaderboard", Some(&a)).await;
    assert_eq!(board["entries"][0]["displayName"], "Bo");
    assert_eq!(board["entries"][0]["steps"], 12000.0);
    assert_eq!(board["entries"][1]["isYou"], true);
}

async fn files_are_owner_only_and_type_checked(backend: Backend) {
    let app = App::spawn(backend).await;
    files_round_trip(&app).await;
}

/// Upload, list, download, IDOR, type and size checks, delete.
async fn files_round_trip(app: &App) {
    let (owner, _) = app.register("files@example.com").await;
    let (other, _) = app.register("other-files@example.com").await;
    let upload = |token: &str, name: &'static str, ctype: &'static str, bytes: Vec<u8>| {
        app.upload(token, name, ctype, bytes)
    };
    let png = b"\x89PNG\r\n\x1a\nfake image body".to_vec();
    let resp = upload(&owner, "../scan.png", "image/png", png.clone())
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::CREATED);
    let meta: serde_json::Value = resp.json().await.unwrap();
    assert_eq!(meta["name"], "scan.png");
    let path = format!("/api/files/{}", meta["id"].as_str().unwrap());
    let got = app
        .http
        .get(app.url(&path))
        .bearer_auth(&owner)
        .send()
        .await
        .unwrap();
    assert_eq!(got.status(), StatusCode::OK);
    assert_eq!(got.headers()["content-type"], "image/png");
    assert_eq!(got.bytes().await.unwrap().to_vec(), png);
    assert_eq!(
        app.get(&path, Some(&other)).await.0,
        StatusCode::NOT_FOUND,
        "owner only"
    );
    assert_eq!(
        app.call(Method::DELETE, &path, Some(&other), None).await.0,
        StatusCode::NOT_FOUND
    );
    let (_, listed) = app.get("/api/files", Some(&owner)).await;
    assert_eq!(listed.as_array().unwrap().len(), 1);
    let exe = upload(&owner, "x.exe", "application/x-msdownload", b"MZ".to_vec())
        .await
        .unwrap();
    assert_eq!(exe.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
    let liar = upload(&owner, "x.png", "image/png", b"GIF89a".to_vec())
        .await
        .unwrap();
    assert_eq!(liar.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
    assert_eq!(
        app.call(Method::DELETE, &path, Some(&owner), None).await.0,
        StatusCode::NO_CONTENT
    );
    assert_eq!(app.get(&path, Some(&owner)).await.0, StatusCode::NOT_FOUND);
    // Last: the server answers 413 before reading the whole body and closes
    // that connection, which a following request on the same pool could hit.
    let huge = upload(&owner, "big.csv", "text/csv", vec![b'a'; 6 * 1024 * 1024])
        .await
        .unwrap();
    assert_eq!(huge.status(), StatusCode::PAYLOAD_TOO_LARGE);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn files_live_in_s3_when_configured() {
    let bucket = tokio::task::spawn_blocking(TestBucket::new).await.unwrap();
    let endpoint = require("S3_ENDPOINT");
    let app = App::spawn_with(Backend::Sqlite, |s| {
        s.storage_url = format!("s3://{}/uploads", bucket.name);
        s.s3_endpoint = Some(endpoint);
    })
    .await;
    let (_, health) = app.get("/api/healthz", None).await;
    assert_eq!(health["checks"]["storage"], "ok", "{health}");
    files_round_trip(&app).await;
}

async fn export_and_erase_the_account(backend: Backend) {
    let app = App::spawn(backend).await;
    let (t, id) = app.register("gdpr@example.com").await;
    add(&app, &t, "weight_kg", 70.0, "2026-01-01T00:00:00Z").await;
    let (_, consents) = app.get("/api/me/consents", Some(&t)).await;
    assert_eq!(
        consents,
        json!({"analytics": false, "marketing": false, "research": false})
    );
    let (status, consents) = app
        .call(
            Method::PUT,
            "/api/me/consents",
            Some(&t),
            Some(json!({"research": true})),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(consents["research"], true);
    let (status, body) = app
        .call(
            Method::PUT,
            "/api/me/consents",
            Some(&t),
            Some(json!({"selling": true})),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["error"]["field"], "selling");
    let up = app
        .upload(&t, "d.csv", "text/csv", b"a,b\n".to_vec())
        .await
        .unwrap();
    assert_eq!(up.status(), StatusCode::CREATED);

    let (status, export) = app.get("/api/me/export", Some(&t)).await;
    assert_eq!(status, StatusCode::OK, "{export}");
    assert_eq!(export["user"]["id"], id.as_str());
    assert_eq!(export["entries"][0]["value"], 70.0);
    assert_eq!(export["consents"]["research"], true);
    assert_eq!(export["files"][0]["name"], "d.csv");
    assert!(
        export["securityEvents"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["action"] == "auth.register")
    );

    assert_eq!(
        app.call(Method::DELETE, "/api/me", Some(&t), None).await.0,
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        app.get("/api/me", Some(&t)).await.0,
        StatusCode::UNAUTHORIZED,
        "the account is gone"
    );
    let db = app.db().await;
    let left: i64 = hctl::on_pool!(&db, pool => sqlx::query_scalar("SELECT (SELECT count(*) FROM entries) + (SELECT count(*) FROM files) + (SELECT count(*) FROM consents) + (SELECT count(*) FROM users)").fetch_one(pool).await).unwrap();
    assert_eq!(left, 0, "rows erased");
    let (status, _) = app
        .call(
            Method::POST,
            "/api/auth/login",
            None,
            Some(json!({"email": "gdpr@example.com", "password": "correct horse battery"})),
        )
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn retention_purges_old_entries() {
    let app = App::spawn_with(Backend::Sqlite, |s| {
        s.retention_days = 30;
        s.purge_interval = std::time::Duration::from_millis(200);
    })
    .await;
    let (t, _) = app.register("old@example.com").await;
    let old = (chrono::Utc::now() - chrono::Duration::days(40)).to_rfc3339();
    let recent = (chrono::Utc::now() - chrono::Duration::days(3)).to_rfc3339();
    add(&app, &t, "mood", 5.0, &old).await;
    add(&app, &t, "mood", 6.0, &recent).await;
    let mut left = usize::MAX;
    for _ in 0..40 {
        tokio::time::sleep(std::time::Duration::from_millis(250)).await;
        let (_, page) = app.get("/api/entries", Some(&t)).await;
        left = page["items"].as_array().unwrap().len();
        if left == 1 {
            break;
        }
    }
    assert_eq!(
        left, 1,
        "the 40-day-old entry is purged, the recent one kept"
    );
}
