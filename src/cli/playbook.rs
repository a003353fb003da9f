//! The arguments of `hctl playbook` as clap parses them; `commands::playbook` acts on them.

use clap::{Args, Subcommand};

#[derive(Debug, Subcommand)]
pub enum PlaybookCommand {
    /// List the playbooks with their phases and steps
    #[command(after_help = "Examples:\n  hctl playbook list")]
    List,
    /// Show a playbook's plan: every step in order, the rollback section last
    #[command(
        after_help = "Examples:\n  hctl playbook show launch\n  hctl playbook show incident -o json"
    )]
    Show(ShowArgs),
    /// Start a run: steps in order, recorded in the ledger; prints the run id on stderr
    #[command(
        after_help = "Examples:\n  hctl playbook run launch --param image=ghcr.io/org/api:1.4.2 --dry-run\n  hctl --env production playbook run launch --param image=ghcr.io/org/api:1.4.2\n  hctl playbook run incident --param severity=P1 --param summary='login errors' --yes"
    )]
    Run(RunArgs),
    /// Go on with a failed, interrupted or waiting run; passed steps are not run again
    #[command(
        after_help = "Examples:\n  hctl playbook resume launch-20261124T100000-3f2a0c\n  hctl playbook resume launch-20261124T100000-3f2a0c --from health"
    )]
    Resume(ResumeArgs),
    /// Approve a confirm step of a run (as someone other than its starter)
    #[command(
        after_help = "Examples:\n  hctl playbook approve launch-20261124T100000-3f2a0c go --as ana --note 'change #4411'"
    )]
    Approve(ApproveArgs),
    /// The runs of a playbook (default: every playbook), newest first
    #[command(
        after_help = "Examples:\n  hctl playbook runs\n  hctl playbook runs incident -o json"
    )]
    Runs(RunsArgs),
    /// Every ledger row of a run; --verify checks the hash chain (exit 1 when broken)
    #[command(
        after_help = "Examples:\n  hctl playbook log launch-20261124T100000-3f2a0c --verify\n  hctl playbook log launch-20261124T100000-3f2a0c -o markdown > signoff.md"
    )]
    Log(LogArgs),
}

#[derive(Debug, Args)]
pub struct ShowArgs {
    /// Playbook name or file
    pub name: String,
    /// Show only this phase (and the rollback section)
    #[arg(long, value_name = "PHASE")]
    pub phase: Option<String>,
}

#[derive(Debug, Args)]
pub struct RunArgs {
    /// Playbook name or file
    pub name: String,
    /// A parameter value (repeatable), e.g. --param image=ghcr.io/org/api:1.4.2
    #[arg(long = "param", value_name = "K=V")]
    pub params: Vec<String>,
    /// Run only this phase (e.g. post-launch the next day)
    #[arg(long, value_name = "PHASE")]
    pub phase: Option<String>,
    /// Render every step, run hctl steps that have a --dry-run with it, list
    /// the rest and the rollback plan; record and change nothing
    #[arg(long)]
    pub dry_run: bool,
    /// Who starts the run (default: $HCTL_ACTOR, else the OS user)
    #[arg(long = "as", value_name = "WHO")]
    pub actor: Option<String>,
}

#[derive(Debug, Args)]
pub struct ResumeArgs {
    /// Run id (or an unambiguous start of it)
    pub run: String,
    /// Run again from this step on, even the steps after it that passed
    #[arg(long, value_name = "STEP")]
    pub from: Option<String>,
    /// Who resumes the run (default: $HCTL_ACTOR, else the OS user)
    #[arg(long = "as", value_name = "WHO")]
    pub actor: Option<String>,
}

#[derive(Debug, Args)]
pub struct ApproveArgs {
    /// Run id (or an unambiguous start of it)
    pub run: String,
    /// The confirm step to approve
    pub step: String,
    /// Who approves (default: $HCTL_ACTOR, else the OS user); not the run's starter
    #[arg(long = "as", value_name = "WHO")]
    pub actor: Option<String>,
    /// Why, or where the evidence is (kept in the ledger)
    #[arg(long, value_name = "TEXT")]
    pub note: Option<String>,
}

#[derive(Debug, Args)]
pub struct RunsArgs {
    /// Playbook name (default: every playbook)
    pub name: Option<String>,
}

#[derive(Debug, Args)]
pub struct LogArgs {
    /// Run id (or an unambiguous start of it)
    pub run: String,
    /// Check the hash chain of the run's rows: exit 1 naming the first edited or missing row
    #[arg(long)]
    pub verify: bool,
}

/// The playbook format, shown by `hctl playbook --help`.
pub const FORMAT_HELP: &str = "\
Launch, rollback and incident procedures as recorded, resumable runs.

Playbooks are YAML files in playbooks/ (beside hctl.yaml, or given by path):

  name: launch
  description: Go-live of a new release
  params:
    image: { required: true }
    rollout: { default: \"100\" }
  phases:
    - name: pre-launch
      steps:
        - id: gate
          preflight: { checklist: pre-launch, tags: [production] }
        - id: backup
          hctl: [db, backup, --note, \"pre-launch {{ params.image }}\"]
        - id: go
          confirm: \"Start the deploy of {{ params.image }}?\"
          approvals: 2             # two people, neither the one who started the run
    - name: go-live
      on_failure: rollback         # abort (default) | continue | rollback
      steps:
        - id: deploy
          hctl: [rollout, apply, --image, \"{{ params.image }}\", --wait]
        - id: health
          check: { kind: http, url: \"{{ env.url }}/api/healthz\" }
          retries: 5
        - id: announce
          notify: { webhook_env: HCTL_SLACK_WEBHOOK, text: \"{{ run.playbook }} done\" }
  rollback:
    - hctl: [rollback, --wait]
    - hctl: [db, restore, --backup-id, \"{{ steps.backup.backup_id }}\"]
      when: \"{{ steps.backup.passed }}\"

Step kinds: hctl (any subcommand, checked against hctl's own flags), preflight,
check (any check kind; retries, timeout), shell / run (timeout; killed with its
process group), confirm (approvals: N), notify (Slack-compatible or `format: json`
webhook; the URL comes from the variable named by webhook_env), wait (30s, or
{ until: CHECK, timeout: 5m, every: 5s }). Every step may have title, when,
timeout, retries, retry_delay. Templates: {{ params.NAME }}, {{ env.KEY }},
{{ steps.ID.OUTPUT }} (status, ran, passed, exit_code, detail; db backup:
backup_id; rollback: from_revision, to_revision; rollout status: revision;
shell/run: stdout), {{ run.id|playbook|environment|status|actor|started_at|
failed_step|respond_by|update_due }}. An incident playbook's `response:` maps a
parameter's values to deadlines: { by: severity, levels: { P0: { within: 0s,
update_every: 30m } } }.

Every run and step event is a hash-chained row in the environment's database;
`log RUN --verify` finds an edited or deleted row. Exit codes: 0 passed, 1 a step
failed (after any rollback), 2 usage or waiting for a confirmation, 3 the ledger
could not be used, 130 interrupted.";
