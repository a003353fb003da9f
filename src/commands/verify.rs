//! `hctl verify dns | tls | headers`: one check, standalone, with the same
//! engines (and the same report) as the preflight kinds.

use std::time::{Duration, Instant};

use anyhow::Result;
use chrono::Utc;

use super::Ctx;
use super::preflight::deps;
use crate::checklist::{Action, DEFAULT_RETRY_DELAY, Entry};
use crate::checks::CheckSpec;
use crate::checks::dns::{DnsCheck, RecordKind};
use crate::checks::headers::{HeadersCheck, Observatory};
use crate::checks::tls::{MinProtocol, TlsCheck};
use crate::cli::verify::VerifyCommand;
use crate::exit::{Exit, UsageError};
use crate::output::{self, Format};
use crate::preflight::{Manual, Planned, run_item};
use crate::report::{Report, Severity, Status};

pub async fn run(ctx: &Ctx, cmd: VerifyCommand) -> Result<Exit> {
    let (title, id, spec, common) = match cmd {
        VerifyCommand::Dns(a) => {
            let record_type: RecordKind = a.record_type.parse().map_err(UsageError::new)?;
            crate::checks::dns::parse_name(&a.name)
                .map_err(|e| UsageError::new(format!("{e:#}")))?;
            for value in &a.expect {
                crate::checks::dns::parse_value(record_type, value)
                    .map_err(|e| UsageError::new(format!("--expect: {e:#}")))?;
            }
            if let Some(ns) = &a.nameserver {
                crate::checks::dns::parse_nameserver(ns)
                    .map_err(|e| UsageError::new(format!("--nameserver: {e:#}")))?;
            }
            let title = format!("{} {} records", a.name, record_type.as_str());
            let (equals, contains) = if a.exact {
                (Some(a.expect), vec![])
            } else {
                (None, a.expect)
            };
            let spec = CheckSpec::Dns(DnsCheck {
                name: a.name,
                record_type,
                nameserver: a.nameserver,
                equals,
                contains,
            });
            ("verify dns", title, spec, a.common)
        }
        VerifyCommand::Tls(a) => {
            let (host, port) = split_host_port(&a.target)?;
            let min_protocol = if a.tls13_only {
                MinProtocol::Tls13
            } else {
                a.min_protocol
                    .parse()
                    .map_err(|e| UsageError::new(format!("--min-protocol: {e}")))?
            };
            for name in [Some(host.as_str()), a.servername.as_deref()]
                .into_iter()
                .flatten()
            {
                rustls::pki_types::ServerName::try_from(name).map_err(|_| {
                    UsageError::new(format!("`{name}` is not a valid host name or IP address"))
                })?;
            }
            let spec = CheckSpec::Tls(TlsCheck {
                host,
                port,
                servername: a.servername,
                ca_file: a.ca_file,
                warn_days: a.warn_days.max(a.min_days),
                fail_days: a.min_days,
                min_protocol,
            });
            ("verify tls", a.target, spec, a.common)
        }
        VerifyCommand::Headers(a) => {
            http_url(&a.url)?;
            let spec = CheckSpec::Headers(HeadersCheck {
                url: a.url.clone(),
                min_score: a.min_score,
                ca_file: a.ca_file,
                insecure: false,
            });
            ("verify headers", a.url, spec, a.common)
        }
    };
    let timeout = common.timeout;
    let planned = Planned {
        checklist: String::new(),
        section: String::new(),
        entry: Entry {
            id: id.clone(),
            title: id,
            description: String::new(),
            severity: Severity::Critical,
            owner: None,
            tags: vec![],
            action: Action::Check(Box::new(spec)),
            timeout,
            retries: common.retries,
            retry_delay: DEFAULT_RETRY_DELAY,
            valid_for: None,
            line: 0,
        },
    };
    let settings = ctx.settings()?;
    let started_at = Utc::now();
    let started = Instant::now();
    let deadline = Instant::now()
        + (timeout + DEFAULT_RETRY_DELAY) * (common.retries + 1)
        + Duration::from_secs(1);
    let spinner = crate::ui::progress::Progress::new(&ctx.style);
    let bar = spinner.spinner(format!("{title} {}", planned.entry.id));
    let item = run_item(
        &planned,
        &deps(settings),
        &Manual::Skip(Default::default()),
        deadline,
    )
    .await;
    bar.finish_and_clear();
    let observatory = item.observatory.clone();
    let report = Report::new(title, None, started_at, started.elapsed(), vec![item]);
    ctx.print_report(&report)?;
    if let Some(observatory) = observatory
        && ctx.format() == Format::Table
    {
        print_observatory(ctx, &observatory)?;
    }
    verdict(ctx, title, &report)
}

/// Exit 0 passed (warnings included), 1 checked and failed; a target that
/// could not be checked at all (refused, unreachable, timeout, SERVFAIL) is
/// the operation failing: exit 3, with the target and the cause.
fn verdict(ctx: &Ctx, title: &str, report: &Report) -> Result<Exit> {
    if let Some(item) = report.items.iter().find(|i| i.status == Status::Error) {
        anyhow::bail!(
            "{title} `{}` could not be checked: {}",
            item.id,
            item.detail
        );
    }
    Ok(ctx.gate(report, Severity::Warning, true))
}

/// An `http://` or `https://` URL with a host, or a usage error.
fn http_url(text: &str) -> Result<()> {
    match url::Url::parse(text) {
        Ok(u) if matches!(u.scheme(), "http" | "https") && u.host_str().is_some() => Ok(()),
        Ok(_) => {
            Err(UsageError::new(format!("`{text}`: expected an http:// or https:// URL")).into())
        }
        Err(e) => Err(UsageError::new(format!("`{text}`: invalid URL: {e}")).into()),
    }
}

/// The Observatory's tests under the report, one row each.
fn print_observatory(ctx: &Ctx, observatory: &Observatory) -> Result<()> {
    let mut table = ctx.style.table(&["test", "result", "pass", "score"]);
    for t in &observatory.tests {
        table.add_row(vec![
            t.name.clone(),
            t.result.clone(),
            if t.pass { "yes" } else { "no" }.to_string(),
            format!("{:+}", t.score_modifier),
        ]);
    }
    output::print(&format!(
        "{table}\nscore {} ({})\n",
        observatory.score, observatory.grade
    ))?;
    Ok(())
}

/// `host`, `host:port`, `[v6]:port` (port 1 to 65535).
fn split_host_port(target: &str) -> Result<(String, u16)> {
    let (host, port) = split_host_port_any(target)?;
    if port == 0 {
        return Err(UsageError::new(format!("`{target}`: port must be 1 to 65535")).into());
    }
    Ok((host, port))
}

fn split_host_port_any(target: &str) -> Result<(String, u16)> {
    let bad = || {
        UsageError::new(format!(
            "`{target}`: expected HOST or HOST:PORT (port 1 to 65535)"
        ))
    };
    if let Some(rest) = target.strip_prefix('[') {
        let (host, port) = rest.split_once(']').ok_or_else(bad)?;
        let port = match port.strip_prefix(':') {
            Some(p) => p.parse().map_err(|_| bad())?,
            None => 443,
        };
        return Ok((host.to_string(), port));
    }
    match target.rsplit_once(':') {
        Some((host, port)) if !host.contains(':') => {
            Ok((host.to_string(), port.parse().map_err(|_| bad())?))
        }
        _ if target.is_empty() => Err(bad().into()),
        _ => Ok((target.to_string(), 443)),
    }
}
