//! Operational endpoints: `/api/healthz` (liveness and component status, 503
//! when the database or file storage is down), `/api/readyz` (database
//! reachable and migrations current) and `/metrics` (Prometheus text).

use std::time::Duration;

use axum::Router;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde::Serialize;

use super::AppState;
use crate::store::migrate;

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

#[utoipa::path(get, path = "/api/healthz", tag = "operations", responses((status = 200, body = Health), (status = 503, body = Health)))]
async fn healthz(State(state): State<AppState>) -> Response {
    let (db, storage, cache) = tokio::join!(
        tokio::time::timeout(PROBE_TIMEOUT, state.db.ping()),
        tokio::time::timeout(PROBE_TIMEOUT, state.blobs.check()),
        tokio::time::timeout(PROBE_TIMEOUT, state.limiter.ping()),
    );
    let db_ok = matches!(db, Ok(Ok(())));
    let storage_ok = matches!(storage, Ok(true));
    let cache = match cache {
        Ok(None) => "disabled",
        Ok(Some(true)) => "ok",
        _ => "down",
    };
    let ok = db_ok && storage_ok;
    let body = Health {
        status: if ok { "ok" } else { "degraded" },
        version: env!("CARGO_PKG_VERSION"),
        checks: Checks {
            database: word(db_ok),
            storage: word(storage_ok),
            cache,
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
    let text = state
        .metrics
        .render(state.db.pool_usage(), state.db.backend().as_str());
    (
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        text,
    )
        .into_response()
}
