//! The shipped checklists are embedded in the binary: they work in an empty
//! directory, a project directory overrides or adds to them, and every item
//! tagged `ci` passes on this repository.

use std::path::Path;
use std::process::{Command, Stdio};

use super::json;
use crate::support::Sandbox;

const SHIPPED: [&str; 4] = ["compliance", "launch-day", "post-launch", "pre-launch"];

/// `(name, origin, overrides_shipped, items)` of `checklist list -o json`.
fn listed(sb: &Sandbox, args: &[&str]) -> Vec<(String, String, bool, u64)> {
    let mut all = args.to_vec();
    all.extend(["checklist", "list", "-o", "json"]);
    let run = sb.run(&all);
    run.code(0);
    json(&run.stdout)
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["name"].as_str().unwrap().to_string(),
                c["origin"].as_str().unwrap().to_string(),
                c["overrides_shipped"].as_bool().unwrap(),
                c["items"].as_u64().unwrap(),
            )
        })
        .collect()
}

#[test]
fn shipped_checklists_work_in_an_empty_directory() {
    let sb = Sandbox::new();
    let all = listed(&sb, &[]);
    let names: Vec<&str> = all.iter().map(|(n, ..)| n.as_str()).collect();
    assert_eq!(names, SHIPPED);
    assert!(
        all.iter()
            .all(|(_, origin, over, items)| origin == "shipped" && !over && *items > 5),
        "{all:?}"
    );
    sb.run(&["checklist", "list"])
        .code(0)
        .assert_stdout_has("ORIGIN")
        .assert_stdout_has("shipped");

    // Loads and runs: here there is no Dockerfile and no k8s/, so the gate fails (1),
    // it is not a usage error (2).
    let run = sb.run(&["preflight", "-c", "pre-launch", "--tag", "ci", "-o", "json"]);
    run.code(1);
    let doc = json(&run.stdout);
    let items = doc["items"].as_array().unwrap();
    let multi = items
        .iter()
        .find(|i| i["id"] == "docker-multi-stage")
        .unwrap_or_else(|| panic!("no docker-multi-stage: {doc}"));
    assert_eq!(multi["status"], "fail", "{multi}");
    assert!(
        multi["detail"].as_str().unwrap().contains("Dockerfile"),
        "{multi}"
    );
    sb.run(&["checklist", "show", "launch-day"])
        .code(0)
        .assert_stdout_has("dashboards-green");
    sb.run(&["preflight", "-c", "pre-lanch"])
        .code(2)
        .assert_stderr_has("no checklist `pre-lanch`")
        .assert_stderr_has("known: compliance, launch-day, post-launch, pre-launch");
}

