//! The Observatory's `content-security-policy` test and its CSP parser
//! (`src/analyzer/tests/csp.js`, `src/analyzer/cspParser.js`), ported rule for
//! rule: several policies (header and `<meta>`) intersect, a directive set
//! twice makes the policy invalid, `https:` or `*` in `script-src`/`object-src`
//! counts as `'unsafe-inline'`, and `default-src 'none'` earns the bonus.

use super::retrieve::Requests;
use super::score::Expectation;

/// A parsed policy: directives in first-seen order, each with its sources.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Csp {
    pub directives: Vec<(String, Vec<String>)>,
    /// `report-uri`/`report-to` given more than once (allowed, but reported).
    pub duplicates: bool,
}

impl Csp {
    pub fn get(&self, name: &str) -> Option<&Vec<String>> {
        self.directives
            .iter()
            .find(|(d, _)| d == name)
            .map(|(_, s)| s)
    }

    fn get_mut(&mut self, name: &str) -> Option<&mut Vec<String>> {
        self.directives
            .iter_mut()
            .find(|(d, _)| d == name)
            .map(|(_, s)| s)
    }

    fn is_empty(&self) -> bool {
        self.directives.is_empty()
    }
}

/// Why a policy does not parse.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invalid;

/// The shortest policy accepted (`img-src` minus one).
const SHORTEST_POLICY: usize = 6;
const DISALLOWED_IN_META: [&str; 3] = ["frame-ancestors", "report-uri", "sandbox"];
const ALLOWED_DUPLICATES: [&str; 2] = ["report-uri", "report-to"];

#[derive(Debug, Clone)]
struct Source {
    source: String,
    index: usize,
    keep: bool,
}

/// Parse `policies` (each one header value or `<meta>` content) into one
/// effective policy, as `parseCsp` does.
pub fn parse(policies: &[String]) -> Result<Csp, Invalid> {
    let clean: Vec<String> = policies
        .iter()
        .map(|p| p.replace(['\r', '\n'], "").trim().to_string())
        .collect();
    if clean.is_empty() {
        return Ok(Csp::default());
    }
    if clean
        .iter()
        .any(|p| p.is_empty() || p.encode_utf16().count() < SHORTEST_POLICY)
    {
        return Err(Invalid);
    }
    let mut csp: Vec<(String, Vec<Source>)> = Vec::new();
    let mut duplicates = false;
    for (index, policy) in clean.iter().enumerate() {
        let mut seen: Vec<String> = Vec::new();
        for entry in policy.split(';') {
            let mut words = entry.split_whitespace();
            let Some(first) = words.next() else { continue };
            let directive = first.to_lowercase();
            if seen.contains(&directive) {
                if ALLOWED_DUPLICATES.contains(&directive.as_str()) {
                    duplicates = true;
                } else {
                    return Err(Invalid);
                }
            } else {
                seen.push(directive.clone());
            }
            let keep = index == 0;
            let mut values: Vec<Source> = words
                .map(|w| Source {
                    source: w.trim().to_lowercase(),
                    index,
                    keep,
                })
                .collect();
            if values.is_empty() && directive.ends_with("-src") {
                values.push(Source {
                    source: "'none'".into(),
                    index,
                    keep,
                });
            }
            let slot = csp.iter().position(|(d, _)| *d == directive);
            let mut combined = match (index, slot) {
                (0, _) | (_, None) => values,
                (_, Some(i)) => {
                    let mut c = csp[i].1.clone();
                    c.extend(values);
                    c
                }
            };
            combined.sort_by(|a, b| a.source.cmp(&b.source));
            for i in 1..combined.len() {
                let (prev_source, prev_index) =
                    (combined[i - 1].source.clone(), combined[i - 1].index);
                let cur = &mut combined[i];
                // Within one policy the longer of two prefixed sources is superfluous.
                if cur.index == prev_index && cur.source.starts_with(&prev_source) {
                    cur.keep = false;
                }
                // Across policies, a source counts only when both allow it.
                if cur.index != prev_index && path_part_match(&prev_source, &cur.source) {
                    cur.keep = true;
                }
            }
            let mut kept: Vec<Source> = combined.into_iter().filter(|s| s.keep).collect();
            if index == 0 && clean.len() > 1 {
                for s in &mut kept {
                    s.keep = false;
                }
            }
            match slot {
                Some(i) => csp[i].1 = kept,
                None => csp.push((directive, kept)),
            }
        }
    }
    let directives = csp
        .into_iter()
        .map(|(d, sources)| {
            let mut set: Vec<String> = Vec::new();
            for s in sources {
                if !set.contains(&s.source) {
                    set.push(s.source);
                }
            }
            if set.is_empty() {
                set.push("'none'".into());
            }
            (d, set)
        })
        .collect();
    Ok(Csp {
        directives,
        duplicates,
    })
}

