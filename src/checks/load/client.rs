//! One HTTP/1.1 connection per generator worker, spoken directly on the
//! socket as wrk does: the request is serialised once (see [`Target::new`]),
//! each exchange writes those bytes and parses the answer's head with
//! `httparse` into a stack array, then skips the body by its framing
//! (`content-length`, chunked, or up to the end of the connection). No
//! per-request allocation, task or channel. The worker owns its connection,
//! opens it on first use and again after the server closed it, and sends a
//! request once more on a new connection when a reused one was closed
//! before any answer came (the server's keep-alive ran out).

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::Arc;

use hyper::header::{CONTENT_LENGTH, HOST, HeaderMap, HeaderName, HeaderValue, USER_AGENT};
use hyper::{Method, Uri};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio_rustls::TlsConnector;
use tokio_rustls::rustls::pki_types::ServerName;

use crate::checks::http::TlsOptions;

/// The longest answer head (status line and headers) accepted.
const MAX_HEAD: usize = 64 * 1024;
/// The most headers an answer may have.
const MAX_HEADERS: usize = 64;
/// The longest chunk-size or trailer line accepted.
const MAX_LINE: usize = 8 * 1024;

/// The request every worker sends, and where to.
pub struct Target {
    host: Host,
    port: u16,
    tls: Option<(TlsConnector, ServerName<'static>)>,
    /// The whole request, serialised once.
    request: Vec<u8>,
    /// A `HEAD` request: its answer has no body whatever it says.
    head: bool,
    /// Statuses that count as success (empty: any 2xx).
    ok_statuses: Vec<u16>,
}

enum Host {
    Name(String),
    Addr(std::net::IpAddr),
}

trait Io: AsyncRead + AsyncWrite + Unpin + Send {}
impl<T: AsyncRead + AsyncWrite + Unpin + Send> Io for T {}

/// An open connection and what was read from it but not used yet.
pub struct Connection {
    io: Box<dyn Io>,
    buf: Vec<u8>,
    /// `buf[pos..]` is unread.
    pos: usize,
}

/// Why an exchange failed, and whether the server had answered anything.
struct Failure {
    message: String,
    /// Nothing of the answer arrived: a reused connection the server had
    /// closed, worth one more try on a new one.
    unanswered: bool,
}

impl Failure {
    fn new(message: impl Into<String>) -> Failure {
        Failure {
            message: message.into(),
            unanswered: false,
        }
    }
}

/// How an answer's body ends.
enum Framing {
    None,
    Length(u64),
    Chunked,
    UntilClose,
}

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
        let path = match parsed.query() {
            Some(q) => format!("{}?{q}", parsed.path()),
            None => parsed.path().to_string(),
        };
        path.parse::<Uri>()
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
        let body = body.unwrap_or_default();
        // As hyper does: a length for a body, and for the methods that
        // expect one even when it is empty.
        let wants_body = matches!(method, Method::POST | Method::PUT | Method::PATCH);
        if (!body.is_empty() || wants_body) && !map.contains_key(CONTENT_LENGTH) {
            map.insert(CONTENT_LENGTH, HeaderValue::from(body.len()));
        }
        Ok(Target {
            host,
            port,
            tls,
            request: serialise(&method, &path, &map, body.as_bytes()),
            head: method == Method::HEAD,
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
        Ok(Connection {
            io,
            buf: Vec::with_capacity(16 * 1024),
            pos: 0,
        })
    }

    /// Send one request on `conn` (opened or re-opened as needed) and read
    /// the whole answer. A reused connection that ends before any answer
    /// (the server had just closed it) gets the request once more on a new
    /// one. The connection is kept when the answer allows it.
    pub async fn exchange(&self, conn: &mut Option<Connection>) -> Result<(), String> {
        let mut retried = false;
        loop {
            let reused = conn.is_some();
            let c = match conn {
                Some(c) => c,
                None => conn.insert(self.connect().await?),
            };
            match c.round_trip(self).await {
                Ok((status, keep)) => {
                    if !keep {
                        *conn = None;
                    }
                    return self.judge(status);
                }
                Err(f) => {
                    *conn = None;
                    if f.unanswered && reused && !retried {
                        retried = true;
                        continue;
                    }
                    return Err(f.message);
                }
            }
        }
    }

    fn judge(&self, status: u16) -> Result<(), String> {
        let good = if self.ok_statuses.is_empty() {
            (200..300).contains(&status)
        } else {
            self.ok_statuses.contains(&status)
        };
        if good {
            Ok(())
        } else {
            Err(format!("status {status}"))
        }
    }
}

/// The request line, the headers and the body, as sent.
fn serialise(method: &Method, path: &str, headers: &HeaderMap, body: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(256 + body.len());
    out.extend_from_slice(method.as_str().as_bytes());
    out.push(b' ');
    out.extend_from_slice(path.as_bytes());
    out.extend_from_slice(b" HTTP/1.1\r\n");
    for (name, value) in headers {
        out.extend_from_slice(name.as_str().as_bytes());
        out.extend_from_slice(b": ");
        out.extend_from_slice(value.as_bytes());
        out.extend_from_slice(b"\r\n");
    }
    out.extend_from_slice(b"\r\n");
    out.extend_from_slice(body);
    out
}

impl Connection {
    /// Write the request, read the answer: (status, connection reusable).
    async fn round_trip(&mut self, target: &Target) -> Result<(u16, bool), Failure> {
        if let Err(e) = self.io.write_all(&target.request).await {
            return Err(Failure {
                message: root(&e),
                unanswered: true,
            });
        }
        let (status, framing, mut keep) = self.head(target.head).await?;
        match framing {
            Framing::None => {}
            Framing::Length(n) => self.skip(n).await?,
            Framing::Chunked => self.chunks().await?,
            Framing::UntilClose => {
                keep = false;
                while self.fill().await? > 0 {
                    self.pos = self.buf.len();
                }
            }
        }
        Ok((status, keep))
    }

