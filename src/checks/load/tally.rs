//! The answers of a run: one HDR histogram of latencies (microseconds),
//! the counts and the first few distinct error causes. Workers record into
//! their own [`Batch`] and take the shared tally's lock once per
//! [`BATCH`] answers (and for each error), not once per request.

use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use hdrhistogram::Histogram;

/// Answers a worker keeps before adding them to the shared tally.
const BATCH: usize = 64;
/// Distinct error causes kept for the detail.
const SAMPLES: usize = 3;

pub struct Tally {
    pub hist: Histogram<u64>,
    /// How late each request was sent: from its scheduled time to the
    /// generator writing it (microseconds).
    pub lag: Histogram<u64>,
    pub completed: u64,
    pub errors: u64,
    pub error_samples: Vec<String>,
}

pub type Shared = Arc<Mutex<Tally>>;

impl Tally {
    fn empty() -> Tally {
        Tally {
            hist: histogram(),
            lag: histogram(),
            completed: 0,
            errors: 0,
            error_samples: Vec::new(),
        }
    }

    pub fn shared() -> Shared {
        Arc::new(Mutex::new(Tally::empty()))
    }

    /// What was recorded (a batch adds its rest when its worker ends).
    pub fn take(shared: &Shared) -> Tally {
        let mut tally = shared.lock().unwrap_or_else(PoisonError::into_inner);
        std::mem::replace(&mut *tally, Tally::empty())
    }
}

/// Microseconds from 1 to an hour, 3 significant digits.
fn histogram() -> Histogram<u64> {
    Histogram::<u64>::new_with_bounds(1, 3_600_000_000, 3)
        .expect("static histogram bounds are valid")
}

fn micros(d: Duration) -> u64 {
    u64::try_from(d.as_micros()).unwrap_or(u64::MAX).max(1)
}

/// One worker's answers not yet in the shared tally.
pub struct Batch {
    /// (latency, send lag) of each answer.
    micros: Vec<(u64, u64)>,
    shared: Shared,
}

impl Batch {
    pub fn new(shared: Shared) -> Batch {
        Batch {
            micros: Vec::with_capacity(BATCH),
            shared,
        }
    }

    /// One answer: its latency, how late it was sent, and success or why not.
    pub fn record(&mut self, latency: Duration, lag: Duration, result: Result<(), String>) {
        self.micros.push((micros(latency), micros(lag)));
        if let Err(why) = result {
            let mut tally = self.shared.lock().unwrap_or_else(PoisonError::into_inner);
            tally.errors += 1;
            if tally.error_samples.len() < SAMPLES && !tally.error_samples.contains(&why) {
                tally.error_samples.push(why);
            }
        }
        if self.micros.len() == BATCH {
            self.flush();
        }
    }

    fn flush(&mut self) {
        if self.micros.is_empty() {
            return;
        }
        let mut tally = self.shared.lock().unwrap_or_else(PoisonError::into_inner);
        for &(latency, lag) in &self.micros {
            tally.hist.saturating_record(latency);
            tally.lag.saturating_record(lag);
        }
        tally.completed += self.micros.len() as u64;
        self.micros.clear();
    }
}

impl Drop for Batch {
    fn drop(&mut self) {
        self.flush();
    }
}
