//! Where uploaded files live: a local directory (`file://DIR`, the embedded
//! default) or an S3 bucket (`s3://BUCKET/PREFIX`, MinIO in production).

use std::path::PathBuf;

use anyhow::{Context, Result, bail};
use aws_sdk_s3::primitives::ByteStream;

use crate::s3::{S3Target, client};

/// A blob store.
pub enum Blobs {
    Dir(PathBuf),
    S3 {
        client: aws_sdk_s3::Client,
        bucket: String,
        prefix: String,
    },
}

impl Blobs {
    /// Open the store named by `url`; a local directory is created.
    pub async fn open(url: &str, s3_endpoint: Option<&str>) -> Result<Blobs> {
        if let Some(dir) = url.strip_prefix("file://") {
            let dir = PathBuf::from(dir);
            tokio::fs::create_dir_all(&dir).await.with_context(|| {
                format!("could not create the upload directory `{}`", dir.display())
            })?;
            Ok(Blobs::Dir(dir))
        } else if let Some(rest) = url.strip_prefix("s3://") {
            let (bucket, prefix) = rest.split_once('/').unwrap_or((rest, ""));
            if bucket.is_empty() {
                bail!("invalid STORAGE_URL `{url}`: expected s3://BUCKET/PREFIX");
            }
            let target = S3Target {
                endpoint: s3_endpoint.map(str::to_string),
                region: std::env::var("AWS_REGION").unwrap_or_else(|_| "us-east-1".into()),
                force_path_style: s3_endpoint.is_some(),
            };
            Ok(Blobs::S3 {
                client: client(&target),
                bucket: bucket.to_string(),
                prefix: prefix.trim_end_matches('/').to_string(),
            })
        } else {
            bail!("invalid STORAGE_URL `{url}`: expected file://DIR or s3://BUCKET/PREFIX")
        }
    }

    fn key(prefix: &str, name: &str) -> String {
        if prefix.is_empty() {
            name.to_string()
        } else {
            format!("{prefix}/{name}")
        }
    }

    pub async fn put(&self, name: &str, data: Vec<u8>) -> Result<()> {
        match self {
            Blobs::Dir(dir) => {
                let path = dir.join(name);
                if let Some(parent) = path.parent() {
                    tokio::fs::create_dir_all(parent)
                        .await
                        .with_context(|| format!("could not create `{}`", parent.display()))?;
                }
                tokio::fs::write(&path, data)
                    .await
                    .with_context(|| format!("could not write `{name}`"))
            }
            Blobs::S3 {
                client,
                bucket,
                prefix,
            } => client
                .put_object()
                .bucket(bucket)
                .key(Self::key(prefix, name))
                .body(ByteStream::from(data))
                .send()
                .await
                .map(|_| ())
                .with_context(|| format!("could not upload `{name}` to bucket `{bucket}`")),
        }
    }

    pub async fn get(&self, name: &str) -> Result<Vec<u8>> {
        match self {
            Blobs::Dir(dir) => tokio::fs::read(dir.join(name))
                .await
                .with_context(|| format!("could not read `{name}`")),
            Blobs::S3 {
                client,
                bucket,
                prefix,
            } => {
                let object = client
                    .get_object()
                    .bucket(bucket)
                    .key(Self::key(prefix, name))
                    .send()
                    .await
                    .with_context(|| {
                        format!("could not download `{name}` from bucket `{bucket}`")
                    })?;
                let data = object
                    .body
                    .collect()
                    .await
                    .context("could not read the object body")?;
                Ok(data.into_bytes().to_vec())
            }
        }
    }

    pub async fn delete(&self, name: &str) -> Result<()> {
        match self {
            Blobs::Dir(dir) => match tokio::fs::remove_file(dir.join(name)).await {
                Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
                    Err(e).with_context(|| format!("could not delete `{name}`"))
                }
                _ => Ok(()),
            },
            Blobs::S3 {
                client,
                bucket,
                prefix,
            } => client
                .delete_object()
                .bucket(bucket)
                .key(Self::key(prefix, name))
                .send()
                .await
                .map(|_| ())
                .with_context(|| format!("could not delete `{name}` from bucket `{bucket}`")),
        }
    }

    /// Whether the store is reachable and usable.
    pub async fn check(&self) -> bool {
        match self {
            Blobs::Dir(dir) => tokio::fs::metadata(dir).await.is_ok_and(|m| m.is_dir()),
            Blobs::S3 { client, bucket, .. } => {
                client.head_bucket().bucket(bucket).send().await.is_ok()
            }
        }
    }
}