    /// The final answer's head (informational ones skipped): its status,
    /// how its body ends, whether the connection stays open after it.
    async fn head(&mut self, head_request: bool) -> Result<(u16, Framing, bool), Failure> {
        let mut answered = false;
        loop {
            let mut headers = [httparse::EMPTY_HEADER; MAX_HEADERS];
            let mut response = httparse::Response::new(&mut headers);
            let parsed = response
                .parse(&self.buf[self.pos..])
                .map_err(|e| Failure::new(format!("invalid answer from the server: {e}")))?;
            let httparse::Status::Complete(len) = parsed else {
                if self.buf.len() - self.pos >= MAX_HEAD {
                    return Err(Failure::new(format!(
                        "the answer's head is longer than {} KiB",
                        MAX_HEAD / 1024
                    )));
                }
                let empty = !answered && self.pos == self.buf.len();
                match self.fill().await {
                    Ok(0) if empty => {
                        return Err(Failure {
                            message: "the server closed the connection".into(),
                            unanswered: true,
                        });
                    }
                    Ok(0) => {
                        return Err(Failure::new("the server closed the connection mid-answer"));
                    }
                    Ok(_) => continue,
                    Err(f) => {
                        return Err(Failure {
                            unanswered: empty,
                            ..f
                        });
                    }
                }
            };
            answered = true;
            let status = response.code.unwrap_or_default();
            let http10 = response.version == Some(0);
            let framing = framing(status, head_request, response.headers)?;
            let keep = keep_alive(http10, response.headers);
            self.pos += len;
            if (100..200).contains(&status) && status != 101 {
                continue;
            }
            if status == 101 {
                return Err(Failure::new("the server switched protocols (status 101)"));
            }
            return Ok((status, framing, keep));
        }
    }

    /// Read more of the answer at the end of the buffer: bytes read, 0 at
    /// the end of the connection.
    async fn fill(&mut self) -> Result<usize, Failure> {
        if self.pos == self.buf.len() {
            self.buf.clear();
            self.pos = 0;
        } else if self.pos > 0 && self.buf.capacity() - self.buf.len() < 4096 {
            self.buf.drain(..self.pos);
            self.pos = 0;
        }
        self.buf.reserve(8 * 1024);
        self.io
            .read_buf(&mut self.buf)
            .await
            .map_err(|e| Failure::new(root(&e)))
    }

