//! `GET /api/leaderboard`: this ISO week's steps of users who opted in
//! (`PATCH /api/me {"leaderboardOptIn": true}`), served only while the
//! `leaderboard` flag is on for the caller (404 otherwise, as if absent).

use axum::Router;
use axum::extract::State;
use axum::routing::get;
use chrono::{DateTime, Datelike, Duration, Utc};
use serde::Serialize;
use uuid::Uuid;

use super::AppState;
use super::auth::AuthUser;
use super::error::{ApiError, ApiResult, Json};
use super::flags;

pub fn router() -> Router<AppState> {
    Router::new().route("/api/leaderboard", get(leaderboard))
}

pub const FLAG: &str = "leaderboard";
const TOP: i64 = 10;

struct Row {
    id: Uuid,
    display_name: Option<String>,
    steps: f64,
}
hctl_core::from_row!(Row {
    id,
    display_name,
    steps
});

#[derive(Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
struct Place {
    rank: usize,
    display_name: String,
    steps: f64,
    is_you: bool,
}

#[derive(Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
struct Board {
    week_start: DateTime<Utc>,
    entries: Vec<Place>,
}

/// Monday 00:00 UTC of the current ISO week.
fn week_start(now: DateTime<Utc>) -> DateTime<Utc> {
    let days = i64::from(now.weekday().num_days_from_monday());
    let day = now.date_naive() - Duration::days(days);
    day.and_hms_opt(0, 0, 0).unwrap_or_default().and_utc()
}

#[utoipa::path(get, path = "/api/leaderboard", tag = "health-data", security(("bearer" = [])), responses((status = 200, body = Board)))]
async fn leaderboard(State(state): State<AppState>, user: AuthUser) -> ApiResult<Json<Board>> {
    if !flags::is_on(&state, FLAG, user.id).await? {
        return Err(ApiError::NotFound("leaderboard"));
    }
    let start = week_start(Utc::now());
    let sql = "SELECT u.id, u.display_name, SUM(e.value) AS steps FROM entries e JOIN users u ON u.id = e.user_id
        WHERE u.leaderboard_opt_in = TRUE AND e.kind = 'steps' AND e.recorded_at >= $1
        GROUP BY u.id, u.display_name ORDER BY steps DESC, u.id LIMIT $2";
    let rows: Vec<Row> = hctl_core::on_pool!(&state.db, pool => sqlx::query_as(sql)
        .bind(start)
        .bind(TOP)
        .fetch_all(pool)
        .await)?;
    let entries = rows
        .into_iter()
        .enumerate()
        .map(|(i, r)| Place {
            rank: i + 1,
            display_name: r.display_name.unwrap_or_else(|| "anonymous".into()),
            steps: r.steps,
            is_you: r.id == user.id,
        })
        .collect();
    Ok(Json(Board {
        week_start: start,
        entries,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weeks_start_on_monday() {
        let sunday = DateTime::parse_from_rfc3339("2026-03-08T23:00:00Z")
            .unwrap()
            .to_utc();
        assert_eq!(week_start(sunday).to_rfc3339(), "2026-03-02T00:00:00+00:00");
        let monday = DateTime::parse_from_rfc3339("2026-03-09T00:00:00Z")
            .unwrap()
            .to_utc();
        assert_eq!(week_start(monday), monday);
    }
}
