//! `hctl checklist` end to end: ticks in SQLite (default) and PostgreSQL,
//! concurrent ticks both kept, status and --require-complete, the audit log,
//! the sign-off report, and ticks of items later removed from the file;
//! `shipped` covers the checklists embedded in the binary.

mod evidence;
mod items;
mod shipped;

use crate::support::Sandbox;
use crate::support::services::TestDb;

const LIST: &str = "\
name: launch
description: test launch
sections:
  - name: Morning
    items:
      - id: briefed
        title: Support team briefed
        owner: Support Lead
        manual: true
      - id: contacts
        title: Contacts filled in
        severity: warning
        owner: Launch Coordinator
        manual: true
  - name: Evening
    items:
      - id: lessons
        title: Lessons learned documented
        owner: Launch Coordinator
        manual: true
      - id: echo
        title: Automated echo
        check: { kind: command, shell: \"echo fine\" }
";

fn json(text: &str) -> serde_json::Value {
    serde_json::from_str(text).unwrap_or_else(|e| panic!("not JSON ({e}): {text}"))
}

/// Run `args(who)` for each of `who` at the same time; each must succeed.
fn at_once<'a>(sb: &Sandbox, who: &[&'a str], args: impl Fn(&'a str) -> Vec<&'a str>) {
    let mut children: Vec<_> = who
        .iter()
        .map(|w| sb.cmd(&args(w)).spawn().unwrap())
        .collect();
    for child in &mut children {
        assert!(child.wait().unwrap().success());
    }
}

fn sandbox() -> Sandbox {
    let sb = Sandbox::new();
    sb.write("checklists/launch.yaml", LIST);
    sb
}

#[test]
fn tick_status_log_and_report_on_sqlite() {
    let sb = sandbox();
    let run = sb.run(&["checklist", "list", "-o", "json"]);
    run.code(0);
    let doc = json(&run.stdout);
    let launch = doc
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == "launch")
        .unwrap_or_else(|| panic!("no launch: {doc}"));
    assert_eq!(launch["manual"], 3);
    assert_eq!(launch["origin"], "checklists/launch.yaml");

    sb.run(&["checklist", "status", "launch", "--require-complete"])
        .code(1);
    sb.run(&[
        "checklist",
        "tick",
        "launch",
        "briefed",
        "--as",
        "ana",
        "--note",
        "all-hands at 9",
    ])
    .code(0);
    sb.run(&["checklist", "tick", "launch", "lessons", "--as", "bo"])
        .code(0);
    sb.run(&["checklist", "status", "launch", "--require-complete"])
        .code(0);
    let run = sb.run(&["checklist", "status", "launch"]);
    run.code(0)
        .assert_stdout_has("1/2")
        .assert_stdout_has("1/1");

    sb.run(&["checklist", "untick", "launch", "lessons", "--as", "bo"])
        .code(0);
    let run = sb.run(&[
        "checklist",
        "status",
        "launch",
        "-o",
        "json",
        "--require-complete",
    ]);
    run.code(1);
    assert_eq!(
        json(&run.stdout)[0]["sections"][1]["open_critical"][0],
        "lessons"
    );

    let run = sb.run(&["checklist", "log", "launch", "-o", "json"]);
    let log = json(&run.stdout);
    let actions: Vec<_> = log
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            format!(
                "{} {} {}",
                e["action"].as_str().unwrap(),
                e["item_id"].as_str().unwrap(),
                e["actor"].as_str().unwrap()
            )
        })
        .collect();
    assert_eq!(
        actions,
        ["tick briefed ana", "tick lessons bo", "untick lessons bo"]
    );

    let run = sb.run(&["checklist", "report", "launch", "-o", "markdown"]);
    run.code(1);
    for part in [
        "ticked by ana at",
        "all-hands at 9",
        "`echo fine` exited 0",
        "not ticked",
        "## Sign-off",
    ] {
        run.assert_stdout_has(part);
    }

    let run = sb.run(&["checklist", "tick", "launch", "nope", "--as", "x"]);
    run.code(2);
    let run = sb.run(&["checklist", "tick", "launch", "--as", "x"]);
    run.code(2).assert_stderr_has("not a terminal");
}

#[test]
fn ticks_of_removed_items_are_reported_not_dropped() {
    let sb = sandbox();
    sb.run(&["checklist", "tick", "launch", "contacts", "--as", "ana"])
        .code(0);
    sb.write(
        "checklists/launch.yaml",
        &LIST.replace("id: contacts", "id: contact-list"),
    );
    let run = sb.run(&["checklist", "status", "launch"]);
    run.code(0)
        .assert_stderr_has("`contacts` was ticked by ana")
        .assert_stderr_has("no longer in checklist");
    let run = sb.run(&["checklist", "report", "launch", "-o", "json", "--no-checks"]);
    let doc = json(&run.stdout);
    let removed: Vec<_> = doc["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["section"] == "removed")
        .collect();
    assert_eq!(removed.len(), 1, "{doc}");
    assert_eq!(removed[0]["id"], "contacts");
    let run = sb.run(&["checklist", "log", "launch"]);
    run.assert_stdout_has("contacts (removed)");
}

#[test]
fn concurrent_ticks_on_postgres_are_both_kept() {
    let db = TestDb::new();
    let sb = sandbox();
    let set = format!("database_url={}", db.url);
    at_once(&sb, &["ana", "bo", "cy", "di"], |who| {
        vec![
            "checklist",
            "tick",
            "launch",
            "briefed",
            "--as",
            who,
            "--set",
            &set,
        ]
    });
    let run = sb.run(&["checklist", "log", "launch", "-o", "json", "--set", &set]);
    run.code(0);
    let mut who: Vec<_> = json(&run.stdout)
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["actor"].as_str().unwrap().to_string())
        .collect();
    who.sort();
    assert_eq!(who, ["ana", "bo", "cy", "di"]);
    let run = sb.run(&["checklist", "show", "launch", "-o", "json", "--set", &set]);
    assert!(
        json(&run.stdout)[0]["ticked"]["actor"].is_string(),
        "{}",
        run.stdout
    );
}

