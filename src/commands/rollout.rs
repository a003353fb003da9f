//! `hctl rollout apply | status | history | restart`.

use std::io::Write;
use std::path::PathBuf;
use std::time::Duration;

use anyhow::{Result, anyhow};
use comfy_table::Cell;
use serde::Serialize;
use serde_json::json;

use super::{Ctx, TABLE_OR_JSON};
use crate::cli::rollout::{ApplyArgs, RolloutCommand, WaitArgs};
use crate::exit::{Exit, UsageError};
use crate::kube::apply::{self, Change, Release};
use crate::kube::wait::{self, RolloutEnd};
use crate::kube::{AppDeployment, health, history, manifests, schema};
use crate::output::{self, Format};
use crate::ui::confirm::Scope;
use crate::ui::progress::Progress;

pub async fn run(ctx: &Ctx, cmd: RolloutCommand) -> Result<Exit> {
    match cmd {
        RolloutCommand::Apply(args) => apply_cmd(ctx, args).await,
        RolloutCommand::Status(args) => status(ctx, args).await,
        RolloutCommand::History => history_cmd(ctx).await,
        RolloutCommand::Restart(args) => restart(ctx, args).await,
    }
}

/// An error line on stderr that `--quiet` does not hide.
pub(crate) fn failure(text: &str) {
    let _ = writeln!(std::io::stderr(), "error: {text}");
}

/// The end of a rollout as JSON shows it.
#[derive(Debug, Serialize)]
pub struct RolloutResult {
    pub outcome: &'static str,
    pub detail: String,
    pub health: Option<String>,
}

/// Wait for the rollout (generation ≥ `generation`) and probe health.
/// Timeouts and API failures are errors (exit 3); a failed rollout or health
/// probe is `Exit::Failed`.
pub(crate) async fn finish(
    ctx: &Ctx,
    target: &AppDeployment,
    generation: i64,
    args: &WaitArgs,
) -> Result<(Exit, RolloutResult)> {
    let progress = Progress::new(&ctx.style);
    let spinner = progress.spinner(format!("waiting for deployment `{}`", target.deployment));
    let outcome = wait::rollout(target, generation, args.timeout, |c, pending| {
        spinner.set_message(format!(
            "{}/{} updated, {}/{} available: {pending}",
            c.updated, c.desired, c.available, c.desired
        ));
    })
    .await;
    spinner.finish_and_clear();
    match outcome? {
        RolloutEnd::Complete(detail) => {
            output::note(&ctx.style, &detail);
            if args.no_health_check {
                return Ok((
                    Exit::Success,
                    RolloutResult {
                        outcome: "complete",
                        detail,
                        health: None,
                    },
                ));
            }
            let url = ctx.settings()?.require("url")?;
            match health::probe(url, 5).await {
                Ok(line) => {
                    output::note(&ctx.style, &format!("health: {line}"));
                    Ok((
                        Exit::Success,
                        RolloutResult {
                            outcome: "complete",
                            detail,
                            health: Some(line),
                        },
                    ))
                }
                Err(err) => {
                    failure(&format!("{err:#}"));
                    Ok((
                        Exit::Failed,
                        RolloutResult {
                            outcome: "unhealthy",
                            detail,
                            health: Some(format!("{err:#}")),
                        },
                    ))
                }
            }
        }
        RolloutEnd::Failed(detail) => {
            failure(&format!("rollout failed: {detail}"));
            Ok((
                Exit::Failed,
                RolloutResult {
                    outcome: "failed",
                    detail,
                    health: None,
                },
            ))
        }
        RolloutEnd::TimedOut(pending) => Err(anyhow!(
            "timed out after {}s waiting for the rollout of deployment `{}` in namespace `{}`: still pending: {pending}",
            args.timeout.as_secs(),
            target.deployment,
            target.namespace
        )),
    }
}

#[derive(Serialize)]
struct ApplyOutput {
    dry_run: bool,
    changes: Vec<Change>,
    rollout: Option<RolloutResult>,
}

