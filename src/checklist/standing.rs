//! What an item's mark means at a given time: ticked, a tick past the item's
//! `valid_for` (expired), waived until a date, or a waiver that has lapsed.
//! The one place that decides, so `status`, `show`, `report` and `preflight`
//! cannot disagree about whether an item counts.

use std::time::Duration;

use chrono::{DateTime, Utc};

use super::Entry;
use super::store::Tick;
use crate::report::Status;

/// An item's mark, judged at one instant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Standing<'a> {
    /// No mark.
    Open,
    /// Ticked, and within `valid_for` if the item has one.
    Ticked(&'a Tick),
    /// Ticked longer ago than `valid_for`: counts as open.
    Expired {
        tick: &'a Tick,
        valid_for: Duration,
        /// How long ago it expired.
        ago: Duration,
    },
    /// Waived, the waiver still holding.
    Waived(&'a Tick),
    /// Waived, but the waiver's date has passed: counts as open.
    Lapsed { tick: &'a Tick, ago: Duration },
}

impl Standing<'_> {
    /// `open`, `ticked`, `expired`, `waived` or `waiver_lapsed` (JSON and pages).
    pub fn label(&self) -> &'static str {
        match self {
            Standing::Open => "open",
            Standing::Ticked(_) => "ticked",
            Standing::Expired { .. } => "expired",
            Standing::Waived(_) => "waived",
            Standing::Lapsed { .. } => "waiver_lapsed",
        }
    }
}

/// Judge `mark` for `entry` at `now`.
pub fn standing<'a>(entry: &Entry, mark: Option<&'a Tick>, now: DateTime<Utc>) -> Standing<'a> {
    let Some(tick) = mark else {
        return Standing::Open;
    };
    let since = |t: DateTime<Utc>| (now - t).to_std().unwrap_or(Duration::ZERO);
    if let Some(until) = tick.waived_until {
        return if now < until {
            Standing::Waived(tick)
        } else {
            Standing::Lapsed {
                tick,
                ago: since(until),
            }
        };
    }
    match entry.valid_for {
        Some(valid_for) => {
            let age = since(tick.at);
            if age > valid_for {
                Standing::Expired {
                    tick,
                    valid_for,
                    ago: age - valid_for,
                }
            } else {
                Standing::Ticked(tick)
            }
        }
        None => Standing::Ticked(tick),
    }
}

impl Standing<'_> {
    /// Whether the item is done for progress and the gate.
    pub fn counts(&self) -> bool {
        matches!(self, Standing::Ticked(_) | Standing::Waived(_))
    }

    /// The report status of a manual item with this standing.
    pub fn status(&self) -> Status {
        match self {
            Standing::Ticked(_) => Status::Pass,
            Standing::Waived(_) => Status::Waived,
            _ => Status::Fail,
        }
    }

    /// One line saying why; `again` is the command that marks the item anew.
    pub fn describe(&self, valid_for: Option<Duration>, again: &str) -> String {
        match self {
            Standing::Open => format!("not ticked ({again})"),
            Standing::Ticked(t) => {
                let valid = valid_for
                    .map(|d| format!(", valid until {}", stamp(t.at + chrono_of(d))))
                    .unwrap_or_default();
                format!("ticked by {} at {}{valid}{}", t.actor, stamp(t.at), tail(t))
            }
            Standing::Expired {
                tick,
                valid_for,
                ago,
            } => format!(
                "tick expired {} ago (ticked by {} at {}, valid for {}); tick it again ({again})",
                ago_text(*ago),
                tick.actor,
                stamp(tick.at),
                ago_text(*valid_for),
            ),
            Standing::Waived(t) => format!(
                "waived by {} until {}{}",
                t.actor,
                stamp(t.waived_until.unwrap_or(t.at)),
                tail(t)
            ),
            Standing::Lapsed { tick, ago } => format!(
                "waiver expired {} ago (waived by {} until {}{}); {again}",
                ago_text(*ago),
                tick.actor,
                stamp(tick.waived_until.unwrap_or(tick.at)),
                tail(tick)
            ),
        }
    }
}

