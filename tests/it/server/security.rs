//! Tokens, headers, CORS, rate limits and faults (database down, schema not
//! migrated), over real HTTP.

use std::time::Duration;

use jsonwebtoken::{EncodingKey, Header};
use reqwest::{Method, StatusCode};
use serde_json::json;

use super::{App, Backend, JWT_SECRET};
use crate::support::services::redis_url;

crate::both!(
    tampered_tokens_are_rejected,
    pending_migrations_keep_the_api_unready
);

async fn tampered_tokens_are_rejected(backend: Backend) {
    let app = App::spawn(backend).await;
    let (token, id) = app.register("tom@example.com").await;
    assert_eq!(app.get("/api/me", Some(&token)).await.0, StatusCode::OK);
    let now = chrono::Utc::now().timestamp();
    let claims = |exp: i64, iss: &str, aud: &str| json!({"sub": id, "jti": uuid::Uuid::new_v4(), "iat": now, "exp": exp, "iss": iss, "aud": aud});
    let sign = |claims: serde_json::Value, secret: &[u8]| {
        jsonwebtoken::encode(
            &Header::default(),
            &claims,
            &EncodingKey::from_secret(secret),
        )
        .unwrap()
    };
    let good = sign(
        claims(now + 600, "healthtracker", "healthtracker-api"),
        JWT_SECRET.as_bytes(),
    );
    assert_eq!(
        app.get("/api/me", Some(&good)).await.0,
        StatusCode::OK,
        "the forging helper is right"
    );
    let payload = good.split('.').nth(1).unwrap().to_string();
    let sig = token.split('.').nth(2).unwrap();
    let bad = [
        sign(
            claims(now - 600, "healthtracker", "healthtracker-api"),
            JWT_SECRET.as_bytes(),
        ),
        sign(
            claims(now + 600, "evil", "healthtracker-api"),
            JWT_SECRET.as_bytes(),
        ),
        sign(
            claims(now + 600, "healthtracker", "other-api"),
            JWT_SECRET.as_bytes(),
        ),
        sign(
            claims(now + 600, "healthtracker", "healthtracker-api"),
            b"another-secret-of-enough-length-0000",
        ),
        format!("eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0.{payload}."),
        format!("{}.{payload}.{sig}", token.split('.').next().unwrap()),
        "garbage".to_string(),
        String::new(),
    ];
    for forged in bad {
        let (status, body) = app.get("/api/me", Some(&forged)).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{forged}: {body}");
        assert_eq!(body["error"]["code"], "unauthorized");
    }
    let resp = app
        .http
        .get(app.url("/api/me"))
        .header("authorization", "Basic abc")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::UNAUTHORIZED);
}

