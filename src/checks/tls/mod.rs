//! The `tls` kind: a real handshake (tokio-rustls), then the presented chain
//! verified against the system roots or `ca_file`, the hostname, the days
//! until expiry (warn and fail thresholds), weak keys and signatures named as
//! such ([`cert`]), and the protocol: the version and cipher suite negotiated,
//! TLS 1.2 still accepted when the minimum is 1.3, and SSL 3.0 / TLS 1.0 /
//! TLS 1.1 still accepted, found with hand-written hellos ([`legacy`]) since
//! rustls cannot speak them.

mod cert;
mod legacy;

use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use anyhow::{Context, Result};
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{
    CertificateError, ClientConfig, DigitallySignedStruct, ProtocolVersion, SignatureScheme,
};
use serde::Deserialize;
use tokio::net::TcpStream;
use tokio_rustls::TlsConnector;

use super::{Outcome, one_line, tls_config};
use crate::report::Status;
use legacy::Legacy;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TlsCheck {
    /// Host name or IP address to connect to, or a URL (`{{ env.url }}`)
    /// whose host and port are used.
    pub host: String,
    #[serde(default = "default_port")]
    pub port: u16,
    /// Name to send as SNI and to verify (default: `host`).
    #[serde(default)]
    pub servername: Option<String>,
    /// Trust only the certificates in this PEM file (default: system roots).
    #[serde(default)]
    pub ca_file: Option<PathBuf>,
    /// Warn when the certificate expires in fewer days.
    #[serde(default = "default_warn_days")]
    pub warn_days: i64,
    /// Fail when the certificate expires in fewer days.
    #[serde(default = "default_fail_days")]
    pub fail_days: i64,
    /// Oldest protocol version the server may accept: `1.0`, `1.1`, `1.2`
    /// (default) or `1.3`.
    #[serde(default)]
    pub min_protocol: MinProtocol,
}

fn default_port() -> u16 {
    443
}
fn default_warn_days() -> i64 {
    30
}
fn default_fail_days() -> i64 {
    7
}

/// The oldest protocol a server may still accept. Ordered.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Deserialize)]
pub enum MinProtocol {
    #[serde(rename = "1.0")]
    Tls10,
    #[serde(rename = "1.1")]
    Tls11,
    #[default]
    #[serde(rename = "1.2")]
    Tls12,
    #[serde(rename = "1.3")]
    Tls13,
}

impl MinProtocol {
    pub fn name(self) -> &'static str {
        match self {
            MinProtocol::Tls10 => "TLS 1.0",
            MinProtocol::Tls11 => "TLS 1.1",
            MinProtocol::Tls12 => "TLS 1.2",
            MinProtocol::Tls13 => "TLS 1.3",
        }
    }

    /// Whether a legacy version is older than this minimum.
    fn refuses(self, version: Legacy) -> bool {
        let allowed = match self {
            MinProtocol::Tls10 => Legacy::Tls10,
            MinProtocol::Tls11 => Legacy::Tls11,
            MinProtocol::Tls12 | MinProtocol::Tls13 => return true,
        };
        version < allowed
    }
}

impl std::str::FromStr for MinProtocol {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        serde_json::from_value(serde_json::Value::String(s.to_string()))
            .map_err(|_| format!("unknown protocol version `{s}` (expected 1.0, 1.1, 1.2 or 1.3)"))
    }
}

/// What the handshake showed.
struct Seen {
    version: ProtocolVersion,
    suite: String,
    chain: Vec<CertificateDer<'static>>,
    /// Why the server's handshake signature did not verify, if it did not.
    signature_problem: Option<String>,
}

/// Why a handshake did not happen: nobody to talk to, or a TLS failure.
enum HandshakeError {
    Connect(anyhow::Error),
    Tls(String),
}

