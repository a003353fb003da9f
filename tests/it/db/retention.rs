//! Retention and `latest` never trade a good backup for a known-bad one: a
//! backup that failed verification is passed over by `latest` (and named), never
//! counts toward `prune --keep`, and prune refuses to leave no good backup; a
//! newer backup whose manifest cannot be read stops `latest` instead of being
//! silently skipped.

use serde_json::{Value, json};

use super::{DbEnv, ids, item, json};

/// Flip a byte in the middle of a directory backup's dump.
fn corrupt(env: &DbEnv, id: &str) {
    let path = env.backup_dir().join(id).join("dump");
    let mut bytes = std::fs::read(&path).unwrap();
    let mid = bytes.len() / 2;
    bytes[mid] ^= 0xff;
    std::fs::write(&path, bytes).unwrap();
}

/// One backup, corrupted and found out by `verify`.
async fn only_failed() -> (DbEnv, String) {
    let env = DbEnv::dir();
    env.seed(1).await;
    let only = env.backup();
    corrupt(&env, &only);
    env.run(&["db", "verify", "--backup-id", &only]).code(1);
    (env, only)
}

/// Two backups, the newest corrupted and found out by `verify latest`.
async fn good_then_failed() -> (DbEnv, String, String) {
    let env = DbEnv::dir();
    env.seed(1).await;
    let good = env.backup();
    let bad = env.backup();
    corrupt(&env, &bad);
    let run = env.run(&["db", "verify", "--backup-id", "latest"]);
    run.code(1).assert_stdout_has("corrupted object");
    let run = env.run(&["db", "backups"]);
    run.code(0);
    let line = run.stdout.lines().find(|l| l.contains(&bad)).unwrap();
    assert!(line.contains("FAILED"), "{}", run.stdout);
    (env, good, bad)
}

#[tokio::test]
async fn prune_keeps_the_intact_backup_not_the_newest_failed_one() {
    let (env, good, bad) = good_then_failed().await;
    let run = env.run(&["db", "prune", "--keep", "1", "--yes", "-o", "json"]);
    run.code(0);
    let pruned = json(&run.stdout);
    assert_eq!(pruned["kept"], json!([good]), "{pruned}");
    assert_eq!(pruned["deleted"], json!([bad]), "{pruned}");
    assert_eq!(ids(&env.backups()), [good.as_str()]);
    assert!(env.backup_dir().join(&good).join("dump").exists());
    env.run(&["db", "verify", "--backup-id", "latest"]).code(0);
}

#[tokio::test]
async fn known_bad_backups_do_not_count_toward_keep_days() {
    let (env, good, bad) = good_then_failed().await;
    let run = env.run(&[
        "db",
        "prune",
        "--keep",
        "1",
        "--keep-days",
        "30",
        "--yes",
        "-o",
        "json",
    ]);
    run.code(0);
    assert_eq!(json(&run.stdout)["deleted"], json!([bad]));
    assert_eq!(ids(&env.backups()), [good.as_str()]);
}

