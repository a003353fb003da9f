//! The checks of each step kind's own fields: an hctl argv against the CLI
//! (templates given stand-in values), `preflight:` as its argv, `check:`
//! mappings against the check kinds, webhooks, waits.

use std::time::Duration;

use serde_saphyr::Spanned;

use super::Checker;
use super::raw::{RawNotify, RawPreflight};
use crate::checks::{CheckSpec, KINDS};
use crate::duration;
use crate::playbook::template::{self, Ref};
use crate::playbook::{Hctl, HctlStep, Notify, NotifyFormat, Param, StepKind, Wait};
use crate::yaml::YamlError;

/// Global flags a step may not set: a step runs against the run's
/// environment, and its JSON report is its evidence.
const RESERVED: &[&str] = &["--env", "--config", "--output", "-o"];
/// Subcommands a step may not run.
const NOT_A_STEP: &[&str] = &["playbook", "serve"];

/// An `hctl:` argv: templates recorded, the argv itself checked by the CLI
/// (templates filled with a stand-in value, since their values come later).
pub(super) fn hctl_step(
    c: &mut Checker,
    params: &[Param],
    hctl: &dyn Hctl,
    who: Option<&str>,
    argv: &Spanned<Vec<Spanned<String>>>,
    preflight: bool,
) -> StepKind {
    for a in &argv.value {
        c.templates(&a.referenced, who, &a.value);
    }
    let words: Vec<&str> = argv.value.iter().map(|a| a.value.as_str()).collect();
    let mut kind = HctlStep {
        argv: words.iter().map(|w| w.to_string()).collect(),
        command: words.first().copied().unwrap_or_default().to_string(),
        dry_run: false,
        preflight,
    };
    let step = who.unwrap_or_default();
    if words.is_empty() {
        c.at(
            &argv.referenced,
            format!("step `{step}`: `hctl:` needs a subcommand, e.g. [db, backup]"),
        );
        return StepKind::Hctl(kind);
    }
    for a in &argv.value {
        let flag = a.value.split('=').next().unwrap_or_default();
        if RESERVED.contains(&flag) {
            c.at(
                &a.referenced,
                format!(
                    "step `{step}`: `{flag}` is set by the run (steps use the run's environment, and report JSON as their evidence)"
                ),
            );
            return StepKind::Hctl(kind);
        }
    }
    if NOT_A_STEP.contains(&words[0]) {
        c.at(
            &argv.value[0].referenced,
            format!(
                "step `{step}`: `hctl {}` cannot be a playbook step",
                words[0]
            ),
        );
        return StepKind::Hctl(kind);
    }
    let templated = words.iter().any(|w| w.contains("{{"));
    let mut first_error = None;
    for filler in ["1", "true", "x"] {
        let filled: Vec<String> = words.iter().map(|w| stand_in(w, params, filler)).collect();
        match hctl.check(&filled) {
            Ok(found) => {
                kind.command = found.command;
                kind.dry_run = found.dry_run;
                return StepKind::Hctl(kind);
            }
            Err(msg) => {
                first_error.get_or_insert(msg);
            }
        }
        if !templated {
            break;
        }
    }
    let msg = first_error.unwrap_or_default();
    // Point at the word the parser names ('--imag'), else at the argv.
    let loc = argv
        .value
        .iter()
        .find(|a| msg.contains(&format!("'{}'", a.value)))
        .map_or(argv.referenced, |a| a.referenced);
    c.at(
        &loc,
        format!("step `{step}`: `hctl {}`: {msg}", words.join(" ")),
    );
    StepKind::Hctl(kind)
}

/// A templated argv word with stand-ins: a parameter's default or first
/// value, else `filler`.
fn stand_in(word: &str, params: &[Param], filler: &str) -> String {
    template::render(word, &|r| {
        Ok(match r {
            Ref::Param(n) => params
                .iter()
                .find(|p| &p.name == n)
                .and_then(|p| p.default.clone().or_else(|| p.values.first().cloned()))
                .unwrap_or_else(|| filler.to_string()),
            _ => filler.to_string(),
        })
    })
    .unwrap_or_else(|_| word.to_string())
}

/// `preflight:` is `hctl preflight -c … --tag …`.
pub(super) fn preflight(
    c: &mut Checker,
    params: &[Param],
    hctl: &dyn Hctl,
    who: Option<&str>,
    p: &Spanned<RawPreflight>,
) -> StepKind {
    let loc = p.referenced;
    let spanned = |s: &str| Spanned::new(s.to_string(), loc, loc);
    let mut argv = vec![spanned("preflight")];
    if let Some(name) = &p.value.checklist {
        argv.extend([spanned("-c"), spanned(name)]);
    }
    for t in &p.value.tags {
        argv.extend([spanned("--tag"), spanned(t)]);
    }
    for id in &p.value.only {
        argv.extend([spanned("--only"), spanned(id)]);
    }
    if p.value.skip_manual {
        argv.push(spanned("--skip-manual"));
    }
    if let Some(level) = &p.value.fail_on {
        argv.extend([spanned("--fail-on"), spanned(level)]);
    }
    hctl_step(c, params, hctl, who, &Spanned::new(argv, loc, loc), true)
}

