//! Redaction of secrets in anything hctl prints: passwords in URLs and
//! credential-like query parameters. Used by `config show`, `Debug` of settings,
//! and every error message that names a URL.

use url::Url;

const SECRET_PARAMS: &[&str] = &[
    "password",
    "pass",
    "passwd",
    "token",
    "secret",
    "sig",
    "signature",
    "x-amz-signature",
    "x-amz-credential",
    "x-amz-security-token",
    "access_token",
    "api_key",
    "apikey",
];

/// `postgres://app:hunter2@db:5432/x` → `postgres://app:***@db:5432/x`.
/// Text that is not a URL is returned unchanged.
pub fn redact_url(text: &str) -> String {
    let Ok(mut url) = Url::parse(text) else {
        return text.to_string();
    };
    let mut changed = false;
    if url.password().is_some() {
        changed |= url.set_password(Some("***")).is_ok();
    }
    if url.query().is_some() {
        let pairs: Vec<(String, String)> = url
            .query_pairs()
            .map(|(k, v)| {
                if SECRET_PARAMS.contains(&k.to_ascii_lowercase().as_str()) {
                    changed = true;
                    (k.into_owned(), "***".to_string())
                } else {
                    (k.into_owned(), v.into_owned())
                }
            })
            .collect();
        if changed {
            url.query_pairs_mut().clear().extend_pairs(pairs);
        }
    }
    if changed {
        url.to_string().replace("%2A%2A%2A", "***")
    } else {
        text.to_string()
    }
}

/// Every URL inside free text (a shell line, an argv joined for display)
/// redacted as [`redact_url`] does: `psql "postgres://app:pw@db/x" -c …` →
/// `psql "postgres://app:***@db/x" -c …`. A URL ends at whitespace, a quote,
/// a backtick or `;`, `)`, `<`, `>`.
pub fn redact_urls_in(text: &str) -> String {
    let ends = |c: char| c.is_whitespace() || "\"'`;)<>".contains(c);
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find("://") {
        let start = rest[..i]
            .rfind(|c: char| !(c.is_ascii_alphanumeric() || "+.-".contains(c)))
            .map_or(0, |p| p + 1);
        let end = rest[i..].find(ends).map_or(rest.len(), |e| i + e);
        out.push_str(&rest[..start]);
        out.push_str(&redact_url(&rest[start..end]));
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hides_passwords_of_urls_inside_text() {
        assert_eq!(
            redact_urls_in(
                "out=$(psql -XAtq \"postgres://app:hunter2@db:5432/ht\" -c 'x') || curl https://u:p@h.test/a?token=t;"
            ),
            "out=$(psql -XAtq \"postgres://app:***@db:5432/ht\" -c 'x') || curl https://u:***@h.test/a?token=***;"
        );
        assert_eq!(redact_urls_in("no url: a://"), "no url: a://");
        assert_eq!(
            redact_urls_in("awk '{ print }' k8s/"),
            "awk '{ print }' k8s/"
        );
    }

    #[test]
    fn hides_url_password() {
        assert_eq!(
            redact_url("postgres://app:hunter2@db.internal:5432/ht"),
            "postgres://app:***@db.internal:5432/ht"
        );
    }

    #[test]
    fn hides_secret_query_params() {
        let out = redact_url("https://x.test/a?token=abc&page=2");
        assert!(!out.contains("abc"), "{out}");
        assert!(out.contains("page=2"), "{out}");
    }

    #[test]
    fn leaves_plain_values_alone() {
        assert_eq!(
            redact_url("sqlite://healthtracker.db"),
            "sqlite://healthtracker.db"
        );
        assert_eq!(redact_url("healthtracker"), "healthtracker");
        assert_eq!(redact_url("redis://cache:6379"), "redis://cache:6379");
    }
}
