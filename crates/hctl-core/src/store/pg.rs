//! The PostgreSQL pool of a [`Db`](super::Db), and how its queries run when
//! it sits behind PgBouncer in transaction mode (`?pgbouncer=true`).
//!
//! PgBouncer (before 1.21's `max_prepared_statements`) hands the server
//! connection to another client at the end of every transaction, and outside
//! an explicit transaction every `Sync` ends one. sqlx runs a query with
//! parameters as Parse+Describe+Sync, then Bind+Execute+Sync: two
//! transactions, so the Bind may reach a server that never saw the Parse. Its
//! named statements (`sqlx_s_N`, one counter per client connection) also
//! outlive the client on the server: the next client's `sqlx_s_1` "already
//! exists" — even with `statement-cache-capacity=0`, which only stops the
//! reuse, not the naming. So in PgBouncer mode each query runs unnamed
//! (not persistent) inside its own `BEGIN … COMMIT`, which keeps the server
//! for both round trips; two more round trips per query buy correctness.
//!
//! In both modes the executor takes the connection from the pool itself, as
//! sqlx's own pool executor does, so the wait for it is measured
//! ([`timing::observe_pool_wait`]: the server's `db_pool_wait_seconds`).

use std::ops::Deref;
use std::time::Instant;

use futures::future::BoxFuture;
use futures::stream::{self, BoxStream, StreamExt, TryStreamExt};
use sqlx::pool::PoolConnection;
use sqlx::postgres::{PgQueryResult, PgRow, PgStatement, PgTypeInfo};
use sqlx::{Connection, Either, Error, Execute, Executor, PgPool, Postgres};

use super::timing;

/// The query parameter of a PostgreSQL URL that turns PgBouncer mode on.
pub const PGBOUNCER_PARAM: &str = "pgbouncer";

/// A PostgreSQL pool; `&PgDb` is a sqlx executor (and derefs to the pool).
#[derive(Clone, Debug)]
pub struct PgDb {
    pool: PgPool,
    pgbouncer: bool,
}

impl PgDb {
    pub fn new(pool: PgPool, pgbouncer: bool) -> PgDb {
        PgDb { pool, pgbouncer }
    }

    /// Whether queries run PgBouncer-safe (one transaction each, unnamed).
    pub fn behind_pgbouncer(&self) -> bool {
        self.pgbouncer
    }
}

impl Deref for PgDb {
    type Target = PgPool;
    fn deref(&self) -> &PgPool {
        &self.pool
    }
}

/// A connection from `pool`, the wait for it measured.
async fn acquire(pool: &PgPool) -> Result<PoolConnection<Postgres>, Error> {
    let started = Instant::now();
    let conn = pool.acquire().await;
    timing::observe_pool_wait(started.elapsed());
    conn
}

/// A query that must not become a named (cached) prepared statement.
struct Unnamed<E>(E);

impl<'q, E: Execute<'q, Postgres>> Execute<'q, Postgres> for Unnamed<E> {
    fn sql(self) -> sqlx::SqlStr {
        self.0.sql()
    }
    fn statement(&self) -> Option<&PgStatement> {
        self.0.statement()
    }
    fn take_arguments(
        &mut self,
    ) -> Result<Option<sqlx::postgres::PgArguments>, sqlx::error::BoxDynError> {
        self.0.take_arguments()
    }
    fn persistent(&self) -> bool {
        false
    }
}

impl<'p> Executor<'p> for &'_ PgDb {
    type Database = Postgres;

    fn fetch_many<'e, 'q: 'e, E>(
        self,
        query: E,
    ) -> BoxStream<'e, Result<Either<PgQueryResult, PgRow>, Error>>
    where
        E: 'q + Execute<'q, Postgres>,
    {
        let (pool, pgbouncer) = (self.pool.clone(), self.pgbouncer);
        // The rows are collected (the server never streams a result; fetch_all
        // collects anyway), so the stream does not borrow the connection.
        let all = async move {
            let mut conn = acquire(&pool).await?;
            let items: Vec<_> = if pgbouncer {
                let mut tx = Connection::begin(&mut *conn).await?;
                let items = tx.fetch_many(Unnamed(query)).try_collect().await?;
                tx.commit().await?;
                items
            } else {
                conn.fetch_many(query).try_collect().await?
            };
            Ok::<_, Error>(stream::iter(items.into_iter().map(Ok)))
        };
        stream::once(all).try_flatten().boxed()
    }

    fn fetch_optional<'e, 'q: 'e, E>(self, query: E) -> BoxFuture<'e, Result<Option<PgRow>, Error>>
    where
        E: 'q + Execute<'q, Postgres>,
    {
        let (pool, pgbouncer) = (self.pool.clone(), self.pgbouncer);
        Box::pin(async move {
            let mut conn = acquire(&pool).await?;
            if !pgbouncer {
                return conn.fetch_optional(query).await;
            }
            let mut tx = Connection::begin(&mut *conn).await?;
            let row = tx.fetch_optional(Unnamed(query)).await?;
            tx.commit().await?;
            Ok(row)
        })
    }

    fn prepare_with<'e>(
        self,
        sql: sqlx::SqlStr,
        parameters: &'e [PgTypeInfo],
    ) -> BoxFuture<'e, Result<PgStatement, Error>>
    where
        'p: 'e,
    {
        // A prepared statement is a session's: PgBouncer mode has none to give.
        let pool = self.pool.clone();
        Box::pin(async move { acquire(&pool).await?.prepare_with(sql, parameters).await })
    }
}
