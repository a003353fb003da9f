//! Waiting for a rollout the way `kubectl rollout status` decides, driven by
//! watches on the Deployment and its pods (resumed by resourceVersion when a
//! stream drops), plus what kubectl does not do: fail fast when a new pod
//! crash-loops, cannot pull its image or cannot be scheduled, and never accept
//! a status older than the generation our own patch produced.

use std::collections::BTreeMap;
use std::time::Duration;

use anyhow::Result;
use futures::{StreamExt, stream};
use k8s_openapi::api::apps::v1::{Deployment, ReplicaSet};
use k8s_openapi::api::core::v1::Pod;
use kube::api::{Api, ListParams, ResourceExt};
use kube::runtime::watcher::{self, Event};
use tokio::time::Instant;

use super::history::selector_of;
use super::{AppDeployment, HASH_LABEL, REVISION, api_error};

/// Where a rollout stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// Rolled out: every replica updated and available.
    Complete(String),
    /// Still going; says what it waits for.
    Pending(String),
    /// Will not finish on its own (deadline exceeded, crash loop, …).
    Failed(String),
}

/// The numbers shown while waiting.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    pub desired: i32,
    pub updated: i32,
    pub available: i32,
}

/// Pod problems that never heal by waiting.
const FATAL_WAITING: &[&str] = &[
    "CrashLoopBackOff",
    "ImagePullBackOff",
    "ErrImagePull",
    "InvalidImageName",
    "CreateContainerConfigError",
    "CreateContainerError",
];

/// Decide like `kubectl rollout status`, given the Deployment, the generation
/// our last write produced (`min_generation`) and the pods of the new
/// ReplicaSet (for fail-fast).
pub fn assess<'a>(
    dep: &Deployment,
    min_generation: i64,
    new_pods: impl IntoIterator<Item = &'a Pod>,
) -> Verdict {
    let name = dep.name_any();
    let generation = dep.metadata.generation.unwrap_or(0).max(min_generation);
    let status = dep.status.clone().unwrap_or_default();
    if status.observed_generation.unwrap_or(0) < generation {
        return Verdict::Pending(format!(
            "waiting for deployment `{name}` spec update to be observed"
        ));
    }
    let condition = status
        .conditions
        .iter()
        .flatten()
        .find(|c| c.type_ == "Progressing");
    if let Some(c) = condition
        && c.reason.as_deref() == Some("ProgressDeadlineExceeded")
    {
        return Verdict::Failed(format!(
            "deployment `{name}` exceeded its progress deadline: {}",
            c.message.as_deref().unwrap_or("no progress")
        ));
    }
    for pod in new_pods {
        if let Some(problem) = pod_problem(pod) {
            return Verdict::Failed(format!("pod `{}` {problem}", pod.name_any()));
        }
    }
    let counts = counts(dep);
    let replicas = status.replicas.unwrap_or(0);
    if counts.updated < counts.desired {
        Verdict::Pending(format!(
            "{} of {} new replicas updated",
            counts.updated, counts.desired
        ))
    } else if replicas > counts.updated {
        Verdict::Pending(format!(
            "{} old replicas pending termination",
            replicas - counts.updated
        ))
    } else if counts.available < counts.updated {
        Verdict::Pending(format!(
            "{} of {} updated replicas available",
            counts.available, counts.updated
        ))
    } else {
        Verdict::Complete(format!(
            "deployment `{name}` successfully rolled out ({} replicas)",
            counts.updated
        ))
    }
}

pub fn counts(dep: &Deployment) -> Counts {
    let status = dep.status.clone().unwrap_or_default();
    Counts {
        desired: dep.spec.as_ref().and_then(|s| s.replicas).unwrap_or(1),
        updated: status.updated_replicas.unwrap_or(0),
        available: status.available_replicas.unwrap_or(0),
    }
}

/// Why a pod will not become ready by itself, if it will not.
pub fn pod_problem(pod: &Pod) -> Option<String> {
    let status = pod.status.as_ref()?;
    let unschedulable = status.conditions.iter().flatten().find(|c| {
        c.type_ == "PodScheduled"
            && c.status == "False"
            && c.reason.as_deref() == Some("Unschedulable")
    });
    if let Some(c) = unschedulable {
        return Some(format!(
            "is unschedulable: {}",
            c.message.as_deref().unwrap_or("no node fits")
        ));
    }
    let containers = status
        .init_container_statuses
        .iter()
        .flatten()
        .chain(status.container_statuses.iter().flatten());
    for container in containers {
        let waiting = container.state.as_ref().and_then(|s| s.waiting.as_ref());
        if let Some(w) = waiting
            && let Some(reason) = w.reason.as_deref()
            && FATAL_WAITING.contains(&reason)
        {
            let message = w
                .message
                .as_deref()
                .map(|m| format!(": {m}"))
                .unwrap_or_default();
            return Some(format!(
                "container `{}` is in {reason}{message}",
                container.name
            ));
        }
    }
    None
}

