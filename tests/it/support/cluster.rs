//! A PostgreSQL cluster of the test's own, archiving its WAL through
//! pgBackRest into a posix repository beside it: what the physical-backup and
//! PITR tests (`hctl db wal status`, `backup --physical`, `restore --physical`,
//! `pitr-drill`) need and the shared server of `scripts/test` cannot give
//! (`archive_mode` needs a restart, and a test breaks `archive_command`).
//!
//! Everything lives in one temp dir: `data/` (the cluster, socket too),
//! `repo/` (the pgBackRest repository), `pgbackrest.conf`, `lock/`, `log/`.
//! PostgreSQL and pgBackRest refuse to run as root: when the tests run as
//! root (CI containers), the cluster, pgBackRest and the `hctl` runs of these
//! tests run as the `postgres` OS user, as `scripts/lib/services.sh` does for
//! the shared server. Dropping the cluster stops it and removes the dir.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use super::Run;

/// The stanza every test cluster uses.
pub const STANZA: &str = "hctl";

const HOW: &str = "install PostgreSQL and pgBackRest (Debian: apt-get install postgresql pgbackrest) or run the tests with `scripts/test`, which installs them";

/// One archiving cluster with its pgBackRest stanza created.
pub struct ArchivingCluster {
    dir: tempfile::TempDir,
    pub port: u16,
    pub bindir: PathBuf,
}

/// The machine's PostgreSQL server binaries (`initdb`, `pg_ctl`, `postgres`).
pub fn pg_bindir() -> PathBuf {
    if let Ok(out) = Command::new("pg_config").arg("--bindir").output() {
        let dir = PathBuf::from(String::from_utf8_lossy(&out.stdout).trim());
        if dir.join("initdb").is_file() {
            return dir;
        }
    }
    let mut found: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.path().join("bin"))
        .filter(|d| d.join("initdb").is_file())
        .collect();
    found.sort();
    found
        .pop()
        .unwrap_or_else(|| panic!("no PostgreSQL server binaries (initdb) found: {HOW}"))
}

/// Whether this process runs as root (then the cluster runs as `postgres`).
pub fn is_root() -> bool {
    // SAFETY: geteuid has no preconditions and cannot fail.
    unsafe { libc::geteuid() == 0 }
}

/// `program ARGS` as the cluster's OS user: `runuser -u postgres --` when root.
pub fn as_cluster_user(program: impl AsRef<std::ffi::OsStr>) -> Command {
    if is_root() {
        let mut cmd = Command::new("runuser");
        cmd.args(["-u", "postgres", "--"]).arg(program);
        cmd
    } else {
        Command::new(program)
    }
}

/// Give the cluster user a directory made by this (maybe root) process.
pub fn hand_over(path: &Path) {
    if is_root() {
        let status = Command::new("chown")
            .args(["-R", "postgres"])
            .arg(path)
            .status()
            .expect("run chown");
        assert!(status.success(), "chown postgres {}", path.display());
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("bind a free port")
        .port()
}

#[track_caller]
fn run_ok(mut cmd: Command, what: &str) -> String {
    let out = cmd
        .stdin(Stdio::null())
        .output()
        .unwrap_or_else(|e| panic!("could not run {what}: {e}; {HOW}"));
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.status.success(), "{what} failed: {text}");
    text
}

/// `pg_ctl -D DATA ACTION` as the cluster user, logging beside DATA.
fn pg_ctl(bindir: &Path, data: &Path, action: &str) {
    let mut cmd = as_cluster_user(bindir.join("pg_ctl"));
    cmd.arg("-D")
        .arg(data)
        .arg("-l")
        .arg(data.with_extension("log"))
        .args(["-w", "-t", "60", "-m", "immediate", action]);
    run_ok(cmd, &format!("pg_ctl {action}"));
}

/// One statement through `psql` at `url`; its unaligned output.
fn psql(bindir: &Path, url: &str, sql: &str) -> String {
    let mut cmd = Command::new(bindir.join("psql"));
    cmd.args(["-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-d"])
        .arg(url)
        .arg("-c")
        .arg(sql);
    run_ok(cmd, &format!("psql -c {sql:?}")).trim().to_string()
}

/// Append settings to DATA/postgresql.conf (the last setting of a name wins).
fn append_conf(data: &Path, settings: &str) {
    let conf = data.join("postgresql.conf");
    let mut text = std::fs::read_to_string(&conf).expect("read postgresql.conf");
    text.push_str(settings);
    std::fs::write(&conf, text).expect("write postgresql.conf");
}

