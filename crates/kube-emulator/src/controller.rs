//! The deployment controller, simulated: one ReplicaSet per pod template
//! (revision annotations, `pod-template-hash`), rolling scale-up/down one pod
//! per tick, pods that become ready after a few ticks — or crash-loop, fail to
//! pull, stay unschedulable or never get ready, depending on their image — and
//! Deployment status with the conditions `kubectl rollout status` reads,
//! including `ProgressDeadlineExceeded`.

use std::collections::HashMap;
use std::time::Instant;

use serde_json::{Value, json};

use super::Faults;
use super::store::{self, Store};

pub const REVISION: &str = "deployment.kubernetes.io/revision";
const HASH: &str = "pod-template-hash";
/// Deployment annotations the controller never copies to a ReplicaSet.
const SKIP: &[&str] = &[
    "kubectl.kubernetes.io/last-applied-configuration",
    REVISION,
    "deployment.kubernetes.io/revision-history",
    "deployment.kubernetes.io/desired-replicas",
    "deployment.kubernetes.io/max-replicas",
    "deprecated.deployment.rollback.to",
];

/// What the controller remembers between ticks.
#[derive(Debug, Default)]
pub struct Memory {
    /// Ticks each pod has existed.
    pod_age: HashMap<String, u32>,
    /// Per deployment: the last observed progress and when it happened.
    progress: HashMap<String, (String, Instant)>,
    seq: u64,
}

pub fn tick(store: &mut Store, memory: &mut Memory, faults: &Faults, ready_ticks: u32) {
    collect_garbage(store, "ReplicaSet");
    collect_garbage(store, "Pod");
    for dep in store.list("Deployment", None) {
        sync_replica_sets(store, memory, &dep);
    }
    for pod in store.list("Pod", None) {
        advance_pod(store, memory, faults, pod, ready_ticks);
    }
    for rs in store.list("ReplicaSet", None) {
        replica_set_status(store, rs);
    }
    for dep in store.list("Deployment", None) {
        deployment_status(store, memory, dep);
    }
}

/// Delete objects whose controller owner is gone (cascading deletion).
fn collect_garbage(store: &mut Store, kind: &'static str) {
    let live: std::collections::HashSet<String> =
        store.objects.values().map(|o| uid(o).to_string()).collect();
    for obj in store.list(kind, None) {
        let orphaned = obj["metadata"]["ownerReferences"]
            .as_array()
            .is_some_and(|refs| {
                refs.iter()
                    .any(|r| !live.contains(r["uid"].as_str().unwrap_or("")))
            });
        if orphaned {
            store.delete(
                kind,
                &ns(&obj),
                obj["metadata"]["name"].as_str().unwrap_or(""),
            );
        }
    }
}

fn uid(v: &Value) -> &str {
    v["metadata"]["uid"].as_str().unwrap_or("")
}

fn ns(v: &Value) -> String {
    v["metadata"]["namespace"]
        .as_str()
        .unwrap_or("")
        .to_string()
}

fn owned_by(store: &Store, kind: &'static str, owner: &Value) -> Vec<Value> {
    store
        .list(kind, Some(&ns(owner)))
        .into_iter()
        .filter(|o| {
            o["metadata"]["ownerReferences"]
                .as_array()
                .is_some_and(|refs| refs.iter().any(|r| r["uid"] == owner["metadata"]["uid"]))
        })
        .collect()
}

pub fn revision(v: &Value) -> u64 {
    v["metadata"]["annotations"][REVISION]
        .as_str()
        .and_then(|r| r.parse().ok())
        .unwrap_or(0)
}

fn without_hash(template: &Value) -> Value {
    let mut t = template.clone();
    if let Some(labels) = t["metadata"]["labels"].as_object_mut() {
        labels.remove(HASH);
    }
    t
}

/// The ReplicaSet whose template is the deployment's (ignoring the hash label).
fn current_rs<'a>(dep: &Value, owned: &'a [Value]) -> Option<&'a Value> {
    let template = &dep["spec"]["template"];
    owned
        .iter()
        .find(|rs| &without_hash(&rs["spec"]["template"]) == template)
}

fn hash(template: &Value) -> String {
    // FNV-1a over the canonical JSON text; k8s uses its own encoding, any stable one will do.
    let mut h: u64 = 0xcbf29ce484222325;
    for b in template.to_string().bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x100000001b3);
    }
    let alphabet = b"bcdfghjklmnpqrstvwxz2456789";
    (0..10)
        .map(|i| alphabet[((h >> (i * 6)) % alphabet.len() as u64) as usize] as char)
        .collect()
}

