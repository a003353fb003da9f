//! Error tracking: with `SENTRY_DSN`, every 5xx answer (a handler's
//! internal error, a database outage, a timeout, a caught panic) is sent to
//! Sentry as one event tagged with the request id the client saw in
//! `x-request-id`, the route template, method and status.
//!
//! Health data never leaves: an event is built here from what the server
//! knows about the failure (its kind and server-side message) and the
//! request's route template. No request or response body, no headers (so no
//! `Authorization` or cookies), no query string, no user, no IP; the client
//! is per server (no global hub) and has no integrations, so nothing else
//! adds to the event. Sending is a queue push: a full queue drops the event,
//! the request never waits on Sentry. [`Tracker::close`] flushes on shutdown.
//! What became of each event is counted ([`delivery`]) for `/metrics`.

mod delivery;

use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;

use anyhow::Result;
use axum::response::Response;
use sentry::protocol::{Event, Exception, Level};

/// How long shutdown waits for queued events to be sent.
const FLUSH_TIMEOUT: Duration = Duration::from_secs(5);
/// One send to Sentry: a hung ingest endpoint must not hold the sender (and
/// so shutdown, which waits for the send in flight) for longer.
const SEND_TIMEOUT: Duration = Duration::from_secs(5);

/// What a 5xx response tells the tracker about its cause: set as a response
/// extension by `ApiError::into_response` and the panic catcher, never
/// serialized to the client.
#[derive(Clone, Debug)]
pub struct Failure {
    /// Exception type: the error code (`internal`, `unavailable`) or `panic`.
    pub kind: &'static str,
    /// The server-side message (the error's cause chain, the panic message).
    pub message: String,
}

/// The server's Sentry client, when `SENTRY_DSN` is set.
#[derive(Default)]
pub struct Tracker {
    client: Option<Arc<sentry::Client>>,
    outcomes: Arc<delivery::Outcomes>,
}

impl Tracker {
    /// A client for `dsn` (checked by `ServerSettings::check`); none without.
    pub fn new(dsn: Option<&str>, production: bool) -> Result<Tracker> {
        let Some(dsn) = dsn else {
            return Ok(Tracker::default());
        };
        let dsn: sentry::types::Dsn = dsn
            .parse()
            .map_err(|e| anyhow::anyhow!("invalid SENTRY_DSN: {e}"))?;
        let mut options = sentry::ClientOptions::default();
        options.dsn = Some(dsn);
        options.release = Some(env!("CARGO_PKG_VERSION").into());
        options.environment = Some(
            if production {
                "production"
            } else {
                "development"
            }
            .into(),
        );
        options.send_default_pii = false;
        options.default_integrations = false;
        options.attach_stacktrace = false;
        options.shutdown_timeout = FLUSH_TIMEOUT;
        let http = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(3))
            .timeout(SEND_TIMEOUT)
            .build()
            .map_err(|e| anyhow::anyhow!("error tracking: cannot build the HTTP client: {e}"))?;
        let outcomes = Arc::new(delivery::Outcomes::default());
        options.transport = Some(Arc::new(Transport {
            http,
            outcomes: outcomes.clone(),
        }));
        Ok(Tracker {
            client: Some(Arc::new(sentry::Client::with_options(options))),
            outcomes,
        })
    }

    pub fn enabled(&self) -> bool {
        self.client.is_some()
    }

    /// Events `(sent, failed, dropped)` so far (see [`delivery`]).
    pub fn outcomes(&self) -> (u64, u64, u64) {
        let o = &self.outcomes;
        (
            o.sent.load(Ordering::Relaxed),
            o.failed.load(Ordering::Relaxed),
            o.dropped.load(Ordering::Relaxed),
        )
    }

    /// Send what is queued (up to [`FLUSH_TIMEOUT`]) and stop the sender.
    pub async fn close(&self) {
        if let Some(client) = self.client.clone() {
            let sent = tokio::task::spawn_blocking(move || client.close(Some(FLUSH_TIMEOUT)))
                .await
                .unwrap_or(false);
            if !sent {
                tracing::warn!("error tracking: events still queued at shutdown were dropped");
            }
        }
    }

    fn capture(&self, event: Event<'static>) {
        if let Some(client) = &self.client {
            client.capture_event(event, None);
        }
    }
}

/// Makes the client's [`delivery::Delivery`] on the HTTP client with timeouts.
struct Transport {
    http: reqwest::Client,
    outcomes: Arc<delivery::Outcomes>,
}

impl sentry::TransportFactory for Transport {
    fn create_transport_with_options(
        &self,
        options: sentry::TransportOptions,
    ) -> Arc<dyn sentry::Transport> {
        Arc::new(delivery::Delivery::start(
            &options,
            self.http.clone(),
            self.outcomes.clone(),
        ))
    }
}

/// The event of one 5xx answer: nothing from the request but its id, route
/// template and method.
pub fn event(
    failure: Option<&Failure>,
    status: u16,
    request_id: &str,
    route: &str,
    method: &str,
) -> Event<'static> {
    let (kind, message) = match failure {
        Some(f) => (f.kind.to_string(), f.message.clone()),
        None => (
            format!("http_{status}"),
            format!("{method} {route} answered {status}"),
        ),
    };
    let mut event = Event {
        level: Level::Error,
        transaction: Some(format!("{method} {route}")),
        exception: vec![Exception {
            ty: kind,
            value: Some(message),
            ..Default::default()
        }]
        .into(),
        ..Default::default()
    };
    for (name, value) in [
        ("request_id", request_id.to_string()),
        ("route", route.to_string()),
        ("method", method.to_string()),
        ("status", status.to_string()),
    ] {
        event.tags.insert(name.into(), value);
    }
    event
}

/// Report a 5xx answer (see `edge::Observe`), taking its [`Failure`] off
/// the response.
pub fn report(
    tracker: &Tracker,
    response: &mut Response,
    request_id: &str,
    route: &str,
    method: &str,
) {
    if !tracker.enabled() {
        return;
    }
    let failure = response.extensions_mut().remove::<Failure>();
    let status = response.status().as_u16();
    tracker.capture(event(failure.as_ref(), status, request_id, route, method));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_event_carries_the_failure_and_request_id_only() {
        let failure = Failure {
            kind: "internal",
            message: "relation \"entries\" does not exist".into(),
        };
        let event = event(Some(&failure), 500, "rid-1", "/api/entries/{id}", "GET");
        assert_eq!(event.level, Level::Error);
        assert_eq!(event.tags["request_id"], "rid-1");
        assert_eq!(event.tags["route"], "/api/entries/{id}");
        assert_eq!(event.exception[0].ty, "internal");
        assert!(event.request.is_none() && event.user.is_none());
        let bare = super::event(None, 503, "rid-2", "/api/entries", "POST");
        assert_eq!(bare.exception[0].ty, "http_503");
        assert_eq!(
            bare.exception[0].value.as_deref(),
            Some("POST /api/entries answered 503")
        );
    }
}
