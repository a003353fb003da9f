//! The audit log: one row per security-relevant event (logins, logouts,
//! registrations, flag changes, account erasure). Never health data.

use chrono::Utc;

use super::error::ApiResult;
use crate::store::Db;

/// One audit event.
pub struct Event<'a> {
    /// `user:<id>`, `admin` or `anonymous`.
    pub actor: &'a str,
    /// e.g. `auth.login.failed`, `flag.update`.
    pub action: &'a str,
    pub target: &'a str,
    pub ip: Option<String>,
    /// JSON detail (before/after of a flag, the reason of a failure).
    pub detail: serde_json::Value,
}

/// Record an event.
pub async fn record(db: &Db, event: Event<'_>) -> ApiResult<()> {
    let sql = "INSERT INTO audit_log (at, actor, action, target, ip, detail) VALUES ($1, $2, $3, $4, $5, $6)";
    let detail = event.detail.to_string();
    crate::on_pool!(db, pool => sqlx::query(sql)
        .bind(Utc::now())
        .bind(event.actor)
        .bind(event.action)
        .bind(event.target)
        .bind(event.ip.as_deref())
        .bind(&detail)
        .execute(pool)
        .await
        .map(|r| r.rows_affected()))?;
    // The subject (an email for logins) stays in the table, out of the logs.
    tracing::info!(actor = event.actor, action = event.action, "audit");
    Ok(())
}

/// Record something a user did to their own account.
pub async fn by_user(
    db: &Db,
    user: uuid::Uuid,
    action: &str,
    ip: Option<String>,
    detail: serde_json::Value,
) -> ApiResult<()> {
    let actor = format!("user:{user}");
    record(
        db,
        Event {
            actor: &actor,
            action,
            target: &actor,
            ip,
            detail,
        },
    )
    .await
}
