//! The migration runner against real databases: idempotent, concurrent-safe
//! on PostgreSQL, and loud about drift.

use hctl::store::Db;
use hctl::store::migrate::{self, ApplyOptions, State};

use crate::support::services::TestDb;

async fn fresh_pg() -> (TestDb, Db) {
    let test = tokio::task::spawn_blocking(TestDb::new).await.unwrap();
    let db = Db::connect(&test.url).await.unwrap();
    (test, db)
}

async fn run_twice(db: &Db) {
    assert_eq!(migrate::schema_version(db).await.unwrap(), 0);
    let pending = migrate::status(db).await.unwrap();
    assert!(pending.iter().all(|s| s.state == State::Pending));
    let dry = migrate::apply(
        db,
        ApplyOptions {
            dry_run: true,
            ..Default::default()
        },
    )
    .await
    .unwrap();
    assert_eq!(dry.applied.len(), pending.len());
    assert_eq!(
        migrate::schema_version(db).await.unwrap(),
        0,
        "dry run changes nothing"
    );
    let first = migrate::apply(db, ApplyOptions::default()).await.unwrap();
    assert_eq!(first.applied.len(), pending.len());
    assert_eq!(first.schema_version, migrate::latest_known());
    let second = migrate::apply(db, ApplyOptions::default()).await.unwrap();
    assert!(second.applied.is_empty());
    assert!(
        migrate::status(db)
            .await
            .unwrap()
            .iter()
            .all(|s| s.state == State::Applied)
    );
}

async fn drift_names_the_file(db: &Db, dir: &str) {
    hctl::on_pool!(db, pool => sqlx::query("UPDATE hctl_schema_migrations SET checksum = 'edited' WHERE version = 1").execute(pool).await.map(|_| ())).unwrap();
    let err = migrate::apply(db, ApplyOptions::default())
        .await
        .unwrap_err();
    assert!(
        format!("{err:#}").contains(&format!("migrations/{dir}/0001_init.sql")),
        "{err:#}"
    );
    hctl::on_pool!(db, pool => sqlx::query("INSERT INTO hctl_schema_migrations (version, name, checksum, applied_at, execution_ms) SELECT 999, '0999_future.sql', 'x', applied_at, 1 FROM hctl_schema_migrations WHERE version = 1").execute(pool).await.map(|_| ())).unwrap();
    let states = migrate::status(db).await.unwrap();
    assert!(
        states
            .iter()
            .any(|s| s.version == 999 && s.state == State::Missing)
    );
}

#[tokio::test]
async fn sqlite_migrates_once_and_detects_drift() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("new.db").display());
    let db = Db::connect(&url).await.unwrap();
    assert!(dir.path().join("new.db").exists(), "the file is created");
    run_twice(&db).await;
    let mode: String = hctl::on_pool!(&db, pool => sqlx::query_scalar("PRAGMA journal_mode").fetch_one(pool).await).unwrap();
    assert_eq!(mode, "wal");
    drift_names_the_file(&db, "sqlite").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_migrates_once_and_detects_drift() {
    let (_test, db) = fresh_pg().await;
    run_twice(&db).await;
    drift_names_the_file(&db, "postgres").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_postgres_migrators_apply_each_migration_once() {
    let (_test, db) = fresh_pg().await;
    let runs = (0..4).map(|_| {
        let db = db.clone();
        tokio::spawn(async move { migrate::apply(&db, ApplyOptions::default()).await })
    });
    let mut applied = 0;
    for run in runs {
        applied += run
            .await
            .unwrap()
            .expect("every migrator succeeds")
            .applied
            .len();
    }
    assert_eq!(
        applied,
        migrate::embedded(db.backend()).len(),
        "applied once in total"
    );
    let rows: i64 = hctl::on_pool!(&db, pool => sqlx::query_scalar("SELECT count(*) FROM hctl_schema_migrations").fetch_one(pool).await).unwrap();
    assert_eq!(rows, applied as i64);
}

/// A database at version 2 with login rows naming emails, as servers before
/// migration 0003 wrote them; then the real upgrade.
async fn upgrade_renames_emails_in_old_audit_rows(db: &Db) {
    let at = match db.backend() {
        hctl::store::Backend::Postgres => "TIMESTAMPTZ",
        hctl::store::Backend::Sqlite => "TEXT",
    };
    let history = format!(
        "CREATE TABLE hctl_schema_migrations (version BIGINT PRIMARY KEY, name TEXT NOT NULL, checksum TEXT NOT NULL, applied_at {at} NOT NULL, execution_ms BIGINT NOT NULL)"
    );
    hctl::on_pool!(db, pool => sqlx::raw_sql(sqlx::AssertSqlSafe(history.clone())).execute(pool).await.map(|_| ())).unwrap();
    for m in &migrate::embedded(db.backend())[..2] {
        hctl::on_pool!(db, pool => sqlx::raw_sql(sqlx::AssertSqlSafe(m.sql)).execute(pool).await.map(|_| ())).unwrap();
        hctl::on_pool!(db, pool => sqlx::query("INSERT INTO hctl_schema_migrations (version, name, checksum, applied_at, execution_ms) VALUES ($1, $2, $3, $4, 0)")
            .bind(m.version)
            .bind(m.file)
            .bind(migrate::checksum(m.sql))
            .bind(chrono::Utc::now())
            .execute(pool).await.map(|_| ())).unwrap();
    }
    let id = uuid::Uuid::now_v7();
    hctl::on_pool!(db, pool => sqlx::query("INSERT INTO users (id, email, password_hash, created_at) VALUES ($1, 'old@example.com', 'x', $2)")
        .bind(id)
        .bind(chrono::Utc::now())
        .execute(pool).await.map(|_| ())).unwrap();
    let user = format!("user:{id}");
    let rows = [
        (user.as_str(), "auth.register", user.as_str()),
        (user.as_str(), "auth.login", "old@example.com"),
        ("anonymous", "auth.login.failed", "old@example.com"),
        ("anonymous", "auth.login.failed", "erased@example.com"),
        ("admin", "flag.update", "leaderboard"),
    ];
    for (actor, action, target) in rows {
        hctl::on_pool!(db, pool => sqlx::query("INSERT INTO audit_log (at, actor, action, target) VALUES ($1, $2, $3, $4)")
            .bind(chrono::Utc::now())
            .bind(actor)
            .bind(action)
            .bind(target)
            .execute(pool).await.map(|_| ())).unwrap();
    }
    let report = migrate::apply(db, ApplyOptions::default()).await.unwrap();
    assert_eq!(
        report.applied[0].name,
        "0003_audit_pseudonymous_targets.sql"
    );
    let targets: Vec<String> = hctl::on_pool!(db, pool => sqlx::query_scalar("SELECT target FROM audit_log ORDER BY id").fetch_all(pool).await).unwrap();
    assert_eq!(
        targets,
        [
            user.as_str(),
            user.as_str(),
            user.as_str(),
            "email:redacted",
            "leaderboard"
        ]
    );
}

#[tokio::test]
async fn sqlite_upgrade_renames_emails_in_old_audit_rows() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("old.db").display());
    upgrade_renames_emails_in_old_audit_rows(&Db::connect(&url).await.unwrap()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_upgrade_renames_emails_in_old_audit_rows() {
    let (_test, db) = fresh_pg().await;
    upgrade_renames_emails_in_old_audit_rows(&db).await;
}
