//! Production-readiness rules for the app's Kubernetes objects, the same
//! rules offline (`manifests`: the YAML in `k8s/`) and live (`kubernetes`: the
//! objects in the cluster). Each rule yields one [`Item`] per Deployment.

use std::path::Path;
use std::time::{Duration, Instant};

use anyhow::Result;
use k8s_openapi::api::apps::v1::Deployment;
use k8s_openapi::api::autoscaling::v2::HorizontalPodAutoscaler;
use k8s_openapi::api::networking::v1::Ingress;
use k8s_openapi::api::policy::v1::PodDisruptionBudget;
use kube::api::{Api, ListParams};
use kube::{Client, Resource};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

use super::api_error;
use super::manifests;
use crate::report::{Item, Severity, Status};

/// Fewer replicas than this cannot survive a node drain.
pub const MIN_REPLICAS: u64 = 2;

/// Env var names whose literal value would be a leaked secret. Literal URLs
/// (`DATABASE_URL`, `REDIS_URL`, …) leak only when they carry a password.
const SECRET_NAMES: &[&str] = &[
    "PASSWORD",
    "SECRET",
    "TOKEN",
    "API_KEY",
    "PRIVATE_KEY",
    "CREDENTIALS",
];

/// The rules over the manifests in `dir`.
pub fn check_manifests(dir: &Path) -> Result<Vec<Item>> {
    let started = Instant::now();
    let objects: Vec<Value> = manifests::load(dir)?
        .into_iter()
        .map(|m| m.object)
        .collect();
    let deployments: Vec<&Value> = objects
        .iter()
        .filter(|o| o["kind"] == "Deployment")
        .collect();
    if deployments.is_empty() {
        return Ok(vec![Item::new(
            "k8s.deployment",
            "a Deployment is defined",
            Severity::Critical,
            Status::Fail,
            started.elapsed(),
            format!("no Deployment in `{}`", dir.display()),
        )]);
    }
    Ok(deployments
        .iter()
        .flat_map(|d| rules(d, &objects, false, started.elapsed()))
        .collect())
}

/// The rules over the live Deployment and the HPAs, PDBs and Ingresses of its namespace.
pub async fn check_live(client: &Client, namespace: &str, deployment: &str) -> Result<Vec<Item>> {
    let started = Instant::now();
    let deployments: Api<Deployment> = Api::namespaced(client.clone(), namespace);
    let dep = deployments.get(deployment).await.map_err(|e| {
        api_error(
            e,
            &format!("deployment `{deployment}` in namespace `{namespace}`"),
        )
    })?;
    let mut objects = vec![typed(&dep)];
    objects.extend(list::<HorizontalPodAutoscaler>(client, namespace).await?);
    objects.extend(list::<PodDisruptionBudget>(client, namespace).await?);
    objects.extend(list::<Ingress>(client, namespace).await?);
    let dep_value = objects[0].clone();
    Ok(rules(&dep_value, &objects, true, started.elapsed()))
}

fn typed<K: Resource<DynamicType = ()> + Serialize>(object: &K) -> Value {
    let mut value = serde_json::to_value(object).unwrap_or(Value::Null);
    value["kind"] = Value::from(K::kind(&()).to_string());
    value
}

async fn list<K>(client: &Client, namespace: &str) -> Result<Vec<Value>>
where
    K: Resource<DynamicType = (), Scope = k8s_openapi::NamespaceResourceScope>
        + Clone
        + DeserializeOwned
        + Serialize
        + std::fmt::Debug,
{
    let api: Api<K> = Api::namespaced(client.clone(), namespace);
    let items = api
        .list(&ListParams::default())
        .await
        .map_err(|e| api_error(e, &format!("{} in namespace `{namespace}`", K::plural(&()))))?;
    Ok(items.items.iter().map(typed).collect())
}

fn containers(dep: &Value) -> Vec<&Value> {
    let spec = &dep["spec"]["template"]["spec"];
    ["initContainers", "containers"]
        .iter()
        .filter_map(|k| spec[*k].as_array())
        .flatten()
        .collect()
}

fn cname(c: &Value) -> &str {
    c["name"].as_str().unwrap_or("?")
}

