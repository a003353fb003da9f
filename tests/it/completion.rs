//! Dynamic shell completion, run the way the shells run it: `HCTL_COMPLETE=bash
//! hctl -- hctl WORDS…` with the variables clap_complete's bash function sets
//! (the candidates come back separated by its IFS), and once through real
//! bash sourcing the script `hctl completions bash` prints.

use std::net::TcpListener;
use std::time::{Duration, Instant};

use crate::db::DbEnv;
use crate::server::{ADMIN_TOKEN, App, Backend};
use crate::support::{Run, Sandbox};

/// The separator clap_complete's bash function sets (`IFS=$'\013'`).
const IFS: &str = "\u{0b}";

const PRE_LAUNCH: &str = "\
name: pre-launch
description: Before go-live
sections:
  - name: Infrastructure
    items:
      - id: api-health
        title: API health endpoint answers
        tags: [local, production]
        check: { kind: http, url: \"{{ env.url }}/api/healthz\" }
      - id: pentest
        title: Penetration test completed
        manual: true
      - id: unit-tests
        title: Tests pass
        tags: [ci]
        check: { kind: command, run: [\"true\"] }
      - id: privacy-review
        title: Privacy review signed
        manual: true
";

fn checklist(name: &str) -> String {
    format!(
        "name: {name}\ndescription: The {name} list\nsections:\n  - name: Main\n    items:\n      - id: {name}-done\n        title: Done\n        manual: true\n"
    )
}

/// A project with three checklists and an `hctl.yaml` of two environments.
fn project() -> Sandbox {
    let sb = Sandbox::new();
    sb.write("checklists/pre-launch.yaml", PRE_LAUNCH);
    sb.write("checklists/launch-day.yaml", &checklist("launch-day"));
    sb.write("checklists/compliance.yml", &checklist("compliance"));
    sb.write(
        "hctl.yaml",
        "default_env: staging\nenvironments:\n  staging:\n    url: https://staging.test\n  production:\n    url: https://healthtracker.test\n",
    );
    sb.write(
        "other.yaml",
        "environments:\n  qa:\n    url: https://qa.test\n",
    );
    sb
}

/// `hctl -- hctl WORDS` and the environment bash's completion function
/// passes, completing the last of `words` (which may be empty).
fn request(words: &[&str]) -> (Vec<String>, Vec<(&'static str, String)>) {
    let mut args = vec!["--".to_string(), "hctl".to_string()];
    args.extend(words.iter().map(|w| w.to_string()));
    let env = vec![
        ("HCTL_COMPLETE", "bash".to_string()),
        ("_CLAP_COMPLETE_INDEX", words.len().to_string()),
        ("_CLAP_COMPLETE_COMP_TYPE", "9".to_string()),
        ("_CLAP_COMPLETE_SPACE", "false".to_string()),
        ("_CLAP_IFS", IFS.to_string()),
    ];
    (args, env)
}

/// The candidates of a completion run, which must succeed silently.
#[track_caller]
fn candidates(run: Run) -> Vec<String> {
    run.code(0);
    assert!(
        run.stderr.is_empty(),
        "completion printed to the terminal: {}",
        run.stderr
    );
    run.stdout
        .split(IFS)
        .filter(|c| !c.is_empty())
        .map(str::to_string)
        .collect()
}

/// Complete in `sb` with extra environment variables.
#[track_caller]
fn complete_with(sb: &Sandbox, words: &[&str], extra: &[(&str, &str)]) -> Vec<String> {
    let (args, mut env) = request(words);
    env.extend(extra.iter().map(|(k, v)| (*k, v.to_string())));
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
    candidates(sb.run_with(&args, &env))
}

#[track_caller]
fn complete(sb: &Sandbox, words: &[&str]) -> Vec<String> {
    complete_with(sb, words, &[])
}

/// The completed values, without the flags clap offers beside them.
fn values(candidates: Vec<String>) -> Vec<String> {
    candidates
        .into_iter()
        .filter(|c| !c.starts_with('-'))
        .collect()
}

#[test]
fn checklist_names_complete_wherever_a_checklist_is_named() {
    let sb = project();
    assert_eq!(complete(&sb, &["checklist", "tick", "pre"]), ["pre-launch"]);
    for sub in ["show", "tick", "untick", "status", "log", "report"] {
        assert_eq!(
            complete(&sb, &["checklist", sub, "l"]),
            ["launch-day"],
            "checklist {sub}"
        );
    }
    // The project's files overlay the shipped checklists: `post-launch` is
    // the shipped one, the other three are the project's.
    assert_eq!(
        values(complete(&sb, &["checklist", "show", ""])),
        ["compliance", "launch-day", "post-launch", "pre-launch"]
    );
    assert_eq!(
        complete(&sb, &["preflight", "-c", ""]),
        ["compliance", "launch-day", "post-launch", "pre-launch"]
    );
    assert_eq!(
        complete(&sb, &["preflight", "--checklist=c"]),
        ["--checklist=compliance"]
    );
    // `-c FILE` works too: a path is completed as a path.
    assert_eq!(
        complete(&sb, &["preflight", "-c", "checklists/pre"]),
        ["checklists/pre-launch.yaml"]
    );
}

#[test]
fn tick_completes_manual_items_and_untick_every_item_manual_first() {
    let sb = project();
    assert_eq!(
        values(complete(&sb, &["checklist", "tick", "pre-launch", ""])),
        ["pentest", "privacy-review"],
        "automated items are decided by their checks, not ticked"
    );
    assert_eq!(
        complete(&sb, &["checklist", "tick", "pre-launch", "pr"]),
        ["privacy-review"]
    );
    // Ids already on the line are not offered again; flags may stand between.
    assert_eq!(
        values(complete(
            &sb,
            &[
                "checklist",
                "tick",
                "pre-launch",
                "pentest",
                "--note",
                "in drive",
                ""
            ]
        )),
        ["privacy-review"]
    );
    assert_eq!(
        values(complete(&sb, &["checklist", "untick", "pre-launch", ""])),
        ["pentest", "privacy-review", "api-health", "unit-tests"]
    );
    assert_eq!(
        values(complete(
            &sb,
            &["checklist", "tick", "checklists/pre-launch.yaml", "p"]
        )),
        ["pentest", "privacy-review"],
        "a checklist given by path"
    );
    // Global flags before the subcommand do not confuse the line.
    assert_eq!(
        complete(
            &sb,
            &["--env", "staging", "checklist", "tick", "launch-day", ""]
        )
        .into_iter()
        .filter(|c| !c.starts_with('-'))
        .collect::<Vec<_>>(),
        ["launch-day-done"]
    );
    assert!(values(complete(&sb, &["checklist", "tick", "no-such-list", ""])).is_empty());
}

#[test]
fn preflight_and_report_complete_the_ids_and_tags_of_their_checklists() {
    let sb = project();
    assert_eq!(
        complete(&sb, &["preflight", "-c", "pre-launch", "--only", ""]),
        ["api-health", "pentest", "unit-tests", "privacy-review"]
    );
    assert_eq!(
        complete(
            &sb,
            &[
                "preflight",
                "-c",
                "pre-launch",
                "--only",
                "pentest",
                "--exclude",
                "p"
            ]
        ),
        ["privacy-review"]
    );
    // No -c: every checklist (the shipped post-launch's image scan is `scan`).
    assert_eq!(
        complete(&sb, &["preflight", "--exclude", "launch"]),
        ["launch-day-done"]
    );
    assert_eq!(
        complete(&sb, &["preflight", "--tag", ""]),
        ["ci", "local", "production", "scan"]
    );
    assert_eq!(
        complete(
            &sb,
            &[
                "checklist",
                "report",
                "pre-launch",
                "--tag",
                "ci",
                "--tag",
                ""
            ]
        ),
        ["local", "production"]
    );
    assert!(complete(&sb, &["checklist", "report", "launch-day", "--tag", ""]).is_empty());
}

#[test]
fn environments_come_from_the_config_file_the_line_would_read() {
    let sb = project();
    assert_eq!(complete(&sb, &["--env", ""]), ["production", "staging"]);
    assert_eq!(complete(&sb, &["db", "backups", "--env", "s"]), ["staging"]);
    assert_eq!(complete(&sb, &["--env=p"]), ["--env=production"]);
    // --config anywhere before the cursor, or HCTL_CONFIG, picks the file.
    assert_eq!(
        complete(&sb, &["--config", "other.yaml", "preflight", "--env", ""]),
        ["qa"]
    );
    assert_eq!(
        complete(&sb, &["preflight", "--config=other.yaml", "--env", ""]),
        ["qa"]
    );
    assert_eq!(
        complete_with(&sb, &["--env", ""], &[("HCTL_CONFIG", "other.yaml")]),
        ["qa"]
    );

    // Without a config file only the built-in `local` exists.
    let bare = Sandbox::new();
    assert_eq!(complete(&bare, &["--env", ""]), ["local"]);
    // A broken file: nothing offered, nothing printed.
    bare.write("hctl.yaml", "environments: [\n");
    assert!(complete(&bare, &["--env", ""]).is_empty());
}

/// `latest` first, then every complete backup, newest first; an incomplete
/// one (no manifest) is never offered.
fn assert_backup_ids(env: &DbEnv) {
    let first = env.backup();
    // Ids carry their start time to the second: make "newest" unambiguous.
    std::thread::sleep(Duration::from_millis(1100));
    let second = env.backup();
    env.sandbox
        .write("backups/20200101T000000Z-abcdef/dump", "interrupted");
    let complete = |words: &[&str]| {
        let (args, protocol) = request(words);
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let protocol: Vec<(&str, &str)> = protocol.iter().map(|(k, v)| (*k, v.as_str())).collect();
        candidates(env.run_with(&args, &protocol))
    };
    assert_eq!(
        complete(&["db", "restore", "--backup-id", ""]),
        ["latest", second.as_str(), first.as_str()]
    );
    assert_eq!(
        complete(&["db", "verify", "--backup-id", &first]),
        [first.as_str()]
    );
    assert_eq!(
        complete(&["db", "restore", "--backup-id=la"]),
        ["--backup-id=latest"]
    );
}

#[tokio::test]
async fn backup_ids_complete_from_a_directory_storage() {
    let env = DbEnv::dir();
    env.seed(1).await;
    assert_backup_ids(&env);
}

#[tokio::test]
async fn backup_ids_complete_from_s3() {
    let env = DbEnv::s3();
    env.seed(1).await;
    assert_backup_ids(&env);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn flag_names_complete_from_the_server() {
    let app = App::spawn(Backend::Sqlite).await;
    app.set_flag(
        "leaderboard",
        serde_json::json!({"enabled": true, "rolloutPercentage": 25}),
    )
    .await;
    let (status, body) = app
        .call(
            reqwest::Method::POST,
            "/api/feature-flags",
            Some(ADMIN_TOKEN),
            Some(serde_json::json!({"name": "checkout"})),
        )
        .await;
    assert!(status.is_success(), "{body}");
    let base = app.base.clone();
    tokio::task::spawn_blocking(move || {
        let sb = Sandbox::new();
        let server = [
            ("HCTL_URL", base.as_str()),
            ("HCTL_ADMIN_TOKEN", ADMIN_TOKEN),
        ];
        for sub in ["get", "set", "enable", "disable", "delete"] {
            assert_eq!(
                values(complete_with(&sb, &["flags", sub, ""], &server)),
                ["checkout", "leaderboard"],
                "flags {sub}"
            );
        }
        assert_eq!(
            complete_with(&sb, &["flags", "enable", "l"], &server),
            ["leaderboard"]
        );
        // A rejected token: nothing offered, nothing printed.
        let wrong = [("HCTL_URL", base.as_str()), ("HCTL_ADMIN_TOKEN", "wrong")];
        assert!(values(complete_with(&sb, &["flags", "get", ""], &wrong)).is_empty());
    })
    .await
    .unwrap();
}

#[test]
fn a_server_that_never_answers_gives_no_candidates_within_the_budget() {
    // Connections are accepted by the kernel and then never answered.
    let silent = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", silent.local_addr().unwrap());
    let sb = Sandbox::new();
    let storage = [
        ("HCTL_STORAGE", "s3://backups/hctl"),
        ("HCTL_S3_ENDPOINT", url.as_str()),
        ("HCTL_S3_FORCE_PATH_STYLE", "true"),
        ("AWS_ACCESS_KEY_ID", "hctltest"),
        ("AWS_SECRET_ACCESS_KEY", "hctltest"),
    ];
    let server = [("HCTL_URL", url.as_str()), ("HCTL_ADMIN_TOKEN", "x")];
    let restore: &[&str] = &["db", "restore", "--backup-id", ""];
    let get: &[&str] = &["flags", "get", ""];
    for (words, env) in [(restore, &storage[..]), (get, &server[..])] {
        let started = Instant::now();
        let got = values(complete_with(&sb, words, env));
        let took = started.elapsed();
        assert!(got.is_empty(), "{words:?}: {got:?}");
        assert!(
            took < Duration::from_secs(5),
            "{words:?}: a TAB took {took:?}"
        );
    }
}

#[test]
fn completions_prints_a_script_that_calls_hctl_back() {
    let sb = Sandbox::new();
    for (shell, call) in [
        ("bash", "HCTL_COMPLETE=\"bash\""),
        ("zsh", "HCTL_COMPLETE=\"zsh\""),
        ("fish", "HCTL_COMPLETE=fish"),
        ("powershell", "$env:HCTL_COMPLETE = \"powershell\""),
        ("elvish", "HCTL_COMPLETE=\"elvish\""),
    ] {
        let run = sb.run(&["completions", shell]);
        run.code(0);
        assert!(run.stdout.contains(call), "{shell}: {}", run.stdout);
    }
    // The same script straight from the protocol, for people who know clap's.
    let run = sb.run_with(&[], &[("HCTL_COMPLETE", "bash")]);
    run.code(0).assert_stdout_has("_clap_complete_hctl");
    // A person asking for an unknown shell is told so (exit 2).
    let run = sb.run_with(&[], &[("HCTL_COMPLETE", "tcsh")]);
    run.code(2).assert_stderr_has("tcsh");
    // clap's generic variable does not hijack a normal run.
    let run = sb.run_with(&["--version"], &[("COMPLETE", "bash")]);
    run.code(0);
    assert!(run.stdout.starts_with("hctl "), "{}", run.stdout);
}

#[test]
fn bash_completes_through_the_generated_script() {
    let sb = project();
    let script = sb.run(&["completions", "bash"]);
    script.code(0);
    sb.write("hctl.bash", &script.stdout);
    let bin_dir = std::path::Path::new(env!("CARGO_BIN_EXE_hctl"))
        .parent()
        .unwrap();
    let path = format!(
        "{}:{}",
        bin_dir.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    // What bash does on TAB after `hctl checklist tick pre-launch p`: set
    // COMP_WORDS/COMP_CWORD and call the registered function with the
    // command, the current word and the previous one.
    let driver = r#"
source ./hctl.bash
complete -p hctl
echo ---
tab() {
    COMP_WORDS=("$@"); COMP_CWORD=$(( $# - 1 )); COMP_TYPE=9
    COMPREPLY=()
    _clap_complete_hctl hctl "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"
    printf '%s\n' "${COMPREPLY[@]}"
    echo ---
}
tab hctl checklist tick pre-launch p
tab hctl --env p
tab hctl check
"#;
    let mut cmd = std::process::Command::new("bash");
    cmd.args(["--norc", "--noprofile", "-c", driver])
        .current_dir(sb.path())
        .env("PATH", path);
    for (name, _) in std::env::vars() {
        if name.starts_with("HCTL_") {
            cmd.env_remove(name);
        }
    }
    let out = cmd.output().expect("bash is installed");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut answers = stdout.split("---\n");
    let registration = answers.next().unwrap();
    assert!(
        registration.contains("-F _clap_complete_hctl hctl"),
        "{registration}"
    );
    let lines = |text: &str| -> Vec<String> { text.lines().map(str::to_string).collect() };
    assert_eq!(
        lines(answers.next().unwrap()),
        ["pentest", "privacy-review"]
    );
    assert_eq!(lines(answers.next().unwrap()), ["production"]);
    assert_eq!(lines(answers.next().unwrap()), ["checklist"]);
}
