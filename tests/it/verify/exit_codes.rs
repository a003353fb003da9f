//! The exit codes of `verify tls | dns | headers`, one table: a target that
//! cannot be checked (closed port, dead or SERVFAIL nameserver) is 3 with a
//! message naming it, a checked-and-failed verdict is 1, a malformed
//! argument is 2.

use std::net::Ipv4Addr;

use hickory_resolver::proto::rr::RData;
use hickory_resolver::proto::rr::rdata::A;

use crate::checks::peers::{self, Ca};
use crate::support::Sandbox;

#[test]
fn verify_exit_codes_closed_port_failing_verdict_malformed_argument() {
    let sb = Sandbox::new();
    let ca = Ca::new();
    let ca_file = ca.write(sb.path());
    let ca_file = ca_file.to_str().unwrap().to_string();
    let tls = peers::https(&ca.leaf(&["localhost"], -1, 60), peers::ok_json("{}"));
    let ns = peers::dns(vec![(
        "app.healthtracker.test.",
        RData::A(A(Ipv4Addr::new(192, 0, 2, 10))),
    )]);
    let bare = peers::http(peers::ok_json("{}"));
    let closed = peers::closed_port();
    // A UDP port nobody listens on: the nameserver is unreachable.
    let dead_ns = {
        let s = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
        s.local_addr().unwrap()
    };
    let (tls, ns, bare, closed, dead_ns) = (
        tls.to_string(),
        ns.to_string(),
        bare.to_string(),
        closed.to_string(),
        dead_ns.to_string(),
    );
    let tls_args = |target: &str| {
        vec![
            "verify".to_string(),
            "tls".into(),
            target.into(),
            "--servername".into(),
            "localhost".into(),
            "--ca-file".into(),
            ca_file.clone(),
        ]
    };
    let dns_args = |name: &str, server: &str, expect: &str| {
        [
            "verify",
            "dns",
            name,
            "--nameserver",
            server,
            "--expect",
            expect,
        ]
        .map(String::from)
        .to_vec()
    };
    let headers_args = |url: String| vec!["verify".to_string(), "headers".into(), url];
    // (case, args, exit code, text that must be on stderr)
    let table: Vec<(&str, Vec<String>, i32, String)> = vec![
        ("tls closed port", tls_args(&closed), 3, closed.clone()),
        (
            "tls wrong name",
            {
                let mut a = tls_args(&tls);
                a[4] = "other.test".into();
                a
            },
            1,
            String::new(),
        ),
        ("tls bad port", tls_args("127.0.0.1:0"), 2, "port".into()),
        (
            "tls bad host",
            tls_args("bad host:443"),
            2,
            "bad host".into(),
        ),
        (
            "dns dead nameserver",
            dns_args("app.healthtracker.test", &dead_ns, "192.0.2.10"),
            3,
            dead_ns.clone(),
        ),
        (
            "dns wrong value",
            dns_args("app.healthtracker.test", &ns, "192.0.2.11"),
            1,
            String::new(),
        ),
        (
            "dns bad name",
            dns_args("bad..name", &ns, "192.0.2.10"),
            2,
            "bad..name".into(),
        ),
        (
            "dns bad address",
            dns_args("app.healthtracker.test", &ns, "192.0.2.300"),
            2,
            "192.0.2.300".into(),
        ),
        (
            "headers closed port",
            headers_args(format!("http://{closed}/")),
            3,
            closed.clone(),
        ),
        (
            "headers failing score",
            headers_args(format!("http://{bare}/")),
            1,
            String::new(),
        ),
        (
            "headers bad port",
            headers_args("http://127.0.0.1:99999/".into()),
            2,
            "99999".into(),
        ),
    ];
    let mut wrong = Vec::new();
    for (case, args, code, stderr) in &table {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let run = sb.run(&args);
        if run.code != *code || !run.stderr.contains(stderr.as_str()) {
            wrong.push(format!(
                "{case}: exit {} (want {code}), stderr {:?} (want {stderr:?})",
                run.code, run.stderr
            ));
        }
        if *code == 3 && !run.stderr.contains("could not be checked") {
            wrong.push(format!("{case}: no cause on stderr: {:?}", run.stderr));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}
