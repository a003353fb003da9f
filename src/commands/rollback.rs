//! `hctl rollback`: `kubectl rollout undo` semantics plus a schema-version
//! safety check against the live database, confirmation in production, and
//! the same wait and health probe as `rollout apply`.

use anyhow::Result;
use serde::Serialize;

use super::rollout::{RolloutResult, failure, finish};
use super::{Ctx, TABLE_OR_JSON};
use crate::cli::rollback::RollbackArgs;
use crate::exit::Exit;
use crate::kube::AppDeployment;
use crate::kube::rollback::{self, Plan};
use crate::output::{self, Format};
use crate::ui::confirm::Scope;

#[derive(Serialize)]
struct RollbackOutput {
    deployment: String,
    namespace: String,
    result: &'static str,
    from: Option<u64>,
    to: Option<u64>,
    images: Vec<String>,
    schema_version: Option<i64>,
    database_schema_version: Option<i64>,
    dry_run: bool,
    rollout: Option<RolloutResult>,
}

pub async fn run(ctx: &Ctx, args: RollbackArgs) -> Result<Exit> {
    ctx.require_format("rollback", TABLE_OR_JSON)?;
    let settings = ctx.settings()?;
    let change = ctx.change("hctl rollback", Scope::Production, args.dry_run)?;
    let target = AppDeployment::connect(settings).await?;
    let mut out = RollbackOutput {
        deployment: target.deployment.clone(),
        namespace: target.namespace.clone(),
        result: "",
        from: None,
        to: None,
        images: Vec::new(),
        schema_version: None,
        database_schema_version: None,
        dry_run: args.dry_run,
        rollout: None,
    };
    let plan = rollback::plan(&target, args.to_revision).await?;
    let exit = match plan {
        Plan::NothingToRollBack => {
            out.result = "nothing_to_roll_back";
            failure(&format!(
                "deployment `{}` has a single revision: nothing to roll back to",
                target.deployment
            ));
            Exit::Failed
        }
        Plan::AlreadyAt(revision) => {
            out.result = "already_at_revision";
            out.to = Some(revision);
            output::note(
                &ctx.style,
                &format!(
                    "deployment `{}` already runs the template of revision {revision}: nothing to do",
                    target.deployment
                ),
            );
            Exit::Success
        }
        Plan::Rollback(rb) => {
            out.from = rb.from;
            out.to = Some(rb.to);
            out.images = rb.images.clone();
            out.schema_version = rb.schema_version;
            if args.force {
                output::note(&ctx.style, "--force: skipping the schema version check");
            } else {
                let live = rollback::check_schema(&rb, settings.require("database_url")?).await?;
                out.database_schema_version = Some(live);
                if rb.schema_version.is_none() {
                    output::note(
                        &ctx.style,
                        &format!(
                            "revision {} records no schema version: cannot compare with the database (at {live})",
                            rb.to
                        ),
                    );
                }
            }
            let from = rb
                .from
                .map(|f| format!("revision {f}"))
                .unwrap_or_else(|| "the current revision".into());
            change.confirm(&format!(
                "roll back deployment `{}` in `{}` from {from} to revision {}",
                target.deployment, settings.env, rb.to
            ))?;
            let generation = rollback::execute(&target, &rb, args.dry_run).await?;
            out.result = if args.dry_run {
                "would_roll_back"
            } else {
                "rolled_back"
            };
            let verb = if args.dry_run {
                "dry run: would roll back"
            } else {
                "rolled back"
            };
            output::note(
                &ctx.style,
                &format!(
                    "{verb} deployment `{}` from {from} to revision {} ({})",
                    target.deployment,
                    rb.to,
                    rb.images.join(", ")
                ),
            );
            if args.wait.wait && !args.dry_run {
                let (exit, result) = finish(ctx, &target, generation, &args.wait).await?;
                out.rollout = Some(result);
                exit
            } else {
                Exit::Success
            }
        }
    };
    if ctx.format() == Format::Json {
        output::print_json(&out)?;
    }
    Ok(exit)
}
