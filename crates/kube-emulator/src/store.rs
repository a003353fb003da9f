//! The emulator's etcd: every object as JSON keyed by resource, namespace and
//! name, one global resourceVersion counter, and the ordered event log that
//! watches replay from (so a watch resumed with `resourceVersion=N` sees every
//! change after N, exactly once).

use std::collections::{BTreeMap, HashMap};

use serde_json::{Value, json};

/// One served resource type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Res {
    pub group: &'static str,
    pub version: &'static str,
    pub plural: &'static str,
    pub kind: &'static str,
    pub namespaced: bool,
    pub short: &'static [&'static str],
}

impl Res {
    pub fn api_version(&self) -> String {
        if self.group.is_empty() {
            self.version.to_string()
        } else {
            format!("{}/{}", self.group, self.version)
        }
    }
}

const fn res(
    group: &'static str,
    version: &'static str,
    plural: &'static str,
    kind: &'static str,
    short: &'static [&'static str],
) -> Res {
    Res {
        group,
        version,
        plural,
        kind,
        namespaced: true,
        short,
    }
}

/// Everything the emulator serves.
pub const RESOURCES: &[Res] = &[
    res("", "v1", "pods", "Pod", &["po"]),
    res("", "v1", "services", "Service", &["svc"]),
    res("", "v1", "configmaps", "ConfigMap", &["cm"]),
    res("", "v1", "secrets", "Secret", &[]),
    res("", "v1", "serviceaccounts", "ServiceAccount", &["sa"]),
    Res {
        namespaced: false,
        ..res("", "v1", "namespaces", "Namespace", &["ns"])
    },
    res("apps", "v1", "deployments", "Deployment", &["deploy"]),
    res("apps", "v1", "replicasets", "ReplicaSet", &["rs"]),
    res(
        "autoscaling",
        "v2",
        "horizontalpodautoscalers",
        "HorizontalPodAutoscaler",
        &["hpa"],
    ),
    res(
        "policy",
        "v1",
        "poddisruptionbudgets",
        "PodDisruptionBudget",
        &["pdb"],
    ),
    res("networking.k8s.io", "v1", "ingresses", "Ingress", &["ing"]),
];

pub fn find(group: &str, version: &str, plural: &str) -> Option<&'static Res> {
    RESOURCES
        .iter()
        .find(|r| r.group == group && r.version == version && r.plural == plural)
}

pub fn by_kind(kind: &str) -> &'static Res {
    RESOURCES
        .iter()
        .find(|r| r.kind == kind)
        .expect("emulated kind")
}

