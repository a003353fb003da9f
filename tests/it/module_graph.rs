//! The layering gate: the modules of each crate (`src/`, `crates/hctl-core`,
//! `crates/hctl-server`) import each other without cycles, except for the
//! known ones listed here, a list that can only shrink. Between the crates the
//! compiler enforces the direction (server → core, hctl → server and core).
//!
//! Reads every non-test source file, resolves its `crate::`, `super::` and
//! `self::` paths (grouped `use` trees included) and checks two graphs: the
//! top-level modules (`checklist` → `config`) and, inside each top-level
//! module, its direct submodules (`db::restore` → `db::verify`).

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// The path reader sees grouped, nested and relative imports.
#[test]
fn grouped_and_relative_imports_resolve_to_modules() {
    let module = ["db".to_string(), "restore".to_string()];
    let code = "use crate::{config::{self, Settings}, exit as e, report::*};\n\
                let x = super::verify::run(); self::inner::go(); super::super::yaml::parse();";
    let paths: Vec<String> = referenced_paths(code, &module)
        .into_iter()
        .map(|p| p.join("::"))
        .collect();
    for want in [
        "config::self",
        "config::Settings",
        "exit",
        "report",
        "db::verify::run",
        "db::restore::inner::go",
        "yaml::parse",
    ] {
        assert!(paths.iter().any(|p| p == want), "{want} in {paths:?}");
    }
}

/// Edges that lie on a cycle today: none, every crate's module graph is
/// acyclic. Were one ever accepted here, removing its cycle would make the
/// entry stale and the test would ask to delete it; a new cycle fails the test.
const KNOWN_CYCLE_EDGES: &[(&str, &str)] = &[];

type Graph = BTreeMap<String, BTreeSet<String>>;

/// The crates whose modules the gate reads, and the prefix their module
/// names get here (`server::auth` is `crates/hctl-server/src/auth`).
const ROOTS: &[(&str, &str)] = &[
    ("src", ""),
    ("crates/hctl-core/src", "core::"),
    ("crates/hctl-server/src", "server::"),
];

#[test]
fn src_modules_import_each_other_without_new_cycles() {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut on_cycles: BTreeSet<(String, String)> = BTreeSet::new();
    for (root, prefix) in ROOTS {
        let (top, inner) = graphs(&manifest.join(root), prefix);
        on_cycles.extend(cycle_edges(&top));
        on_cycles.extend(cycle_edges(&inner));
    }
    let known: BTreeSet<(String, String)> = KNOWN_CYCLE_EDGES
        .iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect();
    let new: Vec<String> = on_cycles
        .difference(&known)
        .map(|(a, b)| format!("{a} -> {b}"))
        .collect();
    let stale: Vec<String> = known
        .difference(&on_cycles)
        .map(|(a, b)| format!("(\"{a}\", \"{b}\")"))
        .collect();
    assert!(
        new.is_empty(),
        "these imports close a cycle between modules (move the shared piece down a layer, see ARCHITECTURE.md):\n{}",
        new.join("\n")
    );
    assert!(
        stale.is_empty(),
        "these edges are no longer on a cycle: delete them from KNOWN_CYCLE_EDGES in {}:\n{}",
        file!(),
        stale.join("\n")
    );
}

/// The top-level graph and the submodule graph (edges between siblings under
/// one top-level module) of one crate, both without self-edges, their module
/// names starting with `prefix`.
fn graphs(src: &Path, prefix: &str) -> (Graph, Graph) {
    let mut top = Graph::new();
    let mut inner = Graph::new();
    for file in rust_files(src) {
        let rel = file.strip_prefix(src).unwrap();
        let module = module_path(rel);
        if module.is_empty() || module.iter().any(|segment| segment == "tests") {
            continue;
        }
        let text = std::fs::read_to_string(&file).unwrap();
        for target in referenced_paths(&product_code(&text), &module) {
            let Some(first) = target.first() else {
                continue;
            };
            if !src.join(format!("{first}.rs")).is_file() && !src.join(first).is_dir() {
                continue;
            }
            if *first != module[0] {
                top.entry(format!("{prefix}{}", module[0]))
                    .or_default()
                    .insert(format!("{prefix}{first}"));
            } else if module.len() > 1 && target.len() > 1 && target[1] != module[1] {
                let dir = src.join(first);
                let sibling = &target[1];
                if dir.join(format!("{sibling}.rs")).is_file() || dir.join(sibling).is_dir() {
                    inner
                        .entry(format!("{prefix}{}::{}", module[0], module[1]))
                        .or_default()
                        .insert(format!("{prefix}{first}::{sibling}"));
                }
            }
        }
    }
    (top, inner)
}

fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files.extend(rust_files(&path));
        } else if path.extension().is_some_and(|e| e == "rs") {
            files.push(path);
        }
    }
    files
}

/// `db/restore.rs` → `[db, restore]`, `db/mod.rs` → `[db]`; the crate roots
/// (`lib.rs`, `main.rs`) → `[]`.
fn module_path(rel: &Path) -> Vec<String> {
    let mut segments: Vec<String> = rel
        .with_extension("")
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    if segments.last().is_some_and(|s| s == "mod") {
        segments.pop();
    }
    if segments.len() == 1 && (segments[0] == "lib" || segments[0] == "main") {
        segments.clear();
    }
    segments
}

/// The file without its unit tests and comment lines.
fn product_code(text: &str) -> String {
    let code = text.split("#[cfg(test)]").next().unwrap_or("");
    code.lines()
        .filter(|line| !line.trim_start().starts_with("//"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Every absolute module path the code names through `crate::`, `super::` or
/// `self::`, grouped `use` trees expanded.
fn referenced_paths(code: &str, module: &[String]) -> Vec<Vec<String>> {
    let mut paths = Vec::new();
    let bytes = code.as_bytes();
    let mut at = 0;
    while at < code.len() {
        let rest = &code[at..];
        let Some(start) = ["crate::", "super::", "self::"]
            .iter()
            .find(|p| rest.starts_with(**p))
        else {
            at += rest.chars().next().map_or(1, char::len_utf8);
            continue;
        };
        if at > 0 && (bytes[at - 1].is_ascii_alphanumeric() || bytes[at - 1] == b'_') {
            at += start.len();
            continue;
        }
        let mut base: Vec<String> = match *start {
            "crate::" => Vec::new(),
            "self::" => module.to_vec(),
            _ => module[..module.len().saturating_sub(1)].to_vec(),
        };
        let mut tail = &rest[start.len()..];
        while let Some(more) = tail.strip_prefix("super::") {
            base.pop();
            tail = more;
        }
        let (trees, used) = use_tree(tail);
        for tree in trees {
            let mut path = base.clone();
            path.extend(tree);
            paths.push(path);
        }
        at += start.len() + (rest.len() - start.len() - tail.len()) + used.max(1);
    }
    paths
}

/// The paths of one use tree at the start of `text` (`a::b`, `{a, b::{c, d}}`)
/// and how many bytes it spans.
fn use_tree(text: &str) -> (Vec<Vec<String>>, usize) {
    let ident: String = text
        .chars()
        .take_while(|c| c.is_alphanumeric() || *c == '_')
        .collect();
    if !ident.is_empty() {
        let after = &text[ident.len()..];
        if let Some(rest) = after.strip_prefix("::") {
            let (subs, used) = use_tree(rest);
            let subs = if subs.is_empty() { vec![vec![]] } else { subs };
            let paths = subs
                .into_iter()
                .map(|sub| std::iter::once(ident.clone()).chain(sub).collect())
                .collect();
            return (paths, ident.len() + 2 + used);
        }
        return (vec![vec![ident.clone()]], ident.len());
    }
    let Some(group) = text.strip_prefix('{') else {
        return (Vec::new(), 0);
    };
    let mut paths = Vec::new();
    let mut at = 0;
    while at < group.len() {
        let rest = &group[at..];
        let skip = rest.len() - rest.trim_start_matches([' ', '\n', ',', '\t']).len();
        if skip > 0 {
            at += skip;
            continue;
        }
        if rest.starts_with('}') {
            return (paths, at + 2);
        }
        let (subs, used) = use_tree(rest);
        paths.extend(subs);
        // `self`, `*`, `as` renames: step over what the tree did not consume.
        at += used.max(1);
    }
    (paths, text.len())
}

/// The edges that lie on a cycle: `a -> b` where `a` is reachable from `b`.
fn cycle_edges(graph: &Graph) -> BTreeSet<(String, String)> {
    let mut edges = BTreeSet::new();
    for (from, targets) in graph {
        for to in targets {
            if reaches(graph, to, from) {
                edges.insert((from.clone(), to.clone()));
            }
        }
    }
    edges
}

fn reaches(graph: &Graph, from: &str, to: &str) -> bool {
    let mut seen = BTreeSet::new();
    let mut stack = vec![from.to_string()];
    while let Some(node) = stack.pop() {
        if node == to {
            return true;
        }
        if seen.insert(node.clone()) {
            stack.extend(graph.get(&node).into_iter().flatten().cloned());
        }
    }
    false
}
