//! The arguments of `hctl checklist` as clap parses them; `commands::checklist` acts on them.

use chrono::{DateTime, Utc};
use clap::{Args, Subcommand};

#[derive(Debug, Subcommand)]
pub enum ChecklistCommand {
    /// List the checklists with their item counts
    #[command(after_help = "Examples:\n  hctl checklist list")]
    List,
    /// Show every item of a checklist with its kind, owner and tick
    #[command(
        after_help = "Examples:\n  hctl checklist show pre-launch\n  hctl checklist show launch-day -o json"
    )]
    Show(NameArg),
    /// Tick items off (no ITEM: choose from the open items interactively)
    #[command(
        after_help = "Examples:\n  hctl checklist tick launch-day                        # pick items on a terminal\n  hctl checklist tick pre-launch pentest --note 'report in drive' --as ana\n  hctl checklist tick pre-launch pentest --evidence https://drive.example/pentest.pdf\n  hctl checklist tick pre-launch load-test --evidence k6-summary.json   # records its SHA-256"
    )]
    Tick(TickArgs),
    /// Take back a tick or a waiver
    #[command(
        after_help = "Examples:\n  hctl checklist untick pre-launch pentest --note 'finding reopened'"
    )]
    Untick(UntickArgs),
    /// Let an item pass as `waived` until a date, with the reason on record
    #[command(
        after_help = "Examples:\n  hctl checklist waive pre-launch pentest --reason 'retest booked for 12-10' --until 2026-12-10\n  hctl checklist waive pre-launch tls-expiry --reason 'cert renewal in progress' --until 2026-12-03T18:00:00Z --as ana"
    )]
    Waive(WaiveArgs),
    /// Progress per section; --require-complete exits 1 while a critical item is open
    #[command(
        after_help = "Examples:\n  hctl checklist status\n  hctl checklist status pre-launch --require-complete   # exit 1 naming what is open"
    )]
    Status(StatusArgs),
    /// Every tick and untick of a checklist, oldest first
    #[command(after_help = "Examples:\n  hctl checklist log pre-launch")]
    Log(NameArg),
    /// Sign-off report: automated results and manual ticks with names and times
    #[command(
        after_help = "Examples:\n  hctl checklist report pre-launch -o markdown > signoff.md\n  hctl checklist report pre-launch --tag local --no-checks"
    )]
    Report(ReportArgs),
}

#[derive(Debug, Args)]
pub struct NameArg {
    /// Checklist name or file
    pub name: String,
}

#[derive(Debug, Args)]
pub struct TickArgs {
    #[command(flatten)]
    pub marks: UntickArgs,
    /// A link (http/https) or a local file that proves it; a file is recorded
    /// by path and SHA-256
    #[arg(long, value_name = "URL|FILE")]
    pub evidence: Option<String>,
}

#[derive(Debug, Args)]
pub struct UntickArgs {
    /// Checklist name or file
    pub name: String,
    /// Item ids (without ids: pick from a list on a terminal)
    pub items: Vec<String>,
    /// Why, or where the evidence is
    #[arg(long)]
    pub note: Option<String>,
    /// Who ticks (default: $USER)
    #[arg(long = "as", value_name = "WHO")]
    pub actor: Option<String>,
}

#[derive(Debug, Args)]
pub struct WaiveArgs {
    /// Checklist name or file
    pub name: String,
    /// Item id
    pub item: String,
    /// Why the item may pass without being done (kept in the audit log)
    #[arg(long)]
    pub reason: String,
    /// Last day of the waiver (YYYY-MM-DD, through the end of that day UTC),
    /// or an RFC 3339 time
    #[arg(long, value_name = "DATE", value_parser = crate::timestamp::parse_until)]
    pub until: DateTime<Utc>,
    /// Who waives (default: $USER)
    #[arg(long = "as", value_name = "WHO")]
    pub actor: Option<String>,
}

#[derive(Debug, Args)]
pub struct StatusArgs {
    /// Checklist name or file (default: every checklist)
    pub name: Option<String>,
    /// Exit 1 while any critical manual item is not ticked
    #[arg(long)]
    pub require_complete: bool,
}

#[derive(Debug, Args)]
pub struct ReportArgs {
    /// Checklist name or file
    pub name: String,
    /// Do not run the automated items (report ticks only)
    #[arg(long)]
    pub no_checks: bool,
    /// Report only items with this tag (repeatable: any of them), e.g.
    /// `--tag local` so a local report never runs the production checks
    #[arg(long = "tag", value_name = "TAG")]
    pub tags: Vec<String>,
}

/// The checklist format, shown by `hctl checklist --help`.
pub const FORMAT_HELP: &str = "\
Launch checklists: list, show, tick off, and report.

Checklists are YAML files. pre-launch, launch-day, post-launch and compliance
are shipped inside hctl; a project's checklists/ beside hctl.yaml (or the
config's `checklists_dir:`) replaces a shipped one of the same file name and
adds the others; -c FILE names any file. `hctl checklist list` shows each
one's origin. The format:

  name: pre-launch                 # used by `hctl checklist tick pre-launch ...`
  description: Before go-live
  sections:
    - name: Infrastructure
      items:
        - id: api-health           # unique, stable: ticks follow ids
          title: API health endpoint answers
          severity: critical       # critical (default) | warning | info
          owner: DevOps Engineer   # role responsible (manual items)
          tags: [local, production]
          check:                   # automated: http, flow, openapi, load, headers,
            kind: http             # tls, dns, postgres, redis, s3, prometheus,
                                   # command, kubernetes, manifests, flags, rollout,
                                   # backup
            url: \"{{ env.url }}/api/healthz\"
            json: { status: ok }
          timeout: 5s              # per attempt (default 10s)
          retries: 2               # extra attempts after a failure
          retry_delay: 1s
        - id: pentest
          title: Penetration test completed
          owner: Security Lead
          manual: true             # ticked by a person
          valid_for: 30d           # optional: an older tick no longer counts

`{{ env.KEY }}` is replaced by the selected environment's setting KEY; an item
whose setting is unset there is skipped as not applicable. Unknown keys,
duplicate ids, bad durations and unknown kinds are errors with file:line:column
(exit 2). Ticks (with their --evidence) and waivers are stored in the
environment's database (`database_url`).";
