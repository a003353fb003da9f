//! `hctl db backup`: dump the database into the storage, then write the
//! manifest — last, so an interrupted or failed backup is never a backup.
//!
//! PostgreSQL: a REPEATABLE READ transaction exports its snapshot; `pg_dump
//! --snapshot` dumps exactly that snapshot while the same transaction counts and
//! checksums every table, so the manifest describes the dump's own data. The
//! archive streams from `pg_dump`'s stdout through SHA-256 into the storage
//! (memory stays bounded). SQLite: `VACUUM INTO` a temp snapshot, then the same.

use std::process::Stdio;

use anyhow::{Context, Result, anyhow};
use chrono::Utc;
use sqlx::Row;

use super::manifest::{self, DUMP, Kind, MANIFEST, Manifest};
use super::transfer::{Hashing, OnBytes, TempFile};
use super::{Target, connect_pg, connect_sqlite, pgtools, stats};
use crate::storage::Storage;

/// Take a backup of `target` into `storage`; returns its manifest.
pub async fn run(
    target: &Target,
    storage: &Storage,
    note: Option<String>,
    kind: Kind,
    on_bytes: OnBytes,
) -> Result<Manifest> {
    let started_at = Utc::now();
    let id = manifest::new_id(started_at);
    let dump_key = manifest::key(&id, DUMP);
    let result = match target {
        Target::Postgres(url) => postgres(url, storage, &dump_key, on_bytes).await,
        Target::Sqlite(path) => sqlite(path, storage, &dump_key, on_bytes).await,
    };
    let dumped = result?;
    let manifest = Manifest {
        id: id.clone(),
        backend: target.backend().to_string(),
        started_at,
        finished_at: Utc::now(),
        server_version: dumped.server_version,
        schema_version: dumped.schema_version,
        size_bytes: dumped.size,
        sha256: dumped.sha256,
        tables: dumped.tables,
        note,
        dump_key: dump_key.clone(),
        kind,
    };
    let json = serde_json::to_vec_pretty(&manifest).context("could not encode the manifest")?;
    if let Err(err) = storage
        .put_bytes(&manifest::key(&id, MANIFEST), &json)
        .await
    {
        let _ = storage.delete(&dump_key).await;
        return Err(err.context(format!(
            "backup `{id}` is incomplete: no manifest was written"
        )));
    }
    Ok(manifest)
}

/// What a dump produced, before the manifest exists.
struct Dumped {
    server_version: String,
    schema_version: i64,
    size: u64,
    sha256: String,
    tables: Vec<manifest::TableStat>,
}

async fn postgres(url: &str, storage: &Storage, key: &str, on_bytes: OnBytes) -> Result<Dumped> {
    let mut conn = connect_pg(url).await?;
    let (server_version, major) = super::pg_server_version(&mut conn).await?;
    pgtools::require_at_least("pg_dump", major).await?;
    sqlx::query("BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        .execute(&mut conn)
        .await
        .context("could not start the snapshot transaction")?;
    let snapshot: String = sqlx::query("SELECT pg_export_snapshot()")
        .fetch_one(&mut conn)
        .await
        .context("could not export a snapshot")?
        .get(0);
    let schema_version = super::pg_schema_version(&mut conn).await?;

    let mut cmd = pgtools::command("pg_dump", url);
    cmd.arg("--format=custom")
        .arg(format!("--snapshot={snapshot}"))
        .stdout(Stdio::piped());
    let mut child = cmd.spawn().context(
        "could not start `pg_dump`: install the PostgreSQL client tools (Debian: apt-get install postgresql-client)",
    )?;
    let stderr = pgtools::stderr_tail(&mut child);
    let stdout = child
        .stdout
        .take()
        .ok_or_else(|| anyhow!("`pg_dump` has no stdout"))?;
    let (mut reader, tally) = Hashing::new(stdout, on_bytes);

    // Upload and checksums run side by side; the first failure stops both.
    // A failed or dropped upload leaves nothing behind (see `Storage::put`).
    let mut stored = false;
    let both = futures::future::try_join(
        async {
            let size = storage.put(key, &mut reader).await?;
            stored = true;
            Ok(size)
        },
        async {
            stats::pg(&mut conn)
                .await
                .context("could not count rows in the dump's snapshot")
        },
    )
    .await;
    drop(reader);
    if both.is_err() {
        let _ = child.start_kill();
    }
    let dumped = pgtools::finish("pg_dump", child, stderr, url).await;
    // When the upload or the checksums failed, pg_dump was killed for it:
    // report the cause, not the kill.
    let failed = match (both, dumped) {
        (Ok(done), Ok(())) => Ok(done),
        (Ok(_), Err(dump_err)) => Err(dump_err),
        (Err(err), _) => Err(err),
    };
    let (size, tables) = match failed {
        Ok(done) => done,
        Err(err) => {
            // The dump was stored but is not a backup: without a manifest it
            // is never listed; remove it anyway. (Not after a failed upload:
            // nothing is there, and a storage that hangs would hang again.)
            if stored {
                let _ = storage.delete(key).await;
            }
            return Err(err);
        }
    };
    let _ = sqlx::query("COMMIT").execute(&mut conn).await;
    let (written, sha256) = {
        let tally = tally.lock().unwrap_or_else(|p| p.into_inner());
        (tally.bytes, tally.hex())
    };
    if written != size {
        let _ = storage.delete(key).await;
        return Err(anyhow!("stored {size} bytes but `pg_dump` wrote {written}"));
    }
    Ok(Dumped {
        server_version,
        schema_version,
        size,
        sha256,
        tables,
    })
}

async fn sqlite(
    path: &std::path::Path,
    storage: &Storage,
    key: &str,
    on_bytes: OnBytes,
) -> Result<Dumped> {
    // Created empty and private first: VACUUM INTO fills an empty file, and
    // the snapshot holds everything the database does.
    let (snapshot, _) = TempFile::create("sqlite-snapshot").await?;
    {
        let mut conn = connect_sqlite(path, true).await?;
        let target = snapshot.path.to_string_lossy().replace('\'', "''");
        sqlx::query(sqlx::AssertSqlSafe(format!("VACUUM INTO '{target}'")))
            .execute(&mut conn)
            .await
            .with_context(|| format!("could not snapshot `{}` with VACUUM INTO", path.display()))?;
    }
    let (server_version, schema_version, tables) = sqlite_facts(&snapshot.path).await?;
    let file = tokio::fs::File::open(&snapshot.path)
        .await
        .with_context(|| format!("could not open `{}`", snapshot.path.display()))?;
    let (mut reader, tally) = Hashing::new(tokio::io::BufReader::new(file), on_bytes);
    let size = storage.put(key, &mut reader).await?;
    let tally = tally.lock().unwrap_or_else(|p| p.into_inner());
    Ok(Dumped {
        server_version,
        schema_version,
        size,
        sha256: tally.hex(),
        tables,
    })
}

/// Version, schema version and table stats of a SQLite file.
pub async fn sqlite_facts(
    path: &std::path::Path,
) -> Result<(String, i64, Vec<manifest::TableStat>)> {
    let mut conn = connect_sqlite(path, true).await?;
    let version: String = sqlx::query("SELECT sqlite_version()")
        .fetch_one(&mut conn)
        .await
        .context("could not read the sqlite version")?
        .get(0);
    let schema = super::sqlite_schema_version(&mut conn).await?;
    let tables = stats::sqlite(&mut conn).await?;
    Ok((version, schema, tables))
}
