//! `hctl config validate`: check every YAML file hctl reads before anything
//! runs and list every problem of every file, as a compiler does, each as
//! `file:line:column: what (key `a.b`)`.
//!
//! The result is a [`Validation`]: a [`Report`] with one row per problem (one
//! passing row per valid file), so the table, JSON, JUnit and Markdown views
//! show the same problems, plus the problems as data for JSON.
//!
//! A new file kind (playbooks) plugs in at three places here: a [`FileKind`]
//! variant (with its name in [`FileKind::as_str`]), its files in
//! [`project_targets`], and a `fn(&Path, vars) -> Findings` in [`findings`].
//! That function reads the file with [`crate::yaml::collect`] (which collects
//! every unknown key, bad type and missing field and hands back the rest of
//! the document) and pushes its own checks onto the same [`Findings`], each a
//! located [`YamlError`] with `.with_key(..)`; a syntax error stays one
//! finding, and the other files are checked regardless.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::report::{Item, Report, Severity, Status};
use crate::yaml::YamlError;

use super::expand;
use super::file;
use super::keys;

/// What kind of file a path holds, which decides how it is checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    Config,
    Checklist,
    Playbook,
}

impl FileKind {
    pub fn as_str(self) -> &'static str {
        match self {
            FileKind::Config => "config",
            FileKind::Checklist => "checklist",
            FileKind::Playbook => "playbook",
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
    // The project's checklists: `checklists_dir` of the config file, else
    // `checklists/` beside it (the shipped ones are checked by their tests).
    let config_path = targets.first().map(|t| t.path.clone());
    let dir = config_path
        .as_deref()
        .and_then(|path| file::LoadedFile::read(path).ok()?.checklists_dir())
        .or_else(|| {
            let parent = config_path.as_deref()?.parent()?;
            Some(parent.join(crate::checklist::discover::DIR))
        })
        .unwrap_or_else(|| PathBuf::from(crate::checklist::discover::DIR));
    for path in crate::checklist::discover::all_in(&dir).unwrap_or_default() {
        targets.push(Target {
            kind: FileKind::Checklist,
            path,
        });
    }
    // The project's playbooks: `playbooks/` beside the config file.
    let playbooks = match config_path.as_deref().and_then(Path::parent) {
        Some(parent) => parent.join(crate::shipped::PLAYBOOKS.dir),
        None => PathBuf::from(crate::shipped::PLAYBOOKS.dir),
    };
    for path in crate::shipped::files_in(&playbooks).unwrap_or_default() {
        targets.push(Target {
            kind: FileKind::Playbook,
            path,
        });
    }
    targets
}

/// How a playbook file is checked: its steps' `hctl:` argv is parsed by the
/// clap definitions, which this layer may not see, so the command passes it.
pub type PlaybookCheck<'a> = &'a dyn Fn(&Path) -> Vec<YamlError>;

/// Every problem found in one file: errors make it invalid, warnings do not.
#[derive(Debug, Default)]
pub struct Findings {
    pub errors: Vec<YamlError>,
    pub warnings: Vec<YamlError>,
}

impl Findings {
    /// Both lists in file order (line, then column; unplaced ones last).
    fn sort(&mut self) {
        self.errors.sort_by_key(|e| (e.line == 0, e.line, e.column));
        self.warnings
            .sort_by_key(|e| (e.line == 0, e.line, e.column));
    }
}

/// Check one file by its kind.
pub fn findings(
    target: &Target,
    vars: &dyn Fn(&str) -> Option<String>,
    playbook: PlaybookCheck,
) -> Findings {
    let mut findings = match target.kind {
        FileKind::Config => config_findings(&target.path, vars),
        FileKind::Checklist => checklist_findings(&target.path, vars),
        FileKind::Playbook => Findings {
            errors: playbook(&target.path),
            warnings: Vec::new(),
        },
    };
    findings.sort();
    findings
}

/// Whether a problem stops the file (an error) or only deserves a look.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Level {
    Error,
    Warning,
}

/// One problem, as the JSON report lists it (`problems`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Problem {
    pub file: String,
    /// `config`, `checklist`, …
    pub kind: &'static str,
    pub level: Level,
    /// 1-based; 0 when the problem has no place in the file (unreadable).
    pub line: u64,
    pub column: u64,
    /// Dotted key path, e.g. `sections[0].items[2].retries`.
    pub key: Option<String>,
    pub message: String,
}

/// How many files were checked and how many are invalid.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Files {
    pub total: usize,
    pub invalid: usize,
}

/// The outcome of `hctl config validate`: the report every view renders,
/// with the problems and file counts added to its JSON form.
#[derive(Debug, Serialize)]
pub struct Validation {
    #[serde(flatten)]
    pub report: Report,
    pub files: Files,
    pub problems: Vec<Problem>,
}

/// Validate every target; each file is checked whatever the others hold.
pub fn validate_all(
    targets: &[Target],
    vars: &dyn Fn(&str) -> Option<String>,
    playbook: PlaybookCheck,
    started_at: DateTime<Utc>,
) -> Validation {
    let started = Instant::now();
    let mut items = Vec::new();
    let mut problems = Vec::new();
    let mut files = Files {
        total: targets.len(),
        invalid: 0,
    };
    for target in targets {
        let begun = Instant::now();
        let found = findings(target, vars, playbook);
        if !found.errors.is_empty() {
            files.invalid += 1;
        }
        items.extend(rows(target, &found, begun.elapsed()));
        let kind = target.kind.as_str();
        for (level, list) in [
            (Level::Error, &found.errors),
            (Level::Warning, &found.warnings),
        ] {
            problems.extend(list.iter().map(|e| Problem {
                file: e.path.display().to_string(),
                kind,
                level,
                line: e.line,
                column: e.column,
                key: e.key.clone(),
                message: e.message.clone(),
            }));
        }
    }
    let report = Report::new(
        "config validate",
        None,
        started_at,
        started.elapsed(),
        items,
    );
    Validation {
        report,
        files,
        problems,
    }
}

