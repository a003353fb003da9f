//! What a connection may cost the real `hctl serve`: header-read and idle
//! timeouts, the connection cap, and the drain on SIGTERM and SIGINT.

use std::io::{ErrorKind, Read, Write};
use std::net::TcpStream;
use std::process::Child;
use std::time::{Duration, Instant};

use super::cli::serve;
use crate::support::Sandbox;

fn connect(url: &str) -> TcpStream {
    let addr = url.trim_start_matches("http://");
    let stream = TcpStream::connect(addr).expect("connect to hctl serve");
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    stream
}

/// Read until the server closes the connection; what was read.
fn read_to_close(stream: &mut TcpStream) -> String {
    let mut out = Vec::new();
    let mut buf = [0u8; 4096];
    loop {
        match stream.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => out.extend_from_slice(&buf[..n]),
            Err(e) if e.kind() == ErrorKind::ConnectionReset => break,
            Err(e) => panic!("the server did not close the connection: {e}"),
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn signal(child: &Child, name: &str) {
    let status = std::process::Command::new("kill")
        .args([&format!("-{name}"), &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
}

fn wait_exit(child: &mut Child, within: Duration) -> i32 {
    let start = Instant::now();
    while start.elapsed() < within {
        if let Some(status) = child.try_wait().unwrap() {
            return status.code().unwrap_or(-1);
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    child.kill().unwrap();
    panic!("hctl serve did not exit within {within:?}");
}

const PARTIAL_HEAD: &[u8] = b"GET /api/healthz HTTP/1.1\r\nHost: x\r\n";

#[test]
fn a_half_sent_request_is_closed_after_the_header_read_timeout() {
    let sandbox = Sandbox::new();
    let (mut child, url) = serve(&sandbox, &[], &[("HEADER_READ_TIMEOUT", "1")]);
    let mut slow = connect(&url);
    slow.write_all(PARTIAL_HEAD).unwrap();
    let start = Instant::now();
    let got = read_to_close(&mut slow);
    let took = start.elapsed();
    assert!(
        took >= Duration::from_millis(700) && took < Duration::from_secs(8),
        "closed after {took:?}"
    );
    assert!(got.is_empty(), "no answer to a half-sent head: {got:?}");
    // Bytes trickled in keep nothing open past the deadline either.
    let mut trickle = connect(&url);
    let start = Instant::now();
    for byte in PARTIAL_HEAD {
        if trickle.write_all(&[*byte]).is_err() {
            break;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    read_to_close(&mut trickle);
    assert!(
        start.elapsed() < Duration::from_secs(8),
        "slowloris held it"
    );
    signal(&child, "TERM");
    assert_eq!(wait_exit(&mut child, Duration::from_secs(10)), 0);
}

#[test]
fn an_idle_keep_alive_connection_is_closed_after_the_idle_timeout() {
    let sandbox = Sandbox::new();
    let (mut child, url) = serve(
        &sandbox,
        &[],
        &[("IDLE_TIMEOUT", "1"), ("HEADER_READ_TIMEOUT", "30")],
    );
    let mut conn = connect(&url);
    conn.write_all(b"GET /api/healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        .unwrap();
    let start = Instant::now();
    let got = read_to_close(&mut conn);
    let took = start.elapsed();
    assert!(got.starts_with("HTTP/1.1 200"), "{got}");
    assert!(
        took >= Duration::from_millis(700) && took < Duration::from_secs(8),
        "idle connection closed after {took:?}"
    );
    signal(&child, "TERM");
    assert_eq!(wait_exit(&mut child, Duration::from_secs(10)), 0);
}

#[test]
fn past_the_connection_cap_new_connections_wait_instead_of_failing() {
    let sandbox = Sandbox::new();
    let (mut child, url) = serve(&sandbox, &[], &[("MAX_CONNECTIONS", "2")]);
    let mut held: Vec<TcpStream> = (0..2)
        .map(|_| {
            let mut c = connect(&url);
            c.write_all(PARTIAL_HEAD).unwrap();
            c
        })
        .collect();
    std::thread::sleep(Duration::from_millis(300));
    let mut third = connect(&url);
    third
        .write_all(b"GET /api/healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        .unwrap();
    third
        .set_read_timeout(Some(Duration::from_millis(800)))
        .unwrap();
    let mut buf = [0u8; 64];
    let early = third.read(&mut buf);
    assert!(
        matches!(&early, Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut)),
        "a third connection is served while two are open with MAX_CONNECTIONS=2: {early:?}"
    );
    drop(held.pop());
    third
        .set_read_timeout(Some(Duration::from_secs(5)))
        .unwrap();
    let got = read_to_close(&mut third);
    assert!(got.starts_with("HTTP/1.1 200"), "{got}");
    signal(&child, "TERM");
    assert_eq!(wait_exit(&mut child, Duration::from_secs(10)), 0);
}

/// SIGTERM and SIGINT: half-open connections go at once, the request in
/// flight finishes, nothing new is accepted, exit 0.
#[test]
fn shutdown_drains_in_flight_requests_and_closes_half_open_ones() {
    for sig in ["TERM", "INT"] {
        let sandbox = Sandbox::new();
        // A header timeout far past the checks below: what closes the
        // half-open connection is the drain, not the timeout.
        let (mut child, url) = serve(&sandbox, &[], &[("HEADER_READ_TIMEOUT", "60")]);
        let mut half_open = connect(&url);
        half_open.write_all(PARTIAL_HEAD).unwrap();
        let body = br#"{"email":"drain@example.com","password":"not the password"}"#;
        let mut in_flight = connect(&url);
        write!(
            in_flight,
            "POST /api/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n",
            body.len()
        )
        .unwrap();
        in_flight.write_all(&body[..10]).unwrap();
        std::thread::sleep(Duration::from_millis(300));
        signal(&child, sig);
        let start = Instant::now();
        read_to_close(&mut half_open);
        assert!(
            start.elapsed() < Duration::from_secs(15),
            "SIG{sig}: the half-open connection was held {:?}",
            start.elapsed()
        );
        std::thread::sleep(Duration::from_millis(300));
        assert!(
            child.try_wait().unwrap().is_none(),
            "SIG{sig}: exited with a request in flight"
        );
        assert!(
            TcpStream::connect(url.trim_start_matches("http://")).is_err(),
            "SIG{sig}: still accepting new connections while draining"
        );
        in_flight.write_all(&body[10..]).unwrap();
        let got = read_to_close(&mut in_flight);
        // 401 (wrong password), or 503 when the hashing queue is full on a
        // loaded machine: either way the request in flight was answered.
        assert!(
            got.starts_with("HTTP/1.1 401") || got.starts_with("HTTP/1.1 503"),
            "SIG{sig}: the in-flight login got its answer: {got}"
        );
        assert_eq!(
            wait_exit(&mut child, Duration::from_secs(10)),
            0,
            "SIG{sig}"
        );
    }
}

#[test]
fn the_drain_deadline_closes_a_request_that_never_finishes() {
    let sandbox = Sandbox::new();
    let (mut child, url) = serve(&sandbox, &[], &[("DRAIN_TIMEOUT", "1")]);
    // The default drain would wait 20 s: exiting well before that is the
    // deadline at work, whatever the machine's load.
    let mut stuck = connect(&url);
    stuck
        .write_all(b"POST /api/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"em")
        .unwrap();
    std::thread::sleep(Duration::from_millis(300));
    signal(&child, "TERM");
    let start = Instant::now();
    assert_eq!(wait_exit(&mut child, Duration::from_secs(15)), 0);
    let took = start.elapsed();
    assert!(
        took >= Duration::from_millis(700) && took < Duration::from_secs(12),
        "exited {took:?} after SIGTERM with DRAIN_TIMEOUT=1"
    );
    read_to_close(&mut stuck);
}

#[test]
fn connection_settings_out_of_range_are_refused_by_name() {
    let sandbox = Sandbox::new();
    for (var, value) in [
        ("HEADER_READ_TIMEOUT", "0"),
        ("IDLE_TIMEOUT", "3601"),
        ("MAX_CONNECTIONS", "0"),
        ("DRAIN_TIMEOUT", "0"),
    ] {
        let run = sandbox.run_with(&["serve", "--bind", "127.0.0.1:0"], &[(var, value)]);
        run.code(2)
            .assert_stderr_has(&var.to_lowercase().replace('_', "-"));
    }
}
