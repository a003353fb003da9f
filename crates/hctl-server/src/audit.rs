//! The audit log: one row per security-relevant event (logins, logouts,
//! registrations, flag changes, uploads, exports, account erasure). Never
//! health data, and never an email address or a display name: an account is
//! named by its pseudonymous [`subject`] (`user:<uuid>`), an address with no
//! account by a keyed hash ([`email_subject`]), so an erased account leaves
//! no row that names the person.

use chrono::Utc;
use uuid::Uuid;

use super::error::ApiResult;
use super::token::Keys;
use hctl_core::store::Db;

/// One audit event.
pub struct Event<'a> {
    /// `user:<id>`, `admin`, `anonymous` or `link:user:<id>` (a signed link
    /// of that user's export).
    pub actor: &'a str,
    /// e.g. `auth.login.failed`, `flag.update`.
    pub action: &'a str,
    /// What the event is about: a [`subject`], an [`email_subject`], a flag name.
    pub target: &'a str,
    pub ip: Option<String>,
    /// JSON detail (before/after of a flag, the reason of a failure).
    pub detail: serde_json::Value,
}

/// Record an event.
pub async fn record(db: &Db, event: Event<'_>) -> ApiResult<()> {
    let sql = "INSERT INTO audit_log (at, actor, action, target, ip, detail) VALUES ($1, $2, $3, $4, $5, $6)";
    let detail = event.detail.to_string();
    hctl_core::on_pool!(db, pool => sqlx::query(sql)
        .bind(Utc::now())
        .bind(event.actor)
        .bind(event.action)
        .bind(event.target)
        .bind(event.ip.as_deref())
        .bind(&detail)
        .execute(pool)
        .await
        .map(|r| r.rows_affected()))?;
    // Only who and what reach the log; the target and the ip stay in the table.
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
    let actor = subject(user);
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

/// How the audit log names an account: `user:<uuid>`, which nothing links to
/// a person once the account is erased.
pub fn subject(user: Uuid) -> String {
    format!("user:{user}")
}

/// How the audit log names an email address that has no account (a failed
/// login for an unknown address): `email:` and 32 hex digits of a keyed hash,
/// so attempts on one address can be counted without storing it. The key is
/// the JWT secret; after a rotation the same address gets a new name.
pub fn email_subject(keys: &Keys, email: &str) -> String {
    format!(
        "email:{}",
        hex::encode(&keys.tag("audit-subject", email.as_bytes())[..16])
    )
}

/// Rename `email` to the account's [`subject`] in every audit row (rows
/// written before migration 0003, or by an older replica during a rolling
/// upgrade, name logins by email), before the account is erased.
pub async fn forget_email(db: &Db, email: &str, user: Uuid) -> ApiResult<u64> {
    let sql = "UPDATE audit_log SET target = CASE WHEN target = $2 THEN $1 ELSE target END, detail = replace(detail, $2, $1) WHERE target = $2 OR detail <> replace(detail, $2, $1)";
    Ok(hctl_core::on_pool!(db, pool => sqlx::query(sql)
        .bind(subject(user))
        .bind(email)
        .execute(pool)
        .await
        .map(|r| r.rows_affected()))?)
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    #[test]
    fn unknown_addresses_get_a_stable_keyed_name() {
        let keys = Keys::new(&[7u8; 32], Duration::from_secs(60));
        let a = email_subject(&keys, "eve@example.com");
        assert_eq!(a.len(), "email:".len() + 32);
        assert!(!a.contains("eve"), "{a}");
        assert_eq!(a, email_subject(&keys, "eve@example.com"), "stable");
        assert_ne!(a, email_subject(&keys, "eva@example.com"));
        let rotated = Keys::new(&[8u8; 32], Duration::from_secs(60));
        assert_ne!(a, email_subject(&rotated, "eve@example.com"), "keyed");
    }
}
