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
            committed == generate::completions(shell).unwrap(),
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

/// Does `cmd` (or the global flags) accept `--long` / `-s`?
fn accepts(cmd: &clap::Command, root: &clap::Command, flag: &str) -> bool {
    let matches = |a: &clap::Arg| match flag.strip_prefix("--") {
        Some(long) => a.get_long() == Some(long),
        None => flag
            .strip_prefix('-')
            .and_then(|s| s.chars().next())
            .is_some_and(|c| a.get_short() == Some(c)),
    };
    cmd.get_arguments().any(matches) || root.get_arguments().any(matches)
}

/// README's command table names only commands and flags the binary has, and
/// every top-level command has a row.
#[test]
fn the_readme_command_table_matches_the_binary() {
    use clap::CommandFactory;
    let root = hctl::cli::Cli::command();
    let readme =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).unwrap();
    let table = readme
        .split("## Commands")
        .nth(1)
        .and_then(|rest| rest.split("\n\n").nth(1))
        .expect("README has a `## Commands` table");
    let mut seen = std::collections::BTreeSet::new();
    for row in table.lines().filter(|l| l.starts_with("| `hctl")) {
        let cell = row.trim_start_matches("| ").split("` |").next().unwrap();
        for span in cell.split('`').filter(|s| s.starts_with("hctl ")) {
            let mut group = &root;
            let mut cmd = &root;
            for token in span.split_whitespace().skip(1) {
                let token = token.trim_start_matches('[').trim_end_matches([']', '.']);
                if token == "\\|" {
                    cmd = group;
                    continue;
                }
                let alternatives: Vec<&str> = token.split("\\|").collect();
                if alternatives
                    .iter()
                    .all(|a| cmd.find_subcommand(a).is_some() || group.find_subcommand(a).is_some())
                    && alternatives.iter().all(|a| {
                        !a.starts_with('-') && a.chars().all(|c| c.is_ascii_lowercase() || c == '-')
                    })
                {
                    let parent = if cmd.find_subcommand(alternatives[0]).is_some() {
                        cmd
                    } else {
                        group
                    };
                    if std::ptr::eq(parent, &root) {
                        seen.insert(alternatives[0].to_string());
                    }
                    group = parent;
                    cmd = parent.find_subcommand(alternatives[0]).unwrap();
                    continue;
                }
                if token.starts_with('-') {
                    let flag = token.split(['=', '/']).next().unwrap();
                    assert!(
                        accepts(cmd, &root, flag),
                        "README's command table: `{}` has no flag `{flag}` (row: {span})",
                        cmd.get_name()
                    );
                }
            }
        }
    }
    for sub in root.get_subcommands().filter(|s| s.get_name() != "help") {
        assert!(
            seen.contains(sub.get_name()),
            "README's command table has no row for `hctl {}`",
            sub.get_name()
        );
    }
}

/// Every command an on-call engineer runs shows examples in its `--help`,
/// and global flags have their own heading.
#[test]
fn every_command_help_has_examples() {
    use clap::CommandFactory;
    fn walk(cmd: &clap::Command, path: String, out: &mut Vec<(String, clap::Command)>) {
        for sub in cmd.get_subcommands().filter(|s| s.get_name() != "help") {
            let path = format!("{path} {}", sub.get_name());
            if sub.has_subcommands() {
                walk(sub, path, out);
            } else {
                out.push((path, sub.clone()));
            }
        }
    }
    let mut root = hctl::cli::Cli::command();
    root.build();
    let mut leaves = Vec::new();
    walk(&root, "hctl".into(), &mut leaves);
    assert!(leaves.len() > 30, "{}", leaves.len());
    for (path, mut cmd) in leaves {
        let help = cmd.render_long_help().to_string();
        assert!(
            help.contains("Examples:\n  "),
            "`{path} --help` has no examples"
        );
        assert!(
            help.contains("Global options:"),
            "`{path} --help`: global flags heading"
        );
    }
    let restore = std::process::Command::new(env!("CARGO_BIN_EXE_hctl"))
        .args(["db", "restore", "--help"])
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&restore.stdout).contains("Stop the writers first"));
}
