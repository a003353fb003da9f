//! The reference of `scripts/bench-serve`: a bare tokio + hyper HTTP/1.1
//! server on the same machine, answering every request with a small JSON body
//! the size of `/api/healthz`'s. `hctl serve`'s requests per second are
//! reported as a ratio of this server's in the same script.
//!
//!   cargo run --release -p hctl-server --example bare-server -- 127.0.0.1:PORT

use std::convert::Infallible;

use hyper::body::Bytes;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Request, Response};
use hyper_util::rt::TokioIo;
use tokio::net::TcpListener;

const BODY: &str = r#"{"status":"ok","version":"0.0.0","checks":{"database":"ok","storage":"ok","cache":"ok","background":"ok"}}"#;

#[tokio::main]
async fn main() {
    let addr = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "127.0.0.1:8080".into());
    let listener = match TcpListener::bind(&addr).await {
        Ok(l) => l,
        Err(err) => {
            eprintln!("error: cannot listen on {addr}: {err}");
            std::process::exit(2);
        }
    };
    loop {
        let Ok((stream, _)) = listener.accept().await else {
            continue;
        };
        let _ = stream.set_nodelay(true);
        tokio::spawn(async move {
            let service = service_fn(|_: Request<hyper::body::Incoming>| async {
                let response = Response::builder()
                    .header("content-type", "application/json")
                    .body(http_body_util::Full::new(Bytes::from_static(
                        BODY.as_bytes(),
                    )))
                    .expect("static response parts are valid");
                Ok::<_, Infallible>(response)
            });
            let _ = http1::Builder::new()
                .serve_connection(TokioIo::new(stream), service)
                .await;
        });
    }
}
