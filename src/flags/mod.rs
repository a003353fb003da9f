//! Client of the server's feature-flag admin API (`/api/feature-flags`), used
//! by `hctl flags`. Every failure names the URL and says what to do: a
//! rejected token, an unknown flag (changing one never creates it), a name
//! that is taken, an unreachable server.

pub use hctl_core::flag_name as name;

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
    /// Unleash's `groupId`, hashed with the user id; a server older than
    /// groupId support leaves it out, and hashes the flag name.
    #[serde(default)]
    pub group_id: String,
    #[serde(default)]
    pub description: String,
    pub updated_at: String,
}

impl Flag {
    fn with_default_group(mut self) -> Flag {
        if self.group_id.is_empty() {
            self.group_id.clone_from(&self.name);
        }
        self
    }
}

/// The change `set`, `enable` and `disable` send; `None` fields keep their value.
#[derive(Debug, Clone, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Change {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub enabled: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rollout_percentage: Option<u8>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub group_id: Option<String>,
    /// Why, in the audit row (words for people).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// Why, in the audit row (a JSON object for tools).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub context: Option<serde_json::Value>,
}

/// One row of a flag's audit history, as the admin API returns it.
#[derive(Debug, Clone, Deserialize)]
pub struct AuditEntry {
    /// `flag.create`, `flag.update`, `flag.delete` or `flag.note`.
    pub action: String,
    /// `before`/`after` of a change, `note`, `context`.
    pub detail: serde_json::Value,
}

/// A flag `create` sends; `None` fields take the server's default (off;
/// rollout 100 when enabled, else 0; no description; group id = name).
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct NewFlag {
    pub name: String,
    #[serde(flatten)]
    pub fields: Change,
}

/// Which call a request makes, and on what, for its error messages.
#[derive(Clone, Copy)]
enum Call<'a> {
    All,
    One(&'a str),
    Change(&'a str),
    Create(&'a str),
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

    /// Send `request`; a non-success status becomes an error that names the
    /// URL and says what to do.
    async fn send(
        &self,
        request: reqwest::RequestBuilder,
        url: &str,
        call: Call<'_>,
    ) -> Result<reqwest::Response> {
        let shown = redact_url(url);
        let response = request
            .bearer_auth(&self.token)
            .send()
            .await
            .with_context(|| format!("could not reach the admin API at `{shown}`"))?;
        let status = response.status();
        if status.is_success() {
            return Ok(response);
        }
        let message = response
            .json::<ErrorBody>()
            .await
            .map(|b| b.error.message)
            .unwrap_or_default();
        match (status, call) {
            (StatusCode::UNAUTHORIZED, _) => bail!(
                "the admin token was rejected by `{shown}` (401): check the variable named by `admin_token_env`"
            ),
            (StatusCode::FORBIDDEN, _) => bail!("`{shown}` refused the request (403): {message}"),
            (StatusCode::NOT_FOUND, Call::One(name)) => {
                bail!("feature flag `{name}` not found at `{shown}` (404)")
            }
            (StatusCode::NOT_FOUND, Call::Change(name)) => bail!(
                "feature flag `{name}` not found at `{shown}` (404): changing a flag never creates one; create it with `hctl flags create {name}`"
            ),
            (StatusCode::CONFLICT, Call::Create(name)) => bail!(
                "feature flag `{name}` already exists at `{shown}` (409): change it with `hctl flags set {name}`"
            ),
            _ => bail!("`{shown}` answered {status}: {message}"),
        }
    }

    async fn flag(response: reqwest::Response, url: &str) -> Result<Flag> {
        let flag: Flag = response
            .json()
            .await
            .with_context(|| format!("unexpected response from `{}`", redact_url(url)))?;
        Ok(flag.with_default_group())
    }

    pub async fn list(&self) -> Result<Vec<Flag>> {
        let url = self.url("/api/feature-flags");
        let response = self.send(self.http.get(&url), &url, Call::All).await?;
        let flags: Vec<Flag> = response
            .json()
            .await
            .with_context(|| format!("unexpected response from `{}`", redact_url(&url)))?;
        Ok(flags.into_iter().map(Flag::with_default_group).collect())
    }

    pub async fn get(&self, name: &str) -> Result<Flag> {
        let url = self.url(&format!("/api/feature-flags/{name}"));
        let response = self
            .send(self.http.get(&url), &url, Call::One(name))
            .await?;
        Client::flag(response, &url).await
    }

    /// Change an existing flag; an unknown one is an error, never created.
    pub async fn set(&self, name: &str, change: &Change) -> Result<Flag> {
        let url = self.url(&format!("/api/feature-flags/{name}"));
        let request = self.http.put(&url).json(change);
        let response = self.send(request, &url, Call::Change(name)).await?;
        Client::flag(response, &url).await
    }

    /// Create a flag; one of that name existing is an error.
    pub async fn create(&self, flag: &NewFlag) -> Result<Flag> {
        let url = self.url("/api/feature-flags");
        let request = self.http.post(&url).json(flag);
        let response = self.send(request, &url, Call::Create(&flag.name)).await?;
        Client::flag(response, &url).await
    }

    /// The flag's audit history, newest first (at most `limit` rows).
    pub async fn audit(&self, name: &str, limit: u16) -> Result<Vec<AuditEntry>> {
        let url = self.url(&format!("/api/feature-flags/{name}/audit?limit={limit}"));
        let response = self
            .send(self.http.get(&url), &url, Call::One(name))
            .await?;
        response
            .json()
            .await
            .with_context(|| format!("unexpected response from `{}`", redact_url(&url)))
    }

    /// Record a note on the flag (an audit row that changes nothing).
    pub async fn note(&self, name: &str, note: &str, context: serde_json::Value) -> Result<()> {
        let url = self.url(&format!("/api/feature-flags/{name}/notes"));
        let body = serde_json::json!({ "note": note, "context": context });
        let request = self.http.post(&url).json(&body);
        self.send(request, &url, Call::Change(name)).await?;
        Ok(())
    }

    pub async fn delete(&self, name: &str) -> Result<()> {
        let url = self.url(&format!("/api/feature-flags/{name}"));
        self.send(self.http.delete(&url), &url, Call::One(name))
            .await?;
        Ok(())
    }
}
