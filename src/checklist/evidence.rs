//! What `hctl checklist tick --evidence` records: an `http(s)://` link as
//! given, or a local file by path and SHA-256, so a later reader can tell
//! whether the file they hold is the one the tick pointed at.

use std::path::Path;

use anyhow::Result;

use crate::exit::UsageError;
use crate::report::Evidence;

/// Resolve `--evidence ARG`: a link, or a readable regular file (relative
/// paths from `cwd`). Anything else is a usage error naming the argument.
pub fn resolve(arg: &str, cwd: &Path) -> Result<Evidence> {
    let lower = arg.to_ascii_lowercase();
    if lower.starts_with("http://") || lower.starts_with("https://") {
        let url = url::Url::parse(arg)
            .map_err(|e| UsageError::new(format!("--evidence `{arg}`: not a valid URL: {e}")))?;
        if url.host_str().is_none_or(str::is_empty) {
            return Err(UsageError::new(format!("--evidence `{arg}`: the URL has no host")).into());
        }
        return Ok(Evidence::Url {
            url: url.to_string(),
        });
    }
    if lower.contains("://") {
        return Err(UsageError::new(format!(
            "--evidence `{arg}`: only http:// and https:// links, or a local file"
        ))
        .into());
    }
    let path = cwd.join(arg);
    let sha256 = crate::files::sha256(&path).map_err(|e| {
        UsageError::new(format!(
            "--evidence `{arg}`: cannot read `{}`: {e} (give a link or an existing file)",
            path.display()
        ))
    })?;
    Ok(Evidence::File {
        path: arg.to_string(),
        sha256,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_files_and_nonsense() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(
            resolve("https://drive.example/pentest.pdf", dir.path()).unwrap(),
            Evidence::Url {
                url: "https://drive.example/pentest.pdf".into()
            }
        );
        std::fs::write(dir.path().join("r.txt"), "abc").unwrap();
        match resolve("r.txt", dir.path()).unwrap() {
            Evidence::File { path, sha256 } => {
                assert_eq!(path, "r.txt");
                assert!(sha256.starts_with("ba7816bf"), "{sha256}");
            }
            other => panic!("{other:?}"),
        }
        let err = resolve("missing.pdf", dir.path()).unwrap_err().to_string();
        assert!(
            err.starts_with("--evidence `missing.pdf`: cannot read"),
            "{err}"
        );
        let err = resolve("ftp://x/y", dir.path()).unwrap_err().to_string();
        assert!(err.contains("only http:// and https://"), "{err}");
        assert!(resolve("https://", dir.path()).is_err());
    }
}
