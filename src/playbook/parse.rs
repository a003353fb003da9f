//! Playbook YAML → [`Playbook`], strictly: serde-saphyr for syntax, types,
//! unknown keys and unknown step kinds (located by the parser), then our own
//! checks located with `Spanned`: ids, durations, one kind per step, hctl
//! argv against the CLI definition, check kinds and fields, and every
//! template reference (parameters, settings, earlier steps and their outputs).

mod kinds;
mod raw;

use std::collections::BTreeMap;
use std::path::Path;
use std::time::Duration;

use serde_saphyr::{Location, Spanned};
use sha2::{Digest, Sha256};

use kinds::{check_kind, hctl_step, notify, preflight, wait};
use raw::{RawParam, RawPlaybook, RawResponse, RawStep};

use super::template::{self, Ref};
use super::{
    Hctl, Invalid, Level, OnFailure, Param, Phase, Playbook, ROLLBACK, Response, Step, StepKind,
    Wait, steps,
};
use crate::duration;
use crate::yaml::{self, YamlError};

/// The most retries a step may ask for.
pub const MAX_RETRIES: u32 = 100;
/// The most approvals a confirm step may ask for.
pub const MAX_APPROVALS: u32 = 10;

/// Collects located problems and the references to check once every step is known.
struct Checker<'a> {
    path: &'a Path,
    errors: Vec<YamlError>,
    /// (where, which step refers, the reference)
    refs: Vec<(Location, Option<String>, Ref)>,
}

impl Checker<'_> {
    fn at(&mut self, loc: &Location, msg: impl Into<String>) {
        self.errors
            .push(YamlError::at(self.path, loc.line(), loc.column(), msg));
    }

    /// Record the references of a templated string, or its syntax error.
    fn templates(&mut self, loc: &Location, step: Option<&str>, text: &str) {
        match template::refs(text) {
            Ok(refs) => self.refs.extend(
                refs.into_iter()
                    .map(|r| (*loc, step.map(str::to_string), r)),
            ),
            Err(msg) => self.at(loc, msg),
        }
    }

    fn duration(&mut self, field: &Option<Spanned<String>>) -> Option<Duration> {
        let s = field.as_ref()?;
        match duration::parse(&s.value) {
            Ok(d) => Some(d),
            Err(msg) => {
                self.at(&s.referenced, msg);
                None
            }
        }
    }
}

/// Validate playbook text (named `path` in errors); hctl argv are checked with `hctl`.
pub fn parse(text: &str, path: &Path, hctl: &dyn Hctl) -> Result<Playbook, Invalid> {
    let raw: RawPlaybook = yaml::from_str(text, path).map_err(|e| Invalid(vec![e]))?;
    let mut c = Checker {
        path,
        errors: Vec::new(),
        refs: Vec::new(),
    };
    let name = raw.name.value.trim().to_string();
    if !valid_id(&name) {
        c.at(
            &raw.name.referenced,
            format!("playbook name `{name}` must be lowercase letters, digits, `-`, `_` or `.`"),
        );
    }
    let params = raw
        .params
        .0
        .into_iter()
        .map(|(name, p)| param(&mut c, &raw.name.referenced, name, p))
        .collect::<Vec<_>>();

    let mut phases = Vec::new();
    let mut seen: BTreeMap<String, u64> = BTreeMap::new();
    for raw_phase in raw.phases {
        let on_failure = match raw_phase.on_failure.as_ref().map(|s| s.value.as_str()) {
            None | Some("abort") => OnFailure::Abort,
            Some("continue") => OnFailure::Continue,
            Some("rollback") => OnFailure::Rollback,
            Some(other) => {
                let loc = raw_phase.on_failure.as_ref().map(|s| s.referenced);
                c.at(
                    &loc.unwrap_or(raw_phase.name.referenced),
                    format!("`on_failure: {other}`: expected abort, continue or rollback"),
                );
                OnFailure::Abort
            }
        };
        if on_failure == OnFailure::Rollback && raw.rollback.is_empty() {
            c.at(
                &raw_phase.name.referenced,
                format!(
                    "phase `{}` has `on_failure: rollback` but the playbook has no `rollback:` section",
                    raw_phase.name.value
                ),
            );
        }
        let steps = raw_phase
            .steps
            .into_iter()
            .map(|s| step(&mut c, &params, hctl, s, None, &mut seen))
            .collect();
        phases.push(Phase {
            name: raw_phase.name.value,
            on_failure,
            steps,
        });
    }
    if phases.is_empty() {
        c.at(&raw.name.referenced, "a playbook needs at least one phase");
    }
    let rollback = raw
        .rollback
        .into_iter()
        .enumerate()
        .map(|(i, s)| step(&mut c, &params, hctl, s, Some(i + 1), &mut seen))
        .collect();
    let response = raw.response.map(|r| response(&mut c, &params, r));
    let mut playbook = Playbook {
        name,
        description: raw.description,
        path: path.to_path_buf(),
        digest: hex::encode(Sha256::digest(text.as_bytes())),
        params,
        phases,
        rollback,
        response,
    };
    check_refs(&mut c, &playbook);
    if let Some(r) = &playbook.response
        && r.levels.is_empty()
    {
        playbook.response = None;
    }
    if c.errors.is_empty() {
        Ok(playbook)
    } else {
        c.errors.sort_by_key(|e| (e.line, e.column));
        Err(Invalid(c.errors))
    }
}

