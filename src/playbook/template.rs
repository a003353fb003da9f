//! Playbook templates: `{{ params.NAME }}`, `{{ env.KEY }}`,
//! `{{ steps.ID.OUTPUT }}` and `{{ run.FIELD }}`. References are checked when
//! the file is validated (an unknown one is a located error) and filled in
//! when a step runs. The scanner is the checklists' own
//! ([`crate::checklist::template::substitute`]).

use crate::checklist::template::substitute;
use crate::config::keys;

/// One `{{ ... }}` reference.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Ref {
    Param(String),
    Env(String),
    Step(String, String),
    Run(String),
}

impl std::fmt::Display for Ref {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Ref::Param(n) => write!(f, "params.{n}"),
            Ref::Env(k) => write!(f, "env.{k}"),
            Ref::Step(id, out) => write!(f, "steps.{id}.{out}"),
            Ref::Run(field) => write!(f, "run.{field}"),
        }
    }
}

/// What `{{ run.FIELD }}` may name.
pub const RUN_FIELDS: &[(&str, &str)] = &[
    ("id", "the run id"),
    ("playbook", "the playbook's name"),
    ("environment", "the environment the run targets"),
    (
        "status",
        "`running`, or `failed` while the rollback section runs",
    ),
    ("actor", "who started the run"),
    ("started_at", "when the run started (RFC 3339, UTC)"),
    (
        "failed_step",
        "the id of the step that failed (empty before a failure)",
    ),
    (
        "respond_by",
        "the response deadline of the run's level (incidents)",
    ),
    (
        "update_due",
        "when the next status update is due (incidents)",
    ),
];

/// Parse the inside of `{{ ... }}`; the namespaces and keys are checked
/// here, whether a step or parameter exists by the caller.
pub fn parse_ref(expr: &str) -> Result<Ref, String> {
    let bad = || {
        format!(
            "bad template `{{{{ {expr} }}}}`: expected `params.NAME`, `env.KEY`, `steps.ID.OUTPUT` or `run.FIELD`"
        )
    };
    let (space, rest) = expr.split_once('.').ok_or_else(bad)?;
    if rest.is_empty() || rest.contains(char::is_whitespace) {
        return Err(bad());
    }
    match space {
        "params" => Ok(Ref::Param(rest.to_string())),
        "env" => match keys::find(rest) {
            Some(_) => Ok(Ref::Env(rest.to_string())),
            None => Err(format!(
                "unknown setting `env.{rest}` in template (known: {})",
                keys::names()
            )),
        },
        "steps" => match rest.rsplit_once('.') {
            Some((id, out)) if !id.is_empty() && !out.is_empty() => {
                Ok(Ref::Step(id.to_string(), out.to_string()))
            }
            _ => Err(format!(
                "bad template `{{{{ {expr} }}}}`: expected `steps.ID.OUTPUT`, e.g. `steps.backup.backup_id`"
            )),
        },
        "run" => {
            if RUN_FIELDS.iter().any(|(f, _)| *f == rest) {
                Ok(Ref::Run(rest.to_string()))
            } else {
                let known: Vec<&str> = RUN_FIELDS.iter().map(|(f, _)| *f).collect();
                Err(format!(
                    "unknown field `run.{rest}` in template (known: {})",
                    known.join(", ")
                ))
            }
        }
        _ => Err(bad()),
    }
}

fn unterminated(text: String) -> String {
    format!("unterminated template `{text}`: expected `{{{{ ... }}}}`")
}

/// Every reference in `text`, in order.
pub fn refs(text: &str) -> Result<Vec<Ref>, String> {
    let mut found = Vec::new();
    substitute(text, unterminated, &mut |expr, _| {
        found.push(parse_ref(expr)?);
        Ok(String::new())
    })?;
    Ok(found)
}

/// `text` with every reference replaced by `value` of it.
pub fn render(
    text: &str,
    value: &dyn Fn(&Ref) -> Result<String, String>,
) -> Result<String, String> {
    substitute(text, unterminated, &mut |expr, _| value(&parse_ref(expr)?))
}

/// Decide a rendered `when:`: `true`/`false`, or `A == B` / `A != B`
/// (compared as trimmed text).
pub fn truth(rendered: &str) -> Result<bool, String> {
    let text = rendered.trim();
    if let Some((a, b)) = text.split_once("!=") {
        return Ok(a.trim() != b.trim());
    }
    if let Some((a, b)) = text.split_once("==") {
        return Ok(a.trim() == b.trim());
    }
    match text {
        "true" => Ok(true),
        "false" | "" => Ok(false),
        other => Err(format!(
            "`when:` rendered to `{other}`: expected true, false, `A == B` or `A != B`"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_parse_by_namespace() {
        assert_eq!(
            refs("{{ params.image }} at {{env.url}} after {{ steps.backup.backup_id }} of {{ run.id }}").unwrap(),
            vec![
                Ref::Param("image".into()),
                Ref::Env("url".into()),
                Ref::Step("backup".into(), "backup_id".into()),
                Ref::Run("id".into()),
            ]
        );
        assert_eq!(
            refs("{{ env.kube.namespace }}").unwrap(),
            vec![Ref::Env("kube.namespace".into())]
        );
    }

    #[test]
    fn unknown_references_say_which() {
        assert!(
            refs("{{ env.nope }}")
                .unwrap_err()
                .contains("unknown setting `env.nope`")
        );
        assert!(
            refs("{{ run.nope }}")
                .unwrap_err()
                .contains("unknown field `run.nope`")
        );
        assert!(
            refs("{{ steps.backup }}")
                .unwrap_err()
                .contains("steps.ID.OUTPUT")
        );
        assert!(refs("{{ image }}").unwrap_err().contains("bad template"));
        assert!(refs("{{ params.x").unwrap_err().contains("unterminated"));
    }

    #[test]
    fn render_fills_values() {
        let out = render("deploy {{ params.image }}", &|r| match r {
            Ref::Param(n) if n == "image" => Ok("api:1.2".into()),
            other => Err(format!("{other}")),
        })
        .unwrap();
        assert_eq!(out, "deploy api:1.2");
    }

    #[test]
    fn conditions() {
        assert_eq!(truth(" true "), Ok(true));
        assert_eq!(truth("false"), Ok(false));
        assert_eq!(truth("P0 == P0"), Ok(true));
        assert_eq!(truth("P1 == P0"), Ok(false));
        assert_eq!(truth("P1 != P0"), Ok(true));
        assert!(truth("maybe").is_err());
    }
}
