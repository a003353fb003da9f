//! `GET /api/insights`: the companion. Deterministic, explainable trends and
//! nudges from the caller's own last 14 days: each insight states the numbers
//! it came from, and the same data and `asOf` date always give the same text.

use std::collections::BTreeMap;

use axum::Router;
use axum::extract::State;
use axum::routing::get;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use super::AppState;
use super::auth::AuthUser;
use super::error::{ApiError, ApiResult, Json, Query};
use super::input::Day;
use super::summary::{self, Days, round2};

pub fn router() -> Router<AppState> {
    Router::new().route("/api/insights", get(insights))
}

/// Nightly sleep the sleep-debt insight measures against.
pub const SLEEP_TARGET_MINUTES: f64 = 480.0;
/// Daily water the hydration nudge measures against.
pub const WATER_TARGET_ML: f64 = 2000.0;

/// One insight with the numbers behind it.
#[derive(Debug, Clone, Serialize, PartialEq, utoipa::ToSchema)]
pub struct Insight {
    pub id: &'static str,
    pub kind: &'static str,
    /// `trend`, `nudge` or `info`.
    pub category: &'static str,
    pub message: String,
    pub numbers: BTreeMap<&'static str, f64>,
}

/// Per-day value of a kind: the sum for totals (steps, water, sleep), the
/// mean for levels (heart rate, weight, mood).
fn daily(days: &Days, kind: &str, from: Date, to: Date) -> Vec<f64> {
    let total = matches!(kind, "steps" | "water_ml" | "sleep_minutes");
    days.range(from..=to)
        .filter_map(|(_, kinds)| kinds.get(kind))
        .map(|a| if total { a.sum } else { a.avg })
        .collect()
}

fn mean(values: &[f64]) -> Option<f64> {
    (!values.is_empty()).then(|| values.iter().sum::<f64>() / values.len() as f64)
}

fn fmt(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e12 {
        format!("{v:.0}")
    } else {
        format!("{v:.1}")
    }
}

/// Every insight the last 14 days support, as of `today`.
pub fn compute(days: &Days, today: Date) -> Vec<Insight> {
    let back = |n: i64| {
        today
            .checked_sub(jiff::Span::new().days(n))
            .unwrap_or(today)
    };
    let (cur_from, prev_from, prev_to) = (back(6), back(13), back(7));
    let mut out = Vec::new();
    for (kind, label) in [
        ("steps", "daily steps"),
        ("sleep_minutes", "nightly sleep (minutes)"),
        ("heart_rate", "heart rate"),
        ("water_ml", "daily water (ml)"),
        ("mood", "mood"),
        ("weight_kg", "weight (kg)"),
    ] {
        let cur = daily(days, kind, cur_from, today);
        let prev = daily(days, kind, prev_from, prev_to);
        if let (Some(c), Some(p)) = (mean(&cur), mean(&prev))
            && p != 0.0
        {
            let change = round2((c - p) / p * 100.0);
            let direction = if change > 0.0 {
                "up"
            } else if change < 0.0 {
                "down"
            } else {
                "unchanged"
            };
            out.push(Insight {
                id: "trend",
                kind,
                category: "trend",
                message: format!(
                    "Your {label} averaged {} over the last 7 days ({} days with data), {direction} {}% from {} the 7 days before.",
                    fmt(round2(c)),
                    cur.len(),
                    fmt(change.abs()),
                    fmt(round2(p))
                ),
                numbers: BTreeMap::from([
                    ("current_avg", round2(c)),
                    ("previous_avg", round2(p)),
                    ("change_pct", change),
                    ("current_days", cur.len() as f64),
                    ("previous_days", prev.len() as f64),
                ]),
            });
        }
    }
    let nights = daily(days, "sleep_minutes", cur_from, today);
    if !nights.is_empty() {
        let debt: f64 = nights
            .iter()
            .map(|m| (SLEEP_TARGET_MINUTES - m).max(0.0))
            .sum();
        if debt > 0.0 {
            out.push(Insight {
                id: "sleep_debt",
                kind: "sleep_minutes",
                category: "nudge",
                message: format!(
                    "Sleep debt: {} minutes below the {} minute target over {} recorded nights this week. An earlier bedtime would help.",
                    fmt(debt),
                    fmt(SLEEP_TARGET_MINUTES),
                    nights.len()
                ),
                numbers: BTreeMap::from([
                    ("debt_minutes", debt),
                    ("target_minutes", SLEEP_TARGET_MINUTES),
                    ("nights", nights.len() as f64),
                ]),
            });
        }
    }
    let water = daily(days, "water_ml", cur_from, today);
    if let Some(avg) = mean(&water)
        && avg < WATER_TARGET_ML
    {
        out.push(Insight {
            id: "hydration",
            kind: "water_ml",
            category: "nudge",
            message: format!(
                "You drank {} ml a day on average over {} days, below the {} ml target.",
                fmt(round2(avg)),
                water.len(),
                fmt(WATER_TARGET_ML)
            ),
            numbers: BTreeMap::from([
                ("avg_ml", round2(avg)),
                ("target_ml", WATER_TARGET_ML),
                ("days", water.len() as f64),
            ]),
        });
    }
    out
}

