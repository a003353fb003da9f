//! Confirmations in CI and approvals by several people; the incident
//! playbook's deadline clock.

use serde_json::Value;

use super::{Stage, step};

const TWO_PEOPLE: &str = r#"name: change
phases:
  - name: only
    steps:
      - id: go
        confirm: "Change production?"
        approvals: 2
      - id: change
        shell: "touch changed"
"#;

/// The starter cannot approve; the same person twice counts once; a second
/// person lets the run go on.
#[test]
fn approvals_need_distinct_people_other_than_the_starter() {
    let stage = Stage::new();
    stage.playbook("change", TWO_PEOPLE);
    let run = stage.hctl(&["playbook", "run", "change", "--yes"]);
    run.code(2);
    let id = Stage::run_id(&run);
    run.assert_stderr_has("needs 2 approvals by people other than ana, has 0");

    let own = stage.hctl(&["playbook", "approve", &id, "go"]);
    own.code(2).assert_stderr_has("ana started run");
    stage
        .hctl(&["playbook", "approve", &id, "go", "--as", "bo"])
        .code(0);
    stage
        .hctl(&["playbook", "approve", &id, "go", "--as", "bo"])
        .code(0)
        .assert_stderr_has("counts once");
    let still = stage.hctl(&["playbook", "resume", &id, "--yes"]);
    still.code(2).assert_stderr_has("has 1 (bo)");
    assert!(!stage.cluster.sandbox.path().join("changed").exists());

    stage
        .hctl_with(
            &["playbook", "approve", &id, "go", "--note", "CAB-4411"],
            &[("HCTL_ACTOR", "cy")],
        )
        .code(0)
        .assert_stderr_has("(2 of 2)");
    let done = stage.hctl(&["-o", "json", "playbook", "resume", &id]);
    done.code(0);
    let report: Value = serde_json::from_str(&done.stdout).unwrap();
    assert_eq!(report["status"], "passed");
    let approvers: Vec<&str> = step(&report, "go")["approvals"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["actor"].as_str().unwrap())
        .collect();
    assert_eq!(approvers, ["bo", "cy"]);
    assert_eq!(step(&report, "go")["approvals"][1]["note"], "CAB-4411");
    assert!(stage.cluster.sandbox.path().join("changed").exists());
}

const CONFIRM: &str = r#"name: ci
phases:
  - name: only
    steps:
      - id: before
        shell: "touch before"
      - id: go
        confirm: "Go on?"
      - id: after
        shell: "touch after"
"#;

/// In CI (no terminal) without `--yes`, a confirm step stops the run as
/// `waiting` with exit 2 and nothing after it runs; `resume --yes` goes on.
#[test]
fn ci_without_yes_waits_at_a_confirmation() {
    let stage = Stage::new();
    stage.playbook("ci", CONFIRM);
    let run = stage.hctl(&["-o", "json", "playbook", "run", "ci"]);
    run.code(2);
    let report: Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(report["status"], "waiting");
    assert_eq!(step(&report, "before")["status"], "passed");
    assert_eq!(step(&report, "go")["status"], "waiting");
    assert_eq!(step(&report, "after")["status"], "pending");
    let dir = stage.cluster.sandbox.path();
    assert!(dir.join("before").exists() && !dir.join("after").exists());
    run.assert_stderr_has("pass --yes");

    let id = report["run_id"].as_str().unwrap();
    let another = stage.hctl(&["playbook", "run", "ci"]);
    another.code(2);
    another.assert_stderr_has(&format!("note: run `{id}` of `ci` is still waiting"));
    stage.hctl(&["playbook", "resume", id, "--yes"]).code(0);
    assert!(dir.join("after").exists());
}

/// The shipped incident playbook: a P1 run opens (the webhook hears it with
/// its deadline), waits for someone to take it, and `runs` shows its clock.
#[test]
fn an_incident_run_keeps_its_deadline() {
    let stage = Stage::new();
    stage.shipped("incident");
    let run = stage.hctl(&[
        "playbook",
        "run",
        "incident",
        "--param",
        "severity=P1",
        "--param",
        "summary=login errors",
    ]);
    run.code(2);
    let id = Stage::run_id(&run);
    let texts = stage.hook.texts();
    assert!(
        texts.iter().any(|t| t.contains("P1 incident")
            && t.contains("login errors")
            && t.contains("Respond by")),
        "{texts:?}"
    );
    assert!(
        texts.iter().all(|t| t.contains("next update due by")),
        "{texts:?}"
    );
    let runs = stage.json(&["playbook", "runs", "incident"]);
    let clock = &runs[0]["response"];
    assert_eq!(runs[0]["run_id"], id.as_str());
    assert_eq!(runs[0]["status"], "waiting");
    assert_eq!(clock["level"], "P1");
    assert_eq!(clock["respond_within_secs"], 3600);
    assert_eq!(clock["update_every_secs"], 3600);
    assert_eq!(clock["overdue"], false);
    assert_eq!(step(&runs[0], "escalate")["status"], "skipped", "P0 only");
    assert_eq!(step(&runs[0], "acknowledged")["status"], "waiting");
    let table = stage.hctl(&["playbook", "runs"]);
    table.code(0).assert_stdout_has("P1 by ");
}
