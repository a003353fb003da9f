//! Storage that hangs: an S3 endpoint that accepts a backup's upload and then
//! neither reads nor answers must end the backup (exit 3, naming the endpoint,
//! bucket and key) within the configured S3 timeouts, never hang.

use std::io::Read;
use std::net::{TcpListener, TcpStream};
use std::process::{Child, Output, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use super::DbEnv;

/// An "S3 endpoint" that accepts connections, reads the start of each
/// request, then stops reading and never answers: a server hanging mid-upload.
pub struct Stalling {
    pub url: String,
    addr: std::net::SocketAddr,
    /// The first line of every request it got (`PUT /bucket/key?… HTTP/1.1`).
    pub requests: Arc<Mutex<Vec<String>>>,
    stop: Arc<AtomicBool>,
}

impl Stalling {
    pub fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind a loopback port");
        let addr = listener.local_addr().expect("local address");
        let requests = Arc::new(Mutex::new(Vec::new()));
        let stop = Arc::new(AtomicBool::new(false));
        let (seen, stopped) = (requests.clone(), stop.clone());
        std::thread::spawn(move || {
            let mut held: Vec<TcpStream> = Vec::new();
            for stream in listener.incoming() {
                if stopped.load(Ordering::SeqCst) {
                    break;
                }
                let Ok(mut stream) = stream else { continue };
                let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
                let mut buf = [0u8; 2048];
                let n = stream.read(&mut buf).unwrap_or(0);
                let text = String::from_utf8_lossy(&buf[..n]);
                let line = text.lines().next().unwrap_or("").to_string();
                seen.lock().unwrap().push(line);
                held.push(stream); // never read again, never answered
            }
        });
        Stalling {
            url: format!("http://{addr}"),
            addr,
            requests,
            stop,
        }
    }
}

impl Drop for Stalling {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        let _ = TcpStream::connect(self.addr); // wake the accept loop
    }
}

/// A TCP proxy to a real server that holds back every request starting with
/// `method` for `delay`, and drops it if the client has gone meanwhile: a slow
/// network on which a request sent just before the process exits never arrives.
pub struct SlowProxy {
    pub url: String,
}

impl SlowProxy {
    pub fn start(upstream: &str, method: &'static str, delay: Duration) -> Self {
        let upstream = upstream
            .trim_start_matches("http://")
            .trim_end_matches('/')
            .to_string();
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind a loopback port");
        let url = format!("http://{}", listener.local_addr().expect("local address"));
        std::thread::spawn(move || {
            for client in listener.incoming().flatten() {
                let Ok(server) = TcpStream::connect(&upstream) else {
                    continue;
                };
                let (mut from_server, mut to_client) =
                    match (server.try_clone(), client.try_clone()) {
                        (Ok(s), Ok(c)) => (s, c),
                        _ => continue,
                    };
                std::thread::spawn(move || {
                    let _ = std::io::copy(&mut from_server, &mut to_client);
                    let _ = to_client.shutdown(std::net::Shutdown::Both);
                });
                std::thread::spawn(move || forward(client, server, method.as_bytes(), delay));
            }
        });
        SlowProxy { url }
    }
}

fn forward(mut client: TcpStream, mut server: TcpStream, method: &[u8], delay: Duration) {
    use std::io::Write;
    let mut buf = vec![0u8; 64 << 10];
    loop {
        let n = match client.read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(n) => n,
        };
        if buf[..n].starts_with(method) {
            std::thread::sleep(delay);
            let _ = client.set_nonblocking(true);
            let gone = matches!(client.peek(&mut [0u8; 1]), Ok(0));
            let _ = client.set_nonblocking(false);
            if gone {
                break;
            }
        }
        if server.write_all(&buf[..n]).is_err() {
            break;
        }
    }
    let _ = server.shutdown(std::net::Shutdown::Both);
}

/// Start `hctl ARGS` against `env` (plus `more` variables) with piped output.
pub fn spawn(env: &DbEnv, args: &[&str], more: &[(&str, &str)]) -> Child {
    let mut cmd = env.sandbox.cmd(args);
    cmd.envs(env.envs())
        .envs(more.iter().copied())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    cmd.spawn().expect("start hctl")
}

/// Wait for `child` at most `limit`; on timeout kill it and return `None`.
pub fn wait_at_most(mut child: Child, limit: Duration) -> Option<Output> {
    let start = Instant::now();
    while start.elapsed() < limit {
        if child.try_wait().expect("poll hctl").is_some() {
            return Some(child.wait_with_output().expect("collect hctl output"));
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let _ = child.kill();
    let _ = child.wait();
    None
}

#[tokio::test]
async fn backup_to_a_hanging_s3_endpoint_exits_3_within_its_timeouts() {
    let env = DbEnv::dir();
    env.seed(1).await;
    let s3 = Stalling::start();
    let limits = [
        ("HCTL_STORAGE", "s3://stalled-bucket/backups"),
        ("HCTL_S3_ENDPOINT", s3.url.as_str()),
        ("HCTL_S3_FORCE_PATH_STYLE", "true"),
        ("HCTL_S3_CONNECT_TIMEOUT", "1"),
        ("HCTL_S3_ATTEMPT_TIMEOUT", "2"),
        ("HCTL_S3_OPERATION_TIMEOUT", "4"),
        ("AWS_ACCESS_KEY_ID", "hctltest"),
        ("AWS_SECRET_ACCESS_KEY", "hctltest"),
    ];
    let start = Instant::now();
    let child = spawn(&env, &["db", "backup"], &limits);
    let out = wait_at_most(child, Duration::from_secs(60))
        .unwrap_or_else(|| panic!("`hctl db backup` still hung after 60s"));
    let took = start.elapsed();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(3), "{stderr}");
    // The operation timeout (4s) ends it: dump, stats and start-up take ~1s.
    assert!(took < Duration::from_secs(12), "took {took:?}: {stderr}");
    assert!(took >= Duration::from_secs(2), "took {took:?}: {stderr}");
    for part in [
        s3.url.as_str(),
        "stalled-bucket",
        "/dump`",
        "s3.operation_timeout",
    ] {
        assert!(stderr.contains(part), "{part} missing from: {stderr}");
    }
    let requests = s3.requests.lock().unwrap().clone();
    assert!(
        requests
            .iter()
            .any(|r| r.starts_with("PUT /stalled-bucket/backups/")),
        "the upload never started: {requests:?}"
    );
}

#[tokio::test]
async fn s3_timeouts_out_of_range_are_usage_errors() {
    let env = DbEnv::dir();
    let run = env.run_with(
        &["db", "backups"],
        &[
            ("HCTL_STORAGE", "s3://b/p"),
            ("HCTL_S3_OPERATION_TIMEOUT", "0"),
        ],
    );
    run.code(2);
    run.assert_stderr_has("s3.operation_timeout");
}
