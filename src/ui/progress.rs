//! Progress on stderr (indicatif) that exists only when [`Style::progress`] is
//! set: on a terminal, not `--quiet`, not JSON/JUnit. Otherwise every bar is
//! hidden and costs nothing, so callers never branch on it.

use std::collections::HashMap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::output::Style;
use crate::preflight::Observer;

/// A callback that advances `bar` by the bytes it is told about: how a
/// domain transfer (`db::transfer::OnBytes`) drives a byte bar.
pub fn advance(bar: &ProgressBar) -> Box<dyn Fn(u64) + Send + Sync> {
    let bar = bar.clone();
    Box::new(move |n| bar.inc(n))
}

/// A set of live progress lines.
pub struct Progress {
    multi: MultiProgress,
}

impl Progress {
    pub fn new(style: &Style) -> Self {
        let target = if style.progress {
            ProgressDrawTarget::stderr()
        } else {
            ProgressDrawTarget::hidden()
        };
        Progress {
            multi: MultiProgress::with_draw_target(target),
        }
    }

    /// A spinner with a message, ticking by itself.
    pub fn spinner(&self, message: impl Into<String>) -> ProgressBar {
        let bar = self.multi.add(ProgressBar::new_spinner());
        bar.set_style(
            ProgressStyle::with_template("{spinner} {msg} {elapsed:.dim}")
                .unwrap_or_else(|_| ProgressStyle::default_spinner()),
        );
        bar.set_message(message.into());
        bar.enable_steady_tick(Duration::from_millis(100));
        bar
    }

    /// A counting bar ("12/40 checks").
    pub fn counter(&self, total: u64, message: impl Into<String>) -> ProgressBar {
        let bar = self.multi.add(ProgressBar::new(total));
        bar.set_style(
            ProgressStyle::with_template("{bar:30} {pos}/{len} {msg}")
                .unwrap_or_else(|_| ProgressStyle::default_bar()),
        );
        bar.set_message(message.into());
        bar
    }

    /// A byte bar with rate ("120 MiB 45 MiB/s").
    pub fn bytes(&self, total: Option<u64>, message: impl Into<String>) -> ProgressBar {
        let bar = match total {
            Some(n) => self.multi.add(ProgressBar::new(n)),
            None => self.multi.add(ProgressBar::no_length()),
        };
        bar.set_style(
            ProgressStyle::with_template(
                "{spinner} {msg} {bytes} {binary_bytes_per_sec} {elapsed}",
            )
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
        );
        bar.set_message(message.into());
        bar.enable_steady_tick(Duration::from_millis(200));
        bar
    }

    /// Remove every bar (before a prompt or the final table).
    pub fn clear(&self) {
        let _ = self.multi.clear();
    }
}

/// Spinner lines shown at once; more running checks only move the counter.
const MAX_SPINNERS: usize = 8;

/// The progress of a run of checks: a counter, and a spinner for each of
/// the first few running at once.
pub struct Checks {
    progress: Progress,
    counter: ProgressBar,
    running: AtomicUsize,
    spinners: Mutex<HashMap<usize, ProgressBar>>,
}

impl Checks {
    pub fn new(style: &Style, total: usize) -> Self {
        let progress = Progress::new(style);
        let counter = progress.counter(total as u64, "checks");
        Checks {
            progress,
            counter,
            running: AtomicUsize::new(0),
            spinners: Mutex::new(HashMap::new()),
        }
    }

    /// Remove every line (before the report is printed).
    pub fn clear(&self) {
        self.counter.finish_and_clear();
        self.progress.clear();
    }
}

impl Observer for Checks {
    fn started(&self, index: usize, label: &str) {
        if self.running.fetch_add(1, Ordering::Relaxed) < MAX_SPINNERS {
            let spinner = self.progress.spinner(label);
            self.spinners
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .insert(index, spinner);
        }
    }

    fn finished(&self, index: usize) {
        let spinner = self
            .spinners
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .remove(&index);
        if let Some(spinner) = spinner {
            spinner.finish_and_clear();
        }
        self.running.fetch_sub(1, Ordering::Relaxed);
        self.counter.inc(1);
    }
}
