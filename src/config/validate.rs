//! `hctl config validate`: check every YAML file hctl reads before anything
//! runs, reporting each problem as `file:line:column: message`.
//!
//! The result is a [`Report`] with one item per file, so CI can render it as
//! JUnit like any other gate.

use std::path::{Path, PathBuf};
use std::time::Instant;

use crate::report::{Item, Severity, Status};
use crate::yaml::YamlError;

use super::expand;
use super::file::LoadedFile;
use super::keys;

/// What kind of file a path holds, which decides how it is checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    Config,
    Checklist,
}

impl FileKind {
    fn as_str(self) -> &'static str {
        match self {
            FileKind::Config => "config",
            FileKind::Checklist => "checklist",
        }
    }
}

/// A file to validate.
#[derive(Debug, Clone)]
pub struct Target {
    pub kind: FileKind,
    pub path: PathBuf,
}

/// The files of a project: the config file (explicit or `./hctl.yaml`) and
/// every `checklists/*.y*ml`.
pub fn project_targets(config: Option<&Path>) -> Vec<Target> {
    let mut targets = Vec::new();
    match config {
        Some(path) => targets.push(Target {
            kind: FileKind::Config,
            path: path.to_path_buf(),
        }),
        None if Path::new(super::DEFAULT_FILE).is_file() => targets.push(Target {
            kind: FileKind::Config,
            path: PathBuf::from(super::DEFAULT_FILE),
        }),
        None => {}
    }
    let dir = Path::new(crate::checklist::discover::DIR);
    for path in crate::checklist::discover::all_in(dir).unwrap_or_default() {
        targets.push(Target {
            kind: FileKind::Checklist,
            path,
        });
    }
    targets
}

/// Problems found in one file: errors make it invalid, warnings do not.
#[derive(Debug, Default)]
pub struct Findings {
    pub errors: Vec<YamlError>,
    pub warnings: Vec<YamlError>,
}

/// Validate one target into a report item.
pub fn validate(target: &Target, vars: &dyn Fn(&str) -> Option<String>) -> Item {
    let started = Instant::now();
    let findings = match target.kind {
        FileKind::Config => config_findings(&target.path, vars),
        FileKind::Checklist => checklist_findings(&target.path, vars),
    };
    let (status, lines) = if !findings.errors.is_empty() {
        (Status::Fail, &findings.errors)
    } else if !findings.warnings.is_empty() {
        (Status::Warn, &findings.warnings)
    } else {
        (Status::Pass, &findings.errors)
    };
    let detail = if lines.is_empty() {
        "valid".to_string()
    } else {
        lines
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join("\n")
    };
    let path = target.path.display().to_string();
    Item::new(
        path.clone(),
        path,
        Severity::Critical,
        status,
        started.elapsed(),
        detail,
    )
    .in_section(target.kind.as_str())
}

/// Check a config file: syntax and unknown keys, `default_env`, `${VAR}`
/// syntax, value kinds; variables that are unset here are warnings (CI often
/// validates production config without production secrets).
pub fn config_findings(path: &Path, vars: &dyn Fn(&str) -> Option<String>) -> Findings {
    let mut findings = Findings::default();
    let file = match LoadedFile::read(path) {
        Ok(file) => file,
        Err(err) => {
            findings.errors.push(err);
            return findings;
        }
    };
    if let Some(default) = &file.data.default_env
        && !file.data.environments.contains_key(&default.value)
    {
        findings.errors.push(YamlError::at(
            path,
            default.referenced.line(),
            default.referenced.column(),
            format!(
                "default_env `{}` is not defined under `environments`",
                default.value
            ),
        ));
    }
    for (env, env_file) in &file.data.environments {
        for (name, raw) in env_file.value.flatten() {
            let at = |message: String| YamlError::at(path, raw.line, raw.column, message);
            match expand::references(&raw.raw) {
                Err(err) => findings
                    .errors
                    .push(at(format!("environment `{env}` key `{name}`: {err}"))),
                Ok(refs) if refs.is_empty() => {
                    let key = keys::find(name).expect("flatten yields known keys");
                    if let Some(problem) = super::problem(key, &raw.raw) {
                        findings
                            .errors
                            .push(at(format!("environment `{env}` key `{name}`: {problem}")));
                    }
                }
                Ok(refs) => {
                    for var in refs.iter().filter(|v| vars(v).is_none()) {
                        findings.warnings.push(at(format!(
                            "environment `{env}` key `{name}`: `${{{var}}}` is not set here"
                        )));
                    }
                }
            }
        }
    }
    findings
}

/// Check a checklist: everything `hctl preflight` would reject. Templates
/// resolve against the built-in defaults and `HCTL_*` variables, so only
/// unknown settings are errors, never unset ones.
pub fn checklist_findings(path: &Path, vars: &dyn Fn(&str) -> Option<String>) -> Findings {
    let mut findings = Findings::default();
    let settings = super::Settings::resolve(None, &super::Overrides::default(), vars).ok();
    let lookup = |key: &str| {
        settings
            .as_ref()
            .and_then(|s| s.get(key))
            .map(str::to_string)
    };
    if let Err(crate::checklist::Invalid(errors)) = crate::checklist::load(path, &lookup) {
        findings.errors = errors;
    }
    findings
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(text: &str) -> Findings {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("hctl.yaml");
        std::fs::write(&path, text).unwrap();
        config_findings(&path, &|_| None)
    }

    #[test]
    fn reports_every_problem_with_location() {
        let f = check(
            "default_env: stage\nenvironments:\n  local:\n    url: ftp://x\n    database_url: ${DB\n  production:\n    database_url: ${PROD_DATABASE_URL}\n",
        );
        let errors: Vec<_> = f
            .errors
            .iter()
            .map(|e| (e.line, e.message.clone()))
            .collect();
        assert_eq!(errors.len(), 3, "{errors:?}");
        assert!(errors[0].1.contains("default_env `stage`"));
        assert_eq!(errors[1].0, 4);
        assert_eq!(errors[2].0, 5);
        assert_eq!(f.warnings.len(), 1);
        assert!(f.warnings[0].message.contains("PROD_DATABASE_URL"));
    }

    #[test]
    fn a_syntax_error_stops_at_the_parser() {
        let f = check("environments:\n  local:\n    url: [\n");
        assert_eq!(f.errors.len(), 1);
        assert!(f.errors[0].line > 0);
    }
}
