//! `hctl completions SHELL` and `hctl man [--out DIR]`.

use anyhow::{Context, Result};

use super::Ctx;
use crate::cli::docs::{CompletionsArgs, ManArgs};
use crate::cli::generate;
use crate::exit::Exit;
use crate::output::{self, note};

pub fn completions(args: CompletionsArgs) -> Result<Exit> {
    let script = generate::completions(args.shell)
        .with_context(|| format!("failed to write the {} completion script", args.shell))?;
    output::print(&String::from_utf8_lossy(&script))?;
    Ok(Exit::Success)
}

pub fn man(ctx: &Ctx, args: ManArgs) -> Result<Exit> {
    let pages = generate::man_pages().context("failed to render the man pages")?;
    let Some(dir) = args.out else {
        let (_, top) = &pages[0];
        output::print(&String::from_utf8_lossy(top))?;
        return Ok(Exit::Success);
    };
    std::fs::create_dir_all(&dir)
        .with_context(|| format!("failed to create `{}`", dir.display()))?;
    for (name, roff) in &pages {
        let path = dir.join(name);
        std::fs::write(&path, roff)
            .with_context(|| format!("failed to write `{}`", path.display()))?;
    }
    note(
        &ctx.style,
        &format!("wrote {} man pages to `{}`", pages.len(), dir.display()),
    );
    Ok(Exit::Success)
}
