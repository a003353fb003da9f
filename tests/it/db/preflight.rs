//! The `postgres` check's backup age reads the manifests `hctl db backup` writes.

use super::DbEnv;

const CHECKLIST: &str = "\
name: backups
sections:
  - name: Database
    items:
      - id: backup-fresh
        title: Latest backup younger than 24 hours
        check: { kind: postgres, url: \"{{ env.database_url }}\", max_backup_age_hours: 24 }
";

#[test]
fn backup_age_fails_without_a_backup_and_passes_after_one() {
    for env in [DbEnv::dir(), DbEnv::s3()] {
        env.sandbox.write("checklists/backups.yaml", CHECKLIST);
        let run = env.run(&["preflight", "-c", "backups", "-o", "json"]);
        run.code(1).assert_stdout_has("no backup in");

        env.run(&["db", "backup", "--note", "before launch"])
            .code(0);
        let run = env.run(&["preflight", "-c", "backups", "-o", "json"]);
        run.code(0).assert_stdout_has("latest backup");
    }
}
