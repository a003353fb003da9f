//! The S3 client every S3-speaking part of hctl uses (backup storage, the `s3`
//! check): rustls with ring, an optional endpoint override and path-style
//! addressing for MinIO/moto, credentials from the standard `AWS_*` variables;
//! time limits on every call (connect, each attempt, the whole call with its
//! retries: `s3.*_timeout`), so a hanging endpoint is an error, never a hang;
//! and the server-side encryption backups are written with (`s3.sse`).

use aws_credential_types::Credentials;
use aws_sdk_s3::config::{BehaviorVersion, Region, timeout::TimeoutConfig};
use aws_smithy_http_client::tls;
use std::time::Duration;

use crate::error::UsageError;

/// Where and how to reach S3.
#[derive(Debug, Clone)]
pub struct S3Target {
    /// Endpoint override (`http://127.0.0.1:9000`); `None` for AWS itself.
    pub endpoint: Option<String>,
    pub region: String,
    pub force_path_style: bool,
}

impl S3Target {
    /// The environment's `s3.*` settings.
    pub fn from_settings(settings: &impl crate::SettingsSource) -> Self {
        S3Target {
            endpoint: settings.get("s3.endpoint").map(str::to_string),
            region: settings.get("s3.region").unwrap_or("us-east-1").to_string(),
            force_path_style: settings.flag("s3.force_path_style"),
        }
    }
}

/// Time limits on every S3 call. A call that runs out of them fails (exit 3)
/// naming the endpoint, bucket and key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timeouts {
    /// Establishing the TCP (and TLS) connection (`s3.connect_timeout`).
    pub connect: Duration,
    /// One attempt of a request, sending the body included; also the longest
    /// a download may go without a byte (`s3.attempt_timeout`).
    pub attempt: Duration,
    /// The whole call, every retry included (`s3.operation_timeout`).
    pub operation: Duration,
}

impl Default for Timeouts {
    /// 5 s to connect, 120 s per attempt (an 8 MiB part at 70 KiB/s), 300 s per call.
    fn default() -> Self {
        Timeouts {
            connect: Duration::from_secs(5),
            attempt: Duration::from_secs(120),
            operation: Duration::from_secs(300),
        }
    }
}

impl Timeouts {
    /// Longest accepted setting, in seconds.
    const MAX_SECS: u64 = 3600;

    /// The environment's `s3.connect_timeout`, `s3.attempt_timeout` and
    /// `s3.operation_timeout` (whole seconds, 1–3600); defaults for unset ones.
    pub fn from_settings(settings: &impl crate::SettingsSource) -> anyhow::Result<Self> {
        let default = Timeouts::default();
        let secs = |key: &str, default: Duration| match settings.get(key) {
            None => Ok(default),
            Some(text) => Self::parse(key, text),
        };
        Ok(Timeouts {
            connect: secs("s3.connect_timeout", default.connect)?,
            attempt: secs("s3.attempt_timeout", default.attempt)?,
            operation: secs("s3.operation_timeout", default.operation)?,
        })
    }

    fn parse(key: &str, text: &str) -> anyhow::Result<Duration> {
        match text.trim().parse::<u64>() {
            Ok(n) if (1..=Self::MAX_SECS).contains(&n) => Ok(Duration::from_secs(n)),
            _ => Err(UsageError::new(format!(
                "invalid `{key}` = `{text}`: expected whole seconds from 1 to {}",
                Self::MAX_SECS
            ))
            .into()),
        }
    }

    /// `s3.connect_timeout 5s, s3.attempt_timeout 120s, s3.operation_timeout
    /// 300s` for error messages: the settings to raise.
    pub fn describe(&self) -> String {
        format!(
            "s3.connect_timeout {}s, s3.attempt_timeout {}s, s3.operation_timeout {}s",
            self.connect.as_secs(),
            self.attempt.as_secs(),
            self.operation.as_secs()
        )
    }
}

/// Server-side encryption requested on every object hctl uploads
/// (`s3.sse: AES256|aws:kms`, with `s3.sse_kms_key_id` for a customer key).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Sse {
    /// SSE-S3: keys managed by S3.
    Aes256,
    /// SSE-KMS: the given KMS key, or the account's default `aws/s3` key.
    Kms { key_id: Option<String> },
}

impl Sse {
    /// The environment's `s3.sse` and `s3.sse_kms_key_id`; `None` when unset.
    pub fn from_settings(settings: &impl crate::SettingsSource) -> anyhow::Result<Option<Self>> {
        let key_id = settings.get("s3.sse_kms_key_id").map(str::to_string);
        Self::parse(settings.get("s3.sse"), key_id)
    }

