//! What every request and response passes on the way in and out:
//!
//! - [`Stamp`], outermost, so CORS preflights get it too: the request id
//!   (`x-request-id`: the client's when it sent one, else a new UUID v4; on
//!   the request for the inner layers, and on the response) and the security
//!   headers, on every response, errors and 404 included;
//! - CORS (`middleware::cors`), between it and the router;
//! - [`Observe`], on each route inside the router (it needs the route's
//!   template): the request timeout (503 in the JSON shape), a panic caught as
//!   a JSON 500, error tracking of every 5xx, the metrics and one access log
//!   line.
//!
//! [`Edge`], the first two around the router, is built once per connection
//! and called in place (`conn`): axum clones a route's whole layer stack for
//! every request, and CORS's configuration (its lists of origins, headers and
//! methods) was cloned with it, allocations and shared reference counts
//! included, on every request. `Stamp` adds no allocation but the new id and
//! `Observe` boxes one future.

use std::convert::Infallible;
use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::pin::Pin;
use std::task::{Context, Poll, ready};
use std::time::{Duration, Instant};

use axum::Router;
use axum::extract::{MatchedPath, Request};
use axum::http::{HeaderName, HeaderValue, StatusCode};
use axum::response::Response;
use futures::FutureExt;
use futures::future::BoxFuture;
use tower::{Layer, Service};
use tower_http::cors::Cors;

use super::AppState;
use super::error::error_response;
use super::{error_tracking, metrics};

pub const X_REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

const SECURITY_HEADERS: [(HeaderName, HeaderValue); 7] = [
    (
        HeaderName::from_static("content-security-policy"),
        HeaderValue::from_static("default-src 'none'; frame-ancestors 'none'"),
    ),
    (
        HeaderName::from_static("strict-transport-security"),
        HeaderValue::from_static("max-age=31536000; includeSubDomains"),
    ),
    (
        HeaderName::from_static("x-frame-options"),
        HeaderValue::from_static("DENY"),
    ),
    (
        HeaderName::from_static("x-content-type-options"),
        HeaderValue::from_static("nosniff"),
    ),
    (
        HeaderName::from_static("referrer-policy"),
        HeaderValue::from_static("no-referrer"),
    ),
    (
        HeaderName::from_static("cross-origin-resource-policy"),
        HeaderValue::from_static("same-origin"),
    ),
    (
        HeaderName::from_static("cache-control"),
        HeaderValue::from_static("no-store"),
    ),
];

/// The server as one service: [`Stamp`] and CORS around the router.
pub type Edge = Stamp<Cors<Router>>;

/// A new request id: a UUID v4 (from a thread-local generator), formatted
/// without an intermediate `String`.
fn new_request_id() -> Option<HeaderValue> {
    let mut text = [0u8; uuid::fmt::Hyphenated::LENGTH];
    let id = uuid::Uuid::new_v4().hyphenated();
    HeaderValue::from_str(id.encode_lower(&mut text)).ok()
}

/// Layer of [`Stamp`].
#[derive(Clone, Copy, Default)]
pub struct StampLayer;

impl<S> Layer<S> for StampLayer {
    type Service = Stamp<S>;

    fn layer(&self, inner: S) -> Stamp<S> {
        Stamp { inner }
    }
}

/// The request id and the security headers (see the module docs).
#[derive(Clone)]
pub struct Stamp<S> {
    inner: S,
}

impl<S> Service<Request> for Stamp<S>
where
    S: Service<Request, Response = Response, Error = Infallible>,
    S::Future: Unpin,
{
    type Response = Response;
    type Error = Infallible;
    type Future = Stamped<S::Future>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, mut request: Request) -> Self::Future {
        let id = match request.headers().get(X_REQUEST_ID) {
            Some(sent) => Some(sent.clone()),
            None => new_request_id().inspect(|id| {
                request.headers_mut().insert(X_REQUEST_ID, id.clone());
            }),
        };
        Stamped {
            inner: self.inner.call(request),
            id,
        }
    }
}

/// Future of [`Stamp`]: the inner response with the headers added.
pub struct Stamped<F> {
    inner: F,
    id: Option<HeaderValue>,
}

impl<F> Future for Stamped<F>
where
    F: Future<Output = Result<Response, Infallible>> + Unpin,
{
    type Output = Result<Response, Infallible>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let Ok(mut response) = ready!(Pin::new(&mut self.inner).poll(cx));
        let headers = response.headers_mut();
        headers.reserve(SECURITY_HEADERS.len() + 1);
        for (name, value) in SECURITY_HEADERS {
            headers.insert(name, value);
        }
        if let Some(id) = self.id.take() {
            headers.entry(X_REQUEST_ID).or_insert(id);
        }
        Poll::Ready(Ok(response))
    }
}

/// Layer of [`Observe`].
#[derive(Clone)]
pub struct ObserveLayer {
    state: AppState,
}

impl ObserveLayer {
    pub fn new(state: AppState) -> Self {
        ObserveLayer { state }
    }
}

impl<S> Layer<S> for ObserveLayer {
    type Service = Observe<S>;

    fn layer(&self, inner: S) -> Observe<S> {
        Observe {
            inner,
            state: self.state.clone(),
        }
    }
}

