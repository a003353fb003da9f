//! The `hctl.yaml` file format: typed, strict (unknown keys are errors with
//! file:line:column), and flattened into dotted keys with their locations.
//! [`LoadedFile::read`] stops at the first problem (any command that needs
//! settings); [`collect`] lists them all (`hctl config validate`).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use serde_saphyr::Spanned;

use crate::yaml::{self, YamlError};

type Text = Option<Spanned<String>>;

#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct ConfigFile {
    pub default_env: Option<Spanned<String>>,
    /// The project's checklists (default: `checklists/` beside this file).
    pub checklists_dir: Option<Spanned<String>>,
    #[serde(default)]
    pub environments: BTreeMap<String, Spanned<EnvFile>>,
}

#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct EnvFile {
    url: Text,
    database_url: Text,
    redis_url: Text,
    storage: Text,
    prometheus_url: Text,
    grafana_url: Text,
    replica_url: Text,
    pgbouncer_url: Text,
    uploads: Text,
    admin_token_env: Text,
    s3: Option<S3File>,
    kube: Option<KubeFile>,
    pgbackrest: Option<PgbackrestFile>,
}

#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct S3File {
    endpoint: Text,
    region: Text,
    force_path_style: Option<Spanned<bool>>,
    sse: Text,
    sse_kms_key_id: Text,
    connect_timeout: Option<Spanned<u32>>,
    attempt_timeout: Option<Spanned<u32>>,
    operation_timeout: Option<Spanned<u32>>,
}

#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct KubeFile {
    context: Text,
    namespace: Text,
    deployment: Text,
    manifests: Text,
}

#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct PgbackrestFile {
    stanza: Text,
    config: Text,
}

/// A value as written in the file, before `${VAR}` expansion.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileValue {
    pub raw: String,
    pub line: u64,
    pub column: u64,
}

/// A parsed config file and where it came from.
#[derive(Debug)]
pub struct LoadedFile {
    pub path: PathBuf,
    pub data: ConfigFile,
}

impl LoadedFile {
    pub fn read(path: &Path) -> Result<Self, YamlError> {
        let text = crate::files::read_text(path, crate::files::MAX_YAML_BYTES)
            .map_err(|err| YamlError::at(path, 0, 0, format!("cannot read config file: {err}")))?;
        let data = if text.trim().is_empty() {
            ConfigFile::default()
        } else {
            yaml::from_str(&text, path)?
        };
        let file = LoadedFile {
            path: path.to_path_buf(),
            data,
        };
        file.check_checklists_dir()?;
        Ok(file)
    }

    /// `checklists_dir`, relative to the directory of this file.
    pub fn checklists_dir(&self) -> Option<PathBuf> {
        let dir = self.data.checklists_dir.as_ref()?;
        let base = self.path.parent().unwrap_or(Path::new(""));
        Some(base.join(dir.value.trim()))
    }

    /// A `checklists_dir` that is empty or not a directory is an error at its
    /// place in the file: a typo must not silently fall back to the shipped ones.
    fn check_checklists_dir(&self) -> Result<(), YamlError> {
        let (Some(value), Some(dir)) = (&self.data.checklists_dir, self.checklists_dir()) else {
            return Ok(());
        };
        let at = |message: String| {
            YamlError::at(
                &self.path,
                value.referenced.line(),
                value.referenced.column(),
                message,
            )
        };
        if value.value.trim().is_empty() {
            return Err(at(
                "`checklists_dir` is empty: name a directory, or remove the key to use `checklists/` beside this file".into(),
            ));
        }
        if !dir.is_dir() {
            return Err(at(format!(
                "`checklists_dir`: `{}` is not a directory (looked for `{}`; relative paths start at the config file's directory)",
                value.value,
                dir.display()
            )));
        }
        Ok(())
    }

    pub fn env_names(&self) -> Vec<&str> {
        self.data.environments.keys().map(String::as_str).collect()
    }
}

