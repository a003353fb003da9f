//! The S3 client every S3-speaking part of hctl uses (backup storage, the `s3`
//! check): rustls with ring, an optional endpoint override and path-style
//! addressing for MinIO/moto, credentials from the standard `AWS_*` variables;
//! and the server-side encryption backups are written with (`s3.sse`).

use aws_credential_types::Credentials;
use aws_sdk_s3::config::{BehaviorVersion, Region, timeout::TimeoutConfig};
use aws_smithy_http_client::tls;
use std::time::Duration;

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
    pub fn from_settings(settings: &crate::config::Settings) -> Self {
        S3Target {
            endpoint: settings.get("s3.endpoint").map(str::to_string),
            region: settings.get("s3.region").unwrap_or("us-east-1").to_string(),
            force_path_style: settings.flag("s3.force_path_style"),
        }
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
    pub fn from_settings(settings: &crate::config::Settings) -> anyhow::Result<Option<Self>> {
        let key_id = settings.get("s3.sse_kms_key_id").map(str::to_string);
        Self::parse(settings.get("s3.sse"), key_id)
    }

    /// `AES256` or `aws:kms` (as S3 spells them), and the KMS key id.
    pub fn parse(mode: Option<&str>, key_id: Option<String>) -> anyhow::Result<Option<Self>> {
        match (mode, key_id) {
            (None, None) => Ok(None),
            (Some("AES256"), None) => Ok(Some(Sse::Aes256)),
            (Some("aws:kms"), key_id) => Ok(Some(Sse::Kms { key_id })),
            (Some(other), _) if other != "AES256" => Err(crate::exit::usage(format!(
                "invalid `s3.sse` = `{other}`: expected `AES256` or `aws:kms`"
            ))),
            (mode, _) => Err(crate::exit::usage(format!(
                "`s3.sse_kms_key_id` needs `s3.sse: aws:kms` (it is `{}`)",
                mode.unwrap_or("unset")
            ))),
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

/// Build a client. Credentials come from `AWS_ACCESS_KEY_ID`,
/// `AWS_SECRET_ACCESS_KEY` and optionally `AWS_SESSION_TOKEN`.
pub fn client(target: &S3Target) -> aws_sdk_s3::Client {
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
                .connect_timeout(Duration::from_secs(5))
                .operation_attempt_timeout(Duration::from_secs(120))
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
            assert_eq!(
                crate::exit::classify(&err).0,
                crate::exit::Exit::Usage,
                "{err}"
            );
        }
    }
}
