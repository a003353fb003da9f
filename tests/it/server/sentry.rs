//! Error tracking against a local Sentry receiver: a test-owned HTTP server
//! that accepts `POST /api/<project>/envelope/` and parses the envelope
//! (envelope header line, item header line, event JSON). A real 5xx (the
//! `entries` table renamed away under the running server) is reported with
//! the request id the client saw and the error's cause, and nothing of the
//! request (body values, token, query string) is in the event; a 4xx is not
//! reported; an event queued just before shutdown is sent before the server
//! returns; a receiver that never answers does not slow requests down.
//!
//! The server has no handler that can panic on client input, so the panic
//! path (caught by `catch_panic`, reported the same way as kind `panic`) is
//! not reached here.

use std::time::{Duration, Instant};

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use tokio::sync::mpsc;

use super::{App, Backend};

/// One envelope POST as the receiver saw it.
pub(super) struct Received {
    path: String,
    auth: String,
    /// The raw body, for the "nothing leaks" assertions.
    raw: String,
    items: Vec<(Value, Value)>,
}

impl Received {
    /// The payload of the only `event` item.
    fn event(&self) -> &Value {
        let events: Vec<&Value> = self
            .items
            .iter()
            .filter(|(header, _)| header["type"] == "event")
            .map(|(_, payload)| payload)
            .collect();
        assert_eq!(events.len(), 1, "one event item in {}", self.raw);
        events[0]
    }
}

/// A Sentry ingest endpoint on a free port: every envelope it receives is
/// parsed and, half a second later, sent on the channel; it answers 200.
pub(super) async fn receiver() -> (String, mpsc::UnboundedReceiver<Received>) {
    receiver_answering("200 OK", "").await
}

/// [`receiver`] answering with `status` and the extra header lines `headers`.
async fn receiver_answering(
    status: &'static str,
    headers: &'static str,
) -> (String, mpsc::UnboundedReceiver<Received>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (tx, rx) = mpsc::unbounded_channel();
    tokio::spawn(async move {
        loop {
            let Ok((mut stream, _)) = listener.accept().await else {
                return;
            };
            let tx = tx.clone();
            tokio::spawn(async move {
                let received = read_request(&mut stream).await;
                // A slow ingest: an event is only here if the server waited.
                tokio::time::sleep(Duration::from_millis(500)).await;
                let _ = tx.send(received);
                let answer = format!(
                    "HTTP/1.1 {status}\r\ncontent-type: application/json\r\n{headers}content-length: 2\r\nconnection: close\r\n\r\n{{}}"
                );
                let _ = stream.write_all(answer.as_bytes()).await;
            });
        }
    });
    (format!("http://public-key@{addr}/42"), rx)
}

/// Wait until `/metrics` has the line `want` (10 s at most).
async fn wait_for_metric(app: &App, want: &str) {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let metrics = app.text("/metrics").await;
        if metrics.lines().any(|l| l == want) {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "no `{want}` within 10s in\n{metrics}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// One HTTP/1.1 request with a `content-length` body, parsed as an envelope.
async fn read_request(stream: &mut tokio::net::TcpStream) -> Received {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 8192];
    let head_end = loop {
        let n = stream.read(&mut chunk).await.expect("read request");
        assert!(n > 0, "connection closed inside the request head");
        buf.extend_from_slice(&chunk[..n]);
        if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break i + 4;
        }
    };
    let head = String::from_utf8_lossy(&buf[..head_end]).into_owned();
    let header = |name: &str| {
        head.lines()
            .find_map(|l| {
                let (k, v) = l.split_once(':')?;
                k.eq_ignore_ascii_case(name).then(|| v.trim().to_string())
            })
            .unwrap_or_default()
    };
    let length: usize = header("content-length")
        .parse()
        .unwrap_or_else(|_| panic!("no content-length in {head}"));
    while buf.len() < head_end + length {
        let n = stream.read(&mut chunk).await.expect("read body");
        assert!(n > 0, "connection closed inside the body");
        buf.extend_from_slice(&chunk[..n]);
    }
    let mut parts = head.split_whitespace();
    assert_eq!(parts.next(), Some("POST"), "{head}");
    let path = parts.next().unwrap_or_default().to_string();
    let raw = String::from_utf8(buf[head_end..head_end + length].to_vec()).expect("UTF-8 body");
    Received {
        path,
        auth: header("x-sentry-auth"),
        items: parse_envelope(&raw),
        raw,
    }
}