fn copy_annotations(dep: &Value, rs: &mut Value) {
    if let Some(annotations) = dep["metadata"]["annotations"].as_object() {
        for (k, v) in annotations
            .iter()
            .filter(|(k, _)| !SKIP.contains(&k.as_str()))
        {
            rs["metadata"]["annotations"][k] = v.clone();
        }
    }
}

fn sync_replica_sets(store: &mut Store, memory: &mut Memory, dep: &Value) {
    let namespace = ns(dep);
    let name = dep["metadata"]["name"].as_str().unwrap_or("").to_string();
    let owned = owned_by(store, "ReplicaSet", dep);
    let max_revision = owned.iter().map(revision).max().unwrap_or(0);
    let paused = dep["spec"]["paused"].as_bool().unwrap_or(false);
    if paused {
        return;
    }
    let template = dep["spec"]["template"].clone();
    let mut new_rs = match current_rs(dep, &owned) {
        Some(rs) => rs.clone(),
        None => {
            let h = hash(&template);
            let mut t = template.clone();
            t["metadata"]["labels"][HASH] = json!(h);
            let mut selector = dep["spec"]["selector"].clone();
            selector["matchLabels"][HASH] = json!(h);
            let mut rs = json!({
                "kind": "ReplicaSet", "apiVersion": "apps/v1",
                "metadata": {
                    "name": format!("{name}-{h}"), "namespace": namespace,
                    "labels": t["metadata"]["labels"].clone(), "annotations": {},
                    "ownerReferences": [{"apiVersion": "apps/v1", "kind": "Deployment", "name": name,
                                          "uid": uid(dep), "controller": true, "blockOwnerDeletion": true}],
                },
                "spec": {"replicas": 0, "selector": selector, "template": t},
            });
            rs["metadata"]["annotations"][REVISION] = json!((max_revision + 1).to_string());
            memory.progress.remove(&format!("{namespace}/{name}"));
            rs
        }
    };
    if revision(&new_rs) < max_revision {
        // Rolling back to an old template re-uses its ReplicaSet under a new revision.
        new_rs["metadata"]["annotations"][REVISION] = json!((max_revision + 1).to_string());
        memory.progress.remove(&format!("{namespace}/{name}"));
    }
    copy_annotations(dep, &mut new_rs);
    let desired = dep["spec"]["replicas"].as_u64().unwrap_or(1);
    new_rs["metadata"]["annotations"]["deployment.kubernetes.io/desired-replicas"] =
        json!(desired.to_string());
    let new_name = new_rs["metadata"]["name"].clone();
    let new_revision = revision(&new_rs).to_string();

    // Rolling update, maxSurge 1 and maxUnavailable 0.
    let olds: Vec<Value> = owned
        .iter()
        .filter(|rs| rs["metadata"]["name"] != new_name)
        .cloned()
        .collect();
    let spec_replicas = |rs: &Value| rs["spec"]["replicas"].as_u64().unwrap_or(0);
    let available = |rs: &Value| rs["status"]["availableReplicas"].as_u64().unwrap_or(0);
    let old_total: u64 = olds.iter().map(spec_replicas).sum();
    let old_available: u64 = olds.iter().map(available).sum();
    let mut new_count = spec_replicas(&new_rs);
    if new_count > desired {
        new_count = desired;
    } else if new_count < desired && new_count + old_total < desired + 1 {
        new_count += 1;
    }
    new_rs["spec"]["replicas"] = json!(new_count);
    let new_stored = store.put("ReplicaSet", new_rs);
    // Unavailable old pods go first (they serve nothing); available ones only
    // while availability stays above the desired count.
    if old_total > 0
        && (old_total > old_available || available(&new_stored) + old_available > desired)
        && let Some(mut old) = olds
            .iter()
            .find(|rs| spec_replicas(rs) > available(rs))
            .or_else(|| olds.iter().find(|rs| spec_replicas(rs) > 0))
            .cloned()
    {
        old["spec"]["replicas"] = json!(spec_replicas(&old) - 1);
        store.put("ReplicaSet", old);
    }
    // revisionHistoryLimit: drop the oldest scaled-down ReplicaSets.
    let limit = dep["spec"]["revisionHistoryLimit"].as_u64().unwrap_or(10) as usize;
    let mut idle: Vec<&Value> = olds
        .iter()
        .filter(|rs| spec_replicas(rs) == 0 && rs["status"]["replicas"].as_u64().unwrap_or(0) == 0)
        .collect();
    idle.sort_by_key(|rs| revision(rs));
    while idle.len() > limit {
        let rs = idle.remove(0);
        store.delete(
            "ReplicaSet",
            &namespace,
            rs["metadata"]["name"].as_str().unwrap_or(""),
        );
    }
    let mut updated = dep.clone();
    updated["metadata"]["annotations"][REVISION] = json!(new_revision);
    store.put("Deployment", updated);
    for rs in owned_by(store, "ReplicaSet", dep) {
        reconcile_pods(store, memory, &rs);
    }
}