    /// Pass over `n` bytes of body.
    async fn skip(&mut self, mut n: u64) -> Result<(), Failure> {
        loop {
            let buffered = (self.buf.len() - self.pos) as u64;
            let take = buffered.min(n);
            self.pos += take as usize;
            n -= take;
            if n == 0 {
                return Ok(());
            }
            if self.fill().await? == 0 {
                return Err(Failure::new(
                    "the server closed the connection before the end of the body",
                ));
            }
        }
    }

    /// The length of the next line (without its CRLF), once buffered.
    async fn line(&mut self) -> Result<usize, Failure> {
        let mut searched = 0;
        loop {
            let unread = &self.buf[self.pos..];
            if let Some(at) = unread[searched..].windows(2).position(|w| w == b"\r\n") {
                return Ok(searched + at);
            }
            searched = unread.len().saturating_sub(1);
            if searched > MAX_LINE {
                return Err(Failure::new("a chunked body's line is too long"));
            }
            if self.fill().await? == 0 {
                return Err(Failure::new(
                    "the server closed the connection inside a chunked body",
                ));
            }
        }
    }

    /// Pass over a chunked body and its trailers.
    async fn chunks(&mut self) -> Result<(), Failure> {
        loop {
            let len = self.line().await?;
            let line = &self.buf[self.pos..self.pos + len];
            let size = chunk_size(line)?;
            self.pos += len + 2;
            if size == 0 {
                // Trailers, up to an empty line.
                loop {
                    let len = self.line().await?;
                    self.pos += len + 2;
                    if len == 0 {
                        return Ok(());
                    }
                }
            }
            self.skip(size).await?;
            if self.line().await? != 0 {
                return Err(Failure::new("a chunk is longer than its size"));
            }
            self.pos += 2;
        }
    }
}

/// A chunk-size line's size (extensions after `;` ignored).
fn chunk_size(line: &[u8]) -> Result<u64, Failure> {
    let bad = || Failure::new("invalid chunk size in a chunked body");
    let digits = line.split(|b| *b == b';').next().unwrap_or_default();
    let digits = std::str::from_utf8(digits).map_err(|_| bad())?.trim();
    if digits.is_empty() || digits.len() > 15 {
        return Err(bad());
    }
    u64::from_str_radix(digits, 16).map_err(|_| bad())
}

/// How the body of an answer with this status and these headers ends.
fn framing(
    status: u16,
    head_request: bool,
    headers: &[httparse::Header<'_>],
) -> Result<Framing, Failure> {
    if head_request || (100..200).contains(&status) || status == 204 || status == 304 {
        return Ok(Framing::None);
    }
    let mut length: Option<u64> = None;
    for h in headers {
        if h.name.eq_ignore_ascii_case("transfer-encoding") {
            // Chunked when it is the last coding; otherwise until close.
            let last = h.value.rsplit(|b| *b == b',').next().unwrap_or_default();
            return Ok(if last.trim_ascii().eq_ignore_ascii_case(b"chunked") {
                Framing::Chunked
            } else {
                Framing::UntilClose
            });
        }
        if h.name.eq_ignore_ascii_case("content-length") {
            let n = std::str::from_utf8(h.value)
                .ok()
                .and_then(|v| v.trim().parse::<u64>().ok())
                .ok_or_else(|| Failure::new("invalid content-length in the answer"))?;
            if length.is_some_and(|m| m != n) {
                return Err(Failure::new(
                    "conflicting content-length headers in the answer",
                ));
            }
            length = Some(n);
        }
    }
    Ok(length.map_or(Framing::UntilClose, Framing::Length))
}

/// HTTP/1.1 keeps the connection unless told `close`; 1.0 only when told
/// `keep-alive`.
fn keep_alive(http10: bool, headers: &[httparse::Header<'_>]) -> bool {
    let mut keep = !http10;
    for h in headers {
        if h.name.eq_ignore_ascii_case("connection") {
            for token in h.value.split(|b| *b == b',') {
                let token = token.trim_ascii();
                if token.eq_ignore_ascii_case(b"close") {
                    return false;
                }
                if token.eq_ignore_ascii_case(b"keep-alive") {
                    keep = true;
                }
            }
        }
    }
    keep
}

/// The root cause of an error, on one line.
fn root(err: &(dyn std::error::Error + 'static)) -> String {
    let mut root = err;
    while let Some(next) = root.source() {
        root = next;
    }
    root.to_string().replace('\n', " ")
}

#[cfg(test)]
mod tests;