async fn apply_cmd(ctx: &Ctx, args: ApplyArgs) -> Result<Exit> {
    ctx.require_format("rollout apply", TABLE_OR_JSON)?;
    let settings = ctx.settings()?;
    let dir = match &args.dir {
        Some(dir) => dir.clone(),
        None => PathBuf::from(settings.require("kube.manifests")?),
    };
    if !dir.is_dir() {
        return Err(UsageError::new(format!(
            "manifests directory `{}` does not exist (pass -f DIR or set `kube.manifests`)",
            dir.display()
        ))
        .into());
    }
    let mut docs = manifests::load(&dir)?;
    if docs.is_empty() {
        return Err(UsageError::new(format!(
            "no manifests (*.yaml, *.yml) in `{}`",
            dir.display()
        ))
        .into());
    }
    let change = ctx.change("hctl rollout apply", Scope::Production, args.dry_run)?;
    let target = AppDeployment::connect(settings).await?;
    let release = Release {
        image: args.image.clone(),
        change_cause: args
            .change_cause
            .clone()
            .unwrap_or_else(|| match &args.image {
                Some(image) => format!("hctl rollout apply -f {} --image {image}", dir.display()),
                None => format!("hctl rollout apply -f {}", dir.display()),
            }),
        schema_version: args.schema_version.or_else(schema::latest_known),
    };
    if args.image.is_some()
        && !docs
            .iter()
            .any(|m| m.kind == "Deployment" && m.name == target.deployment)
    {
        return Err(UsageError::new(format!(
            "--image: no Deployment `{}` in `{}` (the `kube.deployment` setting)",
            target.deployment,
            dir.display()
        ))
        .into());
    }
    if release.schema_version.is_none() {
        output::note(
            &ctx.style,
            "no --schema-version: the release records no schema version, so a later rollback to it cannot be checked against the database",
        );
    }
    for doc in &mut docs {
        apply::stamp(doc, &target.deployment, &release)?;
    }
    change.confirm(&format!(
        "apply {} manifests from `{}` to namespace `{}` of `{}`{}",
        docs.len(),
        dir.display(),
        target.namespace,
        settings.env,
        args.image
            .as_deref()
            .map(|i| format!(" with image `{i}`"))
            .unwrap_or_default()
    ))?;
    let changes = apply::apply(&target, &docs, args.dry_run).await?;
    let generation = changes
        .iter()
        .find(|c| c.kind == "Deployment" && c.name == target.deployment)
        .and_then(|c| c.generation);
    let mut out = ApplyOutput {
        dry_run: args.dry_run,
        changes,
        rollout: None,
    };
    if ctx.format() == Format::Table {
        let mut table = ctx
            .style
            .table(&["KIND", "NAME", "NAMESPACE", "RESULT", "CHANGED"]);
        for c in &out.changes {
            let result = if args.dry_run {
                format!("{} (dry run)", c.action.as_str())
            } else {
                c.action.as_str().to_string()
            };
            table.add_row(vec![
                Cell::new(&c.kind),
                Cell::new(&c.name),
                Cell::new(c.namespace.as_deref().unwrap_or("-")),
                Cell::new(result),
                Cell::new(c.changed.join("\n")),
            ]);
        }
        output::print_table(&table)?;
    }
    let mut exit = Exit::Success;
    if args.wait.wait && args.dry_run {
        output::note(
            &ctx.style,
            "dry run: nothing changed, so there is no rollout to wait for",
        );
    }
    if args.wait.wait && !args.dry_run {
        let (e, result) = finish(ctx, &target, generation.unwrap_or(0), &args.wait).await?;
        exit = e;
        out.rollout = Some(result);
    }
    if ctx.format() == Format::Json {
        output::print_json(&out)?;
    }
    Ok(exit)
}

#[derive(Serialize)]
struct StatusOutput {
    deployment: String,
    namespace: String,
    revision: Option<u64>,
    desired: i32,
    updated: i32,
    available: i32,
    state: &'static str,
    detail: String,
}

