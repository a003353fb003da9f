//! Layered configuration: built-in defaults < `hctl.yaml` < `HCTL_*` environment
//! variables < `--set KEY=VALUE` flags, for one named environment.
//!
//! The result, [`Settings`], remembers where every value came from (for
//! `hctl config show`), has its `${VAR}` references expanded, has every value
//! checked against its kind, and never prints a secret in `Debug`.

pub mod check;
pub mod expand;
pub mod file;
pub mod keys;
pub use hctl_core::redact;

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

use anyhow::Result;
use serde::Serialize;

use crate::exit::UsageError;
use file::LoadedFile;
use keys::{KEYS, Key, Kind};

/// Default config file, used when present and no `--config` was given.
pub const DEFAULT_FILE: &str = "hctl.yaml";
/// Environment used when neither `--env`, `HCTL_ENV` nor `default_env` name one.
pub const DEFAULT_ENV: &str = "local";

/// Where a value came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "layer", rename_all = "snake_case")]
pub enum Source {
    Default,
    File {
        path: PathBuf,
        line: u64,
        column: u64,
    },
    Env {
        var: String,
    },
    Flag,
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Source::Default => f.write_str("default"),
            Source::File { path, line, column } => {
                write!(f, "{}:{line}:{column}", path.display())
            }
            Source::Env { var } => write!(f, "env {var}"),
            Source::Flag => f.write_str("flag --set"),
        }
    }
}

/// One resolved setting.
#[derive(Clone, PartialEq, Eq)]
pub struct Value {
    pub text: String,
    pub source: Source,
}

/// What the command line says about configuration.
#[derive(Debug, Clone, Default)]
pub struct Overrides {
    /// `--env` / `HCTL_ENV`.
    pub env: Option<String>,
    /// `--config` / `HCTL_CONFIG`.
    pub config: Option<PathBuf>,
    /// `--set KEY=VALUE`, in order.
    pub set: Vec<String>,
}

/// The effective settings of one environment.
#[derive(Clone)]
pub struct Settings {
    /// Name of the selected environment.
    pub env: String,
    /// The config file that was read, if any.
    pub file: Option<PathBuf>,
    /// `checklists_dir` of the config file, relative to the current directory.
    pub checklists_dir: Option<PathBuf>,
    values: BTreeMap<&'static str, Value>,
}

impl fmt::Debug for Settings {
    /// Redacted: safe to log.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut map = f.debug_map();
        map.entry(&"env", &self.env);
        for (key, value) in &self.values {
            map.entry(key, &redact::redact_url(&value.text));
        }
        map.finish()
    }
}

/// The process environment, as a lookup function (tests pass their own).
pub fn process_env(name: &str) -> Option<String> {
    std::env::var(name).ok()
}

impl Settings {
    /// Resolve the settings for the environment the overrides select.
    pub fn load(overrides: &Overrides, vars: &dyn Fn(&str) -> Option<String>) -> Result<Self> {
        let file = match &overrides.config {
            Some(path) => Some(LoadedFile::read(path)?),
            None if Path::new(DEFAULT_FILE).is_file() => {
                Some(LoadedFile::read(Path::new(DEFAULT_FILE))?)
            }
            None => None,
        };
        Self::resolve(file.as_ref(), overrides, vars)
    }

    /// Resolve from an already parsed file (or none).
    pub fn resolve(
        file: Option<&LoadedFile>,
        overrides: &Overrides,
        vars: &dyn Fn(&str) -> Option<String>,
    ) -> Result<Self> {
        let env = select_env(file, overrides)?;
        let mut values: BTreeMap<&'static str, Value> = KEYS
            .iter()
            .filter_map(|key| {
                key.default.map(|d| {
                    let value = Value {
                        text: d.to_string(),
                        source: Source::Default,
                    };
                    (key.name, value)
                })
            })
            .collect();

        if let Some(file) = file
            && let Some(env_file) = file.data.environments.get(&env)
        {
            for (name, raw) in env_file.value.flatten() {
                let text = expand::expand(&raw.raw, vars).map_err(|err| {
                    UsageError::new(format!(
                        "{}:{}:{}: environment `{env}` key `{name}`: {err}",
                        file.path.display(),
                        raw.line,
                        raw.column
                    ))
                })?;
                let source = Source::File {
                    path: file.path.clone(),
                    line: raw.line,
                    column: raw.column,
                };
                values.insert(name, Value { text, source });
            }
        }

        for key in KEYS {
            let var = keys::env_var(key.name);
            if let Some(text) = vars(&var) {
                values.insert(
                    key.name,
                    Value {
                        text,
                        source: Source::Env { var },
                    },
                );
            }
        }

        for item in &overrides.set {
            let (name, text) = item
                .split_once('=')
                .ok_or_else(|| UsageError::new(format!("`--set {item}`: expected KEY=VALUE")))?;
            let key = keys::find(name.trim()).ok_or_else(|| {
                UsageError::new(format!(
                    "`--set {item}`: unknown key `{name}` (known: {})",
                    keys::names()
                ))
            })?;
            let value = Value {
                text: text.to_string(),
                source: Source::Flag,
            };
            values.insert(key.name, value);
        }

        // An empty value means "unset" (e.g. `HCTL_REDIS_URL=` to turn Redis off).
        values.retain(|_, v| !v.text.is_empty());
        for (name, value) in &values {
            let key = keys::find(name).expect("values only hold known keys");
            check_kind(key, value)?;
        }

        Ok(Settings {
            env,
            file: file.map(|f| f.path.clone()),
            checklists_dir: file.and_then(LoadedFile::checklists_dir),
            values,
        })
    }

