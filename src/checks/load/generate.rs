//! The open-model load generator: request `i` is due at `start + i / rate`
//! whatever happened to the others (a constant arrival rate, as k6's
//! `constant-arrival-rate`), at most `max_connections` in flight. Latency is
//! measured from each request's *scheduled* time, so a server or generator
//! that falls behind shows in the percentiles instead of hiding (no
//! coordinated omission). A request due while every connection is busy is
//! dropped and counted: the run did not apply the load it promised.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use hdrhistogram::Histogram;
use serde::{Deserialize, Serialize};
use tokio::sync::{Semaphore, mpsc};
use tokio::time::Instant;

/// The most a single request may take before it counts as an error.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(10);

/// What to send, how often, for how long.
pub struct Plan<'a> {
    pub client: reqwest::Client,
    pub method: reqwest::Method,
    pub url: &'a str,
    pub headers: &'a BTreeMap<String, String>,
    pub body: Option<&'a str>,
    /// Requests per second.
    pub rate: f64,
    pub duration: Duration,
    pub max_connections: u32,
    /// Statuses that count as success (empty: any 2xx).
    pub ok_statuses: &'a [u16],
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

/// One answer: latency from the scheduled time, and success or why not.
type Sample = (Duration, Result<(), String>);

/// Run the plan to the end of its schedule and until the last request ends.
pub async fn run(plan: Plan<'_>) -> Summary {
    let scheduled = (plan.rate * plan.duration.as_secs_f64()).round().max(1.0) as u64;
    let interval = Duration::from_secs_f64(1.0 / plan.rate);
    let permits = Arc::new(Semaphore::new(plan.max_connections as usize));
    let (tx, mut rx) = mpsc::unbounded_channel::<Sample>();
    let collector = tokio::spawn(async move {
        let mut hist = Histogram::<u64>::new_with_bounds(1, 3_600_000_000, 3)
            .expect("static histogram bounds are valid");
        let (mut completed, mut errors, mut samples) = (0u64, 0u64, Vec::<String>::new());
        while let Some((latency, result)) = rx.recv().await {
            completed += 1;
            let micros = u64::try_from(latency.as_micros()).unwrap_or(u64::MAX);
            hist.saturating_record(micros.max(1));
            if let Err(why) = result {
                errors += 1;
                if samples.len() < 3 && !samples.contains(&why) {
                    samples.push(why);
                }
            }
        }
        (hist, completed, errors, samples)
    });
    let ok_statuses: Arc<[u16]> = plan.ok_statuses.into();
    let start = Instant::now() + Duration::from_millis(5);
    let (mut dropped, mut peak) = (0u64, 0u32);
    for i in 0..scheduled {
        let due = start + interval.mul_f64(i as f64);
        if due > Instant::now() {
            tokio::time::sleep_until(due).await;
        } else if i % 64 == 0 {
            // Behind schedule: catch up, but let the requests' tasks run.
            tokio::task::yield_now().await;
        }
        let Ok(permit) = permits.clone().try_acquire_owned() else {
            dropped += 1;
            continue;
        };
        let in_flight = plan.max_connections - permits.available_permits() as u32;
        peak = peak.max(in_flight);
        let mut request = plan.client.request(plan.method.clone(), plan.url);
        for (k, v) in plan.headers {
            request = request.header(k.as_str(), v.as_str());
        }
        if let Some(body) = plan.body {
            request = request.body(body.to_string());
        }
        let ok = ok_statuses.clone();
        let tx = tx.clone();
        tokio::spawn(async move {
            let result = match request.send().await {
                Ok(response) => {
                    let status = response.status().as_u16();
                    // Read the body: the request is done when its answer is.
                    let body = response.bytes().await;
                    let good = if ok.is_empty() {
                        (200..300).contains(&status)
                    } else {
                        ok.contains(&status)
                    };
                    match body {
                        Err(e) => Err(format!("reading the body: {}", root(&e))),
                        Ok(_) if good => Ok(()),
                        Ok(_) => Err(format!("status {status}")),
                    }
                }
                Err(e) if e.is_timeout() => Err(format!(
                    "timed out after {}",
                    crate::duration::human(REQUEST_TIMEOUT)
                )),
                Err(e) => Err(root(&e)),
            };
            let _ = tx.send((due.elapsed(), result));
            drop(permit);
        });
    }
    let span = start.elapsed().max(plan.duration);
    drop(tx);
    let (hist, completed, errors, error_samples) = collector
        .await
        .expect("the latency collector does not panic");
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

fn round(v: f64) -> f64 {
    (v * 1000.0).round() / 1000.0
}

/// The root cause of a request error, on one line.
fn root(err: &reqwest::Error) -> String {
    let mut root: &dyn std::error::Error = err;
    while let Some(next) = root.source() {
        root = next;
    }
    root.to_string().replace('\n', " ")
}
