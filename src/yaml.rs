//! YAML loading with precise locations.
//!
//! Every YAML file hctl reads (config, checklists, playbooks, manifests) goes
//! through [`from_str`] or [`collect`], so a broken file is always reported as
//! `path:line:column: message (key `a.b`)` and maps to exit 2. Parsing never
//! panics (serde-saphyr is panic-free and budgets aliases).
//!
//! [`collect`] goes on past the first problem, as a compiler does: each
//! problem the deserializer reports is recorded and its node cut out of the
//! text, and the rest is read again, so one run lists every unknown key, bad
//! value and missing field of a file. Only a syntax error stops it.

mod tree;

use std::collections::HashSet;
use std::fmt;
use std::path::{Path, PathBuf};

use serde::de::DeserializeOwned;

use tree::Role;

/// The most problems [`collect`] reports for one file; past that the file is
/// not worth reading further.
pub const MAX_PROBLEMS: usize = 100;

/// How much text [`collect`] parses for one file in all (each problem found
/// means reading the file again): a 4 MiB file stops after 8 problems rather
/// than taking minutes; a checklist of usual size gets all [`MAX_PROBLEMS`].
const MAX_PARSED_BYTES: usize = 32 << 20;

/// One located problem of a file (a finding): where, which key, and what is
/// wrong. Parser errors and the checks of each file kind (duplicate ids, bad
/// durations, unknown settings) are all of this one shape.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct YamlError {
    pub path: PathBuf,
    /// 1-based line, 0 when unknown.
    pub line: u64,
    /// 1-based column, 0 when unknown.
    pub column: u64,
    /// Dotted key path of the offending node (`sections[0].items[2].retries`),
    /// when known.
    pub key: Option<String>,
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
            key: None,
            message: message.into(),
        }
    }

    /// The same problem, naming the key it is about.
    pub fn with_key(mut self, key: impl Into<String>) -> Self {
        let key = key.into();
        self.key = (!key.is_empty()).then_some(key);
        self
    }
}

impl fmt::Display for YamlError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let path = self.path.display();
        if self.line > 0 {
            write!(f, "{path}:{}:{}: {}", self.line, self.column, self.message)?;
        } else {
            write!(f, "{path}: {}", self.message)?;
        }
        match &self.key {
            Some(key) => write!(f, " (key `{key}`)"),
            None => Ok(()),
        }
    }
}

impl std::error::Error for YamlError {}

/// Deserialize one YAML document from `text`, naming `path` in errors; the
/// first problem only (see [`collect`] for all of them).
pub fn from_str<T: DeserializeOwned>(text: &str, path: &Path) -> Result<T, YamlError> {
    serde_saphyr::from_str(text).map_err(|err| {
        let mut problem = located(&err, path);
        if let Some(root) = tree::outline(text)
            && let Some((key, _)) = place_of(&root, &err, &problem)
        {
            problem = problem.with_key(key);
        }
        problem
    })
}

/// Deserialize every document of a multi-document YAML stream.
pub fn from_str_multi<T: DeserializeOwned>(text: &str, path: &Path) -> Result<Vec<T>, YamlError> {
    serde_saphyr::from_multiple(text).map_err(|err| located(&err, path))
}

