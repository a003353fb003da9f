//! How each [`Rule`] decides, over the typed objects: `Ok(why it holds)` or
//! `Err(what is wrong)`, the item's detail either way.

use std::collections::BTreeMap;

use k8s_openapi::api::apps::v1::Deployment;
use k8s_openapi::api::autoscaling::v2::HorizontalPodAutoscaler;
use k8s_openapi::api::core::v1::{Container, PodSpec};

use super::{MIN_REPLICAS, Neighbours, Rule};

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

/// One Deployment as the rules see it.
pub(super) struct Subject<'a> {
    pub name: &'a str,
    dep: &'a Deployment,
    pod: Option<&'a PodSpec>,
    around: &'a Neighbours,
}

impl<'a> Subject<'a> {
    pub fn new(dep: &'a Deployment, around: &'a Neighbours) -> Self {
        Subject {
            name: name_of(&dep.metadata.name),
            dep,
            pod: dep.spec.as_ref().and_then(|s| s.template.spec.as_ref()),
            around,
        }
    }

    /// Init containers, then the app's.
    fn containers(&self) -> impl Iterator<Item = &'a Container> {
        let pod = self.pod;
        pod.and_then(|p| p.init_containers.as_deref())
            .unwrap_or_default()
            .iter()
            .chain(self.app_containers())
    }

    fn app_containers(&self) -> impl Iterator<Item = &'a Container> {
        self.pod
            .map(|p| p.containers.as_slice())
            .unwrap_or_default()
            .iter()
    }

    fn replicas(&self) -> u64 {
        count(self.dep.spec.as_ref().and_then(|s| s.replicas)).unwrap_or(1)
    }

    fn hpa(&self) -> Option<&'a HorizontalPodAutoscaler> {
        self.around.hpas.iter().find(|h| {
            h.spec.as_ref().is_some_and(|s| {
                s.scale_target_ref.kind == "Deployment" && s.scale_target_ref.name == self.name
            })
        })
    }

    fn pod_labels(&self) -> Option<&'a BTreeMap<String, String>> {
        let template = &self.dep.spec.as_ref()?.template;
        template.metadata.as_ref()?.labels.as_ref()
    }
}

/// A non-negative count; `None` for a negative one, as for a missing one.
fn count(n: Option<i32>) -> Option<u64> {
    n.and_then(|n| u64::try_from(n).ok())
}

fn name_of(name: &Option<String>) -> &str {
    name.as_deref().unwrap_or("?")
}

fn cname(c: &Container) -> &str {
    if c.name.is_empty() { "?" } else { &c.name }
}

/// `Ok(why it holds)` or `Err(what is wrong)`.
pub(super) fn verdict(rule: Rule, s: &Subject) -> Result<String, String> {
    match rule {
        Rule::Available => available(s.dep),
        Rule::Replicas => replicas(s),
        Rule::Resources => listed(
            s.containers()
                .filter(|c| !(has_both(c, Limit::Requests) && has_both(c, Limit::Limits)))
                .map(|c| format!("`{}`", cname(c))),
            "requests and limits set",
            "lack cpu/memory requests or limits",
        ),
        Rule::Probes => listed(
            s.app_containers()
                .filter(|c| c.readiness_probe.is_none() || c.liveness_probe.is_none())
                .map(|c| format!("`{}`", cname(c))),
            "readiness and liveness probes set",
            "lack a readiness or liveness probe",
        ),
        Rule::Hpa => match s.hpa() {
            Some(h) => {
                let spec = h.spec.as_ref();
                Ok(format!(
                    "HPA `{}` scales {}..{}",
                    name_of(&h.metadata.name),
                    count(spec.and_then(|s| s.min_replicas)).unwrap_or(1),
                    count(spec.map(|s| s.max_replicas)).unwrap_or(0)
                ))
            }
            None => Err(format!("no HPA with scaleTargetRef Deployment/{}", s.name)),
        },
        Rule::Pdb => pdb(s),
        Rule::IngressTls => ingress_tls(s),
        Rule::EnvSecrets => listed(
            s.containers().flat_map(leaks),
            "secrets come from secretKeyRef",
            "hold literal secret values; use secretKeyRef",
        ),
        Rule::ImagePinned => listed(
            s.containers().filter(|c| !pinned(c)).map(|c| {
                format!(
                    "`{}` ({})",
                    cname(c),
                    c.image.as_deref().unwrap_or("no image")
                )
            }),
            "every image has a version tag or digest",
            "use :latest or no tag",
        ),
        Rule::NonRoot => {
            let pod_non_root = s
                .pod
                .and_then(|p| p.security_context.as_ref())
                .and_then(|c| c.run_as_non_root)
                == Some(true);
            listed(
                s.containers()
                    .filter(|c| {
                        match c
                            .security_context
                            .as_ref()
                            .and_then(|sc| sc.run_as_non_root)
                        {
                            Some(v) => !v,
                            None => !pod_non_root,
                        }
                    })
                    .map(|c| format!("`{}`", cname(c))),
                "runAsNonRoot is set",
                "may run as root (set securityContext.runAsNonRoot: true)",
            )
        }
    }
}

