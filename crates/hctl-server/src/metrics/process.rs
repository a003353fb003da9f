//! The standard process metrics (the names Prometheus' own clients use), read
//! from `/proc/self` at scrape time: resident memory, open and maximum file
//! descriptors, CPU seconds and the start time. Where `/proc` is missing
//! (not Linux), they are left out.

use prometheus_client::metrics::counter::ConstCounter;
use prometheus_client::metrics::gauge::ConstGauge;
use prometheus_client::registry::Registry;

/// Register the process gauges with their current values.
pub fn register(registry: &mut Registry) {
    if let Some(rss) = resident_bytes() {
        registry.register(
            "process_resident_memory_bytes",
            "Resident memory size in bytes",
            ConstGauge::new(rss as i64),
        );
    }
    if let Ok(dir) = std::fs::read_dir("/proc/self/fd") {
        registry.register(
            "process_open_fds",
            "Number of open file descriptors",
            ConstGauge::new(dir.count() as i64),
        );
    }
    if let Some(max) = max_fds() {
        registry.register(
            "process_max_fds",
            "Maximum number of open file descriptors",
            ConstGauge::new(max as i64),
        );
    }
    if let Some((cpu, started)) = cpu_and_start() {
        registry.register(
            "process_cpu_seconds",
            "Total user and system CPU time spent in seconds",
            ConstCounter::new(cpu),
        );
        registry.register(
            "process_start_time_seconds",
            "Start time of the process since the Unix epoch in seconds",
            ConstGauge::new(started),
        );
    }
}

fn page_size() -> u64 {
    // SAFETY: sysconf has no preconditions.
    let size = unsafe { libc::sysconf(libc::_SC_PAGESIZE) };
    u64::try_from(size).unwrap_or(4096)
}

fn ticks_per_second() -> f64 {
    // SAFETY: sysconf has no preconditions.
    let ticks = unsafe { libc::sysconf(libc::_SC_CLK_TCK) };
    if ticks > 0 { ticks as f64 } else { 100.0 }
}

/// `/proc/self/statm`: the second field is resident pages.
fn resident_bytes() -> Option<u64> {
    let statm = std::fs::read_to_string("/proc/self/statm").ok()?;
    let pages: u64 = statm.split_whitespace().nth(1)?.parse().ok()?;
    Some(pages * page_size())
}

/// The soft limit on open files.
fn max_fds() -> Option<u64> {
    let mut limit = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: getrlimit writes into the struct we own.
    let ok = unsafe { libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit) } == 0;
    ok.then_some(limit.rlim_cur)
}

/// CPU seconds (utime + stime) and the start time in seconds since the epoch,
/// from `/proc/self/stat` (fields 14, 15 and 22, in ticks; the start relative
/// to boot, from `btime` in `/proc/stat`).
fn cpu_and_start() -> Option<(f64, f64)> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // The command name (field 2) is in parentheses and may hold spaces.
    let after_name = &stat[stat.rfind(')')? + 2..];
    let fields: Vec<&str> = after_name.split_whitespace().collect();
    // after_name starts at field 3.
    let field = |n: usize| -> Option<f64> { fields.get(n - 3)?.parse().ok() };
    let ticks = ticks_per_second();
    let cpu = (field(14)? + field(15)?) / ticks;
    let boot: f64 = std::fs::read_to_string("/proc/stat")
        .ok()?
        .lines()
        .find_map(|l| l.strip_prefix("btime "))?
        .trim()
        .parse()
        .ok()?;
    Some((cpu, boot + field(22)? / ticks))
}
