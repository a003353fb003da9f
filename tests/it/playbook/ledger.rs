//! The ledger finds tampering, and broken playbooks are located.

use super::Stage;

const QUICK: &str = r#"name: quick
phases:
  - name: only
    steps:
      - id: one
        shell: "echo one"
      - id: two
        shell: "echo two"
"#;

/// Tamper with the ledger as someone with database access would.
fn sql(url: &str, statement: &str) {
    let out = std::process::Command::new("psql")
        .args([url, "-v", "ON_ERROR_STOP=1", "-c", statement])
        .output()
        .expect("psql is installed with PostgreSQL");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// An edited row and a deleted row are each found by `log --verify`.
#[test]
fn log_verify_finds_an_edited_or_deleted_row() {
    let stage = Stage::new();
    stage.playbook("quick", QUICK);
    let mut ids = Vec::new();
    for _ in 0..2 {
        let run = stage.hctl(&["playbook", "run", "quick"]);
        run.code(0);
        ids.push(Stage::run_id(&run));
    }
    for id in &ids {
        stage
            .hctl(&["playbook", "log", id, "--verify"])
            .code(0)
            .assert_stdout_has("chain intact");
    }
    sql(
        &stage.db.url,
        &format!(
            "UPDATE hctl_playbook_events SET actor = 'mallory' WHERE run_id = '{}' AND seq = 3",
            ids[0]
        ),
    );
    let edited = stage.hctl(&["playbook", "log", &ids[0], "--verify"]);
    edited
        .code(1)
        .assert_stderr_has("ledger broken at row 3")
        .assert_stderr_has("changed after it was written");
    sql(
        &stage.db.url,
        &format!(
            "DELETE FROM hctl_playbook_events WHERE run_id = '{}' AND seq = 2",
            ids[1]
        ),
    );
    let deleted = stage.hctl(&["-o", "json", "playbook", "log", &ids[1], "--verify"]);
    deleted.code(1);
    let report: serde_json::Value = serde_json::from_str(&deleted.stdout).unwrap();
    assert_eq!(report["verified"]["ok"], false);
    assert_eq!(report["verified"]["broken"]["seq"], 2);
    let resume = stage.hctl(&["playbook", "resume", &ids[1], "--from", "one"]);
    resume
        .code(3)
        .assert_stderr_has("fails verification at row 2");
    stage
        .hctl(&["playbook", "log", &ids[0], "-o", "markdown"])
        .code(0)
        .assert_stdout_has("## Sign-off");
}

/// An unknown step kind, an unknown hctl subcommand and an unknown template
/// reference are each reported at their file, line and column (exit 2).
#[test]
fn broken_playbooks_are_located() {
    let stage = Stage::new();
    stage.playbook(
        "kind",
        "name: kind\nphases:\n  - name: p\n    steps:\n      - id: a\n        deploy: [x]\n",
    );
    stage.playbook(
        "sub",
        "name: sub\nphases:\n  - name: p\n    steps:\n      - id: a\n        hctl: [rollbak, --wait]\n",
    );
    stage.playbook(
        "tpl",
        "name: tpl\nphases:\n  - name: p\n    steps:\n      - id: a\n        hctl: [db, backup, --note, \"{{ params.image }}\"]\n      - id: b\n        shell: \"echo {{ steps.a.backup_idd }}\"\n",
    );
    let run = stage.hctl(&["playbook", "list"]);
    run.code(2);
    run.assert_stderr_has("playbooks/kind.yaml:6:9: unknown field `deploy`");
    run.assert_stderr_has("playbooks/sub.yaml:6:16: step `a`: `hctl rollbak --wait`: unrecognized subcommand 'rollbak'");
    run.assert_stderr_has("playbooks/tpl.yaml:6:36: unknown parameter `params.image`");
    run.assert_stderr_has("playbooks/tpl.yaml:8:16: step `a` has no output `backup_idd` (it publishes: status, ran, passed, exit_code, detail, backup_id)");
    let one = stage.hctl(&["playbook", "run", "sub"]);
    one.code(2).assert_stderr_has("playbooks/sub.yaml:6:16:");
    // `config validate` locates the same problems, one row each.
    let validate = stage.hctl(&["config", "validate", "-o", "json"]);
    validate.code(2);
    let report: serde_json::Value = serde_json::from_str(&validate.stdout).unwrap();
    let problems: Vec<String> = report["problems"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["kind"] == "playbook")
        .map(|p| {
            format!(
                "{}:{}:{}",
                p["file"].as_str().unwrap(),
                p["line"],
                p["column"]
            )
        })
        .collect();
    for place in [
        "playbooks/kind.yaml:6:9",
        "playbooks/sub.yaml:6:16",
        "playbooks/tpl.yaml:6:36",
        "playbooks/tpl.yaml:8:16",
    ] {
        assert!(
            problems.iter().any(|p| p.ends_with(place)),
            "config validate lacks {place}: {problems:?}"
        );
    }
}

#[test]
fn the_shipped_playbooks_work_outside_any_project() {
    let sb = crate::support::Sandbox::new();
    let run = sb.run(&["playbook", "list", "-o", "json"]);
    run.code(0);
    for name in ["incident", "launch", "rollback"] {
        run.assert_stdout_has(&format!("\"{name}\""));
    }
    sb.run(&["playbook", "show", "launch"])
        .code(0)
        .assert_stdout_has("pre-launch");
}

/// A dry run changes nothing anywhere, on the embedded default too: the
/// looks it takes (`db migrate --dry-run`, `--lint`, `db status`) read a
/// SQLite file that does not exist yet as empty instead of creating it.
#[test]
fn a_dry_run_on_the_embedded_default_creates_no_database() {
    let sb = crate::support::Sandbox::new();
    for args in [
        &["db", "migrate", "--dry-run"][..],
        &["db", "migrate", "--lint"],
        &["db", "status"],
    ] {
        sb.run(args).code(0);
    }
    sb.run(&["db", "migrate", "--dry-run"])
        .assert_stdout_has("would apply 0001");
    let run = sb.run(&[
        "playbook",
        "run",
        "launch",
        "--dry-run",
        "--as",
        "ana",
        "--param",
        "image=api:1",
    ]);
    assert_ne!(run.code, 2, "{}", run.stderr);
    let left: Vec<_> = std::fs::read_dir(sb.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(
        !left.iter().any(|name| name.starts_with("healthtracker.db")),
        "a dry run created {left:?}"
    );
}
