//! `hctl verify dns | tls | headers` end to end against real peers.

mod headers;

use std::net::Ipv4Addr;

use hickory_resolver::proto::rr::RData;
use hickory_resolver::proto::rr::rdata::A;

use crate::checks::openssl;
use crate::checks::peers::{self, Ca};
use crate::support::Sandbox;

mod exit_codes;

#[test]
fn verify_tls_with_ca_file_servername_and_expiry() {
    let sb = Sandbox::new();
    let ca = Ca::new();
    let ca_file = ca.write(sb.path());
    let ca_file = ca_file.to_str().unwrap();
    let ok = peers::https(
        &ca.leaf(&["api.healthtracker.test"], -1, 60),
        peers::ok_json("{}"),
    );
    let target = format!("127.0.0.1:{}", ok.port());
    let run = sb.run(&[
        "verify",
        "tls",
        &target,
        "--servername",
        "api.healthtracker.test",
        "--ca-file",
        ca_file,
    ]);
    run.code(0).assert_stdout_has("expires in");
    let run = sb.run(&[
        "verify",
        "tls",
        &target,
        "--servername",
        "other.test",
        "--ca-file",
        ca_file,
        "-o",
        "json",
    ]);
    run.code(1).assert_stdout_has("not valid for `other.test`");
    let run = sb.run(&[
        "verify",
        "tls",
        &target,
        "--servername",
        "api.healthtracker.test",
        "--ca-file",
        ca_file,
        "--min-days",
        "90",
    ]);
    run.code(1);
    sb.run(&["verify", "tls", "host:notaport"]).code(2);
}

#[test]
fn verify_dns_against_a_nameserver() {
    let ns = peers::dns(vec![(
        "app.healthtracker.test.",
        RData::A(A(Ipv4Addr::new(192, 0, 2, 10))),
    )]);
    let sb = Sandbox::new();
    let ns = ns.to_string();
    sb.run(&[
        "verify",
        "dns",
        "app.healthtracker.test",
        "--nameserver",
        &ns,
        "--expect",
        "192.0.2.10",
    ])
    .code(0);
    let run = sb.run(&[
        "verify",
        "dns",
        "app.healthtracker.test",
        "--nameserver",
        &ns,
        "--expect",
        "192.0.2.11",
    ]);
    run.code(1).assert_stdout_has("missing 192.0.2.11");
    sb.run(&["verify", "dns", "x.test", "--type", "SRV"])
        .code(2);
    sb.run(&["verify", "dns", "x.test", "--nameserver", "not-an-ip"])
        .code(2);
}

#[test]
fn verify_headers_scores_a_url() {
    let good = crate::preflight::fake_serve();
    let sb = Sandbox::new();
    let run = sb.run(&[
        "verify",
        "headers",
        &format!("http://{good}/api/healthz"),
        "-o",
        "json",
    ]);
    run.code(1);
    let report: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let observatory = &report["items"][0]["observatory"];
    // The strict header set of `hctl serve`, but over http only: C+.
    assert_eq!(observatory["score"], 60, "{}", run.stdout);
    assert_eq!(observatory["grade"], "C+", "{}", run.stdout);
    assert_eq!(observatory["tests"].as_array().unwrap().len(), 10);
    assert_eq!(observatory["tests"][0]["name"], "content-security-policy");
    assert_eq!(
        observatory["tests"][0]["result"],
        "csp-implemented-with-no-unsafe-default-src-none"
    );
    let bare = peers::http(peers::ok_json("{}"));
    let run = sb.run(&["verify", "headers", &format!("http://{bare}/")]);
    run.code(1).assert_stdout_has("csp-not-implemented");
}

#[test]
fn verify_tls_fails_legacy_protocols_and_shows_what_it_saw() {
    let sb = Sandbox::new();
    let pki = openssl::Pki::new();
    let ca_file = pki.ca_file();
    let ca_file = ca_file.to_str().unwrap();
    let leaf = pki.leaf("leaf", openssl::LeafSpec::default());
    let legacy = openssl::serve(&leaf, false, &[]);
    let modern = openssl::serve(&leaf, false, &["-no_tls1", "-no_tls1_1"]);
    let args = |port: u16, extra: &[&'static str]| {
        let mut a = vec![
            "verify".to_string(),
            "tls".into(),
            format!("127.0.0.1:{port}"),
            "--servername".into(),
            "api.healthtracker.test".into(),
            "--ca-file".into(),
            ca_file.into(),
        ];
        a.extend(extra.iter().map(|s| s.to_string()));
        a
    };
    let run = |a: Vec<String>| sb.run(&a.iter().map(String::as_str).collect::<Vec<_>>());
    let r = run(args(legacy.port, &[]));
    r.code(1).assert_stdout_has("accepts TLS 1.0, TLS 1.1");
    run(args(legacy.port, &["--min-protocol", "1.0"])).code(0);
    run(args(legacy.port, &["--min-protocol", "1.5"])).code(2);
    let r = run(args(modern.port, &[]));
    r.code(0);
    let r = run(args(modern.port, &["-o", "json"]));
    r.code(0);
    let json: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    let detail = json["items"][0]["detail"].as_str().unwrap();
    for part in [
        "TLS 1.3 TLS13_",
        "subject CN=localhost",
        "issuer CN=hctl openssl root",
        "SANs localhost, api.healthtracker.test",
        "expires in ",
    ] {
        assert!(detail.contains(part), "{part} in {detail}");
    }
    let r = run(args(modern.port, &["--min-days", "1", "--warn-days", "1"]));
    r.code(0);
    for part in ["TLS 1.3", "subject", "issuer", "SANs", "expires in"] {
        r.assert_stdout_has(part);
    }
}

#[test]
fn verify_tls_fails_a_chain_missing_its_intermediate() {
    let sb = Sandbox::new();
    let pki = openssl::Pki::new();
    let leaf = pki.leaf(
        "leaf",
        openssl::LeafSpec {
            via_intermediate: true,
            ..Default::default()
        },
    );
    let missing = openssl::serve(&leaf, false, &["-no_tls1", "-no_tls1_1"]);
    let ca_file = pki.ca_file();
    let r = sb.run(&[
        "verify",
        "tls",
        &format!("127.0.0.1:{}", missing.port),
        "--servername",
        "localhost",
        "--ca-file",
        ca_file.to_str().unwrap(),
    ]);
    r.code(1).assert_stdout_has("missing intermediate");
}
