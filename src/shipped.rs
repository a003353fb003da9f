//! Files shipped inside the binary (the repository's `checklists/*.yaml`, and
//! playbooks the same way), so `hctl preflight -c pre-launch` works in the
//! container image and outside any checkout, overlaid by a project directory of
//! the same kind: a project file replaces the shipped one of the same name, and
//! adds to them otherwise.
//!
//! A kind is one [`embed!`] line; a unit test fails when a file of the
//! repository directory is not in it, so a new file cannot be forgotten.

use std::borrow::Cow;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

use crate::exit::UsageError;
use crate::yaml::YamlError;

/// One embedded file.
#[derive(Debug)]
pub struct File {
    /// File name without `.yaml` (what `-c NAME` matches).
    pub name: &'static str,
    pub text: &'static str,
}

/// The shipped files of one kind, and where a project keeps its own.
#[derive(Debug)]
pub struct Kind {
    /// Directory in the repository, and in a project (`checklists`).
    pub dir: &'static str,
    /// One file of the kind, in messages (`checklist`).
    pub noun: &'static str,
    /// Sorted by name.
    pub files: &'static [File],
}

/// `embed!("dir", "noun", ["a", "b"])`: the [`Kind`] of `dir/a.yaml` and
/// `dir/b.yaml`, read at compile time.
macro_rules! embed {
    ($dir:literal, $noun:literal, [$($name:literal),* $(,)?]) => {
        Kind {
            dir: $dir,
            noun: $noun,
            files: &[$(File {
                name: $name,
                text: include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/", $dir, "/", $name, ".yaml")),
            }),*],
        }
    };
}

/// The shipped checklists (`checklists/`).
pub const CHECKLISTS: Kind = embed!(
    "checklists",
    "checklist",
    ["compliance", "launch-day", "post-launch", "pre-launch"]
);

/// The shipped playbooks (`playbooks/`).
pub const PLAYBOOKS: Kind = embed!("playbooks", "playbook", ["incident", "launch", "rollback"]);

/// Every kind, for the test that no repository file is left out.
#[cfg(test)]
const ALL: &[&Kind] = &[&CHECKLISTS, &PLAYBOOKS];

/// How errors name an embedded file: `<shipped>/pre-launch.yaml`.
pub const PREFIX: &str = "<shipped>";

/// Where a file comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    /// Embedded in this binary.
    Shipped(&'static str),
    /// A file on disk (in the project directory, or named by path).
    File,
}

/// One file to load: shipped, or on disk.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Source {
    /// File name without extension.
    pub name: String,
    /// The path on disk, or `<shipped>/NAME.yaml`: what errors name.
    pub path: PathBuf,
    pub origin: Origin,
    /// A project file that replaces the shipped file of the same name.
    pub overrides: bool,
}

impl Source {
    fn shipped(file: &'static File) -> Self {
        Source {
            name: file.name.to_string(),
            path: Path::new(PREFIX).join(format!("{}.yaml", file.name)),
            origin: Origin::Shipped(file.text),
            overrides: false,
        }
    }

    fn on_disk(path: PathBuf) -> Self {
        let name = path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        Source {
            name,
            path,
            origin: Origin::File,
            overrides: false,
        }
    }

    /// `shipped`, or the path of the file.
    pub fn origin_label(&self) -> String {
        match self.origin {
            Origin::Shipped(_) => "shipped".to_string(),
            Origin::File => self.path.display().to_string(),
        }
    }

    /// The file's text (a file on disk: a regular file of at most 4 MiB).
    pub fn text(&self) -> Result<Cow<'static, str>, YamlError> {
        match self.origin {
            Origin::Shipped(text) => Ok(Cow::Borrowed(text)),
            Origin::File => crate::files::read_text(&self.path, crate::files::MAX_YAML_BYTES)
                .map(Cow::Owned)
                .map_err(|err| YamlError::at(&self.path, 0, 0, format!("cannot read file: {err}"))),
        }
    }
}

impl Kind {
    /// The shipped files overlaid by the files of the project directory
    /// `dir` (a missing directory adds nothing), sorted by name.
    pub fn all(&self, dir: &Path) -> Result<Vec<Source>> {
        let mut sources: Vec<Source> = files_in(dir)?.into_iter().map(Source::on_disk).collect();
        for source in &mut sources {
            source.overrides = self.files.iter().any(|f| f.name == source.name);
        }
        for file in self.files {
            if !sources.iter().any(|s| s.name == file.name) {
                sources.push(Source::shipped(file));
            }
        }
        sources.sort_by(|a, b| a.name.cmp(&b.name).then_with(|| a.path.cmp(&b.path)));
        Ok(sources)
    }

