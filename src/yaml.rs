//! YAML loading with precise locations.
//!
//! Every YAML file hctl reads (config, checklists, playbooks, manifests) goes
//! through [`from_str`], so a broken file is always reported as
//! `path:line:column: message` and maps to exit 2. Parsing never panics
//! (serde-saphyr is panic-free and budgets aliases).

use std::fmt;
use std::path::{Path, PathBuf};

use serde::de::DeserializeOwned;

/// A YAML file that could not be read or understood, with where and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct YamlError {
    pub path: PathBuf,
    /// 1-based line, 0 when unknown.
    pub line: u64,
    /// 1-based column, 0 when unknown.
    pub column: u64,
    pub message: String,
}

impl YamlError {
    /// An error at a known location that the caller found itself (a duplicate
    /// id, a bad duration) rather than the parser.
    pub fn at(path: &Path, line: u64, column: u64, message: impl Into<String>) -> Self {
        YamlError {
            path: path.to_path_buf(),
            line,
            column,
            message: message.into(),
        }
    }
}

impl fmt::Display for YamlError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let path = self.path.display();
        if self.line > 0 {
            write!(f, "{path}:{}:{}: {}", self.line, self.column, self.message)
        } else {
            write!(f, "{path}: {}", self.message)
        }
    }
}

impl std::error::Error for YamlError {}

/// Deserialize one YAML document from `text`, naming `path` in errors.
pub fn from_str<T: DeserializeOwned>(text: &str, path: &Path) -> Result<T, YamlError> {
    serde_saphyr::from_str(text).map_err(|err| {
        let (line, column) = err
            .location()
            .map(|loc| (loc.line(), loc.column()))
            .unwrap_or((0, 0));
        YamlError::at(path, line, column, clean_message(&err))
    })
}

/// Deserialize every document of a multi-document YAML stream.
pub fn from_str_multi<T: DeserializeOwned>(text: &str, path: &Path) -> Result<Vec<T>, YamlError> {
    serde_saphyr::from_multiple(text).map_err(|err| {
        let (line, column) = err
            .location()
            .map(|loc| (loc.line(), loc.column()))
            .unwrap_or((0, 0));
        YamlError::at(path, line, column, clean_message(&err))
    })
}

/// Read and deserialize a YAML file; an unreadable file is a `YamlError` too.
pub fn read<T: DeserializeOwned>(path: &Path) -> Result<T, YamlError> {
    let text = crate::files::read_text(path, crate::files::MAX_YAML_BYTES)
        .map_err(|err| YamlError::at(path, 0, 0, format!("cannot read file: {err}")))?;
    from_str(&text, path)
}

/// The parser's message without its source snippet and location suffix: we print
/// the location ourselves, once, in `path:line:col` form.
fn clean_message(err: &serde_saphyr::Error) -> String {
    let text = err.without_snippet().to_string();
    let first = text.lines().next().unwrap_or("invalid YAML").trim();
    let first = match first.find(" at line ") {
        Some(idx) => &first[..idx],
        None => first,
    };
    first.trim_end_matches('.').to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Doc {
        name: String,
        count: Option<u32>,
    }

    #[test]
    fn unknown_key_is_located() {
        let err = from_str::<Doc>("name: a\ncolour: red\n", Path::new("x.yaml")).unwrap_err();
        assert_eq!((err.line, err.column), (2, 1), "{err}");
        assert!(err.message.contains("unknown field `colour`"), "{err}");
        assert!(err.to_string().starts_with("x.yaml:2:1: "), "{err}");
    }

    #[test]
    fn wrong_type_is_located() {
        let err = from_str::<Doc>("name: a\ncount: many\n", Path::new("x.yaml")).unwrap_err();
        assert_eq!(err.line, 2, "{err}");
    }

    #[test]
    fn syntax_error_is_located() {
        let err = from_str::<Doc>("name: [a\n", Path::new("x.yaml")).unwrap_err();
        assert!(err.line >= 1, "{err}");
    }
}
