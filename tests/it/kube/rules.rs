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
