//! What goes wrong in real deploys: broken pods, deadlines, timeouts, stale
//! status, and an API server that is unreachable or answers 401/403/404/409/500.

use std::time::{Duration, Instant};

use axum::http::Method;

use super::Cluster;
use kube_emulator::Failure;

#[test]
fn broken_new_pods_fail_fast_with_pod_and_reason() {
    for (image, reason) in [
        ("ghcr.io/healthtracker/api:crashloop", "CrashLoopBackOff"),
        ("ghcr.io/healthtracker/api:pullfail", "ErrImagePull"),
        ("ghcr.io/healthtracker/api:unschedulable", "unschedulable"),
    ] {
        let c = Cluster::new();
        c.deploy("ghcr.io/healthtracker/api:1.0.0");
        let started = Instant::now();
        let run = c.apply_wait(image, "120s");
        run.code(1);
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "{image}: fails fast"
        );
        assert!(
            run.stderr.contains("rollout failed: pod `healthtracker-"),
            "{image}: {}",
            run.stderr
        );
        assert!(run.stderr.contains(reason), "{image}: {}", run.stderr);
        // No health probe after a failed rollout.
        run.assert_stderr_lacks("healthz");
    }
}

#[test]
fn progress_deadline_exceeded_fails() {
    let c = Cluster::new();
    c.edit_deployment("progressDeadlineSeconds: 600", "progressDeadlineSeconds: 1");
    c.deploy("ghcr.io/healthtracker/api:1.0.0");
    let run = c.apply_wait("ghcr.io/healthtracker/api:stuck", "60s");
    run.code(1)
        .assert_stderr_has("exceeded its progress deadline");
}

#[test]
fn timeout_exits_3_saying_what_is_pending() {
    let c = Cluster::new();
    c.deploy("ghcr.io/healthtracker/api:1.0.0");
    let started = Instant::now();
    let run = c.apply_wait("ghcr.io/healthtracker/api:stuck", "2s");
    run.code(3);
    assert!(started.elapsed() < Duration::from_secs(15));
    run.assert_stderr_has("timed out after 2s");
    run.assert_stderr_has("still pending: ")
        .assert_stderr_has("replicas");
}

#[test]
fn stale_status_after_patch_is_not_success() {
    let c = Cluster::new();
    c.deploy("ghcr.io/healthtracker/api:1.0.0");
    // The controller stops: the status still says "complete" for generation 1.
    c.emu.faults().frozen = true;
    let run = c.apply_wait("ghcr.io/healthtracker/api:1.1.0", "2s");
    run.code(3).assert_stderr_has("spec update to be observed");
}

#[test]
fn failed_health_probe_fails_the_deploy() {
    let c = Cluster::new();
    c.emu.faults().healthz_status = Some(503);
    let run = c.apply_wait("ghcr.io/healthtracker/api:1.0.0", "60s");
    run.code(1).assert_stderr_has("successfully rolled out");
    run.assert_stderr_has("health probe")
        .assert_stderr_has("503");
}

#[test]
fn api_unreachable() {
    let c = Cluster::new();
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let config = c
        .emu
        .kubeconfig(super::NS)
        .replace(&c.emu.addr.port().to_string(), &port.to_string());
    std::fs::write(&c.kubeconfig, config).unwrap();
    let run = c.hctl(&["rollout", "status"]);
    run.code(3).assert_stderr_has("unreachable");
}

#[test]
fn api_errors_are_named_and_exit_3() {
    for (code, expect) in [(401, "credentials"), (403, "RBAC"), (500, "5xx")] {
        let c = Cluster::new();
        c.emu.faults().fail_all = Some(code);
        let run = c.hctl(&["rollout", "history"]);
        run.code(3);
        assert!(run.stderr.contains(expect), "{code}: {}", run.stderr);
        run.assert_stderr_has("deployment `healthtracker` in namespace `healthtracker`");
    }
    let c = Cluster::new();
    let run = c.hctl(&["rollout", "status"]);
    run.code(3).assert_stderr_has("not found (404)");
}

#[test]
fn conflict_on_apply_exits_3() {
    let c = Cluster::new();
    c.emu.faults().fail_next.push(Failure {
        method: Some(Method::PATCH),
        path_contains: "/deployments/".into(),
        status: 409,
        times: 1,
    });
    let run = c.hctl(&["rollout", "apply", "--schema-version", "3"]);
    run.code(3)
        .assert_stderr_has("conflict (409)")
        .assert_stderr_has("Deployment/healthtracker");
}

#[test]
fn transient_watch_errors_are_retried() {
    let c = Cluster::new();
    c.deploy("ghcr.io/healthtracker/api:1.0.0");
    c.emu.faults().fail_next.push(Failure {
        method: Some(Method::GET),
        path_contains: "/pods".into(),
        status: 500,
        times: 3,
    });
    c.deploy("ghcr.io/healthtracker/api:1.1.0");
}

#[test]
fn unknown_kind_is_named() {
    let c = Cluster::new();
    c.sandbox.write(
        "k8s/extra.yaml",
        "apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w}\n",
    );
    let run = c.hctl(&["rollout", "apply", "--schema-version", "3"]);
    run.code(3).assert_stderr_has("does not serve `Widget/w`");
}

#[test]
fn unknown_context_is_a_usage_error() {
    let c = Cluster::new();
    let run = c.hctl(&["rollout", "history", "--set", "kube.context=prod-eu"]);
    run.code(2)
        .assert_stderr_has("kubeconfig context `prod-eu`")
        .assert_stderr_has("known contexts: emulator");
}

#[test]
fn missing_manifests_directory_is_a_usage_error() {
    let c = Cluster::new();
    let run = c.hctl(&["rollout", "apply", "-f", "deploy/"]);
    run.code(2)
        .assert_stderr_has("manifests directory `deploy/` does not exist");
}

#[test]
fn missing_kubeconfig_says_what_to_set() {
    let c = Cluster::new();
    let run = c.hctl_with(
        &["rollout", "history"],
        &[("KUBECONFIG", "/nonexistent/kubeconfig")],
    );
    run.code(3)
        .assert_stderr_has("no usable kubeconfig (set KUBECONFIG");
}