/// Timeout, panics, error tracking, metrics and access log (see the module docs).
#[derive(Clone)]
pub struct Observe<S> {
    inner: S,
    state: AppState,
}

impl<S> Service<Request> for Observe<S>
where
    S: Service<Request, Response = Response, Error = Infallible> + Send + 'static,
    S::Future: Send + 'static,
{
    type Response = Response;
    type Error = Infallible;
    type Future = BoxFuture<'static, Result<Response, Infallible>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: Request) -> Self::Future {
        let state = self.state.clone();
        let started = Instant::now();
        let route = request
            .extensions()
            .get::<MatchedPath>()
            .map_or("unmatched", |p| metrics::route_label(p.as_str()));
        let method = request.method().clone();
        let request_id = request.headers().get(X_REQUEST_ID).cloned();
        // A route's `call` only hands the request to a future of its own
        // clone of the handler: the handler runs, and may panic, when that
        // future is polled inside the guard below.
        let inner = self.inner.call(request);
        Box::pin(async move {
            let limit = state.settings.request_timeout;
            let handled = AssertUnwindSafe(within(started + limit, inner))
                .catch_unwind()
                .await;
            let mut response = match handled {
                Ok(Some(Ok(response))) => response,
                Ok(Some(Err(never))) => match never {},
                Ok(None) => timed_out(limit),
                Err(payload) => panicked(payload),
            };
            let request_id = request_id
                .as_ref()
                .and_then(|v| v.to_str().ok())
                .unwrap_or("");
            if response.status().is_server_error() {
                error_tracking::report(
                    &state.tracker,
                    &mut response,
                    request_id,
                    route,
                    method.as_str(),
                );
            }
            let elapsed = started.elapsed();
            let status = response.status().as_u16();
            let method = metrics::method_label(&method);
            state.metrics.observe(route, method, status, elapsed);
            metrics::access_log(method, route, status, elapsed, request_id);
            Ok(response)
        })
    }
}

/// `future`'s output, or `None` once `deadline` has passed. A future that is
/// ready at its first poll (a health probe, a cached answer) gets no timer: a
/// tokio timer takes the runtime's one timer lock when it is dropped, even
/// if it never fired, and that lock was shared by every request.
async fn within<F: Future>(deadline: Instant, future: F) -> Option<F::Output> {
    let mut future = std::pin::pin!(future);
    if let Poll::Ready(output) = futures::poll!(future.as_mut()) {
        return Some(output);
    }
    tokio::time::timeout_at(deadline.into(), future).await.ok()
}

/// The 503 of a request that took longer than the limit.
fn timed_out(limit: Duration) -> Response {
    error_response(
        StatusCode::SERVICE_UNAVAILABLE,
        "timeout",
        format!("request took longer than {}s", limit.as_secs()),
    )
}

/// A panic in a handler becomes a JSON 500, never a dropped connection; its
/// message goes to the log and error tracking, not to the client.
fn panicked(payload: Box<dyn std::any::Any + Send>) -> Response {
    let message = payload
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "panic with a non-string payload".into());
    tracing::error!(panic = %message, "handler panicked");
    let mut response = error_response(
        StatusCode::INTERNAL_SERVER_ERROR,
        "internal",
        "internal error".into(),
    );
    response.extensions_mut().insert(error_tracking::Failure {
        kind: "panic",
        message,
    });
    response
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::response::IntoResponse;

    async fn boom() -> &'static str {
        panic!("index out of range")
    }

    /// No route of the API panics on input, so the panic catcher is shown
    /// its hand-off here: the 500 carries the panic message for the tracker.
    #[tokio::test]
    async fn a_caught_panic_hands_its_message_to_the_tracker() {
        let caught = AssertUnwindSafe(boom()).catch_unwind().await;
        let response = caught.map_or_else(panicked, IntoResponse::into_response);
        assert_eq!(response.status(), 500);
        let failure = response
            .extensions()
            .get::<error_tracking::Failure>()
            .expect("a failure");
        assert_eq!(failure.kind, "panic");
        assert_eq!(failure.message, "index out of range");
    }

    /// The request timeout holds with the timer made only for a handler
    /// that was not ready at once: ready, late but in time, and too late.
    #[tokio::test]
    async fn the_deadline_holds_for_handlers_not_ready_at_once() {
        let deadline = Instant::now() + Duration::from_millis(300);
        assert_eq!(within(deadline, async { 7 }).await, Some(7));
        let in_time = async {
            tokio::time::sleep(Duration::from_millis(50)).await;
            8
        };
        assert_eq!(within(deadline, in_time).await, Some(8));
        let too_late = async {
            tokio::time::sleep(Duration::from_secs(30)).await;
            9
        };
        assert_eq!(within(deadline, too_late).await, None);
        let past = deadline.elapsed();
        assert!(past < Duration::from_secs(5), "{past:?} after the deadline");
    }

    #[test]
    fn request_ids_are_uuids_and_differ() {
        let a = new_request_id().expect("an id");
        let b = new_request_id().expect("an id");
        assert_ne!(a, b);
        let text = a.to_str().unwrap();
        assert_eq!(uuid::Uuid::parse_str(text).unwrap().get_version_num(), 4);
    }
}
