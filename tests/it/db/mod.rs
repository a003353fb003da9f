//! `hctl db …` end to end: the real binary against a fresh PostgreSQL database
//! and a fresh S3 bucket (or a temp directory) per test.

mod at_rest;
mod backup;
mod cleanup;
mod faults;
mod hang;
mod health;
mod live;
mod migrate;
mod preflight;
mod retention;
mod storage;

use std::path::PathBuf;

use serde_json::Value;
use sqlx::{Connection, PgConnection};

use crate::support::services::{TestBucket, TestDb, require};
use crate::support::{Run, Sandbox};

/// Where a test keeps its backups.
pub enum Store {
    Dir,
    Bucket(TestBucket),
}

/// A sandbox whose `local` environment points at a test database and storage.
pub struct DbEnv {
    pub sandbox: Sandbox,
    pub db: TestDb,
    pub store: Store,
    /// Extra environment for every run (e.g. PATH with a fake pg_dump).
    pub extra: Vec<(String, String)>,
}

impl DbEnv {
    pub fn new(store: Store) -> Self {
        DbEnv {
            sandbox: Sandbox::new(),
            db: TestDb::new(),
            store,
            extra: Vec::new(),
        }
    }

    pub fn s3() -> Self {
        Self::new(Store::Bucket(TestBucket::new()))
    }

    pub fn dir() -> Self {
        Self::new(Store::Dir)
    }

    pub fn storage_url(&self) -> String {
        match &self.store {
            Store::Dir => format!("file://{}", self.backup_dir().display()),
            Store::Bucket(b) => format!("s3://{}/backups/hctl", b.name),
        }
    }

    pub fn backup_dir(&self) -> PathBuf {
        self.sandbox.path().join("backups")
    }

    pub fn envs(&self) -> Vec<(String, String)> {
        let mut envs = vec![
            ("HCTL_DATABASE_URL".to_string(), self.db.url.clone()),
            ("HCTL_STORAGE".to_string(), self.storage_url()),
        ];
        if let Store::Bucket(_) = self.store {
            envs.push(("HCTL_S3_ENDPOINT".into(), require("S3_ENDPOINT")));
            envs.push(("HCTL_S3_FORCE_PATH_STYLE".into(), "true".into()));
        }
        envs.extend(self.extra.iter().cloned());
        envs
    }

    /// `hctl ARGS` against this environment.
    pub fn run(&self, args: &[&str]) -> Run {
        self.run_with(args, &[])
    }

    /// With more (or overriding) environment variables.
    pub fn run_with(&self, args: &[&str], more: &[(&str, &str)]) -> Run {
        let mut envs = self.envs();
        for (k, v) in more {
            envs.retain(|(name, _)| name != k);
            envs.push((k.to_string(), v.to_string()));
        }
        let borrowed: Vec<(&str, &str)> =
            envs.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        self.sandbox.run_with(args, &borrowed)
    }

    /// `hctl db backups -o json` as values.
    pub fn backups(&self) -> Vec<Value> {
        let run = self.run(&["db", "backups", "-o", "json"]);
        run.code(0);
        serde_json::from_str::<Vec<Value>>(&run.stdout).expect("backups json")
    }

    /// `hctl db restore --yes -o json ARGS`, which must succeed: its report
    /// and its stderr.
    pub fn restore(&self, args: &[&str]) -> (Value, String) {
        let mut all = vec!["db", "restore", "--yes", "-o", "json"];
        all.extend_from_slice(args);
        let run = self.run(&all);
        run.code(0);
        (json(&run.stdout), run.stderr.clone())
    }

    /// Take a backup and return its id.
    pub fn backup(&self) -> String {
        let run = self.run(&["db", "backup", "-o", "json"]);
        run.code(0);
        let manifest: Value = serde_json::from_str(&run.stdout).expect("manifest json");
        manifest["id"].as_str().expect("id").to_string()
    }

    pub async fn conn(&self) -> PgConnection {
        PgConnection::connect(&self.db.url)
            .await
            .expect("connect to test db")
    }

    /// Run `sql`; the session is closed before this returns, so a restore
    /// that follows does not see it as another user of the database.
    pub async fn exec(&self, sql: &str) {
        let mut conn = self.conn().await;
        sqlx::raw_sql(sqlx::AssertSqlSafe(sql.to_string()))
            .execute(&mut conn)
            .await
            .unwrap_or_else(|e| panic!("{sql}: {e}"));
        conn.close().await.expect("close the test session");
    }

    pub async fn scalar(&self, sql: &'static str) -> i64 {
        let mut conn = self.conn().await;
        let value = sqlx::query_scalar::<_, i64>(sql)
            .fetch_one(&mut conn)
            .await
            .unwrap_or_else(|e| panic!("{sql}: {e}"));
        conn.close().await.expect("close the test session");
        value
    }

    /// A small application schema with data and a migration history at `version`.
    pub async fn seed(&self, version: i64) {
        self.exec(&format!(
            "CREATE TABLE users (id bigserial PRIMARY KEY, email text NOT NULL, weight float8, born date);
             INSERT INTO users (email, weight, born)
               SELECT 'user' || g || '@example.com', g * 1.25, date '1990-01-01' + g FROM generate_series(1, 2000) g;
             CREATE TABLE readings (id bigserial PRIMARY KEY, user_id bigint REFERENCES users, value jsonb);
             INSERT INTO readings (user_id, value) SELECT 1 + g % 2000, jsonb_build_object('bpm', 60 + g % 40) FROM generate_series(1, 5000) g;
             CREATE TABLE hctl_schema_migrations (version bigint PRIMARY KEY, name text NOT NULL, checksum text NOT NULL, applied_at timestamp NOT NULL, execution_ms bigint NOT NULL);
             INSERT INTO hctl_schema_migrations SELECT v, 'm' || v, 'sum', now(), 1 FROM generate_series(1, {version}) v;"
        ))
        .await;
    }
}

/// Ids of the listed backups, newest first.
pub fn ids(backups: &[Value]) -> Vec<String> {
    backups
        .iter()
        .map(|b| b["id"].as_str().expect("id").to_string())
        .collect()
}

/// Parse a command's JSON output.
pub fn json(stdout: &str) -> Value {
    serde_json::from_str(stdout).unwrap_or_else(|e| panic!("not json ({e}): {stdout}"))
}

/// The report item with this id.
pub fn item<'a>(report: &'a Value, id: &str) -> &'a Value {
    report["items"]
        .as_array()
        .expect("a report")
        .iter()
        .find(|i| i["id"] == id)
        .unwrap_or_else(|| panic!("no item {id} in {report}"))
}
