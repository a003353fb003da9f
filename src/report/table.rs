//! Table view for people at a terminal (comfy-table), with a summary line.

use std::io::Write;

use comfy_table::{Cell, Color};

use super::{Report, Status, first_line};
use crate::output::Style;

pub fn render(report: &Report, style: &Style, out: &mut dyn Write) -> std::io::Result<()> {
    let mut table = style.table(&["ID", "TITLE", "SEVERITY", "STATUS", "DURATION", "DETAIL"]);
    for item in &report.items {
        let status = style.paint(
            Cell::new(item.status.as_str().to_uppercase()),
            color(item.status),
        );
        table.add_row(vec![
            Cell::new(&item.id),
            Cell::new(&item.title),
            Cell::new(item.severity.as_str()),
            status,
            Cell::new(format!("{} ms", item.duration_ms)),
            Cell::new(first_line(&item.detail)),
        ]);
    }
    writeln!(out, "{table}")?;
    let s = &report.summary;
    writeln!(
        out,
        "{} in {:.1}s",
        s.counts(),
        report.duration_ms as f64 / 1000.0
    )
}

fn color(status: Status) -> Color {
    match status {
        Status::Pass => Color::Green,
        Status::Warn => Color::Yellow,
        Status::Fail | Status::Error => Color::Red,
        Status::Skip => Color::DarkGrey,
        Status::Waived => Color::Cyan,
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::sample;
    use super::*;

    #[test]
    fn plain_table_has_every_item_and_summary() {
        let mut buf = Vec::new();
        render(&sample(), &Style::plain(), &mut buf).unwrap();
        let text = String::from_utf8(buf).unwrap();
        for id in ["api-health", "tls-expiry", "hsts", "pentest", "dns"] {
            assert!(text.contains(id), "{text}");
        }
        assert!(text.contains("FAIL"));
        assert!(!text.contains('\u{1b}'), "no colour codes when plain");
        assert!(text.contains("1 passed, 1 warned, 1 failed, 1 errors, 1 skipped in 5.2s"));
    }
}
