//! Signed download links, handed out by the export: `GET
//! /api/files/{id}?expires=UNIX&sig=HEX` serves the file without a token
//! until `expires` ([`LINK_TTL`] after the export). `sig` is the hex
//! HMAC-SHA256 under the JWT secret of `file-link`, a NUL byte, the owner's
//! and the file's UUIDs (16 bytes each) and `expires` (8 bytes, big endian):
//! a link opens one file of one owner, and no longer than it says.

use std::time::Duration;

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::super::error::ApiError;
use crate::token::Keys;

/// How long an exported link works: long enough to fetch every file of an
/// export, short enough that a link left in a history or a forwarded mail
/// is dead by the time someone finds it.
pub const LINK_TTL: Duration = Duration::from_secs(15 * 60);

const PURPOSE: &str = "file-link";

/// A link and when it stops working.
pub struct Link {
    /// Path and query, relative to the API's base URL.
    pub url: String,
    pub expires_at: DateTime<Utc>,
}

fn message(owner: Uuid, file: Uuid, expires: i64) -> Vec<u8> {
    let mut m = Vec::with_capacity(40);
    m.extend_from_slice(owner.as_bytes());
    m.extend_from_slice(file.as_bytes());
    m.extend_from_slice(&expires.to_be_bytes());
    m
}

/// A link to `file` of `owner`, valid for [`LINK_TTL`] from `now`.
pub fn sign(keys: &Keys, owner: Uuid, file: Uuid, now: DateTime<Utc>) -> Link {
    let expires = now.timestamp() + LINK_TTL.as_secs() as i64;
    let sig = hex::encode(keys.tag(PURPOSE, &message(owner, file, expires)));
    Link {
        url: format!("/api/files/{file}?expires={expires}&sig={sig}"),
        expires_at: DateTime::from_timestamp(expires, 0).unwrap_or(now),
    }
}

const INVALID: ApiError =
    ApiError::Forbidden("invalid download link: use the links of a fresh export");

/// Whether a link with `expires` and `sig` opens `file` of `owner` at `now`
/// (403 otherwise). An expiry further out than [`LINK_TTL`] was not made
/// here, whatever its signature.
pub fn check(
    keys: &Keys,
    owner: Uuid,
    file: Uuid,
    expires: i64,
    sig: &str,
    now: DateTime<Utc>,
) -> Result<(), ApiError> {
    let now = now.timestamp();
    if expires < now {
        return Err(ApiError::Forbidden(
            "this download link has expired: export again for fresh links",
        ));
    }
    let tag = hex::decode(sig).map_err(|_| INVALID)?;
    if expires - now > LINK_TTL.as_secs() as i64 + 60
        || !keys.verify_tag(PURPOSE, &message(owner, file, expires), &tag)
    {
        return Err(INVALID);
    }
    Ok(())
}

/// The answer for a link whose file does not exist: the same as a forged one,
/// so links cannot probe for file ids.
pub fn unknown_file() -> ApiError {
    INVALID
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parts(url: &str) -> (i64, String) {
        let query = url.split_once('?').unwrap().1;
        let (expires, sig) = query.split_once('&').unwrap();
        (
            expires.strip_prefix("expires=").unwrap().parse().unwrap(),
            sig.strip_prefix("sig=").unwrap().to_string(),
        )
    }

    #[test]
    fn links_open_one_file_until_they_expire() {
        let keys = Keys::new(&[7u8; 32], Duration::from_secs(60));
        let (owner, file, other) = (Uuid::new_v4(), Uuid::new_v4(), Uuid::new_v4());
        let now = Utc::now();
        let link = sign(&keys, owner, file, now);
        let mut forged = parts(&link.url).1;
        let last = forged.pop().unwrap();
        forged.push(if last == '0' { '1' } else { '0' });
        assert!(link.url.starts_with(&format!("/api/files/{file}?expires=")));
        let (expires, sig) = parts(&link.url);
        assert_eq!(link.expires_at.timestamp(), expires);
        assert!(check(&keys, owner, file, expires, &sig, now).is_ok());
        let last = link.expires_at;
        assert!(check(&keys, owner, file, expires, &sig, last).is_ok());
        let later = last + chrono::Duration::seconds(1);
        let err = check(&keys, owner, file, expires, &sig, later).unwrap_err();
        assert!(err.to_string().contains("expired"), "{err}");
        for (o, f, e, s) in [
            (owner, other, expires, sig.clone()),
            (other, file, expires, sig.clone()),
            (owner, file, expires + 60, sig.clone()),
            (owner, file, expires, forged.clone()),
            (owner, file, expires, "zz".into()),
            (owner, file, expires, String::new()),
        ] {
            assert_eq!(check(&keys, o, f, e, &s, now).unwrap_err().status(), 403);
        }
        // Correctly signed, but for longer than links live.
        let far = now.timestamp() + 86_400;
        let sig = hex::encode(keys.tag(PURPOSE, &message(owner, file, far)));
        assert!(check(&keys, owner, file, far, &sig, now).is_err());
        let other_keys = Keys::new(&[8u8; 32], Duration::from_secs(60));
        let (expires, sig) = parts(&link.url);
        assert!(check(&other_keys, owner, file, expires, &sig, now).is_err());
    }
}