/// Every rule for one Deployment.
fn rules(dep: &Value, objects: &[Value], live: bool, elapsed: Duration) -> Vec<Item> {
    let name = dep["metadata"]["name"].as_str().unwrap_or("?");
    let section = format!("Deployment/{name}");
    let item = |id: &str, title: &str, severity: Severity, result: Result<String, String>| {
        let (status, detail) = match result {
            Ok(d) => (Status::Pass, d),
            Err(d) => (Status::Fail, d),
        };
        Item::new(
            format!("k8s.{id}.{name}"),
            title,
            severity,
            status,
            elapsed,
            detail,
        )
        .in_section(section.clone())
    };
    let mut items = Vec::new();
    if live {
        items.push(item(
            "available",
            "deployment is available",
            Severity::Critical,
            available(dep),
        ));
    }
    let hpa = objects.iter().find(|o| {
        o["kind"] == "HorizontalPodAutoscaler"
            && o["spec"]["scaleTargetRef"]["kind"] == "Deployment"
            && o["spec"]["scaleTargetRef"]["name"] == name
    });
    // With an HPA the floor is its minReplicas (the manifest often omits replicas).
    let replicas = dep["spec"]["replicas"].as_u64().unwrap_or(1);
    let floor = hpa
        .and_then(|h| h["spec"]["minReplicas"].as_u64())
        .map_or(replicas, |m| m.max(replicas));
    items.push(item(
        "replicas",
        &format!("at least {MIN_REPLICAS} replicas"),
        Severity::Critical,
        if floor >= MIN_REPLICAS {
            Ok(format!("at least {floor} replicas"))
        } else {
            Err(format!(
                "{floor} replica(s); a node drain takes the service down"
            ))
        },
    ));
    let cs = containers(dep);
    let missing = |pred: &dyn Fn(&Value) -> bool| -> Vec<String> {
        cs.iter()
            .filter(|c| !pred(c))
            .map(|c| format!("`{}`", cname(c)))
            .collect()
    };
    let verdict = |bad: Vec<String>, ok: &str, why: &str| {
        if bad.is_empty() {
            Ok(ok.to_string())
        } else {
            Err(format!("{} {why}", bad.join(", ")))
        }
    };
    let has_both = |c: &Value, section: &str| {
        ["cpu", "memory"]
            .iter()
            .all(|r| !c["resources"][section][*r].is_null())
    };
    items.push(item(
        "resources",
        "every container has CPU and memory requests and limits",
        Severity::Critical,
        verdict(
            missing(&|c| has_both(c, "requests") && has_both(c, "limits")),
            "requests and limits set",
            "lack cpu/memory requests or limits",
        ),
    ));
    let app_containers: Vec<&Value> = dep["spec"]["template"]["spec"]["containers"]
        .as_array()
        .map(|a| a.iter().collect())
        .unwrap_or_default();
    let no_probes: Vec<String> = app_containers
        .iter()
        .filter(|c| c["readinessProbe"].is_null() || c["livenessProbe"].is_null())
        .map(|c| format!("`{}`", cname(c)))
        .collect();
    items.push(item(
        "probes",
        "readiness and liveness probes",
        Severity::Critical,
        verdict(
            no_probes,
            "readiness and liveness probes set",
            "lack a readiness or liveness probe",
        ),
    ));
    items.push(item(
        "hpa",
        "a HorizontalPodAutoscaler targets the deployment",
        Severity::Warning,
        match hpa {
            Some(h) => Ok(format!(
                "HPA `{}` scales {}..{}",
                h["metadata"]["name"].as_str().unwrap_or("?"),
                h["spec"]["minReplicas"].as_u64().unwrap_or(1),
                h["spec"]["maxReplicas"].as_u64().unwrap_or(0)
            )),
            None => Err(format!("no HPA with scaleTargetRef Deployment/{name}")),
        },
    ));
    let pod_labels = &dep["spec"]["template"]["metadata"]["labels"];
    let pdb = objects.iter().find(|o| {
        o["kind"] == "PodDisruptionBudget"
            && o["spec"]["selector"]["matchLabels"]
                .as_object()
                .is_some_and(|m| !m.is_empty() && m.iter().all(|(k, v)| &pod_labels[k] == v))
    });
    items.push(item(
        "pdb",
        "a PodDisruptionBudget covers the pods",
        Severity::Warning,
        pdb.map(|p| format!("PDB `{}`", p["metadata"]["name"].as_str().unwrap_or("?")))
            .ok_or_else(|| "no PodDisruptionBudget selects the deployment's pods".to_string()),
    ));
    let ingresses: Vec<&Value> = objects.iter().filter(|o| o["kind"] == "Ingress").collect();
    let without_tls: Vec<String> = ingresses
        .iter()
        .filter(|i| i["spec"]["tls"].as_array().is_none_or(Vec::is_empty))
        .map(|i| format!("`{}`", i["metadata"]["name"].as_str().unwrap_or("?")))
        .collect();
    items.push(item(
        "ingress-tls",
        "ingress terminates TLS",
        Severity::Critical,
        if ingresses.is_empty() {
            Err("no Ingress found".to_string())
        } else {
            verdict(
                without_tls,
                "every Ingress has a tls section",
                "have no tls section",
            )
        },
    ));
    let mut leaks = Vec::new();
    for c in &cs {
        for env in c["env"].as_array().into_iter().flatten() {
            let var = env["name"].as_str().unwrap_or("");
            let literal = env["value"].as_str().unwrap_or("");
            let secretish = SECRET_NAMES
                .iter()
                .any(|s| var.to_ascii_uppercase().contains(s));
            let url_password = url::Url::parse(literal).is_ok_and(|u| u.password().is_some());
            if !literal.is_empty() && (secretish || url_password) {
                leaks.push(format!("`{}`.{var}", cname(c)));
            }
        }
    }
    items.push(item(
        "env-secrets",
        "no plaintext secret values in env",
        Severity::Critical,
        verdict(
            leaks,
            "secrets come from secretKeyRef",
            "hold literal secret values; use secretKeyRef",
        ),
    ));
    let unpinned: Vec<String> = cs
        .iter()
        .filter(|c| {
            let image = c["image"].as_str().unwrap_or("");
            let last = image.rsplit('/').next().unwrap_or("");
            !image.contains('@') && (!last.contains(':') || last.ends_with(":latest"))
        })
        .map(|c| {
            format!(
                "`{}` ({})",
                cname(c),
                c["image"].as_str().unwrap_or("no image")
            )
        })
        .collect();
    items.push(item(
        "image-pinned",
        "images are pinned (not :latest)",
        Severity::Critical,
        verdict(
            unpinned,
            "every image has a version tag or digest",
            "use :latest or no tag",
        ),
    ));
    let pod_non_root = dep["spec"]["template"]["spec"]["securityContext"]["runAsNonRoot"] == true;
    let root: Vec<String> = cs
        .iter()
        .filter(|c| match c["securityContext"]["runAsNonRoot"].as_bool() {
            Some(v) => !v,
            None => !pod_non_root,
        })
        .map(|c| format!("`{}`", cname(c)))
        .collect();
    items.push(item(
        "non-root",
        "containers run as non-root",
        Severity::Critical,
        verdict(
            root,
            "runAsNonRoot is set",
            "may run as root (set securityContext.runAsNonRoot: true)",
        ),
    ));
    items
}

