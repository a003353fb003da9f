//! The revision history of a Deployment: its ReplicaSets (found by the
//! Deployment's selector and controller owner reference, as kubectl does),
//! keyed by `deployment.kubernetes.io/revision`.

use anyhow::Result;
use k8s_openapi::api::apps::v1::{Deployment, ReplicaSet};
use kube::api::{Api, ListParams, ResourceExt};
use serde::Serialize;

use super::{AppDeployment, CHANGE_CAUSE, REVISION, SCHEMA_ANNOTATION, api_error};

/// One row of `hctl rollout history`.
#[derive(Debug, Clone, Serialize)]
pub struct Revision {
    pub revision: u64,
    pub change_cause: Option<String>,
    pub images: Vec<String>,
    pub created: Option<String>,
    pub schema_version: Option<i64>,
    pub replica_set: String,
    pub current: bool,
}

/// The revision number of a ReplicaSet or Deployment, if it carries one.
pub fn revision_of(annotations: &std::collections::BTreeMap<String, String>) -> Option<u64> {
    annotations.get(REVISION).and_then(|r| r.parse().ok())
}

/// The schema version a pod template was released for.
pub fn schema_of(rs: &ReplicaSet) -> Option<i64> {
    rs.spec
        .as_ref()
        .and_then(|s| s.template.as_ref())
        .and_then(|t| t.metadata.as_ref())
        .and_then(|m| m.annotations.as_ref())
        .and_then(|a| a.get(SCHEMA_ANNOTATION))
        .and_then(|v| v.parse().ok())
}

/// The Deployment's `matchLabels` as a label selector (`app=x,tier=y`).
pub fn selector_of(dep: &Deployment) -> String {
    dep.spec
        .as_ref()
        .and_then(|s| s.selector.match_labels.clone())
        .unwrap_or_default()
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join(",")
}

/// The container images of a ReplicaSet's pod template.
pub fn images_of(rs: &ReplicaSet) -> Vec<String> {
    rs.spec
        .as_ref()
        .and_then(|s| s.template.as_ref())
        .and_then(|t| t.spec.as_ref())
        .map(|s| {
            s.containers
                .iter()
                .filter_map(|c| c.image.clone())
                .collect()
        })
        .unwrap_or_default()
}

/// ReplicaSets controlled by `dep`, oldest revision first.
pub async fn replica_sets(target: &AppDeployment, dep: &Deployment) -> Result<Vec<ReplicaSet>> {
    let selector = selector_of(dep);
    let api: Api<ReplicaSet> = Api::namespaced(target.client.clone(), &target.namespace);
    let list = api
        .list(&ListParams::default().labels(&selector))
        .await
        .map_err(|e| {
            api_error(
                e,
                &format!("replica sets of deployment `{}`", target.deployment),
            )
        })?;
    let uid = dep.metadata.uid.clone();
    let mut owned: Vec<ReplicaSet> = list
        .items
        .into_iter()
        .filter(|rs| {
            rs.owner_references()
                .iter()
                .any(|o| o.controller == Some(true) && Some(&o.uid) == uid.as_ref())
        })
        .collect();
    owned.sort_by_key(|rs| revision_of(rs.annotations()).unwrap_or(0));
    Ok(owned)
}

/// The history table, oldest first.
pub async fn history(target: &AppDeployment) -> Result<Vec<Revision>> {
    let dep = target.get_deployment().await?;
    let current = revision_of(dep.annotations());
    let rows = replica_sets(target, &dep)
        .await?
        .iter()
        .filter_map(|rs| {
            let revision = revision_of(rs.annotations())?;
            let images = images_of(rs);
            Some(Revision {
                revision,
                change_cause: rs.annotations().get(CHANGE_CAUSE).cloned(),
                images,
                created: rs
                    .metadata
                    .creation_timestamp
                    .as_ref()
                    .map(|t| t.0.to_string()),
                schema_version: schema_of(rs),
                replica_set: rs.name_any(),
                current: Some(revision) == current,
            })
        })
        .collect();
    Ok(rows)
}