async fn handshake(
    addr: &str,
    name: &ServerName<'static>,
    versions: &[&'static rustls::SupportedProtocolVersion],
) -> Result<Seen, HandshakeError> {
    let verifier = Arc::new(Inspect::default());
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = ClientConfig::builder_with_provider(provider)
        .with_protocol_versions(versions)
        .map_err(|e| HandshakeError::Tls(e.to_string()))?
        .dangerous()
        .with_custom_certificate_verifier(verifier.clone())
        .with_no_client_auth();
    let tcp = TcpStream::connect(addr)
        .await
        .with_context(|| format!("cannot connect to `{addr}`"))
        .map_err(HandshakeError::Connect)?;
    let tls = TlsConnector::from(Arc::new(config))
        .connect(name.clone(), tcp)
        .await
        .map_err(|e| HandshakeError::Tls(one_line(&e)))?;
    let (_, conn) = tls.get_ref();
    let suite = conn
        .negotiated_cipher_suite()
        .map(|s| {
            let s = s.suite();
            s.as_str().map_or_else(|| format!("{s:?}"), str::to_string)
        })
        .unwrap_or_default();
    let signature_problem = verifier.problem.lock().ok().and_then(|p| p.clone());
    Ok(Seen {
        version: conn
            .protocol_version()
            .unwrap_or(ProtocolVersion::Unknown(0)),
        suite,
        chain: conn
            .peer_certificates()
            .unwrap_or_default()
            .iter()
            .map(|c| c.clone().into_owned())
            .collect(),
        signature_problem,
    })
}

pub async fn run(check: &TlsCheck) -> Outcome {
    match inspect(check).await {
        Ok(outcome) => outcome,
        Err(err) => Outcome::error(format!("{err:#}").replace('\n', " ")),
    }
}

/// `host` may be a URL: take its host and (explicit) port.
fn target(check: &TlsCheck) -> Result<TlsCheck> {
    let mut check = check.clone();
    if check.host.contains("://") {
        let url = url::Url::parse(&check.host)
            .with_context(|| format!("invalid URL `{}`", check.host))?;
        let host = url
            .host_str()
            .with_context(|| format!("no host in `{}`", check.host))?;
        check.port = url.port().unwrap_or(check.port);
        check.host = host
            .trim_start_matches('[')
            .trim_end_matches(']')
            .to_string();
    }
    Ok(check)
}

/// `host:port`, with brackets around an IPv6 address.
fn address(check: &TlsCheck) -> String {
    if check.host.contains(':') {
        format!("[{}]:{}", check.host, check.port)
    } else {
        format!("{}:{}", check.host, check.port)
    }
}

async fn inspect(check: &TlsCheck) -> Result<Outcome> {
    let check = &target(check)?;
    let addr = address(check);
    let name_text = check
        .servername
        .clone()
        .unwrap_or_else(|| check.host.clone());
    let name = ServerName::try_from(name_text.clone())
        .with_context(|| format!("invalid server name `{name_text}`"))?;
    let seen = match handshake(&addr, &name, rustls::ALL_VERSIONS).await {
        Ok(seen) => seen,
        Err(HandshakeError::Connect(err)) => return Err(err),
        Err(HandshakeError::Tls(why)) => return only_legacy(&addr, &name_text, check, why).await,
    };
    let Some(leaf_der) = seen.chain.first() else {
        return Ok(Outcome::fail("server presented no certificate"));
    };
    let parsed = seen
        .chain
        .iter()
        .map(cert::parse)
        .collect::<Result<Vec<_>>>()?;
    let leaf = cert::leaf(&parsed[0]);
    let mut problems = Vec::new();

    let weak = cert::weaknesses(&parsed);
    let verifier = tls_config::verifier_for(check.ca_file.as_deref())?;
    if let Err(err) =
        verifier.verify_server_cert(leaf_der, &seen.chain[1..], &name, &[], UnixTime::now())
        && (!signature_error(&err) || weak.is_empty())
    {
        problems.push((Status::Fail, explain(&err, &name_text, &parsed)));
    }
    problems.extend(weak.iter().map(|w| (Status::Fail, w.clone())));
    if let Some(why) = &seen.signature_problem
        && weak.is_empty()
    {
        problems.push((
            Status::Fail,
            format!("the server's handshake signature does not verify: {why}"),
        ));
    }

    let before = problems.len();
    if leaf.days < 0 {
        problems.push((Status::Fail, format!("expired on {}", leaf.expiry)));
    } else if leaf.days < check.fail_days {
        problems.push((
            Status::Fail,
            format!(
                "expires in {} days ({}), minimum {}",
                leaf.days, leaf.expiry, check.fail_days
            ),
        ));
    } else if leaf.days < check.warn_days {
        problems.push((
            Status::Warn,
            format!("expires in {} days ({})", leaf.days, leaf.expiry),
        ));
    }
    let expiry_named = problems.len() > before;

    let version = version_name(seen.version);
    if check.min_protocol == MinProtocol::Tls13 {
        if seen.version != ProtocolVersion::TLSv1_3 {
            problems.push((
                Status::Fail,
                format!("negotiated {version}, minimum is TLS 1.3"),
            ));
        } else if handshake(&addr, &name, &[&rustls::version::TLS12])
            .await
            .is_ok()
        {
            problems.push((
                Status::Fail,
                "server still accepts TLS 1.2 (minimum is TLS 1.3)".into(),
            ));
        }
    }
    let refused = legacy_accepted(&addr, &name_text, check.min_protocol).await?;
    if !refused.is_empty() {
        problems.push((
            Status::Fail,
            format!(
                "server still accepts {} (minimum is {})",
                names(&refused),
                check.min_protocol.name()
            ),
        ));
    }

    let mut facts = format!(
        "{version} {}; subject {}; issuer {}; SANs {}",
        seen.suite,
        leaf.subject,
        leaf.issuer,
        if leaf.sans.is_empty() {
            "none".to_string()
        } else {
            leaf.sans.join(", ")
        },
    );
    if !expiry_named {
        facts.push_str(&format!(
            "; expires in {} days ({})",
            leaf.days, leaf.expiry
        ));
    }
    let mut outcome = Outcome::from_findings(format!("valid for `{name_text}`"), problems);
    outcome.detail = format!("{}; {facts}", outcome.detail);
    Ok(outcome)
}

/// The legacy versions `addr` accepts that `min` does not allow.
async fn legacy_accepted(addr: &str, sni: &str, min: MinProtocol) -> Result<Vec<Legacy>> {
    Ok(legacy::accepted(addr, Some(sni))
        .await?
        .into_iter()
        .filter(|v| min.refuses(*v))
        .collect())
}

/// A server rustls cannot shake hands with may still speak only a legacy
/// version: that is a verdict (fail), not an unreachable target.
async fn only_legacy(addr: &str, sni: &str, check: &TlsCheck, why: String) -> Result<Outcome> {
    let spoken = legacy::accepted(addr, Some(sni)).await.unwrap_or_default();
    let refused: Vec<_> = spoken
        .iter()
        .copied()
        .filter(|v| check.min_protocol.refuses(*v))
        .collect();
    if refused.is_empty() {
        anyhow::bail!("TLS handshake with `{addr}` failed: {why}");
    }
    Ok(Outcome::fail(format!(
        "server speaks only {} (minimum is {}); TLS 1.2/1.3 handshake failed: {why}",
        names(&spoken),
        check.min_protocol.name()
    )))
}

fn names(versions: &[Legacy]) -> String {
    versions
        .iter()
        .map(|v| v.name())
        .collect::<Vec<_>>()
        .join(", ")
}

fn version_name(v: ProtocolVersion) -> &'static str {
    match v {
        ProtocolVersion::TLSv1_3 => "TLS 1.3",
        ProtocolVersion::TLSv1_2 => "TLS 1.2",
        _ => "unknown protocol",
    }
}