/// Read a config file pushing every problem of its YAML onto `problems`
/// (unknown keys, values of the wrong type, each located); what is left once
/// the bad entries are dropped, so its values can be checked too.
pub fn collect(path: &Path, problems: &mut Vec<YamlError>) -> Option<ConfigFile> {
    let text = match crate::files::read_text(path, crate::files::MAX_YAML_BYTES) {
        Ok(text) => text,
        Err(err) => {
            problems.push(YamlError::at(
                path,
                0,
                0,
                format!("cannot read config file: {err}"),
            ));
            return None;
        }
    };
    if text.trim().is_empty() {
        return Some(ConfigFile::default());
    }
    let file = LoadedFile {
        path: path.to_path_buf(),
        data: yaml::collect(&text, path, problems)?,
    };
    if let Err(err) = file.check_checklists_dir() {
        problems.push(err);
    }
    Some(file.data)
}

fn text(out: &mut Vec<(&'static str, FileValue)>, key: &'static str, value: &Text) {
    if let Some(v) = value {
        out.push((key, spanned(&v.value, v)));
    }
}

fn spanned<T>(raw: &str, at: &Spanned<T>) -> FileValue {
    FileValue {
        raw: raw.to_string(),
        line: at.referenced.line(),
        column: at.referenced.column(),
    }
}

impl EnvFile {
    /// The values this environment sets, by dotted key (see `keys::KEYS`).
    pub fn flatten(&self) -> Vec<(&'static str, FileValue)> {
        let mut out = Vec::new();
        text(&mut out, "url", &self.url);
        text(&mut out, "database_url", &self.database_url);
        text(&mut out, "redis_url", &self.redis_url);
        text(&mut out, "storage", &self.storage);
        text(&mut out, "prometheus_url", &self.prometheus_url);
        text(&mut out, "grafana_url", &self.grafana_url);
        text(&mut out, "replica_url", &self.replica_url);
        text(&mut out, "pgbouncer_url", &self.pgbouncer_url);
        text(&mut out, "uploads", &self.uploads);
        text(&mut out, "admin_token_env", &self.admin_token_env);
        if let Some(s3) = &self.s3 {
            text(&mut out, "s3.endpoint", &s3.endpoint);
            text(&mut out, "s3.region", &s3.region);
            if let Some(b) = &s3.force_path_style {
                out.push(("s3.force_path_style", spanned(&b.value.to_string(), b)));
            }
            text(&mut out, "s3.sse", &s3.sse);
            text(&mut out, "s3.sse_kms_key_id", &s3.sse_kms_key_id);
            for (key, secs) in [
                ("s3.connect_timeout", &s3.connect_timeout),
                ("s3.attempt_timeout", &s3.attempt_timeout),
                ("s3.operation_timeout", &s3.operation_timeout),
            ] {
                if let Some(n) = secs {
                    out.push((key, spanned(&n.value.to_string(), n)));
                }
            }
        }
        if let Some(kube) = &self.kube {
            text(&mut out, "kube.context", &kube.context);
            text(&mut out, "kube.namespace", &kube.namespace);
            text(&mut out, "kube.deployment", &kube.deployment);
            text(&mut out, "kube.manifests", &kube.manifests);
        }
        if let Some(pgbackrest) = &self.pgbackrest {
            text(&mut out, "pgbackrest.stanza", &pgbackrest.stanza);
            text(&mut out, "pgbackrest.config", &pgbackrest.config);
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<ConfigFile, YamlError> {
        yaml::from_str(text, Path::new("hctl.yaml"))
    }

    #[test]
    fn flattens_with_locations() {
        let file = parse(
            "default_env: local\nenvironments:\n  local:\n    url: http://x:1\n    s3: { endpoint: null, force_path_style: true }\n",
        )
        .unwrap();
        let values = file.environments["local"].value.flatten();
        assert_eq!(values[0].0, "url");
        assert_eq!((values[0].1.line, values[0].1.column), (4, 10));
        assert!(
            values
                .iter()
                .any(|(k, v)| *k == "s3.force_path_style" && v.raw == "true")
        );
        assert!(!values.iter().any(|(k, _)| *k == "s3.endpoint"));
    }

    #[test]
    fn checklists_dir_is_relative_to_the_file_and_must_exist() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("lists")).unwrap();
        let path = dir.path().join("hctl.yaml");
        std::fs::write(&path, "checklists_dir: lists\n").unwrap();
        let file = LoadedFile::read(&path).unwrap();
        assert_eq!(file.checklists_dir(), Some(dir.path().join("lists")));

        std::fs::write(&path, "environments: {}\nchecklists_dir: listz\n").unwrap();
        let err = LoadedFile::read(&path).unwrap_err();
        assert_eq!((err.line, err.column), (2, 17), "{err}");
        assert!(err.message.contains("`listz` is not a directory"), "{err}");

        std::fs::write(&path, "checklists_dir: ''\n").unwrap();
        let err = LoadedFile::read(&path).unwrap_err();
        assert!(err.message.contains("is empty"), "{err}");
    }

    #[test]
    fn collect_reports_an_unknown_key_and_a_bad_boolean() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("hctl.yaml");
        std::fs::write(
            &path,
            "environments:\n  local:\n    urll: http://x\n    s3: { force_path_style: maybe, region: eu }\n",
        )
        .unwrap();
        let mut problems = Vec::new();
        let file = collect(&path, &mut problems).expect("the rest is read");
        let keys: Vec<_> = problems.iter().map(|p| p.key.as_deref().unwrap()).collect();
        assert_eq!(
            keys,
            [
                "environments.local.urll",
                "environments.local.s3.force_path_style"
            ],
            "{problems:?}"
        );
        let values = file.environments["local"].value.flatten();
        assert!(
            values
                .iter()
                .any(|(k, v)| *k == "s3.region" && v.raw == "eu")
        );
    }

    #[test]
    fn the_pgbackrest_stanza_flattens() {
        let file = parse(
            "environments:\n  production:\n    pgbackrest: { stanza: main, config: /etc/pgbackrest/pgbackrest.conf }\n",
        )
        .unwrap();
        let values = file.environments["production"].value.flatten();
        let keys: Vec<_> = values.iter().map(|(k, v)| (*k, v.raw.as_str())).collect();
        assert_eq!(
            keys,
            [
                ("pgbackrest.stanza", "main"),
                ("pgbackrest.config", "/etc/pgbackrest/pgbackrest.conf")
            ]
        );
        assert!(parse("environments:\n  x:\n    pgbackrest: { stanz: main }\n").is_err());
    }

    #[test]
    fn unknown_nested_key_is_located() {
        let err = parse("environments:\n  local:\n    kube:\n      namespce: x\n").unwrap_err();
        assert_eq!(err.line, 4, "{err}");
        assert!(err.message.contains("namespce"), "{err}");
    }
}

