//! The `postgres` kind: reachable, server version ≥ N, migrations current
//! (`hctl_schema_migrations`, written by `store::migrate`), connection headroom
//! (connections in use vs `max_connections`) and the age of `latest` backup
//! (the newest that is not known-bad), and WAL archiving (`wal_archiving`,
//! read from `pg_stat_archiver` as `hctl db wal status` does), streaming
//! replicas (`min_replicas`, `max_replay_lag`: `pg_stat_replication` on a
//! primary, the replay position on a replica). Each expectation is one optional field
//! and one finding, so a new one is a field and a function.

use anyhow::{Context, Result};
use serde::Deserialize;
use sqlx::{Connection, PgConnection, Row};

use super::{Deps, Outcome};
use crate::config::redact::redact_url;
use crate::report::Status;
use crate::storage::Storage;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PostgresCheck {
    /// Connection URL, usually `{{ env.database_url }}`.
    pub url: String,
    /// Minimum server major version, e.g. 15.
    #[serde(default)]
    pub min_version: Option<u32>,
    /// The schema must be at the version this hctl knows (or `schema_version`).
    #[serde(default)]
    pub migrations_current: bool,
    /// Expected schema version (default: the latest migration compiled into hctl).
    #[serde(default)]
    pub schema_version: Option<i64>,
    /// Fail when more than this percentage of `max_connections` is in use.
    #[serde(default)]
    pub max_connections_pct: Option<f64>,
    /// Fail when `latest` in `storage` (default: the environment's) — the newest
    /// regular backup that is not known-bad — finished longer ago than this many
    /// hours, or there is none.
    #[serde(default)]
    pub max_backup_age_hours: Option<f64>,
    /// Backup storage for `max_backup_age_hours` (`file://DIR` or `s3://BUCKET/PREFIX`).
    #[serde(default)]
    pub storage: Option<String>,
    /// WAL archiving works: `archive_mode` on, an `archive_command`, no
    /// failure in `pg_stat_archiver` newer than the last success (the failed
    /// segment is named) and, with `max_age`, a segment archived within it.
    #[serde(default)]
    pub wal_archiving: Option<WalArchiving>,
    /// On a primary: at least this many replicas streaming (`pg_stat_replication`).
    #[serde(default)]
    pub min_replicas: Option<u32>,
    /// Replay lag at most this long: on a primary every streaming replica's
    /// `replay_lag`; on a replica `now() - pg_last_xact_replay_timestamp()`,
    /// 0 when everything received is replayed (an idle primary sends nothing).
    #[serde(default, deserialize_with = "crate::duration::optional")]
    pub max_replay_lag: Option<std::time::Duration>,
}

/// `wal_archiving: { max_age: 10m }`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WalArchiving {
    /// The last segment must have been archived within this long.
    #[serde(default, deserialize_with = "crate::duration::optional")]
    pub max_age: Option<std::time::Duration>,
}

pub async fn run(check: &PostgresCheck, deps: &Deps) -> Outcome {
    let shown = redact_url(&check.url);
    // A transaction pooler hands each statement to any server connection:
    // sqlx's named statements break there, and the answers are the pool's.
    if crate::store::DbUrl::parse(&check.url).is_ok_and(|url| url.pgbouncer().unwrap_or(false)) {
        return Outcome::error(format!(
            "{shown} names PgBouncer (`pgbouncer=true`): the postgres kind needs the database's own URL (the pooler has the `pgbouncer` kind)"
        ));
    }
    let mut conn = match PgConnection::connect(&check.url).await {
        Ok(conn) => conn,
        Err(err) => {
            return Outcome::error(format!(
                "could not connect to postgres at {shown}: {}",
                super::one_line(&err)
            ));
        }
    };
    match inspect(check, deps, &mut conn).await {
        Ok(outcome) => outcome,
        Err(err) => Outcome::error(format!("{shown}: {err:#}").replace('\n', " ")),
    }
}

