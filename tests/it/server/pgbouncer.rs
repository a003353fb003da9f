//! `hctl serve` behind PgBouncer in transaction mode (Debian's 1.18: no
//! `max_prepared_statements`): with `?pgbouncer=true` every query keeps one
//! server connection for its Parse and its Bind, and concurrent users see no
//! error; without it the same traffic fails on sqlx's named statements.

use std::sync::Arc;

use reqwest::{Method, StatusCode};
use serde_json::json;

use super::{App, Backend};
use crate::support::pgbouncer::{Bouncer, BouncerConfig};

/// A user's whole journey; returns what went wrong (empty: nothing).
async fn journey(app: Arc<App>, n: usize) -> Vec<String> {
    let mut failures = Vec::new();
    let email = format!("bouncer{n}-{}@example.com", uuid::Uuid::new_v4().simple());
    let password = "correct horse battery";
    let creds = json!({"email": email, "password": password});
    let mut expect = |what: &str, got: StatusCode, want: StatusCode, body: &serde_json::Value| {
        if got != want {
            failures.push(format!("{what}: {got} {body}"));
        }
        got == want
    };
    let (status, body) = app
        .call(
            Method::POST,
            "/api/auth/register",
            None,
            Some(creds.clone()),
        )
        .await;
    if !expect("register", status, StatusCode::CREATED, &body) {
        return failures;
    }
    let (status, body) = app
        .call(Method::POST, "/api/auth/login", None, Some(creds))
        .await;
    if !expect("login", status, StatusCode::OK, &body) {
        return failures;
    }
    let token = body["token"].as_str().unwrap_or_default().to_string();
    let t = Some(token.as_str());
    for i in 0..5 {
        let entry =
            json!({"kind": "steps", "value": 1000 + i, "recordedAt": "2026-01-02T08:00:00Z"});
        let (status, body) = app.call(Method::POST, "/api/entries", t, Some(entry)).await;
        if !expect("create", status, StatusCode::CREATED, &body) {
            continue;
        }
        let id = body["id"].as_str().unwrap_or_default().to_string();
        let (status, body) = app.get(&format!("/api/entries/{id}"), t).await;
        expect("read", status, StatusCode::OK, &body);
        let (status, body) = app.get("/api/entries", t).await;
        expect("list", status, StatusCode::OK, &body);
        let changed = json!({"kind": "steps", "value": 9000, "recordedAt": "2026-01-02T08:00:00Z"});
        let (status, body) = app
            .call(Method::PUT, &format!("/api/entries/{id}"), t, Some(changed))
            .await;
        expect("update", status, StatusCode::OK, &body);
        let (status, body) = app
            .call(Method::DELETE, &format!("/api/entries/{id}"), t, None)
            .await;
        expect("delete", status, StatusCode::NO_CONTENT, &body);
    }
    failures
}

/// `users` journeys at once against `app`; every failure, in order.
async fn crowd(app: Arc<App>, users: usize) -> Vec<String> {
    let tasks: Vec<_> = (0..users)
        .map(|n| tokio::spawn(journey(app.clone(), n)))
        .collect();
    let mut failures = Vec::new();
    for task in tasks {
        failures.extend(task.await.expect("journey task"));
    }
    failures
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn serve_behind_pgbouncer_in_transaction_mode() {
    let direct = App::spawn(Backend::Postgres).await;
    // The direct app migrates as it starts; the pooled ones only check.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    while direct.get("/api/readyz", None).await.0 != StatusCode::OK {
        assert!(
            std::time::Instant::now() < deadline,
            "the direct app is not ready after 30s"
        );
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    let bouncer = Bouncer::start(BouncerConfig {
        pool_mode: "transaction",
        default_pool_size: 3,
    });
    let db_name = direct
        .database_url
        .rsplit('/')
        .next()
        .expect("database name")
        .to_string();
    let through = format!("{}?pgbouncer=true", bouncer.url(&db_name));

    let app = Arc::new(direct.replica_via(&through).await);
    let failures = crowd(app.clone(), 24).await;
    assert!(
        failures.is_empty(),
        "{} failures behind pgbouncer=true, first: {:?}\n{}",
        failures.len(),
        &failures[..failures.len().min(5)],
        bouncer.log()
    );

    // Migrations need a session (an advisory lock): refused, naming the fix.
    let db = hctl::store::Db::connect(&through).await.expect("connect");
    let err = hctl::store::migrate::apply(&db, Default::default())
        .await
        .expect_err("migrate through pgbouncer");
    assert!(err.to_string().contains("direct PostgreSQL URL"), "{err:#}");

    // The same traffic without the setting: sqlx's named statements collide
    // on the shared server connections (this is what the setting is for).
    let plain = Arc::new(direct.replica_via(&bouncer.url(&db_name)).await);
    let failures = crowd(plain, 24).await;
    // A 500, or a 503 when the collision already failed the server's own
    // schema check at start ("migrations pending").
    assert!(
        failures
            .iter()
            .any(|f| f.contains(": 500 ") || f.contains(": 503 ")),
        "expected errors without pgbouncer=true: {failures:?}"
    );
}
