//! Health entries: create, list (filters + cursor pagination), read, replace,
//! delete. Every query carries `user_id = $caller`, so another user's entry
//! is indistinguishable from a missing one (404).

use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::get;
use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::AppState;
use super::auth::{AuthUser, trunc};
use super::error::{ApiError, ApiResult, Json, Path, Query};
use super::input::{Instant, Text};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/entries", get(list).post(create))
        .route("/api/entries/{id}", get(read).put(replace).delete(remove))
}

/// Kinds of entry and the values each accepts (inclusive).
pub const KINDS: &[(&str, f64, f64)] = &[
    ("steps", 0.0, 100_000.0),
    ("heart_rate", 20.0, 250.0),
    ("sleep_minutes", 0.0, 1440.0),
    ("weight_kg", 1.0, 500.0),
    ("water_ml", 0.0, 10_000.0),
    ("mood", 1.0, 10.0),
];

pub const MAX_LIMIT: i64 = 100;

/// One entry as the API shows it.
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Entry {
    pub id: Uuid,
    pub kind: String,
    pub value: f64,
    pub recorded_at: DateTime<Utc>,
    pub note: Option<String>,
    pub created_at: DateTime<Utc>,
}
hctl_core::from_row!(Entry {
    id,
    kind,
    value,
    recorded_at,
    note,
    created_at
});

pub const ENTRY_COLUMNS: &str = "id, kind, value, recorded_at, note, created_at";

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct EntryBody {
    kind: String,
    value: f64,
    #[schema(value_type = String, format = DateTime)]
    recorded_at: Instant,
    #[schema(value_type = Option<String>)]
    note: Option<Text>,
}

/// A validated entry body.
struct NewEntry {
    kind: String,
    value: f64,
    recorded_at: DateTime<Utc>,
    note: Option<String>,
}

fn check_kind(kind: &str) -> ApiResult<(f64, f64)> {
    KINDS
        .iter()
        .find(|(k, _, _)| *k == kind)
        .map(|(_, lo, hi)| (*lo, *hi))
        .ok_or_else(|| {
            let known: Vec<&str> = KINDS.iter().map(|k| k.0).collect();
            ApiError::invalid(
                "kind",
                format!("unknown kind, expected one of {}", known.join(", ")),
            )
        })
}

impl EntryBody {
    fn validate(self) -> ApiResult<NewEntry> {
        let (lo, hi) = check_kind(&self.kind)?;
        if !self.value.is_finite() || self.value < lo || self.value > hi {
            return Err(ApiError::invalid(
                "value",
                format!("{} must be between {lo} and {hi}", self.kind),
            ));
        }
        let recorded_at = self.recorded_at.get();
        if recorded_at > Utc::now() + Duration::minutes(5) {
            return Err(ApiError::invalid("recordedAt", "must not be in the future"));
        }
        if let Some(note) = &self.note
            && note.chars().count() > 500
        {
            return Err(ApiError::invalid("note", "must be at most 500 characters"));
        }
        Ok(NewEntry {
            kind: self.kind,
            value: self.value,
            recorded_at: trunc(recorded_at),
            note: self.note.map(Text::into_string),
        })
    }
}

#[utoipa::path(post, path = "/api/entries", tag = "entries", security(("bearer" = [])), request_body = EntryBody, responses((status = 201, body = Entry)))]
async fn create(
    State(state): State<AppState>,
    user: AuthUser,
    Json(body): Json<EntryBody>,
) -> ApiResult<(StatusCode, Json<Entry>)> {
    let new = body.validate()?;
    let entry = Entry {
        id: Uuid::now_v7(),
        kind: new.kind,
        value: new.value,
        recorded_at: new.recorded_at,
        note: new.note,
        created_at: trunc(Utc::now()),
    };
    let sql = "INSERT INTO entries (id, user_id, kind, value, recorded_at, note, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)";
    hctl_core::on_pool!(&state.db, pool => sqlx::query(sql)
        .bind(entry.id)
        .bind(user.id)
        .bind(&entry.kind)
        .bind(entry.value)
        .bind(entry.recorded_at)
        .bind(entry.note.as_deref())
        .bind(entry.created_at)
        .execute(pool)
        .await
        .map(|r| r.rows_affected()))?;
    Ok((StatusCode::CREATED, Json(entry)))
}

#[derive(Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
struct ListQuery {
    kind: Option<String>,
    #[param(value_type = Option<String>, format = DateTime)]
    from: Option<Instant>,
    #[param(value_type = Option<String>, format = DateTime)]
    to: Option<Instant>,
    limit: Option<i64>,
    #[param(value_type = Option<String>)]
    cursor: Option<Cursor>,
}

#[derive(Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
struct Page {
    items: Vec<Entry>,
    /// Pass as `cursor` for the next page; absent on the last page.
    next_cursor: Option<String>,
}

/// Cursor: `<recorded_at millis>_<id>` of the last entry of a page.
fn encode_cursor(entry: &Entry) -> String {
    format!(
        "{}_{}",
        entry.recorded_at.timestamp_millis(),
        entry.id.simple()
    )
}

/// A decoded cursor: only what [`encode_cursor`] can produce is accepted (an
/// instant in the range of [`Instant`] and an id).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Cursor {
    at: DateTime<Utc>,
    id: Uuid,
}

impl Cursor {
    fn parse(text: &str) -> Option<Cursor> {
        let (millis, id) = text.split_once('_')?;
        let at = Instant::from_millis(millis.parse().ok()?).ok()?.get();
        Some(Cursor {
            at,
            id: Uuid::parse_str(id).ok()?,
        })
    }
}

