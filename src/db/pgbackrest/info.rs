//! `pgbackrest info --output=json`, typed (the fields hctl reads), and the
//! decisions made from it: which backup set a point-in-time target needs, and
//! whether the WAL archive reaches from the oldest backup to the newest
//! archived segment. Pure functions, so each rule has a unit test.

use anyhow::{Context, Result, bail};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// One stanza of `info --output=json` (an array of them).
#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct Stanza {
    pub name: String,
    pub status: StanzaStatus,
    #[serde(default)]
    pub backup: Vec<Set>,
    #[serde(default)]
    pub archive: Vec<Archive>,
    #[serde(default)]
    pub db: Vec<Db>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct StanzaStatus {
    /// 0 ok; 1 missing stanza path; 2 no valid backups; 3 missing stanza data…
    pub code: i64,
    pub message: String,
}

/// One backup set.
#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct Set {
    pub label: String,
    /// `full`, `diff` or `incr`.
    #[serde(rename = "type")]
    pub kind: String,
    pub timestamp: Span<i64>,
    pub archive: Span<Option<String>>,
    #[serde(default)]
    pub lsn: Option<Span<String>>,
    pub info: SetInfo,
    #[serde(default)]
    pub error: Option<bool>,
    pub database: DbRef,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct Span<T> {
    pub start: T,
    pub stop: T,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct SetInfo {
    /// Size of the database when backed up.
    pub size: u64,
    pub repository: RepoSize,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct RepoSize {
    /// Bytes this set added to the repository (compressed).
    pub delta: u64,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct DbRef {
    pub id: i64,
}

/// The archived WAL range of one database (`15-1`).
#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct Archive {
    pub id: String,
    pub min: Option<String>,
    pub max: Option<String>,
    pub database: DbRef,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct Db {
    pub id: i64,
    pub version: String,
}

impl Set {
    pub fn started_at(&self) -> DateTime<Utc> {
        DateTime::from_timestamp(self.timestamp.start, 0).unwrap_or_default()
    }

    /// When the backup became consistent: the earliest point it can recover to.
    pub fn stopped_at(&self) -> DateTime<Utc> {
        DateTime::from_timestamp(self.timestamp.stop, 0).unwrap_or_default()
    }

    pub fn stop_lsn(&self) -> Option<u64> {
        self.lsn.as_ref().and_then(|l| parse_lsn(&l.stop))
    }

    fn usable(&self) -> bool {
        self.error != Some(true)
    }
}

impl Stanza {
    /// The PostgreSQL major version of the current database (`"15"` → 15).
    pub fn pg_major(&self) -> Option<u32> {
        let current = self.db.iter().max_by_key(|d| d.id)?;
        current.version.split('.').next()?.parse().ok()
    }

    /// Usable sets, oldest first (pgBackRest's order).
    pub fn sets(&self) -> impl Iterator<Item = &Set> {
        self.backup.iter().filter(|s| s.usable())
    }
}

/// Parse `info --output=json` and pick `stanza` out of it.
pub fn parse(json: &str, stanza: &str) -> Result<Stanza> {
    let all: Vec<Stanza> = serde_json::from_str(json)
        .context("could not read `pgbackrest info --output=json` (unexpected format)")?;
    let Some(found) = all.into_iter().find(|s| s.name == stanza) else {
        bail!(
            "pgBackRest reports no stanza `{stanza}`: create it with `pgbackrest --stanza={stanza} stanza-create`"
        );
    };
    if found.status.code != 0 && found.status.code != 2 {
        bail!(
            "pgBackRest stanza `{stanza}`: {} (status {}); create it with `pgbackrest --stanza={stanza} stanza-create`",
            found.status.message,
            found.status.code
        );
    }
    Ok(found)
}

/// `0/3000050` → its 64-bit position.
pub fn parse_lsn(text: &str) -> Option<u64> {
    let (hi, lo) = text.trim().split_once('/')?;
    let hi = u64::from_str_radix(hi, 16).ok()?;
    let lo = u64::from_str_radix(lo, 16).ok()?;
    (hi <= u64::from(u32::MAX) && lo <= u64::from(u32::MAX)).then_some((hi << 32) | lo)
}

/// Where a point-in-time restore should stop.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", content = "value", rename_all = "snake_case")]
pub enum Target {
    Time(DateTime<Utc>),
    Lsn(String),
    Latest,
}

impl Target {
    pub fn describe(&self) -> String {
        match self {
            Target::Time(t) => format!("time {}", t.format("%Y-%m-%d %H:%M:%S%.3f UTC")),
            Target::Lsn(l) => format!("LSN {l}"),
            Target::Latest => "the end of the archived WAL".into(),
        }
    }
}

/// The backup set to restore for `target`: the newest usable one that ended
/// before it. A target before the end of every backup is refused with the
/// reason (pgBackRest would restore the oldest one and PostgreSQL would stop
/// short of the target or replay past it: pgbackrest#817).
pub fn choose<'a>(stanza: &'a Stanza, target: &Target) -> Result<&'a Set, String> {
    let sets: Vec<&Set> = stanza.sets().collect();
    let (Some(oldest), Some(newest)) = (sets.first(), sets.last()) else {
        return Err(format!(
            "stanza `{}` has no usable physical backup: take one with `hctl db backup --physical`",
            stanza.name
        ));
    };
    let before = |s: &&&Set| match target {
        Target::Latest => true,
        Target::Time(t) => s.stopped_at() <= *t,
        Target::Lsn(l) => match (s.stop_lsn(), parse_lsn(l)) {
            (Some(stop), Some(want)) => stop <= want,
            _ => false,
        },
    };
    if let Target::Lsn(l) = target
        && parse_lsn(l).is_none()
    {
        return Err(format!("`{l}` is not an LSN (expected e.g. 0/3000060)"));
    }
    if matches!(target, Target::Latest) {
        return Ok(newest);
    }
    sets.iter().rev().find(before).copied().ok_or_else(|| {
        let end = match target {
            Target::Lsn(_) => format!(
                "LSN {}",
                oldest.lsn.as_ref().map(|l| l.stop.as_str()).unwrap_or("?")
            ),
            _ => oldest.stopped_at().format("%Y-%m-%d %H:%M:%S UTC").to_string(),
        };
        format!(
            "the target {} is before the end of the oldest backup `{}` ({end}): no backup can be recovered to it \
             (pgBackRest would restore a later state, pgbackrest#817); pick a target after {end}",
            target.describe(),
            oldest.label
        )
    })
}

/// A WAL segment name split into (timeline, position): comparable within a
/// timeline.
fn segment(name: &str) -> Option<(u32, u64)> {
    if name.len() < 24 || !name[..24].bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    let timeline = u32::from_str_radix(&name[..8], 16).ok()?;
    let position = u64::from_str_radix(&name[8..24], 16).ok()?;
    Some((timeline, position))
}

/// Whether WAL segment `a` comes after `b` (a later timeline counts as later).
pub fn segment_after(a: &str, b: &str) -> bool {
    match (segment(a), segment(b)) {
        (Some(a), Some(b)) => a > b,
        _ => a > b,
    }
}

/// What is wrong with the archive's continuity, if anything: the archive of
/// the current database must start at or before the oldest backup's first
/// segment and reach the newest backup's last one and the last segment
/// PostgreSQL reports archived (`last_archived`).
pub fn continuity(stanza: &Stanza, last_archived: Option<&str>) -> Result<String, String> {
    let Some(db) = stanza.db.iter().max_by_key(|d| d.id) else {
        return Err(format!("stanza `{}` has no database yet", stanza.name));
    };
    let Some(archive) = stanza.archive.iter().find(|a| a.database.id == db.id) else {
        return Err(format!(
            "stanza `{}` has no archived WAL: check archive_command",
            stanza.name
        ));
    };
    let (Some(min), Some(max)) = (archive.min.as_deref(), archive.max.as_deref()) else {
        return Err(format!(
            "stanza `{}` has no archived WAL: check archive_command",
            stanza.name
        ));
    };
    let sets: Vec<&Set> = stanza.sets().filter(|s| s.database.id == db.id).collect();
    if let Some(start) = sets.first().and_then(|s| s.archive.start.as_deref())
        && segment_after(min, start)
    {
        return Err(format!(
            "the archive starts at {min}, after {start} where the oldest backup `{}` needs it: that backup cannot be restored",
            sets[0].label
        ));
    }
    if let Some(newest) = sets.last()
        && let Some(stop) = newest.archive.stop.as_deref()
        && segment_after(stop, max)
    {
        return Err(format!(
            "the archive ends at {max}, before {stop} which the newest backup `{}` needs",
            newest.label
        ));
    }
    if let Some(last) = last_archived
        && segment(last).is_some()
        && segment_after(last, max)
    {
        return Err(format!(
            "PostgreSQL reports {last} archived but the repository's archive ends at {max}: \
             archive_command does not push into this stanza"
        ));
    }
    Ok(format!("archive {min} … {max} ({})", archive.id))
}

#[cfg(test)]
mod tests {
    use super::*;

    const INFO: &str = r#"[{"archive":[{"database":{"id":1,"repo-key":1},"id":"15-1","max":"000000010000000000000009","min":"000000010000000000000001"}],
      "backup":[
        {"archive":{"start":"000000010000000000000002","stop":"000000010000000000000003"},"backrest":{"format":5,"version":"2.45"},"database":{"id":1,"repo-key":1},"error":false,
         "info":{"delta":23213658,"repository":{"delta":4548869,"size":4548869},"size":23213658},"label":"20261201-192554F","lsn":{"start":"0/2000028","stop":"0/3000050"},"prior":null,"reference":null,
         "timestamp":{"start":1796153154,"stop":1796153159},"type":"full"},
        {"archive":{"start":"000000010000000000000006","stop":"000000010000000000000006"},"backrest":{"format":5,"version":"2.45"},"database":{"id":1,"repo-key":1},"error":false,
         "info":{"delta":1000,"repository":{"delta":200,"size":4548869},"size":23213658},"label":"20261201-192554F_20261201-193000I","lsn":{"start":"0/6000028","stop":"0/6000100"},"prior":"20261201-192554F","reference":["20261201-192554F"],
         "timestamp":{"start":1796153400,"stop":1796153402},"type":"incr"}],
      "cipher":"none","db":[{"id":1,"repo-key":1,"system-id":7714419032534399293,"version":"15"}],"name":"test",
      "repo":[{"cipher":"none","key":1,"status":{"code":0,"message":"ok"}}],"status":{"code":0,"lock":{"backup":{"held":false}},"message":"ok"}}]"#;

    fn stanza() -> Stanza {
        parse(INFO, "test").unwrap()
    }

    fn at(ts: i64) -> Target {
        Target::Time(DateTime::from_timestamp(ts, 0).unwrap())
    }

    #[test]
    fn reads_pgbackrest_s_json() {
        let s = stanza();
        assert_eq!(s.pg_major(), Some(15));
        assert_eq!(s.backup.len(), 2);
        assert_eq!(s.backup[1].kind, "incr");
        assert_eq!(s.backup[0].stop_lsn(), Some(0x3000050));
        assert!(
            parse(INFO, "other")
                .unwrap_err()
                .to_string()
                .contains("stanza-create")
        );
    }

    #[test]
    fn the_target_picks_the_newest_backup_that_ended_before_it() {
        let s = stanza();
        assert_eq!(
            choose(&s, &at(1796153300)).unwrap().label,
            "20261201-192554F"
        );
        assert_eq!(
            choose(&s, &at(1796153500)).unwrap().label,
            "20261201-192554F_20261201-193000I"
        );
        assert_eq!(
            choose(&s, &Target::Latest).unwrap().label,
            "20261201-192554F_20261201-193000I"
        );
        assert_eq!(
            choose(&s, &Target::Lsn("0/5000000".into())).unwrap().label,
            "20261201-192554F"
        );
    }

    #[test]
    fn a_target_before_the_oldest_backup_s_end_is_refused() {
        let s = stanza();
        let why = choose(&s, &at(1796153157)).unwrap_err();
        assert!(
            why.contains("before the end of the oldest backup `20261201-192554F`"),
            "{why}"
        );
        assert!(why.contains("pgbackrest#817"), "{why}");
        let why = choose(&s, &Target::Lsn("0/2000000".into())).unwrap_err();
        assert!(why.contains("LSN 0/3000050"), "{why}");
        assert!(
            choose(&s, &Target::Lsn("nope".into()))
                .unwrap_err()
                .contains("not an LSN")
        );
    }

    #[test]
    fn continuity_needs_the_archive_to_cover_backups_and_what_postgres_archived() {
        let mut s = stanza();
        assert!(continuity(&s, Some("000000010000000000000009")).is_ok());
        let why = continuity(&s, Some("00000001000000000000000A")).unwrap_err();
        assert!(why.contains("ends at 000000010000000000000009"), "{why}");
        s.archive[0].min = Some("000000010000000000000003".into());
        let why = continuity(&s, None).unwrap_err();
        assert!(why.contains("oldest backup `20261201-192554F`"), "{why}");
    }

    #[test]
    fn lsns_and_segments_compare() {
        assert_eq!(parse_lsn("1/0"), Some(1 << 32));
        assert_eq!(parse_lsn("x"), None);
        assert!(segment_after(
            "000000020000000000000001",
            "000000010000000000000009"
        ));
        assert!(!segment_after(
            "000000010000000000000009",
            "00000001000000000000000A"
        ));
    }
}