fn param(c: &mut Checker, at: &Location, name: String, raw: RawParam) -> Param {
    if !valid_id(&name) {
        c.at(
            at,
            format!("parameter `{name}` must be lowercase letters, digits, `-`, `_` or `.`"),
        );
    }
    let mut scalar = |value: &serde_json::Value, loc: &Location| match value {
        serde_json::Value::String(s) => s.clone(),
        serde_json::Value::Number(n) => n.to_string(),
        serde_json::Value::Bool(b) => b.to_string(),
        _ => {
            c.at(
                loc,
                format!("parameter `{name}`: values must be text, numbers or booleans"),
            );
            String::new()
        }
    };
    let default = raw
        .default
        .as_ref()
        .map(|d| scalar(&d.value, &d.referenced));
    let values: Vec<String> = raw.values.iter().map(|v| scalar(v, at)).collect();
    if let Some(d) = &raw.default {
        if raw.required {
            c.at(
                &d.referenced,
                format!("parameter `{name}` is `required` and has a `default`: choose one"),
            );
        }
        if let Some(value) = &default
            && !values.is_empty()
            && !values.contains(value)
        {
            c.at(
                &d.referenced,
                format!(
                    "parameter `{name}`: default `{value}` is not one of its values ({})",
                    values.join(", ")
                ),
            );
        }
    }
    Param {
        name,
        description: raw.description,
        required: raw.required,
        default,
        values,
    }
}

