//! The launch page as HTML, a pure function of the [`Snapshot`]: the whole
//! page, or only its `<main>` (what the page's script swaps in on refresh).
//! Accessibility (WCAG 2.1 AA): landmarks, one `h1` and nested headings,
//! tables with captions and header cells, a status always said in words
//! (colour only repeats it), every value escaped.

use std::fmt::Write;

use chrono::{DateTime, Utc};

use super::snapshot::{BackupView, ChecklistView, Panel, RolloutView, Snapshot};
use crate::flags::Flag;
use crate::playbook::report::RunReport;
use crate::preflight::record::Recorded;

const PANELS: &[(&str, &str)] = &[
    ("checklists", "Checklists"),
    ("preflight", "Preflight runs"),
    ("playbooks", "Playbook runs"),
    ("rollout", "Rollout"),
    ("backups", "Backups"),
    ("flags", "Feature flags"),
];

/// The whole page.
pub fn page(s: &Snapshot) -> String {
    let env = esc(&s.environment);
    let mut out = String::new();
    let _ = write!(
        out,
        r##"<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Launch: {env} · hctl dashboard</title>
<link rel="stylesheet" href="/assets/dashboard.css">
<script src="/assets/dashboard.js" defer></script>
</head>
<body>
<a class="skip" href="#content">Skip to content</a>
<header>
<h1>Launch: <span class="env">{env}</span></h1>
<p id="live" role="status" aria-live="polite">Updated {}</p>
</header>
<nav aria-label="Panels"><ul>"##,
        time(s.generated_at)
    );
    for (id, title) in PANELS {
        let _ = write!(out, r##"<li><a href="#{id}">{title}</a></li>"##);
    }
    out.push_str(r#"<li><a href="launch-report.md" id="report-link">Sign-off report (Markdown)</a></li></ul></nav>"#);
    out.push_str("\n<main id=\"content\" tabindex=\"-1\">");
    out.push_str(&main(s));
    out.push_str("</main>\n<footer><p>Read-only view served by <code>hctl dashboard</code>.</p></footer>\n</body>\n</html>\n");
    out
}

/// The content of `<main>`: the [`stamp`], then the [`panels`].
pub fn main(s: &Snapshot) -> String {
    stamp(s) + &panels(s)
}

/// When the snapshot was taken.
pub fn stamp(s: &Snapshot) -> String {
    format!(
        r#"<p class="generated" data-generated="{}">Data as of {}</p>"#,
        s.generated_at.to_rfc3339(),
        time(s.generated_at)
    )
}

/// The panels of `<main>`, without the time stamp: what a refresh compares.
pub fn panels(s: &Snapshot) -> String {
    let mut out = String::new();
    section(&mut out, 0, &s.checklists, checklists);
    section(&mut out, 1, &s.preflight, preflight);
    section(&mut out, 2, &s.playbooks, playbooks);
    section(&mut out, 3, &s.rollout, rollout);
    section(&mut out, 4, &s.backups, backups);
    section(&mut out, 5, &s.flags, flags);
    out
}

fn section<T>(out: &mut String, index: usize, panel: &Panel<T>, body: fn(&mut String, &T)) {
    let (id, title) = PANELS[index];
    let _ = write!(
        out,
        r#"<section id="{id}" aria-labelledby="{id}-h"><h2 id="{id}-h">{title}</h2>"#
    );
    match panel {
        Panel::Ok { data } => body(out, data),
        Panel::Unavailable { reason } => {
            let _ = write!(
                out,
                r#"<p class="unavailable" data-state="unavailable"><strong>unavailable:</strong> {}</p>"#,
                esc(reason)
            );
        }
    }
    out.push_str("</section>\n");
}

fn checklists(out: &mut String, views: &Vec<ChecklistView>) {
    if views.is_empty() {
        out.push_str("<p>No checklists in this project.</p>");
        return;
    }
    table_start(
        out,
        "Progress of every checklist",
        &["Checklist", "Manual done", "Open critical", "Expired"],
    );
    for c in views {
        let open: usize = c
            .status
            .sections
            .iter()
            .map(|s| s.open_critical.len())
            .sum();
        let expired: usize = c.status.sections.iter().map(|s| s.expired.len()).sum();
        let _ = write!(
            out,
            r##"<tr data-overview="{name}"><th scope="row"><a href="#cl-{name}">{name}</a></th><td class="num">{} of {}</td><td class="num">{open}</td><td class="num">{expired}</td></tr>"##,
            c.done,
            c.manual,
            name = esc(&c.name),
        );
    }
    table_end(out);
    for c in views {
        let _ = write!(
            out,
            r#"<article class="checklist" data-checklist="{name}" aria-labelledby="cl-{name}"><h3 id="cl-{name}">{name}: <span class="done" data-done="{done}" data-manual="{manual}">{done} of {manual}</span> manual items done</h3>"#,
            name = esc(&c.name),
            done = c.done,
            manual = c.manual
        );
        if !c.description.is_empty() {
            let _ = write!(out, "<p>{}</p>", esc(&c.description));
        }
        let _ = write!(
            out,
            r#"<progress max="{}" value="{}" aria-label="{} manual items done">{} of {}</progress>"#,
            c.manual.max(1),
            if c.manual == 0 { 1 } else { c.done },
            esc(&c.name),
            c.done,
            c.manual
        );
        table_start(
            out,
            &format!("Sections of {}", c.name),
            &[
                "Section",
                "Manual done",
                "Waived",
                "Automated",
                "Open critical",
                "Expired",
            ],
        );
        for s in &c.status.sections {
            let _ = write!(
                out,
                r#"<tr data-section="{}"><th scope="row">{}</th><td class="num">{} of {}</td><td class="num">{}</td><td class="num">{}</td><td>{}</td><td>{}</td></tr>"#,
                esc(&s.name),
                esc(&s.name),
                s.ticked,
                s.manual,
                s.waived,
                s.automated,
                esc(&s.open_critical.join(", ")),
                esc(&s.expired.join(", "))
            );
        }
        table_end(out);
        table_start(
            out,
            &format!("Items of {}", c.name),
            &[
                "Item", "Section", "Kind", "Severity", "Owner", "Status", "By", "Evidence",
                "Expires",
            ],
        );
        for i in &c.items {
            let (by, evidence) = match &i.mark {
                Some(t) => (
                    format!("{} {}", esc(&t.actor), time(t.at)),
                    t.evidence
                        .as_ref()
                        .map(|e| esc(&e.to_string()))
                        .unwrap_or_default(),
                ),
                None => (String::new(), String::new()),
            };
            let expires = match (&i.mark, i.expires_at) {
                (Some(t), _) if t.waived_until.is_some() => {
                    format!("waiver until {}", time(t.waived_until.unwrap_or(t.at)))
                }
                (_, Some(at)) => time(at),
                _ => String::new(),
            };
            let status = i.standing.map(badge).unwrap_or_else(|| "automated".into());
            let _ = write!(
                out,
                r#"<tr data-item="{id}"><th scope="row"><code>{id}</code> {title}</th><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{status}</td><td>{by}</td><td>{evidence}</td><td>{expires}</td></tr>"#,
                esc(&i.section),
                i.kind,
                i.severity,
                esc(i.owner.as_deref().unwrap_or("")),
                id = esc(&i.id),
                title = esc(&i.title),
            );
        }
        table_end(out);
        out.push_str("</article>");
    }
}

fn preflight(out: &mut String, runs: &Vec<Recorded>) {
    if runs.is_empty() {
        out.push_str("<p>No recorded run yet: <code>hctl preflight --record</code> keeps one.</p>");
    }
    for r in runs {
        let s = &r.report.summary;
        let _ = write!(
            out,
            r#"<article data-preflight="{name}" aria-labelledby="pf-{name}"><h3 id="pf-{name}">{name}: ran {}</h3><p class="summary" data-pass="{}" data-fail="{}" data-total="{}">{}</p>"#,
            time(r.started_at),
            s.pass,
            s.fail,
            s.total,
            esc(&format!("{} (of {})", s.counts(), s.total)),
            name = esc(&r.checklist),
        );
        table_start(
            out,
            &format!("Latest preflight run of {}", r.checklist),
            &["Item", "Severity", "Status", "Duration", "Detail"],
        );
        for i in &r.report.items {
            let _ = write!(
                out,
                r#"<tr data-item="{id}"><th scope="row"><code>{id}</code> {}</th><td>{}</td><td>{}</td><td class="num">{} ms</td><td>{}</td></tr>"#,
                esc(&i.title),
                i.severity.as_str(),
                badge(i.status.as_str()),
                i.duration_ms,
                esc(i.detail.lines().next().unwrap_or("")),
                id = esc(&i.id),
            );
        }
        table_end(out);
        out.push_str("</article>");
    }
}

fn playbooks(out: &mut String, runs: &Vec<RunReport>) {
    if runs.is_empty() {
        out.push_str("<p>No playbook runs in this environment.</p>");
    }
    for r in runs {
        let id = r.run_id.as_deref().unwrap_or("-");
        let _ = write!(
            out,
            r#"<article data-run="{id}" aria-labelledby="run-{id}"><h3 id="run-{id}">{} run <code>{id}</code>: {}</h3><p>Started by {} at {}{}</p>"#,
            esc(&r.playbook),
            badge(r.status.as_str()),
            esc(r.started_by.as_deref().unwrap_or("?")),
            esc(r.started_at.as_deref().unwrap_or("?")),
            r.finished_at
                .as_deref()
                .map(|f| format!(", finished at {}", esc(f)))
                .unwrap_or_default(),
            id = esc(id),
        );
        if let Some(c) = &r.response {
            let _ = write!(
                out,
                r#"<p class="deadline">Incident level {}: respond by {} {}; next update due {} {}</p>"#,
                esc(&c.level),
                esc(&c.respond_by),
                if c.overdue {
                    badge("overdue")
                } else {
                    badge("on_time")
                },
                esc(&c.update_due),
                if c.update_overdue {
                    badge("overdue")
                } else {
                    badge("on_time")
                },
            );
        }
        let waiting: Vec<_> = r
            .steps
            .iter()
            .filter(|s| s.status.as_str() == "waiting")
            .collect();
        for s in waiting {
            let _ = write!(
                out,
                r#"<p class="approval">Waiting for approval: <code>{}</code> {} ({} of {} approvals)</p>"#,
                esc(&s.id),
                esc(&s.title),
                s.approvals.len(),
                s.approvals_needed.unwrap_or(0).max(1)
            );
        }
        table_start(
            out,
            &format!("Steps of run {id}"),
            &["Step", "Phase", "Kind", "Status", "Detail"],
        );
        for s in &r.steps {
            let _ = write!(
                out,
                r#"<tr data-step="{sid}"><th scope="row"><code>{sid}</code> {}</th><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>"#,
                esc(&s.title),
                esc(&s.phase),
                esc(&s.kind),
                badge(s.status.as_str()),
                esc(&s.detail),
                sid = esc(&s.id),
            );
        }
        table_end(out);
        out.push_str("</article>");
    }
}

fn rollout(out: &mut String, r: &RolloutView) {
    let _ = write!(
        out,
        r#"<p>Deployment <code>{}</code> in namespace <code>{}</code> ({}): {} · {} of {} updated, {} available</p><p>{}</p>"#,
        esc(&r.deployment),
        esc(&r.namespace),
        esc(&r.cluster),
        badge(r.state),
        r.updated,
        r.desired,
        r.available,
        esc(&r.detail)
    );
    table_start(
        out,
        "Revision history, newest first",
        &["Revision", "Change cause", "Images", "Created", "Schema"],
    );
    for h in &r.history {
        let _ = write!(
            out,
            r#"<tr><th scope="row">{}{}</th><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>"#,
            h.revision,
            if h.current { " (current)" } else { "" },
            esc(h.change_cause.as_deref().unwrap_or("")),
            esc(&h.images.join(", ")),
            esc(h.created.as_deref().unwrap_or("")),
            h.schema_version.map(|v| v.to_string()).unwrap_or_default()
        );
    }
    table_end(out);
}

fn backups(out: &mut String, list: &Vec<BackupView>) {
    if list.is_empty() {
        out.push_str("<p>No backups in the storage.</p>");
        return;
    }
    table_start(
        out,
        "Latest backups, newest first",
        &[
            "Backup",
            "Finished",
            "Size",
            "Verified",
            "Restore time (RTO)",
        ],
    );
    for b in list {
        let (verified, rto) = match &b.verified {
            Some(v) => (
                format!(
                    "{} {}{}",
                    badge(if v.ok { "pass" } else { "fail" }),
                    time(v.verified_at),
                    if v.deep { " (deep)" } else { "" }
                ),
                v.restore_ms
                    .map(|ms| format!("{:.1} s", ms as f64 / 1000.0))
                    .unwrap_or_default(),
            ),
            None => (badge("unverified"), String::new()),
        };
        let _ = write!(
            out,
            r#"<tr><th scope="row"><code>{}</code></th><td>{}</td><td class="num">{}</td><td>{verified}</td><td>{rto}</td></tr>"#,
            esc(&b.manifest.id),
            time(b.manifest.finished_at),
            crate::db::human_bytes(b.manifest.size_bytes),
        );
    }
    table_end(out);
}

fn flags(out: &mut String, list: &Vec<Flag>) {
    if list.is_empty() {
        out.push_str("<p>No feature flags.</p>");
        return;
    }
    table_start(
        out,
        "Feature flags",
        &["Flag", "State", "Rollout", "Updated"],
    );
    for f in list {
        let _ = write!(
            out,
            r#"<tr data-flag="{name}"><th scope="row"><code>{name}</code></th><td>{}</td><td class="num">{}%</td><td>{}</td></tr>"#,
            badge(if f.enabled { "on" } else { "off" }),
            f.rollout_percentage,
            esc(&f.updated_at),
            name = esc(&f.name),
        );
    }
    table_end(out);
}

fn table_start(out: &mut String, caption: &str, heads: &[&str]) {
    let _ = write!(
        out,
        "<div class=\"scroll\"><table><caption>{}</caption><thead><tr>",
        esc(caption)
    );
    for h in heads {
        let _ = write!(out, r#"<th scope="col">{h}</th>"#);
    }
    out.push_str("</tr></thead><tbody>");
}

fn table_end(out: &mut String) {
    out.push_str("</tbody></table></div>");
}

/// A status in words, coloured by its class: the colour only repeats it.
fn badge(status: &str) -> String {
    let tone = match status {
        "pass" | "passed" | "ticked" | "complete" | "on" | "on_time" => "good",
        "fail" | "failed" | "error" | "expired" | "waiver_lapsed" | "overdue" | "rolled_back"
        | "interrupted" => "bad",
        "warn" | "waiting" | "progressing" | "running" | "waived" | "unverified" => "warn",
        _ => "neutral",
    };
    let icon = match tone {
        "good" => "✔",
        "bad" => "✖",
        "warn" => "!",
        _ => "•",
    };
    format!(
        r#"<span class="badge {tone}" data-status="{s}"><span aria-hidden="true">{icon} </span>{}</span>"#,
        esc(&status.replace('_', " ")),
        s = esc(status),
    )
}

fn time(t: DateTime<Utc>) -> String {
    format!(
        r#"<time datetime="{}">{}</time>"#,
        t.to_rfc3339(),
        t.format("%Y-%m-%d %H:%M:%S UTC")
    )
}

/// Text for HTML content and attribute values.
fn esc(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for ch in text.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_and_says_status_in_words() {
        assert_eq!(
            esc(r#"<a href="x">&'"#),
            "&lt;a href=&quot;x&quot;&gt;&amp;&#39;"
        );
        let b = badge("waiver_lapsed");
        assert!(b.contains(">waiver lapsed</span>"), "{b}");
        assert!(b.contains("class=\"badge bad\""), "{b}");
    }
}
