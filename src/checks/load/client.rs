//! One HTTP/1.1 connection per generator worker, on hyper's client
//! connection API (no pool, no per-request task): the worker owns its
//! connection, opens it on first use and again after the server closed it.

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::Arc;

use http_body_util::{BodyExt, Full};
use hyper::body::Bytes;
use hyper::client::conn::http1::{self, SendRequest};
use hyper::header::{HOST, HeaderMap, HeaderName, HeaderValue, USER_AGENT};
use hyper::{Method, Request, Uri};
use hyper_util::rt::TokioIo;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::TcpStream;
use tokio_rustls::TlsConnector;
use tokio_rustls::rustls::pki_types::ServerName;

use crate::checks::http::TlsOptions;

/// The request every worker sends, and where to.
pub struct Target {
    host: Host,
    port: u16,
    tls: Option<(TlsConnector, ServerName<'static>)>,
    method: Method,
    path: Uri,
    headers: HeaderMap,
    body: Bytes,
    /// Statuses that count as success (empty: any 2xx).
    ok_statuses: Vec<u16>,
}

enum Host {
    Name(String),
    Addr(std::net::IpAddr),
}

pub type Connection = SendRequest<Full<Bytes>>;

trait Io: AsyncRead + AsyncWrite + Unpin + Send {}
impl<T: AsyncRead + AsyncWrite + Unpin + Send> Io for T {}

impl Target {
    /// Check the URL, method and headers once, before any request.
    pub fn new(
        url: &str,
        method: &str,
        headers: &BTreeMap<String, String>,
        body: Option<&str>,
        ok_statuses: &[u16],
        tls: &TlsOptions,
    ) -> Result<Target, String> {
        let parsed = url::Url::parse(url).map_err(|e| format!("invalid url `{url}`: {e}"))?;
        let secure = match parsed.scheme() {
            "http" => false,
            "https" => true,
            other => {
                return Err(format!(
                    "url `{url}`: scheme `{other}` is not http or https"
                ));
            }
        };
        let host = match parsed.host() {
            Some(url::Host::Domain(d)) => Host::Name(d.to_string()),
            Some(url::Host::Ipv4(a)) => Host::Addr(a.into()),
            Some(url::Host::Ipv6(a)) => Host::Addr(a.into()),
            None => return Err(format!("url `{url}` has no host")),
        };
        let port = parsed.port_or_known_default().unwrap_or(80);
        let tls = if secure {
            let config = crate::checks::tls_config::client(
                tls.ca_file.as_deref(),
                tls.insecure,
                &[b"http/1.1"],
            )
            .map_err(|e| format!("{e:#}"))?;
            let name = match &host {
                Host::Name(d) => {
                    ServerName::try_from(d.clone()).map_err(|e| format!("url `{url}`: {e}"))?
                }
                Host::Addr(a) => ServerName::IpAddress((*a).into()),
            };
            Some((TlsConnector::from(Arc::new(config)), name))
        } else {
            None
        };
        let path: Uri = match parsed.query() {
            Some(q) => format!("{}?{q}", parsed.path()),
            None => parsed.path().to_string(),
        }
        .parse()
        .map_err(|e| format!("url `{url}`: {e}"))?;
        let Ok(method) = Method::from_bytes(method.to_ascii_uppercase().as_bytes()) else {
            return Err(format!("invalid HTTP method `{method}`"));
        };
        let mut map = HeaderMap::new();
        let authority = match parsed.port() {
            Some(p) => format!("{}:{p}", parsed.host_str().unwrap_or_default()),
            None => parsed.host_str().unwrap_or_default().to_string(),
        };
        map.insert(
            HOST,
            HeaderValue::from_str(&authority).map_err(|e| format!("url `{url}`: {e}"))?,
        );
        map.insert(
            USER_AGENT,
            HeaderValue::from_static(concat!("hctl/", env!("CARGO_PKG_VERSION"), " load")),
        );
        for (k, v) in headers {
            let name = HeaderName::from_bytes(k.as_bytes())
                .map_err(|_| format!("invalid header name `{k}`"))?;
            let value =
                HeaderValue::from_str(v).map_err(|_| format!("invalid value of header `{k}`"))?;
            map.insert(name, value);
        }
        Ok(Target {
            host,
            port,
            tls,
            method,
            path,
            headers: map,
            body: Bytes::from(body.unwrap_or_default().to_string()),
            ok_statuses: ok_statuses.to_vec(),
        })
    }

    async fn connect(&self) -> Result<Connection, String> {
        let tcp = match &self.host {
            Host::Name(name) => TcpStream::connect((name.as_str(), self.port)).await,
            Host::Addr(addr) => TcpStream::connect(SocketAddr::new(*addr, self.port)).await,
        }
        .map_err(|e| root(&e))?;
        let _ = tcp.set_nodelay(true);
        let io: Box<dyn Io> = match &self.tls {
            None => Box::new(tcp),
            Some((connector, name)) => Box::new(
                connector
                    .connect(name.clone(), tcp)
                    .await
                    .map_err(|e| root(&e))?,
            ),
        };
        let (sender, connection) = http1::handshake(TokioIo::new(io))
            .await
            .map_err(|e| root(&e))?;
        tokio::spawn(async move {
            // Ends when the worker drops its sender or the server closes.
            let _ = connection.await;
        });
        Ok(sender)
    }

    fn request(&self) -> Request<Full<Bytes>> {
        let mut request = Request::new(Full::new(self.body.clone()));
        *request.method_mut() = self.method.clone();
        *request.uri_mut() = self.path.clone();
        *request.headers_mut() = self.headers.clone();
        request
    }

    /// Send one request on `conn` (opened or re-opened as needed) and read
    /// the whole answer. A request the connection refused before sending it
    /// (the server had just closed it) is sent once more on a new one.
    pub async fn exchange(&self, conn: &mut Option<Connection>) -> Result<(), String> {
        let mut request = self.request();
        let mut retried = false;
        loop {
            let sender = match conn {
                Some(s) if !s.is_closed() => s,
                _ => conn.insert(self.connect().await?),
            };
            if sender.ready().await.is_err() {
                *conn = None;
                if retried {
                    return Err("the server closed the connection".into());
                }
                retried = true;
                continue;
            }
            let response = match sender.try_send_request(request).await {
                Ok(response) => response,
                Err(mut e) => {
                    *conn = None;
                    match e.take_message() {
                        Some(unsent) if !retried => {
                            retried = true;
                            request = unsent;
                            continue;
                        }
                        _ => return Err(root(e.error())),
                    }
                }
            };
            let status = response.status().as_u16();
            // Read the body: the request is done when its answer is.
            let mut body = response.into_body();
            while let Some(frame) = body.frame().await {
                if let Err(e) = frame {
                    *conn = None;
                    return Err(format!("reading the body: {}", root(&e)));
                }
            }
            let good = if self.ok_statuses.is_empty() {
                (200..300).contains(&status)
            } else {
                self.ok_statuses.contains(&status)
            };
            return if good {
                Ok(())
            } else {
                Err(format!("status {status}"))
            };
        }
    }
}

/// The root cause of an error, on one line.
fn root(err: &(dyn std::error::Error + 'static)) -> String {
    let mut root = err;
    while let Some(next) = root.source() {
        root = next;
    }
    root.to_string().replace('\n', " ")
}
