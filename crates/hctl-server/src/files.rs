//! Files: `POST /api/files` (multipart field `file`; size limit, type decided
//! by the content in [`sniff`]), `GET /api/files`, `GET /api/files/{id}` and
//! `DELETE /api/files/{id}`, owner only; a download also opens with a signed
//! link from the export ([`links`]). Bytes live in the blob store (local dir
//! or S3), metadata in the database.

pub mod links;
pub mod sniff;

use axum::Router;
use axum::extract::multipart::MultipartRejection;
use axum::extract::{DefaultBodyLimit, Multipart, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::AppState;
use super::audit::{self, Event};
use super::auth::{AuthUser, trunc};
use super::error::ErrorBody;
use super::error::{ApiError, ApiResult, Json, Path, Query};
use super::ratelimit::ClientIp;

pub fn router(upload_limit: usize) -> Router<AppState> {
    Router::new()
        .route("/api/files", get(list).post(upload))
        .route("/api/files/{id}", get(download).delete(remove))
        // Multipart framing on top of the file itself.
        .layer(DefaultBodyLimit::max(upload_limit + 16 * 1024))
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct FileMeta {
    pub id: Uuid,
    pub name: String,
    /// The type detected from the content (not the one the client declared).
    pub content_type: String,
    pub size_bytes: i64,
    pub created_at: DateTime<Utc>,
}
hctl_core::from_row!(FileMeta {
    id,
    name,
    content_type,
    size_bytes,
    created_at
});

/// The multipart body of an upload (for the OpenAPI document).
#[derive(utoipa::ToSchema)]
#[allow(dead_code)]
struct UploadForm {
    /// The file: png, jpeg, pdf, csv (UTF-8) or json, recognised by its
    /// content. Declare its type, or `application/octet-stream` to let the
    /// server decide.
    #[schema(value_type = String, format = Binary)]
    file: Vec<u8>,
}

const COLUMNS: &str = "id, name, content_type, size_bytes, created_at";

fn clean_name(name: Option<&str>) -> String {
    let name: String = name
        .unwrap_or("upload")
        .rsplit(['/', '\\'])
        .next()
        .unwrap_or("upload")
        .chars()
        .filter(|c| !c.is_control() && *c != '"')
        .take(120)
        .collect();
    if name.is_empty() {
        "upload".into()
    } else {
        name
    }
}

#[utoipa::path(post, path = "/api/files", tag = "files", security(("bearer" = [])),
    request_body(content = UploadForm, content_type = "multipart/form-data"),
    responses(
        (status = 201, body = FileMeta),
        (status = 415, description = "the content is not an accepted type, or contradicts the declared type (the message names the detected type)", body = ErrorBody),
        (status = 422, description = "no `file` field, an empty file, or declared JSON that does not parse", body = ErrorBody),
    ))]
async fn upload(
    State(state): State<AppState>,
    user: AuthUser,
    ClientIp(client_ip): ClientIp,
    multipart: Result<Multipart, MultipartRejection>,
) -> ApiResult<(StatusCode, Json<FileMeta>)> {
    let bad = |e: axum::extract::multipart::MultipartError| {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            ApiError::TooLarge(format!(
                "files are limited to {} bytes",
                state.settings.upload_limit_bytes
            ))
        } else {
            ApiError::BadRequest(format!("invalid multipart body: {}", e.body_text()))
        }
    };
    let mut multipart = multipart
        .map_err(|e| ApiError::BadRequest(format!("invalid multipart body: {}", e.body_text())))?;
    while let Some(field) = multipart.next_field().await.map_err(bad)? {
        if field.name() != Some("file") {
            continue;
        }
        let name = clean_name(field.file_name());
        let declared = field.content_type().map(str::to_string);
        let data = field.bytes().await.map_err(bad)?;
        if data.len() > state.settings.upload_limit_bytes {
            return Err(ApiError::TooLarge(format!(
                "files are limited to {} bytes",
                state.settings.upload_limit_bytes
            )));
        }
        if data.is_empty() {
            return Err(ApiError::invalid("file", "the file is empty"));
        }
        let content_type = sniff::classify(declared.as_deref(), &data)?;
        let meta = FileMeta {
            id: Uuid::now_v7(),
            name,
            content_type: content_type.to_string(),
            size_bytes: data.len() as i64,
            created_at: trunc(Utc::now()),
        };
        let key = format!("{}/{}", user.id.simple(), meta.id.simple());
        state
            .storage
            .put_bytes(&key, &data)
            .await
            .map_err(storage_down)?;
        let sql = "INSERT INTO files (id, user_id, name, content_type, size_bytes, storage_key, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)";
        hctl_core::on_pool!(&state.db, pool => sqlx::query(sql)
            .bind(meta.id)
            .bind(user.id)
            .bind(&meta.name)
            .bind(&meta.content_type)
            .bind(meta.size_bytes)
            .bind(&key)
            .bind(meta.created_at)
            .execute(pool)
            .await
            .map(|_| ()))?;
        // The file's name stays out of the audit row: names are the user's
        // words ("maria-hiv-test.pdf") and the audit row outlives them.
        let detail = serde_json::json!({"file": meta.id, "contentType": content_type, "sizeBytes": meta.size_bytes});
        audit::by_user(&state.db, user.id, "file.upload", client_ip, detail).await?;
        return Ok((StatusCode::CREATED, Json(meta)));
    }
    Err(ApiError::invalid(
        "file",
        "expected a multipart field named `file`",
    ))
}

