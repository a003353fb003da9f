//! The `redis` kind: reachable (PING) and, optionally, a cache hit ratio
//! from `INFO stats` (keyspace_hits / (hits + misses)) at or above a minimum.

use serde::Deserialize;

use super::{Outcome, one_line};
use crate::config::redact::redact_url;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RedisCheck {
    /// Connection URL, usually `{{ env.redis_url }}`.
    pub url: String,
    /// Minimum hit ratio between 0 and 1, e.g. 0.8.
    #[serde(default)]
    pub min_hit_ratio: Option<f64>,
}

pub async fn run(check: &RedisCheck) -> Outcome {
    let shown = redact_url(&check.url);
    let client = match redis::Client::open(check.url.as_str()) {
        Ok(c) => c,
        Err(err) => {
            return Outcome::error(format!("invalid redis URL {shown}: {}", one_line(&err)));
        }
    };
    let mut conn = match client.get_multiplexed_async_connection().await {
        Ok(c) => c,
        Err(err) => {
            return Outcome::error(format!(
                "could not connect to redis at {shown}: {}",
                one_line(&err)
            ));
        }
    };
    let info: String = match redis::cmd("INFO").arg("stats").query_async(&mut conn).await {
        Ok(info) => info,
        Err(err) => return Outcome::error(format!("INFO at {shown} failed: {}", one_line(&err))),
    };
    judge(check, &info)
}

/// Judge `INFO stats` text.
pub fn judge(check: &RedisCheck, info: &str) -> Outcome {
    let field = |name: &str| {
        info.lines()
            .find_map(|l| l.strip_prefix(name)?.strip_prefix(':'))
            .and_then(|v| v.trim().parse::<u64>().ok())
            .unwrap_or(0)
    };
    let (hits, misses) = (field("keyspace_hits"), field("keyspace_misses"));
    let Some(min) = check.min_hit_ratio else {
        return Outcome::pass(format!("reachable, {hits} hits / {misses} misses"));
    };
    if hits + misses == 0 {
        return Outcome::warn("no cache lookups yet, hit ratio unknown");
    }
    let ratio = hits as f64 / (hits + misses) as f64;
    let text = format!(
        "hit ratio {:.1}% ({hits} hits, {misses} misses)",
        ratio * 100.0
    );
    if ratio < min {
        Outcome::fail(format!("{text}, minimum {:.1}%", min * 100.0))
    } else {
        Outcome::pass(text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::Status;

    #[test]
    fn hit_ratio() {
        let c = RedisCheck {
            url: String::new(),
            min_hit_ratio: Some(0.8),
        };
        assert_eq!(
            judge(&c, "# Stats\r\nkeyspace_hits:90\r\nkeyspace_misses:10\r\n").status,
            Status::Pass
        );
        let low = judge(&c, "keyspace_hits:1\r\nkeyspace_misses:3\r\n");
        assert_eq!(low.status, Status::Fail);
        assert!(low.detail.contains("25.0%"), "{}", low.detail);
        assert_eq!(judge(&c, "").status, Status::Warn);
    }
}
