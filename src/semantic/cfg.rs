//! `[compare]` and `[redact]`: how structured files are compared (identity keys,
//! ignored key paths) and which keys hold secrets, as driftgate.toml says and as every
//! baseline's rule book records them.

use serde::{Deserialize, Serialize};

/// `[compare]`: semantic comparison settings.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct CompareConfig {
    /// Keys that identify items of a list of mappings, tried in order.
    pub identity_keys: Vec<String>,
    /// Changes that are not drift.
    pub ignore: Vec<IgnoreRule>,
}

impl Default for CompareConfig {
    fn default() -> Self {
        CompareConfig {
            identity_keys: vec!["name".into(), "id".into(), "key".into()],
            ignore: Vec::new(),
        }
    }
}

/// One `[[compare.ignore]]` entry: key paths ignored in files matching path globs.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct IgnoreRule {
    /// File globs; all files when empty.
    #[serde(default)]
    pub paths: Vec<String>,
    /// Key paths (with `*` and `**` wildcards); the whole file when empty.
    #[serde(default)]
    pub keys: Vec<String>,
}

/// `[redact]`: secret-looking keys.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct RedactConfig {
    /// Words of secret-looking keys, matched as whole words (see `semantic::redact`).
    pub keys: Vec<String>,
}

impl Default for RedactConfig {
    fn default() -> Self {
        RedactConfig {
            keys: super::DEFAULT_SECRET_WORDS
                .iter()
                .map(|w| w.to_string())
                .collect(),
        }
    }
}
