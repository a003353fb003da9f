//! The shipped items that are `command` checks hctl does not otherwise test:
//! the offline manifest items (`data-retention`, `perf-autoscaling-thresholds`)
//! on good and bad manifests, and the database items (`db-indexes`,
//! `log-audit-trail`) against a real PostgreSQL database migrated by hctl, and
//! `auth-csrf` on an OpenAPI document that reads cookies.

use std::process::Command;

use super::json;
use crate::checks::peers::{self, Behaviour};
use crate::support::Sandbox;
use crate::support::services::TestDb;

/// `(status, detail)` of one shipped pre-launch item, run with `extra` args.
fn item(sb: &Sandbox, id: &str, extra: &[&str]) -> (String, String) {
    let mut args = vec!["preflight", "-c", "pre-launch", "--only", id, "-o", "json"];
    args.extend(extra);
    let run = sb.run(&args);
    let doc = json(&run.stdout);
    let item = &doc["items"][0];
    assert_eq!(item["id"], id, "{doc}");
    (
        item["status"].as_str().unwrap().to_string(),
        item["detail"].as_str().unwrap().to_string(),
    )
}

#[track_caller]
fn assert_item(sb: &Sandbox, id: &str, extra: &[&str], status: &str, why: &str) {
    let (got, detail) = item(sb, id, extra);
    assert_eq!(got, status, "{id}: {detail}");
    assert!(
        !detail.contains("hunter2"),
        "{id} shows the password: {detail}"
    );
    assert!(detail.contains(why), "{id}: `{why}` not in {detail}");
}

const DEPLOYMENT: &str = "\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: healthtracker
spec:
  template:
    spec:
      containers:
        - name: api
          image: ghcr.io/healthtracker/hctl:0.1.0
          env:
            - name: BIND
              value: \"0.0.0.0:8080\"
";

#[test]
fn data_retention_needs_a_positive_retention_days_in_the_manifests() {
    let sb = Sandbox::new();
    sb.write("k8s/deployment.yaml", DEPLOYMENT);
    let none = "no RETENTION_DAYS > 0 in the manifests";
    assert_item(&sb, "data-retention", &[], "fail", none);
    let with = |days: &str| {
        format!("{DEPLOYMENT}            - name: RETENTION_DAYS\n              value: \"{days}\"\n")
    };
    sb.write("k8s/deployment.yaml", &with("0"));
    assert_item(&sb, "data-retention", &[], "fail", none);
    sb.write("k8s/deployment.yaml", &with("730"));
    assert_item(&sb, "data-retention", &[], "pass", "exited 0");
}

const HPA: &str = "\
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: healthtracker
spec:
  scaleTargetRef:
    apiVersion: apps/v1
    kind: Deployment
    name: healthtracker
  minReplicas: 3
  maxReplicas: MAX
";

const CPU_TARGET: &str = "\
  metrics:
    - type: Resource
      resource:
        name: cpu
        target:
          type: Utilization
          averageUtilization: 70
";

#[test]
fn autoscaling_thresholds_need_a_target_and_room_to_scale() {
    let sb = Sandbox::new();
    sb.write("k8s/deployment.yaml", DEPLOYMENT);
    let id = "perf-autoscaling-thresholds";
    assert_item(&sb, id, &[], "fail", "no HorizontalPodAutoscaler");
    sb.write("k8s/hpa.yaml", &HPA.replace("MAX", "10"));
    assert_item(&sb, id, &[], "fail", "has no metric target");
    sb.write("k8s/hpa.yaml", &(HPA.replace("MAX", "3") + CPU_TARGET));
    assert_item(
        &sb,
        id,
        &[],
        "fail",
        "maxReplicas 3 leaves no room above minReplicas 3",
    );
    // Another document in the same file neither hides nor fakes the HPA's fields.
    let both = format!(
        "{}---\n{}",
        HPA.replace("MAX", "10") + CPU_TARGET,
        DEPLOYMENT
    );
    sb.write("k8s/hpa.yaml", &both);
    assert_item(&sb, id, &[], "pass", "exited 0");
}

