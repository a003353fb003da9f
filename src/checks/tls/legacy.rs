//! Probes for the protocol versions rustls cannot speak (SSL 3.0, TLS 1.0 and
//! 1.1): a minimal ClientHello of that version, written by hand, and the
//! first record of the answer read back. A ServerHello means the server
//! accepts the version; an alert or a closed connection means it refuses it.
//! Nothing past the ServerHello is negotiated, so no legacy cryptography is
//! needed here.

use std::time::Duration;

use anyhow::{Context, Result};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// A protocol version older than TLS 1.2.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Legacy {
    Ssl3,
    Tls10,
    Tls11,
}

impl Legacy {
    pub const ALL: [Legacy; 3] = [Legacy::Ssl3, Legacy::Tls10, Legacy::Tls11];

    fn wire(self) -> u16 {
        match self {
            Legacy::Ssl3 => 0x0300,
            Legacy::Tls10 => 0x0301,
            Legacy::Tls11 => 0x0302,
        }
    }

    fn from_wire(v: u16) -> Option<Legacy> {
        Legacy::ALL.into_iter().find(|l| l.wire() == v)
    }

    pub fn name(self) -> &'static str {
        match self {
            Legacy::Ssl3 => "SSL 3.0",
            Legacy::Tls10 => "TLS 1.0",
            Legacy::Tls11 => "TLS 1.1",
        }
    }
}

/// Cipher suites servers still offer with the old versions: ECDHE and DHE
/// with AES-CBC, plain RSA key exchange, 3DES and RC4, and the
/// renegotiation SCSV.
const SUITES: &[u16] = &[
    0xc014, 0xc013, 0xc00a, 0xc009, 0x0039, 0x0033, 0x0035, 0x002f, 0x000a, 0x0005, 0x0004, 0x00ff,
];

/// How long a server gets to answer one probe; silence counts as refusal.
const ANSWER_TIMEOUT: Duration = Duration::from_secs(5);

/// The legacy versions `addr` accepts, probing each of them (`sni` is sent
/// when it is a DNS name). A server asked for TLS 1.1 may answer with TLS
/// 1.0: what it answers is what is reported.
pub async fn accepted(addr: &str, sni: Option<&str>) -> Result<Vec<Legacy>> {
    let probes = Legacy::ALL.map(|v| probe(addr, sni, v));
    let [a, b, c] = probes;
    let (a, b, c) = tokio::join!(a, b, c);
    let mut found: Vec<Legacy> = [a?, b?, c?].into_iter().flatten().collect();
    found.sort();
    found.dedup();
    Ok(found)
}

/// One ClientHello of `version`: the version of the ServerHello, if the
/// server answered with one of the legacy versions.
async fn probe(addr: &str, sni: Option<&str>, version: Legacy) -> Result<Option<Legacy>> {
    let mut tcp = TcpStream::connect(addr)
        .await
        .with_context(|| format!("cannot connect to `{addr}`"))?;
    let hello = client_hello(version, sni);
    if tcp.write_all(&hello).await.is_err() {
        return Ok(None);
    }
    let answer = tokio::time::timeout(ANSWER_TIMEOUT, read_first_record(&mut tcp)).await;
    Ok(match answer {
        Ok(Some(record)) => server_hello_version(&record)
            .filter(|v| *v <= version.wire())
            .and_then(Legacy::from_wire),
        Ok(None) | Err(_) => None,
    })
}

/// The first TLS record (header and body), or `None` when the server closes
/// the connection or sends something that is not a record.
async fn read_first_record(tcp: &mut TcpStream) -> Option<Vec<u8>> {
    let mut header = [0u8; 5];
    tcp.read_exact(&mut header).await.ok()?;
    let len = u16::from_be_bytes([header[3], header[4]]) as usize;
    let mut body = vec![0u8; len.min(16_384 + 2048)];
    tcp.read_exact(&mut body).await.ok()?;
    let mut record = header.to_vec();
    record.extend_from_slice(&body);
    Some(record)
}

/// The `server_version` of a ServerHello record; `None` for an alert or
/// anything else.
fn server_hello_version(record: &[u8]) -> Option<u16> {
    const HANDSHAKE: u8 = 0x16;
    const SERVER_HELLO: u8 = 0x02;
    // record header (5) + handshake type (1) + length (3) + version (2)
    if record.len() < 11 || record[0] != HANDSHAKE || record[5] != SERVER_HELLO {
        return None;
    }
    Some(u16::from_be_bytes([record[9], record[10]]))
}

