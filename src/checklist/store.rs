//! Who ticked, unticked or waived what, when, with which note and evidence:
//! hctl's own append-only table `hctl_checklist_events` in the environment's
//! database (SQLite by default, PostgreSQL when configured), created and
//! migrated on first use (`checklist::schema`). Rows are only ever inserted,
//! so two people ticking at once both keep their row; the current mark of an
//! item is its latest event.

use std::collections::BTreeMap;

use anyhow::{Context, Result};
use chrono::{DateTime, Utc};
use serde::Serialize;
use sqlx::FromRow;
use sqlx::postgres::PgPoolOptions;
use sqlx::sqlite::SqlitePoolOptions;

use super::schema;
use crate::on_pool;
use crate::report::Evidence;
use crate::store::{Backend, Db, DbUrl};

const INSERT: &str = "INSERT INTO hctl_checklist_events (checklist, item_id, action, actor, note, at, evidence_url, evidence_file, evidence_sha256, waived_until) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)";
const SELECT: &str = "SELECT id, checklist, item_id, action, actor, note, at, evidence_url, evidence_file, evidence_sha256, waived_until FROM hctl_checklist_events WHERE checklist = $1 ORDER BY id";

/// What an event does to an item.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    Tick,
    Untick,
    Waive,
}

impl Action {
    pub fn as_str(self) -> &'static str {
        match self {
            Action::Tick => "tick",
            Action::Untick => "untick",
            Action::Waive => "waive",
        }
    }

    fn parse(text: &str) -> Option<Action> {
        [Action::Tick, Action::Untick, Action::Waive]
            .into_iter()
            .find(|a| a.as_str() == text)
    }
}

/// One audit row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Event {
    pub id: i64,
    pub checklist: String,
    pub item_id: String,
    pub action: Action,
    pub actor: String,
    /// The tick's note, or the waiver's reason.
    pub note: Option<String>,
    pub at: DateTime<Utc>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub evidence: Option<Evidence>,
    /// `waive` events: the waiver holds until this time.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub waived_until: Option<DateTime<Utc>>,
}

/// The row as stored: evidence in three nullable columns.
struct Row {
    id: i64,
    checklist: String,
    item_id: String,
    action: String,
    actor: String,
    note: Option<String>,
    at: DateTime<Utc>,
    evidence_url: Option<String>,
    evidence_file: Option<String>,
    evidence_sha256: Option<String>,
    waived_until: Option<DateTime<Utc>>,
}
crate::from_row!(Row {
    id,
    checklist,
    item_id,
    action,
    actor,
    note,
    at,
    evidence_url,
    evidence_file,
    evidence_sha256,
    waived_until
});

impl TryFrom<Row> for Event {
    type Error = anyhow::Error;

    fn try_from(r: Row) -> Result<Event> {
        let action = Action::parse(&r.action)
            .with_context(|| format!("event {} has an unknown action `{}`", r.id, r.action))?;
        let evidence = match (r.evidence_url, r.evidence_file, r.evidence_sha256) {
            (Some(url), _, _) => Some(Evidence::Url { url }),
            (None, Some(path), Some(sha256)) => Some(Evidence::File { path, sha256 }),
            _ => None,
        };
        Ok(Event {
            id: r.id,
            checklist: r.checklist,
            item_id: r.item_id,
            action,
            actor: r.actor,
            note: r.note,
            at: r.at,
            evidence,
            waived_until: r.waived_until,
        })
    }
}

/// The current mark of an item: a tick, or a waiver (`waived_until` set).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Tick {
    pub actor: String,
    pub at: DateTime<Utc>,
    pub note: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub evidence: Option<Evidence>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub waived_until: Option<DateTime<Utc>>,
}

/// Current marks by item id: the latest event of each item decides.
pub fn ticks(events: &[Event]) -> BTreeMap<String, Tick> {
    let mut state = BTreeMap::new();
    for e in events {
        match e.action {
            Action::Tick | Action::Waive => {
                state.insert(
                    e.item_id.clone(),
                    Tick {
                        actor: e.actor.clone(),
                        at: e.at,
                        note: e.note.clone(),
                        evidence: e.evidence.clone(),
                        waived_until: e.waived_until,
                    },
                );
            }
            Action::Untick => {
                state.remove(&e.item_id);
            }
        }
    }
    state
}

/// One event to append.
#[derive(Debug, Clone)]
pub struct NewEvent<'a> {
    pub checklist: &'a str,
    pub item: &'a str,
    pub action: Action,
    pub actor: &'a str,
    pub note: Option<&'a str>,
    pub evidence: Option<&'a Evidence>,
    pub waived_until: Option<DateTime<Utc>>,
}

/// The event table of one database: the environment's pool (`store::Db`).
pub struct Store {
    db: Db,
}

