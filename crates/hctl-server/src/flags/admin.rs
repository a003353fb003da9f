//! The feature-flag admin API, bearer `ADMIN_TOKEN` compared in constant time:
//! list and read flags, create one (`POST`, 409 when it exists), change one
//! (`PUT`, 404 when it does not: a typo never creates a flag) and delete one.
//! Names and group ids follow [`hctl_core::flag_name`] (422 naming the field);
//! every change is a row in `audit_log` with the flag before and after, and
//! the change's optional `note` and `context` (the flag's audit history
//! reads them back).

use axum::Router;
use axum::extract::{FromRequestParts, State};
use axum::http::request::Parts;
use axum::http::{StatusCode, header};
use axum::routing::get;
use chrono::Utc;
use serde::Deserialize;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use super::{Flag, all, load};
use crate::AppState;
use crate::audit::{self, Event};
use crate::error::{ApiError, ApiResult, Json, Path};
use crate::ratelimit::ClientIp;
use hctl_core::flag_name::{GROUP_ID_RULE, NAME_RULE, is_valid_group_id, is_valid_name};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/feature-flags", get(list).post(create))
        .route(
            "/api/feature-flags/{name}",
            get(read).put(update).delete(remove),
        )
}

/// The admin, authenticated by `Authorization: Bearer $ADMIN_TOKEN`.
pub struct Admin;

impl FromRequestParts<AppState> for Admin {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> ApiResult<Self> {
        let Some(expected) = state.settings.admin_token.as_deref() else {
            return Err(ApiError::Forbidden(
                "the admin API is disabled: ADMIN_TOKEN is not set",
            ));
        };
        let presented = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .ok_or(ApiError::Unauthorized("missing admin bearer token"))?;
        // Hash both so the comparison is constant time in the length as well.
        let a = Sha256::digest(presented.trim().as_bytes());
        let b = Sha256::digest(expected.as_bytes());
        if bool::from(a.ct_eq(&b)) {
            Ok(Admin)
        } else {
            Err(ApiError::Unauthorized("invalid admin token"))
        }
    }
}

pub(super) const NOT_FOUND: ApiError = ApiError::NotFound("feature flag");

/// The most characters of a note.
const NOTE_LIMIT: usize = 500;
/// The most bytes of a context object, as JSON.
const CONTEXT_LIMIT: usize = 4096;

/// Why a change was made: both optional.
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Why {
    /// Words for people, at most 500 characters.
    pub note: Option<String>,
    /// A JSON object for tools, at most 4 KiB.
    #[schema(value_type = Option<Object>)]
    pub context: Option<serde_json::Value>,
}

impl Why {
    pub fn check(&self) -> ApiResult<()> {
        if self
            .note
            .as_ref()
            .is_some_and(|n| n.chars().count() > NOTE_LIMIT)
        {
            return Err(ApiError::invalid("note", "must be at most 500 characters"));
        }
        if let Some(context) = &self.context
            && (!context.is_object() || context.to_string().len() > CONTEXT_LIMIT)
        {
            return Err(ApiError::invalid(
                "context",
                "must be a JSON object of at most 4096 bytes",
            ));
        }
        Ok(())
    }

    /// Add the note and the context to an audit row's detail.
    pub fn annotate(self, detail: &mut serde_json::Value) {
        if let Some(note) = self.note {
            detail["note"] = note.into();
        }
        if let Some(context) = self.context {
            detail["context"] = context;
        }
    }
}

pub(super) fn check_name(name: &str) -> ApiResult<()> {
    if is_valid_name(name) {
        Ok(())
    } else {
        Err(ApiError::invalid("name", NAME_RULE))
    }
}

