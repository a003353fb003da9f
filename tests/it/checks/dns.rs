use std::net::{Ipv4Addr, Ipv6Addr};

use hctl::report::Status;
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
