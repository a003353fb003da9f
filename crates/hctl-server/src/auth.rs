//! Accounts and sessions: register, login, logout, me. Emails are normalised
//! (trimmed, lowercased) at the edge; login failures are uniform (no account
//! enumeration) and throttled per account; every outcome is audited, by
//! pseudonymous ids only ([`audit::subject`], [`audit::email_subject`]).
//!
//! Registration does say that an address is taken (409 naming `email`), on
//! purpose: without a mail channel to confirm addresses, registering and then
//! logging in with the chosen password tells anyone whether the account was
//! new, so a uniform answer would hide nothing and only confuse real users.
//! Both answers cost the same argon2 hash (no timing difference beyond the
//! answer itself), probes are bounded by the per-IP rate limit, and each one
//! is an `auth.register.conflict` audit row with the client IP.
//!
//! [`AuthUser`] is the extractor every user route takes: a valid, unrevoked
//! token of an existing account, within the per-user rate limit.

use std::sync::PoisonError;
use std::time::Duration;

use axum::extract::{FromRequestParts, State};
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::routing::{get, post};
use axum::{Router, http::header};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::AppState;
use super::audit::{self, Event};
use super::error::{ApiError, ApiResult, Json};
use super::input::Text;
use super::ratelimit::{ClientIp, Decision};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/auth/register", post(register))
        .route("/api/auth/login", post(login))
        .route("/api/auth/logout", post(logout))
        .route("/api/me", get(me).patch(update_me))
}

/// The caller, authenticated by `Authorization: Bearer <token>`.
#[derive(Debug, Clone, Copy)]
pub struct AuthUser {
    pub id: Uuid,
    pub jti: Uuid,
    pub exp: i64,
}

impl FromRequestParts<AppState> for AuthUser {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> ApiResult<Self> {
        let value = parts
            .headers
            .get(header::AUTHORIZATION)
            .ok_or(ApiError::Unauthorized("missing bearer token"))?;
        let token = value
            .to_str()
            .ok()
            .and_then(|v| v.strip_prefix("Bearer "))
            .ok_or(ApiError::Unauthorized(
                "expected `Authorization: Bearer <token>`",
            ))?;
        let claims = state.keys.verify(token.trim())?;
        if !state.sessions.is_live(claims.jti) {
            // One query: the account still exists and this token was not logged out.
            let sql = "SELECT count(*) FROM users u WHERE u.id = $1 AND NOT EXISTS (SELECT 1 FROM revoked_tokens r WHERE r.jti = $2)";
            let live: i64 = hctl_core::on_pool!(&state.db, pool => sqlx::query_scalar(sql)
                .bind(claims.sub)
                .bind(claims.jti)
                .fetch_one(pool)
                .await)?;
            if live == 0 {
                return Err(ApiError::Unauthorized("invalid or expired token"));
            }
            state.sessions.remember(claims.jti, claims.sub);
        }
        let limit = state.settings.rate_limit_user;
        if let Decision::Deny(retry_after) = state
            .limiter
            .hit(
                &format!("user:{}", claims.sub),
                limit,
                Duration::from_secs(60),
            )
            .await
        {
            state.metrics.rate_limited_user.inc();
            return Err(ApiError::RateLimited { retry_after });
        }
        Ok(AuthUser {
            id: claims.sub,
            jti: claims.jti,
            exp: claims.exp,
        })
    }
}

/// Tokens this replica recently found live (account exists, not logged out),
/// so a burst of requests costs one lookup. A logout or erasure on this
/// replica takes effect at once; on other replicas within the TTL.
pub struct SessionCache {
    ttl: Duration,
    live: std::sync::Mutex<std::collections::HashMap<Uuid, (std::time::Instant, Uuid)>>,
}

const MAX_SESSIONS: usize = 100_000;

impl SessionCache {
    pub fn new(ttl: Duration) -> Self {
        SessionCache {
            ttl,
            live: Default::default(),
        }
    }

