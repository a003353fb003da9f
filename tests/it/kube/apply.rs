//! `hctl rollout apply | status | history | restart` on the happy paths.

use std::time::{Duration, Instant};

use super::{APP, Cluster, NS};

#[test]
fn apply_creates_then_reports_unchanged_and_configured() {
    let c = Cluster::new();
    let run = c.deploy("ghcr.io/healthtracker/api:1.0.0");
    for kind in [
        "Deployment",
        "Service",
        "HorizontalPodAutoscaler",
        "PodDisruptionBudget",
        "Ingress",
    ] {
        run.assert_stdout_has(kind);
    }
    run.assert_stdout_has("created");
    run.assert_stderr_has("successfully rolled out");
    run.assert_stderr_has("/api/healthz answered 200");
    let dep = c.deployment();
    assert_eq!(
        dep["metadata"]["annotations"]["kubernetes.io/change-cause"],
        "hctl rollout apply -f k8s/ --image ghcr.io/healthtracker/api:1.0.0"
    );
    assert_eq!(
        dep["spec"]["template"]["metadata"]["annotations"]["healthtracker.io/schema-version"],
        "3"
    );
    assert_eq!(c.revision(), "1");
    assert!(c.emu.get("Ingress", NS, APP).is_some());

    let again = c.hctl(&[
        "rollout",
        "apply",
        "--image",
        "ghcr.io/healthtracker/api:1.0.0",
        "--schema-version",
        "3",
        "-o",
        "json",
    ]);
    again.code(0);
    let out: serde_json::Value = serde_json::from_str(&again.stdout).unwrap();
    assert!(
        out["changes"]
            .as_array()
            .unwrap()
            .iter()
            .all(|c| c["action"] == "unchanged"),
        "{}",
        again.stdout
    );

    let run = c.deploy("ghcr.io/healthtracker/api:1.1.0");
    run.assert_stdout_has("configured");
    run.assert_stdout_has("spec.template.spec.containers[api].image: ghcr.io/healthtracker/api:1.0.0 → ghcr.io/healthtracker/api:1.1.0");
    assert_eq!(c.revision(), "2");
    assert_eq!(c.image(), "ghcr.io/healthtracker/api:1.1.0");
    // Every apply is server-side, as field manager hctl.
    assert!(c.emu.requests().iter().any(|r| r.starts_with("PATCH")
        && r.contains("fieldManager=hctl")
        && r.contains("force=true")));
}

#[test]
fn dry_run_reports_without_changing() {
    let c = Cluster::new();
    c.deploy("ghcr.io/healthtracker/api:1.0.0");
    let run = c.hctl(&[
        "rollout",
        "apply",
        "--image",
        "ghcr.io/healthtracker/api:2.0.0",
        "--dry-run",
        "--schema-version",
        "3",
    ]);
    run.code(0).assert_stdout_has("configured (dry run)");
    run.assert_stdout_has("unchanged (dry run)");
    assert_eq!(c.image(), "ghcr.io/healthtracker/api:1.0.0");
    assert_eq!(c.revision(), "1");
}

#[test]
fn status_history_and_restart() {
    let c = Cluster::new();
    c.deploy("ghcr.io/healthtracker/api:1.0.0");
    c.deploy("ghcr.io/healthtracker/api:1.1.0");
    let status = c.hctl(&["rollout", "status", "-o", "json"]);
    status.code(0);
    let s: serde_json::Value = serde_json::from_str(&status.stdout).unwrap();
    assert_eq!(
        (
            s["state"].as_str(),
            s["revision"].as_u64(),
            s["available"].as_u64()
        ),
        (Some("complete"), Some(2), Some(3))
    );

    let history = c.hctl(&["rollout", "history"]);
    history.code(0).assert_stdout_has("2 (current)");
    history
        .assert_stdout_has("api:1.0.0")
        .assert_stdout_has("api:1.1.0");
    let rows: serde_json::Value =
        serde_json::from_str(&c.hctl(&["rollout", "history", "-o", "json"]).stdout).unwrap();
    assert_eq!(rows.as_array().unwrap().len(), 2);
    assert_eq!(rows[0]["schema_version"], 3);
    assert!(
        rows[1]["change_cause"]
            .as_str()
            .unwrap()
            .contains("api:1.1.0")
    );

    let restart = c.hctl(&["rollout", "restart", "--wait", "--timeout", "60s"]);
    restart.code(0);
    assert!(c.deployment()["spec"]["template"]["metadata"]["annotations"]["kubectl.kubernetes.io/restartedAt"].is_string());
    assert_eq!(c.revision(), "3");
}

