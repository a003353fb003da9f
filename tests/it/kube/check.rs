//! The `rollout` kind against the emulator: a completed rollout at the
//! expected image and revision passes; a wrong image or revision, and a
//! rollout still in progress, fail saying what differs. The verdict agrees
//! with `kubectl rollout status --watch=false` on the same Deployment.

use super::{Cluster, NS};
use crate::db::item;
use crate::support::Run;

fn checklist(image: &str, revision: u32) -> String {
    format!(
        "\
name: deploy
sections:
  - name: Production
    items:
      - id: deployed
        title: Deploy to production
        check: {{ kind: rollout, image: \"{image}\", revision: {revision} }}
      - id: api-container
        title: The api container runs the release
        check: {{ kind: rollout, container: api, image: \"{image}\" }}
"
    )
}

fn preflight(c: &Cluster, image: &str, revision: u32) -> (Run, serde_json::Value) {
    c.sandbox
        .write("checklists/deploy.yaml", &checklist(image, revision));
    let run = c.hctl(&["preflight", "-c", "deploy", "-o", "json"]);
    let doc = serde_json::from_str(&run.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {} {}", run.stdout, run.stderr));
    (run, doc)
}

/// `kubectl rollout status --watch=false`: its stdout.
fn kubectl_status(c: &Cluster) -> String {
    let out = std::process::Command::new("kubectl")
        .args([
            "rollout",
            "status",
            "deployment/healthtracker",
            "--watch=false",
            "-n",
            NS,
        ])
        .env("KUBECONFIG", &c.kubeconfig)
        .output()
        .expect("kubectl is installed");
    String::from_utf8_lossy(&out.stdout).to_string()
}

#[test]
fn rollout_kind_checks_completion_image_and_revision_like_kubectl() {
    let c = Cluster::new();
    c.deploy("ghcr.io/healthtracker/api:1.0.0");
    c.settle();
    let (run, doc) = preflight(&c, "ghcr.io/healthtracker/api:1.0.0", 1);
    run.code(0);
    let deployed = item(&doc, "deployed");
    assert_eq!(deployed["status"], "pass", "{deployed}");
    let detail = deployed["detail"].as_str().unwrap();
    assert!(detail.contains("successfully rolled out"), "{detail}");
    assert!(
        detail.ends_with("at image ghcr.io/healthtracker/api:1.0.0, revision 1"),
        "{detail}"
    );
    assert!(
        kubectl_status(&c).contains("successfully rolled out"),
        "kubectl agrees it is complete"
    );

    let (run, doc) = preflight(&c, "ghcr.io/healthtracker/api:1.0.1", 2);
    run.code(1);
    let detail = item(&doc, "deployed")["detail"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(
        detail.contains("deployment `healthtracker` is at revision 1, expected 2"),
        "{detail}"
    );
    assert!(
        detail.contains(
            "container `api` runs `ghcr.io/healthtracker/api:1.0.0`, expected `ghcr.io/healthtracker/api:1.0.1`"
        ),
        "{detail}"
    );

    // A release whose pods never get ready: in progress, so not deployed.
    c.hctl(&[
        "rollout",
        "apply",
        "--image",
        "ghcr.io/healthtracker/api:stuck",
    ])
    .code(0);
    let (run, doc) = preflight(&c, "ghcr.io/healthtracker/api:stuck", 2);
    run.code(1);
    let deployed = item(&doc, "deployed");
    let detail = deployed["detail"].as_str().unwrap();
    assert!(
        detail.starts_with("rollout of `healthtracker` in `healthtracker` not complete: "),
        "{detail}"
    );
    assert_eq!(
        item(&doc, "api-container")["status"],
        "fail",
        "the image alone is not enough while the rollout is in progress"
    );
    let kubectl = kubectl_status(&c);
    assert!(
        kubectl.contains("Waiting for deployment") && !kubectl.contains("successfully"),
        "kubectl agrees it is in progress: {kubectl}"
    );
}
