//! Table view for people at a terminal: a run's steps with status, attempts
//! and detail; `runs` one row per run with its clock; `log` the ledger rows.

use std::io::Write;

use chrono::{DateTime, Utc};
use comfy_table::{Cell, Color};

use super::{LogReport, RunReport, RunStatus, StepStatus, View, human_secs};
use crate::output::Style;

fn step_color(status: StepStatus) -> Color {
    match status {
        StepStatus::Passed => Color::Green,
        StepStatus::Failed | StepStatus::Interrupted => Color::Red,
        StepStatus::Waiting | StepStatus::Running => Color::Yellow,
        _ => Color::DarkGrey,
    }
}

fn run_color(status: RunStatus) -> Color {
    match status {
        RunStatus::Passed => Color::Green,
        RunStatus::Failed | RunStatus::RolledBack | RunStatus::Interrupted => Color::Red,
        RunStatus::Waiting | RunStatus::Running => Color::Yellow,
        RunStatus::Planned => Color::DarkGrey,
    }
}

fn run(r: &RunReport, style: &Style, out: &mut dyn Write) -> std::io::Result<()> {
    writeln!(
        out,
        "{}  playbook: {}  environment: {}  status: {}",
        r.label(),
        r.playbook,
        r.environment,
        r.status.as_str()
    )?;
    let mut table = style.table(&["PHASE", "STEP", "KIND", "STATUS", "TRIES", "DETAIL"]);
    for s in &r.steps {
        let detail = if s.detail.is_empty() {
            s.argv
                .as_ref()
                .map(|a| a.join(" "))
                .unwrap_or_else(|| s.title.clone())
        } else {
            s.detail.clone()
        };
        table.add_row(vec![
            Cell::new(&s.phase),
            Cell::new(&s.id),
            Cell::new(&s.kind),
            style.paint(Cell::new(s.status.as_str()), step_color(s.status)),
            Cell::new(s.attempts.len()),
            Cell::new(detail),
        ]);
    }
    writeln!(out, "{table}")?;
    if let Some(line) = clock_line(r) {
        writeln!(out, "{line}")?;
    }
    Ok(())
}

/// `P1: respond by 11:00 (overdue); update due 10:30`.
fn clock_line(r: &RunReport) -> Option<String> {
    let c = r.response.as_ref()?;
    Some(format!(
        "{}: elapsed {}, respond by {}{}; next update due by {}{}",
        c.level,
        human_secs(c.elapsed_secs),
        c.respond_by,
        if c.overdue { " (OVERDUE)" } else { "" },
        c.update_due,
        if c.update_overdue { " (OVERDUE)" } else { "" }
    ))
}

fn elapsed(r: &RunReport) -> String {
    let parse = |t: &str| {
        DateTime::parse_from_rfc3339(t)
            .ok()
            .map(|t| t.with_timezone(&Utc))
    };
    let Some(start) = r.started_at.as_deref().and_then(parse) else {
        return String::new();
    };
    let end = r
        .finished_at
        .as_deref()
        .and_then(parse)
        .unwrap_or_else(Utc::now);
    human_secs(u64::try_from((end - start).num_seconds()).unwrap_or(0))
}

fn runs(rs: &[RunReport], style: &Style, out: &mut dyn Write) -> std::io::Result<()> {
    let mut table = style.table(&[
        "RUN",
        "STATUS",
        "STARTED BY",
        "STARTED",
        "ELAPSED",
        "AT STEP",
        "DEADLINE",
    ]);
    for r in rs {
        let at = r
            .failed_step
            .clone()
            .or_else(|| {
                r.steps
                    .iter()
                    .find(|s| !s.status.is_done() && s.status != StepStatus::Pending)
                    .map(|s| s.id.clone())
            })
            .unwrap_or_default();
        let deadline = r.response.as_ref().map_or(String::new(), |c| {
            let state = match (c.overdue, c.update_overdue) {
                (true, _) => " OVERDUE",
                (false, true) => " update due",
                _ => "",
            };
            format!("{} by {}{state}", c.level, c.respond_by)
        });
        table.add_row(vec![
            Cell::new(r.label()),
            style.paint(Cell::new(r.status.as_str()), run_color(r.status)),
            Cell::new(r.started_by.as_deref().unwrap_or("")),
            Cell::new(r.started_at.as_deref().unwrap_or("")),
            Cell::new(elapsed(r)),
            Cell::new(at),
            Cell::new(deadline),
        ]);
    }
    writeln!(out, "{table}")
}

fn log(l: &LogReport, style: &Style, out: &mut dyn Write) -> std::io::Result<()> {
    let mut table = style.table(&["#", "AT", "EVENT", "STEP", "BY", "DETAIL"]);
    for e in &l.events {
        let data = e.fields();
        let detail = ["detail", "status", "note", "failed_step"]
            .iter()
            .find_map(|k| data.get(*k).and_then(|v| v.as_str()))
            .map(str::to_string)
            .or_else(|| {
                data.get("outcome")
                    .and_then(|v| v.as_str())
                    .map(str::to_string)
            })
            .unwrap_or_default();
        let detail = match data.get("outcome").and_then(|v| v.as_str()) {
            Some(outcome) if !detail.starts_with(outcome) => format!("{outcome}: {detail}"),
            _ => detail,
        };
        table.add_row(vec![
            Cell::new(e.seq),
            Cell::new(&e.at),
            Cell::new(&e.kind),
            Cell::new(e.step.as_deref().unwrap_or("")),
            Cell::new(&e.actor),
            Cell::new(detail),
        ]);
    }
    writeln!(out, "{table}")?;
    if let Some(v) = &l.verified {
        match &v.broken {
            None => writeln!(
                out,
                "ledger verified: {} rows, chain intact, head {}",
                v.rows,
                v.head.as_deref().unwrap_or("-")
            )?,
            Some(b) => writeln!(out, "ledger BROKEN at row {}: {}", b.seq, b.why)?,
        }
    }
    Ok(())
}

pub fn render(view: &View, style: &Style, out: &mut dyn Write) -> std::io::Result<()> {
    match view {
        View::Run(r) => run(r, style, out),
        View::Runs(rs) => runs(rs, style, out),
        View::Log(l) => log(l, style, out),
    }
}
