//! `kubectl rollout undo`, reproduced: refuse a paused Deployment, pick the
//! previous revision (or `--to-revision`), skip when the template already
//! matches, copy the ReplicaSet's template without `pod-template-hash`, and
//! rebuild the annotations exactly as kubectl does, sent as the same JSON patch.

use anyhow::{Context, Result};
use k8s_openapi::api::apps::v1::{Deployment, ReplicaSet};
use kube::api::{Patch, PatchParams, ResourceExt};
use serde_json::{Value, json};

use super::history::{images_of, replica_sets, revision_of, schema_of};
use super::{AppDeployment, HASH_LABEL, api_error, schema};
use crate::exit::UsageError;

/// Deployment annotations kubectl keeps from the Deployment (not the ReplicaSet).
const ANNOTATIONS_TO_SKIP: &[&str] = &[
    "kubectl.kubernetes.io/last-applied-configuration",
    "deployment.kubernetes.io/revision",
    "deployment.kubernetes.io/revision-history",
    "deployment.kubernetes.io/desired-replicas",
    "deployment.kubernetes.io/max-replicas",
    "deprecated.deployment.rollback.to",
];

/// What a rollback would do.
#[derive(Debug, Clone)]
pub enum Plan {
    /// Only one revision exists.
    NothingToRollBack,
    /// The target revision's template is already the Deployment's.
    AlreadyAt(u64),
    Rollback(Rollback),
}

#[derive(Debug, Clone)]
pub struct Rollback {
    pub from: Option<u64>,
    pub to: u64,
    /// Schema version the target revision was released for, if recorded.
    pub schema_version: Option<i64>,
    pub images: Vec<String>,
    /// The JSON patch kubectl would send.
    pub patch: Value,
}

/// Work out the rollback of the target Deployment.
pub async fn plan(target: &AppDeployment, to_revision: Option<u64>) -> Result<Plan> {
    let dep = target.get_deployment().await?;
    if dep.spec.as_ref().and_then(|s| s.paused) == Some(true) {
        return Err(UsageError::new(format!(
            "deployment `{}` is paused; resume it first (`kubectl rollout resume deployment/{}`) and try again",
            target.deployment, target.deployment
        )).into());
    }
    let history = replica_sets(target, &dep).await?;
    decide(&dep, &history, to_revision)
}

/// The pure part of [`plan`].
pub fn decide(dep: &Deployment, history: &[ReplicaSet], to_revision: Option<u64>) -> Result<Plan> {
    let with_revision = || {
        history
            .iter()
            .filter_map(|rs| Some((revision_of(rs.annotations())?, rs)))
    };
    let chosen = match to_revision {
        Some(n) if n > 0 => match with_revision().find(|(r, _)| *r == n) {
            Some(found) => found,
            None => {
                let known: Vec<String> = with_revision().map(|(r, _)| r.to_string()).collect();
                return Err(UsageError::new(format!(
                    "revision {n} of deployment `{}` does not exist (known revisions: {})",
                    dep.name_any(),
                    if known.is_empty() {
                        "none".into()
                    } else {
                        known.join(", ")
                    }
                ))
                .into());
            }
        },
        _ => {
            let mut sorted: Vec<(u64, &ReplicaSet)> = with_revision().collect();
            sorted.sort_by_key(|(r, _)| *r);
            match sorted.len() {
                0 | 1 => return Ok(Plan::NothingToRollBack),
                n => sorted[n - 2],
            }
        }
    };
    let (to, rs) = chosen;
    let mut template = serde_json::to_value(rs.spec.as_ref().and_then(|s| s.template.clone()))?;
    if let Some(labels) = template
        .pointer_mut("/metadata/labels")
        .and_then(Value::as_object_mut)
    {
        labels.remove(HASH_LABEL);
    }
    let current = serde_json::to_value(dep.spec.as_ref().map(|s| s.template.clone()))?;
    if template == current {
        return Ok(Plan::AlreadyAt(to));
    }
    let mut annotations = serde_json::Map::new();
    for key in ANNOTATIONS_TO_SKIP {
        if let Some(v) = dep.annotations().get(*key) {
            annotations.insert((*key).to_string(), json!(v));
        }
    }
    for (k, v) in rs.annotations() {
        if !ANNOTATIONS_TO_SKIP.contains(&k.as_str()) {
            annotations.insert(k.clone(), json!(v));
        }
    }
    let images = images_of(rs);
    Ok(Plan::Rollback(Rollback {
        from: revision_of(dep.annotations()),
        to,
        schema_version: schema_of(rs),
        images,
        patch: json!([
            {"op": "replace", "path": "/spec/template", "value": template},
            {"op": "replace", "path": "/metadata/annotations", "value": annotations},
        ]),
    }))
}

