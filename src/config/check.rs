//! The config file's own checks for `hctl config validate`: syntax, unknown
//! keys and value types (all of them, as [`crate::yaml::collect`] gathers
//! them), `default_env`, `${VAR}` syntax, value kinds and ranges, each a
//! located [`YamlError`] with its key. The other file kinds and the report
//! live in [`crate::validate`], which calls [`findings`].

use std::path::Path;

use crate::yaml::YamlError;

use super::expand;
use super::file;
use super::keys;

/// Every problem found in one file: errors make it invalid, warnings do not.
#[derive(Debug, Default)]
pub struct Findings {
    pub errors: Vec<YamlError>,
    pub warnings: Vec<YamlError>,
}

impl Findings {
    /// Both lists in file order (line, then column; unplaced ones last).
    pub fn sort(&mut self) {
        self.errors.sort_by_key(|e| (e.line == 0, e.line, e.column));
        self.warnings
            .sort_by_key(|e| (e.line == 0, e.line, e.column));
    }
}

/// Check a config file: syntax, unknown keys and value types (all of them),
/// `default_env`, `${VAR}` syntax, value kinds and ranges; variables that are
/// unset here are warnings (CI often validates production config without
/// production secrets).
pub fn findings(path: &Path, vars: &dyn Fn(&str) -> Option<String>) -> Findings {
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

#[cfg(test)]
mod tests {
    use super::*;

    fn check(text: &str) -> Findings {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("hctl.yaml");
        std::fs::write(&path, text).unwrap();
        let mut found = findings(&path, &|_| None);
        found.sort();
        found
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
    fn a_syntax_error_stops_at_the_parser() {
        let f = check("environments:\n  local:\n    url: [\n");
        assert_eq!(f.errors.len(), 1);
        assert!(f.errors[0].line > 0);
    }
}