fn step(
    c: &mut Checker,
    params: &[Param],
    hctl: &dyn Hctl,
    raw: RawStep,
    rollback_index: Option<usize>,
    seen: &mut BTreeMap<String, u64>,
) -> Step {
    let kinds: Vec<(&str, Location)> = [
        ("hctl", raw.hctl.as_ref().map(|s| s.referenced)),
        ("preflight", raw.preflight.as_ref().map(|s| s.referenced)),
        ("check", raw.check.as_ref().map(|s| s.referenced)),
        ("shell", raw.shell.as_ref().map(|s| s.referenced)),
        ("run", raw.run.as_ref().map(|s| s.referenced)),
        ("confirm", raw.confirm.as_ref().map(|s| s.referenced)),
        ("notify", raw.notify.as_ref().map(|s| s.referenced)),
        ("wait", raw.wait.as_ref().map(|s| s.referenced)),
    ]
    .into_iter()
    .filter_map(|(k, loc)| loc.map(|l| (k, l)))
    .collect();
    let here = raw
        .id
        .as_ref()
        .map(|i| i.referenced)
        .or_else(|| kinds.first().map(|(_, l)| *l))
        .unwrap_or(Location::UNKNOWN);
    let id = match (&raw.id, rollback_index) {
        (Some(id), _) => id.value.trim().to_string(),
        (None, Some(n)) => format!("{ROLLBACK}-{n}"),
        (None, None) => {
            c.at(
                &here,
                "step needs an `id` (unique, stable: resume and the ledger follow ids)",
            );
            String::new()
        }
    };
    if raw.id.is_some() && !valid_id(&id) {
        c.at(
            &here,
            format!("step id `{id}` must be lowercase letters, digits, `-`, `_` or `.`"),
        );
    }
    if !id.is_empty()
        && let Some(first) = seen.insert(id.clone(), here.line())
    {
        c.at(
            &here,
            format!("duplicate step id `{id}` (first defined on line {first})"),
        );
    }
    let who = Some(id.as_str());
    if kinds.len() > 1 {
        c.at(
            &kinds[1].1,
            format!(
                "step `{id}` has both `{}:` and `{}:`: one kind per step",
                kinds[0].0, kinds[1].0
            ),
        );
    }
    let kind = if let Some(argv) = &raw.hctl {
        hctl_step(c, params, hctl, who, argv, false)
    } else if let Some(p) = &raw.preflight {
        preflight(c, params, hctl, who, p)
    } else if let Some(check) = &raw.check {
        check_kind(c, who, check);
        StepKind::Check(check.value.clone())
    } else if let Some(line) = &raw.shell {
        c.templates(&line.referenced, who, &line.value);
        StepKind::Command {
            shell: Some(line.value.clone()),
            argv: Vec::new(),
        }
    } else if let Some(argv) = &raw.run {
        if argv.value.is_empty() {
            c.at(
                &argv.referenced,
                format!("step `{id}`: `run:` needs a program"),
            );
        }
        for a in &argv.value {
            c.templates(&a.referenced, who, &a.value);
        }
        StepKind::Command {
            shell: None,
            argv: argv.value.iter().map(|a| a.value.clone()).collect(),
        }
    } else if let Some(text) = &raw.confirm {
        c.templates(&text.referenced, who, &text.value);
        let approvals = raw.approvals.as_ref().map_or(0, |a| a.value);
        if approvals > MAX_APPROVALS {
            let loc = raw.approvals.as_ref().map(|a| a.referenced).unwrap_or(here);
            c.at(
                &loc,
                format!("`approvals: {approvals}` is out of range: at most {MAX_APPROVALS}"),
            );
        }
        StepKind::Confirm {
            text: text.value.clone(),
            approvals,
        }
    } else if let Some(n) = &raw.notify {
        notify(c, who, n)
    } else if let Some(w) = &raw.wait {
        wait(c, who, w)
    } else {
        if !id.is_empty() {
            c.at(
                &here,
                format!(
                    "step `{id}` needs a kind: one of hctl, preflight, check, shell, run, confirm, notify, wait"
                ),
            );
        }
        StepKind::Wait(Wait::For(Duration::ZERO))
    };
    if let (Some(a), false) = (&raw.approvals, matches!(kind, StepKind::Confirm { .. })) {
        c.at(
            &a.referenced,
            format!("step `{id}`: `approvals` applies only to `confirm:` steps"),
        );
    }
    let once = matches!(kind, StepKind::Confirm { .. } | StepKind::Wait(_));
    for (field, loc) in [
        ("retries", raw.retries.as_ref().map(|r| r.referenced)),
        (
            "retry_delay",
            raw.retry_delay.as_ref().map(|r| r.referenced),
        ),
        ("timeout", raw.timeout.as_ref().map(|r| r.referenced)),
    ] {
        if let (Some(loc), true) = (loc, once) {
            c.at(
                &loc,
                format!(
                    "step `{id}`: `{field}` does not apply to `{}:` steps",
                    kind.label()
                ),
            );
        }
    }
    if let Some(r) = &raw.retries
        && r.value > MAX_RETRIES
    {
        c.at(
            &r.referenced,
            format!(
                "`retries: {}` is out of range: at most {MAX_RETRIES}",
                r.value
            ),
        );
    }
    let timeout = c.duration(&raw.timeout);
    if timeout.is_some_and(|t| t.is_zero()) {
        c.at(&here, format!("step `{id}`: timeout must be more than 0"));
    }
    let retry_delay = c
        .duration(&raw.retry_delay)
        .unwrap_or(Duration::from_secs(1));
    if let Some(when) = &raw.when {
        c.templates(&when.referenced, who, &when.value);
    }
    Step {
        title: raw.title.unwrap_or_default(),
        kind,
        when: raw.when.map(|w| w.value),
        timeout,
        retries: raw.retries.map_or(0, |r| r.value),
        retry_delay,
        id,
    }
}

