//! What an interrupted or killed `hctl db` leaves behind: a SIGINT'd S3 backup
//! aborts its multipart upload before exiting; leftovers of killed backups are
//! listed as incomplete and pruned after a day; a killed restore takes its
//! `pg_restore` with it, and its staged dump is swept by the next run.

use std::time::Duration;

use super::faults::{bucket_keys, fake_pg_dump};
use super::hang::{SlowProxy, spawn, wait_at_most};
use super::{DbEnv, Store};
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
    let mut open = Vec::new();
    for _ in 0..300 {
        open = open_uploads(&env).await;
        if !open.is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
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