#[tokio::test]
async fn dry_run_lists_what_goes_what_stays_and_why() {
    let (env, good, bad) = good_then_failed().await;
    let newest = env.backup();
    let run = env.run(&["db", "prune", "--keep", "1", "--dry-run", "-o", "json"]);
    run.code(0);
    let plan = json(&run.stdout);
    assert_eq!(plan["dry_run"], true);
    assert_eq!(plan["kept"], json!([newest]));
    assert_eq!(plan["deleted"], json!([bad, good]));
    let decisions: Vec<(String, String, String)> = plan["backups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["id"].as_str().unwrap().to_string(),
                d["action"].as_str().unwrap().to_string(),
                d["verified"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(
        decisions,
        [
            (newest.clone(), "keep".into(), "none".into()),
            (bad.clone(), "delete".into(), "failed".into()),
            (good.clone(), "delete".into(), "none".into()),
        ]
    );
    let reason = |id: &str| -> String {
        plan["backups"]
            .as_array()
            .unwrap()
            .iter()
            .find(|d| d["id"] == id)
            .unwrap()["reason"]
            .as_str()
            .unwrap()
            .to_string()
    };
    assert!(reason(&bad).contains("verification failed"), "{plan}");
    assert!(reason(&newest).contains("--keep"), "{plan}");
    // Nothing was deleted, and no --yes was needed to look.
    assert_eq!(ids(&env.backups()).len(), 3);
    assert!(env.backup_dir().join(&good).join("dump").exists());

    let run = env.run(&["db", "prune", "--keep", "1", "--dry-run"]);
    run.code(0);
    let row = |id: &str| {
        run.stdout
            .lines()
            .find(|l| l.contains(id))
            .unwrap()
            .to_string()
    };
    assert!(row(&bad).contains("would delete"), "{}", run.stdout);
    assert!(row(&newest).contains("keep"), "{}", run.stdout);
    run.assert_stderr_has("nothing was deleted");
}

#[tokio::test]
async fn prune_refuses_to_leave_no_backup_that_is_not_known_bad() {
    let (env, only) = only_failed().await;
    for dry in [false, true] {
        let mut args = vec!["db", "prune", "--keep", "1", "--yes"];
        if dry {
            args.push("--dry-run");
        }
        let run = env.run(&args);
        run.code(2)
            .assert_stderr_has("not known-bad")
            .assert_stderr_has(&only);
    }
    assert_eq!(ids(&env.backups()), [only.as_str()]);
}

#[tokio::test]
async fn latest_passes_over_a_failed_backup_and_says_so() {
    let (env, good, bad) = good_then_failed().await;
    env.exec("DELETE FROM readings").await;

    // verify: the report names the failed newer one in a warning item.
    let run = env.run(&["db", "verify", "--backup-id", "latest", "-o", "json"]);
    run.code(0);
    let report = json(&run.stdout);
    assert_eq!(report["backup_id"], good.as_str());
    let latest = item(&report, "latest");
    assert_eq!(latest["status"], "warn");
    let detail = latest["detail"].as_str().unwrap();
    assert!(detail.contains(&bad) && detail.contains(&good), "{detail}");

    // restore: the intact backup comes back, and stderr says which was skipped.
    let (report, stderr) = env.restore(&["--backup-id", "latest"]);
    assert_eq!(report["backup_id"], good.as_str());
    assert!(stderr.contains(&bad), "{stderr}");
    assert_eq!(env.scalar("SELECT count(*) FROM readings").await, 5000);

    // The backup-age checks measure the same `latest`.
    let run = env.run(&["db", "health", "-o", "json"]);
    let report = json(&run.stdout);
    let age = item(&report, "backup-age");
    assert_eq!(age["status"], "pass", "{report}");
    let detail = age["detail"].as_str().unwrap();
    assert!(detail.contains(&good) && detail.contains(&bad), "{detail}");

    env.sandbox.write(
        "checklists/backups.yaml",
        "name: backups\nsections:\n  - name: Database\n    items:\n      - id: backup-fresh\n        title: Latest backup younger than 24 hours\n        check: { kind: postgres, url: \"{{ env.database_url }}\", max_backup_age_hours: 24 }\n",
    );
    let run = env.run(&["preflight", "-c", "backups", "-o", "json"]);
    run.code(0);
    let report = json(&run.stdout);
    let detail = item(&report, "backup-fresh")["detail"].as_str().unwrap();
    assert!(
        detail.contains(&format!("latest backup {good}")) && detail.contains(&bad),
        "{detail}"
    );
}

#[tokio::test]
async fn latest_refuses_when_every_backup_is_known_bad() {
    let (env, only) = only_failed().await;
    let run = env.run(&["db", "restore", "--backup-id", "latest", "--yes"]);
    run.code(2)
        .assert_stderr_has("no usable backup")
        .assert_stderr_has(&only);
    let run = env.run(&["db", "health", "-o", "json"]);
    run.code(1);
    assert_eq!(item(&json(&run.stdout), "backup-age")["status"], "fail");
}

#[tokio::test]
async fn latest_never_silently_skips_a_newer_unreadable_manifest() {
    let env = DbEnv::dir();
    env.seed(1).await;
    let older = env.backup();
    let newer = env.backup();
    std::fs::write(
        env.backup_dir().join(&newer).join("manifest.json"),
        "{ not json",
    )
    .unwrap();
    env.exec("INSERT INTO users (email) VALUES ('after@example.com')")
        .await;
    for args in [
        &["db", "restore", "--backup-id", "latest", "--yes"][..],
        &["db", "verify", "--backup-id", "latest"][..],
    ] {
        let run = env.run(args);
        run.code(2)
            .assert_stderr_has(&newer)
            .assert_stderr_has("--backup-id");
        run.assert_stderr_lacks(&older);
    }
    assert_eq!(
        env.scalar("SELECT count(*) FROM users").await,
        2001,
        "the target must be untouched"
    );
    // The listing says it is there and broken; an explicit id still works.
    let run = env.run(&["db", "backups"]);
    run.code(0)
        .assert_stderr_has(&newer)
        .assert_stderr_has("unreadable");
    env.run(&["db", "verify", "--backup-id", &older]).code(0);
    let listed: Vec<Value> = env.backups();
    assert_eq!(ids(&listed), [older.as_str()]);
}
