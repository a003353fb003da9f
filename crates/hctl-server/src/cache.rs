//! The shared Redis store behind `REDIS_URL`, held to a bounded cost: Redis is
//! an optimisation (limits shared by replicas), never a dependency of the API.
//!
//! Every connect and every command ends within [`TIMEOUT`]; only one request
//! at a time (re)connects, the others skip Redis meanwhile. After
//! [`TRIP_AFTER`] failures in a row a circuit breaker skips Redis for
//! [`OPEN_FOR`] (callers fall back, see [`super::ratelimit`]); then the next
//! request tries again, and the first success closes the breaker. Trips and
//! recoveries are logged (warning / info) and counted for `/metrics`.

use std::future::Future;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use anyhow::{Context, Result};
use redis::aio::MultiplexedConnection;
use tokio::time::Instant;

use hctl_core::redact::redact_url;

use super::metrics::Scrape;

/// Longest a connect or a command may take.
pub const TIMEOUT: Duration = Duration::from_millis(250);
/// How long the breaker skips Redis once tripped.
pub const OPEN_FOR: Duration = Duration::from_secs(5);
/// Failures in a row that trip the breaker.
pub const TRIP_AFTER: u32 = 3;

/// What a component check reports for the cache.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CacheState {
    /// No `REDIS_URL`: this replica keeps its limits in memory.
    Disabled,
    Ok,
    /// Configured but failing or skipped: limits fall back to memory.
    Degraded,
}

impl CacheState {
    pub fn as_str(self) -> &'static str {
        match self {
            CacheState::Disabled => "disabled",
            CacheState::Ok => "ok",
            CacheState::Degraded => "degraded",
        }
    }
}

/// Consecutive failures and, once tripped, until when Redis is skipped.
#[derive(Debug, Default)]
struct Breaker {
    failures: u32,
    open_until: Option<Instant>,
}

impl Breaker {
    /// Whether a call may go to Redis now (closed, or the open time is over).
    fn allows(&self, now: Instant) -> bool {
        self.open_until.is_none_or(|until| now >= until)
    }

    /// Count a failure; true when this one trips a closed breaker.
    fn failure(&mut self, now: Instant) -> bool {
        self.failures = self.failures.saturating_add(1);
        if self.failures < TRIP_AFTER {
            return false;
        }
        let was_tripped = self.open_until.is_some();
        self.open_until = Some(now + OPEN_FOR);
        !was_tripped
    }

    /// Count a success; true when it closes a tripped breaker.
    fn success(&mut self) -> bool {
        self.failures = 0;
        self.open_until.take().is_some()
    }

    fn tripped(&self) -> bool {
        self.open_until.is_some()
    }
}

/// One Redis server shared by the replicas.
pub struct Shared {
    client: redis::Client,
    /// The URL without its password, for logs.
    shown: String,
    config: redis::AsyncConnectionConfig,
    conn: Mutex<Option<MultiplexedConnection>>,
    connecting: tokio::sync::Mutex<()>,
    breaker: Mutex<Breaker>,
    failures: AtomicU64,
    skipped: AtomicU64,
}

impl Shared {
    /// A store for `url`; nothing is connected yet (see [`Shared::run`]).
    pub fn open(url: &str) -> Result<Self> {
        let shown = redact_url(url);
        let client =
            redis::Client::open(url).with_context(|| format!("invalid REDIS_URL `{shown}`"))?;
        let config = redis::AsyncConnectionConfig::new()
            .set_connection_timeout(Some(TIMEOUT))
            .set_response_timeout(Some(TIMEOUT));
        Ok(Shared {
            client,
            shown,
            config,
            conn: Mutex::new(None),
            connecting: tokio::sync::Mutex::new(()),
            breaker: Mutex::new(Breaker::default()),
            failures: AtomicU64::new(0),
            skipped: AtomicU64::new(0),
        })
    }

    /// Run `op` on a connection within [`TIMEOUT`]; `None` when Redis failed,
    /// timed out or is being skipped (the caller falls back).
    pub async fn run<T, F, Fut>(&self, op: F) -> Option<T>
    where
        F: FnOnce(MultiplexedConnection) -> Fut,
        Fut: Future<Output = redis::RedisResult<T>>,
    {
        if !self.lock_breaker().allows(Instant::now()) {
            self.skipped.fetch_add(1, Ordering::Relaxed);
            return None;
        }
        let conn = self.connection().await?;
        match tokio::time::timeout(TIMEOUT, op(conn)).await {
            Ok(Ok(value)) => {
                if self.lock_breaker().success() {
                    tracing::info!(redis = %self.shown, "Redis answers again: shared rate limits resume");
                }
                Some(value)
            }
            Ok(Err(err)) => {
                self.failed(&err.to_string());
                None
            }
            Err(_) => {
                self.failed("command timed out");
                None
            }
        }
    }