/// Errors that [`cert::weaknesses`] explains better when it found something.
fn signature_error(err: &rustls::Error) -> bool {
    matches!(
        err,
        rustls::Error::InvalidCertificate(
            CertificateError::BadSignature
                | CertificateError::UnsupportedSignatureAlgorithmContext { .. }
                | CertificateError::UnsupportedSignatureAlgorithmForPublicKeyContext { .. }
        )
    )
}

/// A verification error in words an on-call engineer acts on.
fn explain(
    err: &rustls::Error,
    name: &str,
    chain: &[x509_parser::certificate::X509Certificate<'_>],
) -> String {
    match err {
        rustls::Error::InvalidCertificate(cert) => match cert {
            CertificateError::UnknownIssuer => untrusted(chain),
            CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. } => {
                format!("certificate not valid for `{name}`")
            }
            CertificateError::Expired | CertificateError::ExpiredContext { .. } => {
                "certificate expired".into()
            }
            CertificateError::NotValidYet | CertificateError::NotValidYetContext { .. } => {
                "certificate not valid yet".into()
            }
            CertificateError::BadSignature => "certificate signature does not verify".into(),
            CertificateError::UnsupportedSignatureAlgorithmContext { .. }
            | CertificateError::UnsupportedSignatureAlgorithmForPublicKeyContext { .. } => {
                "certificate signed with an algorithm no current client accepts".into()
            }
            CertificateError::Other(other) => webpki_words(&other.to_string()),
            other => format!("certificate invalid: {other}"),
        },
        other => format!("certificate invalid: {other}"),
    }
}

