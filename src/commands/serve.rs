//! `hctl serve`: run the Health Companion API server until SIGTERM/Ctrl-C.

use std::time::Duration;

use anyhow::{Context, Result};

use super::Ctx;
use crate::cli::serve::ServeArgs;
use crate::exit::Exit;
use crate::output;
use crate::server::{self, ServerSettings};

impl ServeArgs {
    fn settings(self) -> ServerSettings {
        let zero_config = self.database_url.is_none();
        let empty = |v: Option<String>| v.filter(|s| !s.is_empty());
        ServerSettings {
            bind: self.bind,
            database_url: self
                .database_url
                .unwrap_or_else(|| "sqlite://healthtracker.db".into()),
            storage_url: self.storage_url,
            s3_endpoint: empty(self.s3_endpoint),
            redis_url: empty(self.redis_url),
            jwt_secret: empty(self.jwt_secret),
            admin_token: empty(self.admin_token),
            sentry_dsn: empty(self.sentry_dsn),
            cors_origins: self
                .cors_origins
                .into_iter()
                .filter(|o| !o.is_empty())
                .collect(),
            production: self.production,
            // The embedded SQLite default is this process's own file: migrate it.
            migrate: self.migrate || zero_config,
            rate_limit_ip: self.rate_limit_ip,
            rate_limit_user: self.rate_limit_user,
            login_attempts: self.login_attempts,
            retention_days: self.retention_days,
            purge_interval: Duration::from_secs(self.purge_interval.into()),
            trust_forwarded_for: self.trust_forwarded_for,
            db_max_connections: self.db_max_connections,
            request_timeout: Duration::from_secs(self.request_timeout.into()),
            header_read_timeout: Duration::from_secs(self.header_read_timeout.into()),
            idle_timeout: Duration::from_secs(self.idle_timeout.into()),
            max_connections: self.max_connections,
            drain_timeout: Duration::from_secs(self.drain_timeout.into()),
            ..ServerSettings::default()
        }
    }
}

pub async fn run(ctx: &Ctx, args: ServeArgs) -> Result<Exit> {
    let settings = args.settings();
    // Refuse bad settings before taking the port or saying "listening": a pod
    // that cannot serve must fail fast, not look alive. (The server checks
    // again as it launches; the check is pure and cheap.)
    settings.clone().check()?;
    let listener = tokio::net::TcpListener::bind(settings.bind)
        .await
        .with_context(|| format!("could not listen on `{}`", settings.bind))?;
    let addr = listener
        .local_addr()
        .context("could not read the listening address")?;
    output::note(
        &ctx.style,
        &format!("hctl serve: listening on http://{addr}"),
    );
    let server = server::launch_with_listener(settings, listener, shutdown_signal());
    tokio::pin!(server);
    tokio::select! {
        result = &mut server => result?,
        // The first Ctrl-C drains; a second one stops without waiting.
        () = second_interrupt() => return Err(crate::exit::Interrupted.into()),
    }
    Ok(Exit::Success)
}

async fn second_interrupt() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        if let Ok(mut int) = signal(SignalKind::interrupt()) {
            int.recv().await;
            int.recv().await;
            return;
        }
    }
    std::future::pending::<()>().await
}

/// SIGTERM (Kubernetes) or Ctrl-C: stop taking connections and drain. The
/// handlers are installed now, not when the future is first polled, so a
/// signal during start-up (migrations) is not fatal either.
pub(super) fn shutdown_signal() -> impl std::future::Future<Output = ()> + Send + 'static {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        let term = signal(SignalKind::terminate());
        let int = signal(SignalKind::interrupt());
        async move {
            match (term, int) {
                (Ok(mut term), Ok(mut int)) => {
                    tokio::select! {
                        _ = term.recv() => {}
                        _ = int.recv() => {}
                    }
                }
                _ => {
                    let _ = tokio::signal::ctrl_c().await;
                }
            }
        }
    }
    #[cfg(not(unix))]
    {
        async {
            let _ = tokio::signal::ctrl_c().await;
        }
    }
}
