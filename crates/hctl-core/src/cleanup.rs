//! Clean-ups that must finish before hctl exits, however the command ended
//! (success, error, Ctrl-C): aborting an unfinished S3 multipart upload, for
//! one. Work started where nothing can await it (a `Drop` while Ctrl-C cancels
//! the command) is registered here, and `main` waits for all of it, up to a
//! deadline, before the process exits, instead of the runtime dropping it.

use std::future::Future;
use std::sync::Mutex;
use std::time::Duration;

use tokio::task::JoinHandle;

/// Registered clean-ups not yet awaited: what each does, and its task.
static PENDING: Mutex<Vec<(String, JoinHandle<()>)>> = Mutex::new(Vec::new());

/// Run `work` on the current runtime; [`finish`] waits for it before hctl
/// exits. Without a runtime there is nothing to run it on: returns `false`.
pub fn spawn(what: impl Into<String>, work: impl Future<Output = ()> + Send + 'static) -> bool {
    let Ok(runtime) = tokio::runtime::Handle::try_current() else {
        return false;
    };
    let task = runtime.spawn(work);
    PENDING
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .push((what.into(), task));
    true
}

/// Wait for every registered clean-up (also those registered meanwhile), at
/// most `deadline` in all; a second Ctrl-C stops waiting. Those abandoned are
/// named in a warning.
pub async fn finish(deadline: Duration) {
    let unfinished = || -> Vec<String> {
        PENDING
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .iter()
            .filter(|(_, task)| !task.is_finished())
            .map(|(what, _)| what.clone())
            .collect()
    };
    if unfinished().is_empty() {
        return;
    }
    let wait = async {
        while !unfinished().is_empty() {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    };
    tokio::select! {
        _ = tokio::time::timeout(deadline, wait) => {}
        _ = tokio::signal::ctrl_c() => {}
    }
    let abandoned = unfinished();
    PENDING.lock().unwrap_or_else(|p| p.into_inner()).clear();
    if !abandoned.is_empty() {
        tracing::warn!(
            "exiting without waiting longer for: {}",
            abandoned.join("; ")
        );
    }
}
