//! `hctl verify dns | tls | headers` end to end against real peers.

mod headers;

use std::net::Ipv4Addr;

use hickory_resolver::proto::rr::RData;
use hickory_resolver::proto::rr::rdata::A;

use crate::checks::peers::{self, Ca};
use crate::support::Sandbox;

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
    run.code(0);
    assert!(run.stdout.contains("expires in"), "{}", run.stdout);
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
    run.code(1);
    assert!(
        run.stdout.contains("not valid for `other.test`"),
        "{}",
        run.stdout
    );
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
    run.code(1);
    assert!(run.stdout.contains("missing 192.0.2.11"), "{}", run.stdout);
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
    run.code(1);
    assert!(run.stdout.contains("csp-not-implemented"), "{}", run.stdout);
}
