//! The committed completions and man pages match the clap definition.
//! Regenerate with `scripts/gen-docs`.

use std::path::Path;

use hctl::cli::generate;

const FIX: &str = "stale generated file: run `scripts/gen-docs` and commit the result";

#[test]
fn completions_are_current() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("completions");
    for shell in generate::SHELLS {
        let path = dir.join(generate::completion_file(shell));
        let committed = std::fs::read(&path).unwrap_or_default();
        assert!(
            committed == generate::completions(shell),
            "{}: {FIX}",
            path.display()
        );
    }
}

#[test]
fn man_pages_are_current_and_complete() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("man");
    let pages = generate::man_pages().unwrap();
    assert!(pages.iter().any(|(n, _)| n == "hctl.1"));
    assert!(pages.iter().any(|(n, _)| n == "hctl-config-validate.1"));
    for (name, roff) in &pages {
        let committed = std::fs::read(dir.join(name)).unwrap_or_default();
        assert!(&committed == roff, "man/{name}: {FIX}");
    }
    let on_disk = std::fs::read_dir(&dir).unwrap().count();
    assert_eq!(
        on_disk,
        pages.len(),
        "man/ has pages for commands that no longer exist: {FIX}"
    );
    // Every page a page refers to (`hctl-db-restore(1)`) exists.
    let names: Vec<&str> = pages.iter().map(|(n, _)| n.as_str()).collect();
    for (name, roff) in &pages {
        let text = String::from_utf8_lossy(roff).replace("\\-", "-");
        for word in text.split(|c: char| c.is_whitespace() || c == ',') {
            if let Some(page) = word.strip_suffix("(1)")
                && page.starts_with("hctl")
            {
                assert!(
                    names.contains(&format!("{page}.1").as_str()),
                    "{name} refers to {page}(1), which is not generated"
                );
            }
        }
    }
    let top = String::from_utf8_lossy(&pages[0].1);
    assert!(
        top.contains("EXIT STATUS") && top.contains("130"),
        "exit codes in hctl.1"
    );
}
