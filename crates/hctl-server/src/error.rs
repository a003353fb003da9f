//! [`ApiError`]: every failure the API reports, as `{"error":{"code","message"}}`
//! with the right status. Internal errors are logged with the request's context
//! and the client sees an opaque 500; database outages become 503.
//!
//! [`Json`], [`Query`] and [`Path`] wrap axum's extractors so malformed input
//! (bad JSON, wrong types, unknown fields, oversized bodies) answers 4xx in the
//! same shape, never axum's plain-text rejections.

use axum::extract::FromRequest;
use axum::extract::rejection::{JsonRejection, PathRejection, QueryRejection};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use utoipa::ToSchema;

/// An API failure.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("{0}")]
    BadRequest(String),
    /// Missing, malformed, expired or revoked credentials.
    #[error("{0}")]
    Unauthorized(&'static str),
    #[error("{0}")]
    Forbidden(&'static str),
    #[error("{0} not found")]
    NotFound(&'static str),
    #[error("{message}")]
    Conflict {
        field: &'static str,
        message: String,
    },
    /// Valid JSON, invalid value: names the field.
    #[error("{message}")]
    Invalid { field: String, message: String },
    #[error("{0}")]
    TooLarge(String),
    #[error("{0}")]
    UnsupportedMediaType(String),
    #[error("too many requests, retry after {retry_after}s")]
    RateLimited { retry_after: u64 },
    #[error("{0}")]
    Unavailable(String),
    /// A bounded resource (the password hashers) stayed busy past its queue
    /// deadline: 503 with `Retry-After`, so clients back off instead of piling up.
    #[error("server busy, retry after {retry_after}s")]
    Overloaded { retry_after: u64 },
    #[error("internal error")]
    Internal(#[from] anyhow::Error),
}

#[derive(Serialize)]
struct Body<'a> {
    error: Detail<'a>,
}

#[derive(Serialize)]
struct Detail<'a> {
    code: &'a str,
    message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    field: Option<&'a str>,
}

impl ApiError {
    /// A 422 naming `field`.
    pub fn invalid(field: impl Into<String>, message: impl Into<String>) -> Self {
        ApiError::Invalid {
            field: field.into(),
            message: message.into(),
        }
    }

    pub fn status(&self) -> StatusCode {
        match self {
            ApiError::BadRequest(_) => StatusCode::BAD_REQUEST,
            ApiError::Unauthorized(_) => StatusCode::UNAUTHORIZED,
            ApiError::Forbidden(_) => StatusCode::FORBIDDEN,
            ApiError::NotFound(_) => StatusCode::NOT_FOUND,
            ApiError::Conflict { .. } => StatusCode::CONFLICT,
            ApiError::Invalid { .. } => StatusCode::UNPROCESSABLE_ENTITY,
            ApiError::TooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            ApiError::UnsupportedMediaType(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ApiError::RateLimited { .. } => StatusCode::TOO_MANY_REQUESTS,
            ApiError::Unavailable(_) | ApiError::Overloaded { .. } => {
                StatusCode::SERVICE_UNAVAILABLE
            }
            ApiError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn code(&self) -> &'static str {
        match self {
            ApiError::BadRequest(_) => "bad_request",
            ApiError::Unauthorized(_) => "unauthorized",
            ApiError::Forbidden(_) => "forbidden",
            ApiError::NotFound(_) => "not_found",
            ApiError::Conflict { .. } => "conflict",
            ApiError::Invalid { .. } => "invalid",
            ApiError::TooLarge(_) => "payload_too_large",
            ApiError::UnsupportedMediaType(_) => "unsupported_media_type",
            ApiError::RateLimited { .. } => "rate_limited",
            ApiError::Unavailable(_) => "unavailable",
            ApiError::Overloaded { .. } => "overloaded",
            ApiError::Internal(_) => "internal",
        }
    }
}

/// The JSON error response for a status and message (also used by fallbacks).
pub fn error_response(status: StatusCode, code: &str, message: String) -> Response {
    let body = Body {
        error: Detail {
            code,
            message,
            field: None,
        },
    };
    (status, axum::Json(body)).into_response()
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        // What error tracking reports for a 5xx: the cause chain of an
        // internal error (server-side text, never the request), else the message.
        let failure = match &self {
            ApiError::Internal(err) => {
                let chain = format!("{err:#}");
                tracing::error!(error = %chain, "internal error");
                Some(chain)
            }
            other if other.status().is_server_error() => Some(other.to_string()),
            _ => None,
        }
        .map(|message| crate::error_tracking::Failure {
            kind: self.code(),
            message,
        });
        let field = match &self {
            ApiError::Invalid { field, .. } => Some(field.as_str()),
            ApiError::Conflict { field, .. } => Some(*field),
            _ => None,
        };
        let body = Body {
            error: Detail {
                code: self.code(),
                message: self.to_string(),
                field,
            },
        };
        let mut response = (self.status(), axum::Json(body)).into_response();
        if let Some(failure) = failure {
            response.extensions_mut().insert(failure);
        }
        if let ApiError::RateLimited { retry_after } | ApiError::Overloaded { retry_after } = self {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(retry_after.max(1)));
        }
        if let ApiError::TooLarge(_) = self {
            // The rest of the body is not read: the connection cannot carry
            // another request, and a client that reused it would see it
            // closed under its next request (hyper's IncompleteMessage).
            response
                .headers_mut()
                .insert(header::CONNECTION, HeaderValue::from_static("close"));
        }
        response
    }
}

impl From<sqlx::Error> for ApiError {
    fn from(err: sqlx::Error) -> Self {
        match err {
            sqlx::Error::PoolTimedOut
            | sqlx::Error::Io(_)
            | sqlx::Error::PoolClosed
            | sqlx::Error::Tls(_)
            | sqlx::Error::Protocol(_)
            | sqlx::Error::WorkerCrashed => {
                tracing::warn!(error = %err, "database unavailable");
                ApiError::Unavailable("database unavailable, try again shortly".into())
            }
            // Connection exceptions (08), insufficient resources (53),
            // operator intervention (57P: shutdown, terminated backend) and
            // SQLite busy/locked are outages, not bugs.
            sqlx::Error::Database(db)
                if db.code().is_some_and(|c| {
                    c.starts_with("08")
                        || c.starts_with("53")
                        || c.starts_with("57P")
                        || c == "5"
                        || c == "6"
                }) =>
            {
                tracing::warn!(error = %db, "database unavailable");
                ApiError::Unavailable("database unavailable, try again shortly".into())
            }
            other => ApiError::Internal(other.into()),
        }
    }
}

impl From<JsonRejection> for ApiError {
    fn from(rejection: JsonRejection) -> Self {
        let text = rejection.body_text();
        match rejection {
            JsonRejection::JsonDataError(_) => {
                let field = field_of(&text);
                ApiError::Invalid {
                    field,
                    message: text,
                }
            }
            JsonRejection::MissingJsonContentType(_) => {
                ApiError::UnsupportedMediaType("expected `Content-Type: application/json`".into())
            }
            other if other.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                ApiError::TooLarge("request body is too large".into())
            }
            _ => ApiError::BadRequest(text),
        }
    }
}

