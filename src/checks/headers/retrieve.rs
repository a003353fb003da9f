//! Fetching a site the way the Observatory's retriever does
//! (`src/retriever/*.js`): two sessions in parallel, one from `http://` and
//! one from `https://`, each following up to 10 redirects by hand and
//! recording every hop and every cookie. A certificate error makes a session
//! retry without verification and remember that it did (HSTS and redirection
//! then fail with `*-invalid-cert`). The https session is scanned when it
//! answered at all, the http one otherwise; then a CORS preflight goes to
//! where the scanned session ended.

use std::time::Duration;

use anyhow::{Context, Result, anyhow};
use reqwest::header::HeaderMap;
use url::Url;

use super::cookies::Jar;
use super::html;
use crate::checks::http::{BODY_LIMIT, TlsOptions};
use crate::checks::tls_config;

/// What the Observatory sends with every request.
const USER_AGENT: &str = "Mozilla/5.0 (Macintosh; Intel Mac OS X 10.15; rv:129.0) Gecko/20100101 Firefox/129.0 Observatory/129.0";
const ACCEPT: &str = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8";
const CORS_ORIGIN: &str = "https://http-observatory.security.mozilla.org";
const REDIRECT_STATUS: [u16; 5] = [301, 302, 303, 307, 308];
const MAX_REDIRECTS: usize = 10;
/// Connection attempts give up sooner than the Observatory (9 s) so that a
/// port that drops packets still leaves time within the default 10 s timeout.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
/// The Observatory's per-request timeout.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(9);
const HTML_TYPES: [&str; 2] = ["text/html", "application/xhtml+xml"];

/// Response headers shaped as Node.js hands them to the Observatory: names
/// lowercased, `set-cookie` kept as a list, a few single-valued fields keeping
/// their first value, and every other repeated field joined with `, `.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Headers(Vec<(String, Vec<String>)>);

/// Fields Node.js keeps only the first value of.
const FIRST_ONLY: [&str; 18] = [
    "age",
    "authorization",
    "content-length",
    "content-type",
    "etag",
    "expires",
    "from",
    "host",
    "if-modified-since",
    "if-unmodified-since",
    "last-modified",
    "location",
    "max-forwards",
    "proxy-authorization",
    "referer",
    "retry-after",
    "server",
    "user-agent",
];

impl Headers {
    pub fn from_map(map: &HeaderMap) -> Self {
        let mut out: Vec<(String, Vec<String>)> = Vec::new();
        for name in map.keys() {
            // Node.js reads header bytes as Latin-1.
            let values: Vec<String> = map
                .get_all(name)
                .iter()
                .map(|v| v.as_bytes().iter().map(|b| char::from(*b)).collect())
                .collect();
            let name = name.as_str().to_string();
            let values = if name == "set-cookie" {
                values
            } else if FIRST_ONLY.contains(&name.as_str()) {
                values.into_iter().take(1).collect()
            } else {
                vec![values.join(", ")]
            };
            out.push((name, values));
        }
        Headers(out)
    }

    /// Build from name/value pairs (in order, repeats allowed).
    pub fn from_pairs(pairs: &[(&str, &str)]) -> Result<Self> {
        let mut map = HeaderMap::new();
        for (k, v) in pairs {
            map.append(
                reqwest::header::HeaderName::from_bytes(k.as_bytes())
                    .with_context(|| format!("bad header name `{k}`"))?,
                v.parse().with_context(|| format!("bad value for `{k}`"))?,
            );
        }
        Ok(Headers::from_map(&map))
    }

    /// Every value of `name` (several only for `set-cookie`).
    pub fn all(&self, name: &str) -> Vec<&str> {
        self.0
            .iter()
            .filter(|(n, _)| n == name)
            .flat_map(|(_, v)| v.iter().map(String::as_str))
            .collect()
    }

    pub fn first(&self, name: &str) -> Option<&str> {
        self.all(name).into_iter().next()
    }
}

