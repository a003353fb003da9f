//! The Observatory's other tests (`src/analyzer/tests/*.js`), one function
//! each, in the order the scanner runs them: what each reads and how it
//! decides follows the JavaScript line for line, including its quirks (a
//! `max-age` that is not a number counts as long enough; a repeated HSTS
//! header is invalid; the last valid Referrer-Policy token wins).

use std::net::IpAddr;

use url::Url;

use super::retrieve::Requests;
use super::score::{Expectation, Judged, only_if_worse};
use super::{cookies, csp};

/// Every test, by the Observatory's name, in its order.
pub fn all(r: &Requests) -> Vec<(&'static str, Judged)> {
    let csp = csp::test(r);
    vec![
        (
            "content-security-policy",
            Judged {
                result: csp.result,
                pass: csp.pass,
            },
        ),
        ("cookies", cookies::test(r)),
        (
            "cross-origin-resource-sharing",
            cross_origin_resource_sharing(r),
        ),
        ("redirection", redirection(r)),
        ("referrer-policy", referrer_policy(r)),
        ("strict-transport-security", strict_transport_security(r)),
        ("subresource-integrity", subresource_integrity(r)),
        ("x-content-type-options", x_content_type_options(r)),
        ("x-frame-options", x_frame_options(r, &csp)),
        (
            "cross-origin-resource-policy",
            cross_origin_resource_policy(r),
        ),
    ]
}

fn judged(result: Expectation, pass: bool) -> Judged {
    Judged { result, pass }
}

/// The Observatory accepts 15552000 s (180 days) as "six months".
const SIX_MONTHS: f64 = 15_552_000.0;

/// JavaScript's `parseInt(s, 10)`: `None` is `NaN`.
fn parse_int(s: &str) -> Option<f64> {
    let s = s.trim_start();
    let (sign, rest) = match s.strip_prefix('-') {
        Some(r) => (-1.0, r),
        None => (1.0, s.strip_prefix('+').unwrap_or(s)),
    };
    let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
    digits.parse::<f64>().ok().map(|n| sign * n)
}

fn prefix(s: &str, chars: usize) -> String {
    s.chars().take(chars).collect()
}

pub fn strict_transport_security(r: &Requests) -> Judged {
    use Expectation::*;
    let Some(response) = &r.https else {
        return judged(HstsNotImplementedNoHttps, false);
    };
    if !response.verified {
        return judged(HstsInvalidCert, false);
    }
    let Some(header) = response
        .headers
        .all("strict-transport-security")
        .first()
        .copied()
    else {
        return judged(HstsNotImplemented, false);
    };
    let data = prefix(header, 1024);
    if data.contains(',') {
        return judged(HstsHeaderInvalid, false);
    }
    // Outer `None`: no max-age; inner `None`: not a number.
    let mut max_age: Option<Option<f64>> = None;
    for parameter in data.split(';').map(|p| p.trim().to_lowercase()) {
        if let Some(v) = parameter.strip_prefix("max-age=") {
            max_age = Some(parse_int(&prefix(v, 120)));
        }
    }
    match max_age {
        None => judged(HstsHeaderInvalid, false),
        Some(Some(age)) if age < SIX_MONTHS => {
            judged(HstsImplementedMaxAgeLessThanSixMonths, false)
        }
        Some(_) => judged(HstsImplementedMaxAgeAtLeastSixMonths, true),
    }
}

pub fn redirection(r: &Requests) -> Judged {
    use Expectation::*;
    let result = match &r.http {
        None => RedirectionNotNeededNoHttp,
        Some(response) if !response.verified => RedirectionInvalidCert,
        Some(_) => {
            let route = &r.http_redirects;
            // `every` over the (empty) preload list holds only for no hops.
            match (route.first(), route.get(1), route.last()) {
                (None, _, _) => RedirectionAllRedirectsPreloaded,
                (_, None, _) => RedirectionMissing,
                (_, _, Some(last)) if last.url.scheme() != "https" => RedirectionNotToHttps,
                (_, Some(second), _) if second.url.scheme() == "http" => {
                    RedirectionNotToHttpsOnInitialRedirection
                }
                (Some(first), Some(second), _)
                    if first.url.scheme() == "http"
                        && first.url.host_str() != second.url.host_str() =>
                {
                    RedirectionOffHostFromHttp
                }
                _ => RedirectionToHttps,
            }
        }
    };
    let pass = matches!(
        result,
        RedirectionNotNeededNoHttp | RedirectionAllRedirectsPreloaded | RedirectionToHttps
    );
    judged(result, pass)
}

