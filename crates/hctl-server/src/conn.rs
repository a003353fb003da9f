//! The accept loop of `hctl serve`: what a connection may cost the server.
//!
//! `axum::serve` has no timeouts and no cap, so one half-sent request held
//! SIGTERM forever and a few thousand slowloris connections exhausted the file
//! descriptors. Here every connection lives under [`Limits`], in the model of
//! Go's `http.Server`:
//! - the request head must arrive within `header_read_timeout`, counted from
//!   the accept or from the first byte after an idle period;
//! - a keep-alive connection with nothing to do is closed after `idle_timeout`
//!   (keep it above the load balancer's idle timeout);
//! - at most `max_connections` are open; past that the loop stops accepting
//!   and new ones wait in the kernel's backlog instead of costing descriptors;
//! - on shutdown the loop stops accepting, idle and half-open connections are
//!   closed at once, in-flight requests finish, and whatever is still open at
//!   `drain_timeout` is closed.
//!
//! A request being handled is never cut by these timers: the request timeout
//! middleware bounds it.

use std::convert::Infallible;
use std::future::Future;
use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::OnceLock;
use std::sync::atomic::Ordering::SeqCst;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize};
use std::sync::{Arc, Mutex, PoisonError};
use std::task::{Context, Poll, Waker};
use std::time::Duration;

use anyhow::Result;
use axum::body::Body;
use axum::extract::ConnectInfo;
use futures::task::AtomicWaker;
use hyper::body::Incoming;
use hyper_util::rt::{TokioExecutor, TokioIo};
use hyper_util::server::conn::auto;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{Semaphore, watch};
use tokio::task::JoinSet;
use tokio::time::Instant;
use tower::Service;

use super::edge::Edge;

/// What one connection may cost (see the module docs).
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub header_read_timeout: Duration,
    pub idle_timeout: Duration,
    pub max_connections: usize,
    pub drain_timeout: Duration,
}

/// Descriptors kept free for the database pool, files and the cache.
const RESERVED_FDS: u64 = 128;

/// Serve `app` on `listener` until `shutdown` resolves, then drain.
pub async fn serve<F>(listener: TcpListener, app: Edge, limits: Limits, shutdown: F) -> Result<()>
where
    F: Future<Output = ()> + Send,
{
    let cap = connection_cap(limits.max_connections);
    let permits = Arc::new(Semaphore::new(cap));
    let (drain_tx, drain_rx) = watch::channel(false);
    let builder = auto::Builder::new(TokioExecutor::new());
    let mut tasks = JoinSet::new();
    tokio::pin!(shutdown);
    loop {
        let permit = tokio::select! {
            biased;
            () = &mut shutdown => break,
            permit = permits.clone().acquire_owned() => match permit {
                Ok(permit) => permit,
                Err(_) => break,
            },
        };
        let (stream, peer) = tokio::select! {
            biased;
            () = &mut shutdown => break,
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(err) => {
                    // EMFILE and friends: back off instead of spinning, keep serving.
                    tracing::warn!(error = %err, "could not accept a connection");
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    continue;
                }
            },
        };
        while tasks.try_join_next().is_some() {}
        let _ = stream.set_nodelay(true);
        let activity = Arc::new(Activity::new());
        let io = TokioIo::new(Tracked {
            inner: stream,
            activity: activity.clone(),
        });
        let service = service(app.clone(), peer, activity.clone());
        let builder = builder.clone();
        let drain = drain_rx.clone();
        tasks.spawn(async move {
            let _permit = permit;
            let _watchdog = AbortOnDrop(tokio::spawn({
                let activity = activity.clone();
                async move { watchdog(&activity, &limits, drain).await }
            }));
            let conn = builder.serve_connection_with_upgrades(io, service);
            tokio::pin!(conn);
            let mut draining = false;
            loop {
                tokio::select! {
                    biased;
                    result = conn.as_mut() => {
                        if let Err(err) = result {
                            tracing::debug!(peer = %peer, error = %err, "connection ended with an error");
                        }
                        break;
                    }
                    stop = activity.stopped(draining) => match stop {
                        Stop::Drain => {
                            draining = true;
                            conn.as_mut().graceful_shutdown();
                        }
                        Stop::Close(reason) => {
                            tracing::debug!(peer = %peer, reason, "closing connection");
                            break;
                        }
                    },
                }
            }
        });
    }
    drop(listener);
    let _ = drain_tx.send(true);
    tracing::info!(
        connections = tasks.len(),
        deadline_s = limits.drain_timeout.as_secs_f64(),
        "shutting down: no new connections, draining in-flight requests"
    );
    let drained = tokio::time::timeout(limits.drain_timeout, async {
        while tasks.join_next().await.is_some() {}
    })
    .await;
    if drained.is_err() {
        tracing::warn!(
            connections = tasks.len(),
            "drain deadline passed: closing the connections still open"
        );
    }
    tasks.abort_all();
    while tasks.join_next().await.is_some() {}
    Ok(())
}

