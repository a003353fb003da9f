//! Real services for tests, started by `scripts/test`: each test gets its own
//! PostgreSQL database (random name) and its own S3 bucket, removed on drop.

use std::future::Future;

use sqlx::{Connection, PgConnection};

const HOW: &str = "run the tests with `scripts/test`, which starts PostgreSQL, Redis and an S3-compatible server, or export DATABASE_URL, REDIS_URL and S3_ENDPOINT for running ones";

/// A required environment variable set by `scripts/test`.
#[track_caller]
pub fn require(var: &str) -> String {
    match std::env::var(var) {
        Ok(v) if !v.is_empty() => v,
        _ => panic!("{var} is not set: {HOW}"),
    }
}

/// Run a future to completion on a private runtime (for setup and Drop).
pub fn block_on<F: Future + Send + 'static>(f: F) -> F::Output
where
    F::Output: Send + 'static,
{
    std::thread::spawn(move || {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("build runtime")
            .block_on(f)
    })
    .join()
    .expect("helper thread")
}

fn unique(prefix: &str) -> String {
    format!("{prefix}{}", uuid::Uuid::new_v4().simple())
}

/// A fresh PostgreSQL database, dropped (with FORCE) when this is dropped.
pub struct TestDb {
    pub name: String,
    pub url: String,
    admin_url: String,
}

impl TestDb {
    pub fn new() -> Self {
        let admin_url = require("DATABASE_URL");
        let name = unique("hctl_test_");
        let url = with_database(&admin_url, &name);
        let (admin, db) = (admin_url.clone(), name.clone());
        block_on(async move {
            let mut conn = PgConnection::connect(&admin).await.unwrap_or_else(|e| {
                panic!("cannot connect to PostgreSQL at DATABASE_URL: {e}; {HOW}")
            });
            sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE \"{db}\"")))
                .execute(&mut conn)
                .await
                .expect("create test database");
        });
        TestDb {
            name,
            url,
            admin_url,
        }
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        let (admin, db) = (self.admin_url.clone(), self.name.clone());
        block_on(async move {
            if let Ok(mut conn) = PgConnection::connect(&admin).await {
                let _ = sqlx::query(sqlx::AssertSqlSafe(format!(
                    "DROP DATABASE IF EXISTS \"{db}\" WITH (FORCE)"
                )))
                .execute(&mut conn)
                .await;
            }
        });
    }
}

/// `postgres://u@h:p/old?x` with the database replaced by `name`.
pub fn with_database(url: &str, name: &str) -> String {
    let mut parsed = url::Url::parse(url).expect("DATABASE_URL is a URL");
    parsed.set_path(&format!("/{name}"));
    parsed.to_string()
}

/// The S3 target of the test server.
pub fn s3_target() -> hctl::s3::S3Target {
    hctl::s3::S3Target {
        endpoint: Some(require("S3_ENDPOINT")),
        region: std::env::var("AWS_REGION").unwrap_or_else(|_| "us-east-1".into()),
        force_path_style: true,
    }
}

/// A fresh, empty S3 bucket, emptied and deleted when dropped.
pub struct TestBucket {
    pub name: String,
}

impl TestBucket {
    pub fn new() -> Self {
        let name = unique("hctl-test-");
        let bucket = name.clone();
        block_on(async move {
            hctl::init_crypto();
            hctl::s3::client(&s3_target())
                .create_bucket()
                .bucket(&bucket)
                .send()
                .await
                .unwrap_or_else(|e| panic!("cannot create bucket on S3_ENDPOINT: {e:?}; {HOW}"));
        });
        TestBucket { name }
    }
}

impl Drop for TestBucket {
    fn drop(&mut self) {
        let bucket = self.name.clone();
        block_on(async move {
            let client = hctl::s3::client(&s3_target());
            if let Ok(list) = client.list_objects_v2().bucket(&bucket).send().await {
                for obj in list.contents() {
                    if let Some(key) = obj.key() {
                        let _ = client.delete_object().bucket(&bucket).key(key).send().await;
                    }
                }
            }
            let _ = client.delete_bucket().bucket(&bucket).send().await;
        });
    }
}

/// The Redis URL of the test server.
pub fn redis_url() -> String {
    require("REDIS_URL")
}