impl Store {
    /// Connect, and create or migrate the table if needed.
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
            schema::migrate_sqlite(&pool)
                .await
                .context("cannot prepare the tick store (hctl_checklist_events)")?;
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
            schema::migrate_pg(&pool)
                .await
                .context("cannot prepare the tick store (hctl_checklist_events)")?;
            Db::Postgres(crate::store::PgDb::new(pool, url.pgbouncer()?))
        };
        Ok(Store { db })
    }

    /// The database the store lives in, for the tables that share its
    /// schema (`preflight::record`).
    pub(crate) fn db(&self) -> &Db {
        &self.db
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
    pub async fn record(&self, e: &NewEvent<'_>) -> Result<()> {
        let at = Utc::now();
        let (url, file, sha256) = match e.evidence {
            Some(Evidence::Url { url }) => (Some(url.as_str()), None, None),
            Some(Evidence::File { path, sha256 }) => {
                (None, Some(path.as_str()), Some(sha256.as_str()))
            }
            None => (None, None, None),
        };
        on_pool!(&self.db, pool => sqlx::query(INSERT)
            .bind(e.checklist)
            .bind(e.item)
            .bind(e.action.as_str())
            .bind(e.actor)
            .bind(e.note)
            .bind(at)
            .bind(url)
            .bind(file)
            .bind(sha256)
            .bind(e.waived_until)
            .execute(pool)
            .await
            .map(|_| ()))
        .with_context(|| {
            format!(
                "cannot record {} of `{}` in `{}`",
                e.action.as_str(),
                e.item,
                e.checklist
            )
        })?;
        Ok(())
    }

    /// Every event of a checklist, oldest first.
    pub async fn events(&self, checklist: &str) -> Result<Vec<Event>> {
        let rows = on_pool!(&self.db, pool => sqlx::query(SELECT)
            .bind(checklist)
            .fetch_all(pool)
            .await
            .map(|rows| rows.iter().map(Row::from_row).collect::<Result<Vec<_>, _>>()));
        let rows = rows
            .and_then(|r| r)
            .with_context(|| format!("cannot read the events of `{checklist}`"))?;
        rows.into_iter().map(Event::try_from).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event<'a>(
        checklist: &'a str,
        item: &'a str,
        action: Action,
        actor: &'a str,
    ) -> NewEvent<'a> {
        NewEvent {
            checklist,
            item,
            action,
            actor,
            note: None,
            evidence: None,
            waived_until: None,
        }
    }

    #[tokio::test]
    async fn sqlite_events_append_and_latest_wins() {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}", dir.path().join("t.db").display());
        assert!(Store::read_ticks(&url, "c").await.unwrap().is_empty());
        let store = Store::open(&url).await.unwrap();
        let link = Evidence::Url {
            url: "https://drive.example/report".into(),
        };
        store
            .record(&NewEvent {
                note: Some("done"),
                evidence: Some(&link),
                ..event("c", "a", Action::Tick, "ana")
            })
            .await
            .unwrap();
        store
            .record(&event("c", "b", Action::Tick, "bo"))
            .await
            .unwrap();
        store
            .record(&event("c", "b", Action::Untick, "ana"))
            .await
            .unwrap();
        store
            .record(&event("other", "x", Action::Tick, "bo"))
            .await
            .unwrap();
        let until = Utc::now() + chrono::Duration::days(3);
        store
            .record(&NewEvent {
                note: Some("vendor fix due"),
                waived_until: Some(until),
                ..event("c", "w", Action::Waive, "cy")
            })
            .await
            .unwrap();
        let events = store.events("c").await.unwrap();
        assert_eq!(events.len(), 4);
        assert_eq!(events[0].evidence.as_ref(), Some(&link));
        let state = ticks(&events);
        assert_eq!(state.keys().collect::<Vec<_>>(), ["a", "w"]);
        assert_eq!(state["a"].actor, "ana");
        assert_eq!(
            state["w"].waived_until.map(|t| t.timestamp()),
            Some(until.timestamp())
        );
        assert_eq!(Store::read_ticks(&url, "c").await.unwrap().len(), 2);
    }

    /// A database ticked by a release before the schema history keeps its
    /// ticks and gains evidence and waivers.
    #[tokio::test]
    async fn sqlite_store_of_an_older_release_is_migrated_in_place() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("old.db");
        let url = format!("sqlite://{}", path.display());
        {
            let options = DbUrl::parse(&url)
                .unwrap()
                .sqlite_options()
                .unwrap()
                .create_if_missing(true);
            let pool = SqlitePoolOptions::new()
                .connect_with(options)
                .await
                .unwrap();
            sqlx::raw_sql(
                "CREATE TABLE hctl_checklist_events (
                    id INTEGER PRIMARY KEY AUTOINCREMENT, checklist TEXT NOT NULL,
                    item_id TEXT NOT NULL,
                    action TEXT NOT NULL CHECK (action IN ('tick', 'untick')),
                    actor TEXT NOT NULL, note TEXT, at TEXT NOT NULL);
                INSERT INTO hctl_checklist_events (checklist, item_id, action, actor, note, at)
                    VALUES ('c', 'old', 'tick', 'ana', 'before', '2026-11-01T10:00:00Z')",
            )
            .execute(&pool)
            .await
            .unwrap();
            pool.close().await;
        }
        let store = Store::open(&url).await.unwrap();
        store
            .record(&NewEvent {
                waived_until: Some(Utc::now()),
                ..event("c", "new", Action::Waive, "bo")
            })
            .await
            .unwrap();
        let events = store.events("c").await.unwrap();
        assert_eq!(events.len(), 2);
        assert_eq!((events[0].id, events[0].item_id.as_str()), (1, "old"));
        assert_eq!(events[0].note.as_deref(), Some("before"));
        assert_eq!(events[1].id, 2, "ids go on after the copied rows");
        drop(store);
        // Opening again applies nothing twice.
        Store::open(&url).await.unwrap();
    }
}
