//! Fixed-window rate limits: in memory by default, in Redis when `REDIS_URL`
//! is set (so a limit holds across replicas). When Redis fails, times out or
//! is skipped by its circuit breaker ([`super::cache`]), a hit is counted in
//! this replica's memory instead: the API stays fast and login throttling
//! still holds, per replica, until Redis answers again.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use anyhow::Result;
use axum::extract::{ConnectInfo, Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::AppState;
use super::cache::{CacheState, Shared};
use super::error::ApiError;
use super::metrics::Scrape;

/// Whether a request may proceed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    Allow,
    /// Over the limit: retry after this many seconds.
    Deny(u64),
}

/// Counts hits per key and window.
pub struct Limiter {
    memory: Mutex<HashMap<String, (Instant, u32)>>,
    shared: Option<(Shared, redis::Script)>,
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
        Limiter {
            memory: Mutex::new(HashMap::new()),
            shared: None,
        }
    }

    /// Limits in Redis at `url`. An unreachable Redis is not an error (the
    /// limits fall back to memory until it answers); an invalid URL is.
    pub async fn redis(url: &str) -> Result<Self> {
        let shared = Shared::open(url)?;
        if shared.state().await != CacheState::Ok {
            tracing::warn!(
                "Redis is not answering at start: rate limits stay in this replica's memory until it does"
            );
        }
        Ok(Limiter {
            memory: Mutex::new(HashMap::new()),
            shared: Some((shared, redis::Script::new(REDIS_SCRIPT))),
        })
    }

    pub fn kind(&self) -> &'static str {
        match self.shared {
            None => "memory",
            Some(_) => "redis",
        }
    }

    /// Count one hit on `key`; deny when more than `limit` in `window`.
    pub async fn hit(&self, key: &str, limit: u32, window: Duration) -> Decision {
        if limit == 0 {
            return Decision::Allow;
        }
        if let Some((shared, script)) = &self.shared {
            let counted = shared
                .run(|mut conn| async move {
                    script
                        .key(format!("hctl:rl:{key}"))
                        .arg(window.as_secs().max(1))
                        .invoke_async::<(u64, i64)>(&mut conn)
                        .await
                })
                .await;
            match counted {
                Some((n, _)) if n <= u64::from(limit) => return Decision::Allow,
                Some((_, ttl)) => return Decision::Deny(ttl.max(1) as u64),
                None => {}
            }
        }
        self.hit_memory(key, limit, window)
    }

    fn hit_memory(&self, key: &str, limit: u32, window: Duration) -> Decision {
        let now = Instant::now();
        let mut map = self.memory.lock().unwrap_or_else(|p| p.into_inner());
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

    /// The shared store's state (for `/api/healthz`).
    pub async fn state(&self) -> CacheState {
        match &self.shared {
            None => CacheState::Disabled,
            Some((shared, _)) => shared.state().await,
        }
    }

    /// The shared store's metrics, when there is one.
    /// The Redis cache's counters and breaker, when limits are shared.
    pub fn scrape(&self, scrape: &mut Scrape) {
        if let Some((shared, _)) = &self.shared {
            shared.scrape(scrape);
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
/// The last hop must be a bare IP address: anything else (`192.0.2.1:4711`,
/// garbage, an empty value) falls back to the TCP peer, never to an earlier,
/// client-chosen hop.
pub fn client_ip(
    headers: &axum::http::HeaderMap,
    extensions: &axum::http::Extensions,
    trust_forwarded_for: bool,
) -> Option<String> {
    if trust_forwarded_for && let Some(ip) = last_forwarded_hop(headers) {
        return Some(ip.to_string());
    }
    extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip().to_string())
}

/// The last hop of the last `X-Forwarded-For` line, when it is an IP address.
fn last_forwarded_hop(headers: &axum::http::HeaderMap) -> Option<std::net::IpAddr> {
    let line = headers.get_all("x-forwarded-for").iter().next_back()?;
    let hop = line.to_str().ok()?.rsplit(',').next()?.trim();
    hop.parse().ok()
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
            state.metrics.rate_limited_ip.inc();
            ApiError::RateLimited { retry_after }.into_response()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_bare_ip_as_the_last_hop_is_trusted() {
        let peer = SocketAddr::from(([10, 0, 0, 7], 40_000));
        let mut extensions = axum::http::Extensions::new();
        extensions.insert(ConnectInfo(peer));
        let ip = |values: &[&str]| {
            let mut headers = axum::http::HeaderMap::new();
            for v in values {
                headers.append("x-forwarded-for", v.parse().unwrap());
            }
            client_ip(&headers, &extensions, true).unwrap()
        };
        assert_eq!(ip(&["198.51.100.9, 203.0.113.5"]), "203.0.113.5");
        assert_eq!(ip(&["198.51.100.9", "2001:db8::1"]), "2001:db8::1");
        for rotated in [
            "198.51.100.9, 192.0.2.1:4711",
            "198.51.100.9, garbage",
            "198.51.100.9,",
            "198.51.100.9, [2001:db8::1]:443",
        ] {
            assert_eq!(ip(&[rotated]), "10.0.0.7", "{rotated}");
        }
        assert_eq!(
            ip(&["203.0.113.5", "x"]),
            "10.0.0.7",
            "the last line counts"
        );
        assert_eq!(ip(&[]), "10.0.0.7");
        let untrusted = client_ip(
            &[("x-forwarded-for", "203.0.113.5")]
                .into_iter()
                .map(|(k, v)| (axum::http::HeaderName::from_static(k), v.parse().unwrap()))
                .collect(),
            &extensions,
            false,
        );
        assert_eq!(untrusted.as_deref(), Some("10.0.0.7"));
    }

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
