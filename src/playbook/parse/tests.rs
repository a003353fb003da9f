//! Playbook validation: every problem located at its `file:line:column`.

use std::path::Path;

use futures::future::LocalBoxFuture;

use super::parse;
use crate::playbook::{Hctl, HctlCommand, HctlOutcome, OnFailure, StepKind};

/// A CLI that knows a few commands, as the real one is tested end to end.
struct FakeCli;

impl Hctl for FakeCli {
    fn check(&self, argv: &[String]) -> Result<HctlCommand, String> {
        let words: Vec<&str> = argv.iter().map(String::as_str).collect();
        let (command, dry_run) = match words.as_slice() {
            ["db", "backup", rest @ ..] if rest.iter().all(|w| *w != "--bogus") => {
                ("db backup", false)
            }
            ["rollback", ..] => ("rollback", true),
            ["rollout", "apply", ..] => ("rollout apply", true),
            ["preflight", ..] => ("preflight", false),
            ["flags", "enable", _, "--rollout", pct] if pct.parse::<u8>().is_ok() => {
                ("flags enable", false)
            }
            [first, ..] => return Err(format!("unrecognized subcommand '{first}'")),
            [] => return Err("no subcommand".into()),
        };
        Ok(HctlCommand {
            command: command.into(),
            dry_run,
        })
    }

    fn run(&self, _argv: Vec<String>, _yes: bool) -> LocalBoxFuture<'_, HctlOutcome> {
        unreachable!("validation never runs a command")
    }
}

const GOOD: &str = r#"name: launch
description: Go-live
params:
  image: { required: true }
  rollout: { default: 100 }
phases:
  - name: pre-launch
    steps:
      - id: gate
        preflight: { checklist: pre-launch, tags: [production] }
      - id: backup
        hctl: [db, backup, --note, "pre-launch {{ params.image }}"]
      - id: go
        confirm: "Deploy {{ params.image }}?"
        approvals: 2
  - name: go-live
    on_failure: rollback
    steps:
      - id: deploy
        hctl: [rollout, apply, --image, "{{ params.image }}", --wait]
      - id: health
        check: { kind: http, url: "{{ env.url }}/api/healthz" }
        retries: 5
      - id: flags
        hctl: [flags, enable, leaderboard, --rollout, "{{ params.rollout }}"]
      - id: announce
        notify: { webhook_env: HCTL_SLACK_WEBHOOK, text: "{{ run.playbook }} {{ run.status }}" }
rollback:
  - hctl: [rollback, --wait]
  - shell: "echo restoring {{ steps.backup.backup_id }}"
    when: "{{ steps.backup.ran }}"
"#;

fn errors(text: &str) -> Vec<String> {
    match parse(text, Path::new("p.yaml"), &FakeCli) {
        Ok(_) => Vec::new(),
        Err(invalid) => invalid.0.iter().map(ToString::to_string).collect(),
    }
}

fn with(from: &str, to: &str) -> String {
    assert!(GOOD.contains(from), "{from}");
    GOOD.replace(from, to)
}

#[test]
fn a_good_playbook_parses_with_its_kinds_and_policies() {
    let p = parse(GOOD, Path::new("p.yaml"), &FakeCli).unwrap();
    assert_eq!(p.name, "launch");
    assert_eq!(p.phases[1].on_failure, OnFailure::Rollback);
    assert_eq!(p.params[1].default.as_deref(), Some("100"));
    let kinds: Vec<&str> = p.steps().map(|(_, s)| s.kind.label()).collect();
    assert_eq!(
        kinds,
        [
            "preflight",
            "hctl",
            "confirm",
            "hctl",
            "check",
            "hctl",
            "notify",
            "hctl",
            "shell"
        ]
    );
    let ids: Vec<&str> = p.rollback.iter().map(|s| s.id.as_str()).collect();
    assert_eq!(ids, ["rollback-1", "rollback-2"]);
    let deploy = p.steps().map(|(_, s)| s).find(|s| s.id == "deploy");
    match &deploy.unwrap().kind {
        StepKind::Hctl(h) => assert!(h.dry_run && h.command == "rollout apply"),
        other => panic!("{other:?}"),
    }
    assert_eq!(p.digest.len(), 64);
}

#[test]
fn an_unknown_step_kind_is_located() {
    let errs = errors(&with(
        "        hctl: [db, backup,",
        "        deploy: [db, backup,",
    ));
    assert!(
        errs.iter()
            .any(|e| e.starts_with("p.yaml:12:") && e.contains("unknown field `deploy`")),
        "{errs:?}"
    );
}

