//! The `pgbouncer` kind against Debian's PgBouncer (started by the test, in
//! front of the PostgreSQL of `scripts/test`): two clients holding the two
//! server connections of a pool in open transactions and a third waiting
//! make every expectation fail with the numbers; released, they pass.

use std::str::FromStr;
use std::time::Duration;

use hctl::report::Status;
use sqlx::postgres::PgConnectOptions;
use sqlx::{Connection, PgConnection};

use super::once;
use crate::support::pgbouncer::{Bouncer, BouncerConfig};
use crate::support::services::TestDb;

async fn client(url: &str) -> PgConnection {
    let options = PgConnectOptions::from_str(url).expect("URL");
    PgConnection::connect_with(&options)
        .await
        .expect("connect through pgbouncer")
}

#[tokio::test(flavor = "multi_thread")]
async fn pool_mode_waiting_clients_and_utilization() {
    let db = TestDb::new();
    let bouncer = Bouncer::start(BouncerConfig {
        pool_mode: "transaction",
        default_pool_size: 2,
    });
    let url = bouncer.url(&db.name);
    let check = |extra: &str| {
        format!(
            "kind: pgbouncer\nurl: {}\ndatabase: {}\n{extra}",
            bouncer.admin_url(),
            db.name
        )
    };

    let mut holders = Vec::new();
    for _ in 0..2 {
        let mut conn = client(&url).await;
        sqlx::raw_sql("BEGIN; SELECT 1")
            .execute(&mut conn)
            .await
            .expect("begin");
        holders.push(conn);
    }
    let mut waiter = client(&url).await;
    let waiting = tokio::spawn(async move {
        sqlx::raw_sql("SELECT 1")
            .execute(&mut waiter)
            .await
            .expect("select");
        waiter
    });
    tokio::time::sleep(Duration::from_millis(300)).await;

    let o = once(&check(
        "pool_mode: transaction\nmax_clients_waiting: 0\nmax_wait: 100ms\nmax_server_utilization: 90%\n",
    ))
    .await;
    assert_eq!(o.status, Status::Fail, "{o:?}");
    assert!(
        o.detail
            .contains("1 clients waiting for a server connection (at most 0)"),
        "{o:?}"
    );
    assert!(o.detail.contains("has waited"), "{o:?}");
    assert!(
        o.detail
            .contains("uses 2 of 2 server connections (100% > 90%)"),
        "{o:?}"
    );
    assert!(!o.detail.contains("pool_mode"), "{o:?}");
    let o = once(&check("pool_mode: session\n")).await;
    assert_eq!(o.status, Status::Fail, "{o:?}");
    assert!(
        o.detail
            .contains("pool_mode is `transaction`, expected `session`"),
        "{o:?}"
    );

    for mut conn in holders {
        sqlx::raw_sql("COMMIT")
            .execute(&mut conn)
            .await
            .expect("commit");
    }
    tokio::time::timeout(Duration::from_secs(10), waiting)
        .await
        .expect("the waiting client gets a server")
        .expect("waiter");
    let o = once(&check(
        "pool_mode: transaction\nmax_clients_waiting: 0\nmax_wait: 100ms\nmax_server_utilization: 90%\n",
    ))
    .await;
    assert_eq!(o.status, Status::Pass, "{o:?}");
    assert!(o.detail.contains("0/2 server connections"), "{o:?}");

    // Not the console, and a database nobody uses: errors and failures that say so.
    let o = once(&format!("kind: pgbouncer\nurl: {}\n", url)).await;
    assert_eq!(o.status, Status::Error, "{o:?}");
    assert!(o.detail.contains("SHOW CONFIG failed"), "{o:?}");
    let o = once(&format!(
        "kind: pgbouncer\nurl: {}\ndatabase: nothere\n",
        bouncer.admin_url()
    ))
    .await;
    assert_eq!(o.status, Status::Fail, "{o:?}");
    assert!(o.detail.contains("no pool for database `nothere`"), "{o:?}");
    let closed = super::peers::closed_port();
    let o = once(&format!(
        "kind: pgbouncer\nurl: postgres://u:secret@{closed}/pgbouncer\n"
    ))
    .await;
    assert_eq!(o.status, Status::Error, "{o:?}");
    assert!(!o.detail.contains("secret"), "{o:?}");
}
