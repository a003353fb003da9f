//! The `flags` kind against a real `hctl serve` (launched in-process on
//! 127.0.0.1:0), run by the real binary's preflight: a flag on at the
//! expected rollout passes, each difference is named, a missing flag fails,
//! and a rejected token is an error saying so.

use crate::server::{ADMIN_TOKEN, App, Backend};
use crate::support::{Run, Sandbox};
use serde_json::json;

const LIST: &str = "\
name: flags
sections:
  - name: Features
    items:
      - id: leaderboard-ramped
        title: Leaderboard rolled out to half the users
        check:
          kind: flags
          url: \"{{ env.url }}\"
          flags:
            leaderboard: { enabled: true, min_rollout: 50, max_rollout: 60 }
      - id: leaderboard-full
        title: Leaderboard on for everyone
        check:
          kind: flags
          url: \"{{ env.url }}\"
          flags:
            leaderboard: { enabled: true, min_rollout: 100 }
            dark-mode: { enabled: false }
";

async fn preflight(base: &str, token: &str) -> Run {
    let (base, token) = (base.to_string(), token.to_string());
    tokio::task::spawn_blocking(move || {
        let sb = Sandbox::new();
        sb.write("checklists/flags.yaml", LIST);
        sb.run_with(
            &["preflight", "-c", "flags", "-o", "json"],
            &[("HCTL_URL", &base), ("HCTL_ADMIN_TOKEN", &token)],
        )
    })
    .await
    .unwrap()
}

fn item(run: &Run, id: &str) -> serde_json::Value {
    let doc: serde_json::Value = serde_json::from_str(&run.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}", run.stdout));
    crate::db::item(&doc, id).clone()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn flags_kind_reads_the_servers_flags_through_the_admin_api() {
    let app = App::spawn(Backend::Sqlite).await;
    app.set_flag(
        "leaderboard",
        json!({"enabled": true, "rolloutPercentage": 50}),
    )
    .await;

    let run = preflight(&app.base, ADMIN_TOKEN).await;
    run.code(1);
    let ramped = item(&run, "leaderboard-ramped");
    assert_eq!(ramped["status"], "pass", "{ramped}");
    assert_eq!(ramped["detail"], "`leaderboard` on at 50%");
    let full = item(&run, "leaderboard-full");
    assert_eq!(full["status"], "fail", "{full}");
    let detail = full["detail"].as_str().unwrap();
    assert!(
        detail.contains("flag `leaderboard` is on at 50%, expected a rollout of at least 100%"),
        "{detail}"
    );
    assert!(
        detail.contains("flag `dark-mode` does not exist on the server"),
        "{detail}"
    );

    // The state changes on the server, and the next run sees it.
    app.set_flag("leaderboard", json!({"rolloutPercentage": 100}))
        .await;
    let run = preflight(&app.base, ADMIN_TOKEN).await;
    let ramped = item(&run, "leaderboard-ramped");
    assert_eq!(ramped["status"], "fail");
    assert!(
        ramped["detail"]
            .as_str()
            .unwrap()
            .contains("expected a rollout of at most 60%"),
        "{ramped}"
    );

    let run = preflight(&app.base, "wrong-token").await;
    run.code(1);
    let rejected = item(&run, "leaderboard-ramped");
    assert_eq!(rejected["status"], "error");
    assert!(
        rejected["detail"]
            .as_str()
            .unwrap()
            .contains("the admin token was rejected"),
        "{rejected}"
    );
    app.stop().await.unwrap();
}
