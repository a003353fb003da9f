//! Every check kind against a real peer: HTTP/TLS servers with rcgen
//! certificates, an in-process authoritative DNS server, and the PostgreSQL,
//! Redis and S3-compatible servers from `scripts/test`; plus the faults
//! (unreachable, hanging, slow, huge and non-UTF-8) that must end as one-line
//! failed items, never a hang.

pub mod openssl;
pub mod peers;

mod dns;
mod flags;
mod flow;
mod http;
mod http_security;
mod load;
mod openapi;
mod pgbouncer;
mod prometheus;
mod replication;
mod services;
mod tls;

use std::time::{Duration, Instant};

use hctl::checklist::{Action, Entry};
use hctl::checks::{CheckSpec, Deps, Outcome};
use hctl::preflight::{Manual, Planned, run_item};
use hctl::report::{Item, Severity};

use crate::support::services::s3_target;

pub fn deps() -> Deps {
    Deps {
        s3: s3_target_or_default(),
        latest_schema: None,
        settings: hctl::config::Settings::resolve(None, &Default::default(), &|_| None)
            .expect("built-in defaults resolve"),
    }
}

fn s3_target_or_default() -> hctl::s3::S3Target {
    if std::env::var("S3_ENDPOINT").is_ok() {
        s3_target()
    } else {
        hctl::s3::S3Target {
            endpoint: None,
            region: "us-east-1".into(),
            force_path_style: true,
        }
    }
}

/// A check spec from YAML (as a checklist would give it).
pub fn spec(yaml: &str) -> CheckSpec {
    serde_saphyr::from_str(yaml).unwrap_or_else(|e| panic!("bad spec {yaml}: {e}"))
}

/// One attempt, no runner.
pub async fn once(yaml: &str) -> Outcome {
    hctl::init_crypto();
    hctl::checks::run(&spec(yaml), &deps()).await
}

/// Through the runner with a timeout and retries, as preflight runs it.
pub async fn through_runner(yaml: &str, timeout: Duration, retries: u32) -> Item {
    hctl::init_crypto();
    let planned = Planned {
        checklist: "t".into(),
        section: "s".into(),
        entry: Entry {
            id: "x".into(),
            title: "x".into(),
            description: String::new(),
            severity: Severity::Critical,
            owner: None,
            tags: vec![],
            action: Action::Check(Box::new(spec(yaml))),
            timeout,
            retries,
            retry_delay: Duration::from_millis(50),
            valid_for: None,
            line: 1,
        },
    };
    let started = Instant::now();
    let item = run_item(
        &planned,
        &deps(),
        &Manual::Skip(Default::default()),
        Instant::now() + Duration::from_secs(30),
    )
    .await;
    assert!(
        started.elapsed() < timeout * (retries + 1) + Duration::from_secs(2),
        "runner overran: {item:?}"
    );
    item
}

/// The `check:` of a shipped checklist item, templated for `base`.
pub fn shipped_check(file: &str, id: &str, base: &str) -> CheckSpec {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("checklists")
        .join(file);
    let text = std::fs::read_to_string(&path).unwrap();
    let lookup = |key: &str| (key == "url").then(|| base.to_string());
    let list = hctl::checklist::parse(&text, &path, &lookup)
        .unwrap_or_else(|e| panic!("{file} does not load: {e:?}"));
    let entry = list
        .sections
        .iter()
        .flat_map(|s| &s.items)
        .find(|e| e.id == id)
        .unwrap_or_else(|| panic!("{file} has no item `{id}`"));
    match &entry.action {
        Action::Check(spec) => (**spec).clone(),
        other => panic!("`{id}` is not automated: {other:?}"),
    }
}

/// Details are one line, always.
#[track_caller]
pub fn one_line(o: &Outcome) {
    assert!(!o.detail.contains('\n') && !o.detail.is_empty(), "{o:?}");
}
