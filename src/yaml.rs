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
    serde_saphyr::from_str(text).map_err(|err| located(&err, text, path))
}

/// Deserialize every document of a multi-document YAML stream.
pub fn from_str_multi<T: DeserializeOwned>(text: &str, path: &Path) -> Result<Vec<T>, YamlError> {
    serde_saphyr::from_multiple(text).map_err(|err| located(&err, text, path))
}

/// A parser error at its place in `text`; a message about a value that names
/// no key (`invalid boolean`) gets the key the value belongs to.
fn located(err: &serde_saphyr::Error, text: &str, path: &Path) -> YamlError {
    let (line, column) = err
        .location()
        .map(|loc| (loc.line(), loc.column()))
        .unwrap_or((0, 0));
    let mut message = clean_message(err);
    if !message.contains('`')
        && let Some(key) = key_before(text, line, column)
    {
        message = format!("`{key}`: {message}");
    }
    YamlError::at(path, line, column, message)
}

/// The mapping key written just before 1-based `line:column` (block
/// `key: value` or flow `{ a: 1, key: value }`), if any.
fn key_before(text: &str, line: u64, column: u64) -> Option<String> {
    let row = text
        .lines()
        .nth(usize::try_from(line).ok()?.checked_sub(1)?)?;
    // The parser counts columns in characters, not bytes.
    let col = usize::try_from(column).ok()?.checked_sub(1)?;
    let end = row.char_indices().nth(col).map_or(row.len(), |(i, _)| i);
    let head = row[..end].trim_end().strip_suffix(':')?.trim_end();
    let start = head
        .char_indices()
        .rev()
        .find(|&(_, c)| c.is_whitespace() || matches!(c, '{' | ',' | '-'))
        .map_or(0, |(i, c)| i + c.len_utf8());
    let key = head[start..].trim_matches(|c| c == '"' || c == '\'');
    (!key.is_empty()).then(|| key.to_string())
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
    fn a_bad_value_names_its_key() {
        #[derive(Debug, Deserialize)]
        #[allow(dead_code)]
        struct Flags {
            s3: S3,
        }
        #[derive(Debug, Deserialize)]
        #[allow(dead_code)]
        struct S3 {
            region: String,
            force_path_style: bool,
        }
        let text = "s3: { region: us-east-1, force_path_style: maybe }\n";
        let err = from_str::<Flags>(text, Path::new("h.yaml")).unwrap_err();
        assert!(
            err.to_string().starts_with("h.yaml:1:")
                && err.message.starts_with("`force_path_style`: "),
            "{err}"
        );
        let text = "s3:\n  region: x\n  force_path_style: maybe\n";
        let err = from_str::<Flags>(text, Path::new("h.yaml")).unwrap_err();
        assert!(err.message.starts_with("`force_path_style`: "), "{err}");
    }

    #[test]
    fn the_key_lookup_never_splits_a_character() {
        for (row, column) in [
            ("\u{a0}é\u{a0}: x", 6),
            ("ключ: значение", 7),
            ("a\u{a0}b: c", 5),
            ("::", 3),
            ("", 1),
        ] {
            let _ = key_before(row, 1, column);
        }
        assert_eq!(key_before("ключ: значение", 1, 7).as_deref(), Some("ключ"));
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
