//! `hctl verify headers` against the MDN HTTP Observatory's own scanner
//! (`@mdn/mdn-http-observatory`, installed by `scripts/test`): for a table of
//! sites, each on its own loopback address with port 80 and/or 443 (the
//! scanner only takes a host name), both scan the same server and must agree
//! on the score, the grade and every test's result.

use std::collections::BTreeMap;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

use crate::checks::peers::{self, Behaviour, Ca};
use crate::support::Sandbox;

const HOW: &str = "install it with `scripts/test` (which calls install_observatory from scripts/lib/services.sh), \
     or run `npm install --prefix ~/.cache/hctl/observatory-1.4.8 --ignore-scripts @mdn/mdn-http-observatory@1.4.8` \
     and `echo '{}' > .../node_modules/@mdn/mdn-http-observatory/conf/hsts-preload.json`; node >= 20 and npm are needed";

/// The installed package: `HCTL_OBSERVATORY`, or the cache `scripts/test` installs into.
fn observatory() -> PathBuf {
    let dir = std::env::var_os("HCTL_OBSERVATORY")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            let home = std::env::var_os("HOME")
                .map(PathBuf::from)
                .unwrap_or_default();
            home.join(".cache/hctl/observatory-1.4.8/node_modules/@mdn/mdn-http-observatory")
        });
    assert!(
        dir.join("src/scanner/index.js").is_file(),
        "the MDN HTTP Observatory is not installed at {}: {HOW}",
        dir.display()
    );
    assert!(
        dir.join("conf/hsts-preload.json").is_file(),
        "{} lacks conf/hsts-preload.json: {HOW}",
        dir.display()
    );
    dir
}

/// Scans each host with the scanner's `scan()` (what its CLI runs), in one
/// node process, and prints `{host: {scan, tests}}`.
const DRIVER: &str = r#"
const [dir, ...hosts] = process.argv.slice(2);
const { scan } = await import(dir + "/src/scanner/index.js");
const out = {};
for (const host of hosts) {
  try {
    const r = await scan(host);
    const tests = {};
    for (const [name, t] of Object.entries(r.tests)) {
      tests[name] = { result: t.result, pass: t.pass, scoreModifier: t.scoreModifier };
    }
    out[host] = { score: r.scan.score, grade: r.scan.grade, tests };
  } catch (e) {
    out[host] = { error: String(e && e.message ? e.message : e) };
  }
}
console.log(JSON.stringify(out));
"#;

fn scan_with_observatory(
    sb: &Sandbox,
    dir: &Path,
    ca: &Path,
    hosts: &[String],
) -> BTreeMap<String, Value> {
    let driver = sb.write("observatory-scan.mjs", DRIVER);
    let out = Command::new("node")
        .arg(driver)
        .arg(dir)
        .args(hosts)
        .env("NODE_EXTRA_CA_CERTS", ca)
        .output()
        .unwrap_or_else(|e| panic!("cannot run node: {e}; {HOW}"));
    assert!(
        out.status.success(),
        "the Observatory driver failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "bad Observatory output ({e}): {}",
            String::from_utf8_lossy(&out.stdout)
        )
    })
}

/// Where a site answers.
#[derive(Clone, Copy)]
enum Serve {
    /// https on 443; http on 80 redirects there.
    Redirect,
    /// Only https on 443 (nothing on 80).
    HttpsOnly,
    /// Only http on 80.
    HttpOnly,
    /// Both answer with the page (no redirect).
    Both,
    /// https with a certificate for another name; http redirects there.
    BadCert,
}

struct Case {
    name: &'static str,
    serve: Serve,
    headers: Vec<(&'static str, &'static str)>,
    body: &'static str,
}

const STRICT: &[(&str, &str)] = &[
    ("content-type", "application/json"),
    (
        "content-security-policy",
        "default-src 'none'; frame-ancestors 'none'",
    ),
    (
        "strict-transport-security",
        "max-age=31536000; includeSubDomains",
    ),
    ("x-content-type-options", "nosniff"),
    ("referrer-policy", "no-referrer"),
];