async fn inspect(check: &PostgresCheck, deps: &Deps, conn: &mut PgConnection) -> Result<Outcome> {
    let mut problems = Vec::new();
    let mut facts = Vec::new();

    let version_num: String = sqlx::query_scalar("SHOW server_version_num")
        .fetch_one(&mut *conn)
        .await
        .context("reading the server version")?;
    let major = version_num.parse::<u32>().unwrap_or(0) / 10_000;
    facts.push(format!("PostgreSQL {major}"));
    if let Some(min) = check.min_version
        && major < min
    {
        problems.push((
            Status::Fail,
            format!("server version {major} is below {min}"),
        ));
    }

    if check.migrations_current || check.schema_version.is_some() {
        let want = check.schema_version.or(deps.latest_schema);
        match crate::db::pg_schema_version(conn).await? {
            0 => problems.push((
                Status::Fail,
                "no migrations applied (`hctl_schema_migrations` is empty or missing)".into(),
            )),
            have => {
                facts.push(format!("schema {have}"));
                match want {
                    Some(want) if have < want => problems.push((
                        Status::Fail,
                        format!("schema version {have}, expected {want}: run `hctl db migrate`"),
                    )),
                    Some(want) if have > want => problems.push((
                        Status::Fail,
                        format!("schema version {have} is newer than the expected {want}"),
                    )),
                    _ => {}
                }
            }
        }
    }

    if let Some(limit) = check.max_connections_pct {
        let row = sqlx::query(
            "SELECT (SELECT count(*) FROM pg_stat_activity)::bigint AS used, current_setting('max_connections')::bigint AS max",
        )
        .fetch_one(&mut *conn)
        .await
        .context("reading connection usage")?;
        let used: i64 = row.try_get("used")?;
        let max: i64 = row.try_get("max")?;
        let pct = used as f64 * 100.0 / max.max(1) as f64;
        facts.push(format!("{used}/{max} connections"));
        if pct > limit {
            problems.push((
                Status::Fail,
                format!("{used} of {max} connections in use ({pct:.0}% > {limit}%)"),
            ));
        }
    }
    if let Some(wal) = &check.wal_archiving {
        let archiver = crate::db::wal::Archiver::read(conn).await?;
        for found in crate::db::wal::judge(&archiver, wal.max_age, chrono::Utc::now()) {
            match found.status {
                Status::Pass if found.id == "archiver" => facts.push(found.detail),
                Status::Pass => {}
                status => problems.push((status, found.detail)),
            }
        }
    }
    if check.min_replicas.is_some() || check.max_replay_lag.is_some() {
        let (fact, found) = replication(check, conn).await?;
        facts.push(fact);
        problems.extend(found);
    }
    if let Some(hours) = check.max_backup_age_hours {
        let (fact, problem) = backup_age(check, deps, hours).await?;
        facts.push(fact);
        problems.extend(problem);
    }
    Ok(Outcome::from_findings(facts.join(", "), problems))
}

