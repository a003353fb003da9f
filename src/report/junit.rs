//! JUnit XML view, as CI systems (GitLab, Jenkins, GitHub test reporters) read it:
//! one `<testcase>` per item named by its title; fail → `<failure>`, error →
//! `<error>`, skip → `<skipped>`; warnings and waived items pass with their
//! detail in `<system-out>` (`WARN: …`, `WAIVED: …`).
//! The output validates against Jenkins' `junit-10.xsd`, which allows
//! `skipped` on `<testsuite>` but not on `<testsuites>`.

use std::io::Write;

use super::{Report, Status, first_line};

pub fn render(report: &Report, out: &mut dyn Write) -> std::io::Result<()> {
    let s = &report.summary;
    let secs = |ms: u64| format!("{:.3}", ms as f64 / 1000.0);
    let name = format!("hctl {}", report.title);
    writeln!(out, r#"<?xml version="1.0" encoding="UTF-8"?>"#)?;
    writeln!(
        out,
        r#"<testsuites name="{}" tests="{}" failures="{}" errors="{}" time="{}">"#,
        escape(&name),
        s.total,
        s.fail,
        s.error,
        secs(report.duration_ms)
    )?;
    writeln!(
        out,
        r#"  <testsuite name="{}" tests="{}" failures="{}" errors="{}" skipped="{}" time="{}" timestamp="{}">"#,
        escape(&name),
        s.total,
        s.fail,
        s.error,
        s.skip,
        secs(report.duration_ms),
        report.started_at.format("%Y-%m-%dT%H:%M:%S")
    )?;
    if let Some(env) = &report.environment {
        writeln!(out, "    <properties>")?;
        writeln!(
            out,
            r#"      <property name="environment" value="{}"/>"#,
            escape(env)
        )?;
        writeln!(out, "    </properties>")?;
    }
    for item in &report.items {
        let class = if item.section.is_empty() {
            item.id.clone()
        } else {
            format!("{}.{}", item.section, item.id)
        };
        write!(
            out,
            r#"    <testcase name="{}" classname="{}" time="{}""#,
            escape(&item.title),
            escape(&class),
            secs(item.duration_ms)
        )?;
        let mut body = String::new();
        for (n, attempt) in item.attempts.iter().enumerate() {
            body.push_str(&format!(
                "attempt {}: {} in {}ms: {}\n",
                n + 1,
                attempt.status.as_str(),
                attempt.duration_ms,
                attempt.detail
            ));
        }
        let message = escape(first_line(&item.detail));
        let element = match item.status {
            Status::Fail => Some("failure"),
            Status::Error => Some("error"),
            _ => None,
        };
        writeln!(out, ">")?;
        if let Some(element) = element {
            writeln!(
                out,
                r#"      <{element} message="{message}" type="{}">{}</{element}>"#,
                item.severity.as_str(),
                escape(&format!("{}\n{}", item.detail, body))
            )?;
        } else if item.status == Status::Skip {
            writeln!(out, r#"      <skipped message="{message}"/>"#)?;
        }
        if !item.detail.is_empty() || item.attempts.len() > 1 {
            let prefix = match item.status {
                Status::Warn => "WARN: ",
                Status::Waived => "WAIVED: ",
                _ => "",
            };
            let retries = if item.attempts.len() > 1 {
                body.as_str()
            } else {
                ""
            };
            writeln!(
                out,
                "      <system-out>{}</system-out>",
                escape(format!("{prefix}{}\n{retries}", item.detail).trim_end())
            )?;
        }
        writeln!(out, "    </testcase>")?;
    }
    writeln!(out, "  </testsuite>")?;
    writeln!(out, "</testsuites>")
}

/// Escape for XML text and attributes, dropping characters XML 1.0 forbids.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\n' => out.push_str("&#10;"),
            '\t' | '\r' => out.push(' '),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => {}
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::super::tests::sample;
    use super::*;

    fn rendered() -> String {
        let mut buf = Vec::new();
        render(&sample(), &mut buf).unwrap();
        String::from_utf8(buf).unwrap()
    }

    #[test]
    fn one_testcase_per_item_named_by_title() {
        let xml = rendered();
        assert_eq!(xml.matches("<testcase ").count(), 5);
        assert!(xml.contains(
            r#"<testcase name="API health endpoint answers" classname="Infrastructure.api-health""#
        ));
        assert!(xml.contains(r#"tests="5" failures="1" errors="1" skipped="1""#));
    }

    #[test]
    fn failures_carry_message_and_detail_escaped() {
        let xml = rendered();
        assert!(
            xml.contains(r#"name="HSTS header &lt;strict&gt; &amp; &quot;sane&quot;""#),
            "{xml}"
        );
        assert!(
            xml.contains(r#"<failure message="max-age=300 is below 15768000" type="critical">"#),
            "{xml}"
        );
        assert!(
            xml.contains(r#"<error message="timed out after 5s""#),
            "{xml}"
        );
        assert!(xml.contains(r#"<skipped message="manual"/>"#), "{xml}");
        assert!(
            xml.contains("attempt 1: error in 40ms: connection refused"),
            "{xml}"
        );
    }

    #[test]
    fn control_characters_are_dropped() {
        assert_eq!(escape("a\u{1}b\u{7}c"), "abc");
    }
}
