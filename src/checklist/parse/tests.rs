use super::*;
use proptest::prelude::*;

fn lookup(key: &str) -> Option<String> {
    (key == "url").then(|| "http://127.0.0.1:8080".to_string())
}

fn errors(text: &str) -> Vec<String> {
    match parse(text, Path::new("c.yaml"), &lookup) {
        Ok(_) => vec![],
        Err(Invalid(errs)) => errs.iter().map(ToString::to_string).collect(),
    }
}

const GOOD: &str = "\
name: demo
description: a demo
sections:
  - name: Infra
    items:
      - id: api-health
        title: API answers
        tags: [local]
        check:
          kind: http
          url: \"{{ env.url }}/api/healthz\"
          json: {status: ok}
        timeout: 2s
        retries: 2
      - id: pentest
        title: Pen test done
        severity: warning
        owner: security lead
        manual: true
      - id: p95
        title: p95 below 500 ms
        check:
          kind: prometheus
          url: \"{{ env.prometheus_url }}\"
          query: x
          below: 0.5
";

#[test]
fn a_good_checklist_loads_with_templates() {
    let c = parse(GOOD, Path::new("c.yaml"), &lookup).unwrap();
    assert_eq!(c.name, "demo");
    let entries: Vec<_> = c
        .entries()
        .map(|(s, e)| (s, e.id.as_str(), e.action.label()))
        .collect();
    assert_eq!(
        entries,
        [
            ("Infra", "api-health", "http"),
            ("Infra", "pentest", "manual"),
            ("Infra", "p95", "n/a")
        ]
    );
    let first = c.find("api-health").unwrap();
    assert_eq!((first.timeout, first.retries), (Duration::from_secs(2), 2));
    match &first.action {
        Action::Check(spec) => match spec.as_ref() {
            CheckSpec::Http(h) => assert_eq!(h.url, "http://127.0.0.1:8080/api/healthz"),
            other => panic!("{other:?}"),
        },
        other => panic!("{other:?}"),
    }
    assert_eq!(c.find("pentest").unwrap().severity, Severity::Warning);
    assert!(
        matches!(&c.find("p95").unwrap().action, Action::NotApplicable { key } if key == "prometheus_url")
    );
}

#[test]
fn unknown_item_key_is_located() {
    let errs = errors(&GOOD.replace("        retries: 2\n", "        retires: 2\n"));
    assert_eq!(errs.len(), 1, "{errs:?}");
    assert!(
        errs[0].starts_with("c.yaml:14:9: unknown field `retires`"),
        "{errs:?}"
    );
}

#[test]
fn unknown_check_field_is_located_at_the_key() {
    let errs = errors(&GOOD.replace("json: {status: ok}", "jsn: {status: ok}"));
    assert!(
        errs[0].starts_with("c.yaml:12:11: item `api-health`: unknown field `jsn`"),
        "{errs:?}"
    );
}

#[test]
fn duplicate_ids_bad_durations_unknown_kinds_all_reported() {
    let text = GOOD
        .replace("id: pentest", "id: api-health")
        .replace("timeout: 2s", "timeout: 5x")
        .replace("kind: prometheus", "kind: promethus");
    let errs = errors(&text);
    assert_eq!(errs.len(), 3, "{errs:?}");
    assert!(
        errs.iter()
            .any(|e| e.starts_with("c.yaml:13:18: invalid duration `5x`")),
        "{errs:?}"
    );
    assert!(
        errs.iter().any(|e| e
            .starts_with("c.yaml:15:13: duplicate item id `api-health` (first defined on line 6)")),
        "{errs:?}"
    );
    assert!(
        errs.iter()
            .any(|e| e.starts_with("c.yaml:23:11: item `p95`: unknown check kind `promethus`")),
        "{errs:?}"
    );
}

#[test]
fn template_typos_and_missing_actions_are_errors() {
    let errs = errors(&GOOD.replace("env.url", "env.ulr"));
    assert!(
        errs[0].starts_with("c.yaml:11:") && errs[0].contains("`env.ulr`"),
        "{errs:?}"
    );
    let errs = errors(&GOOD.replace("        manual: true\n", ""));
    assert!(errs[0].contains("needs `check:`"), "{errs:?}");
}

