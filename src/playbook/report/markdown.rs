//! Markdown view: a run as its sign-off record (who started it, with which
//! parameters, every step with its attempts and approvals), `log` adding the
//! ledger rows, their verification and the sign-off table.

use std::io::Write;

use super::{LogReport, RunReport, RunStatus, View, human_secs};

/// A table cell: pipes escaped, one line.
fn cell(text: &str) -> String {
    text.replace('|', "\\|").replace(['\n', '\r'], " ")
}

fn run(r: &RunReport, out: &mut dyn Write) -> std::io::Result<()> {
    writeln!(out, "# Playbook `{}` — {}", r.playbook, r.label())?;
    writeln!(out)?;
    writeln!(out, "- Environment: `{}`", r.environment)?;
    writeln!(out, "- Status: **{}**", r.status.as_str())?;
    if let Some(by) = &r.started_by {
        writeln!(
            out,
            "- Started by: {by} at {}",
            r.started_at.as_deref().unwrap_or("?")
        )?;
    }
    if let Some(at) = &r.finished_at {
        let what = match r.status {
            RunStatus::Waiting => "Waiting since",
            _ => "Finished",
        };
        writeln!(out, "- {what}: {at}")?;
    }
    if let Some(phase) = &r.phase {
        writeln!(out, "- Phase: `{phase}`")?;
    }
    if !r.params.is_empty() {
        let params: Vec<String> = r.params.iter().map(|(k, v)| format!("`{k}={v}`")).collect();
        writeln!(out, "- Parameters: {}", params.join(", "))?;
    }
    if let Some(digest) = &r.digest {
        writeln!(out, "- Playbook SHA-256: `{digest}`")?;
    }
    if let Some(c) = &r.response {
        writeln!(
            out,
            "- Response ({}): due by {} ({}), elapsed {}; next update due by {}{}",
            c.level,
            c.respond_by,
            if c.overdue { "overdue" } else { "on time" },
            human_secs(c.elapsed_secs),
            c.update_due,
            if c.update_overdue { " (overdue)" } else { "" }
        )?;
    }
    writeln!(out)?;
    writeln!(out, "| Phase | Step | Kind | Status | Attempts | Detail |")?;
    writeln!(out, "|---|---|---|---|---:|---|")?;
    for s in &r.steps {
        writeln!(
            out,
            "| {} | `{}` | {} | {} | {} | {} |",
            cell(&s.phase),
            cell(&s.id),
            s.kind,
            s.status.as_str(),
            s.attempts.len(),
            cell(&s.detail)
        )?;
    }
    let approvals: Vec<String> = r
        .steps
        .iter()
        .flat_map(|s| {
            s.approvals.iter().map(move |a| {
                format!(
                    "- `{}` approved by {} at {}{}",
                    s.id,
                    a.actor,
                    a.at,
                    a.note
                        .as_deref()
                        .map(|n| format!(": {}", cell(n)))
                        .unwrap_or_default()
                )
            })
        })
        .collect();
    if !approvals.is_empty() {
        writeln!(out)?;
        writeln!(out, "## Approvals")?;
        writeln!(out)?;
        for line in approvals {
            writeln!(out, "{line}")?;
        }
    }
    Ok(())
}

fn log(l: &LogReport, out: &mut dyn Write) -> std::io::Result<()> {
    run(&l.run, out)?;
    writeln!(out)?;
    writeln!(out, "## Ledger")?;
    writeln!(out)?;
    writeln!(out, "| # | At | Event | Step | By | Hash |")?;
    writeln!(out, "|---:|---|---|---|---|---|")?;
    for e in &l.events {
        writeln!(
            out,
            "| {} | {} | {} | {} | {} | `{}` |",
            e.seq,
            e.at,
            e.kind,
            cell(e.step.as_deref().unwrap_or("")),
            cell(&e.actor),
            &e.hash[..e.hash.len().min(12)]
        )?;
    }
    if let Some(v) = &l.verified {
        writeln!(out)?;
        match &v.broken {
            None => writeln!(
                out,
                "Ledger verified: {} rows, chain intact, head `{}`.",
                v.rows,
                v.head.as_deref().unwrap_or("-")
            )?,
            Some(b) => writeln!(out, "**Ledger broken at row {}**: {}.", b.seq, cell(&b.why))?,
        }
    }
    writeln!(out)?;
    writeln!(out, "## Sign-off")?;
    writeln!(out)?;
    writeln!(out, "| Role | Name | Date | Signature |")?;
    writeln!(out, "|---|---|---|---|")?;
    for role in [
        "Launch Coordinator",
        "Engineering Manager",
        "Product Manager",
    ] {
        writeln!(out, "| {role} | | | |")?;
    }
    Ok(())
}

pub fn render(view: &View, out: &mut dyn Write) -> std::io::Result<()> {
    match view {
        View::Run(r) => run(r, out),
        View::Log(l) => log(l, out),
        View::Runs(runs) => {
            writeln!(out, "# Playbook runs")?;
            writeln!(out)?;
            writeln!(
                out,
                "| Run | Playbook | Status | Started by | Started | Failed step |"
            )?;
            writeln!(out, "|---|---|---|---|---|---|")?;
            for r in runs {
                writeln!(
                    out,
                    "| `{}` | {} | {} | {} | {} | {} |",
                    r.label(),
                    r.playbook,
                    r.status.as_str(),
                    cell(r.started_by.as_deref().unwrap_or("")),
                    r.started_at.as_deref().unwrap_or(""),
                    r.failed_step.as_deref().unwrap_or("")
                )?;
            }
            Ok(())
        }
    }
}
