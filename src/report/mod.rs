//! Reports for people and tools: the renderers of every format, the review screen and
//! the summary of large change sets. The top of the domain: it reads the model in
//! [`crate::change`] and returns text, never deciding anything.

pub mod breakdown;
pub mod render;
pub mod review;

pub use crate::change::{Change, ChangeKind, FileReport, FileStatus, Report, Severity, Summary};
