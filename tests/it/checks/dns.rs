use std::collections::BTreeSet;
use std::net::{Ipv4Addr, Ipv6Addr, SocketAddr};
use std::process::{Command, Stdio};

use hctl::report::Status;
use hickory_resolver::proto::op::{Message, ResponseCode};
use hickory_resolver::proto::rr::rdata::{A, AAAA, CNAME, MX, TXT};
use hickory_resolver::proto::rr::{Name, RData};

use super::{once, one_line, peers};

fn server() -> std::net::SocketAddr {
    peers::dns(vec![
        (
            "healthtracker.test.",
            RData::A(A(Ipv4Addr::new(10, 0, 0, 1))),
        ),
        (
            "healthtracker.test.",
            RData::A(A(Ipv4Addr::new(10, 0, 0, 2))),
        ),
        (
            "healthtracker.test.",
            RData::AAAA(AAAA(Ipv6Addr::LOCALHOST)),
        ),
        (
            "healthtracker.test.",
            RData::TXT(TXT::new(vec!["v=spf1 -all".into()])),
        ),
        (
            "healthtracker.test.",
            RData::MX(MX::new(
                10,
                Name::from_ascii("mail.healthtracker.test.").unwrap(),
            )),
        ),
        (
            "www.healthtracker.test.",
            RData::CNAME(CNAME(Name::from_ascii("healthtracker.test.").unwrap())),
        ),
        (
            "mixed.healthtracker.test.",
            RData::TXT(TXT::new(vec!["v=spf1 Include:Mail.Example -all".into()])),
        ),
        (
            "mixed.healthtracker.test.",
            RData::TXT(TXT::new(vec!["Token=AbC123".into()])),
        ),
        (
            "v6.healthtracker.test.",
            RData::AAAA(AAAA("2001:db8::1".parse().unwrap())),
        ),
        (
            "v6.healthtracker.test.",
            RData::AAAA(AAAA("2001:db8::a:0:0:2".parse().unwrap())),
        ),
    ])
}

#[tokio::test]
async fn record_types_against_an_authoritative_server() {
    let ns = server();
    let q = |name: &str, t: &str, extra: &str| {
        format!("kind: dns\nname: {name}\ntype: {t}\nnameserver: \"{ns}\"\n{extra}")
    };
    let o = once(&q(
        "healthtracker.test",
        "A",
        "equals: [10.0.0.2, 10.0.0.1]\n",
    ))
    .await;
    assert_eq!(o.status, Status::Pass, "{o:?}");
    let o = once(&q("healthtracker.test", "A", "equals: [10.0.0.1]\n")).await;
    assert_eq!(o.status, Status::Fail, "{o:?}");
    let o = once(&q("healthtracker.test", "AAAA", "contains: [\"::1\"]\n")).await;
    assert_eq!(o.status, Status::Pass, "{o:?}");
    let o = once(&q(
        "healthtracker.test",
        "TXT",
        "contains: [\"v=spf1 -all\"]\n",
    ))
    .await;
    assert_eq!(o.status, Status::Pass, "{o:?}");
    let o = once(&q(
        "healthtracker.test",
        "MX",
        "contains: [\"10 mail.healthtracker.test\"]\n",
    ))
    .await;
    assert_eq!(o.status, Status::Pass, "{o:?}");
    let o = once(&q(
        "www.healthtracker.test",
        "CNAME",
        "equals: [healthtracker.test]\n",
    ))
    .await;
    assert_eq!(o.status, Status::Pass, "{o:?}");
    let o = once(&q("healthtracker.test", "CAA", "")).await;
    assert_eq!(o.status, Status::Fail, "no CAA records: {o:?}");
    let o = once(&q("missing.test", "A", "")).await;
    assert_eq!(o.status, Status::Fail, "{o:?}");
    assert!(o.detail.contains("no A records"), "{o:?}");
}

#[tokio::test]
async fn a_dead_nameserver_is_an_error_not_a_hang() {
    let dead = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
    let addr = dead.local_addr().unwrap();
    let started = std::time::Instant::now();
    let o = once(&format!(
        "kind: dns\nname: x.test\nnameserver: \"{addr}\"\n"
    ))
    .await;
    assert_eq!(o.status, Status::Error, "{o:?}");
    one_line(&o);
    assert!(started.elapsed() < std::time::Duration::from_secs(15));
    drop(dead);
}

fn q(ns: SocketAddr, name: &str, t: &str, extra: &str) -> String {
    format!("kind: dns\nname: {name}\ntype: {t}\nnameserver: \"{ns}\"\n{extra}")
}

