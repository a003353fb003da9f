//! postgres, redis and s3 kinds against the servers from `scripts/test`.

use hctl::report::Status;

use super::{once, one_line};
use crate::support::services::{TestBucket, TestDb, redis_url, s3_target};

#[tokio::test(flavor = "multi_thread")]
async fn postgres_version_migrations_and_connections() {
    let db = TestDb::new();
    let o = once(&format!(
        "kind: postgres\nurl: {}\nmin_version: 14\nmax_connections_pct: 95\n",
        db.url
    ))
    .await;
    assert_eq!(o.status, Status::Pass, "{o:?}");
    assert!(o.detail.contains("connections"), "{o:?}");
    let o = once(&format!(
        "kind: postgres\nurl: {}\nmin_version: 99\n",
        db.url
    ))
    .await;
    assert_eq!(o.status, Status::Fail);
    assert!(o.detail.contains("below 99"), "{o:?}");

    let o = once(&format!(
        "kind: postgres\nurl: {}\nmigrations_current: true\n",
        db.url
    ))
    .await;
    assert_eq!(o.status, Status::Fail);
    assert!(o.detail.contains("no migrations applied"), "{o:?}");
    {
        use sqlx::Connection;
        let mut conn = sqlx::PgConnection::connect(&db.url).await.unwrap();
        sqlx::query("CREATE TABLE hctl_schema_migrations (version BIGINT PRIMARY KEY, name TEXT NOT NULL, checksum TEXT NOT NULL, applied_at TIMESTAMPTZ NOT NULL, execution_ms BIGINT NOT NULL)")
            .execute(&mut conn).await.unwrap();
        sqlx::query("INSERT INTO hctl_schema_migrations VALUES (1, 'init', 'x', now(), 1), (2, 'entries', 'y', now(), 1)")
            .execute(&mut conn).await.unwrap();
    }
    let o = once(&format!(
        "kind: postgres\nurl: {}\nmigrations_current: true\nschema_version: 3\n",
        db.url
    ))
    .await;
    assert_eq!(o.status, Status::Fail);
    assert!(o.detail.contains("schema version 2, expected 3"), "{o:?}");
    let o = once(&format!(
        "kind: postgres\nurl: {}\nschema_version: 2\n",
        db.url
    ))
    .await;
    assert_eq!(o.status, Status::Pass, "{o:?}");

    let closed = super::peers::closed_port();
    let o = once(&format!(
        "kind: postgres\nurl: postgres://u:secret@{closed}/x\n"
    ))
    .await;
    assert_eq!(o.status, Status::Error);
    assert!(
        !o.detail.contains("secret"),
        "password must be redacted: {o:?}"
    );
    one_line(&o);
}

#[tokio::test(flavor = "multi_thread")]
async fn redis_reachable_and_hit_ratio() {
    let url = redis_url();
    let o = once(&format!("kind: redis\nurl: {url}\n")).await;
    assert_eq!(o.status, Status::Pass, "{o:?}");
    {
        let client = redis::Client::open(url.as_str()).unwrap();
        let mut conn = client.get_multiplexed_async_connection().await.unwrap();
        let _: () = redis::cmd("SET")
            .arg("hctl-test-key")
            .arg("1")
            .query_async(&mut conn)
            .await
            .unwrap();
        let _: Option<String> = redis::cmd("GET")
            .arg("hctl-test-key")
            .query_async(&mut conn)
            .await
            .unwrap();
    }
    let o = once(&format!(
        "kind: redis\nurl: {url}\nmin_hit_ratio: 0.000001\n"
    ))
    .await;
    assert_eq!(o.status, Status::Pass, "{o:?}");
    let o = once(&format!("kind: redis\nurl: {url}\nmin_hit_ratio: 1.01\n")).await;
    assert_eq!(o.status, Status::Fail, "{o:?}");
    let closed = super::peers::closed_port();
    let o = once(&format!("kind: redis\nurl: redis://{closed}\n")).await;
    assert_eq!(o.status, Status::Error);
    one_line(&o);
}

#[tokio::test(flavor = "multi_thread")]
async fn s3_bucket_versioning_lifecycle_replication() {
    let bucket = TestBucket::new();
    let o = once(&format!("kind: s3\nbucket: {}\n", bucket.name)).await;
    assert_eq!(o.status, Status::Pass, "{o:?}");
    let all = format!(
        "kind: s3\nbucket: {}\nversioning: true\nlifecycle: true\nreplication: true\n",
        bucket.name
    );
    let o = once(&all).await;
    assert_eq!(o.status, Status::Fail, "{o:?}");
    for part in [
        "versioning not enabled",
        "no lifecycle rules",
        "no replication",
    ] {
        assert!(o.detail.contains(part), "{part}: {o:?}");
    }
    use aws_sdk_s3::types::{
        BucketLifecycleConfiguration, BucketVersioningStatus, ExpirationStatus,
        LifecycleExpiration, LifecycleRule, LifecycleRuleFilter, VersioningConfiguration,
    };
    let client = hctl::s3::client(&s3_target());
    client
        .put_bucket_versioning()
        .bucket(&bucket.name)
        .versioning_configuration(
            VersioningConfiguration::builder()
                .status(BucketVersioningStatus::Enabled)
                .build(),
        )
        .send()
        .await
        .unwrap();
    let rule = LifecycleRule::builder()
        .id("expire-old")
        .status(ExpirationStatus::Enabled)
        .filter(LifecycleRuleFilter::builder().prefix("tmp/").build())
        .expiration(LifecycleExpiration::builder().days(30).build())
        .build()
        .unwrap();
    client
        .put_bucket_lifecycle_configuration()
        .bucket(&bucket.name)
        .lifecycle_configuration(
            BucketLifecycleConfiguration::builder()
                .rules(rule)
                .build()
                .unwrap(),
        )
        .send()
        .await
        .unwrap();
    let o = once(&format!(
        "kind: s3\nbucket: {}\nversioning: true\nlifecycle: true\n",
        bucket.name
    ))
    .await;
    assert_eq!(o.status, Status::Pass, "{o:?}");
    let o = once("kind: s3\nbucket: hctl-no-such-bucket-for-sure\n").await;
    assert_eq!(o.status, Status::Error, "{o:?}");
    assert!(
        o.detail
            .starts_with("bucket `hctl-no-such-bucket-for-sure` does not exist at `http"),
        "{o:?}"
    );
    one_line(&o);
}
