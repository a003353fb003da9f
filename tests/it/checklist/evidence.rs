//! Ticks that carry evidence and expire, and waivers: `tick --evidence`,
//! `valid_for`, `waive --until`, seen the same in every output (table, JSON,
//! Markdown, JUnit, status, show, log), on SQLite and on PostgreSQL, and a
//! PostgreSQL tick store of an older release migrated in place.

use super::{at_once, json};
use crate::db::item;
use crate::support::services::{TestDb, block_on};
use crate::support::{Run, Sandbox};

const LIST: &str = "\
name: gate
sections:
  - name: People
    items:
      - id: pentest
        title: Penetration test completed
        owner: Security Lead
        manual: true
      - id: drill
        title: Restore drill rehearsed
        manual: true
        valid_for: 7d
      - id: sla
        title: SLA signed
        manual: true
  - name: Machines
    items:
      - id: broken
        title: A check that fails
        check: { kind: command, shell: \"echo 'disk 97% full'; exit 1\" }
";

fn sandbox() -> Sandbox {
    let sb = Sandbox::new();
    sb.write("checklists/gate.yaml", LIST);
    sb
}

/// Run SQL against the sandbox's tick store (SQLite file or PostgreSQL URL).
fn sql(url: &str, statement: &'static str) {
    let url = url.to_string();
    block_on(async move {
        let db = hctl::store::Db::connect(&url)
            .await
            .expect("open the tick store");
        hctl::on_pool!(&db, pool => sqlx::raw_sql(statement).execute(pool).await.map(|_| ()))
            .expect("run SQL");
    });
}

fn report(sb: &Sandbox, set: &[&str], format: &str) -> Run {
    let mut args = vec!["checklist", "report", "gate", "-o", format];
    args.extend_from_slice(set);
    sb.run(&args)
}

/// The whole story on one backend: `set` selects it (`--set database_url=…`).
fn evidence_expiry_and_waivers(sb: &Sandbox, set: &[&str], url: &str, age_drill: &'static str) {
    let run_args = |args: &[&str]| {
        let mut all = args.to_vec();
        all.extend_from_slice(set);
        sb.run(&all)
    };
    sb.write("pentest-report.txt", "findings: none\n");
    run_args(&[
        "checklist",
        "tick",
        "gate",
        "pentest",
        "--as",
        "ana",
        "--evidence",
        "pentest-report.txt",
    ])
    .code(0)
    .assert_stderr_has("with evidence pentest-report.txt (sha256 ");
    run_args(&[
        "checklist",
        "tick",
        "gate",
        "drill",
        "--as",
        "bo",
        "--evidence",
        "https://wiki.example/drills/2026-11",
    ])
    .code(0);
    run_args(&[
        "checklist",
        "tick",
        "gate",
        "sla",
        "--evidence",
        "missing.pdf",
    ])
    .code(2)
    .assert_stderr_has("--evidence `missing.pdf`: cannot read");

    // Evidence in the one result model, so in every format.
    let run = report(sb, set, "json");
    let doc = json(&run.stdout);
    let pentest = item(&doc, "pentest");
    assert_eq!(pentest["status"], "pass");
    assert_eq!(pentest["evidence"]["kind"], "file");
    assert_eq!(pentest["evidence"]["path"], "pentest-report.txt");
    let sha = pentest["evidence"]["sha256"].as_str().unwrap().to_string();
    let expected = String::from_utf8(
        std::process::Command::new("sha256sum")
            .arg(sb.path().join("pentest-report.txt"))
            .output()
            .expect("sha256sum (coreutils)")
            .stdout,
    )
    .unwrap();
    assert_eq!(
        sha,
        expected.split_whitespace().next().unwrap(),
        "same digest as sha256sum"
    );
    let drill = item(&doc, "drill");
    assert_eq!(
        drill["evidence"]["url"],
        "https://wiki.example/drills/2026-11"
    );
    assert!(
        drill["detail"].as_str().unwrap().contains(", valid until "),
        "{drill}"
    );
    report(sb, set, "table").assert_stdout_has("evidence: https://wiki.example/drills/2026-11");
    report(sb, set, "markdown")
        .assert_stdout_has(&format!("evidence: pentest-report.txt (sha256 {sha})"));
    report(sb, set, "junit").assert_stdout_has("evidence: https://wiki.example/drills/2026-11");

    // The drill was rehearsed nine days ago: past its valid_for of 7 days.
    sql(url, age_drill);
    let run = report(sb, set, "json");
    run.code(1);
    let drill = item(&json(&run.stdout), "drill").clone();
    assert_eq!(drill["status"], "fail");
    let detail = drill["detail"].as_str().unwrap();
    assert!(
        detail.starts_with("tick expired 2 days ago (ticked by bo at "),
        "{detail}"
    );
    assert!(detail.contains("valid for 7 days"), "{detail}");
    run_args(&["checklist", "status", "gate"])
        .code(0)
        .assert_stderr_has("the mark of `drill` in `gate` has expired");
    run_args(&["checklist", "status", "gate", "--require-complete"])
        .code(1)
        .assert_stderr_has("gate/drill");
    run_args(&["checklist", "show", "gate"]).assert_stdout_has("expired: bo ");

    // Waivers: a manual item and a failing automated one pass as `waived`.
    run_args(&[
        "checklist",
        "waive",
        "gate",
        "sla",
        "--reason",
        "legal signs Monday",
        "--until",
        "2026-11-01",
    ])
    .code(2)
    .assert_stderr_has("is in the past");
    run_args(&[
        "checklist",
        "waive",
        "gate",
        "nope",
        "--reason",
        "x",
        "--until",
        "2099-01-01",
    ])
    .code(2)
    .assert_stderr_has("no item `nope` in checklist `gate`");
    run_args(&["checklist", "waive", "gate", "sla", "--until", "2099-01-01"]).code(2);
    for (id, reason) in [
        ("sla", "legal signs Monday"),
        ("broken", "disk grows, cleanup booked"),
        ("drill", "next drill on the 9th"),
    ] {
        run_args(&[
            "checklist",
            "waive",
            "gate",
            id,
            "--reason",
            reason,
            "--until",
            "2099-12-31",
            "--as",
            "cy",
        ])
        .code(0)
        .assert_stderr_has("until 2100-01-01 00:00 UTC as cy");
    }
    let run = report(sb, set, "json");
    run.code(0);
    let doc = json(&run.stdout);
    assert_eq!(doc["summary"]["waived"], 3, "{doc}");
    for id in ["sla", "broken", "drill"] {
        assert_eq!(item(&doc, id)["status"], "waived", "{id}");
    }
    let broken = item(&doc, "broken")["detail"].as_str().unwrap().to_string();
    assert!(
        broken.starts_with(
            "waived by cy until 2100-01-01 00:00 UTC: disk grows, cleanup booked; check: "
        ),
        "{broken}"
    );
    assert!(
        broken.contains("disk 97% full"),
        "the check's finding stays visible: {broken}"
    );
    report(sb, set, "table")
        .assert_stdout_has("WAIVED")
        .assert_stdout_has("3 waived");
    report(sb, set, "markdown").assert_stdout_has("🏳️ waived | `sla`");
    let junit = report(sb, set, "junit");
    junit.assert_stdout_has("WAIVED: waived by cy until");
    crate::preflight::assert_valid_junit(sb, &junit.stdout);
    let mut preflight = vec!["preflight", "-c", "gate", "-o", "json"];
    preflight.extend_from_slice(set);
    let run = sb.run(&preflight);
    run.code(0);
    assert_eq!(json(&run.stdout)["summary"]["waived"], 3);
    let mut skip_manual = preflight.clone();
    skip_manual.push("--skip-manual");
    let run = sb.run(&skip_manual);
    run.code(0);
    assert_eq!(
        item(&json(&run.stdout), "broken")["status"],
        "waived",
        "waivers hold under --skip-manual"
    );
    run_args(&["checklist", "status", "gate", "--require-complete"]).code(0);
    run_args(&["checklist", "show", "gate"]).assert_stdout_has("waived: cy until 2100-01-01");

    // The audit log has every event with its evidence, reason and end.
    let run = run_args(&["checklist", "log", "gate", "-o", "json"]);
    let events = json(&run.stdout);
    let waive = events
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["action"] == "waive" && e["item_id"] == "sla")
        .unwrap_or_else(|| panic!("no waive event: {events}"));
    assert_eq!(waive["note"], "legal signs Monday");
    assert_eq!(waive["actor"], "cy");
    assert!(
        waive["waived_until"]
            .as_str()
            .unwrap()
            .starts_with("2100-01-01T00:00:00"),
        "{waive}"
    );
    run_args(&["checklist", "log", "gate"])
        .assert_stdout_has("waive")
        .assert_stdout_has("legal signs Monday")
        .assert_stdout_has("pentest-report.txt (sha256");

    // Unticking ends a waiver like a tick.
    run_args(&["checklist", "untick", "gate", "sla", "--as", "ana"]).code(0);
    assert_eq!(
        item(&json(&report(sb, set, "json").stdout), "sla")["status"],
        "fail"
    );
}

