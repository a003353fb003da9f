//! The shipped `k8s/` manifests parse as the real Kubernetes types and meet
//! the launch rules: probes, requests and limits, non-root, pinned image,
//! secrets by reference only, HPA, PDB and TLS on the ingress.

use k8s_openapi::api::apps::v1::Deployment;
use k8s_openapi::api::autoscaling::v2::HorizontalPodAutoscaler;
use k8s_openapi::api::core::v1::Service;
use k8s_openapi::api::networking::v1::Ingress;
use k8s_openapi::api::policy::v1::PodDisruptionBudget;

fn load<T: serde::de::DeserializeOwned>(file: &str) -> T {
    let path = format!("{}/k8s/{file}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap();
    serde_saphyr::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}"))
}

#[test]
fn deployment_meets_the_launch_rules() {
    let d: Deployment = load("deployment.yaml");
    let pod = d.spec.unwrap().template.spec.unwrap();
    assert_eq!(pod.security_context.unwrap().run_as_non_root, Some(true));
    for c in &pod.containers {
        let image = c.image.as_deref().unwrap();
        assert!(
            image.contains(':') && !image.ends_with(":latest"),
            "{image}"
        );
        let res = c.resources.as_ref().unwrap();
        for key in ["cpu", "memory"] {
            assert!(
                res.requests.as_ref().unwrap().contains_key(key),
                "{key} request"
            );
            assert!(
                res.limits.as_ref().unwrap().contains_key(key),
                "{key} limit"
            );
        }
        assert_eq!(
            c.readiness_probe
                .as_ref()
                .unwrap()
                .http_get
                .as_ref()
                .unwrap()
                .path
                .as_deref(),
            Some("/api/readyz")
        );
        assert_eq!(
            c.liveness_probe
                .as_ref()
                .unwrap()
                .http_get
                .as_ref()
                .unwrap()
                .path
                .as_deref(),
            Some("/api/healthz")
        );
        assert_eq!(
            c.security_context
                .as_ref()
                .unwrap()
                .allow_privilege_escalation,
            Some(false)
        );
        for env in c.env.as_deref().unwrap_or_default() {
            let secret_like = ["SECRET", "TOKEN", "DATABASE_URL", "REDIS_URL", "KEY"]
                .iter()
                .any(|s| env.name.contains(s));
            if secret_like {
                assert!(
                    env.value.is_none(),
                    "{} must come from a secretKeyRef",
                    env.name
                );
                assert!(
                    env.value_from.as_ref().unwrap().secret_key_ref.is_some(),
                    "{}",
                    env.name
                );
            }
        }
    }
}

#[test]
fn scaling_disruption_service_and_tls_are_defined() {
    let hpa: HorizontalPodAutoscaler = load("hpa.yaml");
    let spec = hpa.spec.unwrap();
    assert_eq!(spec.scale_target_ref.name, "healthtracker");
    assert!(spec.min_replicas.unwrap() >= 2 && spec.max_replicas > spec.min_replicas.unwrap());
    let pdb: PodDisruptionBudget = load("pdb.yaml");
    assert!(pdb.spec.unwrap().min_available.is_some());
    let svc: Service = load("service.yaml");
    assert_eq!(
        svc.spec.unwrap().selector.unwrap()["app.kubernetes.io/name"],
        "healthtracker"
    );
    let ingress: Ingress = load("ingress.yaml");
    let tls = ingress.spec.unwrap().tls.unwrap();
    assert!(!tls.is_empty() && tls[0].secret_name.is_some());
}
