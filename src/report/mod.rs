//! Reports: the model every format renders, and the renderers.
//!
//! The model is built by `compare`; renderers only read it.

pub mod breakdown;
pub mod model;
pub mod render;
pub mod review;

pub use model::{Change, ChangeKind, FileReport, FileStatus, Report, Severity, Summary};
