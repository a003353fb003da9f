//! The S3 client every S3-speaking part of hctl uses (backup storage, the `s3`
//! check): rustls with ring, an optional endpoint override and path-style
//! addressing for MinIO/moto, credentials from the standard `AWS_*` variables.

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
