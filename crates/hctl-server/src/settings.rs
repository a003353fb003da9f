//! What `hctl serve` runs with, resolved from flags/environment by the command
//! and checked here: production refuses weak secrets, development gets an
//! ephemeral JWT secret. `Debug` is written by hand so secrets never reach a log.

use std::fmt;
use std::net::SocketAddr;
use std::time::Duration;

use anyhow::Result;

use hctl_core::error::UsageError;

/// A configuration error (exit 2).
macro_rules! bail {
    ($($arg:tt)*) => {
        return Err(UsageError::new(format!($($arg)*)).into())
    };
}

use hctl_core::redact::redact_url;

/// Minimum length of `JWT_SECRET` and `ADMIN_TOKEN` in production.
pub const MIN_SECRET_BYTES: usize = 32;

/// The documented range of every numeric setting, by its environment
/// variable. The command's parser enforces them (exit 2 naming the setting)
/// and [`ServerSettings::check`] again for library callers.
pub mod ranges {
    use std::ops::RangeInclusive;

    /// Requests per minute per client IP (0: off).
    pub const RATE_LIMIT_IP: RangeInclusive<i64> = 0..=1_000_000;
    /// Requests per minute per user (0: off).
    pub const RATE_LIMIT_USER: RangeInclusive<i64> = 0..=1_000_000;
    /// Login attempts per account per 15 minutes (0: off).
    pub const LOGIN_ATTEMPTS: RangeInclusive<i64> = 0..=1_000_000;
    /// Days of health data kept (0: keep forever; at most 100 years).
    pub const RETENTION_DAYS: RangeInclusive<i64> = 0..=36_500;
    /// Seconds between retention purges (at most a year).
    pub const PURGE_INTERVAL: RangeInclusive<i64> = 1..=31_536_000;
    /// Database connections of one process.
    pub const DB_MAX_CONNECTIONS: RangeInclusive<i64> = 1..=1_000;
    /// Seconds a request may take (at most an hour).
    pub const REQUEST_TIMEOUT: RangeInclusive<i64> = 1..=3_600;
    /// Seconds a client has to send a request head (at most 5 minutes).
    pub const HEADER_READ_TIMEOUT: RangeInclusive<i64> = 1..=300;
    /// Seconds an idle keep-alive connection stays open (at most an hour).
    pub const IDLE_TIMEOUT: RangeInclusive<i64> = 1..=3_600;
    /// Open client connections of one process.
    pub const MAX_CONNECTIONS: RangeInclusive<i64> = 1..=1_000_000;
    /// Seconds in-flight requests get to finish on shutdown (at most an hour).
    pub const DRAIN_TIMEOUT: RangeInclusive<i64> = 1..=3_600;
}

/// Settings of one server process.
#[derive(Clone)]
pub struct ServerSettings {
    pub bind: SocketAddr,
    pub database_url: String,
    /// `file://DIR` or `s3://BUCKET/PREFIX` for uploaded files.
    pub storage_url: String,
    /// S3 endpoint override (MinIO, moto) when `storage_url` is `s3://`.
    pub s3_endpoint: Option<String>,
    pub redis_url: Option<String>,
    pub jwt_secret: Option<String>,
    pub admin_token: Option<String>,
    /// Allowed browser origins; empty: no cross-origin access.
    pub cors_origins: Vec<String>,
    pub production: bool,
    /// Apply pending migrations at start.
    pub migrate: bool,
    /// Requests per minute per client IP (0: off).
    pub rate_limit_ip: u32,
    /// Requests per minute per authenticated user (0: off).
    pub rate_limit_user: u32,
    /// Login attempts per account per 15 minutes.
    pub login_attempts: u32,
    pub access_token_ttl: Duration,
    pub request_timeout: Duration,
    pub body_limit_bytes: usize,
    pub upload_limit_bytes: usize,
    /// How long a replica may serve a stale flag value.
    pub flag_cache_ttl: Duration,
    /// How long a replica trusts its own "token is live" lookup (a logout on
    /// another replica takes at most this long to reach it; 0: always look up).
    pub session_cache_ttl: Duration,
    /// Health entries older than this are purged (0: keep). Audit rows are
    /// security records with a retention policy of their own: kept.
    pub retention_days: u32,
    /// How often the retention purge runs.
    pub purge_interval: Duration,
    pub db_max_connections: u32,
    /// Take the client IP from the last `X-Forwarded-For` hop (set this only
    /// behind a proxy that appends it, like the ingress).
    pub trust_forwarded_for: bool,
    /// Time a client has to send a request head (slowloris bound).
    pub header_read_timeout: Duration,
    /// An idle keep-alive connection is closed after this.
    pub idle_timeout: Duration,
    /// Open client connections; past it new ones wait in the backlog.
    pub max_connections: u32,
    /// In-flight requests get this long to finish on SIGTERM/SIGINT.
    pub drain_timeout: Duration,
    /// Sentry DSN: 5xx answers and panics are reported (see `error_tracking`).
    pub sentry_dsn: Option<String>,
}

