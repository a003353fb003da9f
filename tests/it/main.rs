//! All integration tests compile into this one binary (one link on 2 cores).
//! Services come from `scripts/test`; see `support` for the helpers.

mod support;

mod cli;
mod config;
mod generated;
mod server;
mod services;
