//! `{{ env.KEY }}` templating of check fields from the selected environment's
//! settings, so one checklist runs against any environment. Only known keys
//! (`config::keys`) may be referenced; a known key that is unset in the
//! environment makes the item not applicable there rather than invalid.

use crate::config::keys;
pub use crate::template::substitute;

/// Why a string could not be rendered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TemplateError {
    /// `{{ env.nope }}`: not a setting hctl knows (a typo): invalid file.
    UnknownKey(String),
    /// `{{ oops`: unterminated or not of the form `env.KEY`: invalid file.
    Syntax(String),
    /// A known key with no value in this environment: item not applicable.
    Unset(String),
}

impl std::fmt::Display for TemplateError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            TemplateError::UnknownKey(k) => write!(
                f,
                "unknown setting `env.{k}` in template (known: {})",
                keys::names()
            ),
            TemplateError::Syntax(t) => {
                write!(f, "bad template `{t}`: expected `{{{{ env.KEY }}}}`")
            }
            TemplateError::Unset(k) => write!(f, "`{k}` is not set for this environment"),
        }
    }
}

/// Replace every `{{ env.KEY }}` in `text` using `lookup`.
pub fn render(
    text: &str,
    lookup: &dyn Fn(&str) -> Option<String>,
) -> Result<String, TemplateError> {
    substitute(text, TemplateError::Syntax, &mut |inner, raw| {
        let key = inner
            .strip_prefix("env.")
            .filter(|k| !k.is_empty())
            .ok_or_else(|| TemplateError::Syntax(format!("{{{{{raw}}}}}")))?;
        if keys::find(key).is_none() {
            return Err(TemplateError::UnknownKey(key.to_string()));
        }
        lookup(key).ok_or_else(|| TemplateError::Unset(key.to_string()))
    })
}

/// [`render`], but an expression that is not `env.*` is kept as written, for
/// a check kind that fills its own variables at run time (the `flow` kind's
/// captures and `run.id`, which it validates itself).
pub fn render_env_only(
    text: &str,
    lookup: &dyn Fn(&str) -> Option<String>,
) -> Result<String, TemplateError> {
    substitute(text, TemplateError::Syntax, &mut |inner, raw| {
        if inner.starts_with("env.") {
            render(&format!("{{{{{raw}}}}}"), lookup)
        } else {
            Ok(format!("{{{{{raw}}}}}"))
        }
    })
}

/// Render every string inside a JSON value in place; the first error wins.
/// With `keep_runtime`, non-`env.*` expressions stay ([`render_env_only`]).
pub fn render_value(
    value: &mut serde_json::Value,
    lookup: &dyn Fn(&str) -> Option<String>,
    keep_runtime: bool,
) -> Result<(), TemplateError> {
    if keep_runtime {
        render_strings(value, &mut |s| render_env_only(s, lookup))
    } else {
        render_strings(value, &mut |s| render(s, lookup))
    }
}

/// Replace every string holding `{{` inside a JSON value by `render` of it.
pub fn render_strings<E>(
    value: &mut serde_json::Value,
    render: &mut dyn FnMut(&str) -> Result<String, E>,
) -> Result<(), E> {
    match value {
        serde_json::Value::String(s) if s.contains("{{") => {
            *s = render(s)?;
            Ok(())
        }
        serde_json::Value::Array(items) => {
            items.iter_mut().try_for_each(|v| render_strings(v, render))
        }
        serde_json::Value::Object(map) => {
            map.values_mut().try_for_each(|v| render_strings(v, render))
        }
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lookup(key: &str) -> Option<String> {
        (key == "url").then(|| "http://127.0.0.1:8080".to_string())
    }

    #[test]
    fn renders_known_keys() {
        assert_eq!(
            render("{{ env.url }}/api/healthz", &lookup).unwrap(),
            "http://127.0.0.1:8080/api/healthz"
        );
        assert_eq!(
            render("{{env.url}}", &lookup).unwrap(),
            "http://127.0.0.1:8080"
        );
        assert_eq!(render("no template", &lookup).unwrap(), "no template");
    }

    proptest::proptest! {
        // Any text renders or fails with a typed error; text without `{{` is untouched.
        #[test]
        fn never_panics(text in "\\PC{0,80}") {
            let rendered = render(&text, &lookup);
            if !text.contains("{{") {
                proptest::prop_assert_eq!(rendered, Ok(text));
            }
        }
    }

    #[test]
    fn env_only_keeps_runtime_variables() {
        assert_eq!(
            render_env_only("{{ env.url }}/x?t={{ token }}&r={{run.id}}", &lookup).unwrap(),
            "http://127.0.0.1:8080/x?t={{ token }}&r={{run.id}}"
        );
        assert_eq!(
            render_env_only("{{ env.nope }}", &lookup),
            Err(TemplateError::UnknownKey("nope".into()))
        );
    }

    #[test]
    fn errors_say_which() {
        assert_eq!(
            render("{{ env.nope }}", &lookup),
            Err(TemplateError::UnknownKey("nope".into()))
        );
        assert_eq!(
            render("{{ env.redis_url }}", &lookup),
            Err(TemplateError::Unset("redis_url".into()))
        );
        assert!(matches!(
            render("{{ env.url", &lookup),
            Err(TemplateError::Syntax(_))
        ));
        assert!(matches!(
            render("{{ url }}", &lookup),
            Err(TemplateError::Syntax(_))
        ));
    }
}