/// `parseCspMeta`: a `<meta>` policy cannot set `frame-ancestors`,
/// `report-uri` or `sandbox`.
fn parse_meta(policies: &[String]) -> Result<Csp, Invalid> {
    let mut csp = parse(policies)?;
    csp.directives
        .retain(|(d, _)| !DISALLOWED_IN_META.contains(&d.as_str()));
    Ok(csp)
}

fn path_part_match(a: &str, b: &str) -> bool {
    if a.is_empty() || (a == "/" && b.is_empty()) {
        return true;
    }
    let exact = !a.ends_with('/');
    let mut pa: Vec<&str> = a.split('/').collect();
    let pb: Vec<&str> = b.split('/').collect();
    if pa.len() > pb.len() || (exact && pa.len() != pb.len()) {
        return false;
    }
    if !exact {
        pa.pop();
    }
    pa.iter().zip(&pb).all(|(x, y)| decode(x) == decode(y))
}

/// `decodeURIComponent`, leaving malformed escapes as they are.
fn decode(s: &str) -> String {
    url::form_urlencoded::parse(format!("x={}", s.replace('+', "%2B")).as_bytes())
        .next()
        .map(|(_, v)| v.into_owned())
        .unwrap_or_else(|| s.to_string())
}

const DANGEROUSLY_BROAD: [&str; 8] = [
    "ftp:",
    "http:",
    "https:",
    "*",
    "http://*",
    "http://*.*",
    "https://*",
    "https://*.*",
];
const UNSAFE_INLINE: [&str; 2] = ["'unsafe-inline'", "data:"];
const PASSIVE_DIRECTIVES: [&str; 2] = ["img-src", "media-src"];
const NONCES_HASHES: [&str; 4] = ["'sha256-", "'sha384-", "'sha512-", "'nonce-"];

fn broad(s: &str) -> bool {
    DANGEROUSLY_BROAD.contains(&s)
}

fn broad_or_inline(s: &str) -> bool {
    broad(s) || UNSAFE_INLINE.contains(&s)
}

fn has_nonce_or_hash(sources: &[String]) -> bool {
    sources
        .iter()
        .any(|s| NONCES_HASHES.iter().any(|p| s.starts_with(p)))
}

/// The outcome of the CSP test.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CspOutput {
    pub result: Expectation,
    pub pass: bool,
    /// The effective policy, when one was analysed (the X-Frame-Options test
    /// looks for `frame-ancestors` in it).
    pub policy: Option<Csp>,
}

/// Which directive a fetch directive falls back to: its own, `default-src`,
/// or (neither set) `*`.
fn fallback(csp: &Csp, name: &str) -> Option<String> {
    [name, "default-src"]
        .into_iter()
        .find(|d| csp.get(d).is_some())
        .map(str::to_string)
}

fn sources(csp: &Csp, key: &Option<String>) -> Vec<String> {
    key.as_deref()
        .and_then(|k| csp.get(k))
        .cloned()
        .unwrap_or_else(|| vec!["*".into()])
}

