//! A flag's audit history, and notes on it: `GET
//! /api/feature-flags/{name}/audit` reads the flag's audit rows (newest
//! first), `POST /api/feature-flags/{name}/notes` records a decision that
//! changes nothing (a ramp holding on missing data, a guard passing). Both
//! carry the optional `note` (words for people) and `context` (a small JSON
//! object for tools, e.g. `hctl flags ramp`'s state) that a `PUT` takes too,
//! so the audit log is the one record of who changed a flag, and why.

use axum::Router;
use axum::routing::{get, post};

use axum::extract::State;
use axum::http::StatusCode;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::admin::{Admin, NOT_FOUND, Why, check_name, record};
use super::load;
use crate::AppState;
use crate::error::{ApiError, ApiResult, Json, Path, Query};
use crate::ratelimit::ClientIp;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/feature-flags/{name}/audit", get(audit))
        .route("/api/feature-flags/{name}/notes", post(note))
}

/// One audit row of a flag.
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub(crate) struct AuditEntry {
    pub id: i64,
    pub at: DateTime<Utc>,
    pub actor: String,
    /// `flag.create`, `flag.update`, `flag.delete` or `flag.note`.
    pub action: String,
    /// The detail: `before`/`after` of a change, `note`, `context`.
    #[schema(value_type = Object)]
    pub detail: serde_json::Value,
}

struct Row {
    id: i64,
    at: DateTime<Utc>,
    actor: String,
    action: String,
    detail: String,
}
hctl_core::from_row!(Row {
    id,
    at,
    actor,
    action,
    detail
});

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub(crate) struct HistoryQuery {
    /// How many rows, newest first (1-500, default 50).
    limit: Option<i64>,
}

#[utoipa::path(get, path = "/api/feature-flags/{name}/audit", operation_id = "admin_flag_audit", tag = "feature-flags", security(("admin" = [])), params(("name" = String, Path), HistoryQuery), responses((status = 200, body = Vec<AuditEntry>)))]
pub(crate) async fn audit(
    State(state): State<AppState>,
    _: Admin,
    Path(name): Path<String>,
    Query(query): Query<HistoryQuery>,
) -> ApiResult<Json<Vec<AuditEntry>>> {
    check_name(&name)?;
    let limit = query.limit.unwrap_or(50);
    if !(1..=500).contains(&limit) {
        return Err(ApiError::invalid("limit", "must be between 1 and 500"));
    }
    let sql = "SELECT id, at, actor, action, detail FROM audit_log
        WHERE target = $1 AND action LIKE 'flag.%' ORDER BY id DESC LIMIT $2";
    let rows: Vec<Row> = hctl_core::on_pool!(&state.db, pool => sqlx::query_as(sql)
        .bind(&name)
        .bind(limit)
        .fetch_all(pool)
        .await)?;
    let entries = rows
        .into_iter()
        .map(|r| AuditEntry {
            id: r.id,
            at: r.at,
            actor: r.actor,
            action: r.action,
            detail: serde_json::from_str(&r.detail).unwrap_or_default(),
        })
        .collect();
    Ok(Json(entries))
}

/// A note on a flag: at least `note` or `context`.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub(crate) struct NewNote {
    note: Option<String>,
    #[schema(value_type = Option<Object>)]
    context: Option<serde_json::Value>,
}

/// Record a note on an existing flag (audit action `flag.note`, with the
/// flag as it is); 404 when there is none.
#[utoipa::path(post, path = "/api/feature-flags/{name}/notes", operation_id = "admin_note_flag", tag = "feature-flags", security(("admin" = [])), params(("name" = String, Path)), request_body = NewNote, responses((status = 201)))]
pub(crate) async fn note(
    State(state): State<AppState>,
    _: Admin,
    ClientIp(client_ip): ClientIp,
    Path(name): Path<String>,
    Json(body): Json<NewNote>,
) -> ApiResult<StatusCode> {
    check_name(&name)?;
    let why = Why {
        note: body.note,
        context: body.context,
    };
    if why.note.is_none() && why.context.is_none() {
        return Err(ApiError::invalid("note", "give `note` or `context`"));
    }
    why.check()?;
    let flag = load(&state, &name).await?.ok_or(NOT_FOUND)?;
    let mut detail = serde_json::json!({ "flag": flag });
    why.annotate(&mut detail);
    record(&state, client_ip, "flag.note", &name, detail).await?;
    Ok(StatusCode::CREATED)
}