#[test]
fn an_unknown_hctl_subcommand_is_located_at_the_word() {
    let errs = errors(&with("hctl: [rollback, --wait]", "hctl: [rollbak, --wait]"));
    assert_eq!(errs.len(), 1, "{errs:?}");
    assert!(errs[0].starts_with("p.yaml:29:12:"), "{errs:?}");
    assert!(
        errs[0].contains("unrecognized subcommand 'rollbak'"),
        "{errs:?}"
    );
    let errs = errors(&with("[db, backup, --note,", "[db, backup, --bogus,"));
    assert!(errs[0].starts_with("p.yaml:12:"), "{errs:?}");
}

#[test]
fn unknown_template_references_are_located() {
    let errs = errors(&with(
        "{{ params.image }}\"]\n      - id: go",
        "{{ params.imag }}\"]\n      - id: go",
    ));
    assert_eq!(errs.len(), 1, "{errs:?}");
    assert!(
        errs[0].starts_with("p.yaml:12:") && errs[0].contains("unknown parameter `params.imag`"),
        "{errs:?}"
    );
    let errs = errors(&with("{{ env.url }}", "{{ env.ur }}"));
    assert!(
        errs[0].starts_with("p.yaml:22:") && errs[0].contains("unknown setting `env.ur`"),
        "{errs:?}"
    );
    let errs = errors(&with("steps.backup.backup_id", "steps.backup.id"));
    assert!(
        errs[0].contains("step `backup` has no output `id`") && errs[0].contains("backup_id"),
        "{errs:?}"
    );
    let errs = errors(&with("steps.backup.ran", "steps.backp.ran"));
    assert!(errs[0].contains("unknown step `steps.backp`"), "{errs:?}");
    let errs = errors(&with("{{ run.status }}", "{{ run.state }}"));
    assert!(errs[0].contains("unknown field `run.state`"), "{errs:?}");
}

#[test]
fn a_step_may_only_use_what_ran_before_it() {
    let errs = errors(&with(
        "Deploy {{ params.image }}?",
        "Deploy {{ steps.deploy.status }}?",
    ));
    assert!(errs[0].contains("does not run before this one"), "{errs:?}");
}

#[test]
fn structural_problems_are_each_reported() {
    let text = with(
        "      - id: go\n        confirm:",
        "      - id: backup\n        confirm:",
    );
    assert!(errors(&text)[0].contains("duplicate step id `backup` (first defined on line 11)"));
    let text = with(
        "        retries: 5",
        "        retries: 5\n        shell: \"true\"",
    );
    assert!(errors(&text)[0].contains("has both `check:` and `shell:`"));
    let text = with("on_failure: rollback", "on_failure: retry");
    assert!(errors(&text)[0].contains("expected abort, continue or rollback"));
    let text = with(
        "webhook_env: HCTL_SLACK_WEBHOOK",
        "webhook_env: https://hooks.slack.com/x",
    );
    assert!(errors(&text)[0].contains("never put the URL in the file"));
    let text = with("kind: http, url", "kind: htp, url");
    assert!(errors(&text)[0].contains("unknown check kind `htp`"));
    let text = with(
        "--rollout, \"{{ params.rollout }}\"",
        "--rollout, \"{{ params.rollout }}\", --env, x",
    );
    assert!(errors(&text)[0].contains("`--env` is set by the run"));
    let text = with("approvals: 2", "approvals: 2\n        retries: 1");
    assert!(errors(&text)[0].contains("`retries` does not apply to `confirm:` steps"));
}

#[test]
fn templated_values_are_checked_with_their_defaults() {
    // `--rollout` takes a number: the default `100` stands in at validation.
    assert!(errors(GOOD).is_empty());
    let text = with("rollout: { default: 100 }", "rollout: { default: lots }");
    assert!(
        errors(&text)[0].contains("flags enable"),
        "{:?}",
        errors(&text)
    );
}

#[test]
fn response_levels_cover_the_parameter() {
    let text = "name: incident\nparams:\n  severity: { required: true, values: [P0, P1] }\nresponse:\n  by: severity\n  levels:\n    P0: { within: 0s, update_every: 30m }\nphases:\n  - name: triage\n    steps:\n      - id: page\n        wait: 1s\n";
    let errs = errors(text);
    assert!(
        errs[0].starts_with("p.yaml:5:") && errs[0].contains("no level for P1"),
        "{errs:?}"
    );
}
