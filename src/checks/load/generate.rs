//! The open-model load generator: request `i` is due at `start + i / rate`
//! whatever happened to the others (a constant arrival rate, as k6's
//! `constant-arrival-rate`), at most `max_connections` in flight. Latency is
//! measured from each request's *scheduled* time, so a server or generator
//! that falls behind shows in the percentiles instead of hiding (no
//! coordinated omission). A request due while every connection is busy is
//! dropped and counted: the run did not apply the load it promised.
//!
//! The work is split into lanes, as wrk splits it into threads: each lane is
//! a thread with its own single-threaded runtime, a share of the
//! connections and every `lanes`-th request of the schedule. Its pacer
//! sleeps on a timerfd (the kernel's high-resolution timers, watched by the
//! runtime's poll with the sockets: microseconds, where the runtime's timer
//! wheel ticks in milliseconds) and hands each due request to an idle
//! worker of its lane, the most recently used first, so a light load keeps
//! few connections open and a heavy one spreads over all of them. Pacer,
//! workers and sockets share one thread: handing a request over wakes no
//! other thread, which on a busy machine made requests late by up to
//! milliseconds before they were sent. One worker task per connection owns
//! it (see [`client`](super::client)).

use std::num::NonZero;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};
use tokio::sync::{Notify, mpsc, oneshot};

use super::client::{Connection, Target};
use super::tally::{Batch, Shared, Tally};

/// The most a single request may take before it counts as an error.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(10);
/// Each worker's one timer is moved at most once per this much time, so a
/// request times out between [`REQUEST_TIMEOUT`] and this much later.
const TIMER_SLACK: Duration = Duration::from_secs(1);
/// A lane has at least this many connections (fewer lanes otherwise).
const LANE_CONNECTIONS: u32 = 16;
/// The most lanes: past a few, a lane's share of the rate is small.
const MAX_LANES: u32 = 8;
/// At a low rate the pacer wakes this much before a request is due and
/// polls (the sockets too) until it is: a thread woken from idle by its timer
/// runs tens, at times a couple of hundred, microseconds late on a virtual
/// machine (a timerfd sleep of 16 ms: 164 us late at the 99th percentile),
/// and that lateness would count in every request's latency.
const EARLY: Duration = Duration::from_micros(250);
/// A lane polls before each request only when its requests are at least
/// this far apart: at most 5 % of a core.
const EARLY_BELOW: Duration = Duration::from_millis(5);
/// A wait shorter than this is polled away, never slept: arming a timerfd
/// costs 6 to 25 us of a virtual machine's time (the shorter the wait, the
/// dearer), and its wake-up comes 20 to 30 us late anyway. Sleeping a few
/// microseconds per request once held a lane at a tenth of its rate.
const SLEEP_AT_LEAST: Duration = Duration::from_micros(50);
/// The schedule starts this long after the run, so the first requests are
/// not late by the setting up of the lanes.
const HEAD_START: Duration = Duration::from_millis(5);

/// What to send, how often, for how long.
pub struct Plan {
    pub target: Target,
    /// Requests per second.
    pub rate: f64,
    pub duration: Duration,
    pub max_connections: u32,
}

/// The evidence of one run (the JSON in the item's detail; a `baseline`).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Summary {
    pub target_rate: f64,
    /// Answered requests per second of the schedule's span.
    pub achieved_rate: f64,
    pub duration_s: f64,
    pub scheduled: u64,
    /// Due while all connections were busy: never sent.
    pub dropped: u64,
    pub completed: u64,
    pub errors: u64,
    pub error_rate: f64,
    pub max_connections: u32,
    /// The most requests in flight at once.
    pub peak_in_flight: u32,
    pub p50_ms: f64,
    pub p90_ms: f64,
    pub p95_ms: f64,
    pub p99_ms: f64,
    pub max_ms: f64,
    /// How late the generator sent: from a request's scheduled time to its
    /// write (included in the latencies above). Large values mean the
    /// generator, not the server, fell behind.
    #[serde(default)]
    pub send_lag_p50_ms: f64,
    #[serde(default)]
    pub send_lag_p99_ms: f64,
    /// The first few distinct error causes, for the detail.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub error_samples: Vec<String>,
}

