//! Finding playbooks: `playbooks/*.yaml` beside the config file (or in the
//! current directory). Everything that reads playbook files goes through
//! [`sources`], so shipping them inside the binary is a change here only.

use std::path::{Path, PathBuf};

use anyhow::Result;

use super::{Hctl, Invalid, Playbook, parse};
use crate::exit::usage;
use crate::yaml::YamlError;

/// The directory playbooks live in, relative to the project.
pub const DIR: &str = "playbooks";

/// One playbook file as read.
#[derive(Debug, Clone)]
pub struct Source {
    pub path: PathBuf,
    pub text: String,
}

/// `playbooks/` beside `config` (the `--config` file), else in the current directory.
pub fn dir(config: Option<&Path>) -> PathBuf {
    match config.and_then(Path::parent) {
        Some(parent) if !parent.as_os_str().is_empty() => parent.join(DIR),
        _ => PathBuf::from(DIR),
    }
}

/// The text of one playbook file; an unreadable one is a located error.
pub fn read(path: &Path) -> Result<String, YamlError> {
    crate::files::read_text(path, crate::files::MAX_YAML_BYTES)
        .map_err(|err| YamlError::at(path, 0, 0, format!("cannot read file: {err}")))
}

/// Every playbook file in `dir` (`*.yaml`, `*.yml`), sorted by path.
pub fn sources(dir: &Path) -> Result<Vec<Source>> {
    let paths = crate::checklist::discover::all_in(dir)?;
    paths
        .into_iter()
        .map(|path| {
            let text = read(&path)?;
            Ok(Source { path, text })
        })
        .collect()
}

/// Every playbook in `dir`, validated; all problems of all files at once
/// (exit 2), and two files may not share a name.
pub fn load_all(dir: &Path, hctl: &dyn Hctl) -> Result<Vec<Playbook>> {
    let mut errors = Vec::new();
    let mut loaded: Vec<Playbook> = Vec::new();
    for source in sources(dir)? {
        match parse(&source.text, &source.path, hctl) {
            Ok(p) => {
                if let Some(other) = loaded.iter().find(|o| o.name == p.name) {
                    errors.push(YamlError::at(
                        &source.path,
                        1,
                        1,
                        format!(
                            "playbook name `{}` is also used by `{}`",
                            p.name,
                            other.path.display()
                        ),
                    ));
                }
                loaded.push(p);
            }
            Err(Invalid(errs)) => errors.extend(errs),
        }
    }
    if errors.is_empty() {
        Ok(loaded)
    } else {
        Err(Invalid(errors).into_error())
    }
}

/// One playbook by file path or by name (`launch` → `playbooks/launch.yaml`,
/// or the file whose `name:` is `launch`).
pub fn load(dir: &Path, arg: &str, hctl: &dyn Hctl) -> Result<Playbook> {
    let path = Path::new(arg);
    if path.is_file() {
        let text = read(path).map_err(|e| Invalid(vec![e]).into_error())?;
        return parse(&text, path, hctl).map_err(Invalid::into_error);
    }
    let sources = sources(dir)?;
    let by_stem = sources
        .iter()
        .find(|s| s.path.file_stem().is_some_and(|stem| stem == arg));
    if let Some(source) = by_stem {
        return parse(&source.text, &source.path, hctl).map_err(Invalid::into_error);
    }
    // A file named differently from its `name:`.
    for source in &sources {
        if let Ok(p) = parse(&source.text, &source.path, hctl)
            && p.name == arg
        {
            return Ok(p);
        }
    }
    let known: Vec<String> = sources
        .iter()
        .filter_map(|s| s.path.file_stem().map(|n| n.to_string_lossy().into_owned()))
        .collect();
    Err(usage(format!(
        "no playbook `{arg}` (not a file, and no `{}/{arg}.yaml`; known: {})",
        dir.display(),
        if known.is_empty() {
            "none".to_string()
        } else {
            known.join(", ")
        }
    )))
}
