//! `hctl config validate`'s work: check every YAML file of a project before
//! anything runs and list every problem of every file, as a compiler does,
//! each as `file:line:column: what (key `a.b`)`. Each kind is checked by its
//! own module (`config::check`, `checklist::load`, and the playbook check the
//! command passes in); this module finds the files and turns what they report
//! into one result.
//!
//! The result is a [`Validation`]: a [`Report`] with one row per problem (one
//! passing row per valid file), so the table, JSON, JUnit and Markdown views
//! show the same problems, plus the problems as data for JSON.
//!
//! A new file kind plugs in at three places here: a [`FileKind`] variant (with
//! its name in [`FileKind::as_str`]), its files in [`project_files`], and a
//! `fn(&Path, vars) -> Findings` in [`findings`]. That function reads the file
//! with [`crate::yaml::collect`] (which collects every unknown key, bad type
//! and missing field and hands back the rest of the document) and pushes its
//! own checks onto the same [`Findings`], each a located [`YamlError`] with
//! `.with_key(..)`; a syntax error stays one finding, and the other files are
//! checked regardless.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::checklist;
use crate::config::check::Findings;
use crate::config::{self, Overrides, Settings};
use crate::report::{Item, Report, Severity, Status};
use crate::shipped;
use crate::yaml::YamlError;

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

/// A file of the project to validate, and its kind.
#[derive(Debug, Clone)]
pub struct ProjectFile {
    pub kind: FileKind,
    pub path: PathBuf,
}

/// The files of a project: the config file (explicit or `./hctl.yaml`), its
/// checklists and its playbooks.
pub fn project_files(config_file: Option<&Path>) -> Vec<ProjectFile> {
    let mut files = Vec::new();
    match config_file {
        Some(path) => files.push(ProjectFile {
            kind: FileKind::Config,
            path: path.to_path_buf(),
        }),
        None if Path::new(config::DEFAULT_FILE).is_file() => files.push(ProjectFile {
            kind: FileKind::Config,
            path: PathBuf::from(config::DEFAULT_FILE),
        }),
        None => {}
    }
    // The project's checklists: `checklists_dir` of the config file, else
    // `checklists/` beside it (the shipped ones are checked by their tests).
    let config_path = files.first().map(|f: &ProjectFile| f.path.clone());
    let dir = config_path
        .as_deref()
        .and_then(|path| config::file::LoadedFile::read(path).ok()?.checklists_dir())
        .or_else(|| {
            let parent = config_path.as_deref()?.parent()?;
            Some(parent.join(checklist::discover::DIR))
        })
        .unwrap_or_else(|| PathBuf::from(checklist::discover::DIR));
    for path in checklist::discover::all_in(&dir).unwrap_or_default() {
        files.push(ProjectFile {
            kind: FileKind::Checklist,
            path,
        });
    }
    // The project's playbooks: `playbooks/` beside the config file.
    let playbooks = match config_path.as_deref().and_then(Path::parent) {
        Some(parent) => parent.join(shipped::PLAYBOOKS.dir),
        None => PathBuf::from(shipped::PLAYBOOKS.dir),
    };
    for path in shipped::files_in(&playbooks).unwrap_or_default() {
        files.push(ProjectFile {
            kind: FileKind::Playbook,
            path,
        });
    }
    files
}

/// How a playbook file is checked: its steps' `hctl:` argv is parsed by the
/// clap definitions, which this layer may not see, so the command passes it.
pub type PlaybookCheck<'a> = &'a dyn Fn(&Path) -> Vec<YamlError>;

/// Check one file by its kind.
pub fn findings(
    file: &ProjectFile,
    vars: &dyn Fn(&str) -> Option<String>,
    playbook: PlaybookCheck,
) -> Findings {
    let mut findings = match file.kind {
        FileKind::Config => config::check::findings(&file.path, vars),
        FileKind::Checklist => checklist_findings(&file.path, vars),
        FileKind::Playbook => Findings {
            errors: playbook(&file.path),
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

/// Validate every file; each file is checked whatever the others hold.
pub fn validate_all(
    project: &[ProjectFile],
    vars: &dyn Fn(&str) -> Option<String>,
    playbook: PlaybookCheck,
    started_at: DateTime<Utc>,
) -> Validation {
    let started = Instant::now();
    let mut items = Vec::new();
    let mut problems = Vec::new();
    let mut files = Files {
        total: project.len(),
        invalid: 0,
    };
    for file in project {
        let begun = Instant::now();
        let found = findings(file, vars, playbook);
        if !found.errors.is_empty() {
            files.invalid += 1;
        }
        items.extend(rows(file, &found, begun.elapsed()));
        let kind = file.kind.as_str();
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
fn rows(file: &ProjectFile, found: &Findings, elapsed: Duration) -> Vec<Item> {
    let path = file.path.display().to_string();
    let row = |id: String, severity, status, detail: String| {
        Item::new(id, path.clone(), severity, status, elapsed, detail)
            .in_section(file.kind.as_str())
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

/// Check a checklist: everything `hctl preflight` would reject. Templates
/// resolve against the built-in defaults and `HCTL_*` variables, so only
/// unknown settings are errors, never unset ones.
pub fn checklist_findings(path: &Path, vars: &dyn Fn(&str) -> Option<String>) -> Findings {
    let mut findings = Findings::default();
    let settings = Settings::resolve(None, &Overrides::default(), vars).ok();
    let lookup = |key: &str| {
        settings
            .as_ref()
            .and_then(|s| s.get(key))
            .map(str::to_string)
    };
    if let Err(checklist::Invalid(errors)) = checklist::load(path, &lookup) {
        findings.errors = errors;
    }
    findings
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_row_per_problem_and_one_for_a_valid_file() {
        let dir = tempfile::tempdir().unwrap();
        let bad = dir.path().join("bad.yaml");
        let good = dir.path().join("good.yaml");
        std::fs::write(&bad, "environments:\n  a:\n    urll: x\n    url: ftp://x\n").unwrap();
        std::fs::write(&good, "environments:\n  a:\n    url: http://x\n").unwrap();
        let files = [&bad, &good].map(|p| ProjectFile {
            kind: FileKind::Config,
            path: p.clone(),
        });
        let v = validate_all(&files, &|_| None, &|_| Vec::new(), Utc::now());
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
}
