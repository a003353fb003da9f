//! Who else is using a database that a restore is about to overwrite, so the
//! restore can refuse (and name them) instead of pulling the data out from
//! under a running server.
//!
//! PostgreSQL: the other client sessions on the target database in
//! `pg_stat_activity` (pid, application, user, client address, state).
//!
//! SQLite: the other processes holding the file. Two probes, both read only:
//! POSIX lock queries (`F_GETLK`, which work across users) on the `-shm`
//! file's "dead man switch" byte — every connection in WAL mode holds a read
//! lock there while it is open, idle or not — and on the database's lock
//! bytes (a transaction in progress in any journal mode); and, where `/proc` is
//! readable, every process with the database, `-wal` or `-shm` file open.

use std::collections::BTreeSet;
use std::fs::File;
use std::os::unix::fs::MetadataExt;
use std::os::unix::io::AsRawFd;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use sqlx::{PgConnection, Row};

/// Byte of the `-shm` file every open WAL connection read-locks (`UNIX_SHM_DMS`
/// in SQLite's `os_unix.c`: `(22 + SQLITE_SHM_NLOCK) * 4 + SQLITE_SHM_NLOCK`).
const SHM_DMS: i64 = 128;
/// SQLite's lock bytes in the database file: `PENDING_BYTE` then the reserved
/// byte and the 510 shared bytes.
const LOCK_BYTES: (i64, i64) = (0x4000_0000, 512);

/// The other client sessions connected to the database `conn` is on, as
/// "pid 4242 (`hctl-serve`, user `app`, from 10.0.0.7, idle)".
pub async fn postgres(conn: &mut PgConnection) -> Result<Vec<String>> {
    let rows = sqlx::query(
        "SELECT pid, coalesce(application_name, ''), coalesce(usename::text, ''), \
                host(client_addr), coalesce(state, '') \
         FROM pg_stat_activity \
         WHERE datname = current_database() AND pid <> pg_backend_pid() \
           AND backend_type = 'client backend' \
         ORDER BY pid",
    )
    .fetch_all(&mut *conn)
    .await
    .context("could not list the sessions in `pg_stat_activity`")?;
    Ok(rows
        .iter()
        .map(|row| {
            let pid: i32 = row.get(0);
            let app: String = row.get(1);
            let user: String = row.get(2);
            let client: Option<String> = row.get(3);
            let state: String = row.get(4);
            let mut parts = Vec::new();
            parts.push(if app.is_empty() {
                "no application_name".to_string()
            } else {
                format!("`{app}`")
            });
            if !user.is_empty() {
                parts.push(format!("user `{user}`"));
            }
            parts.push(match client {
                Some(addr) => format!("from {addr}"),
                None => "over a local socket".to_string(),
            });
            if !state.is_empty() {
                parts.push(state);
            }
            format!("pid {pid} ({})", parts.join(", "))
        })
        .collect())
}

/// The other processes holding SQLite database `path` (none when it does not
/// exist), as "pid 4242 (`hctl serve --bind …`)".
pub fn sqlite(path: &Path) -> Result<Vec<String>> {
    let mut pids = BTreeSet::new();
    let files = [path.to_path_buf(), side(path, "-wal"), side(path, "-shm")];
    if let Some(pid) = probe(path, LOCK_BYTES)? {
        pids.insert(pid);
    }
    if let Some(pid) = probe(&files[2], (SHM_DMS, 1))? {
        pids.insert(pid);
    }
    pids.extend(open_by(&files));
    pids.remove(&std::process::id());
    Ok(pids.into_iter().map(describe).collect())
}

