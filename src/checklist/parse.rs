//! Checklist YAML → [`Checklist`], strictly: serde-saphyr for syntax, types
//! and unknown keys (located by the parser), then our own checks located with
//! `Spanned`: duplicate ids, durations, check kinds and fields, templates.
//! Every problem of a file is collected ([`crate::yaml::collect`]), each
//! naming its key (`sections[0].items[2].retries`), not only the first.

use std::collections::HashMap;
use std::path::Path;
use std::time::Duration;

use serde::Deserialize;
use serde_saphyr::{Location, Spanned};

use super::template::{TemplateError, render_value};
use super::{
    Action, Checklist, DEFAULT_RETRY_DELAY, DEFAULT_TIMEOUT, Entry, Invalid, RUN_GRACE, Section,
};
use crate::checks::{CheckSpec, KINDS, limits};
use crate::duration;
use crate::report::Severity;
use crate::yaml::{self, YamlError};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawChecklist {
    name: Option<Spanned<String>>,
    #[serde(default)]
    description: String,
    sections: Option<Vec<Spanned<RawSection>>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSection {
    name: Option<String>,
    #[serde(default)]
    items: Vec<Spanned<RawItem>>,
}

// Required fields are `Option` here and their absence is reported by
// [`parse`], so an item without a title is still checked for everything else.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawItem {
    id: Option<Spanned<String>>,
    title: Option<String>,
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
    retries: Option<Spanned<i64>>,
    #[serde(default)]
    retry_delay: Option<Spanned<String>>,
    #[serde(default)]
    valid_for: Option<Spanned<String>>,
}

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

/// The problems of one checklist file, each located and naming its key.
struct Problems<'a> {
    path: &'a Path,
    list: Vec<YamlError>,
}

impl Problems<'_> {
    fn push(&mut self, loc: &Location, key: &str, message: impl Into<String>) {
        self.push_at((loc.line(), loc.column()), key, message);
    }

    fn push_at(&mut self, (line, column): (u64, u64), key: &str, message: impl Into<String>) {
        self.list
            .push(YamlError::at(self.path, line, column, message).with_key(key));
    }

    /// A required field is absent: say so, unless it was there but bad (its
    /// problem is already reported and the value dropped).
    fn missing(&mut self, at: (u64, u64), key: &str, message: impl Into<String>) {
        if !self.list.iter().any(|p| p.key.as_deref() == Some(key)) {
            self.push_at(at, key, message);
        }
    }
}

/// Validate checklist text (named `path` in errors): every problem of the
/// file is reported, in file order.
pub fn parse(
    text: &str,
    path: &Path,
    lookup: &dyn Fn(&str) -> Option<String>,
) -> Result<Checklist, Invalid> {
    let mut problems = Problems {
        path,
        list: Vec::new(),
    };
    let raw = yaml::collect::<RawChecklist>(text, path, &mut problems.list);
    let checklist = raw.map(|raw| checklist(raw, text, path, lookup, &mut problems));
    match checklist {
        Some(checklist) if problems.list.is_empty() => Ok(checklist),
        _ => {
            let mut list = problems.list;
            if list.is_empty() {
                list.push(YamlError::at(path, 0, 0, "not a checklist"));
            }
            list.sort_by_key(|e| (e.line == 0, e.line, e.column));
            Err(Invalid(list))
        }
    }
}

/// Where a problem of the whole file is reported.
const START: (u64, u64) = (1, 1);

fn at(loc: &Location) -> (u64, u64) {
    (loc.line(), loc.column())
}

/// Check what the YAML holds and build the checklist, pushing every problem.
fn checklist(
    raw: RawChecklist,
    text: &str,
    path: &Path,
    lookup: &dyn Fn(&str) -> Option<String>,
    problems: &mut Problems<'_>,
) -> Checklist {
    let lines: Vec<&str> = text.lines().collect();
    let name = match &raw.name {
        Some(name) => {
            let value = name.value.trim().to_string();
            if !valid_id(&value) {
                problems.push(
                    &name.referenced,
                    "name",
                    format!(
                        "checklist name `{value}` must be lowercase letters, digits, `-`, `_` or `.`"
                    ),
                );
            }
            value
        }
        None => {
            problems.missing(START, "name", "missing field `name`");
            String::new()
        }
    };
    if raw.sections.is_none() {
        problems.missing(START, "sections", "missing field `sections`");
    }
    let mut seen: HashMap<String, u64> = HashMap::new();
    let mut sections = Vec::new();
    for (s, raw_section) in raw.sections.into_iter().flatten().enumerate() {
        let section_key = format!("sections[{s}]");
        let raw_section_value = raw_section.value;
        if raw_section_value.name.is_none() {
            problems.missing(
                at(&raw_section.referenced),
                &format!("{section_key}.name"),
                "missing field `name`",
            );
        }
        let mut items = Vec::new();
        for (i, item) in raw_section_value.items.into_iter().enumerate() {
            let key = format!("{section_key}.items[{i}]");
            let ctx = ItemCtx {
                key: &key,
                lines: &lines,
                lookup,
            };
            items.push(entry(item, &ctx, &mut seen, problems));
        }
        sections.push(Section {
            name: raw_section_value.name.unwrap_or_default(),
            items,
        });
    }
    Checklist {
        name,
        description: raw.description,
        path: path.to_path_buf(),
        sections,
    }
}

