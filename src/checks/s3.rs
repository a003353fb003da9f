//! The `s3` kind: the bucket is reachable with the configured credentials,
//! and optionally has versioning enabled, lifecycle rules, replication, and
//! encryption at rest (a default encryption rule on the bucket, or else every
//! object under the URL's prefix stored with server-side encryption).

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
    /// Objects must be encrypted at rest: the bucket has default encryption,
    /// or else every object under the prefix (`s3://BUCKET/PREFIX`) reports
    /// server-side encryption.
    #[serde(default)]
    pub encryption: bool,
}

/// Objects looked at, at most, when the bucket has no default encryption.
const MAX_OBJECTS: usize = 1000;

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
            service.message().unwrap_or("no message from the service")
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
    let (bucket, prefix) = match check.bucket.strip_prefix("s3://") {
        Some(rest) => rest.split_once('/').unwrap_or((rest, "")),
        None if check.bucket.contains("://") => {
            return Outcome::error(format!(
                "`{}` is not an s3:// URL or a bucket name",
                check.bucket
            ));
        }
        None => (check.bucket.as_str(), ""),
    };
    if let Err(err) = client.head_bucket().bucket(bucket).send().await {
        // HEAD responses carry no body, so the service sends no message.
        let why = match code(&err) {
            Some("NotFound" | "NoSuchBucket") => format!(
                "bucket `{bucket}` does not exist at `{}` (404)",
                deps.s3.endpoint.as_deref().unwrap_or("AWS S3")
            ),
            Some("Forbidden" | "AccessDenied") => format!(
                "access to bucket `{bucket}` denied (403): check the credentials and the bucket policy"
            ),
            _ => format!("bucket `{bucket}` not reachable: {}", sdk_error(&err)),
        };
        return Outcome::error(why);
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
    let mut ok = format!("bucket `{bucket}` reachable");
    if check.encryption {
        match encryption(&client, bucket, prefix).await {
            Ok(Ok(fact)) => ok.push_str(&format!(", {fact}")),
            Ok(Err(problem)) => problems.push((Status::Fail, problem)),
            Err(problem) => problems.push((Status::Error, problem)),
        }
    }
    Outcome::from_findings(ok, problems)
}

/// `Ok(Ok(fact))` when encrypted at rest, `Ok(Err(problem))` when not,
/// `Err(problem)` when S3 would not say.
async fn encryption(
    client: &aws_sdk_s3::Client,
    bucket: &str,
    prefix: &str,
) -> Result<Result<String, String>, String> {
    match client.get_bucket_encryption().bucket(bucket).send().await {
        Ok(out) => {
            let rules = out
                .server_side_encryption_configuration()
                .map(|c| c.rules())
                .unwrap_or_default();
            let defaults: Vec<String> = rules
                .iter()
                .filter_map(|r| r.apply_server_side_encryption_by_default())
                .map(|d| match d.kms_master_key_id() {
                    Some(key) => format!("{} (key `{key}`)", d.sse_algorithm().as_str()),
                    None => d.sse_algorithm().as_str().to_string(),
                })
                .collect();
            if !defaults.is_empty() {
                return Ok(Ok(format!("default encryption {}", defaults.join(", "))));
            }
        }
        Err(err) if code(&err) == Some("ServerSideEncryptionConfigurationNotFoundError") => {}
        Err(err) => return Err(format!("encryption: {}", sdk_error(&err))),
    }
    // No default rule: what matters is whether the objects themselves are.
    let mut keys = Vec::new();
    let mut token = None;
    loop {
        let page = client
            .list_objects_v2()
            .bucket(bucket)
            .prefix(prefix)
            .set_continuation_token(token.take())
            .send()
            .await
            .map_err(|e| format!("encryption: listing objects: {}", sdk_error(&e)))?;
        keys.extend(
            page.contents()
                .iter()
                .filter_map(|o| o.key().map(str::to_string)),
        );
        match page.next_continuation_token() {
            Some(next) if keys.len() < MAX_OBJECTS && page.is_truncated() == Some(true) => {
                token = Some(next.to_string())
            }
            _ => break,
        }
    }
    keys.truncate(MAX_OBJECTS);
    let place = if prefix.is_empty() {
        format!("bucket `{bucket}`")
    } else {
        format!("`s3://{bucket}/{prefix}`")
    };
    if keys.is_empty() {
        return Ok(Err(format!(
            "no default encryption on bucket `{bucket}` and no objects in {place} to check"
        )));
    }
    let mut plain = Vec::new();
    for key in &keys {
        let head = client
            .head_object()
            .bucket(bucket)
            .key(key)
            .send()
            .await
            .map_err(|e| format!("encryption: `{key}`: {}", sdk_error(&e)))?;
        if head.server_side_encryption().is_none() {
            plain.push(format!("`{key}`"));
        }
    }
    if plain.is_empty() {
        return Ok(Ok(format!(
            "no default encryption, but all {} object(s) in {place} are encrypted",
            keys.len()
        )));
    }
    let shown = plain.len().min(5);
    Ok(Err(format!(
        "no default encryption on bucket `{bucket}` and {} of {} object(s) in {place} are not encrypted: {}{} \
         (set `s3.sse` for new backups, and default encryption on the bucket)",
        plain.len(),
        keys.len(),
        plain[..shown].join(", "),
        if plain.len() > shown { ", …" } else { "" }
    )))
}