/// `: note; evidence: …` as far as the mark has them.
fn tail(t: &Tick) -> String {
    let mut text = String::new();
    if let Some(note) = &t.note {
        text.push_str(&format!(": {note}"));
    }
    if let Some(evidence) = &t.evidence {
        text.push_str(&format!("; evidence: {evidence}"));
    }
    text
}

fn stamp(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%d %H:%M UTC").to_string()
}

fn chrono_of(d: Duration) -> chrono::Duration {
    chrono::Duration::from_std(d).unwrap_or(chrono::Duration::MAX)
}

/// `2 days`, `5 hours`, `1 minute`, `30 seconds`: the largest whole unit
/// (for ages and `valid_for` spans, where a rounded figure reads best).
pub fn ago_text(d: Duration) -> String {
    let secs = d.as_secs();
    let (n, unit) = match secs {
        s if s >= 86_400 => (s / 86_400, "day"),
        s if s >= 3_600 => (s / 3_600, "hour"),
        s if s >= 60 => (s / 60, "minute"),
        s => (s, "second"),
    };
    format!("{n} {unit}{}", if n == 1 { "" } else { "s" })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn entry(valid_for: &str) -> Entry {
        let text = format!(
            "name: c\nsections:\n  - name: s\n    items:\n      - {{id: a, title: A, manual: true{valid_for}}}\n"
        );
        let c = crate::checklist::parse(&text, Path::new("c.yaml"), &|_| None).unwrap();
        c.find("a").unwrap().clone()
    }

    fn tick(days_ago: i64, waived_until_in_days: Option<i64>) -> Tick {
        let now = Utc::now();
        Tick {
            actor: "ana".into(),
            at: now - chrono::Duration::days(days_ago),
            note: Some("checked".into()),
            evidence: None,
            waived_until: waived_until_in_days.map(|d| now + chrono::Duration::days(d)),
        }
    }

    #[test]
    fn a_tick_older_than_valid_for_has_expired() {
        let e = entry(", valid_for: 7d");
        let old = tick(9, None);
        let s = standing(&e, Some(&old), Utc::now());
        assert!(!s.counts());
        assert_eq!(s.status(), Status::Fail);
        let text = s.describe(e.valid_for, "hctl checklist tick c a");
        assert!(
            text.starts_with("tick expired 2 days ago (ticked by ana at "),
            "{text}"
        );
        assert!(text.contains("valid for 7 days)"), "{text}");
        let fresh = tick(1, None);
        let s = standing(&e, Some(&fresh), Utc::now());
        assert!(s.counts());
        assert!(s.describe(e.valid_for, "").contains(", valid until "));
        // Without valid_for a tick never expires.
        assert!(standing(&entry(""), Some(&old), Utc::now()).counts());
    }

    #[test]
    fn a_waiver_holds_until_its_date_then_lapses() {
        let e = entry("");
        let waiver = tick(0, Some(2));
        let s = standing(&e, Some(&waiver), Utc::now());
        assert_eq!(s.status(), Status::Waived);
        assert!(s.describe(None, "").starts_with("waived by ana until "));
        let lapsed = tick(5, Some(-3));
        let s = standing(&e, Some(&lapsed), Utc::now());
        assert_eq!(s.status(), Status::Fail);
        let text = s.describe(None, "hctl checklist tick c a");
        assert!(text.starts_with("waiver expired 3 days ago"), "{text}");
        assert_eq!(standing(&e, None, Utc::now()), Standing::Open);
    }

    #[test]
    fn ago_uses_the_largest_whole_unit() {
        assert_eq!(ago_text(Duration::from_secs(2 * 86_400 + 5)), "2 days");
        assert_eq!(ago_text(Duration::from_secs(3_600)), "1 hour");
        assert_eq!(ago_text(Duration::from_secs(59)), "59 seconds");
    }
}
