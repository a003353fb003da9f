//! The patch flavours the API server accepts, over plain JSON values: JSON
//! merge patch (RFC 7386), a strategic-merge approximation (lists of named
//! objects merge by `name`), JSON patch (RFC 6902) and the field pruning that
//! makes repeated server-side applies by one manager drop the fields it no
//! longer sends.

use serde_json::{Map, Value};

/// RFC 7386: objects merge recursively, `null` deletes, anything else replaces.
pub fn merge(target: &mut Value, patch: &Value) {
    merge_with(target, patch, false);
}

/// Strategic merge as used by `kubectl rollout restart` / `set image`: like a
/// merge patch, but lists whose items all carry a `name` merge item by item.
pub fn strategic(target: &mut Value, patch: &Value) {
    merge_with(target, patch, true);
}

fn merge_with(target: &mut Value, patch: &Value, by_name: bool) {
    let Value::Object(patch_map) = patch else {
        *target = patch.clone();
        return;
    };
    if !target.is_object() {
        *target = Value::Object(Map::new());
    }
    let Value::Object(target_map) = target else {
        return;
    };
    for (key, value) in patch_map {
        if key.starts_with('$') {
            continue;
        }
        if value.is_null() {
            target_map.remove(key);
            continue;
        }
        let slot = target_map.entry(key.clone()).or_insert(Value::Null);
        match (slot.as_array_mut(), value.as_array()) {
            (Some(existing), Some(items)) if by_name && named(items) && named(existing) => {
                for item in items {
                    let name = &item["name"];
                    match existing.iter_mut().find(|e| &e["name"] == name) {
                        Some(found) => merge_with(found, item, true),
                        None => existing.push(item.clone()),
                    }
                }
            }
            _ => merge_with(slot, value, by_name),
        }
    }
}

fn named(items: &[Value]) -> bool {
    items
        .iter()
        .all(|i| i.get("name").is_some_and(Value::is_string))
}

/// Server-side apply, simplified to what one field manager can observe:
/// fields it applied last time and omits now are removed, then the new
/// configuration is merged over the live object (lists replace).
pub fn apply(live: &mut Value, previous: Option<&Value>, applied: &Value) {
    if let Some(previous) = previous {
        prune(live, previous, applied);
    }
    merge_with(live, applied, false);
}

fn prune(live: &mut Value, previous: &Value, applied: &Value) {
    let (Some(live_map), Some(prev_map)) = (live.as_object_mut(), previous.as_object()) else {
        return;
    };
    for (key, prev_value) in prev_map {
        match applied.get(key) {
            None => {
                live_map.remove(key);
            }
            Some(now) => {
                if let Some(slot) = live_map.get_mut(key) {
                    prune(slot, prev_value, now);
                }
            }
        }
    }
}

/// RFC 6902 JSON patch (`add`, `remove`, `replace`, `test`, `copy`, `move`).
pub fn json_patch(target: &mut Value, ops: &Value) -> Result<(), String> {
    let ops = ops.as_array().ok_or("json patch must be an array")?;
    for op in ops {
        let kind = op["op"].as_str().ok_or("json patch op without `op`")?;
        let path = op["path"].as_str().ok_or("json patch op without `path`")?;
        match kind {
            "add" | "replace" => {
                if kind == "replace" && target.pointer(path).is_none() {
                    return Err(format!("replace: path `{path}` does not exist"));
                }
                set(target, path, op["value"].clone())?;
            }
            "remove" => {
                remove(target, path)?;
            }
            "test" => {
                if target.pointer(path) != Some(&op["value"]) {
                    return Err(format!("test failed at `{path}`"));
                }
            }
            "copy" | "move" => {
                let from = op["from"].as_str().ok_or("copy/move without `from`")?;
                let value = if kind == "move" {
                    remove(target, from)?
                } else {
                    target
                        .pointer(from)
                        .cloned()
                        .ok_or("copy: missing `from`")?
                };
                set(target, path, value)?;
            }
            other => return Err(format!("unknown json patch op `{other}`")),
        }
    }
    Ok(())
}

fn split(path: &str) -> Result<(String, String), String> {
    let idx = path
        .rfind('/')
        .ok_or(format!("bad json pointer `{path}`"))?;
    let last = path[idx + 1..].replace("~1", "/").replace("~0", "~");
    Ok((path[..idx].to_string(), last))
}

fn set(target: &mut Value, path: &str, value: Value) -> Result<(), String> {
    if path.is_empty() {
        *target = value;
        return Ok(());
    }
    let (parent, last) = split(path)?;
    match target.pointer_mut(&parent) {
        Some(Value::Object(map)) => {
            map.insert(last, value);
            Ok(())
        }
        Some(Value::Array(items)) => {
            if last == "-" {
                items.push(value);
                return Ok(());
            }
            let idx: usize = last.parse().map_err(|_| format!("bad index `{last}`"))?;
            if idx > items.len() {
                return Err(format!("index {idx} out of range"));
            }
            items.insert(idx, value);
            Ok(())
        }
        _ => Err(format!("path `{parent}` does not exist")),
    }
}

fn remove(target: &mut Value, path: &str) -> Result<Value, String> {
    let (parent, last) = split(path)?;
    match target.pointer_mut(&parent) {
        Some(Value::Object(map)) => map.remove(&last).ok_or(format!("`{path}` does not exist")),
        Some(Value::Array(items)) => {
            let idx: usize = last.parse().map_err(|_| format!("bad index `{last}`"))?;
            (idx < items.len())
                .then(|| items.remove(idx))
                .ok_or(format!("`{path}` does not exist"))
        }
        _ => Err(format!("`{parent}` does not exist")),
    }
}

/// Drop `null`s recursively, as decoding into API types does.
pub fn drop_nulls(value: &mut Value) {
    match value {
        Value::Object(map) => {
            map.retain(|_, v| !v.is_null());
            map.values_mut().for_each(drop_nulls);
        }
        Value::Array(items) => items.iter_mut().for_each(drop_nulls),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn strategic_merges_containers_by_name() {
        let mut live = json!({"c": [{"name": "a", "image": "x"}, {"name": "b", "image": "y"}]});
        strategic(&mut live, &json!({"c": [{"name": "b", "image": "z"}]}));
        assert_eq!(live["c"][1]["image"], "z");
        assert_eq!(live["c"][0]["image"], "x");
    }

    #[test]
    fn apply_prunes_fields_the_manager_dropped() {
        let mut live = json!({"a": {"x": 1, "y": 2, "z": 3}});
        apply(
            &mut live,
            Some(&json!({"a": {"x": 1, "y": 2}})),
            &json!({"a": {"x": 5}}),
        );
        assert_eq!(live, json!({"a": {"x": 5, "z": 3}}));
    }

    #[test]
    fn json_patch_replace_and_test() {
        let mut v = json!({"spec": {"t": 1}, "m": {"a": {}}});
        json_patch(
            &mut v,
            &json!([{"op": "test", "path": "/spec/t", "value": 1},
                    {"op": "replace", "path": "/spec/t", "value": 2},
                    {"op": "add", "path": "/m/a/k~1x", "value": "v"}]),
        )
        .unwrap();
        assert_eq!(v, json!({"spec": {"t": 2}, "m": {"a": {"k/x": "v"}}}));
        assert!(
            json_patch(
                &mut v,
                &json!([{"op": "replace", "path": "/nope/x", "value": 1}])
            )
            .is_err()
        );
    }
}
