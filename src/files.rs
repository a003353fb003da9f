//! Reading the files hctl is pointed at (hctl.yaml, checklists, manifests, CA
//! bundles): only regular files, and at most a size limit each, so
//! `--config /dev/zero` or a `ca_file` naming a FIFO is a clear error instead
//! of a read that never ends or takes all the memory.

use std::fs::File;
use std::io::{self, Read};
use std::path::Path;

/// Limit for configuration, checklist and manifest text.
pub const MAX_YAML_BYTES: u64 = 4 << 20;
/// Limit for a PEM bundle of CA certificates.
pub const MAX_PEM_BYTES: u64 = 4 << 20;

/// The whole of `path` when it is a regular file of at most `limit` bytes.
pub fn read_bounded(path: &Path, limit: u64) -> io::Result<Vec<u8>> {
    let file = regular(path)?;
    let mut bytes = Vec::new();
    // Read one byte past the limit: the size in the metadata may be stale.
    file.take(limit + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > limit {
        return Err(io::Error::new(
            io::ErrorKind::InvalidData,
            format!("larger than {} MiB", limit >> 20),
        ));
    }
    Ok(bytes)
}

/// [`read_bounded`] as UTF-8 text.
pub fn read_text(path: &Path, limit: u64) -> io::Result<String> {
    String::from_utf8(read_bounded(path, limit)?)
        .map_err(|_| io::Error::new(io::ErrorKind::InvalidData, "not UTF-8 text"))
}

/// SHA-256 (hex) of a regular file, streamed: evidence files (reports,
/// recordings) may be far larger than anything hctl reads whole.
pub fn sha256(path: &Path) -> io::Result<String> {
    use sha2::{Digest, Sha256};
    let mut file = regular(path)?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 64 << 10];
    loop {
        let n = file.read(&mut buf)?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
    }
    Ok(hex::encode(hasher.finalize()))
}

/// `path` opened, when it is a regular file.
fn regular(path: &Path) -> io::Result<File> {
    let file = File::open(path)?;
    if !file.metadata()?.is_file() {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            "not a regular file",
        ));
    }
    Ok(file)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn devices_and_oversized_files_are_refused() {
        let err = read_bounded(Path::new("/dev/zero"), 1024).unwrap_err();
        assert_eq!(err.to_string(), "not a regular file");
        let dir = tempfile::tempdir().unwrap();
        let big = dir.path().join("big");
        std::fs::write(&big, vec![b'a'; 2048]).unwrap();
        let err = read_bounded(&big, 1024).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::InvalidData);
        assert_eq!(read_bounded(&big, 4096).unwrap().len(), 2048);
        assert!(read_bounded(dir.path(), 1024).is_err(), "a directory");
    }

    #[test]
    fn sha256_of_a_file_matches_the_known_digest() {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("abc");
        std::fs::write(&f, "abc").unwrap();
        assert_eq!(
            sha256(&f).unwrap(),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert!(sha256(Path::new("/dev/zero")).is_err());
    }
}
