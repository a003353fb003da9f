//! The Health Companion API server (`hctl serve`).
//!
//! [`launch_with_listener`] is the whole server as a library function: the
//! command and the tests call it with a bound listener and a shutdown future.
//! One module per resource exports `router()`; they are merged in [`app`],
//! with the cross-cutting layers (request ids, security headers, CORS,
//! metrics and access log, error tracking, timeouts, body limits, rate
//! limits) around them.

mod audit;
mod auth;
mod cache;
mod conn;
mod edge;
mod entries;
mod error;
mod error_tracking;
mod files;
mod flags;
mod health;
mod input;
mod insights;
mod leaderboard;
pub mod memory;
mod metrics;
mod middleware;
mod openapi;
mod privacy;
mod ratelimit;
mod settings;
mod summary;
mod tasks;
mod token;

use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use anyhow::{Context, Result};
use axum::Router;
use axum::extract::{DefaultBodyLimit, Request, State};
use axum::middleware::{Next, from_fn_with_state};
use axum::response::{IntoResponse, Response};
use tokio::net::TcpListener;
use tower::ServiceBuilder;

// What `hctl serve` and the tests use; everything else stays inside the crate.
pub use flags::{Flag, bucket};
pub use health::CHECK_TTL;
pub use settings::{ServerSettings, ranges};

use error::ApiError;
use hctl_core::s3::S3Target;
use hctl_core::storage::Storage;
use hctl_core::store::{Db, PoolOptions, migrate};

/// Shared state of one server process.
#[derive(Clone)]
pub struct AppState {
    inner: Arc<Inner>,
}

pub struct Inner {
    pub settings: ServerSettings,
    pub db: Db,
    pub keys: token::Keys,
    pub hashers: token::Hashers,
    pub sessions: auth::SessionCache,
    pub limiter: ratelimit::Limiter,
    pub metrics: metrics::Metrics,
    /// Sentry, when `SENTRY_DSN` is set.
    pub tracker: error_tracking::Tracker,
    pub flags: flags::FlagCache,
    pub storage: Storage,
    pub health: health::HealthCache,
    /// The background task (schema re-check, retention purge).
    pub background: Arc<tasks::TaskHealth>,
    /// The schema is current (set at start or by the background re-check).
    pub schema_ready: AtomicBool,
}

impl std::ops::Deref for AppState {
    type Target = Inner;
    fn deref(&self) -> &Inner {
        &self.inner
    }
}

/// Run the server on `listener` until `shutdown` resolves, then stop taking
/// connections, let in-flight requests finish and return.
pub async fn launch_with_listener<F>(
    mut settings: ServerSettings,
    listener: TcpListener,
    shutdown: F,
) -> Result<()>
where
    F: Future<Output = ()> + Send + 'static,
{
    memory::return_large_blocks();
    for warning in settings.check()?.0 {
        tracing::warn!("{warning}");
    }
    let state = build_state(settings).await?;
    let addr = listener
        .local_addr()
        .context("could not read the listening address")?;
    tracing::info!(
        address = %addr,
        backend = state.db.backend().as_str(),
        rate_limits = state.limiter.kind(),
        error_tracking = state.tracker.enabled(),
        "hctl serve listening on http://{addr}"
    );
    let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
    let background = tokio::spawn(tasks::supervise(
        "background",
        state.background.clone(),
        tasks::RESTART_DELAY,
        stop_rx.clone(),
        {
            let state = state.clone();
            move || background(state.clone(), stop_rx.clone())
        },
    ));
    let limits = conn::Limits {
        header_read_timeout: state.settings.header_read_timeout,
        idle_timeout: state.settings.idle_timeout,
        max_connections: state.settings.max_connections as usize,
        drain_timeout: state.settings.drain_timeout,
    };
    let result = conn::serve(listener, app(state.clone()), limits, shutdown).await;
    let _ = stop_tx.send(true);
    let _ = background.await;
    state.db.close().await;
    state.tracker.close().await;
    tracing::info!("stopped");
    result
}

async fn build_state(settings: ServerSettings) -> Result<AppState> {
    let db = Db::open(
        &settings.database_url,
        PoolOptions {
            max_connections: settings.db_max_connections,
            acquire_timeout: Duration::from_secs(3),
        },
    )?;
    let mut ready = false;
    if settings.migrate {
        let report = migrate::apply(&db, migrate::ApplyOptions::default())
            .await
            .context("could not apply the database migrations")?;
        for m in &report.applied {
            tracing::info!(version = m.version, name = %m.name, ms = m.execution_ms, "applied migration");
        }
        ready = true;
    } else {
        match migrate::pending(&db).await {
            Ok(0) => ready = true,
            Ok(n) => tracing::warn!(
                "{n} migrations pending: start with --migrate or run `hctl db migrate`"
            ),
            Err(err) => tracing::warn!(error = %format!("{err:#}"), "could not check migrations"),
        }
    }
    let limiter = match &settings.redis_url {
        Some(url) => ratelimit::Limiter::redis(url).await?,
        None => ratelimit::Limiter::memory(),
    };
    let storage = open_storage(&settings).await?;
    let secret = settings.jwt_secret.clone().unwrap_or_default();
    let sessions = auth::SessionCache::new(settings.session_cache_ttl);
    let keys = token::Keys::new(secret.as_bytes(), settings.access_token_ttl);
    let tracker =
        error_tracking::Tracker::new(settings.sentry_dsn.as_deref(), settings.production)?;
    Ok(AppState {
        inner: Arc::new(Inner {
            settings,
            db,
            keys,
            hashers: token::Hashers::per_core(),
            sessions,
            limiter,
            metrics: metrics::Metrics::default(),
            tracker,
            flags: flags::FlagCache::default(),
            storage,
            health: health::HealthCache::default(),
            background: Arc::default(),
            schema_ready: AtomicBool::new(ready),
        }),
    })
}

