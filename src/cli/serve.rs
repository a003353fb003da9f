//! The arguments of `hctl serve` as clap parses them; `commands::serve` acts on them.

use crate::server::ranges;
use clap::Args;
use std::net::SocketAddr;

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Address to listen on
    #[arg(long, env = "BIND", default_value = "127.0.0.1:8080")]
    pub bind: SocketAddr,

    /// Database: sqlite://FILE (created when missing) or postgres://…
    /// [default: sqlite://healthtracker.db, migrated at start]
    #[arg(long, env = "DATABASE_URL", hide_env_values = true)]
    pub database_url: Option<String>,

    /// Apply pending database migrations before serving
    #[arg(long)]
    pub migrate: bool,

    /// Where uploaded files go: file://DIR or s3://BUCKET/PREFIX
    #[arg(long, env = "STORAGE_URL", default_value = "file://./uploads")]
    pub storage_url: String,

    /// S3 endpoint override for s3:// storage (MinIO, moto)
    #[arg(long, env = "S3_ENDPOINT")]
    pub s3_endpoint: Option<String>,

    /// Redis for rate limits shared across replicas (default: in memory;
    /// while Redis fails, limits fall back to memory)
    #[arg(long, env = "REDIS_URL", hide_env_values = true)]
    pub redis_url: Option<String>,

    /// HS256 signing secret for access tokens, at least 32 bytes
    /// (default outside production: an ephemeral one)
    #[arg(long, env = "JWT_SECRET", hide_env_values = true)]
    pub jwt_secret: Option<String>,

    /// Bearer token of the feature-flag admin API (unset: admin API disabled)
    #[arg(long, env = "ADMIN_TOKEN", hide_env_values = true)]
    pub admin_token: Option<String>,

    /// Sentry DSN: report 5xx answers and panics with their request id
    /// (no bodies, headers, query strings or users are sent)
    #[arg(long, env = "SENTRY_DSN", hide_env_values = true)]
    pub sentry_dsn: Option<String>,

    /// Browser origins allowed by CORS, comma separated
    #[arg(long, env = "CORS_ORIGINS", value_delimiter = ',')]
    pub cors_origins: Vec<String>,

    /// Production mode: refuse to start without strong JWT_SECRET and ADMIN_TOKEN
    #[arg(long, env = "HCTL_PRODUCTION", value_parser = clap::builder::FalseyValueParser::new())]
    pub production: bool,

    /// Requests per minute per client IP, 0–1000000 (0 turns the limit off)
    #[arg(long, env = "RATE_LIMIT_IP", default_value_t = 600,
          value_parser = clap::value_parser!(u32).range(ranges::RATE_LIMIT_IP))]
    pub rate_limit_ip: u32,

    /// Requests per minute per signed-in user, 0–1000000 (0 turns the limit off)
    #[arg(long, env = "RATE_LIMIT_USER", default_value_t = 300,
          value_parser = clap::value_parser!(u32).range(ranges::RATE_LIMIT_USER))]
    pub rate_limit_user: u32,

    /// Login attempts per account per 15 minutes, 0–1000000 (0 turns the limit off)
    #[arg(long, env = "LOGIN_ATTEMPTS", default_value_t = 10,
          value_parser = clap::value_parser!(u32).range(ranges::LOGIN_ATTEMPTS))]
    pub login_attempts: u32,

    /// Purge health entries older than this many days, 0–36500 (0 keeps them)
    #[arg(long, env = "RETENTION_DAYS", default_value_t = 0,
          value_parser = clap::value_parser!(u32).range(ranges::RETENTION_DAYS))]
    pub retention_days: u32,

    /// Run the retention purge this often, in seconds (1–31536000)
    #[arg(long, env = "PURGE_INTERVAL", default_value_t = 3600,
          value_parser = clap::value_parser!(u32).range(ranges::PURGE_INTERVAL))]
    pub purge_interval: u32,

    /// Rate-limit and audit by the last X-Forwarded-For hop (only behind a
    /// proxy that appends it, e.g. the ingress)
    #[arg(long, env = "TRUST_FORWARDED_FOR", value_parser = clap::builder::FalseyValueParser::new())]
    pub trust_forwarded_for: bool,

    /// Maximum database connections of this process (1–1000)
    #[arg(long, env = "DB_MAX_CONNECTIONS", default_value_t = 16,
          value_parser = clap::value_parser!(u32).range(ranges::DB_MAX_CONNECTIONS))]
    pub db_max_connections: u32,

    /// Seconds a request may take before it is answered 503 (1–3600)
    #[arg(long, env = "REQUEST_TIMEOUT", default_value_t = 15,
          value_parser = clap::value_parser!(u32).range(ranges::REQUEST_TIMEOUT))]
    pub request_timeout: u32,

    /// Seconds a client has to send a request head, from connect or from the
    /// first byte after an idle period (1–300); slow clients are disconnected
    #[arg(long, env = "HEADER_READ_TIMEOUT", default_value_t = 10,
          value_parser = clap::value_parser!(u32).range(ranges::HEADER_READ_TIMEOUT))]
    pub header_read_timeout: u32,

    /// Seconds an idle keep-alive connection stays open (1–3600); keep it
    /// above the load balancer's idle timeout
    #[arg(long, env = "IDLE_TIMEOUT", default_value_t = 75,
          value_parser = clap::value_parser!(u32).range(ranges::IDLE_TIMEOUT))]
    pub idle_timeout: u32,

    /// Open client connections of this process (1–1000000); past it new ones
    /// wait in the listen backlog. Lowered to fit the open-file limit
    #[arg(long, env = "MAX_CONNECTIONS", default_value_t = 4096,
          value_parser = clap::value_parser!(u32).range(ranges::MAX_CONNECTIONS))]
    pub max_connections: u32,

    /// Seconds in-flight requests get to finish after SIGTERM or Ctrl-C
    /// (1–3600); keep it below the pod's terminationGracePeriodSeconds
    #[arg(long, env = "DRAIN_TIMEOUT", default_value_t = 20,
          value_parser = clap::value_parser!(u32).range(ranges::DRAIN_TIMEOUT))]
    pub drain_timeout: u32,
}