/// One final response of a session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Response {
    pub status: u16,
    pub headers: Headers,
    pub body: String,
    /// The certificate chain was verified (always true over plain http,
    /// unless a redirect led to https with a bad certificate).
    pub verified: bool,
}

/// One request of a redirect chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hop {
    pub url: Url,
}

/// Policies set by the page itself (`<meta>`), read only from HTML.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Equiv {
    pub csp: Vec<String>,
    pub referrer: Option<String>,
}

/// Everything the tests look at: the Observatory's `Requests`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Requests {
    pub hostname: String,
    pub http: Option<Response>,
    pub https: Option<Response>,
    /// The scanned response: https's when it answered, else http's.
    pub auto: Option<Response>,
    /// Where the scanned session started.
    pub session_url: Option<Url>,
    pub http_redirects: Vec<Hop>,
    /// The scanned session's cookies.
    pub jar: Jar,
    pub cors: Option<Response>,
    pub equiv: Equiv,
    pub page: Page,
}

/// The scanned page's HTML (only when it is served as HTML).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Page {
    pub html: Option<html::Page>,
}

/// The URLs the two sessions start from: `url` itself, and the same host and
/// path over the other scheme on its default port.
pub fn targets(url: &Url) -> Result<(String, Url, Url)> {
    let host = url
        .host_str()
        .ok_or_else(|| anyhow!("`{url}` has no host"))?
        .to_string();
    let mut other = url.clone();
    let (http, https) = match url.scheme() {
        "http" => {
            other
                .set_scheme("https")
                .map_err(|()| anyhow!("cannot make an https URL of `{url}`"))?;
            (url.clone(), other)
        }
        "https" => {
            other
                .set_scheme("http")
                .map_err(|()| anyhow!("cannot make an http URL of `{url}`"))?;
            (other, url.clone())
        }
        s => anyhow::bail!("`{url}`: expected an http:// or https:// URL, not {s}://"),
    };
    // The other scheme is probed on its default port, as the Observatory does.
    let (mut http, mut https) = (http, https);
    if url.scheme() == "http" {
        let _ = https.set_port(None);
    } else {
        let _ = http.set_port(None);
    }
    Ok((host.trim_matches(['[', ']']).to_string(), http, https))
}

struct Session {
    url: Url,
    response: Option<Response>,
    history: Vec<Hop>,
    jar: Jar,
    client: Option<reqwest::Client>,
}

fn client(tls: &TlsOptions, verify: bool) -> Result<reqwest::Client> {
    let config = tls_config::client(
        tls.ca_file.as_deref(),
        tls.insecure || !verify,
        &[b"http/1.1"],
    )?;
    reqwest::Client::builder()
        .tls_backend_preconfigured(config)
        .connect_timeout(CONNECT_TIMEOUT)
        .timeout(REQUEST_TIMEOUT)
        .redirect(reqwest::redirect::Policy::none())
        .user_agent(USER_AGENT)
        .build()
        .context("cannot build the HTTP client")
}