#[test]
fn ticks_carry_evidence_expire_and_waivers_pass_on_sqlite() {
    let sb = sandbox();
    // The default tick store: SQLite in the working directory. SQLite keeps
    // times as text, so the drill is aged with its own date function.
    let url = format!("sqlite://{}", sb.path().join("healthtracker.db").display());
    evidence_expiry_and_waivers(
        &sb,
        &[],
        &url,
        "UPDATE hctl_checklist_events SET at = strftime('%Y-%m-%dT%H:%M:%fZ', at, '-9 days') WHERE item_id = 'drill'",
    );
}

#[test]
fn ticks_carry_evidence_expire_and_waivers_pass_on_postgres() {
    let db = TestDb::new();
    let sb = sandbox();
    let set = format!("database_url={}", db.url);
    evidence_expiry_and_waivers(
        &sb,
        &["--set", &set],
        &db.url,
        "UPDATE hctl_checklist_events SET at = at - INTERVAL '9 days' WHERE item_id = 'drill'",
    );
}

/// A tick store written by a release before evidence and waivers: its ticks
/// stay, and the same binary can then waive.
#[test]
fn an_older_postgres_tick_store_is_migrated_once_keeping_its_ticks() {
    let db = TestDb::new();
    sql(
        &db.url,
        "CREATE TABLE hctl_checklist_events (
            id BIGSERIAL PRIMARY KEY, checklist TEXT NOT NULL, item_id TEXT NOT NULL,
            action TEXT NOT NULL CHECK (action IN ('tick', 'untick')),
            actor TEXT NOT NULL, note TEXT, at TIMESTAMPTZ NOT NULL);
         INSERT INTO hctl_checklist_events (checklist, item_id, action, actor, note, at)
            VALUES ('gate', 'pentest', 'tick', 'ana', 'from the old release', now())",
    );
    let sb = sandbox();
    let set = format!("database_url={}", db.url);
    // Four at once: the migration lock lets exactly one apply each step.
    at_once(&sb, &["bo", "cy", "di", "ed"], |who| {
        vec![
            "checklist",
            "waive",
            "gate",
            "sla",
            "--reason",
            "r",
            "--until",
            "2099-01-01",
            "--as",
            who,
            "--set",
            &set,
        ]
    });
    let run = sb.run(&["checklist", "log", "gate", "-o", "json", "--set", &set]);
    let events = json(&run.stdout);
    let events = events.as_array().unwrap();
    assert_eq!(events.len(), 5, "{events:?}");
    assert_eq!(events[0]["note"], "from the old release");
    let url = db.url.clone();
    let steps: Vec<i64> = block_on(async move {
        let db = hctl::store::Db::connect(&url).await.unwrap();
        hctl::on_pool!(&db, pool => sqlx::query_scalar("SELECT version FROM hctl_checklist_schema ORDER BY version").fetch_all(pool).await)
            .unwrap()
    });
    assert_eq!(steps, [1, 2, 3], "each step applied once");
}
