//! WAL archiving, as `hctl db wal status` and the `postgres` kind's
//! `wal_archiving` see it: `archive_mode` and `archive_command`, and
//! `pg_stat_archiver` (the last segment archived and when, and a failure
//! newer than the last success, which names the segment). `status` adds what
//! only pgBackRest knows: `pgbackrest check` (a WAL switch reaches the
//! repository) and the archive's continuity from the oldest backup on.

use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use chrono::{DateTime, Utc};
use serde::Serialize;
use sqlx::{PgConnection, Row};

use super::pgbackrest::{Pgbackrest, info};
use crate::report::{Item, Severity, Status};

/// What PostgreSQL says about its WAL archiving.
#[derive(Debug, Clone, Serialize)]
pub struct Archiver {
    pub archive_mode: String,
    pub archive_command: String,
    pub archived_count: i64,
    pub last_archived_wal: Option<String>,
    pub last_archived_time: Option<DateTime<Utc>>,
    pub failed_count: i64,
    pub last_failed_wal: Option<String>,
    pub last_failed_time: Option<DateTime<Utc>>,
}

impl Archiver {
    /// Read the settings and `pg_stat_archiver`.
    pub async fn read(conn: &mut PgConnection) -> Result<Self> {
        let row = sqlx::query(
            "SELECT current_setting('archive_mode') AS mode, current_setting('archive_command') AS command,
                    archived_count, last_archived_wal, last_archived_time,
                    failed_count, last_failed_wal, last_failed_time
             FROM pg_stat_archiver",
        )
        .fetch_one(&mut *conn)
        .await
        .context("could not read `pg_stat_archiver`")?;
        Ok(Archiver {
            archive_mode: row.try_get("mode")?,
            archive_command: row.try_get("command")?,
            archived_count: row.try_get("archived_count")?,
            last_archived_wal: row.try_get("last_archived_wal")?,
            last_archived_time: row.try_get("last_archived_time")?,
            failed_count: row.try_get("failed_count")?,
            last_failed_wal: row.try_get("last_failed_wal")?,
            last_failed_time: row.try_get("last_failed_time")?,
        })
    }

    /// Archiving is failing now: the last failure is newer than the last success.
    pub fn failing(&self) -> bool {
        match (self.last_failed_time, self.last_archived_time) {
            (Some(failed), Some(archived)) => failed > archived,
            (Some(_), None) => true,
            _ => false,
        }
    }
}

/// One finding about archiving (an item of `wal status`, a part of a check).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub id: &'static str,
    pub title: &'static str,
    pub status: Status,
    pub detail: String,
}

fn finding(id: &'static str, title: &'static str, status: Status, detail: String) -> Finding {
    Finding {
        id,
        title,
        status,
        detail,
    }
}

/// What PostgreSQL alone shows: archiving on, a command set, no failure newer
/// than the last success, and (with `max_age`) a segment archived recently.
pub fn judge(a: &Archiver, max_age: Option<Duration>, now: DateTime<Utc>) -> Vec<Finding> {
    let mut out = Vec::new();
    let on = matches!(a.archive_mode.as_str(), "on" | "always");
    out.push(finding(
        "archive-mode",
        "archive_mode is on",
        if on { Status::Pass } else { Status::Fail },
        if on {
            format!("archive_mode = {}", a.archive_mode)
        } else {
            format!(
                "archive_mode = {}: set archive_mode = on (needs a restart); without it nothing can be recovered to a point in time",
                a.archive_mode
            )
        },
    ));
    let command = a.archive_command.trim();
    let (status, detail) = if command.is_empty() || command == "(disabled)" {
        (
            Status::Fail,
            "archive_command is empty: set it to `pgbackrest --stanza=NAME archive-push %p`".into(),
        )
    } else if !command.contains("archive-push") {
        (
            Status::Warn,
            format!("archive_command `{command}` does not push to pgBackRest (archive-push)"),
        )
    } else {
        (Status::Pass, format!("archive_command `{command}`"))
    };
    out.push(finding(
        "archive-command",
        "archive_command is set",
        status,
        detail,
    ));

    let last_ok = match (&a.last_archived_wal, a.last_archived_time) {
        (Some(wal), Some(at)) => format!(
            "last archived {wal} at {} ({} ago)",
            at.format("%Y-%m-%d %H:%M:%S UTC"),
            super::human_age(now - at)
        ),
        _ => "nothing archived since the statistics were reset".into(),
    };
    let (status, detail) = if a.failing() {
        let wal = a.last_failed_wal.as_deref().unwrap_or("?");
        let at = a
            .last_failed_time
            .map(|t| t.format("%Y-%m-%d %H:%M:%S UTC").to_string())
            .unwrap_or_default();
        (
            Status::Fail,
            format!(
                "archiving is failing: segment {wal} failed at {at} ({} failure(s) in all); {last_ok}; \
                 the archive_command's error is in the PostgreSQL server log",
                a.failed_count
            ),
        )
    } else {
        (
            Status::Pass,
            format!("{last_ok}, {} archived", a.archived_count),
        )
    };
    out.push(finding(
        "archiver",
        "no archive failure since the last success",
        status,
        detail,
    ));

    if let Some(max) = max_age {
        let limit = chrono::Duration::from_std(max).unwrap_or(chrono::Duration::MAX);
        let (status, detail) = match a.last_archived_time {
            Some(at) if now - at <= limit => (
                Status::Pass,
                format!("last segment archived {} ago", super::human_age(now - at)),
            ),
            Some(at) => (
                Status::Fail,
                format!(
                    "last segment archived {} ago, more than {}: on a quiet database set archive_timeout below it",
                    super::human_age(now - at),
                    crate::duration::human(max)
                ),
            ),
            None => (Status::Fail, "no segment archived yet".into()),
        };
        out.push(finding(
            "archive-age",
            "a segment was archived recently",
            status,
            detail,
        ));
    }
    out
}

