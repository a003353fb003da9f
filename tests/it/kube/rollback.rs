//! `hctl rollback`: parity with `kubectl rollout undo`, the clear refusals,
//! the schema-version safety check and confirmation in production.

use std::process::Command;

use serde_json::Value;
use sqlx::Connection;

use super::{APP, Cluster, NS};
use crate::support::services::TestDb;

const V1: &str = "ghcr.io/healthtracker/api:1.0.0";
const V2: &str = "ghcr.io/healthtracker/api:1.1.0";
const V3: &str = "ghcr.io/healthtracker/api:1.2.0";

fn three_revisions() -> Cluster {
    let c = Cluster::new();
    for image in [V1, V2, V3] {
        c.deploy(image);
    }
    c
}

fn replica_sets(c: &Cluster) -> Vec<(String, String)> {
    let mut rows: Vec<(String, String)> = c
        .emu
        .list("ReplicaSet", NS)
        .iter()
        .map(|rs| {
            let name = rs["metadata"]["name"].as_str().unwrap().to_string();
            let revision = rs["metadata"]["annotations"]["deployment.kubernetes.io/revision"]
                .as_str()
                .unwrap()
                .to_string();
            (name, revision)
        })
        .collect();
    rows.sort();
    rows
}

#[test]
fn hctl_rollback_matches_kubectl_rollout_undo() {
    for to_revision in [None, Some("1")] {
        let by_kubectl = three_revisions();
        let by_hctl = three_revisions();
        let mut kubectl = Command::new("kubectl");
        kubectl
            .args(["rollout", "undo", "deployment/healthtracker", "-n", NS])
            .env("KUBECONFIG", &by_kubectl.kubeconfig);
        let mut hctl_args = vec!["rollback", "--wait", "--timeout", "60s"];
        if let Some(n) = to_revision {
            kubectl.arg(format!("--to-revision={n}"));
            hctl_args.extend(["--to-revision", n]);
        }
        let out = kubectl.output().expect("kubectl is installed");
        assert!(
            out.status.success(),
            "kubectl: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        by_kubectl.settle();
        let run = by_hctl.hctl(&hctl_args);
        run.code(0);
        by_hctl.settle();

        let (a, b) = (by_kubectl.deployment(), by_hctl.deployment());
        assert_eq!(
            a["spec"]["template"], b["spec"]["template"],
            "same template ({to_revision:?})"
        );
        assert_eq!(
            a["metadata"]["annotations"], b["metadata"]["annotations"],
            "same annotations"
        );
        assert_eq!(by_kubectl.revision(), "4");
        assert_eq!(by_hctl.revision(), "4");
        let expected = if to_revision.is_some() { V1 } else { V2 };
        assert_eq!(by_hctl.image(), expected);
        assert_eq!(
            replica_sets(&by_kubectl),
            replica_sets(&by_hctl),
            "same replica sets and revisions"
        );
        run.assert_stderr_has("rolled back deployment `healthtracker` from revision 3");
    }
}

#[test]
fn single_revision_has_nothing_to_roll_back_to() {
    let c = Cluster::new();
    c.deploy(V1);
    let run = c.hctl(&["rollback"]);
    run.code(1)
        .assert_stderr_has("has a single revision: nothing to roll back to");
    assert_eq!(c.revision(), "1");
}

#[test]
fn missing_revision_already_at_paused_and_dry_run() {
    let c = Cluster::new();
    c.deploy(V1);
    c.deploy(V2);
    let run = c.hctl(&["rollback", "--to-revision", "9"]);
    run.code(2).assert_stderr_has(
        "revision 9 of deployment `healthtracker` does not exist (known revisions: 1, 2)",
    );

    let run = c.hctl(&["rollback", "--to-revision", "2"]);
    run.code(0)
        .assert_stderr_has("already runs the template of revision 2");

    let run = c.hctl(&["rollback", "--dry-run", "-o", "json"]);
    run.code(0);
    let out: Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(
        (
            out["result"].as_str(),
            out["from"].as_u64(),
            out["to"].as_u64()
        ),
        (Some("would_roll_back"), Some(2), Some(1))
    );
    assert_eq!(c.image(), V2);

    c.emu
        .update("Deployment", NS, APP, |d| d["spec"]["paused"] = true.into());
    let run = c.hctl(&["rollback"]);
    run.code(2)
        .assert_stderr_has("deployment `healthtracker` is paused");
    assert_eq!(c.image(), V2);
}

fn database_at(version: i64) -> TestDb {
    let db = TestDb::new();
    let url = db.url.clone();
    std::thread::spawn(move || {
        tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async move {
            let mut conn = sqlx::PgConnection::connect(&url).await.unwrap();
            sqlx::query("CREATE TABLE hctl_schema_migrations (version BIGINT PRIMARY KEY, name TEXT NOT NULL, checksum TEXT NOT NULL, applied_at TIMESTAMP NOT NULL DEFAULT now(), execution_ms BIGINT NOT NULL DEFAULT 0)")
                .execute(&mut conn)
                .await
                .unwrap();
            sqlx::query(sqlx::AssertSqlSafe(format!(
                "INSERT INTO hctl_schema_migrations (version, name, checksum) SELECT v, 'm' || v, 'x' FROM generate_series(1, {version}) v"
            )))
            .execute(&mut conn)
            .await
            .unwrap();
        })
    })
    .join()
    .unwrap();
    db
}

