//! What an interrupted or killed `hctl db` leaves behind: a SIGINT'd S3 backup
//! aborts its multipart upload before exiting; leftovers of killed backups are
//! listed as incomplete and pruned after a day; a killed restore takes its
//! `pg_restore` with it, and its staged dump is swept by the next run.

use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use chrono::Utc;
use hctl::db::manifest;

use super::faults::{alive, bucket_keys, children, fake_pg_dump, poll};
use super::hang::{SlowProxy, spawn, wait_at_most};
use super::{DbEnv, Store, json};
use crate::support::services::{require, s3_target};

/// A `pg_dump` that writes `bytes` random bytes, then hangs (a slow dump).
const SLOW_DUMP: &str = r#"case "$1" in --version) exec "$REAL" --version;; esac
head -c "$BYTES" /dev/urandom
exec sleep 60"#;

fn signal(pid: u32, sig: &str) {
    let status = std::process::Command::new("kill")
        .args([sig, &pid.to_string()])
        .status()
        .expect("run kill");
    assert!(status.success(), "kill {sig} {pid}");
}

/// Open multipart uploads in the test's bucket, as (key, upload id).
async fn open_uploads(env: &DbEnv) -> Vec<(String, String)> {
    let Store::Bucket(bucket) = &env.store else {
        panic!("not an S3 test")
    };
    let out = hctl::s3::client(&s3_target())
        .list_multipart_uploads()
        .bucket(&bucket.name)
        .send()
        .await
        .expect("ListMultipartUploads");
    out.uploads()
        .iter()
        .map(|u| {
            (
                u.key().unwrap_or_default().to_string(),
                u.upload_id().unwrap_or_default().to_string(),
            )
        })
        .collect()
}

/// Wait (up to 30s) until a multipart upload is open; the open uploads.
async fn upload_started(env: &DbEnv) -> Vec<(String, String)> {
    for _ in 0..300 {
        let open = open_uploads(env).await;
        if !open.is_empty() {
            return open;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    Vec::new()
}

#[tokio::test]
async fn sigint_during_an_s3_backup_aborts_the_multipart_upload() {
    hctl::init_crypto();
    let mut env = DbEnv::s3();
    env.seed(1).await;
    // 9 MiB: one full 8 MiB part goes up, then the dump stalls.
    fake_pg_dump(&mut env, &SLOW_DUMP.replace("$BYTES", "9437184"));
    // The abort (DELETE …?uploadId=) takes a second to reach S3: exiting
    // without waiting for it would lose it.
    let proxy = SlowProxy::start(&require("S3_ENDPOINT"), "DELETE ", Duration::from_secs(1));
    let child = spawn(&env, &["db", "backup"], &[("HCTL_S3_ENDPOINT", &proxy.url)]);
    let pid = child.id();
    let open = upload_started(&env).await;
    assert!(
        !open.is_empty(),
        "the backup never started a multipart upload"
    );
    tokio::time::sleep(Duration::from_millis(500)).await;
    signal(pid, "-INT");
    let out = wait_at_most(child, Duration::from_secs(30)).expect("hctl exits after SIGINT");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(130), "{stderr}");
    assert_eq!(
        open_uploads(&env).await,
        [],
        "the multipart upload was left open: {stderr}"
    );
    assert_eq!(bucket_keys(&env).await, Vec::<String>::new());
    assert!(env.backups().is_empty());
}

/// Every file under `dir`, recursively.
fn files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut dirs = vec![dir.to_path_buf()];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
            if entry.path().is_dir() {
                dirs.push(entry.path());
            } else {
                out.push(entry.path());
            }
        }
    }
    out.sort();
    out
}

/// Set a file's modification time `days` back.
fn age(path: &Path, days: u64) {
    std::fs::File::options()
        .write(true)
        .open(path)
        .and_then(|f| f.set_modified(SystemTime::now() - Duration::from_secs(days * 86400)))
        .unwrap_or_else(|e| panic!("age {}: {e}", path.display()));
}