/// The strict set with `name` replaced (or added), or removed when `value` is empty.
fn strict_with(changes: &[(&'static str, &'static str)]) -> Vec<(&'static str, &'static str)> {
    let mut h: Vec<_> = STRICT.to_vec();
    for (name, value) in changes {
        h.retain(|(n, _)| n != name);
        if !value.is_empty() {
            h.push((name, value));
        }
    }
    h
}

fn case(name: &'static str, serve: Serve, headers: Vec<(&'static str, &'static str)>) -> Case {
    Case {
        name,
        serve,
        headers,
        body: "{}",
    }
}

fn cases() -> Vec<Case> {
    use Serve::*;
    let csp = |v| strict_with(&[("content-security-policy", v)]);
    let hsts = |v| strict_with(&[("strict-transport-security", v)]);
    let referrer = |v| strict_with(&[("referrer-policy", v)]);
    let plus = |extra: &[(&'static str, &'static str)]| {
        let mut h = STRICT.to_vec();
        h.extend_from_slice(extra);
        h
    };
    let html = |name, headers, body| Case {
        name,
        serve: Redirect,
        headers,
        body,
    };
    let html_headers = strict_with(&[
        ("content-type", "text/html; charset=utf-8"),
        ("content-security-policy", ""),
    ]);
    vec![
        case(
            "strict set, http redirects to https",
            Redirect,
            STRICT.to_vec(),
        ),
        case("strict set over http only", HttpOnly, STRICT.to_vec()),
        case("strict set over https only", HttpsOnly, STRICT.to_vec()),
        case("strict set, http answers too", Both, STRICT.to_vec()),
        case("strict set, bad certificate", BadCert, STRICT.to_vec()),
        case(
            "nothing at all",
            Redirect,
            vec![("content-type", "application/json")],
        ),
        case(
            "csp unsafe-inline",
            Redirect,
            csp("default-src 'self'; script-src 'self' 'unsafe-inline'"),
        ),
        case(
            "csp scheme-only https: in script-src",
            Redirect,
            csp("default-src 'none'; script-src https:"),
        ),
        case(
            "csp * in object-src",
            Redirect,
            csp("default-src 'self'; object-src *"),
        ),
        case(
            "csp default-src 'self'",
            Redirect,
            csp("default-src 'self'"),
        ),
        case(
            "csp default-src 'none' with frame-ancestors",
            Redirect,
            csp("default-src 'none'; frame-ancestors 'self'"),
        ),
        case(
            "csp unsafe-eval",
            Redirect,
            csp("default-src 'self'; script-src 'self' 'unsafe-eval'"),
        ),
        case(
            "csp nonce with unsafe-inline",
            Redirect,
            csp("default-src 'self'; script-src 'nonce-abc' 'unsafe-inline'"),
        ),
        case(
            "csp strict-dynamic with nonce",
            Redirect,
            csp("default-src 'self'; script-src 'strict-dynamic' 'nonce-abc' https: 'self'"),
        ),
        case(
            "csp strict-dynamic without nonce",
            Redirect,
            csp("default-src 'self'; script-src 'strict-dynamic'"),
        ),
        case(
            "csp http: script source on https",
            Redirect,
            csp("default-src 'self'; script-src http://cdn.example.com"),
        ),
        case(
            "csp http: images on https",
            Redirect,
            csp("default-src 'self'; img-src http:"),
        ),
        case(
            "csp unsafe-inline styles only",
            Redirect,
            csp("default-src 'self'; style-src 'unsafe-inline'"),
        ),
        case(
            "csp duplicate report-uri",
            Redirect,
            csp("default-src 'none'; report-uri /a; report-uri /b"),
        ),
        case(
            "csp duplicate directive",
            Redirect,
            csp("default-src 'none'; default-src 'self'"),
        ),
        case("csp too short", Redirect, csp("a 'b'")),
        case(
            "csp report-only",
            Redirect,
            strict_with(&[
                ("content-security-policy", ""),
                ("content-security-policy-report-only", "default-src 'none'"),
            ]),
        ),
        case(
            "two csp headers",
            Redirect,
            plus(&[("content-security-policy", "script-src 'unsafe-inline'")]),
        ),
        case("hsts max-age=300", Redirect, hsts("max-age=300")),
        case("hsts max-age=15552000", Redirect, hsts("max-age=15552000")),
        case("hsts max-age=15551999", Redirect, hsts("max-age=15551999")),
        case(
            "hsts max-age not a number",
            Redirect,
            hsts("max-age=\"31536000\""),
        ),
        case(
            "hsts without max-age",
            Redirect,
            hsts("includeSubDomains; preload"),
        ),
        case(
            "hsts twice",
            Redirect,
            plus(&[("strict-transport-security", "max-age=31536000")]),
        ),
        case(
            "referrer no-referrer-when-downgrade",
            Redirect,
            referrer("no-referrer-when-downgrade"),
        ),
        case("referrer origin", Redirect, referrer("origin")),
        case(
            "referrer origin-when-cross-origin",
            Redirect,
            referrer("origin-when-cross-origin"),
        ),
        case("referrer unsafe-url", Redirect, referrer("unsafe-url")),
        case("referrer same-origin", Redirect, referrer("same-origin")),
        case(
            "referrer strict-origin",
            Redirect,
            referrer("strict-origin"),
        ),
        case(
            "referrer strict-origin-when-cross-origin",
            Redirect,
            referrer("strict-origin-when-cross-origin"),
        ),
        case(
            "referrer fallback list ending unsafe",
            Redirect,
            referrer("no-referrer, unsafe-url"),
        ),
        case(
            "referrer fallback list ending safe",
            Redirect,
            referrer("unsafe-url, strict-origin-when-cross-origin, bogus"),
        ),
        case("referrer bogus", Redirect, referrer("bogus")),
        case("referrer missing", Redirect, referrer("")),
        case(
            "referrer twice",
            Redirect,
            plus(&[("referrer-policy", "unsafe-url")]),
        ),
        case(
            "x-frame-options deny without frame-ancestors",
            Redirect,
            strict_with(&[
                ("content-security-policy", "default-src 'none'"),
                ("x-frame-options", "DENY"),
            ]),
        ),
        case(
            "x-frame-options allow-from",
            Redirect,
            strict_with(&[
                ("content-security-policy", "default-src 'none'"),
                ("x-frame-options", "ALLOW-FROM https://example.com"),
            ]),
        ),
        case(
            "x-frame-options invalid",
            Redirect,
            strict_with(&[
                ("content-security-policy", "default-src 'none'"),
                ("x-frame-options", "ALLOWALL"),
            ]),
        ),
        case(
            "x-content-type-options invalid",
            Redirect,
            strict_with(&[("x-content-type-options", "sniff")]),
        ),
        case(
            "corp same-origin",
            Redirect,
            plus(&[("cross-origin-resource-policy", "same-origin")]),
        ),
        case(
            "corp same-site",
            Redirect,
            plus(&[("cross-origin-resource-policy", "same-site")]),
        ),
        case(
            "corp cross-origin",
            Redirect,
            plus(&[("cross-origin-resource-policy", "cross-origin")]),
        ),
        case(
            "corp invalid",
            Redirect,
            plus(&[("cross-origin-resource-policy", "nobody")]),
        ),
        case(
            "corp with a weak csp",
            Redirect,
            strict_with(&[
                (
                    "content-security-policy",
                    "default-src 'self' 'unsafe-inline'",
                ),
                ("cross-origin-resource-policy", "same-origin"),
            ]),
        ),
        case(
            "cors public",
            Redirect,
            plus(&[("access-control-allow-origin", "*")]),
        ),
        case(
            "cors with credentials",
            Redirect,
            plus(&[
                (
                    "access-control-allow-origin",
                    "https://http-observatory.security.mozilla.org",
                ),
                ("access-control-allow-credentials", "true"),
            ]),
        ),
        case(
            "insecure session cookie",
            Redirect,
            plus(&[("set-cookie", "sessionid=1")]),
        ),
        case(
            "insecure session cookie over http only",
            HttpOnly,
            plus(&[("set-cookie", "sessionid=1; HttpOnly")]),
        ),
        case(
            "insecure plain cookie",
            Redirect,
            plus(&[("set-cookie", "theme=dark")]),
        ),
        case(
            "secure cookies without samesite",
            Redirect,
            plus(&[
                ("set-cookie", "sessionid=1; Secure; HttpOnly"),
                ("set-cookie", "theme=dark; Secure"),
            ]),
        ),
        case(
            "secure cookies with samesite",
            Redirect,
            plus(&[
                ("set-cookie", "sessionid=1; Secure; HttpOnly; SameSite=Lax"),
                ("set-cookie", "theme=dark; Secure; SameSite=Strict"),
            ]),
        ),
        case(
            "samesite invalid",
            Redirect,
            plus(&[("set-cookie", "theme=dark; Secure; SameSite=Sometimes")]),
        ),
        case(
            "samesite none without secure",
            Redirect,
            plus(&[("set-cookie", "theme=dark; SameSite=None")]),
        ),
        case(
            "csrf cookie without samesite",
            Redirect,
            plus(&[("set-cookie", "csrftoken=1; Secure")]),
        ),
        case(
            "session cookie without httponly",
            Redirect,
            plus(&[("set-cookie", "login=1; Secure; SameSite=Lax")]),
        ),
        case(
            "cookie for a public suffix",
            Redirect,
            plus(&[("set-cookie", "sessionid=1; Domain=com")]),
        ),
        html(
            "html with meta csp, meta referrer, external scripts",
            html_headers.clone(),
            concat!(
                "<!doctype html><html><head>",
                "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'self'; frame-ancestors 'none'\">",
                "<meta name=\"referrer\" content=\"unsafe-url\">",
                "<script src=\"https://cdn.example.com/a.js\" integrity=\"sha384-abc\" crossorigin=\"anonymous\"></script>",
                "<script src=\"/local.js\"></script>",
                "</head><body>hi</body></html>"
            ),
        ),
        html(
            "html with an insecure external script",
            html_headers.clone(),
            "<html><head><script src=\"http://cdn.example.com/a.js\"></script></head></html>",
        ),
        html(
            "html with an external script without integrity",
            html_headers.clone(),
            "<html><head><script src=\"https://cdn.example.com/a.js\"></script><script>var x = '<meta http-equiv=content-security-policy content=x>';</script></head></html>",
        ),
        html(
            "html without scripts",
            html_headers,
            "<html><body><p>hello</p></body></html>",
        ),
    ]
}

