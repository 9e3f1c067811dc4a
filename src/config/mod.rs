//! `driftgate.toml`: finding it, parsing it strictly, and its commented default text.
//!
//! Owns the configuration model and its defaults; does not interpret globs or policy
//! (the tree walk and `policy` do).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::change::{ChangeKind, Severity};
pub mod valid;

pub use crate::notify::cfg::NotifyTarget;
pub use crate::policy::cfg::{ActorsPolicy, PathRule, PolicyConfig};
pub use valid::ValidConfig;

/// The file name searched for from the working directory upwards.
pub const CONFIG_FILE: &str = "driftgate.toml";

/// Errors reading or parsing the configuration.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// No driftgate.toml in the directory or any parent.
    #[error("no `{CONFIG_FILE}` found in `{}` or any parent directory", start.display())]
    NotFound {
        /// Where the search started.
        start: PathBuf,
    },
    /// The file could not be read.
    #[error("cannot read `{}`: {source}", path.display())]
    Io {
        /// The config file.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// The file is not valid TOML or has unknown or mistyped keys.
    #[error("invalid `{}`{}: {message}", path.display(), line.map(|l| format!(" at line {l}")).unwrap_or_default())]
    Parse {
        /// The config file.
        path: PathBuf,
        /// 1-based line of the offending key, when known.
        line: Option<usize>,
        /// The parser's message, one line.
        message: String,
    },
    /// A value is well-formed TOML but not acceptable (a bad glob, say).
    #[error("invalid `{}`: {message}", path.display())]
    Invalid {
        /// The config file.
        path: PathBuf,
        /// What is wrong.
        message: String,
    },
    /// More than one value is not acceptable: every one of them, in file order.
    #[error(
        "invalid `{}`: {} problems: {}",
        path.display(),
        problems.len(),
        problems.join("; ")
    )]
    Problems {
        /// The config file.
        path: PathBuf,
        /// What is wrong, each with its line when known (`at line 12: ...`).
        problems: Vec<String>,
    },
}

/// The whole configuration.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    /// Which files make up the tree.
    pub tree: TreeConfig,
    /// Format overrides: glob -> format name (`yaml`, `json`, `toml`, `text`, `binary`).
    pub formats: BTreeMap<String, String>,
    /// How structured files are compared.
    pub compare: CompareConfig,
    /// Values that are never printed or stored.
    pub redact: RedactConfig,
    /// Who must approve a proposal before it is accepted.
    pub policy: PolicyConfig,
    /// The built-in rule pack and the severity of changes no rule matches.
    pub rules: RulesConfig,
    /// `[[rule]]` entries: severities of changes by file, document and key path.
    pub rule: Vec<toml::Spanned<RuleConfig>>,
    /// `[[notify]]` targets: where events are sent.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub notify: Vec<NotifyTarget>,
}

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
            keys: crate::semantic::DEFAULT_SECRET_WORDS
                .iter()
                .map(|w| w.to_string())
                .collect(),
        }
    }
}

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

impl Config {
    /// Parses `text` read from `path` as TOML into the model; unknown keys are errors
    /// naming the key and line. Values are not checked: [`ValidConfig::parse`] does.
    pub fn from_toml(text: &str, path: &Path) -> Result<Config, ConfigError> {
        let config: Config = toml::from_str(text).map_err(|e| {
            let line = e.span().map(|span| line_of(text, span.start));
            ConfigError::Parse {
                path: path.to_path_buf(),
                line,
                message: e.message().trim().replace('\n', " "),
            }
        })?;
        Ok(config)
    }
}

/// Returns the 1-based line of byte offset `at` in `text`.
pub(crate) fn line_of(text: &str, at: usize) -> usize {
    text.get(..at.min(text.len()))
        .unwrap_or(text)
        .matches('\n')
        .count()
        + 1
}

/// Returns the directory holding driftgate.toml, searching from `start` upwards.
pub fn find_root(start: &Path) -> Result<PathBuf, ConfigError> {
    let mut dir = Some(start);
    while let Some(d) = dir {
        if d.join(CONFIG_FILE).is_file() {
            return Ok(d.to_path_buf());
        }
        dir = d.parent();
    }
    Err(ConfigError::NotFound {
        start: start.to_path_buf(),
    })
}

/// The commented configuration `init` writes, with `@SELF_APPROVAL@` where the line
/// on self-approval goes.
const TEMPLATE: &str = include_str!("template.toml");

