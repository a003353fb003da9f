//! The launch page in headless Chromium: numbers against the store, a live
//! update without a reload, keyboard reach, axe-core, a screenshot.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use super::webdriver::Driver;
use super::{Dashboard, hctl, json as parse, runtime, sqlite_project};

fn axe_source() -> String {
    let path = std::env::var("HCTL_AXE_CORE").unwrap_or_else(|_| {
        panic!("HCTL_AXE_CORE is not set: run the tests with scripts/test, which installs npm axe-core, or npm install --prefix ~/.cache/hctl/axe-core-4.10.2 axe-core@4.10.2 and export HCTL_AXE_CORE=~/.cache/hctl/axe-core-4.10.2/node_modules/axe-core/axe.min.js")
    });
    std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read axe-core at `{path}`: {e}"))
}

fn artifacts() -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/test-artifacts");
    std::fs::create_dir_all(&dir).expect("create target/test-artifacts");
    dir
}

#[test]
fn page_in_chromium_matches_the_store_updates_live_and_passes_axe() {
    let axe = axe_source();
    let sb = sqlite_project();
    hctl(
        &sb,
        &[
            "checklist",
            "tick",
            "launch",
            "pentest",
            "--note",
            "PT-7",
            "--evidence",
            "https://drive.example/pt-7",
        ],
    )
    .code(0);
    hctl(
        &sb,
        &[
            "checklist",
            "waive",
            "launch",
            "oncall",
            "--until",
            "2099-01-01",
            "--reason",
            "rota tool late",
        ],
    )
    .code(0);
    let recorded = hctl(
        &sb,
        &["-o", "json", "preflight", "-c", "launch", "--record"],
    );
    recorded.assert_stderr_has("recorded the run of 1 checklist(s)");
    let recorded = parse(&recorded.stdout);
    let run = hctl(&sb, &["playbook", "run", "golive"]);
    run.code(2);
    let runs = parse(&hctl(&sb, &["-o", "json", "playbook", "runs"]).stdout);
    let run_id = runs[0]["run_id"].as_str().expect("a run id").to_string();
    let status = parse(&hctl(&sb, &["-o", "json", "checklist", "status", "launch"]).stdout);

    let dash = Dashboard::start(&sb, &[], &[]);
    runtime().block_on(async {
        let driver = Driver::start().await;
        let page = driver.session().await;
        page.goto(&dash.url).await;

        // Landmarks and the first Tab stop (the skip link).
        let marks = page
            .eval("return ['header','nav','main','footer'].map(t => document.querySelectorAll(t).length).concat(document.querySelectorAll('h1').length)", json!([]))
            .await;
        assert_eq!(marks, json!([1, 1, 1, 1, 1]));
        page.press("\u{E004}").await;
        let focused = page.eval("return document.activeElement.textContent", json!([])).await;
        assert_eq!(focused, "Skip to content");

        // Checklist numbers against the store (`checklist status -o json`).
        let shown = page
            .eval(
                "const a = document.querySelector('[data-checklist=\"launch\"]');
                 return { done: a.querySelector('.done').dataset,
                          rows: [...a.querySelectorAll('tr[data-section]')].map(r => [r.dataset.section, r.cells[1].textContent]),
                          pentest: a.querySelector('tr[data-item=\"pentest\"]').textContent,
                          oncall: a.querySelector('tr[data-item=\"oncall\"] [data-status]').dataset.status };",
                json!([]),
            )
            .await;
        let sections = status_sections(&status);
        let (done, manual): (u64, u64) = sections.iter().fold((0, 0), |(d, m), s| (d + s.1, m + s.2));
        assert_eq!(shown["done"]["done"], done.to_string(), "{shown}");
        assert_eq!(shown["done"]["manual"], manual.to_string(), "{shown}");
        assert_eq!((done, manual), (2, 3), "pentest ticked, oncall waived");
        let rows: Vec<(String, String)> = sections.iter().map(|(n, d, m)| (n.clone(), format!("{d} of {m}"))).collect();
        let shown_rows: Vec<(String, String)> = shown["rows"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| (r[0].as_str().unwrap().to_string(), r[1].as_str().unwrap().to_string()))
            .collect();
        assert_eq!(shown_rows, rows);
        let pentest = shown["pentest"].as_str().unwrap();
        for part in ["Penetration test <signed off>", "Security Lead", "ticked", "ana", "https://drive.example/pt-7"] {
            assert!(pentest.contains(part), "pentest row lacks `{part}`: {pentest}");
        }
        assert_eq!(shown["oncall"], "waived");

        // The recorded preflight run against its JSON report.
        let pf = page
            .eval("const s = document.querySelector('[data-preflight=\"launch\"] .summary').dataset; return [s.pass, s.fail, s.total, document.querySelector('[data-preflight=\"launch\"] tr[data-item=\"disk\"] [data-status]').dataset.status];", json!([]))
            .await;
        let sum = &recorded["summary"];
        assert_eq!(
            pf,
            json!([sum["pass"].to_string(), sum["fail"].to_string(), sum["total"].to_string(), "fail"]),
            "{recorded}"
        );

        // The playbook run waits at its confirmation.
        let pb = page
            .eval("const a = document.querySelector('[data-run=\"' + arguments[0] + '\"]'); return a ? [a.querySelector('h3 [data-status]').dataset.status, a.querySelector('.approval').textContent, a.querySelector('tr[data-step=\"freeze\"] [data-status]').dataset.status] : null;", json!([run_id]))
            .await;
        assert_eq!(pb[0], "waiting", "{pb}");
        assert!(pb[1].as_str().unwrap().contains("go"), "{pb}");
        assert_eq!(pb[2], "passed", "{pb}");

        // Panels without their service say so, each on its own.
        let unavailable = page
            .eval("return [...document.querySelectorAll('section')].filter(s => s.querySelector('.unavailable')).map(s => s.id)", json!([]))
            .await;
        assert_eq!(unavailable, json!(["rollout", "flags"]));

        // axe-core: no serious or critical violation (WCAG 2.1 A and AA rules).
        page.eval(&axe, json!([])).await;
        let found = page
            .eval_async(
                "const done = arguments[arguments.length - 1];
                 axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] } })
                    .then(r => done({ passes: r.passes.length, violations: r.violations.map(v => ({ id: v.id, impact: v.impact, nodes: v.nodes.length, help: v.help })) }))
                    .catch(e => done({ error: String(e) }));",
                json!([]),
            )
            .await;
        let violations = found["violations"]
            .as_array()
            .unwrap_or_else(|| panic!("axe failed: {found}"));
        assert!(found["passes"].as_u64() > Some(10), "axe ran its rules: {found}");
        let serious: Vec<&Value> = violations
            .iter()
            .filter(|v| matches!(v["impact"].as_str(), Some("serious" | "critical")))
            .collect();
        assert!(serious.is_empty(), "axe-core found serious/critical violations: {serious:?}");

        let png = page.screenshot().await;
        assert!(png.starts_with(b"\x89PNG"), "a PNG screenshot");
        std::fs::write(artifacts().join("dashboard.png"), &png).expect("keep the screenshot");

        // Refreshes that bring nothing new leave the content as it is
        // (focus and reading position stay).
        page.eval("document.querySelector('#checklists-h').dataset.kept = 'yes'", json!([])).await;
        let until = Instant::now() + Duration::from_secs(20);
        loop {
            let now = page
                .eval("return [document.getElementById('content').dataset.refreshed, document.querySelector('#checklists-h').dataset.kept]", json!([]))
                .await;
            // Two refreshes: the first brings the ETag, the second is a 304.
            if now[0].as_str().and_then(|n| n.parse::<u32>().ok()) >= Some(2) {
                assert_eq!(now[1], "yes", "an unchanged refresh replaced the content");
                break;
            }
            assert!(Instant::now() < until, "no refresh within 20 s: {now}");
            tokio::time::sleep(Duration::from_millis(250)).await;
        }
        let overview = page
            .eval("return document.querySelector('tr[data-overview=\"launch\"]').cells[1].textContent", json!([]))
            .await;
        assert_eq!(overview, format!("{done} of {manual}"));

        // A tick while the page is open shows up without a reload.
        page.eval("window.hctlNoReload = 'still here'", json!([])).await;
        hctl(&sb, &["checklist", "tick", "launch", "runbook", "--as", "bo"]).code(0);
        let until = Instant::now() + Duration::from_secs(20);
        loop {
            let now = page
                .eval("return [document.querySelector('[data-checklist=\"launch\"] .done').dataset.done, window.hctlNoReload, document.querySelector('[data-checklist=\"launch\"] tr[data-item=\"runbook\"]').textContent]", json!([]))
                .await;
            if now[0] == "3" {
                assert_eq!(now[1], "still here", "the page was not reloaded");
                assert!(now[2].as_str().unwrap().contains("bo"), "{now}");
                break;
            }
            assert!(Instant::now() < until, "the tick did not show within 20 s: {now}");
            tokio::time::sleep(Duration::from_millis(250)).await;
        }
        page.close().await;
    });
}

/// (section, done, manual) from `hctl checklist status NAME -o json`.
fn status_sections(status: &Value) -> Vec<(String, u64, u64)> {
    let one = if status.is_array() {
        &status[0]
    } else {
        status
    };
    one["sections"]
        .as_array()
        .unwrap_or_else(|| panic!("no sections in {status}"))
        .iter()
        .map(|s| {
            (
                s["name"].as_str().unwrap().to_string(),
                s["ticked"].as_u64().unwrap(),
                s["manual"].as_u64().unwrap(),
            )
        })
        .collect()
}
