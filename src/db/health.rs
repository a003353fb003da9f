//! `hctl db health`: is the environment's database fit to serve? Reachable,
//! server version vs the minimum, schema version, connections used vs max,
//! replication state, and the age of the latest backup (the newest that is not
//! known-bad, see `catalog`) — one report item each.

use std::time::{Duration, Instant};

use anyhow::Result;
use chrono::Utc;
use sqlx::{PgConnection, Row};

use super::{Target, catalog, connect_pg, human_age};
use crate::report::{Item, Severity, Status};
use crate::storage::Storage;

/// Thresholds of the health check.
#[derive(Debug, Clone)]
pub struct Limits {
    /// Lowest PostgreSQL major version that passes (below: a warning).
    pub min_version: u32,
    /// The latest backup must be younger than this.
    pub max_backup_age: Duration,
}

/// Every health item for `target`, plus the backup age from `storage`.
pub async fn check(target: &Target, storage: &Storage, limits: &Limits) -> Vec<Item> {
    let mut items = match target {
        Target::Postgres(url) => postgres(url, limits).await,
        Target::Sqlite(path) => sqlite(path).await,
    };
    items.push(backup_age(storage, limits.max_backup_age).await);
    items
}

fn item(
    id: &str,
    title: &str,
    severity: Severity,
    status: Status,
    took: Duration,
    detail: String,
) -> Item {
    Item::new(id, title, severity, status, took, detail)
}

fn reachable(status: Status, start: Instant, detail: String) -> Item {
    let title = "database is reachable";
    item(
        "reachable",
        title,
        Severity::Critical,
        status,
        start.elapsed(),
        detail,
    )
}

async fn postgres(url: &str, limits: &Limits) -> Vec<Item> {
    let start = Instant::now();
    let mut conn = match connect_pg(url).await {
        Ok(conn) => conn,
        Err(err) => return vec![reachable(Status::Error, start, format!("{err:#}"))],
    };
    let mut items = Vec::new();
    match super::pg_server_version(&mut conn).await {
        Ok((text, major)) => {
            let took = start.elapsed().as_millis();
            let detail = format!("PostgreSQL {text}, connected in {took}ms");
            items.push(reachable(Status::Pass, start, detail));
            let (status, detail) = if major >= limits.min_version {
                (
                    Status::Pass,
                    format!("PostgreSQL {major} (minimum {})", limits.min_version),
                )
            } else {
                (
                    Status::Warn,
                    format!(
                        "PostgreSQL {major} is older than the minimum {}: plan an upgrade",
                        limits.min_version
                    ),
                )
            };
            items.push(item(
                "version",
                "server version meets the minimum",
                Severity::Warning,
                status,
                Duration::ZERO,
                detail,
            ));
        }
        Err(err) => items.push(reachable(Status::Error, start, format!("{err:#}"))),
    }
    items.push(
        timed(
            "schema",
            "migrations current",
            Severity::Critical,
            schema(&mut conn),
        )
        .await,
    );
    items.push(
        timed(
            "connections",
            "connections below the maximum",
            Severity::Critical,
            connections(&mut conn),
        )
        .await,
    );
    items.push(
        timed(
            "replication",
            "replication healthy",
            Severity::Warning,
            replication(&mut conn),
        )
        .await,
    );
    items
}

/// Run a check that yields `(status, detail)`; an error becomes an error item.
async fn timed(
    id: &str,
    title: &str,
    severity: Severity,
    check: impl Future<Output = Result<(Status, String)>>,
) -> Item {
    let start = Instant::now();
    let (status, detail) = match check.await {
        Ok(outcome) => outcome,
        Err(err) => (Status::Error, format!("{err:#}")),
    };
    item(id, title, severity, status, start.elapsed(), detail)
}

async fn schema(conn: &mut PgConnection) -> Result<(Status, String)> {
    let version = super::pg_schema_version(conn).await?;
    Ok(schema_outcome(version))
}

/// The schema against the migrations compiled into this hctl: behind fails
/// (the release's queries would break), ahead warns (a newer release migrated).
fn schema_outcome(version: i64) -> (Status, String) {
    let known = crate::store::migrate::latest_known();
    if version < known {
        (
            Status::Fail,
            format!("schema version {version}, this release needs {known}: run `hctl db migrate`"),
        )
    } else if version > known {
        (
            Status::Warn,
            format!(
                "schema version {version} is newer than this hctl knows ({known}): upgrade hctl"
            ),
        )
    } else {
        (Status::Pass, format!("schema version {version} (current)"))
    }
}

async fn connections(conn: &mut PgConnection) -> Result<(Status, String)> {
    let row = sqlx::query(
        "SELECT (SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'client backend')::bigint, current_setting('max_connections')::bigint",
    )
    .fetch_one(&mut *conn)
    .await?;
    let (used, max): (i64, i64) = (row.get(0), row.get(1));
    Ok(connections_outcome(used, max))
}

fn connections_outcome(used: i64, max: i64) -> (Status, String) {
    let pct = if max > 0 { used * 100 / max } else { 100 };
    let detail = format!("{used} of {max} connections in use ({pct}%)");
    let status = match pct {
        95.. => Status::Fail,
        80.. => Status::Warn,
        _ => Status::Pass,
    };
    (status, detail)
}

