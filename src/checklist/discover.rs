//! Finding checklists: `-c FILE` or `-c NAME` (→ `checklists/NAME.yaml`), or
//! every `checklists/*.yaml` / `*.yml` of the project when none is named.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

use crate::exit::usage;

/// The directory shipped and project checklists live in.
pub const DIR: &str = "checklists";

/// Every checklist file in `dir`, sorted by name.
pub fn all_in(dir: &Path) -> Result<Vec<PathBuf>> {
    if !dir.is_dir() {
        return Ok(Vec::new());
    }
    let mut files = Vec::new();
    for entry in
        std::fs::read_dir(dir).with_context(|| format!("cannot list `{}`", dir.display()))?
    {
        let path = entry
            .with_context(|| format!("cannot list `{}`", dir.display()))?
            .path();
        if path.extension().is_some_and(|e| e == "yaml" || e == "yml") && path.is_file() {
            files.push(path);
        }
    }
    files.sort();
    Ok(files)
}

/// Resolve `-c` arguments (files or names); none means every checklist in [`DIR`].
pub fn resolve(args: &[String]) -> Result<Vec<PathBuf>> {
    if args.is_empty() {
        let files = all_in(Path::new(DIR))?;
        if files.is_empty() {
            return Err(usage(format!(
                "no checklists: `{DIR}/` has no .yaml files here (pass -c FILE)"
            )));
        }
        return Ok(files);
    }
    args.iter().map(|arg| find(arg)).collect()
}

/// One checklist by path or by name.
pub fn find(arg: &str) -> Result<PathBuf> {
    let path = Path::new(arg);
    if path.is_file() {
        return Ok(path.to_path_buf());
    }
    for ext in ["yaml", "yml"] {
        let candidate = Path::new(DIR).join(format!("{arg}.{ext}"));
        if candidate.is_file() {
            return Ok(candidate);
        }
    }
    let known: Vec<String> = all_in(Path::new(DIR))?
        .iter()
        .filter_map(|p| p.file_stem().map(|s| s.to_string_lossy().into_owned()))
        .collect();
    Err(usage(format!(
        "no checklist `{arg}` (not a file, and no `{DIR}/{arg}.yaml`; known: {})",
        if known.is_empty() {
            "none".to_string()
        } else {
            known.join(", ")
        }
    )))
}