#[tokio::test]
async fn kill_9_during_a_directory_backup_leaves_an_incomplete_backup_that_prune_removes() {
    let mut env = DbEnv::dir();
    env.seed(1).await;
    let good = env.backup();

    // A real kill -9 mid-write leaves the hidden temp file of the dump.
    fake_pg_dump(&mut env, &SLOW_DUMP.replace("$BYTES", "300000"));
    let child = spawn(&env, &["db", "backup"], &[]);
    let partial = (0..300)
        .find_map(|_| {
            let found = files(&env.backup_dir()).into_iter().find(|p| {
                p.file_name()
                    .is_some_and(|n| n.to_string_lossy().starts_with(".dump.partial-"))
            });
            if found.is_none() {
                std::thread::sleep(Duration::from_millis(100));
            }
            found
        })
        .expect("the backup never started writing");
    signal(child.id(), "-KILL");
    wait_at_most(child, Duration::from_secs(10)).expect("killed");
    env.extra.clear();
    let killed = partial
        .parent()
        .and_then(|d| d.file_name())
        .map(|n| n.to_string_lossy().into_owned())
        .expect("backup directory");

    // A leftover from two days ago, as a kill -9 long past leaves it.
    let old = manifest::new_id(Utc::now() - chrono::Duration::days(2));
    let stale = env.backup_dir().join(&old).join(".dump.partial-0123abcd");
    std::fs::create_dir_all(stale.parent().unwrap()).unwrap();
    std::fs::write(&stale, vec![7u8; 4096]).unwrap();

    let run = env.run(&["db", "backups"]);
    run.code(0)
        .assert_stderr_has("2 incomplete backup(s)")
        .assert_stderr_has(&killed)
        .assert_stderr_has(&old);
    run.assert_stdout_has(&good);

    let run = env.run(&["db", "prune", "--keep", "1", "--yes", "-o", "json"]);
    run.code(0);
    let pruned = json(&run.stdout);
    assert_eq!(pruned["incomplete_deleted"], serde_json::json!([old]));
    assert_eq!(pruned["kept"], serde_json::json!([good]));
    let decision = pruned["backups"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["id"] == old)
        .expect("the stale leftover is shown");
    assert_eq!(decision["size_bytes"], 4096);
    assert!(!stale.exists() && !stale.parent().unwrap().exists());
    assert!(partial.exists(), "a young leftover may still be running");
}

#[tokio::test]
async fn kill_9_during_an_s3_backup_leaves_an_upload_that_is_listed_and_pruned() {
    hctl::init_crypto();
    let mut env = DbEnv::s3();
    env.seed(1).await;
    let good = env.backup();
    fake_pg_dump(&mut env, &SLOW_DUMP.replace("$BYTES", "9437184"));
    let child = spawn(&env, &["db", "backup"], &[]);
    let open = upload_started(&env).await;
    signal(child.id(), "-KILL");
    wait_at_most(child, Duration::from_secs(10)).expect("killed");
    env.extra.clear();
    let [(key, _)] = open.as_slice() else {
        panic!("one open upload expected: {open:?}")
    };
    let killed = key
        .split('/')
        .nth(2)
        .expect("backups/hctl/ID/dump")
        .to_string();

    // One from two days ago.
    let Store::Bucket(bucket) = &env.store else {
        unreachable!()
    };
    let old = manifest::new_id(Utc::now() - chrono::Duration::days(2));
    hctl::s3::client(&s3_target())
        .create_multipart_upload()
        .bucket(&bucket.name)
        .key(format!("backups/hctl/{old}/dump"))
        .send()
        .await
        .expect("CreateMultipartUpload");

    let run = env.run(&["db", "backups"]);
    run.code(0)
        .assert_stderr_has("2 incomplete backup(s)")
        .assert_stderr_has(&killed)
        .assert_stderr_has(&old);

    let run = env.run(&["db", "prune", "--keep", "1", "--yes", "-o", "json"]);
    run.code(0);
    let pruned = json(&run.stdout);
    assert_eq!(pruned["incomplete_deleted"], serde_json::json!([old]));
    assert_eq!(pruned["kept"], serde_json::json!([good]));
    let left: Vec<String> = open_uploads(&env).await.into_iter().map(|u| u.0).collect();
    assert_eq!(
        left,
        std::slice::from_ref(key),
        "the stale upload is aborted, the young one stays"
    );
}

/// `pg_restore` processes whose command line names database `name`.
fn pg_restores_of(name: &str) -> Vec<u32> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir("/proc").into_iter().flatten().flatten() {
        let Some(pid) = entry.file_name().to_str().and_then(|p| p.parse().ok()) else {
            continue;
        };
        let cmdline = std::fs::read(entry.path().join("cmdline")).unwrap_or_default();
        let cmdline = String::from_utf8_lossy(&cmdline).replace('\0', " ");
        if cmdline.contains("pg_restore") && cmdline.contains(name) && alive(pid) {
            out.push(pid);
        }
    }
    out
}

