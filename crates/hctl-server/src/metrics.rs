//! Prometheus metrics, through `prometheus-client` (the OpenMetrics project's
//! Rust client), in the Prometheus text format 0.0.4 on `/metrics`. The names
//! and labels are a contract (README, "Metrics"; `monitoring/` and the shipped
//! checklists query them):
//!
//! - `http_requests_total{route,method,status}`, `http_request_duration_seconds{route,method}`,
//!   `http_request_errors_total{route,class}` (`client` 4xx, `server` 5xx);
//! - `rate_limit_rejections_total{scope}`, `cache_requests_total{cache,result}`;
//! - `db_pool_connections{state}`, `db_query_duration_seconds` (every call through
//!   `on_pool!`, waiting for a connection included), `db_pool_wait_seconds` (each wait
//!   for a PostgreSQL pool connection);
//! - `hctl_build_info{version,backend}`, `hctl_background_restarts_total`, the Redis
//!   breaker's `hctl_cache_*`, and the standard `process_*` gauges;
//! - `hctl_error_tracking_enabled` and `hctl_error_tracking_events_total{outcome}`
//!   (`sent`, `failed`, `dropped`).
//!
//! Routes are labelled by their template (`/api/entries/{id}`), never the raw
//! path, so cardinality stays bounded.

mod process;

use std::collections::HashSet;
use std::sync::{LazyLock, PoisonError, RwLock};
use std::time::Duration;

use axum::http::Method;
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::encoding::prometheus_text::encode;
use prometheus_client::metrics::counter::{ConstCounter, Counter};
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::{ConstGauge, Gauge};
use prometheus_client::metrics::histogram::Histogram;
use prometheus_client::registry::Registry;

pub use prometheus_client::encoding::prometheus_text::CONTENT_TYPE;

const BUCKETS: &[f64] = &[
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0,
];

fn histogram() -> Histogram {
    Histogram::new(BUCKETS.iter().copied())
}

/// Every database call of the process (see `hctl_core::store::timing`).
static DB_QUERY_SECONDS: LazyLock<Histogram> = LazyLock::new(histogram);
/// Every wait for a PostgreSQL pool connection of the process.
static DB_POOL_WAIT_SECONDS: LazyLock<Histogram> = LazyLock::new(histogram);

