//! The JSON log's writer: each line is appended to a shared buffer, and a
//! thread writes the buffer out every [`INTERVAL`] (sooner once it holds
//! [`BATCH`] bytes). Logging a line costs a copy under a short lock: no
//! system call and no wake-up of another thread, which a writer thread
//! woken per line (tracing-appender's) cost at every request.
//!
//! Not lossy: past [`LIMIT`] bytes waiting (the output is slower than the
//! log), the thread that logs writes the buffer out itself. Lines keep their
//! order, and each reaches the output whole. [`Guard`] writes what is left
//! when dropped: keep it until exit.

use std::io::{self, Write};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};
use std::thread::JoinHandle;
use std::time::Duration;

use tracing_subscriber::fmt::MakeWriter;

/// How long a line may wait in the buffer.
const INTERVAL: Duration = Duration::from_millis(20);
/// A buffer this full is written out without waiting for the interval.
const BATCH: usize = 256 * 1024;
/// A buffer this full is written out by the thread that logs.
const LIMIT: usize = 16 * 1024 * 1024;

struct Pending {
    lines: Vec<u8>,
    stop: bool,
}

struct Shared {
    pending: Mutex<Pending>,
    /// Wakes the writer thread (a full batch, or stop).
    wake: Condvar,
    /// The output; held while a batch is written, so batches keep their order.
    out: Mutex<Box<dyn Write + Send>>,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    // Plain data: a panic while holding it leaves it usable.
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

impl Shared {
    /// Write out what is pending; with the output locked first, so a batch
    /// taken later is never written before this one.
    fn drain(&self, spare: &mut Vec<u8>) {
        let mut out = lock(&self.out);
        std::mem::swap(&mut lock(&self.pending).lines, spare);
        if !spare.is_empty() {
            // Nowhere to report a failing log output: the lines are dropped.
            let _ = out.write_all(spare).and_then(|()| out.flush());
            spare.clear();
        }
    }

    fn run(&self) {
        let mut spare = Vec::with_capacity(BATCH);
        loop {
            let stop = {
                let pending = lock(&self.pending);
                let (pending, _) = self
                    .wake
                    .wait_timeout_while(pending, INTERVAL, |p| p.lines.len() < BATCH && !p.stop)
                    .unwrap_or_else(PoisonError::into_inner);
                pending.stop
            };
            self.drain(&mut spare);
            if stop {
                return;
            }
        }
    }
}

/// The writer: a [`MakeWriter`] for the fmt layer.
#[derive(Clone)]
pub struct Batched {
    shared: Arc<Shared>,
}

/// Stops the writer thread and writes what is pending, when dropped.
pub struct Guard {
    shared: Arc<Shared>,
    thread: Option<JoinHandle<()>>,
}

/// A batching writer to `out`, with its thread started.
pub fn batched(out: impl Write + Send + 'static) -> io::Result<(Batched, Guard)> {
    let shared = Arc::new(Shared {
        pending: Mutex::new(Pending {
            lines: Vec::with_capacity(BATCH),
            stop: false,
        }),
        wake: Condvar::new(),
        out: Mutex::new(Box::new(out)),
    });
    let thread = std::thread::Builder::new().name("hctl-log".into()).spawn({
        let shared = shared.clone();
        move || shared.run()
    })?;
    Ok((
        Batched {
            shared: shared.clone(),
        },
        Guard {
            shared,
            thread: Some(thread),
        },
    ))
}

impl Write for &Batched {
    fn write(&mut self, line: &[u8]) -> io::Result<usize> {
        let mut pending = lock(&self.shared.pending);
        let before = pending.lines.len();
        pending.lines.extend_from_slice(line);
        let after = pending.lines.len();
        drop(pending);
        if after >= LIMIT {
            self.shared.drain(&mut Vec::new());
        } else if before < BATCH && after >= BATCH {
            self.shared.wake.notify_one();
        }
        Ok(line.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl<'a> MakeWriter<'a> for Batched {
    type Writer = &'a Batched;

    fn make_writer(&'a self) -> &'a Batched {
        self
    }
}

impl Drop for Guard {
    fn drop(&mut self) {
        lock(&self.shared.pending).stop = true;
        self.shared.wake.notify_one();
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
        // Lines logged after the thread stopped (other threads still running).
        self.shared.drain(&mut Vec::new());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An output the test can read back.
    #[derive(Clone, Default)]
    struct Sink(Arc<Mutex<Vec<u8>>>);

    impl Write for Sink {
        fn write(&mut self, data: &[u8]) -> io::Result<usize> {
            lock(&self.0).extend_from_slice(data);
            Ok(data.len())
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn lines_arrive_whole_in_order_and_all_by_the_guard() {
        let sink = Sink::default();
        let (writer, guard) = batched(sink.clone()).unwrap();
        let threads: Vec<_> = (0..4)
            .map(|t| {
                let writer = writer.clone();
                std::thread::spawn(move || {
                    for i in 0..20_000 {
                        let line = format!("{t} {i} {}\n", "x".repeat(i % 300));
                        (&writer).write_all(line.as_bytes()).unwrap();
                    }
                })
            })
            .collect();
        for t in threads {
            t.join().unwrap();
        }
        drop(guard);
        let text = String::from_utf8(lock(&sink.0).clone()).unwrap();
        let mut next = [0usize; 4];
        for line in text.lines() {
            let mut parts = line.split(' ');
            let t: usize = parts.next().unwrap().parse().unwrap();
            let i: usize = parts.next().unwrap().parse().unwrap();
            assert_eq!(i, next[t], "thread {t} in order");
            assert_eq!(parts.next().unwrap().len(), i % 300, "line whole");
            next[t] += 1;
        }
        assert_eq!(next, [20_000; 4]);
    }

    #[test]
    fn a_line_is_written_within_the_interval() {
        let sink = Sink::default();
        let (writer, _guard) = batched(sink.clone()).unwrap();
        (&writer).write_all(b"one\n").unwrap();
        std::thread::sleep(INTERVAL * 10);
        assert_eq!(lock(&sink.0).as_slice(), b"one\n");
    }
}
