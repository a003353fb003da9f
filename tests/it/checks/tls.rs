use std::process::{Command, Stdio};
use std::time::Duration;

use hctl::report::Status;

use super::openssl;
use super::peers::{self, Behaviour, Ca};
use super::{once, one_line, through_runner};

fn tls_yaml(port: u16, name: &str, ca: &std::path::Path, extra: &str) -> String {
    format!(
        "kind: tls\nhost: 127.0.0.1\nport: {port}\nservername: {name}\nca_file: {}\n{extra}",
        ca.display()
    )
}

#[tokio::test]
async fn valid_expired_wrong_host_and_self_signed() {
    let dir = tempfile::tempdir().unwrap();
    let ca = Ca::new();
    let ca_file = ca.write(dir.path());
    let ok = peers::https(&ca.leaf(&["localhost"], -1, 90), peers::ok_json("{}"));
    let expired = peers::https(&ca.leaf(&["localhost"], -30, -2), peers::ok_json("{}"));
    let soon = peers::https(&ca.leaf(&["localhost"], -1, 10), peers::ok_json("{}"));
    let selfsigned = peers::https(&peers::self_signed(&["localhost"]), peers::ok_json("{}"));

    let o = once(&tls_yaml(ok.port(), "localhost", &ca_file, "")).await;
    assert_eq!(o.status, Status::Pass, "{o:?}");
    assert!(
        o.detail.contains("TLS 1.3") && o.detail.contains("expires in"),
        "{o:?}"
    );

    let o = once(&tls_yaml(ok.port(), "wrong.example", &ca_file, "")).await;
    assert_eq!(o.status, Status::Fail);
    assert!(o.detail.contains("not valid for `wrong.example`"), "{o:?}");

    let o = once(&tls_yaml(expired.port(), "localhost", &ca_file, "")).await;
    assert_eq!(o.status, Status::Fail);
    assert!(o.detail.contains("expired"), "{o:?}");

    let o = once(&tls_yaml(
        soon.port(),
        "localhost",
        &ca_file,
        "warn_days: 30\nfail_days: 7\n",
    ))
    .await;
    assert_eq!(o.status, Status::Warn, "{o:?}");
    let o = once(&tls_yaml(
        soon.port(),
        "localhost",
        &ca_file,
        "fail_days: 14\n",
    ))
    .await;
    assert_eq!(o.status, Status::Fail, "{o:?}");

    // Self-signed: not trusted by the system roots.
    let o = once(&format!(
        "kind: tls\nhost: 127.0.0.1\nport: {}\nservername: localhost\n",
        selfsigned.port()
    ))
    .await;
    assert_eq!(o.status, Status::Fail);
    assert!(o.detail.contains("not trusted"), "{o:?}");
    one_line(&o);
}

#[tokio::test]
async fn tls13_minimum_rejects_servers_accepting_tls12() {
    let dir = tempfile::tempdir().unwrap();
    let ca = Ca::new();
    let ca_file = ca.write(dir.path());
    let both = peers::https(&ca.leaf(&["localhost"], -1, 90), peers::ok_json("{}"));
    let o = once(&tls_yaml(
        both.port(),
        "localhost",
        &ca_file,
        "min_protocol: \"1.3\"\n",
    ))
    .await;
    assert_eq!(o.status, Status::Fail, "{o:?}");
    assert!(o.detail.contains("accepts TLS 1.2"), "{o:?}");
    let only13 = peers::https_with(
        &ca.leaf(&["localhost"], -1, 90),
        peers::ok_json("{}"),
        &[&rustls::version::TLS13],
    );
    let o = once(&tls_yaml(
        only13.port(),
        "localhost",
        &ca_file,
        "min_protocol: \"1.3\"\n",
    ))
    .await;
    assert_eq!(o.status, Status::Pass, "{o:?}");
    let only12 = peers::https_with(
        &ca.leaf(&["localhost"], -1, 90),
        peers::ok_json("{}"),
        &[&rustls::version::TLS12],
    );
    let o = once(&tls_yaml(
        only12.port(),
        "localhost",
        &ca_file,
        "min_protocol: \"1.3\"\n",
    ))
    .await;
    assert_eq!(o.status, Status::Fail, "{o:?}");
    assert!(o.detail.contains("negotiated TLS 1.2"), "{o:?}");
}