/// A blob store failure: logged, 503 to the client.
pub fn storage_down(err: anyhow::Error) -> ApiError {
    tracing::warn!(error = %format!("{err:#}"), "file storage failed");
    ApiError::Unavailable("file storage unavailable, try again shortly".into())
}

/// The newest `limit` files of `user`.
pub async fn of_user(state: &AppState, user: Uuid, limit: i64) -> ApiResult<Vec<FileMeta>> {
    let sql = format!(
        "SELECT {COLUMNS} FROM files WHERE user_id = $1 ORDER BY created_at DESC, id DESC LIMIT $2"
    );
    Ok(
        hctl_core::on_pool!(&state.db, pool => sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(user)
        .bind(limit)
        .fetch_all(pool)
        .await)?,
    )
}

#[utoipa::path(get, path = "/api/files", tag = "files", security(("bearer" = [])), responses((status = 200, body = Vec<FileMeta>)))]
async fn list(State(state): State<AppState>, user: AuthUser) -> ApiResult<Json<Vec<FileMeta>>> {
    Ok(Json(of_user(&state, user.id, 1000).await?))
}

struct Stored {
    meta: FileMeta,
    storage_key: String,
    user_id: Uuid,
}
hctl_core::from_row!(Stored {
    meta: FileMeta,
    storage_key,
    user_id
});

/// File `id`, of `owner` when given.
async fn find(state: &AppState, id: Uuid, owner: Option<Uuid>) -> ApiResult<Option<Stored>> {
    let sql = format!(
        "SELECT {COLUMNS}, storage_key, user_id FROM files WHERE id = $1 AND ($2 IS NULL OR user_id = $2)"
    );
    Ok(
        hctl_core::on_pool!(&state.db, pool => sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(id)
        .bind(owner)
        .fetch_optional(pool)
        .await)?,
    )
}

async fn find_own(state: &AppState, user: Uuid, id: Uuid) -> ApiResult<Stored> {
    find(state, id, Some(user))
        .await?
        .ok_or(ApiError::NotFound("file"))
}

/// A signed link's query (see [`links`]).
#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
struct LinkQuery {
    /// Unix time the link stops working (from the export).
    expires: Option<i64>,
    /// The link's signature (from the export); with it no token is needed.
    sig: Option<String>,
}

#[utoipa::path(get, path = "/api/files/{id}", tag = "files", security(("bearer" = []), ()),
    params(("id" = Uuid, Path), LinkQuery),
    responses(
        (status = 200, description = "the file, with the type detected at upload (one of the accepted types)",
            content(("image/png"), ("image/jpeg"), ("application/pdf"), ("text/csv"), ("application/json"))),
        (status = 403, description = "a signed link that is expired, forged or for a file that no longer exists", body = ErrorBody),
    ))]