async fn pending_migrations_keep_the_api_unready(backend: Backend) {
    let app = App::spawn_with(backend, |s| s.migrate = false).await;
    let (status, body) = app.get("/api/readyz", None).await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{body}");
    assert!(
        body["reason"]
            .as_str()
            .unwrap()
            .contains("migrations pending"),
        "{body}"
    );
    let (status, body) = app
        .call(
            Method::POST,
            "/api/auth/register",
            None,
            Some(json!({"email": "a@b.co", "password": "0123456789ab"})),
        )
        .await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{body}");
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("migrations pending")
    );
    // healthz is about liveness: the database answers, so it is ok.
    assert_eq!(app.get("/api/healthz", None).await.0, StatusCode::OK);
    // Someone migrates (another pod, `hctl db migrate`): the server notices.
    let db = app.db().await;
    hctl::store::migrate::apply(&db, Default::default())
        .await
        .unwrap();
    let mut ready = false;
    for _ in 0..40 {
        if app.get("/api/readyz", None).await.0 == StatusCode::OK {
            ready = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    assert!(ready, "readyz turns 200 after the migration");
    app.register("late@example.com").await;
}

#[tokio::test]
async fn security_headers_on_every_response() {
    let app = App::spawn(Backend::Sqlite).await;
    for (method, path) in [
        (Method::GET, "/api/healthz"),
        (Method::GET, "/nope"),
        (Method::GET, "/api/me"),
        (Method::DELETE, "/api/healthz"),
    ] {
        let resp = app
            .http
            .request(method.clone(), app.url(path))
            .send()
            .await
            .unwrap();
        let h = resp.headers();
        assert_eq!(
            h["content-security-policy"], "default-src 'none'; frame-ancestors 'none'",
            "{path}"
        );
        let hsts = h["strict-transport-security"].to_str().unwrap();
        let age: u64 = hsts
            .trim_start_matches("max-age=")
            .split(';')
            .next()
            .unwrap()
            .parse()
            .unwrap();
        assert!(age >= 15_768_000, "{hsts}");
        assert_eq!(h["x-frame-options"], "DENY");
        assert_eq!(h["x-content-type-options"], "nosniff");
        assert!(h.contains_key("referrer-policy"));
        assert!(h.contains_key("x-request-id"), "{path}");
        let status = resp.status();
        let body: serde_json::Value = resp.json().await.expect("JSON body");
        if !status.is_success() {
            assert!(body["error"]["code"].is_string(), "{method} {path}: {body}");
        }
    }
    let resp = app
        .http
        .get(app.url("/api/healthz"))
        .header("x-request-id", "abc-123")
        .send()
        .await
        .unwrap();
    assert_eq!(
        resp.headers()["x-request-id"],
        "abc-123",
        "request ids propagate"
    );
}

#[tokio::test]
async fn cors_allows_only_listed_origins() {
    let app = App::spawn_with(Backend::Sqlite, |s| {
        s.cors_origins = vec!["https://app.healthtracker.com".into()]
    })
    .await;
    let preflight = |origin: &'static str| {
        app.http
            .request(Method::OPTIONS, app.url("/api/entries"))
            .header("origin", origin)
            .header("access-control-request-method", "POST")
            .header(
                "access-control-request-headers",
                "authorization,content-type",
            )
            .send()
    };
    let ok = preflight("https://app.healthtracker.com").await.unwrap();
    assert_eq!(
        ok.headers()["access-control-allow-origin"],
        "https://app.healthtracker.com"
    );
    assert!(
        ok.headers()
            .get("access-control-allow-credentials")
            .is_none()
    );
    let evil = preflight("https://evil.example").await.unwrap();
    assert!(evil.headers().get("access-control-allow-origin").is_none());
    let simple = app
        .http
        .get(app.url("/api/healthz"))
        .header("origin", "https://evil.example")
        .send()
        .await
        .unwrap();
    assert!(
        simple
            .headers()
            .get("access-control-allow-origin")
            .is_none()
    );
}

#[tokio::test]
async fn per_ip_and_per_user_limits_answer_429() {
    let app = App::spawn_with(Backend::Sqlite, |s| {
        s.rate_limit_ip = 8;
        s.rate_limit_user = 3;
    })
    .await;
    let (token, _) = app.register("rl@example.com").await;
    let mut codes = Vec::new();
    for _ in 0..4 {
        codes.push(app.get("/api/me", Some(&token)).await.0);
    }
    assert_eq!(codes[..3], [StatusCode::OK; 3]);
    assert_eq!(codes[3], StatusCode::TOO_MANY_REQUESTS, "per user");
    let mut last = None;
    for _ in 0..6 {
        last = Some(app.http.get(app.url("/api/entries")).send().await.unwrap());
    }
    let last = last.unwrap();
    assert_eq!(last.status(), StatusCode::TOO_MANY_REQUESTS, "per IP");
    assert!(
        last.headers()["retry-after"]
            .to_str()
            .unwrap()
            .parse::<u64>()
            .unwrap()
            >= 1
    );
    // Probes are never limited.
    assert_eq!(app.get("/api/healthz", None).await.0, StatusCode::OK);
    let metrics = app.text("/metrics").await;
    assert!(
        metrics.contains("rate_limit_rejections_total{scope=\"ip\"} 3"),
        "{metrics}"
    );
    assert!(
        metrics.contains("rate_limit_rejections_total{scope=\"user\"} 1"),
        "{metrics}"
    );
}