pub fn test(requests: &Requests) -> CspOutput {
    use Expectation::*;
    let done = |result| CspOutput {
        result,
        pass: false,
        policy: None,
    };
    let (Some(response), Some(url)) = (&requests.auto, &requests.session_url) else {
        return done(CspNotImplemented);
    };
    let http: Vec<String> = response
        .headers
        .all("content-security-policy")
        .into_iter()
        .map(str::to_string)
        .collect();
    let meta = requests.equiv.csp.clone();
    let mut all = http.clone();
    all.extend(meta.iter().cloned());
    let Ok(mut csp) = parse(&all) else {
        return done(CspHeaderInvalid);
    };
    let header_only = parse(&http).unwrap_or_default();
    let meta_only = parse_meta(&meta).unwrap_or_default();
    if header_only.is_empty() && meta_only.is_empty() {
        return done(
            if response
                .headers
                .first("content-security-policy-report-only")
                .is_some_and(|v| !v.is_empty())
            {
                CspNotImplementedButReportingEnabled
            } else {
                CspNotImplemented
            },
        );
    }
    let mut result: Option<Expectation> = None;
    // script-src and style-src may both be default-src's very list: edits
    // below go to the directive they stand for, as in the Observatory.
    let script_key = fallback(&csp, "script-src");
    let style_key = fallback(&csp, "style-src");
    for key in [&script_key, &style_key].into_iter().flatten() {
        if let Some(list) = csp.get_mut(key)
            && has_nonce_or_hash(list)
        {
            list.retain(|s| s != "'unsafe-inline'");
        }
    }
    let script = sources(&csp, &script_key);
    if has_nonce_or_hash(&script) && script.iter().any(|s| s == "'strict-dynamic'") {
        if let Some(key) = &script_key
            && let Some(list) = csp.get_mut(key)
        {
            list.retain(|s| {
                !(DANGEROUSLY_BROAD.iter().any(|b| s.starts_with(b))
                    || s == "'self'"
                    || s == "'unsafe-inline'")
            });
        }
    } else if script.iter().any(|s| s == "'strict-dynamic'") {
        result.get_or_insert(CspHeaderInvalid);
    }
    let script = sources(&csp, &script_key);
    let style = sources(&csp, &style_key);
    let object = sources(&csp, &fallback(&csp, "object-src"));
    let mut active: Vec<&String> = csp
        .directives
        .iter()
        .filter(|(d, _)| !PASSIVE_DIRECTIVES.contains(&d.as_str()) && d != "script-src")
        .flat_map(|(_, s)| s)
        .collect();
    active.extend(&script);
    let passive: Vec<&String> = PASSIVE_DIRECTIVES
        .iter()
        .flat_map(|d| {
            csp.get(d)
                .or_else(|| csp.get("default-src"))
                .into_iter()
                .flatten()
        })
        .collect();
    let insecure = |s: &&String| s.starts_with("http:") || s.starts_with("ftp:");
    let https = url.scheme() == "https";

    if script.iter().any(|s| broad_or_inline(s)) || object.iter().any(|s| broad(s)) {
        result.get_or_insert(CspImplementedWithUnsafeInline);
    }
    if https && active.iter().any(insecure) {
        result.get_or_insert(CspImplementedWithInsecureScheme);
    }
    if script.iter().chain(&style).any(|s| s == "'unsafe-eval'") {
        result.get_or_insert(CspImplementedWithUnsafeEval);
    }
    if https && passive.iter().any(insecure) {
        result.get_or_insert(CspImplementedWithInsecureSchemeInPassiveContentOnly);
    }
    if style.iter().any(|s| broad_or_inline(s)) {
        result.get_or_insert(CspImplementedWithUnsafeInlineInStyleSrcOnly);
    }
    let default_none = csp
        .get("default-src")
        .is_some_and(|d| d.len() == 1 && d[0] == "'none'");
    let mut result = result.unwrap_or(if default_none {
        CspImplementedWithNoUnsafeDefaultSrcNone
    } else {
        CspImplementedWithNoUnsafe
    });
    let pass = matches!(
        result,
        CspImplementedWithNoUnsafe
            | CspImplementedWithNoUnsafeDefaultSrcNone
            | CspImplementedWithUnsafeInlineInStyleSrcOnly
            | CspImplementedWithInsecureSchemeInPassiveContentOnly
    );
    if pass && csp.duplicates {
        result = CspImplementedButDuplicateDirectives;
    }
    CspOutput {
        result,
        pass,
        policy: Some(csp),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(p: &str) -> Csp {
        parse(&[p.to_string()]).unwrap()
    }

    #[test]
    fn directives_sources_and_prefixes() {
        let csp =
            one("Default-Src 'self' https://a.com https://a.com/x; script-src; report-uri /r");
        assert_eq!(
            csp.get("default-src").unwrap(),
            &["'self'", "https://a.com"]
        );
        assert_eq!(csp.get("script-src").unwrap(), &["'none'"]);
        assert!(!csp.duplicates);
    }

    #[test]
    fn duplicates_and_invalid_policies() {
        assert_eq!(
            parse(&["default-src 'self'; default-src *".into()]),
            Err(Invalid)
        );
        assert_eq!(parse(&["a b".into()]), Err(Invalid));
        assert_eq!(parse(&["".into()]), Err(Invalid));
        assert!(one("default-src 'none'; report-uri /a; report-uri /b").duplicates);
    }

    #[test]
    fn two_policies_intersect() {
        let csp = parse(&[
            "default-src 'self' https://a.com; img-src *".into(),
            "default-src 'self'; frame-ancestors 'none'".into(),
        ])
        .unwrap();
        assert_eq!(csp.get("default-src").unwrap(), &["'self'"]);
        // Set only by the second policy: nothing is allowed by both.
        assert_eq!(csp.get("frame-ancestors").unwrap(), &["'none'"]);
    }

    #[test]
    fn path_parts() {
        assert!(path_part_match("https://a.com/", "https://a.com/x"));
        assert!(!path_part_match("https://a.com/x", "https://a.com/y"));
        assert!(path_part_match("https://a.com/%7E", "https://a.com/~"));
    }
}
