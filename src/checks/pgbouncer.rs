//! The `pgbouncer` kind: PgBouncer's admin console (the `pgbouncer`
//! database; it speaks the simple query protocol only, which sqlx's
//! `raw_sql` uses). `SHOW CONFIG` gives the pool mode and the default pool
//! size, `SHOW DATABASES` each database's pool size, `SHOW POOLS` the
//! clients waiting, the longest wait and the server connections in use
//! (`sv_active`; `sv_used` ones are idle, awaiting `server_check_query`) per pool, `SHOW STATS` the average wait. Each
//! expectation is one optional field and one finding.

use std::collections::BTreeMap;
use std::str::FromStr;
use std::time::Duration;

use anyhow::{Context, Result, anyhow};
use serde::Deserialize;
use sqlx::postgres::{PgConnectOptions, PgRow};
use sqlx::{ConnectOptions, Connection, PgConnection, Row};

use super::{Outcome, one_line};
use crate::config::redact::redact_url;
use crate::report::Status;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PgbouncerCheck {
    /// The admin console, e.g. `postgres://stats@pooler:6432/pgbouncer` (the
    /// user in `admin_users` or `stats_users`).
    pub url: String,
    /// Only the pools of this database (default: every pool but the console's).
    #[serde(default)]
    pub database: Option<String>,
    /// `session`, `transaction` or `statement`: the configured mode and every pool's.
    #[serde(default)]
    pub pool_mode: Option<String>,
    /// At most this many clients waiting for a server connection (all pools).
    #[serde(default)]
    pub max_clients_waiting: Option<u64>,
    /// The oldest waiting client has waited at most this long.
    #[serde(default, deserialize_with = "crate::duration::optional")]
    pub max_wait: Option<Duration>,
    /// Server connections in use (`sv_active`) at most this share
    /// of the pool size, per pool: `90%` or `0.9`.
    #[serde(default, deserialize_with = "super::load::ratio")]
    pub max_server_utilization: Option<f64>,
}

pub async fn run(check: &PgbouncerCheck) -> Outcome {
    let shown = redact_url(&check.url);
    let options = match PgConnectOptions::from_str(&check.url) {
        // The console refuses startup parameters it does not know.
        Ok(options) => options.extra_float_digits(None).disable_statement_logging(),
        Err(err) => return Outcome::error(format!("invalid URL {shown}: {}", one_line(&err))),
    };
    let mut conn = match PgConnection::connect_with(&options).await {
        Ok(conn) => conn,
        Err(err) => {
            return Outcome::error(format!(
                "could not connect to the pgbouncer console at {shown}: {}",
                one_line(&err)
            ));
        }
    };
    let outcome = match Console::read(&mut conn).await {
        Ok(console) => judge(check, &console),
        Err(err) => Outcome::error(format!("{shown}: {err:#}").replace('\n', " ")),
    };
    let _ = conn.close().await;
    outcome
}

/// One row of a SHOW command, every column as text (the console sends text).
type Table = Vec<BTreeMap<String, String>>;

/// What the console showed.
#[derive(Debug, Default)]
pub struct Console {
    pub config: BTreeMap<String, String>,
    pub databases: Table,
    pub pools: Table,
    pub stats: Table,
}

impl Console {
    async fn read(conn: &mut PgConnection) -> Result<Console> {
        let config = show(conn, "CONFIG")
            .await?
            .into_iter()
            .filter_map(|row| Some((row.get("key")?.clone(), row.get("value")?.clone())))
            .collect();
        Ok(Console {
            config,
            databases: show(conn, "DATABASES").await?,
            pools: show(conn, "POOLS").await?,
            stats: show(conn, "STATS").await?,
        })
    }
}

async fn show(conn: &mut PgConnection, what: &str) -> Result<Table> {
    let rows: Vec<PgRow> = sqlx::raw_sql(sqlx::AssertSqlSafe(format!("SHOW {what}")))
        .fetch_all(&mut *conn)
        .await
        .with_context(|| format!("SHOW {what} failed (is this the `pgbouncer` admin database?)"))?;
    rows.iter()
        .map(|row| {
            let mut out = BTreeMap::new();
            for (i, column) in row.columns().iter().enumerate() {
                use sqlx::Column;
                let value: Option<String> = row
                    .try_get_unchecked(i)
                    .map_err(|e| anyhow!("SHOW {what}: column {}: {e}", column.name()))?;
                out.insert(column.name().to_string(), value.unwrap_or_default());
            }
            Ok(out)
        })
        .collect()
}

