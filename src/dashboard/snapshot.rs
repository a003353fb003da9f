//! What the launch page shows, gathered fresh on each request through the
//! modules that own each piece (no copies of their logic): checklist marks
//! (`checklist::store`, `standing`, `status`), recorded preflight runs
//! (`preflight::record`), playbook runs (`playbook::runs`), the Deployment
//! (`kube`), backups (`db::catalog`) and flags (`flags`). Each panel is
//! either its data or why it is unavailable, independently: one unreachable
//! service never turns the page into an error.

use std::collections::BTreeMap;
use std::future::Future;
use std::time::Duration;

use anyhow::Result;
use chrono::{DateTime, Utc};
use serde::Serialize;

use super::Launch;
use crate::checklist::standing::standing;
use crate::checklist::status::{ChecklistStatus, status_of};
use crate::checklist::store::{Tick, ticks};
use crate::checklist::{self, Action, Checklist, discover};
use crate::config::process_env;
use crate::db::catalog;
use crate::db::manifest::{Manifest, VerifyRecord};
use crate::flags::{Client, Flag};
use crate::kube::AppDeployment;
use crate::kube::history::{self, Revision};
use crate::kube::wait::{self, RolloutEnd};
use crate::playbook::discover as playbooks;
use crate::playbook::ledger::Ledger;
use crate::playbook::report::RunReport;
use crate::playbook::runs;
use crate::preflight::record::{self, Recorded};
use crate::storage::Storage;

/// How long one panel may take before it shows as unavailable.
pub const PANEL_TIMEOUT: Duration = Duration::from_secs(5);
/// Backups listed, newest first.
const BACKUPS_SHOWN: usize = 5;

/// A panel's content, or why there is none.
#[derive(Debug, Serialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum Panel<T> {
    Ok { data: T },
    Unavailable { reason: String },
}

impl<T> Panel<T> {
    fn from(result: Result<T>) -> Panel<T> {
        match result {
            Ok(data) => Panel::Ok { data },
            Err(err) => Panel::Unavailable {
                reason: format!("{err:#}").replace('\n', " "),
            },
        }
    }
}

/// Everything on the page at one moment.
#[derive(Serialize)]
pub struct Snapshot {
    pub environment: String,
    pub generated_at: DateTime<Utc>,
    pub checklists: Panel<Vec<ChecklistView>>,
    pub preflight: Panel<Vec<Recorded>>,
    pub playbooks: Panel<Vec<RunReport>>,
    pub rollout: Panel<RolloutView>,
    pub backups: Panel<Vec<BackupView>>,
    pub flags: Panel<Vec<Flag>>,
}

/// A checklist: progress per section and every item's mark.
#[derive(Serialize)]
pub struct ChecklistView {
    pub name: String,
    pub description: String,
    /// Manual items in all sections, and how many are done.
    pub manual: usize,
    pub done: usize,
    pub status: ChecklistStatus,
    pub items: Vec<ItemView>,
}

#[derive(Serialize)]
pub struct ItemView {
    pub section: String,
    pub id: String,
    pub title: String,
    pub severity: &'static str,
    /// `manual`, or the check kind.
    pub kind: &'static str,
    pub owner: Option<String>,
    /// Manual items: `open`, `ticked`, `expired`, `waived`, `waiver_lapsed`.
    pub standing: Option<&'static str>,
    pub mark: Option<Tick>,
    /// A tick with `valid_for`: when it stops counting.
    pub expires_at: Option<DateTime<Utc>>,
}

/// The Deployment: how its rollout stands and its revisions.
#[derive(Serialize)]
pub struct RolloutView {
    pub deployment: String,
    pub namespace: String,
    pub cluster: String,
    /// `complete`, `failed` or `progressing`.
    pub state: &'static str,
    pub detail: String,
    pub desired: i32,
    pub updated: i32,
    pub available: i32,
    pub history: Vec<Revision>,
}

/// A backup and its last verification (`restore_ms`: the measured RTO).
#[derive(Serialize)]
pub struct BackupView {
    pub manifest: Manifest,
    pub verified: Option<VerifyRecord>,
}

/// Gather the page's content.
pub async fn gather(launch: &Launch) -> Snapshot {
    let settings = &launch.settings;
    let (checklists, preflight, playbooks, rollout, backups, flags) = tokio::join!(
        panel(checklists(launch)),
        panel(async { record::latest(launch.store().await?, &settings.env).await }),
        panel(playbook_runs(launch)),
        panel(rollout(launch)),
        panel(backups(launch)),
        panel(async {
            let token = settings.admin_token(&process_env)?;
            Client::new(settings.require("url")?, token, PANEL_TIMEOUT)?
                .list()
                .await
        }),
    );
    Snapshot {
        environment: settings.env.clone(),
        generated_at: Utc::now(),
        checklists,
        preflight,
        playbooks,
        rollout,
        backups,
        flags,
    }
}