fn response(c: &mut Checker, params: &[Param], raw: Spanned<RawResponse>) -> Response {
    let by = raw.value.by;
    let param = params.iter().find(|p| p.name == by.value);
    match param {
        None => c.at(
            &by.referenced,
            format!(
                "`response.by: {}` is not a parameter of this playbook",
                by.value
            ),
        ),
        Some(p) => {
            let names: Vec<&str> = raw.value.levels.0.iter().map(|(k, _)| k.as_str()).collect();
            let missing: Vec<&str> = p
                .values
                .iter()
                .map(String::as_str)
                .filter(|v| !names.contains(v))
                .collect();
            if !missing.is_empty() {
                c.at(
                    &by.referenced,
                    format!(
                        "`response.levels` has no level for {} (values of `{}`)",
                        missing.join(", "),
                        p.name
                    ),
                );
            }
        }
    }
    let mut levels = BTreeMap::new();
    for (name, level) in raw.value.levels.0 {
        let within = c.duration(&Some(level.within)).unwrap_or_default();
        let update_every = c.duration(&Some(level.update_every.clone()));
        if update_every.is_some_and(|d| d.is_zero()) {
            c.at(
                &level.update_every.referenced,
                "`update_every` must be more than 0",
            );
        }
        levels.insert(
            name,
            Level {
                within,
                update_every: update_every.unwrap_or(Duration::from_secs(3600)),
            },
        );
    }
    Response {
        by: by.value,
        levels,
    }
}

/// Every recorded reference names something that exists: a parameter, an
/// earlier step and one of its outputs (rollback steps may name any phase step).
fn check_refs(c: &mut Checker, playbook: &Playbook) {
    let order: Vec<(&str, &Step)> = playbook.steps().collect();
    let refs = std::mem::take(&mut c.refs);
    for (loc, from, r) in refs {
        match &r {
            Ref::Param(name) => {
                if !playbook.params.iter().any(|p| &p.name == name) {
                    let known: Vec<&str> =
                        playbook.params.iter().map(|p| p.name.as_str()).collect();
                    c.at(
                        &loc,
                        format!(
                            "unknown parameter `params.{name}` in template (declared: {})",
                            if known.is_empty() {
                                "none".to_string()
                            } else {
                                known.join(", ")
                            }
                        ),
                    );
                }
            }
            Ref::Step(id, output) => {
                let target = order.iter().position(|(_, s)| &s.id == id);
                let source = from
                    .as_ref()
                    .and_then(|f| order.iter().position(|(_, s)| &s.id == f));
                let Some(t) = target else {
                    c.at(&loc, format!("unknown step `steps.{id}` in template"));
                    continue;
                };
                let (phase, step) = order[t];
                let in_rollback = source.is_some_and(|s| order[s].0 == ROLLBACK);
                if source.is_some_and(|s| s <= t) && !(in_rollback && phase != ROLLBACK) {
                    c.at(
                        &loc,
                        format!("`steps.{id}.{output}`: step `{id}` does not run before this one"),
                    );
                    continue;
                }
                let outputs = steps::outputs(&step.kind);
                if !outputs.contains(&output.as_str()) {
                    c.at(
                        &loc,
                        format!(
                            "step `{id}` has no output `{output}` (it publishes: {})",
                            outputs.join(", ")
                        ),
                    );
                }
            }
            Ref::Env(_) | Ref::Run(_) => {}
        }
    }
}

/// Ids and names: lowercase letters, digits, `-`, `_`, `.`, starting with
/// a letter or digit (the checklists' rule).
fn valid_id(id: &str) -> bool {
    let plain = |c: char| c.is_ascii_lowercase() || c.is_ascii_digit();
    id.starts_with(plain) && id.chars().all(|c| plain(c) || "-_.".contains(c))
}

#[cfg(test)]
mod tests;
