//! Resume: a failed step runs again and passed ones do not; a runner killed
//! with SIGKILL leaves its step recorded as interrupted, never as passed; one
//! active run per playbook and environment.

use std::time::Duration;

use serde_json::Value;

use super::{Stage, step, wait_for_file};

const BACKUP_THEN_HEALTH: &str = r#"name: release
phases:
  - name: prepare
    steps:
      - id: backup
        hctl: [db, backup, --note, "before the release"]
      - id: health
        check: { kind: http, url: "{{ env.url }}/api/healthz", json: { status: ok } }
        timeout: 2s
      - id: after
        run: [echo, "backup {{ steps.backup.backup_id }} is safe"]
"#;

/// `health` fails while the server is down; once it is up, `resume` goes on
/// at `health`: no second backup, and the ledger has both attempts.
#[test]
fn resume_reruns_the_failed_step_and_not_the_passed_ones() {
    let mut stage = Stage::new();
    stage.playbook("release", BACKUP_THEN_HEALTH);
    let run = stage.hctl(&["playbook", "run", "release"]);
    run.code(1);
    let id = Stage::run_id(&run);
    run.assert_stderr_has("failed at `health`");

    stage.serve();
    let resumed = stage.hctl(&["-o", "json", "playbook", "resume", &id]);
    resumed.code(0);
    let report: Value = serde_json::from_str(&resumed.stdout).unwrap();
    assert_eq!(report["status"], "passed", "{report:#}");
    let backup = step(&report, "backup");
    assert_eq!(
        backup["attempts"].as_array().unwrap().len(),
        1,
        "backup ran once"
    );
    let health = step(&report, "health");
    let outcomes: Vec<&str> = health["attempts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["outcome"].as_str().unwrap())
        .collect();
    assert_eq!(outcomes, ["error", "pass"], "{health:#}");
    let backup_id = backup["outputs"]["backup_id"].as_str().unwrap();
    assert_eq!(
        step(&report, "after")["argv"][1],
        format!("backup {backup_id} is safe").as_str(),
        "outputs of steps before the resume are read back from the ledger"
    );
    assert_eq!(
        stage.json(&["db", "backups"]).as_array().unwrap().len(),
        1,
        "one backup exists"
    );

    let log = stage.json(&["playbook", "log", &id]);
    let health_starts = log["events"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["kind"] == "step_started" && e["step"] == "health")
        .count();
    assert_eq!(health_starts, 2, "the ledger shows both attempts");
    let again = stage.hctl(&["playbook", "resume", &id]);
    again
        .code(2)
        .assert_stderr_has("has passed: nothing to resume");
}

const SLOW: &str = r#"name: slow
phases:
  - name: only
    steps:
      - id: slow
        shell: "if [ -e started ]; then echo second; else touch started; sleep 3; touch survived; fi"
      - id: after
        shell: "touch after"
"#;

/// SIGKILL during a step: the run is interrupted, a second `run` is refused
/// while the first one lives, and `resume` records the step as interrupted
/// and runs it again. The killed runner's shell died with it.
#[test]
fn a_killed_runner_leaves_the_step_interrupted_and_resume_reruns_it() {
    let stage = Stage::new();
    stage.playbook("slow", SLOW);
    let dir = stage.cluster.sandbox.path().to_path_buf();
    let mut child = stage.spawn(&["playbook", "run", "slow"]);
    assert!(
        wait_for_file(&dir.join("started"), Duration::from_secs(20)),
        "the step started"
    );

    let second = stage.hctl(&["playbook", "run", "slow"]);
    second.code(2);
    second.assert_stderr_has("already has an active run in `local`");
    second.assert_stderr_has("by ana on ");

    child.kill().expect("SIGKILL the runner");
    child.wait().unwrap();
    let runs = stage.json(&["playbook", "runs", "slow"]);
    let run = &runs[0];
    assert_eq!(run["status"], "interrupted", "{run:#}");
    assert_eq!(step(run, "slow")["status"], "interrupted");
    let id = run["run_id"].as_str().unwrap().to_string();

    let resumed = stage.hctl(&["-o", "json", "playbook", "resume", &id]);
    resumed.code(0);
    let report: Value = serde_json::from_str(&resumed.stdout).unwrap();
    let outcomes: Vec<&str> = step(&report, "slow")["attempts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["outcome"].as_str().unwrap())
        .collect();
    assert_eq!(outcomes, ["interrupted", "pass"], "{report:#}");
    assert!(dir.join("after").exists());
    let log = stage.json(&["playbook", "log", &id]);
    assert!(
        log["events"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["kind"] == "step_interrupted" && e["step"] == "slow"),
        "{log:#}"
    );
    std::thread::sleep(Duration::from_secs(3));
    assert!(
        !dir.join("survived").exists(),
        "the killed runner's step did not run on"
    );
}