/// `ok` when nothing is listed, else the list and why it is wrong.
fn listed(bad: impl Iterator<Item = String>, ok: &str, why: &str) -> Result<String, String> {
    let bad: Vec<String> = bad.collect();
    if bad.is_empty() {
        Ok(ok.to_string())
    } else {
        Err(format!("{} {why}", bad.join(", ")))
    }
}

#[derive(Clone, Copy)]
enum Limit {
    Requests,
    Limits,
}

/// Both `cpu` and `memory` under `resources.requests` (or `.limits`).
fn has_both(c: &Container, which: Limit) -> bool {
    let resources = c.resources.as_ref();
    let set = match which {
        Limit::Requests => resources.and_then(|r| r.requests.as_ref()),
        Limit::Limits => resources.and_then(|r| r.limits.as_ref()),
    };
    set.is_some_and(|m| ["cpu", "memory"].iter().all(|r| m.contains_key(*r)))
}

fn replicas(s: &Subject) -> Result<String, String> {
    // With an HPA the floor is its minReplicas (the manifest often omits replicas).
    let replicas = s.replicas();
    let floor = s
        .hpa()
        .and_then(|h| count(h.spec.as_ref()?.min_replicas))
        .map_or(replicas, |m| m.max(replicas));
    if floor >= MIN_REPLICAS {
        Ok(format!("at least {floor} replicas"))
    } else {
        Err(format!(
            "{floor} replica(s); a node drain takes the service down"
        ))
    }
}

fn pdb(s: &Subject) -> Result<String, String> {
    let pod_labels = s.pod_labels();
    let pdb = s.around.pdbs.iter().find(|p| {
        let selects = p
            .spec
            .as_ref()
            .and_then(|spec| spec.selector.as_ref())
            .and_then(|sel| sel.match_labels.as_ref());
        selects.is_some_and(|m| {
            !m.is_empty()
                && m.iter()
                    .all(|(k, v)| pod_labels.and_then(|l| l.get(k)) == Some(v))
        })
    });
    pdb.map(|p| format!("PDB `{}`", name_of(&p.metadata.name)))
        .ok_or_else(|| "no PodDisruptionBudget selects the deployment's pods".to_string())
}

fn ingress_tls(s: &Subject) -> Result<String, String> {
    let ingresses = &s.around.ingresses;
    if ingresses.is_empty() {
        return Err("no Ingress found".to_string());
    }
    listed(
        ingresses
            .iter()
            .filter(|i| {
                i.spec
                    .as_ref()
                    .and_then(|spec| spec.tls.as_ref())
                    .is_none_or(Vec::is_empty)
            })
            .map(|i| format!("`{}`", name_of(&i.metadata.name))),
        "every Ingress has a tls section",
        "have no tls section",
    )
}

/// The container's env vars whose literal value is a secret, as
/// `` `container`.VAR `` (never the value).
fn leaks(c: &Container) -> Vec<String> {
    let mut leaks = Vec::new();
    for env in c.env.as_deref().unwrap_or_default() {
        let var = env.name.as_str();
        let literal = env.value.as_deref().unwrap_or("");
        let secretish = SECRET_NAMES
            .iter()
            .any(|s| var.to_ascii_uppercase().contains(s));
        let url_password = url::Url::parse(literal).is_ok_and(|u| u.password().is_some());
        if !literal.is_empty() && (secretish || url_password) {
            leaks.push(format!("`{}`.{var}", cname(c)));
        }
    }
    leaks
}

/// A digest, or a tag other than `latest`.
fn pinned(c: &Container) -> bool {
    let image = c.image.as_deref().unwrap_or("");
    let last = image.rsplit('/').next().unwrap_or("");
    image.contains('@') || (last.contains(':') && !last.ends_with(":latest"))
}

fn available(dep: &Deployment) -> Result<String, String> {
    let desired = count(dep.spec.as_ref().and_then(|s| s.replicas)).unwrap_or(1);
    let status = dep.status.as_ref();
    let ready = count(status.and_then(|s| s.available_replicas)).unwrap_or(0);
    let condition = status
        .and_then(|s| s.conditions.as_ref())
        .and_then(|cs| cs.iter().find(|c| c.type_ == "Available"))
        .is_some_and(|c| c.status == "True");
    if condition && ready >= desired {
        Ok(format!("{ready}/{desired} replicas available"))
    } else {
        Err(format!("{ready}/{desired} replicas available"))
    }
}
