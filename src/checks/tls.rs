//! The `tls` kind: a real handshake (tokio-rustls), then the presented chain
//! verified against the system roots or `ca_file`, the hostname, the days
//! until expiry (warn and fail thresholds, read with x509-parser) and the
//! protocol (the negotiated version, and whether the server still accepts
//! TLS 1.2 when the minimum is 1.3).

use std::path::PathBuf;
use std::sync::Arc;

use anyhow::{Context, Result};
use rustls::client::danger::ServerCertVerifier;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{CertificateError, ClientConfig, ProtocolVersion};
use serde::Deserialize;
use tokio::net::TcpStream;
use tokio_rustls::TlsConnector;

use super::{Outcome, one_line, tls_config};
use crate::report::Status;

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
    /// Minimum protocol version: `1.2` or `1.3`.
    #[serde(default)]
    pub min_protocol: Option<MinProtocol>,
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

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
pub enum MinProtocol {
    #[serde(rename = "1.2")]
    Tls12,
    #[serde(rename = "1.3")]
    Tls13,
}

/// What the handshake showed.
struct Seen {
    version: ProtocolVersion,
    chain: Vec<CertificateDer<'static>>,
}

async fn handshake(
    check: &TlsCheck,
    name: &ServerName<'static>,
    versions: &[&'static rustls::SupportedProtocolVersion],
) -> Result<Seen> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = ClientConfig::builder_with_provider(provider)
        .with_protocol_versions(versions)
        .context("protocol versions")?
        .dangerous()
        .with_custom_certificate_verifier(Arc::new(tls_config::AcceptAny))
        .with_no_client_auth();
    let addr = format!("{}:{}", check.host, check.port);
    let tcp = TcpStream::connect(&addr)
        .await
        .with_context(|| format!("cannot connect to `{addr}`"))?;
    let tls = TlsConnector::from(Arc::new(config))
        .connect(name.clone(), tcp)
        .await
        .map_err(|e| anyhow::anyhow!("TLS handshake with `{addr}` failed: {}", one_line(&e)))?;
    let (_, conn) = tls.get_ref();
    Ok(Seen {
        version: conn
            .protocol_version()
            .unwrap_or(ProtocolVersion::Unknown(0)),
        chain: conn
            .peer_certificates()
            .unwrap_or_default()
            .iter()
            .map(|c| c.clone().into_owned())
            .collect(),
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

async fn inspect(check: &TlsCheck) -> Result<Outcome> {
    let check = &target(check)?;
    let name_text = check
        .servername
        .clone()
        .unwrap_or_else(|| check.host.clone());
    let name = ServerName::try_from(name_text.clone())
        .with_context(|| format!("invalid server name `{name_text}`"))?;
    let seen = handshake(check, &name, rustls::ALL_VERSIONS).await?;
    let Some(leaf) = seen.chain.first() else {
        return Ok(Outcome::fail("server presented no certificate"));
    };
    let mut problems = Vec::new();

    let verifier = tls_config::verifier_for(check.ca_file.as_deref())?;
    if let Err(err) =
        verifier.verify_server_cert(leaf, &seen.chain[1..], &name, &[], UnixTime::now())
    {
        problems.push((Status::Fail, explain(&err, &name_text)));
    }

    let (_, cert) = x509_parser::parse_x509_certificate(leaf)
        .map_err(|e| anyhow::anyhow!("cannot parse the server certificate: {e}"))?;
    let not_after = cert.validity().not_after.timestamp();
    let days = (not_after - chrono::Utc::now().timestamp()).div_euclid(86_400);
    let expiry = chrono::DateTime::from_timestamp(not_after, 0)
        .map(|t| t.format("%Y-%m-%d").to_string())
        .unwrap_or_default();
    if days < 0 {
        problems.push((Status::Fail, format!("expired on {expiry}")));
    } else if days < check.fail_days {
        problems.push((
            Status::Fail,
            format!(
                "expires in {days} days ({expiry}), minimum {}",
                check.fail_days
            ),
        ));
    } else if days < check.warn_days {
        problems.push((Status::Warn, format!("expires in {days} days ({expiry})")));
    }

    let version = version_name(seen.version);
    match check.min_protocol {
        Some(MinProtocol::Tls13) => {
            if seen.version != ProtocolVersion::TLSv1_3 {
                problems.push((
                    Status::Fail,
                    format!("negotiated {version}, minimum is TLS 1.3"),
                ));
            } else if handshake(check, &name, &[&rustls::version::TLS12])
                .await
                .is_ok()
            {
                problems.push((
                    Status::Fail,
                    "server still accepts TLS 1.2 (minimum is 1.3)".into(),
                ));
            }
        }
        Some(MinProtocol::Tls12) | None => {}
    }

    let ok = format!("{version}, valid for `{name_text}`, expires in {days} days ({expiry})");
    let mut outcome = Outcome::from_findings(ok, problems);
    if outcome.status == Status::Fail && !outcome.detail.contains("expire") {
        outcome.detail.push_str(&format!("; expires {expiry}"));
    }
    Ok(outcome)
}

fn version_name(v: ProtocolVersion) -> &'static str {
    match v {
        ProtocolVersion::TLSv1_3 => "TLS 1.3",
        ProtocolVersion::TLSv1_2 => "TLS 1.2",
        _ => "unknown protocol",
    }
}

/// A verification error in words an on-call engineer acts on.
fn explain(err: &rustls::Error, name: &str) -> String {
    match err {
        rustls::Error::InvalidCertificate(cert) => match cert {
            CertificateError::UnknownIssuer => {
                "certificate chain not trusted (unknown issuer or self-signed)".into()
            }
            CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. } => {
                format!("certificate not valid for `{name}`")
            }
            CertificateError::Expired | CertificateError::ExpiredContext { .. } => {
                "certificate expired".into()
            }
            CertificateError::NotValidYet | CertificateError::NotValidYetContext { .. } => {
                "certificate not valid yet".into()
            }
            other => format!("certificate invalid: {other:?}"),
        },
        other => format!("certificate invalid: {other}"),
    }
}