/// The upload storage of `STORAGE_URL`; a local directory is created now.
async fn open_storage(settings: &ServerSettings) -> Result<Storage> {
    let target = S3Target {
        endpoint: settings.s3_endpoint.clone(),
        region: std::env::var("AWS_REGION").unwrap_or_else(|_| "us-east-1".into()),
        force_path_style: settings.s3_endpoint.is_some(),
    };
    let storage = Storage::open(&settings.storage_url, &target).context("invalid STORAGE_URL")?;
    storage.create_root().await?;
    Ok(storage)
}

/// Periodic work: re-check a pending schema, purge data past retention.
/// Each round reports to `state.background` (see [`tasks`]).
async fn background(state: AppState, mut stop: tokio::sync::watch::Receiver<bool>) {
    let every = state.settings.purge_interval.min(Duration::from_secs(5));
    let mut tick = tokio::time::interval(every);
    let mut last_purge: Option<tokio::time::Instant> = None;
    loop {
        tokio::select! {
            _ = tick.tick() => {}
            _ = stop.changed() => return,
        }
        if !state.schema_ready.load(Ordering::Relaxed)
            && matches!(migrate::pending(&state.db).await, Ok(0))
        {
            tracing::info!("database schema is current, serving the API");
            state.schema_ready.store(true, Ordering::Relaxed);
        }
        let due = last_purge.is_none_or(|t| t.elapsed() >= state.settings.purge_interval);
        if due && state.schema_ready.load(Ordering::Relaxed) {
            last_purge = Some(tokio::time::Instant::now());
            if let Err(err) = purge(&state).await {
                tracing::warn!(error = %err, "retention purge failed");
                state
                    .background
                    .failed(format!("retention purge failed: {err}"));
                continue;
            }
        }
        state.background.succeeded();
    }
}

/// Delete data past the retention period, and revocations of expired tokens.
pub async fn purge(state: &AppState) -> Result<(), ApiError> {
    let now = chrono::Utc::now();
    hctl_core::on_pool!(&state.db, pool => sqlx::query("DELETE FROM revoked_tokens WHERE expires_at < $1")
        .bind(now)
        .execute(pool)
        .await
        .map(|r| r.rows_affected()))?;
    if state.settings.retention_days > 0 {
        let days = state.settings.retention_days;
        let cutoff = chrono::Duration::try_days(i64::from(days))
            .and_then(|d| now.checked_sub_signed(d))
            .ok_or_else(|| anyhow::anyhow!("RETENTION_DAYS={days} is out of range"))?;
        let n = hctl_core::on_pool!(&state.db, pool => sqlx::query("DELETE FROM entries WHERE recorded_at < $1")
            .bind(cutoff)
            .execute(pool)
            .await
            .map(|r| r.rows_affected()))?;
        if n > 0 {
            tracing::info!(deleted = n, "retention purge removed old entries");
        }
    }
    Ok(())
}

/// 503 on the API until the schema is current (probes stay reachable).
async fn require_schema(State(state): State<AppState>, request: Request, next: Next) -> Response {
    if state.schema_ready.load(Ordering::Relaxed) {
        next.run(request).await
    } else {
        ApiError::Unavailable(
            "migrations pending: run `hctl db migrate` or start the server with --migrate".into(),
        )
        .into_response()
    }
}

/// The whole application: the router inside the [`edge`] of every request.
pub fn app(state: AppState) -> edge::Edge {
    let cors = middleware::cors(&state.settings.cors_origins);
    ServiceBuilder::new()
        .layer(edge::StampLayer)
        .layer(cors)
        .service(router(state))
}

/// The routes, each with the layers that need its route template.
fn router(state: AppState) -> Router {
    let api = Router::new()
        .merge(auth::router())
        .merge(entries::router())
        .merge(flags::router())
        .merge(summary::router())
        .merge(insights::router())
        .merge(leaderboard::router())
        .merge(privacy::router())
        .layer(from_fn_with_state(state.clone(), require_schema))
        .layer(from_fn_with_state(state.clone(), ratelimit::per_ip))
        .layer(DefaultBodyLimit::max(state.settings.body_limit_bytes))
        .merge(
            files::router(state.settings.upload_limit_bytes)
                .layer(from_fn_with_state(state.clone(), require_schema))
                .layer(from_fn_with_state(state.clone(), ratelimit::per_ip)),
        );
    Router::new()
        .merge(api)
        .merge(health::router())
        .merge(openapi::router())
        .fallback(middleware::not_found)
        .method_not_allowed_fallback(middleware::method_not_allowed)
        .layer(edge::ObserveLayer::new(state.clone()))
        .with_state(state)
}
