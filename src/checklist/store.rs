//! Who ticked what, when, with which note: hctl's own append-only table
//! `hctl_checklist_events` in the environment's database (SQLite by default,
//! PostgreSQL when configured), created on first use. Rows are only ever
//! inserted, so two people ticking at once both keep their row; the current
//! state of an item is its latest event.

use std::collections::BTreeMap;

use anyhow::{Context, Result};
use chrono::{DateTime, Utc};
use serde::Serialize;
use sqlx::FromRow;
use sqlx::postgres::PgPoolOptions;
use sqlx::sqlite::SqlitePoolOptions;

use crate::on_pool;
use crate::store::{Backend, Db, DbUrl};

const PG_DDL: &str = "CREATE TABLE IF NOT EXISTS hctl_checklist_events (
    id BIGSERIAL PRIMARY KEY,
    checklist TEXT NOT NULL,
    item_id TEXT NOT NULL,
    action TEXT NOT NULL CHECK (action IN ('tick', 'untick')),
    actor TEXT NOT NULL,
    note TEXT,
    at TIMESTAMPTZ NOT NULL)";

const SQLITE_DDL: &str = "CREATE TABLE IF NOT EXISTS hctl_checklist_events (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    checklist TEXT NOT NULL,
    item_id TEXT NOT NULL,
    action TEXT NOT NULL CHECK (action IN ('tick', 'untick')),
    actor TEXT NOT NULL,
    note TEXT,
    at TEXT NOT NULL)";

const INSERT: &str = "INSERT INTO hctl_checklist_events (checklist, item_id, action, actor, note, at) VALUES ($1, $2, $3, $4, $5, $6)";
const SELECT: &str = "SELECT id, checklist, item_id, action, actor, note, at FROM hctl_checklist_events WHERE checklist = $1 ORDER BY id";

/// One audit row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Event {
    pub id: i64,
    pub checklist: String,
    pub item_id: String,
    /// `tick` or `untick`.
    pub action: String,
    pub actor: String,
    pub note: Option<String>,
    pub at: DateTime<Utc>,
}
crate::from_row!(Event {
    id,
    checklist,
    item_id,
    action,
    actor,
    note,
    at
});

/// The current tick of an item.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Tick {
    pub actor: String,
    pub at: DateTime<Utc>,
    pub note: Option<String>,
}

/// Current ticks by item id: the latest event of each item decides.
pub fn ticks(events: &[Event]) -> BTreeMap<String, Tick> {
    let mut state = BTreeMap::new();
    for e in events {
        if e.action == "tick" {
            state.insert(
                e.item_id.clone(),
                Tick {
                    actor: e.actor.clone(),
                    at: e.at,
                    note: e.note.clone(),
                },
            );
        } else {
            state.remove(&e.item_id);
        }
    }
    state
}

/// The event table of one database: the environment's pool (`store::Db`).
pub struct Store {
    db: Db,
}

impl Store {
    /// Connect and create the table if needed.
    pub async fn open(url: &str) -> Result<Store> {
        let url = DbUrl::parse(url)?;
        let db = if url.backend() == Backend::Sqlite {
            let options = url
                .sqlite_options()?
                .create_if_missing(true)
                .busy_timeout(std::time::Duration::from_secs(10));
            let pool = url
                .within(
                    SqlitePoolOptions::new()
                        .max_connections(1)
                        .connect_with(options),
                )
                .await?;
            sqlx::query(SQLITE_DDL)
                .execute(&pool)
                .await
                .context("cannot create hctl_checklist_events")?;
            Db::Sqlite(pool)
        } else {
            // One direct attempt first: the pool would keep retrying a refused
            // connection until its acquire timeout.
            let probe = url.connect_pg().await?;
            let _ = sqlx::Connection::close(probe).await;
            let pool = url
                .within(
                    PgPoolOptions::new()
                        .max_connections(2)
                        .acquire_timeout(std::time::Duration::from_secs(10))
                        .connect_with(url.pg_options()?),
                )
                .await?;
            // Two first uses at once can race on CREATE TABLE IF NOT EXISTS; the
            // loser sees a unique violation and simply finds the table there.
            if sqlx::query(PG_DDL).execute(&pool).await.is_err() {
                sqlx::query(PG_DDL)
                    .execute(&pool)
                    .await
                    .context("cannot create hctl_checklist_events")?;
            }
            Db::Postgres(pool)
        };
        Ok(Store { db })
    }

    /// Ticks of a checklist without creating anything: a missing SQLite
    /// file or table means nobody has ticked yet.
    pub async fn read_ticks(url: &str, checklist: &str) -> Result<BTreeMap<String, Tick>> {
        if let Some(path) = url
            .strip_prefix("sqlite://")
            .or_else(|| url.strip_prefix("sqlite:"))
        {
            let file = path.split('?').next().unwrap_or(path);
            if file != ":memory:" && !std::path::Path::new(file).exists() {
                return Ok(BTreeMap::new());
            }
        }
        let store = Store::open(url).await?;
        Ok(ticks(&store.events(checklist).await?))
    }

    /// Append one event.
    pub async fn record(
        &self,
        checklist: &str,
        item: &str,
        action: &str,
        actor: &str,
        note: Option<&str>,
    ) -> Result<()> {
        let at = Utc::now();
        on_pool!(&self.db, pool => sqlx::query(INSERT)
            .bind(checklist)
            .bind(item)
            .bind(action)
            .bind(actor)
            .bind(note)
            .bind(at)
            .execute(pool)
            .await
            .map(|_| ()))
        .with_context(|| format!("cannot record {action} of `{item}` in `{checklist}`"))?;
        Ok(())
    }

    /// Every event of a checklist, oldest first.
    pub async fn events(&self, checklist: &str) -> Result<Vec<Event>> {
        let rows = on_pool!(&self.db, pool => sqlx::query(SELECT)
            .bind(checklist)
            .fetch_all(pool)
            .await
            .map(|rows| rows.iter().map(Event::from_row).collect::<Result<Vec<_>, _>>()));
        let events = rows
            .and_then(|r| r)
            .with_context(|| format!("cannot read the events of `{checklist}`"))?;
        Ok(events)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn sqlite_events_append_and_latest_wins() {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}", dir.path().join("t.db").display());
        assert!(Store::read_ticks(&url, "c").await.unwrap().is_empty());
        let store = Store::open(&url).await.unwrap();
        store
            .record("c", "a", "tick", "ana", Some("done"))
            .await
            .unwrap();
        store.record("c", "a", "tick", "bo", None).await.unwrap();
        store.record("c", "b", "tick", "bo", None).await.unwrap();
        store.record("c", "b", "untick", "ana", None).await.unwrap();
        store
            .record("other", "x", "tick", "bo", None)
            .await
            .unwrap();
        let events = store.events("c").await.unwrap();
        assert_eq!(events.len(), 4);
        let state = ticks(&events);
        assert_eq!(state.keys().collect::<Vec<_>>(), ["a"]);
        assert_eq!(state["a"].actor, "bo");
        assert_eq!(Store::read_ticks(&url, "c").await.unwrap().len(), 1);
    }
}
