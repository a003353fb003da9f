//! The readiness rules live against the emulator (offline ones are unit tests
//! in `kube::rules`).

use hctl::kube::rules;
use hctl::report::Status;

use super::{APP, Cluster, NS};

fn live(c: &Cluster) -> Vec<hctl::report::Item> {
    hctl::init_crypto();
    let kubeconfig = c.kubeconfig.clone();
    std::thread::spawn(move || {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap()
            .block_on(async move {
                let config = kube::Config::from_custom_kubeconfig(
                    kube::config::Kubeconfig::read_from(&kubeconfig).unwrap(),
                    &kube::config::KubeConfigOptions::default(),
                )
                .await
                .unwrap();
                let client = kube::Client::try_from(config).unwrap();
                rules::check_live(&client, NS, APP).await.unwrap()
            })
    })
    .join()
    .unwrap()
}

#[test]
fn production_set_passes_live_and_a_missing_hpa_fails() {
    let c = Cluster::new();
    c.deploy("ghcr.io/healthtracker/api:1.0.0");
    let items = live(&c);
    assert_eq!(items.len(), 10, "{items:#?}");
    assert!(items.iter().all(|i| i.status == Status::Pass), "{items:#?}");

    c.emu.delete("HorizontalPodAutoscaler", NS, APP);
    c.emu.faults().stuck = true;
    c.emu.update("Deployment", NS, APP, |d| {
        d["spec"]["template"]["spec"]["containers"][0]["image"] =
            "ghcr.io/healthtracker/api:latest".into();
        d["spec"]["replicas"] = 5.into();
    });
    std::thread::sleep(std::time::Duration::from_millis(500));
    let failed: Vec<String> = live(&c)
        .into_iter()
        .filter(|i| i.status == Status::Fail)
        .map(|i| i.id)
        .collect();
    assert_eq!(
        failed,
        [
            "k8s.available.healthtracker",
            "k8s.hpa.healthtracker",
            "k8s.image-pinned.healthtracker"
        ]
    );
}

const RULES_CHECKLIST: &str = "\
name: k8s
sections:
  - name: Kubernetes
    items:
      - id: live-all
        title: Deployment passes every readiness rule
        check: { kind: kubernetes }
      - id: live-hpa
        title: HPA targets the deployment
        check: { kind: kubernetes, rules: [hpa] }
      - id: offline-resources
        title: Manifests set requests, limits and probes
        check: { kind: manifests, rules: [resources, probes] }
      - id: offline-all
        title: Manifests pass every rule
        check: { kind: manifests, dir: k8s }
";

#[test]
fn preflight_runs_the_rules_live_and_offline() {
    let c = Cluster::new();
    c.deploy("ghcr.io/healthtracker/api:1.0.0");
    c.sandbox.write("checklists/k8s.yaml", RULES_CHECKLIST);
    let run = c.hctl(&["preflight", "-c", "k8s", "-o", "json"]);
    run.code(0);
    let report: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(report["summary"]["pass"], 4, "{}", run.stdout);

    c.emu.delete("HorizontalPodAutoscaler", NS, APP);
    let run = c.hctl(&[
        "preflight",
        "-c",
        "k8s",
        "--only",
        "live-hpa",
        "--only",
        "offline-resources",
    ]);
    run.code(1).assert_stdout_has("live-hpa");
    let report = c.hctl(&["preflight", "-c", "k8s", "--only", "live-hpa", "-o", "json"]);
    let report: serde_json::Value = serde_json::from_str(&report.stdout).unwrap();
    assert_eq!(report["items"][0]["status"], "fail", "{report}");
}
