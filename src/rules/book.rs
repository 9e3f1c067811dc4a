//! The built-in rule pack (`builtin.toml`) and its descriptions, and the rule book a
//! baseline records: the rules, default severity, secret keys and comparison settings
//! that judged it. Compiling and matching rules is elsewhere (`compile`, `matcher`).

use serde::{Deserialize, Serialize};

use super::RuleError;
use super::cfg::RuleConfig;
use super::compile::Origin;
use crate::change::Severity;
use crate::semantic::cfg::CompareConfig;

/// The built-in rule pack, in the schema of `[[rule]]`.
pub const BUILTIN: &str = include_str!("builtin.toml");

/// Schema of a [`RuleBook`].
pub const BOOK_SCHEMA: &str = "driftgate.rules/v1";

/// What decides the severity of changes, resolved from a configuration: the active
/// rules (built-ins included, so a later version's pack does not change it), the
/// default severity, the secret-looking keys and how files are compared.
///
/// Every baseline records one (by hash, in the object store): the next proposal, and
/// `check` against that baseline, are judged by it, not by rules the tree brings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleBook {
    /// Always [`BOOK_SCHEMA`].
    pub schema: String,
    /// Severity of changes no rule matches.
    pub default_severity: Severity,
    /// Lowercased fragments of secret-looking keys (`[redact] keys`).
    pub secret_keys: Vec<String>,
    /// How structured files are compared (`[compare]`), which decides the changes.
    pub compare: CompareConfig,
    /// The active rules, in the order they are tried.
    pub rules: Vec<BookRule>,
}

/// One rule of a [`RuleBook`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BookRule {
    /// Where it came from.
    pub origin: Origin,
    /// The rule as written.
    pub rule: RuleConfig,
}

impl RuleBook {
    /// Returns the book's canonical bytes, as stored and hashed.
    pub fn to_bytes(&self) -> Vec<u8> {
        crate::store::to_json_bytes(self)
    }

    /// Returns the blake3 hash of [`RuleBook::to_bytes`], as a baseline records it.
    pub fn hash(&self) -> String {
        blake3::hash(&self.to_bytes()).to_hex().to_string()
    }
}

/// Returns the description of a rule id: a built-in drift rule (`drift/changed`), a
/// rule of the built-in pack, or else a severity rule of driftgate.toml.
pub fn describe(id: &str) -> String {
    crate::change::DriftRule::from_id(id)
        .map(|r| r.description().to_string())
        .or_else(|| builtin_description(id))
        .unwrap_or_else(|| format!("Changes matched by the severity rule `{id}` of driftgate.toml"))
}

/// Returns the description of the built-in rule `id`, if there is one.
pub fn builtin_description(id: &str) -> Option<String> {
    static PACK: std::sync::OnceLock<Vec<RuleConfig>> = std::sync::OnceLock::new();
    PACK.get_or_init(|| builtin_specs().unwrap_or_default())
        .iter()
        .find(|r| r.id == id)
        .map(|r| r.description.clone())
}

/// Reads the built-in pack.
pub(super) fn builtin_specs() -> Result<Vec<RuleConfig>, RuleError> {
    #[derive(serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Pack {
        rule: Vec<RuleConfig>,
    }
    let pack: Pack = toml::from_str(BUILTIN).map_err(|e| RuleError::Builtin(e.to_string()))?;
    Ok(pack.rule)
}
