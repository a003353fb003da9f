//! The test services themselves: each test gets its own database and bucket,
//! and they really are separate and really go away.

use sqlx::{Connection, PgConnection, Row};

use crate::support::services::{TestBucket, TestDb, redis_url, require, with_database};

#[tokio::test]
async fn each_test_database_is_fresh_and_dropped() {
    let a = TestDb::new();
    let b = TestDb::new();
    assert_ne!(a.name, b.name);
    let mut conn = PgConnection::connect(&a.url).await.unwrap();
    sqlx::query("CREATE TABLE t (id int)")
        .execute(&mut conn)
        .await
        .unwrap();
    let mut other = PgConnection::connect(&b.url).await.unwrap();
    let seen: i64 = sqlx::query("SELECT count(*) FROM pg_tables WHERE tablename = 't'")
        .fetch_one(&mut other)
        .await
        .unwrap()
        .get(0);
    assert_eq!(seen, 0, "databases must be isolated");
    conn.close().await.unwrap();
    other.close().await.unwrap();

    let name = a.name.clone();
    drop(a);
    let mut admin = PgConnection::connect(&with_database(&require("DATABASE_URL"), "postgres"))
        .await
        .unwrap();
    let left: i64 = sqlx::query("SELECT count(*) FROM pg_database WHERE datname = $1")
        .bind(&name)
        .fetch_one(&mut admin)
        .await
        .unwrap()
        .get(0);
    assert_eq!(left, 0, "test database must be dropped");
}

#[tokio::test]
async fn each_test_bucket_is_fresh_and_deleted() {
    hctl::init_crypto();
    let client = hctl::s3::client(&crate::support::services::s3_target());
    let bucket = TestBucket::new();
    client
        .put_object()
        .bucket(&bucket.name)
        .key("a.txt")
        .body(b"hello".to_vec().into())
        .send()
        .await
        .unwrap();
    let listed = client
        .list_objects_v2()
        .bucket(&bucket.name)
        .send()
        .await
        .unwrap();
    assert_eq!(listed.key_count(), Some(1));
    let name = bucket.name.clone();
    drop(bucket);
    assert!(
        client.head_bucket().bucket(&name).send().await.is_err(),
        "bucket must be deleted"
    );
}

#[tokio::test]
async fn redis_is_reachable() {
    let client = redis::Client::open(redis_url()).unwrap();
    let mut conn = client.get_multiplexed_async_connection().await.unwrap();
    let pong: String = redis::cmd("PING").query_async(&mut conn).await.unwrap();
    assert_eq!(pong, "PONG");
}
