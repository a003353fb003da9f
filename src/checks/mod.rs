//! Check kinds: what a checklist item can verify by machine, one small module
//! per kind. [`CheckSpec`] is the `check:` mapping of a checklist item (tagged
//! by `kind`, every kind's fields strict); [`run`] performs one attempt and
//! returns an [`Outcome`]. Timeouts, retries and concurrency are the runner's
//! job (`preflight`), so a check only has to be correct once.
//!
//! Adding a kind: a module with a `Deserialize` spec struct and an
//! `async fn run(&Spec, &Deps) -> Outcome`, one variant in [`CheckSpec`] and
//! one arm in [`run`] and [`CheckSpec::kind`].

pub mod backup;
pub mod command;
pub mod dns;
pub mod flags;
pub mod flow;
pub mod headers;
pub mod http;
pub mod kubernetes;
pub mod limits;
pub mod load;
pub mod openapi;
pub mod pgbouncer;
pub mod postgres;
pub mod prometheus;
pub mod redis;
pub mod rollout;
pub mod s3;
pub mod tls;
pub mod tls_config;

use serde::Deserialize;

use crate::config::Settings;
use crate::report::Status;
use crate::s3::S3Target;

/// The `check:` of a checklist item.
#[derive(Debug, Clone, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum CheckSpec {
    Http(Box<http::HttpCheck>),
    Flow(flow::FlowCheck),
    Openapi(openapi::OpenapiCheck),
    Load(load::LoadCheck),
    Headers(headers::HeadersCheck),
    Tls(tls::TlsCheck),
    Dns(dns::DnsCheck),
    Postgres(postgres::PostgresCheck),
    Pgbouncer(pgbouncer::PgbouncerCheck),
    Backup(backup::BackupCheck),
    Redis(redis::RedisCheck),
    S3(s3::S3Check),
    Prometheus(prometheus::PrometheusCheck),
    Command(command::CommandCheck),
    Kubernetes(kubernetes::KubernetesCheck),
    Manifests(kubernetes::ManifestsCheck),
    Flags(flags::FlagsCheck),
    Rollout(rollout::RolloutCheck),
}

impl CheckSpec {
    /// How long an attempt runs by design (a `load` test's `duration`):
    /// an item's timeout must be longer.
    pub fn runs_for(&self) -> Option<std::time::Duration> {
        match self {
            CheckSpec::Load(c) => Some(c.duration),
            _ => None,
        }
    }

    /// The kind name as written in YAML.
    pub fn kind(&self) -> &'static str {
        match self {
            CheckSpec::Http(_) => "http",
            CheckSpec::Flow(_) => "flow",
            CheckSpec::Openapi(_) => "openapi",
            CheckSpec::Load(_) => "load",
            CheckSpec::Headers(_) => "headers",
            CheckSpec::Tls(_) => "tls",
            CheckSpec::Dns(_) => "dns",
            CheckSpec::Postgres(_) => "postgres",
            CheckSpec::Pgbouncer(_) => "pgbouncer",
            CheckSpec::Backup(_) => "backup",
            CheckSpec::Redis(_) => "redis",
            CheckSpec::S3(_) => "s3",
            CheckSpec::Prometheus(_) => "prometheus",
            CheckSpec::Command(_) => "command",
            CheckSpec::Kubernetes(_) => "kubernetes",
            CheckSpec::Manifests(_) => "manifests",
            CheckSpec::Flags(_) => "flags",
            CheckSpec::Rollout(_) => "rollout",
        }
    }
}

/// Every kind name, for "unknown kind" messages and docs.
pub const KINDS: &[&str] = &[
    "http",
    "flow",
    "openapi",
    "load",
    "headers",
    "tls",
    "dns",
    "postgres",
    "pgbouncer",
    "backup",
    "redis",
    "s3",
    "prometheus",
    "command",
    "kubernetes",
    "manifests",
    "flags",
    "rollout",
    "manual",
];

/// What checks need from the environment besides their own fields.
#[derive(Debug, Clone)]
pub struct Deps {
    /// Where the `s3` kind connects.
    pub s3: S3Target,
    /// The schema version `migrations_current` expects: the latest migration
    /// compiled into hctl (`store::migrate::latest_known()`), when known.
    pub latest_schema: Option<i64>,
    /// The selected environment (kube context, namespace, manifests dir).
    pub settings: Settings,
}

/// The result of one attempt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    pub status: Status,
    pub detail: String,
    /// The `headers` kind's per-test verdict, reported as the item's `observatory`.
    pub observatory: Option<Box<headers::Observatory>>,
}

impl Outcome {
    pub fn pass(detail: impl Into<String>) -> Self {
        Outcome {
            status: Status::Pass,
            detail: detail.into(),
            observatory: None,
        }
    }
    pub fn warn(detail: impl Into<String>) -> Self {
        Outcome {
            status: Status::Warn,
            detail: detail.into(),
            observatory: None,
        }
    }
    pub fn fail(detail: impl Into<String>) -> Self {
        Outcome {
            status: Status::Fail,
            detail: detail.into(),
            observatory: None,
        }
    }
    /// Could not check at all (unreachable, protocol error).
    pub fn error(detail: impl Into<String>) -> Self {
        Outcome {
            status: Status::Error,
            detail: detail.into(),
            observatory: None,
        }
    }

    /// Combine findings: the worst status wins, details joined with `; `.
    pub fn from_findings(ok: impl Into<String>, problems: Vec<(Status, String)>) -> Self {
        if problems.is_empty() {
            return Outcome::pass(ok);
        }
        let status = if problems.iter().any(|(s, _)| s.is_failure()) {
            problems
                .iter()
                .map(|(s, _)| *s)
                .find(|s| *s == Status::Error)
                .unwrap_or(Status::Fail)
        } else {
            Status::Warn
        };
        let detail = problems
            .into_iter()
            .map(|(_, d)| d)
            .collect::<Vec<_>>()
            .join("; ");
        Outcome {
            status,
            detail,
            observatory: None,
        }
    }
}

/// Run one attempt of `spec`.
pub async fn run(spec: &CheckSpec, deps: &Deps) -> Outcome {
    match spec {
        CheckSpec::Http(c) => http::run(c).await,
        CheckSpec::Flow(c) => flow::run(c).await,
        CheckSpec::Openapi(c) => openapi::run(c).await,
        CheckSpec::Load(c) => load::run(c).await,
        CheckSpec::Headers(c) => headers::run(c).await,
        CheckSpec::Tls(c) => tls::run(c).await,
        CheckSpec::Dns(c) => dns::run(c).await,
        CheckSpec::Postgres(c) => postgres::run(c, deps).await,
        CheckSpec::Pgbouncer(c) => pgbouncer::run(c).await,
        CheckSpec::Backup(c) => backup::run(c, deps).await,
        CheckSpec::Redis(c) => redis::run(c).await,
        CheckSpec::S3(c) => s3::run(c, deps).await,
        CheckSpec::Prometheus(c) => prometheus::run(c).await,
        CheckSpec::Command(c) => command::run(c).await,
        CheckSpec::Kubernetes(c) => kubernetes::run_live(c, deps).await,
        CheckSpec::Manifests(c) => kubernetes::run_manifests(c, deps).await,
        CheckSpec::Flags(c) => flags::run(c, deps).await,
        CheckSpec::Rollout(c) => rollout::run(c, deps).await,
    }
}

/// An error chain on one line: `a: b: c`, without newlines.
pub fn one_line(err: &dyn std::error::Error) -> String {
    crate::exit::error_line(err)
}