/// Serve `case` on `ip` (ports 80/443).
fn serve(case: &Case, ip: Ipv4Addr, ca: &Ca) {
    let page = Behaviour::Respond {
        status: 200,
        headers: case
            .headers
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
        body: case.body.as_bytes().to_vec(),
    };
    let redirect = Behaviour::Respond {
        status: 301,
        headers: vec![("location".into(), format!("https://{ip}/"))],
        body: vec![],
    };
    let listen = |port| {
        peers::listen_at(SocketAddr::new(IpAddr::V4(ip), port)).unwrap_or_else(|e| {
            panic!("cannot listen on {ip}:{port} ({e}): the Observatory only scans ports 80 and 443, so this test runs as root (as CI does)")
        })
    };
    let (http, https) = match case.serve {
        Serve::Redirect | Serve::BadCert => (Some(redirect), Some(page)),
        Serve::HttpsOnly => (None, Some(page)),
        Serve::HttpOnly => (Some(page), None),
        Serve::Both => (Some(page.clone()), Some(page)),
    };
    if let Some(b) = http {
        peers::serve_http(listen(80), b);
    }
    if let Some(b) = https {
        let ip_name = ip.to_string();
        let name = match case.serve {
            Serve::BadCert => "elsewhere.test",
            _ => ip_name.as_str(),
        };
        peers::serve_tls(
            listen(443),
            &ca.leaf(&[name], -1, 60),
            b,
            rustls::DEFAULT_VERSIONS,
        );
    }
}

