//! The `dns` kind: look a name up (A, AAAA, CNAME, TXT, CAA, MX) with
//! hickory-resolver, through the system resolver or a given nameserver, and
//! compare the records with `equals` (exact set) or `contains` (each present).

use std::net::{IpAddr, SocketAddr};
use std::str::FromStr;
use std::time::Duration;

use anyhow::{Context, Result};
use hickory_resolver::Resolver;
use hickory_resolver::config::{NameServerConfig, ResolveHosts, ResolverConfig};
use hickory_resolver::net::runtime::TokioRuntimeProvider;
use hickory_resolver::proto::rr::{RData, RecordType};
use serde::Deserialize;

use super::{Outcome, one_line};

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DnsCheck {
    pub name: String,
    /// Record type: A, AAAA, CNAME, TXT, CAA or MX (default A).
    #[serde(rename = "type", default)]
    pub record_type: RecordKind,
    /// `IP` or `IP:PORT` of the nameserver to ask (default: the system's).
    #[serde(default)]
    pub nameserver: Option<String>,
    /// The records must be exactly these (order does not matter).
    #[serde(default)]
    pub equals: Option<Vec<String>>,
    /// Each of these must be among the records.
    #[serde(default)]
    pub contains: Vec<String>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum RecordKind {
    #[default]
    A,
    Aaaa,
    Cname,
    Txt,
    Caa,
    Mx,
}

impl RecordKind {
    fn record_type(self) -> RecordType {
        match self {
            RecordKind::A => RecordType::A,
            RecordKind::Aaaa => RecordType::AAAA,
            RecordKind::Cname => RecordType::CNAME,
            RecordKind::Txt => RecordType::TXT,
            RecordKind::Caa => RecordType::CAA,
            RecordKind::Mx => RecordType::MX,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            RecordKind::A => "A",
            RecordKind::Aaaa => "AAAA",
            RecordKind::Cname => "CNAME",
            RecordKind::Txt => "TXT",
            RecordKind::Caa => "CAA",
            RecordKind::Mx => "MX",
        }
    }
}

impl FromStr for RecordKind {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        serde_json::from_value(serde_json::Value::String(s.to_ascii_uppercase())).map_err(|_| {
            format!("unknown record type `{s}` (expected A, AAAA, CNAME, TXT, CAA or MX)")
        })
    }
}

/// Parse `IP` or `IP:PORT` (port 53 by default).
pub fn parse_nameserver(text: &str) -> Result<SocketAddr> {
    if let Ok(addr) = text.parse::<SocketAddr>() {
        return Ok(addr);
    }
    let ip: IpAddr = text
        .parse()
        .with_context(|| format!("invalid nameserver `{text}`: expected IP or IP:PORT"))?;
    Ok(SocketAddr::new(ip, 53))
}

fn resolver(nameserver: Option<&str>) -> Result<Resolver<TokioRuntimeProvider>> {
    let provider = TokioRuntimeProvider::default();
    let mut builder = match nameserver {
        Some(text) => {
            let addr = parse_nameserver(text)?;
            let mut ns = NameServerConfig::udp_and_tcp(addr.ip());
            for conn in &mut ns.connections {
                conn.port = addr.port();
            }
            Resolver::builder_with_config(
                ResolverConfig::from_parts(None, vec![], vec![ns]),
                provider,
            )
        }
        None => {
            Resolver::builder(provider).context("cannot read the system resolver configuration")?
        }
    };
    let opts = builder.options_mut();
    opts.timeout = Duration::from_secs(3);
    opts.attempts = 2;
    opts.cache_size = 0;
    if nameserver.is_some() {
        opts.use_hosts_file = ResolveHosts::Never;
    }
    builder.build().context("cannot build the DNS resolver")
}

/// Look up `name` and return the records as normalized text.
pub async fn lookup(name: &str, kind: RecordKind, nameserver: Option<&str>) -> Result<Vec<String>> {
    let resolver = resolver(nameserver)?;
    let server = nameserver.map(|n| format!(" at {n}")).unwrap_or_default();
    match resolver.lookup(name, kind.record_type()).await {
        Ok(lookup) => Ok(lookup
            .answers()
            .iter()
            .filter(|r| r.record_type() == kind.record_type())
            .map(|r| render(&r.data))
            .collect()),
        Err(err) if err.is_no_records_found() || err.is_nx_domain() => Ok(Vec::new()),
        Err(err) => anyhow::bail!(
            "lookup of {} `{name}`{server} failed: {}",
            kind.as_str(),
            one_line(&err)
        ),
    }
}

