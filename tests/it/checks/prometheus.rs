//! The `prometheus` kind's `rules:` and `alerts_firing:` against a real
//! Prometheus loading a rules file: loaded rules pass, a missing or failing
//! rule is named, and which alerts fire is read as Prometheus reports it.

use super::once;
use crate::support::prometheus::Prometheus;
use hctl::report::Status;

const RULES: &str = "\
groups:
  - name: healthtracker
    rules:
      - record: job:up:sum
        expr: sum by (job) (up)
      - alert: ScrapeTargetDown
        expr: up == 0
        labels: { severity: critical }
      - alert: AlwaysFiring
        expr: vector(1)
        labels: { severity: info }
      - alert: BrokenRule
        expr: 'label_replace(vector(1), \"x\", \"a\", \"\", \"(\")'
";

#[tokio::test]
async fn rules_and_firing_alerts_as_prometheus_reports_them() {
    let prom = tokio::task::spawn_blocking(|| Prometheus::start(RULES))
        .await
        .unwrap();
    let url = &prom.url;

    let o = once(&format!(
        "kind: prometheus\nurl: {url}\nrules: [job:up:sum, ScrapeTargetDown, AlwaysFiring]\n"
    ))
    .await;
    assert_eq!(o.status, Status::Pass, "{o:?}");
    assert!(
        o.detail.starts_with("3 of 4 rules loaded and healthy"),
        "{o:?}"
    );

    let o = once(&format!(
        "kind: prometheus\nurl: {url}\nrules: [HighErrorRate, BrokenRule]\n"
    ))
    .await;
    assert_eq!(o.status, Status::Fail, "{o:?}");
    assert!(
        o.detail.contains("rule `HighErrorRate` is not loaded"),
        "{o:?}"
    );
    assert!(
        o.detail.contains("rule `BrokenRule` fails to evaluate: "),
        "{o:?}"
    );

    let o = once(&format!(
        "kind: prometheus\nurl: {url}\nalerts_firing: none\n"
    ))
    .await;
    assert_eq!(o.status, Status::Fail, "{o:?}");
    assert_eq!(o.detail, "firing: AlwaysFiring");

    let o = once(&format!(
        "kind: prometheus\nurl: {url}\nalerts_firing: [AlwaysFiring]\nquery: vector(1)\nabove: 0\n"
    ))
    .await;
    assert_eq!(o.status, Status::Pass, "{o:?}");
    assert_eq!(o.detail, "value 1; firing: AlwaysFiring");

    let o = once(&format!(
        "kind: prometheus\nurl: {url}\nalerts_firing: [ScrapeTargetDown]\n"
    ))
    .await;
    assert_eq!(o.status, Status::Fail, "{o:?}");
    assert_eq!(
        o.detail,
        "not firing: ScrapeTargetDown (firing: AlwaysFiring)"
    );
}
