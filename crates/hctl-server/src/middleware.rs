//! Cross-cutting HTTP behaviour: CORS from the allow-list and JSON fallbacks
//! for unknown routes and methods (the request id, security headers, timeout,
//! metrics and access log are in `edge`).

use std::time::Duration;

use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::response::Response;
use tower_http::cors::{AllowOrigin, CorsLayer};

use super::error::error_response;

/// CORS for the configured origins only; no origins, no cross-origin access.
/// Credentials are not allowed: the API authenticates with bearer tokens.
pub fn cors(origins: &[String]) -> CorsLayer {
    let list: Vec<HeaderValue> = origins
        .iter()
        .filter_map(|o| HeaderValue::from_str(o.trim_end_matches('/')).ok())
        .collect();
    CorsLayer::new()
        .allow_origin(AllowOrigin::list(list))
        .allow_methods([
            Method::GET,
            Method::POST,
            Method::PUT,
            Method::PATCH,
            Method::DELETE,
        ])
        .allow_headers([header::AUTHORIZATION, header::CONTENT_TYPE])
        .expose_headers([super::edge::X_REQUEST_ID, header::RETRY_AFTER])
        .max_age(Duration::from_secs(600))
}

pub async fn not_found() -> Response {
    error_response(StatusCode::NOT_FOUND, "not_found", "no such route".into())
}

pub async fn method_not_allowed() -> Response {
    error_response(
        StatusCode::METHOD_NOT_ALLOWED,
        "method_not_allowed",
        "method not allowed on this route".into(),
    )
}
