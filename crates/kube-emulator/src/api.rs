//! The HTTP side: discovery documents, the generic REST verbs over every
//! resource in [`RESOURCES`], watch streams (newline-delimited JSON events,
//! resumable by resourceVersion), and the injected faults.

use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, Method, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};
use std::collections::HashMap;
use std::sync::Arc;

use super::Shared;
use super::discovery;
use super::fields;
use super::patch;
use super::store::{self, RESOURCES, Res};
use super::watch;

type Params = HashMap<String, String>;

pub async fn handle(
    State(shared): State<Arc<Shared>>,
    method: Method,
    uri: Uri,
    Query(params): Query<Params>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let path = uri.path().to_string();
    if path == "/api/healthz" {
        // The app's health endpoint, so rollouts can be probed end to end.
        let code = shared.faults.lock().unwrap().healthz_status.unwrap_or(200);
        return status_error(code, "Health", "health");
    }
    if path == "/_emulator/faults" && method == Method::PUT {
        return discovery::set_faults(&shared, &body);
    }
    shared.log_request(&method, &uri);
    if let Some(code) = shared.injected_failure(&method, &path) {
        return status_error(code, "Injected", &format!("injected failure {code}"));
    }
    // kubectl sends no token over plain HTTP, so anonymous requests are allowed
    // (as with --anonymous-auth); a wrong token is refused.
    let authorized = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .is_none_or(|v| v == format!("Bearer {}", shared.token));
    if !authorized {
        return status_error(401, "Unauthorized", "Unauthorized");
    }
    let segments: Vec<&str> = path.trim_matches('/').split('/').collect();
    match segments.as_slice() {
        ["version"] => json_ok(
            json!({"major": "1", "minor": "33", "gitVersion": "v1.33.0-emulator", "platform": "linux/amd64"}),
        ),
        ["api"] => json_ok(
            json!({"kind": "APIVersions", "versions": ["v1"], "serverAddressByClientCIDRs": []}),
        ),
        ["apis"] => json_ok(discovery::api_groups()),
        ["api", "v1"] => json_ok(discovery::resource_list("", "v1")),
        ["apis", group, version] => {
            if RESOURCES
                .iter()
                .any(|r| r.group == *group && r.version == *version)
            {
                json_ok(discovery::resource_list(group, version))
            } else {
                not_found(&format!(
                    "the server could not find the requested resource ({group}/{version})"
                ))
            }
        }
        ["api", "v1", rest @ ..] => {
            resource(&shared, "", "v1", rest, method, params, &headers, body).await
        }
        ["apis", group, version, rest @ ..] => {
            resource(
                &shared, group, version, rest, method, params, &headers, body,
            )
            .await
        }
        _ => not_found("the server could not find the requested resource"),
    }
}

#[allow(clippy::too_many_arguments)]
async fn resource(
    shared: &Arc<Shared>,
    group: &str,
    version: &str,
    rest: &[&str],
    method: Method,
    params: Params,
    headers: &HeaderMap,
    body: Bytes,
) -> Response {
    // namespaces/{ns}/{plural}[/{name}] or {plural}[/{name}] (cluster scope / all namespaces)
    let (ns, plural, name) = match rest {
        ["namespaces", ns, plural, tail @ ..] => (Some(*ns), *plural, tail.first().copied()),
        ["namespaces", name] if group.is_empty() => return namespace(name),
        [plural, tail @ ..] => (None, *plural, tail.first().copied()),
        [] => return not_found("no resource"),
    };
    if rest.len() > 4 || (ns.is_none() && rest.len() > 2) {
        return not_found("subresources are not emulated");
    }
    let Some(res) = store::find(group, version, plural) else {
        return not_found(&format!(
            "the server could not find the requested resource ({plural})"
        ));
    };
    let ns = ns.unwrap_or("");
    let dry_run = params.get("dryRun").is_some_and(|v| v == "All");
    match (method, name) {
        (Method::GET, None) if is_true(params.get("watch")) => {
            watch::watch(shared, res, ns, &params)
        }
        (Method::GET, None) => list(shared, res, ns, &params),
        (Method::GET, Some(name)) => match shared.store.lock().unwrap().get(res.kind, ns, name) {
            Some(obj) => json_ok(obj.clone()),
            None => missing(res, name),
        },
        (Method::POST, None) => match parse_body(headers, &body) {
            Ok(obj) => create(shared, res, ns, obj, dry_run),
            Err(e) => bad_request(&e),
        },
        (Method::PUT, Some(name)) => match parse_body(headers, &body) {
            Ok(obj) => replace(shared, res, ns, name, obj, dry_run),
            Err(e) => bad_request(&e),
        },
        (Method::PATCH, Some(name)) => patch_object(shared, res, ns, name, headers, &body, &params),
        (Method::DELETE, Some(name)) => {
            let deleted = if dry_run {
                shared
                    .store
                    .lock()
                    .unwrap()
                    .get(res.kind, ns, name)
                    .cloned()
            } else {
                shared.write(|s| s.delete(res.kind, ns, name))
            };
            match deleted {
                Some(obj) => json_ok(obj),
                None => missing(res, name),
            }
        }
        _ => status_error(405, "MethodNotAllowed", "method not allowed"),
    }
}

