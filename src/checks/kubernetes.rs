//! The `kubernetes` and `manifests` kinds: the production-readiness rules of
//! `kube::rules`, live against the cluster or offline over the YAML in `k8s/`.
//! One checklist item can run every rule or only some (`rules: [hpa, pdb]`),
//! so a seed line like "Horizontal Pod Autoscaler configured" is its own item.

use std::path::Path;

use serde::Deserialize;

use super::{Deps, Outcome};
use crate::kube::AppDeployment;
use crate::kube::rules::{self, Rule};
use crate::report::{Item, Status};

/// `kind: manifests`: the rules over a directory of manifests.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ManifestsCheck {
    /// Directory of manifests (default: the `kube.manifests` setting).
    pub dir: Option<String>,
    /// Only these rules (default: all).
    #[serde(default)]
    pub rules: Vec<Rule>,
}

/// `kind: kubernetes`: the rules over the live Deployment of the environment.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KubernetesCheck {
    /// Namespace (default: the `kube.namespace` setting).
    pub namespace: Option<String>,
    /// Deployment (default: the `kube.deployment` setting).
    pub deployment: Option<String>,
    /// Only these rules (default: all).
    #[serde(default)]
    pub rules: Vec<Rule>,
}

pub async fn run_manifests(check: &ManifestsCheck, deps: &Deps) -> Outcome {
    let dir = check
        .dir
        .as_deref()
        .or(deps.settings.get("kube.manifests"))
        .unwrap_or("k8s/");
    let path = Path::new(dir);
    // Parsing YAML files is blocking work; keep it off the async threads.
    let owned = path.to_path_buf();
    let items = match tokio::task::spawn_blocking(move || rules::check_manifests(&owned)).await {
        Ok(Ok(items)) => items,
        Ok(Err(err)) => return Outcome::error(format!("{err:#}")),
        Err(err) => return Outcome::error(format!("rule check crashed: {err}")),
    };
    judge(&items, &check.rules, &format!("manifests in `{dir}`"))
}

/// The environment's cluster, with a check's own `namespace` and
/// `deployment` in place of the settings' when given; an error outcome when
/// it cannot be reached.
pub(super) async fn target(
    namespace: &Option<String>,
    deployment: &Option<String>,
    deps: &Deps,
) -> Result<AppDeployment, Outcome> {
    let mut target = AppDeployment::connect(&deps.settings)
        .await
        .map_err(|err| Outcome::error(format!("{err:#}")))?;
    if let Some(ns) = namespace {
        target.namespace = ns.clone();
    }
    if let Some(name) = deployment {
        target.deployment = name.clone();
    }
    Ok(target)
}

pub async fn run_live(check: &KubernetesCheck, deps: &Deps) -> Outcome {
    let target = match target(&check.namespace, &check.deployment, deps).await {
        Ok(target) => target,
        Err(outcome) => return outcome,
    };
    match rules::check_live(&target.client, &target.namespace, &target.deployment).await {
        Ok(items) => judge(
            &items,
            &check.rules,
            &format!(
                "deployment `{}` in `{}`",
                target.deployment, target.namespace
            ),
        ),
        Err(err) => Outcome::error(format!("{err:#}")),
    }
}

/// One outcome from the rule items: the selected rules' failures, or a pass
/// naming how many rules held.
fn judge(items: &[Item], only: &[Rule], what: &str) -> Outcome {
    let selected: Vec<&Item> = items
        .iter()
        .filter(|item| only.is_empty() || only.iter().any(|r| r.reported(item)))
        .collect();
    if selected.is_empty() {
        return Outcome::fail(format!("no rule applied to {what}"));
    }
    let problems = selected
        .iter()
        .filter(|i| i.status != Status::Pass)
        .map(|i| (i.status, format!("{}: {}", i.title, i.detail)))
        .collect();
    Outcome::from_findings(
        format!("{} rules hold for {what}", selected.len()),
        problems,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::Severity;
    use std::time::Duration;

    fn item(id: &str, status: Status) -> Item {
        Item::new(id, id, Severity::Critical, status, Duration::ZERO, "why")
    }

    #[test]
    fn selects_rules_by_id() {
        let items = [
            item("k8s.hpa.api", Status::Fail),
            item("k8s.pdb.api", Status::Pass),
            item("k8s.probes.api", Status::Pass),
        ];
        assert_eq!(judge(&items, &[Rule::Pdb], "x").status, Status::Pass);
        assert_eq!(judge(&items, &[Rule::Hpa], "x").status, Status::Fail);
        assert_eq!(judge(&items, &[], "x").status, Status::Fail);
        assert_eq!(judge(&items, &[Rule::NonRoot], "x").status, Status::Fail);
    }

    #[test]
    fn unknown_rule_is_a_parse_error() {
        let err = crate::yaml::from_str::<ManifestsCheck>("rules: [hpaa]\n", Path::new("c.yaml"))
            .unwrap_err();
        assert!(err.message.contains("hpaa"), "{err}");
    }
}