#[tokio::test]
async fn https_checks_use_ca_file_and_fail_on_untrusted() {
    let dir = tempfile::tempdir().unwrap();
    let ca = Ca::new();
    let ca_file = ca.write(dir.path());
    let ok = peers::https(
        &ca.leaf(&["localhost"], -1, 90),
        peers::ok_json(r#"{"status":"ok"}"#),
    );
    let url = format!("https://localhost:{}/api/healthz", ok.port());
    let o = once(&format!(
        "kind: http\nurl: {url}\nca_file: {}\njson: {{status: ok}}\n",
        ca_file.display()
    ))
    .await;
    assert_eq!(o.status, Status::Pass, "{o:?}");
    let o = once(&format!("kind: http\nurl: {url}\n")).await;
    assert_eq!(o.status, Status::Error, "{o:?}");
    one_line(&o);
    let selfsigned = peers::https(&peers::self_signed(&["localhost"]), peers::ok_json("{}"));
    let url = format!("https://localhost:{}/", selfsigned.port());
    assert_eq!(
        once(&format!("kind: http\nurl: {url}\n")).await.status,
        Status::Error
    );
    let o = once(&format!("kind: http\nurl: {url}\ninsecure: true\n")).await;
    assert_eq!(o.status, Status::Pass, "{o:?}");
}

#[tokio::test]
async fn a_server_hanging_after_the_handshake_times_out() {
    let dir = tempfile::tempdir().unwrap();
    let ca = Ca::new();
    let ca_file = ca.write(dir.path());
    let hang = peers::https(&ca.leaf(&["localhost"], -1, 90), Behaviour::Hang);
    let url = format!("https://localhost:{}/", hang.port());
    let item = through_runner(
        &format!("kind: http\nurl: {url}\nca_file: {}\n", ca_file.display()),
        Duration::from_millis(400),
        0,
    )
    .await;
    assert_eq!(item.status, Status::Error);
    assert!(item.detail.contains("timed out after 400ms"), "{item:?}");
    // A TCP peer that never speaks TLS: the handshake itself times out.
    let silent = peers::http(Behaviour::Hang);
    let item = through_runner(
        &format!("kind: tls\nhost: 127.0.0.1\nport: {}\n", silent.port()),
        Duration::from_millis(400),
        0,
    )
    .await;
    assert_eq!(item.status, Status::Error);
    let closed = peers::closed_port();
    let o = once(&format!(
        "kind: tls\nhost: 127.0.0.1\nport: {}\n",
        closed.port()
    ))
    .await;
    assert_eq!(o.status, Status::Error);
    one_line(&o);
}

/// `openssl s_client`'s verdict: its "Verify return code".
fn openssl_verdict(port: u16, name: &str, ca: &std::path::Path) -> String {
    let out = Command::new("openssl")
        .args([
            "s_client",
            "-connect",
            &format!("127.0.0.1:{port}"),
            "-servername",
            name,
            "-verify_hostname",
            name,
            "-CAfile",
        ])
        .arg(ca)
        .stdin(Stdio::null())
        .output()
        .expect("openssl is installed (Debian package `openssl`)");
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    text.lines()
        .find_map(|l| l.trim().strip_prefix("Verify return code: "))
        .unwrap_or_else(|| panic!("no verdict from openssl: {text}"))
        .to_string()
}

#[tokio::test(flavor = "multi_thread")]
async fn verdicts_agree_with_openssl_s_client() {
    let dir = tempfile::tempdir().unwrap();
    let ca = Ca::new();
    let ca_file = ca.write(dir.path());
    let ok = peers::https(&ca.leaf(&["localhost"], -1, 90), peers::ok_json("{}"));
    let expired = peers::https(&ca.leaf(&["localhost"], -30, -2), peers::ok_json("{}"));
    let cases = [
        (ok.port(), "localhost"),
        (ok.port(), "wrong.example"),
        (expired.port(), "localhost"),
    ];
    for (port, name) in cases {
        let ours = once(&tls_yaml(port, name, &ca_file, "")).await;
        let theirs = tokio::task::block_in_place(|| openssl_verdict(port, name, &ca_file));
        let openssl_ok = theirs.starts_with("0 (ok)");
        assert_eq!(
            ours.status == Status::Pass,
            openssl_ok,
            "{name}:{port}: ours {ours:?}, openssl {theirs}"
        );
    }
}

/// The legacy versions a detail says the server still accepts.
fn accepted_in(detail: &str) -> Vec<&'static str> {
    ["SSL 3.0", "TLS 1.0", "TLS 1.1"]
        .into_iter()
        .filter(|v| {
            detail.contains(&format!("accepts {v}"))
                || detail.contains(&format!(", {v}"))
                || detail.contains(&format!("only {v}"))
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn legacy_protocols_fail_the_minimum_and_agree_with_testssl() {
    let pki = openssl::Pki::new();
    let ca_file = pki.ca_file();
    let leaf = pki.leaf("leaf", openssl::LeafSpec::default());
    let legacy = openssl::serve(&leaf, false, &[]);
    let modern = openssl::serve(&leaf, false, &["-no_ssl3", "-no_tls1", "-no_tls1_1"]);
    let (legacy_port, modern_port) = (legacy.port, modern.port);
    let testssl_legacy = std::thread::spawn(move || openssl::testssl_protocols(legacy_port));
    let testssl_modern = std::thread::spawn(move || openssl::testssl_protocols(modern_port));

    let o = once(&tls_yaml(
        legacy.port,
        "localhost",
        &ca_file,
        "min_protocol: \"1.2\"\n",
    ))
    .await;
    assert_eq!(o.status, Status::Fail, "{o:?}");
    assert!(
        o.detail
            .contains("server still accepts TLS 1.0, TLS 1.1 (minimum is TLS 1.2)"),
        "{o:?}"
    );
    // The default minimum is 1.2 too; "1.0" allows them.
    let o = once(&tls_yaml(legacy.port, "localhost", &ca_file, "")).await;
    assert_eq!(o.status, Status::Fail, "{o:?}");
    let o = once(&tls_yaml(
        legacy.port,
        "localhost",
        &ca_file,
        "min_protocol: \"1.0\"\n",
    ))
    .await;
    assert_eq!(o.status, Status::Pass, "{o:?}");
    let ours_legacy = accepted_in(
        &once(&tls_yaml(legacy.port, "localhost", &ca_file, ""))
            .await
            .detail,
    );

    let o = once(&tls_yaml(
        modern.port,
        "localhost",
        &ca_file,
        "min_protocol: \"1.2\"\n",
    ))
    .await;
    assert_eq!(o.status, Status::Pass, "{o:?}");
    assert!(accepted_in(&o.detail).is_empty(), "{o:?}");

    for (ours, theirs, server) in [
        (ours_legacy, testssl_legacy.join().unwrap(), "legacy"),
        (vec![], testssl_modern.join().unwrap(), "modern"),
    ] {
        let offered: Vec<_> = theirs
            .iter()
            .filter(|(id, on)| *on && ["SSLv3", "TLS1", "TLS1_1"].contains(&id.as_str()))
            .map(|(id, _)| match id.as_str() {
                "SSLv3" => "SSL 3.0",
                "TLS1" => "TLS 1.0",
                _ => "TLS 1.1",
            })
            .collect();
        assert_eq!(ours, offered, "{server} server: testssl.sh says {theirs:?}");
        assert!(
            theirs.iter().any(|(id, on)| id == "TLS1_2" && *on),
            "{server}: {theirs:?}"
        );
    }
}

#[tokio::test]
async fn a_server_speaking_only_tls10_is_a_failed_check_not_an_error() {
    let pki = openssl::Pki::new();
    let leaf = pki.leaf("leaf", openssl::LeafSpec::default());
    let only10 = openssl::serve(&leaf, false, &["-tls1"]);
    let o = once(&tls_yaml(only10.port, "localhost", &pki.ca_file(), "")).await;
    assert_eq!(o.status, Status::Fail, "{o:?}");
    assert!(
        o.detail
            .contains("server speaks only TLS 1.0 (minimum is TLS 1.2)"),
        "{o:?}"
    );
    one_line(&o);
}

#[tokio::test(flavor = "multi_thread")]
async fn weak_keys_and_sha1_signatures_are_named() {
    let pki = openssl::Pki::new();
    let ca_file = pki.ca_file();
    let rsa1024 = pki.leaf(
        "rsa1024",
        openssl::LeafSpec {
            bits: 1024,
            ..Default::default()
        },
    );
    let sha1 = pki.leaf(
        "sha1",
        openssl::LeafSpec {
            digest: "sha1",
            ..Default::default()
        },
    );
    let weak = openssl::serve(&rsa1024, false, &["-no_tls1", "-no_tls1_1"]);
    let sha1 = openssl::serve(&sha1, false, &["-no_tls1", "-no_tls1_1"]);
    for (port, named) in [
        (
            weak.port,
            "certificate key is RSA 1024 bits; at least 2048 required",
        ),
        (
            sha1.port,
            "certificate signed with sha1WithRSAEncryption (SHA-1)",
        ),
    ] {
        let o = once(&tls_yaml(port, "localhost", &ca_file, "")).await;
        assert_eq!(o.status, Status::Fail, "{o:?}");
        assert!(o.detail.contains(named), "{o:?}");
        for dump in ["BadSignature", "Unsupported", "1.2.840", "handshake"] {
            assert!(!o.detail.contains(dump), "{dump} in {o:?}");
        }
        one_line(&o);
        // openssl s_client refuses both too (66 EE key too weak, 68 digest too weak).
        let theirs = tokio::task::block_in_place(|| openssl_verdict(port, "localhost", &ca_file));
        assert!(!theirs.starts_with("0 (ok)"), "openssl: {theirs}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_chain_missing_its_intermediate_fails_like_openssl_says() {
    let pki = openssl::Pki::new();
    let ca_file = pki.ca_file();
    let leaf = pki.leaf(
        "leaf",
        openssl::LeafSpec {
            via_intermediate: true,
            ..Default::default()
        },
    );
    let missing = openssl::serve(&leaf, false, &["-no_tls1", "-no_tls1_1"]);
    let complete = openssl::serve(&leaf, true, &["-no_tls1", "-no_tls1_1"]);
    let o = once(&tls_yaml(missing.port, "localhost", &ca_file, "")).await;
    assert_eq!(o.status, Status::Fail, "{o:?}");
    assert!(
        o.detail.contains("issuer `CN=hctl openssl intermediate`")
            && o.detail.contains("missing intermediate"),
        "{o:?}"
    );
    let o = once(&tls_yaml(complete.port, "localhost", &ca_file, "")).await;
    assert_eq!(o.status, Status::Pass, "{o:?}");
    for (port, ok) in [(missing.port, false), (complete.port, true)] {
        let theirs = tokio::task::block_in_place(|| openssl_verdict(port, "localhost", &ca_file));
        assert_eq!(theirs.starts_with("0 (ok)"), ok, "openssl: {theirs}");
    }
}

#[tokio::test]
async fn the_detail_shows_subject_issuer_sans_protocol_cipher_and_expiry() {
    let dir = tempfile::tempdir().unwrap();
    let ca = Ca::new();
    let ca_file = ca.write(dir.path());
    let ok = peers::https(
        &ca.leaf(&["localhost", "api.healthtracker.test"], -1, 90),
        peers::ok_json("{}"),
    );
    let o = once(&tls_yaml(ok.port(), "localhost", &ca_file, "")).await;
    assert_eq!(o.status, Status::Pass, "{o:?}");
    for part in [
        "TLS 1.3 TLS13_",
        "issuer CN=hctl test CA",
        "SANs localhost, api.healthtracker.test",
        "expires in 89 days",
        "subject ",
    ] {
        assert!(o.detail.contains(part), "{part} in {o:?}");
    }
}
