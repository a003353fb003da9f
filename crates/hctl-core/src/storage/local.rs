//! Backup storage in a local directory. Writes go to a hidden temp file
//! (`.NAME.partial-HEX` beside `NAME`) that is renamed into place only when
//! complete, so a reader never sees half an object; the temp file of a killed
//! process stays behind and is reported by [`Local::unfinished`].
//!
//! Backups hold password hashes and health data: every object is written 0600
//! and every directory hctl creates (the root included) is 0700, whatever the
//! umask.

use std::io::ErrorKind;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use tokio::fs;
use tokio::io::{AsyncRead, AsyncWriteExt, BufWriter};

use super::{Object, Reader, Unfinished};

/// What marks a write in progress: `.dump.partial-0123…` is writing `dump`.
const PARTIAL: &str = ".partial-";

pub struct Local {
    root: PathBuf,
}

impl Local {
    pub fn new(dir: &str) -> Self {
        Local {
            root: PathBuf::from(dir),
        }
    }

    pub fn describe(&self) -> String {
        format!("directory `{}`", self.root.display())
    }

    /// Create the root directory (0700) when it is missing.
    pub async fn create_root(&self) -> Result<()> {
        fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(&self.root)
            .await
            .with_context(|| format!("could not create directory `{}`", self.root.display()))
    }

    /// Whether the root is a directory hctl can see.
    pub async fn check(&self) -> bool {
        fs::metadata(&self.root).await.is_ok_and(|m| m.is_dir())
    }

    fn path(&self, key: &str) -> PathBuf {
        self.root.join(key)
    }

    pub async fn put(&self, key: &str, reader: &mut (dyn AsyncRead + Send + Unpin)) -> Result<u64> {
        let path = self.path(key);
        let dir = path.parent().unwrap_or(&self.root).to_path_buf();
        fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(&dir)
            .await
            .with_context(|| format!("could not create directory `{}`", dir.display()))?;
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or("object");
        let tmp = Partial(dir.join(format!(".{name}{PARTIAL}{}", uuid::Uuid::new_v4().simple())));
        let n = write_file(&tmp.0, reader)
            .await
            .with_context(|| format!("could not store `{key}` in {}", self.describe()))?;
        fs::rename(&tmp.0, &path)
            .await
            .with_context(|| format!("could not move `{}` into place", path.display()))?;
        Ok(n)
    }

    pub async fn get(&self, key: &str) -> Result<Reader> {
        let path = self.path(key);
        let file = fs::File::open(&path)
            .await
            .with_context(|| format!("could not open `{}`", path.display()))?;
        Ok(Box::pin(tokio::io::BufReader::with_capacity(1 << 20, file)))
    }

    pub async fn head(&self, key: &str) -> Result<Option<u64>> {
        let path = self.path(key);
        match fs::metadata(&path).await {
            Ok(meta) => Ok(Some(meta.len())),
            Err(err) if err.kind() == ErrorKind::NotFound => Ok(None),
            Err(err) => Err(err).with_context(|| format!("could not stat `{}`", path.display())),
        }
    }

    pub async fn list(&self, prefix: &str) -> Result<Vec<Object>> {
        let files = self.walk().await?;
        Ok(files
            .into_iter()
            .filter(|(key, _)| !hidden(key) && key.starts_with(prefix))
            .map(|(key, size)| Object { key, size })
            .collect())
    }

    /// Temp files of writes that never finished (or are still running).
    pub async fn unfinished(&self) -> Result<Vec<Unfinished>> {
        let files = self.walk().await?;
        Ok(files
            .into_iter()
            .filter_map(|(temp, size)| {
                let (dir, name) = temp.rsplit_once('/').unwrap_or(("", &temp));
                let (target, _) = name.strip_prefix('.')?.split_once(PARTIAL)?;
                let key = if dir.is_empty() {
                    target.to_string()
                } else {
                    format!("{dir}/{target}")
                };
                Some(Unfinished {
                    key,
                    size,
                    handle: temp.clone(),
                })
            })
            .collect())
    }

    /// Every file under the root, hidden ones included, as (key, size).
    async fn walk(&self) -> Result<Vec<(String, u64)>> {
        let mut out = Vec::new();
        let mut stack = vec![self.root.clone()];
        while let Some(dir) = stack.pop() {
            let mut entries = match fs::read_dir(&dir).await {
                Ok(entries) => entries,
                // A storage directory that does not exist yet holds nothing.
                Err(err) if err.kind() == ErrorKind::NotFound => continue,
                Err(err) => {
                    return Err(err).with_context(|| format!("could not list `{}`", dir.display()));
                }
            };
            while let Some(entry) = entries
                .next_entry()
                .await
                .with_context(|| format!("could not list `{}`", dir.display()))?
            {
                let meta = match entry.metadata().await {
                    Ok(meta) => meta,
                    // A temp file renamed or removed meanwhile.
                    Err(err) if err.kind() == ErrorKind::NotFound => continue,
                    Err(err) => {
                        return Err(err).with_context(|| {
                            format!("could not stat `{}`", entry.path().display())
                        });
                    }
                };
                if meta.is_dir() {
                    stack.push(entry.path());
                } else if let Some(key) = key_of(&self.root, &entry.path()) {
                    out.push((key, meta.len()));
                }
            }
        }
        Ok(out)
    }

    /// Remove the temp file of an unfinished write.
    pub async fn discard(&self, unfinished: &Unfinished) -> Result<()> {
        self.delete(&unfinished.handle).await
    }

    pub async fn delete(&self, key: &str) -> Result<()> {
        let path = self.path(key);
        match fs::remove_file(&path).await {
            Ok(()) => {}
            Err(err) if err.kind() == ErrorKind::NotFound => {}
            Err(err) => {
                return Err(err).with_context(|| format!("could not delete `{}`", path.display()));
            }
        }
        // Remove the backup's directory once it is empty; failure just leaves it.
        if let Some(dir) = path.parent()
            && dir != self.root
        {
            let _ = fs::remove_dir(dir).await;
        }
        Ok(())
    }
}

/// A temp file removed when dropped unless renamed away: also when the
/// future writing it is dropped (Ctrl-C).
struct Partial(PathBuf);

impl Drop for Partial {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

async fn write_file(path: &Path, reader: &mut (dyn AsyncRead + Send + Unpin)) -> Result<u64> {
    let file = fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
        .await
        .with_context(|| format!("could not create `{}`", path.display()))?;
    let mut out = BufWriter::with_capacity(1 << 20, file);
    let n = tokio::io::copy(reader, &mut out)
        .await
        .with_context(|| format!("could not write `{}`", path.display()))?;
    out.flush()
        .await
        .with_context(|| format!("could not write `{}`", path.display()))?;
    out.get_ref()
        .sync_all()
        .await
        .with_context(|| format!("could not sync `{}`", path.display()))?;
    Ok(n)
}

/// A key whose file name starts with `.`: a temp file, never an object.
fn hidden(key: &str) -> bool {
    key.rsplit('/')
        .next()
        .is_some_and(|name| name.starts_with('.'))
}

fn key_of(root: &Path, path: &Path) -> Option<String> {
    let rel = path.strip_prefix(root).ok()?;
    let parts: Vec<_> = rel.iter().map(|p| p.to_string_lossy()).collect();
    Some(parts.join("/"))
}