fn number(row: &BTreeMap<String, String>, key: &str) -> u64 {
    row.get(key).and_then(|v| v.parse().ok()).unwrap_or(0)
}

/// The console's own pseudo-pool, always in statement mode.
fn is_console(pool: &BTreeMap<String, String>) -> bool {
    pool.get("database").map(String::as_str) == Some("pgbouncer")
        && pool.get("user").map(String::as_str) == Some("pgbouncer")
}

pub fn judge(check: &PgbouncerCheck, console: &Console) -> Outcome {
    let mut problems = Vec::new();
    let mut facts = Vec::new();
    let pools: Vec<&BTreeMap<String, String>> = console
        .pools
        .iter()
        .filter(|p| !is_console(p))
        .filter(|p| match &check.database {
            Some(db) => p.get("database") == Some(db),
            None => true,
        })
        .collect();
    let name = |p: &BTreeMap<String, String>| {
        format!(
            "{}/{}",
            p.get("database").map_or("?", String::as_str),
            p.get("user").map_or("?", String::as_str)
        )
    };
    let configured = console.config.get("pool_mode").cloned().unwrap_or_default();
    facts.push(format!("pool_mode {configured}, {} pools", pools.len()));
    if let Some(db) = &check.database
        && pools.is_empty()
    {
        problems.push((
            Status::Fail,
            format!("no pool for database `{db}` (no client has connected to it yet?)"),
        ));
    }
    if let Some(want) = &check.pool_mode {
        if &configured != want {
            problems.push((
                Status::Fail,
                format!("pool_mode is `{configured}`, expected `{want}`"),
            ));
        }
        for p in &pools {
            let mode = p.get("pool_mode").cloned().unwrap_or_default();
            if !mode.is_empty() && &mode != want && mode != configured {
                problems.push((
                    Status::Fail,
                    format!("pool {} runs in `{mode}` mode, expected `{want}`", name(p)),
                ));
            }
        }
    }
    let waiting: u64 = pools.iter().map(|p| number(p, "cl_waiting")).sum();
    facts.push(format!("{waiting} clients waiting"));
    if let Some(max) = check.max_clients_waiting
        && waiting > max
    {
        problems.push((
            Status::Fail,
            format!("{waiting} clients waiting for a server connection (at most {max})"),
        ));
    }
    let longest = pools
        .iter()
        .map(|p| {
            let wait = Duration::from_secs(number(p, "maxwait"))
                + Duration::from_micros(number(p, "maxwait_us"));
            (wait, name(p))
        })
        .max();
    if let Some(max) = check.max_wait
        && let Some((wait, pool)) = &longest
        && wait > &max
    {
        problems.push((
            Status::Fail,
            format!(
                "a client of {pool} has waited {:.3}s for a server connection (at most {:.3}s)",
                wait.as_secs_f64(),
                max.as_secs_f64()
            ),
        ));
    }
    if let Some(max) = check.max_server_utilization {
        let default_size = console
            .config
            .get("default_pool_size")
            .and_then(|v| v.parse::<u64>().ok())
            .unwrap_or(0);
        for p in &pools {
            let size = console
                .databases
                .iter()
                .find(|d| d.get("name") == p.get("database"))
                .map(|d| number(d, "pool_size"))
                .filter(|size| *size > 0)
                .unwrap_or(default_size);
            // `sv_used` are idle ones awaiting `server_check_query`: not in use.
            let used = number(p, "sv_active");
            let share = used as f64 / size.max(1) as f64;
            facts.push(format!("{}: {used}/{size} server connections", name(p)));
            if share > max {
                problems.push((
                    Status::Fail,
                    format!(
                        "pool {} uses {used} of {size} server connections ({:.0}% > {:.0}%)",
                        name(p),
                        share * 100.0,
                        max * 100.0
                    ),
                ));
            }
        }
    }
    let avg_wait_us: u64 = console
        .stats
        .iter()
        .filter(|s| match &check.database {
            Some(db) => s.get("database") == Some(db),
            None => s.get("database").map(String::as_str) != Some("pgbouncer"),
        })
        .map(|s| number(s, "avg_wait_time"))
        .max()
        .unwrap_or(0);
    facts.push(format!("avg wait {:.1}ms", avg_wait_us as f64 / 1000.0));
    Outcome::from_findings(facts.join(", "), problems)
}