/// The app as a hyper service for one connection: the peer address as
/// `ConnectInfo`, each request counted in flight while it is handled.
///
/// The connection's own [`Edge`] is called in place, under a lock only its
/// requests take (HTTP/2 streams may come in at once): cloning it for each
/// request, as a tower service is usually called from hyper, cloned the CORS
/// configuration and the router's shared reference count every time.
fn service(
    app: Edge,
    peer: SocketAddr,
    activity: Arc<Activity>,
) -> impl hyper::service::Service<
    hyper::Request<Incoming>,
    Response = axum::response::Response,
    Error = Infallible,
    Future = impl Future<Output = Result<axum::response::Response, Infallible>> + Send + 'static,
> {
    let app = Mutex::new(app);
    hyper::service::service_fn(move |mut request: hyper::Request<Incoming>| {
        request.extensions_mut().insert(ConnectInfo(peer));
        let in_flight = activity.begin();
        let handled = {
            let mut app = app.lock().unwrap_or_else(PoisonError::into_inner);
            // Stamp, CORS and the router are always ready: none holds
            // requests back (the limits are in the routes' own layers).
            let ready = app.poll_ready(&mut Context::from_waker(Waker::noop()));
            debug_assert!(ready.is_ready());
            app.call(request.map(Body::new))
        };
        async move {
            let response = handled.await;
            drop(in_flight);
            response
        }
    })
}

/// The watchdog of one connection, a task of its own: it says drain when
/// the server shuts down, and close (with the reason) when the connection has
/// been idle or half-sent too long, or is half-sent at shutdown. It looks
/// every [`tick`], not at each request. The connection reads its verdict
/// (atomics of its own) when woken; polled in the connection's task instead,
/// its timer and the shutdown signal, a lock all connections share, were
/// looked at on every socket wake-up.
async fn watchdog(activity: &Activity, limits: &Limits, mut drain: watch::Receiver<bool>) {
    let tick = tick(limits);
    loop {
        let draining = *drain.borrow();
        if draining {
            activity.stop(Stop::Drain);
        }
        if let Some(reason) = overdue(&activity.state(), limits, draining) {
            activity.stop(Stop::Close(reason));
            return;
        }
        tokio::select! {
            () = tokio::time::sleep(tick) => {}
            _ = drain.changed(), if !draining => {}
        }
    }
}

/// Why a connection in `state` should be closed now, if it should.
fn overdue(state: &State, limits: &Limits, draining: bool) -> Option<&'static str> {
    let now = Instant::now();
    if state.in_flight > 0 {
        // A request being handled is bounded by the request timeout.
        None
    } else if let Some(started) = state.head_started {
        if draining {
            Some("shutting down: half-sent request")
        } else if started + limits.header_read_timeout <= now {
            Some("header read timeout")
        } else {
            None
        }
    } else if state.idle_since + limits.idle_timeout <= now {
        Some("idle timeout")
    } else {
        None
    }
}

/// What the watchdog tells its connection.
#[derive(Debug, Clone, Copy)]
enum Stop {
    /// Finish the request in flight, then close (the server shuts down).
    Drain,
    /// Close now, for this reason.
    Close(&'static str),
}

/// Aborts the task when dropped: a watchdog ends with its connection.
struct AbortOnDrop(tokio::task::JoinHandle<()>);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// How often [`watchdog`] looks: a quarter of the shorter timeout, between
/// 10 ms and 1 s, so a connection closes at most that late.
fn tick(limits: &Limits) -> Duration {
    (limits.header_read_timeout.min(limits.idle_timeout) / 4)
        .clamp(Duration::from_millis(10), Duration::from_secs(1))
}

/// Where one connection is in its request cycle, in atomics: the socket
/// reports every read and write, so a lock here was taken several times per
/// request.
struct Activity {
    /// The origin of the stored times (nanoseconds since it, plus one, so 0
    /// means "none").
    base: Instant,
    /// Requests being handled.
    in_flight: AtomicUsize,
    /// The first byte of a request head that is not complete yet (or the
    /// accept, for the first request); 0 when none.
    head_started: AtomicU64,
    /// Last response or write, for the idle timeout.
    idle_since: AtomicU64,
    /// The watchdog said drain.
    draining: AtomicBool,
    /// The watchdog said close, and why.
    closing: OnceLock<&'static str>,
    /// The connection's task, woken by the watchdog's verdict.
    verdict: AtomicWaker,
}

/// What [`watchdog`] looks at: one reading of an [`Activity`].
struct State {
    in_flight: usize,
    head_started: Option<Instant>,
    idle_since: Instant,
}

impl Activity {
    fn new() -> Self {
        Activity {
            base: Instant::now(),
            in_flight: AtomicUsize::new(0),
            head_started: AtomicU64::new(1),
            idle_since: AtomicU64::new(1),
            draining: AtomicBool::new(false),
            closing: OnceLock::new(),
            verdict: AtomicWaker::new(),
        }
    }

