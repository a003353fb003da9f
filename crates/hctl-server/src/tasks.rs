//! Supervised background work. A background task that panics is logged,
//! counted, reported by `/api/healthz` (`checks.background: "failing"`) and
//! restarted after [`RESTART_DELAY`]; it never stops silently. A task also
//! reports its own recoverable failures (a purge the database refused) the
//! same way, and clears them with its next clean round.

use std::future::Future;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use tokio::sync::watch;

/// Pause before a failed task is started again.
pub const RESTART_DELAY: Duration = Duration::from_secs(5);

/// How a background task is doing.
#[derive(Debug, Default)]
pub struct TaskHealth {
    restarts: AtomicU64,
    failing: Mutex<Option<String>>,
}

impl TaskHealth {
    /// The task failed (or panicked): `why` until its next clean round.
    pub fn failed(&self, why: String) {
        *self.lock() = Some(why);
    }

    /// The task completed a round without failure.
    pub fn succeeded(&self) {
        *self.lock() = None;
    }

    /// `ok` or `failing`, for `/api/healthz`.
    pub fn state(&self) -> &'static str {
        if self.lock().is_some() {
            "failing"
        } else {
            "ok"
        }
    }

    /// The last failure, while failing.
    pub fn failure(&self) -> Option<String> {
        self.lock().clone()
    }

    /// How often the task was restarted after a panic.
    pub fn restarts(&self) -> u64 {
        self.restarts.load(Ordering::Relaxed)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Option<String>> {
        self.failing.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// Run `make()` as a task until it returns (it should, once `stop` says so);
/// when it panics, log and record it, wait `delay` and start a new one.
pub async fn supervise<F, Fut>(
    name: &'static str,
    health: std::sync::Arc<TaskHealth>,
    delay: Duration,
    mut stop: watch::Receiver<bool>,
    mut make: F,
) where
    F: FnMut() -> Fut,
    Fut: Future<Output = ()> + Send + 'static,
{
    loop {
        let err = match tokio::spawn(make()).await {
            Ok(()) => return,
            Err(err) if err.is_cancelled() => return,
            Err(err) => err,
        };
        let why = panic_text(err.into_panic());
        health.restarts.fetch_add(1, Ordering::Relaxed);
        tracing::error!(
            task = name,
            error = %why,
            "background task panicked: restarting it in {} ms",
            delay.as_millis()
        );
        health.failed(format!("panicked: {why}"));
        tokio::select! {
            _ = tokio::time::sleep(delay) => {}
            _ = stop.changed() => return,
        }
        if *stop.borrow() {
            return;
        }
    }
}

fn panic_text(payload: Box<dyn std::any::Any + Send>) -> String {
    match payload.downcast::<String>() {
        Ok(text) => *text,
        Err(payload) => payload
            .downcast_ref::<&str>()
            .map_or_else(|| "unknown panic".to_string(), |s| s.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;
    use std::sync::atomic::AtomicU32;

    #[tokio::test]
    async fn a_panicking_task_is_reported_and_restarted() {
        let health = Arc::new(TaskHealth::default());
        let (stop_tx, stop_rx) = watch::channel(false);
        let runs = Arc::new(AtomicU32::new(0));
        let (seen_tx, mut seen_rx) = tokio::sync::mpsc::unbounded_channel();
        let supervisor = {
            let (health, inner) = (health.clone(), health.clone());
            let stop = stop_rx.clone();
            tokio::spawn(supervise(
                "test",
                health,
                Duration::from_millis(10),
                stop_rx,
                move || {
                    let (runs, health, seen) = (runs.clone(), inner.clone(), seen_tx.clone());
                    let mut stop = stop.clone();
                    async move {
                        if runs.fetch_add(1, Ordering::Relaxed) == 0 {
                            panic!("boom");
                        }
                        // The restarted task sees the failure, then recovers.
                        let _ = seen.send((health.state(), health.failure(), health.restarts()));
                        health.succeeded();
                        let _ = seen.send((health.state(), None, health.restarts()));
                        let _ = stop.changed().await;
                    }
                },
            ))
        };
        let (state, failure, restarts) = seen_rx.recv().await.unwrap();
        assert_eq!((state, restarts), ("failing", 1));
        assert_eq!(failure.as_deref(), Some("panicked: boom"));
        assert_eq!(seen_rx.recv().await.unwrap().0, "ok");
        stop_tx.send(true).unwrap();
        tokio::time::timeout(Duration::from_secs(5), supervisor)
            .await
            .expect("the supervisor stops with the task")
            .unwrap();
    }
}
