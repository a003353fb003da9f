//! The `dns` kind: look a name up (A, AAAA, CNAME, TXT, CAA, MX) with
//! hickory-resolver, through the system resolver or a given nameserver, and
//! compare the records with `equals` (the same set) or `contains` (each
//! present): addresses by value, names without case, TXT case-sensitively.
//! NXDOMAIN and NODATA are answers (no records); a timeout, SERVFAIL or
//! REFUSED is an error (the name could not be checked).

use std::collections::BTreeSet;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
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
/// strings joined and kept as they are.
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
    text.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .trim_end_matches('.')
        .to_ascii_lowercase()
}

/// A record value in the form two equal values share: addresses by value
/// (`2001:0db8::1` is `2001:db8:0:0:0:0:0:1`), names without case or the
/// trailing dot, TXT exactly as written (TXT data is case-sensitive: an SPF
/// or verification token differs when its case does).
pub fn parse_value(kind: RecordKind, text: &str) -> Result<String> {
    Ok(match kind {
        RecordKind::A => text
            .trim()
            .parse::<Ipv4Addr>()
            .with_context(|| format!("`{text}` is not an IPv4 address"))?
            .to_string(),
        RecordKind::Aaaa => text
            .trim()
            .parse::<Ipv6Addr>()
            .with_context(|| format!("`{text}` is not an IPv6 address"))?
            .to_string(),
        RecordKind::Txt => text.to_string(),
        RecordKind::Cname | RecordKind::Caa | RecordKind::Mx => normalize(text),
    })
}

/// Check that `text` is a DNS name (`bad..name`, a label over 63 bytes or a
/// space is not) and return it without the trailing dot.
pub fn parse_name(text: &str) -> Result<String> {
    let name = text.strip_suffix('.').unwrap_or(text);
    let bad = |why: &str| anyhow::anyhow!("invalid DNS name `{text}`: {why}");
    if name.is_empty() {
        return Err(bad("empty"));
    }
    if name.len() > 253 {
        return Err(bad("longer than 253 characters"));
    }
    for label in name.split('.') {
        if label.is_empty() {
            return Err(bad("empty label"));
        }
        if label.len() > 63 {
            return Err(bad("label longer than 63 characters"));
        }
        if let Some(c) = label
            .chars()
            .find(|c| c.is_ascii() && !(c.is_ascii_alphanumeric() || *c == '-' || *c == '_'))
        {
            return Err(bad(&format!("`{c}` is not allowed")));
        }
    }
    Ok(name.to_string())
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
    let name = match parse_name(&host(&check.name)) {
        Ok(name) => name,
        Err(err) => return Outcome::error(format!("{err:#}")),
    };
    let check = &DnsCheck {
        name,
        ..check.clone()
    };
    match lookup(&check.name, check.record_type, check.nameserver.as_deref()).await {
        Ok(records) => judge(check, &records),
        Err(err) => Outcome::error(format!("{err:#}")),
    }
}

/// Compare records with the expectations, as sets of [`parse_value`] forms:
/// `equals` is the same set (a value repeated in the expectation does not
/// hide an extra record), `contains` a subset.
pub fn judge(check: &DnsCheck, records: &[String]) -> Outcome {
    let kind = check.record_type.as_str();
    let shown = if records.is_empty() {
        "no records".to_string()
    } else {
        records.join(", ")
    };
    let canon = |values: &[String]| -> Result<BTreeSet<String>> {
        values
            .iter()
            .map(|v| parse_value(check.record_type, v))
            .collect()
    };
    let have = match canon(records) {
        Ok(have) => have,
        Err(err) => return Outcome::error(format!("{kind} {}: {err:#}", check.name)),
    };
    let (want_equal, want_contained) = match (
        check.equals.as_deref().map(canon).transpose(),
        canon(&check.contains),
    ) {
        (Ok(e), Ok(c)) => (e, c),
        (Err(err), _) | (_, Err(err)) => {
            return Outcome::error(format!("expected {kind} value: {err:#}"));
        }
    };
    if let Some(expected) = &want_equal
        && *expected != have
    {
        let missing: Vec<_> = expected.difference(&have).map(String::as_str).collect();
        let extra: Vec<_> = have.difference(expected).map(String::as_str).collect();
        let mut why = Vec::new();
        if !missing.is_empty() {
            why.push(format!("missing {}", missing.join(", ")));
        }
        if !extra.is_empty() {
            why.push(format!("unexpected {}", extra.join(", ")));
        }
        return Outcome::fail(format!(
            "{kind} {} is {shown}, expected exactly {} ({})",
            check.name,
            check.equals.as_deref().unwrap_or_default().join(", "),
            why.join("; ")
        ));
    }
    let missing: Vec<_> = want_contained
        .difference(&have)
        .map(String::as_str)
        .collect();
    if !missing.is_empty() {
        return Outcome::fail(format!(
            "{kind} {} is {shown}, missing {}",
            check.name,
            missing.join(", ")
        ));
    }
    if records.is_empty() && want_equal.as_ref().is_none_or(|e| !e.is_empty()) {
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
            judge(
                &typed(RecordKind::Cname, Some(&["Mail.Example.Test."]), &[]),
                &recs
            )
            .status,
            Status::Pass
        );
    }

    fn typed(kind: RecordKind, equals: Option<&[&str]>, contains: &[&str]) -> DnsCheck {
        DnsCheck {
            record_type: kind,
            ..check(equals, contains)
        }
    }

    #[test]
    fn equals_compares_sets() {
        let recs = vec!["10.0.0.1".to_string(), "10.0.0.2".to_string()];
        let o = judge(&check(Some(&["10.0.0.1", "10.0.0.1"]), &[]), &recs);
        assert_eq!(o.status, Status::Fail, "{o:?}");
        assert!(o.detail.contains("unexpected 10.0.0.2"), "{o:?}");
        let dup = vec!["10.0.0.1".to_string(), "10.0.0.1".to_string()];
        assert_eq!(
            judge(&check(Some(&["10.0.0.1"]), &[]), &dup).status,
            Status::Pass
        );
    }

    #[test]
    fn addresses_compare_by_value() {
        let recs = vec!["2001:db8::1".to_string()];
        for long in ["2001:0db8::1", "2001:db8:0:0:0:0:0:1", "2001:DB8::0001"] {
            let o = judge(&typed(RecordKind::Aaaa, Some(&[long]), &[]), &recs);
            assert_eq!(o.status, Status::Pass, "{long}: {o:?}");
        }
        let o = judge(&typed(RecordKind::Aaaa, None, &["not-an-ip"]), &recs);
        assert_eq!(o.status, Status::Error, "{o:?}");
    }

    #[test]
    fn txt_is_case_sensitive() {
        let recs = vec!["v=spf1 -all".to_string()];
        let o = judge(&typed(RecordKind::Txt, None, &["V=SPF1 -ALL"]), &recs);
        assert_eq!(o.status, Status::Fail, "{o:?}");
        let o = judge(&typed(RecordKind::Txt, Some(&["v=spf1 -all"]), &[]), &recs);
        assert_eq!(o.status, Status::Pass, "{o:?}");
    }

    #[test]
    fn names_are_validated() {
        assert!(parse_name("bad..name").is_err());
        assert!(parse_name("a b.test").is_err());
        assert!(parse_name(&"a".repeat(64)).is_err());
        assert_eq!(
            parse_name("_dmarc.Example.test.").unwrap(),
            "_dmarc.Example.test"
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