/// Everything `hctl db wal status` reports, as report items.
pub async fn status(
    url: &str,
    pgbackrest: &Pgbackrest,
    max_age: Option<Duration>,
    check_timeout: Duration,
) -> Result<(Archiver, Vec<Item>)> {
    // `pgbackrest check` run as root leaves root-owned lock and log files
    // that the postgres user's archive-push then cannot open.
    super::pgbackrest::refuse_root("`hctl db wal status`")?;
    let started = Instant::now();
    let mut conn = super::connect_pg(url).await?;
    let before = Archiver::read(&mut conn).await?;

    // A failing archiver cannot pass `check`: do not wait its whole timeout.
    let timeout = if before.failing() {
        check_timeout.min(Duration::from_secs(5))
    } else {
        check_timeout
    };
    let began = Instant::now();
    let args = [format!("--archive-timeout={}", timeout.as_secs().max(1))];
    let (status, detail) = match pgbackrest
        .run("check", &args, timeout + Duration::from_secs(60))
        .await
    {
        Ok(_) => (
            Status::Pass,
            format!(
                "a WAL switch reached the repository of stanza `{}` in {:.1}s",
                pgbackrest.stanza,
                began.elapsed().as_secs_f64()
            ),
        ),
        Err(err) => (Status::Fail, format!("{err:#}")),
    };
    let check = Item::new(
        "pgbackrest-check",
        "pgbackrest check: a WAL switch reaches the repository",
        Severity::Critical,
        status,
        began.elapsed(),
        detail,
    );
    // Judged after the check, whose WAL switch archived a fresh segment.
    let archiver = Archiver::read(&mut conn).await?;
    let mut items: Vec<Item> = judge(&archiver, max_age, Utc::now())
        .into_iter()
        .map(|f| {
            Item::new(
                f.id,
                f.title,
                Severity::Critical,
                f.status,
                started.elapsed(),
                f.detail,
            )
        })
        .collect();
    items.push(check);

    let began = Instant::now();
    let (status, detail) = match pgbackrest.info().await {
        Ok(stanza) => match info::continuity(&stanza, archiver.last_archived_wal.as_deref()) {
            Ok(text) => (Status::Pass, text),
            Err(why) => (Status::Fail, why),
        },
        Err(err) => (Status::Error, format!("{err:#}")),
    };
    items.push(Item::new(
        "continuity",
        "the archive reaches from the oldest backup to the last archived segment",
        Severity::Critical,
        status,
        began.elapsed(),
        detail,
    ));
    Ok((archiver, items))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn archiver() -> Archiver {
        let at = |s| DateTime::from_timestamp(s, 0);
        Archiver {
            archive_mode: "on".into(),
            archive_command: "pgbackrest --stanza=main archive-push %p".into(),
            archived_count: 4,
            last_archived_wal: Some("000000010000000000000004".into()),
            last_archived_time: at(1000),
            failed_count: 0,
            last_failed_wal: None,
            last_failed_time: None,
        }
    }

    fn now(s: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(s, 0).unwrap()
    }

    #[test]
    fn healthy_archiving_passes() {
        let found = judge(&archiver(), Some(Duration::from_secs(600)), now(1300));
        assert!(found.iter().all(|f| f.status == Status::Pass), "{found:?}");
    }

    #[test]
    fn a_failure_newer_than_the_last_success_names_the_segment() {
        let mut a = archiver();
        a.failed_count = 3;
        a.last_failed_wal = Some("000000010000000000000005".into());
        a.last_failed_time = DateTime::from_timestamp(1100, 0);
        let found = judge(&a, None, now(1200));
        let f = found.iter().find(|f| f.id == "archiver").unwrap();
        assert_eq!(f.status, Status::Fail);
        assert!(
            f.detail.contains("segment 000000010000000000000005 failed"),
            "{}",
            f.detail
        );
        // An old failure, since recovered from, is not one.
        a.last_archived_time = DateTime::from_timestamp(1150, 0);
        assert!(!a.failing());
    }

    #[test]
    fn off_empty_and_stale_fail() {
        let mut a = archiver();
        a.archive_mode = "off".into();
        a.archive_command = String::new();
        let found = judge(&a, Some(Duration::from_secs(600)), now(5000));
        let failed: Vec<_> = found
            .iter()
            .filter(|f| f.status == Status::Fail)
            .map(|f| f.id)
            .collect();
        assert_eq!(failed, ["archive-mode", "archive-command", "archive-age"]);
    }
}