fn side(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

/// The pid of a process holding a lock that conflicts with a write lock on
/// `range` of `path`, if any (and if the file exists).
fn probe(path: &Path, (start, len): (i64, i64)) -> Result<Option<u32>> {
    let file = match File::open(path) {
        Ok(file) => file,
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(err) => {
            return Err(err).with_context(|| format!("could not open `{}`", path.display()));
        }
    };
    // SAFETY: `flock` is plain old data, so all-zero is a valid value.
    let mut lock: libc::flock = unsafe { std::mem::zeroed() };
    lock.l_type = libc::F_WRLCK as libc::c_short;
    lock.l_whence = libc::SEEK_SET as libc::c_short;
    lock.l_start = start as libc::off_t;
    lock.l_len = len as libc::off_t;
    // SAFETY: F_GETLK only reads and fills `lock`, which outlives the call, on
    // a descriptor that stays open for it. It never takes or changes a lock.
    let rc = unsafe { libc::fcntl(file.as_raw_fd(), libc::F_GETLK, &mut lock) };
    if rc != 0 {
        return Err(std::io::Error::last_os_error())
            .with_context(|| format!("could not query the locks on `{}`", path.display()));
    }
    Ok(
        (lock.l_type != libc::F_UNLCK as libc::c_short && lock.l_pid > 0)
            .then_some(lock.l_pid as u32),
    )
}

/// Processes with any of `files` open, from `/proc/*/fd` (only those this
/// user may inspect; nothing where there is no `/proc`).
fn open_by(files: &[PathBuf]) -> BTreeSet<u32> {
    let wanted: Vec<(u64, u64)> = files
        .iter()
        .filter_map(|f| std::fs::metadata(f).ok())
        .map(|m| (m.dev(), m.ino()))
        .collect();
    let mut out = BTreeSet::new();
    let Ok(procs) = std::fs::read_dir("/proc") else {
        return out;
    };
    for proc in procs.flatten() {
        let Some(pid) = proc
            .file_name()
            .to_str()
            .and_then(|p| p.parse::<u32>().ok())
        else {
            continue;
        };
        let Ok(fds) = std::fs::read_dir(proc.path().join("fd")) else {
            continue;
        };
        let holds = fds.flatten().any(|fd| {
            std::fs::metadata(fd.path()).is_ok_and(|m| wanted.contains(&(m.dev(), m.ino())))
        });
        if holds {
            out.insert(pid);
        }
    }
    out
}

/// "pid 4242 (`hctl serve --bind 0.0.0.0:8080`)", or just the pid when its
/// command line cannot be read.
fn describe(pid: u32) -> String {
    let cmdline = std::fs::read(format!("/proc/{pid}/cmdline")).unwrap_or_default();
    let words: Vec<String> = cmdline
        .split(|b| *b == 0)
        .filter(|w| !w.is_empty())
        .map(|w| String::from_utf8_lossy(w).into_owned())
        .collect();
    if words.is_empty() {
        return format!("pid {pid}");
    }
    let mut text = words.join(" ");
    if text.chars().count() > 80 {
        text = text.chars().take(77).collect::<String>() + "...";
    }
    format!("pid {pid} (`{text}`)")
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::process::{Command, Stdio};

    #[test]
    fn a_file_nobody_holds_has_no_users() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("ht.db");
        assert!(sqlite(&db).unwrap().is_empty(), "missing file");
        std::fs::write(&db, b"").unwrap();
        assert!(
            sqlite(&db).unwrap().is_empty(),
            "our own process is not a user"
        );
    }

    #[test]
    fn another_process_with_the_file_open_is_named() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("ht.db");
        std::fs::write(&db, b"").unwrap();
        // `sleep` with the file open on stdin: no locks, only /proc sees it.
        let mut child = Command::new("sleep")
            .arg("30")
            .stdin(File::open(&db).unwrap())
            .stdout(Stdio::null())
            .spawn()
            .expect("run sleep");
        let users = sqlite(&db).unwrap();
        let _ = child.kill();
        let _ = child.wait();
        let pid = child.id().to_string();
        assert!(
            users
                .iter()
                .any(|u| u.contains(&pid) && u.contains("sleep")),
            "{users:?}"
        );
    }

    #[test]
    fn a_posix_lock_held_elsewhere_is_found() {
        let dir = tempfile::tempdir().unwrap();
        let shm = dir.path().join("ht.db-shm");
        std::fs::write(&shm, vec![0u8; 256]).unwrap();
        // What a WAL connection does: a shared lock on the dead man switch byte.
        let script = format!(
            "import fcntl, os, sys, time\n\
             f = open({:?}, 'r+b')\n\
             fcntl.lockf(f, fcntl.LOCK_SH, 1, {SHM_DMS}, os.SEEK_SET)\n\
             print('locked', flush=True)\n\
             time.sleep(30)\n",
            shm.display().to_string()
        );
        let mut child = Command::new("python3")
            .args(["-c", &script])
            .stdout(Stdio::piped())
            .spawn()
            .expect("python3 is needed for this test (Debian: apt-get install python3)");
        let mut line = String::new();
        std::io::BufRead::read_line(
            &mut std::io::BufReader::new(child.stdout.take().unwrap()),
            &mut line,
        )
        .unwrap();
        let held = probe(&shm, (SHM_DMS, 1)).unwrap();
        let other_byte = probe(&shm, (SHM_DMS + 1, 1)).unwrap();
        let _ = child.kill();
        let _ = child.wait();
        assert_eq!(line.trim(), "locked");
        assert_eq!(held, Some(child.id()));
        assert_eq!(other_byte, None);
    }
}
