//! `hctl dashboard`: the launch page, a read-only web page for the launch
//! coordinator of one environment (checklists, recorded preflight runs,
//! playbook runs, rollout, backups, flags), server-rendered with a little
//! JavaScript that refreshes it in place. Assets are embedded in the binary;
//! nothing is fetched at run time.
//!
//! A refresh with nothing new costs a 304 without a body (an `ETag` over
//! the panels).
//!
//! Guarantees: with a token every route but the static assets needs it
//! (`Authorization: Bearer`, `?token=` in a link, or a signed link that
//! expires: [`link`]), compared in constant time; the caller refuses a non-loopback address without one. The page
//! changes nothing (opening the tick store creates or migrates its tables,
//! as every command that reads it does).

mod html;
pub mod link;
pub mod snapshot;

use std::future::Future;
use std::path::PathBuf;
use std::sync::Arc;

use anyhow::{Context, Result};
use axum::Router;
use axum::extract::{Query, Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde::Deserialize;
use subtle::ConstantTimeEq;

use crate::checklist::store::{Store, ticks};
use crate::config::Settings;
use crate::playbook::Hctl;
use crate::preflight::signoff;

/// What the page needs: the environment's settings, how to load playbooks
/// (their argv is checked against the CLI), and the token, if any.
pub struct Launch {
    pub settings: Settings,
    pub hctl: Arc<dyn Hctl>,
    pub playbooks_dir: PathBuf,
    pub token: Option<String>,
    /// The tick store, opened on first use and kept: one small pool for
    /// every refresh instead of a connection per checklist per refresh.
    store: tokio::sync::OnceCell<Store>,
}

impl Launch {
    pub fn new(
        settings: Settings,
        hctl: Arc<dyn Hctl>,
        playbooks_dir: PathBuf,
        token: Option<String>,
    ) -> Launch {
        Launch {
            settings,
            hctl,
            playbooks_dir,
            token,
            store: tokio::sync::OnceCell::new(),
        }
    }

    /// The environment's tick store (an open that fails is tried again next time).
    async fn store(&self) -> Result<&Store> {
        let url = self.settings.require("database_url")?;
        self.store.get_or_try_init(|| Store::open(url)).await
    }
}

const STYLE: &str = include_str!("assets/dashboard.css");
const SCRIPT: &str = include_str!("assets/dashboard.js");
/// No inline script or style, nothing from elsewhere, never framed.
const CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/// Serve the page on `listener` until `shutdown` completes.
pub async fn serve(
    launch: Launch,
    listener: tokio::net::TcpListener,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<()> {
    axum::serve(listener, router(Arc::new(launch)))
        .with_graceful_shutdown(shutdown)
        .await
        .context("the dashboard server stopped")
}

fn router(launch: Arc<Launch>) -> Router {
    let guarded = Router::new()
        .route("/", get(page))
        .route("/fragment", get(fragment))
        .route("/api/launch.json", get(json))
        .route("/launch-report.md", get(launch_report))
        .route_layer(middleware::from_fn_with_state(launch.clone(), auth));
    Router::new()
        .route(
            "/assets/dashboard.css",
            get(|| asset(STYLE, "text/css; charset=utf-8")),
        )
        .route(
            "/assets/dashboard.js",
            get(|| asset(SCRIPT, "text/javascript; charset=utf-8")),
        )
        .merge(guarded)
        .layer(middleware::from_fn(headers))
        .with_state(launch)
}

async fn asset(body: &'static str, kind: &'static str) -> Response {
    ([(header::CONTENT_TYPE, kind)], body).into_response()
}

/// Security headers on every response; the token may be in the URL, so no
/// referrer leaves the page and nothing is cached.
async fn headers(req: Request, next: Next) -> Response {
    let mut res = next.run(req).await;
    let h = res.headers_mut();
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CSP),
    );
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    res
}

#[derive(Deserialize)]
struct TokenQuery {
    token: Option<String>,
    /// A signed link's expiry and signature ([`link`]).
    exp: Option<i64>,
    sig: Option<String>,
}

