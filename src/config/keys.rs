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
    /// Inclusive bounds of a whole-number value, checked by `config validate`.
    pub range: Option<(u64, u64)>,
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
/// Whole seconds an S3 timeout may be.
const SECONDS: Option<(u64, u64)> = Some((1, 3600));

pub const KEYS: &[Key] = &[
    Key {
        name: "url",
        default: Some("http://127.0.0.1:8080"),
        kind: Kind::Url(HTTP),
        range: None,
        help: "base URL of the deployed API",
    },
    Key {
        name: "database_url",
        default: Some("sqlite://healthtracker.db"),
        kind: Kind::Url(&["postgres", "postgresql", "sqlite"]),
        range: None,
        help: "database of the environment (PostgreSQL or SQLite)",
    },
    Key {
        name: "redis_url",
        default: None,
        kind: Kind::Url(&["redis", "rediss"]),
        range: None,
        help: "Redis shared by the replicas (rate limits, caches)",
    },
    Key {
        name: "storage",
        default: Some("file://./backups"),
        kind: Kind::Url(&["file", "s3"]),
        range: None,
        help: "backup storage: file://DIR or s3://BUCKET/PREFIX",
    },
    Key {
        name: "s3.endpoint",
        default: None,
        kind: Kind::Url(HTTP),
        range: None,
        help: "S3 endpoint override (MinIO, moto); empty for AWS",
    },
    Key {
        name: "s3.region",
        default: Some("us-east-1"),
        kind: Kind::Text,
        range: None,
        help: "S3 region",
    },
    Key {
        name: "s3.force_path_style",
        default: Some("false"),
        kind: Kind::Bool,
        range: None,
        help: "path-style S3 addressing (needed by MinIO)",
    },
    Key {
        name: "s3.sse",
        default: None,
        kind: Kind::OneOf(&["AES256", "aws:kms"]),
        range: None,
        help: "server-side encryption of uploaded backups: AES256 or aws:kms",
    },
    Key {
        name: "s3.sse_kms_key_id",
        default: None,
        kind: Kind::Text,
        range: None,
        help: "KMS key for `s3.sse: aws:kms` (default: the account's aws/s3 key)",
    },
    Key {
        name: "s3.connect_timeout",
        default: Some("5"),
        kind: Kind::Text,
        range: SECONDS,
        help: "seconds to wait for a connection to S3 (1-3600)",
    },
    Key {
        name: "s3.attempt_timeout",
        default: Some("120"),
        kind: Kind::Text,
        range: SECONDS,
        help: "seconds one S3 request attempt may take, and a download may stall (1-3600)",
    },
    Key {
        name: "s3.operation_timeout",
        default: Some("300"),
        kind: Kind::Text,
        range: SECONDS,
        help: "seconds one S3 call may take with its retries (1-3600)",
    },
    Key {
        name: "kube.context",
        default: None,
        kind: Kind::Text,
        range: None,
        help: "kubeconfig context; empty for the current one",
    },
    Key {
        name: "kube.namespace",
        default: Some("healthtracker"),
        kind: Kind::Text,
        range: None,
        help: "namespace of the deployment",
    },
    Key {
        name: "kube.deployment",
        default: Some("healthtracker"),
        kind: Kind::Text,
        range: None,
        help: "name of the API Deployment",
    },
    Key {
        name: "kube.manifests",
        default: Some("k8s/"),
        kind: Kind::Text,
        range: None,
        help: "directory of the manifests `hctl rollout apply` applies",
    },
    Key {
        name: "pgbackrest.stanza",
        default: None,
        kind: Kind::Text,
        range: None,
        help: "pgBackRest stanza of the database: enables physical backups, WAL status and PITR",
    },
    Key {
        name: "pgbackrest.config",
        default: None,
        kind: Kind::Text,
        range: None,
        help: "pgBackRest config file (default: pgBackRest's own, /etc/pgbackrest/pgbackrest.conf)",
    },
    Key {
        name: "prometheus_url",
        default: None,
        kind: Kind::Url(HTTP),
        range: None,
        help: "Prometheus base URL for `prometheus` checks",
    },
    Key {
        name: "grafana_url",
        default: None,
        kind: Kind::Url(HTTP),
        range: None,
        help: "Grafana base URL for dashboard checks (credentials in the URL: https://USER:${PASSWORD}@HOST)",
    },
    Key {
        name: "replica_url",
        default: None,
        kind: Kind::Url(&["postgres", "postgresql"]),
        range: None,
        help: "a streaming replica of the database, for the replica lag check",
    },
    Key {
        name: "pgbouncer_url",
        default: None,
        kind: Kind::Url(&["postgres", "postgresql"]),
        range: None,
        help: "PgBouncer's admin console (database `pgbouncer`), for the pooling check",
    },
    Key {
        name: "uploads",
        default: None,
        kind: Kind::Url(&["s3"]),
        range: None,
        help: "the API's upload storage (its STORAGE_URL): s3://BUCKET/PREFIX",
    },
    Key {
        name: "admin_token_env",
        default: Some("HCTL_ADMIN_TOKEN"),
        kind: Kind::Text,
        range: None,
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

/// Why `text` is out of the key's range, if it has one and is.
pub fn out_of_range(key: &Key, text: &str) -> Option<String> {
    let (lo, hi) = key.range?;
    match text.trim().parse::<u64>() {
        Ok(n) if (lo..=hi).contains(&n) => None,
        _ => Some(format!("`{text}` is out of range: {lo} to {hi}")),
    }
}

/// Every key name, comma separated, for "unknown key" messages.
pub fn names() -> String {
    KEYS.iter().map(|k| k.name).collect::<Vec<_>>().join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timeouts_have_a_range() {
        let key = find("s3.connect_timeout").unwrap();
        assert_eq!(out_of_range(key, "5"), None);
        assert_eq!(
            out_of_range(key, "0").as_deref(),
            Some("`0` is out of range: 1 to 3600")
        );
        assert_eq!(out_of_range(find("url").unwrap(), "0"), None);
    }
}
