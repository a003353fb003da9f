//! Storage of the Health Companion API: one [`Db`] over SQLite (the embedded
//! default) and PostgreSQL (production), plus the migration runner.
//!
//! Queries are runtime-checked (`sqlx::query_as`) and written once in SQL both
//! backends accept (`$N` parameters, `RETURNING`, `ON CONFLICT`); [`on_pool!`]
//! runs the same code against whichever pool is open. Building needs no database.

pub mod lint;
pub mod migrate;
pub mod pg;
pub mod url;

pub use pg::PgDb;
pub use url::DbUrl;

use std::time::Duration;

use anyhow::{Context, Result};
use sqlx::SqlitePool;
use sqlx::postgres::PgPoolOptions;
use sqlx::sqlite::{SqliteJournalMode, SqlitePoolOptions};

use crate::redact::redact_url;

/// Which database a [`Db`] talks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    pub fn as_str(self) -> &'static str {
        match self {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgres",
        }
    }
}

/// A connection pool to the application database.
#[derive(Clone, Debug)]
pub enum Db {
    Sqlite(SqlitePool),
    Postgres(PgDb),
}

/// Run `$body` with `$pool` bound to the open pool, whichever backend it is.
/// The body is compiled once per backend, so it must be valid for both. Its
/// wall time (the query, waiting for a connection included) goes to
/// [`timing::observe`]: the server's `db_query_duration_seconds`.
#[macro_export]
macro_rules! on_pool {
    ($db:expr, $pool:ident => $body:expr) => {{
        let started = ::std::time::Instant::now();
        let result = match $db {
            $crate::store::Db::Sqlite($pool) => $body,
            $crate::store::Db::Postgres($pool) => $body,
        };
        $crate::store::timing::observe(started.elapsed());
        result
    }};
}

/// Where the time of database calls goes: nowhere, until the API server
/// installs its histograms (one per process, like the pools' statistics).
pub mod timing {
    use std::sync::OnceLock;
    use std::time::Duration;

    /// Where each measurement goes.
    #[derive(Clone, Copy)]
    pub struct Observers {
        /// Every [`on_pool!`](crate::on_pool) call, waiting included.
        pub query: fn(Duration),
        /// Each wait for a PostgreSQL pool connection.
        pub pool_wait: fn(Duration),
    }

    static OBSERVERS: OnceLock<Observers> = OnceLock::new();

    /// Send every later measurement to `observers`; the first ones
    /// installed stay.
    pub fn set_observers(observers: Observers) {
        let _ = OBSERVERS.set(observers);
    }

    /// Record one database call.
    pub fn observe(elapsed: Duration) {
        if let Some(o) = OBSERVERS.get() {
            (o.query)(elapsed);
        }
    }

    /// Record one wait for a pool connection.
    pub fn observe_pool_wait(waited: Duration) {
        if let Some(o) = OBSERVERS.get() {
            (o.pool_wait)(waited);
        }
    }
}

/// Implement `sqlx::FromRow` for both backends' rows by column name, the way
/// `#[derive(sqlx::FromRow)]` does, without sqlx's `macros` feature (which builds
/// a second host copy of sqlx and SQLite). `field: Type` reads a nested row
/// struct from the same columns (the derive's `#[sqlx(flatten)]`).
#[macro_export]
macro_rules! from_row {
    ($name:ident { $($field:ident $(: $flat:ty)?),* $(,)? }) => {
        $crate::from_row!(@impl ::sqlx::postgres::PgRow, $name { $($field $(: $flat)?),* });
        $crate::from_row!(@impl ::sqlx::sqlite::SqliteRow, $name { $($field $(: $flat)?),* });
    };
    (@impl $row:ty, $name:ident { $($field:ident $(: $flat:ty)?),* }) => {
        impl<'r> ::sqlx::FromRow<'r, $row> for $name {
            fn from_row(row: &'r $row) -> ::std::result::Result<Self, ::sqlx::Error> {
                Ok(Self { $($field: $crate::from_row!(@get row, $field $(: $flat)?)),* })
            }
        }
    };
    (@get $row:ident, $field:ident) => {
        ::sqlx::Row::try_get($row, stringify!($field))?
    };
    (@get $row:ident, $field:ident : $flat:ty) => {
        ::sqlx::FromRow::from_row($row)?
    };
}

/// Pool sizing and timeouts.
#[derive(Debug, Clone, Copy)]
pub struct PoolOptions {
    pub max_connections: u32,
    pub acquire_timeout: Duration,
}

impl Default for PoolOptions {
    fn default() -> Self {
        PoolOptions {
            max_connections: 16,
            acquire_timeout: Duration::from_secs(5),
        }
    }
}

impl Db {
    /// Open a pool for `url` (`sqlite://FILE`, `postgres://…`). A SQLite file is
    /// created when missing and runs in WAL mode. The pool connects lazily, so
    /// a server can start (and report 503) while PostgreSQL is down.
    pub fn open(url: &str, options: PoolOptions) -> Result<Db> {
        let url = DbUrl::parse(url)?;
        Ok(match url.backend() {
            Backend::Sqlite => {
                let connect = url
                    .sqlite_options()?
                    .create_if_missing(true)
                    .journal_mode(SqliteJournalMode::Wal)
                    .foreign_keys(true)
                    .busy_timeout(Duration::from_secs(5));
                Db::Sqlite(
                    SqlitePoolOptions::new()
                        .max_connections(options.max_connections)
                        .acquire_timeout(options.acquire_timeout)
                        .connect_lazy_with(connect),
                )
            }
            Backend::Postgres => {
                let connect = url.pg_options()?.application_name("hctl-serve");
                Db::Postgres(PgDb::new(
                    PgPoolOptions::new()
                        .max_connections(options.max_connections)
                        .acquire_timeout(options.acquire_timeout)
                        .connect_lazy_with(connect),
                    url.pgbouncer()?,
                ))
            }
        })
    }

    /// Open and check the connection now (for commands rather than the server).
    pub async fn connect(url: &str) -> Result<Db> {
        let db = Db::open(url, PoolOptions::default())?;
        db.ping()
            .await
            .with_context(|| format!("could not connect to `{}`", redact_url(url)))?;
        Ok(db)
    }

    pub fn backend(&self) -> Backend {
        match self {
            Db::Sqlite(_) => Backend::Sqlite,
            Db::Postgres(_) => Backend::Postgres,
        }
    }

    /// A round trip to the database.
    pub async fn ping(&self) -> Result<(), sqlx::Error> {
        on_pool!(self, pool => sqlx::query("SELECT 1").execute(pool).await.map(|_| ()))
    }

    /// (connections open, idle, max) for the metrics.
    pub fn pool_usage(&self) -> (u32, usize, u32) {
        match self {
            Db::Sqlite(pool) => (
                pool.size(),
                pool.num_idle(),
                pool.options().get_max_connections(),
            ),
            Db::Postgres(pool) => (
                pool.size(),
                pool.num_idle(),
                pool.options().get_max_connections(),
            ),
        }
    }

    pub async fn close(&self) {
        match self {
            Db::Sqlite(pool) => pool.close().await,
            Db::Postgres(pool) => pool.close().await,
        }
    }
}
