//! Backups under faults: the dump dies, the database backend is killed, S3 is
//! unreachable, the stored object is corrupted or truncated, the target's
//! schema is newer. Each must fail loudly and leave nothing that looks usable.

use std::os::unix::fs::PermissionsExt;
use std::time::Duration;

use super::{DbEnv, Store, ids, item, json};
use crate::support::services::{require, s3_target};

/// A `pg_dump` on PATH that behaves as `script` says (`$REAL` is the real one).
pub(super) fn fake_pg_dump(env: &mut DbEnv, script: &str) {
    let real = which("pg_dump");
    let bin = env.sandbox.path().join("fakebin");
    std::fs::create_dir_all(&bin).unwrap();
    let path = bin.join("pg_dump");
    std::fs::write(&path, format!("#!/bin/sh\nREAL={real}\n{script}\n")).unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
    let old = std::env::var("PATH").unwrap_or_default();
    env.extra
        .push(("PATH".into(), format!("{}:{old}", bin.display())));
}

fn which(tool: &str) -> String {
    let out = std::process::Command::new("sh")
        .arg("-c")
        .arg(format!("command -v {tool}"))
        .output()
        .unwrap();
    let path = String::from_utf8_lossy(&out.stdout).trim().to_string();
    assert!(
        !path.is_empty(),
        "{tool} is not on PATH: install the PostgreSQL client tools"
    );
    path
}

/// Every object key in the test's bucket.
pub(super) async fn bucket_keys(env: &DbEnv) -> Vec<String> {
    let Store::Bucket(bucket) = &env.store else {
        panic!("not an S3 test")
    };
    let out = hctl::s3::client(&s3_target())
        .list_objects_v2()
        .bucket(&bucket.name)
        .send()
        .await
        .unwrap();
    out.contents()
        .iter()
        .map(|o| o.key().unwrap().to_string())
        .collect()
}

#[tokio::test]
async fn dump_dying_mid_backup_leaves_no_backup() {
    hctl::init_crypto();
    let mut env = DbEnv::s3();
    env.seed(1).await;
    let good = env.backup();
    let before = bucket_keys(&env).await;

    // The dump writes part of the archive, then dies.
    fake_pg_dump(
        &mut env,
        r#"case "$1" in --version) exec "$REAL" --version;; esac
"$REAL" "$@" | head -c 3000
exit 1"#,
    );
    let run = env.run(&["db", "backup"]);
    assert_ne!(run.code, 0, "{}", run.stderr);
    run.assert_stderr_has("pg_dump");

    assert_eq!(
        ids(&env.backups()),
        [good.as_str()],
        "latest must not change"
    );
    assert_eq!(
        bucket_keys(&env).await,
        before,
        "no partial object may remain"
    );
    env.extra.clear();
    env.run(&["db", "verify", "--backup-id", "latest"]).code(0);
}

/// A `hctl db backup` running while a test connection holds an exclusive lock
/// on `users`, so its `pg_dump` waits inside the database.
struct Blocked {
    locker: sqlx::PgConnection,
    admin: sqlx::PgConnection,
    child: std::process::Child,
}

impl Blocked {
    async fn start(env: &DbEnv) -> Self {
        let mut locker = env.conn().await;
        sqlx::raw_sql("BEGIN; LOCK TABLE users IN ACCESS EXCLUSIVE MODE;")
            .execute(&mut locker)
            .await
            .unwrap();
        let mut cmd = env.sandbox.cmd(&["db", "backup"]);
        cmd.envs(env.envs())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped());
        Blocked {
            locker,
            admin: env.conn().await,
            child: cmd.spawn().unwrap(),
        }
    }

    /// Poll `count_sql` until it returns a positive count (up to 30s).
    async fn until(&mut self, count_sql: &'static str) -> bool {
        poll(&mut self.admin, count_sql).await
    }

    /// Wait for hctl while still holding the lock.
    async fn finish_holding(self) -> std::process::Output {
        let child = self.child;
        tokio::task::spawn_blocking(move || child.wait_with_output())
            .await
            .unwrap()
            .unwrap()
    }

    /// Release the lock and wait for hctl.
    async fn finish(mut self) -> std::process::Output {
        sqlx::raw_sql("ROLLBACK")
            .execute(&mut self.locker)
            .await
            .unwrap();
        let child = self.child;
        tokio::task::spawn_blocking(move || child.wait_with_output())
            .await
            .unwrap()
            .unwrap()
    }
}