fn reconcile_pods(store: &mut Store, memory: &mut Memory, rs: &Value) {
    let mut pods = owned_by(store, "Pod", rs);
    let want = rs["spec"]["replicas"].as_u64().unwrap_or(0) as usize;
    while pods.len() > want {
        let pod = pods.pop().expect("pod");
        let name = pod["metadata"]["name"].as_str().unwrap_or("").to_string();
        memory.pod_age.remove(&name);
        store.delete("Pod", &ns(rs), &name);
    }
    for _ in pods.len()..want {
        memory.seq += 1;
        let suffix = hash(&json!(memory.seq))[..5].to_string();
        let template = &rs["spec"]["template"];
        let pod = json!({
            "kind": "Pod", "apiVersion": "v1",
            "metadata": {
                "name": format!("{}-{suffix}", rs["metadata"]["name"].as_str().unwrap_or("")),
                "namespace": ns(rs),
                "labels": template["metadata"]["labels"].clone(),
                "ownerReferences": [{"apiVersion": "apps/v1", "kind": "ReplicaSet",
                    "name": rs["metadata"]["name"].clone(), "uid": uid(rs), "controller": true}],
            },
            "spec": template["spec"].clone(),
            "status": {"phase": "Pending", "conditions": [
                {"type": "PodScheduled", "status": "True", "lastTransitionTime": store::now()}]},
        });
        store.put("Pod", pod);
    }
}

