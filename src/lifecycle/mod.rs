//! The life of a baseline: what is in force, the judge that decides whether a proposal
//! or an accepted link satisfies it, and the chain of accepted links.
//!
//! This is the one place that decides; commands call it and print what it returns.

pub mod chain;
pub mod in_force;
pub mod judge;
