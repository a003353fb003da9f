//! Operational endpoints: `/api/healthz` (liveness and component status, 503
//! when the database or file storage is down; the cache and the background
//! task are reported but not required, so a failing Redis says
//! `"cache":"degraded"` and a failing purge `"background":"failing"`, with 200), `/api/readyz` (database
//! reachable and migrations current) and `/metrics` (Prometheus text).

use std::sync::PoisonError;
use std::time::{Duration, Instant};

use axum::Router;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde::Serialize;

use super::AppState;
use super::cache::CacheState;
use super::metrics::{self, Scrape};
use hctl_core::store::migrate;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/healthz", get(healthz))
        .route("/api/readyz", get(readyz))
        .route("/metrics", get(metrics))
}

/// How long a probe waits for a component.
const PROBE_TIMEOUT: Duration = Duration::from_secs(2);

#[derive(Serialize, utoipa::ToSchema)]
struct Checks {
    database: &'static str,
    storage: &'static str,
    cache: &'static str,
    /// `ok`, or `failing` while the background task (schema re-check,
    /// retention purge) fails or restarts after a panic.
    background: &'static str,
}

#[derive(Serialize, utoipa::ToSchema)]
struct Health {
    status: &'static str,
    version: &'static str,
    checks: Checks,
}

fn word(ok: bool) -> &'static str {
    if ok { "ok" } else { "down" }
}

/// How long a component check result is reused. Probes and load balancers may
/// call healthz thousands of times a second; the database sees one ping per
/// second per replica, and an outage shows within this bound.
pub const CHECK_TTL: Duration = Duration::from_secs(1);

/// Component states from the last check.
#[derive(Debug, Clone, Copy)]
struct Snapshot {
    database: bool,
    storage: bool,
    cache: CacheState,
}

/// The last component check of this replica (single-flight refresh).
#[derive(Default)]
pub struct HealthCache {
    last: std::sync::RwLock<Option<(Instant, Snapshot)>>,
    refresh: tokio::sync::Mutex<()>,
}

impl HealthCache {
    fn fresh(&self) -> Option<Snapshot> {
        let last = self.last.read().unwrap_or_else(PoisonError::into_inner);
        last.filter(|(at, _)| at.elapsed() < CHECK_TTL)
            .map(|(_, s)| s)
    }
}

async fn probe(state: &AppState) -> Snapshot {
    let (db, storage, cache) = tokio::join!(
        tokio::time::timeout(PROBE_TIMEOUT, state.db.ping()),
        tokio::time::timeout(PROBE_TIMEOUT, state.storage.check()),
        tokio::time::timeout(PROBE_TIMEOUT, state.limiter.state()),
    );
    Snapshot {
        database: matches!(db, Ok(Ok(()))),
        storage: matches!(storage, Ok(true)),
        cache: cache.unwrap_or(CacheState::Degraded),
    }
}

async fn snapshot(state: &AppState) -> Snapshot {
    if let Some(s) = state.health.fresh() {
        return s;
    }
    let _refreshing = state.health.refresh.lock().await;
    if let Some(s) = state.health.fresh() {
        return s;
    }
    let s = probe(state).await;
    *state
        .health
        .last
        .write()
        .unwrap_or_else(PoisonError::into_inner) = Some((Instant::now(), s));
    s
}

#[utoipa::path(get, path = "/api/healthz", tag = "operations", responses((status = 200, body = Health), (status = 503, body = Health)))]
async fn healthz(State(state): State<AppState>) -> Response {
    let s = snapshot(&state).await;
    let ok = s.database && s.storage;
    let body = Health {
        status: if ok { "ok" } else { "degraded" },
        version: env!("CARGO_PKG_VERSION"),
        checks: Checks {
            database: word(s.database),
            storage: word(s.storage),
            cache: s.cache.as_str(),
            background: state.background.state(),
        },
    };
    let status = if ok {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    (status, axum::Json(body)).into_response()
}

#[derive(Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
struct Ready {
    status: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    reason: Option<String>,
    schema_version: Option<i64>,
}

#[utoipa::path(get, path = "/api/readyz", tag = "operations", responses((status = 200, body = Ready), (status = 503, body = Ready)))]
async fn readyz(State(state): State<AppState>) -> Response {
    let (status, reason, version) =
        match tokio::time::timeout(PROBE_TIMEOUT, migrate::pending(&state.db)).await {
            Ok(Ok(0)) => {
                state
                    .schema_ready
                    .store(true, std::sync::atomic::Ordering::Relaxed);
                ("ready", None, migrate::schema_version(&state.db).await.ok())
            }
            Ok(Ok(n)) => ("not_ready", Some(format!("migrations pending ({n})")), None),
            Ok(Err(err)) => {
                tracing::warn!(error = %format!("{err:#}"), "readiness: database check failed");
                ("not_ready", Some("database unavailable".to_string()), None)
            }
            Err(_) => ("not_ready", Some("database timed out".to_string()), None),
        };
    let code = if reason.is_none() {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    let body = Ready {
        status,
        reason,
        schema_version: version,
    };
    (code, axum::Json(body)).into_response()
}

#[utoipa::path(get, path = "/metrics", tag = "operations", responses((status = 200, description = "Prometheus text format", content_type = "text/plain")))]
async fn metrics(State(state): State<AppState>) -> Response {
    let mut scrape = Scrape::new(state.db.backend().as_str(), state.db.pool_usage());
    state.limiter.scrape(&mut scrape);
    scrape.counter(
        "hctl_background_restarts",
        "Restarts of the background task after a panic",
        state.background.restarts(),
    );
    scrape.gauge(
        "hctl_error_tracking_enabled",
        "1 when 5xx errors are reported to Sentry (SENTRY_DSN is set)",
        i64::from(state.tracker.enabled()),
    );
    let (sent, failed, dropped) = state.tracker.outcomes();
    scrape.counters(
        "hctl_error_tracking_events",
        "Error events for Sentry by outcome: sent, failed (not accepted or unreachable), dropped (queue full or rate limited)",
        "outcome",
        &[("sent", sent), ("failed", failed), ("dropped", dropped)],
    );
    (
        [(header::CONTENT_TYPE, metrics::CONTENT_TYPE)],
        state.metrics.render(scrape),
    )
        .into_response()
}
