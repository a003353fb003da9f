//! `hctl db migrate` and `hctl db status` against a fresh PostgreSQL database.

use std::thread;

use serde_json::Value;
use sqlx::Connection;

use super::DbEnv;

fn status(env: &DbEnv) -> Value {
    let run = env.run(&["db", "status", "-o", "json"]);
    run.code(0);
    serde_json::from_str(&run.stdout).expect("status json")
}

fn states(view: &Value) -> Vec<String> {
    view["migrations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["state"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn dry_run_changes_nothing_then_migrate_applies_everything() {
    let env = DbEnv::dir();
    let before = status(&env);
    assert_eq!(before["schema_version"], 0);
    assert!(states(&before).iter().all(|s| s == "pending"), "{before}");

    let run = env.run(&["db", "migrate", "--dry-run"]);
    run.code(0).assert_stdout_has("would apply 0001");
    // A dry run never claims a version it did not reach.
    run.assert_stdout_has("dry run: nothing applied; schema version 0 (would be ");
    assert_eq!(status(&env)["schema_version"], 0, "dry run must not apply");
    let run = env.run(&["db", "migrate", "--dry-run", "-o", "json"]);
    let doc: Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(doc["schema_version"], 0, "{doc}");
    assert_eq!(doc["target_version"], before["latest_known"], "{doc}");

    // --lint is a check: clean shipped migrations pass, and nothing is applied.
    let run = env.run(&["db", "migrate", "--lint", "-o", "json"]);
    run.code(0);
    let report: Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(report["summary"]["fail"], 0, "{report}");
    assert!(report["summary"]["pass"].as_u64().unwrap() >= 1, "{report}");
    assert_eq!(status(&env)["schema_version"], 0, "--lint must not apply");

    env.run(&["db", "migrate"]).code(0);
    let after = status(&env);
    assert_eq!(after["schema_version"], after["latest_known"]);
    assert!(states(&after).iter().all(|s| s == "applied"), "{after}");
    let again = env.run(&["db", "migrate"]);
    again.code(0).assert_stdout_has("nothing to apply");
}

#[test]
fn concurrent_migrators_apply_each_migration_once() {
    let env = DbEnv::dir();
    thread::scope(|s| {
        let runs: Vec<_> = (0..3)
            .map(|_| s.spawn(|| env.run(&["db", "migrate"])))
            .collect();
        for run in runs {
            run.join().unwrap().code(0);
        }
    });
    let view = status(&env);
    let known = view["latest_known"].as_i64().unwrap();
    let rows = tokio::runtime::Runtime::new()
        .unwrap()
        .block_on(env.scalar("SELECT count(*) FROM hctl_schema_migrations"));
    assert_eq!(rows, known, "one history row per migration");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_held_lock_times_out_naming_the_session() {
    let env = DbEnv::dir();
    let mut holder = sqlx::PgConnection::connect(&env.db.url).await.unwrap();
    sqlx::query("SET application_name = 'stuck-migrator'")
        .execute(&mut holder)
        .await
        .unwrap();
    sqlx::query("SELECT pg_advisory_lock(7521983811679774578)")
        .execute(&mut holder)
        .await
        .unwrap();
    let run = tokio::task::block_in_place(|| env.run(&["db", "migrate", "--lock-timeout", "1"]));
    run.code(3).assert_stderr_has("session pid");
    run.assert_stderr_has("stuck-migrator");
    holder.close().await.unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn drift_is_an_error_naming_the_file() {
    let env = DbEnv::dir();
    tokio::task::block_in_place(|| {
        env.run(&["db", "migrate"]).code(0);
    });
    env.exec("UPDATE hctl_schema_migrations SET checksum = 'edited' WHERE version = 1")
        .await;
    let view = tokio::task::block_in_place(|| status(&env));
    assert_eq!(states(&view)[0], "changed");
    let run = tokio::task::block_in_place(|| env.run(&["db", "migrate"]));
    run.code(3)
        .assert_stderr_has("migrations/postgres/0001_init.sql");
}
