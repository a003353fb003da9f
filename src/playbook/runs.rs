//! Every run of a playbook (or of all) in an environment, folded into its
//! report: what `hctl playbook runs` lists and the launch page shows. A run
//! counts as running only while a process holds its playbook's lock; a run
//! whose process died shows as interrupted.

use std::collections::BTreeMap;

use anyhow::Result;

use super::Playbook;
use super::ledger::Ledger;
use super::report::{RunReport, RunStatus};
use super::state::fold;

/// The runs of `name` (none: every playbook) in `environment`, oldest
/// first; `load` finds a playbook's file (none: the run is folded from its
/// events alone).
pub async fn folded(
    ledger: &Ledger,
    name: Option<&str>,
    environment: &str,
    mut load: impl FnMut(&str) -> Option<Playbook>,
) -> Result<Vec<RunReport>> {
    let mut reports = Vec::new();
    let mut playbooks: BTreeMap<String, Option<Playbook>> = BTreeMap::new();
    let mut locked: BTreeMap<String, bool> = BTreeMap::new();
    for events in ledger.runs(name, environment).await? {
        let name = events[0].playbook.clone();
        let p = playbooks
            .entry(name.clone())
            .or_insert_with(|| load(&name))
            .as_ref();
        let mut live = true;
        if fold(None, &events, true).status == RunStatus::Running {
            live = match locked.get(&name) {
                Some(l) => *l,
                None => {
                    let l = ledger.is_locked(&name, environment).await?;
                    locked.insert(name.clone(), l);
                    l
                }
            };
        }
        reports.push(fold(p, &events, live));
    }
    Ok(reports)
}
