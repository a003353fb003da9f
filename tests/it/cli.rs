//! The command-line frame: exit codes, help, output streams, pipes.

use std::io::Read;
use std::process::Stdio;

use crate::support::Sandbox;

#[test]
fn help_documents_exit_codes_and_version_works() {
    let sb = Sandbox::new();
    let help = sb.run(&["--help"]);
    help.code(0).assert_stdout_has("Exit codes:");
    help.assert_stdout_has("130");
    let version = sb.run(&["--version"]);
    version.code(0);
    assert!(version.stdout.starts_with("hctl "), "{}", version.stdout);
}

#[test]
fn bad_flags_exit_2() {
    let sb = Sandbox::new();
    sb.run(&["--no-such-flag"]).code(2);
    sb.run(&["config", "show", "-o", "yaml"]).code(2);
    sb.run(&["completions", "tcsh"]).code(2);
}

#[test]
fn unsupported_format_is_a_usage_error() {
    let sb = Sandbox::new();
    let run = sb.run(&["config", "show", "-o", "junit"]);
    run.code(2).assert_stderr_has("supports -o table|json");
}

#[test]
fn completions_for_every_shell() {
    let sb = Sandbox::new();
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let run = sb.run(&["completions", shell]);
        run.code(0);
        // The script asks hctl itself (see tests/it/completion.rs).
        assert!(run.stdout.contains("HCTL_COMPLETE"), "{shell}");
    }
}

#[test]
fn man_writes_one_page_per_command() {
    let sb = Sandbox::new();
    sb.run(&["man", "--out", "pages"]).code(0);
    let names: Vec<String> = std::fs::read_dir(sb.path().join("pages"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    for page in [
        "hctl.1",
        "hctl-config.1",
        "hctl-config-show.1",
        "hctl-completions.1",
    ] {
        assert!(names.iter().any(|n| n == page), "{page} in {names:?}");
    }
}

#[test]
fn closed_stdout_pipe_exits_quietly() {
    let sb = Sandbox::new();
    let mut child = sb
        .cmd(&["man"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Close our end of stdout before hctl writes its page.
    drop(child.stdout.take());
    let mut stderr = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut stderr)
        .unwrap();
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(0), "stderr: {stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(stderr.is_empty(), "no noise on a closed pipe: {stderr}");
}

/// Two SQLite backups in a sandbox, so `db prune --keep 1` has one to delete
/// and asks first.
fn sandbox_with_two_backups() -> Sandbox {
    let sb = Sandbox::new();
    sb.write(
        "hctl.yaml",
        "environments:\n  local:\n    database_url: sqlite://app.db\n    storage: file://./backups\n",
    );
    sb.run(&["db", "migrate"]).code(0);
    sb.run(&["db", "backup"]).code(0);
    sb.run(&["db", "backup"]).code(0);
    sb
}

fn backup_count(sb: &Sandbox) -> usize {
    let run = sb.run(&["db", "backups", "-o", "json"]);
    run.code(0);
    serde_json::from_str::<serde_json::Value>(&run.stdout)
        .unwrap()
        .as_array()
        .map_or(0, Vec::len)
}

#[test]
fn ctrl_c_or_esc_at_a_prompt_exits_130_with_the_cursor_shown_and_changes_nothing() {
    let sb = sandbox_with_two_backups();
    for (keys, what) in [("\\x03", "Ctrl-C"), ("\\x1b", "Esc")] {
        let run = sb.run_in_pty(&["db", "prune", "--keep", "1"], "[y/N]", keys);
        assert_eq!(run.code, 130, "{what}: {}", run.stdout);
        assert!(
            run.stdout.contains("\x1b[?25h"),
            "{what}: the cursor is shown again: {:?}",
            run.stdout
        );
        assert_eq!(backup_count(&sb), 2, "{what}: nothing deleted");
    }
    let run = sb.run_in_pty(&["db", "prune", "--keep", "1"], "[y/N]", "n");
    assert_eq!(run.code, 2, "{}", run.stdout);
    run.assert_stdout_has("not confirmed");
    assert_eq!(backup_count(&sb), 2);
}

#[test]
fn device_files_are_refused_not_read_forever() {
    let sb = Sandbox::new();
    sb.run(&["--config", "/dev/zero", "config", "show"])
        .code(2)
        .assert_stderr_has("/dev/zero")
        .assert_stderr_has("not a regular file");
    sb.write(
        "checklists/ca.yaml",
        "name: ca\nsections:\n  - name: s\n    items:\n      - id: api\n        title: api\n        check: { kind: http, url: \"https://127.0.0.1:1/\", ca_file: /dev/zero }\n",
    );
    sb.run(&["preflight", "-c", "ca", "-o", "json"])
        .code(1)
        .assert_stdout_has("cannot read ca_file `/dev/zero`: not a regular file");
}

#[test]
fn warnings_on_a_non_terminal_stderr_carry_no_colour_codes() {
    let sb = sandbox_with_two_backups();
    let id = "20260101T000000Z-abcdef";
    sb.write(&format!("backups/{id}/manifest.json"), "{ not json");
    let run = sb.run(&["db", "backups"]);
    run.code(0)
        .assert_stderr_has(&format!("backup `{id}` has an unreadable manifest"));
    assert!(!run.stderr.contains('\x1b'), "{:?}", run.stderr);
}

#[test]
fn an_error_prints_its_cause_chain_once() {
    let sb = Sandbox::new();
    let dir = sb.path().to_str().unwrap().to_string();
    let run = sb.run_with(&["rollout", "status"], &[("KUBECONFIG", &dir)]);
    assert_ne!(run.code, 0);
    run.assert_stderr_has("no usable kubeconfig");
    assert_eq!(
        run.stderr.matches("(os error 21)").count(),
        1,
        "{}",
        run.stderr
    );
}
