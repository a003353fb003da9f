//! `hctl serve` end to end: the server launched in-process on 127.0.0.1:0
//! (SQLite in a temp dir, or a fresh PostgreSQL database), driven over real
//! HTTP with reqwest. Behaviour tests run against both backends.

mod api;
mod cli;
mod connections;
mod data;
mod faults;
mod flags;
mod input;
mod manifests;
mod migrate;
mod monitoring;
mod pgbouncer;
mod privacy;
mod prometheus_scrape;
mod ramp;
mod security;
mod sentry;
mod uploads;

use std::time::Duration;

use hctl::server::{self, ServerSettings};
use hctl::store::Db;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use tokio::sync::oneshot;

use crate::support::services::TestDb;

pub const JWT_SECRET: &str = "test-secret-0123456789abcdef0123456789";
pub const ADMIN_TOKEN: &str = "admin-token-0123456789abcdef0123456789";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// Where a test's database lives; held only to be dropped with the app.
#[allow(dead_code)]
enum Store {
    Sqlite(tempfile::TempDir),
    Postgres(TestDb),
    /// Another app's database (a second replica).
    Shared,
}

/// A running server.
pub struct App {
    pub base: String,
    pub http: reqwest::Client,
    pub database_url: String,
    stop: Option<oneshot::Sender<()>>,
    task: Option<tokio::task::JoinHandle<anyhow::Result<()>>>,
    _store: Store,
    _uploads: tempfile::TempDir,
}

/// Server settings every test starts from: strong secrets, migrated, high limits.
pub fn base_settings() -> ServerSettings {
    ServerSettings {
        jwt_secret: Some(JWT_SECRET.into()),
        admin_token: Some(ADMIN_TOKEN.into()),
        migrate: true,
        rate_limit_ip: 0,
        rate_limit_user: 0,
        flag_cache_ttl: Duration::from_millis(200),
        ..ServerSettings::default()
    }
}

pub fn client() -> reqwest::Client {
    hctl::init_crypto();
    reqwest::Client::builder()
        .timeout(Duration::from_secs(20))
        .build()
        .expect("build HTTP client")
}

impl App {
    pub async fn spawn(backend: Backend) -> App {
        App::spawn_with(backend, |_| {}).await
    }

    pub async fn spawn_with(backend: Backend, tweak: impl FnOnce(&mut ServerSettings)) -> App {
        let (store, database_url) = match backend {
            Backend::Sqlite => {
                let dir = tempfile::tempdir().expect("temp dir");
                let url = format!("sqlite://{}", dir.path().join("ht.db").display());
                (Store::Sqlite(dir), url)
            }
            Backend::Postgres => {
                let db = tokio::task::spawn_blocking(TestDb::new)
                    .await
                    .expect("test db");
                let url = db.url.clone();
                (Store::Postgres(db), url)
            }
        };
        let uploads = tempfile::tempdir().expect("temp dir");
        let mut settings = base_settings();
        settings.database_url = database_url.clone();
        settings.storage_url = format!("file://{}", uploads.path().display());
        tweak(&mut settings);
        App::launch(settings, store, uploads, database_url).await
    }

    /// A second replica on this app's database.
    pub async fn replica(&self) -> App {
        self.replica_via(&self.database_url).await
    }

    /// A second replica reaching this app's database through `url` (a
    /// pooler in front of it), migrations left to this app.
    pub async fn replica_via(&self, url: &str) -> App {
        let uploads = tempfile::tempdir().expect("temp dir");
        let mut settings = base_settings();
        settings.database_url = url.to_string();
        settings.migrate = url == self.database_url;
        settings.storage_url = format!("file://{}", uploads.path().display());
        App::launch(settings, Store::Shared, uploads, url.to_string()).await
    }

    async fn launch(
        settings: ServerSettings,
        store: Store,
        uploads: tempfile::TempDir,
        database_url: String,
    ) -> App {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let base = format!("http://{}", listener.local_addr().unwrap());
        let (tx, rx) = oneshot::channel::<()>();
        let task = tokio::spawn(server::launch_with_listener(settings, listener, async {
            let _ = rx.await;
        }));
        App {
            base,
            http: client(),
            database_url,
            stop: Some(tx),
            task: Some(task),
            _store: store,
            _uploads: uploads,
        }
    }