/// The schedule: when request `i` is due, and which lane sends it.
#[derive(Clone, Copy)]
struct Schedule {
    start: Instant,
    interval: Duration,
    scheduled: u64,
    lanes: u64,
}

impl Schedule {
    fn due(&self, i: u64) -> Instant {
        self.start + self.interval.mul_f64(i as f64)
    }

    /// How many requests lane `lane` sends: every `lanes`-th from `lane`.
    fn share(&self, lane: u64) -> u64 {
        self.scheduled.saturating_sub(lane).div_ceil(self.lanes)
    }
}

/// Requests in flight across the lanes, and the most at once.
#[derive(Default)]
struct Flight {
    now: AtomicU32,
    peak: AtomicU32,
}

impl Flight {
    fn start(&self) {
        let now = self.now.fetch_add(1, Ordering::Relaxed) + 1;
        self.peak.fetch_max(now, Ordering::Relaxed);
    }

    fn end(&self) {
        self.now.fetch_sub(1, Ordering::Relaxed);
    }
}

/// What one lane needs: its place in the schedule, its connections, the
/// shared target, tally and flight.
struct Lane {
    index: u64,
    connections: usize,
    schedule: Schedule,
    target: Arc<Target>,
    tally: Shared,
    flight: Arc<Flight>,
}

/// As many lanes as the machine has cores, at most [`MAX_LANES`], each with
/// at least [`LANE_CONNECTIONS`] connections (one lane below that).
fn lane_count(max_connections: u32) -> u32 {
    let cores = std::thread::available_parallelism().map_or(1, NonZero::get);
    u32::try_from(cores)
        .unwrap_or(MAX_LANES)
        .min(MAX_LANES)
        .min(max_connections / LANE_CONNECTIONS)
        .max(1)
}

/// Run the plan to the end of its schedule and until the last request ends.
/// Dropping the future (a deadline) stops every lane and its requests.
pub async fn run(plan: Plan) -> Summary {
    let scheduled = (plan.rate * plan.duration.as_secs_f64()).round().max(1.0) as u64;
    let connections = plan.max_connections.max(1);
    let lanes = lane_count(connections);
    let tally = Tally::shared();
    let target = Arc::new(plan.target);
    let flight = Arc::new(Flight::default());
    let schedule = Schedule {
        start: Instant::now() + HEAD_START,
        interval: Duration::from_secs_f64(1.0 / plan.rate),
        scheduled,
        lanes: u64::from(lanes),
    };
    let mut dropped = 0;
    let mut running = Vec::new();
    for index in 0..lanes {
        let share = connections / lanes + u32::from(index < connections % lanes);
        let lane = Lane {
            index: u64::from(index),
            connections: share as usize,
            schedule,
            target: target.clone(),
            tally: tally.clone(),
            flight: flight.clone(),
        };
        let (done_tx, done_rx) = oneshot::channel();
        let spawned = std::thread::Builder::new()
            .name(format!("hctl-load-{index}"))
            .spawn(move || run_lane(lane, done_tx));
        match spawned {
            Ok(_) => running.push((u64::from(index), done_rx)),
            // No thread: nothing of this lane was sent, all of it dropped.
            Err(_) => dropped += schedule.share(u64::from(index)),
        }
    }
    for (index, done) in running {
        dropped += done.await.unwrap_or_else(|_| schedule.share(index));
    }
    let span = schedule.start.elapsed().max(plan.duration);
    let Tally {
        hist,
        lag,
        completed,
        errors,
        error_samples,
    } = Tally::take(&tally);
    let ms = |q: f64| hist.value_at_quantile(q) as f64 / 1000.0;
    Summary {
        target_rate: plan.rate,
        achieved_rate: round(completed as f64 / span.as_secs_f64()),
        duration_s: round(span.as_secs_f64()),
        scheduled,
        dropped,
        completed,
        errors,
        error_rate: if completed == 0 {
            0.0
        } else {
            errors as f64 / completed as f64
        },
        max_connections: plan.max_connections,
        peak_in_flight: flight.peak.load(Ordering::Relaxed),
        p50_ms: round(ms(0.50)),
        p90_ms: round(ms(0.90)),
        p95_ms: round(ms(0.95)),
        p99_ms: round(ms(0.99)),
        max_ms: round(hist.max() as f64 / 1000.0),
        send_lag_p50_ms: round(lag.value_at_quantile(0.50) as f64 / 1000.0),
        send_lag_p99_ms: round(lag.value_at_quantile(0.99) as f64 / 1000.0),
        error_samples,
    }
}

