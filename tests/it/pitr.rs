//! Physical backups and PITR end to end: the real `hctl` against a cluster of
//! the test's own that archives through real pgBackRest into a posix
//! repository (`support::cluster`): `db wal status` and the `postgres` kind's
//! `wal_archiving`, `backup --physical`, `backups`, `restore --physical` and
//! `pitr-drill`, healthy, with archive_command broken, and interrupted.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use hctl::report::Status;
use serde_json::Value;

use crate::checks::once;
use crate::db::item;
use crate::support::cluster::{ArchivingCluster, STANZA};
use crate::support::{Run, Sandbox};

/// A sandbox whose `local` environment is the cluster, its stanza and a
/// directory storage.
struct Pitr {
    cluster: ArchivingCluster,
    sandbox: Sandbox,
}

impl Pitr {
    fn start() -> Self {
        let cluster = ArchivingCluster::start();
        let sandbox = cluster.sandbox();
        Pitr { cluster, sandbox }
    }

    fn backups_dir(&self) -> PathBuf {
        self.sandbox.path().join("backups")
    }

    fn envs(&self) -> Vec<(String, String)> {
        vec![
            ("HCTL_DATABASE_URL".into(), self.cluster.url()),
            ("HCTL_PGBACKREST_STANZA".into(), STANZA.into()),
            (
                "HCTL_PGBACKREST_CONFIG".into(),
                self.cluster.config().display().to_string(),
            ),
            (
                "HCTL_STORAGE".into(),
                format!("file://{}", self.backups_dir().display()),
            ),
        ]
    }

    fn run(&self, args: &[&str]) -> Run {
        let envs = self.envs();
        let borrowed: Vec<(&str, &str)> =
            envs.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        self.cluster.hctl(&self.sandbox, args, &borrowed)
    }

    fn json(&self, args: &[&str], code: i32) -> Value {
        let run = self.run(args);
        run.code(code);
        serde_json::from_str(&run.stdout)
            .unwrap_or_else(|e| panic!("not json ({e}): {}\n{}", run.stdout, run.stderr))
    }

    fn drills(&self) -> Vec<PathBuf> {
        std::fs::read_dir(self.backups_dir().join("drills"))
            .map(|d| d.flatten().map(|e| e.path()).collect())
            .unwrap_or_default()
    }

