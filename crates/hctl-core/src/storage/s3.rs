//! Backup storage in an S3 bucket (AWS, MinIO, moto) through aws-sdk-s3.
//!
//! Uploads are multipart in fixed parts with at most [`IN_FLIGHT`] parts being
//! sent while the next is read, so memory stays bounded whatever the object
//! size; objects smaller than one part go up in a single PUT. A failed upload
//! is aborted, so no half object is ever visible. With `s3.sse` every PUT and
//! multipart upload asks for that server-side encryption.
//!
//! Every call is bounded by the [`Timeouts`] (connect, attempt, whole call), and
//! a download that goes without a byte for the attempt timeout fails too: an
//! endpoint that hangs is an error naming the endpoint, bucket and key.

use anyhow::{Context, Result, anyhow};
use aws_sdk_s3::error::SdkError;
use aws_sdk_s3::primitives::ByteStream;
use aws_sdk_s3::types::{CompletedMultipartUpload, CompletedPart};
use tokio::io::{AsyncRead, AsyncReadExt};
use tokio::task::JoinSet;

use super::{Object, Reader, Unfinished};
use crate::error::error_line;
use crate::s3::{S3Target, Sse, Timeouts, client_with};

/// Multipart part size (S3 minimum is 5 MiB).
const PART: usize = 8 << 20;
/// Parts uploading concurrently while the next one is read.
const IN_FLIGHT: usize = 2;

pub struct S3Store {
    client: aws_sdk_s3::Client,
    bucket: String,
    prefix: String,
    endpoint: String,
    sse: Option<Sse>,
    timeouts: Timeouts,
}

impl S3Store {
    pub fn new(target: &S3Target, bucket: &str, prefix: &str, timeouts: Timeouts) -> Self {
        S3Store {
            client: client_with(target, &timeouts),
            bucket: bucket.to_string(),
            prefix: prefix.trim_matches('/').to_string(),
            endpoint: target
                .endpoint
                .clone()
                .unwrap_or_else(|| format!("s3.{}.amazonaws.com", target.region)),
            sse: None,
            timeouts,
        }
    }

    /// Encrypt every object this store writes with `sse`.
    pub fn with_sse(mut self, sse: Option<Sse>) -> Self {
        self.sse = sse;
        self
    }

    pub fn describe(&self) -> String {
        format!("s3 bucket `{}` at `{}`", self.bucket, self.endpoint)
    }

    fn full(&self, key: &str) -> String {
        if self.prefix.is_empty() {
            key.to_string()
        } else {
            format!("{}/{key}", self.prefix)
        }
    }

    fn failed<E, R>(&self, what: &str, key: &str, err: SdkError<E, R>) -> anyhow::Error
    where
        E: std::error::Error + 'static,
        R: std::fmt::Debug,
    {
        anyhow!(
            "could not {what} `{}` in {}: {}",
            self.full(key),
            self.describe(),
            explain(&err, &self.timeouts)
        )
    }

    pub async fn put(&self, key: &str, reader: &mut (dyn AsyncRead + Send + Unpin)) -> Result<u64> {
        let first = read_part(reader)
            .await
            .with_context(|| format!("could not read the data for `{}`", self.full(key)))?;
        if first.len() < PART {
            let n = first.len() as u64;
            self.client
                .put_object()
                .bucket(&self.bucket)
                .key(self.full(key))
                .set_server_side_encryption(self.sse.as_ref().map(Sse::algorithm))
                .set_ssekms_key_id(self.sse.as_ref().and_then(Sse::kms_key_id))
                .body(ByteStream::from(first))
                .send()
                .await
                .map_err(|e| self.failed("upload", key, e))?;
            return Ok(n);
        }
        let upload = self
            .client
            .create_multipart_upload()
            .bucket(&self.bucket)
            .key(self.full(key))
            .set_server_side_encryption(self.sse.as_ref().map(Sse::algorithm))
            .set_ssekms_key_id(self.sse.as_ref().and_then(Sse::kms_key_id))
            .send()
            .await
            .map_err(|e| self.failed("start the upload of", key, e))?;
        let upload_id = upload
            .upload_id()
            .ok_or_else(|| anyhow!("{} returned no upload id", self.describe()))?
            .to_string();
        let mut guard = AbortOnDrop {
            client: self.client.clone(),
            bucket: self.bucket.clone(),
            key: self.full(key),
            upload_id: Some(upload_id.clone()),
        };
        let result = self.upload_parts(key, &upload_id, first, reader).await;
        match &result {
            Ok(_) => guard.upload_id = None,
            // Abort here and now; only cancellation leaves it to the guard.
            Err(_) => {
                if let Some(abort) = guard.request() {
                    abort.await;
                }
            }
        }
        result
    }

