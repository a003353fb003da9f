//! Cookies as the Observatory sees them: every `Set-Cookie` of the scanned
//! page's redirect chain goes into a jar with tough-cookie's rules (RFC 6265:
//! a `Domain` must cover the host and not be a public suffix, `__Secure-` and
//! `__Host-` prefixes are enforced, a later cookie with the same name, domain
//! and path replaces an earlier one), then the `cookies` test
//! (`src/analyzer/tests/cookies.js`) judges what the jar holds.

use std::net::IpAddr;

use url::Url;

use super::analyze::strict_transport_security;
use super::retrieve::Requests;
use super::score::{Expectation, Judged, only_if_worse};

/// A cookie in the jar: what the test reads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cookie {
    pub key: String,
    pub domain: String,
    pub path: String,
    pub secure: bool,
    pub http_only: bool,
    /// `strict`, `lax` or `none`; absent (or not one of those) is `None`.
    pub same_site: Option<&'static str>,
}

/// The cookies a session collected, in the order they were first set.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Jar(pub Vec<Cookie>);

impl Jar {
    /// Store one `Set-Cookie` value received from `url`; cookies the jar
    /// would refuse are dropped silently, as the Observatory's jar does.
    pub fn set(&mut self, header: &str, url: &Url) {
        let Some(host) = url
            .host_str()
            .map(|h| h.trim_matches(['[', ']']).to_lowercase())
        else {
            return;
        };
        let Some(parsed) = parse(header) else { return };
        let host_only = parsed.domain.is_none();
        let domain = match parsed.domain {
            Some(d) => {
                if !domain_allowed(&d) || !domain_match(&host, &d) {
                    return;
                }
                d
            }
            None => host,
        };
        let path = match parsed.path {
            Some(p) => p,
            None => default_path(url.path()),
        };
        if parsed.key.starts_with("__Secure-") && !parsed.secure {
            return;
        }
        if parsed.key.starts_with("__Host-") && !(parsed.secure && host_only && path == "/") {
            return;
        }
        let cookie = Cookie {
            key: parsed.key,
            domain,
            path,
            secure: parsed.secure,
            http_only: parsed.http_only,
            same_site: parsed.same_site,
        };
        match self
            .0
            .iter_mut()
            .find(|c| c.domain == cookie.domain && c.path == cookie.path && c.key == cookie.key)
        {
            Some(old) => *old = cookie,
            None => self.0.push(cookie),
        }
    }
}

struct Parsed {
    key: String,
    domain: Option<String>,
    path: Option<String>,
    secure: bool,
    http_only: bool,
    same_site: Option<&'static str>,
}

/// tough-cookie's strict `Cookie.parse`.
fn parse(header: &str) -> Option<Parsed> {
    let s = header.trim();
    let (pair, attrs) = match s.find(';') {
        Some(i) => (&s[..i], Some(&s[i + 1..])),
        None => (s, None),
    };
    let pair = pair.split(['\n', '\r', '\0']).next().unwrap_or("");
    let eq = pair.find('=').filter(|i| *i > 0)?;
    let (key, value) = (pair[..eq].trim(), pair[eq + 1..].trim());
    let control = |t: &str| t.chars().any(|c| c < '\u{20}');
    if control(key) || control(value) {
        return None;
    }
    let mut c = Parsed {
        key: key.to_string(),
        domain: None,
        path: None,
        secure: false,
        http_only: false,
        same_site: None,
    };
    for av in attrs.unwrap_or("").split(';') {
        let av = av.trim();
        if av.is_empty() {
            continue;
        }
        let (k, v) = match av.find('=') {
            Some(i) => (&av[..i], Some(av[i + 1..].trim())),
            None => (av, None),
        };
        match k.trim().to_lowercase().as_str() {
            "domain" => {
                if let Some(d) = v
                    .map(|v| v.strip_prefix('.').unwrap_or(v))
                    .filter(|d| !d.is_empty())
                {
                    c.domain = Some(d.to_lowercase());
                }
            }
            "path" => c.path = v.filter(|p| p.starts_with('/')).map(str::to_string),
            "secure" => c.secure = true,
            "httponly" => c.http_only = true,
            "samesite" => {
                c.same_site = match v.unwrap_or("").to_lowercase().as_str() {
                    "strict" => Some("strict"),
                    "lax" => Some("lax"),
                    "none" => Some("none"),
                    _ => None,
                }
            }
            _ => {}
        }
    }
    Some(c)
}

/// RFC 6761 names tough-cookie lets cookies be scoped to.
const SPECIAL_USE: [&str; 5] = ["local", "example", "invalid", "localhost", "test"];

/// A `Domain` attribute the jar accepts: not a public suffix (nor an IPv4
/// address, which has no registrable domain).
fn domain_allowed(domain: &str) -> bool {
    if domain.parse::<std::net::Ipv6Addr>().is_ok() {
        return true;
    }
    let labels: Vec<&str> = domain.split('.').collect();
    let tld = labels.last().copied().unwrap_or("");
    if SPECIAL_USE.contains(&tld) && (labels.len() > 1 || tld == "localhost" || tld == "invalid") {
        return true;
    }
    domain.parse::<IpAddr>().is_err() && psl::domain_str(domain).is_some()
}

fn domain_match(host: &str, domain: &str) -> bool {
    if host == domain {
        return true;
    }
    host.strip_suffix(domain)
        .is_some_and(|rest| !rest.is_empty() && rest.ends_with('.'))
        && host.parse::<IpAddr>().is_err()
}

