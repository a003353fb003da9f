//! Durations as people write them, on the command line and in YAML alike:
//! `250ms`, `5s`, `1.5s`, `2m`, `1h`, `1m30s`, `1 minute` (jiff's friendly
//! format), and whole days in front (`7d`, `1d12h`, `30 days`: 24 hours each,
//! for spans such as a tick's `valid_for`). One grammar for every flag (`--timeout`, `--deadline`, …) and
//! every YAML field (`timeout:`, `retry_delay:`, …). A unit is required, as
//! kubectl requires one for `--timeout`: `timeout: 5` could mean seconds or
//! minutes. Anything else is an error naming the input.

use std::time::Duration;

use serde::{Deserialize, Deserializer};

/// Parse a duration with its unit. Negative, bare-number and overflowing
/// inputs are errors that say what to write instead. Usable as a clap
/// `value_parser`.
pub fn parse(text: &str) -> Result<Duration, String> {
    let s = text.trim();
    if let Some((days, rest)) = leading_days(s) {
        let rest = if rest.is_empty() {
            Duration::ZERO
        } else {
            parse(rest).map_err(|_| invalid(text))?
        };
        return days
            .checked_mul(86_400)
            .map(Duration::from_secs)
            .and_then(|d| d.checked_add(rest))
            .ok_or_else(|| format!("invalid duration `{text}`: too long"));
    }
    if !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit() || b == b'.') {
        return Err(format!(
            "invalid duration `{text}`: add a unit, e.g. `{s}s` (ms, s, m, h)"
        ));
    }
    let span: jiff::SignedDuration = s.parse().map_err(|_| invalid(text))?;
    Duration::try_from(span)
        .map_err(|_| format!("invalid duration `{text}`: it must not be negative"))
}

fn invalid(text: &str) -> String {
    format!(
        "invalid duration `{text}`: expected a number with a unit (ms, s, m, h, d), e.g. `5s`, `250ms`, `1m30s` or `7d`"
    )
}

/// `7d…`, `7 days…`: the whole days in front and the rest, trimmed.
fn leading_days(s: &str) -> Option<(u64, &str)> {
    let digits = s.bytes().take_while(u8::is_ascii_digit).count();
    let days: u64 = s[..digits].parse().ok()?;
    let after = s[digits..].trim_start();
    let unit = ["days", "day", "d"]
        .into_iter()
        .find(|u| after.starts_with(u))?;
    let rest = &after[unit.len()..];
    // `7dx` is not days; the rest must start a new component.
    if rest.starts_with(|c: char| c.is_ascii_alphabetic()) {
        return None;
    }
    Some((days, rest.trim_start()))
}

/// Human form: `250ms`, `5s`, `1.5s`.
pub fn human(d: Duration) -> String {
    let ms = d.as_millis();
    if ms < 1000 {
        format!("{ms}ms")
    } else if ms.is_multiple_of(1000) {
        format!("{}s", ms / 1000)
    } else {
        format!("{:.1}s", d.as_secs_f64())
    }
}

/// `#[serde(deserialize_with = "duration::optional")]` for `Option<Duration>`.
pub fn optional<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Duration>, D::Error> {
    /// A bare number gets the same "needs a unit" message as any bad text.
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Raw {
        Text(String),
        Number(f64),
    }
    let text = Option::<Raw>::deserialize(d)?.map(|raw| match raw {
        Raw::Text(t) => t,
        Raw::Number(n) => n.to_string(),
    });
    text.map(|t| parse(&t).map_err(serde::de::Error::custom))
        .transpose()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_units_and_compounds() {
        assert_eq!(parse("250ms"), Ok(Duration::from_millis(250)));
        assert_eq!(parse("5s"), Ok(Duration::from_secs(5)));
        assert_eq!(parse("1m30s"), Ok(Duration::from_secs(90)));
        assert_eq!(parse("2h"), Ok(Duration::from_secs(7200)));
        assert_eq!(parse("1.5s"), Ok(Duration::from_millis(1500)));
        assert_eq!(parse("1h30m"), Ok(Duration::from_secs(5400)));
        assert_eq!(parse("5 minutes"), Ok(Duration::from_secs(300)));
        assert_eq!(parse(" 5s "), Ok(Duration::from_secs(5)));
        assert_eq!(parse("7d"), Ok(Duration::from_secs(7 * 86_400)));
        assert_eq!(parse("30 days"), Ok(Duration::from_secs(30 * 86_400)));
        assert_eq!(parse("1d12h"), Ok(Duration::from_secs(36 * 3_600)));
        assert!(parse("1dx").is_err());
        assert!(parse("1d5").is_err());
    }

    #[test]
    fn rejects_bad_input() {
        for bad in [
            "",
            "5",
            "90",
            "1.5",
            "5x",
            "s",
            "ms5",
            "-1s",
            "99999999999999999999h",
        ] {
            assert!(parse(bad).is_err(), "{bad}");
        }
        assert!(parse("5x").unwrap_err().contains("`5x`"));
        assert!(
            parse("90").unwrap_err().contains("`90s`"),
            "{:?}",
            parse("90")
        );
        assert!(parse("-1s").unwrap_err().contains("negative"));
    }

    #[test]
    fn human_form() {
        assert_eq!(human(Duration::from_millis(250)), "250ms");
        assert_eq!(human(Duration::from_secs(5)), "5s");
        assert_eq!(human(Duration::from_millis(1500)), "1.5s");
    }
}
