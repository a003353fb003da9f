//! The post-deploy health probe: `GET {url}/api/healthz` must answer 2xx,
//! retried briefly while the new pods start taking traffic.

use std::time::Duration;

use anyhow::{Context, Result, bail};

use crate::config::redact::redact_url;

/// Probe `{base}/api/healthz` up to `attempts` times, one second apart.
/// Returns the status line of the successful answer.
pub async fn probe(base: &str, attempts: u32) -> Result<String> {
    let url = format!("{}/api/healthz", base.trim_end_matches('/'));
    let shown = redact_url(&url);
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(5))
        .build()
        .context("cannot build the HTTP client")?;
    let mut last = String::new();
    for attempt in 1..=attempts.max(1) {
        match client.get(&url).send().await {
            Ok(resp) if resp.status().is_success() => {
                return Ok(format!("{shown} answered {}", resp.status()));
            }
            Ok(resp) => last = format!("answered {}", resp.status()),
            Err(err) => last = format!("{err}"),
        }
        if attempt < attempts {
            tokio::time::sleep(Duration::from_secs(1)).await;
        }
    }
    bail!("health probe `{shown}` failed after {attempts} attempts: {last}")
}
