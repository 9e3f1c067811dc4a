//! `driftgate.toml`: finding it, parsing it strictly, and its commented default text.
//!
//! Owns the configuration model and its defaults; does not interpret globs or policy
//! (the tree walk and `policy` do).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

pub mod valid;

pub use crate::notify::cfg::NotifyTarget;
pub use crate::policy::cfg::{ActorsPolicy, PathRule, PolicyConfig};
pub use crate::rules::cfg::{RuleConfig, RulesConfig, Strings};
pub use crate::semantic::cfg::{CompareConfig, IgnoreRule, RedactConfig};
pub use crate::tree::cfg::{CONFIG_FILE, TreeConfig};
pub use valid::ValidConfig;

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

impl Config {
    /// Returns the rule set of `[rules]` and `[[rule]]`, with `[redact]`'s keys.
    pub fn rule_set(&self) -> Result<crate::rules::RuleSet, crate::rules::RuleError> {
        let own: Vec<&RuleConfig> = self.rule.iter().map(|r| r.get_ref()).collect();
        crate::rules::RuleSet::new(&self.rules, &own, &self.redact)
    }

    /// Returns the hashing and classification settings of this configuration.
    pub fn settings(&self) -> crate::tree::Settings {
        crate::tree::Settings::new(&self.formats, &self.tree, &self.compare, &self.redact)
    }

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
    use crate::change::Severity;

    #[test]
    fn default_text_parses_to_defaults() {
        let c = ValidConfig::parse(&default_text(false), Path::new("driftgate.toml")).unwrap();
        assert_eq!(*c, Config::default());
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
