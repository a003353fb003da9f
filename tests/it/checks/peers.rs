//! Real peers for check tests, served from a background runtime on
//! 127.0.0.1:0: raw HTTP servers (normal and misbehaving), TLS servers with
//! certificates made here with rcgen, and a small authoritative DNS server.

use std::net::SocketAddr;
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use hickory_resolver::proto::op::{Message, ResponseCode};
use hickory_resolver::proto::rr::{Name, RData, Record, RecordType};
use rcgen::{BasicConstraints, CertificateParams, CertifiedIssuer, IsCa, KeyPair};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::net::{TcpListener, UdpSocket};

fn rt() -> &'static tokio::runtime::Runtime {
    static RT: OnceLock<tokio::runtime::Runtime> = OnceLock::new();
    RT.get_or_init(|| {
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("peer runtime")
    })
}

/// What an HTTP peer does with each connection.
#[derive(Clone)]
pub enum Behaviour {
    /// Answer with this status, headers and body.
    Respond {
        status: u16,
        headers: Vec<(String, String)>,
        body: Vec<u8>,
    },
    /// Wait, then answer like `Respond`.
    Delay(Duration, Box<Behaviour>),
    /// Accept and never say anything.
    Hang,
    /// Send headers, then an endless body.
    Endless,
    /// Route by `METHOD /path` (exact path, query ignored); 404 otherwise.
    Routes(Vec<(&'static str, Behaviour)>),
}

pub fn ok_json(body: &str) -> Behaviour {
    Behaviour::Respond {
        status: 200,
        headers: vec![("content-type".into(), "application/json".into())],
        body: body.as_bytes().to_vec(),
    }
}

pub fn with_headers(status: u16, headers: &[(&str, &str)]) -> Behaviour {
    Behaviour::Respond {
        status,
        headers: headers
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
        body: b"ok".to_vec(),
    }
}

async fn serve_conn<S: AsyncRead + AsyncWrite + Unpin>(mut s: S, b: Behaviour) {
    let mut buf = vec![0u8; 8192];
    let mut seen = Vec::new();
    while !seen.windows(4).any(|w| w == b"\r\n\r\n") {
        match s.read(&mut buf).await {
            Ok(0) | Err(_) => return,
            Ok(n) => seen.extend_from_slice(&buf[..n]),
        }
    }
    let head = String::from_utf8_lossy(&seen).into_owned();
    let mut parts = head.split_whitespace();
    let (method, path) = (parts.next().unwrap_or(""), parts.next().unwrap_or(""));
    let path = path.split('?').next().unwrap_or("");
    let mut b = b;
    loop {
        match b {
            Behaviour::Routes(routes) => {
                let wanted = format!("{method} {path}");
                b = routes
                    .into_iter()
                    .find(|(route, _)| *route == wanted)
                    .map(|(_, b)| b)
                    .unwrap_or(Behaviour::Respond {
                        status: 404,
                        headers: vec![],
                        body: b"{}".to_vec(),
                    });
            }
            Behaviour::Delay(d, inner) => {
                tokio::time::sleep(d).await;
                b = *inner;
            }
            Behaviour::Hang => {
                tokio::time::sleep(Duration::from_secs(3600)).await;
                return;
            }
            Behaviour::Endless => {
                let _ = s.write_all(b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 1000000000\r\n\r\n").await;
                let chunk = vec![b'x'; 64 * 1024];
                while s.write_all(&chunk).await.is_ok() {}
                return;
            }
            Behaviour::Respond {
                status,
                headers,
                body,
            } => {
                let mut head = format!(
                    "HTTP/1.1 {status} X\r\ncontent-length: {}\r\nconnection: close\r\n",
                    body.len()
                );
                for (k, v) in headers {
                    head.push_str(&format!("{k}: {v}\r\n"));
                }
                head.push_str("\r\n");
                let _ = s.write_all(head.as_bytes()).await;
                let _ = s.write_all(&body).await;
                let _ = s.shutdown().await;
                return;
            }
        }
    }
}

/// A bound, non-blocking listener (bound here so the address is known at once;
/// handed to the peer runtime, since tests run inside their own runtime).
fn tcp() -> (std::net::TcpListener, SocketAddr) {
    let l = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    l.set_nonblocking(true).unwrap();
    let addr = l.local_addr().unwrap();
    (l, addr)
}

/// A plain HTTP peer; returns its address.
pub fn http(b: Behaviour) -> SocketAddr {
    let (listener, addr) = tcp();
    serve_http(listener, b);
    addr
}

/// A listener on a chosen address (e.g. port 80 of a loopback address, where
/// a scanner that only knows host names will look); fails when taken.
pub fn listen_at(addr: SocketAddr) -> std::io::Result<std::net::TcpListener> {
    let l = std::net::TcpListener::bind(addr)?;
    l.set_nonblocking(true)?;
    Ok(l)
}

/// Serve plain HTTP on `listener`.
pub fn serve_http(listener: std::net::TcpListener, b: Behaviour) {
    rt().spawn(async move {
        let listener = TcpListener::from_std(listener).expect("listener");
        while let Ok((s, _)) = listener.accept().await {
            tokio::spawn(serve_conn(s, b.clone()));
        }
    });
}

/// A TLS peer serving `cert` (TLS 1.2 and 1.3).
pub fn https(cert: &Cert, b: Behaviour) -> SocketAddr {
    https_with(cert, b, rustls::DEFAULT_VERSIONS)
}

/// A TLS peer speaking only the given protocol versions.
pub fn https_with(
    cert: &Cert,
    b: Behaviour,
    versions: &[&'static rustls::SupportedProtocolVersion],
) -> SocketAddr {
    let (listener, addr) = tcp();
    serve_tls(listener, cert, b, versions);
    addr
}

/// Serve TLS (the given versions) with `cert` on `listener`.
pub fn serve_tls(
    listener: std::net::TcpListener,
    cert: &Cert,
    b: Behaviour,
    versions: &[&'static rustls::SupportedProtocolVersion],
) {
    hctl::init_crypto();
    let config = rustls::ServerConfig::builder_with_protocol_versions(versions)
        .with_no_client_auth()
        .with_single_cert(
            cert.chain.clone(),
            PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(cert.key.clone())),
        )
        .expect("server config");
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
    rt().spawn(async move {
        let listener = TcpListener::from_std(listener).expect("listener");
        while let Ok((s, _)) = listener.accept().await {
            let (acceptor, b) = (acceptor.clone(), b.clone());
            tokio::spawn(async move {
                if let Ok(tls) = acceptor.accept(s).await {
                    serve_conn(tls, b).await;
                }
            });
        }
    });
}

/// A server certificate with its chain and key.
pub struct Cert {
    pub chain: Vec<CertificateDer<'static>>,
    pub key: Vec<u8>,
}

/// A test certificate authority.
pub struct Ca {
    issuer: CertifiedIssuer<'static, KeyPair>,
    pub pem: String,
}

impl Ca {
    pub fn new() -> Self {
        let mut params = CertificateParams::new(Vec::<String>::new()).unwrap();
        params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        params
            .distinguished_name
            .push(rcgen::DnType::CommonName, "hctl test CA");
        let issuer = CertifiedIssuer::self_signed(params, KeyPair::generate().unwrap()).unwrap();
        let pem = issuer.pem();
        Ca { issuer, pem }
    }

    /// A leaf for `names`, valid from `from_days` to `to_days` relative to now.
    pub fn leaf(&self, names: &[&str], from_days: i64, to_days: i64) -> Cert {
        let mut params =
            CertificateParams::new(names.iter().map(|s| s.to_string()).collect::<Vec<_>>())
                .unwrap();
        // Midnight UTC `n` days from today (rcgen's date type, computed with chrono).
        let day = |n: i64| {
            use chrono::Datelike;
            let d = chrono::Utc::now() + chrono::Duration::days(n);
            rcgen::date_time_ymd(d.year(), d.month() as u8, d.day() as u8)
        };
        params.not_before = day(from_days);
        params.not_after = day(to_days);
        let key = KeyPair::generate().unwrap();
        let cert = params.signed_by(&key, &self.issuer).unwrap();
        Cert {
            chain: vec![cert.der().clone(), self.issuer.der().clone()],
            key: key.serialize_der(),
        }
    }

    /// Write the CA certificate into `dir` and return the path.
    pub fn write(&self, dir: &std::path::Path) -> std::path::PathBuf {
        let path = dir.join("ca.pem");
        std::fs::write(&path, &self.pem).unwrap();
        path
    }
}

/// A self-signed certificate for `names`.
pub fn self_signed(names: &[&str]) -> Cert {
    let params =
        CertificateParams::new(names.iter().map(|s| s.to_string()).collect::<Vec<_>>()).unwrap();
    let key = KeyPair::generate().unwrap();
    let cert = params.self_signed(&key).unwrap();
    Cert {
        chain: vec![cert.der().clone()],
        key: key.serialize_der(),
    }
}

/// An authoritative DNS server over UDP answering from `records`
/// (name, type, data); other names get NXDOMAIN.
pub fn dns(records: Vec<(&'static str, RData)>) -> SocketAddr {
    let socket = std::net::UdpSocket::bind("127.0.0.1:0").expect("bind udp");
    socket.set_nonblocking(true).unwrap();
    let addr = socket.local_addr().unwrap();
    rt().spawn(async move {
        let socket = UdpSocket::from_std(socket).expect("udp socket");
        let mut buf = vec![0u8; 4096];
        while let Ok((n, peer)) = socket.recv_from(&mut buf).await {
            let Ok(query) = Message::from_vec(&buf[..n]) else {
                continue;
            };
            let mut reply = Message::response(query.metadata.id, query.metadata.op_code);
            reply.metadata.authoritative = true;
            reply.metadata.recursion_desired = query.metadata.recursion_desired;
            let mut found_name = false;
            for q in &query.queries {
                reply.add_query(q.clone());
                for (name, data) in &records {
                    let name = Name::from_ascii(name).unwrap();
                    if name.eq_case(q.name()) || name == *q.name() {
                        found_name = true;
                        if data.record_type() == q.query_type() || q.query_type() == RecordType::ANY
                        {
                            reply.add_answer(Record::from_rdata(name, 60, data.clone()));
                        }
                    }
                }
            }
            if !found_name {
                reply.metadata.response_code = ResponseCode::NXDomain;
            }
            if let Ok(bytes) = reply.to_vec() {
                let _ = socket.send_to(&bytes, peer).await;
            }
        }
    });
    addr
}

/// A TCP port with nothing listening.
pub fn closed_port() -> SocketAddr {
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    l.local_addr().unwrap()
}
