//! The open-model load generator: request `i` is due at `start + i / rate`
//! whatever happened to the others (a constant arrival rate, as k6's
//! `constant-arrival-rate`), at most `max_connections` in flight. Latency is
//! measured from each request's *scheduled* time, so a server or generator
//! that falls behind shows in the percentiles instead of hiding (no
//! coordinated omission). A request due while every connection is busy is
//! dropped and counted: the run did not apply the load it promised.
//!
//! One worker task per connection owns it (see [`client`](super::client));
//! a pacer thread keeps the schedule with the OS's sleep (microseconds, not
//! the runtime's 1 ms timer wheel) and hands each due request to an idle
//! worker, the most recently used first, so a light load keeps few
//! connections open and a heavy one spreads over all of them.

use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};
use tokio::sync::{mpsc, oneshot};

use super::client::{Connection, Target};
use super::tally::{Batch, Tally};

/// The most a single request may take before it counts as an error.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(10);
/// Each worker's one timer is moved at most once per this much time, so a
/// request times out between [`REQUEST_TIMEOUT`] and this much later.
const TIMER_SLACK: Duration = Duration::from_secs(1);

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
    /// The first few distinct error causes, for the detail.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub error_samples: Vec<String>,
}

/// The schedule: when request `i` is due.
#[derive(Clone, Copy)]
struct Schedule {
    start: Instant,
    interval: Duration,
    scheduled: u64,
}

impl Schedule {
    fn due(&self, i: u64) -> Instant {
        self.start + self.interval.mul_f64(i as f64)
    }
}

/// Run the plan to the end of its schedule and until the last request ends.
pub async fn run(plan: Plan) -> Summary {
    let scheduled = (plan.rate * plan.duration.as_secs_f64()).round().max(1.0) as u64;
    let workers = plan.max_connections.max(1) as usize;
    let tally = Tally::shared();
    let target = Arc::new(plan.target);
    // Every worker starts idle; a worker puts itself back after each request.
    let idle = Arc::new(Mutex::new((0..workers).rev().collect::<Vec<usize>>()));
    // A little head start, so the first requests are not late by the spawning.
    let schedule = Schedule {
        start: Instant::now() + Duration::from_millis(5),
        interval: Duration::from_secs_f64(1.0 / plan.rate),
        scheduled,
    };
    let mut senders = Vec::with_capacity(workers);
    // Dropped with this future (a deadline): the workers stop with it.
    let mut tasks = tokio::task::JoinSet::new();
    for id in 0..workers {
        // Capacity 1: an idle worker has at most the one request handed to it.
        let (slot_tx, slot_rx) = mpsc::channel::<u64>(1);
        senders.push(slot_tx);
        tasks.spawn(worker(
            id,
            target.clone(),
            schedule,
            slot_rx,
            idle.clone(),
            Batch::new(tally.clone()),
        ));
    }
    let (done_tx, done_rx) = oneshot::channel();
    let pacer_idle = idle.clone();
    let spawned = std::thread::Builder::new()
        .name("hctl-load-pacer".into())
        .spawn(move || {
            let result = pace(schedule, &senders, &pacer_idle, &done_tx);
            let _ = done_tx.send(result);
        });
    let (dropped, peak) = match spawned {
        Ok(_) => done_rx.await.unwrap_or((scheduled, 0)),
        // No thread: nothing was sent, every request counts as dropped.
        Err(_) => (scheduled, 0),
    };
    while tasks.join_next().await.is_some() {}
    let span = schedule.start.elapsed().max(plan.duration);
    let Tally {
        hist,
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
        peak_in_flight: peak,
        p50_ms: round(ms(0.50)),
        p90_ms: round(ms(0.90)),
        p95_ms: round(ms(0.95)),
        p99_ms: round(ms(0.99)),
        max_ms: round(hist.max() as f64 / 1000.0),
        error_samples,
    }
}

/// The pacer: at each due time, hand the request to an idle worker, or
/// count it dropped when all are busy. Returns (dropped, peak in flight).
/// Dropping the senders at the end stops the workers once they are done;
/// a run given up (its `done` receiver dropped) stops the schedule.
fn pace(
    schedule: Schedule,
    senders: &[mpsc::Sender<u64>],
    idle: &Mutex<Vec<usize>>,
    done: &oneshot::Sender<(u64, u32)>,
) -> (u64, u32) {
    let (mut dropped, mut peak) = (0u64, 0usize);
    let mut i = 0;
    while i < schedule.scheduled && !done.is_closed() {
        let due = schedule.due(i);
        let now = Instant::now();
        if due > now {
            std::thread::sleep(due - now);
            continue;
        }
        let (worker, busy) = {
            let mut idle = idle.lock().unwrap_or_else(PoisonError::into_inner);
            let worker = idle.pop();
            (worker, senders.len() - idle.len())
        };
        match worker.map(|w| senders[w].try_send(i)) {
            Some(Ok(())) => peak = peak.max(busy),
            _ => dropped += 1,
        }
        i += 1;
    }
    (dropped, u32::try_from(peak).unwrap_or(u32::MAX))
}

/// One connection's worker: send each request handed to it, record the
/// answer, become idle again. Its one timer bounds every request it sends.
async fn worker(
    id: usize,
    target: Arc<Target>,
    schedule: Schedule,
    mut slots: mpsc::Receiver<u64>,
    idle: Arc<Mutex<Vec<usize>>>,
    mut batch: Batch,
) {
    let mut conn: Option<Connection> = None;
    let timer = tokio::time::sleep(Duration::ZERO);
    tokio::pin!(timer);
    while let Some(i) = slots.recv().await {
        let due = schedule.due(i);
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
        batch.record(due.elapsed(), result);
        idle.lock().unwrap_or_else(PoisonError::into_inner).push(id);
    }
}

fn round(v: f64) -> f64 {
    (v * 1000.0).round() / 1000.0
}