/// `min_replicas` and `max_replay_lag`, as seen from a primary or a replica.
async fn replication(
    check: &PostgresCheck,
    conn: &mut PgConnection,
) -> Result<(String, Vec<(Status, String)>)> {
    let mut problems = Vec::new();
    let in_recovery: bool = sqlx::query_scalar("SELECT pg_is_in_recovery()")
        .fetch_one(&mut *conn)
        .await
        .context("reading pg_is_in_recovery()")?;
    if in_recovery {
        if let Some(min) = check.min_replicas {
            problems.push((
                Status::Fail,
                format!("this server is a replica (in recovery): `min_replicas: {min}` is checked on the primary"),
            ));
        }
        let row = sqlx::query(
            "SELECT (SELECT count(*) FROM pg_stat_wal_receiver WHERE status = 'streaming')::bigint AS receiving, \
             pg_last_wal_receive_lsn() IS NOT DISTINCT FROM pg_last_wal_replay_lsn() AS caught_up, \
             EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp())::float8 AS lag",
        )
        .fetch_one(&mut *conn)
        .await
        .context("reading the replay position")?;
        let receiving: i64 = row.try_get("receiving")?;
        let caught_up: bool = row.try_get("caught_up")?;
        let lag: Option<f64> = row.try_get("lag")?;
        // Everything received is replayed: no lag, however old the last
        // transaction (an idle primary makes that timestamp grow).
        let lag = if caught_up { Some(0.0) } else { lag };
        let shown = lag.map_or("unknown".into(), |l| format!("{l:.1}s"));
        if receiving == 0 {
            problems.push((
                Status::Fail,
                "replica is not streaming from its primary (no WAL receiver)".into(),
            ));
        }
        if let Some(max) = check.max_replay_lag {
            match lag {
                Some(l) if l > max.as_secs_f64() => problems.push((
                    Status::Fail,
                    format!("replay lag {l:.1}s, more than {:.1}s", max.as_secs_f64()),
                )),
                None => problems.push((
                    Status::Fail,
                    "replay lag unknown: nothing replayed yet".into(),
                )),
                _ => {}
            }
        }
        return Ok((format!("replica, replay lag {shown}"), problems));
    }
    let rows = sqlx::query(
        "SELECT coalesce(nullif(application_name, ''), host(client_addr), 'pid ' || pid) AS name, \
         coalesce(state, 'unknown') AS state, EXTRACT(EPOCH FROM replay_lag)::float8 AS lag \
         FROM pg_stat_replication ORDER BY 1",
    )
    .fetch_all(&mut *conn)
    .await
    .context("reading pg_stat_replication")?;
    let mut streaming = Vec::new();
    let mut others = Vec::new();
    for row in &rows {
        let name: String = row.try_get("name")?;
        let state: String = row.try_get("state")?;
        // NULL replay_lag: caught up and nothing new to replay.
        let lag: Option<f64> = row.try_get("lag")?;
        if state == "streaming" {
            streaming.push((name, lag.unwrap_or(0.0)));
        } else {
            others.push(format!("{name} {state}"));
        }
    }
    let mut fact = format!("{} streaming replicas", streaming.len());
    if !others.is_empty() {
        fact.push_str(&format!(
            " ({} not streaming: {})",
            others.len(),
            others.join(", ")
        ));
    }
    if let Some(min) = check.min_replicas
        && (streaming.len() as u64) < u64::from(min)
    {
        problems.push((Status::Fail, format!("{fact}, expected at least {min}")));
    }
    if let Some(max) = check.max_replay_lag {
        if streaming.is_empty() {
            problems.push((
                Status::Fail,
                "no streaming replica to measure the replay lag of".into(),
            ));
        }
        for (name, lag) in &streaming {
            if *lag > max.as_secs_f64() {
                problems.push((
                    Status::Fail,
                    format!(
                        "replica {name}: replay lag {lag:.1}s, more than {:.1}s",
                        max.as_secs_f64()
                    ),
                ));
            }
        }
        if let Some(worst) = streaming.iter().map(|(_, l)| *l).reduce(f64::max) {
            fact.push_str(&format!(", max replay lag {worst:.1}s"));
        }
    }
    Ok((fact, problems))
}

/// The age of the newest complete backup (the manifests of `hctl db backup`).
async fn backup_age(
    check: &PostgresCheck,
    deps: &Deps,
    hours: f64,
) -> Result<(String, Option<(Status, String)>)> {
    let storage = match &check.storage {
        Some(url) => Storage::open(url, &deps.s3)?,
        None => Storage::from_settings(&deps.settings)?,
    };
    let catalog = crate::db::catalog::scan(&storage).await?;
    if catalog.backups.is_empty() && catalog.unreadable.is_empty() {
        let problem = format!("no backup in {}: run `hctl db backup`", storage.describe());
        return Ok(("no backup".into(), Some((Status::Fail, problem))));
    }
    // `latest` skips known-bad backups and refuses over an unreadable newer one.
    let latest = match catalog.latest(&storage) {
        Ok(latest) => latest,
        Err(err) => {
            return Ok((
                "no usable backup".into(),
                Some((Status::Fail, format!("{err:#}"))),
            ));
        }
    };
    let manifest = &latest.entry.manifest;
    let age = (chrono::Utc::now() - manifest.finished_at).num_seconds() as f64 / 3600.0;
    let mut fact = format!("latest backup {} ({age:.1}h old)", manifest.id);
    if let Some(passed_over) = latest.passed_over() {
        fact.push_str(&format!("; {passed_over}"));
    }
    let problem = (age > hours).then(|| {
        (
            Status::Fail,
            format!(
                "latest backup {} is {age:.1}h old, more than {hours}h",
                manifest.id
            ),
        )
    });
    Ok((fact, problem))
}