pub fn referrer_policy(r: &Requests) -> Judged {
    use Expectation::*;
    const GOOD: [&str; 4] = [
        "no-referrer",
        "same-origin",
        "strict-origin",
        "strict-origin-when-cross-origin",
    ];
    const BAD: [&str; 4] = [
        "origin",
        "origin-when-cross-origin",
        "unsafe-url",
        "no-referrer-when-downgrade",
    ];
    let Some(response) = &r.auto else {
        return judged(ReferrerPolicyNotImplemented, false);
    };
    let mut values: Vec<&str> = response.headers.all("referrer-policy");
    values.extend(r.equiv.referrer.as_deref());
    if values.is_empty() {
        return judged(ReferrerPolicyNotImplemented, true);
    }
    let data = values.join(", ");
    let policy = data
        .split(',')
        .map(|p| p.trim().to_lowercase())
        .rev()
        .find(|p| GOOD.contains(&p.as_str()) || BAD.contains(&p.as_str()))
        .unwrap_or_default();
    if GOOD.contains(&policy.as_str()) {
        judged(ReferrerPolicyPrivate, true)
    } else if BAD.contains(&policy.as_str()) {
        judged(ReferrerPolicyUnsafe, false)
    } else {
        judged(ReferrerPolicyHeaderInvalid, false)
    }
}

/// The first value of a header, if it is not empty (JavaScript truthiness).
fn first<'a>(r: &'a Requests, name: &str) -> Option<&'a str> {
    r.auto
        .as_ref()?
        .headers
        .first(name)
        .filter(|v| !v.is_empty())
}

pub fn x_content_type_options(r: &Requests) -> Judged {
    use Expectation::*;
    match first(r, "x-content-type-options") {
        Some(v) if prefix(v, 256).trim().eq_ignore_ascii_case("nosniff") => {
            judged(XContentTypeOptionsNosniff, true)
        }
        Some(_) => judged(XContentTypeOptionsHeaderInvalid, false),
        None => judged(XContentTypeOptionsNotImplemented, false),
    }
}

pub fn x_frame_options(r: &Requests, csp: &csp::CspOutput) -> Judged {
    use Expectation::*;
    if r.auto.is_none() {
        return judged(XFrameOptionsNotImplemented, false);
    }
    let mut result =
        match first(r, "x-frame-options").map(|v| prefix(v, 1024).trim().to_lowercase()) {
            Some(v) if v == "deny" || v == "sameorigin" => XFrameOptionsSameoriginOrDeny,
            Some(v) if v.starts_with("allow-from") => XFrameOptionsAllowFromOrigin,
            Some(_) => XFrameOptionsHeaderInvalid,
            None => XFrameOptionsNotImplemented,
        };
    if csp
        .policy
        .as_ref()
        .is_some_and(|p| p.get("frame-ancestors").is_some())
    {
        result = XFrameOptionsImplementedViaCsp;
    }
    let pass = matches!(
        result,
        XFrameOptionsAllowFromOrigin
            | XFrameOptionsSameoriginOrDeny
            | XFrameOptionsImplementedViaCsp
    );
    judged(result, pass)
}

pub fn cross_origin_resource_policy(r: &Requests) -> Judged {
    use Expectation::*;
    let result = match first(r, "cross-origin-resource-policy")
        .map(|v| prefix(v, 256).trim().to_lowercase())
        .filter(|v| !v.is_empty())
    {
        None => CorpNotImplemented,
        Some(v) if v == "same-site" => CorpImplementedWithSameSite,
        Some(v) if v == "same-origin" => CorpImplementedWithSameOrigin,
        Some(v) if v == "cross-origin" => CorpImplementedWithCrossOrigin,
        Some(_) => CorpHeaderInvalid,
    };
    judged(result, result != CorpHeaderInvalid)
}

/// The CORS preflight's `Access-Control-Allow-Origin`. (The Observatory's
/// "universal access" result compares it with the request's `Origin`, which
/// it cannot read back from Node's request object: it never occurs.)
pub fn cross_origin_resource_sharing(r: &Requests) -> Judged {
    use Expectation::*;
    let acao = r
        .cors
        .as_ref()
        .and_then(|c| c.headers.first("access-control-allow-origin"))
        .filter(|v| !v.is_empty());
    let result = match acao.map(|v| prefix(v, 256).trim().to_lowercase()) {
        None => CorsNotImplemented,
        Some(v) if v == "*" => CorsImplementedWithPublicAccess,
        Some(_) => CorsImplementedWithRestrictedAccess,
    };
    judged(result, true)
}

/// The registrable domain under ICANN's part of the Public Suffix List (what
/// the Observatory's `tldts.parse(...).domain` gives); none for addresses.
fn registrable_domain(host: &str) -> Option<String> {
    let host = host.trim_end_matches('.').to_lowercase();
    if host.starts_with('[') || host.parse::<IpAddr>().is_ok() {
        return None;
    }
    let mut suffix = psl::suffix(host.as_bytes())?;
    while suffix.typ() == Some(psl::Type::Private) {
        let rest = suffix.as_bytes().splitn(2, |b| *b == b'.').nth(1)?;
        suffix = psl::suffix(rest)?;
    }
    let suffix_len = suffix.as_bytes().len();
    let label = host
        .get(..host.len().checked_sub(suffix_len + 1)?)?
        .rsplit('.')
        .next()?;
    if label.is_empty() {
        return None;
    }
    Some(format!("{label}.{}", &host[host.len() - suffix_len..]))
}

