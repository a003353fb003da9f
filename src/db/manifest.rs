//! The backup manifest (`<id>/manifest.json`, written last) and the verification
//! record (`<id>/verified.json`), with the backup id format. Field names are a
//! contract: `db health`, the postgres check kind and the README read them.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// Name of the dump object inside a backup.
pub const DUMP: &str = "dump";
/// Name of the manifest object inside a backup.
pub const MANIFEST: &str = "manifest.json";
/// Name of the latest verification result inside a backup.
pub const VERIFIED: &str = "verified.json";

/// Row count and content checksum of one table, taken in the dump's snapshot.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TableStat {
    /// `schema.table` (PostgreSQL) or the table name (SQLite).
    pub name: String,
    pub rows: i64,
    /// Order-independent checksum of the rows' text (sum of row hashes).
    pub checksum: String,
}

/// Why a backup was taken.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// `hctl db backup`: part of the regular series, what `latest` means.
    #[default]
    Regular,
    /// Taken by `hctl db restore` of the target just before overwriting it, so
    /// the restore can be undone. Never `latest`: it may hold the very damage
    /// the restore repairs (and, with `--into`, another database).
    Safety,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Regular => "regular",
            Kind::Safety => "safety",
        }
    }
}

/// What one backup holds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Manifest {
    pub id: String,
    /// `postgres` or `sqlite`.
    pub backend: String,
    pub started_at: DateTime<Utc>,
    pub finished_at: DateTime<Utc>,
    pub server_version: String,
    pub schema_version: i64,
    pub size_bytes: u64,
    /// SHA-256 (hex) of the dump object.
    pub sha256: String,
    pub tables: Vec<TableStat>,
    pub note: Option<String>,
    /// Key of the dump object, relative to the storage root.
    pub dump_key: String,
    /// `regular` or `safety` (absent in manifests older than the field: regular).
    #[serde(default)]
    pub kind: Kind,
}

/// The last `hctl db verify` of a backup.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VerifyRecord {
    pub verified_at: DateTime<Utc>,
    pub ok: bool,
    pub deep: bool,
    /// How long the scratch restore took (`--deep` only): the real RTO.
    pub restore_ms: Option<u64>,
}

/// A new backup id: `YYYYMMDDTHHMMSSZ-` + 6 random hex characters (sorts by time).
pub fn new_id(at: DateTime<Utc>) -> String {
    let random = uuid::Uuid::new_v4().simple().to_string();
    format!("{}-{}", at.format("%Y%m%dT%H%M%SZ"), &random[..6])
}

/// Whether `text` looks like a backup id (guards keys built from user input).
pub fn is_id(text: &str) -> bool {
    let Some((time, random)) = text.split_once('-') else {
        return false;
    };
    time.len() == 16
        && chrono::NaiveDateTime::parse_from_str(time, "%Y%m%dT%H%M%SZ").is_ok()
        && random.len() == 6
        && random.bytes().all(|b| b.is_ascii_hexdigit())
}

/// When backup `id` was started (from the id itself).
pub fn id_time(id: &str) -> Option<DateTime<Utc>> {
    let (time, _) = id.split_once('-')?;
    let naive = chrono::NaiveDateTime::parse_from_str(time, "%Y%m%dT%H%M%SZ").ok()?;
    Some(naive.and_utc())
}

/// Key of an object of backup `id`.
pub fn key(id: &str, name: &str) -> String {
    format!("{id}/{name}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_sort_by_time_and_are_recognised() {
        let a = new_id(
            DateTime::parse_from_rfc3339("2026-11-24T09:59:59Z")
                .unwrap()
                .into(),
        );
        let b = new_id(
            DateTime::parse_from_rfc3339("2026-11-24T10:00:00Z")
                .unwrap()
                .into(),
        );
        assert!(a.starts_with("20261124T095959Z-"), "{a}");
        assert!(a < b);
        assert!(is_id(&a));
        assert_eq!(
            id_time(&a).unwrap().to_rfc3339(),
            "2026-11-24T09:59:59+00:00"
        );
        assert!(!is_id("latest"));
        assert!(!is_id("20261124T095959Z-../../x"));
        assert!(!is_id("20261324T095959Z-abcdef"));
    }

    #[test]
    fn manifest_round_trips_with_contract_fields() {
        let at: DateTime<Utc> = DateTime::parse_from_rfc3339("2026-11-24T10:00:00Z")
            .unwrap()
            .into();
        let m = Manifest {
            id: "20261124T100000Z-abcdef".into(),
            backend: "postgres".into(),
            started_at: at,
            finished_at: at,
            server_version: "16.4".into(),
            schema_version: 3,
            size_bytes: 10,
            sha256: "00".into(),
            tables: vec![TableStat {
                name: "public.users".into(),
                rows: 2,
                checksum: "42".into(),
            }],
            note: None,
            dump_key: key("20261124T100000Z-abcdef", DUMP),
            kind: Kind::Safety,
        };
        let json = serde_json::to_value(&m).unwrap();
        for field in [
            "id",
            "backend",
            "started_at",
            "finished_at",
            "server_version",
            "schema_version",
            "size_bytes",
            "sha256",
            "tables",
            "note",
            "dump_key",
            "kind",
        ] {
            assert!(json.get(field).is_some(), "missing {field}");
        }
        assert_eq!(json["started_at"], "2026-11-24T10:00:00Z");
        assert_eq!(json["kind"], "safety");
        let back: Manifest = serde_json::from_value(json.clone()).unwrap();
        assert_eq!(back, m);
        // Manifests written before `kind` existed are regular backups.
        let mut old = json;
        old.as_object_mut().unwrap().remove("kind");
        let back: Manifest = serde_json::from_value(old).unwrap();
        assert_eq!(back.kind, Kind::Regular);
    }
}
