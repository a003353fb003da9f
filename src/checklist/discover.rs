//! Finding checklists: the shipped ones (embedded, see [`crate::shipped`])
//! overlaid by the project's directory — `checklists_dir` of the config file,
//! else `checklists/` beside it (or in the current directory without one).
//! `-c FILE` names a file, `-c NAME` a checklist of that overlay; none means
//! all of them.

use std::path::{Path, PathBuf};

use anyhow::Result;

use crate::config::Settings;
use crate::shipped::{CHECKLISTS, Source};

/// The directory shipped and project checklists live in.
pub const DIR: &str = CHECKLISTS.dir;

/// The project's checklist directory for these settings (it may not exist).
pub fn project_dir(settings: &Settings) -> PathBuf {
    settings
        .checklists_dir
        .clone()
        .unwrap_or_else(|| settings.beside_config(DIR))
}

/// Every checklist file in `dir`, sorted by name (the project's own only).
pub fn all_in(dir: &Path) -> Result<Vec<PathBuf>> {
    crate::shipped::files_in(dir)
}

/// Every checklist: shipped, replaced or added to by the files of `dir`.
pub fn all(dir: &Path) -> Result<Vec<Source>> {
    CHECKLISTS.all(dir)
}

/// Resolve `-c` arguments (files or names); none means [`all`].
pub fn resolve(dir: &Path, args: &[String]) -> Result<Vec<Source>> {
    if args.is_empty() {
        return all(dir);
    }
    args.iter().map(|arg| CHECKLISTS.find(dir, arg)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::{Overrides, Settings};

    #[test]
    fn every_shipped_checklist_is_valid_and_named_like_its_file() {
        let settings = Settings::resolve(None, &Overrides::default(), &|_| None).unwrap();
        let lookup = |key: &str| settings.get(key).map(str::to_string);
        for file in CHECKLISTS.files {
            let source = CHECKLISTS
                .find(Path::new("/nonexistent"), file.name)
                .unwrap();
            let checklist = super::super::load_source(&source, &lookup)
                .unwrap_or_else(|e| panic!("shipped `{}` is invalid:\n{e}", file.name));
            assert_eq!(checklist.name, file.name);
            assert_eq!(
                checklist.path,
                Path::new(&format!("<shipped>/{}.yaml", file.name))
            );
        }
    }
}