/// Poll `count_sql` until it returns a positive count (up to 30s).
pub(super) async fn poll(conn: &mut sqlx::PgConnection, count_sql: &'static str) -> bool {
    for _ in 0..300 {
        let n: i64 = sqlx::query_scalar(count_sql)
            .fetch_one(&mut *conn)
            .await
            .unwrap();
        if n > 0 {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    false
}

/// Child process ids of `pid` (Linux /proc).
pub(super) fn children(pid: u32) -> Vec<u32> {
    let mut out = Vec::new();
    for task in std::fs::read_dir(format!("/proc/{pid}/task"))
        .into_iter()
        .flatten()
        .flatten()
    {
        let text = std::fs::read_to_string(task.path().join("children")).unwrap_or_default();
        out.extend(
            text.split_whitespace()
                .filter_map(|p| p.parse::<u32>().ok()),
        );
    }
    out
}

/// Whether a process exists and is not a zombie.
pub(super) fn alive(pid: u32) -> bool {
    std::fs::read_to_string(format!("/proc/{pid}/stat"))
        .map(|stat| {
            let state = stat
                .rsplit(')')
                .next()
                .unwrap_or("")
                .split_whitespace()
                .next()
                .unwrap_or("");
            state != "Z" && state != "X"
        })
        .unwrap_or(false)
}

const PG_DUMP_WAITING: &str = "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'pg_dump' AND wait_event_type = 'Lock'";

#[tokio::test]
async fn interrupted_backup_leaves_nothing_and_stops_pg_dump() {
    let env = DbEnv::dir();
    env.seed(1).await;
    let mut blocked = Blocked::start(&env).await;
    assert!(
        blocked.until(PG_DUMP_WAITING).await,
        "pg_dump never waited on the lock"
    );
    let pid = blocked.child.id();
    let dumps = children(pid);
    assert!(!dumps.is_empty(), "hctl has no pg_dump child");
    let status = std::process::Command::new("kill")
        .args(["-INT", &pid.to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let out = blocked.finish_holding().await;
    assert_eq!(
        out.status.code(),
        Some(130),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // Checked while pg_dump would still be waiting on the lock: it was killed.
    // hctl sent SIGKILL before exiting; the kernel may take a moment to end
    // the process on a loaded machine (CI saw it alive right at hctl's exit).
    let start = std::time::Instant::now();
    while dumps.iter().any(|p| alive(*p)) && start.elapsed() < Duration::from_secs(2) {
        std::thread::sleep(Duration::from_millis(20));
    }
    let gone = dumps.iter().all(|p| !alive(*p));
    assert!(gone, "pg_dump outlived hctl by 2s");
    assert!(env.backups().is_empty());
    let mut files = Vec::new();
    let mut dirs = vec![env.backup_dir()];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
            if entry.path().is_dir() {
                dirs.push(entry.path());
            } else {
                files.push(entry.path());
            }
        }
    }
    assert!(files.is_empty(), "left behind: {files:?}");
}

#[tokio::test]
async fn backend_terminated_mid_backup_leaves_no_backup() {
    hctl::init_crypto();
    let env = DbEnv::s3();
    env.seed(1).await;

    // Hold a lock so pg_dump waits inside the database, then kill its backend.
    let mut blocked = Blocked::start(&env).await;
    let killed = blocked
        .until("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'pg_dump' AND wait_event_type = 'Lock'")
        .await;
    let out = blocked.finish().await;
    assert!(killed, "pg_dump never waited on the lock");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(3), "{stderr}");
    assert!(stderr.contains("pg_dump"), "{stderr}");
    assert!(env.backups().is_empty());
    assert!(
        bucket_keys(&env).await.is_empty(),
        "no partial object may remain"
    );
}

#[tokio::test]
async fn unreachable_s3_exits_3_naming_endpoint_and_bucket() {
    let env = DbEnv::s3();
    env.seed(1).await;
    let Store::Bucket(bucket) = &env.store else {
        unreachable!()
    };
    let dead = [("HCTL_S3_ENDPOINT", "http://127.0.0.1:9")];
    for args in [&["db", "backup"][..], &["db", "backups"][..]] {
        let run = env.run_with(args, &dead);
        run.code(3).assert_stderr_has("http://127.0.0.1:9");
        run.assert_stderr_has(&bucket.name);
    }
    assert!(env.backups().is_empty(), "nothing may be marked as done");
}

/// Replace the dump object of backup `id` with `f(bytes)`.
async fn tamper(env: &DbEnv, id: &str, f: impl FnOnce(&mut Vec<u8>)) {
    let Store::Bucket(bucket) = &env.store else {
        panic!("not an S3 test")
    };
    let client = hctl::s3::client(&s3_target());
    let key = format!("backups/hctl/{id}/dump");
    let out = client
        .get_object()
        .bucket(&bucket.name)
        .key(&key)
        .send()
        .await
        .unwrap();
    let mut bytes = out.body.collect().await.unwrap().to_vec();
    f(&mut bytes);
    client
        .put_object()
        .bucket(&bucket.name)
        .key(&key)
        .body(bytes.into())
        .send()
        .await
        .unwrap();
}

#[tokio::test]
async fn corrupted_or_truncated_backup_is_refused_before_touching_the_target() {
    hctl::init_crypto();
    let env = DbEnv::s3();
    env.seed(1).await;
    let id = env.backup();
    env.exec("INSERT INTO users (email) VALUES ('after-backup@example.com')")
        .await;

    tamper(&env, &id, |b| {
        let mid = b.len() / 2;
        b[mid] ^= 0xff;
    })
    .await;
    let run = env.run(&["db", "verify", "--backup-id", &id]);
    run.code(1).assert_stdout_has("corrupted object");
    let run = env.run(&["db", "restore", "--backup-id", &id, "--yes"]);
    run.code(1).assert_stdout_has("was not touched");
    assert_eq!(
        env.scalar("SELECT count(*) FROM users").await,
        2001,
        "target must be untouched"
    );

    tamper(&env, &id, |b| b.truncate(b.len() / 3)).await;
    let run = env.run(&["db", "verify", "--backup-id", &id, "-o", "json"]);
    run.code(1);
    let report = json(&run.stdout);
    let object = item(&report, "object");
    assert_eq!(object["status"], "fail");
    env.run(&["db", "restore", "--backup-id", &id, "--yes"])
        .code(1);
    // Known-bad now, so `latest` refuses to pick it at all.
    let run = env.run(&["db", "restore", "--backup-id", "latest", "--yes"]);
    run.code(2).assert_stderr_has("no usable backup");
    assert_eq!(
        env.scalar("SELECT count(*) FROM users").await,
        2001,
        "target must be untouched"
    );
    assert_eq!(env.backups()[0]["verified"]["ok"], false);
}

#[tokio::test]
async fn restore_refuses_a_newer_schema_and_asks_first() {
    let env = DbEnv::dir();
    env.seed(2).await;
    env.backup();

    let run = env.run(&["db", "restore", "--backup-id", "latest"]);
    run.code(2).assert_stderr_has("--yes");

    env.exec("INSERT INTO hctl_schema_migrations VALUES (3, 'm3', 'x', now(), 1)")
        .await;
    let run = env.run(&["db", "restore", "--backup-id", "latest", "--yes"]);
    run.code(2)
        .assert_stderr_has("schema version 3")
        .assert_stderr_has("--force");
    assert_eq!(
        env.scalar("SELECT max(version) FROM hctl_schema_migrations")
            .await,
        3
    );

    env.run(&["db", "restore", "--backup-id", "latest", "--yes", "--force"])
        .code(0);
    assert_eq!(
        env.scalar("SELECT max(version) FROM hctl_schema_migrations")
            .await,
        2
    );

    let run = env.run(&["db", "restore", "--backup-id", "nope", "--yes"]);
    run.code(2).assert_stderr_has("not a backup id");
}

#[tokio::test]
async fn old_pg_dump_is_refused_with_a_fix() {
    let mut env = DbEnv::dir();
    env.seed(1).await;
    fake_pg_dump(&mut env, r#"echo "pg_dump (PostgreSQL) 9.6.24""#);
    let run = env.run(&["db", "backup"]);
    run.code(3).assert_stderr_has("version 9");
    run.assert_stderr_has("apt-get install postgresql-client-");
    assert!(env.backups().is_empty());
}

#[tokio::test]
async fn unreachable_database_fails_backup_with_its_address() {
    let env = DbEnv::dir();
    let mut url = url::Url::parse(&require("DATABASE_URL")).unwrap();
    url.set_port(Some(9)).unwrap();
    url.set_password(Some("s3cret")).unwrap();
    let dead = url.to_string();
    let run = env.run_with(&["db", "backup"], &[("HCTL_DATABASE_URL", &dead)]);
    run.code(3).assert_stderr_has("127.0.0.1:9");
    // The password is redacted.
    run.assert_stderr_lacks("s3cret");
}

#[tokio::test]
async fn manifest_pointing_outside_its_backup_is_rejected() {
    let env = DbEnv::dir();
    env.seed(1).await;
    let id = env.backup();
    let path = env.backup_dir().join(&id).join("manifest.json");
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(
        &path,
        text.replace(&format!("{id}/dump"), "../../etc/passwd"),
    )
    .unwrap();
    let run = env.run(&["db", "verify", "--backup-id", &id]);
    run.code(3).assert_stderr_has("do not belong");
}