/// One lane's thread: its runtime runs the lane until the end, or until the
/// run is given up (`done`'s receiver dropped). Sends how many requests it
/// dropped.
fn run_lane(lane: Lane, mut done: oneshot::Sender<u64>) {
    let share = lane.schedule.share(lane.index);
    let Ok(runtime) = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    else {
        let _ = done.send(share);
        return;
    };
    // The pacer runs as a task of its own, so this future is polled when it
    // ends or the run is given up, not at every wake-up of the lane.
    let dropped = runtime.block_on(async {
        let pacer = tokio::spawn(drive(lane));
        tokio::select! {
            biased;
            () = done.closed() => None,
            dropped = pacer => dropped.ok(),
        }
    });
    if let Some(dropped) = dropped {
        let _ = done.send(dropped);
    }
}

/// The lane's pacer: at each due time, hand the request to an idle worker,
/// or count it dropped when all of the lane's are busy. Dropping the
/// senders at the end stops the workers once they are done.
async fn drive(lane: Lane) -> u64 {
    let Lane {
        index,
        connections,
        schedule,
        target,
        tally,
        flight,
    } = lane;
    // Every worker starts idle; a worker puts itself back after each request.
    let idle = Arc::new(Idle {
        workers: Mutex::new((0..connections).rev().collect()),
        freed: Notify::new(),
    });
    let mut senders = Vec::with_capacity(connections);
    // Dropped with this future: the workers stop with it.
    let mut tasks = tokio::task::JoinSet::new();
    for id in 0..connections {
        // Capacity 1: an idle worker has at most the one request handed to it.
        let (slot_tx, slot_rx) = mpsc::channel::<u64>(1);
        senders.push(slot_tx);
        tasks.spawn(worker(
            id,
            target.clone(),
            schedule,
            slot_rx,
            idle.clone(),
            flight.clone(),
            Batch::new(tally.clone()),
        ));
    }
    let mut timer = Timer::new();
    let early = schedule.interval.mul_f64(schedule.lanes as f64) >= EARLY_BELOW;
    let mut dropped = 0;
    let mut i = index;
    while i < schedule.scheduled {
        let due = schedule.due(i);
        let now = Instant::now();
        if due > now {
            let wait = (due - now).saturating_sub(if early { EARLY } else { Duration::ZERO });
            if wait >= SLEEP_AT_LEAST {
                timer.sleep(wait).await;
            } else {
                // Runs the lane's ready sockets, then comes back.
                tokio::task::yield_now().await;
            }
            continue;
        }
        let worker = idle.pop();
        let sent = matches!(worker.map(|w| senders[w].try_send(i)), Some(Ok(())));
        i += schedule.lanes;
        if sent {
            flight.start();
            continue;
        }
        dropped += 1;
        if worker.is_none() {
            // Every connection is busy: nothing can be sent before one is
            // freed, so wait for that instead of waking at each due time,
            // then drop what came due meanwhile.
            idle.freed.notified().await;
            let now = Instant::now();
            while i < schedule.scheduled && schedule.due(i) <= now {
                dropped += 1;
                i += schedule.lanes;
            }
        }
    }
    drop(senders);
    while tasks.join_next().await.is_some() {}
    dropped
}