/// The safety check before a rollback: read the live database's schema
/// version and refuse (a usage error, exit 2) when the target revision was
/// released for an older schema, whose code does not know the newer
/// migrations. A revision that records no schema version passes: there is
/// nothing to compare. Returns the live version.
pub async fn check_schema(rollback: &Rollback, database_url: &str) -> Result<i64> {
    let live = schema::live_version(database_url).await.context(
        "cannot check the live schema version (pass --force to roll back without this check)",
    )?;
    if let Some(risk) = schema::rollback_risk(live, rollback.schema_version, rollback.to) {
        return Err(UsageError::new(format!("refusing to roll back: {risk}")).into());
    }
    Ok(live)
}

/// Send the rollback patch; returns the Deployment's new generation.
pub async fn execute(target: &AppDeployment, rollback: &Rollback, dry_run: bool) -> Result<i64> {
    let params = PatchParams {
        dry_run,
        ..PatchParams::default()
    };
    let patch: json_patch::Patch = serde_json::from_value(rollback.patch.clone())?;
    let dep = target
        .deployments()
        .patch(&target.deployment, &params, &Patch::<()>::Json(patch))
        .await
        .map_err(|e| {
            api_error(
                e,
                &format!(
                    "restoring revision {} of deployment `{}`",
                    rollback.to, target.deployment
                ),
            )
        })?;
    Ok(dep.metadata.generation.unwrap_or(0))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rs(revision: u64, image: &str, annotations: Value) -> ReplicaSet {
        let mut a = annotations;
        a[super::super::REVISION] = json!(revision.to_string());
        serde_json::from_value(json!({
            "metadata": {"name": format!("app-{revision}"), "annotations": a},
            "spec": {"selector": {}, "template": {
                "metadata": {"labels": {"app": "app", HASH_LABEL: format!("h{revision}")}},
                "spec": {"containers": [{"name": "app", "image": image}]}}},
        }))
        .unwrap()
    }

    fn dep(image: &str, annotations: Value) -> Deployment {
        serde_json::from_value(json!({
            "metadata": {"name": "app", "annotations": annotations},
            "spec": {"selector": {}, "template": {
                "metadata": {"labels": {"app": "app"}},
                "spec": {"containers": [{"name": "app", "image": image}]}}},
        }))
        .unwrap()
    }

    #[test]
    fn previous_revision_with_kubectl_annotations() {
        let d = dep(
            "app:3",
            json!({super::super::REVISION: "3", "kubernetes.io/change-cause": "v3", "team": "x"}),
        );
        let history = [
            rs(1, "app:1", json!({"kubernetes.io/change-cause": "v1"})),
            rs(3, "app:3", json!({})),
            rs(
                2,
                "app:2",
                json!({"kubernetes.io/change-cause": "v2", "deployment.kubernetes.io/desired-replicas": "3"}),
            ),
        ];
        let Plan::Rollback(rb) = decide(&d, &history, None).unwrap() else {
            panic!("rollback")
        };
        assert_eq!((rb.from, rb.to), (Some(3), 2));
        assert_eq!(
            rb.patch[0]["value"]["spec"]["containers"][0]["image"],
            "app:2"
        );
        assert_eq!(
            rb.patch[0]["value"]["metadata"]["labels"],
            json!({"app": "app"}),
            "hash label dropped"
        );
        // Skip-listed keys come from the Deployment, everything else from the ReplicaSet.
        assert_eq!(
            rb.patch[1]["value"],
            json!({super::super::REVISION: "3", "kubernetes.io/change-cause": "v2"})
        );
    }

    #[test]
    fn nothing_already_and_missing() {
        let d = dep("app:1", json!({}));
        assert!(matches!(
            decide(&d, &[rs(1, "app:1", json!({}))], None).unwrap(),
            Plan::NothingToRollBack
        ));
        let history = [rs(1, "app:1", json!({})), rs(2, "app:2", json!({}))];
        assert!(matches!(
            decide(&d, &history, Some(1)).unwrap(),
            Plan::AlreadyAt(1)
        ));
        let err = decide(&d, &history, Some(5)).unwrap_err().to_string();
        assert_eq!(
            err,
            "revision 5 of deployment `app` does not exist (known revisions: 1, 2)"
        );
    }
}