#[test]
fn help_documents_the_format() {
    let run = Sandbox::new().run(&["checklist", "--help"]);
    run.code(0);
    for part in [
        "manual: true",
        "{{ env.KEY }}",
        "retry_delay",
        "file:line:column",
    ] {
        run.assert_stdout_has(part);
    }
}

#[test]
fn tick_without_items_opens_a_picker_on_a_terminal() {
    use std::io::Write;
    use std::process::{Command, Stdio};
    let sb = sandbox();
    // `script` gives hctl a pseudo-terminal; we press space (select the first
    // open item) and enter.
    let line = format!(
        "{} checklist tick launch --as zed",
        env!("CARGO_BIN_EXE_hctl")
    );
    let mut cmd = Command::new("script");
    for (name, _) in std::env::vars().filter(|(n, _)| n.starts_with("HCTL_")) {
        cmd.env_remove(name);
    }
    let mut child = cmd
        .args(["-qec", &line, "/dev/null"])
        .current_dir(sb.path())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("`script` (util-linux) is installed");
    let mut stdin = child.stdin.take().unwrap();
    // Keys typed early wait in the terminal; the pause only makes that rare.
    std::thread::sleep(std::time::Duration::from_millis(1500));
    stdin.write_all(b" ").unwrap();
    std::thread::sleep(std::time::Duration::from_millis(300));
    stdin.write_all(b"\r").unwrap();
    std::thread::sleep(std::time::Duration::from_millis(800));
    drop(stdin);
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let run = sb.run(&["checklist", "log", "launch", "-o", "json"]);
    let log = json(&run.stdout);
    assert_eq!(log[0]["item_id"], "briefed", "{log}");
    assert_eq!(log[0]["actor"], "zed", "{log}");
}

#[test]
fn the_picker_lists_only_manual_items_and_esc_cancels_with_130() {
    let sb = sandbox();
    let run = sb.run_in_pty(
        &["checklist", "tick", "launch", "--as", "zed"],
        "esc cancels",
        "\\x1b",
    );
    assert_eq!(run.code, 130, "{}", run.stdout);
    run.assert_stdout_has("briefed")
        .assert_stdout_has("lessons");
    // Automated items are not ticked by hand.
    run.assert_stdout_lacks("echo");
    assert!(
        run.stdout.contains("\x1b[?25h"),
        "cursor shown again: {:?}",
        run.stdout
    );
    let log = json(&sb.run(&["checklist", "log", "launch", "-o", "json"]).stdout);
    assert_eq!(log.as_array().map(Vec::len), Some(0), "{log}");
}

#[test]
fn require_complete_names_what_is_missing_and_repeated_ticks_say_so() {
    let sb = sandbox();
    sb.run(&["checklist", "status", "launch", "--require-complete"])
        .code(1)
        .assert_stderr_has(
            "incomplete: 2 critical manual items not ticked: launch/briefed, launch/lessons",
        );
    sb.run(&["checklist", "tick", "launch", "briefed", "--as", "ana"])
        .code(0);
    sb.run(&["checklist", "tick", "launch", "briefed", "--as", "bo"])
        .code(0)
        .assert_stderr_has("ticked `briefed` in `launch` again as bo (it was ticked by ana at ");
    sb.run(&["checklist", "untick", "launch", "lessons", "--as", "bo"])
        .code(0)
        .assert_stderr_has("`lessons` in `launch` is not ticked: nothing to untick");
    let log = json(&sb.run(&["checklist", "log", "launch", "-o", "json"]).stdout);
    assert_eq!(
        log.as_array().map(Vec::len),
        Some(2),
        "the no-op untick records nothing: {log}"
    );
}

#[test]
fn report_by_tag_runs_only_the_tagged_items() {
    let sb = Sandbox::new();
    sb.write(
        "checklists/launch.yaml",
        &LIST.replace(
            "        check: { kind: command, shell: \"echo fine\" }\n",
            "        tags: [local]\n        check: { kind: command, shell: \"echo fine\" }\n      - id: prod-only\n        title: Production check\n        tags: [production]\n        check: { kind: command, shell: \"touch ran-production\" }\n",
        ),
    );
    let run = sb.run(&[
        "checklist",
        "report",
        "launch",
        "--tag",
        "local",
        "-o",
        "json",
    ]);
    let doc = json(&run.stdout);
    let ids: Vec<&str> = doc["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["echo"], "{doc}");
    assert!(
        !sb.path().join("ran-production").exists(),
        "a production item ran"
    );
    sb.run(&["checklist", "report", "launch", "--tag", "nope"])
        .code(2)
        .assert_stderr_has("--tag nope");
}