fn available(dep: &Value) -> Result<String, String> {
    let desired = dep["spec"]["replicas"].as_u64().unwrap_or(1);
    let ready = dep["status"]["availableReplicas"].as_u64().unwrap_or(0);
    let condition = dep["status"]["conditions"]
        .as_array()
        .and_then(|cs| cs.iter().find(|c| c["type"] == "Available"))
        .is_some_and(|c| c["status"] == "True");
    if condition && ready >= desired {
        Ok(format!("{ready}/{desired} replicas available"))
    } else {
        Err(format!("{ready}/{desired} replicas available"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixture() -> std::path::PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/k8s")
    }

    #[test]
    fn production_set_passes_every_rule() {
        let items = check_manifests(&fixture()).unwrap();
        assert_eq!(items.len(), 9, "{items:#?}");
        for item in &items {
            assert_eq!(item.status, Status::Pass, "{item:#?}");
        }
    }

    #[test]
    fn hpa_min_replicas_stands_in_for_omitted_replicas() {
        let dir = tempfile::tempdir().unwrap();
        for entry in std::fs::read_dir(fixture()).unwrap() {
            let path = entry.unwrap().path();
            let text = std::fs::read_to_string(&path)
                .unwrap()
                .replace("  replicas: 3\n", "");
            std::fs::write(dir.path().join(path.file_name().unwrap()), text).unwrap();
        }
        let items = check_manifests(dir.path()).unwrap();
        let replicas = items
            .iter()
            .find(|i| i.id == "k8s.replicas.healthtracker")
            .unwrap();
        assert_eq!(
            (replicas.status, replicas.detail.as_str()),
            (Status::Pass, "at least 3 replicas")
        );
    }

    #[test]
    fn each_rule_catches_its_problem() {
        let dir = tempfile::tempdir().unwrap();
        let text = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: app}\nspec:\n  replicas: 1\n  template:\n    metadata: {labels: {app: app}}\n    spec:\n      containers:\n      - name: api\n        image: app:latest\n        env:\n        - {name: DB_PASSWORD, value: hunter2}\n        - {name: CACHE, value: \"redis://u:pw@cache\"}\n        - {name: RUST_LOG, value: info}\n        - {name: REDIS_URL, value: \"redis://redis:6379\"}\n---\napiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: {name: web}\nspec: {rules: []}\n";
        std::fs::write(dir.path().join("app.yaml"), text).unwrap();
        let items = check_manifests(dir.path()).unwrap();
        let failed: Vec<&str> = items
            .iter()
            .filter(|i| i.status == Status::Fail)
            .map(|i| i.id.as_str())
            .collect();
        assert_eq!(
            failed,
            [
                "k8s.replicas.app",
                "k8s.resources.app",
                "k8s.probes.app",
                "k8s.hpa.app",
                "k8s.pdb.app",
                "k8s.ingress-tls.app",
                "k8s.env-secrets.app",
                "k8s.image-pinned.app",
                "k8s.non-root.app"
            ]
        );
        let leak = items
            .iter()
            .find(|i| i.id == "k8s.env-secrets.app")
            .unwrap();
        assert!(
            leak.detail.contains("DB_PASSWORD")
                && leak.detail.contains("CACHE")
                && !leak.detail.contains("RUST_LOG")
                && !leak.detail.contains("REDIS_URL"),
            "{}",
            leak.detail
        );
        assert!(!leak.detail.contains("hunter2"), "never print the secret");
    }
}