impl<'de> Deserialize<'de> for Cursor {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        Cursor::parse(&text)
            .ok_or_else(|| serde::de::Error::custom("not a cursor returned by this API"))
    }
}

/// Newest first. Filters: `kind`, `from` (inclusive), `to` (exclusive).
#[utoipa::path(get, path = "/api/entries", tag = "entries", security(("bearer" = [])), params(ListQuery), responses((status = 200, body = Page)))]
async fn list(
    State(state): State<AppState>,
    user: AuthUser,
    Query(query): Query<ListQuery>,
) -> ApiResult<Json<Page>> {
    let limit = query.limit.unwrap_or(20);
    if !(1..=MAX_LIMIT).contains(&limit) {
        return Err(ApiError::invalid(
            "limit",
            format!("must be between 1 and {MAX_LIMIT}"),
        ));
    }
    if let Some(kind) = &query.kind {
        check_kind(kind)?;
    }
    let mut sql = format!("SELECT {ENTRY_COLUMNS} FROM entries WHERE user_id = $1");
    // Fixed parameter positions; absent filters are bound as NULL and skipped.
    sql.push_str(" AND ($2 IS NULL OR kind = $2)");
    sql.push_str(" AND ($3 IS NULL OR recorded_at >= $3)");
    sql.push_str(" AND ($4 IS NULL OR recorded_at < $4)");
    sql.push_str(" AND ($5 IS NULL OR recorded_at < $5 OR (recorded_at = $5 AND id < $6))");
    sql.push_str(" ORDER BY recorded_at DESC, id DESC LIMIT $7");
    let (c_at, c_id) = match query.cursor {
        Some(c) => (Some(c.at), Some(c.id)),
        None => (None, None),
    };
    let from = query.from.map(|at| trunc(at.get()));
    let to = query.to.map(|at| trunc(at.get()));
    let mut items: Vec<Entry> = hctl_core::on_pool!(&state.db, pool => sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(user.id)
        .bind(query.kind.as_deref())
        .bind(from)
        .bind(to)
        .bind(c_at)
        .bind(c_id)
        .bind(limit + 1)
        .fetch_all(pool)
        .await)?;
    let next_cursor = if items.len() as i64 > limit {
        items.truncate(limit as usize);
        items.last().map(encode_cursor)
    } else {
        None
    };
    Ok(Json(Page { items, next_cursor }))
}

#[utoipa::path(get, path = "/api/entries/{id}", tag = "entries", security(("bearer" = [])), params(("id" = Uuid, Path)), responses((status = 200, body = Entry)))]
async fn read(
    State(state): State<AppState>,
    user: AuthUser,
    Path(id): Path<Uuid>,
) -> ApiResult<Json<Entry>> {
    let sql = format!("SELECT {ENTRY_COLUMNS} FROM entries WHERE id = $1 AND user_id = $2");
    let entry: Option<Entry> = hctl_core::on_pool!(&state.db, pool => sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(id)
        .bind(user.id)
        .fetch_optional(pool)
        .await)?;
    entry.map(Json).ok_or(ApiError::NotFound("entry"))
}

#[utoipa::path(put, path = "/api/entries/{id}", tag = "entries", security(("bearer" = [])), params(("id" = Uuid, Path)), request_body = EntryBody, responses((status = 200, body = Entry)))]
async fn replace(
    State(state): State<AppState>,
    user: AuthUser,
    Path(id): Path<Uuid>,
    Json(body): Json<EntryBody>,
) -> ApiResult<Json<Entry>> {
    let new = body.validate()?;
    let sql = "UPDATE entries SET kind = $3, value = $4, recorded_at = $5, note = $6 WHERE id = $1 AND user_id = $2";
    let changed = hctl_core::on_pool!(&state.db, pool => sqlx::query(sql)
        .bind(id)
        .bind(user.id)
        .bind(&new.kind)
        .bind(new.value)
        .bind(new.recorded_at)
        .bind(new.note.as_deref())
        .execute(pool)
        .await
        .map(|r| r.rows_affected()))?;
    if changed == 0 {
        return Err(ApiError::NotFound("entry"));
    }
    read(State(state), user, Path(id)).await
}

#[utoipa::path(delete, path = "/api/entries/{id}", tag = "entries", security(("bearer" = [])), params(("id" = Uuid, Path)), responses((status = 204)))]
async fn remove(
    State(state): State<AppState>,
    user: AuthUser,
    Path(id): Path<Uuid>,
) -> ApiResult<StatusCode> {
    let sql = "DELETE FROM entries WHERE id = $1 AND user_id = $2";
    let deleted = hctl_core::on_pool!(&state.db, pool => sqlx::query(sql)
        .bind(id)
        .bind(user.id)
        .execute(pool)
        .await
        .map(|r| r.rows_affected()))?;
    if deleted == 0 {
        return Err(ApiError::NotFound("entry"));
    }
    Ok(StatusCode::NO_CONTENT)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursor_round_trips_and_rejects_garbage() {
        let entry = Entry {
            id: Uuid::now_v7(),
            kind: "steps".into(),
            value: 1.0,
            recorded_at: trunc(Utc::now()),
            note: None,
            created_at: Utc::now(),
        };
        let cursor = Cursor::parse(&encode_cursor(&entry)).unwrap();
        assert_eq!((cursor.at, cursor.id), (entry.recorded_at, entry.id));
        let id = entry.id.simple();
        for bad in [
            "".to_string(),
            "x".into(),
            "1_x".into(),
            "99999999999999999999_0".into(),
            "_".into(),
            format!("-377705116800000_{id}"),
            format!("-1_{id}"),
            format!("253370764800000_{id}"),
        ] {
            assert!(Cursor::parse(&bad).is_none(), "{bad}");
        }
    }
}
