//! The life of a baseline: what is in force, the judge that decides whether a proposal
//! or an accepted link satisfies it, and the chain of accepted links.
//!
//! This is the one place that decides; commands call it and print what it returns.

pub mod accept;
pub mod approve;
pub mod chain;
pub mod error;
pub mod in_force;
pub mod judge;
pub mod project;
pub mod proposal;
pub mod propose;
pub mod source;

pub use error::LifecycleError;
pub use project::Project;

/// What a long step tells the person waiting for it: a progress bar (hidden unless
/// stderr is a terminal) and details for `-v`. The terminal layer implements it; the
/// lifecycle never prints.
pub trait Observer {
    /// Returns a progress bar of `len` steps (0: unknown yet) labelled `what`.
    fn progress(&self, len: u64, what: &str) -> indicatif::ProgressBar;
    /// Reports a detail shown with `-v`.
    fn detail(&mut self, message: String);
}
