//! Moving dump bytes with their SHA-256 computed on the way: a hashing reader
//! for uploads, and a download into a private temp file that is checked
//! against the manifest before anyone uses it (0600: only its owner reads it).
//!
//! Staged files are `$TMPDIR/hctl-staged-LABEL-HEX`, removed when dropped (on
//! success, error and Ctrl-C alike). A killed hctl cannot remove its own, so
//! the first staging of every run removes the caller's stale ones (older than
//! a day).

use std::io;
use std::path::{Path, PathBuf};
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context as TaskContext, Poll};

use anyhow::{Context, Result};
use sha2::{Digest, Sha256};
use tokio::io::{AsyncRead, AsyncWriteExt, ReadBuf};

use super::manifest::Manifest;
use crate::storage::Storage;

/// What a [`Hashing`] reader has seen so far.
#[derive(Default)]
pub struct Tally {
    hasher: Sha256,
    pub bytes: u64,
}

impl Tally {
    /// Hex SHA-256 of everything read.
    pub fn hex(&self) -> String {
        hex::encode(self.hasher.clone().finalize())
    }
}

/// Told how many more bytes moved each time some did: how a caller shows
/// the progress of a transfer (`Box::new(|_| {})` to show nothing).
pub type OnBytes = Box<dyn Fn(u64) + Send + Sync>;

/// Wraps a reader: hashes and counts every byte, reports each read to `on_bytes`.
pub struct Hashing<R> {
    inner: R,
    tally: Arc<Mutex<Tally>>,
    on_bytes: OnBytes,
}

impl<R> Hashing<R> {
    pub fn new(inner: R, on_bytes: OnBytes) -> (Self, Arc<Mutex<Tally>>) {
        let tally = Arc::new(Mutex::new(Tally::default()));
        let reader = Hashing {
            inner,
            tally: tally.clone(),
            on_bytes,
        };
        (reader, tally)
    }
}

impl<R: AsyncRead + Unpin> AsyncRead for Hashing<R> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut TaskContext<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let before = buf.filled().len();
        let poll = Pin::new(&mut self.inner).poll_read(cx, buf);
        if let Poll::Ready(Ok(())) = &poll {
            let new = &buf.filled()[before..];
            if !new.is_empty() {
                let mut tally = self.tally.lock().unwrap_or_else(|p| p.into_inner());
                tally.hasher.update(new);
                tally.bytes += new.len() as u64;
                (self.on_bytes)(new.len() as u64);
            }
        }
        poll
    }
}

/// A file removed when dropped.
pub struct TempFile {
    pub path: PathBuf,
}

/// Name prefix of every staged file in `$TMPDIR`.
const STAGED: &str = "hctl-staged-";

/// Staged files older than this were left by a killed hctl.
const STALE: std::time::Duration = std::time::Duration::from_secs(24 * 3600);

impl TempFile {
    /// A fresh name in `$TMPDIR`; nothing is created.
    pub fn new(label: &str) -> Self {
        let name = format!("{STAGED}{label}-{}", uuid::Uuid::new_v4().simple());
        TempFile {
            path: std::env::temp_dir().join(name),
        }
    }

    /// A new empty file readable by its owner only (0600): dumps hold
    /// password hashes and health data.
    pub async fn create(label: &str) -> Result<(Self, tokio::fs::File)> {
        static SWEPT: std::sync::Once = std::sync::Once::new();
        SWEPT.call_once(|| sweep(&std::env::temp_dir(), STALE));
        let temp = TempFile::new(label);
        let file = tokio::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(&temp.path)
            .await
            .with_context(|| format!("could not create `{}`", temp.path.display()))?;
        Ok((temp, file))
    }
}

/// Remove staged files in `dir` older than `age` that belong to this user
/// (regular files only, symlinks never followed). Best effort: a file that
/// cannot be removed is left for next time.
fn sweep(dir: &Path, age: std::time::Duration) {
    use std::os::unix::fs::MetadataExt;
    // SAFETY: geteuid has no preconditions and cannot fail.
    let me = unsafe { libc::geteuid() };
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        if !entry.file_name().to_string_lossy().starts_with(STAGED) {
            continue;
        }
        let Ok(meta) = entry.path().symlink_metadata() else {
            continue;
        };
        let stale = meta
            .modified()
            .ok()
            .and_then(|t| t.elapsed().ok())
            .is_some_and(|elapsed| elapsed > age);
        if meta.is_file() && meta.uid() == me && stale {
            match std::fs::remove_file(entry.path()) {
                Ok(()) => tracing::info!(
                    "removed `{}`, staged by an hctl that did not finish",
                    entry.path().display()
                ),
                Err(err) => tracing::debug!("could not remove `{}`: {err}", entry.path().display()),
            }
        }
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.path);
    }
}

/// The outcome of fetching a dump.
pub struct Fetched {
    pub file: TempFile,
    pub size: u64,
    pub sha256: String,
}

impl Fetched {
    /// What is wrong compared with the manifest, if anything.
    pub fn problem(&self, manifest: &Manifest) -> Option<String> {
        if self.size != manifest.size_bytes {
            Some(format!(
                "size is {} bytes, manifest says {} (truncated or replaced object)",
                self.size, manifest.size_bytes
            ))
        } else if self.sha256 != manifest.sha256 {
            Some(format!(
                "sha256 is {}, manifest says {} (corrupted object)",
                self.sha256, manifest.sha256
            ))
        } else {
            None
        }
    }

    pub fn path(&self) -> &Path {
        &self.file.path
    }
}

/// Download the dump of `manifest` into a temp file, hashing it on the way.
pub async fn fetch(storage: &Storage, manifest: &Manifest, on_bytes: OnBytes) -> Result<Fetched> {
    let (file, out) = TempFile::create(&manifest.id).await?;
    let reader = storage.get(&manifest.dump_key).await?;
    let (mut reader, tally) = Hashing::new(reader, on_bytes);
    let mut out = tokio::io::BufWriter::with_capacity(1 << 20, out);
    tokio::io::copy(&mut reader, &mut out)
        .await
        .with_context(|| {
            format!(
                "could not download `{}` from {}",
                manifest.dump_key,
                storage.describe()
            )
        })?;
    out.flush()
        .await
        .with_context(|| format!("could not write `{}`", file.path.display()))?;
    let tally = tally.lock().unwrap_or_else(|p| p.into_inner());
    Ok(Fetched {
        size: tally.bytes,
        sha256: tally.hex(),
        file,
    })
}
