//! A real Prometheus (Debian's `prometheus`, installed by `scripts/test`) for
//! tests: started on a free loopback port with a rules file given by the
//! test, evaluating every second, scraping itself (and the targets a test
//! names); stopped when dropped.

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub struct Prometheus {
    /// `http://127.0.0.1:PORT/`
    pub url: String,
    child: Child,
    _dir: tempfile::TempDir,
}

const HOW: &str =
    "install Debian's `prometheus` (scripts/test does it when missing: apt-get install prometheus)";

impl Prometheus {
    /// Start with `rules` (a Prometheus rules file) and wait until it is
    /// ready and has evaluated its rules once.
    pub fn start(rules: &str) -> Prometheus {
        Prometheus::scraping(&[rules], &[])
    }

    /// Start with these rules files, scraping itself every second and each
    /// `(job, host:port, seconds)` target's `/metrics` every `seconds` (also
    /// its scrape timeout: an exporter that reads a busy PostgreSQL needs
    /// more than a second); wait until it is ready and has evaluated every
    /// rule group once.
    pub fn scraping(rules: &[&str], targets: &[(&str, &str, u32)]) -> Prometheus {
        let dir = tempfile::tempdir().expect("temp dir");
        let port = free_port();
        let mut files = Vec::new();
        for (i, text) in rules.iter().enumerate() {
            let file = dir.path().join(format!("rules-{i}.yml"));
            std::fs::write(&file, text).expect("write rules");
            files.push(file.display().to_string());
        }
        let mut jobs = format!(
            "  - job_name: prometheus\n    static_configs: [{{ targets: ['127.0.0.1:{port}'] }}]\n"
        );
        for (job, target, every) in targets {
            jobs.push_str(&format!(
                "  - job_name: {job}\n    scrape_interval: {every}s\n    scrape_timeout: {every}s\n    static_configs: [{{ targets: ['{target}'] }}]\n"
            ));
        }
        let config = dir.path().join("prometheus.yml");
        std::fs::write(
            &config,
            format!(
                "global: {{ scrape_interval: 1s, evaluation_interval: 1s }}\nrule_files: [{}]\nscrape_configs:\n{jobs}",
                files.join(", ")
            ),
        )
        .expect("write config");
        let log = std::fs::File::create(dir.path().join("prometheus.log")).expect("log file");
        let child = Command::new("prometheus")
            .arg(format!("--config.file={}", config.display()))
            .arg(format!(
                "--storage.tsdb.path={}",
                dir.path().join("data").display()
            ))
            .arg(format!("--web.listen-address=127.0.0.1:{port}"))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(log)
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start prometheus: {e}; {HOW}"));
        let prom = Prometheus {
            url: format!("http://127.0.0.1:{port}/"),
            child,
            _dir: dir,
        };
        prom.wait_until_evaluated();
        prom
    }

    /// Ready, and every rule group evaluated at least once.
    fn wait_until_evaluated(&self) {
        let deadline = Instant::now() + Duration::from_secs(30);
        let rules = format!("{}api/v1/rules", self.url);
        while Instant::now() < deadline {
            if let Ok(body) = get(&rules) {
                let doc: serde_json::Value = serde_json::from_str(&body).unwrap_or_default();
                let groups = doc["data"]["groups"]
                    .as_array()
                    .cloned()
                    .unwrap_or_default();
                let evaluated = !groups.is_empty()
                    && groups.iter().all(|g| {
                        g["lastEvaluation"]
                            .as_str()
                            .is_some_and(|t| !t.starts_with("0001-"))
                    });
                if evaluated {
                    return;
                }
            }
            std::thread::sleep(Duration::from_millis(200));
        }
        let log =
            std::fs::read_to_string(self._dir.path().join("prometheus.log")).unwrap_or_default();
        panic!(
            "prometheus at {} did not evaluate its rules within 30s: {log}",
            self.url
        );
    }
}

impl Drop for Prometheus {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("free port")
}

/// A blocking HTTP/1.0 GET's body (setup only: no runtime needed).
pub fn get(url: &str) -> std::io::Result<String> {
    use std::io::{Read, Write};
    let rest = url.strip_prefix("http://").unwrap_or(url);
    let (host, path) = rest.split_once('/').unwrap_or((rest, ""));
    let mut stream = std::net::TcpStream::connect(host)?;
    stream.set_read_timeout(Some(Duration::from_secs(2)))?;
    write!(stream, "GET /{path} HTTP/1.0\r\nHost: {host}\r\n\r\n")?;
    let mut text = String::new();
    stream.read_to_string(&mut text)?;
    Ok(text
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_string())
        .unwrap_or_default())
}
