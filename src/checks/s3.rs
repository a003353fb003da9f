//! The `s3` kind: the bucket is reachable with the configured credentials,
//! and optionally has versioning enabled, lifecycle rules and replication.

use serde::Deserialize;

use super::{Deps, Outcome};
use crate::report::Status;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct S3Check {
    /// Bucket name, or an `s3://BUCKET/PREFIX` URL (`{{ env.storage }}`).
    pub bucket: String,
    /// Versioning must be enabled.
    #[serde(default)]
    pub versioning: bool,
    /// At least one lifecycle rule must exist.
    #[serde(default)]
    pub lifecycle: bool,
    /// A replication configuration must exist.
    #[serde(default)]
    pub replication: bool,
}

/// An SDK error as one line: the service's code and message when it sent one.
fn sdk_error<E, R>(err: &aws_sdk_s3::error::SdkError<E, R>) -> String
where
    E: aws_sdk_s3::error::ProvideErrorMetadata + std::error::Error + 'static,
    R: std::fmt::Debug,
{
    match err.as_service_error() {
        Some(service) => format!(
            "{}: {}",
            service.code().unwrap_or("error"),
            service.message().unwrap_or("no message")
        ),
        None => super::one_line(err),
    }
}

/// The service's error code, when the service answered with one.
fn code<E, R>(err: &aws_sdk_s3::error::SdkError<E, R>) -> Option<&str>
where
    E: aws_sdk_s3::error::ProvideErrorMetadata,
{
    err.as_service_error().and_then(|e| e.code())
}

pub async fn run(check: &S3Check, deps: &Deps) -> Outcome {
    let client = crate::s3::client(&deps.s3);
    let bucket = match check.bucket.strip_prefix("s3://") {
        Some(rest) => rest.split('/').next().unwrap_or(rest),
        None if check.bucket.contains("://") => {
            return Outcome::error(format!(
                "`{}` is not an s3:// URL or a bucket name",
                check.bucket
            ));
        }
        None => check.bucket.as_str(),
    };
    if let Err(err) = client.head_bucket().bucket(bucket).send().await {
        return Outcome::error(format!(
            "bucket `{bucket}` not reachable: {}",
            sdk_error(&err)
        ));
    }
    let mut problems = Vec::new();
    if check.versioning {
        match client.get_bucket_versioning().bucket(bucket).send().await {
            Ok(v) if v.status().map(|s| s.as_str()) == Some("Enabled") => {}
            Ok(_) => problems.push((Status::Fail, "versioning not enabled".to_string())),
            // Some S3-compatible servers (moto) name the document's root
            // differently; the SDK refuses it, but the 200 answer is still clear.
            Err(err)
                if err
                    .raw_response()
                    .is_some_and(|r| r.status().as_u16() == 200) =>
            {
                let enabled = err
                    .raw_response()
                    .and_then(|r| r.body().bytes())
                    .is_some_and(|b| {
                        String::from_utf8_lossy(b).contains("<Status>Enabled</Status>")
                    });
                if !enabled {
                    problems.push((Status::Fail, "versioning not enabled".to_string()))
                }
            }
            Err(err) => problems.push((Status::Error, format!("versioning: {}", sdk_error(&err)))),
        }
    }
    if check.lifecycle {
        match client
            .get_bucket_lifecycle_configuration()
            .bucket(bucket)
            .send()
            .await
        {
            Ok(l) if !l.rules().is_empty() => {}
            Ok(_) => problems.push((Status::Fail, "no lifecycle rules".to_string())),
            Err(err) if code(&err) == Some("NoSuchLifecycleConfiguration") => {
                problems.push((Status::Fail, "no lifecycle rules".to_string()))
            }
            Err(err) => problems.push((Status::Error, format!("lifecycle: {}", sdk_error(&err)))),
        }
    }
    if check.replication {
        match client.get_bucket_replication().bucket(bucket).send().await {
            Ok(r)
                if r.replication_configuration()
                    .is_some_and(|c| !c.rules().is_empty()) => {}
            Ok(_) => problems.push((Status::Fail, "no replication configured".to_string())),
            Err(err) if code(&err) == Some("ReplicationConfigurationNotFoundError") => {
                problems.push((Status::Fail, "no replication configured".to_string()))
            }
            Err(err) => problems.push((Status::Error, format!("replication: {}", sdk_error(&err)))),
        }
    }
    Outcome::from_findings(format!("bucket `{bucket}` reachable"), problems)
}