async fn panel<T>(work: impl Future<Output = Result<T>>) -> Panel<T> {
    match tokio::time::timeout(PANEL_TIMEOUT, work).await {
        Ok(result) => Panel::from(result),
        Err(_) => Panel::Unavailable {
            reason: format!("no answer within {}s", PANEL_TIMEOUT.as_secs()),
        },
    }
}

fn need<'a>(value: Option<&'a str>, key: &str) -> Result<&'a str> {
    value.ok_or_else(|| anyhow::anyhow!("`{key}` is not set for this environment"))
}

/// The project's checklists (shipped ones unless replaced).
pub fn load_checklists(launch: &Launch) -> Result<Vec<Checklist>> {
    let settings = &launch.settings;
    let sources = discover::resolve(&discover::project_dir(settings), &[])?;
    checklist::load_all(&sources, &crate::preflight::lookup(settings))
}

async fn checklists(launch: &Launch) -> Result<Vec<ChecklistView>> {
    let store = launch.store().await?;
    let now = Utc::now();
    let mut views = Vec::new();
    for c in load_checklists(launch)? {
        let state = ticks(&store.events(&c.name).await?);
        views.push(view(&c, &state, now));
    }
    Ok(views)
}

fn view(c: &Checklist, state: &BTreeMap<String, Tick>, now: DateTime<Utc>) -> ChecklistView {
    let status = status_of(c, state);
    let items = c
        .entries()
        .map(|(section, e)| {
            let manual = matches!(e.action, Action::Manual);
            let mark = state.get(&e.id);
            let expires_at = match (mark, e.valid_for) {
                (Some(t), Some(valid)) if t.waived_until.is_none() => {
                    chrono::Duration::from_std(valid).ok().map(|d| t.at + d)
                }
                _ => None,
            };
            ItemView {
                section: section.to_string(),
                id: e.id.clone(),
                title: e.title.clone(),
                severity: e.severity.as_str(),
                kind: e.action.label(),
                owner: e.owner.clone(),
                standing: manual.then(|| standing(e, mark, now).label()),
                mark: mark.cloned(),
                expires_at,
            }
        })
        .collect();
    ChecklistView {
        name: c.name.clone(),
        description: c.description.clone(),
        manual: status.sections.iter().map(|s| s.manual).sum(),
        done: status.sections.iter().map(|s| s.ticked).sum(),
        status,
        items,
    }
}

async fn playbook_runs(launch: &Launch) -> Result<Vec<RunReport>> {
    let url = need(launch.settings.get("database_url"), "database_url")?;
    // The tick store (same database) first: on a new SQLite file, the first
    // connection switches it to WAL, and a second one doing so at the same
    // moment fails at once with "database is locked" (no busy wait).
    launch.store().await?;
    let Some(ledger) = Ledger::open_existing(url).await? else {
        return Ok(Vec::new());
    };
    let hctl = launch.hctl.as_ref();
    let mut found = runs::folded(&ledger, None, &launch.settings.env, |name| {
        playbooks::load(&launch.playbooks_dir, name, hctl).ok()
    })
    .await?;
    found.reverse();
    Ok(found)
}

async fn rollout(launch: &Launch) -> Result<RolloutView> {
    let target = AppDeployment::connect(&launch.settings).await?;
    let (state, detail) = match wait::rollout(&target, 0, Duration::ZERO, |_, _| {}).await? {
        RolloutEnd::Complete(d) => ("complete", d),
        RolloutEnd::Failed(d) => ("failed", d),
        RolloutEnd::TimedOut(d) => ("progressing", d),
    };
    let dep = target.get_deployment().await?;
    let counts = wait::counts(&dep);
    let mut history = history::history(&target).await?;
    history.reverse();
    Ok(RolloutView {
        deployment: target.deployment.clone(),
        namespace: target.namespace.clone(),
        cluster: target.cluster.clone(),
        state,
        detail,
        desired: counts.desired,
        updated: counts.updated,
        available: counts.available,
        history,
    })
}

async fn backups(launch: &Launch) -> Result<Vec<BackupView>> {
    need(launch.settings.get("storage"), "storage")?;
    let storage = Storage::from_settings(&launch.settings)?;
    let catalog = catalog::scan(&storage).await?;
    Ok(catalog
        .backups
        .into_iter()
        .take(BACKUPS_SHOWN)
        .map(|e| BackupView {
            manifest: e.manifest,
            verified: e.verified,
        })
        .collect())
}
