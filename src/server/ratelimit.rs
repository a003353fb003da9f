//! Fixed-window rate limits: in memory by default, in Redis when `REDIS_URL`
//! is set (so a limit holds across replicas). A Redis outage fails open with a
//! warning: availability of the API wins over a few extra requests.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::Mutex;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use axum::extract::{ConnectInfo, Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::AppState;
use super::error::ApiError;

/// Whether a request may proceed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    Allow,
    /// Over the limit: retry after this many seconds.
    Deny(u64),
}

/// Counts hits per key and window.
pub enum Limiter {
    Memory(Mutex<HashMap<String, (Instant, u32)>>),
    Redis(redis::aio::ConnectionManager),
}

const MAX_MEMORY_KEYS: usize = 100_000;

const REDIS_SCRIPT: &str = r"
local n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('EXPIRE', KEYS[1], ARGV[1]) end
local ttl = redis.call('TTL', KEYS[1])
if ttl < 0 then redis.call('EXPIRE', KEYS[1], ARGV[1]); ttl = tonumber(ARGV[1]) end
return {n, ttl}
";

impl Limiter {
    pub fn memory() -> Self {
        Limiter::Memory(Mutex::new(HashMap::new()))
    }

    pub async fn redis(url: &str) -> Result<Self> {
        let client = redis::Client::open(url).with_context(|| {
            format!(
                "invalid REDIS_URL `{}`",
                crate::config::redact::redact_url(url)
            )
        })?;
        let config = redis::aio::ConnectionManagerConfig::new()
            .set_connection_timeout(Some(Duration::from_secs(2)))
            .set_response_timeout(Some(Duration::from_secs(1)));
        let manager = redis::aio::ConnectionManager::new_with_config(client, config)
            .await
            .with_context(|| {
                format!(
                    "could not connect to Redis at `{}`",
                    crate::config::redact::redact_url(url)
                )
            })?;
        Ok(Limiter::Redis(manager))
    }

    pub fn kind(&self) -> &'static str {
        match self {
            Limiter::Memory(_) => "memory",
            Limiter::Redis(_) => "redis",
        }
    }

    /// Count one hit on `key`; deny when more than `limit` in `window`.
    pub async fn hit(&self, key: &str, limit: u32, window: Duration) -> Decision {
        if limit == 0 {
            return Decision::Allow;
        }
        match self {
            Limiter::Memory(map) => {
                let now = Instant::now();
                let mut map = map.lock().expect("rate limit lock");
                if map.len() >= MAX_MEMORY_KEYS {
                    map.retain(|_, (start, _)| now.duration_since(*start) < window);
                }
                let slot = map.entry(key.to_string()).or_insert((now, 0));
                if now.duration_since(slot.0) >= window {
                    *slot = (now, 0);
                }
                slot.1 = slot.1.saturating_add(1);
                if slot.1 > limit {
                    let left = window.saturating_sub(now.duration_since(slot.0));
                    Decision::Deny(left.as_secs().max(1))
                } else {
                    Decision::Allow
                }
            }
            Limiter::Redis(manager) => {
                let mut conn = manager.clone();
                let result: redis::RedisResult<(u64, i64)> = redis::Script::new(REDIS_SCRIPT)
                    .key(format!("hctl:rl:{key}"))
                    .arg(window.as_secs().max(1))
                    .invoke_async(&mut conn)
                    .await;
                match result {
                    Ok((n, _)) if n <= u64::from(limit) => Decision::Allow,
                    Ok((_, ttl)) => Decision::Deny(ttl.max(1) as u64),
                    Err(err) => {
                        tracing::warn!(error = %err, "rate limit store unavailable, allowing request");
                        Decision::Allow
                    }
                }
            }
        }
    }

    /// Whether the shared store answers (for `/api/healthz`).
    pub async fn ping(&self) -> Option<bool> {
        match self {
            Limiter::Memory(_) => None,
            Limiter::Redis(manager) => {
                let mut conn = manager.clone();
                let pong: redis::RedisResult<String> =
                    redis::cmd("PING").query_async(&mut conn).await;
                Some(pong.is_ok())
            }
        }
    }
}

/// The client's IP address (the TCP peer), when known.
pub struct ClientIp(pub Option<String>);

impl axum::extract::FromRequestParts<AppState> for ClientIp {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        Ok(ClientIp(client_ip(
            &parts.headers,
            &parts.extensions,
            state.settings.trust_forwarded_for,
        )))
    }
}

/// The TCP peer, or with `trust_forwarded_for` the last `X-Forwarded-For`
/// hop (the address the trusted proxy saw; earlier hops are client-supplied).
pub fn client_ip(
    headers: &axum::http::HeaderMap,
    extensions: &axum::http::Extensions,
    trust_forwarded_for: bool,
) -> Option<String> {
    if trust_forwarded_for
        && let Some(last) = headers
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .map(str::trim)
            .rfind(|hop| hop.parse::<std::net::IpAddr>().is_ok())
    {
        return Some(last.to_string());
    }
    extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip().to_string())
}

/// Middleware: the per-IP limit on the API (probes and metrics are exempt).
pub async fn per_ip(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let ip = client_ip(
        request.headers(),
        request.extensions(),
        state.settings.trust_forwarded_for,
    )
    .unwrap_or_else(|| "unknown".into());
    let limit = state.settings.rate_limit_ip;
    match state
        .limiter
        .hit(&format!("ip:{ip}"), limit, Duration::from_secs(60))
        .await
    {
        Decision::Allow => next.run(request).await,
        Decision::Deny(retry_after) => {
            state
                .metrics
                .rate_limited_ip
                .fetch_add(1, Ordering::Relaxed);
            ApiError::RateLimited { retry_after }.into_response()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn memory_window_denies_then_resets() {
        let limiter = Limiter::memory();
        let window = Duration::from_millis(200);
        for _ in 0..3 {
            assert_eq!(limiter.hit("k", 3, window).await, Decision::Allow);
        }
        assert!(matches!(
            limiter.hit("k", 3, window).await,
            Decision::Deny(1)
        ));
        assert_eq!(limiter.hit("other", 3, window).await, Decision::Allow);
        tokio::time::sleep(window).await;
        assert_eq!(limiter.hit("k", 3, window).await, Decision::Allow);
        assert_eq!(limiter.hit("k", 0, window).await, Decision::Allow);
    }
}
