//! `hctl preflight`: run checklists as a gate.

use std::collections::BTreeMap;
use std::time::Instant;

use anyhow::Result;
use chrono::Utc;
use clap::{Args, ValueEnum};

use super::Ctx;
use crate::checklist::store::Store;
use crate::checklist::{self, Action, Checklist, discover};
use crate::checks::Deps;
use crate::config::Settings;
use crate::duration;
use crate::exit::{Exit, UsageError};
use crate::output;
use crate::preflight::{self, Manual, Options, Selection};
use crate::report::{Report, Severity};
use crate::s3::S3Target;
use crate::ui::progress::Checks;

#[derive(Debug, Args)]
pub struct PreflightArgs {
    /// Checklist file or name (`pre-launch` → checklists/pre-launch.yaml); repeatable; default: every file in checklists/
    #[arg(short = 'c', long = "checklist", value_name = "FILE|NAME")]
    pub checklists: Vec<String>,
    /// Run only items with this tag (repeatable: any of them)
    #[arg(long = "tag", value_name = "TAG")]
    pub tags: Vec<String>,
    /// Run only this item id (repeatable)
    #[arg(long, value_name = "ID")]
    pub only: Vec<String>,
    /// Leave out this item id (repeatable)
    #[arg(long, value_name = "ID")]
    pub exclude: Vec<String>,
    /// Lowest severity whose failure fails the run (exit 1)
    #[arg(long, value_enum, default_value_t = FailOn::Critical)]
    pub fail_on: FailOn,
    /// Checks in flight at once
    #[arg(long, default_value_t = preflight::DEFAULT_CONCURRENCY, value_name = "N")]
    pub concurrency: usize,
    /// Do not count unticked manual items as failures (they are skipped)
    #[arg(long)]
    pub skip_manual: bool,
    /// Pass even when every selected item was skipped (by default a run that
    /// verified nothing fails: exit 1)
    #[arg(long)]
    pub allow_empty: bool,
    /// Overall time limit; checks still running then fail with a timeout (e.g. 90s, 5m)
    #[arg(long, default_value = "5m", value_name = "DURATION", value_parser = duration::parse)]
    pub deadline: std::time::Duration,
}

/// `--fail-on`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FailOn {
    /// Only failed critical items fail the run.
    Critical,
    /// Failed warning and critical items fail the run.
    Warning,
}

impl FailOn {
    pub fn severity(self) -> Severity {
        match self {
            FailOn::Critical => Severity::Critical,
            FailOn::Warning => Severity::Warning,
        }
    }
}

/// `{{ env.KEY }}` lookups from the selected environment.
pub(crate) fn lookup(settings: &Settings) -> impl Fn(&str) -> Option<String> + '_ {
    |key| settings.get(key).map(str::to_string)
}

/// What checks need from the settings.
pub(crate) fn deps(settings: &Settings) -> Deps {
    Deps {
        s3: S3Target::from_settings(settings),
        latest_schema: Some(crate::store::migrate::latest_known()),
        settings: settings.clone(),
    }
}

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
    Ok(ctx.gate(&report, args.fail_on.severity(), args.allow_empty))
}
