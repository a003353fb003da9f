//! rustls client configurations shared by the `http`, `headers` and `tls`
//! kinds: trust the system roots (plus an optional `ca_file`), or accept any
//! certificate so the `tls` kind can inspect a chain it then verifies itself.

use std::path::Path;
use std::sync::Arc;

use anyhow::{Context, Result};
use rustls::client::WebPkiServerVerifier;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{ClientConfig, DigitallySignedStruct, RootCertStore, SignatureScheme};

/// The trust anchors: the system's, or only those in `ca_file` when given.
pub fn roots(ca_file: Option<&Path>) -> Result<RootCertStore> {
    let mut store = RootCertStore::empty();
    match ca_file {
        Some(path) => {
            let pem = crate::files::read_bounded(path, crate::files::MAX_PEM_BYTES)
                .with_context(|| format!("cannot read ca_file `{}`", path.display()))?;
            let mut count = 0;
            for cert in CertificateDer::pem_slice_iter(&pem) {
                let cert = cert.with_context(|| format!("bad PEM in `{}`", path.display()))?;
                store
                    .add(cert)
                    .with_context(|| format!("bad certificate in `{}`", path.display()))?;
                count += 1;
            }
            anyhow::ensure!(count > 0, "no certificate in ca_file `{}`", path.display());
        }
        None => {
            let found = rustls_native_certs::load_native_certs();
            store.add_parsable_certificates(found.certs);
        }
    }
    Ok(store)
}

/// A verifier for `roots`.
pub fn verifier(roots: RootCertStore) -> Result<Arc<WebPkiServerVerifier>> {
    WebPkiServerVerifier::builder(Arc::new(roots))
        .build()
        .context("cannot build the certificate verifier")
}

/// The verifier for the system roots, loaded once per process (reading and
/// parsing the system bundle is the costly part of a TLS client).
fn system_verifier() -> Result<Arc<WebPkiServerVerifier>> {
    static SYSTEM: std::sync::OnceLock<Arc<WebPkiServerVerifier>> = std::sync::OnceLock::new();
    if let Some(v) = SYSTEM.get() {
        return Ok(v.clone());
    }
    let built = verifier(roots(None)?)?;
    Ok(SYSTEM.get_or_init(|| built).clone())
}

/// The verifier for `ca_file`, or the system's.
pub fn verifier_for(ca_file: Option<&Path>) -> Result<Arc<WebPkiServerVerifier>> {
    match ca_file {
        Some(_) => verifier(roots(ca_file)?),
        None => system_verifier(),
    }
}

/// A client that verifies against the system roots or `ca_file`, or accepts
/// anything when `insecure`.
pub fn client(ca_file: Option<&Path>, insecure: bool, alpn: &[&[u8]]) -> Result<ClientConfig> {
    let builder = ClientConfig::builder();
    let mut config = if insecure {
        builder
            .dangerous()
            .with_custom_certificate_verifier(Arc::new(AcceptAny))
            .with_no_client_auth()
    } else {
        builder
            .with_webpki_verifier(verifier_for(ca_file)?)
            .with_no_client_auth()
    };
    config.alpn_protocols = alpn.iter().map(|p| p.to_vec()).collect();
    Ok(config)
}

/// Accepts any certificate (signatures on the handshake are still checked).
#[derive(Debug)]
pub struct AcceptAny;

impl ServerCertVerifier for AcceptAny {
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
        rustls::crypto::verify_tls12_signature(
            message,
            cert,
            dss,
            &rustls::crypto::ring::default_provider().signature_verification_algorithms,
        )
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(
            message,
            cert,
            dss,
            &rustls::crypto::ring::default_provider().signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        rustls::crypto::ring::default_provider()
            .signature_verification_algorithms
            .supported_schemes()
    }
}