    /// The directory the app stores uploaded files in.
    pub fn uploads(&self) -> &std::path::Path {
        self._uploads.path()
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// Send a request; `token` as bearer, `body` as JSON.
    pub async fn call(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> (StatusCode, Value) {
        let mut req = self.http.request(method, self.url(path));
        if let Some(token) = token {
            req = req.bearer_auth(token);
        }
        if let Some(body) = body {
            req = req.json(&body);
        }
        let resp = req.send().await.expect("request");
        let status = resp.status();
        let text = resp.text().await.expect("body");
        let value = if text.is_empty() {
            Value::Null
        } else {
            serde_json::from_str(&text)
                .unwrap_or_else(|_| panic!("non-JSON body for {path}: {text}"))
        };
        (status, value)
    }

    pub async fn get(&self, path: &str, token: Option<&str>) -> (StatusCode, Value) {
        self.call(Method::GET, path, token, None).await
    }

    /// `POST /api/files` with one multipart field `file`.
    pub fn upload(
        &self,
        token: &str,
        name: &str,
        ctype: &str,
        bytes: Vec<u8>,
    ) -> impl std::future::Future<Output = reqwest::Result<reqwest::Response>> + use<> {
        let boundary = "hctl-test-boundary-7d1f";
        let mut body = format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\nContent-Type: {ctype}\r\n\r\n"
        )
        .into_bytes();
        body.extend_from_slice(&bytes);
        body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
        self.http
            .post(self.url("/api/files"))
            .bearer_auth(token)
            .header(
                "content-type",
                format!("multipart/form-data; boundary={boundary}"),
            )
            .body(body)
            .send()
    }

    /// `PUT /api/feature-flags/{name}` as the admin; asserts 200.
    pub async fn set_flag(&self, name: &str, body: Value) -> Value {
        let path = format!("/api/feature-flags/{name}");
        let (status, flag) = self
            .call(Method::PUT, &path, Some(ADMIN_TOKEN), Some(body))
            .await;
        assert_eq!(status, StatusCode::OK, "{flag}");
        flag
    }

    /// The body of a GET as text.
    pub async fn text(&self, path: &str) -> String {
        let resp = self.http.get(self.url(path)).send().await.expect("request");
        resp.text().await.expect("body")
    }

    /// Register a user and return (token, user id).
    pub async fn register(&self, email: &str) -> (String, String) {
        let (status, body) = self
            .call(
                Method::POST,
                "/api/auth/register",
                None,
                Some(json!({"email": email, "password": "correct horse battery"})),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        (
            body["token"].as_str().unwrap().to_string(),
            body["user"]["id"].as_str().unwrap().to_string(),
        )
    }

    /// A direct connection to the app's database.
    pub async fn db(&self) -> Db {
        Db::connect(&self.database_url)
            .await
            .expect("connect to the app database")
    }

    /// Rename a table of the app's database under the running server (an
    /// outage caused for real: its queries fail).
    pub async fn rename_table(&self, from: &str, to: &str) {
        let db = self.db().await;
        let sql = format!("ALTER TABLE {from} RENAME TO {to}");
        hctl::on_pool!(&db, pool => sqlx::query(sqlx::AssertSqlSafe(sql)).execute(pool).await.map(|_| ()))
            .unwrap_or_else(|e| panic!("rename {from} to {to}: {e}"));
    }

    /// Stop the server (graceful) and return its result.
    pub async fn stop(mut self) -> anyhow::Result<()> {
        let _ = self.stop.take().unwrap().send(());
        tokio::time::timeout(Duration::from_secs(30), self.task.take().unwrap())
            .await
            .expect("server stops within 30s")
            .expect("server task")
    }
}

impl Drop for App {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(task) = self.task.take() {
            task.abort();
        }
    }
}

/// One behaviour test per backend: `both!(name)` runs `name(Backend)`.
#[macro_export]
macro_rules! both {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $name() { super::$name(super::Backend::Sqlite).await })*
        }
        mod postgres {
            $(#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $name() { super::$name(super::Backend::Postgres).await })*
        }
    };
}
