//! Backup storage: one interface over a local directory (`file://DIR`) and S3
//! (`s3://BUCKET/PREFIX`). Objects stream both ways with bounded memory; keys
//! are relative to the storage root, so callers never see the backend.
//!
//! Every error names where it happened (directory, or endpoint + bucket + key).

pub mod local;
pub mod s3;

use std::pin::Pin;

use anyhow::{Context, Result};
use tokio::io::{AsyncRead, AsyncReadExt};

use crate::SettingsSource;
use crate::error::UsageError;
use crate::s3::{S3Target, Sse, Timeouts};

/// A stream of an object's bytes.
pub type Reader = Pin<Box<dyn AsyncRead + Send>>;

/// One stored object.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Object {
    /// Key relative to the storage root (`20261124T100000Z-a1b2c3/dump`).
    pub key: String,
    pub size: u64,
}

/// A write that never finished: the temp file a killed process left in a
/// directory storage, or an S3 multipart upload never completed nor aborted.
/// Never an object; [`Storage::discard`] removes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unfinished {
    /// The key it was writing (`20261124T100000Z-a1b2c3/dump`).
    pub key: String,
    /// Bytes written so far.
    pub size: u64,
    /// What to remove: the temp file's key, or the S3 upload id.
    pub handle: String,
}

/// Where backups live.
pub enum Storage {
    Local(local::Local),
    S3(s3::S3Store),
}

impl Storage {
    /// Open the storage named by the environment's `storage` and `s3.*`
    /// settings (including `s3.sse` for what it writes and the `s3.*_timeout`s).
    pub fn from_settings(settings: &impl SettingsSource) -> Result<Self> {
        let url = settings.require("storage")?;
        let sse = Sse::from_settings(settings)?;
        let timeouts = Timeouts::from_settings(settings)?;
        Ok(
            match Self::open_with(url, &S3Target::from_settings(settings), timeouts)? {
                Storage::S3(store) => Storage::S3(store.with_sse(sse)),
                local => local,
            },
        )
    }

    /// Open `file://DIR` or `s3://BUCKET/PREFIX` with the default S3 timeouts.
    pub fn open(url: &str, target: &S3Target) -> Result<Self> {
        Self::open_with(url, target, Timeouts::default())
    }

    /// Open `file://DIR` or `s3://BUCKET/PREFIX`.
    pub fn open_with(url: &str, target: &S3Target, timeouts: Timeouts) -> Result<Self> {
        if let Some(dir) = url.strip_prefix("file://") {
            if dir.is_empty() {
                return Err(UsageError::new(format!("storage `{url}` names no directory")).into());
            }
            return Ok(Storage::Local(local::Local::new(dir)));
        }
        if let Some(rest) = url.strip_prefix("s3://") {
            let (bucket, prefix) = rest.split_once('/').unwrap_or((rest, ""));
            if bucket.is_empty() {
                return Err(UsageError::new(format!("storage `{url}` names no bucket")).into());
            }
            return Ok(Storage::S3(s3::S3Store::new(
                target, bucket, prefix, timeouts,
            )));
        }
        Err(UsageError::new(format!(
            "unsupported storage `{url}`: expected file://DIR or s3://BUCKET/PREFIX"
        ))
        .into())
    }

    /// Human description for messages: the directory, or bucket + endpoint.
    pub fn describe(&self) -> String {
        match self {
            Storage::Local(l) => l.describe(),
            Storage::S3(s) => s.describe(),
        }
    }

    /// Stream `reader` into `key` until EOF; returns the bytes written. Memory
    /// stays bounded (S3: a few multipart parts). On error nothing is left under
    /// `key` (local: the temp file is removed; S3: the upload is aborted).
    pub async fn put(&self, key: &str, reader: &mut (dyn AsyncRead + Send + Unpin)) -> Result<u64> {
        match self {
            Storage::Local(l) => l.put(key, reader).await,
            Storage::S3(s) => s.put(key, reader).await,
        }
    }

    /// Store a small object.
    pub async fn put_bytes(&self, key: &str, bytes: &[u8]) -> Result<()> {
        let mut reader = bytes;
        self.put(key, &mut reader).await.map(|_| ())
    }

    /// Stream an object's bytes.
    pub async fn get(&self, key: &str) -> Result<Reader> {
        match self {
            Storage::Local(l) => l.get(key).await,
            Storage::S3(s) => s.get(key).await,
        }
    }

    /// Read a small object fully.
    pub async fn get_bytes(&self, key: &str) -> Result<Vec<u8>> {
        let mut reader = self.get(key).await?;
        let mut out = Vec::new();
        reader
            .read_to_end(&mut out)
            .await
            .with_context(|| format!("could not read `{key}` from {}", self.describe()))?;
        Ok(out)
    }

    /// The size of an object, or `None` when it does not exist.
    pub async fn head(&self, key: &str) -> Result<Option<u64>> {
        match self {
            Storage::Local(l) => l.head(key).await,
            Storage::S3(s) => s.head(key).await,
        }
    }

    /// Every object whose key starts with `prefix`, sorted by key.
    pub async fn list(&self, prefix: &str) -> Result<Vec<Object>> {
        let mut objects = match self {
            Storage::Local(l) => l.list(prefix).await?,
            Storage::S3(s) => s.list(prefix).await?,
        };
        objects.sort_by(|a, b| a.key.cmp(&b.key));
        Ok(objects)
    }

    /// Writes that never finished (or are still running), by key.
    pub async fn unfinished(&self) -> Result<Vec<Unfinished>> {
        let mut found = match self {
            Storage::Local(l) => l.unfinished().await?,
            Storage::S3(s) => s.unfinished().await?,
        };
        found.sort_by(|a, b| a.key.cmp(&b.key));
        Ok(found)
    }

    /// Remove what an unfinished write left (temp file; S3: abort the upload).
    pub async fn discard(&self, unfinished: &Unfinished) -> Result<()> {
        match self {
            Storage::Local(l) => l.discard(unfinished).await,
            Storage::S3(s) => s.discard(unfinished).await,
        }
    }

    /// Create a local root directory now (0700), so the first write cannot
    /// fail on it; S3 has nothing to create.
    pub async fn create_root(&self) -> Result<()> {
        match self {
            Storage::Local(l) => l.create_root().await,
            Storage::S3(_) => Ok(()),
        }
    }

    /// Whether the storage is reachable and usable (health checks): the
    /// directory exists, or the bucket answers.
    pub async fn check(&self) -> bool {
        match self {
            Storage::Local(l) => l.check().await,
            Storage::S3(s) => s.check().await,
        }
    }

    /// Delete an object; deleting a missing object is not an error.
    pub async fn delete(&self, key: &str) -> Result<()> {
        match self {
            Storage::Local(l) => l.delete(key).await,
            Storage::S3(s) => s.delete(key).await,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn target() -> S3Target {
        S3Target {
            endpoint: Some("http://127.0.0.1:9000".into()),
            region: "us-east-1".into(),
            force_path_style: true,
        }
    }

    #[test]
    fn urls_pick_the_backend() {
        let local = Storage::open("file://./backups", &target()).unwrap();
        assert_eq!(local.describe(), "directory `./backups`");
        let s3 = Storage::open("s3://bucket/a/b/", &target()).unwrap();
        assert_eq!(
            s3.describe(),
            "s3 bucket `bucket` at `http://127.0.0.1:9000`"
        );
        for bad in ["file://", "s3:///x", "ftp://x/y"] {
            let err = Storage::open(bad, &target()).err().expect(bad);
            assert!(err.is::<crate::error::UsageError>(), "{bad}: {err}");
        }
    }
}