impl Default for ServerSettings {
    fn default() -> Self {
        ServerSettings {
            bind: SocketAddr::from(([127, 0, 0, 1], 8080)),
            database_url: "sqlite://healthtracker.db".into(),
            storage_url: "file://./uploads".into(),
            s3_endpoint: None,
            redis_url: None,
            jwt_secret: None,
            admin_token: None,
            cors_origins: Vec::new(),
            production: false,
            migrate: false,
            rate_limit_ip: 600,
            rate_limit_user: 300,
            login_attempts: 10,
            access_token_ttl: Duration::from_secs(3600),
            request_timeout: Duration::from_secs(15),
            body_limit_bytes: 64 * 1024,
            upload_limit_bytes: 5 * 1024 * 1024,
            flag_cache_ttl: Duration::from_secs(2),
            session_cache_ttl: Duration::from_secs(2),
            retention_days: 0,
            purge_interval: Duration::from_secs(3600),
            db_max_connections: 16,
            trust_forwarded_for: false,
            header_read_timeout: Duration::from_secs(10),
            idle_timeout: Duration::from_secs(75),
            max_connections: 4096,
            drain_timeout: Duration::from_secs(20),
            sentry_dsn: None,
        }
    }
}

impl fmt::Debug for ServerSettings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let set = |s: &Option<String>| if s.is_some() { "<set>" } else { "<unset>" };
        f.debug_struct("ServerSettings")
            .field("bind", &self.bind)
            .field("database_url", &redact_url(&self.database_url))
            .field("storage_url", &redact_url(&self.storage_url))
            .field("redis_url", &self.redis_url.as_deref().map(redact_url))
            .field("jwt_secret", &set(&self.jwt_secret))
            .field("admin_token", &set(&self.admin_token))
            .field("sentry_dsn", &set(&self.sentry_dsn))
            .field("cors_origins", &self.cors_origins)
            .field("production", &self.production)
            .field("migrate", &self.migrate)
            .finish_non_exhaustive()
    }
}

/// What `check` decided, for the start-up log.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Warnings(pub Vec<String>);

impl ServerSettings {
    /// Refuse unsafe production settings; fill in development defaults.
    pub fn check(&mut self) -> Result<Warnings> {
        let mut warnings = Vec::new();
        if self.production {
            for (name, value) in [
                ("JWT_SECRET", &self.jwt_secret),
                ("ADMIN_TOKEN", &self.admin_token),
            ] {
                match value {
                    None => bail!("refusing to start in production: {name} is not set"),
                    Some(v) if v.len() < MIN_SECRET_BYTES => bail!(
                        "refusing to start in production: {name} is {} bytes, at least {MIN_SECRET_BYTES} are required",
                        v.len()
                    ),
                    Some(_) => {}
                }
            }
        }
        match &self.jwt_secret {
            Some(s) if s.len() < MIN_SECRET_BYTES => bail!(
                "JWT_SECRET is {} bytes, at least {MIN_SECRET_BYTES} are required (HS256)",
                s.len()
            ),
            Some(_) => {}
            None => {
                self.jwt_secret = Some(random_secret());
                warnings.push(
                    "JWT_SECRET is not set: using an ephemeral secret, tokens will not survive a restart".into(),
                );
            }
        }
        if self.admin_token.is_none() {
            warnings.push("ADMIN_TOKEN is not set: the feature-flag admin API is disabled".into());
        }
        self.check_ranges()?;
        if let Some(dsn) = &self.sentry_dsn
            && let Err(err) = dsn.parse::<sentry::types::Dsn>()
        {
            bail!("invalid SENTRY_DSN: {err} (expected https://KEY@HOST/PROJECT_ID)");
        }
        for origin in &self.cors_origins {
            if origin == "*" {
                bail!("CORS_ORIGINS must list origins, `*` is not allowed");
            }
            let url = url::Url::parse(origin)
                .map_err(|e| UsageError::new(format!("invalid CORS origin `{origin}`: {e}")))?;
            if !matches!(url.scheme(), "http" | "https") {
                bail!("invalid CORS origin `{origin}`: expected http(s)://HOST[:PORT]");
            }
        }
        Ok(Warnings(warnings))
    }
}

