//! The `flags` kind: named feature flags on the environment's server are in
//! the expected state (on or off, rollout within bounds), read through the
//! admin API that `hctl flags` uses (`flags::Client`, the token from the
//! variable named by `admin_token_env`). One listing per attempt; every flag
//! that differs is named, and a flag the server does not have fails.

use std::collections::BTreeMap;
use std::time::Duration;

use serde::Deserialize;

use super::{Deps, Outcome};
use crate::flags::{Client, Flag};
use crate::report::Status;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FlagsCheck {
    /// The server's base URL, usually `{{ env.url }}`.
    pub url: String,
    /// Flag name → what it must be.
    pub flags: BTreeMap<String, Expect>,
}

/// What one flag must be; an absent field is not checked.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Expect {
    #[serde(default)]
    pub enabled: Option<bool>,
    /// Rollout percentage at least this (0–100).
    #[serde(default)]
    pub min_rollout: Option<i64>,
    /// Rollout percentage at most this (0–100).
    #[serde(default)]
    pub max_rollout: Option<i64>,
}

/// The admin API's own timeout; the runner's per-item timeout bounds it too.
const TIMEOUT: Duration = Duration::from_secs(10);

pub async fn run(check: &FlagsCheck, deps: &Deps) -> Outcome {
    let token = match deps.settings.admin_token(&|var| std::env::var(var).ok()) {
        Ok(token) => token,
        Err(err) => return Outcome::error(format!("{err:#}")),
    };
    let client = match Client::new(&check.url, token, TIMEOUT) {
        Ok(client) => client,
        Err(err) => return Outcome::error(format!("{err:#}")),
    };
    match client.list().await {
        Ok(flags) => judge(check, &flags),
        Err(err) => Outcome::error(format!("{err:#}").replace('\n', " ")),
    }
}

/// Compare the server's flags with the expectations.
pub fn judge(check: &FlagsCheck, flags: &[Flag]) -> Outcome {
    let mut problems = Vec::new();
    let mut seen = Vec::new();
    for (name, expect) in &check.flags {
        let Some(flag) = flags.iter().find(|f| &f.name == name) else {
            problems.push((
                Status::Fail,
                format!("flag `{name}` does not exist on the server"),
            ));
            continue;
        };
        let state = describe(flag);
        let rollout = i64::from(flag.rollout_percentage);
        if let Some(want) = expect.enabled
            && flag.enabled != want
        {
            let want = if want { "on" } else { "off" };
            problems.push((
                Status::Fail,
                format!("flag `{name}` is {state}, expected {want}"),
            ));
        }
        if let Some(min) = expect.min_rollout
            && rollout < min
        {
            problems.push((
                Status::Fail,
                format!("flag `{name}` is {state}, expected a rollout of at least {min}%"),
            ));
        }
        if let Some(max) = expect.max_rollout
            && rollout > max
        {
            problems.push((
                Status::Fail,
                format!("flag `{name}` is {state}, expected a rollout of at most {max}%"),
            ));
        }
        seen.push(format!("`{name}` {state}"));
    }
    Outcome::from_findings(seen.join(", "), problems)
}

/// `on at 50%` or `off`.
fn describe(flag: &Flag) -> String {
    if flag.enabled {
        format!("on at {}%", flag.rollout_percentage)
    } else {
        format!("off (rollout {}%)", flag.rollout_percentage)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn flag(name: &str, enabled: bool, rollout: i32) -> Flag {
        Flag {
            name: name.into(),
            enabled,
            rollout_percentage: rollout,
            group_id: name.into(),
            description: String::new(),
            updated_at: String::new(),
        }
    }

    fn check(yaml: &str) -> FlagsCheck {
        serde_saphyr::from_str(yaml).unwrap()
    }

    #[test]
    fn every_difference_is_named() {
        let c = check(
            "url: http://x\nflags:\n  a: { enabled: true, min_rollout: 50 }\n  b: { enabled: false }\n  c: { max_rollout: 10 }\n  gone: { enabled: true }\n",
        );
        let flags = [
            flag("a", true, 25),
            flag("b", true, 100),
            flag("c", false, 20),
        ];
        let out = judge(&c, &flags);
        assert_eq!(out.status, Status::Fail);
        for text in [
            "flag `a` is on at 25%, expected a rollout of at least 50%",
            "flag `b` is on at 100%, expected off",
            "flag `c` is off (rollout 20%), expected a rollout of at most 10%",
            "flag `gone` does not exist on the server",
        ] {
            assert!(out.detail.contains(text), "{}", out.detail);
        }
        let ok = judge(
            &c,
            &[
                flag("a", true, 60),
                flag("b", false, 0),
                flag("c", true, 5),
                flag("gone", true, 100),
            ],
        );
        assert_eq!(ok.status, Status::Pass, "{}", ok.detail);
        assert!(ok.detail.contains("`a` on at 60%"), "{}", ok.detail);
    }
}