fn advance_pod(
    store: &mut Store,
    memory: &mut Memory,
    faults: &Faults,
    mut pod: Value,
    ready_ticks: u32,
) {
    let name = pod["metadata"]["name"].as_str().unwrap_or("").to_string();
    let age = memory.pod_age.entry(name).or_insert(0);
    *age += 1;
    let age = *age;
    let images: Vec<String> = pod["spec"]["containers"]
        .as_array()
        .map(|cs| {
            cs.iter()
                .filter_map(|c| c["image"].as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default();
    let has = |needle: &str| images.iter().any(|i| i.contains(needle));
    let container = |ready: bool, state: Value, restarts: u32| -> Value {
        let statuses: Vec<Value> = pod["spec"]["containers"]
            .as_array()
            .map(|cs| {
                cs.iter()
                    .map(|c| {
                        json!({"name": c["name"], "image": c["image"], "ready": ready,
                                    "restartCount": restarts, "started": ready, "state": state})
                    })
                    .collect()
            })
            .unwrap_or_default();
        json!(statuses)
    };
    let ready_cond = |ready: bool| {
        json!([{"type": "PodScheduled", "status": "True"},
               {"type": "Ready", "status": if ready { "True" } else { "False" }},
               {"type": "ContainersReady", "status": if ready { "True" } else { "False" }}])
    };
    let already_ready = pod["status"]["conditions"].as_array().is_some_and(|cs| {
        cs.iter()
            .any(|c| c["type"] == "Ready" && c["status"] == "True")
    });
    let status = if has("unschedulable") {
        json!({"phase": "Pending", "conditions": [{"type": "PodScheduled", "status": "False",
              "reason": "Unschedulable", "message": "0/3 nodes are available: 3 Insufficient cpu."}]})
    } else if has("pullfail") {
        let reason = if age > 2 {
            "ImagePullBackOff"
        } else {
            "ErrImagePull"
        };
        let state = json!({"waiting": {"reason": reason, "message": format!("Back-off pulling image \"{}\"", images[0])}});
        json!({"phase": "Pending", "conditions": ready_cond(false), "containerStatuses": container(false, state, 0)})
    } else if has("crashloop") && age > 1 {
        let state = json!({"waiting": {"reason": "CrashLoopBackOff", "message": "back-off 10s restarting failed container"}});
        json!({"phase": "Running", "conditions": ready_cond(false), "containerStatuses": container(false, state, age / 2)})
    } else if age >= ready_ticks && !has("stuck") && (already_ready || !faults.stuck) {
        let state = json!({"running": {"startedAt": store::now()}});
        json!({"phase": "Running", "conditions": ready_cond(true), "containerStatuses": container(true, state, 0)})
    } else {
        let state = json!({"running": {"startedAt": store::now()}});
        json!({"phase": "Running", "conditions": ready_cond(false), "containerStatuses": container(false, state, 0)})
    };
    if pod["status"] != status {
        pod["status"] = status;
        store.put("Pod", pod);
    }
}

fn pod_ready(pod: &Value) -> bool {
    pod["status"]["conditions"].as_array().is_some_and(|cs| {
        cs.iter()
            .any(|c| c["type"] == "Ready" && c["status"] == "True")
    })
}

fn replica_set_status(store: &mut Store, mut rs: Value) {
    let pods = owned_by(store, "Pod", &rs);
    let ready = pods.iter().filter(|p| pod_ready(p)).count();
    let status = json!({"replicas": pods.len(), "fullyLabeledReplicas": pods.len(),
        "readyReplicas": ready, "availableReplicas": ready,
        "observedGeneration": rs["metadata"]["generation"].clone()});
    if rs["status"] != status {
        rs["status"] = status;
        store.put("ReplicaSet", rs);
    }
}

fn deployment_status(store: &mut Store, memory: &mut Memory, mut dep: Value) {
    let owned = owned_by(store, "ReplicaSet", &dep);
    let key = format!(
        "{}/{}",
        ns(&dep),
        dep["metadata"]["name"].as_str().unwrap_or("")
    );
    let desired = dep["spec"]["replicas"].as_u64().unwrap_or(1);
    let count = |rs: &Value, field: &str| rs["status"][field].as_u64().unwrap_or(0);
    let sum = |field: &str| owned.iter().map(|rs| count(rs, field)).sum::<u64>();
    let new_rs = current_rs(&dep, &owned);
    let updated = new_rs.map(|rs| count(rs, "replicas")).unwrap_or(0);
    let (replicas, ready, available) = (
        sum("replicas"),
        sum("readyReplicas"),
        sum("availableReplicas"),
    );
    let rs_name = new_rs
        .and_then(|rs| rs["metadata"]["name"].as_str())
        .unwrap_or("")
        .to_string();
    let now = store::now();
    let complete = updated == desired && replicas == desired && available == desired;
    let signature = format!("{updated}/{replicas}/{available}/{rs_name}");
    let entry = memory
        .progress
        .entry(key)
        .or_insert_with(|| (String::new(), Instant::now()));
    if entry.0 != signature {
        *entry = (signature, Instant::now());
    }
    let deadline = dep["spec"]["progressDeadlineSeconds"]
        .as_u64()
        .unwrap_or(600);
    let paused = dep["spec"]["paused"].as_bool().unwrap_or(false);
    let progressing = if paused {
        json!({"type": "Progressing", "status": "Unknown", "reason": "DeploymentPaused", "message": "Deployment is paused"})
    } else if complete {
        json!({"type": "Progressing", "status": "True", "reason": "NewReplicaSetAvailable",
               "message": format!("ReplicaSet \"{rs_name}\" has successfully progressed.")})
    } else if entry.1.elapsed().as_secs() >= deadline {
        json!({"type": "Progressing", "status": "False", "reason": "ProgressDeadlineExceeded",
               "message": format!("ReplicaSet \"{rs_name}\" has timed out progressing.")})
    } else {
        json!({"type": "Progressing", "status": "True", "reason": "ReplicaSetUpdated",
               "message": format!("ReplicaSet \"{rs_name}\" is progressing.")})
    };
    let available_cond = if available >= desired {
        json!({"type": "Available", "status": "True", "reason": "MinimumReplicasAvailable",
               "message": "Deployment has minimum availability."})
    } else {
        json!({"type": "Available", "status": "False", "reason": "MinimumReplicasUnavailable",
               "message": "Deployment does not have minimum availability."})
    };
    let old_conditions = dep["status"]["conditions"].clone();
    let stamp = |mut c: Value| {
        let same = old_conditions
            .as_array()
            .and_then(|cs| cs.iter().find(|o| o["type"] == c["type"]))
            .filter(|o| o["status"] == c["status"] && o["reason"] == c["reason"]);
        let time = same
            .map(|o| o["lastTransitionTime"].clone())
            .unwrap_or(json!(now));
        c["lastTransitionTime"] = time.clone();
        c["lastUpdateTime"] = time;
        c
    };
    let status = json!({
        "observedGeneration": dep["metadata"]["generation"].clone(),
        "replicas": replicas, "updatedReplicas": updated, "readyReplicas": ready,
        "availableReplicas": available, "unavailableReplicas": desired.saturating_sub(available),
        "conditions": [stamp(available_cond), stamp(progressing)],
    });
    if dep["status"] != status {
        dep["status"] = status;
        store.put("Deployment", dep);
    }
}
