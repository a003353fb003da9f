//! Points in time as people write them on the command line: RFC 3339
//! (`2026-12-01T10:00:00Z`, with any offset) or `YYYY-MM-DD HH:MM[:SS]` in
//! UTC; for deadlines (`--until`) also a bare day, meaning through its end.
//! Usable as clap `value_parser`s.

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};

/// `2026-12-01T10:00:00Z`, `2026-12-01T10:00:00+01:00`, `2026-12-01 10:00:00` (UTC).
pub fn parse(text: &str) -> Result<DateTime<Utc>, String> {
    let s = text.trim();
    if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        return Ok(t.with_timezone(&Utc));
    }
    for format in [
        "%Y-%m-%d %H:%M:%S%.f",
        "%Y-%m-%dT%H:%M:%S%.f",
        "%Y-%m-%d %H:%M",
    ] {
        if let Ok(t) = NaiveDateTime::parse_from_str(s, format) {
            return Ok(t.and_utc());
        }
    }
    Err(format!(
        "invalid time `{text}`: expected RFC 3339 (2026-12-01T10:00:00Z) or `YYYY-MM-DD HH:MM:SS` (UTC)"
    ))
}

/// `--until`: a day (through its end, UTC) or an RFC 3339 time.
pub fn parse_until(text: &str) -> Result<DateTime<Utc>, String> {
    if let Ok(day) = NaiveDate::parse_from_str(text, "%Y-%m-%d") {
        return day
            .succ_opt()
            .and_then(|d| d.and_hms_opt(0, 0, 0))
            .map(|t| t.and_utc())
            .ok_or_else(|| format!("`{text}` is out of range"));
    }
    DateTime::parse_from_rfc3339(text)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|_| format!("`{text}` is not a date (YYYY-MM-DD) or an RFC 3339 time"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_day_lasts_through_its_end() {
        let end = parse_until("2026-12-10").unwrap();
        assert_eq!(end, parse("2026-12-11T00:00:00Z").unwrap());
        assert_eq!(
            parse_until("2026-12-10T12:00:00Z").unwrap(),
            parse("2026-12-10 12:00:00").unwrap()
        );
        assert!(parse_until("next week").unwrap_err().contains("YYYY-MM-DD"));
    }

    #[test]
    fn times_parse_as_utc() {
        let want = DateTime::parse_from_rfc3339("2026-12-01T10:00:00Z").unwrap();
        assert_eq!(parse("2026-12-01T10:00:00Z").unwrap(), want);
        assert_eq!(parse("2026-12-01 10:00:00").unwrap(), want);
        assert_eq!(parse("2026-12-01T11:00:00+01:00").unwrap(), want);
        assert!(parse("yesterday").unwrap_err().contains("RFC 3339"));
    }
}
