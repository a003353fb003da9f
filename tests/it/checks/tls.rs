use std::process::{Command, Stdio};
use std::time::Duration;

use hctl::report::Status;

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