/// The fields both `POST` and `PUT` take, checked.
fn check_fields(
    rollout_percentage: Option<i64>,
    description: Option<&str>,
    group_id: Option<&str>,
) -> ApiResult<()> {
    if rollout_percentage.is_some_and(|p| !(0..=100).contains(&p)) {
        return Err(ApiError::invalid(
            "rolloutPercentage",
            "must be between 0 and 100",
        ));
    }
    if description.is_some_and(|d| d.chars().count() > 200) {
        return Err(ApiError::invalid(
            "description",
            "must be at most 200 characters",
        ));
    }
    if group_id.is_some_and(|g| !is_valid_group_id(g)) {
        return Err(ApiError::invalid("groupId", GROUP_ID_RULE));
    }
    Ok(())
}

pub(super) async fn record(
    state: &AppState,
    ip: Option<String>,
    action: &str,
    name: &str,
    detail: serde_json::Value,
) -> ApiResult<()> {
    state.flags.invalidate().await;
    audit::record(
        &state.db,
        Event {
            actor: "admin",
            action,
            target: name,
            ip,
            detail,
        },
    )
    .await
}

#[utoipa::path(get, path = "/api/feature-flags", operation_id = "admin_list_flags", tag = "feature-flags", security(("admin" = [])), responses((status = 200, body = Vec<Flag>)))]
pub(crate) async fn list(State(state): State<AppState>, _: Admin) -> ApiResult<Json<Vec<Flag>>> {
    state.flags.invalidate().await;
    Ok(Json(all(&state).await?.as_ref().clone()))
}

#[utoipa::path(get, path = "/api/feature-flags/{name}", operation_id = "admin_get_flag", tag = "feature-flags", security(("admin" = [])), params(("name" = String, Path)), responses((status = 200, body = Flag)))]
pub(crate) async fn read(
    State(state): State<AppState>,
    _: Admin,
    Path(name): Path<String>,
) -> ApiResult<Json<Flag>> {
    check_name(&name)?;
    load(&state, &name).await?.map(Json).ok_or(NOT_FOUND)
}

/// A flag to create; left out: off, rollout 100 if enabled else 0, no
/// description, group id = name.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub(crate) struct NewFlag {
    name: String,
    enabled: Option<bool>,
    rollout_percentage: Option<i64>,
    description: Option<String>,
    group_id: Option<String>,
}

/// Create a flag; 409 when one of that name exists.
#[utoipa::path(post, path = "/api/feature-flags", operation_id = "admin_create_flag", tag = "feature-flags", security(("admin" = [])), request_body = NewFlag, responses((status = 201, body = Flag)))]
pub(crate) async fn create(
    State(state): State<AppState>,
    _: Admin,
    ClientIp(client_ip): ClientIp,
    Json(body): Json<NewFlag>,
) -> ApiResult<(StatusCode, Json<Flag>)> {
    check_name(&body.name)?;
    check_fields(
        body.rollout_percentage,
        body.description.as_deref(),
        body.group_id.as_deref(),
    )?;
    let enabled = body.enabled.unwrap_or(false);
    let flag = Flag {
        group_id: body.group_id.unwrap_or_else(|| body.name.clone()),
        name: body.name,
        enabled,
        rollout_percentage: body
            .rollout_percentage
            .map(|p| p as i32)
            .unwrap_or(if enabled { 100 } else { 0 }),
        description: body.description.unwrap_or_default(),
        updated_at: crate::auth::trunc(Utc::now()),
    };
    // One statement, so two admins creating the same flag get one 201 and one 409.
    let sql = "INSERT INTO feature_flags (name, enabled, rollout_percentage, group_id, description, updated_at)
        VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (name) DO NOTHING";
    let inserted = hctl_core::on_pool!(&state.db, pool => sqlx::query(sql)
        .bind(&flag.name)
        .bind(flag.enabled)
        .bind(flag.rollout_percentage)
        .bind(&flag.group_id)
        .bind(&flag.description)
        .bind(flag.updated_at)
        .execute(pool)
        .await
        .map(|r| r.rows_affected()))?;
    if inserted == 0 {
        return Err(ApiError::Conflict {
            field: "name",
            message: format!("feature flag `{}` already exists", flag.name),
        });
    }
    let detail = serde_json::json!({ "before": null, "after": flag });
    record(&state, client_ip, "flag.create", &flag.name, detail).await?;
    Ok((StatusCode::CREATED, Json(flag)))
}