/// The items of an envelope: a header line (checked to be JSON), then per
/// item a header line and a payload of `length` bytes (or up to the newline).
fn parse_envelope(raw: &str) -> Vec<(Value, Value)> {
    let (header, mut rest) = raw.split_once('\n').unwrap_or((raw, ""));
    let header: Value = serde_json::from_str(header).expect("envelope header is JSON");
    assert!(header["event_id"].is_string(), "{header}");
    let mut items = Vec::new();
    while !rest.trim().is_empty() {
        let (item_header, after) = rest.split_once('\n').expect("item header line");
        let item_header: Value = serde_json::from_str(item_header).expect("item header is JSON");
        let (payload, after) = match item_header["length"].as_u64() {
            Some(n) => {
                let (p, a) = after.split_at(n as usize);
                (p, a.strip_prefix('\n').unwrap_or(a))
            }
            None => after.split_once('\n').unwrap_or((after, "")),
        };
        let payload: Value = serde_json::from_str(payload).expect("item payload is JSON");
        items.push((item_header, payload));
        rest = after;
    }
    items
}

async fn next_envelope(rx: &mut mpsc::UnboundedReceiver<Received>) -> Received {
    tokio::time::timeout(Duration::from_secs(10), rx.recv())
        .await
        .expect("an envelope within 10s")
        .expect("receiver running")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_5xx_is_reported_with_its_request_id_and_no_health_data() {
    hctl::init_crypto();
    let (dsn, mut rx) = receiver().await;
    let app = App::spawn_with(Backend::Postgres, |s| s.sentry_dsn = Some(dsn)).await;
    let (token, _) = app.register("tracked@example.com").await;
    let entry = json!({"kind": "weight_kg", "value": 83.25, "recordedAt": "2026-01-02T08:00:00Z", "note": "private-note-marker"});
    let (status, body) = app
        .call(
            Method::POST,
            "/api/entries",
            Some(&token),
            Some(entry.clone()),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    // A client error is the client's problem: not reported.
    let (status, _) = app
        .call(
            Method::POST,
            "/api/entries",
            Some(&token),
            Some(json!({"kind": "nope"})),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);

    app.rename_table("entries", "entries_away").await;
    let resp = app
        .http
        .post(app.url("/api/entries?marker=query-marker"))
        .bearer_auth(&token)
        .header("cookie", "session=cookie-marker")
        .json(&entry)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::INTERNAL_SERVER_ERROR);
    let request_id = resp.headers()["x-request-id"].to_str().unwrap().to_string();
    let answer = resp.text().await.unwrap();
    assert!(
        !answer.contains("entries"),
        "the client sees an opaque 500: {answer}"
    );

    let got = next_envelope(&mut rx).await;
    wait_for_metric(&app, "hctl_error_tracking_events_total{outcome=\"sent\"} 1").await;
    wait_for_metric(&app, "hctl_error_tracking_enabled 1").await;
    assert_eq!(got.path, "/api/42/envelope/");
    assert!(got.auth.contains("sentry_key=public-key"), "{}", got.auth);
    let event = got.event();
    // `error` is the protocol's default level, which the SDK leaves out.
    assert_eq!(
        event["level"].as_str().unwrap_or("error"),
        "error",
        "{event}"
    );
    assert!(event["exception"].is_object(), "{event}");
    assert_eq!(event["tags"]["request_id"], request_id.as_str(), "{event}");
    assert_eq!(event["tags"]["route"], "/api/entries", "{event}");
    assert_eq!(event["tags"]["status"], "500", "{event}");
    let exception = &event["exception"]["values"][0];
    assert_eq!(exception["type"], "internal", "{event}");
    let message = exception["value"].as_str().unwrap_or_default();
    assert!(message.contains("entries"), "the cause is named: {event}");
    for leak in [
        token.as_str(),
        "private-note-marker",
        "83.25",
        "tracked@example.com",
        "correct horse",
        "query-marker",
        "cookie-marker",
        "Bearer",
    ] {
        assert!(
            !got.raw.contains(leak),
            "`{leak}` reached Sentry: {}",
            got.raw
        );
    }
    for key in ["request", "user"] {
        assert!(event.get(key).is_none(), "`{key}` in {event}");
    }

    // Still broken: a read fails too, and is sent before the server stops.
    let resp = app
        .http
        .get(app.url("/api/entries"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::INTERNAL_SERVER_ERROR);
    let request_id = resp.headers()["x-request-id"].to_str().unwrap().to_string();
    app.rename_table("entries_away", "entries").await;
    app.stop().await.expect("graceful stop");
    let got = rx
        .try_recv()
        .expect("the last event is flushed on shutdown");
    assert_eq!(got.event()["tags"]["request_id"], request_id.as_str());
    assert!(rx.try_recv().is_err(), "one event per 5xx");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sentry_that_never_answers_does_not_slow_requests() {
    // Accepts connections (the kernel does) and never reads or answers.
    hctl::init_crypto();
    let silent = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let dsn = format!("http://public-key@{}/42", silent.local_addr().unwrap());
    let app = App::spawn_with(Backend::Sqlite, |s| s.sentry_dsn = Some(dsn)).await;
    let (token, _) = app.register("silent@example.com").await;
    app.rename_table("entries", "entries_away").await;
    let started = Instant::now();
    for _ in 0..60 {
        let (status, _) = app.get("/api/entries", Some(&token)).await;
        assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);
    }
    let elapsed = started.elapsed();
    assert!(
        elapsed < Duration::from_secs(5),
        "60 failing requests took {elapsed:?} with Sentry hanging"
    );
    // Shutdown waits for the queue at most the flush timeout (5 s).
    let stopping = Instant::now();
    app.stop().await.expect("graceful stop");
    assert!(
        stopping.elapsed() < Duration::from_secs(15),
        "{:?}",
        stopping.elapsed()
    );
    drop(silent);
}

/// What became of each event is on `/metrics`, so an alert can say that
/// errors are not reaching Sentry: an ingest answering 500 counts `failed`;
/// one answering 429 counts `dropped`, and while its `Retry-After` lasts the
/// next events are dropped without being posted.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn undelivered_events_are_counted_by_outcome() {
    hctl::init_crypto();
    let (app, _, mut rx) = failing_behind("500 Internal Server Error", "").await;
    next_envelope(&mut rx).await;
    wait_for_metric(&app, &outcome("failed", 1)).await;
    wait_for_metric(&app, &outcome("sent", 0)).await;
    app.stop().await.expect("graceful stop");

    let (app, token, mut rx) = failing_behind("429 Too Many Requests", "retry-after: 60\r\n").await;
    next_envelope(&mut rx).await;
    wait_for_metric(&app, &outcome("dropped", 1)).await;
    for _ in 0..3 {
        app.get("/api/entries", Some(&token)).await;
    }
    wait_for_metric(&app, &outcome("dropped", 4)).await;
    tokio::time::sleep(Duration::from_millis(700)).await;
    assert!(
        rx.try_recv().is_err(),
        "nothing is posted while rate limited"
    );
    app.stop().await.expect("graceful stop");
}

/// A server reporting to an ingest answering `status`, after one real 500.
async fn failing_behind(
    status: &'static str,
    headers: &'static str,
) -> (App, String, mpsc::UnboundedReceiver<Received>) {
    let (dsn, rx) = receiver_answering(status, headers).await;
    let app = App::spawn_with(Backend::Sqlite, |s| s.sentry_dsn = Some(dsn)).await;
    let (token, _) = app.register("failing@example.com").await;
    app.rename_table("entries", "entries_away").await;
    let (code, _) = app.get("/api/entries", Some(&token)).await;
    assert_eq!(code, StatusCode::INTERNAL_SERVER_ERROR);
    (app, token, rx)
}

fn outcome(outcome: &str, n: u64) -> String {
    format!("hctl_error_tracking_events_total{{outcome=\"{outcome}\"}} {n}")
}

#[tokio::test]
async fn an_invalid_dsn_refuses_to_start() {
    let mut settings = super::base_settings();
    settings.sentry_dsn = Some("not a dsn".into());
    let err = settings.check().unwrap_err();
    assert!(format!("{err:#}").contains("invalid SENTRY_DSN"), "{err:#}");
}
