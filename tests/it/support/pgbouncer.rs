//! A PgBouncer of the test's own (Debian's `pgbouncer`, installed by
//! `scripts/test`), in front of the PostgreSQL server of DATABASE_URL: a
//! generated ini and userlist (auth_type trust) in a temp dir, a free
//! loopback port, the admin console open to the test's user. PgBouncer
//! refuses root, so as root it runs as `postgres` (like the test clusters).
//! Dropping it stops the daemon.

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use super::cluster::{as_cluster_user, hand_over};
use super::services::require;

const HOW: &str = "install PgBouncer (Debian: apt-get install pgbouncer) or run the tests with `scripts/test`, which installs it";

pub struct Bouncer {
    dir: tempfile::TempDir,
    pub port: u16,
    user: String,
}

/// The `[pgbouncer]` settings a test chooses.
pub struct BouncerConfig {
    pub pool_mode: &'static str,
    pub default_pool_size: u32,
}

impl Bouncer {
    pub fn start(config: BouncerConfig) -> Bouncer {
        let target = url::Url::parse(&require("DATABASE_URL")).expect("DATABASE_URL is a URL");
        let host = target.host_str().unwrap_or("127.0.0.1").to_string();
        let pg_port = target.port().unwrap_or(5432);
        let user = match target.username() {
            "" => "postgres".to_string(),
            name => name.to_string(),
        };
        let dir = tempfile::Builder::new()
            .prefix("hctl-pgbouncer-")
            .tempdir()
            .expect("temp dir");
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("bind a free port")
            .port();
        let path = dir.path();
        let ini = format!(
            "[databases]\n* = host={host} port={pg_port}\n\n[pgbouncer]\nlisten_addr = 127.0.0.1\nlisten_port = {port}\nunix_socket_dir =\nauth_type = trust\nauth_file = {auth}\nadmin_users = {user}\nstats_users = {user}\npool_mode = {mode}\ndefault_pool_size = {size}\nmax_client_conn = 500\nignore_startup_parameters = extra_float_digits,options\nlogfile = {log}\npidfile = {pid}\n",
            auth = path.join("userlist.txt").display(),
            mode = config.pool_mode,
            size = config.default_pool_size,
            log = path.join("pgbouncer.log").display(),
            pid = path.join("pgbouncer.pid").display(),
        );
        std::fs::write(path.join("pgbouncer.ini"), ini).expect("write pgbouncer.ini");
        std::fs::write(path.join("userlist.txt"), format!("\"{user}\" \"\"\n"))
            .expect("write userlist.txt");
        hand_over(path);
        let program = ["/usr/sbin/pgbouncer", "/usr/bin/pgbouncer"]
            .into_iter()
            .find(|p| std::path::Path::new(p).is_file())
            .unwrap_or("pgbouncer");
        let out = as_cluster_user(program)
            .arg("-d")
            .arg(path.join("pgbouncer.ini"))
            .stdin(Stdio::null())
            .output()
            .unwrap_or_else(|e| panic!("could not run pgbouncer: {e}; {HOW}"));
        let bouncer = Bouncer { dir, port, user };
        assert!(
            out.status.success(),
            "pgbouncer did not start: {}{} {}",
            String::from_utf8_lossy(&out.stderr),
            bouncer.log(),
            HOW
        );
        let deadline = Instant::now() + Duration::from_secs(10);
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                Instant::now() < deadline,
                "pgbouncer is not listening on 127.0.0.1:{port} after 10s: {}",
                bouncer.log()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        bouncer
    }

    /// A URL to database `db` through the bouncer.
    pub fn url(&self, db: &str) -> String {
        format!("postgres://{}@127.0.0.1:{}/{db}", self.user, self.port)
    }

    /// The admin console (`SHOW POOLS`, …).
    pub fn admin_url(&self) -> String {
        self.url("pgbouncer")
    }

    pub fn log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("pgbouncer.log")).unwrap_or_default()
    }
}

impl Drop for Bouncer {
    fn drop(&mut self) {
        let pid =
            std::fs::read_to_string(self.dir.path().join("pgbouncer.pid")).unwrap_or_default();
        if let Ok(pid) = pid.trim().parse::<i32>() {
            let _ = Command::new("kill").arg(pid.to_string()).status();
        }
    }
}