    async fn upload_parts(
        &self,
        key: &str,
        upload_id: &str,
        first: Vec<u8>,
        reader: &mut (dyn AsyncRead + Send + Unpin),
    ) -> Result<u64> {
        let mut tasks: JoinSet<Result<CompletedPart>> = JoinSet::new();
        let mut parts = Vec::new();
        let mut total = 0u64;
        let mut number = 0i32;
        let mut next = Some(first);
        while let Some(chunk) = next.take() {
            if chunk.is_empty() {
                break;
            }
            number += 1;
            total += chunk.len() as u64;
            let full_chunk = chunk.len() == PART;
            while tasks.len() >= IN_FLIGHT {
                parts.push(joined(tasks.join_next().await)?);
            }
            let request = self
                .client
                .upload_part()
                .bucket(&self.bucket)
                .key(self.full(key))
                .upload_id(upload_id)
                .part_number(number)
                .body(ByteStream::from(chunk));
            let what = self.failed_context(key, number);
            let timeouts = self.timeouts;
            tasks.spawn(async move {
                let out = request
                    .send()
                    .await
                    .map_err(|e| anyhow!("{what}: {}", explain(&e, &timeouts)))?;
                Ok(CompletedPart::builder()
                    .part_number(number)
                    .set_e_tag(out.e_tag().map(str::to_string))
                    .build())
            });
            if full_chunk {
                next = Some(read_part(reader).await.with_context(|| {
                    format!("could not read the data for `{}`", self.full(key))
                })?);
            }
        }
        while let Some(done) = tasks.join_next().await {
            parts.push(joined(Some(done))?);
        }
        parts.sort_by_key(|p| p.part_number());
        let completed = self
            .client
            .complete_multipart_upload()
            .bucket(&self.bucket)
            .key(self.full(key))
            .upload_id(upload_id)
            .multipart_upload(
                CompletedMultipartUpload::builder()
                    .set_parts(Some(parts))
                    .build(),
            )
            .send()
            .await;
        if let Err(err) = completed {
            // The server may have completed the upload and then failed to say
            // so properly (a lost or malformed response: moto answers with the
            // wrong XML root). The object with the right size is the truth.
            match self.head(key).await {
                Ok(Some(size)) if size == total => {
                    tracing::debug!(
                        "complete_multipart_upload answered badly, but the object is there: {}",
                        error_line(&err)
                    );
                }
                _ => return Err(self.failed("complete the upload of", key, err)),
            }
        }
        Ok(total)
    }

    fn failed_context(&self, key: &str, number: i32) -> String {
        format!(
            "could not upload part {number} of `{}` to {}",
            self.full(key),
            self.describe()
        )
    }

    pub async fn get(&self, key: &str) -> Result<Reader> {
        let out = self
            .client
            .get_object()
            .bucket(&self.bucket)
            .key(self.full(key))
            .send()
            .await
            .map_err(|e| self.failed("download", key, e))?;
        Ok(Box::pin(Stalled::new(
            out.body.into_async_read(),
            self.timeouts.attempt,
        )))
    }

    pub async fn head(&self, key: &str) -> Result<Option<u64>> {
        match self
            .client
            .head_object()
            .bucket(&self.bucket)
            .key(self.full(key))
            .send()
            .await
        {
            Ok(out) => Ok(Some(out.content_length().unwrap_or(0).max(0) as u64)),
            Err(err) if err.as_service_error().is_some_and(|e| e.is_not_found()) => Ok(None),
            Err(err) => Err(self.failed("look up", key, err)),
        }
    }

