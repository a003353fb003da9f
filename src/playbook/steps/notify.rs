//! `notify:` steps: a message POSTed to an incoming webhook whose URL comes
//! from an environment variable (never from the file, never printed):
//! `{"text": …}` for Slack-compatible hooks, or a generic JSON document with
//! the run's identity. An unset variable skips the step, saying which.

use std::time::Duration;

use serde_json::json;

use super::{Done, StepOutcome};
use crate::playbook::{Notify, NotifyFormat};

/// Who is notifying: the run's identity for the JSON format.
#[derive(Debug, Clone)]
pub struct Meta<'a> {
    pub playbook: &'a str,
    pub run_id: &'a str,
    pub status: &'a str,
    pub environment: &'a str,
    pub step: &'a str,
}

/// The webhook's host, the only part of its URL ever shown.
fn host(url: &str) -> String {
    url::Url::parse(url)
        .ok()
        .and_then(|u| u.host_str().map(str::to_string))
        .unwrap_or_else(|| "an invalid URL".into())
}

/// Send `text` once.
pub async fn send(
    http: &reqwest::Client,
    notify: &Notify,
    text: &str,
    meta: &Meta<'_>,
    vars: &(dyn Fn(&str) -> Option<String> + Sync),
    timeout: Duration,
) -> Done {
    let var = &notify.webhook_env;
    let Some(url) = vars(var).filter(|u| !u.trim().is_empty()) else {
        return Done::new(
            StepOutcome::Skipped,
            format!("`{var}` is not set: nothing sent"),
        );
    };
    let body = match notify.format {
        NotifyFormat::Slack => json!({ "text": text }),
        NotifyFormat::Json => json!({
            "text": text,
            "playbook": meta.playbook,
            "run_id": meta.run_id,
            "status": meta.status,
            "environment": meta.environment,
            "step": meta.step,
        }),
    };
    let host = host(&url);
    let sent = http
        .post(url.trim())
        .timeout(timeout)
        .json(&body)
        .send()
        .await;
    let mut done = match sent {
        Ok(resp) if resp.status().is_success() => {
            Done::new(StepOutcome::Pass, format!("sent to `{var}` ({host})"))
        }
        Ok(resp) => Done::new(
            StepOutcome::Fail,
            format!("the webhook in `{var}` ({host}) answered {}", resp.status()),
        ),
        Err(err) => Done::new(
            StepOutcome::Error,
            format!(
                "cannot reach the webhook in `{var}` ({host}): {}",
                crate::exit::error_line(&err.without_url())
            ),
        ),
    };
    done.evidence = Some(body);
    done
}
