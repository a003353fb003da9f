//! The ranges numeric check fields (and an item's `retries`) must fall in.
//! Checked when a checklist is loaded, so `port: 0`, `max_connections_pct: 250`
//! or `retries: 500` are located errors (exit 2) rather than a check that can
//! never pass, a wrapped counter or a panic at run time.

use super::CheckSpec;

/// The most retries an item may ask for: more only delays a verdict.
pub const MAX_RETRIES: u32 = 100;

/// An item's `retries:` as a count, or why it is out of range.
pub fn retries(value: i64) -> Result<u32, String> {
    let mut found = Vec::new();
    int(&mut found, "retries", value, 0, i64::from(MAX_RETRIES));
    match found.pop() {
        Some((_, msg)) => Err(msg),
        None => u32::try_from(value).map_err(|_| format!("`retries: {value}` is out of range")),
    }
}

/// Every field of `spec` outside its range: (field name, message), in the
/// order the fields are listed here.
pub fn out_of_range(spec: &CheckSpec) -> Vec<(&'static str, String)> {
    let mut found = Vec::new();
    match spec {
        CheckSpec::Http(c) => http(&mut found, c),
        CheckSpec::Flow(c) => {
            for step in c.steps.iter().chain(&c.cleanup) {
                http(&mut found, &step.http);
            }
        }
        CheckSpec::Headers(c) => {
            if let Some(score) = c.min_score {
                int(&mut found, "min_score", i64::from(score), 0, 200);
            }
        }
        CheckSpec::Tls(c) => {
            int(&mut found, "port", i64::from(c.port), 1, 65_535);
            int(&mut found, "warn_days", c.warn_days, 0, 3_650);
            int(&mut found, "fail_days", c.fail_days, 0, 3_650);
        }
        CheckSpec::Postgres(c) => {
            if let Some(v) = c.min_version {
                int(&mut found, "min_version", i64::from(v), 9, 100);
            }
            if let Some(v) = c.schema_version {
                int(&mut found, "schema_version", v, 0, i64::from(i32::MAX));
            }
            if let Some(v) = c.max_connections_pct {
                float(&mut found, "max_connections_pct", v, 0.0, 100.0);
            }
            if let Some(v) = c.max_backup_age_hours {
                float(&mut found, "max_backup_age_hours", v, 0.0, 87_600.0);
            }
        }
        CheckSpec::Pgbouncer(c) => {
            if let Some(mode) = &c.pool_mode
                && !["session", "transaction", "statement"].contains(&mode.as_str())
            {
                found.push((
                    "pool_mode",
                    format!("`pool_mode: {mode}`: expected session, transaction or statement"),
                ));
            }
            if let Some(v) = c.max_server_utilization {
                float(&mut found, "max_server_utilization", v, 0.0, 1.0);
            }
        }
        CheckSpec::Redis(c) => {
            if let Some(v) = c.min_hit_ratio {
                float(&mut found, "min_hit_ratio", v, 0.0, 1.0);
            }
        }
        CheckSpec::Prometheus(c) => {
            for (field, v) in [("below", c.below), ("above", c.above)] {
                if let Some(v) = v {
                    float(&mut found, field, v, f64::MIN, f64::MAX);
                    if c.query.is_none() {
                        found.push((field, format!("`{field}` needs a `query` to compare")));
                    }
                }
            }
            if c.query.is_none() && c.rules.is_empty() && c.alerts_firing.is_none() {
                found.push((
                    "kind",
                    "a prometheus check needs `query`, `rules` or `alerts_firing`".into(),
                ));
            }
        }
        CheckSpec::Load(c) => {
            float(&mut found, "rate", c.rate, 0.001, 1_000_000.0);
            int(
                &mut found,
                "max_connections",
                i64::from(c.max_connections),
                1,
                100_000,
            );
            let secs = c.duration.as_secs_f64();
            float(&mut found, "duration", secs, 0.1, 86_400.0);
            if let Some(v) = c.error_rate {
                float(&mut found, "error_rate", v, 0.0, 1.0);
            }
            if let Some(v) = c.max_regression {
                float(&mut found, "max_regression", v, 0.0, 100.0);
            }
            if let Some(v) = c.min_rate {
                float(&mut found, "min_rate", v, 0.0, c.rate);
            }
            for code in &c.status {
                int(&mut found, "status", i64::from(*code), 100, 599);
            }
        }
        CheckSpec::Command(c) => int(&mut found, "exit_code", i64::from(c.exit_code), 0, 255),
        CheckSpec::Flags(c) => {
            for expect in c.flags.values() {
                for (field, v) in [
                    ("min_rollout", expect.min_rollout),
                    ("max_rollout", expect.max_rollout),
                ] {
                    if let Some(v) = v {
                        int(&mut found, field, v, 0, 100);
                    }
                }
            }
        }
        CheckSpec::Rollout(c) => {
            if let Some(v) = c.revision {
                int(&mut found, "revision", v, 1, i64::from(i32::MAX));
            }
        }
        CheckSpec::Dns(_)
        | CheckSpec::Backup(_)
        | CheckSpec::Openapi(_)
        | CheckSpec::S3(_)
        | CheckSpec::Kubernetes(_)
        | CheckSpec::Manifests(_) => {}
    }
    found
}