async fn replication(conn: &mut PgConnection) -> Result<(Status, String)> {
    let replica: bool = sqlx::query("SELECT pg_is_in_recovery()")
        .fetch_one(&mut *conn)
        .await?
        .get(0);
    if replica {
        let lag: Option<f64> = sqlx::query(
            "SELECT extract(epoch FROM now() - pg_last_xact_replay_timestamp())::float8",
        )
        .fetch_one(&mut *conn)
        .await?
        .get(0);
        return Ok(match lag {
            Some(s) if s > 60.0 => (Status::Warn, format!("replica, replay lag {s:.0}s")),
            Some(s) => (Status::Pass, format!("replica, replay lag {s:.0}s")),
            None => (Status::Warn, "replica, nothing replayed yet".into()),
        });
    }
    let row = sqlx::query(
        "SELECT count(*)::bigint, coalesce(max(extract(epoch FROM replay_lag)), 0)::float8 FROM pg_stat_replication",
    )
    .fetch_one(&mut *conn)
    .await?;
    let (replicas, lag): (i64, f64) = (row.get(0), row.get(1));
    Ok(match replicas {
        0 => (Status::Pass, "primary, no replicas attached".into()),
        n if lag > 60.0 => (
            Status::Warn,
            format!("primary, {n} replica(s), max replay lag {lag:.0}s"),
        ),
        n => (
            Status::Pass,
            format!("primary, {n} replica(s), max replay lag {lag:.0}s"),
        ),
    })
}

async fn sqlite(path: &std::path::Path) -> Vec<Item> {
    let start = Instant::now();
    let mut conn = match super::connect_sqlite(path, true).await {
        Ok(conn) => conn,
        Err(err) => return vec![reachable(Status::Error, start, format!("{err:#}"))],
    };
    let version = sqlx::query("SELECT sqlite_version()")
        .fetch_one(&mut conn)
        .await
        .map(|row| row.get::<String, _>(0));
    let mut items = vec![match version {
        Ok(v) => reachable(
            Status::Pass,
            start,
            format!("SQLite {v}, file `{}`", path.display()),
        ),
        Err(err) => reachable(
            Status::Error,
            start,
            format!("could not query `{}`: {err}", path.display()),
        ),
    }];
    let check = async {
        let (verdict,): (String,) = sqlx::query_as("PRAGMA quick_check")
            .fetch_one(&mut conn)
            .await?;
        Ok(if verdict == "ok" {
            (Status::Pass, "quick_check: ok".to_string())
        } else {
            (Status::Fail, format!("quick_check: {verdict}"))
        })
    };
    items.push(
        timed(
            "integrity",
            "database file is intact",
            Severity::Critical,
            check,
        )
        .await,
    );
    let schema = async {
        Ok(schema_outcome(
            super::sqlite_schema_version(&mut conn).await?,
        ))
    };
    items.push(timed("schema", "migrations current", Severity::Critical, schema).await);
    items
}

/// Age of `latest`: the newest regular backup that is not known-bad (a newer
/// failed one is named; a newer unreadable manifest is an error).
async fn backup_age(storage: &Storage, max: Duration) -> Item {
    let check = async {
        let catalog = catalog::scan(storage).await?;
        if catalog.backups.is_empty() && catalog.unreadable.is_empty() {
            return Ok((
                Status::Fail,
                format!("no backups in {}: run `hctl db backup`", storage.describe()),
            ));
        }
        let latest = match catalog.latest(storage) {
            Ok(latest) => latest,
            Err(err) => return Ok((Status::Fail, format!("{err:#}"))),
        };
        let age = Utc::now().signed_duration_since(latest.entry.manifest.finished_at);
        let limit = chrono::Duration::from_std(max).unwrap_or(chrono::Duration::MAX);
        let mut detail = format!(
            "latest backup `{}` is {} old (limit {})",
            latest.entry.manifest.id,
            human_age(age),
            human_age(limit)
        );
        if let Some(passed_over) = latest.passed_over() {
            detail.push_str(&format!("; {passed_over}"));
        }
        Ok((
            if age <= limit {
                Status::Pass
            } else {
                Status::Fail
            },
            detail,
        ))
    };
    timed(
        "backup-age",
        "latest backup is recent",
        Severity::Critical,
        check,
    )
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn connection_thresholds() {
        assert_eq!(connections_outcome(10, 100).0, Status::Pass);
        assert_eq!(connections_outcome(85, 100).0, Status::Warn);
        assert_eq!(connections_outcome(97, 100).0, Status::Fail);
        assert_eq!(connections_outcome(1, 0).0, Status::Fail);
    }

    #[test]
    fn schema_behind_fails_and_ahead_warns() {
        let known = crate::store::migrate::latest_known();
        assert_eq!(schema_outcome(0).0, Status::Fail);
        assert_eq!(schema_outcome(known).0, Status::Pass);
        assert_eq!(schema_outcome(known + 1).0, Status::Warn);
    }
}