    /// Where the project keeps its own files of kind `dir` (`checklists`,
    /// `playbooks`): beside the config file, or here without one.
    pub fn beside_config(&self, dir: &str) -> PathBuf {
        let base = self.file.as_deref().and_then(Path::parent);
        base.unwrap_or(Path::new("")).join(dir)
    }

    /// A setting's value, if set.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.values.get(key).map(|v| v.text.as_str())
    }

    /// A setting's value, or a usage error telling how to set it.
    pub fn require(&self, key: &str) -> Result<&str> {
        self.get(key).ok_or_else(|| {
            UsageError::new(format!(
                "`{key}` is not set for environment `{}` (set it in {DEFAULT_FILE}, with {} or with --set {key}=VALUE)",
                self.env,
                keys::env_var(key)
            ))
            .into()
        })
    }

    /// A boolean setting (checked when loaded).
    pub fn flag(&self, key: &str) -> bool {
        self.get(key) == Some("true")
    }

    /// Every set value with its source, in key order.
    pub fn values(&self) -> impl Iterator<Item = (&'static str, &Value)> {
        self.values.iter().map(|(k, v)| (*k, v))
    }

    /// The admin token, read from the variable named by `admin_token_env`.
    pub fn admin_token(&self, vars: &dyn Fn(&str) -> Option<String>) -> Result<String> {
        let var = self.require("admin_token_env")?;
        vars(var).filter(|t| !t.is_empty()).ok_or_else(|| {
            UsageError::new(format!(
                "the admin token for environment `{}` is not set: export {var}",
                self.env
            ))
            .into()
        })
    }

    /// Whether this is a production environment (confirmation required for
    /// changes). By name: `production`, `prod`, or names starting with `prod-`.
    pub fn is_production(&self) -> bool {
        let name = self.env.to_ascii_lowercase();
        name == "production" || name == "prod" || name.starts_with("prod-")
    }
}

/// The shared pieces (storage, the S3 client) read the environment's settings
/// through this.
impl hctl_core::SettingsSource for Settings {
    fn get(&self, key: &str) -> Option<&str> {
        Settings::get(self, key)
    }

    fn require(&self, key: &str) -> Result<&str> {
        Settings::require(self, key)
    }

    fn flag(&self, key: &str) -> bool {
        Settings::flag(self, key)
    }
}

fn select_env(file: Option<&LoadedFile>, overrides: &Overrides) -> Result<String> {
    let from_file = file.and_then(|f| f.data.default_env.as_ref().map(|d| d.value.clone()));
    let env = overrides
        .env
        .clone()
        .or(from_file)
        .unwrap_or_else(|| DEFAULT_ENV.to_string());
    match file {
        Some(file) if !file.data.environments.contains_key(&env) => {
            // `local` is built in, so a file that defines only other
            // environments still runs locally by default.
            if env == DEFAULT_ENV && overrides.env.is_none() {
                return Ok(env);
            }
            Err(UsageError::new(format!(
                "unknown environment `{env}` in `{}` (defined: {})",
                file.path.display(),
                list_or_none(&file.env_names())
            )).into())
        }
        None if env != DEFAULT_ENV => Err(UsageError::new(format!(
            "unknown environment `{env}`: no config file (looked for `{DEFAULT_FILE}`; pass --config FILE)"
        )).into()),
        _ => Ok(env),
    }
}

fn list_or_none(names: &[&str]) -> String {
    if names.is_empty() {
        "none".to_string()
    } else {
        names.join(", ")
    }
}

fn check_kind(key: &Key, value: &Value) -> Result<()> {
    match problem(key, &value.text) {
        None => Ok(()),
        Some(problem) => Err(UsageError::new(format!(
            "invalid `{}` = `{}` (from {}): {problem}",
            key.name,
            redact::redact_url(&value.text),
            value.source
        ))
        .into()),
    }
}

