//! `[tree]`: which files make up the tree, as driftgate.toml says; and the name of that
//! file, which the tree always holds.

use serde::{Deserialize, Serialize};

/// The configuration's file name, searched for from the working directory upwards.
pub const CONFIG_FILE: &str = "driftgate.toml";

/// `[tree]`: which files are scanned.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct TreeConfig {
    /// Globs of files to include (relative to the root).
    pub include: Vec<String>,
    /// Globs of files to exclude, applied after `include`.
    pub exclude: Vec<String>,
    /// Honour `.gitignore`, `.ignore` and git's exclude files.
    pub gitignore: bool,
    /// Largest file (bytes) whose contents are kept in the object store for `diff`.
    pub store_max_size: u64,
}

impl Default for TreeConfig {
    fn default() -> Self {
        TreeConfig {
            include: vec!["**".to_string()],
            exclude: Vec::new(),
            gitignore: true,
            store_max_size: 8 * 1024 * 1024,
        }
    }
}