/// Returns the text `init` writes: every key, commented, with its default.
pub fn default_text(solo: bool) -> String {
    let self_approval = if solo {
        "# `init --solo`: one person may approve their own proposals. Remove this line\n\
         # (or set it to false) as soon as a second reviewer joins.\n\
         allow_self_approval = true\n"
    } else {
        "# Whether the requester's own approval counts. Keep false: nobody approves\n\
         # their own change. (`driftgate init --solo` sets true for one-person projects.)\n\
         # allow_self_approval = false\n"
    };
    TEMPLATE.replace("@SELF_APPROVAL@\n", self_approval)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_text_parses_to_defaults() {
        let c = ValidConfig::parse(&default_text(false), Path::new("driftgate.toml")).unwrap();
        assert_eq!(*c.config(), Config::default());
        let solo = ValidConfig::parse(&default_text(true), Path::new("driftgate.toml")).unwrap();
        assert!(solo.policy.allow_self_approval);
    }

    #[test]
    fn unknown_key_names_key_and_line() {
        let err = ValidConfig::parse(
            "[tree]\ngitignore = true\ncolour = 1\n",
            Path::new("d.toml"),
        )
        .unwrap_err();
        let msg = err.to_string();
        assert!(msg.contains("line 3"), "{msg}");
        assert!(msg.contains("colour"), "{msg}");
        assert!(!msg.contains('\n'), "{msg}");
    }

    #[test]
    fn policy_paths_and_severity_parse_and_validate() {
        let c = ValidConfig::parse(
            "[policy]\napprovals = 1\nseverity = { critical = 3 }\n\
             [[policy.paths]]\npaths = [\"k8s/rbac/**\"]\napprovers = [\"security@example.com\"]\n",
            Path::new("d.toml"),
        )
        .unwrap();
        assert_eq!(c.policy.severity.get(&Severity::Critical), Some(&3));
        assert_eq!(c.policy.paths[0].approvals, 1);
        for (text, needle) in [
            ("[policy]\nseverity = { urgent = 2 }\n", "urgent"),
            ("[policy]\nseverity = { high = 0 }\n", "at least 1"),
            (
                "[[policy.paths]]\npaths = [\"a\"]\napprovers = [\"x\"]\napprovals = 2\n",
                "never be satisfied",
            ),
            (
                "[[policy.paths]]\npaths = [\"a[\"]\napprovers = [\"x\"]\n",
                "bad glob",
            ),
            (
                "[[policy.paths]]\npaths = []\napprovers = [\"x\"]\n",
                "no `paths`",
            ),
        ] {
            let err = ValidConfig::parse(text, Path::new("d.toml"))
                .unwrap_err()
                .to_string();
            assert!(err.contains(needle), "{text}: {err}");
        }
    }

    #[test]
    fn policy_examples_parse_when_uncommented() {
        let text = default_text(false);
        let (head, policy) = text.split_once("[policy]\n").unwrap();
        let uncommented: String = policy
            .lines()
            .map(|l| match l.strip_prefix("# ") {
                Some(rest) if rest.contains(" = ") || rest.starts_with("[[") => rest,
                _ => l,
            })
            .map(|l| format!("{l}\n"))
            .collect();
        let c = ValidConfig::parse(
            &format!("{head}[policy]\n{uncommented}"),
            Path::new("driftgate.toml"),
        )
        .unwrap();
        assert_eq!(c.policy.severity.get(&Severity::Critical), Some(&2));
        assert_eq!(c.policy.paths[0].approvers, vec!["security@example.com"]);
        assert!(!c.policy.allow_self_approval);
        assert_eq!(c.policy.actors.machines, ["deploy-bot@example.com"]);
        assert_eq!(c.policy.approval_ttl.as_deref(), Some("72h"));
        assert_eq!(c.notify.len(), 1);
    }

    #[test]
    fn bad_ignore_key_path_rejected() {
        let err = ValidConfig::parse(
            "[[compare.ignore]]\nkeys = [\"metadata..name\"]\n",
            Path::new("d.toml"),
        )
        .unwrap_err();
        let msg = err.to_string();
        assert!(msg.contains("bad key path `metadata..name`"), "{msg}");
        assert!(msg.contains("d.toml"), "{msg}");
    }

    #[test]
    fn zero_approvals_rejected() {
        let err = ValidConfig::parse("[policy]\napprovals = 0\n", Path::new("d.toml")).unwrap_err();
        assert!(err.to_string().contains("at least 1"));
    }

    #[test]
    fn readme_configuration_example_parses() {
        let readme = include_str!("../../README.md");
        let section = readme
            .split("## Configuration")
            .nth(1)
            .expect("README has a Configuration section");
        let toml = section
            .split("```toml\n")
            .nth(1)
            .and_then(|s| s.split("```").next())
            .expect("the section has a toml example");
        let c = ValidConfig::parse(toml, Path::new("README.md")).unwrap();
        assert_eq!(c.policy.paths.len(), 1);
        assert_eq!(c.compare.ignore.len(), 1);
        assert_eq!(c.policy.actors.approvals_for_machine_proposals, 2);
        assert_eq!(c.notify[0].format, crate::notify::NotifyFormat::Slack);
    }
}
