//! `GET /api/openapi.json`: the OpenAPI 3 document, generated from the
//! handlers' `#[utoipa::path]` annotations and the body types. Every
//! operation also documents the uniform error shape for the error statuses
//! the cross-cutting layers can answer, so a schema-driven fuzzer can hold
//! every response to the document.

use axum::routing::get;
use axum::{Json, Router};
use utoipa::OpenApi;
use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityScheme};
use utoipa::openapi::{Content, Ref, RefOr, Response, ResponseBuilder};

use super::error::{ErrorBody, ErrorDetail};
use super::{
    AppState, auth, entries, files, flags, health, insights, leaderboard, privacy, summary,
};

pub fn router() -> Router<AppState> {
    Router::new().route("/api/openapi.json", get(|| async { Json(document()) }))
}

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Health Companion API",
        description = "The API served by `hctl serve`."
    ),
    paths(
        health::healthz,
        health::readyz,
        health::metrics,
        auth::register,
        auth::login,
        auth::logout,
        auth::me,
        auth::update_me,
        entries::create,
        entries::list,
        entries::read,
        entries::replace,
        entries::remove,
        summary::summary,
        insights::insights,
        leaderboard::leaderboard,
        flags::admin::list,
        flags::admin::read,
        flags::admin::create,
        flags::admin::update,
        flags::admin::remove,
        flags::history::audit,
        flags::history::note,
        flags::my_features,
        files::upload,
        files::list,
        files::download,
        files::remove,
        privacy::export,
        privacy::erase,
        privacy::consents,
        privacy::set_consents,
    ),
    components(schemas(ErrorBody, ErrorDetail))
)]
struct Doc;

/// Statuses any API operation may answer besides its success.
const ERRORS: &[(&str, &str)] = &[
    ("400", "malformed request"),
    ("401", "missing or invalid credentials"),
    ("403", "forbidden"),
    ("404", "not found"),
    ("405", "method not allowed"),
    ("409", "conflict"),
    ("413", "body too large"),
    ("415", "unsupported media type"),
    ("422", "invalid input, naming the field"),
    ("429", "rate limited (see Retry-After)"),
    (
        "503",
        "a dependency is unavailable or migrations are pending",
    ),
];

/// The generated document with security schemes and error responses added.
pub fn document() -> utoipa::openapi::OpenApi {
    let mut doc = Doc::openapi();
    let components = doc.components.get_or_insert_with(Default::default);
    components.add_security_scheme(
        "bearer",
        SecurityScheme::Http(Http::new(HttpAuthScheme::Bearer)),
    );
    components.add_security_scheme(
        "admin",
        SecurityScheme::Http(Http::new(HttpAuthScheme::Bearer)),
    );
    let error: Response = ResponseBuilder::new()
        .description("error")
        .content(
            "application/json",
            Content::new(Some(Ref::from_schema_name("ErrorBody"))),
        )
        .build();
    components.responses.insert("Error".into(), RefOr::T(error));
    for (path, item) in doc.paths.paths.iter_mut() {
        if path == "/metrics" {
            continue;
        }
        for op in [
            &mut item.get,
            &mut item.put,
            &mut item.post,
            &mut item.delete,
            &mut item.patch,
        ]
        .into_iter()
        .flatten()
        {
            for (code, _) in ERRORS {
                op.responses
                    .responses
                    .entry((*code).to_string())
                    .or_insert_with(|| RefOr::Ref(Ref::from_response_name("Error")));
            }
        }
    }
    doc
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_route_is_documented() {
        let doc = serde_json::to_value(document()).unwrap();
        let paths = doc["paths"].as_object().unwrap();
        for route in [
            "/api/healthz",
            "/api/readyz",
            "/metrics",
            "/api/auth/register",
            "/api/auth/login",
            "/api/auth/logout",
            "/api/me",
            "/api/entries",
            "/api/entries/{id}",
            "/api/summary",
            "/api/insights",
            "/api/leaderboard",
            "/api/feature-flags",
            "/api/feature-flags/{name}",
            "/api/feature-flags/{name}/audit",
            "/api/feature-flags/{name}/notes",
            "/api/me/features",
            "/api/files",
            "/api/files/{id}",
            "/api/me/export",
            "/api/me/consents",
        ] {
            assert!(paths.contains_key(route), "{route} is missing");
        }
        assert!(doc["paths"]["/api/me"]["delete"].is_object());
        assert!(doc["paths"]["/api/entries"]["post"]["responses"]["422"].is_object());
        let flags = &doc["paths"]["/api/feature-flags"];
        assert!(flags["post"]["responses"]["201"].is_object(), "{flags}");
        assert!(flags["post"]["responses"]["409"].is_object(), "{flags}");
        let flag = &doc["paths"]["/api/feature-flags/{name}"];
        assert!(flag["delete"]["responses"]["204"].is_object(), "{flag}");
        assert!(flag["put"]["responses"]["404"].is_object(), "{flag}");
        assert_eq!(doc["openapi"].as_str().unwrap().chars().next(), Some('3'));
    }
}
