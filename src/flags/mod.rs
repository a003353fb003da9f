//! Client of the server's feature-flag admin API (`/api/feature-flags`), used
//! by `hctl flags`. Every failure names the URL and says what to do: a
//! rejected token, an unknown flag, an unreachable server.

use std::time::Duration;

use anyhow::{Context, Result, bail};
use reqwest::StatusCode;
use serde::{Deserialize, Serialize};

use crate::config::redact::redact_url;

/// A flag as the admin API returns it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct Flag {
    pub name: String,
    pub enabled: bool,
    pub rollout_percentage: i32,
    #[serde(default)]
    pub description: String,
    pub updated_at: String,
}

/// The change `set` sends; `None` fields keep their value.
#[derive(Debug, Clone, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Change {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub enabled: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rollout_percentage: Option<u8>,
}

/// A client for one server.
pub struct Client {
    base: String,
    token: String,
    http: reqwest::Client,
}

#[derive(Deserialize)]
struct ErrorBody {
    error: ErrorDetail,
}

#[derive(Deserialize)]
struct ErrorDetail {
    message: String,
}

impl Client {
    pub fn new(base_url: &str, token: String, timeout: Duration) -> Result<Client> {
        let http = reqwest::Client::builder()
            .timeout(timeout)
            .connect_timeout(timeout.min(Duration::from_secs(5)))
            .user_agent(concat!("hctl/", env!("CARGO_PKG_VERSION")))
            .build()
            .context("could not build the HTTP client")?;
        Ok(Client {
            base: base_url.trim_end_matches('/').to_string(),
            token,
            http,
        })
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    async fn send<T: for<'de> Deserialize<'de>>(
        &self,
        request: reqwest::RequestBuilder,
        url: &str,
        flag: Option<&str>,
    ) -> Result<T> {
        let shown = redact_url(url);
        let response = request
            .bearer_auth(&self.token)
            .send()
            .await
            .with_context(|| format!("could not reach the admin API at `{shown}`"))?;
        let status = response.status();
        if status.is_success() {
            return response
                .json()
                .await
                .with_context(|| format!("unexpected response from `{shown}`"));
        }
        let message = response
            .json::<ErrorBody>()
            .await
            .map(|b| b.error.message)
            .unwrap_or_default();
        match (status, flag) {
            (StatusCode::UNAUTHORIZED, _) => bail!(
                "the admin token was rejected by `{shown}` (401): check the variable named by `admin_token_env`"
            ),
            (StatusCode::FORBIDDEN, _) => bail!("`{shown}` refused the request (403): {message}"),
            (StatusCode::NOT_FOUND, Some(name)) => {
                bail!("feature flag `{name}` not found at `{shown}` (404)")
            }
            _ => bail!("`{shown}` answered {status}: {message}"),
        }
    }

    pub async fn list(&self) -> Result<Vec<Flag>> {
        let url = self.url("/api/feature-flags");
        self.send(self.http.get(&url), &url, None).await
    }

    pub async fn get(&self, name: &str) -> Result<Flag> {
        let url = self.url(&format!("/api/feature-flags/{name}"));
        self.send(self.http.get(&url), &url, Some(name)).await
    }

    pub async fn set(&self, name: &str, change: &Change) -> Result<Flag> {
        let url = self.url(&format!("/api/feature-flags/{name}"));
        self.send(self.http.put(&url).json(change), &url, Some(name))
            .await
    }
}
