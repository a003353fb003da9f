//! The arguments of `hctl verify` as clap parses them; `commands::verify` acts on them.

use crate::duration;
use clap::{Args, Subcommand};
use std::path::PathBuf;

#[derive(Debug, Subcommand)]
pub enum VerifyCommand {
    /// Look up DNS records and compare them with expected values
    #[command(
        after_help = "Examples:\n  hctl verify dns healthtracker.com --type A --expect 203.0.113.10\n  hctl verify dns _dmarc.healthtracker.com --type TXT --nameserver 1.1.1.1"
    )]
    Dns(DnsArgs),
    /// Handshake, chain, hostname, expiry and protocol of a TLS endpoint
    #[command(
        after_help = "Examples:\n  hctl verify tls healthtracker.com --min-days 14\n  hctl verify tls 10.0.0.5:8443 --servername api.internal --ca-file ca.pem"
    )]
    Tls(TlsArgs),
    /// The MDN HTTP Observatory's tests, score and grade for a site
    #[command(
        after_help = "Examples:\n  hctl verify headers https://healthtracker.com/ --min-score 90"
    )]
    Headers(HeadersArgs),
}

#[derive(Debug, Args)]
pub struct DnsArgs {
    /// Name to look up, e.g. healthtracker.com
    pub name: String,
    /// Record type: A, AAAA, CNAME, TXT, CAA, MX
    #[arg(long = "type", short = 't', default_value = "A", value_name = "TYPE")]
    pub record_type: String,
    /// A value that must be among the records (repeatable)
    #[arg(long, value_name = "VALUE")]
    pub expect: Vec<String>,
    /// The records must be exactly the --expect values
    #[arg(long, requires = "expect")]
    pub exact: bool,
    /// Nameserver to ask, IP or IP:PORT (default: the system resolver)
    #[arg(long, value_name = "ADDR")]
    pub nameserver: Option<String>,
    #[command(flatten)]
    pub common: CommonArgs,
}

#[derive(Debug, Args)]
pub struct TlsArgs {
    /// Host to connect to, optionally with a port (default 443)
    #[arg(value_name = "HOST[:PORT]")]
    pub target: String,
    /// Server name for SNI and verification (default: HOST)
    #[arg(long, value_name = "NAME")]
    pub servername: Option<String>,
    /// Fail when the certificate expires in fewer days
    #[arg(long, default_value_t = 14, value_name = "N")]
    pub min_days: i64,
    /// Warn when the certificate expires in fewer days
    #[arg(long, default_value_t = 30, value_name = "N")]
    pub warn_days: i64,
    /// Trust only the certificates in this PEM file (default: system roots)
    #[arg(long, value_name = "FILE")]
    pub ca_file: Option<PathBuf>,
    /// Oldest protocol the server may still accept: 1.0, 1.1, 1.2 or 1.3
    /// (SSL 3.0, TLS 1.0 and 1.1 are probed with hand-written hellos)
    #[arg(long, default_value = "1.2", value_name = "VERSION")]
    pub min_protocol: String,
    /// Same as --min-protocol 1.3: refuse servers that still accept 1.2
    #[arg(long, conflicts_with = "min_protocol")]
    pub tls13_only: bool,
    #[command(flatten)]
    pub common: CommonArgs,
}

#[derive(Debug, Args)]
pub struct HeadersArgs {
    /// Page to scan, e.g. https://healthtracker.com/ (its host is also probed
    /// over the other scheme, as the Observatory does)
    pub url: String,
    /// Also fail when the Observatory's score is below this
    #[arg(long, value_name = "N")]
    pub min_score: Option<i32>,
    /// Trust only the certificates in this PEM file
    #[arg(long, value_name = "FILE")]
    pub ca_file: Option<PathBuf>,
    #[command(flatten)]
    pub common: CommonArgs,
}

#[derive(Debug, Args)]
pub struct CommonArgs {
    /// Time limit per attempt
    #[arg(long, default_value = "10s", value_name = "DURATION", value_parser = duration::parse)]
    pub timeout: std::time::Duration,
    /// Extra attempts after a failure
    #[arg(long, default_value_t = 0, value_name = "N")]
    pub retries: u32,
}
