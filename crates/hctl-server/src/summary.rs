//! `GET /api/summary`: daily aggregates per kind in the caller's time zone
//! (IANA name, e.g. `Europe/Berlin`; DST-correct day boundaries). Also the
//! day-bucketing the insights build on.

use std::collections::BTreeMap;

use axum::Router;
use axum::extract::State;
use axum::routing::get;
use chrono::{DateTime, Utc};
use jiff::civil::Date;
use jiff::tz::TimeZone;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::AppState;
use super::auth::AuthUser;
use super::error::{ApiError, ApiResult, Json, Query};
use super::input;

pub fn router() -> Router<AppState> {
    Router::new().route("/api/summary", get(summary))
}

/// Longest range one summary covers.
pub const MAX_DAYS: i64 = 366;

/// A time zone by IANA name (`UTC` by default).
pub fn zone(name: Option<&str>) -> ApiResult<TimeZone> {
    match name {
        None => Ok(TimeZone::UTC),
        Some(name) => TimeZone::get(name).map_err(|_| {
            ApiError::invalid(
                "tz",
                format!("unknown time zone `{name}` (use an IANA name like Europe/Berlin)"),
            )
        }),
    }
}

/// Today in `tz`.
pub fn today(tz: &TimeZone) -> Date {
    jiff::Timestamp::now().to_zoned(tz.clone()).date()
}

/// The UTC instant a local day starts.
pub fn day_start(date: Date, tz: &TimeZone) -> ApiResult<DateTime<Utc>> {
    let start = date
        .to_zoned(tz.clone())
        .and_then(|z| z.start_of_day())
        .map_err(|e| ApiError::invalid("from", e.to_string()))?;
    DateTime::from_timestamp_millis(start.timestamp().as_millisecond())
        .ok_or_else(|| ApiError::invalid("from", "date out of range"))
}

/// The local date of a UTC instant.
pub fn local_date(at: DateTime<Utc>, tz: &TimeZone) -> Date {
    jiff::Timestamp::from_millisecond(at.timestamp_millis())
        .map(|t| t.to_zoned(tz.clone()).date())
        .unwrap_or_default()
}

#[derive(Debug)]
pub struct Point {
    pub kind: String,
    pub value: f64,
    pub recorded_at: DateTime<Utc>,
}
hctl_core::from_row!(Point {
    kind,
    value,
    recorded_at
});

/// The caller's points in `[from, to]` (local days), oldest first.
pub async fn points(
    state: &AppState,
    user: Uuid,
    from: Date,
    to: Date,
    tz: &TimeZone,
) -> ApiResult<Vec<Point>> {
    let start = day_start(from, tz)?;
    let end = day_start(
        to.tomorrow()
            .map_err(|_| ApiError::invalid("to", "date out of range"))?,
        tz,
    )?;
    let sql = "SELECT kind, value, recorded_at FROM entries WHERE user_id = $1 AND recorded_at >= $2 AND recorded_at < $3 ORDER BY recorded_at";
    Ok(hctl_core::on_pool!(&state.db, pool => sqlx::query_as(sql)
        .bind(user)
        .bind(start)
        .bind(end)
        .fetch_all(pool)
        .await)?)
}

/// Aggregates of one kind on one day.
#[derive(Debug, Clone, Serialize, PartialEq, utoipa::ToSchema)]
pub struct Aggregate {
    pub count: u32,
    pub sum: f64,
    pub avg: f64,
    pub min: f64,
    pub max: f64,
}

impl Aggregate {
    fn add(&mut self, v: f64) {
        if self.count == 0 {
            self.min = v;
            self.max = v;
        }
        self.count += 1;
        self.sum += v;
        self.min = self.min.min(v);
        self.max = self.max.max(v);
        self.avg = round2(self.sum / f64::from(self.count));
    }
}

pub fn round2(v: f64) -> f64 {
    (v * 100.0).round() / 100.0
}

/// Local date → kind → aggregate.
pub type Days = BTreeMap<Date, BTreeMap<String, Aggregate>>;

