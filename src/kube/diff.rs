//! What an apply changed, as the dotted paths of the leaves that differ
//! (`spec.template.spec.containers[api].image: a → b`), so an on-call reader
//! sees the image bump rather than just "configured".

use serde_json::Value;

/// Longer values are cut: the table must stay readable.
const MAX_VALUE: usize = 60;

/// Changed leaves between `before` and `after`, at most `limit` of them, then a
/// `+N more` line. Lists of objects with a `name` are matched by name.
pub fn changes(before: &Value, after: &Value, limit: usize) -> Vec<String> {
    let mut out = Vec::new();
    walk("", before, after, &mut out);
    if out.len() > limit {
        let more = out.len() - limit;
        out.truncate(limit);
        out.push(format!("+{more} more"));
    }
    out
}

fn short(v: &Value) -> String {
    match v {
        Value::Null => "(none)".into(),
        Value::String(s) if s.chars().count() > MAX_VALUE => {
            let cut: String = s.chars().take(MAX_VALUE - 1).collect();
            format!("{cut}…")
        }
        Value::String(s) => s.clone(),
        Value::Object(_) | Value::Array(_) => "{…}".into(),
        other => other.to_string(),
    }
}

fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_string()
    } else {
        format!("{path}.{key}")
    }
}

fn walk(path: &str, before: &Value, after: &Value, out: &mut Vec<String>) {
    if before == after {
        return;
    }
    match (before, after) {
        (Value::Object(a), Value::Object(b)) => {
            let mut keys: Vec<&String> = a.keys().chain(b.keys()).collect();
            keys.sort();
            keys.dedup();
            for key in keys {
                let (x, y) = (
                    a.get(key).unwrap_or(&Value::Null),
                    b.get(key).unwrap_or(&Value::Null),
                );
                walk(&join(path, key), x, y, out);
            }
        }
        (Value::Array(a), Value::Array(b)) if named(a) && named(b) => {
            let mut names: Vec<&str> = a
                .iter()
                .chain(b.iter())
                .filter_map(|i| i["name"].as_str())
                .collect();
            names.dedup();
            let mut seen = std::collections::HashSet::new();
            for name in names.into_iter().filter(|n| seen.insert(*n)) {
                let find = |list: &[Value]| {
                    list.iter()
                        .find(|i| i["name"] == name)
                        .cloned()
                        .unwrap_or(Value::Null)
                };
                walk(&format!("{path}[{name}]"), &find(a), &find(b), out);
            }
        }
        _ => out.push(format!("{path}: {} → {}", short(before), short(after))),
    }
}

fn named(items: &[Value]) -> bool {
    !items.is_empty() && items.iter().all(|i| i["name"].is_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn image_bump_and_added_annotation() {
        let before = json!({"spec": {"replicas": 3, "template": {"spec": {"containers": [
            {"name": "api", "image": "api:1"}, {"name": "proxy", "image": "envoy:1"}]}}}});
        let after = json!({"metadata": {"annotations": {"x": "y"}}, "spec": {"replicas": 3, "template": {"spec": {"containers": [
            {"name": "proxy", "image": "envoy:1"}, {"name": "api", "image": "api:2"}]}}}});
        assert_eq!(
            changes(&before, &after, 5),
            [
                "metadata: (none) → {…}",
                "spec.template.spec.containers[api].image: api:1 → api:2"
            ]
        );
    }

    #[test]
    fn long_values_are_cut() {
        let long = "x".repeat(100);
        let out = changes(&json!({"a": long}), &json!({"a": "y"}), 5);
        assert_eq!(out, [format!("a: {}… → y", "x".repeat(59))]);
    }

    #[test]
    fn long_lists_are_cut() {
        let before = json!({"a": 1, "b": 1, "c": 1});
        let after = json!({"a": 2, "b": 2, "c": 2});
        assert_eq!(
            changes(&before, &after, 2),
            ["a: 1 → 2", "b: 1 → 2", "+1 more"]
        );
    }
}
