//! Feature flags: the admin API (`/api/feature-flags`, bearer `ADMIN_TOKEN`
//! compared in constant time), evaluation for the caller (`/api/me/features`)
//! and the sticky percentage rollout, compatible with Unleash's flexible
//! rollout: bucket = murmur3_32("{flag}:{userId}", seed 0) % 100 + 1, on when
//! the flag is enabled, rollout > 0 and bucket <= rollout.
//!
//! State lives in the database; each replica caches it for at most
//! `flag_cache_ttl`, so a change reaches every replica within that bound (and
//! the replica that took the change at once).

use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Instant;

use axum::Router;
use axum::extract::{FromRequestParts, State};
use axum::http::header;
use axum::http::request::Parts;
use axum::routing::get;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;
use tokio::sync::RwLock;
use uuid::Uuid;

use super::AppState;
use super::audit::{self, Event};
use super::auth::AuthUser;
use super::error::{ApiError, ApiResult, Json, Path};
use super::ratelimit::ClientIp;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/feature-flags", get(list))
        .route("/api/feature-flags/{name}", get(read).put(update))
        .route("/api/me/features", get(my_features))
}

/// One flag.
#[derive(Debug, Clone, Serialize, sqlx::FromRow, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Flag {
    pub name: String,
    pub enabled: bool,
    pub rollout_percentage: i32,
    pub description: String,
    pub updated_at: DateTime<Utc>,
}

impl Flag {
    /// Whether the flag is on for `user` (sticky per user and flag).
    pub fn is_on_for(&self, user: Uuid) -> bool {
        let rollout = self.rollout_percentage.clamp(0, 100) as u32;
        self.enabled && rollout > 0 && bucket(&self.name, &user.to_string()) <= rollout
    }
}

/// The user's bucket for a flag, 1..=100.
pub fn bucket(flag: &str, user_id: &str) -> u32 {
    murmur3_32(format!("{flag}:{user_id}").as_bytes(), 0) % 100 + 1
}

/// MurmurHash3 x86 32-bit.
pub fn murmur3_32(data: &[u8], seed: u32) -> u32 {
    const C1: u32 = 0xcc9e_2d51;
    const C2: u32 = 0x1b87_3593;
    let mut h = seed;
    let mut chunks = data.chunks_exact(4);
    for chunk in &mut chunks {
        let mut k = u32::from_le_bytes([chunk[0], chunk[1], chunk[2], chunk[3]]);
        k = k.wrapping_mul(C1).rotate_left(15).wrapping_mul(C2);
        h ^= k;
        h = h.rotate_left(13).wrapping_mul(5).wrapping_add(0xe654_6b64);
    }
    let tail = chunks.remainder();
    if !tail.is_empty() {
        let mut k = 0u32;
        for (i, byte) in tail.iter().enumerate() {
            k |= u32::from(*byte) << (8 * i);
        }
        k = k.wrapping_mul(C1).rotate_left(15).wrapping_mul(C2);
        h ^= k;
    }
    h ^= data.len() as u32;
    h ^= h >> 16;
    h = h.wrapping_mul(0x85eb_ca6b);
    h ^= h >> 13;
    h = h.wrapping_mul(0xc2b2_ae35);
    h ^= h >> 16;
    h
}

/// The per-replica cache of all flags.
#[derive(Default)]
pub struct FlagCache {
    inner: RwLock<Option<(Instant, Arc<Vec<Flag>>)>>,
}

impl FlagCache {
    pub async fn invalidate(&self) {
        *self.inner.write().await = None;
    }
}

const FLAG_COLUMNS: &str = "name, enabled, rollout_percentage, description, updated_at";

