//! GDPR: `GET /api/me/export` (everything held about the caller, as JSON,
//! with a short-lived signed download link per stored file), `DELETE /api/me`
//! (erase the account, its rows and its stored files; audit rows keep only the
//! pseudonymous `user:<uuid>`) and consents (`GET/PUT /api/me/consents`).

use std::collections::BTreeMap;

use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::get;
use chrono::{DateTime, Utc};
use serde::Serialize;

use super::AppState;
use super::audit;
use super::auth::{self, AuthUser, User};
use super::entries::{ENTRY_COLUMNS, Entry};
use super::error::{ApiError, ApiResult, Json};
use super::files::{self, FileMeta, links};
use super::ratelimit::ClientIp;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/me/export", get(export))
        .route("/api/me", axum::routing::delete(erase))
        .route("/api/me/consents", get(consents).put(set_consents))
}

/// The consents a user can give or withdraw (all off until given).
pub const CONSENTS: &[&str] = &["analytics", "marketing", "research"];

async fn load_consents(state: &AppState, user: AuthUser) -> ApiResult<BTreeMap<String, bool>> {
    struct Row {
        kind: String,
        granted: bool,
    }
    hctl_core::from_row!(Row { kind, granted });
    let rows: Vec<Row> = hctl_core::on_pool!(&state.db, pool => sqlx::query_as("SELECT kind, granted FROM consents WHERE user_id = $1")
        .bind(user.id)
        .fetch_all(pool)
        .await)?;
    let mut out: BTreeMap<String, bool> = CONSENTS.iter().map(|c| (c.to_string(), false)).collect();
    for r in rows {
        out.insert(r.kind, r.granted);
    }
    Ok(out)
}

#[utoipa::path(get, path = "/api/me/consents", tag = "privacy", security(("bearer" = [])), responses((status = 200, body = BTreeMap<String, bool>)))]
async fn consents(
    State(state): State<AppState>,
    user: AuthUser,
) -> ApiResult<Json<BTreeMap<String, bool>>> {
    Ok(Json(load_consents(&state, user).await?))
}

#[utoipa::path(put, path = "/api/me/consents", tag = "privacy", security(("bearer" = [])), request_body = BTreeMap<String, bool>, responses((status = 200, body = BTreeMap<String, bool>)))]
async fn set_consents(
    State(state): State<AppState>,
    user: AuthUser,
    Json(body): Json<BTreeMap<String, bool>>,
) -> ApiResult<Json<BTreeMap<String, bool>>> {
    if let Some(unknown) = body.keys().find(|k| !CONSENTS.contains(&k.as_str())) {
        return Err(ApiError::invalid(
            unknown.clone(),
            format!("unknown consent, expected one of {}", CONSENTS.join(", ")),
        ));
    }
    let now = Utc::now();
    for (kind, granted) in &body {
        let sql = "INSERT INTO consents (user_id, kind, granted, updated_at) VALUES ($1, $2, $3, $4)
            ON CONFLICT (user_id, kind) DO UPDATE SET granted = excluded.granted, updated_at = excluded.updated_at";
        hctl_core::on_pool!(&state.db, pool => sqlx::query(sql)
            .bind(user.id)
            .bind(kind)
            .bind(*granted)
            .bind(now)
            .execute(pool)
            .await
            .map(|_| ()))?;
    }
    audit::by_user(
        &state.db,
        user.id,
        "consent.update",
        None,
        serde_json::json!(body),
    )
    .await?;
    Ok(Json(load_consents(&state, user).await?))
}

#[derive(Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
struct AuditRow {
    at: DateTime<Utc>,
    action: String,
    ip: Option<String>,
}
hctl_core::from_row!(AuditRow { at, action, ip });

/// A stored file in the export: its metadata and a link to its bytes.
#[derive(Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
struct ExportedFile {
    #[serde(flatten)]
    meta: FileMeta,
    /// `GET` this (relative to the API's base URL; no token needed) for the
    /// file's bytes, until `downloadExpiresAt`.
    download_url: String,
    /// When the link stops working (15 minutes after the export).
    download_expires_at: DateTime<Utc>,
}

#[derive(Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
struct Export {
    exported_at: DateTime<Utc>,
    user: User,
    entries: Vec<Entry>,
    consents: BTreeMap<String, bool>,
    files: Vec<ExportedFile>,
    security_events: Vec<AuditRow>,
}

#[utoipa::path(get, path = "/api/me/export", tag = "privacy", security(("bearer" = [])), responses((status = 200, body = Export, description = "everything held about the caller; each file with a signed download link that works for 15 minutes")))]
async fn export(
    State(state): State<AppState>,
    user: AuthUser,
    ClientIp(client_ip): ClientIp,
) -> ApiResult<Json<Export>> {
    let profile = auth::load_user(&state, user.id).await?;
    let sql =
        format!("SELECT {ENTRY_COLUMNS} FROM entries WHERE user_id = $1 ORDER BY recorded_at, id");
    let entries: Vec<Entry> = hctl_core::on_pool!(&state.db, pool => sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(user.id)
        .fetch_all(pool)
        .await)?;
    let now = Utc::now();
    let files = files::of_user(&state, user.id, i64::MAX)
        .await?
        .into_iter()
        .map(|meta| {
            let link = links::sign(&state.keys, user.id, meta.id, now);
            ExportedFile {
                meta,
                download_url: link.url,
                download_expires_at: link.expires_at,
            }
        })
        .collect();
    audit::by_user(
        &state.db,
        user.id,
        "account.export",
        client_ip,
        serde_json::json!({}),
    )
    .await?;
    let audit_sql =
        "SELECT at, action, ip FROM audit_log WHERE actor = $1 OR target = $1 ORDER BY id";
    let security_events: Vec<AuditRow> = hctl_core::on_pool!(&state.db, pool => sqlx::query_as(audit_sql)
        .bind(audit::subject(user.id))
        .fetch_all(pool)
        .await)?;
    Ok(Json(Export {
        exported_at: now,
        consents: load_consents(&state, user).await?,
        user: profile,
        entries,
        files,
        security_events,
    }))
}

/// Erase the account, to the end even if the client goes away: stored files
/// first (so no orphaned bytes remain), then
/// audit rows that still name the account by its email (written before
/// migration 0003, or by an older replica during a rolling upgrade) get its
/// pseudonymous id, then the user row goes, which cascades to entries,
/// consents, files and revocations.
#[utoipa::path(delete, path = "/api/me", operation_id = "erase_account", tag = "privacy", security(("bearer" = [])), responses((status = 204)))]
async fn erase(State(state): State<AppState>, user: AuthUser) -> ApiResult<StatusCode> {
    files::finish(async move {
        for key in files::keys_of(&state, user.id).await? {
            state
                .storage
                .delete(&key)
                .await
                .map_err(files::storage_down)?;
        }
        let profile = auth::load_user(&state, user.id).await?;
        audit::forget_email(&state.db, &profile.email, user.id).await?;
        hctl_core::on_pool!(&state.db, pool => sqlx::query("DELETE FROM users WHERE id = $1")
            .bind(user.id)
            .execute(pool)
            .await
            .map(|_| ()))?;
        state.sessions.forget_user(user.id);
        audit::by_user(
            &state.db,
            user.id,
            "account.erase",
            None,
            serde_json::json!({}),
        )
        .await
    })
    .await?;
    Ok(StatusCode::NO_CONTENT)
}
