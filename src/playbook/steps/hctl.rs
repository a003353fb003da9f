//! `hctl:` (and `preflight:`) steps: an hctl subcommand run in-process
//! against the run's environment with `-o json`, its report kept as the
//! step's evidence and its exit code (0/1/2/3) as the outcome. In a dry run
//! a subcommand with a `--dry-run` of its own runs with it; others are listed.

use super::{Done, StepOutcome, evidence};
use crate::config::redact::redact_url;
use crate::playbook::{Hctl, HctlStep};

/// What a subcommand publishes: (output name, JSON pointer into its report;
/// `POINTER#` is an array's length, `POINTER?` whether it is non-empty).
const OUTPUTS: &[(&str, &[(&str, &str)])] = &[
    ("db backup", &[("backup_id", "/id")]),
    (
        "db migrate",
        &[
            ("applied", "/applied#"),
            ("migrated", "/applied?"),
            ("schema_version", "/schema_version"),
        ],
    ),
    ("db restore", &[("safety_backup_id", "/safety_backup_id")]),
    (
        "flags ramp",
        &[("outcome", "/outcome"), ("rollout", "/rollout")],
    ),
    (
        "rollback",
        &[("from_revision", "/from"), ("to_revision", "/to")],
    ),
    ("rollout status", &[("revision", "/revision")]),
    ("rollout apply", &[("outcome", "/rollout/outcome")]),
];

/// The outputs of `command` (e.g. `db backup` → `backup_id`).
pub fn outputs(command: &str) -> &'static [(&'static str, &'static str)] {
    OUTPUTS
        .iter()
        .find(|(c, _)| *c == command)
        .map_or(&[], |(_, o)| o)
}

/// The argv as the ledger and the table show it: URLs redacted.
pub fn shown(argv: &[String]) -> Vec<String> {
    argv.iter().map(|a| redact_url(a)).collect()
}

/// Run one attempt.
pub async fn run(
    hctl: &dyn Hctl,
    step: &HctlStep,
    mut argv: Vec<String>,
    yes: bool,
    dry_run: bool,
) -> Done {
    let line = format!("hctl {}", shown(&argv).join(" "));
    if dry_run {
        if !step.dry_run {
            return Done::new(StepOutcome::WouldRun, format!("would run `{line}`"));
        }
        argv.push("--dry-run".into());
    }
    let out = hctl.run(argv, yes).await;
    let outcome = StepOutcome::from_code(out.code);
    let report = evidence(&out.stdout);
    let detail = out
        .error
        .clone()
        .or_else(|| report.as_ref().and_then(describe))
        .unwrap_or_else(|| format!("`{line}` exited {}", out.code));
    let mut done = Done::new(outcome, detail);
    done.exit_code = Some(i32::from(out.code));
    if let Some(report) = &report {
        for (name, pointer) in outputs(&step.command) {
            if let Some(value) = output(report, pointer) {
                done.outputs.insert((*name).to_string(), value);
            }
        }
    }
    done.evidence = report;
    done
}

/// The value at `pointer` (see [`OUTPUTS`]) as text; scalars only.
fn output(report: &serde_json::Value, pointer: &str) -> Option<String> {
    use serde_json::Value;
    if let Some(array) = pointer.strip_suffix('#') {
        return Some(report.pointer(array)?.as_array()?.len().to_string());
    }
    if let Some(array) = pointer.strip_suffix('?') {
        return Some((!report.pointer(array)?.as_array()?.is_empty()).to_string());
    }
    match report.pointer(pointer)? {
        Value::String(s) => Some(s.clone()),
        v @ (Value::Number(_) | Value::Bool(_)) => Some(v.to_string()),
        _ => None,
    }
}

/// One line from a command's JSON report: a gate's failing items, a
/// rollout's detail, or a result word.
fn describe(report: &serde_json::Value) -> Option<String> {
    if let (Some(summary), Some(items)) = (report.get("summary"), report.get("items")) {
        let failed: Vec<&str> = items
            .as_array()?
            .iter()
            .filter(|i| matches!(i["status"].as_str(), Some("fail" | "error")))
            .filter_map(|i| i["id"].as_str())
            .collect();
        let total = summary["total"].as_u64().unwrap_or(0);
        return Some(if failed.is_empty() {
            format!(
                "{} pass, {} warn, {} skip of {total}",
                summary["pass"], summary["warn"], summary["skip"]
            )
        } else {
            format!("{} of {total} failed: {}", failed.len(), failed.join(", "))
        });
    }
    if let (Some(applied), Some(version)) = (
        report.get("applied").and_then(|a| a.as_array()),
        report.get("schema_version"),
    ) {
        let verb = if report["dry_run"] == true {
            "would apply"
        } else {
            "applied"
        };
        return Some(format!(
            "{verb} {} migrations (schema version {version})",
            applied.len()
        ));
    }
    ["/rollout/detail", "/detail", "/result", "/outcome"]
        .iter()
        .find_map(|p| report.pointer(p).and_then(|v| v.as_str()))
        .filter(|s| !s.is_empty())
        .map(str::to_string)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reports_are_described_by_what_failed() {
        let report = serde_json::json!({
            "summary": {"total": 3, "pass": 1, "warn": 0, "skip": 0},
            "items": [{"id": "a", "status": "pass"}, {"id": "b", "status": "fail"}, {"id": "c", "status": "error"}]
        });
        assert_eq!(describe(&report).unwrap(), "2 of 3 failed: b, c");
        let rollout = serde_json::json!({"rollout": {"detail": "pod crash-looping"}});
        assert_eq!(describe(&rollout).unwrap(), "pod crash-looping");
    }

    #[test]
    fn outputs_read_scalars_and_arrays() {
        let report =
            serde_json::json!({"id": "b1", "applied": [{"v": 1}, {"v": 2}], "none": [], "from": 3});
        assert_eq!(output(&report, "/id").as_deref(), Some("b1"));
        assert_eq!(output(&report, "/from").as_deref(), Some("3"));
        assert_eq!(output(&report, "/applied#").as_deref(), Some("2"));
        assert_eq!(output(&report, "/applied?").as_deref(), Some("true"));
        assert_eq!(output(&report, "/none?").as_deref(), Some("false"));
        assert_eq!(output(&report, "/missing"), None);
    }

    #[test]
    fn known_commands_publish_outputs() {
        assert_eq!(outputs("db backup"), &[("backup_id", "/id")]);
        assert!(outputs("flags enable").is_empty());
    }
}