#[test]
fn rollback_refuses_when_the_database_is_ahead_of_the_target_release() {
    let c = Cluster::new();
    c.deploy(V1); // released for schema 3
    let run = c.hctl(&[
        "rollout",
        "apply",
        "--image",
        V2,
        "--schema-version",
        "7",
        "--wait",
        "--timeout",
        "60s",
    ]);
    run.code(0);
    let db = database_at(7);
    let env = [("HCTL_DATABASE_URL", db.url.as_str())];
    let run = c.hctl_with(&["rollback"], &env);
    run.code(2).assert_stderr_has(
        "the database is at schema version 7 but revision 1 was released for schema version 3",
    );
    assert_eq!(c.image(), V2);
    let run = c.hctl_with(&["rollback", "--force", "--wait", "--timeout", "60s"], &env);
    run.code(0);
    assert_eq!(c.image(), V1);
    // Rolling forward again to a release that knows schema 7 is fine.
    let run = c.hctl_with(
        &[
            "rollback",
            "--to-revision",
            "2",
            "--wait",
            "--timeout",
            "60s",
        ],
        &env,
    );
    run.code(0);
    assert_eq!(c.image(), V2);
}

#[test]
fn unreadable_database_blocks_rollback_unless_forced() {
    let c = Cluster::new();
    c.deploy(V1);
    c.deploy(V2);
    let env = [(
        "HCTL_DATABASE_URL",
        "postgres://postgres:s3cret@127.0.0.1:1/none",
    )];
    let run = c.hctl_with(&["rollback"], &env);
    run.code(3).assert_stderr_has("pass --force");
    // The password is redacted.
    run.assert_stderr_lacks("s3cret");
    c.hctl_with(&["rollback", "--force"], &env).code(0);
}

#[test]
fn production_rollback_needs_confirmation() {
    let c = Cluster::new();
    c.deploy(V1);
    c.deploy(V2);
    c.sandbox.write(
        "hctl.yaml",
        "environments:\n  production:\n    url: https://prod.example\n",
    );
    let run = c.hctl(&["--env", "production", "rollback"]);
    run.code(2)
        .assert_stderr_has("without confirmation")
        .assert_stderr_has("--yes");
    assert_eq!(c.image(), V2);
    c.hctl(&["--env", "production", "rollback", "--yes"])
        .code(0);
    assert_eq!(c.image(), V1);
}

#[test]
fn rollback_rescues_a_crash_looping_release() {
    let c = Cluster::new();
    c.deploy(V1);
    c.apply_wait("ghcr.io/healthtracker/api:crashloop", "60s")
        .code(1);
    let run = c.hctl(&["rollback", "--wait", "--timeout", "60s"]);
    run.code(0).assert_stderr_has("successfully rolled out");
    c.settle();
    assert_eq!(c.image(), V1);
    assert_eq!(c.revision(), "3");
}