#[test]
fn missing_check_fields_are_reported_even_when_not_applicable() {
    let errs = errors(&GOOD.replace("          url: \"{{ env.prometheus_url }}\"\n", ""));
    assert!(errs[0].contains("missing field `url`"), "{errs:?}");
    // Not applicable here (no prometheus_url), and still checked: a
    // prometheus check must ask something.
    let errs = errors(&GOOD.replace("          query: x\n", ""));
    assert!(
        errs[0].contains("needs `query`, `rules` or `alerts_firing`"),
        "{errs:?}"
    );
    let errs = errors(&GOOD.replace("json: {status: ok}", "max_latency: 500"));
    assert!(
        errs[0].starts_with("c.yaml:12:24: item `api-health`: invalid duration `500`"),
        "{errs:?}"
    );
}

fn checklist_text(ids: &[String]) -> String {
    let mut text = String::from("name: gen\nsections:\n  - name: s\n    items:\n");
    for id in ids {
        text.push_str(&format!(
            "      - id: {id}\n        title: t {id}\n        manual: true\n"
        ));
    }
    text
}

proptest! {
    // Any input: an error with a location inside the file, or a checklist. Never a panic.
    #[test]
    fn arbitrary_text_never_panics(text in "\\PC{0,300}") {
        let lines = text.lines().count() as u64 + 1;
        if let Err(Invalid(errs)) = parse(&text, Path::new("x.yaml"), &lookup) {
            prop_assert!(!errs.is_empty());
            for e in errs {
                prop_assert!(e.line <= lines + 1, "{e} beyond {lines} lines");
            }
        }
    }

    // Mutations of a valid file (a key renamed, a line dropped) never panic either.
    #[test]
    fn mutated_checklists_never_panic(drop in 0usize..24, junk in "[a-z:{} 0-9]{0,12}") {
        let mut lines: Vec<String> = GOOD.lines().map(String::from).collect();
        let i = drop % lines.len();
        lines[i] = format!("{}{junk}", &lines[i][..lines[i].len() / 2]);
        let _ = parse(&lines.join("\n"), Path::new("x.yaml"), &lookup);
    }

    // Ids survive a round trip; a repeated id is always caught.
    #[test]
    fn ids_round_trip_and_duplicates_are_caught(ids in proptest::collection::vec("[a-z][a-z0-9-]{0,10}", 1..12)) {
        let unique: std::collections::BTreeSet<_> = ids.iter().collect();
        match parse(&checklist_text(&ids), Path::new("x.yaml"), &lookup) {
            Ok(c) => {
                prop_assert_eq!(unique.len(), ids.len());
                let got: Vec<_> = c.entries().map(|(_, e)| e.id.clone()).collect();
                prop_assert_eq!(got, ids);
            }
            Err(Invalid(errs)) => {
                prop_assert!(unique.len() < ids.len(), "{errs:?}");
                prop_assert!(errs.iter().all(|e| e.message.contains("duplicate item id")));
            }
        }
    }
}

#[test]
fn retries_out_of_range_are_located_not_wrapped() {
    let text = GOOD.replace("retries: 2", "retries: 4294967295");
    let errs = errors(&text);
    assert_eq!(
        errs,
        [
            "c.yaml:14:18: `retries: 4294967295` is out of range: 0 to 100 (key `sections[0].items[0].retries`)"
        ],
        "{errs:?}"
    );
}

