//! `hctl rollout` and `hctl rollback` end to end: the real binary against the
//! Kubernetes API emulator (and `kubectl` for the undo parity test).

mod apply;
mod check;
mod faults;
mod rollback;
mod rules;

use std::path::{Path, PathBuf};
use std::time::Duration;

use serde_json::Value;

use crate::support::{Run, Sandbox};
use kube_emulator::Emulator;

pub const NS: &str = "healthtracker";
pub const APP: &str = "healthtracker";

/// An emulator, a sandbox with a kubeconfig pointing at it, and the fixture
/// manifests copied to `k8s/`.
pub struct Cluster {
    pub emu: Emulator,
    pub sandbox: Sandbox,
    pub kubeconfig: PathBuf,
}

pub fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/k8s")
}

impl Cluster {
    pub fn new() -> Self {
        let emu = Emulator::start();
        let sandbox = Sandbox::new();
        let kubeconfig = sandbox.path().join("kubeconfig");
        emu.write_kubeconfig(&kubeconfig, NS);
        for entry in std::fs::read_dir(fixtures()).unwrap() {
            let path = entry.unwrap().path();
            let text = std::fs::read_to_string(&path).unwrap();
            sandbox.write(
                &format!("k8s/{}", path.file_name().unwrap().to_str().unwrap()),
                &text,
            );
        }
        Cluster {
            emu,
            sandbox,
            kubeconfig,
        }
    }

    /// Rewrite the fixture Deployment (e.g. a short progress deadline).
    pub fn edit_deployment(&self, from: &str, to: &str) {
        let path = self.sandbox.path().join("k8s/deployment.yaml");
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.contains(from), "fixture has `{from}`");
        std::fs::write(path, text.replace(from, to)).unwrap();
    }

    pub fn hctl(&self, args: &[&str]) -> Run {
        self.hctl_with(args, &[])
    }

    pub fn hctl_with(&self, args: &[&str], env: &[(&str, &str)]) -> Run {
        let url = self.emu.url();
        let mut vars: Vec<(&str, &str)> = vec![
            ("KUBECONFIG", self.kubeconfig.to_str().unwrap()),
            ("HCTL_URL", &url),
        ];
        vars.extend_from_slice(env);
        self.sandbox.run_with(args, &vars)
    }

    /// `hctl rollout apply --image IMAGE --wait --timeout TIMEOUT` (schema version 3).
    pub fn apply_wait(&self, image: &str, timeout: &str) -> Run {
        self.hctl(&[
            "rollout",
            "apply",
            "--image",
            image,
            "--wait",
            "--timeout",
            timeout,
            "--schema-version",
            "3",
        ])
    }

    /// [`Cluster::apply_wait`], asserting success.
    pub fn deploy(&self, image: &str) -> Run {
        let run = self.apply_wait(image, "60s");
        run.code(0);
        run
    }

    pub fn deployment(&self) -> Value {
        self.emu
            .get("Deployment", NS, APP)
            .expect("deployment exists")
    }

    pub fn revision(&self) -> String {
        self.deployment()["metadata"]["annotations"]["deployment.kubernetes.io/revision"]
            .as_str()
            .unwrap_or("")
            .to_string()
    }

    pub fn image(&self) -> String {
        self.deployment()["spec"]["template"]["spec"]["containers"][0]["image"]
            .as_str()
            .unwrap()
            .to_string()
    }

    /// Wait until the emulated rollout is complete.
    pub fn settle(&self) {
        let done = self.emu.wait_for(Duration::from_secs(30), |e| {
            let d = e.get("Deployment", NS, APP).unwrap();
            let s = &d["status"];
            s["observedGeneration"] == d["metadata"]["generation"]
                && s["updatedReplicas"] == d["spec"]["replicas"]
                && s["availableReplicas"] == d["spec"]["replicas"]
                && s["replicas"] == d["spec"]["replicas"]
        });
        assert!(done, "rollout settles: {:#}", self.deployment()["status"]);
    }
}