    fn is_live(&self, jti: Uuid) -> bool {
        let live = self.live.lock().unwrap_or_else(PoisonError::into_inner);
        live.get(&jti)
            .is_some_and(|(at, _)| at.elapsed() < self.ttl)
    }

    fn remember(&self, jti: Uuid, user: Uuid) {
        if self.ttl.is_zero() {
            return;
        }
        let mut live = self.live.lock().unwrap_or_else(PoisonError::into_inner);
        if live.len() >= MAX_SESSIONS {
            let ttl = self.ttl;
            live.retain(|_, (at, _)| at.elapsed() < ttl);
        }
        live.insert(jti, (std::time::Instant::now(), user));
    }

    pub fn forget(&self, jti: Uuid) {
        self.live
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .remove(&jti);
    }

    pub fn forget_user(&self, user: Uuid) {
        self.live
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .retain(|_, (_, u)| *u != user);
    }
}

/// A normalised, plausible email address.
pub fn normalize_email(raw: &str) -> ApiResult<String> {
    let email = raw.trim().to_lowercase();
    let bad = || ApiError::invalid("email", "expected an email address like name@example.com");
    if email.len() > 254 || email.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(bad());
    }
    let (local, domain) = email.split_once('@').ok_or_else(bad)?;
    if local.is_empty()
        || domain.contains('@')
        || !domain.contains('.')
        || domain.starts_with('.')
        || domain.ends_with('.')
    {
        return Err(bad());
    }
    Ok(email)
}

fn check_password(password: &str) -> ApiResult<()> {
    let n = password.chars().count();
    if !(10..=128).contains(&n) {
        return Err(ApiError::invalid(
            "password",
            "must be 10 to 128 characters",
        ));
    }
    Ok(())
}

fn check_display_name(name: &Option<Text>) -> ApiResult<()> {
    if let Some(name) = name
        && (name.trim().is_empty() || name.chars().count() > 80)
    {
        return Err(ApiError::invalid(
            "displayName",
            "must be 1 to 80 characters",
        ));
    }
    Ok(())
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct RegisterBody {
    #[schema(value_type = String)]
    email: Text,
    password: String,
    #[schema(value_type = Option<String>)]
    display_name: Option<Text>,
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
struct LoginBody {
    #[schema(value_type = String)]
    email: Text,
    password: String,
}

#[derive(Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
struct TokenResponse {
    token: String,
    token_type: &'static str,
    expires_in: u64,
    user: User,
}

/// The public view of an account.
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct User {
    pub id: Uuid,
    pub email: String,
    pub display_name: Option<String>,
    pub leaderboard_opt_in: bool,
    pub created_at: DateTime<Utc>,
}
hctl_core::from_row!(User {
    id,
    email,
    display_name,
    leaderboard_opt_in,
    created_at
});

const USER_COLUMNS: &str = "id, email, display_name, leaderboard_opt_in, created_at";

#[utoipa::path(post, path = "/api/auth/register", tag = "auth", request_body = RegisterBody, responses(
    (status = 201, body = TokenResponse),
    (status = 409, description = "an account with this email exists (`field`: `email`); deliberate, see the README's account enumeration note", body = crate::error::ErrorBody),
))]
async fn register(
    State(state): State<AppState>,
    ClientIp(client_ip): ClientIp,
    Json(body): Json<RegisterBody>,
) -> ApiResult<(StatusCode, Json<TokenResponse>)> {
    let email = normalize_email(&body.email)?;
    check_password(&body.password)?;
    check_display_name(&body.display_name)?;
    let hash = state.hashers.hash_password(body.password).await?;
    let id = Uuid::now_v7();
    let now = trunc(Utc::now());
    let sql = "INSERT INTO users (id, email, password_hash, display_name, leaderboard_opt_in, created_at) VALUES ($1, $2, $3, $4, FALSE, $5) ON CONFLICT (email) DO NOTHING";
    let inserted = hctl_core::on_pool!(&state.db, pool => sqlx::query(sql)
        .bind(id)
        .bind(&email)
        .bind(&hash)
        .bind(body.display_name.as_deref().map(str::trim))
        .bind(now)
        .execute(pool)
        .await
        .map(|r| r.rows_affected()))?;
    if inserted == 0 {
        let existing: Option<Uuid> = hctl_core::on_pool!(&state.db, pool => sqlx::query_scalar("SELECT id FROM users WHERE email = $1")
            .bind(&email)
            .fetch_optional(pool)
            .await)?;
        let target =
            existing.map_or_else(|| audit::email_subject(&state.keys, &email), audit::subject);
        audit::record(
            &state.db,
            Event {
                actor: "anonymous",
                action: "auth.register.conflict",
                target: &target,
                ip: client_ip,
                detail: serde_json::json!({}),
            },
        )
        .await?;
        return Err(ApiError::Conflict {
            field: "email",
            message: "an account with this email already exists".into(),
        });
    }
    audit::by_user(
        &state.db,
        id,
        "auth.register",
        client_ip.clone(),
        serde_json::json!({}),
    )
    .await?;
    let (token, _) = state.keys.issue(id)?;
    let user = User {
        id,
        email,
        display_name: body.display_name.map(|n| n.trim().to_string()),
        leaderboard_opt_in: false,
        created_at: now,
    };
    Ok((
        StatusCode::CREATED,
        Json(token_response(&state, token, user)),
    ))
}

