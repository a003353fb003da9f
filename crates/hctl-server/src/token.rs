//! Access tokens (JWT HS256 with expiry, issuer and audience, all checked),
//! keyed hashes under the same secret (pseudonymous ids, signed links) and
//! password hashing (argon2id, run on the blocking pool so a login never
//! stalls the async workers, at most one hash per core at a time so a login
//! storm cannot take the memory).

use std::time::Duration;

use argon2::Argon2;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use chrono::Utc;
use hmac::{Hmac, KeyInit, Mac};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};
use sha2::Sha256;
use uuid::Uuid;

use crate::error::{ApiError, ApiResult};

pub const ISSUER: &str = "healthtracker";
pub const AUDIENCE: &str = "healthtracker-api";

/// The claims of an access token.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Claims {
    pub sub: Uuid,
    pub jti: Uuid,
    pub iat: i64,
    pub exp: i64,
    pub iss: String,
    pub aud: String,
}

/// Signing and verification keys.
pub struct Keys {
    encoding: EncodingKey,
    decoding: DecodingKey,
    validation: Validation,
    ttl: Duration,
    /// The JWT secret, also the key of [`Keys::tag`].
    mac_key: Vec<u8>,
}

impl Keys {
    pub fn new(secret: &[u8], ttl: Duration) -> Self {
        let mut validation = Validation::new(Algorithm::HS256);
        validation.set_issuer(&[ISSUER]);
        validation.set_audience(&[AUDIENCE]);
        validation.set_required_spec_claims(&["exp", "iss", "aud", "sub"]);
        validation.leeway = 5;
        Keys {
            encoding: EncodingKey::from_secret(secret),
            decoding: DecodingKey::from_secret(secret),
            validation,
            ttl,
            mac_key: secret.to_vec(),
        }
    }

    fn mac(&self, purpose: &str, message: &[u8]) -> Hmac<Sha256> {
        let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(&self.mac_key)
            .expect("HMAC takes a key of any length");
        mac.update(purpose.as_bytes());
        mac.update(b"\0");
        mac.update(message);
        mac
    }

    /// HMAC-SHA256 under the server secret of `purpose`, a NUL byte and
    /// `message`: the purpose label keeps a tag made for one use from
    /// verifying for another.
    pub fn tag(&self, purpose: &str, message: &[u8]) -> [u8; 32] {
        self.mac(purpose, message).finalize().into_bytes().into()
    }

    /// Whether `tag` is [`Keys::tag`] of `purpose` and `message` (constant time).
    pub fn verify_tag(&self, purpose: &str, message: &[u8], tag: &[u8]) -> bool {
        self.mac(purpose, message).verify_slice(tag).is_ok()
    }

    pub fn ttl(&self) -> Duration {
        self.ttl
    }

    /// A new token for `user`.
    pub fn issue(&self, user: Uuid) -> ApiResult<(String, Claims)> {
        let now = Utc::now().timestamp();
        let claims = Claims {
            sub: user,
            jti: Uuid::new_v4(),
            iat: now,
            exp: now + self.ttl.as_secs() as i64,
            iss: ISSUER.into(),
            aud: AUDIENCE.into(),
        };
        let token = jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &self.encoding)
            .map_err(|e| ApiError::Internal(e.into()))?;
        Ok((token, claims))
    }

    /// Verify signature, algorithm (HS256 only: `alg: none` fails), expiry,
    /// issuer and audience.
    pub fn verify(&self, token: &str) -> ApiResult<Claims> {
        jsonwebtoken::decode::<Claims>(token, &self.decoding, &self.validation)
            .map(|data| data.claims)
            .map_err(|_| ApiError::Unauthorized("invalid or expired token"))
    }
}

/// How long a login or registration waits for a free hasher before it is
/// answered 503 with `Retry-After`.
pub const HASH_QUEUE_WAIT: Duration = Duration::from_secs(3);

/// The argon2 workers: at most one hash per core at a time. Each argon2id
/// hash needs 19 MiB of working memory (the OWASP minimum parameters), so an
/// unbounded login storm is a memory storm; a bounded one costs
/// `permits × 19 MiB` and the rest wait in line, up to a deadline.
pub struct Hashers {
    permits: std::sync::Arc<tokio::sync::Semaphore>,
    size: usize,
    wait: Duration,
}

impl Hashers {
    /// `size` concurrent hashes (at least one); callers wait up to `wait`.
    pub fn new(size: usize, wait: Duration) -> Self {
        let size = size.max(1);
        Hashers {
            permits: std::sync::Arc::new(tokio::sync::Semaphore::new(size)),
            size,
            wait,
        }
    }

    /// One hasher per core this process may use (cgroup CPU quotas included).
    pub fn per_core() -> Self {
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        Hashers::new(cores, HASH_QUEUE_WAIT)
    }

    pub fn size(&self) -> usize {
        self.size
    }