const PG_RESTORE_WAITING: &str = "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'pg_restore' AND wait_event_type = 'Lock'";

/// A restore over `env`'s database whose `pg_restore` waits on a lock a test
/// session holds; returns the hctl child, the staging dir and the lock holder.
async fn blocked_restore(env: &DbEnv) -> (std::process::Child, PathBuf, sqlx::PgConnection) {
    let tmp = env.sandbox.path().join("tmp");
    std::fs::create_dir_all(&tmp).unwrap();
    let mut locker = env.conn().await;
    sqlx::raw_sql("BEGIN; LOCK TABLE users IN ACCESS SHARE MODE;")
        .execute(&mut locker)
        .await
        .unwrap();
    let child = spawn(
        env,
        &[
            "db",
            "restore",
            "--backup-id",
            "latest",
            "--yes",
            "--force",
            "--no-safety-backup",
        ],
        &[("TMPDIR", tmp.to_str().unwrap())],
    );
    let mut admin = env.conn().await;
    assert!(
        poll(&mut admin, PG_RESTORE_WAITING).await,
        "pg_restore never waited on the lock"
    );
    (child, tmp, locker)
}

#[tokio::test]
async fn kill_9_during_a_restore_takes_pg_restore_with_it() {
    let env = DbEnv::dir();
    env.seed(1).await;
    env.backup();
    env.exec("INSERT INTO users (email) VALUES ('after-backup@example.com')")
        .await;
    let (child, tmp, mut locker) = blocked_restore(&env).await;
    let restores = children(child.id());
    assert!(!restores.is_empty(), "hctl has no pg_restore child");
    assert_eq!(pg_restores_of(&env.db.name).len(), 1);
    let staged = files(&tmp);
    assert_eq!(staged.len(), 1, "one staged dump: {staged:?}");
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(&staged[0]).unwrap().permissions().mode();
    assert_eq!(mode & 0o777, 0o600, "{}", staged[0].display());

    signal(child.id(), "-KILL");
    wait_at_most(child, Duration::from_secs(10)).expect("killed");
    let start = std::time::Instant::now();
    while !pg_restores_of(&env.db.name).is_empty() && start.elapsed() < Duration::from_secs(2) {
        std::thread::sleep(Duration::from_millis(50));
    }
    assert_eq!(
        pg_restores_of(&env.db.name),
        Vec::<u32>::new(),
        "pg_restore outlived hctl by 2s"
    );
    assert!(restores.iter().all(|p| !alive(*p)));
    // Nobody restores behind hctl's back once the lock goes: the target stays.
    sqlx::raw_sql("ROLLBACK")
        .execute(&mut locker)
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(env.scalar("SELECT count(*) FROM users").await, 2001);

    // kill -9 cannot remove the staged dump; the next run sweeps it once stale.
    assert!(staged[0].exists());
    let fresh = tmp.join("hctl-staged-20990101T000000Z-aaaaaa-0123456789abcdef0123456789abcdef");
    std::fs::write(&fresh, b"young").unwrap();
    age(&staged[0], 2);
    let tmpdir = [("TMPDIR", tmp.to_str().unwrap())];
    env.run_with(&["db", "verify", "--backup-id", "latest"], &tmpdir)
        .code(0);
    assert_eq!(files(&tmp), [fresh], "the stale staged dump is swept");
}

#[tokio::test]
async fn sigint_during_a_restore_stops_pg_restore_and_removes_the_staged_dump() {
    let env = DbEnv::dir();
    env.seed(1).await;
    env.backup();
    let (child, tmp, _locker) = blocked_restore(&env).await;
    let restores = children(child.id());
    assert_eq!(files(&tmp).len(), 1);
    signal(child.id(), "-INT");
    let out = wait_at_most(child, Duration::from_secs(10)).expect("hctl exits after SIGINT");
    assert_eq!(
        out.status.code(),
        Some(130),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        restores.iter().all(|p| !alive(*p)),
        "pg_restore outlived hctl"
    );
    assert_eq!(
        files(&tmp),
        Vec::<PathBuf>::new(),
        "the staged dump is removed"
    );
}
