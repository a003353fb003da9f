//! The playbook file as written: serde structs, strict (`deny_unknown_fields`),
//! with `Spanned` wherever a later check needs the location.

use std::fmt;
use std::marker::PhantomData;

use serde::Deserialize;
use serde::de::{MapAccess, Visitor};
use serde_saphyr::Spanned;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawPlaybook {
    pub(super) name: Spanned<String>,
    #[serde(default)]
    pub(super) description: String,
    #[serde(default)]
    pub(super) params: Ordered<RawParam>,
    pub(super) phases: Vec<RawPhase>,
    #[serde(default)]
    pub(super) rollback: Vec<RawStep>,
    #[serde(default)]
    pub(super) response: Option<Spanned<RawResponse>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawParam {
    #[serde(default)]
    pub(super) description: String,
    #[serde(default)]
    pub(super) required: bool,
    #[serde(default)]
    pub(super) default: Option<Spanned<serde_json::Value>>,
    #[serde(default)]
    pub(super) values: Vec<serde_json::Value>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawPhase {
    pub(super) name: Spanned<String>,
    #[serde(default)]
    pub(super) on_failure: Option<Spanned<String>>,
    pub(super) steps: Vec<RawStep>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawStep {
    #[serde(default)]
    pub(super) id: Option<Spanned<String>>,
    #[serde(default)]
    pub(super) title: Option<String>,
    #[serde(default)]
    pub(super) when: Option<Spanned<String>>,
    #[serde(default)]
    pub(super) timeout: Option<Spanned<String>>,
    #[serde(default)]
    pub(super) retries: Option<Spanned<u32>>,
    #[serde(default)]
    pub(super) retry_delay: Option<Spanned<String>>,
    #[serde(default)]
    pub(super) hctl: Option<Spanned<Vec<Spanned<String>>>>,
    #[serde(default)]
    pub(super) preflight: Option<Spanned<RawPreflight>>,
    #[serde(default)]
    pub(super) check: Option<Spanned<serde_json::Value>>,
    #[serde(default)]
    pub(super) shell: Option<Spanned<String>>,
    #[serde(default)]
    pub(super) run: Option<Spanned<Vec<Spanned<String>>>>,
    #[serde(default)]
    pub(super) confirm: Option<Spanned<String>>,
    #[serde(default)]
    pub(super) approvals: Option<Spanned<u32>>,
    #[serde(default)]
    pub(super) notify: Option<Spanned<RawNotify>>,
    #[serde(default)]
    pub(super) wait: Option<Spanned<serde_json::Value>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawPreflight {
    #[serde(default)]
    pub(super) checklist: Option<String>,
    #[serde(default)]
    pub(super) tags: Vec<String>,
    #[serde(default)]
    pub(super) only: Vec<String>,
    #[serde(default)]
    pub(super) skip_manual: bool,
    #[serde(default)]
    pub(super) fail_on: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawNotify {
    pub(super) webhook_env: Spanned<String>,
    pub(super) text: Spanned<String>,
    #[serde(default)]
    pub(super) format: Option<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawResponse {
    pub(super) by: Spanned<String>,
    pub(super) levels: Ordered<RawLevel>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawLevel {
    pub(super) within: Spanned<String>,
    pub(super) update_every: Spanned<String>,
}

/// A YAML mapping whose order matters (parameters, levels).
pub(super) struct Ordered<T>(pub(super) Vec<(String, T)>);

impl<T> Default for Ordered<T> {
    fn default() -> Self {
        Ordered(Vec::new())
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Ordered<T> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<T>(PhantomData<T>);
        impl<'de, T: Deserialize<'de>> Visitor<'de> for V<T> {
            type Value = Ordered<T>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a mapping")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut entries = Vec::new();
                while let Some((k, v)) = map.next_entry::<String, T>()? {
                    entries.push((k, v));
                }
                Ok(Ordered(entries))
            }
        }
        d.deserialize_map(V(PhantomData))
    }
}
