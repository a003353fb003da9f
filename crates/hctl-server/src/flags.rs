//! Feature flags: the model, the sticky percentage rollout, the per-replica
//! cache and the caller's evaluated flags (`/api/me/features`). The admin API
//! that creates, changes and deletes flags is [`admin`]; a flag's audit
//! history and notes are [`history`].
//!
//! The rollout is Unleash's `flexibleRollout` with `userId` stickiness, so a
//! flag evaluates here exactly as an Unleash SDK would evaluate it: the user's
//! bucket is `murmur3_x86_32("{groupId}:{userId}", seed 0) % 100 + 1` (Unleash's
//! `normalizedValue`), and the flag is on when it is enabled, the rollout is
//! above 0 and the bucket is at most the rollout. `groupId` defaults to the flag
//! name; flags sharing a group id and a rollout are on for the same users.
//!
//! State lives in the database; each replica caches it for at most
//! `flag_cache_ttl`, so a change reaches every replica within that bound (and
//! the replica that took the change at once).

pub(super) mod admin;
pub(super) mod history;

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Instant;

use axum::Router;
use axum::extract::State;
use axum::routing::get;
use chrono::{DateTime, Utc};
use serde::Serialize;
use tokio::sync::RwLock;
use uuid::Uuid;

use super::AppState;
use super::auth::AuthUser;
use super::error::{ApiResult, Json};

pub fn router() -> Router<AppState> {
    admin::router()
        .merge(history::router())
        .route("/api/me/features", get(my_features))
}

/// One flag.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Flag {
    pub name: String,
    pub enabled: bool,
    pub rollout_percentage: i32,
    /// Unleash's `groupId`: hashed with the user id to pick the user's bucket;
    /// the flag name unless set.
    pub group_id: String,
    pub description: String,
    pub updated_at: DateTime<Utc>,
}
hctl_core::from_row!(Flag {
    name,
    enabled,
    rollout_percentage,
    group_id,
    description,
    updated_at
});

impl Flag {
    /// Whether the flag is on for `user` (sticky per user and group id).
    pub fn is_on_for(&self, user: Uuid) -> bool {
        self.is_on_for_user_id(&user.to_string())
    }

    /// Whether the flag is on for the Unleash context `userId` `user_id`.
    pub fn is_on_for_user_id(&self, user_id: &str) -> bool {
        let rollout = self.rollout_percentage.clamp(0, 100) as u32;
        self.enabled && rollout > 0 && bucket(&self.group_id, user_id) <= rollout
    }
}

/// The user's bucket, 1..=100: Unleash's `normalizedValue(userId, groupId)`.
pub fn bucket(group_id: &str, user_id: &str) -> u32 {
    murmur3_x86_32(format!("{group_id}:{user_id}").as_bytes(), 0) % 100 + 1
}

