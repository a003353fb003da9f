//! TLS peers that rcgen and rustls cannot make: certificates issued by the
//! `openssl` command (RSA 1024 keys, SHA-1 signatures, an intermediate CA)
//! served by `openssl s_server`, which still speaks TLS 1.0 and 1.1 when
//! asked; and `testssl.sh`'s protocol findings on such a server.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const CONFIG: &str = "\
[req]
distinguished_name = dn
prompt = no
[dn]
CN = unused
[ca]
basicConstraints = critical,CA:TRUE
keyUsage = critical,keyCertSign,cRLSign
subjectKeyIdentifier = hash
[leaf]
basicConstraints = CA:FALSE
keyUsage = critical,digitalSignature,keyEncipherment
extendedKeyUsage = serverAuth
subjectAltName = DNS:localhost,DNS:api.healthtracker.test
";

fn openssl(dir: &Path, args: &[&str]) {
    let out = Command::new("openssl")
        .args(args)
        .current_dir(dir)
        .stdin(Stdio::null())
        .output()
        .expect("openssl is installed (Debian package `openssl`)");
    assert!(
        out.status.success(),
        "openssl {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A root CA, an intermediate under it, and leaves for `localhost` and
/// `api.healthtracker.test`, all in one temporary directory.
pub struct Pki {
    dir: tempfile::TempDir,
}

/// How a leaf is made.
pub struct LeafSpec {
    /// RSA key size.
    pub bits: u32,
    /// Signature digest (`sha256`, `sha1`).
    pub digest: &'static str,
    /// Issued by the intermediate (else by the root).
    pub via_intermediate: bool,
}

impl Default for LeafSpec {
    fn default() -> Self {
        LeafSpec {
            bits: 2048,
            digest: "sha256",
            via_intermediate: false,
        }
    }
}

/// Files of one leaf: certificate, key, and the intermediate when it has one.
pub struct Leaf {
    pub cert: PathBuf,
    pub key: PathBuf,
    pub intermediate: Option<PathBuf>,
}

impl Pki {
    pub fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        std::fs::write(d.join("openssl.cnf"), CONFIG).unwrap();
        openssl(
            d,
            &[
                "req",
                "-x509",
                "-config",
                "openssl.cnf",
                "-extensions",
                "ca",
                "-newkey",
                "rsa:2048",
                "-nodes",
                "-keyout",
                "root.key",
                "-out",
                "root.pem",
                "-days",
                "365",
                "-sha256",
                "-subj",
                "/CN=hctl openssl root",
            ],
        );
        Pki::sign(
            d,
            "inter",
            2048,
            "sha256",
            "root",
            "ca",
            "/CN=hctl openssl intermediate",
        );
        Pki { dir }
    }

    /// Key and CSR for `name`, signed by `issuer` with `extensions`.
    fn sign(d: &Path, name: &str, bits: u32, digest: &str, issuer: &str, ext: &str, subj: &str) {
        let (key, csr, pem) = (
            format!("{name}.key"),
            format!("{name}.csr"),
            format!("{name}.pem"),
        );
        openssl(
            d,
            &[
                "req",
                "-config",
                "openssl.cnf",
                "-newkey",
                &format!("rsa:{bits}"),
                "-nodes",
                "-keyout",
                &key,
                "-out",
                &csr,
                "-subj",
                subj,
            ],
        );
        openssl(
            d,
            &[
                "x509",
                "-req",
                "-in",
                &csr,
                "-CA",
                &format!("{issuer}.pem"),
                "-CAkey",
                &format!("{issuer}.key"),
                "-CAcreateserial",
                "-out",
                &pem,
                "-days",
                "90",
                &format!("-{digest}"),
                "-extfile",
                "openssl.cnf",
                "-extensions",
                ext,
            ],
        );
    }

    /// The root, for `ca_file` / `--ca-file`.
    pub fn ca_file(&self) -> PathBuf {
        self.dir.path().join("root.pem")
    }

    pub fn leaf(&self, name: &str, spec: LeafSpec) -> Leaf {
        let issuer = if spec.via_intermediate {
            "inter"
        } else {
            "root"
        };
        Pki::sign(
            self.dir.path(),
            name,
            spec.bits,
            spec.digest,
            issuer,
            "leaf",
            "/CN=localhost",
        );
        Leaf {
            cert: self.dir.path().join(format!("{name}.pem")),
            key: self.dir.path().join(format!("{name}.key")),
            intermediate: spec
                .via_intermediate
                .then(|| self.dir.path().join("inter.pem")),
        }
    }
}

/// A running `openssl s_server`; killed when dropped.
pub struct Server {
    child: Child,
    pub port: u16,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Serve `leaf` (with its intermediate when `send_chain`) with openssl's
/// security level 0, so weak keys, SHA-1 and TLS 1.0/1.1 are all allowed;
/// `protocols` adds s_server flags such as `-no_tls1` or `-tls1`.
pub fn serve(leaf: &Leaf, send_chain: bool, protocols: &[&str]) -> Server {
    for _ in 0..5 {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let mut cmd = Command::new("openssl");
        cmd.args(["s_server", "-accept", &format!("127.0.0.1:{port}"), "-cert"])
            .arg(&leaf.cert)
            .arg("-key")
            .arg(&leaf.key)
            .args(["-cipher", "DEFAULT@SECLEVEL=0", "-www"])
            .args(protocols);
        if let (true, Some(chain)) = (send_chain, &leaf.intermediate) {
            cmd.arg("-cert_chain").arg(chain);
        }
        let mut child = cmd
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("openssl is installed (Debian package `openssl`)");
        let stdout = child.stdout.take().unwrap();
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            // Wait for "ACCEPT", then keep draining so s_server never blocks.
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if line.starts_with("ACCEPT") {
                    let _ = tx.send(());
                }
            }
        });
        let ready = rx.recv_timeout(Duration::from_secs(10)).is_ok();
        if ready {
            return Server { child, port };
        }
        let _ = child.kill();
        let _ = child.wait();
    }
    panic!("openssl s_server did not start");
}