/// Every flag, from the cache when fresh.
pub async fn all(state: &AppState) -> ApiResult<Arc<Vec<Flag>>> {
    if let Some((at, flags)) = state.flags.inner.read().await.as_ref()
        && at.elapsed() < state.settings.flag_cache_ttl
    {
        state
            .metrics
            .flag_cache_hits
            .fetch_add(1, Ordering::Relaxed);
        return Ok(flags.clone());
    }
    state
        .metrics
        .flag_cache_misses
        .fetch_add(1, Ordering::Relaxed);
    let sql = format!("SELECT {FLAG_COLUMNS} FROM feature_flags ORDER BY name");
    let flags: Vec<Flag> = crate::on_pool!(&state.db, pool => sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .fetch_all(pool)
        .await)?;
    let flags = Arc::new(flags);
    *state.flags.inner.write().await = Some((Instant::now(), flags.clone()));
    Ok(flags)
}

/// Whether `name` is on for `user`.
pub async fn is_on(state: &AppState, name: &str, user: Uuid) -> ApiResult<bool> {
    Ok(all(state)
        .await?
        .iter()
        .any(|f| f.name == name && f.is_on_for(user)))
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

#[utoipa::path(get, path = "/api/feature-flags", operation_id = "admin_list_flags", tag = "feature-flags", security(("admin" = [])), responses((status = 200, body = Vec<Flag>)))]
async fn list(State(state): State<AppState>, _: Admin) -> ApiResult<Json<Vec<Flag>>> {
    state.flags.invalidate().await;
    Ok(Json(all(&state).await?.as_ref().clone()))
}

fn check_name(name: &str) -> ApiResult<()> {
    let ok = !name.is_empty()
        && name.len() <= 64
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_' || b == b'-');
    if ok {
        Ok(())
    } else {
        Err(ApiError::invalid("name", "1 to 64 of a-z, 0-9, `_`, `-`"))
    }
}

async fn load(state: &AppState, name: &str) -> ApiResult<Option<Flag>> {
    let sql = format!("SELECT {FLAG_COLUMNS} FROM feature_flags WHERE name = $1");
    Ok(
        crate::on_pool!(&state.db, pool => sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(name)
        .fetch_optional(pool)
        .await)?,
    )
}

#[utoipa::path(get, path = "/api/feature-flags/{name}", operation_id = "admin_get_flag", tag = "feature-flags", security(("admin" = [])), params(("name" = String, Path)), responses((status = 200, body = Flag)))]
async fn read(
    State(state): State<AppState>,
    _: Admin,
    Path(name): Path<String>,
) -> ApiResult<Json<Flag>> {
    check_name(&name)?;
    load(&state, &name)
        .await?
        .map(Json)
        .ok_or(ApiError::NotFound("feature flag"))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct FlagBody {
    enabled: Option<bool>,
    rollout_percentage: Option<i64>,
    description: Option<String>,
}

/// Create or change a flag; fields left out keep their value.
#[utoipa::path(put, path = "/api/feature-flags/{name}", operation_id = "admin_put_flag", tag = "feature-flags", security(("admin" = [])), params(("name" = String, Path)), request_body = FlagBody, responses((status = 200, body = Flag)))]
async fn update(
    State(state): State<AppState>,
    _: Admin,
    ClientIp(client_ip): ClientIp,
    Path(name): Path<String>,
    Json(body): Json<FlagBody>,
) -> ApiResult<Json<Flag>> {
    check_name(&name)?;
    if body.enabled.is_none() && body.rollout_percentage.is_none() && body.description.is_none() {
        return Err(ApiError::invalid(
            "enabled",
            "give `enabled`, `rolloutPercentage` or `description`",
        ));
    }
    if let Some(p) = body.rollout_percentage
        && !(0..=100).contains(&p)
    {
        return Err(ApiError::invalid(
            "rolloutPercentage",
            "must be between 0 and 100",
        ));
    }
    if let Some(d) = &body.description
        && d.chars().count() > 200
    {
        return Err(ApiError::invalid(
            "description",
            "must be at most 200 characters",
        ));
    }
    let before = load(&state, &name).await?;
    let after = Flag {
        name: name.clone(),
        enabled: body
            .enabled
            .or(before.as_ref().map(|f| f.enabled))
            .unwrap_or(false),
        rollout_percentage: body
            .rollout_percentage
            .map(|p| p as i32)
            .or(before.as_ref().map(|f| f.rollout_percentage))
            .unwrap_or(if body.enabled == Some(true) { 100 } else { 0 }),
        description: body
            .description
            .or(before.as_ref().map(|f| f.description.clone()))
            .unwrap_or_default(),
        updated_at: super::auth::trunc(Utc::now()),
    };
    let sql = "INSERT INTO feature_flags (name, enabled, rollout_percentage, description, updated_at) VALUES ($1, $2, $3, $4, $5)
        ON CONFLICT (name) DO UPDATE SET enabled = excluded.enabled, rollout_percentage = excluded.rollout_percentage,
        description = excluded.description, updated_at = excluded.updated_at";
    crate::on_pool!(&state.db, pool => sqlx::query(sql)
        .bind(&after.name)
        .bind(after.enabled)
        .bind(after.rollout_percentage)
        .bind(&after.description)
        .bind(after.updated_at)
        .execute(pool)
        .await
        .map(|r| r.rows_affected()))?;
    state.flags.invalidate().await;
    audit::record(
        &state.db,
        Event {
            actor: "admin",
            action: "flag.update",
            target: &name,
            ip: client_ip,
            detail: serde_json::json!({ "before": before, "after": after }),
        },
    )
    .await?;
    Ok(Json(after))
}

#[derive(Serialize, utoipa::ToSchema)]
struct Features {
    features: BTreeMap<String, bool>,
}

#[utoipa::path(get, path = "/api/me/features", tag = "feature-flags", security(("bearer" = [])), responses((status = 200, body = Features)))]
async fn my_features(State(state): State<AppState>, user: AuthUser) -> ApiResult<Json<Features>> {
    let features = all(&state)
        .await?
        .iter()
        .map(|f| (f.name.clone(), f.is_on_for(user.id)))
        .collect();
    Ok(Json(Features { features }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn murmur3_known_vectors() {
        assert_eq!(murmur3_32(b"", 0), 0);
        assert_eq!(murmur3_32(b"", 1), 0x514e_28b7);
        assert_eq!(murmur3_32(b"hello", 0), 0x248b_fa47);
        assert_eq!(murmur3_32(b"Hello, world!", 1234), 0xfaf6_cdb3);
        assert_eq!(
            murmur3_32(b"The quick brown fox jumps over the lazy dog", 0),
            0x2e4f_f723
        );
        assert_eq!(murmur3_32(b"abc", 0), 0xb3dd_93fa);
    }

    #[test]
    fn buckets_are_sticky_and_monotonic_in_rollout() {
        let user = Uuid::new_v4();
        let b = bucket("leaderboard", &user.to_string());
        assert!((1..=100).contains(&b));
        assert_eq!(b, bucket("leaderboard", &user.to_string()));
        let mut flag = Flag {
            name: "leaderboard".into(),
            enabled: true,
            rollout_percentage: 0,
            description: String::new(),
            updated_at: Utc::now(),
        };
        let mut was_on = false;
        for pct in 0..=100 {
            flag.rollout_percentage = pct;
            let on = flag.is_on_for(user);
            assert!(!was_on || on, "a user stays in once ramped in");
            assert_eq!(on, pct > 0 && b <= pct as u32);
            was_on = on;
        }
        assert!(was_on);
        flag.enabled = false;
        assert!(!flag.is_on_for(user));
    }

    #[test]
    fn rollout_spreads_users() {
        let on = (0..2000)
            .filter(|i| bucket("leaderboard", &format!("user-{i}")) <= 25)
            .count();
        assert!((400..600).contains(&on), "{on} of 2000 in a 25% rollout");
    }
}
