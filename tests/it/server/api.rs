//! The API's behaviour, the same on SQLite and PostgreSQL.

use reqwest::{Method, StatusCode};
use serde_json::json;

use super::{ADMIN_TOKEN, App, Backend};

crate::both!(
    probes_report_components,
    accounts_register_login_logout,
    login_errors_are_uniform_and_throttled,
    entries_crud_and_validation,
    entries_paginate_with_cursor_and_filter,
    users_cannot_touch_each_others_entries,
    flags_admin_api_and_sticky_features,
);

async fn probes_report_components(backend: Backend) {
    let app = App::spawn(backend).await;
    let (status, body) = app.get("/api/healthz", None).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["status"], "ok");
    assert_eq!(body["checks"]["database"], "ok");
    assert_eq!(body["checks"]["storage"], "ok");
    assert_eq!(body["checks"]["cache"], "disabled");
    let (status, body) = app.get("/api/readyz", None).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["schemaVersion"], hctl::store::migrate::latest_known());
    let metrics = app.text("/metrics").await;
    assert!(
        metrics.contains(
            "http_requests_total{route=\"/api/healthz\",method=\"GET\",status=\"200\"} 1"
        ),
        "{metrics}"
    );
    assert!(metrics.contains("hctl_build_info{"), "{metrics}");
    assert!(
        metrics.contains("db_pool_connections{state=\"max\"} 16"),
        "{metrics}"
    );
    app.stop().await.expect("graceful stop");
}

