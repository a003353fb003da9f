//! Watch streams: newline-delimited JSON events, first the current objects
//! (or, when resumed with `resourceVersion=N`, every logged change after N),
//! then live changes; honours `timeoutSeconds`, selectors and the
//! drop-after-N-events fault.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::http::header;
use axum::response::Response;
use futures::SinkExt;
use serde_json::{Value, json};

use super::Shared;
use super::api::selected;
use super::store::Res;

pub fn watch(
    shared: &Arc<Shared>,
    res: &Res,
    ns: &str,
    params: &HashMap<String, String>,
) -> Response {
    let kind = res.kind;
    let from: u64 = params
        .get("resourceVersion")
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    let (initial, mut rx, now_rv) = {
        let store = shared.store.lock().unwrap();
        let initial: Vec<(String, Value)> = if from == 0 {
            store
                .list(kind, (!ns.is_empty()).then_some(ns))
                .into_iter()
                .map(|o| ("ADDED".to_string(), o))
                .collect()
        } else {
            store
                .log
                .iter()
                .filter(|e| e.rv > from && e.kind == kind && (ns.is_empty() || e.namespace == ns))
                .map(|e| (e.kind_of_change.to_string(), e.object.clone()))
                .collect()
        };
        (initial, shared.events.subscribe(), store.rv)
    };
    let params = params.clone();
    let ns = ns.to_string();
    let timeout = params
        .get("timeoutSeconds")
        .and_then(|v| v.parse().ok())
        .unwrap_or(1800u64);
    let (drop_after, expire) = {
        let mut faults = shared.faults.lock().unwrap();
        let expire = from > 0 && faults.expire_resumed_watches > 0;
        if expire {
            faults.expire_resumed_watches -= 1;
        }
        (faults.drop_watches_after, expire)
    };
    if expire {
        // What etcd compaction looks like to a client: 200, one ERROR event, end.
        let status = json!({"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
            "message": format!("too old resource version: {from}"), "reason": "Expired", "code": 410});
        let line = format!("{}\n", json!({"type": "ERROR", "object": status}));
        return Response::builder()
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(line))
            .expect("watch response");
    }
    let (mut tx, body_rx) = futures::channel::mpsc::channel::<Result<Bytes, std::io::Error>>(64);
    tokio::spawn(async move {
        let mut sent = 0usize;
        let line = |change: &str, object: &Value| {
            let mut text = json!({"type": change, "object": object}).to_string();
            text.push('\n');
            Ok(Bytes::from(text))
        };
        for (change, object) in initial.iter().filter(|(_, o)| selected(o, &params)) {
            if tx.send(line(change, object)).await.is_err() {
                return;
            }
            sent += 1;
            if drop_after.is_some_and(|n| sent >= n) {
                return;
            }
        }
        let deadline = tokio::time::sleep(Duration::from_secs(timeout));
        tokio::pin!(deadline);
        loop {
            let event = tokio::select! {
                _ = &mut deadline => return,
                event = rx.recv() => event,
            };
            let Ok(event) = event else {
                return; // lagged or closed: the client re-watches from its last version
            };
            if event.rv <= now_rv || event.kind != kind || !(ns.is_empty() || event.namespace == ns)
            {
                continue;
            }
            if !selected(&event.object, &params) {
                continue;
            }
            if tx
                .send(line(event.kind_of_change, &event.object))
                .await
                .is_err()
            {
                return;
            }
            sent += 1;
            if drop_after.is_some_and(|n| sent >= n) {
                return;
            }
        }
    });
    Response::builder()
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from_stream(body_rx))
        .expect("watch response")
}