fn hctl_scan(sb: &Sandbox, ca: &Path, ip: Ipv4Addr) -> (i32, Value) {
    let run = sb.run(&[
        "verify",
        "headers",
        &format!("https://{ip}/"),
        "--ca-file",
        ca.to_str().unwrap(),
        "-o",
        "json",
    ]);
    let report: Value = serde_json::from_str(&run.stdout)
        .unwrap_or_else(|e| panic!("hctl -o json ({e}): {}\n{}", run.stdout, run.stderr));
    (run.code, report["items"][0].clone())
}

#[test]
fn verify_headers_agrees_with_the_observatory() {
    let dir = observatory();
    let sb = Sandbox::new();
    let ca = Ca::new();
    let ca_file = ca.write(sb.path());
    let cases = cases();
    let ips: Vec<Ipv4Addr> = (0..cases.len())
        .map(|i| Ipv4Addr::new(127, 77, (i / 200) as u8, (i % 200 + 10) as u8))
        .collect();
    for (case, ip) in cases.iter().zip(&ips) {
        serve(case, *ip, &ca);
    }
    let hosts: Vec<String> = ips.iter().map(Ipv4Addr::to_string).collect();
    let reference = scan_with_observatory(&sb, &dir, &ca_file, &hosts);
    let mut mismatches = Vec::new();
    for (case, ip) in cases.iter().zip(&ips) {
        let want = &reference[&ip.to_string()];
        assert!(
            want.get("error").is_none(),
            "{}: the Observatory failed: {want}",
            case.name
        );
        let (code, item) = hctl_scan(&sb, &ca_file, *ip);
        let got = &item["observatory"];
        let mut diffs = Vec::new();
        for key in ["score", "grade"] {
            if got[key] != want[key] {
                diffs.push(format!(
                    "{key}: hctl {} vs Observatory {}",
                    got[key], want[key]
                ));
            }
        }
        let tests = got["tests"].as_array().cloned().unwrap_or_default();
        let names: Vec<&str> = tests.iter().filter_map(|t| t["name"].as_str()).collect();
        let want_names: Vec<&str> = want["tests"]
            .as_object()
            .map(|o| o.keys().map(String::as_str).collect())
            .unwrap_or_default();
        if names.len() != want_names.len() || want_names.iter().any(|n| !names.contains(n)) {
            diffs.push(format!(
                "tests: hctl {names:?} vs Observatory {want_names:?}"
            ));
        }
        for t in &tests {
            let name = t["name"].as_str().unwrap_or("");
            let w = &want["tests"][name];
            if t["result"] != w["result"]
                || t["pass"] != w["pass"]
                || t["score_modifier"] != w["scoreModifier"]
            {
                diffs.push(format!(
                    "{name}: hctl {} {} {} vs Observatory {} {} {}",
                    t["result"],
                    t["pass"],
                    t["score_modifier"],
                    w["result"],
                    w["pass"],
                    w["scoreModifier"]
                ));
            }
        }
        // A deduction is a failure; the gate follows the Observatory.
        let deducts = tests
            .iter()
            .any(|t| t["score_modifier"].as_i64().unwrap_or(0) < 0);
        let (want_status, want_code) = if deducts { ("fail", 1) } else { ("pass", 0) };
        if item["status"] != want_status || code != want_code {
            diffs.push(format!(
                "status {} exit {code}, expected {want_status} exit {want_code}",
                item["status"]
            ));
        }
        if !diffs.is_empty() {
            mismatches.push(format!(
                "{} ({ip}):\n    {}",
                case.name,
                diffs.join("\n    ")
            ));
        }
    }
    assert!(
        mismatches.is_empty(),
        "hctl and the Observatory disagree:\n{}",
        mismatches.join("\n")
    );
}

#[test]
fn min_score_is_the_observatory_score() {
    let sb = Sandbox::new();
    let ca = Ca::new();
    let ca_file = ca.write(sb.path());
    let ip = Ipv4Addr::new(127, 78, 0, 10);
    serve(&case("strict", Serve::HttpOnly, STRICT.to_vec()), ip, &ca);
    let url = format!("http://{ip}/");
    let base = [
        "verify",
        "headers",
        url.as_str(),
        "--ca-file",
        ca_file.to_str().unwrap(),
    ];
    // An http-only site: no HSTS, no redirect, 60 (C+) whatever its headers.
    let run = sb.run(&[&base[..], &["--min-score", "60"]].concat());
    run.code(1).assert_stdout_has("Observatory score 60 (C+)");
    run.assert_stdout_has("hsts-not-implemented-no-https");
    run.assert_stdout_lacks("below 60");
    let run = sb.run(&[&base[..], &["--min-score", "61"]].concat());
    run.code(1).assert_stdout_has("score 60 below 61");
}
