//! Access tokens (JWT HS256 with expiry, issuer and audience, all checked) and
//! password hashing (argon2id, run on the blocking pool so a login never
//! stalls the async workers).

use std::time::Duration;

use argon2::Argon2;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use chrono::Utc;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::server::error::{ApiError, ApiResult};

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
        }
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

/// Hash a password with argon2id (on the blocking pool).
pub async fn hash_password(password: String) -> ApiResult<String> {
    tokio::task::spawn_blocking(move || {
        Argon2::default()
            .hash_password(password.as_bytes())
            .map(|h| h.to_string())
            .map_err(|e| anyhow::anyhow!("argon2: {e}"))
    })
    .await
    .map_err(|e| ApiError::Internal(e.into()))?
    .map_err(ApiError::Internal)
}

/// A hash verified when the account does not exist, so a login for an
/// unknown email costs the same time as a wrong password.
static DUMMY_HASH: std::sync::OnceLock<String> = std::sync::OnceLock::new();

/// Whether `password` matches `hash` (or the dummy hash when `None`).
pub async fn verify_password(password: String, hash: Option<String>) -> ApiResult<bool> {
    tokio::task::spawn_blocking(move || {
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
    .map_err(|e| ApiError::Internal(e.into()))
}

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
        let hash = hash_password("correct horse".into()).await.unwrap();
        assert!(hash.starts_with("$argon2id$"));
        assert!(
            verify_password("correct horse".into(), Some(hash.clone()))
                .await
                .unwrap()
        );
        assert!(!verify_password("wrong".into(), Some(hash)).await.unwrap());
        assert!(!verify_password("x".into(), None).await.unwrap());
    }
}
