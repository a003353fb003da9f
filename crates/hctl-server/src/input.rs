//! Domain types for what a request may carry into a query. Each one is parsed
//! by serde as the request is extracted, so a handler never sees a value that
//! one of the backends cannot store or compare, and the rejection is the
//! usual 422 naming the field (see [`super::error`]):
//!
//! - [`Text`]: no NUL bytes (PostgreSQL refuses them in `text`; SQLite would
//!   store them and cut them off elsewhere).
//! - [`Instant`] and [`Day`]: from 1970-01-01 up to, not including,
//!   9999-01-01 (UTC). PostgreSQL's `timestamptz` starts at 4713 BC, SQLite
//!   compares timestamps as text, which breaks for signed years, and local
//!   days near the end of year 9999 do not exist in every time zone; every
//!   entry lies in this range anyway (`recordedAt` is after 1970 and not in
//!   the future).

use std::fmt;
use std::ops::Deref;

use chrono::{DateTime, Utc};
use jiff::civil::Date;
use serde::de::{Deserialize, Deserializer, Error};

/// The first instant a request may name.
pub const EARLIEST: &str = "1970-01-01T00:00:00Z";
/// Instants and days from here on are refused.
pub const END: &str = "9999-01-01T00:00:00Z";

const END_MILLIS: i64 = 253_370_764_800_000;

fn bounds() -> (DateTime<Utc>, DateTime<Utc>) {
    (
        DateTime::UNIX_EPOCH,
        // 9999-01-01T00:00:00Z in milliseconds since the epoch.
        DateTime::from_timestamp_millis(END_MILLIS).unwrap_or(DateTime::<Utc>::MAX_UTC),
    )
}

fn range_message() -> String {
    format!("must be from {} to before {}", &EARLIEST[..10], &END[..10])
}

/// A string without NUL bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Text(String);

impl Text {
    pub fn parse(text: String) -> Result<Self, &'static str> {
        if text.contains('\0') {
            return Err("must not contain NUL bytes");
        }
        Ok(Text(text))
    }

    pub fn into_string(self) -> String {
        self.0
    }
}

impl Deref for Text {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl<'de> Deserialize<'de> for Text {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Text::parse(String::deserialize(deserializer)?).map_err(D::Error::custom)
    }
}

/// An RFC 3339 timestamp within the range both backends compare correctly.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Instant(DateTime<Utc>);

impl Instant {
    pub fn new(at: DateTime<Utc>) -> Result<Self, String> {
        let (earliest, end) = bounds();
        if at < earliest || at >= end {
            return Err(range_message());
        }
        Ok(Instant(at))
    }

    pub fn get(self) -> DateTime<Utc> {
        self.0
    }

    /// An instant from milliseconds since the epoch (cursors).
    pub fn from_millis(millis: i64) -> Result<Self, String> {
        let at = DateTime::from_timestamp_millis(millis).ok_or_else(range_message)?;
        Instant::new(at)
    }
}

impl<'de> Deserialize<'de> for Instant {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        let at = DateTime::parse_from_rfc3339(&text).map_err(|_| {
            D::Error::custom("expected an RFC 3339 timestamp like 2026-01-31T08:00:00Z")
        })?;
        Instant::new(at.to_utc()).map_err(D::Error::custom)
    }
}

/// A calendar date (`YYYY-MM-DD`) within the same range.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Day(Date);

impl Day {
    pub fn new(date: Date) -> Result<Self, String> {
        let (earliest, end) = (Date::constant(1970, 1, 1), Date::constant(9999, 1, 1));
        if date < earliest || date >= end {
            return Err(range_message());
        }
        Ok(Day(date))
    }

    pub fn get(self) -> Date {
        self.0
    }
}

impl fmt::Display for Day {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl<'de> Deserialize<'de> for Day {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        let date = text
            .parse::<Date>()
            .map_err(|_| D::Error::custom("expected a date like 2026-01-31"))?;
        Day::new(date).map_err(D::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn de<T: for<'de> Deserialize<'de>>(json: &str) -> Result<T, String> {
        serde_json::from_str(json).map_err(|e| e.to_string())
    }

    #[test]
    fn text_refuses_nul() {
        assert_eq!(&*de::<Text>(r#""ada""#).unwrap(), "ada");
        assert!(de::<Text>(r#""a\u0000b""#).unwrap_err().contains("NUL"));
    }

    #[test]
    fn instants_and_days_stay_in_range() {
        assert!(de::<Instant>(r#""1970-01-01T00:00:00Z""#).is_ok());
        assert!(de::<Instant>(r#""9998-12-31T23:59:59.999Z""#).is_ok());
        for bad in [
            r#""1969-12-31T23:59:59Z""#,
            r#""9999-01-01T00:00:00Z""#,
            r#""-009999-01-01T00:00:00Z""#,
            r#""yesterday""#,
        ] {
            assert!(de::<Instant>(bad).is_err(), "{bad}");
        }
        assert_eq!(
            de::<Day>(r#""2026-01-31""#).unwrap().to_string(),
            "2026-01-31"
        );
        assert!(de::<Day>(r#""9998-12-31""#).is_ok());
        for bad in [
            r#""-009999-06-01""#,
            r#""1969-12-31""#,
            r#""9999-01-01""#,
            r#""2026-13-01""#,
        ] {
            assert!(de::<Day>(bad).is_err(), "{bad}");
        }
        assert!(Instant::from_millis(-377_705_116_800_000).is_err());
        assert!(Instant::from_millis(END_MILLIS).is_err());
        assert_eq!(
            Instant::from_millis(END_MILLIS - 1)
                .unwrap()
                .get()
                .to_rfc3339(),
            "9998-12-31T23:59:59.999+00:00"
        );
        assert!(Instant::from_millis(0).is_ok());
    }
}