/// Store key: (kind, namespace, name).
pub type Key = (&'static str, String, String);

/// One watch event as sent on the wire.
#[derive(Debug, Clone)]
pub struct Event {
    pub rv: u64,
    pub kind: &'static str,
    pub namespace: String,
    pub kind_of_change: &'static str,
    pub object: Value,
}

#[derive(Debug, Default)]
pub struct Store {
    pub rv: u64,
    pub objects: BTreeMap<Key, Value>,
    pub log: Vec<Event>,
    /// Last configuration each field manager applied to each object.
    pub applied: HashMap<(Key, String), Value>,
    /// Which field manager owns each leaf of each object.
    pub owners: HashMap<Key, super::fields::Owners>,
    uid: u64,
}

impl Store {
    pub fn get(&self, kind: &'static str, ns: &str, name: &str) -> Option<&Value> {
        self.objects.get(&(kind, ns.to_string(), name.to_string()))
    }

    /// Objects of a kind in a namespace (all namespaces for `None`).
    pub fn list(&self, kind: &'static str, ns: Option<&str>) -> Vec<Value> {
        self.objects
            .iter()
            .filter(|((k, n, _), _)| *k == kind && ns.is_none_or(|ns| ns == n))
            .map(|(_, v)| v.clone())
            .collect()
    }

    /// Store `object` (already defaulted); returns the stored version. Writes
    /// that change nothing keep the resourceVersion and emit no event.
    pub fn put(&mut self, kind: &'static str, mut object: Value) -> Value {
        let ns = object["metadata"]["namespace"]
            .as_str()
            .unwrap_or("")
            .to_string();
        let name = object["metadata"]["name"]
            .as_str()
            .unwrap_or("")
            .to_string();
        let key = (kind, ns.clone(), name);
        let old = self.objects.get(&key).cloned();
        if let Some(old) = &old {
            let mut a = old.clone();
            strip_volatile(&mut a);
            let mut b = object.clone();
            strip_volatile(&mut b);
            if a == b {
                return old.clone();
            }
            let meta = &old["metadata"];
            object["metadata"]["uid"] = meta["uid"].clone();
            object["metadata"]["creationTimestamp"] = meta["creationTimestamp"].clone();
            let generation = meta["generation"].as_u64().unwrap_or(1);
            let spec_changed = old.get("spec") != object.get("spec");
            object["metadata"]["generation"] = json!(if spec_changed {
                generation + 1
            } else {
                generation
            });
        } else {
            self.uid += 1;
            object["metadata"]["uid"] = json!(format!("00000000-0000-4000-8000-{:012}", self.uid));
            object["metadata"]["creationTimestamp"] = json!(now());
            object["metadata"]["generation"] = json!(1);
        }
        self.rv += 1;
        object["metadata"]["resourceVersion"] = json!(self.rv.to_string());
        self.objects.insert(key, object.clone());
        self.record(
            kind,
            ns,
            if old.is_some() { "MODIFIED" } else { "ADDED" },
            &object,
        );
        object
    }

    pub fn delete(&mut self, kind: &'static str, ns: &str, name: &str) -> Option<Value> {
        let mut object = self
            .objects
            .remove(&(kind, ns.to_string(), name.to_string()))?;
        self.rv += 1;
        object["metadata"]["resourceVersion"] = json!(self.rv.to_string());
        self.record(kind, ns.to_string(), "DELETED", &object);
        Some(object)
    }

    fn record(
        &mut self,
        kind: &'static str,
        namespace: String,
        change: &'static str,
        object: &Value,
    ) {
        self.log.push(Event {
            rv: self.rv,
            kind,
            namespace,
            kind_of_change: change,
            object: object.clone(),
        });
    }
}

fn strip_volatile(v: &mut Value) {
    if let Some(meta) = v.get_mut("metadata").and_then(Value::as_object_mut) {
        for key in [
            "resourceVersion",
            "generation",
            "uid",
            "creationTimestamp",
            "managedFields",
        ] {
            meta.remove(key);
        }
    }
}

pub fn now() -> String {
    chrono::Utc::now().format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

/// What the API server's defaulting adds, for the kinds whose templates are
/// compared (so objects written by kubectl and by kube-rs converge).
pub fn default_object(kind: &str, obj: &mut Value) {
    match kind {
        "Deployment" => {
            let spec = &mut obj["spec"];
            default(spec, "replicas", json!(1));
            default(spec, "revisionHistoryLimit", json!(10));
            default(spec, "progressDeadlineSeconds", json!(600));
            default(
                spec,
                "strategy",
                json!({"type": "RollingUpdate", "rollingUpdate": {"maxSurge": "25%", "maxUnavailable": "25%"}}),
            );
            default_template(&mut spec["template"]);
        }
        "ReplicaSet" => default_template(&mut obj["spec"]["template"]),
        _ => {}
    }
}

fn default(map: &mut Value, key: &str, value: Value) {
    if map.get(key).is_none_or(Value::is_null) {
        map[key] = value;
    }
}

fn default_template(template: &mut Value) {
    if let Some(meta) = template.get_mut("metadata").and_then(Value::as_object_mut) {
        meta.remove("creationTimestamp");
    }
    let spec = &mut template["spec"];
    default(spec, "restartPolicy", json!("Always"));
    default(spec, "terminationGracePeriodSeconds", json!(30));
    default(spec, "dnsPolicy", json!("ClusterFirst"));
    default(spec, "schedulerName", json!("default-scheduler"));
    default(spec, "securityContext", json!({}));
    if let Some(containers) = spec.get_mut("containers").and_then(Value::as_array_mut) {
        for c in containers {
            default(c, "resources", json!({}));
            default(c, "terminationMessagePath", json!("/dev/termination-log"));
            default(c, "terminationMessagePolicy", json!("File"));
            let image = c["image"].as_str().unwrap_or("");
            let latest =
                image.ends_with(":latest") || !image.rsplit('/').next().unwrap_or("").contains(':');
            default(
                c,
                "imagePullPolicy",
                json!(if latest { "Always" } else { "IfNotPresent" }),
            );
        }
    }
}
