//! The `rollout` kind: the live Deployment is fully rolled out (decided as
//! `kubectl rollout status` decides, by `kube::wait::assess`) at the expected
//! image and/or revision. A rollout still in progress fails saying what it
//! waits for; one that cannot finish (progress deadline) fails saying why.

use k8s_openapi::api::apps::v1::Deployment;
use kube::ResourceExt;
use serde::Deserialize;

use super::{Deps, Outcome};
use crate::kube::REVISION;
use crate::kube::wait::{Verdict, assess};
use crate::report::Status;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RolloutCheck {
    /// Namespace (default: the `kube.namespace` setting).
    pub namespace: Option<String>,
    /// Deployment (default: the `kube.deployment` setting).
    pub deployment: Option<String>,
    /// The image the Deployment must run, e.g. `ghcr.io/org/api:1.4.2`: every
    /// container of that repository runs exactly it (sidecars of other
    /// repositories are not judged), or `container:` names the one.
    pub image: Option<String>,
    /// Judge only this container's image.
    pub container: Option<String>,
    /// The Deployment's revision (`deployment.kubernetes.io/revision`).
    pub revision: Option<i64>,
}

pub async fn run(check: &RolloutCheck, deps: &Deps) -> Outcome {
    let target = match super::kubernetes::target(&check.namespace, &check.deployment, deps).await {
        Ok(target) => target,
        Err(outcome) => return outcome,
    };
    match target.get_deployment().await {
        Ok(dep) => judge(check, &dep, &target.namespace),
        Err(err) => Outcome::error(format!("{err:#}")),
    }
}

/// Judge a Deployment as read from the API.
pub fn judge(check: &RolloutCheck, dep: &Deployment, namespace: &str) -> Outcome {
    let name = dep.name_any();
    let mut problems = Vec::new();
    let done = match assess(dep, 0, []) {
        Verdict::Complete(text) => text,
        Verdict::Pending(text) => {
            problems.push((
                Status::Fail,
                format!("rollout of `{name}` in `{namespace}` not complete: {text}"),
            ));
            String::new()
        }
        Verdict::Failed(text) => {
            problems.push((Status::Fail, format!("rollout failed: {text}")));
            String::new()
        }
    };
    let revision = dep
        .annotations()
        .get(REVISION)
        .and_then(|r| r.parse::<i64>().ok());
    if let Some(want) = check.revision
        && revision != Some(want)
    {
        let have = revision.map_or("none".to_string(), |r| r.to_string());
        problems.push((
            Status::Fail,
            format!("deployment `{name}` is at revision {have}, expected {want}"),
        ));
    }
    let mut shown = Vec::new();
    if let Some(want) = &check.image {
        match image_problem(dep, want, check.container.as_deref()) {
            Some(problem) => problems.push((Status::Fail, problem)),
            None => shown.push(format!("image {want}")),
        }
    }
    if let Some(r) = revision {
        shown.push(format!("revision {r}"));
    }
    let ok = if shown.is_empty() {
        done
    } else {
        format!("{done} at {}", shown.join(", "))
    };
    Outcome::from_findings(ok, problems)
}

/// Why the pod template does not run `want`, if it does not.
fn image_problem(dep: &Deployment, want: &str, container: Option<&str>) -> Option<String> {
    let containers: Vec<(String, String)> = dep
        .spec
        .as_ref()
        .and_then(|s| s.template.spec.as_ref())
        .map(|p| {
            p.containers
                .iter()
                .map(|c| (c.name.clone(), c.image.clone().unwrap_or_default()))
                .collect()
        })
        .unwrap_or_default();
    let judged: Vec<&(String, String)> = match container {
        Some(name) => containers.iter().filter(|(n, _)| n == name).collect(),
        None => containers
            .iter()
            .filter(|(_, image)| repository(image) == repository(want))
            .collect(),
    };
    if judged.is_empty() {
        let running: Vec<String> = containers.iter().map(|(n, i)| format!("{n}={i}")).collect();
        let what = match container {
            Some(name) => format!("no container `{name}`"),
            None => format!("no container runs `{}`", repository(want)),
        };
        return Some(format!("{what} (containers: {})", running.join(", ")));
    }
    let wrong: Vec<String> = judged
        .iter()
        .filter(|(_, image)| image != want)
        .map(|(n, i)| format!("container `{n}` runs `{i}`"))
        .collect();
    (!wrong.is_empty()).then(|| format!("{}, expected `{want}`", wrong.join(", ")))
}

/// `ghcr.io/org/api` of `ghcr.io/org/api:1.2` or `…@sha256:…`; a registry
/// port (`host:5000/api`) is not a tag.
fn repository(image: &str) -> &str {
    let image = image.split('@').next().unwrap_or(image);
    match image.rfind(':') {
        Some(i) if !image[i..].contains('/') => &image[..i],
        _ => image,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repository_drops_tag_and_digest_but_not_a_registry_port() {
        assert_eq!(repository("ghcr.io/o/api:1.2"), "ghcr.io/o/api");
        assert_eq!(repository("ghcr.io/o/api@sha256:ab"), "ghcr.io/o/api");
        assert_eq!(repository("reg:5000/api"), "reg:5000/api");
        assert_eq!(repository("reg:5000/api:2"), "reg:5000/api");
        assert_eq!(repository("api"), "api");
    }
}
