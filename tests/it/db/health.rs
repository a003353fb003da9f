//! `hctl db health`: one item per aspect, exit 1 only when something critical
//! is wrong (PostgreSQL 15 below the seed's 16 is a warning, not a failure).

use serde_json::Value;

use super::{DbEnv, item};

fn status(report: &Value, id: &str) -> String {
    item(report, id)["status"].as_str().unwrap().to_string()
}

#[tokio::test]
async fn healthy_database_with_fresh_backup_passes() {
    let env = DbEnv::dir();
    env.seed(hctl::store::migrate::latest_known()).await;
    env.backup();
    let run = env.run(&["db", "health", "--min-version", "99", "-o", "json"]);
    run.code(0);
    let report: Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(report["title"], "db health");
    assert_eq!(status(&report, "reachable"), "pass");
    assert_eq!(
        status(&report, "version"),
        "warn",
        "below the minimum is a warning"
    );
    assert_eq!(status(&report, "schema"), "pass");
    // Other suites share the server: busy is fine, exhausted is not.
    assert!(matches!(
        status(&report, "connections").as_str(),
        "pass" | "warn"
    ));
    let detail = item(&report, "connections")["detail"].as_str().unwrap();
    assert!(detail.contains("connections in use"), "{detail}");
    assert_eq!(status(&report, "replication"), "pass");
    assert_eq!(status(&report, "backup-age"), "pass");

    let run = env.run(&["db", "health", "--min-version", "10", "-o", "json"]);
    run.code(0);
    let report: Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(status(&report, "version"), "pass");
}

#[tokio::test]
async fn missing_or_old_backup_is_unhealthy() {
    let env = DbEnv::dir();
    env.seed(1).await;
    let run = env.run(&["db", "health"]);
    run.code(1).assert_stdout_has("no backups");
    env.backup();
    let run = env.run(&["db", "health", "--max-backup-age", "0", "-o", "json"]);
    run.code(1);
    let report: Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(status(&report, "backup-age"), "fail");
}

#[tokio::test]
async fn unreachable_database_is_unhealthy_not_a_crash() {
    let env = DbEnv::dir();
    let run = env.run_with(
        &["db", "health", "-o", "json"],
        &[("HCTL_DATABASE_URL", "postgres://postgres:pw@127.0.0.1:9/x")],
    );
    run.code(1);
    let report: Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(status(&report, "reachable"), "error");
    // The password is redacted.
    run.assert_stdout_lacks(":pw@");
}