fn token_response(state: &AppState, token: String, user: User) -> TokenResponse {
    TokenResponse {
        token,
        token_type: "Bearer",
        expires_in: state.keys.ttl().as_secs(),
        user,
    }
}

#[utoipa::path(post, path = "/api/auth/login", tag = "auth", request_body = LoginBody, responses((status = 200, body = TokenResponse)))]
async fn login(
    State(state): State<AppState>,
    ClientIp(client_ip): ClientIp,
    Json(body): Json<LoginBody>,
) -> ApiResult<Json<TokenResponse>> {
    // An unparseable email is treated like an unknown account: same answer.
    let email = normalize_email(&body.email).unwrap_or_else(|_| body.email.trim().to_lowercase());
    // The throttle's key (a Redis key for 15 minutes) names the address by a
    // keyed hash too, so an erased account's email is in no store at all.
    let throttle = hex::encode(&state.keys.tag("login-throttle", email.as_bytes())[..16]);
    if let Decision::Deny(retry_after) = state
        .limiter
        .hit(
            &format!("login:{throttle}"),
            state.settings.login_attempts,
            Duration::from_secs(15 * 60),
        )
        .await
    {
        state.metrics.rate_limited_login.inc();
        return Err(ApiError::RateLimited { retry_after });
    }
    struct Row {
        id: Uuid,
        password_hash: String,
    }
    hctl_core::from_row!(Row { id, password_hash });
    let sql = "SELECT id, password_hash FROM users WHERE email = $1";
    let row: Option<Row> = hctl_core::on_pool!(&state.db, pool => sqlx::query_as(sql)
        .bind(&email)
        .fetch_optional(pool)
        .await)?;
    let (id, hash) = match row {
        Some(r) => (Some(r.id), Some(r.password_hash)),
        None => (None, None),
    };
    let ok = state.hashers.verify_password(body.password, hash).await?;
    let (actor, action) = match (ok, id) {
        (true, Some(id)) => (audit::subject(id), "auth.login"),
        _ => ("anonymous".to_string(), "auth.login.failed"),
    };
    let target = id.map_or_else(|| audit::email_subject(&state.keys, &email), audit::subject);
    audit::record(
        &state.db,
        Event {
            actor: &actor,
            action,
            target: &target,
            ip: client_ip.clone(),
            detail: serde_json::json!({}),
        },
    )
    .await?;
    let Some(id) = id.filter(|_| ok) else {
        return Err(ApiError::Unauthorized("invalid email or password"));
    };
    let (token, _) = state.keys.issue(id)?;
    let user = load_user(&state, id).await?;
    Ok(Json(token_response(&state, token, user)))
}