    pub async fn list(&self, prefix: &str) -> Result<Vec<Object>> {
        let mut out = Vec::new();
        let mut token = None;
        let strip = if self.prefix.is_empty() {
            0
        } else {
            self.prefix.len() + 1
        };
        loop {
            let page = self
                .client
                .list_objects_v2()
                .bucket(&self.bucket)
                .prefix(self.full(prefix))
                .set_continuation_token(token.take())
                .send()
                .await
                .map_err(|e| self.failed("list", prefix, e))?;
            for obj in page.contents() {
                if let Some(key) = obj.key().and_then(|k| k.get(strip..)) {
                    out.push(Object {
                        key: key.to_string(),
                        size: obj.size().unwrap_or(0).max(0) as u64,
                    });
                }
            }
            match page.next_continuation_token() {
                Some(next) if page.is_truncated() == Some(true) => token = Some(next.to_string()),
                _ => break,
            }
        }
        Ok(out)
    }

    /// Multipart uploads under the prefix never completed nor aborted (a
    /// killed hctl), with the bytes of their parts. A bucket policy that does
    /// not allow listing them is a warning, not an error: nothing is found.
    pub async fn unfinished(&self) -> Result<Vec<Unfinished>> {
        let strip = if self.prefix.is_empty() {
            0
        } else {
            self.prefix.len() + 1
        };
        let mut out = Vec::new();
        let (mut key_marker, mut id_marker) = (None, None);
        loop {
            let page = match self
                .client
                .list_multipart_uploads()
                .bucket(&self.bucket)
                .prefix(self.full(""))
                .set_key_marker(key_marker.take())
                .set_upload_id_marker(id_marker.take())
                .send()
                .await
            {
                Ok(page) => page,
                Err(err) => {
                    tracing::warn!(
                        "unfinished uploads not checked: {:#}",
                        self.failed("list the multipart uploads under", "", err)
                    );
                    return Ok(out);
                }
            };
            for upload in page.uploads() {
                let (Some(full), Some(id)) = (upload.key(), upload.upload_id()) else {
                    continue;
                };
                let Some(key) = full.get(strip..) else {
                    continue;
                };
                out.push(Unfinished {
                    key: key.to_string(),
                    size: self.uploaded_bytes(full, id).await,
                    handle: id.to_string(),
                });
            }
            match (page.next_key_marker(), page.next_upload_id_marker()) {
                (Some(k), id) if page.is_truncated() == Some(true) => {
                    key_marker = Some(k.to_string());
                    id_marker = id.map(str::to_string);
                }
                _ => break,
            }
        }
        Ok(out)
    }

    /// Bytes in the parts of an upload so far (0 when they cannot be listed).
    async fn uploaded_bytes(&self, full_key: &str, upload_id: &str) -> u64 {
        let parts = self
            .client
            .list_parts()
            .bucket(&self.bucket)
            .key(full_key)
            .upload_id(upload_id)
            .send()
            .await;
        parts.map_or(0, |out| {
            out.parts()
                .iter()
                .map(|p| p.size().unwrap_or(0).max(0) as u64)
                .sum()
        })
    }

    /// Abort an unfinished multipart upload (its parts are deleted).
    pub async fn discard(&self, unfinished: &Unfinished) -> Result<()> {
        let aborted = self
            .client
            .abort_multipart_upload()
            .bucket(&self.bucket)
            .key(self.full(&unfinished.key))
            .upload_id(&unfinished.handle)
            .send()
            .await;
        match aborted {
            Ok(_) => Ok(()),
            // Gone already (another prune, or it completed meanwhile).
            Err(err)
                if err
                    .as_service_error()
                    .is_some_and(|e| e.is_no_such_upload()) =>
            {
                Ok(())
            }
            Err(err) => Err(self.failed("abort the unfinished upload of", &unfinished.key, err)),
        }
    }

    /// Whether the bucket is reachable with these credentials.
    pub async fn check(&self) -> bool {
        self.client
            .head_bucket()
            .bucket(&self.bucket)
            .send()
            .await
            .is_ok()
    }

    pub async fn delete(&self, key: &str) -> Result<()> {
        self.client
            .delete_object()
            .bucket(&self.bucket)
            .key(self.full(key))
            .send()
            .await
            .map_err(|e| self.failed("delete", key, e))?;
        Ok(())
    }
}

/// Aborts a multipart upload that did not complete: on error, and also when
/// the uploading future is dropped (a failed sibling task, Ctrl-C): then the
/// abort is handed to [`crate::cleanup`], which `main` waits for before exiting.
/// So no invisible parts are left behind to pay for, unless the process is
/// killed outright (a bucket lifecycle rule covers that).
struct AbortOnDrop {
    client: aws_sdk_s3::Client,
    bucket: String,
    key: String,
    upload_id: Option<String>,
}

