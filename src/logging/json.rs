//! The JSON line of an event: the same object, key for key and in the same
//! order, as tracing-subscriber's `json().flatten_event(true)` (`timestamp`,
//! `level`, the fields, `target`), without its serde map and UTF-8 re-check
//! of every token: the line is built in one `String` (numbers by itoa and
//! zmij, as serde_json writes them; the date and time of day formatted once
//! a second) and handed to the writer whole. The access log writes one per request; that formatter was
//! the largest user-space cost left on the server's hot path.
//!
//! An event inside a span, or one that came from the `log` crate, is written
//! by tracing-subscriber's formatter itself (it adds `span`/`spans`, and
//! normalises a log record's metadata): neither is on the hot path.

use std::cell::Cell;
use std::fmt::{self, Write};

use tracing::field::{Field, Visit};
use tracing::{Event, Subscriber};
use tracing_subscriber::fmt::FmtContext;
use tracing_subscriber::fmt::format::{self, FormatEvent, FormatFields, Writer};
use tracing_subscriber::fmt::time::{FormatTime, SystemTime};
use tracing_subscriber::registry::LookupSpan;

/// The event formatter (see the module docs).
pub struct Json {
    fallback: format::Format<format::Json>,
}

impl Json {
    pub fn new() -> Json {
        Json {
            fallback: format::Format::default().json().flatten_event(true),
        }
    }
}

impl<S, N> FormatEvent<S, N> for Json
where
    S: Subscriber + for<'a> LookupSpan<'a>,
    N: for<'w> FormatFields<'w> + 'static,
{
    fn format_event(
        &self,
        ctx: &FmtContext<'_, S, N>,
        mut writer: Writer<'_>,
        event: &Event<'_>,
    ) -> fmt::Result {
        let meta = event.metadata();
        let in_span = event.parent().is_some() || ctx.lookup_current().is_some();
        // tracing-log's callsites carry the record's own target in `log.target`.
        if in_span || meta.fields().field("log.target").is_some() {
            return self.fallback.format_event(ctx, writer, event);
        }
        // The line is built in a `String` of its own and handed over once:
        // the writer is a `dyn fmt::Write`, a call for each token.
        let mut line = String::with_capacity(LINE);
        line.push_str("{\"timestamp\":\"");
        if !timestamp(&mut line, std::time::SystemTime::now()) {
            SystemTime.format_time(&mut Writer::new(&mut line))?;
        }
        line.push_str("\",\"level\":\"");
        line.push_str(meta.level().as_str());
        line.push('"');
        let mut fields = Fields {
            out: &mut line,
            result: Ok(()),
        };
        event.record(&mut fields);
        fields.result?;
        line.push_str(",\"target\":");
        string(&mut line, meta.target())?;
        line.push_str("}\n");
        writer.write_str(&line)
    }
}

/// Room for an access line without growing.
const LINE: usize = 256;

thread_local! {
    /// The second last written by this thread, and its text up to the seconds.
    static SECOND: Cell<(u64, [u8; 19])> = const { Cell::new((u64::MAX, [0; 19])) };
}

/// `now` as tracing-subscriber's `SystemTime` writes it (RFC 3339, UTC,
/// microseconds: `2026-12-04T18:57:26.123456Z`), the date and time of day
/// formatted once a second per thread. False, with nothing written, outside
/// the years 1970 to 9999.
fn timestamp(out: &mut String, now: std::time::SystemTime) -> bool {
    let Ok(since) = now.duration_since(std::time::UNIX_EPOCH) else {
        return false;
    };
    let secs = since.as_secs();
    let second = SECOND.with(|cached| {
        let (at, text) = cached.get();
        if at == secs {
            return Some(text);
        }
        let at = jiff::Timestamp::from_second(i64::try_from(secs).ok()?).ok()?;
        let text: [u8; 19] = at
            .strftime("%Y-%m-%dT%H:%M:%S")
            .to_string()
            .into_bytes()
            .try_into()
            .ok()?;
        cached.set((secs, text));
        Some(text)
    });
    let Some(text) = second.as_ref().and_then(|t| std::str::from_utf8(t).ok()) else {
        return false;
    };
    let mut micros = [b'0'; 6];
    let mut left = since.subsec_micros();
    for digit in micros.iter_mut().rev() {
        *digit = b'0' + (left % 10) as u8;
        left /= 10;
    }
    out.push_str(text);
    out.push('.');
    out.extend(micros.map(char::from));
    out.push('Z');
    true
}

/// Each field as `,"name":value`, typed as tracing-serde types it.
struct Fields<'a, W> {
    out: &'a mut W,
    result: fmt::Result,
}

impl<W: Write> Fields<'_, W> {
    fn entry(&mut self, field: &Field, value: impl FnOnce(&mut W) -> fmt::Result) {
        if self.result.is_ok() {
            self.result = self
                .out
                .write_char(',')
                .and_then(|()| string(self.out, field.name()))
                .and_then(|()| self.out.write_char(':'))
                .and_then(|()| value(self.out));
        }
    }
}

impl<W: Write> Visit for Fields<'_, W> {
    fn record_debug(&mut self, field: &Field, value: &dyn fmt::Debug) {
        self.entry(field, |out| {
            out.write_char('"')?;
            write!(Escaped(out), "{value:?}")?;
            out.write_char('"')
        });
    }

    fn record_str(&mut self, field: &Field, value: &str) {
        self.entry(field, |out| string(out, value));
    }

    fn record_u64(&mut self, field: &Field, value: u64) {
        self.entry(field, |out| {
            out.write_str(itoa::Buffer::new().format(value))
        });
    }

    fn record_i64(&mut self, field: &Field, value: i64) {
        self.entry(field, |out| {
            out.write_str(itoa::Buffer::new().format(value))
        });
    }

    fn record_bool(&mut self, field: &Field, value: bool) {
        self.entry(field, |out| write!(out, "{value}"));
    }

    fn record_f64(&mut self, field: &Field, value: f64) {
        // As serde_json writes it: zmij's shortest form (`1.0`, `1e-7`,
        // `1e+21`), and null for a NaN or an infinity.
        self.entry(field, |out| {
            if value.is_finite() {
                out.write_str(zmij::Buffer::new().format_finite(value))
            } else {
                out.write_str("null")
            }
        });
    }
}

/// A JSON string, quoted and escaped.
fn string(out: &mut impl Write, s: &str) -> fmt::Result {
    out.write_char('"')?;
    Escaped(&mut *out).write_str(s)?;
    out.write_char('"')
}

/// Escapes what JSON requires, as serde_json does: `"`, `\` and the control
/// characters (`\n`, `\t`, … or `\u00XX`); everything else as it is.
struct Escaped<'a, W>(&'a mut W);

impl<W: Write> Write for Escaped<'_, W> {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        let mut plain = 0;
        for (at, byte) in s.bytes().enumerate() {
            let escape = match byte {
                b'"' => "\\\"",
                b'\\' => "\\\\",
                b'\n' => "\\n",
                b'\r' => "\\r",
                b'\t' => "\\t",
                0x08 => "\\b",
                0x0c => "\\f",
                0..0x20 => "",
                _ => continue,
            };
            self.0.write_str(&s[plain..at])?;
            if escape.is_empty() {
                write!(self.0, "\\u{byte:04x}")?;
            } else {
                self.0.write_str(escape)?;
            }
            plain = at + 1;
        }
        self.0.write_str(&s[plain..])
    }
}

#[cfg(test)]
mod tests;