/// MurmurHash3 x86 32-bit, as Unleash's SDKs hash (the `murmur3` crate is
/// the one Unleash's own Rust engine uses).
fn murmur3_x86_32(data: &[u8], seed: u32) -> u32 {
    let mut source = data;
    match murmur3::murmur3_32(&mut source, seed) {
        Ok(hash) => hash,
        // Reading from a byte slice never fails.
        Err(err) => unreachable!("reading a byte slice failed: {err}"),
    }
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

/// The columns of [`Flag`]. A row written by an older replica (during a
/// rolling upgrade) has no group id: it is the flag name.
const FLAG_COLUMNS: &str = "name, enabled, rollout_percentage, COALESCE(group_id, name) AS group_id, description, updated_at";

/// Every flag, from the cache when fresh.
pub async fn all(state: &AppState) -> ApiResult<Arc<Vec<Flag>>> {
    if let Some((at, flags)) = state.flags.inner.read().await.as_ref()
        && at.elapsed() < state.settings.flag_cache_ttl
    {
        state.metrics.flag_cache_hits.inc();
        return Ok(flags.clone());
    }
    state.metrics.flag_cache_misses.inc();
    let sql = format!("SELECT {FLAG_COLUMNS} FROM feature_flags ORDER BY name");
    let flags: Vec<Flag> = hctl_core::on_pool!(&state.db, pool => sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .fetch_all(pool)
        .await)?;
    let flags = Arc::new(flags);
    *state.flags.inner.write().await = Some((Instant::now(), flags.clone()));
    Ok(flags)
}

/// One flag, straight from the database.
async fn load(state: &AppState, name: &str) -> ApiResult<Option<Flag>> {
    let sql = format!("SELECT {FLAG_COLUMNS} FROM feature_flags WHERE name = $1");
    Ok(
        hctl_core::on_pool!(&state.db, pool => sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(name)
        .fetch_optional(pool)
        .await)?,
    )
}

/// Whether `name` is on for `user`.
pub async fn is_on(state: &AppState, name: &str, user: Uuid) -> ApiResult<bool> {
    Ok(all(state)
        .await?
        .iter()
        .any(|f| f.name == name && f.is_on_for(user)))
}

#[derive(Serialize, utoipa::ToSchema)]
pub(super) struct Features {
    features: BTreeMap<String, bool>,
}

#[utoipa::path(get, path = "/api/me/features", tag = "feature-flags", security(("bearer" = [])), responses((status = 200, body = Features)))]
pub(super) async fn my_features(
    State(state): State<AppState>,
    user: AuthUser,
) -> ApiResult<Json<Features>> {
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
        assert_eq!(murmur3_x86_32(b"", 0), 0);
        assert_eq!(murmur3_x86_32(b"", 1), 0x514e_28b7);
        assert_eq!(murmur3_x86_32(b"hello", 0), 0x248b_fa47);
        assert_eq!(murmur3_x86_32(b"Hello, world!", 1234), 0xfaf6_cdb3);
        assert_eq!(
            murmur3_x86_32(b"The quick brown fox jumps over the lazy dog", 0),
            0x2e4f_f723
        );
        assert_eq!(murmur3_x86_32(b"abc", 0), 0xb3dd_93fa);
        // Four-byte blocks plus each tail length.
        assert_eq!(murmur3_x86_32(b"abcd", 0), 0x43ed_676a);
        assert_eq!(murmur3_x86_32(b"abcde", 0), 0xe89b_9af6);
    }

    fn flag(rollout: i32, group_id: &str) -> Flag {
        Flag {
            name: "leaderboard".into(),
            enabled: true,
            rollout_percentage: rollout,
            group_id: group_id.into(),
            description: String::new(),
            updated_at: Utc::now(),
        }
    }

    #[test]
    fn buckets_are_sticky_and_monotonic_in_rollout() {
        let user = Uuid::new_v4();
        let b = bucket("leaderboard", &user.to_string());
        assert!((1..=100).contains(&b));
        assert_eq!(b, bucket("leaderboard", &user.to_string()));
        let mut flag = flag(0, "leaderboard");
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
    fn the_group_id_not_the_name_picks_the_bucket() {
        let moved = (0..200)
            .map(|i| format!("user-{i}"))
            .filter(|u| {
                flag(50, "leaderboard").is_on_for_user_id(u)
                    != flag(50, "other").is_on_for_user_id(u)
            })
            .count();
        assert!(moved > 20, "{moved} of 200 users moved with the group id");
        let mut renamed = flag(50, "leaderboard");
        renamed.name = "leaderboard-v2".into();
        for i in 0..200 {
            let u = format!("user-{i}");
            assert_eq!(
                renamed.is_on_for_user_id(&u),
                flag(50, "leaderboard").is_on_for_user_id(&u)
            );
        }
    }

    #[test]
    fn rollout_spreads_users() {
        let on = (0..2000)
            .filter(|i| bucket("leaderboard", &format!("user-{i}")) <= 25)
            .count();
        assert!((400..600).contains(&on), "{on} of 2000 in a 25% rollout");
    }
}