fn namespace(name: &str) -> Response {
    json_ok(
        json!({"kind": "Namespace", "apiVersion": "v1", "metadata": {"name": name},
                   "spec": {"finalizers": ["kubernetes"]}, "status": {"phase": "Active"}}),
    )
}

fn is_true(v: Option<&String>) -> bool {
    v.is_some_and(|v| v == "true" || v == "1")
}

fn parse_body(headers: &HeaderMap, body: &[u8]) -> Result<Value, String> {
    let text = std::str::from_utf8(body).map_err(|e| e.to_string())?;
    let yaml = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("yaml"));
    let mut value: Value = match serde_json::from_str(text) {
        Ok(v) => v,
        Err(_) if yaml => serde_saphyr::from_str(text).map_err(|e| e.to_string())?,
        Err(e) => return Err(e.to_string()),
    };
    patch::drop_nulls(&mut value);
    Ok(value)
}

/// Fill in what the server owns, default it, keep status from `live` (status
/// is a subresource: users cannot write it through the main resource).
fn finish(res: &Res, ns: &str, name: &str, mut obj: Value, live: Option<&Value>) -> Value {
    obj["kind"] = json!(res.kind);
    obj["apiVersion"] = json!(res.api_version());
    obj["metadata"]["name"] = json!(name);
    if res.namespaced {
        obj["metadata"]["namespace"] = json!(ns);
    }
    if let Some(meta) = obj["metadata"].as_object_mut() {
        meta.remove("managedFields");
    }
    if matches!(res.kind, "Deployment" | "ReplicaSet" | "Pod") {
        match live.and_then(|l| l.get("status")) {
            Some(status) => obj["status"] = status.clone(),
            None => {
                if let Some(map) = obj.as_object_mut() {
                    map.remove("status");
                }
            }
        }
    }
    store::default_object(res.kind, &mut obj);
    obj
}

fn create(shared: &Arc<Shared>, res: &Res, ns: &str, obj: Value, dry_run: bool) -> Response {
    let Some(name) = obj["metadata"]["name"].as_str().map(str::to_string) else {
        return status_error(422, "Invalid", "metadata.name: Required value");
    };
    if shared
        .store
        .lock()
        .unwrap()
        .get(res.kind, ns, &name)
        .is_some()
    {
        let plural = res.plural;
        return status_error(
            409,
            "AlreadyExists",
            &format!("{plural} \"{name}\" already exists"),
        );
    }
    let obj = finish(res, ns, &name, obj, None);
    if dry_run {
        return (StatusCode::CREATED, json_ok(obj)).into_response();
    }
    let stored = shared.write(|s| s.put(res.kind, obj));
    (StatusCode::CREATED, json_ok(stored)).into_response()
}

