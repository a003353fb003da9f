//! The storage interface against a real S3-compatible server and a temp dir:
//! the same behaviour from both backends, multipart for large objects.

use hctl::s3::S3Target;
use hctl::storage::Storage;
use sha2::{Digest, Sha256};
use tokio::io::AsyncReadExt;

use crate::support::services::{TestBucket, s3_target};

/// Deterministic bytes that do not compress to nothing.
fn data(len: usize) -> Vec<u8> {
    let mut out = Vec::with_capacity(len);
    let mut block = Sha256::digest(b"seed").to_vec();
    while out.len() < len {
        block = Sha256::digest(&block).to_vec();
        out.extend_from_slice(&block);
    }
    out.truncate(len);
    out
}

async fn exercise(storage: &Storage) {
    assert!(storage.list("").await.unwrap().is_empty());
    assert_eq!(storage.head("a/missing").await.unwrap(), None);

    // 20 MiB + 3 bytes: three multipart parts on S3, the last one short.
    let big = data((20 << 20) + 3);
    let mut reader = &big[..];
    let written = storage.put("b1/dump", &mut reader).await.unwrap();
    assert_eq!(written, big.len() as u64);
    storage.put_bytes("b1/manifest.json", b"{}").await.unwrap();
    storage.put_bytes("b2/manifest.json", b"[]").await.unwrap();

    assert_eq!(
        storage.head("b1/dump").await.unwrap(),
        Some(big.len() as u64)
    );
    let mut back = Vec::new();
    storage
        .get("b1/dump")
        .await
        .unwrap()
        .read_to_end(&mut back)
        .await
        .unwrap();
    assert!(back == big, "round trip changed the bytes");
    assert_eq!(storage.get_bytes("b2/manifest.json").await.unwrap(), b"[]");

    let keys: Vec<_> = storage
        .list("")
        .await
        .unwrap()
        .into_iter()
        .map(|o| o.key)
        .collect();
    assert_eq!(keys, ["b1/dump", "b1/manifest.json", "b2/manifest.json"]);
    let keys: Vec<_> = storage
        .list("b2/")
        .await
        .unwrap()
        .into_iter()
        .map(|o| o.key)
        .collect();
    assert_eq!(keys, ["b2/manifest.json"]);

    storage.delete("b1/dump").await.unwrap();
    storage.delete("b1/dump").await.unwrap(); // deleting twice is fine
    assert_eq!(storage.head("b1/dump").await.unwrap(), None);
    assert!(storage.get("b1/dump").await.is_err());
}

#[tokio::test]
async fn s3_storage_round_trips_large_objects() {
    hctl::init_crypto();
    let bucket = TestBucket::new();
    let storage =
        Storage::open(&format!("s3://{}/some/prefix", bucket.name), &s3_target()).unwrap();
    exercise(&storage).await;
    // Keys really live under the prefix.
    let listed = hctl::s3::client(&s3_target())
        .list_objects_v2()
        .bucket(&bucket.name)
        .send()
        .await
        .unwrap();
    assert!(
        listed
            .contents()
            .iter()
            .all(|o| o.key().unwrap().starts_with("some/prefix/"))
    );
}

#[tokio::test]
async fn local_storage_round_trips_large_objects() {
    let dir = tempfile::tempdir().unwrap();
    let storage = Storage::open(
        &format!("file://{}", dir.path().join("bk").display()),
        &s3_target(),
    )
    .unwrap();
    exercise(&storage).await;
}

#[tokio::test]
async fn failed_stream_leaves_nothing_behind() {
    hctl::init_crypto();
    let bucket = TestBucket::new();
    let dir = tempfile::tempdir().unwrap();
    let stores = [
        Storage::open(&format!("s3://{}/p", bucket.name), &s3_target()).unwrap(),
        Storage::open(&format!("file://{}", dir.path().display()), &s3_target()).unwrap(),
    ];
    for storage in &stores {
        // 12 MiB then an I/O error: the multipart upload has started on S3.
        let head = std::io::Cursor::new(data(12 << 20));
        let failing = tokio_test_reader::Failing;
        let mut reader = AsyncReadExt::chain(head, failing);
        let err = storage.put("x/dump", &mut reader).await.unwrap_err();
        assert!(format!("{err:#}").contains("x/dump"), "{err:#}");
        assert!(
            storage.list("").await.unwrap().is_empty(),
            "{}",
            storage.describe()
        );
    }
}

#[tokio::test]
async fn unreachable_s3_names_endpoint_bucket_and_key() {
    hctl::init_crypto();
    let target = S3Target {
        endpoint: Some("http://127.0.0.1:9".into()),
        region: "us-east-1".into(),
        force_path_style: true,
    };
    let storage = Storage::open("s3://nowhere-bucket/pre", &target).unwrap();
    let err = format!(
        "{:#}",
        storage
            .put_bytes("k/manifest.json", b"{}")
            .await
            .unwrap_err()
    );
    for part in [
        "http://127.0.0.1:9",
        "nowhere-bucket",
        "pre/k/manifest.json",
    ] {
        assert!(err.contains(part), "{part} missing from: {err}");
    }
}

/// A reader that fails (a dump process dying mid-stream, seen from storage).
mod tokio_test_reader {
    use std::pin::Pin;
    use std::task::{Context, Poll};
    use tokio::io::{AsyncRead, ReadBuf};

    pub struct Failing;

    impl AsyncRead for Failing {
        fn poll_read(
            self: Pin<&mut Self>,
            _: &mut Context<'_>,
            _: &mut ReadBuf<'_>,
        ) -> Poll<std::io::Result<()>> {
            Poll::Ready(Err(std::io::Error::other("dump died")))
        }
    }
}
