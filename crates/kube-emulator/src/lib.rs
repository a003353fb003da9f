//! A Kubernetes API server emulator for tests: in-memory, real JSON wire
//! format, real kubeconfig, a simulated deployment controller and knobs for the
//! faults an on-call engineer meets (401/403/500, dropped watches, stuck
//! rollouts). A dev-dependency of the integration tests (`tests/it/kube/`) and
//! a binary: `cargo run -p kube-emulator -- --port P --kubeconfig FILE`.
//!
//! Pods follow their image: an image containing `crashloop` crash-loops,
//! `pullfail` cannot be pulled, `unschedulable` never schedules, `stuck` never
//! gets ready; any other image is ready after a few controller ticks.

mod api;
mod controller;
mod discovery;
mod fields;
mod patch;
mod store;
mod watch;

use std::net::SocketAddr;
use std::path::Path;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use axum::Router;
use axum::http::{Method, Uri};
use serde_json::Value;
use tokio::sync::broadcast;

pub use controller::REVISION;
pub use store::Event;

/// Faults a test can switch on at any time.
#[derive(Debug, Clone, Default)]
pub struct Faults {
    /// Every API request answers with this status.
    pub fail_all: Option<u16>,
    /// The next matching requests answer with a status (consumed one by one).
    pub fail_next: Vec<Failure>,
    /// Close every watch stream after it sent this many events.
    pub drop_watches_after: Option<usize>,
    /// The next this-many watches resumed from a resourceVersion get
    /// `410 Gone` (as an ERROR event), forcing the client to list again.
    pub expire_resumed_watches: usize,
    /// The controller makes no progress at all (status stays stale).
    pub frozen: bool,
    /// Pods that are not ready yet never become ready.
    pub stuck: bool,
    /// Status of `GET /api/healthz` (the app's health endpoint); 200 when unset.
    pub healthz_status: Option<u16>,
}

/// One injected failure.
#[derive(Debug, Clone)]
pub struct Failure {
    /// HTTP method to match, any when `None`.
    pub method: Option<Method>,
    /// Substring of the request path to match.
    pub path_contains: String,
    pub status: u16,
    /// How many requests fail (`usize::MAX` for all).
    pub times: usize,
}

/// State shared by the HTTP handlers and the controller.
pub struct Shared {
    pub store: Mutex<store::Store>,
    pub events: broadcast::Sender<Event>,
    pub faults: Mutex<Faults>,
    pub token: String,
    pub requests: Mutex<Vec<String>>,
    pub ready_ticks: u32,
}

impl Shared {
    /// Mutate the store and publish the events the mutation produced (under the
    /// lock, so a watch that subscribes in between can never miss one).
    pub fn write<R>(&self, f: impl FnOnce(&mut store::Store) -> R) -> R {
        let mut store = self.store.lock().unwrap();
        let before = store.log.len();
        let result = f(&mut store);
        for event in &store.log[before..] {
            let _ = self.events.send(event.clone());
        }
        result
    }

    fn log_request(&self, method: &Method, uri: &Uri) {
        self.requests
            .lock()
            .unwrap()
            .push(format!("{method} {uri}"));
    }

    fn injected_failure(&self, method: &Method, path: &str) -> Option<u16> {
        let mut faults = self.faults.lock().unwrap();
        if let Some(code) = faults.fail_all {
            return Some(code);
        }
        let hit = faults.fail_next.iter_mut().find(|f| {
            f.times > 0
                && f.method.as_ref().is_none_or(|m| m == method)
                && path.contains(&f.path_contains)
        })?;
        hit.times = hit.times.saturating_sub(1);
        Some(hit.status)
    }
}

/// A running emulator; stops when dropped.
pub struct Emulator {
    pub shared: Arc<Shared>,
    pub addr: SocketAddr,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

/// Bearer token the emulator accepts (written into the kubeconfig).
pub const TOKEN: &str = "emulator-token";

impl Emulator {
    /// Start on a free loopback port, in a thread with its own runtime.
    pub fn start() -> Self {
        Self::start_on(0, Duration::from_millis(50))
    }

