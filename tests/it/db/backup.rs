//! Backups that work: PostgreSQL to S3 and to a directory, SQLite, restore,
//! verification (shallow, deep, live), listing and pruning.

use serde_json::Value;
use sha2::Digest;
use sqlx::{Connection, SqliteConnection};

use super::{DbEnv, ids, item, json};
use crate::support::services::{TestDb, require, with_database};

#[tokio::test]
async fn postgres_backup_to_s3_verifies_deeply_and_restores() {
    let env = DbEnv::s3();
    env.seed(3).await;
    let run = env.run(&["db", "backup", "--note", "before v2", "-o", "json"]);
    run.code(0);
    let manifest = json(&run.stdout);
    assert_eq!(manifest["backend"], "postgres");
    assert_eq!(manifest["schema_version"], 3);
    assert_eq!(manifest["note"], "before v2");
    let users = manifest["tables"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["name"] == "public.users")
        .unwrap();
    assert_eq!(users["rows"], 2000);

    let listed = env.backups();
    assert_eq!(ids(&listed), [manifest["id"].as_str().unwrap()]);
    assert_eq!(listed[0]["verified"], Value::Null);

    let run = env.run(&[
        "db",
        "verify",
        "--backup-id",
        "latest",
        "--deep",
        "-o",
        "json",
    ]);
    run.code(0);
    let report = json(&run.stdout);
    assert_eq!(item(&report, "restore")["status"], "pass");
    assert_eq!(item(&report, "table:public.readings")["status"], "pass");
    let listed = env.backups();
    assert_eq!(listed[0]["verified"]["deep"], true);
    assert!(listed[0]["verified"]["restore_ms"].is_u64());

    // Damage the data, restore, and the data is back and checked.
    env.exec("DELETE FROM readings WHERE id % 2 = 0; UPDATE users SET email = 'x' WHERE id = 7;")
        .await;
    env.run(&["db", "restore", "--backup-id", "latest", "--yes"])
        .code(0);
    assert_eq!(env.scalar("SELECT count(*) FROM readings").await, 5000);
    assert_eq!(
        env.scalar("SELECT count(*) FROM users WHERE email = 'x'")
            .await,
        0
    );

    // The live database now matches the backup it came from...
    let run = env.run(&["db", "verify", "-o", "json"]);
    run.code(0);
    assert_eq!(item(&json(&run.stdout), "restored-from")["status"], "pass");
    // ...until someone changes it: the table is named.
    env.exec("UPDATE users SET weight = 0 WHERE id = 9").await;
    let run = env.run(&["db", "verify"]);
    run.code(1).assert_stdout_has("public.users");
    run.assert_stdout_has("checksum mismatch");
}

#[tokio::test]
async fn backup_restores_with_plain_pg_restore() {
    let env = DbEnv::dir();
    env.seed(1).await;
    let id = env.backup();
    let dump = env.backup_dir().join(&id).join("dump");
    let other = TestDb::new();
    let out = std::process::Command::new("pg_restore")
        .arg("--exit-on-error")
        .arg(format!("--dbname={}", other.url))
        .arg(&dump)
        .output()
        .expect("run pg_restore");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut conn = sqlx::PgConnection::connect(&other.url).await.unwrap();
    let n: i64 = sqlx::query_scalar("SELECT count(*) FROM readings")
        .fetch_one(&mut conn)
        .await
        .unwrap();
    assert_eq!(n, 5000);
    // The manifest's checksum is the SHA-256 of exactly that file.
    let manifest: Value = serde_json::from_slice(
        &std::fs::read(env.backup_dir().join(&id).join("manifest.json")).unwrap(),
    )
    .unwrap();
    let digest = sha2::Sha256::digest(std::fs::read(&dump).unwrap());
    assert_eq!(manifest["sha256"], hex::encode(digest));
}

#[tokio::test]
async fn restore_into_a_new_database() {
    let env = DbEnv::dir();
    env.seed(2).await;
    env.backup();
    let name = format!("hctl_into_{}", uuid::Uuid::new_v4().simple());
    let into = with_database(&require("DATABASE_URL"), &name);
    let run = env.run(&[
        "db",
        "restore",
        "--backup-id",
        "latest",
        "--into",
        &into,
        "-o",
        "json",
    ]);
    let mut admin = sqlx::PgConnection::connect(&require("DATABASE_URL"))
        .await
        .unwrap();
    let restored = async {
        let mut conn = sqlx::PgConnection::connect(&into).await?;
        sqlx::query_scalar::<_, i64>("SELECT count(*) FROM users")
            .fetch_one(&mut conn)
            .await
    }
    .await;
    let _ = sqlx::query(sqlx::AssertSqlSafe(format!(
        "DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"
    )))
    .execute(&mut admin)
    .await;
    run.code(0);
    assert_eq!(restored.unwrap(), 2000);
    assert_eq!(json(&run.stdout)["summary"]["fail"], 0);
}