async fn auth(
    State(launch): State<Arc<Launch>>,
    Query(q): Query<TokenQuery>,
    req: Request,
    next: Next,
) -> Response {
    let Some(expected) = &launch.token else {
        return next.run(req).await;
    };
    let given = bearer(req.headers()).or(q.token);
    if given.is_some_and(|t| bool::from(t.as_bytes().ct_eq(expected.as_bytes()))) {
        return next.run(req).await;
    }
    let why = match (q.exp, q.sig.as_deref()) {
        (Some(exp), Some(sig)) => match link::check(expected, exp, sig, chrono::Utc::now()) {
            Ok(()) => return next.run(req).await,
            Err(link::Refused::Expired(at)) => format!(
                "401 unauthorized: this link expired at {}; ask for a new one\n",
                at.format("%Y-%m-%d %H:%M:%S UTC")
            ),
            Err(link::Refused::Forged) => {
                "401 unauthorized: this link's signature is not valid\n".to_string()
            }
        },
        _ => "401 unauthorized: send `Authorization: Bearer TOKEN` or open the link with `?token=TOKEN`\n".to_string(),
    };
    (
        StatusCode::UNAUTHORIZED,
        [(header::WWW_AUTHENTICATE, "Bearer realm=\"hctl dashboard\"")],
        why,
    )
        .into_response()
}

fn bearer(headers: &HeaderMap) -> Option<String> {
    headers
        .get(header::AUTHORIZATION)?
        .to_str()
        .ok()?
        .strip_prefix("Bearer ")
        .map(str::to_string)
}

async fn page(State(launch): State<Arc<Launch>>) -> Response {
    let snap = snapshot::gather(&launch).await;
    html_response(html::page(&snap))
}

/// The refreshed content of `<main>`. Its `ETag` covers the panels, not the
/// time stamp: a refresh that sends the tag back (`If-None-Match`) gets an
/// empty 304 when nothing changed, instead of the whole page again.
async fn fragment(State(launch): State<Arc<Launch>>, req_headers: HeaderMap) -> Response {
    let snap = snapshot::gather(&launch).await;
    let panels = html::panels(&snap);
    let tag = etag(&panels);
    let unchanged = req_headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|given| given.split(',').any(|t| t.trim() == tag));
    let mut res = if unchanged {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        html_response(html::stamp(&snap) + &panels)
    };
    if let Ok(value) = HeaderValue::from_str(&tag) {
        res.headers_mut().insert(header::ETAG, value);
    }
    res
}

/// A strong entity tag: the first 16 bytes of the content's SHA-256.
fn etag(content: &str) -> String {
    use sha2::{Digest, Sha256};
    let digest = Sha256::digest(content.as_bytes());
    format!("\"{}\"", hex::encode(&digest[..16]))
}

async fn json(State(launch): State<Arc<Launch>>) -> Response {
    axum::Json(snapshot::gather(&launch).await).into_response()
}

fn html_response(body: String) -> Response {
    ([(header::CONTENT_TYPE, "text/html; charset=utf-8")], body).into_response()
}

#[derive(Deserialize)]
struct ReportQuery {
    /// One checklist (none: all of them).
    checklist: Option<String>,
    /// Manual items only, as `hctl checklist report --no-checks`.
    #[serde(default)]
    no_checks: bool,
}

/// The sign-off report in Markdown, as `hctl checklist report -o markdown`.
async fn launch_report(
    State(launch): State<Arc<Launch>>,
    Query(q): Query<ReportQuery>,
) -> Response {
    // The checks' stream is not `Send` (a higher-ranked lifetime in its
    // closure), so the report runs on a blocking thread of this runtime.
    let handle = tokio::runtime::Handle::current();
    let built = tokio::task::spawn_blocking(move || handle.block_on(launch_markdown(&launch, q)))
        .await
        .unwrap_or_else(|e| Err(anyhow::anyhow!("the report task failed: {e}")));
    match built {
        Ok(Some(md)) => {
            ([(header::CONTENT_TYPE, "text/markdown; charset=utf-8")], md).into_response()
        }
        Ok(None) => (StatusCode::NOT_FOUND, "no such checklist in this project\n").into_response(),
        Err(err) => {
            tracing::warn!("launch report failed: {err:#}");
            (
                StatusCode::INTERNAL_SERVER_ERROR,
                format!(
                    "cannot build the launch report: {}\n",
                    format!("{err:#}").replace('\n', " ")
                ),
            )
                .into_response()
        }
    }
}

/// The report, or none when `?checklist=` names no checklist of the project.
async fn launch_markdown(launch: &Launch, q: ReportQuery) -> Result<Option<String>> {
    let settings = &launch.settings;
    let store = launch.store().await?;
    let mut checklists = snapshot::load_checklists(launch)?;
    if let Some(name) = &q.checklist {
        checklists.retain(|c| &c.name == name);
        if checklists.is_empty() {
            return Ok(None);
        }
    }
    let deps = crate::preflight::deps(settings);
    let mut reports = Vec::new();
    for c in &checklists {
        let state = ticks(&store.events(&c.name).await?);
        let plan = signoff::plan(c, Vec::new(), q.no_checks)?;
        reports.push(signoff::report(c, &state, &plan, &settings.env, &deps, &()).await);
    }
    Ok(Some(signoff::markdown(&reports)))
}
