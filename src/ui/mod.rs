//! Interaction with the person at the terminal: confirmations and progress.
//! Both stay silent and never block when nobody is there (CI, pipes).

pub mod confirm;
pub mod progress;