const OWN_PRE_LAUNCH: &str = "\
name: pre-launch
description: our own
sections:
  - name: s
    items:
      - id: ours
        title: Ours
        check: { kind: command, shell: \"echo ours\" }
";

const EXTRA: &str = "\
name: extra
sections:
  - name: s
    items:
      - id: more
        title: More
        manual: true
";

#[test]
fn a_project_directory_overrides_by_file_name_and_adds() {
    let sb = Sandbox::new();
    sb.write("checklists/pre-launch.yaml", OWN_PRE_LAUNCH);
    sb.write("checklists/extra.yml", EXTRA);
    let all = listed(&sb, &[]);
    let row = |name: &str| all.iter().find(|(n, ..)| n == name).cloned().unwrap();
    assert_eq!(all.len(), 5, "{all:?}");
    assert_eq!(
        row("pre-launch"),
        (
            "pre-launch".into(),
            "checklists/pre-launch.yaml".into(),
            true,
            1
        )
    );
    assert_eq!(
        row("extra"),
        ("extra".into(), "checklists/extra.yml".into(), false, 1)
    );
    assert_eq!(row("compliance").1, "shipped");
    sb.run(&["checklist", "list"])
        .code(0)
        .assert_stdout_has("checklists/pre-launch.yaml (replaces shipped)");
    let run = sb.run(&["preflight", "-c", "pre-launch", "-o", "json"]);
    run.code(0);
    assert_eq!(json(&run.stdout)["items"][0]["id"], "ours");

    // `checklists_dir:` in hctl.yaml, relative to the file, instead of ./checklists.
    sb.write("conf/lists/only.yaml", &EXTRA.replace("extra", "only"));
    sb.write("conf/hctl.yaml", "checklists_dir: lists\n");
    let all = listed(&sb, &["--config", "conf/hctl.yaml"]);
    let names: Vec<&str> = all.iter().map(|(n, ..)| n.as_str()).collect();
    assert_eq!(
        names,
        [
            "compliance",
            "launch-day",
            "only",
            "post-launch",
            "pre-launch"
        ]
    );
    assert_eq!(all[2].1, "conf/lists/only.yaml");
    assert_eq!(
        all[4].1, "shipped",
        "./checklists is not used with checklists_dir"
    );

    // Without the key: checklists/ beside the config file, not the current directory.
    sb.write("other/hctl.yaml", "default_env: local\n");
    let all = listed(&sb, &["--config", "other/hctl.yaml"]);
    assert!(all.iter().all(|(_, o, ..)| o == "shipped"), "{all:?}");
}

#[test]
fn a_bad_checklists_dir_is_an_error_at_its_place() {
    let sb = Sandbox::new();
    sb.write(
        "hctl.yaml",
        "default_env: local\nchecklists_dir: checklist\n",
    );
    for args in [&["checklist", "list"][..], &["config", "show"]] {
        sb.run(args)
            .code(2)
            .assert_stderr_has("hctl.yaml:2:17: `checklists_dir`: `checklist` is not a directory");
    }
    sb.run(&["config", "validate", "-o", "json"])
        .code(2)
        .assert_stdout_has("`checklist` is not a directory");
    sb.write("hctl.yaml", "checklists_dir: 3\n");
    sb.run(&["checklist", "list"])
        .code(2)
        .assert_stderr_has("hctl.yaml:1:");
}

#[test]
fn a_project_file_reusing_a_shipped_name_says_how_to_override() {
    let sb = Sandbox::new();
    sb.write("checklists/mine.yaml", OWN_PRE_LAUNCH);
    sb.run(&["checklist", "list"])
        .code(2)
        .assert_stderr_has("checklists/mine.yaml:1:1: checklist name `pre-launch` is also used by `<shipped>/pre-launch.yaml`")
        .assert_stderr_has("name the project's file `pre-launch.yaml`");
}

#[test]
fn the_multi_stage_item_fails_a_dockerfile_that_ships_its_toolchain() {
    let sb = Sandbox::new();
    let cases = [
        (
            "FROM rust:1.95\nRUN cargo build --release\n",
            "a single stage",
        ),
        (
            "FROM rust:1.95 AS build\nRUN cargo build\nFROM build\nCOPY --from=build /src/hctl /hctl\n",
            "starts from the build stage or image (build)",
        ),
        (
            "FROM rust:1.95 AS build\nRUN cargo build\nFROM rust:1.95\nCOPY --from=build /src/hctl /hctl\n",
            "starts from the build stage or image (rust:1.95)",
        ),
        (
            "FROM rust:1.95 AS build\nRUN cargo build\nFROM debian:12-slim\nCOPY . /src\n",
            "copies nothing from a build stage",
        ),
    ];
    for (dockerfile, why) in cases {
        sb.write("Dockerfile", dockerfile);
        let run = sb.run(&[
            "preflight",
            "-c",
            "pre-launch",
            "--only",
            "docker-multi-stage",
            "-o",
            "json",
        ]);
        let item = &json(&run.stdout)["items"][0];
        assert_eq!(item["status"], "fail", "{dockerfile}: {item}");
        assert!(
            item["detail"].as_str().unwrap().contains(why),
            "{dockerfile}: {item}"
        );
    }
    sb.write(
        "Dockerfile",
        "FROM --platform=$BUILDPLATFORM rust:1.95 AS Build\nRUN cargo build\nfrom scratch\ncopy --from=build /src/hctl /hctl\n",
    );
    sb.run(&[
        "preflight",
        "-c",
        "pre-launch",
        "--only",
        "docker-multi-stage",
    ])
    .code(0);
}

#[test]
fn every_shipped_ci_item_passes_on_this_repository() {
    // Only the embedded checklists: checklists_dir points at an empty directory,
    // and the checks run from the repository root, as CI runs them.
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("none")).unwrap();
    let config = dir.path().join("hctl.yaml");
    std::fs::write(&config, "checklists_dir: none\n").unwrap();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_hctl"));
    cmd.args(["--config", config.to_str().unwrap()])
        .args(["preflight", "--tag", "ci", "--skip-manual", "-o", "json"])
        .current_dir(root)
        .stdin(Stdio::null());
    for (name, _) in std::env::vars() {
        if name.starts_with("HCTL_") {
            cmd.env_remove(name);
        }
    }
    let out = cmd.output().expect("run hctl");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stdout.is_empty(), "no report: {stderr}");
    let doc = json(&stdout);
    let items = doc["items"].as_array().unwrap();
    let ids: Vec<&str> = items.iter().map(|i| i["id"].as_str().unwrap()).collect();
    for id in ["docker-multi-stage", "k8s-manifests-rules"] {
        assert!(ids.contains(&id), "{id} is not a ci item: {ids:?}");
    }
    let failing: Vec<String> = items
        .iter()
        .filter(|i| i["status"] != "pass")
        .map(|i| format!("{} {}: {}", i["id"], i["status"], i["detail"]))
        .collect();
    assert!(failing.is_empty(), "ci items not passing: {failing:#?}");
    assert_eq!(out.status.code(), Some(0), "{stderr}");
}

/// Two thirds of the shipped items at least are checked by a machine
/// (`manual` is for human acts), the database HA, replica and pooling items
/// among them; README states the count.
#[test]
fn two_thirds_of_the_shipped_items_are_automated_the_database_ones_included() {
    let sb = Sandbox::new();
    let (mut total, mut manual) = (0, 0);
    for name in SHIPPED {
        let run = sb.run(&["checklist", "show", name, "-o", "json"]);
        run.code(0);
        for item in json(&run.stdout).as_array().unwrap() {
            total += 1;
            manual += usize::from(item["kind"] == "manual");
            if ["db-high-availability", "db-read-replicas", "db-pooling"]
                .contains(&item["id"].as_str().unwrap())
            {
                assert_ne!(item["kind"], "manual", "{item}");
            }
        }
    }
    let automated = total - manual;
    assert!(
        automated * 3 >= total * 2,
        "{automated} of {total} automated"
    );
    assert_eq!((total, automated), (162, 112), "update README's count");
}