/// A certificate the client refused (retried without verification). The
/// rustls error sits inside nested `io::Error`s, which `source()` skips.
fn is_cert_error(err: &(dyn std::error::Error + 'static)) -> bool {
    if let Some(e) = err.downcast_ref::<rustls::Error>() {
        return matches!(
            e,
            rustls::Error::InvalidCertificate(_) | rustls::Error::NoCertificatesPresented
        );
    }
    if let Some(inner) = err
        .downcast_ref::<std::io::Error>()
        .and_then(|io| io.get_ref())
    {
        return is_cert_error(inner);
    }
    err.source().is_some_and(is_cert_error)
}

async fn read(
    method: reqwest::Method,
    client: &reqwest::Client,
    url: &Url,
    headers: &[(&str, &str)],
) -> reqwest::Result<(u16, HeaderMap, String)> {
    let mut request = client.request(method, url.clone());
    if !headers.iter().any(|(k, _)| *k == "accept") {
        request = request.header("accept", ACCEPT);
    }
    for (k, v) in headers {
        request = request.header(*k, *v);
    }
    let mut response = request.send().await?;
    let status = response.status().as_u16();
    let map = response.headers().clone();
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await? {
        let room = BODY_LIMIT - body.len();
        body.extend_from_slice(&chunk[..chunk.len().min(room)]);
        if chunk.len() >= room {
            break;
        }
    }
    Ok((status, map, String::from_utf8_lossy(&body).into_owned()))
}

/// Where a redirect goes; a missing `Location` resolves like JavaScript's
/// `new URL(undefined, base)`.
fn location(map: &HeaderMap, base: &Url) -> Option<Url> {
    let to = map
        .get("location")
        .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
        .unwrap_or_else(|| "undefined".into());
    base.join(&to).ok()
}

impl Session {
    async fn open(url: Url, tls: &TlsOptions) -> Result<Session> {
        let mut session = Session {
            url,
            response: None,
            history: Vec::new(),
            jar: Jar::default(),
            client: None,
        };
        let verified = client(tls, true)?;
        match session.chain(&verified).await {
            Ok(r) => {
                session.response = Some(r);
                session.client = Some(verified);
                return Ok(session);
            }
            Err(e) if is_cert_error(&e) && !tls.insecure => {}
            Err(_) => return Ok(session),
        }
        session.history.clear();
        let unverified = client(tls, false)?;
        if let Ok(mut r) = session.chain(&unverified).await {
            r.verified = false;
            session.response = Some(r);
            session.client = Some(unverified);
        }
        Ok(session)
    }

    /// GET the start URL, following redirects by hand.
    async fn chain(&mut self, client: &reqwest::Client) -> reqwest::Result<Response> {
        let mut url = self.url.clone();
        let mut redirects = 0;
        loop {
            let (status, map, body) = read(reqwest::Method::GET, client, &url, &[]).await?;
            self.history.push(Hop { url: url.clone() });
            for c in map.get_all("set-cookie") {
                self.jar.set(&String::from_utf8_lossy(c.as_bytes()), &url);
            }
            if redirects < MAX_REDIRECTS
                && REDIRECT_STATUS.contains(&status)
                && let Some(next) = location(&map, &url)
            {
                redirects += 1;
                url = next;
                continue;
            }
            return Ok(Response {
                status,
                headers: Headers::from_map(&map),
                body,
                verified: true,
            });
        }
    }

    /// A request outside the recorded chain (robots.txt, the CORS
    /// preflight), redirects followed; once verification was turned off, the
    /// Observatory's client for these also keeps cookies and records the URL.
    async fn side_request(
        &mut self,
        method: reqwest::Method,
        url: Url,
        headers: &[(&str, &str)],
    ) -> Option<Response> {
        let client = self.client.clone()?;
        let recording = self.response.as_ref().is_some_and(|r| !r.verified);
        let (first, mut url, mut method) = (url.clone(), url, method);
        for _ in 0..=MAX_REDIRECTS {
            let (status, map, body) = read(method.clone(), &client, &url, headers).await.ok()?;
            if recording {
                for c in map.get_all("set-cookie") {
                    self.jar.set(&String::from_utf8_lossy(c.as_bytes()), &url);
                }
            }
            match location(&map, &url)
                .filter(|_| REDIRECT_STATUS.contains(&status) && map.contains_key("location"))
            {
                Some(next) => {
                    if status == 303 && method != reqwest::Method::HEAD {
                        method = reqwest::Method::GET;
                    }
                    url = next;
                }
                None => {
                    if recording {
                        self.history.push(Hop { url: first });
                    }
                    return Some(Response {
                        status,
                        headers: Headers::from_map(&map),
                        body,
                        verified: !recording,
                    });
                }
            }
        }
        None
    }
}

/// Fetch `url` (and its other-scheme twin) as the Observatory would.
pub async fn retrieve(url: &Url, tls: &TlsOptions) -> Result<Requests> {
    let (hostname, http_url, https_url) = targets(url)?;
    let (http, https) = tokio::join!(Session::open(http_url, tls), Session::open(https_url, tls));
    let (http, https) = (http?, https?);
    let mut requests = Requests {
        hostname,
        http: http.response.clone(),
        https: https.response.clone(),
        http_redirects: http.history.clone(),
        ..Requests::default()
    };
    let mut session = if https.client.is_some() { https } else { http };
    if session.client.is_none() {
        return Ok(requests);
    }
    let robots = session.url.join("/robots.txt").ok();
    if let Some(robots) = robots
        && session.response.as_ref().is_some_and(|r| !r.verified)
    {
        session
            .side_request(
                reqwest::Method::GET,
                robots,
                &[("accept", "text/plain,*/*;q=0.8")],
            )
            .await;
    }
    let cors_url = session
        .history
        .last()
        .map_or_else(|| session.url.clone(), |h| h.url.clone());
    requests.cors = session
        .side_request(
            reqwest::Method::OPTIONS,
            cors_url,
            &[
                ("access-control-request-method", "GET"),
                ("origin", CORS_ORIGIN),
            ],
        )
        .await;
    if let Some(auto) = &session.response {
        let mime = auto
            .headers
            .first("content-type")
            .unwrap_or("")
            .split(';')
            .next()
            .unwrap_or("");
        if HTML_TYPES.contains(&mime) && !auto.body.is_empty() {
            let page = html::scan(&auto.body);
            requests.equiv = equiv(&page);
            requests.page.html = Some(page);
        } else if HTML_TYPES.contains(&mime) {
            requests.page.html = Some(html::Page::default());
        }
    }
    requests.auto = session.response.clone();
    requests.session_url = Some(session.url.clone());
    requests.jar = session.jar;
    Ok(requests)
}

/// `parseHttpEquivHeaders`: CSP from `<meta http-equiv>`, the referrer
/// policy from `<meta name="referrer">` (the last one wins).
pub fn equiv(page: &html::Page) -> Equiv {
    let mut out = Equiv::default();
    for meta in &page.metas {
        let equiv = html::attr(meta, "http-equiv");
        let content = html::attr(meta, "content");
        if let (Some(equiv), Some(content)) = (equiv, content) {
            if !content.is_empty() && equiv.trim().eq_ignore_ascii_case("content-security-policy") {
                out.csp.push(content.to_string());
            }
        } else if html::attr(meta, "name")
            .is_some_and(|n| n.trim().eq_ignore_ascii_case("referrer"))
            && let Some(content) = content.filter(|c| !c.is_empty())
        {
            out.referrer = Some(content.to_string());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn node_shaped_headers() {
        let h = Headers::from_pairs(&[
            ("Content-Security-Policy", "default-src 'none'"),
            ("content-security-policy", "frame-ancestors 'none'"),
            ("set-cookie", "a=1"),
            ("set-cookie", "b=2"),
            ("content-type", "text/html"),
            ("content-type", "text/plain"),
        ])
        .unwrap();
        assert_eq!(
            h.all("content-security-policy"),
            ["default-src 'none', frame-ancestors 'none'"]
        );
        assert_eq!(h.all("set-cookie"), ["a=1", "b=2"]);
        assert_eq!(h.all("content-type"), ["text/html"]);
    }

    #[test]
    fn both_schemes_from_one_url() {
        let (host, http, https) =
            targets(&Url::parse("https://example.org:8443/api?x=1").unwrap()).unwrap();
        assert_eq!(host, "example.org");
        assert_eq!(http.as_str(), "http://example.org/api?x=1");
        assert_eq!(https.as_str(), "https://example.org:8443/api?x=1");
        let (_, http, https) = targets(&Url::parse("http://127.0.0.1:8080/").unwrap()).unwrap();
        assert_eq!(http.as_str(), "http://127.0.0.1:8080/");
        assert_eq!(https.as_str(), "https://127.0.0.1/");
        assert!(targets(&Url::parse("ftp://x/").unwrap()).is_err());
    }
}