/// webpki's errors reach us as their variant names (`CaUsedAsEndEntity`):
/// say what they mean and what to do.
fn webpki_words(name: &str) -> String {
    match name {
        "CaUsedAsEndEntity" => "the server presents a CA certificate as its own (CA used as end entity): serve a leaf certificate issued by that CA".into(),
        "EndEntityUsedAsCa" => "a leaf certificate was used to sign another certificate (end entity used as CA)".into(),
        "RequiredEkuNotFound" | "RequiredEkuNotFoundContext" => "certificate is not valid for server authentication (its extended key usage lacks serverAuth)".into(),
        "InvalidCertValidity" => "certificate validity period is invalid (not-after before not-before)".into(),
        "MaximumPathDepthExceeded" => "certificate chain is too long".into(),
        "UnsupportedCertVersion" => "certificate is not an X.509 v3 certificate".into(),
        "UnsupportedCriticalExtension" => "certificate has a critical extension no client understands".into(),
        "NameConstraintViolation" => "certificate name violates the issuer's name constraints".into(),
        other => format!("certificate invalid: {other}"),
    }
}

/// Unknown issuer: say whether the chain ends in a self-signed certificate
/// (not trusted) or in one whose issuer was not sent (missing intermediate).
fn untrusted(chain: &[x509_parser::certificate::X509Certificate<'_>]) -> String {
    match chain.last() {
        Some(last) if last.subject() == last.issuer() && chain.len() == 1 => {
            "certificate chain not trusted: self-signed certificate".into()
        }
        Some(last) if last.subject() == last.issuer() => format!(
            "certificate chain not trusted: root `{}` is not a trusted root",
            last.subject()
        ),
        Some(last) => format!(
            "certificate chain not trusted: issuer `{}` of `{}` is neither sent by the server \
             nor a trusted root (missing intermediate certificate?)",
            last.issuer(),
            last.subject()
        ),
        None => "certificate chain not trusted (unknown issuer)".into(),
    }
}

/// Accepts any certificate (the chain is verified afterwards, so its
/// problems can be named) and records, rather than refuses, a handshake
/// signature that does not verify: ring refuses RSA keys under 2048 bits,
/// and such a server must be reported as having a weak key, not as
/// unreachable.
#[derive(Debug, Default)]
struct Inspect {
    problem: Mutex<Option<String>>,
}

impl Inspect {
    fn record(
        &self,
        result: Result<HandshakeSignatureValid, rustls::Error>,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        if let Err(err) = &result
            && let Ok(mut slot) = self.problem.lock()
        {
            *slot = Some(err.to_string());
        }
        Ok(HandshakeSignatureValid::assertion())
    }
}

impl ServerCertVerifier for Inspect {
    fn verify_server_cert(
        &self,
        _end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.record(tls_config::AcceptAny.verify_tls12_signature(message, cert, dss))
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.record(tls_config::AcceptAny.verify_tls13_signature(message, cert, dss))
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        tls_config::AcceptAny.supported_verify_schemes()
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use rustls::OtherError;

    use super::*;

    #[derive(Debug)]
    struct Named(&'static str);

    impl std::fmt::Display for Named {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str(self.0)
        }
    }

    impl std::error::Error for Named {}

    #[test]
    fn webpki_errors_are_words_not_debug_dumps() {
        let err = rustls::Error::InvalidCertificate(CertificateError::Other(OtherError(Arc::new(
            Named("CaUsedAsEndEntity"),
        ))));
        let text = explain(&err, "localhost", &[]);
        assert!(
            text.starts_with("the server presents a CA certificate as its own"),
            "{text}"
        );
        assert!(!text.contains("Other("), "{text}");
    }
}
