//! Finding playbooks: the shipped ones (embedded, see [`crate::shipped`])
//! overlaid by `playbooks/*.yaml` beside the config file (or in the current
//! directory). Everything that reads playbook files goes through [`sources`].

use std::path::{Path, PathBuf};

use anyhow::Result;

use super::{Hctl, Invalid, Playbook, parse};
use crate::shipped::{self, PLAYBOOKS};
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

/// Every playbook: shipped, replaced or added to by the files of `dir`
/// (errors in a shipped one name `<shipped>/launch.yaml`).
pub fn sources(dir: &Path) -> Result<Vec<Source>> {
    PLAYBOOKS.all(dir)?.iter().map(read_source).collect()
}

fn read_source(source: &shipped::Source) -> Result<Source> {
    let text = source
        .text()
        .map_err(|e| Invalid(vec![e]).into_error())?
        .into_owned();
    Ok(Source {
        path: source.path.clone(),
        text,
    })
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
    let not_found = match PLAYBOOKS.find(dir, arg) {
        Ok(found) => {
            let source = read_source(&found)?;
            return parse(&source.text, &source.path, hctl).map_err(Invalid::into_error);
        }
        Err(err) => err,
    };
    // A file named differently from its `name:`.
    for source in sources(dir)? {
        if let Ok(p) = parse(&source.text, &source.path, hctl)
            && p.name == arg
        {
            return Ok(p);
        }
    }
    Err(not_found)
}