/// Record data as people write it: no trailing dot, lowercase names, TXT
/// strings joined.
fn render(data: &RData) -> String {
    match data {
        RData::TXT(txt) => txt
            .txt_data
            .iter()
            .map(|s| String::from_utf8_lossy(s).into_owned())
            .collect::<String>(),
        other => normalize(&other.to_string()),
    }
}

fn normalize(text: &str) -> String {
    text.trim().trim_end_matches('.').to_ascii_lowercase()
}

/// `name` may be a URL (`{{ env.url }}`): its host is looked up.
fn host(name: &str) -> String {
    url::Url::parse(name)
        .ok()
        .filter(|_| name.contains("://"))
        .and_then(|u| u.host_str().map(str::to_string))
        .unwrap_or_else(|| name.to_string())
}

pub async fn run(check: &DnsCheck) -> Outcome {
    let check = &DnsCheck {
        name: host(&check.name),
        ..check.clone()
    };
    match lookup(&check.name, check.record_type, check.nameserver.as_deref()).await {
        Ok(records) => judge(check, &records),
        Err(err) => Outcome::error(format!("{err:#}")),
    }
}

/// Compare records with the expectations.
pub fn judge(check: &DnsCheck, records: &[String]) -> Outcome {
    let kind = check.record_type.as_str();
    let shown = if records.is_empty() {
        "no records".to_string()
    } else {
        records.join(", ")
    };
    let have = |want: &str| {
        records
            .iter()
            .any(|r| normalize(r) == normalize(want) || r == want)
    };
    if let Some(expected) = &check.equals {
        let missing: Vec<_> = expected.iter().filter(|w| !have(w)).collect();
        let extra = records.len() > expected.len();
        if !missing.is_empty() || extra || records.is_empty() != expected.is_empty() {
            return Outcome::fail(format!(
                "{kind} {} is {shown}, expected exactly {}",
                check.name,
                expected.join(", ")
            ));
        }
    }
    let missing: Vec<_> = check
        .contains
        .iter()
        .filter(|w| !have(w))
        .map(String::as_str)
        .collect();
    if !missing.is_empty() {
        return Outcome::fail(format!(
            "{kind} {} is {shown}, missing {}",
            check.name,
            missing.join(", ")
        ));
    }
    if records.is_empty() && check.equals.as_ref().is_none_or(|e| !e.is_empty()) {
        return Outcome::fail(format!("no {kind} records for {}", check.name));
    }
    Outcome::pass(format!("{kind} {} = {shown}", check.name))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::Status;

    fn check(equals: Option<&[&str]>, contains: &[&str]) -> DnsCheck {
        DnsCheck {
            name: "example.test".into(),
            record_type: RecordKind::A,
            nameserver: None,
            equals: equals.map(|e| e.iter().map(|s| s.to_string()).collect()),
            contains: contains.iter().map(|s| s.to_string()).collect(),
        }
    }

    #[test]
    fn equals_and_contains() {
        let recs = vec!["10.0.0.1".to_string(), "10.0.0.2".to_string()];
        assert_eq!(
            judge(&check(Some(&["10.0.0.2", "10.0.0.1"]), &[]), &recs).status,
            Status::Pass
        );
        assert_eq!(
            judge(&check(Some(&["10.0.0.1"]), &[]), &recs).status,
            Status::Fail
        );
        assert_eq!(
            judge(&check(None, &["10.0.0.2"]), &recs).status,
            Status::Pass
        );
        let miss = judge(&check(None, &["10.0.0.3"]), &recs);
        assert!(miss.detail.contains("missing 10.0.0.3"), "{}", miss.detail);
        assert_eq!(judge(&check(None, &[]), &[]).status, Status::Fail);
    }

    #[test]
    fn names_are_normalized() {
        let recs = vec!["mail.example.test".to_string()];
        assert_eq!(
            judge(&check(Some(&["Mail.Example.Test."]), &[]), &recs).status,
            Status::Pass
        );
    }

    #[test]
    fn record_types_parse() {
        assert_eq!("aaaa".parse::<RecordKind>(), Ok(RecordKind::Aaaa));
        assert!("SRV".parse::<RecordKind>().is_err());
        assert_eq!(parse_nameserver("127.0.0.1").unwrap().port(), 53);
        assert_eq!(parse_nameserver("127.0.0.1:5353").unwrap().port(), 5353);
    }
}