#[cfg(test)]
mod fuzz {
    use super::*;
    use proptest::prelude::*;

    const FRAGMENTS: &[&str] = &[
        "environments:",
        "default_env:",
        "  local:",
        "  production:",
        "    url:",
        "    s3:",
        "      force_path_style:",
        "    kube: {",
        "}",
        "[",
        "]",
        "- ",
        "&a",
        "*a",
        "!!binary",
        "${X}",
        "\"",
        "'",
        ":",
        "\t",
        "#",
        "---",
        "...",
        "? ",
        "|",
        ">",
        "\u{0}",
        "é",
        "null",
        "true",
        "1e999",
        "~",
    ];

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(512))]

        #[test]
        fn arbitrary_text_never_panics(text in any::<String>()) {
            let _ = yaml::from_str::<ConfigFile>(&text, Path::new("f.yaml"));
        }

        #[test]
        fn yaml_like_text_never_panics(parts in prop::collection::vec(
            (prop::sample::select(FRAGMENTS), prop::bool::ANY), 0..40)) {
            let text: String = parts
                .iter()
                .map(|(f, nl)| if *nl { format!("{f}\n") } else { format!("{f} ") })
                .collect();
            if let Ok(file) = yaml::from_str::<ConfigFile>(&text, Path::new("f.yaml")) {
                for env in file.environments.values() {
                    let _ = env.value.flatten();
                }
            }
            // Collecting every problem ends, and places each inside the text.
            let mut problems = Vec::new();
            let _ = yaml::collect::<ConfigFile>(&text, Path::new("f.yaml"), &mut problems);
            let lines = text.lines().count() as u64 + 1;
            prop_assert!(problems.len() <= yaml::MAX_PROBLEMS + 1);
            for p in &problems {
                prop_assert!(p.line <= lines + 1, "{p} beyond {lines} lines");
            }
        }
    }
}
