//! `hctl playbook` end to end: the real binary running playbooks against the
//! Kubernetes emulator, a real `hctl serve`, PostgreSQL (the ledger and the
//! backups' source) and a webhook receiver in the test.

mod approvals;
mod launch;
mod ledger;
mod resume;

use std::io::{BufRead, BufReader};
use std::process::{Child, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::Value;

use crate::kube::Cluster;
use crate::support::Run;
use crate::support::services::TestDb;

pub const ADMIN_TOKEN: &str = "playbook-admin-token-0123456789abcdef";
pub const V1: &str = "ghcr.io/healthtracker/api:1.0.0";

/// Messages a webhook received (each JSON body), served on a loopback port.
pub struct Webhook {
    pub url: String,
    bodies: Arc<Mutex<Vec<Value>>>,
}

impl Webhook {
    pub fn start() -> Self {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind webhook");
        listener.set_nonblocking(true).expect("nonblocking");
        let url = format!("http://{}/hook", listener.local_addr().unwrap());
        let bodies: Arc<Mutex<Vec<Value>>> = Arc::default();
        let seen = bodies.clone();
        std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("webhook runtime");
            runtime.block_on(async move {
                let app = axum::Router::new().route(
                    "/hook",
                    axum::routing::post(move |axum::Json(body): axum::Json<Value>| {
                        let seen = seen.clone();
                        async move {
                            seen.lock().unwrap().push(body);
                            "ok"
                        }
                    }),
                );
                let listener = tokio::net::TcpListener::from_std(listener).expect("listener");
                let _ = axum::serve(listener, app).await;
            });
        });
        Webhook { url, bodies }
    }

    pub fn texts(&self) -> Vec<String> {
        self.bodies
            .lock()
            .unwrap()
            .iter()
            .map(|b| b["text"].as_str().unwrap_or_default().to_string())
            .collect()
    }
}

/// Everything a playbook run talks to: the emulator and a sandbox with
/// `k8s/`, a PostgreSQL database, a webhook, and (when started) `hctl serve`
/// on a port fixed up front, so it can be started after a run has begun.
pub struct Stage {
    pub cluster: Cluster,
    pub db: TestDb,
    pub hook: Webhook,
    pub port: u16,
    server: Option<Child>,
}

impl Stage {
    pub fn new() -> Self {
        let port = {
            let probe = std::net::TcpListener::bind("127.0.0.1:0").expect("free port");
            probe.local_addr().unwrap().port()
        };
        Stage {
            cluster: Cluster::new(),
            db: TestDb::new(),
            hook: Webhook::start(),
            port,
            server: None,
        }
    }

    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// A playbook file in the sandbox's `playbooks/`.
    pub fn playbook(&self, name: &str, text: &str) {
        self.cluster
            .sandbox
            .write(&format!("playbooks/{name}.yaml"), text);
    }

    /// The shipped playbook `name` (and the checklists its gates run).
    pub fn shipped(&self, name: &str) {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let text = std::fs::read_to_string(root.join(format!("playbooks/{name}.yaml"))).unwrap();
        self.playbook(name, &text);
        for list in ["pre-launch", "post-launch"] {
            let text =
                std::fs::read_to_string(root.join(format!("checklists/{list}.yaml"))).unwrap();
            self.cluster
                .sandbox
                .write(&format!("checklists/{list}.yaml"), &text);
        }
    }

    fn vars(&self) -> Vec<(&'static str, String)> {
        vec![
            ("HCTL_URL", self.url()),
            ("HCTL_DATABASE_URL", self.db.url.clone()),
            ("HCTL_ADMIN_TOKEN", ADMIN_TOKEN.to_string()),
            ("HCTL_SLACK_WEBHOOK", self.hook.url.clone()),
            ("HCTL_ACTOR", "ana".to_string()),
        ]
    }

    /// `hctl ARGS` against this stage, as `ana` unless `--as` says otherwise.
    pub fn hctl(&self, args: &[&str]) -> Run {
        self.hctl_with(args, &[])
    }

    pub fn hctl_with(&self, args: &[&str], extra: &[(&str, &str)]) -> Run {
        let vars = self.vars();
        let mut env: Vec<(&str, &str)> = vars.iter().map(|(k, v)| (*k, v.as_str())).collect();
        env.extend_from_slice(extra);
        self.cluster.hctl_with(args, &env)
    }

    /// `hctl ARGS` as a child, for killing it midway.
    pub fn spawn(&self, args: &[&str]) -> Child {
        let mut cmd = self.cluster.sandbox.cmd(args);
        cmd.env("KUBECONFIG", &self.cluster.kubeconfig)
            .envs(self.vars())
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        cmd.spawn().expect("spawn hctl")
    }

    /// Start `hctl serve --migrate` on the stage's port and wait until it listens.
    pub fn serve(&mut self) {
        let bind = format!("127.0.0.1:{}", self.port);
        let uploads = self.cluster.sandbox.path().join("uploads");
        let mut child = self
            .cluster
            .sandbox
            .cmd(&["serve", "--migrate", "--bind", &bind])
            .env("DATABASE_URL", &self.db.url)
            .env("ADMIN_TOKEN", ADMIN_TOKEN)
            .env("JWT_SECRET", "playbook-jwt-secret-0123456789abcdef0123")
            .env("STORAGE_URL", format!("file://{}", uploads.display()))
            .env_remove("REDIS_URL")
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn hctl serve");
        let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
        let mut log = String::new();
        loop {
            match lines.next() {
                Some(Ok(line)) => {
                    let up = line.contains("listening on");
                    log.push_str(&line);
                    log.push('\n');
                    if up {
                        break;
                    }
                }
                _ => panic!("hctl serve stopped before listening:\n{log}"),
            }
        }
        std::thread::spawn(move || lines.for_each(drop));
        self.server = Some(child);
    }

    /// `hctl rollout apply --image IMAGE --wait` (the release running before a launch).
    pub fn deploy(&self, image: &str) {
        self.hctl(&["rollout", "apply", "--image", image, "--wait"])
            .code(0);
        self.cluster.settle();
    }

    /// `hctl -o json ARGS` parsed.
    pub fn json(&self, args: &[&str]) -> Value {
        let mut all = vec!["-o", "json"];
        all.extend_from_slice(args);
        let run = self.hctl(&all);
        serde_json::from_str(&run.stdout).unwrap_or_else(|e| {
            panic!("{e}: not JSON:\n{}\n--- stderr\n{}", run.stdout, run.stderr)
        })
    }

    /// The run id a `run` printed on stderr.
    pub fn run_id(run: &Run) -> String {
        run.stderr
            .lines()
            .find_map(|l| l.strip_prefix("run: "))
            .unwrap_or_else(|| panic!("no run id on stderr:\n{}", run.stderr))
            .trim()
            .to_string()
    }
}

impl Drop for Stage {
    fn drop(&mut self) {
        if let Some(mut child) = self.server.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// The step `id` of a run's JSON report.
pub fn step<'a>(report: &'a Value, id: &str) -> &'a Value {
    report["steps"]
        .as_array()
        .and_then(|steps| steps.iter().find(|s| s["id"] == id))
        .unwrap_or_else(|| panic!("no step `{id}` in {report:#}"))
}

/// Wait (watching the file system, bounded) until `path` exists.
pub fn wait_for_file(path: &std::path::Path, within: Duration) -> bool {
    let deadline = std::time::Instant::now() + within;
    while std::time::Instant::now() < deadline {
        if path.exists() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    path.exists()
}
