//! Completions and man pages, generated from the clap definition. The committed
//! copies in `completions/` and `man/` are written by `scripts/gen-docs`, and a
//! test fails when they differ from what this module produces.

use clap::CommandFactory;
use clap_complete::Shell;
use clap_complete::env::Shells;

use super::{Cli, complete};
use crate::exit::EXIT_CODES_HELP;

/// The completion script for `shell`: it registers `hctl` (found on PATH) as
/// its own completer, so what is completed is always what the installed
/// binary knows (see [`complete`]). The same bytes on every machine, so the
/// committed copies can be compared.
pub fn completions(shell: Shell) -> std::io::Result<Vec<u8>> {
    let mut buf = Vec::new();
    match Shells::builtins().completer(&shell.to_string()) {
        Some(dynamic) => {
            dynamic.write_registration(complete::VAR, "hctl", "hctl", "hctl", &mut buf)?
        }
        // A shell clap_complete knows only statically: commands and flags.
        None => clap_complete::generate(shell, &mut Cli::command(), "hctl", &mut buf),
    }
    Ok(buf)
}

/// The file name a completion script is committed under.
pub fn completion_file(shell: Shell) -> String {
    match shell {
        Shell::Bash => "hctl.bash".into(),
        Shell::Zsh => "_hctl".into(),
        Shell::Fish => "hctl.fish".into(),
        Shell::PowerShell => "_hctl.ps1".into(),
        Shell::Elvish => "hctl.elv".into(),
        _ => format!("hctl.{shell}"),
    }
}

/// The shells whose completions are committed.
pub const SHELLS: [Shell; 5] = [
    Shell::Bash,
    Shell::Zsh,
    Shell::Fish,
    Shell::PowerShell,
    Shell::Elvish,
];

/// Every man page: `hctl.1` and `hctl-<sub>[-<subsub>].1`, as (file name, roff).
pub fn man_pages() -> std::io::Result<Vec<(String, Vec<u8>)>> {
    // `hctl help CMD` is `hctl CMD --help`: no page of its own, so no page
    // may refer to one.
    let mut cmd = without_help_subcommand(Cli::command());
    cmd.build();
    let mut pages = Vec::new();
    render(&cmd, "hctl", &mut pages)?;
    Ok(pages)
}

fn without_help_subcommand(cmd: clap::Command) -> clap::Command {
    cmd.disable_help_subcommand(true)
        .mut_subcommands(without_help_subcommand)
}

fn render(
    cmd: &clap::Command,
    name: &str,
    pages: &mut Vec<(String, Vec<u8>)>,
) -> std::io::Result<()> {
    let page_cmd = cmd.clone().name(name.to_string());
    let man = clap_mangen::Man::new(page_cmd);
    let mut buf = Vec::new();
    man.render_title(&mut buf)?;
    man.render_name_section(&mut buf)?;
    man.render_synopsis_section(&mut buf)?;
    man.render_description_section(&mut buf)?;
    man.render_options_section(&mut buf)?;
    if cmd.has_subcommands() {
        man.render_subcommands_section(&mut buf)?;
    }
    buf.extend_from_slice(exit_status_section().as_bytes());
    man.render_version_section(&mut buf)?;
    pages.push((format!("{name}.1"), literal_blocks(&buf)));
    for sub in cmd.get_subcommands() {
        render(sub, &format!("{name}-{}", sub.get_name()), pages)?;
    }
    Ok(())
}

fn exit_status_section() -> String {
    let mut roff = String::from(".SH \"EXIT STATUS\"\n");
    for line in EXIT_CODES_HELP.lines().skip(1) {
        let line = line.trim();
        if let Some((code, text)) = line.split_once(char::is_whitespace) {
            roff.push_str(&format!(".TP\n\\fB{code}\\fR\n{}\n", text.trim()));
        }
    }
    roff
}

/// Indented text in help (the YAML examples) is shown as written: each run of
/// lines that start with a space goes between `.nf` and `.fi`, so `man`
/// neither fills nor justifies it at narrow widths.
fn literal_blocks(roff: &[u8]) -> Vec<u8> {
    let text = String::from_utf8_lossy(roff);
    let mut out = String::with_capacity(text.len() + 64);
    let mut literal = false;
    for line in text.split_inclusive('\n') {
        let indented = line.starts_with(' ');
        if indented && !literal {
            out.push_str(".nf\n");
        } else if !indented && literal {
            out.push_str(".fi\n");
        }
        literal = indented;
        out.push_str(line);
    }
    if literal {
        out.push_str(".fi\n");
    }
    out.into_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yaml_examples_are_not_filled_in_man_pages() {
        let pages = man_pages().unwrap();
        let (_, checklist) = pages
            .iter()
            .find(|(name, _)| name == "hctl-checklist.1")
            .unwrap();
        let roff = String::from_utf8_lossy(checklist);
        assert!(roff.contains(".nf\n  name: pre\\-launch"), "{roff}");
        for (name, page) in &pages {
            let mut literal = false;
            for line in String::from_utf8_lossy(page).lines() {
                match line {
                    ".nf" => literal = true,
                    ".fi" => literal = false,
                    _ if line.starts_with(' ') => {
                        assert!(literal, "{name}: indented line outside .nf: {line:?}")
                    }
                    _ => {}
                }
            }
            assert!(!literal, "{name}: .nf without .fi");
        }
    }

    #[test]
    fn literal_blocks_wrap_each_indented_run() {
        let got = literal_blocks(b"text\n  a: 1\n  b: 2\nmore\n  c\n");
        assert_eq!(
            String::from_utf8(got).unwrap(),
            "text\n.nf\n  a: 1\n  b: 2\n.fi\nmore\n.nf\n  c\n.fi\n"
        );
    }
}
