//! `[rules]` and `[[rule]]`: which rules are active, the default severity, and the
//! rules of driftgate.toml (the built-in pack uses the same schema). Compiled by
//! [`super::RuleSet::new`].

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::change::{ChangeKind, Severity};

/// `[rules]`: which rules are active and the default severity.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct RulesConfig {
    /// Whether the built-in rule pack is active.
    pub builtin: bool,
    /// Ids of built-in rules to turn off.
    pub disable: Vec<String>,
    /// Severity of a change that no rule matches.
    pub default_severity: Severity,
}

impl Default for RulesConfig {
    fn default() -> Self {
        RulesConfig {
            builtin: true,
            disable: Vec::new(),
            default_severity: Severity::Medium,
        }
    }
}

/// One `[[rule]]` (the built-in pack uses the same schema).
///
/// A change matches when every selector that is set matches; list selectors match
/// when any of their items does. Selectors that take a list also take one string.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RuleConfig {
    /// Unique id, shown in reports; a config rule with a built-in's id replaces it.
    pub id: String,
    /// What the rule guards against, for `driftgate rules`.
    #[serde(default)]
    pub description: String,
    /// Severity of the changes it matches.
    pub severity: Severity,
    /// Globs of files (relative to the root); all files when empty.
    #[serde(default, skip_serializing_if = "Strings::is_empty")]
    pub paths: Strings,
    /// Globs of the Kubernetes `apiVersion` of the changed document.
    #[serde(default, skip_serializing_if = "Strings::is_empty")]
    pub api_version: Strings,
    /// Globs of the Kubernetes `kind` of the changed document.
    #[serde(default, skip_serializing_if = "Strings::is_empty")]
    pub kind: Strings,
    /// Globs of the Kubernetes `metadata.namespace` of the changed document.
    #[serde(default, skip_serializing_if = "Strings::is_empty")]
    pub namespace: Strings,
    /// Globs of the Kubernetes `metadata.name` of the changed document.
    #[serde(default, skip_serializing_if = "Strings::is_empty")]
    pub name: Strings,
    /// Key-path patterns (`*` one segment, `[*]` any list item, `**` any depth).
    #[serde(default, skip_serializing_if = "Strings::is_empty")]
    pub keys: Strings,
    /// Kinds of change: `added`, `removed`, `changed`, `type_changed`, `moved`.
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "one_or_many_kinds"
    )]
    pub change: Vec<ChangeKind>,
    /// The new value equals one of these (or is a list holding one of them).
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "one_or_many_values"
    )]
    pub new_equals: Vec<serde_json::Value>,
    /// A string in the new value contains one of these.
    #[serde(default, skip_serializing_if = "Strings::is_empty")]
    pub new_contains: Strings,
    /// A string in the new value matches one of these globs.
    #[serde(default, skip_serializing_if = "Strings::is_empty")]
    pub new_matches: Strings,
    /// A secret changed: the changed key, or one above it, is secret-looking (see
    /// `[redact]`), or a value shows a redacted secret.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub secret: bool,
    /// Keys looked up from the changed key upwards, whose value must match a glob.
    #[serde(default, rename = "where", skip_serializing_if = "BTreeMap::is_empty")]
    pub where_: BTreeMap<String, Strings>,
    /// Like `where`, but the value must not match (a missing key passes).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub where_not: BTreeMap<String, Strings>,
    /// Compliance controls the rule's changes fall under, as `FRAMEWORK:ID`
    /// (`SOC2:CC8.1`, `ISO27001:A.8.32`, `NIST-800-53:CM-3`); shown in reports and events.
    #[serde(default, skip_serializing_if = "Strings::is_empty")]
    pub controls: Strings,
}

/// A list of strings that may be written as one string.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct Strings(pub Vec<String>);

impl Strings {
    /// Returns whether the list is empty.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl<'de> Deserialize<'de> for Strings {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = Strings;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a string or a list of strings")
            }
            fn visit_str<E: serde::de::Error>(self, s: &str) -> Result<Strings, E> {
                Ok(Strings(vec![s.to_string()]))
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(
                self,
                mut a: A,
            ) -> Result<Strings, A::Error> {
                let mut out = Vec::new();
                while let Some(s) = a.next_element::<String>()? {
                    out.push(s);
                }
                Ok(Strings(out))
            }
        }
        d.deserialize_any(Visitor)
    }
}

/// Reads one change kind or a list of them.
fn one_or_many_kinds<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Vec<ChangeKind>, D::Error> {
    use serde::de::IntoDeserializer;
    Strings::deserialize(d)?
        .0
        .into_iter()
        .map(|s| ChangeKind::deserialize(s.into_deserializer()))
        .collect()
}

/// Reads one value or a list of values (a list means "any of these").
fn one_or_many_values<'de, D: serde::Deserializer<'de>>(
    d: D,
) -> Result<Vec<serde_json::Value>, D::Error> {
    Ok(match serde_json::Value::deserialize(d)? {
        serde_json::Value::Array(items) => items,
        one => vec![one],
    })
}
