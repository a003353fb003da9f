//! The database URL, parsed once: which backend it names (one error text for
//! the rest), its connect options, a display that hides the password, and the
//! one direct connect with a time limit every command uses (the server's pools
//! in [`super::Db`] connect lazily instead).

use std::fmt;
use std::future::Future;
use std::path::PathBuf;
use std::str::FromStr;
use std::time::Duration;

use anyhow::{Context, Result, anyhow};
use sqlx::postgres::{PgConnectOptions, PgConnection};
use sqlx::sqlite::{SqliteConnectOptions, SqliteConnection};
use sqlx::{ConnectOptions, Connection};

use super::Backend;
use crate::error::UsageError;
use crate::redact::redact_url;

/// How long a command waits for a database connection.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// A `sqlite:…` or `postgres://…` URL. `Display` and `Debug` hide the password.
#[derive(Clone, PartialEq, Eq)]
pub struct DbUrl {
    url: String,
    backend: Backend,
}

impl DbUrl {
    /// Classify `url`: `sqlite://FILE` / `sqlite:FILE` or `postgres://…` /
    /// `postgresql://…`; anything else is a usage error (exit 2).
    pub fn parse(url: &str) -> Result<DbUrl> {
        let backend = if url.starts_with("sqlite:") {
            Backend::Sqlite
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Backend::Postgres
        } else {
            return Err(UsageError::new(format!(
                "unsupported database URL `{}`: expected sqlite://FILE or postgres://…",
                redact_url(url)
            ))
            .into());
        };
        Ok(DbUrl {
            url: url.to_string(),
            backend,
        })
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// The URL itself, password included: only for the client libraries and
    /// tools that connect with it, never for messages.
    pub fn secret(&self) -> &str {
        &self.url
    }

    /// The SQLite database file, `None` for PostgreSQL and in-memory SQLite.
    pub fn sqlite_file(&self) -> Option<PathBuf> {
        let rest = self.url.strip_prefix("sqlite:")?;
        let rest = rest.strip_prefix("//").unwrap_or(rest);
        let path = rest.split('?').next().unwrap_or("");
        (!path.is_empty() && path != ":memory:").then(|| PathBuf::from(path))
    }

    /// SQLite connect options of the URL.
    pub fn sqlite_options(&self) -> Result<SqliteConnectOptions> {
        SqliteConnectOptions::from_str(&self.url)
            .with_context(|| format!("invalid database URL `{self}`"))
    }

    /// PostgreSQL connect options of the URL (without hctl's own
    /// `pgbouncer` parameter, which is no connect option).
    pub fn pg_options(&self) -> Result<PgConnectOptions> {
        if !self.url.contains(super::pg::PGBOUNCER_PARAM) {
            return PgConnectOptions::from_str(&self.url)
                .with_context(|| format!("invalid database URL `{self}`"));
        }
        let mut url =
            url::Url::parse(&self.url).with_context(|| format!("invalid database URL `{self}`"))?;
        let kept: Vec<(String, String)> = url
            .query_pairs()
            .filter(|(key, _)| key != super::pg::PGBOUNCER_PARAM)
            .map(|(key, value)| (key.into_owned(), value.into_owned()))
            .collect();
        url.set_query(None);
        if !kept.is_empty() {
            url.query_pairs_mut().extend_pairs(kept);
        }
        PgConnectOptions::from_str(url.as_str())
            .with_context(|| format!("invalid database URL `{self}`"))
    }

    /// `?pgbouncer=true`: the URL names PgBouncer in transaction (or
    /// statement) pool mode, so queries must not outlive one transaction
    /// (see [`super::pg`]). Any other value than true/false is a usage error.
    pub fn pgbouncer(&self) -> Result<bool> {
        let Ok(url) = url::Url::parse(&self.url) else {
            return Ok(false);
        };
        let Some((_, value)) = url
            .query_pairs()
            .find(|(key, _)| key == super::pg::PGBOUNCER_PARAM)
        else {
            return Ok(false);
        };
        match &*value {
            "true" | "1" => Ok(true),
            "false" | "0" => Ok(false),
            other => Err(UsageError::new(format!(
                "database URL `{self}`: `pgbouncer={other}` must be true or false"
            ))
            .into()),
        }
    }

    /// One PostgreSQL connection within [`CONNECT_TIMEOUT`], statements
    /// unlogged (checksumming a big table is slow by design).
    pub async fn connect_pg(&self) -> Result<PgConnection> {
        let options = self.pg_options()?.disable_statement_logging();
        self.within(PgConnection::connect_with(&options)).await
    }

    /// One SQLite connection with `options` within [`CONNECT_TIMEOUT`].
    pub async fn connect_sqlite(&self, options: SqliteConnectOptions) -> Result<SqliteConnection> {
        self.within(SqliteConnection::connect_with(
            &options.disable_statement_logging(),
        ))
        .await
    }

    /// `connect` bounded by [`CONNECT_TIMEOUT`]; either failure names the URL.
    pub async fn within<T>(
        &self,
        connect: impl Future<Output = Result<T, sqlx::Error>>,
    ) -> Result<T> {
        match tokio::time::timeout(CONNECT_TIMEOUT, connect).await {
            Ok(result) => result.with_context(|| format!("could not connect to `{self}`")),
            Err(_) => Err(anyhow!(
                "could not connect to `{self}`: no answer within {}s",
                CONNECT_TIMEOUT.as_secs()
            )),
        }
    }
}

impl fmt::Display for DbUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&redact_url(&self.url))
    }
}

impl fmt::Debug for DbUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "DbUrl({self})")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_name_their_backend_and_hide_the_password() {
        let pg = DbUrl::parse("postgres://u:secret@h/db").unwrap();
        assert_eq!(pg.backend(), Backend::Postgres);
        assert!(!pg.to_string().contains("secret"), "{pg}");
        assert!(!format!("{pg:?}").contains("secret"), "{pg:?}");
        let file = DbUrl::parse("sqlite:///var/lib/ht.db?mode=rwc").unwrap();
        assert_eq!(file.sqlite_file(), Some(PathBuf::from("/var/lib/ht.db")));
        assert_eq!(DbUrl::parse("sqlite::memory:").unwrap().sqlite_file(), None);
        let bouncer =
            DbUrl::parse("postgres://u@h:6432/db?pgbouncer=true&sslmode=disable").unwrap();
        assert!(bouncer.pgbouncer().unwrap());
        assert_eq!(bouncer.pg_options().unwrap().get_database(), Some("db"));
        assert!(!pg.pgbouncer().unwrap());
        assert!(
            DbUrl::parse("postgres://h/db?pgbouncer=yes")
                .unwrap()
                .pgbouncer()
                .is_err()
        );
        let err = DbUrl::parse("mysql://u:secret@h/db").unwrap_err();
        assert!(err.is::<crate::error::UsageError>(), "{err}");
        assert!(!err.to_string().contains("secret"), "{err}");
    }
}
