//! The HTTP/1.1 exchange against scripted answers: each framing, answers
//! split across reads, keep-alive and close, and the one retry on a reused
//! connection the server closed.

use std::collections::BTreeMap;

use tokio::io::{AsyncReadExt, AsyncWriteExt, DuplexStream};
use tokio::net::TcpListener;

use super::*;

fn target(method: &str, body: Option<&str>) -> Target {
    let headers = BTreeMap::from([("x-test".to_string(), "1".to_string())]);
    Target::new(
        "http://127.0.0.1:9/p?q=1",
        method,
        &headers,
        body,
        &[],
        &TlsOptions::default(),
    )
    .unwrap()
}

fn conn() -> (Connection, DuplexStream) {
    let (ours, theirs) = tokio::io::duplex(64 * 1024);
    let c = Connection {
        io: Box::new(ours),
        buf: Vec::new(),
        pos: 0,
    };
    (c, theirs)
}

/// Answer with `parts`, each written separately, after reading the request.
async fn answer(
    target: &Target,
    parts: &[&[u8]],
) -> (Result<(u16, bool), String>, Connection, DuplexStream) {
    let (mut c, mut peer) = conn();
    let request_len = target.request.len();
    let owned: Vec<Vec<u8>> = parts.iter().map(|p| p.to_vec()).collect();
    let server = async move {
        let mut got = vec![0; request_len];
        peer.read_exact(&mut got).await.unwrap();
        for p in owned {
            peer.write_all(&p).await.unwrap();
            peer.flush().await.unwrap();
            tokio::task::yield_now().await;
        }
        peer
    };
    let (result, peer) = tokio::join!(c.round_trip(target), server);
    (result.map_err(|f| f.message), c, peer)
}

#[test]
fn the_request_is_serialised_once_with_its_headers() {
    let t = target("post", Some("{}"));
    let text = String::from_utf8(t.request.clone()).unwrap();
    assert!(text.starts_with("POST /p?q=1 HTTP/1.1\r\n"), "{text}");
    for h in [
        "host: 127.0.0.1:9\r\n",
        "x-test: 1\r\n",
        "content-length: 2\r\n",
    ] {
        assert!(text.contains(h), "{text}");
    }
    assert!(text.ends_with("\r\n\r\n{}"), "{text}");
    let get = String::from_utf8(target("GET", None).request).unwrap();
    assert!(!get.contains("content-length"), "{get}");
}

#[tokio::test]
async fn content_length_keeps_the_connection_and_leaves_the_next_answer() {
    let t = target("GET", None);
    let (r, mut c, mut peer) = answer(
        &t,
        &[b"HTTP/1.1 200 OK\r\ncontent-length: 5\r\n\r\nhe", b"llo"],
    )
    .await;
    assert_eq!(r, Ok((200, true)));
    // The next answer comes on the same connection.
    let next = async {
        let mut got = vec![0; t.request.len()];
        peer.read_exact(&mut got).await.unwrap();
        peer.write_all(b"HTTP/1.1 503 X\r\nContent-Length: 0\r\n\r\n")
            .await
            .unwrap();
    };
    let (r, ()) = tokio::join!(c.round_trip(&t), next);
    assert_eq!(r.map_err(|f| f.message), Ok((503, true)));
}

#[tokio::test]
async fn chunked_bodies_with_extensions_and_trailers() {
    let t = target("GET", None);
    let (r, c, _peer) = answer(
        &t,
        &[
            b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n4;ext=1\r\nab",
            b"cd\r\n1",
            b"0\r\n0123456789abcdef\r",
            b"\n0\r\nx-trailer: 1\r\n",
            b"\r\n",
        ],
    )
    .await;
    assert_eq!(r, Ok((200, true)));
    assert_eq!(c.pos, c.buf.len(), "the whole body was read");
}

#[tokio::test]
async fn informational_answers_are_skipped() {
    let t = target("GET", None);
    let (r, _, _) = answer(
        &t,
        &[b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 204 No Content\r\n\r\n"],
    )
    .await;
    assert_eq!(r, Ok((204, true)));
}

#[tokio::test]
async fn close_and_http_1_0_end_the_connection() {
    let t = target("GET", None);
    let (r, _, _) = answer(
        &t,
        &[b"HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 2\r\n\r\nok"],
    )
    .await;
    assert_eq!(r, Ok((200, false)));
    let (r, _, _) = answer(&t, &[b"HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nok"]).await;
    assert_eq!(r, Ok((200, false)));
    let (r, _, _) = answer(
        &t,
        &[b"HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: 2\r\n\r\nok"],
    )
    .await;
    assert_eq!(r, Ok((200, true)));
}

#[tokio::test]
async fn a_body_without_length_runs_to_the_end_of_the_connection() {
    let t = target("GET", None);
    let (mut c, mut peer) = conn();
    let server = async move {
        let mut got = vec![0; t.request.len()];
        peer.read_exact(&mut got).await.unwrap();
        peer.write_all(b"HTTP/1.1 200 OK\r\n\r\nsome body")
            .await
            .unwrap();
        drop(peer);
    };
    let t2 = target("GET", None);
    let (r, ()) = tokio::join!(c.round_trip(&t2), server);
    assert_eq!(r.map_err(|f| f.message), Ok((200, false)));
}

#[tokio::test]
async fn head_answers_have_no_body() {
    let t = target("HEAD", None);
    let (r, _, _) = answer(&t, &[b"HTTP/1.1 200 OK\r\nContent-Length: 99\r\n\r\n"]).await;
    assert_eq!(r, Ok((200, true)));
}

#[tokio::test]
async fn broken_answers_are_errors_that_say_why() {
    let t = target("GET", None);
    for (parts, want) in [
        (
            &[&b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n"[..]][..],
            "invalid chunk size in a chunked body",
        ),
        (
            &[&b"HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n"[..]][..],
            "conflicting content-length headers in the answer",
        ),
        (
            &[&b"HTTP/1.1 200 OK\r\nContent-Length: x\r\n\r\n"[..]][..],
            "invalid content-length in the answer",
        ),
        (
            &[&b"SMTP ready\r\n\r\n"[..]][..],
            "invalid answer from the server",
        ),
    ] {
        let (r, _, _) = answer(&t, parts).await;
        let err = r.unwrap_err();
        assert!(err.starts_with(want), "{err}");
    }
}

#[tokio::test]
async fn a_reused_connection_closed_by_the_server_is_retried_once() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let server = tokio::spawn(async move {
        // Each connection answers one request, keeps alive, then closes.
        for _ in 0..2 {
            let (mut s, _) = listener.accept().await.unwrap();
            let mut buf = [0u8; 1024];
            let _ = s.read(&mut buf).await.unwrap();
            s.write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n")
                .await
                .unwrap();
        }
    });
    let t = Target::new(
        &format!("http://{addr}/"),
        "GET",
        &BTreeMap::new(),
        None,
        &[],
        &TlsOptions::default(),
    )
    .unwrap();
    let mut conn = None;
    assert_eq!(t.exchange(&mut conn).await, Ok(()));
    assert!(conn.is_some(), "kept alive");
    // The server has closed that connection: the request goes on a new one.
    tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    assert_eq!(t.exchange(&mut conn).await, Ok(()));
    server.await.unwrap();
    // No server any more: a fresh connection is not retried.
    let mut fresh = None;
    let err = t.exchange(&mut fresh).await.unwrap_err();
    assert!(!err.is_empty());
}