async fn download(
    State(state): State<AppState>,
    Path(id): Path<Uuid>,
    Query(link): Query<LinkQuery>,
    ClientIp(client_ip): ClientIp,
    user: Result<AuthUser, ApiError>,
) -> ApiResult<Response> {
    let signed = link.sig.is_some();
    let file = match link.sig {
        Some(sig) => {
            let expires = link.expires.ok_or_else(links::unknown_file)?;
            let file = find(&state, id, None)
                .await?
                .ok_or_else(links::unknown_file)?;
            links::check(&state.keys, file.user_id, id, expires, &sig, Utc::now())?;
            let actor = format!("link:{}", audit::subject(file.user_id));
            let target = audit::subject(file.user_id);
            audit::record(
                &state.db,
                Event {
                    actor: &actor,
                    action: "file.download.link",
                    target: &target,
                    ip: client_ip,
                    detail: serde_json::json!({"file": id}),
                },
            )
            .await?;
            file
        }
        None => find_own(&state, user?.id, id).await?,
    };
    let data = match state.storage.get_bytes(&file.storage_key).await {
        Ok(data) => data,
        Err(err) => {
            // Deleted between the lookup and the read: the file is gone, the
            // storage is fine.
            if find(&state, id, None).await?.is_none() {
                return Err(if signed {
                    links::unknown_file()
                } else {
                    ApiError::NotFound("file")
                });
            }
            return Err(storage_down(err));
        }
    };
    let meta = file.meta;
    Ok((
        [
            (header::CONTENT_TYPE, meta.content_type.clone()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{}\"", meta.name),
            ),
        ],
        data,
    )
        .into_response())
}

#[utoipa::path(delete, path = "/api/files/{id}", tag = "files", security(("bearer" = [])), params(("id" = Uuid, Path)), responses((status = 204)))]
async fn remove(
    State(state): State<AppState>,
    user: AuthUser,
    ClientIp(client_ip): ClientIp,
    Path(id): Path<Uuid>,
) -> ApiResult<StatusCode> {
    let file = find_own(&state, user.id, id).await?;
    finish(async move {
        state
            .storage
            .delete(&file.storage_key)
            .await
            .map_err(storage_down)?;
        hctl_core::on_pool!(&state.db, pool => sqlx::query("DELETE FROM files WHERE id = $1 AND user_id = $2")
            .bind(id)
            .bind(user.id)
            .execute(pool)
            .await
            .map(|_| ()))?;
        let detail = serde_json::json!({"file": id});
        audit::by_user(&state.db, user.id, "file.delete", client_ip, detail).await
    })
    .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Run `work` to its end even when the client goes away or the request
/// times out: a deletion stopped between the stored bytes and the row would
/// leave a row whose file is gone (503 on every download until retried).
pub async fn finish<T: Send + 'static>(
    work: impl Future<Output = ApiResult<T>> + Send + 'static,
) -> ApiResult<T> {
    tokio::spawn(work)
        .await
        .map_err(|e| ApiError::Internal(e.into()))?
}

/// Every stored key of a user (for account erasure).
pub async fn keys_of(state: &AppState, user: Uuid) -> ApiResult<Vec<String>> {
    Ok(
        hctl_core::on_pool!(&state.db, pool => sqlx::query_scalar("SELECT storage_key FROM files WHERE user_id = $1")
        .bind(user)
        .fetch_all(pool)
        .await)?,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_lose_paths_quotes_and_controls() {
        assert_eq!(clean_name(Some("../../etc/passwd")), "passwd");
        assert_eq!(clean_name(Some("a\"b.png")), "ab.png");
        assert_eq!(clean_name(Some("C:\\scans\\x\n.pdf")), "x.pdf");
        assert_eq!(clean_name(None), "upload");
    }

    #[test]
    fn downloads_document_every_accepted_type() {
        let doc = serde_json::to_value(crate::openapi::document()).unwrap();
        let ok = &doc["paths"]["/api/files/{id}"]["get"]["responses"]["200"]["content"];
        let mut documented: Vec<&str> =
            ok.as_object().unwrap().keys().map(|k| k.as_str()).collect();
        let mut accepted = sniff::ACCEPTED.to_vec();
        documented.sort_unstable();
        accepted.sort_unstable();
        assert_eq!(documented, accepted);
    }
}