    /// Run `work` on the blocking pool once a hasher is free. The permit moves
    /// into the blocking task, so a request that is cancelled (client gone,
    /// request timeout) still holds its hasher until the hash really ends.
    async fn run<T: Send + 'static>(
        &self,
        work: impl FnOnce() -> T + Send + 'static,
    ) -> ApiResult<T> {
        let busy = || ApiError::Overloaded {
            retry_after: self.wait.as_secs().max(1),
        };
        let permit = tokio::time::timeout(self.wait, self.permits.clone().acquire_owned())
            .await
            .map_err(|_| busy())?
            .map_err(|_| busy())?;
        tokio::task::spawn_blocking(move || {
            let out = work();
            drop(permit);
            out
        })
        .await
        .map_err(|e| ApiError::Internal(e.into()))
    }

    /// Hash a password with argon2id.
    pub async fn hash_password(&self, password: String) -> ApiResult<String> {
        self.run(move || {
            Argon2::default()
                .hash_password(password.as_bytes())
                .map(|h| h.to_string())
                .map_err(|e| anyhow::anyhow!("argon2: {e}"))
        })
        .await?
        .map_err(ApiError::Internal)
    }

    /// Whether `password` matches `hash` (or the dummy hash when `None`).
    pub async fn verify_password(&self, password: String, hash: Option<String>) -> ApiResult<bool> {
        self.run(move || {
            let known = hash.is_some();
            let hash = hash.unwrap_or_else(|| {
                DUMMY_HASH
                    .get_or_init(|| {
                        Argon2::default()
                            .hash_password(b"no such account")
                            .map(|h| h.to_string())
                            .unwrap_or_default()
                    })
                    .clone()
            });
            let ok = Argon2::default()
                .verify_password(password.as_bytes(), hash.as_str())
                .is_ok();
            ok && known
        })
        .await
    }
}

/// A hash verified when the account does not exist, so a login for an
/// unknown email costs the same time as a wrong password.
static DUMMY_HASH: std::sync::OnceLock<String> = std::sync::OnceLock::new();

#[cfg(test)]
mod tests {
    use super::*;

    fn keys() -> Keys {
        Keys::new(&[7u8; 32], Duration::from_secs(60))
    }

    #[test]
    fn round_trip_and_tampering() {
        let keys = keys();
        let user = Uuid::new_v4();
        let (token, _) = keys.issue(user).unwrap();
        assert_eq!(keys.verify(&token).unwrap().sub, user);
        // Another secret.
        let other = Keys::new(&[8u8; 32], Duration::from_secs(60));
        assert!(other.verify(&token).is_err());
        // A changed payload with the old signature.
        let mut parts: Vec<&str> = token.split('.').collect();
        let forged = format!(
            "{}.{}",
            parts[0], "eyJzdWIiOiIwMDAwMDAwMC0wMDAwLTAwMDAtMDAwMC0wMDAwMDAwMDAwMDAifQ"
        );
        parts[1] = "x";
        assert!(keys.verify(&format!("{forged}.{}", parts[2])).is_err());
        assert!(keys.verify("not.a.token").is_err());
        assert!(keys.verify("").is_err());
    }

    #[test]
    fn tags_are_keyed_and_bound_to_their_purpose() {
        let keys = keys();
        let tag = keys.tag("file-link", b"message");
        // RFC 2104 HMAC-SHA256 of "file-link\0message" under [7; 32].
        let mut reference = <Hmac<Sha256> as KeyInit>::new_from_slice(&[7u8; 32]).unwrap();
        reference.update(b"file-link\0message");
        assert_eq!(tag[..], reference.finalize().into_bytes()[..]);
        assert!(keys.verify_tag("file-link", b"message", &tag));
        assert!(!keys.verify_tag("audit-subject", b"message", &tag));
        assert!(!keys.verify_tag("file-link", b"messagf", &tag));
        assert!(!keys.verify_tag("file-link", b"message", &tag[..31]));
        let other = Keys::new(&[8u8; 32], Duration::from_secs(60));
        assert!(!other.verify_tag("file-link", b"message", &tag));
    }

    #[test]
    fn alg_none_and_expired_are_rejected() {
        let keys = keys();
        let (token, mut claims) = keys.issue(Uuid::new_v4()).unwrap();
        let payload = token.split('.').nth(1).unwrap();
        // {"alg":"none","typ":"JWT"}
        let none = format!("eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0.{payload}.");
        assert!(keys.verify(&none).is_err());
        claims.exp = Utc::now().timestamp() - 60;
        let expired = jsonwebtoken::encode(
            &Header::new(Algorithm::HS256),
            &claims,
            &EncodingKey::from_secret(&[7u8; 32]),
        )
        .unwrap();
        assert!(keys.verify(&expired).is_err());
    }

    #[tokio::test]
    async fn passwords_hash_with_argon2id() {
        let hashers = Hashers::new(2, HASH_QUEUE_WAIT);
        let hash = hashers.hash_password("correct horse".into()).await.unwrap();
        assert!(hash.starts_with("$argon2id$"));
        assert!(
            hashers
                .verify_password("correct horse".into(), Some(hash.clone()))
                .await
                .unwrap()
        );
        assert!(
            !hashers
                .verify_password("wrong".into(), Some(hash))
                .await
                .unwrap()
        );
        assert!(!hashers.verify_password("x".into(), None).await.unwrap());
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn busy_hashers_answer_503_after_the_queue_deadline() {
        let hashers = std::sync::Arc::new(Hashers::new(1, Duration::from_millis(100)));
        let (started_tx, started_rx) = std::sync::mpsc::channel();
        let (release_tx, release_rx) = std::sync::mpsc::channel::<()>();
        let holder = {
            let hashers = hashers.clone();
            tokio::spawn(async move {
                hashers
                    .run(move || {
                        started_tx.send(()).unwrap();
                        release_rx.recv().unwrap();
                    })
                    .await
            })
        };
        tokio::task::spawn_blocking(move || started_rx.recv().unwrap())
            .await
            .unwrap();
        // The only hasher is busy: the next caller waits 100 ms, then 503.
        let err = hashers.verify_password("x".into(), None).await.unwrap_err();
        assert!(
            matches!(err, ApiError::Overloaded { retry_after: 1 }),
            "{err:?}"
        );
        // A cancelled caller keeps its hasher until the work ends.
        holder.abort();
        let err = hashers.verify_password("x".into(), None).await.unwrap_err();
        assert!(matches!(err, ApiError::Overloaded { .. }), "{err:?}");
        release_tx.send(()).unwrap();
        assert!(!hashers.verify_password("x".into(), None).await.unwrap());
    }
}
