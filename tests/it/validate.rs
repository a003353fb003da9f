//! `hctl config validate` lists every problem of every file, in every output
//! format, as a compiler does: one unknown key hides nothing else.

use crate::support::Sandbox;

/// Five distinct problems: an unknown key (item 1), a bad severity (item 2),
/// retries out of range (item 3), a duplicate id (item 4), an unknown check
/// kind (item 5).
const FIVE: &str = include_str!("../fixtures/five-problems.yaml");

/// (location, what, key) of each of the five.
const WANT: [(&str, &str, &str); 5] = [
    (
        "checklists/five.yaml:13:9",
        "unknown field `colour`",
        "sections[0].items[0].colour",
    ),
    (
        "checklists/five.yaml:16:19",
        "hgih",
        "sections[0].items[1].severity",
    ),
    (
        "checklists/five.yaml:21:18",
        "`retries: 500` is out of range",
        "sections[0].items[2].retries",
    ),
    (
        "checklists/five.yaml:22:13",
        "duplicate item id `one`",
        "sections[0].items[3].id",
    ),
    (
        "checklists/five.yaml:27:18",
        "unknown check kind `htp`",
        "sections[0].items[4].check.kind",
    ),
];

/// `hctl config validate -o json` on an invalid project: exit 2 and the report.
fn validate_json(sb: &Sandbox) -> serde_json::Value {
    let run = sb.run(&["config", "validate", "-o", "json"]);
    run.code(2);
    serde_json::from_str(&run.stdout).unwrap_or_else(|e| panic!("{e}: {}", run.stdout))
}

/// `field` of every entry of the JSON report's `problems`, as text.
fn problem_fields(doc: &serde_json::Value, field: &str) -> Vec<String> {
    doc["problems"]
        .as_array()
        .unwrap_or_else(|| panic!("no problems: {doc}"))
        .iter()
        .map(|p| match &p[field] {
            serde_json::Value::String(s) => s.clone(),
            other => other.to_string(),
        })
        .collect()
}

#[test]
fn five_problems_are_five_located_rows_in_every_format() {
    let sb = Sandbox::new();
    sb.write("checklists/five.yaml", FIVE);

    let run = sb.run(&["config", "validate"]);
    run.code(2);
    run.assert_stderr_has("1 of 1 files invalid (5 problems)");
    for (at, what, key) in WANT {
        let row = run
            .stdout
            .lines()
            .find(|l| l.contains(at))
            .unwrap_or_else(|| panic!("no row for {at}:\n{}", run.stdout));
        assert!(
            row.contains(what) && row.contains(&format!("(key `{key}`)")) && row.contains("FAIL"),
            "{row}"
        );
    }

    let doc = validate_json(&sb);
    assert_eq!(doc["summary"]["fail"], 5, "{doc}");
    assert_eq!(doc["files"]["invalid"], 1, "{doc}");
    let items = doc["items"].as_array().unwrap();
    let problems = doc["problems"].as_array().unwrap();
    assert_eq!((items.len(), problems.len()), (5, 5), "{doc}");
    for ((item, problem), (at, what, key)) in items.iter().zip(problems).zip(WANT) {
        assert_eq!(item["id"], at, "{item}");
        assert_eq!(item["title"], "checklists/five.yaml", "{item}");
        assert!(item["detail"].as_str().unwrap().contains(what), "{item}");
        let (line, column) = {
            let mut parts = at.rsplit(':');
            let column: u64 = parts.next().unwrap().parse().unwrap();
            (parts.next().unwrap().parse::<u64>().unwrap(), column)
        };
        assert_eq!(problem["file"], "checklists/five.yaml", "{problem}");
        assert_eq!(
            (problem["line"].as_u64(), problem["column"].as_u64()),
            (Some(line), Some(column))
        );
        assert_eq!(problem["key"], key, "{problem}");
        assert_eq!(problem["level"], "error", "{problem}");
        assert!(
            problem["message"].as_str().unwrap().contains(what),
            "{problem}"
        );
    }

    let run = sb.run(&["config", "validate", "-o", "junit"]);
    run.code(2);
    assert_eq!(run.stdout.matches("<failure ").count(), 5, "{}", run.stdout);
    let run = sb.run(&["config", "validate", "-o", "markdown"]);
    run.code(2);
    assert_eq!(
        run.stdout.matches("| ❌ fail |").count(),
        5,
        "{}",
        run.stdout
    );
    for (at, _, _) in WANT {
        run.assert_stdout_has(at);
    }
}

#[test]
fn an_unknown_key_and_a_bad_boolean_in_hctl_yaml_are_both_reported() {
    let sb = Sandbox::new();
    sb.write(
        "hctl.yaml",
        "environments:\n  local:\n    url: http://127.0.0.1:8080\n    s3:\n      regoin: eu-west-1\n      force_path_style: maybe\n",
    );
    let doc = validate_json(&sb);
    assert_eq!(problem_fields(&doc, "line"), ["5", "6"], "{doc}");
    assert_eq!(
        problem_fields(&doc, "key"),
        [
            "environments.local.s3.regoin",
            "environments.local.s3.force_path_style"
        ],
        "{doc}"
    );
    let run = sb.run(&["config", "validate"]);
    run.code(2);
    run.assert_stdout_has("hctl.yaml:5:7")
        .assert_stdout_has("unknown field `regoin`")
        .assert_stdout_has("hctl.yaml:6:25")
        .assert_stdout_has("(key `environments.local.s3.force_path_style`)");
}

#[test]
fn a_syntax_error_in_one_checklist_hides_nothing_in_another() {
    let sb = Sandbox::new();
    sb.write("checklists/a-broken.yaml", "name: broken\nsections: [\n");
    sb.write(
        "checklists/b.yaml",
        "name: b\nsections:\n  - name: s\n    items:\n      - id: x\n        title: x\n        manual: true\n        owner: [1\n",
    );
    sb.write(
        "checklists/c.yaml",
        "name: c\nsections:\n  - name: s\n    items:\n      - id: x\n        titel: x\n        check: { kind: http, url: \"http://x\" }\n        timeout: 5x\n",
    );
    sb.write(
        "checklists/d.yaml",
        "name: d\nsections:\n  - name: s\n    items:\n      - id: ok\n        title: fine\n        manual: true\n",
    );
    let doc = validate_json(&sb);
    let files = problem_fields(&doc, "file");
    // One syntax error each for a and b; c has three problems (the unknown
    // `titel`, so `title` is missing, and the bad duration); d is valid.
    assert_eq!(
        files,
        [
            "checklists/a-broken.yaml",
            "checklists/b.yaml",
            "checklists/c.yaml",
            "checklists/c.yaml",
            "checklists/c.yaml",
        ],
        "{doc}"
    );
    assert_eq!(doc["files"]["total"], 4, "{doc}");
    assert_eq!(doc["files"]["invalid"], 3, "{doc}");
    let valid = doc["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["id"] == "checklists/d.yaml")
        .unwrap_or_else(|| panic!("{doc}"));
    assert_eq!(valid["status"], "pass");
    let messages = &problem_fields(&doc, "message")[2..];
    assert!(
        messages[0].contains("missing field `title`"),
        "{messages:?}"
    );
    assert!(
        messages[1].contains("unknown field `titel`"),
        "{messages:?}"
    );
    assert!(
        messages[2].contains("invalid duration `5x`"),
        "{messages:?}"
    );
}
