//! Where completed values come from: the same discovery, config and clients
//! the commands use. Every completer returns the candidates that start with
//! what is typed, and an empty list on any problem.

use std::collections::BTreeSet;
use std::ffi::OsStr;
use std::future::Future;
use std::path::Path;
use std::time::Duration;

use clap::ArgMatches;
use clap_complete::engine::{CompletionCandidate, PathCompleter, ValueCompleter};

use super::{Line, many, one};
use crate::checklist::{self, Action, Checklist, discover};
use crate::config::file::LoadedFile;
use crate::config::{DEFAULT_ENV, DEFAULT_FILE, Settings, process_env, redact::redact_url};
use crate::db::manifest::{self, MANIFEST};
use crate::flags::Client;
use crate::s3::{S3Target, Timeouts};
use crate::storage::Storage;

/// The longest a completer waits for a server (S3, the admin API): a TAB
/// that takes longer is worse than no candidates.
pub const NETWORK_BUDGET: Duration = Duration::from_secs(2);

/// `(value, description)` pairs that start with `current`, in the given order.
fn starting_with(
    current: &OsStr,
    values: impl IntoIterator<Item = (String, Option<String>)>,
) -> Vec<CompletionCandidate> {
    let typed = current.to_string_lossy();
    values
        .into_iter()
        .filter(|(value, _)| value.starts_with(typed.as_ref()))
        .map(|(value, help)| CompletionCandidate::new(value).help(help.map(Into::into)))
        .collect()
}

/// A name typed as a path (`./x`, `ops/x.yaml`) is completed as a file.
fn looks_like_path(current: &OsStr) -> bool {
    let typed = current.to_string_lossy();
    typed.contains('/') || typed.starts_with('.') || typed.starts_with('~')
}

// The functions below are the only ones that know how checklists are found:
// they go through `checklist::discover`, as preflight does (shipped ones
// overlaid by the project's directory).

/// The project's checklist directory for the line's configuration.
fn checklist_dir() -> std::path::PathBuf {
    settings()
        .map(|s| discover::project_dir(&s))
        .unwrap_or_else(|| discover::DIR.into())
}

/// Every checklist a `NAME` can name, loaded when it is valid.
fn all_checklists() -> Vec<(String, Option<Checklist>)> {
    discover::all(&checklist_dir())
        .unwrap_or_default()
        .into_iter()
        .map(|source| (source.name.clone(), load_checklist(&source)))
        .collect()
}

/// The checklist `name_or_file` names.
fn checklist_named(name_or_file: &str) -> Option<Checklist> {
    let mut found = discover::resolve(&checklist_dir(), &[name_or_file.to_string()]).ok()?;
    load_checklist(&found.pop()?)
}

/// A checklist as written: templates are left unresolved, which is enough
/// for names, titles and ids.
fn load_checklist(source: &crate::shipped::Source) -> Option<Checklist> {
    checklist::load_source(source, &|_| None).ok()
}

/// Checklist names, described by their `description:`.
pub fn checklists(current: &OsStr) -> Vec<CompletionCandidate> {
    if looks_like_path(current) {
        return PathCompleter::file().complete(current);
    }
    let described = all_checklists()
        .into_iter()
        .map(|(name, list)| (name, list.map(|c| c.description)));
    starting_with(current, described)
}

/// The checklists the line works on: its `NAME` or `-c` ones, else all.
fn line_checklists(leaf: &ArgMatches) -> Vec<Checklist> {
    let named: Vec<String> = one::<String>(leaf, "name")
        .into_iter()
        .chain(many(leaf, "checklists"))
        .collect();
    if named.is_empty() {
        return all_checklists()
            .into_iter()
            .filter_map(|(_, list)| list)
            .collect();
    }
    named.iter().filter_map(|n| checklist_named(n)).collect()
}

/// Item ids for `preflight --only|--exclude`, of the checklists on the line,
/// not those already given.
pub fn item_ids(current: &OsStr) -> Vec<CompletionCandidate> {
    let line = Line::current();
    let leaf = line.leaf();
    let given: Vec<String> = many(leaf, "only")
        .into_iter()
        .chain(many(leaf, "exclude"))
        .collect();
    let ids: Vec<(String, Option<String>)> = line_checklists(leaf)
        .iter()
        .flat_map(|c| {
            c.entries()
                .map(|(_, e)| (e.id.clone(), Some(e.title.clone())))
        })
        .filter(|(id, _)| !given.contains(id))
        .collect();
    starting_with(current, ids)
}

/// The tags used by the checklists on the line (`preflight --tag`,
/// `checklist report --tag`), sorted, not those already given.
pub fn tags(current: &OsStr) -> Vec<CompletionCandidate> {
    let line = Line::current();
    let leaf = line.leaf();
    let given = many(leaf, "tags");
    let used: BTreeSet<String> = line_checklists(leaf)
        .iter()
        .flat_map(|c| c.entries().flat_map(|(_, e)| e.tags.clone()))
        .filter(|t| !given.contains(t))
        .collect();
    starting_with(current, used.into_iter().map(|t| (t, None)))
}

/// Item ids for `checklist tick NAME ITEM`: the manual items (automated ones
/// are decided by their checks), not those already on the line.
pub fn to_tick(current: &OsStr) -> Vec<CompletionCandidate> {
    items(current, false)
}

/// Item ids for `checklist untick NAME ITEM`: manual items first, then the
/// automated ones.
pub fn to_untick(current: &OsStr) -> Vec<CompletionCandidate> {
    items(current, true)
}