/// How a wait ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RolloutEnd {
    Complete(String),
    Failed(String),
    /// The timeout was reached; says what was still pending.
    TimedOut(String),
}

#[allow(clippy::large_enum_variant)] // one event at a time, never stored
enum Update {
    Deployment(Result<Event<Deployment>, watcher::Error>),
    Pod(Result<Event<Pod>, watcher::Error>),
}

/// Watch until the rollout completes, fails or `timeout` passes. `progress`
/// is called with the counts whenever they change.
pub async fn rollout(
    target: &AppDeployment,
    min_generation: i64,
    timeout: Duration,
    mut progress: impl FnMut(Counts, &str),
) -> Result<RolloutEnd> {
    let deadline = Instant::now() + timeout;
    let what = format!(
        "deployment `{}` in namespace `{}`",
        target.deployment, target.namespace
    );
    let dep = target.get_deployment().await?;
    let selector = selector_of(&dep);
    let pods: Api<Pod> = Api::namespaced(target.client.clone(), &target.namespace);
    let dep_events = watcher::watcher(
        target.deployments(),
        watcher::Config::default().fields(&format!("metadata.name={}", target.deployment)),
    )
    .map(Update::Deployment);
    let pod_events =
        watcher::watcher(pods, watcher::Config::default().labels(&selector)).map(Update::Pod);
    let mut events = std::pin::pin!(stream::select(dep_events, pod_events));

    let mut latest = dep;
    let mut pod_map: BTreeMap<String, Pod> = BTreeMap::new();
    let mut new_hash: Option<(String, String)> = None; // (revision, hash)
    let mut pending = "no status yet".to_string();
    let mut last_counts = None;
    loop {
        if let Some(verdict) =
            decide(target, &latest, min_generation, &pod_map, &mut new_hash).await?
        {
            match verdict {
                Verdict::Complete(msg) => return Ok(RolloutEnd::Complete(msg)),
                Verdict::Failed(msg) => return Ok(RolloutEnd::Failed(msg)),
                Verdict::Pending(msg) => pending = msg,
            }
        }
        let c = counts(&latest);
        if last_counts != Some(c) {
            progress(c, &pending);
            last_counts = Some(c);
        }
        let next = match tokio::time::timeout_at(deadline, events.next()).await {
            Err(_) => return Ok(RolloutEnd::TimedOut(pending)),
            Ok(None) => anyhow::bail!("the watch on {what} ended unexpectedly"),
            Ok(Some(update)) => update,
        };
        match next {
            Update::Deployment(Ok(Event::Apply(d) | Event::InitApply(d))) => latest = d,
            Update::Deployment(Ok(Event::Delete(_))) => {
                anyhow::bail!("{what} was deleted during the rollout")
            }
            Update::Pod(Ok(Event::Init)) => pod_map.clear(),
            Update::Pod(Ok(Event::Apply(p) | Event::InitApply(p))) => {
                pod_map.insert(p.name_any(), p);
            }
            Update::Pod(Ok(Event::Delete(p))) => {
                pod_map.remove(&p.name_any());
            }
            Update::Deployment(Ok(_)) | Update::Pod(Ok(_)) => {}
            Update::Deployment(Err(e)) | Update::Pod(Err(e)) => {
                if let Some(fatal) = fatal(e, &what) {
                    return Err(fatal);
                }
                // Transient (dropped stream, 5xx): the watcher resumes from its
                // last resourceVersion on the next poll; back off a little.
                tokio::time::sleep_until(deadline.min(Instant::now() + Duration::from_millis(300)))
                    .await;
            }
        }
    }
}

/// Watch errors that waiting cannot fix: credentials, permissions, a missing
/// object. Everything else is retried until the deadline.
fn fatal(err: watcher::Error, what: &str) -> Option<anyhow::Error> {
    let inner = match err {
        watcher::Error::InitialListFailed(e)
        | watcher::Error::WatchStartFailed(e)
        | watcher::Error::WatchFailed(e) => e,
        _ => return None,
    };
    match &inner {
        kube::Error::Api(status) if matches!(status.code, 401 | 403 | 404) => {
            Some(api_error(inner, what))
        }
        _ => None,
    }
}