/// RFC 6265 5.1.4: the directory of the request path.
fn default_path(path: &str) -> String {
    match path.rfind('/') {
        Some(i) if path.starts_with('/') && i > 0 => path[..i].to_string(),
        _ => "/".to_string(),
    }
}

/// A `SameSite` attribute with no or an unknown value in a raw header.
fn invalid_same_site(header: &str) -> bool {
    header.trim().split(';').any(|part| {
        let mut kv = part.trim().split('=');
        let key = kv.next().unwrap_or("");
        let value = kv.next();
        key.trim().eq_ignore_ascii_case("samesite")
            && match value {
                None | Some("") => true,
                Some(v) => !["lax", "strict", "none"].contains(&v.trim().to_lowercase().as_str()),
            }
    })
}

/// Dropped before judging (Heroku's affinity cookie, mozilla/http-observatory#282).
const IGNORED: [&str; 1] = ["heroku-session-affinity"];

pub fn test(requests: &Requests) -> Judged {
    use Expectation::*;
    let goodness = [
        CookiesWithoutSecureFlagButProtectedByHsts,
        CookiesWithoutSecureFlag,
        CookiesSessionWithoutSecureFlagButProtectedByHsts,
        CookiesSamesiteFlagInvalid,
        CookiesAnticsrfWithoutSamesiteFlag,
        CookiesSessionWithoutHttponlyFlag,
        CookiesSessionWithoutSecureFlag,
    ];
    let hsts = strict_transport_security(requests).pass;
    let mut result: Option<Expectation> = None;
    let worse = |new, result: &mut Option<Expectation>| {
        *result = Some(only_if_worse(new, *result, &goodness));
    };
    if let Some(auto) = &requests.auto {
        for raw in auto.headers.all("set-cookie") {
            if invalid_same_site(raw) {
                worse(CookiesSamesiteFlagInvalid, &mut result);
            }
        }
    }
    let cookies: Vec<&Cookie> = requests
        .jar
        .0
        .iter()
        .filter(|c| !c.key.is_empty() && !IGNORED.contains(&c.key.as_str()))
        .collect();
    let result = if cookies.is_empty() {
        CookiesNotFound
    } else {
        let mut missing_same_site = false;
        for c in cookies {
            let key = c.key.to_lowercase();
            let session = key.contains("login") || key.contains("sess");
            let anticsrf = key.contains("csrf");
            if !c.secure && c.same_site == Some("none") {
                worse(CookiesSamesiteFlagInvalid, &mut result);
            }
            if !c.secure {
                let r = if hsts {
                    CookiesWithoutSecureFlagButProtectedByHsts
                } else {
                    CookiesWithoutSecureFlag
                };
                worse(r, &mut result);
            }
            if anticsrf && c.same_site.is_none() {
                worse(CookiesAnticsrfWithoutSamesiteFlag, &mut result);
            }
            if session && !c.secure {
                let r = if hsts {
                    CookiesSessionWithoutSecureFlagButProtectedByHsts
                } else {
                    CookiesSessionWithoutSecureFlag
                };
                worse(r, &mut result);
            }
            if session && !c.http_only {
                worse(CookiesSessionWithoutHttponlyFlag, &mut result);
            }
            missing_same_site |= c.same_site.is_none();
        }
        result.unwrap_or(if missing_same_site {
            CookiesSecureWithHttponlySessions
        } else {
            CookiesSecureWithHttponlySessionsAndSamesite
        })
    };
    let pass = matches!(
        result,
        CookiesNotFound
            | CookiesSecureWithHttponlySessionsAndSamesite
            | CookiesSecureWithHttponlySessions
    );
    Judged { result, pass }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn jar(headers: &[&str], url: &str) -> Jar {
        let url = Url::parse(url).unwrap();
        let mut jar = Jar::default();
        for h in headers {
            jar.set(h, &url);
        }
        jar
    }

    #[test]
    fn jar_rules() {
        let j = jar(
            &[
                "a=1; Secure; HttpOnly; SameSite=Lax",
                "a=2; Path=/x",
                "a=3",
                "=nameless",
                "b=1; Domain=com",
                "c=1; Domain=other.example.org",
                "d=1; Domain=.example.org",
                "__Secure-e=1",
                "__Host-f=1; Secure; Domain=example.org",
                "__Host-g=1; Secure; Path=/",
                "h=1; SameSite=bogus",
            ],
            "https://www.example.org/app/page",
        );
        let got: Vec<(&str, &str, &str)> =
            j.0.iter()
                .map(|c| (c.key.as_str(), c.domain.as_str(), c.path.as_str()))
                .collect();
        assert_eq!(
            got,
            [
                ("a", "www.example.org", "/app"),
                ("a", "www.example.org", "/x"),
                ("d", "example.org", "/app"),
                ("__Host-g", "www.example.org", "/"),
                ("h", "www.example.org", "/app"),
            ]
        );
        // The later `a=3` replaced the first `a` (same name, domain and path).
        assert!(!j.0[0].secure);
        assert_eq!(j.0[4].same_site, None);
    }

    #[test]
    fn raw_same_site() {
        assert!(invalid_same_site("a=1; SameSite"));
        assert!(invalid_same_site("a=1; samesite=Bogus"));
        assert!(!invalid_same_site("a=1; SameSite=Strict"));
    }
}