    pub fn start_on(port: u16, tick: Duration) -> Self {
        let std_listener =
            std::net::TcpListener::bind(("127.0.0.1", port)).expect("bind emulator port");
        std_listener.set_nonblocking(true).expect("nonblocking");
        let addr = std_listener.local_addr().expect("local addr");
        let shared = Arc::new(Shared {
            store: Mutex::new(store::Store::default()),
            events: broadcast::channel(8192).0,
            faults: Mutex::new(Faults::default()),
            token: TOKEN.to_string(),
            requests: Mutex::new(Vec::new()),
            ready_ticks: 3,
        });
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let state = shared.clone();
        let thread = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_multi_thread()
                .worker_threads(2)
                .enable_all()
                .build()
                .expect("emulator runtime");
            runtime.block_on(async move {
                let listener = tokio::net::TcpListener::from_std(std_listener).expect("listener");
                let app = Router::new()
                    .fallback(api::handle)
                    .with_state(state.clone());
                let controller = tokio::spawn(run_controller(state, tick));
                let server = axum::serve(listener, app).with_graceful_shutdown(async {
                    let _ = stopped.await;
                });
                let _ = tokio::time::timeout(Duration::from_secs(3600 * 24 * 365), server).await;
                controller.abort();
            });
            runtime.shutdown_timeout(Duration::from_millis(100));
        });
        Emulator {
            shared,
            addr,
            stop: Some(stop),
            thread: Some(thread),
        }
    }

    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// A kubeconfig with one context `emulator` whose namespace is `namespace`.
    pub fn kubeconfig(&self, namespace: &str) -> String {
        format!(
            "apiVersion: v1\nkind: Config\ncurrent-context: emulator\nclusters:\n- name: emulator\n  cluster:\n    server: {url}\ncontexts:\n- name: emulator\n  context:\n    cluster: emulator\n    user: emulator\n    namespace: {namespace}\nusers:\n- name: emulator\n  user:\n    token: {TOKEN}\n",
            url = self.url()
        )
    }

    pub fn write_kubeconfig(&self, path: &Path, namespace: &str) {
        std::fs::write(path, self.kubeconfig(namespace)).expect("write kubeconfig");
    }

    pub fn faults(&self) -> MutexGuard<'_, Faults> {
        self.shared.faults.lock().unwrap()
    }

    /// An object as stored (`kind` is e.g. `Deployment`).
    pub fn get(&self, kind: &str, namespace: &str, name: &str) -> Option<Value> {
        let res = store::by_kind(kind);
        self.shared
            .store
            .lock()
            .unwrap()
            .get(res.kind, namespace, name)
            .cloned()
    }

    pub fn list(&self, kind: &str, namespace: &str) -> Vec<Value> {
        let res = store::by_kind(kind);
        self.shared
            .store
            .lock()
            .unwrap()
            .list(res.kind, Some(namespace))
    }

    /// Store an object as a client's create would (defaults applied).
    pub fn create(&self, mut object: Value) -> Value {
        let res = store::by_kind(object["kind"].as_str().expect("kind"));
        store::default_object(res.kind, &mut object);
        self.shared.write(|s| s.put(res.kind, object))
    }

    /// Replace an object's content wholesale (e.g. edit a template).
    pub fn update(
        &self,
        kind: &str,
        namespace: &str,
        name: &str,
        edit: impl FnOnce(&mut Value),
    ) -> Value {
        let res = store::by_kind(kind);
        self.shared.write(|s| {
            let mut obj = s
                .get(res.kind, namespace, name)
                .cloned()
                .expect("object exists");
            edit(&mut obj);
            store::default_object(res.kind, &mut obj);
            s.put(res.kind, obj)
        })
    }

    pub fn delete(&self, kind: &str, namespace: &str, name: &str) {
        let res = store::by_kind(kind);
        self.shared.write(|s| s.delete(res.kind, namespace, name));
    }

    /// Requests seen so far, as `METHOD /path?query`.
    pub fn requests(&self) -> Vec<String> {
        self.shared.requests.lock().unwrap().clone()
    }

    /// Wait (up to `timeout`) until `check` holds for the store.
    pub fn wait_for(&self, timeout: Duration, mut check: impl FnMut(&Self) -> bool) -> bool {
        let start = std::time::Instant::now();
        while start.elapsed() < timeout {
            if check(self) {
                return true;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        check(self)
    }
}

impl Drop for Emulator {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

async fn run_controller(shared: Arc<Shared>, tick: Duration) {
    let mut memory = controller::Memory::default();
    let mut interval = tokio::time::interval(tick);
    loop {
        interval.tick().await;
        let faults = shared.faults.lock().unwrap().clone();
        if faults.frozen {
            continue;
        }
        shared.write(|s| controller::tick(s, &mut memory, &faults, shared.ready_ticks));
    }
}
