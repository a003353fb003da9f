//! The JSON line of an event, written straight into the fmt layer's buffer:
//! the same object, key for key and in the same order, as tracing-subscriber's
//! `json().flatten_event(true)` (`timestamp`, `level`, the fields, `target`),
//! without its per-event `String`, serde map and UTF-8 re-check of every
//! token. The access log writes one per request; that formatter was the
//! largest user-space cost left on the server's hot path.
//!
//! An event inside a span, or one that came from the `log` crate, is written
//! by tracing-subscriber's formatter itself (it adds `span`/`spans`, and
//! normalises a log record's metadata): neither is on the hot path.

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
        writer.write_str("{\"timestamp\":\"")?;
        SystemTime.format_time(&mut writer)?;
        writer.write_str("\",\"level\":\"")?;
        writer.write_str(meta.level().as_str())?;
        writer.write_char('"')?;
        let mut fields = Fields {
            out: &mut writer,
            result: Ok(()),
        };
        event.record(&mut fields);
        fields.result?;
        writer.write_str(",\"target\":")?;
        string(&mut writer, meta.target())?;
        writer.write_str("}\n")
    }
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
        self.entry(field, |out| write!(out, "{value}"));
    }

    fn record_i64(&mut self, field: &Field, value: i64) {
        self.entry(field, |out| write!(out, "{value}"));
    }

    fn record_bool(&mut self, field: &Field, value: bool) {
        self.entry(field, |out| write!(out, "{value}"));
    }

    fn record_f64(&mut self, field: &Field, value: f64) {
        // serde_json writes a NaN or an infinity as null.
        self.entry(field, |out| {
            if value.is_finite() {
                write!(out, "{value}")
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