/// One connection's worker: send each request handed to it, record the
/// answer, become idle again. Its one timer bounds every request it sends.
async fn worker(
    id: usize,
    target: Arc<Target>,
    schedule: Schedule,
    mut slots: mpsc::Receiver<u64>,
    idle: Arc<Idle>,
    flight: Arc<Flight>,
    mut batch: Batch,
) {
    let mut conn: Option<Connection> = None;
    let timer = tokio::time::sleep(Duration::ZERO);
    tokio::pin!(timer);
    while let Some(i) = slots.recv().await {
        let due = schedule.due(i);
        let lag = due.elapsed();
        let now = tokio::time::Instant::now();
        if timer.deadline() < now + REQUEST_TIMEOUT {
            timer.as_mut().reset(now + REQUEST_TIMEOUT + TIMER_SLACK);
        }
        let result = tokio::select! {
            biased;
            result = target.exchange(&mut conn) => result,
            () = &mut timer => {
                // The connection may still carry the late answer: drop it.
                conn = None;
                Err(format!(
                    "timed out after {}",
                    crate::duration::human(REQUEST_TIMEOUT)
                ))
            }
        };
        batch.record(due.elapsed(), lag, result);
        flight.end();
        idle.push(id);
    }
}

/// A lane's idle workers, the most recently used last, and the pacer's
/// signal that one was freed.
struct Idle {
    workers: Mutex<Vec<usize>>,
    freed: Notify,
}

impl Idle {
    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<usize>> {
        self.workers.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn pop(&self) -> Option<usize> {
        self.lock().pop()
    }

    fn push(&self, worker: usize) {
        self.lock().push(worker);
        // Stored as a permit when the pacer is not waiting.
        self.freed.notify_one();
    }
}

/// The pacer's sleep: a timerfd where there is one (Linux), watched by the
/// runtime with the sockets; else, or if it fails, the runtime's timer.
struct Timer {
    #[cfg(target_os = "linux")]
    fd: Option<tokio::io::unix::AsyncFd<std::os::fd::OwnedFd>>,
}

impl Timer {
    fn new() -> Timer {
        Timer {
            #[cfg(target_os = "linux")]
            fd: rustix::time::timerfd_create(
                rustix::time::TimerfdClockId::Monotonic,
                rustix::time::TimerfdFlags::NONBLOCK | rustix::time::TimerfdFlags::CLOEXEC,
            )
            .ok()
            // SAFETY: an `OwnedFd` is open, and stays the same descriptor
            // until the `AsyncFd` that owns it is dropped.
            .and_then(|fd| unsafe { tokio::io::unix::AsyncFd::register(fd) }.ok()),
        }
    }

    async fn sleep(&mut self, length: Duration) {
        #[cfg(target_os = "linux")]
        if let Some(fd) = &self.fd {
            if timerfd_sleep(fd, length).await.is_ok() {
                return;
            }
            self.fd = None;
        }
        tokio::time::sleep(length).await;
    }
}

/// Arm the timerfd once for `length` (not zero: zero disarms it) and wait
/// until it fires.
#[cfg(target_os = "linux")]
async fn timerfd_sleep(
    fd: &tokio::io::unix::AsyncFd<std::os::fd::OwnedFd>,
    length: Duration,
) -> std::io::Result<()> {
    use rustix::time::{Itimerspec, TimerfdTimerFlags, Timespec};
    let length = length.max(Duration::from_nanos(1));
    let value = Itimerspec {
        it_interval: Timespec {
            tv_sec: 0,
            tv_nsec: 0,
        },
        it_value: Timespec {
            tv_sec: i64::try_from(length.as_secs()).unwrap_or(i64::MAX),
            // Below 10^9: fits any platform's `c_long`.
            tv_nsec: length.subsec_nanos() as _,
        },
    };
    rustix::time::timerfd_settime(fd.get_ref(), TimerfdTimerFlags::empty(), &value)?;
    loop {
        let mut ready = fd.readable().await?;
        // The count of expirations: 8 bytes, readable once it fired.
        let mut expirations = [0u8; 8];
        match ready.try_io(|fd| Ok(rustix::io::read(fd.get_ref(), &mut expirations)?)) {
            Ok(read) => return read.map(drop),
            Err(_would_block) => continue,
        }
    }
}

fn round(v: f64) -> f64 {
    (v * 1000.0).round() / 1000.0
}
