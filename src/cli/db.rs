//! The arguments of `hctl db` as clap parses them; `commands::db` acts on them.

use clap::{Args, Subcommand};

#[derive(Debug, Subcommand)]
pub enum DbCommand {
    /// Apply the embedded migrations (one transaction each, under an advisory
    /// lock on PostgreSQL so concurrent migrators apply each one once)
    #[command(
        after_help = "Examples:\n  hctl db migrate --lint          # check pending migrations, apply nothing\n  hctl db migrate --dry-run\n  hctl --env production db migrate --yes"
    )]
    Migrate(super::migrate::MigrateArgs),
    /// Show every migration's state: applied, pending, missing or changed
    #[command(after_help = "Examples:\n  hctl db status")]
    Status,
    /// Back up the environment's database into its backup storage (`storage`
    /// setting); the manifest is written last, so a failed backup never counts
    #[command(
        after_help = "Examples:\n  hctl db backup --note 'before 1.4.2'\n  hctl --env production db backup -o json\n  hctl db backup --physical --type incr   # pgBackRest, the environment's stanza"
    )]
    Backup(BackupArgs),
    /// List the backups, newest first: logical ones in the environment's
    /// storage and, with a pgBackRest stanza, its physical ones
    #[command(after_help = "Examples:\n  hctl db backups\n  hctl db backups -o json")]
    Backups,
    /// Restore a backup over the environment's database (or into --into URL),
    /// after checking its SHA-256 and taking a safety backup of the target;
    /// refuses while others use the target; asks first unless --yes
    #[command(
        after_help = "Examples:\n  # Stop the writers first (kubectl scale deploy/healthtracker --replicas=0).\n  hctl db restore --backup-id latest\n  hctl db restore --physical --to-time '2026-12-01 10:00:00' --into-dir /var/tmp/pitr\n  hctl db restore --backup-id 20261124T100000Z-a1b2c3 --into postgres://localhost/scratch\n  hctl --env production db restore --backup-id latest --yes"
    )]
    Restore(RestoreArgs),
    /// Check a backup: object present, size and SHA-256 match, archive readable;
    /// --deep also restores it into a scratch database and compares every table
    #[command(
        after_help = "Examples:\n  hctl db verify --backup-id latest --deep\n  hctl db verify                  # the live database against the backup it came from"
    )]
    Verify(VerifyArgs),
    /// Delete old backups, keeping the newest --keep N that are not known-bad
    /// (and those younger than --keep-days); --dry-run shows what goes and why;
    /// asks first unless --yes
    #[command(
        after_help = "Examples:\n  hctl db prune --keep 7 --dry-run\n  hctl db prune --keep 7 --keep-days 30 --yes"
    )]
    Prune(PruneArgs),
    /// Check the database: reachable, version, schema, connections, replication,
    /// latest backup age; exit 1 when unhealthy
    #[command(
        after_help = "Examples:\n  hctl db health\n  hctl --env production db health --max-backup-age 24"
    )]
    Health(HealthArgs),
    /// WAL archiving through pgBackRest
    #[command(subcommand)]
    Wal(super::pitr::WalCommand),
    /// Prove point-in-time recovery: markers around a time T on the live
    /// database, restore to T into a scratch cluster, check the markers,
    /// measure the RTO, record the evidence in the backup storage (drills/)
    #[command(
        after_help = "Examples:\n  hctl db pitr-drill\n  hctl db pitr-drill --ago 10m -o json\n  hctl db pitr-drill --scratch-dir /var/tmp"
    )]
    PitrDrill(super::pitr::DrillArgs),
}

#[derive(Debug, Args)]
pub struct BackupArgs {
    /// A note stored in the manifest (e.g. "before v2.3 migration")
    #[arg(long, conflicts_with = "physical")]
    pub note: Option<String>,
    /// A physical backup with pgBackRest (the environment's `pgbackrest.stanza`)
    /// instead of a logical pg_dump
    #[arg(long)]
    pub physical: bool,
    /// Type of the physical backup
    #[arg(long = "type", value_enum, default_value_t = super::pitr::TypeArg::Full, requires = "physical")]
    pub kind: super::pitr::TypeArg,
}

#[derive(Debug, Args)]
pub struct RestoreArgs {
    /// Backup to restore: `latest` (the newest regular backup whose last
    /// verification did not fail) or an id from `hctl db backups`
    #[arg(
        long,
        value_name = "latest|ID",
        required_unless_present = "physical",
        conflicts_with = "physical"
    )]
    pub backup_id: Option<String>,
    /// Restore into this database URL instead (created when it does not exist)
    #[arg(long, value_name = "URL", conflicts_with = "physical")]
    pub into: Option<String>,
    /// Point-in-time restore of a pgBackRest backup into a new data directory,
    /// started as a scratch cluster (needs a target and --into-dir)
    #[arg(long)]
    pub physical: bool,
    #[command(flatten)]
    pub pitr: super::pitr::PhysicalRestoreArgs,
    /// Restore even when the target's schema version is newer than the backup's,
    /// or while other sessions or processes are using the target; with
    /// --physical, restore over the files in --into-dir (asks first, or --yes)
    #[arg(long)]
    pub force: bool,
    /// Do not back the target up first (then the restore cannot be undone)
    #[arg(long)]
    pub no_safety_backup: bool,
}

#[derive(Debug, Args)]
pub struct VerifyArgs {
    /// Backup to check: `latest` (the newest regular backup whose last
    /// verification did not fail) or an id; without it, compare the live
    /// database with the backup it was restored from
    #[arg(long, value_name = "latest|ID")]
    pub backup_id: Option<String>,
    /// Also restore into a scratch database, compare row counts and checksums
    /// table by table, and record the restore time (the real RTO)
    #[arg(long)]
    pub deep: bool,
}

#[derive(Debug, Args)]
pub struct PruneArgs {
    /// Keep this many newest backups that are not known-bad (at least 1);
    /// backups whose last verification failed never count
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..))]
    pub keep: u16,
    /// Also keep every backup younger than this many days (known-bad ones excepted)
    #[arg(long, value_name = "D")]
    pub keep_days: Option<u32>,
    /// Keep safety backups (taken by `hctl db restore`) younger than this many days
    #[arg(long, value_name = "D", default_value_t = 7)]
    pub keep_safety_days: u32,
    /// Show what would be deleted, what stays and why; delete nothing
    #[arg(long)]
    pub dry_run: bool,
}

#[derive(Debug, Args)]
pub struct HealthArgs {
    /// Lowest PostgreSQL major version that passes (older gives a warning)
    #[arg(long, value_name = "MAJOR", default_value_t = 16)]
    pub min_version: u32,
    /// The latest backup must be younger than this many hours
    #[arg(long, value_name = "HOURS", default_value_t = 24)]
    pub max_backup_age: u64,
}