/// What checking one item needs besides the item.
struct ItemCtx<'a> {
    /// `sections[0].items[2]`
    key: &'a str,
    lines: &'a [&'a str],
    lookup: &'a dyn Fn(&str) -> Option<String>,
}

/// Check one item, all of it: an item without an id is still checked for
/// everything else.
fn entry(
    spanned: Spanned<RawItem>,
    ctx: &ItemCtx<'_>,
    seen: &mut HashMap<String, u64>,
    problems: &mut Problems<'_>,
) -> Entry {
    let item = spanned.value;
    let key = ctx.key;
    let field = |name: &str| format!("{key}.{name}");
    let (id, id_loc) = match &item.id {
        Some(id) => (id.value.clone(), id.referenced),
        None => {
            problems.missing(at(&spanned.referenced), &field("id"), "missing field `id`");
            (String::new(), spanned.referenced)
        }
    };
    let label = match &item.id {
        Some(_) => format!("item `{id}`"),
        None => "item without id".to_string(),
    };
    if item.title.is_none() {
        problems.missing(
            at(&spanned.referenced),
            &field("title"),
            format!("{label}: missing field `title`"),
        );
    }
    if item.id.is_some() {
        if !valid_id(&id) {
            problems.push(
                &id_loc,
                &field("id"),
                format!("item id `{id}` must be lowercase letters, digits, `-`, `_` or `.`"),
            );
        }
        if let Some(first) = seen.insert(id.clone(), id_loc.line()) {
            problems.push(
                &id_loc,
                &field("id"),
                format!("duplicate item id `{id}` (first defined on line {first})"),
            );
        }
    }
    let mut dur = |name: &str, value: &Option<Spanned<String>>, default: Duration| match value {
        None => default,
        Some(s) => duration::parse(&s.value).unwrap_or_else(|msg| {
            problems.push(&s.referenced, &field(name), msg);
            default
        }),
    };
    let mut timeout = dur("timeout", &item.timeout, DEFAULT_TIMEOUT);
    let retry_delay = dur("retry_delay", &item.retry_delay, DEFAULT_RETRY_DELAY);
    // A bad duration is reported by `dur`; MAX keeps it from also being "0".
    let valid_for = item.valid_for.as_ref().map(|v| {
        (
            dur("valid_for", &item.valid_for, Duration::MAX),
            v.referenced,
        )
    });
    if let Some((d, at)) = &valid_for
        && d.is_zero()
    {
        problems.push(
            at,
            &field("valid_for"),
            format!("{label}: valid_for must be more than 0"),
        );
    }
    if timeout.is_zero() {
        let at = item.timeout.as_ref().map_or(id_loc, |t| t.referenced);
        problems.push(
            &at,
            &field("timeout"),
            format!("{label}: timeout must be more than 0"),
        );
    }
    let manual = item.manual.as_ref().is_some_and(|m| m.value);
    if let (Some((_, at)), false) = (&valid_for, manual) {
        problems.push(
            at,
            &field("valid_for"),
            format!(
                "{label}: `valid_for` applies only to manual items (a check is run anew each time)"
            ),
        );
    }
    let action = match (&item.check, manual) {
        (Some(check), true) => {
            problems.push(
                &check.referenced,
                &field("check"),
                format!("{label} has both `check:` and `manual: true`"),
            );
            Action::Manual
        }
        (Some(check), false) => {
            let before = problems.list.len();
            let action = check_action(check, ctx, &field("check"), problems);
            for problem in &mut problems.list[before..] {
                problem.message = format!("{label}: {}", problem.message);
            }
            action
        }
        (None, true) => Action::Manual,
        (None, false) => {
            problems.push(
                &id_loc,
                key,
                format!("{label} needs `check:` (automated) or `manual: true`"),
            );
            Action::Manual
        }
    };
    if let Action::Check(spec) = &action
        && let Some(runs) = spec.runs_for()
    {
        match &item.timeout {
            None => timeout = timeout.max(runs + RUN_GRACE),
            Some(t) if timeout <= runs => problems.push(
                &t.referenced,
                &field("timeout"),
                format!(
                    "{label}: timeout {} is not longer than the check's duration {} (leave it out: {} more is the default)",
                    duration::human(timeout),
                    duration::human(runs),
                    duration::human(RUN_GRACE)
                ),
            ),
            Some(_) => {}
        }
    }
    if manual {
        for (name, present) in [
            ("timeout", item.timeout.is_some()),
            ("retries", item.retries.is_some()),
            ("retry_delay", item.retry_delay.is_some()),
        ] {
            if present {
                problems.push(
                    &id_loc,
                    &field(name),
                    format!("{label}: `{name}` applies only to automated items"),
                );
            }
        }
    }
    let retries = match &item.retries {
        Some(r) => match limits::retries(r.value) {
            Ok(n) => n,
            Err(msg) => {
                problems.push(&r.referenced, &field("retries"), msg);
                0
            }
        },
        None => 0,
    };
    Entry {
        id,
        title: item.title.unwrap_or_default(),
        description: item.description,
        severity: item.severity,
        owner: item.owner,
        tags: item.tags,
        action,
        timeout,
        retries,
        retry_delay,
        valid_for: valid_for.map(|(d, _)| d),
        line: id_loc.line(),
    }
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

/// Decide a `check:` mapping: kind known, fields strict, templates rendered,
/// numbers in range. Every problem found is pushed, located at the offending
/// key where it can be found (`key` is the check's key path); any problem
/// makes the item [`Action::Manual`], which nothing runs since the file is
/// then invalid.
fn check_action(
    check: &Spanned<serde_json::Value>,
    ctx: &ItemCtx<'_>,
    key: &str,
    problems: &mut Problems<'_>,
) -> Action {
    let (line, col) = (check.referenced.line(), check.referenced.column());
    let field = |name: &str| format!("{key}.{name}");
    let near = |needle: &str| locate(ctx.lines, line, needle).unwrap_or((line, col));
    let mut value = check.value.clone();
    let kind = match value.get("kind") {
        Some(serde_json::Value::String(k)) => k.clone(),
        Some(_) => {
            problems.push_at(near("kind"), &field("kind"), "`kind` must be a string");
            return Action::Manual;
        }
        None => {
            problems.push_at(
                (line, col),
                &field("kind"),
                format!("`check:` needs a `kind` (one of {})", KINDS.join(", ")),
            );
            return Action::Manual;
        }
    };
    if kind == "manual" {
        problems.push_at(
            near("kind"),
            &field("kind"),
            "use `manual: true` on the item instead of `kind: manual`",
        );
        return Action::Manual;
    }
    if !KINDS.contains(&kind.as_str()) {
        problems.push_at(
            near("kind"),
            &field("kind"),
            format!("unknown check kind `{kind}` (known: {})", KINDS.join(", ")),
        );
        return Action::Manual;
    }
    // The `flow` kind fills its captures and `run.id` itself, at run time.
    let keep_runtime = kind == "flow";
    let unset = match render_value(&mut value, ctx.lookup, keep_runtime) {
        Ok(()) => None,
        Err(TemplateError::Unset(setting)) => {
            // Still validate the fields, with a placeholder for the missing setting.
            value = check.value.clone();
            let _ = render_value(
                &mut value,
                &|k| Some((ctx.lookup)(k).unwrap_or_else(|| "unset.invalid".into())),
                keep_runtime,
            );
            Some(setting)
        }
        Err(err) => {
            let needle = match &err {
                TemplateError::UnknownKey(k) => format!("env.{k}"),
                _ => "{{".to_string(),
            };
            problems.push_at(near(&needle), key, err.to_string());
            return Action::Manual;
        }
    };
    let before = problems.list.len();
    let spec = check_spec(value, ctx.lines, (line, col), key, problems);
    if let Some(spec) = &spec {
        for (name, msg) in limits::out_of_range(spec) {
            problems.push_at(near(name), &field(name), msg);
        }
    }
    match (spec, unset) {
        (Some(_), _) if problems.list.len() > before => Action::Manual,
        (Some(_), Some(key)) => Action::NotApplicable { key },
        (Some(spec), None) => Action::Check(Box::new(spec)),
        (None, _) => Action::Manual,
    }
}

/// The check's fields as a [`CheckSpec`]; an unknown field is reported and
/// dropped so the remaining fields are still checked.
fn check_spec(
    mut value: serde_json::Value,
    lines: &[&str],
    at: (u64, u64),
    key: &str,
    problems: &mut Problems<'_>,
) -> Option<CheckSpec> {
    loop {
        let err = match serde_json::from_value::<CheckSpec>(value.clone()) {
            Ok(spec) => return Some(spec),
            Err(err) => err,
        };
        let (line, column, msg, name) = field_error(&err, lines, at.0, at.1);
        let is_field = value.get(&name).is_some() || msg.starts_with("missing field");
        let field_key = if is_field && !name.is_empty() {
            format!("{key}.{name}")
        } else {
            key.to_string()
        };
        problems.push_at((line, column), &field_key, msg.clone());
        let removed = msg.starts_with("unknown field")
            && value
                .as_object_mut()
                .is_some_and(|map| map.remove(&name).is_some());
        if !removed {
            return None;
        }
    }
}

/// Locate a serde error inside a check by the first backticked name in it
/// (`unknown field `urll``, `invalid duration `5x``): line, column, message
/// and that name.
fn field_error(
    err: &serde_json::Error,
    lines: &[&str],
    line: u64,
    col: u64,
) -> (u64, u64, String, String) {
    let msg = err.to_string();
    let msg = msg.split(" at line ").next().unwrap_or(&msg).to_string();
    let needle = msg.split('`').nth(1).unwrap_or("").to_string();
    match (!needle.is_empty())
        .then(|| locate(lines, line, &needle))
        .flatten()
    {
        Some((l, c)) => (l, c, msg, needle),
        None => (line, col, msg, needle),
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