#[tokio::test]
async fn redis_limits_hold_across_replicas() {
    let redis = redis_url();
    // Unique per run: the per-account login key is shared by both replicas.
    let email = format!("{}@example.com", uuid::Uuid::new_v4().simple());
    let tweak = |s: &mut hctl::server::ServerSettings| {
        s.redis_url = Some(redis.clone());
        s.login_attempts = 2;
    };
    let a = App::spawn_with(Backend::Sqlite, tweak).await;
    let b = App::spawn_with(Backend::Sqlite, tweak).await;
    let (_, health) = a.get("/api/healthz", None).await;
    assert_eq!(health["checks"]["cache"], "ok");
    let body = json!({"email": email, "password": "whatever whatever"});
    let login = async |app: &App| {
        app.call(Method::POST, "/api/auth/login", None, Some(body.clone()))
            .await
            .0
    };
    assert_eq!(login(&a).await, StatusCode::UNAUTHORIZED);
    assert_eq!(login(&b).await, StatusCode::UNAUTHORIZED);
    assert_eq!(
        login(&a).await,
        StatusCode::TOO_MANY_REQUESTS,
        "the third attempt is over the shared limit"
    );
    assert_eq!(login(&b).await, StatusCode::TOO_MANY_REQUESTS);
}

#[tokio::test]
async fn database_down_answers_503_not_500() {
    // Nothing listens on port 9: PostgreSQL is "down" from the start.
    let app = App::spawn_with(Backend::Sqlite, |s| {
        s.database_url = "postgres://postgres@127.0.0.1:9/none".into();
        s.migrate = false;
    })
    .await;
    let (status, body) = app.get("/api/healthz", None).await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{body}");
    assert_eq!(body["checks"]["database"], "down");
    let (status, body) = app.get("/api/readyz", None).await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{body}");
    let (status, body) = app
        .call(
            Method::POST,
            "/api/auth/login",
            None,
            Some(json!({"email": "a@b.co", "password": "x"})),
        )
        .await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{body}");
    app.stop()
        .await
        .expect("stops cleanly with the database down");
}

/// A TCP proxy in front of PostgreSQL that can cut every connection and
/// refuse new ones, then come back: a database outage on demand.
struct Outage {
    up: std::sync::Arc<std::sync::atomic::AtomicBool>,
    links: std::sync::Arc<std::sync::Mutex<Vec<tokio::task::AbortHandle>>>,
}

impl Outage {
    /// Start proxying to the host:port of `url`; returns the proxied URL.
    fn start(url: &str) -> (Outage, String) {
        use std::sync::atomic::Ordering;
        let mut parsed = url::Url::parse(url).unwrap();
        let upstream = format!(
            "{}:{}",
            parsed.host_str().unwrap(),
            parsed.port().unwrap_or(5432)
        );
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.set_nonblocking(true).unwrap();
        parsed
            .set_port(Some(listener.local_addr().unwrap().port()))
            .unwrap();
        let outage = Outage {
            up: Default::default(),
            links: Default::default(),
        };
        outage.up.store(true, Ordering::SeqCst);
        let (up, links) = (outage.up.clone(), outage.links.clone());
        tokio::spawn(async move {
            let listener = tokio::net::TcpListener::from_std(listener).unwrap();
            while let Ok((mut client, _)) = listener.accept().await {
                if !up.load(Ordering::SeqCst) {
                    continue; // dropped: connection closed at once
                }
                let upstream = upstream.clone();
                let task = tokio::spawn(async move {
                    if let Ok(mut server) = tokio::net::TcpStream::connect(upstream).await {
                        let _ = tokio::io::copy_bidirectional(&mut client, &mut server).await;
                    }
                });
                links.lock().unwrap().push(task.abort_handle());
            }
        });
        (outage, parsed.to_string())
    }