    /// The watchdog's verdict, for the connection's task.
    fn stop(&self, stop: Stop) {
        match stop {
            Stop::Drain => self.draining.store(true, SeqCst),
            Stop::Close(reason) => {
                let _ = self.closing.set(reason);
            }
        }
        self.verdict.wake();
    }

    /// Resolves with the watchdog's verdict: a drain only once (`drained`
    /// once it was seen), a close always.
    fn stopped(&self, drained: bool) -> impl Future<Output = Stop> + '_ {
        let verdict = move || match self.closing.get() {
            Some(reason) => Some(Stop::Close(reason)),
            None => (!drained && self.draining.load(SeqCst)).then_some(Stop::Drain),
        };
        std::future::poll_fn(move |cx| {
            if let Some(stop) = verdict() {
                return Poll::Ready(stop);
            }
            self.verdict.register(cx.waker());
            verdict().map_or(Poll::Pending, Poll::Ready)
        })
    }

    /// Now, as a stored time (never 0).
    fn now(&self) -> u64 {
        u64::try_from(self.base.elapsed().as_nanos())
            .unwrap_or(u64::MAX - 1)
            .saturating_add(1)
    }

    fn at(&self, stored: u64) -> Instant {
        self.base + Duration::from_nanos(stored.saturating_sub(1))
    }

    fn state(&self) -> State {
        let head_started = self.head_started.load(SeqCst);
        State {
            in_flight: self.in_flight.load(SeqCst),
            head_started: (head_started != 0).then(|| self.at(head_started)),
            idle_since: self.at(self.idle_since.load(SeqCst)),
        }
    }

    fn begin(self: &Arc<Self>) -> InFlight {
        self.in_flight.fetch_add(1, SeqCst);
        self.head_started.store(0, SeqCst);
        InFlight(self.clone())
    }

    fn read(&self) {
        if self.in_flight.load(SeqCst) == 0 && self.head_started.load(SeqCst) == 0 {
            let _ = self
                .head_started
                .compare_exchange(0, self.now(), SeqCst, SeqCst);
        }
    }

    fn wrote(&self) {
        if self.in_flight.load(SeqCst) == 0 {
            self.idle_since.store(self.now(), SeqCst);
        }
    }
}

/// A request being handled; dropping it makes the connection idle again.
struct InFlight(Arc<Activity>);

impl Drop for InFlight {
    fn drop(&mut self) {
        self.0.in_flight.fetch_sub(1, SeqCst);
        self.0.idle_since.store(self.0.now(), SeqCst);
    }
}

/// The socket, reporting reads and writes to its [`Activity`].
struct Tracked {
    inner: TcpStream,
    activity: Arc<Activity>,
}

impl AsyncRead for Tracked {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let before = buf.filled().len();
        let poll = Pin::new(&mut self.inner).poll_read(cx, buf);
        if matches!(poll, Poll::Ready(Ok(()))) && buf.filled().len() > before {
            self.activity.read();
        }
        poll
    }
}

impl AsyncWrite for Tracked {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let poll = Pin::new(&mut self.inner).poll_write(cx, buf);
        if matches!(poll, Poll::Ready(Ok(n)) if n > 0) {
            self.activity.wrote();
        }
        poll
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let poll = Pin::new(&mut self.inner).poll_write_vectored(cx, bufs);
        if matches!(poll, Poll::Ready(Ok(n)) if n > 0) {
            self.activity.wrote();
        }
        poll
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}

/// `max_connections`, lowered when the open-file limit could not hold it.
/// The soft limit is raised to the hard one first, as Go's runtime does.
fn connection_cap(max_connections: usize) -> usize {
    let Some(files) = raise_open_file_limit() else {
        return max_connections;
    };
    let fit = usize::try_from(files.saturating_sub(RESERVED_FDS).max(1)).unwrap_or(usize::MAX);
    if fit < max_connections {
        tracing::warn!(
            max_connections,
            open_file_limit = files,
            "MAX_CONNECTIONS is more than the open-file limit holds: capping at {fit}"
        );
        fit
    } else {
        max_connections
    }
}

/// Raise `RLIMIT_NOFILE`'s soft limit to its hard limit; the limit in effect.
#[cfg(unix)]
fn raise_open_file_limit() -> Option<u64> {
    let mut limit = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: getrlimit/setrlimit only read and write the struct passed.
    unsafe {
        if libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit) != 0 {
            return None;
        }
        if limit.rlim_cur < limit.rlim_max {
            let raised = libc::rlimit {
                rlim_cur: limit.rlim_max,
                rlim_max: limit.rlim_max,
            };
            if libc::setrlimit(libc::RLIMIT_NOFILE, &raised) == 0 {
                limit = raised;
            }
        }
    }
    Some(limit.rlim_cur)
}

#[cfg(not(unix))]
fn raise_open_file_limit() -> Option<u64> {
    None
}
