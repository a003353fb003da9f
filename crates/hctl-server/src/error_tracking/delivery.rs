//! Delivery of error events to Sentry, counted: a bounded queue and one
//! sender thread, as the SDK's own transports, but every event ends in one
//! of the outcomes of `hctl_error_tracking_events_total{outcome}`, so
//! Prometheus (and the shipped alert `HctlErrorTrackingFailing`) can tell an
//! on-call engineer that errors are not reaching Sentry:
//!
//! - `sent`: the ingest endpoint accepted it (2xx);
//! - `failed`: it answered an error, or could not be reached in time;
//! - `dropped`: the queue was full, or Sentry's rate limit
//!   (`X-Sentry-Rate-Limits`, `Retry-After` on a 429) was in force.
//!
//! A request never waits here: [`Delivery::send_envelope`] is a queue push.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Condvar, Mutex, PoisonError};
use std::time::{Duration, Instant};

use hctl_core::error::error_line;
use sentry::{Envelope, Transport, TransportOptions};
use tokio::sync::mpsc;

/// Events waiting to be sent; more are dropped (and counted).
const QUEUE: usize = 64;
/// How long a rate limit lasts when Sentry answers 429 without saying.
const DEFAULT_RETRY_AFTER: Duration = Duration::from_secs(60);

/// The outcomes so far, for `/metrics`.
#[derive(Default)]
pub struct Outcomes {
    pub sent: AtomicU64,
    pub failed: AtomicU64,
    pub dropped: AtomicU64,
}

/// Events pushed and not finished yet, for `flush`.
#[derive(Default)]
struct Pending {
    count: Mutex<usize>,
    done: Condvar,
}

impl Pending {
    fn add(&self) {
        *self.count.lock().unwrap_or_else(PoisonError::into_inner) += 1;
    }

    fn finish(&self) {
        let mut count = self.count.lock().unwrap_or_else(PoisonError::into_inner);
        *count = count.saturating_sub(1);
        self.done.notify_all();
    }

    /// Wait until nothing is pending or `timeout` passed: true when empty.
    fn wait(&self, timeout: Duration) -> bool {
        let count = self.count.lock().unwrap_or_else(PoisonError::into_inner);
        let (count, _) = self
            .done
            .wait_timeout_while(count, timeout, |n| *n > 0)
            .unwrap_or_else(PoisonError::into_inner);
        *count == 0
    }
}

/// The transport given to the Sentry client.
pub struct Delivery {
    queue: Mutex<Option<mpsc::Sender<Envelope>>>,
    pending: Arc<Pending>,
    outcomes: Arc<Outcomes>,
}

/// Where and how events are posted.
struct Endpoint {
    http: reqwest::Client,
    url: String,
    auth: String,
}

impl Delivery {
    /// Start the sender thread. Without a thread the events are dropped
    /// (and counted), the server runs on.
    pub fn start(
        options: &TransportOptions,
        http: reqwest::Client,
        outcomes: Arc<Outcomes>,
    ) -> Delivery {
        let endpoint = Endpoint {
            http,
            url: options.dsn.envelope_api_url().to_string(),
            auth: options.dsn.to_auth(Some(&options.user_agent)).to_string(),
        };
        let (tx, rx) = mpsc::channel(QUEUE);
        let pending = Arc::new(Pending::default());
        let (thread_pending, thread_outcomes) = (pending.clone(), outcomes.clone());
        let spawned = std::thread::Builder::new()
            .name("hctl-error-tracking".into())
            .spawn(move || {
                match tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                {
                    Ok(runtime) => runtime.block_on(run(endpoint, rx, &thread_pending, &thread_outcomes)),
                    Err(err) => {
                        tracing::error!(error = %err, "error tracking: cannot start its runtime; events are dropped");
                    }
                }
            });
        let queue = match spawned {
            Ok(_) => Some(tx),
            Err(err) => {
                tracing::error!(error = %err, "error tracking: cannot start its thread; events are dropped");
                None
            }
        };
        Delivery {
            queue: Mutex::new(queue),
            pending,
            outcomes,
        }
    }
}

impl Transport for Delivery {
    fn send_envelope(&self, envelope: Envelope) {
        let queue = self.queue.lock().unwrap_or_else(PoisonError::into_inner);
        self.pending.add();
        let queued = queue.as_ref().is_some_and(|q| q.try_send(envelope).is_ok());
        if !queued {
            self.pending.finish();
            self.outcomes.dropped.fetch_add(1, Ordering::Relaxed);
        }
    }

