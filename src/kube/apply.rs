//! `hctl rollout apply`: server-side apply (field manager `hctl`) of every
//! manifest, kinds resolved through API discovery, with the release metadata
//! hctl adds to the app Deployment (image override, change-cause, expected
//! schema version). Reports per object whether it was created, configured or
//! left unchanged.

use std::collections::HashMap;

use anyhow::{Context, Result};
use kube::Api;
use kube::api::{DynamicObject, Patch, PatchParams};
use kube::core::GroupVersionKind;
use kube::discovery::{self, ApiCapabilities, ApiResource, Scope};
use serde::Serialize;
use serde_json::{Value, json};

use super::diff;
use super::manifests::Manifest;
use super::{AppDeployment, CHANGE_CAUSE, FIELD_MANAGER, SCHEMA_ANNOTATION, api_error};

/// What to change on the app Deployment while applying.
#[derive(Debug, Clone, Default)]
pub struct Release {
    /// Image for the app container (named like the Deployment, else the first).
    pub image: Option<String>,
    pub change_cause: String,
    /// Recorded on the pod template; `None` records nothing (unknown).
    pub schema_version: Option<i64>,
}

/// What happened to one object.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    Created,
    Configured,
    Unchanged,
}

impl Action {
    pub fn as_str(self) -> &'static str {
        match self {
            Action::Created => "created",
            Action::Configured => "configured",
            Action::Unchanged => "unchanged",
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Change {
    pub kind: String,
    pub name: String,
    pub namespace: Option<String>,
    pub action: Action,
    /// Changed fields of a configured object (`path: old → new`).
    pub changed: Vec<String>,
    /// The object's generation after the apply (what a wait must see observed).
    #[serde(skip)]
    pub generation: Option<i64>,
}

/// Add the release metadata to the app Deployment's manifest.
pub fn stamp(manifest: &mut Manifest, deployment: &str, release: &Release) -> Result<()> {
    if manifest.kind != "Deployment" || manifest.name != deployment {
        return Ok(());
    }
    let object = &mut manifest.object;
    object["metadata"]["annotations"][CHANGE_CAUSE] = json!(release.change_cause);
    if let Some(version) = release.schema_version {
        object["spec"]["template"]["metadata"]["annotations"][SCHEMA_ANNOTATION] =
            json!(version.to_string());
    }
    if let Some(image) = &release.image {
        let containers = object["spec"]["template"]["spec"]["containers"]
            .as_array_mut()
            .with_context(|| {
                format!(
                    "`{}`: deployment `{deployment}` has no containers",
                    manifest.path.display()
                )
            })?;
        let index = containers
            .iter()
            .position(|c| c["name"] == deployment)
            .unwrap_or(0);
        if let Some(container) = containers.get_mut(index) {
            container["image"] = json!(image);
        }
    }
    Ok(())
}

/// Apply every manifest in order. `dry_run` asks the server to compute the
/// result without storing it.
pub async fn apply(
    target: &AppDeployment,
    manifests: &[Manifest],
    dry_run: bool,
) -> Result<Vec<Change>> {
    let mut kinds: HashMap<(String, String), (ApiResource, ApiCapabilities)> = HashMap::new();
    let mut params = PatchParams::apply(FIELD_MANAGER).force();
    params.dry_run = dry_run;
    let mut changes = Vec::new();
    for manifest in manifests {
        let key = (manifest.api_version.clone(), manifest.kind.clone());
        if !kinds.contains_key(&key) {
            let (group, version) = match manifest.api_version.split_once('/') {
                Some((g, v)) => (g, v),
                None => ("", manifest.api_version.as_str()),
            };
            let gvk = GroupVersionKind::gvk(group, version, &manifest.kind);
            let resolved = discovery::pinned_kind(&target.client, &gvk)
                .await
                .map_err(|e| {
                    api_error(
                        e,
                        &format!(
                            "API discovery of `{}` `{}`",
                            manifest.api_version, manifest.kind
                        ),
                    )
                })
                .with_context(|| {
                    format!(
                        "`{}`: the cluster does not serve `{}`",
                        manifest.path.display(),
                        manifest.id()
                    )
                })?;
            kinds.insert(key.clone(), resolved);
        }
        let (resource, caps) = &kinds[&key];
        let namespace = match caps.scope {
            Scope::Namespaced => Some(
                manifest
                    .namespace
                    .clone()
                    .unwrap_or_else(|| target.namespace.clone()),
            ),
            Scope::Cluster => None,
        };
        let api: Api<DynamicObject> = match &namespace {
            Some(ns) => Api::namespaced_with(target.client.clone(), ns, resource),
            None => Api::all_with(target.client.clone(), resource),
        };
        let what = format!(
            "{} in namespace `{}`",
            manifest.id(),
            namespace.as_deref().unwrap_or("-")
        );
        let before = api
            .get_opt(&manifest.name)
            .await
            .map_err(|e| api_error(e, &what))?;
        let after = api
            .patch(&manifest.name, &params, &Patch::Apply(&manifest.object))
            .await
            .map_err(|e| api_error(e, &format!("server-side apply of {what}")))?;
        let (action, changed) = match &before {
            None => (Action::Created, Vec::new()),
            Some(before) => {
                let changed = diff::changes(&comparable(before), &comparable(&after), 6);
                let action = if changed.is_empty() {
                    Action::Unchanged
                } else {
                    Action::Configured
                };
                (action, changed)
            }
        };
        changes.push(Change {
            kind: manifest.kind.clone(),
            name: manifest.name.clone(),
            namespace,
            action,
            changed,
            generation: after.metadata.generation,
        });
    }
    Ok(changes)
}

/// An object without what the server changes on every write.
fn comparable(object: &DynamicObject) -> Value {
    let mut value = serde_json::to_value(object).unwrap_or(Value::Null);
    if let Some(meta) = value.get_mut("metadata").and_then(Value::as_object_mut) {
        for key in [
            "resourceVersion",
            "generation",
            "managedFields",
            "uid",
            "creationTimestamp",
        ] {
            meta.remove(key);
        }
    }
    if let Some(map) = value.as_object_mut() {
        map.remove("status");
    }
    value
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    #[test]
    fn stamp_sets_image_cause_and_schema_on_the_app_deployment_only() {
        let text = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: app}\nspec:\n  template:\n    spec:\n      containers:\n      - {name: sidecar, image: envoy:1}\n      - {name: app, image: app:1}\n";
        let mut docs = super::super::manifests::parse(text, Path::new("d.yaml")).unwrap();
        let release = Release {
            image: Some("app:2".into()),
            change_cause: "deploy app:2".into(),
            schema_version: Some(7),
        };
        stamp(&mut docs[0], "app", &release).unwrap();
        let o = &docs[0].object;
        assert_eq!(
            o["spec"]["template"]["spec"]["containers"][1]["image"],
            "app:2"
        );
        assert_eq!(
            o["spec"]["template"]["spec"]["containers"][0]["image"],
            "envoy:1"
        );
        assert_eq!(o["metadata"]["annotations"][CHANGE_CAUSE], "deploy app:2");
        assert_eq!(
            o["spec"]["template"]["metadata"]["annotations"][SCHEMA_ANNOTATION],
            "7"
        );
        let mut other = docs[0].clone();
        other.name = "worker".into();
        let before = other.object.clone();
        stamp(&mut other, "app", &release).unwrap();
        assert_eq!(other.object, before);
    }
}
