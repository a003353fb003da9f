//! Backups at rest hold password hashes and health data: a directory storage
//! is owner-only (0600 objects, 0700 directories), and on S3 `s3.sse` asks for
//! server-side encryption on every upload, which the `s3` kind can check
//! (against moto, which implements bucket encryption and reports SSE on
//! HeadObject).

use std::os::unix::fs::PermissionsExt;

use aws_sdk_s3::types::{
    ServerSideEncryption, ServerSideEncryptionByDefault, ServerSideEncryptionConfiguration,
    ServerSideEncryptionRule,
};
use hctl::s3::Sse;
use hctl::storage::Storage;

use super::{DbEnv, Store, item, json};
use crate::support::services::{TestBucket, s3_target};

fn mode(path: &std::path::Path) -> u32 {
    std::fs::metadata(path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .permissions()
        .mode()
        & 0o777
}

#[tokio::test]
async fn directory_backups_are_readable_by_their_owner_only() {
    let env = DbEnv::dir();
    env.seed(1).await;
    let id = env.backup();
    env.run(&["db", "verify", "--backup-id", &id]).code(0);
    let root = env.backup_dir();
    assert_eq!(mode(&root), 0o700, "storage directory");
    assert_eq!(mode(&root.join(&id)), 0o700, "backup directory");
    for name in ["dump", "manifest.json", "verified.json"] {
        assert_eq!(mode(&root.join(&id).join(name)), 0o600, "{name}");
    }
}

fn sse_store(bucket: &TestBucket, sse: Sse) -> Storage {
    match Storage::open(&format!("s3://{}/p", bucket.name), &s3_target()).unwrap() {
        Storage::S3(store) => Storage::S3(store.with_sse(Some(sse))),
        Storage::Local(_) => unreachable!("an s3:// URL"),
    }
}

async fn head(bucket: &str, key: &str) -> aws_sdk_s3::operation::head_object::HeadObjectOutput {
    hctl::s3::client(&s3_target())
        .head_object()
        .bucket(bucket)
        .key(key)
        .send()
        .await
        .unwrap_or_else(|e| panic!("head {key}: {e:?}"))
}

async fn assert_aes256(bucket: &str, key: &str) {
    let out = head(bucket, key).await;
    assert_eq!(
        out.server_side_encryption(),
        Some(&ServerSideEncryption::Aes256),
        "{key}"
    );
}

#[tokio::test]
async fn sse_applies_to_single_and_multipart_uploads() {
    hctl::init_crypto();
    let bucket = TestBucket::new();
    let aes = sse_store(&bucket, Sse::Aes256);
    // 12 MiB: a multipart upload (8 MiB parts); 2 bytes: a single PUT.
    let big = vec![7u8; 12 << 20];
    aes.put("b/dump", &mut &big[..]).await.unwrap();
    aes.put_bytes("b/manifest.json", b"{}").await.unwrap();
    for key in ["p/b/dump", "p/b/manifest.json"] {
        assert_aes256(&bucket.name, key).await;
    }
    let kms = sse_store(
        &bucket,
        Sse::Kms {
            key_id: Some("alias/hctl-backups".into()),
        },
    );
    kms.put("k/dump", &mut &big[..]).await.unwrap();
    kms.put_bytes("k/manifest.json", b"{}").await.unwrap();
    for key in ["p/k/dump", "p/k/manifest.json"] {
        let out = head(&bucket.name, key).await;
        assert_eq!(
            out.server_side_encryption(),
            Some(&ServerSideEncryption::AwsKms),
            "{key}"
        );
        assert!(
            out.ssekms_key_id()
                .is_some_and(|k| k.contains("hctl-backups")),
            "{key}: {:?}",
            out.ssekms_key_id()
        );
    }
}

const CHECKLIST: &str = "\
name: at-rest
sections:
  - name: Storage
    items:
      - id: encrypted
        title: Backups are encrypted at rest
        check: { kind: s3, bucket: \"{{ env.storage }}\", encryption: true }
";

#[tokio::test]
async fn backups_with_s3_sse_are_encrypted_and_the_s3_kind_checks_it() {
    hctl::init_crypto();
    let env = DbEnv::s3();
    env.seed(1).await;
    let Store::Bucket(bucket) = &env.store else {
        unreachable!()
    };
    let client = hctl::s3::client(&s3_target());
    // moto, like AWS, may give new buckets a default rule: start without one.
    let _ = client
        .delete_bucket_encryption()
        .bucket(&bucket.name)
        .send()
        .await;
    env.sandbox.write("checklists/at-rest.yaml", CHECKLIST);
    let preflight = || {
        let run = env.run(&["preflight", "-c", "at-rest", "-o", "json"]);
        let report = json(&run.stdout);
        let found = item(&report, "encrypted").clone();
        (run.code, found["detail"].as_str().unwrap().to_string())
    };

    // A plain backup: not encrypted, and the check names the object.
    let plain = env.backup();
    let (code, detail) = preflight();
    assert_eq!(code, 1, "{detail}");
    assert!(
        detail.contains("not encrypted") && detail.contains(&format!("{plain}/dump")),
        "{detail}"
    );

    // A typo in the setting is a usage error naming it.
    let run = env.run_with(&["db", "backup"], &[("HCTL_S3_SSE", "aes256")]);
    run.code(2).assert_stderr_has("s3.sse");

    // Backups taken with `s3.sse` are encrypted...
    let sse = [("HCTL_S3_SSE", "AES256")];
    let run = env.run_with(&["db", "backup", "-o", "json"], &sse);
    run.code(0);
    let encrypted = json(&run.stdout)["id"].as_str().unwrap().to_string();
    for name in ["dump", "manifest.json"] {
        assert_aes256(&bucket.name, &format!("backups/hctl/{encrypted}/{name}")).await;
    }
    // ...and once the old plain one is pruned, every object is.
    env.run(&["db", "prune", "--keep", "1", "--yes"]).code(0);
    let (code, detail) = preflight();
    assert_eq!(code, 0, "{detail}");
    assert!(detail.contains("are encrypted"), "{detail}");

    // Default encryption on the bucket passes by itself.
    let rule = ServerSideEncryptionRule::builder()
        .apply_server_side_encryption_by_default(
            ServerSideEncryptionByDefault::builder()
                .sse_algorithm(ServerSideEncryption::Aes256)
                .build()
                .unwrap(),
        )
        .build();
    client
        .put_bucket_encryption()
        .bucket(&bucket.name)
        .server_side_encryption_configuration(
            ServerSideEncryptionConfiguration::builder()
                .rules(rule)
                .build()
                .unwrap(),
        )
        .send()
        .await
        .unwrap();
    env.run(&["db", "backup"]).code(0);
    let (code, detail) = preflight();
    assert_eq!(code, 0, "{detail}");
    assert!(detail.contains("default encryption AES256"), "{detail}");
}