impl AbortOnDrop {
    /// The abort, once: `None` when already taken (or the upload completed).
    fn request(&mut self) -> Option<impl std::future::Future<Output = ()> + Send + 'static> {
        let upload_id = self.upload_id.take()?;
        let request = self
            .client
            .abort_multipart_upload()
            .bucket(&self.bucket)
            .key(&self.key)
            .upload_id(&upload_id);
        let key = self.key.clone();
        Some(async move {
            if let Err(err) = request.send().await {
                tracing::warn!(
                    "could not abort the unfinished upload `{upload_id}` of `{key}`: {}",
                    error_line(&err)
                );
            }
        })
    }
}

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        let what = format!("aborting the unfinished upload of `{}`", self.key);
        if let Some(abort) = self.request() {
            crate::cleanup::spawn(what, abort);
        }
    }
}

/// Read up to one part; shorter only at EOF.
async fn read_part(reader: &mut (dyn AsyncRead + Send + Unpin)) -> std::io::Result<Vec<u8>> {
    let mut buf = Vec::with_capacity(PART);
    reader.take(PART as u64).read_to_end(&mut buf).await?;
    Ok(buf)
}

fn joined(
    done: Option<Result<Result<CompletedPart>, tokio::task::JoinError>>,
) -> Result<CompletedPart> {
    match done {
        Some(Ok(part)) => part,
        Some(Err(err)) => Err(anyhow!("an upload task failed: {err}")),
        None => Err(anyhow!("no upload in flight")),
    }
}

/// An SDK error on one line; a timeout says which limit ran out.
fn explain<E, R>(err: &SdkError<E, R>, timeouts: &Timeouts) -> String
where
    E: std::error::Error + 'static,
    R: std::fmt::Debug,
{
    let timed_out = match err {
        SdkError::TimeoutError(_) => true,
        SdkError::DispatchFailure(failure) => failure.is_timeout(),
        _ => false,
    };
    if timed_out {
        format!("{} (limits: {})", error_line(err), timeouts.describe())
    } else {
        error_line(err)
    }
}

/// A download body that fails when no byte arrives for `limit`: the SDK's
/// timeouts end when the response headers are in, not when the body is.
struct Stalled<R> {
    inner: R,
    limit: std::time::Duration,
    deadline: std::pin::Pin<Box<tokio::time::Sleep>>,
}

impl<R> Stalled<R> {
    fn new(inner: R, limit: std::time::Duration) -> Self {
        Stalled {
            inner,
            limit,
            deadline: Box::pin(tokio::time::sleep(limit)),
        }
    }
}

impl<R: AsyncRead + Unpin> AsyncRead for Stalled<R> {
    fn poll_read(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
        buf: &mut tokio::io::ReadBuf<'_>,
    ) -> std::task::Poll<std::io::Result<()>> {
        use std::task::Poll;
        let this = &mut *self;
        match std::pin::Pin::new(&mut this.inner).poll_read(cx, buf) {
            Poll::Ready(result) => {
                let next = tokio::time::Instant::now() + this.limit;
                this.deadline.as_mut().reset(next);
                Poll::Ready(result)
            }
            Poll::Pending => match this.deadline.as_mut().poll(cx) {
                Poll::Ready(()) => Poll::Ready(Err(std::io::Error::new(
                    std::io::ErrorKind::TimedOut,
                    format!("no data for {}s (s3.attempt_timeout)", this.limit.as_secs()),
                ))),
                Poll::Pending => Poll::Pending,
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;
    use tokio::io::AsyncWriteExt;

    #[tokio::test]
    async fn a_download_that_stalls_fails_and_one_that_flows_does_not() {
        let (mut tx, rx) = tokio::io::duplex(64);
        let mut body = Stalled::new(rx, Duration::from_millis(300));
        let writer = tokio::spawn(async move {
            for _ in 0..5 {
                tx.write_all(b"x").await.unwrap();
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
            tx // kept open: then the body stalls
        });
        let mut buf = [0u8; 1];
        for _ in 0..5 {
            body.read_exact(&mut buf).await.unwrap();
        }
        let err = body.read_exact(&mut buf).await.unwrap_err();
        assert_eq!(err.kind(), std::io::ErrorKind::TimedOut, "{err}");
        assert!(err.to_string().contains("s3.attempt_timeout"), "{err}");
        drop(writer.await.unwrap());
    }
}