async fn accounts_register_login_logout(backend: Backend) {
    let app = App::spawn(backend).await;
    let (token, id) = app.register("  Ada@Example.COM ").await;
    let (status, me) = app.get("/api/me", Some(&token)).await;
    assert_eq!(status, StatusCode::OK, "{me}");
    assert_eq!(me["email"], "ada@example.com");
    assert_eq!(me["id"], id.as_str());

    // Same address in another case: taken, naming the field.
    let (status, body) = app
        .call(
            Method::POST,
            "/api/auth/register",
            None,
            Some(json!({"email": "ADA@example.com", "password": "another long one"})),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    assert_eq!(body["error"]["field"], "email");

    let (status, body) = app
        .call(
            Method::POST,
            "/api/auth/register",
            None,
            Some(json!({"email": "bob@example.com", "password": "short"})),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(body["error"]["field"], "password");

    let (status, login) = app
        .call(
            Method::POST,
            "/api/auth/login",
            None,
            Some(json!({"email": "ADA@example.com", "password": "correct horse battery"})),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{login}");
    let second = login["token"].as_str().unwrap().to_string();

    let (status, _) = app
        .call(Method::POST, "/api/auth/logout", Some(&token), None)
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (status, body) = app.get("/api/me", Some(&token)).await;
    assert_eq!(
        status,
        StatusCode::UNAUTHORIZED,
        "a logged-out token is dead: {body}"
    );
    let (status, _) = app.get("/api/me", Some(&second)).await;
    assert_eq!(status, StatusCode::OK, "other sessions stay valid");

    let db = app.db().await;
    let actions: Vec<String> = hctl::on_pool!(&db, pool => sqlx::query_scalar("SELECT action FROM audit_log ORDER BY id").fetch_all(pool).await).unwrap();
    assert_eq!(
        actions,
        [
            "auth.register",
            "auth.register.conflict",
            "auth.login",
            "auth.logout"
        ]
    );
}

async fn login_errors_are_uniform_and_throttled(backend: Backend) {
    let app = App::spawn_with(backend, |s| s.login_attempts = 3).await;
    app.register("eve@example.com").await;
    let attempt = |email: &'static str, password: &'static str| {
        app.call(
            Method::POST,
            "/api/auth/login",
            None,
            Some(json!({"email": email, "password": password})),
        )
    };
    let (s1, unknown) = attempt("nobody@example.com", "whatever whatever").await;
    let (s2, wrong) = attempt("eve@example.com", "wrong password!!").await;
    assert_eq!(
        (s1, s2),
        (StatusCode::UNAUTHORIZED, StatusCode::UNAUTHORIZED)
    );
    assert_eq!(unknown, wrong, "no account enumeration");
    attempt("eve@example.com", "wrong password!!").await;
    attempt("eve@example.com", "wrong password!!").await;
    let resp = app
        .http
        .post(app.url("/api/auth/login"))
        .json(&json!({"email": "EVE@example.com", "password": "correct horse battery"}))
        .send()
        .await
        .unwrap();
    assert_eq!(
        resp.status(),
        StatusCode::TOO_MANY_REQUESTS,
        "throttled per account"
    );
    let retry: u64 = resp.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(retry > 0 && retry <= 900, "{retry}");
    let db = app.db().await;
    let failed: i64 = hctl::on_pool!(&db, pool => sqlx::query_scalar("SELECT count(*) FROM audit_log WHERE action = 'auth.login.failed'").fetch_one(pool).await).unwrap();
    assert_eq!(failed, 4);
}

async fn entries_crud_and_validation(backend: Backend) {
    let app = App::spawn(backend).await;
    let (token, _) = app.register("cal@example.com").await;
    let t = Some(token.as_str());
    let (status, entry) = app
        .call(Method::POST, "/api/entries", t, Some(json!({"kind": "steps", "value": 8123, "recordedAt": "2026-01-02T08:00:00Z", "note": "walk"})))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{entry}");
    let id = entry["id"].as_str().unwrap();
    assert_eq!(entry["value"], 8123.0);
    let (status, read) = app.get(&format!("/api/entries/{id}"), t).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(read, entry);
    let (status, updated) = app
        .call(
            Method::PUT,
            &format!("/api/entries/{id}"),
            t,
            Some(json!({"kind": "steps", "value": 9000, "recordedAt": "2026-01-02T08:00:00Z"})),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{updated}");
    assert_eq!(updated["value"], 9000.0);
    assert_eq!(updated["note"], serde_json::Value::Null);

    let cases = [
        (
            json!({"kind": "stepz", "value": 1, "recordedAt": "2026-01-02T08:00:00Z"}),
            "kind",
        ),
        (
            json!({"kind": "heart_rate", "value": 900, "recordedAt": "2026-01-02T08:00:00Z"}),
            "value",
        ),
        (
            json!({"kind": "mood", "value": 5, "recordedAt": "2999-01-01T00:00:00Z"}),
            "recordedAt",
        ),
        (
            json!({"kind": "mood", "value": "five", "recordedAt": "2026-01-02T08:00:00Z"}),
            "value",
        ),
        (
            json!({"kind": "mood", "value": 5, "recordedAt": "2026-01-02T08:00:00Z", "colour": 1}),
            "colour",
        ),
        (json!({"kind": "mood", "value": 5}), "recordedAt"),
        (
            json!({"kind": "mood", "value": 5, "recordedAt": "yesterday"}),
            "recordedAt",
        ),
    ];
    for (body, field) in cases {
        let (status, err) = app
            .call(Method::POST, "/api/entries", t, Some(body.clone()))
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body} -> {err}");
        assert_eq!(err["error"]["field"], field, "{body} -> {err}");
    }
    // Malformed JSON, wrong content type, bad UTF-8, oversized body: 4xx JSON.
    for (ctype, bytes, expected) in [
        (
            "application/json",
            b"{\"kind\":".to_vec(),
            StatusCode::BAD_REQUEST,
        ),
        (
            "text/plain",
            b"{}".to_vec(),
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
        ),
        (
            "application/json",
            b"{\"kind\":\"\xff\xfe\"}".to_vec(),
            StatusCode::BAD_REQUEST,
        ),
        (
            "application/json",
            vec![b' '; 200 * 1024],
            StatusCode::PAYLOAD_TOO_LARGE,
        ),
    ] {
        let resp = app
            .http
            .post(app.url("/api/entries"))
            .bearer_auth(&token)
            .header("content-type", ctype)
            .body(bytes)
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), expected);
        if expected == StatusCode::PAYLOAD_TOO_LARGE {
            // The unread rest of the body: the connection is not reused.
            assert_eq!(resp.headers()["connection"], "close");
        }
        let body: serde_json::Value = resp.json().await.expect("JSON error body");
        assert!(body["error"]["code"].is_string(), "{body}");
    }
    for q in [
        "limit=100000",
        "limit=0",
        "limit=-1",
        "limit=abc",
        "cursor=zzz",
        "kind=nope",
        "from=notatime",
        "bogus=1",
    ] {
        let (status, body) = app.get(&format!("/api/entries?{q}"), t).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{q} -> {body}");
    }
    let (status, _) = app.get("/api/entries/not-a-uuid", t).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);

    let (status, _) = app
        .call(Method::DELETE, &format!("/api/entries/{id}"), t, None)
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (status, body) = app.get(&format!("/api/entries/{id}"), t).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(body["error"]["code"], "not_found");
}

