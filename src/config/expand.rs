//! `${VAR}` expansion of config values from the process environment.
//!
//! `$${` writes a literal `${`. An unset variable or an unterminated `${` is an
//! error naming the variable, so a half-configured production environment never
//! runs with an empty database URL.

/// Why a value could not be expanded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ExpandError {
    #[error("environment variable `{0}` is not set")]
    Unset(String),
    #[error("unterminated `${{` (write `$${{` for a literal `${{`)")]
    Unterminated,
    #[error("invalid variable name `{0}`")]
    BadName(String),
}

/// Expand every `${NAME}` in `text` with `lookup(NAME)`.
pub fn expand(text: &str, lookup: &dyn Fn(&str) -> Option<String>) -> Result<String, ExpandError> {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(idx) = rest.find('$') {
        out.push_str(&rest[..idx]);
        let tail = &rest[idx..];
        if let Some(after) = tail.strip_prefix("$${") {
            out.push_str("${");
            rest = after;
        } else if let Some(after) = tail.strip_prefix("${") {
            let end = after.find('}').ok_or(ExpandError::Unterminated)?;
            let name = &after[..end];
            let valid = !name.is_empty()
                && !name.starts_with(|c: char| c.is_ascii_digit())
                && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
            if !valid {
                return Err(ExpandError::BadName(name.to_string()));
            }
            let value = lookup(name).ok_or_else(|| ExpandError::Unset(name.to_string()))?;
            out.push_str(&value);
            rest = &after[end + 1..];
        } else {
            out.push('$');
            rest = &tail[1..];
        }
    }
    out.push_str(rest);
    Ok(out)
}

/// The variable names a value refers to, for `config validate`.
pub fn references(text: &str) -> Result<Vec<String>, ExpandError> {
    let names = std::cell::RefCell::new(Vec::new());
    expand(text, &|name| {
        names.borrow_mut().push(name.to_string());
        Some(String::new())
    })?;
    Ok(names.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(name: &str) -> Option<String> {
        (name == "DB").then(|| "postgres://x".to_string())
    }

    #[test]
    fn expands_and_escapes() {
        assert_eq!(expand("${DB}/a", &env).unwrap(), "postgres://x/a");
        assert_eq!(expand("$${DB} $5", &env).unwrap(), "${DB} $5");
    }

    #[test]
    fn names_missing_variable() {
        assert_eq!(
            expand("${PROD_DATABASE_URL}", &env),
            Err(ExpandError::Unset("PROD_DATABASE_URL".into()))
        );
        assert_eq!(expand("${DB", &env), Err(ExpandError::Unterminated));
        assert_eq!(
            expand("${1X}", &env),
            Err(ExpandError::BadName("1X".into()))
        );
    }

    #[test]
    fn lists_references() {
        assert_eq!(references("${A}:${B}").unwrap(), vec!["A", "B"]);
    }
}
