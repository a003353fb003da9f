//! The pieces both halves of hctl stand on: the API server (`hctl-server`) and
//! the launch tool (`hctl`). The application database ([`store`]: the URL, the
//! timed connect, the two-backend pool and the migrations), object storage
//! ([`storage`], [`s3`]), secret redaction, the flag-name rule, clean-ups that
//! must finish before exit, and the error type for bad input ([`error`]).
//!
//! Nothing here knows the launch tool's configuration file: what needs
//! settings reads them through [`SettingsSource`].

pub mod cleanup;
pub mod error;
pub mod flag_name;
pub mod redact;
pub mod s3;
pub mod storage;
pub mod store;

/// Named settings (`storage`, `s3.endpoint`, …) as the shared pieces read
/// them; the launch tool's environment settings implement it.
pub trait SettingsSource {
    /// The value of `key`, when set.
    fn get(&self, key: &str) -> Option<&str>;

    /// The value of `key`, or a usage error saying how to set it.
    fn require(&self, key: &str) -> anyhow::Result<&str>;

    /// A boolean setting: set to `true`.
    fn flag(&self, key: &str) -> bool {
        self.get(key) == Some("true")
    }
}