/// Run SQL on the test database with psql, as the items do.
fn psql(url: &str, sql: &str) {
    let out = Command::new("psql")
        .args(["-XAtq", "-v", "ON_ERROR_STOP=1", url, "-c", sql])
        .output()
        .expect("psql (Debian: postgresql-client) must be installed; scripts/test installs it");
    assert!(
        out.status.success(),
        "{sql}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn the_database_items_read_a_real_postgres() {
    let db = TestDb::new();
    let sb = Sandbox::new();
    // A password (trust auth ignores it) that must never reach the report.
    let url = db.url.replacen("postgres@", "postgres:hunter2@", 1);
    assert_ne!(url, db.url);
    let set = format!("database_url={url}");
    let set = ["--set", set.as_str()];
    // Before hctl's schema exists the audit item fails with psql's own error.
    assert_item(
        &sb,
        "log-audit-trail",
        &set,
        "fail",
        "relation \"audit_log\" does not exist",
    );
    sb.run(&[&set[..], &["db", "migrate"]].concat()).code(0);

    // None yet, then one too old, then one of today.
    let none = "no audit_log row in the last 24 hours";
    for (age, status, why) in [
        (None, "fail", none),
        (Some("25 hours"), "fail", none),
        (Some("1 minute"), "pass", "exited 0"),
    ] {
        if let Some(age) = age {
            psql(
                &db.url,
                &format!(
                    "INSERT INTO audit_log (at, actor, action, target) \
                     VALUES (now() - interval '{age}', 'admin', 'flag.update', 'flag:x')"
                ),
            );
        }
        assert_item(&sb, "log-audit-trail", &set, status, why);
    }

    assert_item(&sb, "db-indexes", &set, "pass", "exited 0");
    // A large table read only by sequential scans, then a half-built index.
    psql(
        &db.url,
        "CREATE TABLE readings AS SELECT g AS id, g % 100 AS kind FROM generate_series(1, 20000) g",
    );
    psql(&db.url, "ANALYZE readings");
    psql(&db.url, "SELECT count(*) FROM readings WHERE kind = 3");
    // The statistics collector reports a backend's counts when it goes idle.
    let scanned = || {
        let (status, detail) = item(&sb, "db-indexes", &set);
        (status == "fail" && detail.contains("sequential scans on readings")).then_some(())
    };
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while scanned().is_none() {
        assert!(
            std::time::Instant::now() < deadline,
            "{:?}",
            item(&sb, "db-indexes", &set)
        );
        std::thread::sleep(std::time::Duration::from_millis(200));
    }
    psql(&db.url, "CREATE INDEX readings_kind ON readings (kind)");
    psql(&db.url, "SELECT pg_stat_reset()");
    psql(
        &db.url,
        "UPDATE pg_index SET indisvalid = false WHERE indexrelid = 'readings_kind'::regclass",
    );
    assert_item(
        &sb,
        "db-indexes",
        &set,
        "fail",
        "invalid index readings_kind",
    );
}

#[test]
fn csrf_fails_an_api_that_reads_cookies() {
    // The pass case is `hctl serve` itself (preflight's local-items test).
    let doc = |schemes: &str| {
        peers::http(Behaviour::Respond {
            status: 200,
            headers: vec![("content-type".into(), "application/json".into())],
            body: format!("{{\n  \"openapi\": \"3.1.0\",\n  \"components\": {{ \"securitySchemes\": {schemes} }}\n}}")
                .into_bytes(),
        })
    };
    let sb = Sandbox::new();
    let cookie = doc(r#"{ "session": { "type": "apiKey", "in": "cookie", "name": "sid" } }"#);
    let url = format!("url=http://{cookie}");
    assert_item(
        &sb,
        "auth-csrf",
        &["--set", &url],
        "fail",
        "cookie-authenticated routes need CSRF protection",
    );
    let bearer = doc(r#"{ "bearer": { "type": "http", "scheme": "bearer" } }"#);
    let url = format!("url=http://{bearer}");
    assert_item(&sb, "auth-csrf", &["--set", &url], "pass", "exited 0");
}