    /// Break `archive_command` and wait until PostgreSQL has failed to
    /// archive a segment; that segment's name.
    fn break_archiving(&self) -> String {
        self.cluster
            .set_archive_command("pgbackrest --stanza=no-such-stanza archive-push %p");
        self.cluster
            .psql("CREATE TABLE IF NOT EXISTS filler AS SELECT g FROM generate_series(1, 1000) g");
        self.cluster.psql("SELECT pg_switch_wal()");
        let started = Instant::now();
        while started.elapsed() < Duration::from_secs(30) {
            let failed = self
                .cluster
                .psql("SELECT coalesce(last_failed_wal, '') FROM pg_stat_archiver");
            if !failed.is_empty() {
                return failed;
            }
            std::thread::sleep(Duration::from_millis(200));
        }
        panic!("PostgreSQL never reported a failed archive_command");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn wal_status_passes_then_names_the_segment_archive_command_failed_on() {
    let p = Pitr::start();
    let report = p.json(&["db", "wal", "status", "--max-age", "1h", "-o", "json"], 0);
    assert_eq!(
        item(&report, "pgbackrest-check")["status"],
        "pass",
        "{report}"
    );
    assert_eq!(item(&report, "continuity")["status"], "pass", "{report}");
    let check = format!(
        "kind: postgres\nurl: {}\nwal_archiving: {{ max_age: 1h }}\n",
        p.cluster.url()
    );
    let o = once(&check).await;
    assert_eq!(o.status, Status::Pass, "{o:?}");

    let segment = p.break_archiving();
    let run = p.run(&["db", "wal", "status"]);
    run.code(1)
        .assert_stdout_has(&format!("segment {segment} failed"));
    let report = p.json(&["db", "wal", "status", "-o", "json"], 1);
    assert_eq!(item(&report, "archiver")["status"], "fail", "{report}");
    assert_eq!(
        item(&report, "pgbackrest-check")["status"],
        "fail",
        "{report}"
    );
    let o = once(&check).await;
    assert_eq!(o.status, Status::Fail, "{o:?}");
    assert!(o.detail.contains(&segment), "{o:?}");

    // A drill on a database that cannot archive proves nothing: refused,
    // nothing restored, nothing recorded.
    let run = p.run(&["db", "pitr-drill"]);
    run.code(1).assert_stdout_has("drill refused");
    assert!(p.drills().is_empty(), "{:?}", p.drills());
}

#[tokio::test(flavor = "multi_thread")]
async fn a_drill_passes_with_a_measured_rto_and_is_listed_as_the_backup_s_verification() {
    let p = Pitr::start();
    p.cluster
        .psql("CREATE TABLE readings AS SELECT g AS id FROM generate_series(1, 20000) g");
    let made = p.json(&["db", "backup", "--physical", "-o", "json"], 0);
    assert_eq!(made["type"], "full");
    assert_eq!(made["method"], "physical");
    let label = made["id"].as_str().unwrap().to_string();

    let storage = format!("storage: file://{}\n", p.backups_dir().display());
    let o = once(&format!("kind: backup\n{storage}max_drill_age: 1h\n")).await;
    assert_eq!(o.status, Status::Fail, "{o:?}");
    assert!(o.detail.contains("no PITR drill recorded"), "{o:?}");

    let report = p.json(&["db", "pitr-drill", "-o", "json"], 0);
    for id in ["restore", "marker-before", "marker-after", "markers"] {
        assert_eq!(item(&report, id)["status"], "pass", "{id}: {report}");
    }
    let drill = &report["drill"];
    assert_eq!(drill["backup"], label.as_str());
    assert!(drill["rto_ms"].as_u64().unwrap() > 0, "{drill}");
    assert_eq!(p.drills().len(), 1);
    // The scratch cluster is gone with its directory.
    let scratch =
        std::env::temp_dir().join(format!("hctl-drill-{}", drill["id"].as_str().unwrap()));
    assert!(!scratch.exists(), "{} left behind", scratch.display());

    let listed = p.json(&["db", "backups", "-o", "json"], 0);
    let physical = listed
        .as_array()
        .unwrap()
        .iter()
        .find(|b| b["id"] == label.as_str())
        .unwrap_or_else(|| panic!("{label} not listed: {listed}"));
    assert_eq!(physical["verified"]["ok"], true, "{physical}");
    assert_eq!(physical["verified"]["restore_ms"], drill["rto_ms"]);
    // The `backup` kind gates on the drill: its age and its measured RTO.
    let gate =
        format!("kind: backup\n{storage}max_drill_age: 1h\nmax_verify_age: 1h\nmax_rto: 15m\n");
    let o = once(&gate).await;
    assert_eq!(o.status, Status::Pass, "{o:?}");
    assert!(o.detail.contains("PITR drill"), "{o:?}");
    let o = once(&gate.replace("max_rto: 15m", "max_rto: 1ms")).await;
    assert_eq!(o.status, Status::Fail, "{o:?}");
    assert!(o.detail.contains("measured an RTO of"), "{o:?}");

    p.run(&["db", "backups"])
        .code(0)
        .assert_stdout_has("physical")
        .assert_stdout_has("deep, RTO")
        .assert_stdout_lacks("no usable");
}

#[test]
fn restore_refuses_a_target_before_the_first_backup_and_recovers_to_latest() {
    let p = Pitr::start();
    let before = chrono::Utc::now() - chrono::Duration::seconds(1);
    p.json(&["db", "backup", "--physical", "-o", "json"], 0);
    let into = p.sandbox.path().join("restored");
    let time = before.format("%Y-%m-%d %H:%M:%S").to_string();
    let into_text = into.display().to_string();
    p.run(&[
        "db",
        "restore",
        "--physical",
        "--to-time",
        &time,
        "--into-dir",
        &into_text,
    ])
    .code(2)
    .assert_stderr_has("before the end of the oldest backup")
    .assert_stderr_has("pgbackrest#817");
    assert!(!into.exists(), "nothing may be written when refused");

    p.cluster
        .psql("CREATE TABLE after_backup AS SELECT 42 AS answer");
    p.cluster.psql("SELECT pg_switch_wal()");
    std::thread::sleep(Duration::from_secs(2));
    let latest = [
        "db",
        "restore",
        "--physical",
        "--to-latest",
        "--into-dir",
        &into_text,
    ];
    let report = p.json(&[&latest[..], &["-o", "json"]].concat(), 0);
    let restored = &report["restored"];
    let port = restored["port"].as_u64().unwrap();
    let scratch = format!("postgres://postgres@127.0.0.1:{port}/postgres");
    let answer = psql(&scratch, "SELECT answer FROM after_backup");
    stop(&p.cluster.bindir, &into);
    assert_eq!(answer, "42");
    assert!(
        restored["reached"]["timeline"].as_i64().unwrap() >= 2,
        "{restored}"
    );

    // Over a directory that holds files: refused without --force.
    p.run(&latest).code(2).assert_stderr_has("is not empty");
}

fn psql(url: &str, sql: &str) -> String {
    let out = std::process::Command::new(crate::support::cluster::pg_bindir().join("psql"))
        .args(["-X", "-A", "-t", "-d", url, "-c", sql])
        .output()
        .expect("run psql");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

fn stop(bindir: &Path, data: &Path) {
    let mut cmd = crate::support::cluster::as_cluster_user(bindir.join("pg_ctl"));
    cmd.arg("-D")
        .arg(data)
        .args(["-m", "immediate", "-w", "stop"]);
    let _ = cmd.output();
}

#[test]
fn without_a_stanza_the_physical_commands_say_how_to_configure_one() {
    let sandbox = Sandbox::new();
    for args in [
        &["db", "wal", "status"][..],
        &["db", "backup", "--physical"],
        &["db", "pitr-drill"],
        &[
            "db",
            "restore",
            "--physical",
            "--to-latest",
            "--into-dir",
            "x",
        ],
    ] {
        sandbox
            .run_with(args, &[("HCTL_DATABASE_URL", "postgres://u@127.0.0.1:1/x")])
            .code(2)
            .assert_stderr_has("names no stanza")
            .assert_stderr_has("pgbackrest: { stanza: main");
    }
}

/// Processes whose command line mentions `text`.
fn processes_with(text: &str) -> Vec<String> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir("/proc").into_iter().flatten().flatten() {
        if let Ok(cmdline) = std::fs::read(entry.path().join("cmdline")) {
            let cmdline = String::from_utf8_lossy(&cmdline).replace('\0', " ");
            if cmdline.contains(text) {
                found.push(cmdline);
            }
        }
    }
    found
}

/// The pid of `hctl` itself under `runuser` (or `pid` when not wrapped).
fn hctl_pid(pid: u32) -> u32 {
    let children =
        std::fs::read_to_string(format!("/proc/{pid}/task/{pid}/children")).unwrap_or_default();
    children
        .split_whitespace()
        .next()
        .and_then(|c| c.parse().ok())
        .unwrap_or(pid)
}

#[test]
fn an_interrupted_drill_leaves_no_scratch_cluster_and_no_evidence() {
    let p = Pitr::start();
    p.json(&["db", "backup", "--physical", "-o", "json"], 0);
    let scratch_parent = p.sandbox.path().join("scratch");
    std::fs::create_dir(&scratch_parent).unwrap();
    crate::support::cluster::hand_over(&scratch_parent);
    let parent_text = scratch_parent.display().to_string();
    let envs = p.envs();
    let borrowed: Vec<(&str, &str)> = envs.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let child = p
        .cluster
        .hctl_command(
            &p.sandbox,
            &["db", "pitr-drill", "--scratch-dir", &parent_text],
            &borrowed,
        )
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("spawn hctl");
    // Wait until the scratch cluster runs (its postmaster.pid), then Ctrl-C.
    let started = Instant::now();
    let running = loop {
        let pid_file = std::fs::read_dir(&scratch_parent)
            .into_iter()
            .flatten()
            .flatten()
            .map(|e| e.path().join("postmaster.pid"))
            .find(|p| p.exists());
        if let Some(found) = pid_file {
            break found;
        }
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "the drill never started its scratch cluster"
        );
        std::thread::sleep(Duration::from_millis(50));
    };
    let status = std::process::Command::new("kill")
        .args(["-INT", &hctl_pid(child.id()).to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(130), "{stderr}");
    let dir = running.parent().unwrap();
    assert!(!dir.exists(), "scratch dir {} left behind", dir.display());
    assert_eq!(
        processes_with(&parent_text),
        Vec::<String>::new(),
        "a scratch server still runs"
    );
    assert!(p.drills().is_empty(), "{:?}", p.drills());
}

#[tokio::test(flavor = "multi_thread")]
async fn the_backup_kind_gates_on_logical_backups_and_their_deep_verification() {
    let env = crate::db::DbEnv::dir();
    env.seed(1).await;
    let storage = format!("kind: backup\nstorage: {}\n", env.storage_url());
    let o = once(&format!("{storage}max_age: 26h\n")).await;
    assert_eq!(o.status, Status::Fail, "{o:?}");
    assert!(o.detail.contains("no good backup"), "{o:?}");

    let id = env.backup();
    let o = once(&format!("{storage}max_age: 26h\n")).await;
    assert_eq!(o.status, Status::Pass, "{o:?}");
    let o = once(&format!("{storage}max_verify_age: 1h\nmax_rto: 15m\n")).await;
    assert_eq!(o.status, Status::Fail, "{o:?}");
    assert!(o.detail.contains("no deep verification"), "{o:?}");

    env.run(&["db", "verify", "--backup-id", &id, "--deep"])
        .code(0);
    let o = once(&format!("{storage}max_verify_age: 1h\nmax_rto: 15m\n")).await;
    assert_eq!(o.status, Status::Pass, "{o:?}");
    assert!(
        o.detail
            .contains(&format!("deep verification of {id} passed, RTO")),
        "{o:?}"
    );
    let o = once(&format!("{storage}max_age: 1ms\n")).await;
    assert_eq!(o.status, Status::Fail, "{o:?}");
    assert!(o.detail.contains("more than"), "{o:?}");
}

#[test]
fn config_show_shows_the_stanza_and_where_it_came_from() {
    let sandbox = Sandbox::new();
    sandbox.write(
        "hctl.yaml",
        "environments:\n  local:\n    pgbackrest: { stanza: main, config: /etc/pgbackrest/pgbackrest.conf }\n",
    );
    sandbox
        .run(&["config", "show"])
        .code(0)
        .assert_stdout_has("pgbackrest.stanza")
        .assert_stdout_has("main")
        .assert_stdout_has("/etc/pgbackrest/pgbackrest.conf");
}

#[test]
fn restoring_over_files_with_force_asks_first() {
    let sandbox = Sandbox::new();
    sandbox.write("live/PG_VERSION", "15\n");
    sandbox
        .run_with(
            &[
                "db",
                "restore",
                "--physical",
                "--to-latest",
                "--into-dir",
                "live",
                "--force",
            ],
            &[("HCTL_PGBACKREST_STANZA", "main")],
        )
        .code(2)
        .assert_stderr_has("without confirmation")
        .assert_stderr_has("--yes");
    assert!(sandbox.path().join("live/PG_VERSION").exists());
}