#[tokio::test]
async fn sqlite_backup_verify_and_restore() {
    let env = DbEnv::dir();
    let file = env.sandbox.path().join("ht.db");
    let url = format!("sqlite://{}", file.display());
    {
        let opts = sqlx::sqlite::SqliteConnectOptions::new()
            .filename(&file)
            .create_if_missing(true);
        let mut conn = SqliteConnection::connect_with(&opts).await.unwrap();
        sqlx::raw_sql(
            "CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT, weight REAL, avatar BLOB);
             WITH RECURSIVE g(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM g WHERE n < 300)
             INSERT INTO users (email, weight, avatar) SELECT 'u' || n, n * 0.5, randomblob(8) FROM g;
             CREATE TABLE hctl_schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, checksum TEXT NOT NULL, applied_at TEXT NOT NULL, execution_ms INTEGER NOT NULL);
             INSERT INTO hctl_schema_migrations VALUES (4, 'm4', 'x', '2026-01-01', 1);",
        )
        .execute(&mut conn)
        .await
        .unwrap();
        conn.close().await.unwrap();
    }
    let with = [("HCTL_DATABASE_URL", url.as_str())];
    let run = env.run_with(&["db", "backup", "-o", "json"], &with);
    run.code(0);
    let manifest = json(&run.stdout);
    assert_eq!(manifest["backend"], "sqlite");
    assert_eq!(manifest["schema_version"], 4);
    env.run_with(&["db", "verify", "--backup-id", "latest", "--deep"], &with)
        .code(0);

    {
        let mut conn = SqliteConnection::connect(&url).await.unwrap();
        sqlx::raw_sql("DELETE FROM users WHERE id < 100")
            .execute(&mut conn)
            .await
            .unwrap();
        conn.close().await.unwrap();
    }
    env.run_with(&["db", "restore", "--backup-id", "latest", "--yes"], &with)
        .code(0);
    let mut conn = SqliteConnection::connect(&url).await.unwrap();
    let n: i64 = sqlx::query_scalar("SELECT count(*) FROM users")
        .fetch_one(&mut conn)
        .await
        .unwrap();
    assert_eq!(n, 300);
}

#[tokio::test]
async fn backups_list_newest_first_and_prune_keeps_the_newest() {
    let env = DbEnv::dir();
    env.seed(1).await;
    let first = env.backup();
    let second = env.backup();
    let third = env.backup();
    assert_eq!(ids(&env.backups()), [third.as_str(), &second, &first]);

    let run = env.run(&["db", "backups"]);
    run.code(0)
        .assert_stdout_has(&third)
        .assert_stdout_has("VERIFIED");

    // Leftovers of failed backups: never listed, removed by prune after a day.
    let old = "20200101T000000Z-abcdef";
    let recent = hctl::db::manifest::new_id(chrono::Utc::now());
    env.sandbox.write(&format!("backups/{old}/dump"), "partial");
    env.sandbox
        .write(&format!("backups/{recent}/dump"), "still running");
    let run = env.run(&["db", "backups", "-o", "json"]);
    run.code(0);
    assert_eq!(
        ids(json(&run.stdout).as_array().unwrap()),
        [third.as_str(), &second, &first]
    );
    run.assert_stderr_has(old).assert_stderr_has("incomplete");

    // Without --yes and without a terminal: refuse, delete nothing.
    let run = env.run(&["db", "prune", "--keep", "1"]);
    run.code(2).assert_stderr_has("--yes");
    assert_eq!(env.backups().len(), 3);

    let run = env.run(&["db", "prune", "--keep", "1", "--yes", "-o", "json"]);
    run.code(0);
    let pruned = json(&run.stdout);
    assert_eq!(pruned["kept"], serde_json::json!([third]));
    assert_eq!(pruned["incomplete_deleted"], serde_json::json!([old]));
    assert!(!env.backup_dir().join(old).exists());
    assert!(env.backup_dir().join(&recent).join("dump").exists());
    assert_eq!(ids(&env.backups()), [third.as_str()]);
    assert!(!env.backup_dir().join(&first).exists());
    // --keep-days keeps young backups beyond --keep; deleting all is refused.
    env.backup();
    env.run(&["db", "prune", "--keep", "0", "--yes"]).code(2);
    let run = env.run(&[
        "db",
        "prune",
        "--keep",
        "1",
        "--keep-days",
        "1",
        "--yes",
        "-o",
        "json",
    ]);
    run.code(0);
    assert_eq!(json(&run.stdout)["deleted"], serde_json::json!([]));
}