    fn cut(&self) {
        self.up.store(false, std::sync::atomic::Ordering::SeqCst);
        for link in self.links.lock().unwrap().drain(..) {
            link.abort();
        }
    }

    fn restore(&self) {
        self.up.store(true, std::sync::atomic::Ordering::SeqCst);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn database_outage_answers_503_and_recovers_by_itself() {
    let mut outage = None;
    let app = App::spawn_with(Backend::Postgres, |s| {
        let (o, url) = Outage::start(&s.database_url);
        s.database_url = url;
        outage = Some(o);
    })
    .await;
    let outage = outage.unwrap();
    let (token, _) = app.register("outage@example.com").await;
    assert_eq!(app.get("/api/me", Some(&token)).await.0, StatusCode::OK);

    outage.cut();
    // healthz reuses a check for up to a second.
    let cut = std::time::Instant::now();
    let body = loop {
        let (status, body) = app.get("/api/healthz", None).await;
        if status == StatusCode::SERVICE_UNAVAILABLE {
            break body;
        }
        assert!(
            cut.elapsed() < Duration::from_secs(3),
            "healthz never noticed: {body}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    assert_eq!(body["checks"]["database"], "down");
    for _ in 0..3 {
        let (status, body) = app.get("/api/me", Some(&token)).await;
        assert_eq!(
            status,
            StatusCode::SERVICE_UNAVAILABLE,
            "clean 503, not 500: {body}"
        );
        assert_eq!(body["error"]["code"], "unavailable");
    }

    outage.restore();
    let mut recovered = false;
    for _ in 0..40 {
        if app.get("/api/me", Some(&token)).await.0 == StatusCode::OK {
            recovered = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    assert!(recovered, "the API recovers without a restart");
    tokio::time::sleep(hctl::server::CHECK_TTL).await;
    assert_eq!(app.get("/api/healthz", None).await.0, StatusCode::OK);
}

#[tokio::test]
async fn forwarded_for_is_used_only_when_trusted() {
    for trusted in [true, false] {
        let app = App::spawn_with(Backend::Sqlite, |s| {
            s.rate_limit_ip = 2;
            s.trust_forwarded_for = trusted;
        })
        .await;
        let mut codes = Vec::new();
        for hop in ["203.0.113.1", "203.0.113.2", "203.0.113.3"] {
            let resp = app
                .http
                .get(app.url("/api/entries"))
                .header("x-forwarded-for", format!("10.9.9.9, {hop}"))
                .send()
                .await
                .unwrap();
            codes.push(resp.status());
        }
        let limited = codes.contains(&StatusCode::TOO_MANY_REQUESTS);
        assert_eq!(limited, !trusted, "trusted={trusted}: {codes:?}");
    }
}

/// hyper answers what never reaches the router; the README says why those
/// answers need no security headers: they have no body and close the
/// connection. Keep that true.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn malformed_requests_get_an_empty_answer_and_a_closed_connection() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let app = App::spawn(Backend::Sqlite).await;
    let addr = app.base.trim_start_matches("http://").to_string();
    let big = format!(
        "GET / HTTP/1.1\r\nHost: x\r\nX-Big: {}\r\n\r\n",
        "a".repeat(2_000_000)
    );
    for (request, status) in [("GARBAGE\r\n\r\n".to_string(), "400"), (big, "431")] {
        let mut conn = tokio::net::TcpStream::connect(&addr).await.unwrap();
        // The server may stop reading mid-way: the answer is what counts.
        let _ = conn.write_all(request.as_bytes()).await;
        let mut answer = Vec::new();
        let _ = tokio::time::timeout(Duration::from_secs(5), conn.read_to_end(&mut answer)).await;
        let text = String::from_utf8_lossy(&answer).to_lowercase();
        assert!(text.starts_with(&format!("http/1.1 {status}")), "{text}");
        assert!(text.contains("content-length: 0\r\n"), "{text}");
        assert!(text.contains("connection: close\r\n"), "{text}");
        assert!(text.ends_with("\r\n\r\n"), "no body: {text}");
    }
}