    /// `AES256` or `aws:kms` (as S3 spells them), and the KMS key id.
    pub fn parse(mode: Option<&str>, key_id: Option<String>) -> anyhow::Result<Option<Self>> {
        match (mode, key_id) {
            (None, None) => Ok(None),
            (Some("AES256"), None) => Ok(Some(Sse::Aes256)),
            (Some("aws:kms"), key_id) => Ok(Some(Sse::Kms { key_id })),
            (Some(other), _) if other != "AES256" => Err(UsageError::new(format!(
                "invalid `s3.sse` = `{other}`: expected `AES256` or `aws:kms`"
            ))
            .into()),
            (mode, _) => Err(UsageError::new(format!(
                "`s3.sse_kms_key_id` needs `s3.sse: aws:kms` (it is `{}`)",
                mode.unwrap_or("unset")
            ))
            .into()),
        }
    }

    /// The SDK's algorithm value.
    pub fn algorithm(&self) -> aws_sdk_s3::types::ServerSideEncryption {
        match self {
            Sse::Aes256 => aws_sdk_s3::types::ServerSideEncryption::Aes256,
            Sse::Kms { .. } => aws_sdk_s3::types::ServerSideEncryption::AwsKms,
        }
    }

    /// The KMS key id, for SSE-KMS with a customer key.
    pub fn kms_key_id(&self) -> Option<String> {
        match self {
            Sse::Kms { key_id } => key_id.clone(),
            Sse::Aes256 => None,
        }
    }
}

/// Build a client with the default [`Timeouts`]. Credentials come from
/// `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY` and optionally `AWS_SESSION_TOKEN`.
pub fn client(target: &S3Target) -> aws_sdk_s3::Client {
    client_with(target, &Timeouts::default())
}

/// Build a client whose every call is bounded by `timeouts`.
pub fn client_with(target: &S3Target, timeouts: &Timeouts) -> aws_sdk_s3::Client {
    let http = aws_smithy_http_client::Builder::new()
        .tls_provider(tls::Provider::Rustls(
            tls::rustls_provider::CryptoMode::Ring,
        ))
        .build_https();
    let var = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
    let mut builder = aws_sdk_s3::Config::builder()
        .behavior_version(BehaviorVersion::latest())
        .http_client(http)
        .region(Region::new(target.region.clone()))
        .force_path_style(target.force_path_style)
        .timeout_config(
            TimeoutConfig::builder()
                .connect_timeout(timeouts.connect)
                .operation_attempt_timeout(timeouts.attempt)
                .operation_timeout(timeouts.operation)
                .build(),
        );
    if let (Some(id), Some(secret)) = (var("AWS_ACCESS_KEY_ID"), var("AWS_SECRET_ACCESS_KEY")) {
        builder = builder.credentials_provider(Credentials::new(
            id,
            secret,
            var("AWS_SESSION_TOKEN"),
            None,
            "hctl-env",
        ));
    }
    if let Some(endpoint) = &target.endpoint {
        builder = builder.endpoint_url(endpoint);
    }
    aws_sdk_s3::Client::from_conf(builder.build())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timeouts_are_whole_seconds_in_range() {
        assert_eq!(
            Timeouts::parse("s3.operation_timeout", "30").unwrap(),
            Duration::from_secs(30)
        );
        for bad in ["0", "3601", "-1", "1.5", "5s", ""] {
            let err = Timeouts::parse("s3.operation_timeout", bad).unwrap_err();
            assert!(err.is::<crate::error::UsageError>(), "{bad}: {err}");
            assert!(err.to_string().contains("s3.operation_timeout"), "{err}");
        }
    }

    #[test]
    fn sse_settings_parse_and_mismatches_are_usage_errors() {
        assert_eq!(Sse::parse(None, None).unwrap(), None);
        assert_eq!(Sse::parse(Some("AES256"), None).unwrap(), Some(Sse::Aes256));
        assert_eq!(
            Sse::parse(Some("aws:kms"), Some("alias/backups".into())).unwrap(),
            Some(Sse::Kms {
                key_id: Some("alias/backups".into())
            })
        );
        for (mode, key) in [
            (Some("AES256"), Some("k".to_string())),
            (None, Some("k".to_string())),
            (Some("aes256"), None),
        ] {
            let err = Sse::parse(mode, key).unwrap_err();
            assert!(err.is::<crate::error::UsageError>(), "{err}");
        }
    }
}
