//! Production-readiness rules for the app's Kubernetes objects, the same
//! rules offline (`manifests`: the YAML in `k8s/`) and live (`kubernetes`: the
//! objects in the cluster), read as the k8s-openapi types the API server
//! serves. Each [`Rule`] yields one [`Item`] per Deployment, with the id
//! `k8s.<rule>.<deployment>` that a checklist item selects rules by
//! (`rules: [hpa, pdb]`).

use std::path::Path;
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use k8s_openapi::api::apps::v1::Deployment;
use k8s_openapi::api::autoscaling::v2::HorizontalPodAutoscaler;
use k8s_openapi::api::networking::v1::Ingress;
use k8s_openapi::api::policy::v1::PodDisruptionBudget;
use kube::api::{Api, ListParams};
use kube::{Client, Resource};
use serde::Deserialize;
use serde::de::DeserializeOwned;

mod verdicts;

use super::api_error;
use super::manifests::{self, Manifest};
use crate::report::{Item, Severity, Status};
use verdicts::{Subject, verdict};

/// Fewer replicas than this cannot survive a node drain.
pub const MIN_REPLICAS: u64 = 2;

/// One rule, named in YAML by its id (`ingress-tls`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Rule {
    Available,
    Replicas,
    Resources,
    Probes,
    Hpa,
    Pdb,
    IngressTls,
    EnvSecrets,
    ImagePinned,
    NonRoot,
}

impl Rule {
    /// Every rule, in report order; `available` runs live only (a manifest
    /// has no status).
    pub const ALL: [Rule; 10] = [
        Rule::Available,
        Rule::Replicas,
        Rule::Resources,
        Rule::Probes,
        Rule::Hpa,
        Rule::Pdb,
        Rule::IngressTls,
        Rule::EnvSecrets,
        Rule::ImagePinned,
        Rule::NonRoot,
    ];

    /// The id in YAML and in item ids (`k8s.<id>.<deployment>`).
    pub fn id(self) -> &'static str {
        match self {
            Rule::Available => "available",
            Rule::Replicas => "replicas",
            Rule::Resources => "resources",
            Rule::Probes => "probes",
            Rule::Hpa => "hpa",
            Rule::Pdb => "pdb",
            Rule::IngressTls => "ingress-tls",
            Rule::EnvSecrets => "env-secrets",
            Rule::ImagePinned => "image-pinned",
            Rule::NonRoot => "non-root",
        }
    }

    /// Whether `item` is this rule's verdict on some Deployment.
    pub fn reported(self, item: &Item) -> bool {
        item.id
            .strip_prefix("k8s.")
            .and_then(|rest| rest.strip_prefix(self.id()))
            .is_some_and(|rest| rest.starts_with('.'))
    }

    fn title(self) -> String {
        match self {
            Rule::Available => "deployment is available".into(),
            Rule::Replicas => format!("at least {MIN_REPLICAS} replicas"),
            Rule::Resources => "every container has CPU and memory requests and limits".into(),
            Rule::Probes => "readiness and liveness probes".into(),
            Rule::Hpa => "a HorizontalPodAutoscaler targets the deployment".into(),
            Rule::Pdb => "a PodDisruptionBudget covers the pods".into(),
            Rule::IngressTls => "ingress terminates TLS".into(),
            Rule::EnvSecrets => "no plaintext secret values in env".into(),
            Rule::ImagePinned => "images are pinned (not :latest)".into(),
            Rule::NonRoot => "containers run as non-root".into(),
        }
    }

    fn severity(self) -> Severity {
        match self {
            Rule::Hpa | Rule::Pdb => Severity::Warning,
            _ => Severity::Critical,
        }
    }
}

/// What the rules read besides the Deployment itself: the objects of its
/// namespace (live) or of the manifests directory (offline).
#[derive(Debug, Default)]
struct Neighbours {
    hpas: Vec<HorizontalPodAutoscaler>,
    pdbs: Vec<PodDisruptionBudget>,
    ingresses: Vec<Ingress>,
}