/// `port`, loopback only, the socket in the data dir, no fsync.
fn local_settings(port: u16, data: &Path) -> String {
    format!(
        "\nport = {port}\nlisten_addresses = '127.0.0.1'\nunix_socket_directories = '{}'\nfsync = off\n",
        data.display()
    )
}

impl ArchivingCluster {
    /// initdb, archive through pgBackRest, start, `stanza-create`.
    pub fn start() -> Self {
        let dir = tempfile::Builder::new()
            .prefix("hctl-pitr-")
            .tempdir()
            .expect("temp dir");
        let bindir = pg_bindir();
        let port = free_port();
        let cluster = ArchivingCluster { dir, port, bindir };
        for sub in ["lock", "log", "repo"] {
            std::fs::create_dir(cluster.path().join(sub)).expect("mkdir");
        }
        std::fs::write(cluster.config(), cluster.config_text()).expect("write pgbackrest.conf");
        hand_over(cluster.path());
        let mut initdb = as_cluster_user(cluster.bindir.join("initdb"));
        initdb
            .arg("-D")
            .arg(cluster.data())
            .args(["-U", "postgres", "--auth=trust", "-E", "UTF8"]);
        run_ok(initdb, "initdb");
        let settings = format!(
            "{}wal_level = replica\narchive_mode = on\narchive_timeout = 0\n\
             archive_command = '{archive}'\nmax_wal_senders = 3\n",
            local_settings(port, &cluster.data()),
            archive = cluster.archive_command(),
        );
        append_conf(&cluster.data(), &settings);
        cluster.pg_ctl("start");
        let mut create = as_cluster_user("pgbackrest");
        create.args(cluster.pgbackrest_args()).arg("stanza-create");
        run_ok(create, "pgbackrest stanza-create");
        cluster
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    pub fn data(&self) -> PathBuf {
        self.path().join("data")
    }

    pub fn repo(&self) -> PathBuf {
        self.path().join("repo")
    }

    /// The `pgbackrest.conf` of this cluster.
    pub fn config(&self) -> PathBuf {
        self.path().join("pgbackrest.conf")
    }

    pub fn url(&self) -> String {
        format!("postgres://postgres@127.0.0.1:{}/postgres", self.port)
    }

    /// The working `archive_command` (what a broken one is restored to).
    pub fn archive_command(&self) -> String {
        format!(
            "pgbackrest --config={} --stanza={STANZA} archive-push %p",
            self.config().display()
        )
    }

    /// `--config=… --stanza=…` for a pgbackrest command line.
    pub fn pgbackrest_args(&self) -> Vec<String> {
        vec![
            format!("--config={}", self.config().display()),
            format!("--stanza={STANZA}"),
        ]
    }

    fn config_text(&self) -> String {
        let p = self.path().display();
        format!(
            "[global]\nrepo1-path={p}/repo\nrepo1-retention-full=4\nlock-path={p}/lock\n\
             log-path={p}/log\nlog-level-console=warn\nlog-level-file=info\nstart-fast=y\n\
             compress-type=lz4\narchive-timeout=30\n\n[{STANZA}]\npg1-path={p}/data\n\
             pg1-port={port}\npg1-socket-path={p}/data\n",
            port = self.port
        )
    }

    fn pg_ctl(&self, action: &str) {
        pg_ctl(&self.bindir, &self.data(), action);
    }

    /// Run SQL through `psql` as the superuser (one statement per call is
    /// safest: `ALTER SYSTEM` cannot run in a transaction block).
    pub fn psql(&self, sql: &str) -> String {
        psql(&self.bindir, &self.url(), sql)
    }

    /// Replace `archive_command` (and reload).
    pub fn set_archive_command(&self, command: &str) {
        self.psql(&format!(
            "ALTER SYSTEM SET archive_command = '{}'",
            command.replace('\'', "''")
        ));
        self.psql("SELECT pg_reload_conf()");
    }

    /// A sandbox dir the cluster user can write to (for `hctl` runs).
    pub fn sandbox(&self) -> super::Sandbox {
        let sandbox = super::Sandbox::new();
        hand_over(sandbox.path());
        sandbox
    }

    /// `hctl ARGS` in `sandbox` as the cluster user, with `envs` set (the
    /// sandbox's clean environment otherwise).
    pub fn hctl(&self, sandbox: &super::Sandbox, args: &[&str], envs: &[(&str, &str)]) -> Run {
        let mut cmd = self.hctl_command(sandbox, args, envs);
        Run::from_output(cmd.output().expect("run hctl"))
    }

    /// The [`Self::hctl`] command, to spawn it and signal it midway.
    pub fn hctl_command(
        &self,
        sandbox: &super::Sandbox,
        args: &[&str],
        envs: &[(&str, &str)],
    ) -> Command {
        let plain = sandbox.cmd(args);
        let mut cmd = as_cluster_user(plain.get_program());
        cmd.args(plain.get_args())
            .current_dir(sandbox.path())
            .stdin(Stdio::null());
        for (name, _) in std::env::vars() {
            if name.starts_with("HCTL_") || name == "NO_COLOR" {
                cmd.env_remove(name);
            }
        }
        cmd.env("HOME", sandbox.path());
        for (k, v) in envs {
            cmd.env(k, v);
        }
        cmd
    }
}

impl Drop for ArchivingCluster {
    fn drop(&mut self) {
        stop_quietly(&self.bindir, &self.data());
    }
}

/// Stop the cluster in DATA if it runs (for Drop: nothing to report).
fn stop_quietly(bindir: &Path, data: &Path) {
    let mut cmd = as_cluster_user(bindir.join("pg_ctl"));
    cmd.arg("-D")
        .arg(data)
        .args(["-w", "-m", "immediate", "stop"])
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    let _ = cmd.status();
}

/// A primary and a streaming replica made from it with `pg_basebackup -R`
/// (`primary/`, `replica/` in one temp dir), what the `postgres` kind's
/// `min_replicas` and `max_replay_lag` are tested against.
pub struct StreamingPair {
    dir: tempfile::TempDir,
    bindir: PathBuf,
    pub primary_port: u16,
    pub replica_port: u16,
}

impl StreamingPair {
    /// initdb and start the primary, base-backup the replica, start it and
    /// wait until the primary sees it streaming.
    pub fn start() -> StreamingPair {
        let dir = tempfile::Builder::new()
            .prefix("hctl-replica-")
            .tempdir()
            .expect("temp dir");
        let pair = StreamingPair {
            dir,
            bindir: pg_bindir(),
            primary_port: free_port(),
            replica_port: free_port(),
        };
        hand_over(pair.dir.path());
        let mut initdb = as_cluster_user(pair.bindir.join("initdb"));
        initdb
            .arg("-D")
            .arg(pair.primary())
            .args(["-U", "postgres", "--auth=trust", "-E", "UTF8"]);
        run_ok(initdb, "initdb");
        append_conf(
            &pair.primary(),
            &format!(
                "{}wal_level = replica\nmax_wal_senders = 5\n",
                local_settings(pair.primary_port, &pair.primary())
            ),
        );
        pg_ctl(&pair.bindir, &pair.primary(), "start");
        let mut backup = as_cluster_user(pair.bindir.join("pg_basebackup"));
        backup
            .args([
                "-h",
                "127.0.0.1",
                "-U",
                "postgres",
                "-R",
                "-X",
                "stream",
                "-c",
                "fast",
            ])
            .args(["-p", &pair.primary_port.to_string(), "-D"])
            .arg(pair.replica());
        run_ok(backup, "pg_basebackup -R");
        append_conf(
            &pair.replica(),
            &format!(
                "{}hot_standby = on\n",
                local_settings(pair.replica_port, &pair.replica())
            ),
        );
        pg_ctl(&pair.bindir, &pair.replica(), "start");
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
        while pair.psql(
            pair.primary_port,
            "SELECT count(*) FROM pg_stat_replication WHERE state = 'streaming'",
        ) != "1"
        {
            assert!(
                std::time::Instant::now() < deadline,
                "the replica is not streaming after 30s: {}",
                std::fs::read_to_string(pair.replica().with_extension("log")).unwrap_or_default()
            );
            std::thread::sleep(std::time::Duration::from_millis(100));
        }
        pair
    }

    fn primary(&self) -> PathBuf {
        self.dir.path().join("primary")
    }

    fn replica(&self) -> PathBuf {
        self.dir.path().join("replica")
    }

    pub fn url(port: u16) -> String {
        format!("postgres://postgres@127.0.0.1:{port}/postgres")
    }

    pub fn primary_url(&self) -> String {
        Self::url(self.primary_port)
    }

    pub fn replica_url(&self) -> String {
        Self::url(self.replica_port)
    }

    /// One statement through `psql` on `port`; its unaligned output.
    pub fn psql(&self, port: u16, sql: &str) -> String {
        psql(&self.bindir, &Self::url(port), sql)
    }

    pub fn stop_replica(&self) {
        pg_ctl(&self.bindir, &self.replica(), "stop");
    }
}

impl Drop for StreamingPair {
    fn drop(&mut self) {
        for data in [self.replica(), self.primary()] {
            stop_quietly(&self.bindir, &data);
        }
    }
}