/// Deserialize `text`, pushing every problem found onto `problems` (at most
/// [`MAX_PROBLEMS`]): an unknown key, a value of the wrong type, a missing
/// field each become a located finding, and the rest of the document is
/// still read. Returns what the document holds once the bad nodes are cut
/// out (unknown keys dropped, bad optional values defaulted), so the caller
/// can check the rest of it, or `None` when nothing usable is left (a syntax
/// error, a bad document root).
pub fn collect<T: DeserializeOwned>(
    text: &str,
    path: &Path,
    problems: &mut Vec<YamlError>,
) -> Option<T> {
    let root = tree::outline(text);
    let mut work: Vec<char> = text.chars().collect();
    let mut current = text.to_string();
    // Entries cut for a bad value: their "missing field" is not news.
    let mut cut_values: HashSet<(usize, String)> = HashSet::new();
    let mut found = 0;
    let mut parsed = 0;
    loop {
        if parsed + current.len() > MAX_PARSED_BYTES.max(current.len()) {
            problems.push(YamlError::at(
                path,
                0,
                0,
                format!(
                    "only the first {found} problems are listed (the file is large): fix them and validate again"
                ),
            ));
            return None;
        }
        parsed += current.len();
        let err = match serde_saphyr::from_str::<T>(&current) {
            Ok(value) => return Some(value),
            Err(err) => err,
        };
        let problem = located(&err, path);
        let Some((key, place)) = root.as_ref().and_then(|r| place_of(r, &err, &problem)) else {
            problems.push(problem);
            return None;
        };
        let missing = missing_field(&err);
        let known = missing.is_some_and(|f| cut_values.contains(&(place.node, f.to_string())));
        if !known {
            problems.push(problem.with_key(key));
            found += 1;
        }
        if missing.is_none()
            && !is_key_error(&err)
            && let (Some(parent), Some(name)) = (place.parent, &place.name)
        {
            cut_values.insert((parent, name.clone()));
        }
        if found >= MAX_PROBLEMS {
            problems.push(YamlError::at(
                path,
                0,
                0,
                format!(
                    "only the first {MAX_PROBLEMS} problems are listed: fix them and validate again"
                ),
            ));
            return None;
        }
        if !place.cut(&mut work) {
            return None;
        }
        current = work.iter().collect();
        if current.trim().is_empty() {
            return None;
        }
    }
}

/// Where in the outline the deserializer's error points, with the key path
/// to name (for a missing field: the path the field would have).
fn place_of(
    root: &tree::Node,
    err: &serde_saphyr::Error,
    problem: &YamlError,
) -> Option<(String, tree::Place)> {
    if problem.line == 0 {
        return None;
    }
    let (line, column) = (problem.line, problem.column);
    let place = if is_key_error(err) {
        root.find(line, column, Role::Key)
    } else if missing_field(err).is_some() {
        root.find(line, column, Role::Value)
            .or_else(|| root.find(line, column, Role::Holder))
    } else {
        root.find(line, column, Role::Value)
            .or_else(|| root.find(line, column, Role::Key))
    }?;
    let key = match missing_field(err) {
        Some(field) if place.key.is_empty() => field.to_string(),
        Some(field) => format!("{}.{field}", place.key),
        None => place.key.clone(),
    };
    Some((key, place))
}

fn is_key_error(err: &serde_saphyr::Error) -> bool {
    matches!(
        err.without_snippet(),
        serde_saphyr::Error::SerdeUnknownField { .. }
            | serde_saphyr::Error::DuplicateMappingKey { .. }
    )
}

fn missing_field(err: &serde_saphyr::Error) -> Option<&'static str> {
    match err.without_snippet() {
        serde_saphyr::Error::SerdeMissingField { field, .. } => Some(field),
        _ => None,
    }
}

/// A parser error at its place, without a key yet.
fn located(err: &serde_saphyr::Error, path: &Path) -> YamlError {
    let (line, column) = err
        .location()
        .map(|loc| (loc.line(), loc.column()))
        .unwrap_or((0, 0));
    YamlError::at(path, line, column, clean_message(err))
}