/// The rules over the manifests in `dir`.
pub fn check_manifests(dir: &Path) -> Result<Vec<Item>> {
    let started = Instant::now();
    let mut deployments: Vec<Deployment> = Vec::new();
    let mut around = Neighbours::default();
    for manifest in manifests::load(dir)? {
        match manifest.kind.as_str() {
            "Deployment" => deployments.push(read(manifest)?),
            "HorizontalPodAutoscaler" => around.hpas.push(read(manifest)?),
            "PodDisruptionBudget" => around.pdbs.push(read(manifest)?),
            "Ingress" => around.ingresses.push(read(manifest)?),
            _ => {}
        }
    }
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
        .flat_map(|d| rules(d, &around, false, started.elapsed()))
        .collect())
}

/// One manifest as its k8s-openapi type. The rules read only fields every
/// served version of the kind shares (an `autoscaling/v1` HPA has the same
/// `minReplicas`, `maxReplicas` and `scaleTargetRef`), so any version reads
/// as the type's own; fields the type lacks are ignored.
fn read<K>(manifest: Manifest) -> Result<K>
where
    K: Resource<DynamicType = ()> + DeserializeOwned,
{
    let Manifest {
        path, mut object, ..
    } = manifest;
    let id = format!(
        "{}/{}",
        K::kind(&()),
        object["metadata"]["name"].as_str().unwrap_or("?")
    );
    if let Some(fields) = object.as_object_mut() {
        fields.insert("apiVersion".into(), K::api_version(&()).into());
    }
    serde_json::from_value(object).with_context(|| {
        format!(
            "`{}`: `{id}` is not a valid {}",
            path.display(),
            K::kind(&())
        )
    })
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
    let around = Neighbours {
        hpas: list(client, namespace).await?,
        pdbs: list(client, namespace).await?,
        ingresses: list(client, namespace).await?,
    };
    Ok(rules(&dep, &around, true, started.elapsed()))
}

async fn list<K>(client: &Client, namespace: &str) -> Result<Vec<K>>
where
    K: Resource<DynamicType = (), Scope = k8s_openapi::NamespaceResourceScope>
        + Clone
        + DeserializeOwned
        + std::fmt::Debug,
{
    let api: Api<K> = Api::namespaced(client.clone(), namespace);
    let items = api
        .list(&ListParams::default())
        .await
        .map_err(|e| api_error(e, &format!("{} in namespace `{namespace}`", K::plural(&()))))?;
    Ok(items.items)
}

/// Every rule for one Deployment.
fn rules(dep: &Deployment, around: &Neighbours, live: bool, elapsed: Duration) -> Vec<Item> {
    let subject = Subject::new(dep, around);
    let section = format!("Deployment/{}", subject.name);
    Rule::ALL
        .into_iter()
        .filter(|rule| live || *rule != Rule::Available)
        .map(|rule| {
            let (status, detail) = match verdict(rule, &subject) {
                Ok(d) => (Status::Pass, d),
                Err(d) => (Status::Fail, d),
            };
            Item::new(
                format!("k8s.{}.{}", rule.id(), subject.name),
                rule.title(),
                rule.severity(),
                status,
                elapsed,
                detail,
            )
            .in_section(section.clone())
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixture() -> std::path::PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/k8s")
    }

    #[test]
    fn every_rule_reads_back_from_its_id() {
        for rule in Rule::ALL {
            let yaml = format!("{}\n", rule.id());
            let back: Rule = crate::yaml::from_str(&yaml, Path::new("rules.yaml")).unwrap();
            assert_eq!(back, rule);
        }
    }

    #[test]
    fn a_field_of_the_wrong_type_names_the_file_and_object() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("app.yaml");
        let text = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: app}\nspec: {replicas: three}\n";
        std::fs::write(&path, text).unwrap();
        let err = format!("{:#}", check_manifests(dir.path()).unwrap_err());
        assert!(
            err.starts_with(&format!(
                "`{}`: `Deployment/app` is not a valid Deployment: ",
                path.display()
            )),
            "{err}"
        );
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
