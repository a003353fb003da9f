//! The settings an environment has: names, built-in defaults, and which are secret.
//!
//! One table drives the config file flattening, the `HCTL_*` environment
//! variables, `--set KEY=VALUE`, `hctl config show` and checklist templating
//! (`{{ env.kube.namespace }}`), so a new setting is one line here.

/// One setting of an environment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Key {
    /// Dotted name as written in `hctl.yaml` and in `{{ env.NAME }}`.
    pub name: &'static str,
    /// Built-in default (the embedded local set-up), if any.
    pub default: Option<&'static str>,
    /// The kind of value, checked when the settings are resolved.
    pub kind: Kind,
    /// One line for `hctl config show --help` and the README.
    pub help: &'static str,
}

/// What a value must look like.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Free text.
    Text,
    /// `true` or `false`.
    Bool,
    /// A URL with one of these schemes.
    Url(&'static [&'static str]),
    /// Exactly one of these words.
    OneOf(&'static [&'static str]),
}

const HTTP: &[&str] = &["http", "https"];

pub const KEYS: &[Key] = &[
    Key {
        name: "url",
        default: Some("http://127.0.0.1:8080"),
        kind: Kind::Url(HTTP),
        help: "base URL of the deployed API",
    },
    Key {
        name: "database_url",
        default: Some("sqlite://healthtracker.db"),
        kind: Kind::Url(&["postgres", "postgresql", "sqlite"]),
        help: "database of the environment (PostgreSQL or SQLite)",
    },
    Key {
        name: "redis_url",
        default: None,
        kind: Kind::Url(&["redis", "rediss"]),
        help: "Redis shared by the replicas (rate limits, caches)",
    },
    Key {
        name: "storage",
        default: Some("file://./backups"),
        kind: Kind::Url(&["file", "s3"]),
        help: "backup storage: file://DIR or s3://BUCKET/PREFIX",
    },
    Key {
        name: "s3.endpoint",
        default: None,
        kind: Kind::Url(HTTP),
        help: "S3 endpoint override (MinIO, moto); empty for AWS",
    },
    Key {
        name: "s3.region",
        default: Some("us-east-1"),
        kind: Kind::Text,
        help: "S3 region",
    },
    Key {
        name: "s3.force_path_style",
        default: Some("false"),
        kind: Kind::Bool,
        help: "path-style S3 addressing (needed by MinIO)",
    },
    Key {
        name: "s3.sse",
        default: None,
        kind: Kind::OneOf(&["AES256", "aws:kms"]),
        help: "server-side encryption of uploaded backups: AES256 or aws:kms",
    },
    Key {
        name: "s3.sse_kms_key_id",
        default: None,
        kind: Kind::Text,
        help: "KMS key for `s3.sse: aws:kms` (default: the account's aws/s3 key)",
    },
    Key {
        name: "s3.connect_timeout",
        default: Some("5"),
        kind: Kind::Text,
        help: "seconds to wait for a connection to S3 (1-3600)",
    },
    Key {
        name: "s3.attempt_timeout",
        default: Some("120"),
        kind: Kind::Text,
        help: "seconds one S3 request attempt may take, and a download may stall (1-3600)",
    },
    Key {
        name: "s3.operation_timeout",
        default: Some("300"),
        kind: Kind::Text,
        help: "seconds one S3 call may take with its retries (1-3600)",
    },
    Key {
        name: "kube.context",
        default: None,
        kind: Kind::Text,
        help: "kubeconfig context; empty for the current one",
    },
    Key {
        name: "kube.namespace",
        default: Some("healthtracker"),
        kind: Kind::Text,
        help: "namespace of the deployment",
    },
    Key {
        name: "kube.deployment",
        default: Some("healthtracker"),
        kind: Kind::Text,
        help: "name of the API Deployment",
    },
    Key {
        name: "kube.manifests",
        default: Some("k8s/"),
        kind: Kind::Text,
        help: "directory of the manifests `hctl rollout apply` applies",
    },
    Key {
        name: "prometheus_url",
        default: None,
        kind: Kind::Url(HTTP),
        help: "Prometheus base URL for `prometheus` checks",
    },
    Key {
        name: "admin_token_env",
        default: Some("HCTL_ADMIN_TOKEN"),
        kind: Kind::Text,
        help: "name of the environment variable holding the admin token",
    },
];

/// Look a key up by its dotted name.
pub fn find(name: &str) -> Option<&'static Key> {
    KEYS.iter().find(|key| key.name == name)
}

/// The environment variable that overrides a key: `s3.region` → `HCTL_S3_REGION`.
pub fn env_var(name: &str) -> String {
    format!("HCTL_{}", name.to_ascii_uppercase().replace('.', "_"))
}

/// Every key name, comma separated, for "unknown key" messages.
pub fn names() -> String {
    KEYS.iter().map(|k| k.name).collect::<Vec<_>>().join(", ")
}
