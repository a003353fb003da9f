//! The `{{ EXPR }}` scanner every hctl template uses (checklists: `env.*`;
//! the `flow` check kind: its captures and `run.id`; playbooks: `params.*`,
//! `steps.*`, `run.*`). Shared, below the modules that give EXPR a meaning.

/// Replace every `{{ EXPR }}` in `text` by what `resolve` makes of it; it
/// gets EXPR trimmed and as written. The scanner every hctl template uses
/// (checklists: `env.*`; playbooks add `params.*`, `steps.*`, `run.*`);
/// an unterminated `{{` becomes `unterminated(the text from there)`.
pub fn substitute<E>(
    text: &str,
    unterminated: fn(String) -> E,
    resolve: &mut dyn FnMut(&str, &str) -> Result<String, E>,
) -> Result<String, E> {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find("{{") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        let end = after
            .find("}}")
            .ok_or_else(|| unterminated(rest[start..].chars().take(40).collect()))?;
        out.push_str(&resolve(after[..end].trim(), &after[..end])?);
        rest = &after[end + 2..];
    }
    out.push_str(rest);
    Ok(out)
}