async fn entries_paginate_with_cursor_and_filter(backend: Backend) {
    let app = App::spawn(backend).await;
    let (token, _) = app.register("dan@example.com").await;
    let t = Some(token.as_str());
    for i in 0..25 {
        let kind = if i % 5 == 0 { "mood" } else { "water_ml" };
        // Pairs share a timestamp, so the id tie-break is exercised.
        let at = format!("2026-02-01T{:02}:00:00.250Z", i / 2);
        let (status, body) = app
            .call(
                Method::POST,
                "/api/entries",
                t,
                Some(json!({"kind": kind, "value": 5, "recordedAt": at})),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
    }
    let mut seen = Vec::new();
    let mut path = "/api/entries?limit=10".to_string();
    loop {
        let (status, page) = app.get(&path, t).await;
        assert_eq!(status, StatusCode::OK, "{page}");
        for item in page["items"].as_array().unwrap() {
            seen.push((
                item["recordedAt"].as_str().unwrap().to_string(),
                item["id"].as_str().unwrap().to_string(),
            ));
        }
        match page["nextCursor"].as_str() {
            Some(cursor) => path = format!("/api/entries?limit=10&cursor={cursor}"),
            None => break,
        }
    }
    assert_eq!(seen.len(), 25, "every entry exactly once");
    let mut sorted = seen.clone();
    sorted.sort();
    sorted.reverse();
    sorted.dedup();
    assert_eq!(seen.len(), sorted.len());
    let (_, moods) = app.get("/api/entries?kind=mood&limit=100", t).await;
    assert_eq!(moods["items"].as_array().unwrap().len(), 5);
    let (_, window) = app
        .get(
            "/api/entries?from=2026-02-01T02:00:00Z&to=2026-02-01T04:00:00Z",
            t,
        )
        .await;
    assert_eq!(window["items"].as_array().unwrap().len(), 4, "{window}");
}

async fn users_cannot_touch_each_others_entries(backend: Backend) {
    let app = App::spawn(backend).await;
    let (alice, _) = app.register("alice@example.com").await;
    let (mallory, _) = app.register("mallory@example.com").await;
    let (_, entry) = app
        .call(
            Method::POST,
            "/api/entries",
            Some(&alice),
            Some(json!({"kind": "weight_kg", "value": 61.5, "recordedAt": "2026-01-01T00:00:00Z"})),
        )
        .await;
    let path = format!("/api/entries/{}", entry["id"].as_str().unwrap());
    let m = Some(mallory.as_str());
    assert_eq!(app.get(&path, m).await.0, StatusCode::NOT_FOUND);
    let change = json!({"kind": "weight_kg", "value": 99, "recordedAt": "2026-01-01T00:00:00Z"});
    assert_eq!(
        app.call(Method::PUT, &path, m, Some(change)).await.0,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.call(Method::DELETE, &path, m, None).await.0,
        StatusCode::NOT_FOUND
    );
    let (_, list) = app.get("/api/entries", m).await;
    assert_eq!(list["items"].as_array().unwrap().len(), 0);
    let (status, still) = app.get(&path, Some(&alice)).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(still["value"], 61.5);
    assert_eq!(app.get(&path, None).await.0, StatusCode::UNAUTHORIZED);
}

async fn flags_admin_api_and_sticky_features(backend: Backend) {
    let app = App::spawn(backend).await;
    assert_eq!(
        app.get("/api/feature-flags", None).await.0,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        app.get("/api/feature-flags", Some("wrong")).await.0,
        StatusCode::UNAUTHORIZED
    );
    let (status, flags) = app.get("/api/feature-flags", Some(ADMIN_TOKEN)).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(flags[0]["name"], "leaderboard");
    assert_eq!(flags[0]["enabled"], false);
    assert_eq!(
        app.get("/api/feature-flags/nope", Some(ADMIN_TOKEN))
            .await
            .0,
        StatusCode::NOT_FOUND
    );

    let mut users = Vec::new();
    for i in 0..12 {
        users.push(app.register(&format!("u{i}@example.com")).await);
    }
    let features = |token: String| {
        let app = &app;
        async move {
            app.get("/api/me/features", Some(&token)).await.1["features"]["leaderboard"]
                .as_bool()
                .unwrap()
        }
    };
    assert!(!features(users[0].0.clone()).await);
    let (status, _) = app.get("/api/feature-flags", Some(&users[0].0)).await;
    assert_eq!(
        status,
        StatusCode::UNAUTHORIZED,
        "a user token is not an admin token"
    );
    app.set_flag(
        "leaderboard",
        json!({"enabled": true, "rolloutPercentage": 40}),
    )
    .await;
    for (token, id) in &users {
        let expected = hctl::server::bucket("leaderboard", id) <= 40;
        assert_eq!(features(token.clone()).await, expected, "user {id}");
    }
    let (status, body) = app
        .call(
            Method::PUT,
            "/api/feature-flags/leaderboard",
            Some(ADMIN_TOKEN),
            Some(json!({"rolloutPercentage": 101})),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["error"]["field"], "rolloutPercentage");
    let db = app.db().await;
    let audited: i64 = hctl::on_pool!(&db, pool => sqlx::query_scalar("SELECT count(*) FROM audit_log WHERE action = 'flag.update' AND actor = 'admin' AND target = 'leaderboard'").fetch_one(pool).await).unwrap();
    assert_eq!(audited, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn flag_changes_reach_other_replicas_within_the_cache_bound() {
    let a = App::spawn(Backend::Postgres).await;
    let b = a.replica().await;
    let (token, _) = a.register("replica@example.com").await;
    let on = async |app: &App| {
        app.get("/api/me/features", Some(&token)).await.1["features"]["leaderboard"] == true
    };
    assert!(!on(&b).await, "b has cached the flag off");
    a.set_flag(
        "leaderboard",
        json!({"enabled": true, "rolloutPercentage": 100}),
    )
    .await;
    assert!(
        on(&a).await,
        "the replica that took the change sees it at once"
    );
    let changed = std::time::Instant::now();
    while !on(&b).await {
        assert!(
            changed.elapsed() < std::time::Duration::from_secs(2),
            "b never saw the change"
        );
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    // The test cache TTL is 200 ms.
    assert!(
        changed.elapsed() < std::time::Duration::from_millis(600),
        "{:?}",
        changed.elapsed()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn logout_reaches_other_replicas_within_the_cache_bound() {
    let a = App::spawn(Backend::Postgres).await;
    let b = a.replica().await;
    let (token, _) = a.register("logout-replica@example.com").await;
    assert_eq!(b.get("/api/me", Some(&token)).await.0, StatusCode::OK);
    let (status, _) = a
        .call(Method::POST, "/api/auth/logout", Some(&token), None)
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    assert_eq!(
        a.get("/api/me", Some(&token)).await.0,
        StatusCode::UNAUTHORIZED,
        "at once on a"
    );
    let out = std::time::Instant::now();
    while b.get("/api/me", Some(&token)).await.0 != StatusCode::UNAUTHORIZED {
        assert!(
            out.elapsed() < std::time::Duration::from_secs(3),
            "b kept accepting the token"
        );
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
}