/// What is wrong with `text` as a value of `key`, if anything.
pub(crate) fn problem(key: &Key, text: &str) -> Option<String> {
    match key.kind {
        Kind::Text => None,
        Kind::Bool => {
            (!matches!(text, "true" | "false")).then(|| "expected `true` or `false`".to_string())
        }
        Kind::Url(schemes) => match url::Url::parse(text) {
            Ok(url) if schemes.contains(&url.scheme()) => None,
            Ok(url) => Some(format!(
                "unsupported scheme `{}` (expected {})",
                url.scheme(),
                schemes.join(", ")
            )),
            Err(err) => Some(format!("not a URL: {err}")),
        },
        Kind::OneOf(words) => (!words.contains(&text)).then(|| {
            let quoted: Vec<String> = words.iter().map(|w| format!("`{w}`")).collect();
            format!("expected {}", quoted.join(" or "))
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::yaml;

    fn file(text: &str) -> LoadedFile {
        LoadedFile {
            path: PathBuf::from("hctl.yaml"),
            data: yaml::from_str(text, Path::new("hctl.yaml")).unwrap(),
        }
    }

    fn no_vars(_: &str) -> Option<String> {
        None
    }

    const FILE: &str = "default_env: staging\nenvironments:\n  staging:\n    url: https://staging.test\n    database_url: ${STAGING_DB}\n  production:\n    url: https://prod.test\n";

    #[test]
    fn layers_apply_in_order() {
        let f = file(FILE);
        let vars = |name: &str| match name {
            "STAGING_DB" => Some("postgres://u:pw@db/x".to_string()),
            "HCTL_KUBE_NAMESPACE" => Some("ht-staging".to_string()),
            "HCTL_URL" => Some("https://env.test".to_string()),
            _ => None,
        };
        let overrides = Overrides {
            set: vec!["url=https://flag.test".into()],
            ..Default::default()
        };
        let s = Settings::resolve(Some(&f), &overrides, &vars).unwrap();
        assert_eq!(s.env, "staging");
        assert_eq!(s.get("url"), Some("https://flag.test"));
        assert_eq!(s.values["url"].source, Source::Flag);
        assert_eq!(s.get("kube.namespace"), Some("ht-staging"));
        assert_eq!(s.get("database_url"), Some("postgres://u:pw@db/x"));
        assert!(matches!(
            s.values["database_url"].source,
            Source::File { line: 5, .. }
        ));
        assert_eq!(s.get("kube.deployment"), Some("healthtracker"));
        assert_eq!(s.values["kube.deployment"].source, Source::Default);
        let debug = format!("{s:?}");
        assert!(!debug.contains("pw"), "{debug}");
    }

    #[test]
    fn missing_variable_is_named_with_location() {
        let f = file(FILE);
        let err = Settings::resolve(Some(&f), &Overrides::default(), &no_vars).unwrap_err();
        let text = format!("{err:#}");
        assert!(text.contains("STAGING_DB"), "{text}");
        assert!(text.contains("hctl.yaml:5:19"), "{text}");
    }

    #[test]
    fn unused_environment_variables_are_not_required() {
        let f = file(FILE);
        let overrides = Overrides {
            env: Some("production".into()),
            ..Default::default()
        };
        let s = Settings::resolve(Some(&f), &overrides, &no_vars).unwrap();
        assert!(s.is_production());
    }

    #[test]
    fn unknown_environment_lists_known_ones() {
        let f = file(FILE);
        let overrides = Overrides {
            env: Some("prodution".into()),
            ..Default::default()
        };
        let err = Settings::resolve(Some(&f), &overrides, &no_vars).unwrap_err();
        assert!(err.to_string().contains("production, staging"), "{err}");
    }

    #[test]
    fn bad_values_are_rejected_with_source() {
        let overrides = Overrides {
            set: vec!["storage=ftp://x".into()],
            ..Default::default()
        };
        let err = Settings::resolve(None, &overrides, &no_vars).unwrap_err();
        assert!(
            err.to_string().contains("unsupported scheme `ftp`"),
            "{err}"
        );
        let vars = |n: &str| (n == "HCTL_S3_FORCE_PATH_STYLE").then(|| "yes".to_string());
        let err = Settings::resolve(None, &Overrides::default(), &vars).unwrap_err();
        assert!(
            err.to_string().contains("env HCTL_S3_FORCE_PATH_STYLE"),
            "{err}"
        );
    }

    #[test]
    fn defaults_without_file() {
        let s = Settings::resolve(None, &Overrides::default(), &no_vars).unwrap();
        assert_eq!(s.env, "local");
        assert_eq!(s.get("database_url"), Some("sqlite://healthtracker.db"));
        assert!(s.require("redis_url").is_err());
    }
}