/// testssl.sh's protocol findings on `127.0.0.1:port`: for each of `SSLv3`,
/// `TLS1`, `TLS1_1`, `TLS1_2`, `TLS1_3`, whether it is offered.
pub fn testssl_protocols(port: u16) -> Vec<(String, bool)> {
    let dir = tempfile::tempdir().unwrap();
    let json = dir.path().join("testssl.json");
    let started = Instant::now();
    let out = Command::new(testssl())
        .args([
            "--protocols",
            "--warnings",
            "off",
            "--quiet",
            "--color",
            "0",
        ])
        .arg("--jsonfile")
        .arg(&json)
        .arg(format!("127.0.0.1:{port}"))
        .stdin(Stdio::null())
        .output()
        .expect("testssl.sh runs");
    let text = std::fs::read_to_string(&json).unwrap_or_else(|_| {
        panic!(
            "testssl.sh wrote no JSON after {:?}: {}",
            started.elapsed(),
            String::from_utf8_lossy(&out.stdout)
        )
    });
    let findings: Vec<serde_json::Value> = serde_json::from_str(&text).unwrap();
    ["SSLv3", "TLS1", "TLS1_1", "TLS1_2", "TLS1_3"]
        .iter()
        .map(|id| {
            let finding = findings
                .iter()
                .find(|f| f["id"] == *id)
                .and_then(|f| f["finding"].as_str())
                .unwrap_or_else(|| panic!("testssl.sh reported nothing for {id}: {text}"));
            (id.to_string(), finding.starts_with("offered"))
        })
        .collect()
}

/// The testssl.sh command: Debian installs it as `testssl`.
fn testssl() -> &'static str {
    for name in ["testssl", "testssl.sh"] {
        if Command::new(name)
            .arg("--version")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok()
        {
            return name;
        }
    }
    panic!("testssl.sh is missing: apt-get install testssl.sh (scripts/test installs it)");
}