/// The parser's message without its source snippet and location suffix: we print
/// the location ourselves, once, in `path:line:col` form.
fn clean_message(err: &serde_saphyr::Error) -> String {
    if let serde_saphyr::Error::Unexpected { expected, .. } = err.without_snippet() {
        // The parser names the event it wanted; say what the person must write.
        let wanted = match *expected {
            "mapping start" => "a mapping (`key: value` entries)",
            "sequence start" => "a list (`- item` entries or `[a, b]`)",
            "string scalar" => "a string",
            other => other,
        };
        return format!("expected {wanted} here");
    }
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

    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct Flags {
        s3: S3,
    }
    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct S3 {
        region: String,
        #[serde(default)]
        force_path_style: bool,
        #[serde(default)]
        timeout: Option<u32>,
    }

    #[test]
    fn a_bad_value_names_its_key() {
        let text = "s3: { region: us-east-1, force_path_style: maybe }\n";
        let err = from_str::<Flags>(text, Path::new("h.yaml")).unwrap_err();
        assert!(
            err.to_string().starts_with("h.yaml:1:")
                && err.to_string().ends_with(" (key `s3.force_path_style`)"),
            "{err}"
        );
        let text = "s3:\n  region: x\n  force_path_style: maybe\n";
        let err = from_str::<Flags>(text, Path::new("h.yaml")).unwrap_err();
        assert_eq!(err.key.as_deref(), Some("s3.force_path_style"), "{err}");
        assert_eq!((err.line, err.column), (3, 21), "{err}");
    }

    fn collect_all<T: DeserializeOwned>(text: &str) -> (Option<T>, Vec<String>) {
        let mut problems = Vec::new();
        let value = collect::<T>(text, Path::new("h.yaml"), &mut problems);
        (value, problems.iter().map(ToString::to_string).collect())
    }

    #[test]
    fn collect_reports_every_problem_and_keeps_the_rest() {
        let text = "s3:\n  regoin: x\n  force_path_style: maybe\n  timeout: -1\n  region: eu\n  extra: { a: 1 }\n";
        let (value, problems) = collect_all::<Flags>(text);
        assert_eq!(problems.len(), 4, "{problems:#?}");
        assert!(
            problems[0].starts_with("h.yaml:2:3: unknown field `regoin`")
                && problems[0].ends_with("(key `s3.regoin`)"),
            "{problems:#?}"
        );
        assert!(
            problems[1].starts_with("h.yaml:3:21: ")
                && problems[1].ends_with("(key `s3.force_path_style`)"),
            "{problems:#?}"
        );
        assert!(
            problems[2].starts_with("h.yaml:4:12: ") && problems[2].ends_with("(key `s3.timeout`)"),
            "{problems:#?}"
        );
        assert!(
            problems[3].starts_with("h.yaml:6:3: unknown field `extra`"),
            "{problems:#?}"
        );
        let value = value.expect("the rest of the file is still read");
        assert_eq!(value.s3.region, "eu");
        assert!(!value.s3.force_path_style);
    }

    #[test]
    fn collect_names_a_missing_field_and_not_the_one_it_cut() {
        // `region` is missing; `count` is present but bad, so its absence
        // after the cut is not a second problem.
        #[derive(Debug, Deserialize)]
        #[allow(dead_code)]
        struct Two {
            s3: S3,
            count: u32,
        }
        let (value, problems) = collect_all::<Two>("count: many\ns3:\n  timeout: 3\n");
        assert!(value.is_none());
        assert_eq!(problems.len(), 2, "{problems:#?}");
        assert!(problems[0].ends_with("(key `count`)"), "{problems:#?}");
        assert!(
            problems[1].contains("missing field `region`")
                && problems[1].ends_with("(key `s3.region`)"),
            "{problems:#?}"
        );
    }

    #[test]
    fn a_value_of_the_wrong_shape_says_what_to_write() {
        let err = from_str::<Flags>("s3: [1]\n", Path::new("h.yaml")).unwrap_err();
        assert_eq!(
            err.to_string(),
            "h.yaml:1:5: expected a mapping (`key: value` entries) here (key `s3`)"
        );
    }

    #[test]
    fn collect_stops_at_a_syntax_error() {
        let (value, problems) = collect_all::<Flags>("s3: [\nregoin: 1\n");
        assert!(value.is_none());
        assert_eq!(problems.len(), 1, "{problems:#?}");
        assert!(problems[0].starts_with("h.yaml:"), "{problems:#?}");
    }

    #[test]
    fn collect_stops_after_max_problems() {
        let mut text = String::from("s3:\n  region: x\n");
        for i in 0..MAX_PROBLEMS + 10 {
            text.push_str(&format!("  bad{i}: 1\n"));
        }
        let (_, problems) = collect_all::<Flags>(&text);
        assert_eq!(problems.len(), MAX_PROBLEMS + 1);
        assert_eq!(
            problems[MAX_PROBLEMS],
            format!(
                "h.yaml: only the first {MAX_PROBLEMS} problems are listed: fix them and validate again"
            )
        );
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
