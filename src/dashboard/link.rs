//! Links that open the dashboard until a time, without the token: the link
//! carries `exp` (Unix seconds) and `sig`, an HMAC-SHA256 of the expiry
//! keyed with the dashboard's token. Whoever holds the token can mint one
//! (`hctl dashboard --share-for 8h` prints it at start); nobody can extend
//! one or make one from another.

use chrono::{DateTime, Utc};
use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;

/// What the MAC covers besides the expiry, so the token's MAC means
/// nothing elsewhere.
const PURPOSE: &[u8] = b"hctl dashboard link v1\n";

fn mac(token: &str, exp: i64) -> Hmac<Sha256> {
    let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(token.as_bytes())
        .expect("HMAC takes a key of any length");
    mac.update(PURPOSE);
    mac.update(exp.to_string().as_bytes());
    mac
}

/// The query string of a link valid until `until`: `exp=…&sig=…`.
pub fn query(token: &str, until: DateTime<Utc>) -> String {
    let exp = until.timestamp();
    let sig = hex::encode(mac(token, exp).finalize().into_bytes());
    format!("exp={exp}&sig={sig}")
}

/// Why a link does not open the page.
#[derive(Debug, PartialEq, Eq)]
pub enum Refused {
    /// Not signed with this dashboard's token (or altered).
    Forged,
    /// Signed, but its time is over.
    Expired(DateTime<Utc>),
}

/// Check a link's `exp` and `sig` at `now`, the signature in constant time.
pub fn check(token: &str, exp: i64, sig: &str, now: DateTime<Utc>) -> Result<(), Refused> {
    let Ok(sig) = hex::decode(sig) else {
        return Err(Refused::Forged);
    };
    mac(token, exp)
        .verify_slice(&sig)
        .map_err(|_| Refused::Forged)?;
    match DateTime::from_timestamp(exp, 0) {
        Some(until) if now <= until => Ok(()),
        Some(until) => Err(Refused::Expired(until)),
        None => Err(Refused::Forged),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Duration;

    fn parts(query: &str) -> (i64, String) {
        let (exp, sig) = query.split_once('&').unwrap();
        (
            exp.strip_prefix("exp=").unwrap().parse().unwrap(),
            sig.strip_prefix("sig=").unwrap().to_string(),
        )
    }

    #[test]
    fn a_link_opens_until_its_time_and_only_with_its_token() {
        let now = Utc::now();
        let until = now + Duration::hours(8);
        let (exp, sig) = parts(&query("s3cret", until));
        assert_eq!(check("s3cret", exp, &sig, now), Ok(()));
        assert_eq!(check("other", exp, &sig, now), Err(Refused::Forged));
        assert_eq!(
            check("s3cret", exp + 3600, &sig, now),
            Err(Refused::Forged),
            "extended"
        );
        assert_eq!(check("s3cret", exp, "zz", now), Err(Refused::Forged));
        let later = until + Duration::seconds(1);
        assert!(matches!(
            check("s3cret", exp, &sig, later),
            Err(Refused::Expired(_))
        ));
    }
}