fn replace(
    shared: &Arc<Shared>,
    res: &Res,
    ns: &str,
    name: &str,
    obj: Value,
    dry_run: bool,
) -> Response {
    let live = shared
        .store
        .lock()
        .unwrap()
        .get(res.kind, ns, name)
        .cloned();
    let Some(live) = live else {
        return missing(res, name);
    };
    let sent_rv = obj["metadata"]["resourceVersion"]
        .as_str()
        .map(str::to_string);
    if sent_rv.is_some_and(|rv| Some(rv.as_str()) != live["metadata"]["resourceVersion"].as_str()) {
        return conflict(res, name);
    }
    let obj = finish(res, ns, name, obj, Some(&live));
    if dry_run {
        return json_ok(obj);
    }
    json_ok(shared.write(|s| s.put(res.kind, obj)))
}

fn patch_object(
    shared: &Arc<Shared>,
    res: &Res,
    ns: &str,
    name: &str,
    headers: &HeaderMap,
    body: &[u8],
    params: &Params,
) -> Response {
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    let dry_run = params.get("dryRun").is_some_and(|v| v == "All");
    let patch_doc = match parse_body(headers, body) {
        Ok(v) => v,
        Err(e) => return bad_request(&e),
    };
    let mut store = shared.store.lock().unwrap();
    let live = store.get(res.kind, ns, name).cloned();
    let key = (res.kind, ns.to_string(), name.to_string());
    let mut obj = live.clone().unwrap_or_else(|| json!({"metadata": {}}));
    if content_type.starts_with("application/apply-patch") {
        let Some(manager) = params.get("fieldManager").cloned() else {
            return bad_request("fieldManager is required for apply requests");
        };
        let force = params.get("force").is_some_and(|v| v == "true");
        let owners = store.owners.entry(key.clone()).or_default();
        let found = fields::conflicts(owners, &obj, &patch_doc, &manager);
        if !found.is_empty() && !force {
            return status_error(409, "Conflict", &fields::conflict_message(&found));
        }
        if !dry_run {
            fields::claim(owners, &patch_doc, &manager);
        }
        let previous = store.applied.get(&(key.clone(), manager.clone())).cloned();
        patch::apply(&mut obj, previous.as_ref(), &patch_doc);
        if !dry_run {
            store.applied.insert((key, manager), patch_doc);
        }
    } else {
        let Some(_) = &live else {
            return missing(res, name);
        };
        let result = if content_type.starts_with("application/json-patch") {
            patch::json_patch(&mut obj, &patch_doc)
        } else if content_type.starts_with("application/strategic-merge-patch") {
            patch::strategic(&mut obj, &patch_doc);
            Ok(())
        } else if content_type.starts_with("application/merge-patch") {
            patch::merge(&mut obj, &patch_doc);
            Ok(())
        } else {
            return status_error(
                415,
                "UnsupportedMediaType",
                &format!("unsupported patch type `{content_type}`"),
            );
        };
        if let Err(e) = result {
            return status_error(422, "Invalid", &e);
        }
        if !dry_run && let Some(live) = &live {
            // kubectl names itself (`kubectl-rollout`, `kubectl-set`); others by user agent.
            let agent = headers
                .get(header::USER_AGENT)
                .and_then(|v| v.to_str().ok())
                .unwrap_or("unknown");
            let manager = params.get("fieldManager").map_or_else(
                || agent.split('/').next().unwrap_or("unknown").to_string(),
                |m| m.clone(),
            );
            let owners = store.owners.entry(key.clone()).or_default();
            fields::record_update(owners, live, &obj, &manager);
        }
    }
    drop(store);
    patch::drop_nulls(&mut obj);
    let obj = finish(res, ns, name, obj, live.as_ref());
    if dry_run {
        return json_ok(obj);
    }
    let created = live.is_none();
    let stored = shared.write(|s| s.put(res.kind, obj));
    let code = if created {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    (code, json_ok(stored)).into_response()
}

fn list(shared: &Arc<Shared>, res: &Res, ns: &str, params: &Params) -> Response {
    let store = shared.store.lock().unwrap();
    let items: Vec<Value> = store
        .list(res.kind, (!ns.is_empty()).then_some(ns))
        .into_iter()
        .filter(|o| selected(o, params))
        .collect();
    json_ok(json!({
        "kind": format!("{}List", res.kind),
        "apiVersion": res.api_version(),
        "metadata": {"resourceVersion": store.rv.to_string()},
        "items": items,
    }))
}

/// Whether an object passes `fieldSelector` (metadata.name / metadata.namespace)
/// and `labelSelector` (`k=v`, `k==v`, `k!=v`, `k`, `!k`).
pub fn selected(obj: &Value, params: &Params) -> bool {
    let fields_ok = params.get("fieldSelector").is_none_or(|sel| {
        sel.split(',').filter(|s| !s.is_empty()).all(|term| {
            let (path, want, negate) = match term.split_once("!=") {
                Some((p, w)) => (p, w, true),
                None => match term.split_once('=') {
                    Some((p, w)) => (p, w.trim_start_matches('='), false),
                    None => return true,
                },
            };
            let pointer = format!("/{}", path.replace('.', "/"));
            let have = obj.pointer(&pointer).and_then(Value::as_str).unwrap_or("");
            (have == want) != negate
        })
    });
    let labels = &obj["metadata"]["labels"];
    let labels_ok = params.get("labelSelector").is_none_or(|sel| {
        sel.split(',').filter(|s| !s.is_empty()).all(|term| {
            if let Some((k, v)) = term.split_once("!=") {
                labels[k].as_str() != Some(v)
            } else if let Some((k, v)) = term.split_once('=') {
                labels[k].as_str() == Some(v.trim_start_matches('='))
            } else if let Some(k) = term.strip_prefix('!') {
                labels.get(k).is_none()
            } else {
                labels.get(term).is_some()
            }
        })
    });
    fields_ok && labels_ok
}

pub fn json_ok(value: Value) -> Response {
    (
        StatusCode::OK,
        [(header::CONTENT_TYPE, "application/json")],
        value.to_string(),
    )
        .into_response()
}

pub fn status_error(code: u16, reason: &str, message: &str) -> Response {
    let body = json!({"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
                      "message": message, "reason": reason, "code": code});
    let status = StatusCode::from_u16(code).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    (
        status,
        [(header::CONTENT_TYPE, "application/json")],
        body.to_string(),
    )
        .into_response()
}

fn missing(res: &Res, name: &str) -> Response {
    let group = if res.group.is_empty() {
        String::new()
    } else {
        format!(".{}", res.group)
    };
    status_error(
        404,
        "NotFound",
        &format!("{}{group} \"{name}\" not found", res.plural),
    )
}

fn conflict(res: &Res, name: &str) -> Response {
    status_error(
        409,
        "Conflict",
        &format!(
            "Operation cannot be fulfilled on {} \"{name}\": the object has been modified; please apply your changes to the latest version and try again",
            res.plural
        ),
    )
}

fn not_found(message: &str) -> Response {
    status_error(404, "NotFound", message)
}

pub fn bad_request(message: &str) -> Response {
    status_error(400, "BadRequest", message)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn field_and_label_selectors() {
        let obj = json!({"metadata": {"name": "web", "namespace": "ns", "labels": {"app": "web", "tier": "front"}}});
        let params = |k: &str, v: &str| Params::from([(k.to_string(), v.to_string())]);
        assert!(selected(
            &obj,
            &params("fieldSelector", "metadata.name=web")
        ));
        assert!(!selected(
            &obj,
            &params("fieldSelector", "metadata.name=api")
        ));
        assert!(selected(
            &obj,
            &params("fieldSelector", "metadata.name!=api")
        ));
        assert!(selected(
            &obj,
            &params("labelSelector", "app=web,tier==front")
        ));
        assert!(!selected(
            &obj,
            &params("labelSelector", "app=web,tier!=front")
        ));
        assert!(selected(&obj, &params("labelSelector", "app,!canary")));
        assert!(!selected(&obj, &params("labelSelector", "canary")));
    }
}
