//! hctl: the operations CLI and launch-readiness toolkit of Health Companion.
//!
//! The binary (`src/main.rs`) only parses arguments, builds the runtime and maps
//! errors to exit codes; everything else lives here so integration tests can
//! reach it. `commands` turns arguments into calls on the domain modules, which
//! never see clap.

#![deny(clippy::print_stdout, clippy::print_stderr)]

pub mod checklist;
pub mod checks;
pub mod cleanup;
pub mod cli;
pub mod commands;
pub mod config;
pub mod db;
pub mod duration;
pub mod exit;
pub mod files;
pub mod flags;
pub mod kube;
pub mod logging;
pub mod output;
pub mod playbook;
pub mod preflight;
pub mod report;
pub mod s3;
pub mod server;
pub mod shipped;
pub mod storage;
pub mod store;
pub mod template;
pub mod ui;
pub mod yaml;

/// Install the process-wide TLS crypto provider (ring). Every TLS client and
/// server in hctl uses rustls with ring; call once before any TLS is used.
pub fn init_crypto() {
    // Err means one is installed already, which is what we want.
    let _ = rustls::crypto::ring::default_provider().install_default();
}