    /// One file by path (an existing file) or by name: `dir/NAME.yaml` (or
    /// `.yml`) of the project first, then the shipped one.
    pub fn find(&self, dir: &Path, arg: &str) -> Result<Source> {
        let path = Path::new(arg);
        if path.is_file() {
            return Ok(Source::on_disk(path.to_path_buf()));
        }
        for ext in ["yaml", "yml"] {
            let candidate = dir.join(format!("{arg}.{ext}"));
            if candidate.is_file() {
                let mut source = Source::on_disk(candidate);
                source.overrides = self.files.iter().any(|f| f.name == arg);
                return Ok(source);
            }
        }
        if let Some(file) = self.files.iter().find(|f| f.name == arg) {
            return Ok(Source::shipped(file));
        }
        let known: Vec<String> = self.all(dir)?.into_iter().map(|s| s.name).collect();
        Err(UsageError::new(format!(
            "no {noun} `{arg}`: not a file, not `{dir}/{arg}.yaml`, and not shipped (known: {known})",
            noun = self.noun,
            dir = dir.display(),
            known = if known.is_empty() {
                "none".to_string()
            } else {
                known.join(", ")
            }
        )).into())
    }
}

/// Every `.yaml` / `.yml` file in `dir`, sorted; none when `dir` is missing.
pub fn files_in(dir: &Path) -> Result<Vec<PathBuf>> {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_repository_file_is_embedded() {
        for kind in ALL {
            let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join(kind.dir);
            let on_disk: Vec<String> = files_in(&dir)
                .unwrap()
                .iter()
                .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
                .collect();
            let embedded: Vec<String> = kind
                .files
                .iter()
                .map(|f| format!("{}.yaml", f.name))
                .collect();
            assert_eq!(
                on_disk, embedded,
                "`{}/` and the embed! list of shipped {}s in src/shipped.rs differ (both sorted by name)",
                kind.dir, kind.noun
            );
        }
    }

    #[test]
    fn the_image_build_copies_every_shipped_directory() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let dockerfile = std::fs::read_to_string(root.join("Dockerfile")).unwrap();
        let ignored = std::fs::read_to_string(root.join(".dockerignore")).unwrap();
        for kind in ALL {
            let copy = format!("COPY {0} ./{0}", kind.dir);
            assert!(
                dockerfile.lines().any(|l| l.trim() == copy),
                "the Dockerfile's build stage needs `{copy}`: the binary embeds `{}/`",
                kind.dir
            );
            assert!(
                !ignored
                    .lines()
                    .any(|l| l.trim().trim_end_matches('/') == kind.dir),
                "`.dockerignore` leaves `{}/` out of the build context",
                kind.dir
            );
        }
    }

    const SHIPPED: Kind = Kind {
        dir: "things",
        noun: "thing",
        files: &[
            File {
                name: "alpha",
                text: "shipped alpha",
            },
            File {
                name: "beta",
                text: "shipped beta",
            },
        ],
    };

    #[test]
    fn a_project_file_overrides_by_name_and_adds_the_rest() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("beta.yaml"), "project beta").unwrap();
        std::fs::write(dir.path().join("aardvark.yml"), "project aardvark").unwrap();
        std::fs::write(dir.path().join("notes.txt"), "not a thing").unwrap();
        let all = SHIPPED.all(dir.path()).unwrap();
        let seen: Vec<(&str, String, bool)> = all
            .iter()
            .map(|s| (s.name.as_str(), s.origin_label(), s.overrides))
            .collect();
        let beta = dir.path().join("beta.yaml").display().to_string();
        let aardvark = dir.path().join("aardvark.yml").display().to_string();
        assert_eq!(
            seen,
            [
                ("aardvark", aardvark, false),
                ("alpha", "shipped".to_string(), false),
                ("beta", beta, true),
            ]
        );
        assert_eq!(all[1].path, Path::new("<shipped>/alpha.yaml"));
        assert_eq!(all[1].text().unwrap(), "shipped alpha");
        assert_eq!(all[2].text().unwrap(), "project beta");
    }

    #[test]
    fn find_prefers_a_path_then_the_project_then_shipped() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("beta.yaml"), "project beta").unwrap();
        assert_eq!(
            SHIPPED.find(dir.path(), "alpha").unwrap().origin,
            Origin::Shipped("shipped alpha")
        );
        let beta = SHIPPED.find(dir.path(), "beta").unwrap();
        assert!(beta.overrides && beta.origin == Origin::File, "{beta:?}");
        let by_path = dir.path().join("beta.yaml");
        let given = SHIPPED.find(dir.path(), by_path.to_str().unwrap()).unwrap();
        assert_eq!(given.path, by_path);

        let err = SHIPPED.find(dir.path(), "gamma").unwrap_err().to_string();
        assert!(err.contains("no thing `gamma`"), "{err}");
        assert!(err.contains("known: alpha, beta"), "{err}");
    }

    #[test]
    fn without_a_project_directory_only_the_shipped_files_count() {
        let all = SHIPPED.all(Path::new("/nonexistent/things")).unwrap();
        assert_eq!(all.len(), 2);
        assert!(all.iter().all(|s| s.origin_label() == "shipped"));
    }

    #[test]
    fn an_unreadable_project_file_names_its_path() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("alpha.yaml");
        std::fs::create_dir(&path).unwrap();
        let source = Source::on_disk(path.clone());
        let err = source.text().unwrap_err();
        assert_eq!(err.path, path);
        assert!(err.message.contains("not a regular file"), "{err}");
    }
}
