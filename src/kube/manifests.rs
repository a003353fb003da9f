//! The manifests directory: every `*.yaml`/`*.yml` file (sorted, multi-document),
//! each document one object with `apiVersion`, `kind` and `metadata.name`.
//! Shared by `rollout apply` and the offline `manifests` rules.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use serde_json::Value;

use crate::yaml::{self, YamlError};

/// One object from a manifest file.
#[derive(Debug, Clone, PartialEq)]
pub struct Manifest {
    pub path: PathBuf,
    pub api_version: String,
    pub kind: String,
    pub name: String,
    pub namespace: Option<String>,
    pub object: Value,
}

impl Manifest {
    /// `Deployment/healthtracker`.
    pub fn id(&self) -> String {
        format!("{}/{}", self.kind, self.name)
    }
}

/// Load every manifest under `dir` (not recursive), in apply order: namespaces
/// and configuration first, workloads next, then what refers to them.
pub fn load(dir: &Path) -> Result<Vec<Manifest>> {
    let entries = std::fs::read_dir(dir)
        .with_context(|| format!("cannot read the manifests directory `{}`", dir.display()))?;
    let mut files: Vec<PathBuf> = Vec::new();
    for entry in entries {
        let path = entry
            .with_context(|| format!("cannot list `{}`", dir.display()))?
            .path();
        if path.extension().is_some_and(|e| e == "yaml" || e == "yml") {
            files.push(path);
        }
    }
    files.sort();
    let mut manifests = Vec::new();
    for path in files {
        let text = crate::files::read_text(&path, crate::files::MAX_YAML_BYTES)
            .with_context(|| format!("cannot read `{}`", path.display()))?;
        manifests.extend(parse(&text, &path)?);
    }
    manifests.sort_by_key(|m| order(&m.kind));
    Ok(manifests)
}

/// Parse one multi-document file.
pub fn parse(text: &str, path: &Path) -> Result<Vec<Manifest>, YamlError> {
    let docs: Vec<Value> = yaml::from_str_multi(text, path)?;
    let mut out = Vec::new();
    for (index, object) in docs.into_iter().enumerate() {
        if object.is_null() {
            continue;
        }
        let field = |pointer: &str| {
            object
                .pointer(pointer)
                .and_then(Value::as_str)
                .map(str::to_string)
        };
        let missing = |what: &str| {
            YamlError::at(
                path,
                0,
                0,
                format!("document {} has no `{what}`", index + 1),
            )
        };
        let api_version = field("/apiVersion").ok_or_else(|| missing("apiVersion"))?;
        let kind = field("/kind").ok_or_else(|| missing("kind"))?;
        let name = field("/metadata/name").ok_or_else(|| missing("metadata.name"))?;
        out.push(Manifest {
            path: path.to_path_buf(),
            api_version,
            kind,
            name,
            namespace: field("/metadata/namespace"),
            object,
        });
    }
    Ok(out)
}

fn order(kind: &str) -> u8 {
    match kind {
        "Namespace" => 0,
        "ServiceAccount" | "Role" | "RoleBinding" | "ClusterRole" | "ClusterRoleBinding" => 1,
        "Secret" | "ConfigMap" | "PersistentVolumeClaim" => 2,
        "Service" => 3,
        "Deployment" | "StatefulSet" | "DaemonSet" | "Job" | "CronJob" => 4,
        _ => 5,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn multi_document_with_empty_documents() {
        let text = "---\napiVersion: v1\nkind: Service\nmetadata: {name: a}\n---\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata: {name: b, namespace: x}\n";
        let docs = parse(text, Path::new("k8s/app.yaml")).unwrap();
        assert_eq!(docs.len(), 2);
        assert_eq!(docs[1].id(), "Deployment/b");
        assert_eq!(docs[1].namespace.as_deref(), Some("x"));
    }

    #[test]
    fn missing_kind_names_the_file() {
        let err = parse(
            "apiVersion: v1\nmetadata: {name: a}\n",
            Path::new("k8s/x.yaml"),
        )
        .unwrap_err();
        assert_eq!(err.to_string(), "k8s/x.yaml: document 1 has no `kind`");
    }
}