/// The report rows of one file: one per problem (errors first), or one
/// passing row when it has none.
fn rows(target: &Target, found: &Findings, elapsed: Duration) -> Vec<Item> {
    let path = target.path.display().to_string();
    let row = |id: String, severity, status, detail: String| {
        Item::new(id, path.clone(), severity, status, elapsed, detail)
            .in_section(target.kind.as_str())
    };
    let mut rows = Vec::new();
    for (severity, status, list) in [
        (Severity::Critical, Status::Fail, &found.errors),
        (Severity::Warning, Status::Warn, &found.warnings),
    ] {
        for problem in list {
            let id = match problem.line {
                0 => path.clone(),
                line => format!("{path}:{line}:{}", problem.column),
            };
            let detail = match &problem.key {
                Some(key) => format!("{} (key `{key}`)", problem.message),
                None => problem.message.clone(),
            };
            rows.push(row(id, severity, status, detail));
        }
    }
    if rows.is_empty() {
        rows.push(row(
            path.clone(),
            Severity::Critical,
            Status::Pass,
            "valid".into(),
        ));
    }
    rows
}

/// Check a config file: syntax, unknown keys and value types (all of them),
/// `default_env`, `${VAR}` syntax, value kinds and ranges; variables that are
/// unset here are warnings (CI often validates production config without
/// production secrets).
pub fn config_findings(path: &Path, vars: &dyn Fn(&str) -> Option<String>) -> Findings {
    let mut findings = Findings::default();
    let Some(data) = file::collect(path, &mut findings.errors) else {
        return findings;
    };
    if let Some(default) = &data.default_env
        && !data.environments.contains_key(&default.value)
    {
        findings.errors.push(
            YamlError::at(
                path,
                default.referenced.line(),
                default.referenced.column(),
                format!(
                    "default_env `{}` is not defined under `environments`",
                    default.value
                ),
            )
            .with_key("default_env"),
        );
    }
    for (env, env_file) in &data.environments {
        for (name, raw) in env_file.value.flatten() {
            let at = |message: String| {
                YamlError::at(path, raw.line, raw.column, message)
                    .with_key(format!("environments.{env}.{name}"))
            };
            match expand::references(&raw.raw) {
                Err(err) => findings.errors.push(at(err.to_string())),
                Ok(refs) if refs.is_empty() => {
                    let problem = keys::find(name).and_then(|key| {
                        super::problem(key, &raw.raw).or_else(|| keys::out_of_range(key, &raw.raw))
                    });
                    if let Some(problem) = problem {
                        findings.errors.push(at(problem));
                    }
                }
                Ok(refs) => {
                    for var in refs.iter().filter(|v| vars(v).is_none()) {
                        findings
                            .warnings
                            .push(at(format!("`${{{var}}}` is not set here")));
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
        let target = Target {
            kind: FileKind::Config,
            path,
        };
        findings(&target, &|_| None, &|_| Vec::new())
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
    fn an_unknown_key_hides_no_other_problem() {
        let f = check(
            "environments:\n  local:\n    urll: http://x\n    url: ftp://x\n    s3:\n      force_path_style: maybe\n      connect_timeout: 0\n",
        );
        let got: Vec<_> = f
            .errors
            .iter()
            .map(|e| (e.line, e.key.clone().unwrap_or_default()))
            .collect();
        assert_eq!(
            got,
            [
                (3, "environments.local.urll".to_string()),
                (4, "environments.local.url".to_string()),
                (6, "environments.local.s3.force_path_style".to_string()),
                (7, "environments.local.s3.connect_timeout".to_string()),
            ],
            "{:?}",
            f.errors
        );
        assert!(f.errors[3].message.contains("out of range: 1 to 3600"));
    }

    #[test]
    fn one_row_per_problem_and_one_for_a_valid_file() {
        let dir = tempfile::tempdir().unwrap();
        let bad = dir.path().join("bad.yaml");
        let good = dir.path().join("good.yaml");
        std::fs::write(&bad, "environments:\n  a:\n    urll: x\n    url: ftp://x\n").unwrap();
        std::fs::write(&good, "environments:\n  a:\n    url: http://x\n").unwrap();
        let targets = [&bad, &good].map(|p| Target {
            kind: FileKind::Config,
            path: p.clone(),
        });
        let v = validate_all(&targets, &|_| None, &|_| Vec::new(), Utc::now());
        let ids: Vec<_> = v.report.items.iter().map(|i| i.id.clone()).collect();
        let bad = bad.display().to_string();
        assert_eq!(
            ids,
            [
                format!("{bad}:3:5"),
                format!("{bad}:4:10"),
                good.display().to_string()
            ]
        );
        assert_eq!(v.report.items[0].status, Status::Fail);
        assert!(
            v.report.items[0]
                .detail
                .ends_with("(key `environments.a.urll`)"),
            "{:?}",
            v.report.items[0]
        );
        assert_eq!(v.report.items[2].status, Status::Pass);
        assert_eq!(
            v.files,
            Files {
                total: 2,
                invalid: 1
            }
        );
        assert_eq!(v.problems.len(), 2);
        assert_eq!(v.problems[1].key.as_deref(), Some("environments.a.url"));
    }

    #[test]
    fn a_syntax_error_stops_at_the_parser() {
        let f = check("environments:\n  local:\n    url: [\n");
        assert_eq!(f.errors.len(), 1);
        assert!(f.errors[0].line > 0);
    }
}
