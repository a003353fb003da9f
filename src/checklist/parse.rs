//! Checklist YAML → [`Checklist`], strictly: serde-saphyr for syntax, types
//! and unknown keys (located by the parser), then our own checks located with
//! `Spanned`: duplicate ids, durations, check kinds and fields, templates.

use std::collections::HashMap;
use std::path::Path;
use std::time::Duration;

use serde::Deserialize;
use serde_saphyr::Spanned;

use super::template::{TemplateError, render_value};
use super::{Action, Checklist, DEFAULT_RETRY_DELAY, DEFAULT_TIMEOUT, Entry, Invalid, Section};
use crate::checks::{CheckSpec, KINDS};
use crate::duration;
use crate::report::Severity;
use crate::yaml::{self, YamlError};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawChecklist {
    name: Spanned<String>,
    #[serde(default)]
    description: String,
    sections: Vec<RawSection>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSection {
    name: String,
    #[serde(default)]
    items: Vec<RawItem>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawItem {
    id: Spanned<String>,
    title: String,
    #[serde(default)]
    description: String,
    #[serde(default = "critical")]
    severity: Severity,
    #[serde(default)]
    owner: Option<String>,
    #[serde(default)]
    tags: Vec<String>,
    #[serde(default)]
    check: Option<Spanned<serde_json::Value>>,
    #[serde(default)]
    manual: Option<Spanned<bool>>,
    #[serde(default)]
    timeout: Option<Spanned<String>>,
    #[serde(default)]
    retries: Option<Spanned<u32>>,
    #[serde(default)]
    retry_delay: Option<Spanned<String>>,
}

/// The most retries an item may ask for: more only delays a verdict.
pub const MAX_RETRIES: u32 = 100;

fn critical() -> Severity {
    Severity::Critical
}

/// Read and validate a checklist file; templates use `lookup`.
pub fn load(path: &Path, lookup: &dyn Fn(&str) -> Option<String>) -> Result<Checklist, Invalid> {
    let text = crate::files::read_text(path, crate::files::MAX_YAML_BYTES).map_err(|err| {
        Invalid(vec![YamlError::at(
            path,
            0,
            0,
            format!("cannot read file: {err}"),
        )])
    })?;
    parse(&text, path, lookup)
}

/// Validate checklist text (named `path` in errors).
pub fn parse(
    text: &str,
    path: &Path,
    lookup: &dyn Fn(&str) -> Option<String>,
) -> Result<Checklist, Invalid> {
    let raw: RawChecklist = yaml::from_str(text, path).map_err(|e| Invalid(vec![e]))?;
    let lines: Vec<&str> = text.lines().collect();
    let mut errors = Vec::new();
    let at = |loc: &serde_saphyr::Location, msg: String| {
        YamlError::at(path, loc.line(), loc.column(), msg)
    };

    let name = raw.name.value.trim().to_string();
    if !valid_id(&name) {
        errors.push(at(
            &raw.name.referenced,
            format!("checklist name `{name}` must be lowercase letters, digits, `-`, `_` or `.`"),
        ));
    }
    let mut seen: HashMap<String, u64> = HashMap::new();
    let mut sections = Vec::new();
    for raw_section in raw.sections {
        let mut items = Vec::new();
        for item in raw_section.items {
            let id = item.id.value.clone();
            let id_loc = item.id.referenced;
            if !valid_id(&id) {
                errors.push(at(
                    &id_loc,
                    format!("item id `{id}` must be lowercase letters, digits, `-`, `_` or `.`"),
                ));
            }
            if let Some(first) = seen.insert(id.clone(), id_loc.line()) {
                errors.push(at(
                    &id_loc,
                    format!("duplicate item id `{id}` (first defined on line {first})"),
                ));
            }
            let mut dur = |field: &Option<Spanned<String>>, default: Duration| match field {
                None => default,
                Some(s) => duration::parse(&s.value).unwrap_or_else(|msg| {
                    errors.push(at(&s.referenced, msg));
                    default
                }),
            };
            let timeout = dur(&item.timeout, DEFAULT_TIMEOUT);
            let retry_delay = dur(&item.retry_delay, DEFAULT_RETRY_DELAY);
            if timeout.is_zero() {
                errors.push(at(
                    &id_loc,
                    format!("item `{id}`: timeout must be more than 0"),
                ));
            }
            let manual = item.manual.as_ref().is_some_and(|m| m.value);
            let action = match (&item.check, manual) {
                (Some(check), true) => {
                    errors.push(at(
                        &check.referenced,
                        format!("item `{id}` has both `check:` and `manual: true`"),
                    ));
                    Action::Manual
                }
                (Some(check), false) => match check_action(check, lookup, &lines) {
                    Ok(action) => action,
                    Err((line, col, msg)) => {
                        errors.push(YamlError::at(
                            path,
                            line,
                            col,
                            format!("item `{id}`: {msg}"),
                        ));
                        Action::Manual
                    }
                },
                (None, true) => Action::Manual,
                (None, false) => {
                    errors.push(at(
                        &id_loc,
                        format!("item `{id}` needs `check:` (automated) or `manual: true`"),
                    ));
                    Action::Manual
                }
            };
            if matches!(action, Action::Manual) {
                for (field, present) in [
                    ("timeout", item.timeout.is_some()),
                    ("retries", item.retries.is_some()),
                    ("retry_delay", item.retry_delay.is_some()),
                ] {
                    if present && manual {
                        errors.push(at(
                            &id_loc,
                            format!("item `{id}`: `{field}` applies only to automated items"),
                        ));
                    }
                }
            }
            if let Some(r) = &item.retries
                && r.value > MAX_RETRIES
            {
                errors.push(at(
                    &r.referenced,
                    format!(
                        "`retries: {}` is out of range: at most {MAX_RETRIES}",
                        r.value
                    ),
                ));
            }
            items.push(Entry {
                id,
                title: item.title,
                description: item.description,
                severity: item.severity,
                owner: item.owner,
                tags: item.tags,
                action,
                timeout,
                retries: item.retries.map(|r| r.value).unwrap_or(0),
                retry_delay,
                line: id_loc.line(),
            });
        }
        sections.push(Section {
            name: raw_section.name,
            items,
        });
    }
    if !errors.is_empty() {
        return Err(Invalid(errors));
    }
    Ok(Checklist {
        name,
        description: raw.description,
        path: path.to_path_buf(),
        sections,
    })
}

/// Ids and names: lowercase, digits, `-`, `_`, `.`; starting with a letter or digit.
fn valid_id(id: &str) -> bool {
    id.chars()
        .next()
        .is_some_and(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
        && id
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "-_.".contains(c))
}

/// Decide a `check:` mapping: kind known, fields strict, templates rendered.
/// Errors carry the best location we can find (the offending key's line).
fn check_action(
    check: &Spanned<serde_json::Value>,
    lookup: &dyn Fn(&str) -> Option<String>,
    lines: &[&str],
) -> Result<Action, (u64, u64, String)> {
    let (line, col) = (check.referenced.line(), check.referenced.column());
    let here = |msg: String| (line, col, msg);
    let near = |needle: &str, msg: String| match locate(lines, line, needle) {
        Some((l, c)) => (l, c, msg),
        None => (line, col, msg),
    };
    let mut value = check.value.clone();
    let kind = match value.get("kind") {
        Some(serde_json::Value::String(k)) => k.clone(),
        Some(_) => return Err(near("kind", "`kind` must be a string".into())),
        None => {
            return Err(here(format!(
                "`check:` needs a `kind` (one of {})",
                KINDS.join(", ")
            )));
        }
    };
    if kind == "manual" {
        return Err(near(
            "kind",
            "use `manual: true` on the item instead of `kind: manual`".into(),
        ));
    }
    if !KINDS.contains(&kind.as_str()) {
        return Err(near(
            "kind",
            format!("unknown check kind `{kind}` (known: {})", KINDS.join(", ")),
        ));
    }
    match render_value(&mut value, lookup) {
        Ok(()) => {}
        Err(TemplateError::Unset(key)) => {
            // Still validate the fields, with a placeholder for the missing setting.
            let mut probe = check.value.clone();
            let _ = render_value(&mut probe, &|k| {
                Some(lookup(k).unwrap_or_else(|| "unset.invalid".into()))
            });
            let spec = serde_json::from_value::<CheckSpec>(probe)
                .map_err(|e| field_error(&e, lines, line, col))?;
            in_range(&spec, &near)?;
            return Ok(Action::NotApplicable { key });
        }
        Err(err) => {
            let needle = match &err {
                TemplateError::UnknownKey(k) => format!("env.{k}"),
                _ => "{{".to_string(),
            };
            return Err(near(&needle, err.to_string()));
        }
    }
    let spec = serde_json::from_value::<CheckSpec>(value)
        .map_err(|e| field_error(&e, lines, line, col))?;
    in_range(&spec, &near)?;
    Ok(Action::Check(Box::new(spec)))
}

/// A numeric field outside its range, located at the field.
fn in_range(
    spec: &CheckSpec,
    near: &dyn Fn(&str, String) -> (u64, u64, String),
) -> Result<(), (u64, u64, String)> {
    match crate::checks::limits::out_of_range(spec) {
        Some((field, msg)) => Err(near(field, msg)),
        None => Ok(()),
    }
}

/// Locate a serde error inside a check by the first backticked name in it
/// (`unknown field `urll``, `invalid duration `5x``).
fn field_error(err: &serde_json::Error, lines: &[&str], line: u64, col: u64) -> (u64, u64, String) {
    let msg = err.to_string();
    let msg = msg.split(" at line ").next().unwrap_or(&msg).to_string();
    let needle = msg.split('`').nth(1).unwrap_or("");
    match (!needle.is_empty())
        .then(|| locate(lines, line, needle))
        .flatten()
    {
        Some((l, c)) => (l, c, msg),
        None => (line, col, msg),
    }
}

/// The first occurrence of `needle` at or after 1-based `from` line, within
/// the block that starts there (until a line indented less than `from`'s).
fn locate(lines: &[&str], from: u64, needle: &str) -> Option<(u64, u64)> {
    let start = usize::try_from(from).ok()?.checked_sub(1)?;
    let indent = |l: &str| l.len() - l.trim_start().len();
    let base = indent(lines.get(start)?);
    for (i, l) in lines.iter().enumerate().skip(start) {
        if i > start && !l.trim().is_empty() && indent(l) < base {
            break;
        }
        if let Some(pos) = l.find(needle) {
            return Some((i as u64 + 1, pos as u64 + 1));
        }
    }
    None
}

#[cfg(test)]
mod tests;
