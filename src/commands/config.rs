//! `hctl config show | validate`.

use anyhow::Result;
use chrono::Utc;
use comfy_table::Cell;
use serde::Serialize;

use super::{Ctx, TABLE_OR_JSON};
use crate::cli::config::ConfigCommand;
use crate::config::{Source, process_env, redact::redact_url};
use crate::exit::{Exit, UsageError};
use crate::output::{self, Format};
use crate::validate::{self, Level, project_files};

pub fn run(ctx: &Ctx, cmd: ConfigCommand) -> Result<Exit> {
    match cmd {
        ConfigCommand::Show => show(ctx),
        ConfigCommand::Validate => validate(ctx),
    }
}

#[derive(Serialize)]
struct ShownValue<'a> {
    key: &'a str,
    value: String,
    source: &'a Source,
}

#[derive(Serialize)]
struct Shown<'a> {
    environment: &'a str,
    file: Option<String>,
    values: Vec<ShownValue<'a>>,
}

fn show(ctx: &Ctx) -> Result<Exit> {
    ctx.require_format("config show", TABLE_OR_JSON)?;
    let settings = ctx.settings()?;
    let shown = Shown {
        environment: &settings.env,
        file: settings.file.as_ref().map(|p| p.display().to_string()),
        values: settings
            .values()
            .map(|(key, value)| ShownValue {
                key,
                value: redact_url(&value.text),
                source: &value.source,
            })
            .collect(),
    };
    if ctx.format() == Format::Json {
        output::print_json(&shown)?;
    } else {
        {
            let mut table = ctx.style.table(&["KEY", "VALUE", "SOURCE"]);
            for v in &shown.values {
                table.add_row(vec![
                    Cell::new(v.key),
                    Cell::new(&v.value),
                    Cell::new(v.source),
                ]);
            }
            let file = shown.file.as_deref().unwrap_or("none");
            output::print(&format!(
                "environment: {}\nconfig file: {file}\n",
                shown.environment
            ))?;
            output::print_table(&table)?;
        }
    }
    Ok(Exit::Success)
}

fn validate(ctx: &Ctx) -> Result<Exit> {
    let files = project_files(ctx.global.config.as_deref());
    let validation =
        validate::validate_all(&files, &process_env, &super::playbook::findings, Utc::now());
    match ctx.format() {
        Format::Json => output::print_json(&validation)?,
        _ => ctx.print_report(&validation.report)?,
    }
    let files = &validation.files;
    if files.invalid > 0 {
        let errors = validation
            .problems
            .iter()
            .filter(|p| p.level == Level::Error)
            .count();
        return Err(UsageError::new(format!(
            "{} of {} files invalid ({errors} {})",
            files.invalid,
            files.total,
            if errors == 1 { "problem" } else { "problems" }
        ))
        .into());
    }
    if files.total == 0 {
        output::note(&ctx.style, "nothing to validate: no hctl.yaml here");
    }
    Ok(Exit::Success)
}