/// A ClientHello record for `version`, offering [`SUITES`], no compression,
/// and the extensions ECDHE needs (groups, point formats) plus SNI.
fn client_hello(version: Legacy, sni: Option<&str>) -> Vec<u8> {
    let mut ext = Vec::new();
    if let Some(name) = sni.filter(|n| n.parse::<std::net::IpAddr>().is_err() && !n.is_empty()) {
        let name = name.as_bytes();
        let mut list = vec![0u8]; // host_name
        push_u16(&mut list, name.len());
        list.extend_from_slice(name);
        let mut body = Vec::new();
        push_u16(&mut body, list.len());
        body.extend_from_slice(&list);
        extension(&mut ext, 0x0000, &body);
    }
    // supported_groups: x25519, secp256r1, secp384r1, secp521r1
    extension(
        &mut ext,
        0x000a,
        &[0x00, 0x08, 0x00, 0x1d, 0x00, 0x17, 0x00, 0x18, 0x00, 0x19],
    );
    // ec_point_formats: uncompressed
    extension(&mut ext, 0x000b, &[0x01, 0x00]);

    let mut hello = Vec::new();
    hello.extend_from_slice(&version.wire().to_be_bytes());
    hello.extend_from_slice(&random());
    hello.push(0); // no session id
    push_u16(&mut hello, SUITES.len() * 2);
    for suite in SUITES {
        hello.extend_from_slice(&suite.to_be_bytes());
    }
    hello.extend_from_slice(&[1, 0]); // compression: null only
    push_u16(&mut hello, ext.len());
    hello.extend_from_slice(&ext);

    let mut handshake = vec![0x01]; // client_hello
    handshake.extend_from_slice(&(hello.len() as u32).to_be_bytes()[1..]);
    handshake.extend_from_slice(&hello);

    // The record layer says TLS 1.0 (SSL 3.0 for an SSL 3.0 hello), as
    // clients do for compatibility.
    let record_version = version.wire().min(Legacy::Tls10.wire());
    let mut record = vec![0x16];
    record.extend_from_slice(&record_version.to_be_bytes());
    push_u16(&mut record, handshake.len());
    record.extend_from_slice(&handshake);
    record
}

fn extension(out: &mut Vec<u8>, kind: u16, body: &[u8]) {
    out.extend_from_slice(&kind.to_be_bytes());
    push_u16(out, body.len());
    out.extend_from_slice(body);
}

fn push_u16(out: &mut Vec<u8>, n: usize) {
    out.extend_from_slice(&(n as u16).to_be_bytes());
}

/// The hello's 32 random bytes: unpredictable enough for a probe that never
/// derives a key from them.
fn random() -> [u8; 32] {
    use std::hash::{BuildHasher, Hasher};
    let mut out = [0u8; 32];
    for chunk in out.chunks_mut(8) {
        let mut h = std::collections::hash_map::RandomState::new().build_hasher();
        h.write_u128(
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_nanos())
                .unwrap_or_default(),
        );
        chunk.copy_from_slice(&h.finish().to_be_bytes());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hello_is_a_well_formed_record() {
        let rec = client_hello(Legacy::Tls11, Some("api.healthtracker.test"));
        assert_eq!(rec[0], 0x16);
        assert_eq!(&rec[1..3], &[0x03, 0x01]);
        let len = u16::from_be_bytes([rec[3], rec[4]]) as usize;
        assert_eq!(rec.len(), 5 + len);
        assert_eq!(rec[5], 0x01);
        let hs_len = u32::from_be_bytes([0, rec[6], rec[7], rec[8]]) as usize;
        assert_eq!(hs_len + 4, len);
        assert_eq!(&rec[9..11], &[0x03, 0x02]);
        assert!(
            rec.windows(22).any(|w| w == b"api.healthtracker.test"),
            "SNI is sent"
        );
        let ip = client_hello(Legacy::Ssl3, Some("127.0.0.1"));
        assert_eq!(&ip[1..3], &[0x03, 0x00]);
        assert!(
            !ip.windows(9).any(|w| w == b"127.0.0.1"),
            "no SNI for an IP"
        );
    }

    #[test]
    fn answers_are_read_as_versions() {
        let hello = [0x16, 3, 1, 0, 6, 0x02, 0, 0, 2, 3, 2];
        assert_eq!(server_hello_version(&hello), Some(0x0302));
        let alert = [0x15, 3, 1, 0, 2, 2, 70];
        assert_eq!(server_hello_version(&alert), None);
        assert_eq!(server_hello_version(&[0x16, 3, 1]), None);
    }
}
