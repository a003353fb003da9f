use std::io;
use std::sync::{Arc, Mutex, PoisonError};

use tracing_subscriber::fmt::MakeWriter;

use super::Json;

/// An in-memory log output.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl io::Write for Captured {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl<'a> MakeWriter<'a> for Captured {
    type Writer = Captured;

    fn make_writer(&'a self) -> Captured {
        self.clone()
    }
}

impl Captured {
    fn lines(&self) -> Vec<String> {
        let bytes = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        String::from_utf8(bytes.clone())
            .expect("UTF-8")
            .lines()
            .map(str::to_string)
            .collect()
    }
}

/// The events of a server's log: the access line, values that need
/// escaping, every field type, an event inside a span.
fn emit() {
    tracing::info!(
        target: "hctl::access",
        method = "GET",
        route = "/api/entries/{id}",
        status = 200u16,
        ms = 0.125,
        request_id = "6c1a3f0e-0c1b-4a57-9d8e-1f2a3b4c5d6e",
        "request"
    );
    tracing::warn!(
        quoted = "a \"b\" \\ c",
        lines = "one\ntwo\r\tthree",
        control = "\u{1}\u{8}\u{c}\u{1b}\u{7f}",
        unicode = "é — 日本 🚀 /slash",
        negative = -42i64,
        big = u64::MAX,
        yes = true,
        not_a_number = f64::NAN,
        whole = 1.0f64,
        tiny = 1e-7f64,
        huge = 1e21f64,
        infinite = f64::INFINITY,
        wide = 1u128 << 100,
        shown = %"display \"value\"",
        debugged = ?vec!["a", "b\n"],
        "message with \"quotes\" and {}", "args"
    );
    let err = io::Error::other("disk full");
    tracing::error!(error = &err as &dyn std::error::Error, "write failed");
    let span = tracing::info_span!("request", id = 7, path = "/x");
    span.in_scope(|| tracing::info!(inside = "span", "in a span"));
}

/// Every line with its timestamp taken out, and the timestamps.
fn split(lines: Vec<String>) -> (Vec<String>, Vec<String>) {
    const KEY: &str = "{\"timestamp\":\"";
    lines
        .into_iter()
        .map(|line| {
            let rest = line.strip_prefix(KEY).expect("starts with the timestamp");
            let end = rest.find('"').expect("a closed timestamp");
            (format!("{KEY}{}", &rest[end..]), rest[..end].to_string())
        })
        .unzip()
}

#[test]
fn writes_what_tracing_subscribers_json_formatter_writes() {
    let theirs = Captured::default();
    let reference = tracing_subscriber::fmt()
        .with_writer(theirs.clone())
        .json()
        .flatten_event(true)
        .finish();
    tracing::subscriber::with_default(reference, emit);

    let ours = Captured::default();
    let fast = tracing_subscriber::fmt()
        .with_writer(ours.clone())
        .fmt_fields(tracing_subscriber::fmt::format::JsonFields::new())
        .event_format(Json::new())
        .finish();
    tracing::subscriber::with_default(fast, emit);

    let (want, want_times) = split(theirs.lines());
    let (got, got_times) = split(ours.lines());
    assert_eq!(got.len(), 4, "{got:#?}");
    // Byte for byte: the same keys, order, escapes and numbers.
    for (got, want) in got.iter().zip(&want) {
        assert_eq!(got, want);
        let _: serde_json::Value = serde_json::from_str(got).expect("valid JSON");
    }
    assert_eq!(got, want);
    // The same timestamp format (RFC 3339, microseconds, UTC), and the same time.
    for (got, want) in got_times.iter().zip(&want_times) {
        assert_eq!(got.len(), want.len(), "{got} vs {want}");
        assert!(got.ends_with('Z') && got.as_bytes()[10] == b'T', "{got}");
        let apart =
            want.parse::<jiff::Timestamp>().unwrap() - got.parse::<jiff::Timestamp>().unwrap();
        assert!(apart.get_seconds().abs() < 60, "{got} vs {want}");
    }
}

/// The date and time of day are formatted once a second and reused: each
/// second and each microsecond still come out right, across a day and a year.
#[test]
fn timestamps_are_right_across_seconds_days_and_years() {
    use std::time::{Duration, UNIX_EPOCH};
    for (secs, micros, want) in [
        (1_798_761_599, 999_999, "2026-12-31T23:59:59.999999Z"),
        (1_798_761_600, 0, "2027-01-01T00:00:00.000000Z"),
        (1_798_761_600, 42, "2027-01-01T00:00:00.000042Z"),
        (1_798_761_601, 100_000, "2027-01-01T00:00:01.100000Z"),
        (1_798_761_600, 7, "2027-01-01T00:00:00.000007Z"),
        (0, 1, "1970-01-01T00:00:00.000001Z"),
        (951_782_400, 0, "2000-02-29T00:00:00.000000Z"),
    ] {
        let mut line = String::new();
        let at = UNIX_EPOCH + Duration::new(secs, micros * 1000);
        assert!(super::timestamp(&mut line, at));
        assert_eq!(line, want);
    }
    let mut line = String::new();
    let far = UNIX_EPOCH + Duration::from_secs(300_000_000_000);
    assert!(!super::timestamp(&mut line, far), "year 11476");
    assert!(line.is_empty());
}