/// Assess, learning the new ReplicaSet's `pod-template-hash` (one list per
/// revision) so only pods of the new ReplicaSet can fail the rollout.
async fn decide(
    target: &AppDeployment,
    dep: &Deployment,
    min_generation: i64,
    pods: &BTreeMap<String, Pod>,
    new_hash: &mut Option<(String, String)>,
) -> Result<Option<Verdict>> {
    let verdict = assess(dep, min_generation, []);
    if !matches!(verdict, Verdict::Pending(_)) || pods.is_empty() {
        return Ok(Some(verdict));
    }
    let revision = dep.annotations().get(REVISION).cloned().unwrap_or_default();
    if new_hash.as_ref().is_none_or(|(r, _)| *r != revision) && !revision.is_empty() {
        let replica_sets: Api<ReplicaSet> =
            Api::namespaced(target.client.clone(), &target.namespace);
        let list = replica_sets
            .list(&ListParams::default())
            .await
            .map_err(|e| {
                api_error(
                    e,
                    &format!("replica sets in namespace `{}`", target.namespace),
                )
            })?;
        let uid = dep.metadata.uid.clone();
        let hash = list
            .items
            .iter()
            .filter(|rs| {
                rs.owner_references()
                    .iter()
                    .any(|o| Some(&o.uid) == uid.as_ref())
            })
            .find(|rs| rs.annotations().get(REVISION) == Some(&revision))
            .and_then(|rs| rs.labels().get(HASH_LABEL).cloned());
        if let Some(hash) = hash {
            *new_hash = Some((revision, hash));
        }
    }
    let new_pods = pods.values().filter(|p| {
        new_hash
            .as_ref()
            .is_some_and(|(_, h)| p.labels().get(HASH_LABEL) == Some(h))
    });
    Ok(Some(assess(dep, min_generation, new_pods)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn dep(generation: i64, observed: i64, status: serde_json::Value) -> Deployment {
        let mut s = status;
        s["observedGeneration"] = json!(observed);
        serde_json::from_value(json!({
            "metadata": {"name": "app", "generation": generation},
            "spec": {"replicas": 3, "selector": {}, "template": {}},
            "status": s,
        }))
        .unwrap()
    }

    #[test]
    fn stale_status_is_never_success() {
        let d = dep(
            2,
            1,
            json!({"replicas": 3, "updatedReplicas": 3, "availableReplicas": 3}),
        );
        assert!(matches!(assess(&d, 0, []), Verdict::Pending(m) if m.contains("observed")));
        // The patch produced generation 3 but the watch still shows 2 as observed.
        let d = dep(
            2,
            2,
            json!({"replicas": 3, "updatedReplicas": 3, "availableReplicas": 3}),
        );
        assert!(matches!(assess(&d, 3, []), Verdict::Pending(_)));
        assert!(matches!(assess(&d, 2, []), Verdict::Complete(_)));
    }

    #[test]
    fn kubectl_order_of_waiting_messages() {
        let d = dep(
            1,
            1,
            json!({"replicas": 4, "updatedReplicas": 2, "availableReplicas": 3}),
        );
        assert_eq!(
            assess(&d, 0, []),
            Verdict::Pending("2 of 3 new replicas updated".into())
        );
        let d = dep(
            1,
            1,
            json!({"replicas": 4, "updatedReplicas": 3, "availableReplicas": 3}),
        );
        assert_eq!(
            assess(&d, 0, []),
            Verdict::Pending("1 old replicas pending termination".into())
        );
        let d = dep(
            1,
            1,
            json!({"replicas": 3, "updatedReplicas": 3, "availableReplicas": 1}),
        );
        assert_eq!(
            assess(&d, 0, []),
            Verdict::Pending("1 of 3 updated replicas available".into())
        );
    }

    #[test]
    fn deadline_and_crashloop_fail() {
        let d = dep(
            1,
            1,
            json!({"conditions": [{"type": "Progressing", "status": "False",
            "reason": "ProgressDeadlineExceeded", "message": "ReplicaSet \"x\" has timed out progressing."}]}),
        );
        assert!(matches!(assess(&d, 0, []), Verdict::Failed(m) if m.contains("progress deadline")));
        let pod: Pod = serde_json::from_value(
            json!({"metadata": {"name": "app-1"}, "status": {"containerStatuses": [
            {"name": "api", "image": "x", "imageID": "", "ready": false, "restartCount": 3,
             "state": {"waiting": {"reason": "CrashLoopBackOff", "message": "back-off"}}}]}}),
        )
        .unwrap();
        let d = dep(1, 1, json!({"replicas": 3, "updatedReplicas": 1}));
        assert_eq!(
            assess(&d, 0, [&pod]),
            Verdict::Failed("pod `app-1` container `api` is in CrashLoopBackOff: back-off".into())
        );
        let pending: Pod = serde_json::from_value(json!({"metadata": {"name": "app-2"}, "status": {"conditions": [
            {"type": "PodScheduled", "status": "False", "reason": "Unschedulable", "message": "0/3 nodes"}]}}))
        .unwrap();
        assert!(
            pod_problem(&pending)
                .unwrap()
                .contains("unschedulable: 0/3 nodes")
        );
    }
}
