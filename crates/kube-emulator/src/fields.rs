//! Field ownership, as server-side apply sees it: which field manager last
//! set each leaf (`spec.template.spec.containers[name=api].image`). An apply
//! without `force` that would change a leaf another manager owns is a 409
//! conflict; with `force` the applier takes the field over.

use std::collections::BTreeMap;

use serde_json::Value;

/// Leaf path → manager.
pub type Owners = BTreeMap<String, String>;

/// Fields every writer sends and nobody owns.
const IDENTITY: &[&str] = &["apiVersion", "kind", "metadata.name", "metadata.namespace"];

/// Every leaf of `v` with its value; lists of named objects are keyed by name.
pub fn leaves(v: &Value) -> BTreeMap<String, Value> {
    let mut out = BTreeMap::new();
    walk("", v, &mut out);
    out.retain(|path, _| !IDENTITY.contains(&path.as_str()));
    out
}

fn walk(path: &str, v: &Value, out: &mut BTreeMap<String, Value>) {
    let join = |key: &str| {
        if path.is_empty() {
            key.to_string()
        } else {
            format!("{path}.{key}")
        }
    };
    match v {
        Value::Object(map) if !map.is_empty() => {
            for (k, child) in map {
                walk(&join(k), child, out);
            }
        }
        Value::Array(items) if !items.is_empty() && items.iter().all(|i| i["name"].is_string()) => {
            for item in items {
                let name = item["name"].as_str().unwrap_or("");
                walk(&format!("{path}[name={name}]"), item, out);
            }
        }
        other => {
            out.insert(path.to_string(), other.clone());
        }
    }
}

/// Leaves of `applied` that another manager owns with a different live value.
pub fn conflicts(
    owners: &Owners,
    live: &Value,
    applied: &Value,
    manager: &str,
) -> Vec<(String, String)> {
    let live = leaves(live);
    leaves(applied)
        .into_iter()
        .filter_map(|(path, value)| {
            let owner = owners.get(&path)?;
            (owner != manager && live.get(&path) != Some(&value)).then(|| (path, owner.clone()))
        })
        .collect()
}

/// `manager` now owns every leaf it applied.
pub fn claim(owners: &mut Owners, applied: &Value, manager: &str) {
    for path in leaves(applied).into_keys() {
        owners.insert(path, manager.to_string());
    }
}

/// A non-apply write: the leaves it changed or added belong to `manager`.
pub fn record_update(owners: &mut Owners, before: &Value, after: &Value, manager: &str) {
    let before = leaves(before);
    for (path, value) in leaves(after) {
        if before.get(&path) != Some(&value)
            && !path.starts_with("status")
            && !path.starts_with("metadata.")
        {
            owners.insert(path, manager.to_string());
        }
    }
}

/// The 409 message the API server gives.
pub fn conflict_message(found: &[(String, String)]) -> String {
    let list: Vec<String> = found
        .iter()
        .map(|(path, owner)| format!("conflict with \"{owner}\": .{path}"))
        .collect();
    format!(
        "Apply failed with {} conflict(s): {}",
        found.len(),
        list.join("; ")
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn conflicts_only_on_foreign_fields_with_other_values() {
        let applied = json!({"spec": {"replicas": 3, "template": {"spec": {"containers": [{"name": "api", "image": "a:1"}]}}}});
        let mut owners = Owners::new();
        claim(&mut owners, &applied, "hctl");
        let mut live = applied.clone();
        live["spec"]["template"]["spec"]["containers"][0]["image"] = json!("a:2");
        record_update(&mut owners, &applied, &live, "kubectl-set");
        assert_eq!(
            owners["spec.template.spec.containers[name=api].image"],
            "kubectl-set"
        );
        assert_eq!(owners["spec.replicas"], "hctl");
        let found = conflicts(&owners, &live, &applied, "hctl");
        assert_eq!(
            found,
            [(
                "spec.template.spec.containers[name=api].image".to_string(),
                "kubectl-set".to_string()
            )]
        );
        assert!(
            conflicts(&owners, &live, &live, "hctl").is_empty(),
            "same value: no conflict"
        );
    }
}