/// A change to a flag; fields left out keep their value. `note` and
/// `context` say why, in the audit row.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub(crate) struct FlagChange {
    enabled: Option<bool>,
    rollout_percentage: Option<i64>,
    description: Option<String>,
    group_id: Option<String>,
    note: Option<String>,
    #[schema(value_type = Option<Object>)]
    context: Option<serde_json::Value>,
}

/// Change an existing flag; 404 (and nothing created) when there is none.
#[utoipa::path(put, path = "/api/feature-flags/{name}", operation_id = "admin_put_flag", tag = "feature-flags", security(("admin" = [])), params(("name" = String, Path)), request_body = FlagChange, responses((status = 200, body = Flag)))]
pub(crate) async fn update(
    State(state): State<AppState>,
    _: Admin,
    ClientIp(client_ip): ClientIp,
    Path(name): Path<String>,
    Json(body): Json<FlagChange>,
) -> ApiResult<Json<Flag>> {
    check_name(&name)?;
    if body.enabled.is_none()
        && body.rollout_percentage.is_none()
        && body.description.is_none()
        && body.group_id.is_none()
    {
        return Err(ApiError::invalid(
            "enabled",
            "give `enabled`, `rolloutPercentage`, `description` or `groupId`",
        ));
    }
    check_fields(
        body.rollout_percentage,
        body.description.as_deref(),
        body.group_id.as_deref(),
    )?;
    let why = Why {
        note: body.note,
        context: body.context,
    };
    why.check()?;
    let before = load(&state, &name).await?.ok_or(NOT_FOUND)?;
    let after = Flag {
        name: name.clone(),
        enabled: body.enabled.unwrap_or(before.enabled),
        rollout_percentage: body
            .rollout_percentage
            .map_or(before.rollout_percentage, |p| p as i32),
        group_id: body.group_id.unwrap_or_else(|| before.group_id.clone()),
        description: body
            .description
            .unwrap_or_else(|| before.description.clone()),
        updated_at: crate::auth::trunc(Utc::now()),
    };
    let sql = "UPDATE feature_flags SET enabled = $2, rollout_percentage = $3, group_id = $4,
        description = $5, updated_at = $6 WHERE name = $1";
    let updated = hctl_core::on_pool!(&state.db, pool => sqlx::query(sql)
        .bind(&after.name)
        .bind(after.enabled)
        .bind(after.rollout_percentage)
        .bind(&after.group_id)
        .bind(&after.description)
        .bind(after.updated_at)
        .execute(pool)
        .await
        .map(|r| r.rows_affected()))?;
    if updated == 0 {
        // Deleted between the read and the write.
        return Err(NOT_FOUND);
    }
    let mut detail = serde_json::json!({ "before": before, "after": after });
    why.annotate(&mut detail);
    record(&state, client_ip, "flag.update", &name, detail).await?;
    Ok(Json(after))
}

/// Delete a flag; 404 when there is none.
#[utoipa::path(delete, path = "/api/feature-flags/{name}", operation_id = "admin_delete_flag", tag = "feature-flags", security(("admin" = [])), params(("name" = String, Path)), responses((status = 204)))]
pub(crate) async fn remove(
    State(state): State<AppState>,
    _: Admin,
    ClientIp(client_ip): ClientIp,
    Path(name): Path<String>,
) -> ApiResult<StatusCode> {
    check_name(&name)?;
    let before = load(&state, &name).await?.ok_or(NOT_FOUND)?;
    let deleted = hctl_core::on_pool!(&state.db, pool => sqlx::query("DELETE FROM feature_flags WHERE name = $1")
        .bind(&name)
        .execute(pool)
        .await
        .map(|r| r.rows_affected()))?;
    if deleted == 0 {
        return Err(NOT_FOUND);
    }
    let detail = serde_json::json!({ "before": before, "after": null });
    record(&state, client_ip, "flag.delete", &name, detail).await?;
    Ok(StatusCode::NO_CONTENT)
}