/// `script.src` in a document at `about:blank`: absolute URLs come back
/// serialized, anything else as written.
fn script_src(raw: &str) -> String {
    Url::parse(raw).map_or_else(|_| raw.to_string(), |u| u.to_string())
}

pub fn subresource_integrity(r: &Requests) -> Judged {
    use Expectation::*;
    let goodness = [
        SriImplementedAndAllScriptsLoadedSecurely,
        SriImplementedAndExternalScriptsLoadedSecurely,
        SriImplementedButExternalScriptsNotLoadedSecurely,
        SriNotImplementedButExternalScriptsLoadedSecurely,
        SriNotImplementedAndExternalScriptsNotLoadedSecurely,
        SriNotImplementedResponseNotHtml,
    ];
    if r.auto.is_none() {
        return judged(SriNotImplementedButNoScriptsLoaded, false);
    }
    let result = match &r.page.html {
        None => SriNotImplementedResponseNotHtml,
        Some(page) if page.scripts.is_empty() => SriNotImplementedButNoScriptsLoaded,
        Some(page) => {
            let site = registrable_domain(&r.hostname);
            let session_https = r
                .session_url
                .as_ref()
                .is_some_and(|u| u.scheme() == "https");
            let mut result: Option<Expectation> = None;
            let mut foreign = false;
            for script in &page.scripts {
                let src = super::html::attr(script, "src")
                    .map(script_src)
                    .unwrap_or_default();
                if src.is_empty() {
                    continue;
                }
                let integrity =
                    super::html::attr(script, "integrity").is_some_and(|i| !i.is_empty());
                let protocol_relative = src
                    .strip_prefix("//")
                    .and_then(|rest| rest.chars().next())
                    .is_some_and(|c| c != '/');
                let full = src.starts_with("http://") || src.starts_with("https://");
                let url = Url::parse(&src).ok();
                let relative_origin = !protocol_relative && !full;
                let same_domain = protocol_relative
                    || relative_origin
                    || url
                        .as_ref()
                        .and_then(|u| u.host_str())
                        .and_then(registrable_domain)
                        == site;
                let secure_origin = relative_origin || (same_domain && !protocol_relative);
                foreign |= !secure_origin;
                let secure_scheme = (full && url.as_ref().is_some_and(|u| u.scheme() == "https"))
                    || (relative_origin && session_https);
                if !secure_origin {
                    let r = match (integrity, secure_scheme) {
                        (true, false) => Some(SriImplementedButExternalScriptsNotLoadedSecurely),
                        (false, true) => Some(SriNotImplementedButExternalScriptsLoadedSecurely),
                        (false, false) => {
                            Some(SriNotImplementedAndExternalScriptsNotLoadedSecurely)
                        }
                        (true, true) => None,
                    };
                    if let Some(new) = r {
                        result = Some(only_if_worse(new, result, &goodness));
                    }
                } else if integrity && secure_scheme && result.is_none() {
                    result = Some(SriImplementedAndAllScriptsLoadedSecurely);
                }
            }
            result.unwrap_or(if foreign {
                SriImplementedAndExternalScriptsLoadedSecurely
            } else {
                SriNotImplementedButAllScriptsLoadedFromSecureOrigin
            })
        }
    };
    let pass = matches!(
        result,
        SriImplementedAndAllScriptsLoadedSecurely
            | SriImplementedAndExternalScriptsLoadedSecurely
            | SriNotImplementedResponseNotHtml
            | SriNotImplementedButAllScriptsLoadedFromSecureOrigin
            | SriNotImplementedButNoScriptsLoaded
    );
    judged(result, pass)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn javascript_parse_int() {
        assert_eq!(parse_int("31536000; x"), Some(31_536_000.0));
        assert_eq!(parse_int(" -5"), Some(-5.0));
        assert_eq!(parse_int("\"300\""), None);
        assert_eq!(parse_int(""), None);
    }

    #[test]
    fn registrable_domains_icann_only() {
        assert_eq!(
            registrable_domain("www.example.co.uk").as_deref(),
            Some("example.co.uk")
        );
        assert_eq!(
            registrable_domain("cdn.example.com").as_deref(),
            Some("example.com")
        );
        assert_eq!(
            registrable_domain("foo.github.io").as_deref(),
            Some("github.io")
        );
        assert_eq!(registrable_domain("127.0.0.1"), None);
        assert_eq!(registrable_domain("com"), None);
    }

    #[test]
    fn script_src_reflection() {
        assert_eq!(
            script_src("HTTPS://CDN.example.com/a.js"),
            "https://cdn.example.com/a.js"
        );
        assert_eq!(
            script_src("//cdn.example.com/a.js"),
            "//cdn.example.com/a.js"
        );
        assert_eq!(script_src("/a.js"), "/a.js");
    }
}