fn items(current: &OsStr, with_automated: bool) -> Vec<CompletionCandidate> {
    let line = Line::current();
    let leaf = line.leaf();
    let Some(name) = one::<String>(leaf, "name") else {
        return Vec::new();
    };
    let Some(list) = checklist_named(&name) else {
        return Vec::new();
    };
    let given = many(leaf, "items");
    let mut entries: Vec<_> = list
        .entries()
        .map(|(_, e)| e)
        .filter(|e| !given.contains(&e.id))
        .filter(|e| with_automated || matches!(e.action, Action::Manual))
        .collect();
    // Stable: file order within manual, then within automated.
    entries.sort_by_key(|e| !matches!(e.action, Action::Manual));
    starting_with(
        current,
        entries
            .into_iter()
            .map(|e| (e.id.clone(), Some(e.title.clone()))),
    )
}

/// Environment names from the config file the line would read (`--config`,
/// `HCTL_CONFIG`, else `./hctl.yaml`); only `local` when there is none.
pub fn environments(current: &OsStr) -> Vec<CompletionCandidate> {
    let config = Line::current().overrides().config.or_else(|| {
        let default = Path::new(DEFAULT_FILE);
        default.is_file().then(|| default.to_path_buf())
    });
    let Some(path) = config else {
        return starting_with(current, [(DEFAULT_ENV.to_string(), None)]);
    };
    let Ok(file) = LoadedFile::read(&path) else {
        return Vec::new();
    };
    let named = file.data.environments.iter().map(|(name, env)| {
        let url = env
            .value
            .flatten()
            .into_iter()
            .find(|(key, _)| *key == "url")
            .map(|(_, v)| redact_url(&v.raw));
        (name.clone(), url)
    });
    starting_with(current, named)
}

/// The settings of the environment the line selects.
fn settings() -> Option<Settings> {
    Settings::load(&Line::current().overrides(), &process_env).ok()
}

/// Run a look-up on a runtime of its own, for at most [`NETWORK_BUDGET`];
/// `None` on error or when time is up (the look-up is abandoned, not awaited).
fn within_budget<T>(lookup: impl Future<Output = anyhow::Result<T>>) -> Option<T> {
    crate::init_crypto();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .ok()?;
    let outcome = runtime.block_on(async { tokio::time::timeout(NETWORK_BUDGET, lookup).await });
    runtime.shutdown_background();
    outcome.ok()?.ok()
}

/// `latest` and the ids of the complete backups (those with a manifest) in
/// the environment's backup storage, newest first by the time their id
/// starts with. One listing call and no manifest reads, so a storage with
/// hundreds of backups still answers within the budget.
pub fn backups(current: &OsStr) -> Vec<CompletionCandidate> {
    let ids = settings().and_then(|settings| {
        within_budget(async move {
            let url = settings.require("storage")?;
            let timeouts = Timeouts {
                connect: NETWORK_BUDGET,
                attempt: NETWORK_BUDGET,
                operation: NETWORK_BUDGET,
            };
            let storage = Storage::open_with(url, &S3Target::from_settings(&settings), timeouts)?;
            let mut ids: Vec<String> = storage
                .list("")
                .await?
                .into_iter()
                .filter_map(|o| {
                    o.key
                        .strip_suffix(&format!("/{MANIFEST}"))
                        .map(str::to_string)
                })
                .filter(|id| manifest::is_id(id))
                .collect();
            // Ids start with their UTC time: reverse order is newest first.
            ids.sort_by(|a, b| b.cmp(a));
            Ok(ids)
        })
    });
    let Some(ids) = ids else {
        return Vec::new();
    };
    let latest = (
        "latest".to_string(),
        Some("the newest regular backup that is not known-bad".to_string()),
    );
    let described = ids.into_iter().map(|id| {
        let taken = started(&id);
        (id, taken)
    });
    starting_with(current, std::iter::once(latest).chain(described))
}

/// `2026-11-24 10:00:00 UTC`, the start time a backup id begins with.
fn started(id: &str) -> Option<String> {
    let (time, _) = id.split_once('-')?;
    let at = chrono::NaiveDateTime::parse_from_str(time, "%Y%m%dT%H%M%SZ").ok()?;
    Some(format!("taken {}", at.format("%Y-%m-%d %H:%M:%S UTC")))
}

/// The feature flags on the environment's server (admin API), described by
/// their state.
pub fn flags(current: &OsStr) -> Vec<CompletionCandidate> {
    let flags = settings().and_then(|settings| {
        within_budget(async move {
            let token = settings.admin_token(&process_env)?;
            Client::new(settings.require("url")?, token, NETWORK_BUDGET)?
                .list()
                .await
        })
    });
    let described = flags.unwrap_or_default().into_iter().map(|f| {
        let state = match (f.enabled, f.rollout_percentage) {
            (false, _) => "off".to_string(),
            (true, 100) => "on".to_string(),
            (true, pct) => format!("on for {pct}% of users"),
        };
        let help = if f.description.is_empty() {
            state
        } else {
            format!("{state}: {}", f.description)
        };
        (f.name, Some(help))
    });
    starting_with(current, described)
}

/// Playbook names: the shipped ones overlaid by `playbooks/` beside the
/// line's config file.
pub fn playbooks(current: &OsStr) -> Vec<CompletionCandidate> {
    let dir = settings()
        .map(|s| s.beside_config(crate::shipped::PLAYBOOKS.dir))
        .unwrap_or_else(|| crate::shipped::PLAYBOOKS.dir.into());
    let named = crate::shipped::PLAYBOOKS
        .all(&dir)
        .unwrap_or_default()
        .into_iter()
        .map(|source| (source.name, None));
    starting_with(current, named)
}
