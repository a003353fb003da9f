//! A small WebDriver client: chromedriver (Debian `chromium-driver`) spoken
//! to over its HTTP JSON API with reqwest, which hctl already builds, rather
//! than a WebDriver crate (fantoccini would add hyper-util, webdriver and
//! cookie crates for the five calls these tests make).

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

const HOW: &str = "install them: apt-get install chromium chromium-driver (scripts/test does)";

/// A chromedriver process on a free port; killed on drop.
pub struct Driver {
    child: Child,
    base: String,
    http: reqwest::Client,
}

/// One headless Chromium session.
pub struct Session<'a> {
    driver: &'a Driver,
    id: String,
}

impl Driver {
    pub async fn start() -> Driver {
        for tool in ["chromedriver", "chromium"] {
            let found = Command::new("sh")
                .args(["-c", &format!("command -v {tool}")])
                .output()
                .map(|o| o.status.success())
                .unwrap_or(false);
            assert!(found, "`{tool}` is not installed: {HOW}");
        }
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("free port")
            .port();
        let child = Command::new("chromedriver")
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start chromedriver: {e}; {HOW}"));
        hctl::init_crypto();
        let driver = Driver {
            child,
            base: format!("http://127.0.0.1:{port}"),
            http: reqwest::Client::builder()
                .timeout(Duration::from_secs(60))
                .build()
                .expect("HTTP client"),
        };
        let until = Instant::now() + Duration::from_secs(20);
        loop {
            let ready = driver
                .http
                .get(format!("{}/status", driver.base))
                .send()
                .await
                .ok();
            if let Some(res) = ready {
                let body: Value = res.json().await.unwrap_or_default();
                if body["value"]["ready"] == true {
                    return driver;
                }
            }
            assert!(
                Instant::now() < until,
                "chromedriver did not become ready on port {port}"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    async fn call(&self, method: reqwest::Method, path: &str, body: Option<Value>) -> Value {
        let mut req = self
            .http
            .request(method.clone(), format!("{}{path}", self.base));
        if let Some(body) = body {
            req = req.json(&body);
        }
        let res = req
            .send()
            .await
            .unwrap_or_else(|e| panic!("{method} {path}: {e}"));
        let status = res.status();
        let value: Value = res.json().await.expect("WebDriver answers JSON");
        assert!(status.is_success(), "{method} {path}: {status}: {value}");
        value["value"].clone()
    }

    /// A new headless Chromium, 1280 px wide.
    pub async fn session(&self) -> Session<'_> {
        let caps = json!({"capabilities": {"alwaysMatch": {
            "browserName": "chrome",
            "goog:chromeOptions": {
                "binary": "/usr/bin/chromium",
                "args": ["--headless=new", "--no-sandbox", "--disable-gpu",
                         "--disable-dev-shm-usage", "--window-size=1280,1600"]
            }
        }}});
        let value = self
            .call(reqwest::Method::POST, "/session", Some(caps))
            .await;
        Session {
            driver: self,
            id: value["sessionId"].as_str().expect("session id").to_string(),
        }
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Session<'_> {
    async fn post(&self, what: &str, body: Value) -> Value {
        let path = format!("/session/{}/{what}", self.id);
        self.driver
            .call(reqwest::Method::POST, &path, Some(body))
            .await
    }

    pub async fn goto(&self, url: &str) {
        self.post("url", json!({ "url": url })).await;
    }

    /// Run `script` (a function body; `arguments` are `args`) and return its value.
    pub async fn eval(&self, script: &str, args: Value) -> Value {
        self.post("execute/sync", json!({ "script": script, "args": args }))
            .await
    }

    /// Run `script`, which calls `arguments[arguments.length - 1](value)` when done.
    pub async fn eval_async(&self, script: &str, args: Value) -> Value {
        self.post("timeouts", json!({ "script": 60_000 })).await;
        self.post("execute/async", json!({ "script": script, "args": args }))
            .await
    }

    /// Press a key (a WebDriver key code such as `\u{E004}`, Tab).
    pub async fn press(&self, key: &str) {
        let actions = json!({"actions": [{"type": "key", "id": "keyboard", "actions": [
            {"type": "keyDown", "value": key}, {"type": "keyUp", "value": key}]}]});
        self.post("actions", actions).await;
    }

    /// The page as PNG.
    pub async fn screenshot(&self) -> Vec<u8> {
        let path = format!("/session/{}/screenshot", self.id);
        let value = self.driver.call(reqwest::Method::GET, &path, None).await;
        base64(value.as_str().expect("base64 screenshot"))
    }

    pub async fn close(self) {
        let path = format!("/session/{}", self.id);
        self.driver.call(reqwest::Method::DELETE, &path, None).await;
    }
}

/// Standard base64 (the screenshot), without pulling in a crate for it.
fn base64(text: &str) -> Vec<u8> {
    let value = |c: u8| -> u32 {
        match c {
            b'A'..=b'Z' => (c - b'A') as u32,
            b'a'..=b'z' => (c - b'a' + 26) as u32,
            b'0'..=b'9' => (c - b'0' + 52) as u32,
            b'+' => 62,
            b'/' => 63,
            _ => panic!("not base64: {c}"),
        }
    };
    let bytes: Vec<u8> = text
        .bytes()
        .filter(|c| *c != b'=' && !c.is_ascii_whitespace())
        .collect();
    let mut out = Vec::with_capacity(bytes.len() * 3 / 4);
    for chunk in bytes.chunks(4) {
        let mut n = 0u32;
        for (i, c) in chunk.iter().enumerate() {
            n |= value(*c) << (18 - 6 * i);
        }
        out.extend_from_slice(&n.to_be_bytes()[1..chunk.len()]);
    }
    out
}

#[test]
fn base64_decodes() {
    assert_eq!(base64("aGN0bA=="), b"hctl");
    assert_eq!(base64("aGN0bGQ="), b"hctld");
    assert_eq!(base64("aGN0bGRi"), b"hctldb");
}