#[test]
fn numeric_check_fields_out_of_range_are_located() {
    let list = |check: &str| {
        format!(
            "name: n\nsections:\n  - name: s\n    items:\n      - id: a\n        title: a\n        check:\n          {check}\n"
        )
    };
    for (check, want) in [
        ("{ kind: tls, host: example.com, port: 0 }", "c.yaml:8:"),
        (
            "{ kind: redis, url: \"redis://x\", min_hit_ratio: 5 }",
            "`min_hit_ratio: 5` is out of range: 0 to 1",
        ),
        (
            "{ kind: postgres, url: \"postgres://x\", max_connections_pct: 250 }",
            "`max_connections_pct: 250` is out of range",
        ),
        (
            "{ kind: http, url: \"http://x\", status: [200, 999] }",
            "`status: 999` is out of range: 100 to 599",
        ),
        (
            "{ kind: tls, host: example.com, fail_days: -1 }",
            "`fail_days: -1`",
        ),
    ] {
        let errs = errors(&list(check));
        assert!(
            errs.len() == 1 && errs[0].contains(want),
            "{check}: {errs:?}"
        );
    }
    assert!(errors(&list("{ kind: tls, host: example.com, port: 8443 }")).is_empty());
}

/// Five distinct problems, one per item (the file says which).
const FIVE_ERRORS: &str = include_str!("../../../tests/fixtures/five-problems.yaml");

#[test]
fn every_problem_of_a_file_is_reported_in_order() {
    let errs = errors(FIVE_ERRORS);
    let wants = [
        (
            "c.yaml:13:9: unknown field `colour`",
            "sections[0].items[0].colour",
        ),
        ("c.yaml:16:19: ", "sections[0].items[1].severity"),
        (
            "c.yaml:21:18: `retries: 500` is out of range: 0 to 100",
            "sections[0].items[2].retries",
        ),
        (
            "c.yaml:22:13: duplicate item id `one` (first defined on line 10)",
            "sections[0].items[3].id",
        ),
        (
            "c.yaml:27:18: item `five`: unknown check kind `htp`",
            "sections[0].items[4].check.kind",
        ),
    ];
    assert_eq!(errs.len(), wants.len(), "{errs:#?}");
    for (err, (start, key)) in errs.iter().zip(wants) {
        assert!(
            err.starts_with(start) && err.ends_with(&format!("(key `{key}`)")),
            "{err} should start with {start} and name {key}"
        );
    }
    assert!(errs[1].contains("hgih"), "{errs:#?}");
}

#[test]
fn a_missing_title_does_not_hide_the_rest_of_the_item() {
    let text = GOOD
        .replace("        title: Pen test done\n", "")
        .replace("id: p95", "id: pentest");
    let errs = errors(&text);
    assert_eq!(errs.len(), 2, "{errs:#?}");
    assert!(
        errs[0].contains("item `pentest`: missing field `title`")
            && errs[0].ends_with("(key `sections[0].items[1].title`)"),
        "{errs:#?}"
    );
    assert!(errs[1].contains("duplicate item id `pentest`"), "{errs:#?}");
}

#[test]
fn an_unknown_check_field_hides_no_range_error() {
    let text = GOOD.replace(
        "          json: {status: ok}\n",
        "          jsn: {status: ok}\n          status: 999\n",
    );
    let errs = errors(&text);
    assert_eq!(errs.len(), 2, "{errs:#?}");
    assert!(
        errs[0].starts_with("c.yaml:12:11: item `api-health`: unknown field `jsn`")
            && errs[0].ends_with("(key `sections[0].items[0].check.jsn`)"),
        "{errs:#?}"
    );
    assert!(
        errs[1].contains("`status: 999` is out of range")
            && errs[1].ends_with("(key `sections[0].items[0].check.status`)"),
        "{errs:#?}"
    );
}

#[test]
fn a_load_item_gets_a_timeout_longer_than_its_duration() {
    let item = |timeout: &str| {
        format!(
            "name: l\nsections:\n  - name: s\n    items:\n      - id: load\n        title: t\n{timeout}        check: {{ kind: load, url: \"{{{{ env.url }}}}/api/healthz\", rate: 100/s, duration: 30s }}\n"
        )
    };
    let list = parse(&item(""), Path::new("c.yaml"), &lookup).unwrap();
    assert_eq!(list.sections[0].items[0].timeout, Duration::from_secs(60));
    let errs = errors(&item("        timeout: 10s\n"));
    assert_eq!(errs.len(), 1, "{errs:?}");
    assert!(
        errs[0].starts_with(
            "c.yaml:7:18: item `load`: timeout 10s is not longer than the check's duration 30s"
        ),
        "{errs:?}"
    );
}
