//! The configuration the commands work with: parsed, then validated into another type
//! that holds the compiled rule set, so nothing downstream handles an unchecked value.
//!
//! Validation reports every problem it finds, not only the first, so one edit can fix
//! them all.

use std::ops::Deref;
use std::path::Path;

use super::{Config, ConfigError, line_of};
use crate::rules::RuleSet;

/// A configuration whose every value was checked, with its rule set compiled.
#[derive(Debug, Clone)]
pub struct ValidConfig {
    config: Config,
    rules: RuleSet,
}

impl Deref for ValidConfig {
    type Target = Config;

    fn deref(&self) -> &Config {
        &self.config
    }
}

/// One problem: what is wrong, and the line when known.
struct Problem {
    line: Option<usize>,
    message: String,
}

impl ValidConfig {
    /// Reads, parses and validates the config file at `path`.
    pub fn load(path: &Path) -> Result<ValidConfig, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Io {
            path: path.to_path_buf(),
            source,
        })?;
        ValidConfig::parse(&text, path)
    }

    /// Parses and validates `text` read from `path`.
    pub fn parse(text: &str, path: &Path) -> Result<ValidConfig, ConfigError> {
        let config = Config::from_toml(text, path)?;
        let mut problems = check(&config);
        let rules = match config.rule_set() {
            Ok(rules) => Some(rules),
            Err(e) => {
                let line = e
                    .rule_index()
                    .and_then(|i| config.rule.get(i))
                    .map(|r| line_of(text, r.span().start));
                problems.push(Problem {
                    line,
                    message: e.to_string(),
                });
                None
            }
        };
        match (rules, problems.len()) {
            (Some(rules), 0) => Ok(ValidConfig { config, rules }),
            (_, 1) => {
                let p = problems.remove(0);
                Err(match p.line {
                    Some(line) => ConfigError::Parse {
                        path: path.to_path_buf(),
                        line: Some(line),
                        message: p.message,
                    },
                    None => ConfigError::Invalid {
                        path: path.to_path_buf(),
                        message: p.message,
                    },
                })
            }
            _ => Err(ConfigError::Problems {
                path: path.to_path_buf(),
                problems: problems
                    .into_iter()
                    .map(|p| match p.line {
                        Some(line) => format!("at line {line}: {}", p.message),
                        None => p.message,
                    })
                    .collect(),
            }),
        }
    }

    /// Returns the configuration and its rule set.
    pub fn into_parts(self) -> (Config, RuleSet) {
        (self.config, self.rules)
    }
}

/// Returns every problem of `c`'s values other than its rules', in file order.
fn check(c: &Config) -> Vec<Problem> {
    let mut out = Vec::new();
    let mut bad = |message: String| {
        out.push(Problem {
            line: None,
            message,
        })
    };
    let globs = c
        .tree
        .include
        .iter()
        .chain(&c.tree.exclude)
        .chain(c.formats.keys())
        .chain(c.compare.ignore.iter().flat_map(|r| &r.paths));
    for g in globs {
        if let Err(e) = globset::Glob::new(g) {
            bad(format!("bad glob `{g}`: {}", e.kind()));
        }
    }
    for (glob, name) in &c.formats {
        if crate::semantic::Format::from_name(name).is_none() {
            bad(format!(
                "unknown format `{name}` for `{glob}` (expected yaml, json, toml, text or binary)"
            ));
        }
    }
    for rule in &c.compare.ignore {
        for k in &rule.keys {
            if let Err(e) = crate::semantic::KeyPattern::parse(k) {
                bad(format!("in `[[compare.ignore]]`: {e}"));
            }
        }
    }
    let policy = &c.policy;
    if policy.approvals == 0 {
        bad(
            "`policy.approvals` must be at least 1: no baseline is accepted without an approval"
                .into(),
        );
    }
    for (severity, n) in &policy.severity {
        if *n == 0 {
            bad(format!(
                "`policy.severity.{}` must be at least 1: no baseline is accepted without an approval",
                severity.as_str()
            ));
        }
    }
    for (i, rule) in policy.paths.iter().enumerate() {
        let at = format!("`policy.paths` entry {}", i + 1);
        if rule.paths.is_empty() {
            bad(format!("{at} has no `paths`"));
        }
        for g in &rule.paths {
            if let Err(e) = globset::Glob::new(g) {
                bad(format!("{at}: bad glob `{g}`: {}", e.kind()));
            }
        }
        if rule.approvers.is_empty() {
            bad(format!("{at} has no `approvers`"));
        }
        if let Some(who) = rule.approvers.iter().find(|a| a.trim().is_empty()) {
            bad(format!("{at}: empty approver `{who}`"));
        }
        if rule.approvals == 0 {
            bad(format!("{at}: `approvals` must be at least 1"));
        }
        let literal = rule.approvers.iter().all(|a| !a.contains(['*', '?', '!']));
        if literal && rule.approvals > 0 && rule.approvals as usize > rule.approvers.len() {
            bad(format!(
                "{at} needs {} approvals from {} approvers: it can never be satisfied",
                rule.approvals,
                rule.approvers.len()
            ));
        }
    }
    for (key, ttl) in [
        ("approval_ttl", &policy.approval_ttl),
        ("proposal_ttl", &policy.proposal_ttl),
    ] {
        if let Some(t) = ttl
            && let Err(e) = crate::policy::actors::parse_ttl(t)
        {
            bad(format!("`policy.{key}`: {e}"));
        }
    }
    if policy.actors.approvals_for_machine_proposals == 0 {
        bad("`policy.actors.approvals_for_machine_proposals` must be at least 1".into());
    }
    if let Some(who) = policy.actors.machines.iter().find(|m| m.trim().is_empty()) {
        bad(format!("`policy.actors.machines`: empty principal `{who}`"));
    }
    for (level, who) in &policy.approvers {
        let key = format!("policy.approvers.{}", level.as_str());
        if who.is_empty() {
            bad(format!(
                "`{key}` is empty: nobody could approve such a proposal"
            ));
        }
        if let Some(empty) = who.iter().find(|a| a.trim().is_empty()) {
            bad(format!("`{key}`: empty approver `{empty}`"));
        }
    }
    if let Err(e) = crate::notify::validate(&c.notify) {
        bad(e);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_problem_is_reported_at_once() {
        let text = "[tree]\ninclude = [\"[\"]\n[policy]\napprovals = 0\nproposal_ttl = \"soon\"\n";
        let err = ValidConfig::parse(text, Path::new("d.toml")).unwrap_err();
        let shown = err.to_string();
        assert!(
            shown.starts_with("invalid `d.toml`: 3 problems: bad glob `[`"),
            "{shown}"
        );
        assert!(
            shown.contains("`policy.approvals` must be at least 1"),
            "{shown}"
        );
        assert!(shown.contains("`policy.proposal_ttl`"), "{shown}");
    }

    #[test]
    fn one_problem_reads_as_before() {
        let err = ValidConfig::parse("[policy]\napprovals = 0\n", Path::new("d.toml")).unwrap_err();
        assert_eq!(
            err.to_string(),
            "invalid `d.toml`: `policy.approvals` must be at least 1: no baseline is accepted without an approval"
        );
    }
}