pub fn by_day(points: &[Point], tz: &TimeZone) -> Days {
    let mut days = Days::new();
    for p in points {
        days.entry(local_date(p.recorded_at, tz))
            .or_default()
            .entry(p.kind.clone())
            .or_insert(Aggregate {
                count: 0,
                sum: 0.0,
                avg: 0.0,
                min: 0.0,
                max: 0.0,
            })
            .add(p.value);
    }
    days
}

#[derive(Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
struct SummaryQuery {
    #[param(value_type = Option<String>, format = Date)]
    from: Option<input::Day>,
    #[param(value_type = Option<String>, format = Date)]
    to: Option<input::Day>,
    tz: Option<String>,
}

#[derive(Serialize, utoipa::ToSchema)]
struct Day {
    date: String,
    kinds: BTreeMap<String, Aggregate>,
}

#[derive(Serialize, utoipa::ToSchema)]
struct Summary {
    tz: String,
    from: String,
    to: String,
    days: Vec<Day>,
}

/// Days without entries are left out; `from`/`to` are inclusive local dates
/// (default: the last 7 days including today).
#[utoipa::path(get, path = "/api/summary", tag = "health-data", security(("bearer" = [])), params(SummaryQuery), responses((status = 200, body = Summary)))]
async fn summary(
    State(state): State<AppState>,
    user: AuthUser,
    Query(q): Query<SummaryQuery>,
) -> ApiResult<Json<Summary>> {
    let tz = zone(q.tz.as_deref())?;
    let to = match q.to {
        Some(t) => t.get(),
        None => today(&tz),
    };
    let from = match q.from {
        Some(f) => f.get(),
        None => to
            .checked_sub(jiff::Span::new().days(6))
            .map_err(|_| ApiError::invalid("to", "date out of range"))?,
    };
    let span = from.until(to).map(|s| s.get_days() as i64).unwrap_or(-1);
    if span < 0 {
        return Err(ApiError::invalid("from", "must not be after `to`"));
    }
    if span >= MAX_DAYS {
        return Err(ApiError::invalid(
            "to",
            format!("at most {MAX_DAYS} days per summary"),
        ));
    }
    let points = points(&state, user.id, from, to, &tz).await?;
    let days = by_day(&points, &tz)
        .into_iter()
        .map(|(date, kinds)| Day {
            date: date.to_string(),
            kinds,
        })
        .collect();
    Ok(Json(Summary {
        tz: q.tz.unwrap_or_else(|| "UTC".into()),
        from: from.to_string(),
        to: to.to_string(),
        days,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_follow_the_time_zone() {
        let tz = zone(Some("America/New_York")).unwrap();
        // 02:30 UTC on Jan 2 is still Jan 1 in New York.
        let at = DateTime::parse_from_rfc3339("2026-01-02T02:30:00Z")
            .unwrap()
            .to_utc();
        assert_eq!(local_date(at, &tz).to_string(), "2026-01-01");
        assert_eq!(local_date(at, &TimeZone::UTC).to_string(), "2026-01-02");
        let start = day_start("2026-07-01".parse().unwrap(), &tz).unwrap();
        assert_eq!(
            start.to_rfc3339(),
            "2026-07-01T04:00:00+00:00",
            "EDT is UTC-4"
        );
        assert!(zone(Some("Mars/Olympus")).is_err());
    }

    #[test]
    fn aggregates_per_day_and_kind() {
        let p = |kind: &str, value: f64, at: &str| Point {
            kind: kind.into(),
            value,
            recorded_at: DateTime::parse_from_rfc3339(at).unwrap().to_utc(),
        };
        let days = by_day(
            &[
                p("steps", 1000.0, "2026-01-01T08:00:00Z"),
                p("steps", 500.0, "2026-01-01T20:00:00Z"),
                p("mood", 7.0, "2026-01-02T08:00:00Z"),
            ],
            &TimeZone::UTC,
        );
        let jan1 = &days[&"2026-01-01".parse::<Date>().unwrap()]["steps"];
        assert_eq!(
            (jan1.count, jan1.sum, jan1.avg, jan1.min, jan1.max),
            (2, 1500.0, 750.0, 500.0, 1000.0)
        );
        assert_eq!(days.len(), 2);
    }
}