    fn flush(&self, timeout: Duration) -> bool {
        self.pending.wait(timeout)
    }

    fn shutdown(&self, timeout: Duration) -> bool {
        let flushed = self.pending.wait(timeout);
        // Closing the queue ends the sender thread once it is idle.
        self.queue
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take();
        flushed
    }
}

/// The sender: one event at a time, in order.
async fn run(
    endpoint: Endpoint,
    mut rx: mpsc::Receiver<Envelope>,
    pending: &Pending,
    outcomes: &Outcomes,
) {
    let mut limited_until: Option<Instant> = None;
    while let Some(envelope) = rx.recv().await {
        let outcome = if limited_until.is_some_and(|t| Instant::now() < t) {
            &outcomes.dropped
        } else {
            match post(&endpoint, &envelope).await {
                Ok(None) => &outcomes.sent,
                Ok(Some(limit)) => {
                    limited_until = Some(Instant::now() + limit);
                    &outcomes.dropped
                }
                Err(why) => {
                    tracing::warn!(error = %why, "error tracking: an event was not delivered");
                    &outcomes.failed
                }
            }
        };
        outcome.fetch_add(1, Ordering::Relaxed);
        pending.finish();
    }
}

/// Post one envelope: `Ok(None)` when accepted, `Ok(Some(wait))` when
/// Sentry's rate limit refused it, `Err` with the cause otherwise.
async fn post(endpoint: &Endpoint, envelope: &Envelope) -> Result<Option<Duration>, String> {
    let mut body = Vec::new();
    envelope
        .to_writer(&mut body)
        .map_err(|e| format!("cannot serialize the event: {e}"))?;
    let response = endpoint
        .http
        .post(&endpoint.url)
        .header("X-Sentry-Auth", &endpoint.auth)
        .header("content-type", "application/x-sentry-envelope")
        .body(body)
        .send()
        .await
        .map_err(|e| format!("{}: {}", endpoint.url, error_line(&e)))?;
    let status = response.status();
    let headers = response.headers();
    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    let limit = header("x-sentry-rate-limits")
        .and_then(error_rate_limit)
        .or_else(|| {
            (status.as_u16() == 429).then(|| {
                header("retry-after")
                    .and_then(|s| s.trim().parse::<u64>().ok())
                    .map_or(DEFAULT_RETRY_AFTER, Duration::from_secs)
            })
        });
    // The answer's body is not needed; reading it lets the connection be reused.
    let _ = response.bytes().await;
    if let Some(limit) = limit {
        return Ok(Some(limit));
    }
    if status.is_success() {
        Ok(None)
    } else {
        Err(format!("{} answered {status}", endpoint.url))
    }
}

/// The wait an `X-Sentry-Rate-Limits` header imposes on error events:
/// `RETRY_AFTER:CATEGORIES:SCOPE…`, comma-separated; no categories means all.
fn error_rate_limit(header: &str) -> Option<Duration> {
    header
        .split(',')
        .filter_map(|limit| {
            let mut fields = limit.trim().split(':');
            let seconds: f64 = fields.next()?.trim().parse().ok()?;
            let categories = fields.next().unwrap_or("");
            let applies = categories.is_empty()
                || categories
                    .split(';')
                    .any(|c| c == "error" || c == "default");
            (applies && seconds.is_finite() && seconds > 0.0)
                .then(|| Duration::from_secs_f64(seconds))
        })
        .max()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_error_category_of_sentry_rate_limits() {
        assert_eq!(
            error_rate_limit("60:transaction:key, 2700:default;error;security:organization"),
            Some(Duration::from_secs(2700))
        );
        assert_eq!(
            error_rate_limit("30::organization"),
            Some(Duration::from_secs(30))
        );
        assert_eq!(error_rate_limit("60:transaction:key"), None);
        assert_eq!(error_rate_limit("garbage"), None);
    }

    #[test]
    fn flush_waits_for_pending_events_only_up_to_its_timeout() {
        let pending = Pending::default();
        assert!(pending.wait(Duration::ZERO));
        pending.add();
        assert!(!pending.wait(Duration::from_millis(20)));
        pending.finish();
        assert!(pending.wait(Duration::ZERO));
    }
}
