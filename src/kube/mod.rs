//! Kubernetes deploys through kube-rs: the client from the kubeconfig and the
//! `kube.*` settings, server-side apply of the manifests, rollout waiting with
//! `kubectl rollout status` semantics, history, restart, `kubectl rollout undo`
//! semantics for rollback, and the readiness rules preflight runs.
//!
//! Nothing here shells out to kubectl and nothing here knows about clap.

pub mod apply;
pub mod diff;
pub mod health;
pub mod history;
pub mod manifests;
pub mod rollback;
pub mod rules;
pub mod schema;
pub mod wait;

use std::time::Duration;

use anyhow::{Context, Result};
use k8s_openapi::api::apps::v1::Deployment;
use kube::api::{Patch, PatchParams};
use kube::config::{KubeConfigOptions, Kubeconfig};
use kube::{Api, Client, Config};

use crate::config::Settings;
use crate::exit::UsageError;

/// Field manager of every server-side apply hctl makes.
pub const FIELD_MANAGER: &str = "hctl";
/// Pod-template annotation: the database schema version a release expects.
pub const SCHEMA_ANNOTATION: &str = "healthtracker.io/schema-version";
/// Deployment annotation kubectl shows as CHANGE-CAUSE.
pub const CHANGE_CAUSE: &str = "kubernetes.io/change-cause";
/// Revision of a ReplicaSet (and of the Deployment's current one).
pub const REVISION: &str = "deployment.kubernetes.io/revision";
/// Label the deployment controller adds to tell ReplicaSets apart.
pub const HASH_LABEL: &str = "pod-template-hash";
/// Pod-template annotation `kubectl rollout restart` sets.
pub const RESTARTED_AT: &str = "kubectl.kubernetes.io/restartedAt";

/// The Deployment an environment deploys, and the client to reach it.
#[derive(Clone)]
pub struct AppDeployment {
    pub client: Client,
    pub namespace: String,
    pub deployment: String,
    /// Where the client points, for messages.
    pub cluster: String,
}

impl AppDeployment {
    /// Build the client from the kubeconfig (`KUBECONFIG` or `~/.kube/config`;
    /// the in-cluster service account when there is none), using the
    /// `kube.context` setting when set.
    pub async fn connect(settings: &Settings) -> Result<Self> {
        let context = settings.get("kube.context").map(str::to_string);
        let config = match Kubeconfig::read() {
            Ok(kubeconfig) => {
                if let Some(name) = &context
                    && !kubeconfig.contexts.iter().any(|c| &c.name == name)
                {
                    let known: Vec<&str> = kubeconfig.contexts.iter().map(|c| c.name.as_str()).collect();
                    return Err(UsageError::new(format!(
                        "kubeconfig context `{name}` (the `kube.context` setting) does not exist; known contexts: {}",
                        known.join(", ")
                    )).into());
                }
                let options = KubeConfigOptions {
                    context: context.clone(),
                    ..KubeConfigOptions::default()
                };
                Config::from_custom_kubeconfig(kubeconfig, &options)
                    .await
                    .context("cannot use the kubeconfig")?
            }
            Err(read_err) => Config::incluster().map_err(|_| {
                anyhow::Error::new(read_err).context(
                    "no usable kubeconfig (set KUBECONFIG or create ~/.kube/config) and not running in a cluster",
                )
            })?,
        };
        let mut config = config;
        config.connect_timeout = Some(Duration::from_secs(10));
        let cluster = config.cluster_url.to_string();
        let client = Client::try_from(config)
            .with_context(|| format!("cannot build a Kubernetes client for `{cluster}`"))?;
        Ok(AppDeployment {
            client,
            namespace: settings.require("kube.namespace")?.to_string(),
            deployment: settings.require("kube.deployment")?.to_string(),
            cluster,
        })
    }

    pub fn deployments(&self) -> Api<Deployment> {
        Api::namespaced(self.client.clone(), &self.namespace)
    }

    /// The Deployment, with a message naming it and the namespace when absent.
    pub async fn get_deployment(&self) -> Result<Deployment> {
        self.deployments().get(&self.deployment).await.map_err(|e| {
            api_error(
                e,
                &format!(
                    "deployment `{}` in namespace `{}`",
                    self.deployment, self.namespace
                ),
            )
        })
    }
}

/// A `kubectl rollout restart` that was sent.
#[derive(Debug, Clone)]
pub struct Restarted {
    /// The `kubectl.kubernetes.io/restartedAt` stamp (RFC 3339, seconds).
    pub at: String,
    /// The Deployment's generation after the patch, to wait for.
    pub generation: i64,
}

impl AppDeployment {
    /// Restart every pod of the Deployment with a rolling update, as
    /// `kubectl rollout restart` does: stamp the pod template with the time.
    pub async fn restart(&self) -> Result<Restarted> {
        let at = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
        let patch = serde_json::json!({"spec": {"template": {"metadata": {"annotations": {RESTARTED_AT: at}}}}});
        let dep = self
            .deployments()
            .patch(
                &self.deployment,
                &PatchParams::default(),
                &Patch::Strategic(&patch),
            )
            .await
            .map_err(|e| api_error(e, &format!("restart of deployment `{}`", self.deployment)))
            .context("could not restart")?;
        Ok(Restarted {
            at,
            generation: dep.metadata.generation.unwrap_or(0),
        })
    }
}

/// Turn a kube error into one that says what was asked and what to check.
pub fn api_error(err: kube::Error, what: &str) -> anyhow::Error {
    let hint = match &err {
        kube::Error::Api(status) => match status.code {
            401 => Some(
                "the API server rejected the credentials (401): check the kubeconfig user or token",
            ),
            403 => Some(
                "the credentials are not allowed to do this (403): check the RBAC role of the kubeconfig user",
            ),
            404 => Some(
                "not found (404): check `kube.namespace` / `kube.deployment` and the kubeconfig context",
            ),
            409 => Some(
                "conflict (409): the object changed or another field manager owns the field; retry",
            ),
            500..=599 => Some("the API server failed (5xx); retry, or check the control plane"),
            _ => None,
        },
        kube::Error::HyperError(_) | kube::Error::Service(_) => Some(
            "the API server is unreachable: check the kubeconfig server address and the network",
        ),
        _ => None,
    };
    let err = match err {
        // The API's own words, without kube-rs's debug dump of the Status.
        kube::Error::Api(status) => anyhow::anyhow!(
            "request for {what} failed: {} ({} {})",
            status.message,
            status.code,
            status.reason
        ),
        other => anyhow::Error::new(other).context(format!("request for {what} failed")),
    };
    match hint {
        Some(hint) => err.context(hint.to_string()),
        None => err,
    }
}
