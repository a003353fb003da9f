//! Markdown view, for sign-off reports and pull-request comments.

use std::io::Write;

use super::{Report, Status, first_line};

pub fn render(report: &Report, out: &mut dyn Write) -> std::io::Result<()> {
    let s = &report.summary;
    writeln!(out, "# hctl {}", report.title)?;
    writeln!(out)?;
    if let Some(env) = &report.environment {
        writeln!(out, "- Environment: `{env}`")?;
    }
    writeln!(out, "- Started: {}", report.started_at.to_rfc3339())?;
    writeln!(out, "- Duration: {} ms", report.duration_ms)?;
    writeln!(out, "- Result: {} (of {})", s.counts(), s.total)?;
    writeln!(out)?;
    writeln!(
        out,
        "| Status | ID | Title | Severity | Duration | Detail |"
    )?;
    writeln!(out, "|---|---|---|---|---:|---|")?;
    for item in &report.items {
        writeln!(
            out,
            "| {} {} | `{}` | {} | {} | {} ms | {} |",
            icon(item.status),
            item.status.as_str(),
            cell(&item.id),
            cell(&item.title),
            item.severity.as_str(),
            item.duration_ms,
            cell(first_line(&item.detail))
        )?;
    }
    Ok(())
}

fn icon(status: Status) -> &'static str {
    match status {
        Status::Pass => "✅",
        Status::Warn => "⚠️",
        Status::Fail => "❌",
        Status::Skip => "⏭️",
        Status::Error => "💥",
        Status::Waived => "🏳️",
    }
}

/// A table cell: pipes escaped, no line breaks.
fn cell(text: &str) -> String {
    text.replace('|', "\\|").replace(['\n', '\r'], " ")
}

#[cfg(test)]
mod tests {
    use super::super::tests::sample;
    use super::*;

    #[test]
    fn one_row_per_item_with_escaped_cells() {
        let mut buf = Vec::new();
        render(&sample(), &mut buf).unwrap();
        let md = String::from_utf8(buf).unwrap();
        assert_eq!(md.lines().filter(|l| l.starts_with("| ")).count(), 6);
        assert!(md.contains("| ❌ fail | `hsts` |"), "{md}");
        assert!(
            md.contains("1 passed, 1 warned, 1 failed, 1 errors, 1 skipped (of 5)"),
            "{md}"
        );
        assert!(!md.contains("second | line"));
    }
}