/// The most requests `repeat` may send.
pub const MAX_REPEAT: u32 = 10_000;

fn http(found: &mut Vec<(&'static str, String)>, c: &super::http::HttpCheck) {
    if let Some(status) = &c.status {
        let codes = match status {
            super::http::StatusSpec::One(code) => std::slice::from_ref(code),
            super::http::StatusSpec::Any(codes) => codes.as_slice(),
        };
        for code in codes {
            int(found, "status", i64::from(*code), 100, 599);
        }
    }
    for code in c.expect_status_any.iter().flatten() {
        int(found, "expect_status_any", i64::from(*code), 100, 599);
    }
    if let Some(n) = c.repeat {
        int(found, "repeat", i64::from(n), 1, i64::from(MAX_REPEAT));
        if c.expect_status_any.is_none() {
            found.push((
                "repeat",
                "`repeat` needs `expect_status_any`: the statuses that end the series (e.g. [429])"
                    .into(),
            ));
        }
    }
}

fn int(found: &mut Vec<(&'static str, String)>, field: &'static str, v: i64, lo: i64, hi: i64) {
    if !(lo..=hi).contains(&v) {
        found.push((
            field,
            format!("`{field}: {v}` is out of range: {lo} to {hi}"),
        ));
    }
}

fn float(found: &mut Vec<(&'static str, String)>, field: &'static str, v: f64, lo: f64, hi: f64) {
    if !v.is_finite() || v < lo || v > hi {
        let range = if lo == f64::MIN {
            "a finite number".to_string()
        } else {
            format!("{lo} to {hi}")
        };
        found.push((field, format!("`{field}: {v}` is out of range: {range}")));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_field_out_of_range_is_reported() {
        let spec: CheckSpec = serde_json::from_value(serde_json::json!({
            "kind": "tls", "host": "example.com", "port": 0, "warn_days": 5000, "fail_days": 1
        }))
        .unwrap();
        let fields: Vec<_> = out_of_range(&spec).into_iter().map(|(f, _)| f).collect();
        assert_eq!(fields, ["port", "warn_days"]);
    }

    #[test]
    fn repeat_needs_the_status_that_ends_it() {
        let spec: CheckSpec = serde_json::from_value(serde_json::json!({
            "kind": "http", "url": "http://x", "repeat": 0
        }))
        .unwrap();
        let found = out_of_range(&spec);
        assert_eq!(found.len(), 2, "{found:?}");
        assert!(
            found[1].1.contains("needs `expect_status_any`"),
            "{found:?}"
        );
    }

    #[test]
    fn retries_range() {
        assert_eq!(retries(3), Ok(3));
        assert_eq!(
            retries(101).unwrap_err(),
            "`retries: 101` is out of range: 0 to 100"
        );
        assert!(retries(-1).is_err());
    }
}
