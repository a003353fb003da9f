//! Every command that changes a production environment refuses without a
//! terminal unless `--yes` is given (exit 2), before it connects anywhere;
//! `--dry-run` needs no confirmation; `--yes` goes ahead. Every target here
//! is a closed port (and the backup storage is empty), so a command that got
//! past the guard fails further on.

use crate::checks::peers;
use crate::support::Sandbox;

fn production() -> Sandbox {
    let closed = peers::closed_port();
    let sb = Sandbox::new();
    sb.write(
        "hctl.yaml",
        &format!(
            "default_env: production
environments:
  production:
    url: http://{closed}
    database_url: postgres://postgres@{closed}/healthtracker
    storage: file://./backups
    kube: {{ namespace: healthtracker, deployment: healthtracker, manifests: k8s }}
"
        ),
    );
    sb.write(
        "k8s/deployment.yaml",
        "apiVersion: apps/v1\nkind: Deployment\nmetadata: { name: healthtracker, namespace: healthtracker }\nspec: {}\n",
    );
    sb.write("kubeconfig", &format!(
        "apiVersion: v1\nkind: Config\nclusters: [{{name: c, cluster: {{server: \"http://{closed}\"}}}}]\nusers: [{{name: u, user: {{}}}}]\ncontexts: [{{name: x, context: {{cluster: c, user: u}}}}]\ncurrent-context: x\n"
    ));
    sb
}

/// Commands that change production, with the dry-run form where there is one.
const CHANGES: &[(&[&str], Option<&[&str]>)] = &[
    (
        &["rollout", "apply"],
        Some(&["rollout", "apply", "--dry-run"]),
    ),
    (&["rollout", "restart"], None),
    (&["rollback"], Some(&["rollback", "--dry-run"])),
    (&["db", "migrate"], Some(&["db", "migrate", "--dry-run"])),
    (&["db", "restore", "--backup-id", "latest"], None),
    (
        &["db", "prune", "--keep", "1"],
        Some(&["db", "prune", "--keep", "1", "--dry-run"]),
    ),
    (&["flags", "create", "new-flag"], None),
    (&["flags", "enable", "leaderboard"], None),
    (&["flags", "disable", "leaderboard"], None),
    (&["flags", "set", "leaderboard", "--rollout", "5"], None),
    (&["flags", "delete", "leaderboard"], None),
];

#[test]
fn production_changes_need_yes_without_a_terminal() {
    let sb = production();
    let kubeconfig = sb.path().join("kubeconfig");
    let env = [
        ("KUBECONFIG", kubeconfig.to_str().unwrap()),
        ("HCTL_ADMIN_TOKEN", "an-admin-token-of-at-least-32-bytes!"),
    ];
    for (args, dry) in CHANGES {
        let run = sb.run_with(args, &env);
        run.code(2);
        assert!(
            run.stderr
                .contains("against production environment `production` without confirmation")
                && run.stderr.contains("pass --yes"),
            "{args:?}: {}",
            run.stderr
        );
        let mut yes = args.to_vec();
        yes.push("--yes");
        let past_the_guard = |what: &[&str]| {
            let run = sb.run_with(what, &env);
            assert!(
                !run.stderr.contains("without confirmation"),
                "{what:?} goes past the guard (to the closed port or the empty storage): {}",
                run.stderr
            );
        };
        past_the_guard(&yes);
        if let Some(dry) = dry {
            past_the_guard(dry);
        }
    }
}
