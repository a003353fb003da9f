//! The shipped `launch` playbook on the emulator: a release that crash-loops
//! is rolled back to what ran before, and a dry run changes nothing.

use serde_json::Value;

use super::{Stage, V1, step};
use crate::kube::NS;

const CRASHLOOP: &str = "ghcr.io/healthtracker/api:crashloop";

fn revisions(stage: &Stage) -> Vec<String> {
    let mut revs: Vec<String> = stage
        .cluster
        .emu
        .list("ReplicaSet", NS)
        .iter()
        .map(|rs| {
            rs["metadata"]["annotations"]["deployment.kubernetes.io/revision"]
                .as_str()
                .unwrap_or("")
                .to_string()
        })
        .collect();
    revs.sort();
    revs
}

/// The run waits at `go` for two approvals, gets them, deploys a crash-looping
/// image: `deploy` fails, the rollback section runs, the Deployment is back at
/// the revision's template that ran before, the webhook heard of it, exit 1.
#[test]
fn a_crash_looping_release_is_rolled_back_and_announced() {
    let mut stage = Stage::new();
    stage.serve();
    stage.shipped("launch");
    stage.deploy(V1);
    let before = stage.cluster.deployment()["spec"]["template"].clone();
    let image = format!("--param=image={CRASHLOOP}");

    let run = stage.hctl(&["playbook", "run", "launch", &image]);
    run.code(2);
    let id = Stage::run_id(&run);
    run.assert_stderr_has("needs 2 approvals by people other than ana");
    for who in ["bo", "cy"] {
        stage
            .hctl(&[
                "playbook",
                "approve",
                &id,
                "go",
                "--as",
                who,
                "--note",
                "go/no-go call",
            ])
            .code(0);
    }
    let resumed = stage.hctl(&["-o", "json", "playbook", "resume", &id]);
    resumed.code(1);
    let report: Value = serde_json::from_str(&resumed.stdout).unwrap();
    assert_eq!(report["run_id"], id.as_str());
    assert_eq!(report["status"], "rolled_back", "{report:#}");
    assert_eq!(report["failed_step"], "deploy");
    assert_eq!(step(&report, "gate")["status"], "passed", "{report:#}");
    assert_eq!(step(&report, "deploy")["status"], "failed");
    assert!(
        step(&report, "deploy")["detail"]
            .as_str()
            .unwrap()
            .contains("CrashLoopBackOff"),
        "{report:#}"
    );
    for later in ["health", "flags", "announce"] {
        assert_eq!(
            step(&report, later)["status"],
            "pending",
            "{later} never ran"
        );
    }
    assert_eq!(step(&report, "undo")["status"], "passed", "{report:#}");
    assert_eq!(
        step(&report, "undo")["argv"][2],
        "1",
        "back to the revision that ran before"
    );
    assert_eq!(
        step(&report, "restore")["status"],
        "skipped",
        "the migration changed nothing"
    );
    assert_eq!(
        step(&report, "go")["approvals"].as_array().unwrap().len(),
        2
    );

    stage.cluster.settle();
    assert_eq!(stage.cluster.image(), V1);
    assert_eq!(stage.cluster.deployment()["spec"]["template"], before);
    let current = stage.cluster.revision();
    assert_eq!(
        current, "3",
        "kubectl semantics: the old template comes back as a new revision"
    );
    let alerts = stage.hook.texts();
    assert!(
        alerts
            .iter()
            .any(|t| t.contains("launch failed at `deploy`") && t.contains(CRASHLOOP)),
        "{alerts:?}"
    );
    assert!(!alerts.iter().any(|t| t.contains("is live")), "{alerts:?}");
    // One backup, taken before the deploy.
    let backups = stage.json(&["db", "backups"]);
    assert_eq!(backups.as_array().unwrap().len(), 1, "{backups:#}");
}

/// A dry run renders everything and runs only what has a dry run of its own:
/// no new revision, no backup, no flag change, no webhook call, no ledger row.
#[test]
fn a_dry_run_changes_nothing_anywhere() {
    let mut stage = Stage::new();
    stage.serve();
    stage.shipped("launch");
    stage.deploy(V1);
    let flag = |stage: &Stage| stage.hctl(&["-o", "json", "flags", "list"]).stdout;
    let flags_before = flag(&stage);
    let revisions_before = revisions(&stage);

    let run = stage.hctl(&[
        "-o",
        "json",
        "playbook",
        "run",
        "launch",
        "--param",
        "image=ghcr.io/healthtracker/api:1.1.0",
        "--dry-run",
    ]);
    run.code(0);
    let report: Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(report["run_id"], Value::Null);
    assert_eq!(report["dry_run"], true);
    assert_eq!(
        step(&report, "deploy")["status"],
        "passed",
        "ran with its own --dry-run: {report:#}"
    );
    assert_eq!(step(&report, "backup")["status"], "would_run");
    assert_eq!(step(&report, "flags")["status"], "would_run");
    assert_eq!(step(&report, "announce")["status"], "would_run");
    assert_eq!(step(&report, "go")["status"], "would_run");
    assert!(
        step(&report, "undo")["detail"]
            .as_str()
            .unwrap()
            .contains("hctl rollback --to-revision <steps.before.revision> --wait"),
        "the rollback plan is shown, rendered as far as a dry run knows: {report:#}"
    );

    assert_eq!(
        revisions(&stage),
        revisions_before,
        "no new ReplicaSet revision"
    );
    assert_eq!(stage.cluster.revision(), "1");
    assert_eq!(stage.cluster.image(), V1);
    assert!(
        stage
            .json(&["db", "backups"])
            .as_array()
            .unwrap()
            .is_empty(),
        "no backup"
    );
    assert_eq!(flag(&stage), flags_before, "no flag change");
    assert!(stage.hook.texts().is_empty(), "no webhook call");
    assert_eq!(
        stage.json(&["playbook", "runs"]),
        Value::Array(vec![]),
        "nothing recorded"
    );
}
