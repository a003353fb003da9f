//! All integration tests compile into this one binary (one link on 2 cores).
//! Services come from `scripts/test`; see `support` for the helpers.

mod support;

mod checklist;
mod checks;
mod cli;
mod completion;
mod config;
mod dashboard;
mod db;
mod generated;
mod kube;
mod module_graph;
mod pitr;
mod playbook;
mod preflight;
mod production;
mod server;
mod services;
mod validate;
mod verify;