#[test]
fn status_without_wait_reports_progress_without_failing() {
    let c = Cluster::new();
    c.deploy("ghcr.io/healthtracker/api:1.0.0");
    c.emu.faults().frozen = true;
    c.emu.update("Deployment", NS, APP, |d| {
        d["spec"]["template"]["spec"]["containers"][0]["image"] =
            "ghcr.io/healthtracker/api:9".into();
    });
    let run = c.hctl(&["rollout", "status"]);
    run.code(0)
        .assert_stderr_has("rollout in progress; `hctl rollout status --wait`");
    run.assert_stdout_has("progressing")
        .assert_stdout_has("observed");
}

#[test]
fn watch_dropped_mid_rollout_resumes() {
    let c = Cluster::new();
    c.deploy("ghcr.io/healthtracker/api:1.0.0");
    // Every watch stream closes after two events: the rollout needs many more.
    c.emu.faults().drop_watches_after = Some(2);
    let started = Instant::now();
    c.deploy("ghcr.io/healthtracker/api:1.1.0");
    assert!(started.elapsed() < Duration::from_secs(30));
    let resumed = c
        .emu
        .requests()
        .iter()
        .filter(|r| r.contains("watch=true") && r.contains("resourceVersion="))
        .count();
    assert!(
        resumed >= 3,
        "watches resumed by resourceVersion: {resumed}"
    );
    assert_eq!(c.revision(), "2");
}

#[test]
fn expired_resource_version_relists_and_completes() {
    let c = Cluster::new();
    c.deploy("ghcr.io/healthtracker/api:1.0.0");
    {
        let mut faults = c.emu.faults();
        faults.drop_watches_after = Some(3);
        faults.expire_resumed_watches = 2;
    }
    c.deploy("ghcr.io/healthtracker/api:1.1.0");
    assert_eq!(
        c.emu.faults().expire_resumed_watches,
        0,
        "every expiry was hit"
    );
    let lists = c
        .emu
        .requests()
        .iter()
        .filter(|r| {
            r.starts_with("GET /api/v1/namespaces/healthtracker/pods?") && !r.contains("watch=true")
        })
        .count();
    assert!(lists >= 2, "pods listed again after 410 Gone: {lists}");
    assert_eq!(c.revision(), "2");
}

#[test]
fn status_wait_follows_a_rollout_started_elsewhere() {
    let c = Cluster::new();
    c.deploy("ghcr.io/healthtracker/api:1.0.0");
    c.hctl(&[
        "rollout",
        "apply",
        "--image",
        "ghcr.io/healthtracker/api:1.1.0",
        "--schema-version",
        "3",
    ])
    .code(0);
    let run = c.hctl(&[
        "rollout",
        "status",
        "--wait",
        "--timeout",
        "60s",
        "-o",
        "json",
    ]);
    run.code(0);
    let s: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(
        (
            s["state"].as_str(),
            s["revision"].as_u64(),
            s["updated"].as_u64()
        ),
        (Some("complete"), Some(2), Some(3))
    );
    assert_eq!(c.image(), "ghcr.io/healthtracker/api:1.1.0");
}

#[test]
fn hctl_takes_over_fields_another_manager_changed() {
    let c = Cluster::new();
    c.deploy("ghcr.io/healthtracker/api:1.0.0");
    let kubectl = |args: &[&str]| {
        std::process::Command::new("kubectl")
            .args(args)
            .args(["-n", NS])
            .env("KUBECONFIG", &c.kubeconfig)
            .current_dir(c.sandbox.path())
            .output()
            .expect("kubectl is installed")
    };
    let out = kubectl(&[
        "set",
        "image",
        "deployment/healthtracker",
        "api=ghcr.io/healthtracker/api:hotfix",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // A plain server-side apply now conflicts on the image kubectl-set owns…
    let out = kubectl(&[
        "apply",
        "--server-side",
        "--validate=false",
        "-f",
        "k8s/deployment.yaml",
    ]);
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("conflict with \"kubectl-set\"") && stderr.contains("image"),
        "{stderr}"
    );
    // …while hctl applies with force, as a deploy tool must, and owns it again.
    c.deploy("ghcr.io/healthtracker/api:1.1.0");
    assert_eq!(c.image(), "ghcr.io/healthtracker/api:1.1.0");
}

#[test]
fn deleting_the_deployment_cascades_and_status_says_not_found() {
    let c = Cluster::new();
    c.deploy("ghcr.io/healthtracker/api:1.0.0");
    c.emu.delete("Deployment", NS, APP);
    let gone = c.emu.wait_for(Duration::from_secs(10), |e| {
        e.list("ReplicaSet", NS).is_empty() && e.list("Pod", NS).is_empty()
    });
    assert!(gone, "replica sets and pods are garbage-collected");
    let run = c.hctl(&["rollout", "status"]);
    run.code(3)
        .assert_stderr_has("deployments.apps \"healthtracker\" not found (404 NotFound)");
}
