//! hctl: the operations CLI and launch-readiness toolkit of Health Companion.
//!
//! The binary (`src/main.rs`) only parses arguments, builds the runtime and maps
//! errors to exit codes; everything else lives here so integration tests can
//! reach it. `commands` turns arguments into calls on the domain modules, which
//! never see clap.

#![deny(clippy::print_stdout, clippy::print_stderr)]

pub mod checklist;
pub mod checks;
pub mod cli;
pub mod commands;
pub mod config;
pub mod dashboard;
pub mod db;
mod duration;
pub mod exit;
mod files;
mod flags;
pub mod kube;
pub mod logging;
mod output;
mod playbook;
pub mod preflight;
mod ramp;
pub mod report;
mod shipped;
mod template;
mod timestamp;
mod ui;
mod validate;
mod yaml;

// The shared layer and the API server are crates of their own (crates/hctl-core,
// crates/hctl-server); re-exported under the names the rest of hctl uses.
pub use hctl_core::{cleanup, from_row, on_pool, s3, storage, store};
pub use hctl_server as server;

/// Install the process-wide TLS crypto provider (ring). Every TLS client and
/// server in hctl uses rustls with ring; call once before any TLS is used.
pub fn init_crypto() {
    // Err means one is installed already, which is what we want.
    let _ = rustls::crypto::ring::default_provider().install_default();
}
