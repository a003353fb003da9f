//! `postgres` `min_replicas` and `max_replay_lag` against a real streaming
//! replica: a primary the test starts and a replica made from it with
//! `pg_basebackup -R`. Replay paused on the replica makes its lag grow while
//! the primary writes; stopping it leaves the primary without replicas.

use std::time::{Duration, Instant};

use hctl::report::Status;

use super::once;
use crate::support::cluster::StreamingPair;

fn check(url: &str, extra: &str) -> String {
    format!("kind: postgres\nurl: {url}\n{extra}")
}

#[tokio::test(flavor = "multi_thread")]
async fn replicas_and_replay_lag_of_a_streaming_pair() {
    let pair = tokio::task::spawn_blocking(StreamingPair::start)
        .await
        .expect("start the pair");
    let primary = pair.primary_url();
    let replica = pair.replica_url();

    let o = once(&check(&primary, "min_replicas: 1\nmax_replay_lag: 30s\n")).await;
    assert_eq!(o.status, Status::Pass, "{o:?}");
    assert!(o.detail.contains("1 streaming replicas"), "{o:?}");
    let o = once(&check(&primary, "min_replicas: 2\n")).await;
    assert_eq!(o.status, Status::Fail, "{o:?}");
    assert!(
        o.detail
            .contains("1 streaming replicas, expected at least 2"),
        "{o:?}"
    );

    // On the replica, idle: caught up, so no lag however old the last commit.
    let o = once(&check(&replica, "max_replay_lag: 1s\n")).await;
    assert_eq!(o.status, Status::Pass, "{o:?}");
    assert!(o.detail.contains("replica, replay lag 0.0s"), "{o:?}");
    let o = once(&check(&replica, "min_replicas: 1\n")).await;
    assert_eq!(o.status, Status::Fail, "{o:?}");
    assert!(o.detail.contains("is a replica"), "{o:?}");

    // Replay paused while the primary commits: the replica falls behind.
    pair.psql(pair.primary_port, "CREATE TABLE lag_probe (at timestamptz)");
    pair.psql(pair.primary_port, "INSERT INTO lag_probe VALUES (now())");
    wait_until(|| pair.psql(pair.replica_port, "SELECT count(*) FROM lag_probe") == "1");
    pair.psql(pair.replica_port, "SELECT pg_wal_replay_pause()");
    std::thread::sleep(Duration::from_millis(1500));
    pair.psql(pair.primary_port, "INSERT INTO lag_probe VALUES (now())");
    wait_until(|| {
        pair.psql(
            pair.replica_port,
            "SELECT pg_last_wal_receive_lsn() > pg_last_wal_replay_lsn()",
        ) == "t"
    });
    let o = once(&check(&replica, "max_replay_lag: 500ms\n")).await;
    assert_eq!(o.status, Status::Fail, "{o:?}");
    assert!(o.detail.contains("more than 0.5s"), "{o:?}");
    pair.psql(pair.replica_port, "SELECT pg_wal_replay_resume()");
    wait_until(|| pair.psql(pair.replica_port, "SELECT count(*) FROM lag_probe") == "2");
    let o = once(&check(&replica, "max_replay_lag: 500ms\n")).await;
    assert_eq!(o.status, Status::Pass, "{o:?}");

    // The replica stopped: the primary has none.
    pair.stop_replica();
    wait_until(|| {
        pair.psql(
            pair.primary_port,
            "SELECT count(*) FROM pg_stat_replication",
        ) == "0"
    });
    let o = once(&check(&primary, "min_replicas: 1\n")).await;
    assert_eq!(o.status, Status::Fail, "{o:?}");
    assert!(
        o.detail
            .contains("0 streaming replicas, expected at least 1"),
        "{o:?}"
    );
    let o = once(&check(&primary, "max_replay_lag: 30s\n")).await;
    assert_eq!(o.status, Status::Fail, "{o:?}");
    assert!(o.detail.contains("no streaming replica"), "{o:?}");
    let o = once(&check(&replica, "max_replay_lag: 30s\n")).await;
    assert_eq!(o.status, Status::Error, "{o:?}");
    let o = once(&check(
        &format!("{primary}?pgbouncer=true"),
        "min_replicas: 1\n",
    ))
    .await;
    assert_eq!(o.status, Status::Error, "{o:?}");
    assert!(o.detail.contains("needs the database's own URL"), "{o:?}");
}

#[track_caller]
fn wait_until(mut ready: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(20);
    while !ready() {
        assert!(Instant::now() < deadline, "condition not met within 20s");
        std::thread::sleep(Duration::from_millis(100));
    }
}
