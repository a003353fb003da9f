//! Discovery documents (`/apis`, `/api/v1`, `/apis/GROUP/VERSION`) built from
//! the resource table, and the emulator's own control endpoint.

use serde_json::{Value, json};

use super::Shared;
use super::api::{bad_request, json_ok};
use super::store::RESOURCES;
use axum::response::Response;

pub fn api_groups() -> Value {
    let mut groups: Vec<Value> = Vec::new();
    for r in RESOURCES.iter().filter(|r| !r.group.is_empty()) {
        if groups.iter().any(|g| g["name"] == r.group) {
            continue;
        }
        let gv = json!({"groupVersion": r.api_version(), "version": r.version});
        groups.push(json!({"name": r.group, "versions": [gv.clone()], "preferredVersion": gv}));
    }
    json!({"kind": "APIGroupList", "apiVersion": "v1", "groups": groups})
}

pub fn resource_list(group: &str, version: &str) -> Value {
    let verbs = [
        "create", "delete", "get", "list", "patch", "update", "watch",
    ];
    let resources: Vec<Value> = RESOURCES
        .iter()
        .filter(|r| r.group == group && r.version == version)
        .map(|r| {
            json!({"name": r.plural, "singularName": r.kind.to_lowercase(), "namespaced": r.namespaced,
                   "kind": r.kind, "verbs": verbs, "shortNames": r.short})
        })
        .collect();
    let group_version = if group.is_empty() {
        version.to_string()
    } else {
        format!("{group}/{version}")
    };
    json!({"kind": "APIResourceList", "apiVersion": "v1", "groupVersion": group_version, "resources": resources})
}

/// `PUT /_emulator/faults` with e.g. `{"fail_all": 500}`, `{"stuck": true}`,
/// `{"drop_watches_after": 2}`, `{"frozen": false}`, `{"healthz_status": 503}`:
/// the knobs of [`super::Faults`] for a standalone emulator (`null` clears).
pub fn set_faults(shared: &Shared, body: &[u8]) -> Response {
    let Ok(Value::Object(knobs)) = serde_json::from_slice::<Value>(body) else {
        return bad_request("expected a JSON object of fault knobs");
    };
    let mut faults = shared.faults.lock().unwrap();
    let code = |v: &Value| v.as_u64().and_then(|n| u16::try_from(n).ok());
    for (knob, value) in &knobs {
        match knob.as_str() {
            "fail_all" => faults.fail_all = code(value),
            "healthz_status" => faults.healthz_status = code(value),
            "drop_watches_after" => faults.drop_watches_after = value.as_u64().map(|n| n as usize),
            "expire_resumed_watches" => {
                faults.expire_resumed_watches = value.as_u64().unwrap_or(0) as usize
            }
            "frozen" => faults.frozen = value.as_bool().unwrap_or(false),
            "stuck" => faults.stuck = value.as_bool().unwrap_or(false),
            other => return bad_request(&format!("unknown fault knob `{other}`")),
        }
    }
    json_ok(json!({"faults": format!("{:?}", *faults)}))
}