/// A `check:` mapping: kind known, fields strict (templates given stand-ins).
pub(super) fn check_kind(c: &mut Checker, who: Option<&str>, check: &Spanned<serde_json::Value>) {
    let loc = check.referenced;
    let step = who.unwrap_or_default();
    let kind = match check.value.get("kind") {
        Some(serde_json::Value::String(k)) => k.clone(),
        _ => {
            c.at(
                &loc,
                format!(
                    "step `{step}`: `check:` needs a `kind` (one of {})",
                    KINDS.join(", ")
                ),
            );
            return;
        }
    };
    if kind == "manual" || !KINDS.contains(&kind.as_str()) {
        c.at(
            &loc,
            format!(
                "step `{step}`: unknown check kind `{kind}` (known: {})",
                KINDS[..KINDS.len() - 1].join(", ")
            ),
        );
        return;
    }
    let mut probe = check.value.clone();
    let mut ok = true;
    let _ = crate::checklist::template::render_strings(&mut probe, &mut |s| {
        match template::refs(s) {
            Ok(refs) => c
                .refs
                .extend(refs.into_iter().map(|r| (loc, who.map(str::to_string), r))),
            Err(msg) => {
                c.errors
                    .push(YamlError::at(c.path, loc.line(), loc.column(), msg));
                ok = false;
            }
        }
        Ok::<_, ()>(stand_in(s, &[], "http://127.0.0.1"))
    });
    if !ok {
        return;
    }
    match serde_json::from_value::<CheckSpec>(probe) {
        Ok(spec) => {
            for (field, msg) in crate::checks::limits::out_of_range(&spec) {
                c.at(&loc, format!("step `{step}`: `{field}`: {msg}"));
            }
        }
        Err(err) => {
            let msg = err.to_string();
            let msg = msg.split(" at line ").next().unwrap_or(&msg).to_string();
            c.at(&loc, format!("step `{step}`: {msg}"));
        }
    }
}

pub(super) fn notify(c: &mut Checker, who: Option<&str>, n: &Spanned<RawNotify>) -> StepKind {
    let step = who.unwrap_or_default();
    let var = &n.value.webhook_env;
    if var.value.contains("://") {
        c.at(
            &var.referenced,
            format!("step `{step}`: `webhook_env` names an environment variable holding the URL; never put the URL in the file"),
        );
    } else if !is_var_name(&var.value) {
        c.at(
            &var.referenced,
            format!("step `{step}`: `webhook_env: {}` is not an environment variable name (A-Z, 0-9, _)", var.value),
        );
    }
    c.templates(&n.value.text.referenced, who, &n.value.text.value);
    let format = match n.value.format.as_ref().map(|f| f.value.as_str()) {
        None | Some("slack") => NotifyFormat::Slack,
        Some("json") => NotifyFormat::Json,
        Some(other) => {
            let loc = n
                .value
                .format
                .as_ref()
                .map_or(n.referenced, |f| f.referenced);
            c.at(
                &loc,
                format!("step `{step}`: `format: {other}`: expected slack or json"),
            );
            NotifyFormat::Slack
        }
    };
    StepKind::Notify(Notify {
        webhook_env: var.value.clone(),
        text: n.value.text.value.clone(),
        format,
    })
}

pub(super) fn wait(c: &mut Checker, who: Option<&str>, w: &Spanned<serde_json::Value>) -> StepKind {
    let step = who.unwrap_or_default();
    let loc = w.referenced;
    let dur = |c: &mut Checker, v: Option<&serde_json::Value>, default: Duration| match v {
        None => default,
        Some(serde_json::Value::String(s)) => duration::parse(s).unwrap_or_else(|msg| {
            c.at(&loc, format!("step `{step}`: {msg}"));
            default
        }),
        Some(_) => {
            c.at(
                &loc,
                format!("step `{step}`: durations are written like `30s` or `5m`"),
            );
            default
        }
    };
    match &w.value {
        serde_json::Value::String(_) => {
            StepKind::Wait(Wait::For(dur(c, Some(&w.value), Duration::ZERO)))
        }
        serde_json::Value::Object(map) => {
            for key in map.keys() {
                if !["until", "timeout", "every"].contains(&key.as_str()) {
                    c.at(&loc, format!("step `{step}`: unknown field `{key}` in `wait:` (expected until, timeout, every)"));
                }
            }
            let Some(until) = map.get("until") else {
                c.at(&loc, format!("step `{step}`: `wait:` is a duration (`30s`) or `{{ until: CHECK, timeout: 5m }}`"));
                return StepKind::Wait(Wait::For(Duration::ZERO));
            };
            check_kind(c, who, &Spanned::new(until.clone(), loc, loc));
            let timeout = dur(c, map.get("timeout"), Duration::from_secs(300));
            let every = dur(c, map.get("every"), Duration::from_secs(5));
            if every.is_zero() {
                c.at(&loc, format!("step `{step}`: `every` must be more than 0"));
            }
            StepKind::Wait(Wait::Until {
                check: until.clone(),
                timeout,
                every,
            })
        }
        _ => {
            c.at(&loc, format!("step `{step}`: `wait:` is a duration (`30s`) or `{{ until: CHECK, timeout: 5m }}`"));
            StepKind::Wait(Wait::For(Duration::ZERO))
        }
    }
}

fn is_var_name(name: &str) -> bool {
    !name.is_empty()
        && !name.starts_with(|c: char| c.is_ascii_digit())
        && name
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
}
