//! `hctl preflight`: run checklists as a gate.

use std::collections::BTreeMap;
use std::time::Instant;

use anyhow::Result;
use chrono::Utc;

use super::Ctx;
use crate::checklist::store::Store;
use crate::checklist::{self, Action, Checklist, discover};
use crate::cli::preflight::{FailOn, PreflightArgs};
use crate::config::Settings;
use crate::exit::{Exit, UsageError};
use crate::output;
use crate::preflight::{self, Manual, Options, Selection};
use crate::report::{Report, Severity};
use crate::ui::progress::Checks;

impl FailOn {
    pub fn severity(self) -> Severity {
        match self {
            FailOn::Critical => Severity::Critical,
            FailOn::Warning => Severity::Warning,
        }
    }
}

pub(crate) use crate::preflight::{deps, lookup};

/// Current ticks of the checklists' manual items, from the environment's database.
pub(crate) async fn manual_state(settings: &Settings, checklists: &[Checklist]) -> Manual {
    let Some(url) = settings.get("database_url") else {
        return Manual::Unknown("`database_url` is not set".into());
    };
    let mut ticks = BTreeMap::new();
    for c in checklists {
        match Store::read_ticks(url, &c.name).await {
            Ok(found) => ticks.extend(found.into_iter().map(|(id, t)| ((c.name.clone(), id), t))),
            Err(err) => return Manual::Unknown(format!("{err:#}").replace('\n', " ")),
        }
    }
    Manual::Ticks(ticks)
}

pub async fn run(ctx: &Ctx, args: PreflightArgs) -> Result<Exit> {
    let deadline = args.deadline;
    if args.concurrency == 0 {
        return Err(UsageError::new("--concurrency must be at least 1").into());
    }
    let settings = ctx.settings()?;
    let sources = discover::resolve(&discover::project_dir(settings), &args.checklists)?;
    let checklists = checklist::load_all(&sources, &lookup(settings))?;
    let selection = Selection {
        tags: args.tags,
        only: args.only,
        exclude: args.exclude,
    };
    let plan = preflight::select(&checklists, &selection)?;
    let has_manual = plan
        .iter()
        .any(|p| matches!(p.entry.action, Action::Manual));
    // Marks are read when manual items need them or a database may hold
    // waivers of automated items; without a database there are neither.
    let marks = if has_manual || settings.get("database_url").is_some() {
        manual_state(settings, &checklists).await
    } else {
        Manual::Ticks(BTreeMap::new())
    };
    let manual = match marks {
        Manual::Ticks(marks) if args.skip_manual => Manual::Skip(marks),
        Manual::Unknown(why) if args.skip_manual || !has_manual => {
            output::diagnostic(&format!("note: waivers not read: {why}"));
            Manual::Skip(BTreeMap::new())
        }
        other => other,
    };
    let started_at = Utc::now();
    let started = Instant::now();
    let progress = Checks::new(&ctx.style, plan.len());
    let opts = Options {
        concurrency: args.concurrency,
        deadline,
    };
    let items = preflight::run(&plan, &opts, &deps(settings), &manual, &progress).await;
    progress.clear();
    let report = Report::new(
        "preflight",
        Some(settings.env.clone()),
        started_at,
        started.elapsed(),
        items,
    );
    ctx.print_report(&report)?;
    if args.record {
        let store = Store::open(settings.require("database_url")?).await?;
        let rows = preflight::record::save(&store, &settings.env, &report, &plan).await?;
        output::note(
            &ctx.style,
            &format!(
                "recorded the run of {rows} checklist(s) in `{}`",
                settings.env
            ),
        );
    }
    Ok(ctx.gate(&report, args.fail_on.severity(), args.allow_empty))
}