impl ServerSettings {
    /// Every numeric setting within its documented range ([`ranges`]).
    fn check_ranges(&self) -> Result<()> {
        let millis = |d: Duration| i64::try_from(d.as_millis()).unwrap_or(i64::MAX);
        let numbers = [
            (
                "RATE_LIMIT_IP",
                i64::from(self.rate_limit_ip),
                ranges::RATE_LIMIT_IP,
            ),
            (
                "RATE_LIMIT_USER",
                i64::from(self.rate_limit_user),
                ranges::RATE_LIMIT_USER,
            ),
            (
                "LOGIN_ATTEMPTS",
                i64::from(self.login_attempts),
                ranges::LOGIN_ATTEMPTS,
            ),
            (
                "RETENTION_DAYS",
                i64::from(self.retention_days),
                ranges::RETENTION_DAYS,
            ),
            (
                "DB_MAX_CONNECTIONS",
                i64::from(self.db_max_connections),
                ranges::DB_MAX_CONNECTIONS,
            ),
            (
                "MAX_CONNECTIONS",
                i64::from(self.max_connections),
                ranges::MAX_CONNECTIONS,
            ),
        ];
        for (name, value, range) in numbers {
            if !range.contains(&value) {
                bail!(
                    "{name} must be between {} and {}, got {value}",
                    range.start(),
                    range.end()
                );
            }
        }
        // Durations may be finer than the seconds the command takes (tests),
        // but never zero and never past the documented maximum.
        for (name, value, range) in [
            (
                "PURGE_INTERVAL",
                self.purge_interval,
                ranges::PURGE_INTERVAL,
            ),
            (
                "REQUEST_TIMEOUT",
                self.request_timeout,
                ranges::REQUEST_TIMEOUT,
            ),
            (
                "HEADER_READ_TIMEOUT",
                self.header_read_timeout,
                ranges::HEADER_READ_TIMEOUT,
            ),
            ("IDLE_TIMEOUT", self.idle_timeout, ranges::IDLE_TIMEOUT),
            ("DRAIN_TIMEOUT", self.drain_timeout, ranges::DRAIN_TIMEOUT),
        ] {
            if value.is_zero() || millis(value) > range.end() * 1000 {
                bail!(
                    "{name} must be between {} and {} seconds, got {:?}",
                    range.start(),
                    range.end(),
                    value
                );
            }
        }
        Ok(())
    }
}

/// 256 random bits as hex (from the OS generator, via UUID v4).
pub fn random_secret() -> String {
    let (a, b) = (uuid::Uuid::new_v4(), uuid::Uuid::new_v4());
    format!("{}{}", a.simple(), b.simple())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn production_refuses_weak_secrets() {
        let mut s = ServerSettings {
            production: true,
            ..Default::default()
        };
        assert!(
            s.check()
                .unwrap_err()
                .to_string()
                .contains("JWT_SECRET is not set")
        );
        s.jwt_secret = Some("short".into());
        assert!(s.check().unwrap_err().to_string().contains("5 bytes"));
        s.jwt_secret = Some("x".repeat(32));
        assert!(s.check().unwrap_err().to_string().contains("ADMIN_TOKEN"));
        s.admin_token = Some("y".repeat(32));
        assert_eq!(s.check().unwrap(), Warnings(vec![]));
    }

    #[test]
    fn numeric_settings_out_of_range_are_refused_by_name() {
        type Break = fn(&mut ServerSettings);
        let cases: [(&str, Break); 7] = [
            ("DB_MAX_CONNECTIONS", |s| s.db_max_connections = 0),
            ("RETENTION_DAYS", |s| s.retention_days = u32::MAX),
            ("RATE_LIMIT_IP", |s| s.rate_limit_ip = u32::MAX),
            ("RATE_LIMIT_USER", |s| s.rate_limit_user = 2_000_000),
            ("LOGIN_ATTEMPTS", |s| s.login_attempts = u32::MAX),
            ("PURGE_INTERVAL", |s| s.purge_interval = Duration::ZERO),
            ("REQUEST_TIMEOUT", |s| {
                s.request_timeout = Duration::from_secs(3601)
            }),
        ];
        for (name, break_it) in cases {
            let mut s = ServerSettings::default();
            break_it(&mut s);
            let err = s.check().unwrap_err().to_string();
            assert!(err.starts_with(name), "{name}: {err}");
        }
        let mut edges = ServerSettings {
            db_max_connections: 1_000,
            retention_days: 36_500,
            purge_interval: Duration::from_millis(200),
            ..Default::default()
        };
        assert!(edges.check().is_ok());
    }

    #[test]
    fn development_gets_an_ephemeral_secret() {
        let mut s = ServerSettings::default();
        let warnings = s.check().unwrap();
        assert_eq!(s.jwt_secret.as_ref().unwrap().len(), 64);
        assert_eq!(warnings.0.len(), 2);
        let debug = format!("{s:?}");
        assert!(!debug.contains(s.jwt_secret.as_ref().unwrap()), "{debug}");
    }
}
