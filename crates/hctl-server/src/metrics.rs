//! Prometheus metrics, hand-rolled (text exposition format 0.0.4): request
//! counts and latency histograms by route template, method and status, rate
//! limit rejections, flag cache hits/misses, DB pool usage and build info.
//! Routes are labelled by their template (`/api/entries/{id}`), never the raw
//! path, so cardinality stays bounded.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

use axum::extract::{MatchedPath, Request, State};
use axum::middleware::Next;
use axum::response::Response;

use super::AppState;

const BUCKETS: &[f64] = &[
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0,
];

#[derive(Default)]
struct Histogram {
    counts: [u64; 12],
    sum: f64,
    count: u64,
}

/// All counters of one process.
#[derive(Default)]
pub struct Metrics {
    requests: Mutex<BTreeMap<(String, String, u16), u64>>,
    latency: Mutex<BTreeMap<(String, String), Histogram>>,
    pub rate_limited_ip: AtomicU64,
    pub rate_limited_user: AtomicU64,
    pub rate_limited_login: AtomicU64,
    pub flag_cache_hits: AtomicU64,
    pub flag_cache_misses: AtomicU64,
}

impl Metrics {
    pub fn observe(&self, route: &str, method: &str, status: u16, elapsed: Duration) {
        let key = (route.to_string(), method.to_string(), status);
        *self
            .requests
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .entry(key)
            .or_default() += 1;
        let secs = elapsed.as_secs_f64();
        let mut latency = self.latency.lock().unwrap_or_else(PoisonError::into_inner);
        let h = latency
            .entry((route.to_string(), method.to_string()))
            .or_default();
        for (i, bound) in BUCKETS.iter().enumerate() {
            if secs <= *bound {
                h.counts[i] += 1;
            }
        }
        h.sum += secs;
        h.count += 1;
    }

    /// The exposition text; `pool` is (open, idle, max) connections.
    pub fn render(&self, pool: (u32, usize, u32), backend: &str) -> String {
        let mut out = String::new();
        let _ = writeln!(
            out,
            "# HELP hctl_build_info Build of the running server.\n# TYPE hctl_build_info gauge"
        );
        let _ = writeln!(
            out,
            "hctl_build_info{{version=\"{}\",backend=\"{backend}\"}} 1",
            env!("CARGO_PKG_VERSION")
        );
        let _ = writeln!(
            out,
            "# HELP http_requests_total HTTP requests by route template, method and status.\n# TYPE http_requests_total counter"
        );
        for ((route, method, status), n) in self
            .requests
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .iter()
        {
            let _ = writeln!(
                out,
                "http_requests_total{{route=\"{route}\",method=\"{method}\",status=\"{status}\"}} {n}"
            );
        }
        let _ = writeln!(
            out,
            "# HELP http_request_duration_seconds Request latency.\n# TYPE http_request_duration_seconds histogram"
        );
        for ((route, method), h) in self
            .latency
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .iter()
        {
            let labels = format!("route=\"{route}\",method=\"{method}\"");
            for (bound, n) in BUCKETS.iter().zip(h.counts) {
                let _ = writeln!(
                    out,
                    "http_request_duration_seconds_bucket{{{labels},le=\"{bound}\"}} {n}"
                );
            }
            let _ = writeln!(
                out,
                "http_request_duration_seconds_bucket{{{labels},le=\"+Inf\"}} {}",
                h.count
            );
            let _ = writeln!(
                out,
                "http_request_duration_seconds_sum{{{labels}}} {}",
                h.sum
            );
            let _ = writeln!(
                out,
                "http_request_duration_seconds_count{{{labels}}} {}",
                h.count
            );
        }
        let _ = writeln!(
            out,
            "# HELP rate_limit_rejections_total Requests answered 429, by limit.\n# TYPE rate_limit_rejections_total counter"
        );
        for (scope, n) in [
            ("ip", &self.rate_limited_ip),
            ("user", &self.rate_limited_user),
            ("login", &self.rate_limited_login),
        ] {
            let _ = writeln!(
                out,
                "rate_limit_rejections_total{{scope=\"{scope}\"}} {}",
                n.load(Ordering::Relaxed)
            );
        }
        let _ = writeln!(
            out,
            "# HELP cache_requests_total Feature flag cache lookups.\n# TYPE cache_requests_total counter"
        );
        let _ = writeln!(
            out,
            "cache_requests_total{{cache=\"flags\",result=\"hit\"}} {}",
            self.flag_cache_hits.load(Ordering::Relaxed)
        );
        let _ = writeln!(
            out,
            "cache_requests_total{{cache=\"flags\",result=\"miss\"}} {}",
            self.flag_cache_misses.load(Ordering::Relaxed)
        );
        let (open, idle, max) = pool;
        let _ = writeln!(
            out,
            "# HELP db_pool_connections Database pool connections by state.\n# TYPE db_pool_connections gauge"
        );
        let _ = writeln!(out, "db_pool_connections{{state=\"open\"}} {open}");
        let _ = writeln!(out, "db_pool_connections{{state=\"idle\"}} {idle}");
        let _ = writeln!(
            out,
            "db_pool_connections{{state=\"in_use\"}} {}",
            (open as usize).saturating_sub(idle)
        );
        let _ = writeln!(out, "db_pool_connections{{state=\"max\"}} {max}");
        out
    }
}

/// Middleware: time every request, count it under its route template and
/// write one access log line.
pub async fn track(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let started = Instant::now();
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map(|p| p.as_str().to_string())
        .unwrap_or_else(|| "unmatched".to_string());
    let method = request.method().as_str().to_string();
    let request_id = request
        .headers()
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    let response = next.run(request).await;
    let elapsed = started.elapsed();
    let status = response.status().as_u16();
    state.metrics.observe(&route, &method, status, elapsed);
    // The access log names the route template, never the path or query
    // (ids, dates) and no header value but the request id.
    tracing::info!(
        target: "hctl::access",
        method = %method,
        route = %route,
        status,
        ms = elapsed.as_secs_f64() * 1000.0,
        request_id = %request_id,
        "request"
    );
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_counts_and_cumulative_buckets() {
        let m = Metrics::default();
        m.observe("/api/entries", "GET", 200, Duration::from_millis(3));
        m.observe("/api/entries", "GET", 200, Duration::from_millis(30));
        let text = m.render((2, 1, 16), "sqlite");
        assert!(
            text.contains(
                "http_requests_total{route=\"/api/entries\",method=\"GET\",status=\"200\"} 2"
            ),
            "{text}"
        );
        assert!(text.contains("le=\"0.005\"} 1"), "{text}");
        assert!(text.contains("le=\"0.05\"} 2"), "{text}");
        assert!(text.contains("le=\"+Inf\"} 2"), "{text}");
        assert!(
            text.contains("db_pool_connections{state=\"in_use\"} 1"),
            "{text}"
        );
    }
}
