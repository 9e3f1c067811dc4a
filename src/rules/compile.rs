//! A rule's compiled form: where it comes from, its globs and key patterns parsed
//! once, and the checks on what a `[[rule]]` may say (ids, controls, globs, keys).
//! Matching a change against it is in `matcher`.

use std::collections::BTreeMap;

use globset::{Glob, GlobSet, GlobSetBuilder};
use serde::{Deserialize, Serialize};

use super::cfg::{RuleConfig, Strings};
use crate::change::Severity;
use crate::semantic::keypath::{KeyPath, KeyPattern};

/// Where a rule comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Origin {
    /// The built-in pack.
    Builtin,
    /// A `[[rule]]` of driftgate.toml.
    Config,
    /// A `[[rule]]` of driftgate.toml that replaces the built-in rule of the same id.
    Replaced,
}

impl Origin {
    /// Returns the spelling used in listings.
    pub fn as_str(self) -> &'static str {
        match self {
            Origin::Builtin => "builtin",
            Origin::Config => "config",
            Origin::Replaced => "config (replaces built-in)",
        }
    }
}

/// One compiled rule.
#[derive(Debug, Clone)]
pub struct Rule {
    /// The rule as written.
    pub spec: RuleConfig,
    /// Where it comes from.
    pub origin: Origin,
    pub(super) paths: Option<GlobSet>,
    pub(super) api_version: Option<GlobSet>,
    pub(super) kind: Option<GlobSet>,
    pub(super) namespace: Option<GlobSet>,
    pub(super) name: Option<GlobSet>,
    pub(super) keys: Vec<KeyPattern>,
    pub(super) new_contains: Vec<String>,
    pub(super) new_matches: Option<GlobSet>,
    pub(super) where_: Vec<(KeyPath, GlobSet)>,
    pub(super) where_not: Vec<(KeyPath, GlobSet)>,
}

fn globs(id: &str, field: &str, list: &Strings) -> Result<Option<GlobSet>, String> {
    if list.is_empty() {
        return Ok(None);
    }
    let mut b = GlobSetBuilder::new();
    for g in &list.0 {
        b.add(Glob::new(g).map_err(|e| format!("bad glob `{g}` in `{field}`: {}", e.kind()))?);
    }
    b.build()
        .map(Some)
        .map_err(|e| format!("bad globs in `{field}` of `{id}`: {e}"))
}

impl Rule {
    /// Returns the compiled form of `spec`.
    pub fn compile(spec: RuleConfig, origin: Origin) -> Result<Rule, String> {
        let id = spec.id.clone();
        let id_ok = !id.is_empty()
            && id
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c));
        if !id_ok {
            return Err("an id is letters, digits, `-`, `_` and `.`".into());
        }
        if let Some(bad) = spec.controls.0.iter().find(|c| !control_ok(c)) {
            return Err(format!(
                "bad control `{}`: expected `FRAMEWORK:ID`, such as `SOC2:CC8.1`",
                bad.escape_debug()
            ));
        }
        let keys = spec
            .keys
            .0
            .iter()
            .map(|k| {
                KeyPattern::parse(k).map_err(|e| format!("bad key pattern `{k}`: {}", e.message))
            })
            .collect::<Result<Vec<_>, _>>()?;
        let lookups = |m: &BTreeMap<String, Strings>, field: &str| {
            m.iter()
                .map(|(k, v)| {
                    let path = KeyPath::parse(k)
                        .map_err(|e| format!("bad key `{k}` in `{field}`: {}", e.message))?;
                    if path.segments.is_empty() {
                        return Err(format!("empty key in `{field}`"));
                    }
                    let set = globs(&id, field, v)?.unwrap_or_else(GlobSet::empty);
                    Ok((path, set))
                })
                .collect::<Result<Vec<_>, String>>()
        };
        Ok(Rule {
            paths: globs(&id, "paths", &spec.paths)?,
            api_version: globs(&id, "api_version", &spec.api_version)?,
            kind: globs(&id, "kind", &spec.kind)?,
            namespace: globs(&id, "namespace", &spec.namespace)?,
            name: globs(&id, "name", &spec.name)?,
            new_contains: spec.new_contains.0.clone(),
            new_matches: globs(&id, "new_matches", &spec.new_matches)?,
            where_: lookups(&spec.where_, "where")?,
            where_not: lookups(&spec.where_not, "where_not")?,
            keys,
            spec,
            origin,
        })
    }

    /// Returns the rule's id.
    pub fn id(&self) -> &str {
        &self.spec.id
    }

    /// Returns the rule's severity.
    pub fn severity(&self) -> Severity {
        self.spec.severity
    }
}

/// Returns whether `control` reads `FRAMEWORK:ID` (`NIST-800-53:CM-3`).
fn control_ok(control: &str) -> bool {
    let part = |s: &str| {
        !s.is_empty()
            && s.len() <= 60
            && s.chars()
                .all(|c| c.is_ascii_alphanumeric() || "-._()".contains(c))
    };
    control
        .split_once(':')
        .is_some_and(|(framework, id)| part(framework) && part(id))
}