// The request families are labelled with `&'static str`s (route templates
// interned once, standard methods): counting a request allocates nothing.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RequestLabels {
    route: &'static str,
    method: &'static str,
    status: u16,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RouteLabels {
    route: &'static str,
    method: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct ErrorLabels {
    route: &'static str,
    class: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct ScopeLabels {
    scope: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct CacheLabels {
    cache: &'static str,
    result: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct BuildLabels {
    version: &'static str,
    backend: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct StateLabels {
    state: &'static str,
}

/// The counters of one server, registered once; what is read at scrape time
/// (pool, background task, Redis breaker, process) is added by [`Scrape`].
pub struct Metrics {
    registry: Registry,
    requests: Family<RequestLabels, Counter>,
    latency: Family<RouteLabels, Histogram, fn() -> Histogram>,
    errors: Family<ErrorLabels, Counter>,
    pub rate_limited_ip: Counter,
    pub rate_limited_user: Counter,
    pub rate_limited_login: Counter,
    pub flag_cache_hits: Counter,
    pub flag_cache_misses: Counter,
}

impl Default for Metrics {
    fn default() -> Self {
        hctl_core::store::timing::set_observers(hctl_core::store::timing::Observers {
            query: |elapsed| DB_QUERY_SECONDS.observe(elapsed.as_secs_f64()),
            pool_wait: |waited| DB_POOL_WAIT_SECONDS.observe(waited.as_secs_f64()),
        });
        let mut registry = Registry::default();
        let requests = Family::<RequestLabels, Counter>::default();
        registry.register(
            "http_requests",
            "HTTP requests by route template, method and status",
            requests.clone(),
        );
        let latency =
            Family::<RouteLabels, Histogram, fn() -> Histogram>::new_with_constructor(histogram);
        registry.register(
            "http_request_duration_seconds",
            "Request latency by route template and method",
            latency.clone(),
        );
        let errors = Family::<ErrorLabels, Counter>::default();
        registry.register(
            "http_request_errors",
            "Requests answered 4xx (class client) or 5xx (class server)",
            errors.clone(),
        );
        let rate_limited = Family::<ScopeLabels, Counter>::default();
        registry.register(
            "rate_limit_rejections",
            "Requests answered 429, by limit",
            rate_limited.clone(),
        );
        let cache = Family::<CacheLabels, Counter>::default();
        registry.register(
            "cache_requests",
            "Feature flag cache lookups",
            cache.clone(),
        );
        registry.register(
            "db_query_duration_seconds",
            "Database calls, waiting for a pool connection included",
            DB_QUERY_SECONDS.clone(),
        );
        registry.register(
            "db_pool_wait_seconds",
            "Waits for a PostgreSQL pool connection",
            DB_POOL_WAIT_SECONDS.clone(),
        );
        let scope = |scope| rate_limited.get_or_create_owned(&ScopeLabels { scope });
        let lookup = |result| {
            cache.get_or_create_owned(&CacheLabels {
                cache: "flags",
                result,
            })
        };
        Metrics {
            rate_limited_ip: scope("ip"),
            rate_limited_user: scope("user"),
            rate_limited_login: scope("login"),
            flag_cache_hits: lookup("hit"),
            flag_cache_misses: lookup("miss"),
            registry,
            requests,
            latency,
            errors,
        }
    }
}

impl Metrics {
    pub fn observe(
        &self,
        route: &'static str,
        method: &'static str,
        status: u16,
        elapsed: Duration,
    ) {
        let class = match status {
            400..=499 => Some("client"),
            500..=599 => Some("server"),
            _ => None,
        };
        if let Some(class) = class {
            self.errors
                .get_or_create(&ErrorLabels { route, class })
                .inc();
        }
        self.latency
            .get_or_create(&RouteLabels { route, method })
            .observe(elapsed.as_secs_f64());
        self.requests
            .get_or_create(&RequestLabels {
                route,
                method,
                status,
            })
            .inc();
    }

    /// The exposition text: the counters, then what `scrape` read just now.
    pub fn render(&self, scrape: Scrape) -> String {
        let mut text = String::new();
        // Writing into a String cannot fail.
        let _ = encode(&mut text, &self.registry);
        let _ = encode(&mut text, &scrape.registry);
        text
    }
}

/// The values read at scrape time, registered into a registry of their own.
pub struct Scrape {
    registry: Registry,
}

impl Scrape {
    /// Build info, pool usage (open, idle, max connections) and the process.
    pub fn new(backend: &str, pool: (u32, usize, u32)) -> Self {
        let mut registry = Registry::default();
        let info = Family::<BuildLabels, Gauge>::default();
        info.get_or_create(&BuildLabels {
            version: env!("CARGO_PKG_VERSION"),
            backend: backend.to_string(),
        })
        .set(1);
        registry.register("hctl_build_info", "Build of the running server", info);
        let (open, idle, max) = pool;
        let connections = Family::<StateLabels, Gauge>::default();
        for (state, n) in [
            ("open", i64::from(open)),
            ("idle", idle as i64),
            ("in_use", (open as i64).saturating_sub(idle as i64)),
            ("max", i64::from(max)),
        ] {
            connections.get_or_create(&StateLabels { state }).set(n);
        }
        registry.register(
            "db_pool_connections",
            "Database pool connections by state",
            connections,
        );
        process::register(&mut registry);
        Scrape { registry }
    }

    /// A counter read elsewhere (`name` without `_total`).
    pub fn counter(&mut self, name: &str, help: &str, value: u64) {
        self.registry.register(name, help, ConstCounter::new(value));
    }

    /// A gauge read elsewhere.
    pub fn gauge(&mut self, name: &str, help: &str, value: i64) {
        self.registry.register(name, help, ConstGauge::new(value));
    }

    /// Counters read elsewhere, one series per value of `label`.
    pub fn counters(
        &mut self,
        name: &str,
        help: &str,
        label: &'static str,
        series: &[(&'static str, u64)],
    ) {
        let family = Family::<[(&'static str, &'static str); 1], Counter>::default();
        for &(value, n) in series {
            family.get_or_create(&[(label, value)]).inc_by(n);
        }
        self.registry.register(name, help, family);
    }
}

/// The most distinct route labels; later ones are counted as `other`. Route
/// templates are finite, so this only bounds a bug.
const MAX_ROUTES: usize = 512;

/// The route template as a `&'static str`: each template is leaked once.
pub fn route_label(route: &str) -> &'static str {
    static ROUTES: LazyLock<RwLock<HashSet<&'static str>>> = LazyLock::new(Default::default);
    if let Some(known) = ROUTES
        .read()
        .unwrap_or_else(PoisonError::into_inner)
        .get(route)
    {
        return known;
    }
    let mut routes = ROUTES.write().unwrap_or_else(PoisonError::into_inner);
    if let Some(known) = routes.get(route) {
        return known;
    }
    if routes.len() >= MAX_ROUTES {
        return "other";
    }
    let leaked: &'static str = Box::leak(route.to_owned().into_boxed_str());
    routes.insert(leaked);
    leaked
}

/// The method label: the standard methods by name, any extension as `other`
/// (a client could otherwise mint a series per request).
pub fn method_label(method: &Method) -> &'static str {
    match *method {
        Method::GET => "GET",
        Method::POST => "POST",
        Method::PUT => "PUT",
        Method::PATCH => "PATCH",
        Method::DELETE => "DELETE",
        Method::HEAD => "HEAD",
        Method::OPTIONS => "OPTIONS",
        Method::TRACE => "TRACE",
        Method::CONNECT => "CONNECT",
        _ => "other",
    }
}

/// One access log line. It names the route template, never the path or
/// query (ids, dates), and no header value but the request id.
pub fn access_log(
    method: &'static str,
    route: &'static str,
    status: u16,
    elapsed: Duration,
    request_id: &str,
) {
    tracing::info!(
        target: "hctl::access",
        method,
        route,
        status,
        ms = elapsed.as_secs_f64() * 1000.0,
        request_id,
        "request"
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_counts_and_cumulative_buckets() {
        let m = Metrics::default();
        m.observe("/api/entries", "GET", 200, Duration::from_millis(3));
        m.observe("/api/entries", "GET", 200, Duration::from_millis(30));
        m.observe("/api/entries", "GET", 503, Duration::from_millis(30));
        let text = m.render(Scrape::new("sqlite", (2, 1, 16)));
        for want in [
            "http_requests_total{route=\"/api/entries\",method=\"GET\",status=\"200\"} 2",
            "le=\"0.005\"} 1",
            "le=\"0.05\"} 3",
            "le=\"+Inf\"} 3",
            "http_request_errors_total{route=\"/api/entries\",class=\"server\"} 1",
            "db_pool_connections{state=\"in_use\"} 1",
            "rate_limit_rejections_total{scope=\"login\"} 0",
            "hctl_build_info{version=",
            "# TYPE process_resident_memory_bytes gauge",
        ] {
            assert!(text.contains(want), "{want} in {text}");
        }
    }
}
