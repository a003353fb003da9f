//! Restoring over a live database: refused while others use it (an open
//! PostgreSQL session, a real `hctl serve` on the SQLite file), naming them;
//! and every destructive restore is preceded by a safety backup whose id
//! undoes it, which `latest` never picks by accident.

use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

use sqlx::{ConnectOptions, Connection};

use super::{DbEnv, ids, item};

#[tokio::test]
async fn restore_refuses_while_another_postgres_session_is_connected() {
    let env = DbEnv::dir();
    env.seed(1).await;
    env.backup();
    env.exec("INSERT INTO users (email) VALUES ('after@example.com')")
        .await;
    let options: sqlx::postgres::PgConnectOptions = env.db.url.parse().unwrap();
    let mut other = options
        .application_name("billing-worker")
        .connect()
        .await
        .unwrap();
    let pid: i32 = sqlx::query_scalar("SELECT pg_backend_pid()")
        .fetch_one(&mut other)
        .await
        .unwrap();

    let run = env.run(&["db", "restore", "--backup-id", "latest", "--yes"]);
    run.code(2);
    for part in [
        &format!("pid {pid}"),
        "billing-worker",
        "from 127.0.0.1",
        "--force",
    ] {
        run.assert_stderr_has(part);
    }
    assert_eq!(env.scalar("SELECT count(*) FROM users").await, 2001);

    // --force restores anyway and says who was still there.
    let run = env.run(&["db", "restore", "--backup-id", "latest", "--yes", "--force"]);
    run.code(0).assert_stderr_has("billing-worker");
    assert_eq!(env.scalar("SELECT count(*) FROM users").await, 2000);

    other.close().await.unwrap();
    env.run(&["db", "restore", "--backup-id", "latest", "--yes"])
        .code(0);
}

/// A real `hctl serve` on `database_url`, ready (migrated); killed when dropped.
struct Server {
    child: Child,
    base: String,
    http: reqwest::Client,
}

impl Server {
    async fn start(env: &DbEnv, database_url: &str) -> Self {
        hctl::init_crypto();
        let addr = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .unwrap();
        let child = env
            .sandbox
            .cmd(&["serve", "--migrate", "--bind", &addr.to_string()])
            .env("DATABASE_URL", database_url)
            .env_remove("REDIS_URL")
            .env_remove("STORAGE_URL")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn hctl serve");
        let server = Server {
            child,
            base: format!("http://{addr}"),
            http: reqwest::Client::new(),
        };
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let ready = server
                .http
                .get(format!("{}/api/readyz", server.base))
                .send()
                .await
                .is_ok_and(|r| r.status().is_success());
            if ready {
                return server;
            }
            assert!(Instant::now() < deadline, "hctl serve never became ready");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Register an account: a write through the server's own pool.
    async fn register(&self, email: &str) {
        let response = self
            .http
            .post(format!("{}/api/auth/register", self.base))
            .json(&serde_json::json!({"email": email, "password": "correct horse battery"}))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status().as_u16(), 201);
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

async fn users(file: &std::path::Path) -> i64 {
    let mut conn = sqlx::sqlite::SqliteConnectOptions::new()
        .filename(file)
        .connect()
        .await
        .unwrap();
    let n = sqlx::query_scalar("SELECT count(*) FROM users")
        .fetch_one(&mut conn)
        .await
        .unwrap();
    conn.close().await.unwrap();
    n
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn restore_refuses_while_hctl_serve_holds_the_sqlite_file() {
    let env = DbEnv::dir();
    let file = env.sandbox.path().join("live.db");
    let url = format!("sqlite://{}", file.display());
    let with = [("HCTL_DATABASE_URL", url.as_str())];
    let server = Server::start(&env, &url).await;
    server.register("first@example.com").await;
    env.run_with(&["db", "backup"], &with).code(0);
    server.register("second@example.com").await;

    let run = env.run_with(&["db", "restore", "--backup-id", "latest", "--yes"], &with);
    run.code(2);
    let pid = server.child.id().to_string();
    run.assert_stderr_has(&format!("pid {pid}"))
        .assert_stderr_has("serve");
    run.assert_stderr_has("--force");
    // Nothing was swapped under the server: its writes are all still there.
    server.register("third@example.com").await;
    drop(server);
    assert_eq!(users(&file).await, 3);

    // Once the server is gone the restore goes ahead.
    env.run_with(&["db", "restore", "--backup-id", "latest", "--yes"], &with)
        .code(0);
    assert_eq!(users(&file).await, 1);
}

#[tokio::test]
async fn restore_takes_a_safety_backup_that_undoes_it() {
    let env = DbEnv::dir();
    env.seed(1).await;
    let regular = env.backup();
    env.exec("INSERT INTO users (email) VALUES ('precious@example.com')")
        .await;
    let precious = "SELECT count(*) FROM users WHERE email = 'precious@example.com'";

    let (report, stderr) = env.restore(&["--backup-id", "latest"]);
    let safety = report["safety_backup_id"].as_str().unwrap().to_string();
    assert_eq!(report["backup_id"], regular.as_str());
    assert_eq!(item(&report, "safety-backup")["status"], "pass");
    assert!(
        stderr.contains(&format!("hctl db restore --backup-id {safety}")),
        "{stderr}"
    );
    assert_eq!(env.scalar(precious).await, 0);

    // Listed and marked as a safety backup.
    let listed = env.backups();
    assert_eq!(ids(&listed), [safety.as_str(), &regular]);
    assert_eq!(listed[0]["kind"], "safety");
    assert_eq!(listed[1]["kind"], "regular");
    let run = env.run(&["db", "backups"]);
    let row = run.stdout.lines().find(|l| l.contains(&safety)).unwrap();
    assert!(row.contains("safety"), "{}", run.stdout);

    // `latest` is still the regular backup, not the state just overwritten.
    let (report, _) = env.restore(&["--backup-id", "latest", "--no-safety-backup"]);
    assert_eq!(report["backup_id"], regular.as_str());
    assert_eq!(report["safety_backup_id"], serde_json::Value::Null);
    assert_eq!(item(&report, "safety-backup")["status"], "skip");
    assert_eq!(env.backups().len(), 2, "--no-safety-backup takes none");

    // Undo the first restore with the printed id.
    env.run(&["db", "restore", "--backup-id", &safety, "--yes"])
        .code(0);
    assert_eq!(env.scalar(precious).await, 1);
}
