//! The arguments of `hctl rollout` as clap parses them; `commands::rollout` acts on them.

use clap::{Args, Subcommand};
use std::path::PathBuf;
use std::time::Duration;

#[derive(Debug, Subcommand)]
pub enum RolloutCommand {
    /// Server-side apply every manifest of the directory (field manager `hctl`),
    /// recording the change-cause and the schema version the release expects
    #[command(
        after_help = "Examples:\n  hctl rollout apply --dry-run\n  hctl --env production rollout apply --image ghcr.io/org/api:1.4.2 --wait --timeout 10m --yes"
    )]
    Apply(ApplyArgs),
    /// Say whether the Deployment's rollout is complete or still in progress
    /// (exit 0) or failed (exit 1); --wait waits for the outcome
    #[command(
        after_help = "Examples:\n  hctl rollout status\n  hctl rollout status --wait --timeout 5m"
    )]
    Status(WaitArgs),
    /// List the Deployment's revisions: change-cause, image, creation time and
    /// schema version
    #[command(after_help = "Examples:\n  hctl rollout history")]
    History,
    /// Restart every pod of the Deployment with a rolling update
    #[command(after_help = "Examples:\n  hctl --env production rollout restart --wait --yes")]
    Restart(WaitArgs),
}

/// Waiting for the rollout and probing health afterwards.
#[derive(Debug, Clone, Args)]
pub struct WaitArgs {
    /// Wait (watching the Deployment and its pods) until the rollout completes or fails
    #[arg(long)]
    pub wait: bool,
    /// Give up waiting after this long (e.g. 90s, 5m); exit 3 saying what is pending
    #[arg(long, value_name = "DURATION", default_value = "5m", value_parser = crate::duration::parse)]
    pub timeout: Duration,
    /// After a successful rollout, do not probe `{url}/api/healthz`
    #[arg(long)]
    pub no_health_check: bool,
}

#[derive(Debug, Args)]
pub struct ApplyArgs {
    /// Directory of manifests to apply (default: the `kube.manifests` setting)
    #[arg(short = 'f', long = "filename", value_name = "DIR")]
    pub dir: Option<PathBuf>,
    /// Image for the app container of the Deployment (e.g. ghcr.io/org/api:1.4.2)
    #[arg(long, value_name = "IMAGE")]
    pub image: Option<String>,
    /// Text for the `kubernetes.io/change-cause` annotation (default: describes the apply)
    #[arg(long, value_name = "TEXT")]
    pub change_cause: Option<String>,
    /// Database schema version this release expects (default: the latest migration hctl knows)
    #[arg(long, value_name = "N")]
    pub schema_version: Option<i64>,
    /// Ask the API server what would change without changing anything
    #[arg(long)]
    pub dry_run: bool,
    #[command(flatten)]
    pub wait: WaitArgs,
}