/// The field serde named in "… at line 1 column 5: unknown field `x` …" or
/// "body.kind: …" (JSON bodies and query strings), best effort; `body` when
/// none is named.
fn field_of(text: &str) -> String {
    if let Some(rest) = text.split("field `").nth(1)
        && let Some(name) = rest.split('`').next()
    {
        return name.to_string();
    }
    for prefix in [
        "deserialize the JSON body into the target type: ",
        "deserialize query string: ",
    ] {
        if let Some(rest) = text.split(prefix).nth(1)
            && let Some((path, _)) = rest.split_once(": ")
            && !path.contains(' ')
        {
            return path.to_string();
        }
    }
    "body".to_string()
}

impl From<QueryRejection> for ApiError {
    fn from(rejection: QueryRejection) -> Self {
        let text = rejection.body_text();
        let field = field_of(&text);
        ApiError::Invalid {
            field: if field == "body" {
                "query".into()
            } else {
                field
            },
            message: text,
        }
    }
}

impl From<PathRejection> for ApiError {
    fn from(rejection: PathRejection) -> Self {
        ApiError::BadRequest(rejection.body_text())
    }
}

/// `axum::Json` with JSON-shaped rejections.
#[derive(FromRequest)]
#[from_request(via(axum::Json), rejection(ApiError))]
pub struct Json<T>(pub T);

impl<T: Serialize> IntoResponse for Json<T> {
    fn into_response(self) -> Response {
        axum::Json(self.0).into_response()
    }
}

/// `axum::extract::Query` with JSON-shaped rejections.
#[derive(axum::extract::FromRequestParts)]
#[from_request(via(axum::extract::Query), rejection(ApiError))]
pub struct Query<T>(pub T);

/// `axum::extract::Path` with JSON-shaped rejections.
#[derive(axum::extract::FromRequestParts)]
#[from_request(via(axum::extract::Path), rejection(ApiError))]
pub struct Path<T>(pub T);

pub type ApiResult<T> = Result<T, ApiError>;

/// The error body every failure carries.
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct ErrorBody {
    error: ErrorDetail,
}

#[derive(ToSchema)]
#[allow(dead_code)]
pub struct ErrorDetail {
    /// Machine-readable code, e.g. `invalid`, `unauthorized`, `rate_limited`.
    code: String,
    message: String,
    /// The offending field, for 409 and 422.
    field: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn database_outages_are_503_and_bugs_500() {
        let io = sqlx::Error::Io(std::io::Error::from(std::io::ErrorKind::ConnectionRefused));
        assert_eq!(ApiError::from(io).status(), StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(
            ApiError::from(sqlx::Error::PoolTimedOut).status(),
            StatusCode::SERVICE_UNAVAILABLE
        );
        assert_eq!(
            ApiError::from(sqlx::Error::RowNotFound).status(),
            StatusCode::INTERNAL_SERVER_ERROR
        );
    }

    #[test]
    fn rate_limits_carry_retry_after() {
        let response = ApiError::RateLimited { retry_after: 7 }.into_response();
        assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
        assert_eq!(response.headers()[header::RETRY_AFTER], "7");
        let response = ApiError::Overloaded { retry_after: 2 }.into_response();
        assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(response.headers()[header::RETRY_AFTER], "2");
    }

    #[test]
    fn serde_fields_are_named() {
        assert_eq!(
            field_of(
                "Failed to deserialize the JSON body into the target type: unknown field `colour`, expected one of `kind`"
            ),
            "colour"
        );
        assert_eq!(
            field_of(
                "Failed to deserialize the JSON body into the target type: value: invalid type: string \"x\", expected f64 at line 1 column 12"
            ),
            "value"
        );
        assert_eq!(
            field_of("Failed to deserialize query string: asOf: must be from 1970-01-01"),
            "asOf"
        );
        assert_eq!(field_of("Failed to parse"), "body");
    }
}