/// `dig +short` at `ns`: the reference answer, TXT strings unquoted.
fn dig(ns: SocketAddr, name: &str, t: &str) -> BTreeSet<String> {
    let out = Command::new("dig")
        .args([
            &format!("@{}", ns.ip()),
            "-p",
            &ns.port().to_string(),
            "+short",
            "+tries=1",
            "+time=3",
            name,
            t,
        ])
        .stdin(Stdio::null())
        .output()
        .expect("dig is installed (Debian package `dnsutils`; scripts/test installs it)");
    assert!(out.status.success(), "dig: {out:?}");
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| l.trim_matches('"').trim_end_matches('.').to_string())
        .filter(|l| !l.is_empty())
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn txt_values_compare_case_sensitively_and_agree_with_dig() {
    let ns = server();
    let name = "mixed.healthtracker.test";
    let ours: BTreeSet<String> = hctl::checks::dns::lookup(
        name,
        hctl::checks::dns::RecordKind::Txt,
        Some(&ns.to_string()),
    )
    .await
    .unwrap()
    .into_iter()
    .collect();
    let theirs = tokio::task::block_in_place(|| dig(ns, name, "TXT"));
    assert_eq!(ours, theirs);
    let o = once(&q(ns, name, "TXT", "contains: [\"Token=AbC123\"]\n")).await;
    assert_eq!(o.status, Status::Pass, "{o:?}");
    let o = once(&q(ns, name, "TXT", "contains: [\"token=abc123\"]\n")).await;
    assert_eq!(o.status, Status::Fail, "{o:?}");
    let o = once(&q(
        ns,
        name,
        "TXT",
        "equals: [\"v=spf1 include:mail.example -all\", \"Token=AbC123\"]\n",
    ))
    .await;
    assert_eq!(o.status, Status::Fail, "{o:?}");
    // Names stay case-insensitive.
    let o = once(&q(
        ns,
        "WWW.HealthTracker.test",
        "CNAME",
        "equals: [HealthTracker.TEST.]\n",
    ))
    .await;
    assert_eq!(o.status, Status::Pass, "{o:?}");
}

#[tokio::test]
async fn equals_compares_sets_so_a_duplicate_cannot_hide_an_extra_record() {
    let ns = server();
    let o = once(&q(
        ns,
        "healthtracker.test",
        "A",
        "equals: [10.0.0.1, 10.0.0.1]\n",
    ))
    .await;
    assert_eq!(o.status, Status::Fail, "{o:?}");
    assert!(o.detail.contains("unexpected 10.0.0.2"), "{o:?}");
    let o = once(&q(
        ns,
        "healthtracker.test",
        "A",
        "equals: [10.0.0.1, 10.0.0.2, 10.0.0.1]\n",
    ))
    .await;
    assert_eq!(o.status, Status::Pass, "{o:?}");
}

#[tokio::test(flavor = "multi_thread")]
async fn addresses_compare_by_value_and_agree_with_dig() {
    let ns = server();
    let name = "v6.healthtracker.test";
    let o = once(&q(
        ns,
        name,
        "AAAA",
        "equals: [\"2001:0db8::1\", \"2001:db8:0:0:a:0:0:2\"]\n",
    ))
    .await;
    assert_eq!(o.status, Status::Pass, "{o:?}");
    let o = once(&q(
        ns,
        name,
        "AAAA",
        "contains: [\"2001:db8:0:0:0:0:0:1\"]\n",
    ))
    .await;
    assert_eq!(o.status, Status::Pass, "{o:?}");
    let o = once(&q(
        ns,
        "healthtracker.test",
        "A",
        "contains: [\"010.0.0.1\"]\n",
    ))
    .await;
    assert_eq!(
        o.status,
        Status::Error,
        "a malformed address is not a verdict: {o:?}"
    );
    // dig prints the same addresses, in the same canonical form.
    let theirs = tokio::task::block_in_place(|| dig(ns, name, "AAAA"));
    let want: BTreeSet<String> = ["2001:db8::1", "2001:db8::a:0:0:2"]
        .map(String::from)
        .into();
    assert_eq!(theirs, want);
}

/// A nameserver answering SERVFAIL to everything.
fn servfail() -> SocketAddr {
    let socket = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
    let addr = socket.local_addr().unwrap();
    std::thread::spawn(move || {
        let mut buf = [0u8; 4096];
        while let Ok((n, peer)) = socket.recv_from(&mut buf) {
            let Ok(query) = Message::from_vec(&buf[..n]) else {
                continue;
            };
            let mut reply = Message::response(query.metadata.id, query.metadata.op_code);
            reply.metadata.response_code = ResponseCode::ServFail;
            for q in &query.queries {
                reply.add_query(q.clone());
            }
            if let Ok(bytes) = reply.to_vec() {
                let _ = socket.send_to(&bytes, peer);
            }
        }
    });
    addr
}

#[tokio::test]
async fn servfail_is_an_error_not_a_verdict() {
    let ns = servfail();
    let o = once(&q(
        ns,
        "app.healthtracker.test",
        "A",
        "contains: [10.0.0.1]\n",
    ))
    .await;
    assert_eq!(o.status, Status::Error, "{o:?}");
    assert!(o.detail.contains("app.healthtracker.test"), "{o:?}");
    one_line(&o);
    let o = once(&format!(
        "kind: dns\nname: bad..name\nnameserver: \"{ns}\"\n"
    ))
    .await;
    assert_eq!(o.status, Status::Error, "{o:?}");
    assert!(o.detail.contains("invalid DNS name `bad..name`"), "{o:?}");
}
