//! Files: `POST /api/files` (multipart field `file`; size limit and a type
//! allow-list checked against the content's magic bytes), `GET /api/files`,
//! `GET /api/files/{id}` and `DELETE /api/files/{id}`, owner only. Bytes live
//! in the blob store (local dir or S3), metadata in the database.

use axum::Router;
use axum::extract::multipart::MultipartRejection;
use axum::extract::{DefaultBodyLimit, Multipart, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use chrono::{DateTime, Utc};
use serde::Serialize;
use uuid::Uuid;

use super::AppState;
use super::auth::{AuthUser, trunc};
use super::error::{ApiError, ApiResult, Json, Path};

pub fn router(upload_limit: usize) -> Router<AppState> {
    Router::new()
        .route("/api/files", get(list).post(upload))
        .route("/api/files/{id}", get(download).delete(remove))
        // Multipart framing on top of the file itself.
        .layer(DefaultBodyLimit::max(upload_limit + 16 * 1024))
}

/// Accepted types and the magic bytes their content must start with.
const TYPES: &[(&str, &[u8])] = &[
    ("image/png", b"\x89PNG\r\n\x1a\n"),
    ("image/jpeg", b"\xff\xd8\xff"),
    ("application/pdf", b"%PDF-"),
    ("text/csv", b""),
    ("application/json", b""),
];

#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct FileMeta {
    pub id: Uuid,
    pub name: String,
    pub content_type: String,
    pub size_bytes: i64,
    pub created_at: DateTime<Utc>,
}
crate::from_row!(FileMeta {
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
    /// The file (png, jpeg, pdf, csv or json).
    #[schema(value_type = String, format = Binary)]
    file: Vec<u8>,
}

const COLUMNS: &str = "id, name, content_type, size_bytes, created_at";

fn check_type(content_type: &str, data: &[u8]) -> ApiResult<()> {
    let Some((_, magic)) = TYPES.iter().find(|(t, _)| *t == content_type) else {
        let known: Vec<&str> = TYPES.iter().map(|t| t.0).collect();
        return Err(ApiError::UnsupportedMediaType(format!(
            "file type `{content_type}` is not accepted (accepted: {})",
            known.join(", ")
        )));
    };
    let text = magic.is_empty();
    if (text && std::str::from_utf8(data).is_err()) || (!text && !data.starts_with(magic)) {
        return Err(ApiError::invalid(
            "file",
            format!("content is not {content_type}"),
        ));
    }
    Ok(())
}

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

#[utoipa::path(post, path = "/api/files", tag = "files", security(("bearer" = [])), request_body(content = UploadForm, content_type = "multipart/form-data"), responses((status = 201, body = FileMeta)))]
async fn upload(
    State(state): State<AppState>,
    user: AuthUser,
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
        let content_type = field
            .content_type()
            .unwrap_or("application/octet-stream")
            .to_string();
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
        check_type(&content_type, &data)?;
        let meta = FileMeta {
            id: Uuid::now_v7(),
            name,
            content_type,
            size_bytes: data.len() as i64,
            created_at: trunc(Utc::now()),
        };
        let key = format!("{}/{}", user.id.simple(), meta.id.simple());
        state
            .blobs
            .put(&key, data.to_vec())
            .await
            .map_err(storage_down)?;
        let sql = "INSERT INTO files (id, user_id, name, content_type, size_bytes, storage_key, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)";
        crate::on_pool!(&state.db, pool => sqlx::query(sql)
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
        return Ok((StatusCode::CREATED, Json(meta)));
    }
    Err(ApiError::invalid(
        "file",
        "expected a multipart field named `file`",
    ))
}

fn storage_down(err: anyhow::Error) -> ApiError {
    tracing::warn!(error = %format!("{err:#}"), "file storage failed");
    ApiError::Unavailable("file storage unavailable, try again shortly".into())
}

#[utoipa::path(get, path = "/api/files", tag = "files", security(("bearer" = [])), responses((status = 200, body = Vec<FileMeta>)))]
async fn list(State(state): State<AppState>, user: AuthUser) -> ApiResult<Json<Vec<FileMeta>>> {
    let sql = format!(
        "SELECT {COLUMNS} FROM files WHERE user_id = $1 ORDER BY created_at DESC LIMIT 1000"
    );
    Ok(Json(
        crate::on_pool!(&state.db, pool => sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(user.id)
        .fetch_all(pool)
        .await)?,
    ))
}

async fn find(state: &AppState, user: Uuid, id: Uuid) -> ApiResult<(FileMeta, String)> {
    struct Row {
        meta: FileMeta,
        storage_key: String,
    }
    crate::from_row!(Row {
        meta: FileMeta,
        storage_key
    });
    let sql = format!("SELECT {COLUMNS}, storage_key FROM files WHERE id = $1 AND user_id = $2");
    let row: Option<Row> = crate::on_pool!(&state.db, pool => sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(id)
        .bind(user)
        .fetch_optional(pool)
        .await)?;
    row.map(|r| (r.meta, r.storage_key))
        .ok_or(ApiError::NotFound("file"))
}

#[utoipa::path(get, path = "/api/files/{id}", tag = "files", security(("bearer" = [])), params(("id" = Uuid, Path)), responses((status = 200, description = "the file", content_type = "application/octet-stream")))]
async fn download(
    State(state): State<AppState>,
    user: AuthUser,
    Path(id): Path<Uuid>,
) -> ApiResult<Response> {
    let (meta, key) = find(&state, user.id, id).await?;
    let data = state.blobs.get(&key).await.map_err(storage_down)?;
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
    Path(id): Path<Uuid>,
) -> ApiResult<StatusCode> {
    let (_, key) = find(&state, user.id, id).await?;
    state.blobs.delete(&key).await.map_err(storage_down)?;
    crate::on_pool!(&state.db, pool => sqlx::query("DELETE FROM files WHERE id = $1 AND user_id = $2")
        .bind(id)
        .bind(user.id)
        .execute(pool)
        .await
        .map(|_| ()))?;
    Ok(StatusCode::NO_CONTENT)
}

/// Every stored key of a user (for account erasure).
pub async fn keys_of(state: &AppState, user: Uuid) -> ApiResult<Vec<String>> {
    Ok(
        crate::on_pool!(&state.db, pool => sqlx::query_scalar("SELECT storage_key FROM files WHERE user_id = $1")
        .bind(user)
        .fetch_all(pool)
        .await)?,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn types_are_checked_by_content() {
        assert!(check_type("image/png", b"\x89PNG\r\n\x1a\nrest").is_ok());
        assert!(check_type("image/png", b"GIF89a").is_err());
        assert!(check_type("text/csv", b"a,b\n1,2\n").is_ok());
        assert!(check_type("text/csv", b"\xff\xfe").is_err());
        assert!(check_type("application/x-msdownload", b"MZ").is_err());
        assert_eq!(clean_name(Some("../../etc/passwd")), "passwd");
        assert_eq!(clean_name(Some("a\"b.png")), "ab.png");
        assert_eq!(clean_name(None), "upload");
    }
}
