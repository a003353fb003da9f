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
        assert!(
            !run.stderr.contains("healthz"),
            "no health probe after a failed rollout"
        );
    }
}

#[test]
fn progress_deadline_exceeded_fails() {
    let c = Cluster::new();
    c.edit_deployment("progressDeadlineSeconds: 600", "progressDeadlineSeconds: 1");
    c.deploy("ghcr.io/healthtracker/api:1.0.0");
    let run = c.apply_wait("ghcr.io/healthtracker/api:stuck", "60s");
    run.code(1);
    assert!(
        run.stderr.contains("exceeded its progress deadline"),
        "{}",
        run.stderr
    );
}

#[test]
fn timeout_exits_3_saying_what_is_pending() {
    let c = Cluster::new();
    c.deploy("ghcr.io/healthtracker/api:1.0.0");
    let started = Instant::now();
    let run = c.apply_wait("ghcr.io/healthtracker/api:stuck", "2s");
    run.code(3);
    assert!(started.elapsed() < Duration::from_secs(15));
    assert!(run.stderr.contains("timed out after 2s"), "{}", run.stderr);
    assert!(
        run.stderr.contains("still pending: ") && run.stderr.contains("replicas"),
        "{}",
        run.stderr
    );
}

#[test]
fn stale_status_after_patch_is_not_success() {
    let c = Cluster::new();
    c.deploy("ghcr.io/healthtracker/api:1.0.0");
    // The controller stops: the status still says "complete" for generation 1.
    c.emu.faults().frozen = true;
    let run = c.apply_wait("ghcr.io/healthtracker/api:1.1.0", "2s");
    run.code(3);
    assert!(
        run.stderr.contains("spec update to be observed"),
        "{}",
        run.stderr
    );
}

#[test]
fn failed_health_probe_fails_the_deploy() {
    let c = Cluster::new();
    c.emu.faults().healthz_status = Some(503);
    let run = c.apply_wait("ghcr.io/healthtracker/api:1.0.0", "60s");
    run.code(1);
    assert!(
        run.stderr.contains("successfully rolled out"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("health probe") && run.stderr.contains("503"),
        "{}",
        run.stderr
    );
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
    run.code(3);
    assert!(run.stderr.contains("unreachable"), "{}", run.stderr);
}

#[test]
fn api_errors_are_named_and_exit_3() {
    for (code, expect) in [(401, "credentials"), (403, "RBAC"), (500, "5xx")] {
        let c = Cluster::new();
        c.emu.faults().fail_all = Some(code);
        let run = c.hctl(&["rollout", "history"]);
        run.code(3);
        assert!(run.stderr.contains(expect), "{code}: {}", run.stderr);
        assert!(
            run.stderr
                .contains("deployment `healthtracker` in namespace `healthtracker`"),
            "{}",
            run.stderr
        );
    }
    let c = Cluster::new();
    let run = c.hctl(&["rollout", "status"]);
    run.code(3);
    assert!(run.stderr.contains("not found (404)"), "{}", run.stderr);
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
    run.code(3);
    assert!(
        run.stderr.contains("conflict (409)") && run.stderr.contains("Deployment/healthtracker"),
        "{}",
        run.stderr
    );
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
    run.code(3);
    assert!(
        run.stderr.contains("does not serve `Widget/w`"),
        "{}",
        run.stderr
    );
}

#[test]
fn unknown_context_is_a_usage_error() {
    let c = Cluster::new();
    let run = c.hctl(&["rollout", "history", "--set", "kube.context=prod-eu"]);
    run.code(2);
    assert!(
        run.stderr.contains("kubeconfig context `prod-eu`")
            && run.stderr.contains("known contexts: emulator"),
        "{}",
        run.stderr
    );
}

#[test]
fn missing_manifests_directory_is_a_usage_error() {
    let c = Cluster::new();
    let run = c.hctl(&["rollout", "apply", "-f", "deploy/"]);
    run.code(2);
    assert!(
        run.stderr
            .contains("manifests directory `deploy/` does not exist"),
        "{}",
        run.stderr
    );
}

#[test]
fn missing_kubeconfig_says_what_to_set() {
    let c = Cluster::new();
    let run = c.hctl_with(
        &["rollout", "history"],
        &[("KUBECONFIG", "/nonexistent/kubeconfig")],
    );
    run.code(3);
    assert!(
        run.stderr.contains("no usable kubeconfig (set KUBECONFIG"),
        "{}",
        run.stderr
    );
}