/// Revoke the presented token.
#[utoipa::path(post, path = "/api/auth/logout", tag = "auth", security(("bearer" = [])), responses((status = 204)))]
async fn logout(State(state): State<AppState>, user: AuthUser) -> ApiResult<StatusCode> {
    let expires = DateTime::<Utc>::from_timestamp(user.exp, 0).unwrap_or_else(Utc::now);
    let sql = "INSERT INTO revoked_tokens (jti, user_id, expires_at) VALUES ($1, $2, $3) ON CONFLICT (jti) DO NOTHING";
    hctl_core::on_pool!(&state.db, pool => sqlx::query(sql)
        .bind(user.jti)
        .bind(user.id)
        .bind(expires)
        .execute(pool)
        .await
        .map(|r| r.rows_affected()))?;
    state.sessions.forget(user.jti);
    audit::by_user(
        &state.db,
        user.id,
        "auth.logout",
        None,
        serde_json::json!({}),
    )
    .await?;
    Ok(StatusCode::NO_CONTENT)
}

pub async fn load_user(state: &AppState, id: Uuid) -> ApiResult<User> {
    let sql = format!("SELECT {USER_COLUMNS} FROM users WHERE id = $1");
    let user: Option<User> = hctl_core::on_pool!(&state.db, pool => sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(id)
        .fetch_optional(pool)
        .await)?;
    user.ok_or(ApiError::Unauthorized("invalid or expired token"))
}

#[utoipa::path(get, path = "/api/me", tag = "auth", security(("bearer" = [])), responses((status = 200, body = User)))]
async fn me(State(state): State<AppState>, user: AuthUser) -> ApiResult<Json<User>> {
    Ok(Json(load_user(&state, user.id).await?))
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct UpdateMe {
    #[schema(value_type = Option<String>)]
    display_name: Option<Text>,
    leaderboard_opt_in: Option<bool>,
}

#[utoipa::path(patch, path = "/api/me", tag = "auth", security(("bearer" = [])), request_body = UpdateMe, responses((status = 200, body = User)))]
async fn update_me(
    State(state): State<AppState>,
    user: AuthUser,
    Json(body): Json<UpdateMe>,
) -> ApiResult<Json<User>> {
    check_display_name(&body.display_name)?;
    let sql = "UPDATE users SET display_name = COALESCE($2, display_name), leaderboard_opt_in = COALESCE($3, leaderboard_opt_in) WHERE id = $1";
    hctl_core::on_pool!(&state.db, pool => sqlx::query(sql)
        .bind(user.id)
        .bind(body.display_name.as_deref().map(str::trim))
        .bind(body.leaderboard_opt_in)
        .execute(pool)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(Json(load_user(&state, user.id).await?))
}

/// Millisecond precision: what both backends store and compare exactly.
pub fn trunc(t: DateTime<Utc>) -> DateTime<Utc> {
    DateTime::from_timestamp_millis(t.timestamp_millis()).unwrap_or(t)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn session_cache_expires_and_forgets() {
        let cache = SessionCache::new(Duration::from_millis(50));
        let (jti, other, user) = (Uuid::new_v4(), Uuid::new_v4(), Uuid::new_v4());
        cache.remember(jti, user);
        cache.remember(other, user);
        assert!(cache.is_live(jti));
        cache.forget(jti);
        assert!(!cache.is_live(jti));
        cache.forget_user(user);
        assert!(!cache.is_live(other));
        cache.remember(jti, user);
        std::thread::sleep(Duration::from_millis(60));
        assert!(!cache.is_live(jti), "entries expire after the TTL");
        let off = SessionCache::new(Duration::ZERO);
        off.remember(jti, user);
        assert!(!off.is_live(jti));
    }

    #[test]
    fn emails_are_normalised_and_checked() {
        assert_eq!(
            normalize_email("  Ada@Example.COM ").unwrap(),
            "ada@example.com"
        );
        for bad in [
            "",
            "ada",
            "@example.com",
            "ada@example",
            "a b@example.com",
            "a@b@c.com",
            "ada@.com",
        ] {
            assert!(normalize_email(bad).is_err(), "{bad:?}");
        }
    }
}