    /// The open connection, or a new one when this request may make it.
    async fn connection(&self) -> Option<MultiplexedConnection> {
        if let Some(conn) = self.lock_conn().clone() {
            return Some(conn);
        }
        // One request reconnects; the others do not queue behind it.
        let Ok(_connecting) = self.connecting.try_lock() else {
            self.skipped.fetch_add(1, Ordering::Relaxed);
            return None;
        };
        if let Some(conn) = self.lock_conn().clone() {
            return Some(conn);
        }
        let connect = self
            .client
            .get_multiplexed_async_connection_with_config(&self.config);
        match tokio::time::timeout(TIMEOUT, connect).await {
            Ok(Ok(conn)) => {
                *self.lock_conn() = Some(conn.clone());
                Some(conn)
            }
            Ok(Err(err)) => {
                self.failed(&format!("connect: {err}"));
                None
            }
            Err(_) => {
                self.failed("connect timed out");
                None
            }
        }
    }

    fn failed(&self, why: &str) {
        self.failures.fetch_add(1, Ordering::Relaxed);
        *self.lock_conn() = None;
        if self.lock_breaker().failure(Instant::now()) {
            tracing::warn!(
                redis = %self.shown,
                error = why,
                "Redis failed {TRIP_AFTER} times in a row: skipping it for {}s, rate limits fall back to this replica's memory",
                OPEN_FOR.as_secs()
            );
        } else {
            tracing::debug!(redis = %self.shown, error = why, "Redis call failed");
        }
    }

    /// Ping through the breaker, for `/api/healthz`.
    pub async fn state(&self) -> CacheState {
        let pong = self
            .run(
                |mut conn| async move { redis::cmd("PING").query_async::<String>(&mut conn).await },
            )
            .await;
        match pong {
            Some(_) => CacheState::Ok,
            None => CacheState::Degraded,
        }
    }

    /// Prometheus lines: failures, skipped calls, breaker state.
    /// Failed and skipped Redis calls and the breaker's state.
    pub fn scrape(&self, scrape: &mut Scrape) {
        scrape.counter(
            "hctl_cache_failures",
            "Failed or timed-out Redis calls",
            self.failures.load(Ordering::Relaxed),
        );
        scrape.counter(
            "hctl_cache_skipped",
            "Redis calls skipped (breaker open or reconnecting)",
            self.skipped.load(Ordering::Relaxed),
        );
        scrape.gauge(
            "hctl_cache_breaker_open",
            "1 while the Redis circuit breaker is tripped",
            i64::from(self.lock_breaker().tripped()),
        );
    }

    fn lock_conn(&self) -> std::sync::MutexGuard<'_, Option<MultiplexedConnection>> {
        self.conn.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn lock_breaker(&self) -> std::sync::MutexGuard<'_, Breaker> {
        self.breaker.lock().unwrap_or_else(|p| p.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn breaker_trips_skips_then_lets_a_trial_through() {
        let mut b = Breaker::default();
        let t0 = Instant::now();
        assert!(!b.failure(t0) && !b.failure(t0), "two failures do not trip");
        assert!(b.allows(t0));
        assert!(b.failure(t0), "the third trips");
        assert!(!b.allows(t0 + OPEN_FOR / 2), "skipped while open");
        assert!(b.allows(t0 + OPEN_FOR), "a trial after the open time");
        assert!(
            !b.failure(t0 + OPEN_FOR),
            "a failed trial re-opens silently"
        );
        assert!(!b.allows(t0 + OPEN_FOR + OPEN_FOR / 2));
        assert!(b.success(), "a success closes it");
        assert!(!b.tripped() && b.allows(t0));
        assert!(!b.success());
    }

    #[tokio::test]
    async fn a_refused_redis_fails_fast_and_trips() {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let shared = Shared::open(&format!("redis://127.0.0.1:{port}")).unwrap();
        for _ in 0..TRIP_AFTER {
            assert_eq!(shared.state().await, CacheState::Degraded);
        }
        let started = std::time::Instant::now();
        assert_eq!(shared.state().await, CacheState::Degraded);
        assert!(started.elapsed() < Duration::from_millis(50), "skipped");
        let mut scrape = Scrape::new("sqlite", (0, 0, 1));
        shared.scrape(&mut scrape);
        let text = crate::metrics::Metrics::default().render(scrape);
        assert!(text.contains("hctl_cache_breaker_open 1"), "{text}");
        assert!(
            text.contains(&format!("hctl_cache_failures_total {TRIP_AFTER}")),
            "{text}"
        );
    }
}