#[derive(Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct InsightsQuery {
    tz: Option<String>,
    /// The day the insights are computed for (default: today in `tz`).
    #[param(value_type = Option<String>, format = Date)]
    as_of: Option<Day>,
}

#[derive(Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
struct Insights {
    as_of: String,
    insights: Vec<Insight>,
}

#[utoipa::path(get, path = "/api/insights", tag = "health-data", security(("bearer" = [])), params(InsightsQuery), responses((status = 200, body = Insights)))]
async fn insights(
    State(state): State<AppState>,
    user: AuthUser,
    Query(q): Query<InsightsQuery>,
) -> ApiResult<Json<Insights>> {
    let tz = summary::zone(q.tz.as_deref())?;
    let today = match q.as_of {
        Some(d) => d.get(),
        None => summary::today(&tz),
    };
    let from = today
        .checked_sub(jiff::Span::new().days(13))
        .map_err(|_| ApiError::invalid("asOf", "date out of range"))?;
    let points = summary::points(&state, user.id, from, today, &tz).await?;
    let days = summary::by_day(&points, &tz);
    Ok(Json(Insights {
        as_of: today.to_string(),
        insights: compute(&days, today),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::summary::{Point, by_day};
    use chrono::{DateTime, Utc};

    fn point(kind: &str, value: f64, day: i64) -> Point {
        let at: DateTime<Utc> = DateTime::parse_from_rfc3339("2026-03-01T12:00:00Z")
            .unwrap()
            .to_utc();
        Point {
            kind: kind.into(),
            value,
            recorded_at: at + chrono::Duration::days(day),
        }
    }

    #[test]
    fn trends_and_nudges_state_their_numbers() {
        let mut points = Vec::new();
        for d in 0..7 {
            points.push(point("steps", 5000.0, d));
            points.push(point("steps", 6000.0, d + 7));
            points.push(point("sleep_minutes", 420.0, d + 7));
            points.push(point("water_ml", 1500.0, d + 7));
        }
        let days = by_day(&points, &jiff::tz::TimeZone::UTC);
        let today: Date = "2026-03-14".parse().unwrap();
        let insights = compute(&days, today);
        let steps = insights.iter().find(|i| i.kind == "steps").unwrap();
        assert_eq!(steps.numbers["current_avg"], 6000.0);
        assert_eq!(steps.numbers["previous_avg"], 5000.0);
        assert_eq!(steps.numbers["change_pct"], 20.0);
        assert!(
            steps.message.contains("averaged 6000") && steps.message.contains("up 20%"),
            "{}",
            steps.message
        );
        let debt = insights.iter().find(|i| i.id == "sleep_debt").unwrap();
        assert_eq!(debt.numbers["debt_minutes"], 420.0);
        let water = insights.iter().find(|i| i.id == "hydration").unwrap();
        assert_eq!(water.numbers["avg_ml"], 1500.0);
        assert_eq!(compute(&days, today), insights, "deterministic");
        assert!(compute(&Days::new(), today).is_empty());
    }
}
