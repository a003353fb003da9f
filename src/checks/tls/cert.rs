//! What a presented certificate chain says, read with x509-parser: the leaf's
//! subject, issuer, SANs and expiry for the report, and the weaknesses a
//! browser or `testssl.sh` names (RSA keys under 2048 bits, SHA-1 or MD5
//! signatures) in those words rather than as a signature error.

use std::net::IpAddr;

use anyhow::Result;
use rustls::pki_types::CertificateDer;
use x509_parser::certificate::X509Certificate;
use x509_parser::extensions::GeneralName;
use x509_parser::objects::{oid_registry, oid2sn};
use x509_parser::public_key::PublicKey;

/// The leaf certificate, as shown in the report.
pub struct Leaf {
    pub subject: String,
    pub issuer: String,
    pub sans: Vec<String>,
    /// Days until `notAfter` (negative once expired).
    pub days: i64,
    /// `notAfter` as `YYYY-MM-DD`.
    pub expiry: String,
}

pub fn parse<'a>(der: &'a CertificateDer<'_>) -> Result<X509Certificate<'a>> {
    let (_, cert) = x509_parser::parse_x509_certificate(der)
        .map_err(|e| anyhow::anyhow!("cannot parse the server certificate: {e}"))?;
    Ok(cert)
}

pub fn leaf(cert: &X509Certificate<'_>) -> Leaf {
    let not_after = cert.validity().not_after.timestamp();
    let days = (not_after - chrono::Utc::now().timestamp()).div_euclid(86_400);
    let expiry = chrono::DateTime::from_timestamp(not_after, 0)
        .map(|t| t.format("%Y-%m-%d").to_string())
        .unwrap_or_default();
    let sans = cert
        .subject_alternative_name()
        .ok()
        .flatten()
        .map(|ext| ext.value.general_names.iter().filter_map(san).collect())
        .unwrap_or_default();
    Leaf {
        subject: cert.subject().to_string(),
        issuer: cert.issuer().to_string(),
        sans,
        days,
        expiry,
    }
}

fn san(name: &GeneralName<'_>) -> Option<String> {
    match name {
        GeneralName::DNSName(d) => Some(d.to_string()),
        GeneralName::IPAddress(b) => match b.len() {
            4 => <[u8; 4]>::try_from(*b)
                .ok()
                .map(|a| IpAddr::from(a).to_string()),
            16 => <[u8; 16]>::try_from(*b)
                .ok()
                .map(|a| IpAddr::from(a).to_string()),
            _ => None,
        },
        _ => None,
    }
}

/// Weak keys and signatures in the presented chain, one finding each. The
/// signature of a self-signed certificate (a root sent along) is not used by
/// anyone, so only its key counts.
pub fn weaknesses(chain: &[X509Certificate<'_>]) -> Vec<String> {
    let mut found = Vec::new();
    for (i, cert) in chain.iter().enumerate() {
        let who = if i == 0 {
            "certificate".to_string()
        } else {
            format!("intermediate `{}`", cert.subject())
        };
        if let Some(weak) = weak_key(cert) {
            found.push(format!("{who} key is {weak}"));
        }
        if cert.subject() != cert.issuer()
            && let Some(weak) = weak_signature(cert)
        {
            found.push(format!("{who} signed with {weak}"));
        }
    }
    found
}

/// `RSA 1024 bits; at least 2048 required` and the like.
fn weak_key(cert: &X509Certificate<'_>) -> Option<String> {
    match cert.public_key().parsed().ok()? {
        PublicKey::RSA(rsa) => {
            let bits = bit_length(rsa.modulus);
            (bits < 2048).then(|| format!("RSA {bits} bits; at least 2048 required"))
        }
        PublicKey::EC(point) => {
            let bits = point.key_size();
            (bits > 0 && bits < 256).then(|| format!("EC {bits} bits; at least 256 required"))
        }
        PublicKey::DSA(_) => Some("DSA; no current client accepts DSA".into()),
        _ => None,
    }
}

/// The bit length of a big-endian unsigned integer (DER may add a zero byte).
fn bit_length(bytes: &[u8]) -> usize {
    let bytes = match bytes.iter().position(|b| *b != 0) {
        Some(first) => &bytes[first..],
        None => return 0,
    };
    bytes.len() * 8 - bytes[0].leading_zeros() as usize
}

/// `sha1WithRSAEncryption (SHA-1)` for signatures made with a broken hash.
fn weak_signature(cert: &X509Certificate<'_>) -> Option<String> {
    let oid = &cert.signature_algorithm.algorithm;
    let dotted = oid.to_id_string();
    let hash = match dotted.as_str() {
        "1.2.840.113549.1.1.5" | "1.2.840.10045.4.1" | "1.2.840.10040.4.3" | "1.3.14.3.2.29" => {
            "SHA-1"
        }
        "1.2.840.113549.1.1.4" => "MD5",
        "1.2.840.113549.1.1.2" => "MD2",
        _ => return None,
    };
    let name = oid2sn(oid, oid_registry()).map_or(dotted.clone(), str::to_string);
    Some(format!("{name} ({hash})"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bit_lengths() {
        assert_eq!(bit_length(&[0x00, 0x80, 0x00]), 16);
        assert_eq!(bit_length(&[0x7f, 0xff]), 15);
        assert_eq!(bit_length(&[0, 0]), 0);
        let mut m = vec![0x00, 0xc1];
        m.extend([0u8; 127]);
        assert_eq!(bit_length(&m), 1024);
    }
}