async fn status(ctx: &Ctx, args: WaitArgs) -> Result<Exit> {
    ctx.require_format("rollout status", TABLE_OR_JSON)?;
    let target = AppDeployment::connect(ctx.settings()?).await?;
    let (exit, state, detail) = if args.wait {
        let (exit, result) = finish(ctx, &target, 0, &args).await?;
        (exit, result.outcome, result.detail)
    } else {
        match wait::rollout(&target, 0, Duration::ZERO, |_, _| {}).await? {
            RolloutEnd::Complete(d) => (Exit::Success, "complete", d),
            RolloutEnd::Failed(d) => (Exit::Failed, "failed", d),
            // As `kubectl rollout status --watch=false`: a rollout still in
            // progress is not a failure; --wait gates on its end.
            RolloutEnd::TimedOut(d) => {
                output::note(
                    &ctx.style,
                    "rollout in progress; `hctl rollout status --wait` waits for it to finish (exit 1 if it fails)",
                );
                (Exit::Success, "progressing", d)
            }
        }
    };
    let dep = target.get_deployment().await?;
    let counts = wait::counts(&dep);
    let out = StatusOutput {
        deployment: target.deployment.clone(),
        namespace: target.namespace.clone(),
        revision: dep
            .metadata
            .annotations
            .as_ref()
            .and_then(history::revision_of),
        desired: counts.desired,
        updated: counts.updated,
        available: counts.available,
        state,
        detail,
    };
    if ctx.format() == Format::Json {
        output::print_json(&out)?;
    } else {
        let mut table = ctx.style.table(&[
            "DEPLOYMENT",
            "REVISION",
            "UPDATED",
            "AVAILABLE",
            "STATE",
            "DETAIL",
        ]);
        table.add_row(vec![
            Cell::new(format!("{}/{}", out.namespace, out.deployment)),
            Cell::new(
                out.revision
                    .map(|r| r.to_string())
                    .unwrap_or_else(|| "-".into()),
            ),
            Cell::new(format!("{}/{}", out.updated, out.desired)),
            Cell::new(format!("{}/{}", out.available, out.desired)),
            Cell::new(out.state),
            Cell::new(&out.detail),
        ]);
        output::print_table(&table)?;
    }
    Ok(exit)
}

async fn history_cmd(ctx: &Ctx) -> Result<Exit> {
    ctx.require_format("rollout history", TABLE_OR_JSON)?;
    let target = AppDeployment::connect(ctx.settings()?).await?;
    let rows = history::history(&target).await?;
    if ctx.format() == Format::Json {
        output::print_json(&rows)?;
        return Ok(Exit::Success);
    }
    let mut table = ctx
        .style
        .table(&["REVISION", "CHANGE-CAUSE", "IMAGE", "CREATED", "SCHEMA"]);
    for r in &rows {
        let revision = if r.current {
            format!("{} (current)", r.revision)
        } else {
            r.revision.to_string()
        };
        table.add_row(vec![
            Cell::new(revision),
            Cell::new(r.change_cause.as_deref().unwrap_or("<none>")),
            Cell::new(r.images.join(", ")),
            Cell::new(r.created.as_deref().unwrap_or("-")),
            Cell::new(
                r.schema_version
                    .map(|v| v.to_string())
                    .unwrap_or_else(|| "-".into()),
            ),
        ]);
    }
    output::print_table(&table)?;
    Ok(Exit::Success)
}

async fn restart(ctx: &Ctx, args: WaitArgs) -> Result<Exit> {
    ctx.require_format("rollout restart", TABLE_OR_JSON)?;
    let change = ctx.change("hctl rollout restart", Scope::Production, false)?;
    let target = AppDeployment::connect(ctx.settings()?).await?;
    change.confirm(&format!(
        "restart every pod of deployment `{}` in namespace `{}` of `{}`",
        target.deployment,
        target.namespace,
        ctx.settings()?.env
    ))?;
    let restarted = target.restart().await?;
    let now = &restarted.at;
    output::note(
        &ctx.style,
        &format!("deployment `{}` restarted at {now}", target.deployment),
    );
    let mut result = None;
    let mut exit = Exit::Success;
    if args.wait {
        let (e, r) = finish(ctx, &target, restarted.generation, &args).await?;
        exit = e;
        result = Some(r);
    }
    if ctx.format() == Format::Json {
        output::print_json(
            &json!({"deployment": target.deployment, "restarted_at": now, "rollout": result}),
        )?;
    }
    Ok(exit)
}
