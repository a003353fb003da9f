//! Checklist progress from ticks: per section, how many manual items are
//! done (ticked within `valid_for`, or waived), which critical ones are open,
//! which ticks expired, and which ticked ids the file no longer has
//! (reported, never dropped).

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::Serialize;

use super::standing::{Standing, standing};
use super::store::Tick;
use super::{Action, Checklist};
use crate::report::Severity;

#[derive(Serialize)]
pub struct SectionStatus {
    pub name: String,
    pub automated: usize,
    pub manual: usize,
    /// Manual items done: ticked (and not expired) or waived.
    pub ticked: usize,
    /// Of those, the ones done by a waiver.
    pub waived: usize,
    /// Manual items whose tick or waiver has expired (counted as open).
    pub expired: Vec<String>,
    pub open_critical: Vec<String>,
}

#[derive(Serialize)]
pub struct Removed {
    pub item_id: String,
    pub actor: String,
    pub at: DateTime<Utc>,
}

#[derive(Serialize)]
pub struct ChecklistStatus {
    pub name: String,
    pub sections: Vec<SectionStatus>,
    /// Ticked ids no longer in the file: reported, never dropped.
    pub removed: Vec<Removed>,
}

pub fn status_of(c: &Checklist, state: &BTreeMap<String, Tick>) -> ChecklistStatus {
    let now = Utc::now();
    let sections = c
        .sections
        .iter()
        .map(|s| {
            let manual: Vec<_> = s
                .items
                .iter()
                .filter(|e| matches!(e.action, Action::Manual))
                .map(|e| (e, standing(e, state.get(&e.id), now)))
                .collect();
            let ids = |keep: &dyn Fn(&Standing) -> bool| -> Vec<String> {
                manual
                    .iter()
                    .filter(|(_, st)| keep(st))
                    .map(|(e, _)| e.id.clone())
                    .collect()
            };
            SectionStatus {
                name: s.name.clone(),
                automated: s.items.len() - manual.len(),
                manual: manual.len(),
                ticked: manual.iter().filter(|(_, st)| st.counts()).count(),
                waived: ids(&|st| matches!(st, Standing::Waived(_))).len(),
                expired: ids(&|st| {
                    matches!(st, Standing::Expired { .. } | Standing::Lapsed { .. })
                }),
                open_critical: manual
                    .iter()
                    .filter(|(e, st)| e.severity == Severity::Critical && !st.counts())
                    .map(|(e, _)| e.id.clone())
                    .collect(),
            }
        })
        .collect();
    let removed = state
        .iter()
        .filter(|(id, _)| c.find(id).is_none())
        .map(|(id, t)| Removed {
            item_id: id.clone(),
            actor: t.actor.clone(),
            at: t.at,
        })
        .collect();
    ChecklistStatus {
        name: c.name.clone(),
        sections,
        removed,
    }
}

pub fn bar(done: usize, total: usize) -> String {
    const WIDTH: usize = 20;
    let filled = (done * WIDTH).checked_div(total).unwrap_or(WIDTH);
    let pct = (done * 100).checked_div(total).unwrap_or(100);
    format!(
        "{}{} {pct:>3}%",
        "█".repeat(filled),
        "░".repeat(WIDTH - filled)
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    #[test]
    fn counts_open_criticals_and_removed_ids() {
        let text = "name: c\nsections:\n  - name: s\n    items:\n      - {id: a, title: A, manual: true}\n      - {id: b, title: B, manual: true, severity: warning}\n      - {id: c, title: C, check: {kind: command, shell: 'true'}}\n";
        let c = crate::checklist::parse(text, Path::new("c.yaml"), &|_| None).unwrap();
        let tick = Tick {
            actor: "ana".into(),
            at: Utc::now(),
            note: None,
            evidence: None,
            waived_until: None,
        };
        let state: BTreeMap<_, _> =
            [("b".to_string(), tick.clone()), ("gone".to_string(), tick)].into();
        let st = status_of(&c, &state);
        let s = &st.sections[0];
        assert_eq!((s.manual, s.ticked, s.automated), (2, 1, 1));
        assert_eq!(s.open_critical, ["a"]);
        assert_eq!(st.removed.len(), 1);
        assert_eq!(st.removed[0].item_id, "gone");
    }

    #[test]
    fn bars() {
        assert!(bar(1, 2).ends_with(" 50%"));
        assert!(bar(0, 0).ends_with("100%"), "nothing to tick is complete");
        assert_eq!(bar(3, 3).chars().filter(|c| *c == '█').count(), 20);
    }
}
