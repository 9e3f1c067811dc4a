//! Risk rules: which changes are dangerous, and how dangerous.
//!
//! Owns the rule model (the built-in pack and `[[rule]]` entries of driftgate.toml, one
//! schema for both), matching a change against a rule, and setting the severity and
//! rule ids of a report's changes. Pure: it neither reads files nor prints; the caller
//! hands it the changes and, where it has them, the parsed documents of both sides.
//!
//! This file holds the rule set (resolving the active rules and applying them to a
//! report) and its errors; `book` the built-in pack and the recorded rule book,
//! `compile` a rule's compiled form, `matcher` matching one change against one rule,
//! `view` how rules see a change, `index` the documents of a file, `k8s` Kubernetes
//! identities.

mod book;
pub mod cfg;
mod compile;
mod index;
mod k8s;
mod matcher;
mod paths;
mod view;

pub use book::{BOOK_SCHEMA, BUILTIN, BookRule, RuleBook, builtin_description, describe};
pub use compile::{Origin, Rule};
pub use index::{DocIndex, Document, FileData, paths_to_keep};
pub use k8s::{DocumentId, parse_document};

use crate::change::{Change, FileReport, FileStatus, Severity};
use crate::semantic::cfg::{CompareConfig, RedactConfig};
use book::builtin_specs;
use cfg::{RuleConfig, RulesConfig};
use paths::PathIndex;
use view::views;

/// Errors building the rule set.
#[derive(Debug, thiserror::Error)]
pub enum RuleError {
    /// A `[[rule]]` entry (index `index` in the config) that cannot be used.
    #[error("rule `{id}`: {message}")]
    Invalid {
        /// Position among the config's `[[rule]]` entries; `None` for the built-in pack.
        index: Option<usize>,
        /// The rule's id.
        id: String,
        /// What is wrong.
        message: String,
    },
    /// `rules.disable` names a rule the built-in pack does not have.
    #[error(
        "`rules.disable` names `{0}`, which is not a built-in rule (see `driftgate rules --all`)"
    )]
    UnknownDisabled(String),
    /// The built-in pack does not parse (a defect caught by its unit test).
    #[error("the built-in rule pack is invalid: {0}")]
    Builtin(String),
    /// A recorded rule book this version cannot use.
    #[error("{0}")]
    Book(String),
}

impl RuleError {
    /// Returns the position of the offending `[[rule]]` in the config, if it is one.
    pub fn rule_index(&self) -> Option<usize> {
        match self {
            RuleError::Invalid { index, .. } => *index,
            _ => None,
        }
    }
}

/// The active rules, in order: built-ins first, then the config's own.
#[derive(Debug, Clone)]
pub struct RuleSet {
    rules: Vec<Rule>,
    disabled: Vec<RuleConfig>,
    default: Severity,
    secret_keys: Vec<String>,
    paths: PathIndex,
}

impl RuleSet {
    /// Returns the active rules of `config`: the built-in pack (unless turned off, less
    /// the disabled ids, with config rules of the same id replacing built-ins), then
    /// the config's own rules.
    pub fn new(
        config: &RulesConfig,
        own: &[&RuleConfig],
        redact: &RedactConfig,
    ) -> Result<RuleSet, RuleError> {
        let builtin = builtin_specs()?;
        let builtin_ids: Vec<String> = builtin.iter().map(|b| b.id.clone()).collect();
        for id in &config.disable {
            if !builtin_ids.contains(id) {
                return Err(RuleError::UnknownDisabled(id.clone()));
            }
        }
        for (i, r) in own.iter().enumerate() {
            if own.iter().take(i).any(|o| o.id == r.id) {
                return Err(RuleError::Invalid {
                    index: Some(i),
                    id: r.id.clone(),
                    message: "another `[[rule]]` has the same id".into(),
                });
            }
        }
        let mut rules = Vec::new();
        let mut disabled = Vec::new();
        for spec in builtin {
            let replaced = own.iter().any(|o| o.id == spec.id);
            if !config.builtin || config.disable.contains(&spec.id) || replaced {
                if !replaced {
                    disabled.push(spec);
                }
                continue;
            }
            let id = spec.id.clone();
            rules.push(Rule::compile(spec, Origin::Builtin).map_err(|message| {
                RuleError::Invalid {
                    index: None,
                    id,
                    message,
                }
            })?);
        }
        for (i, &spec) in own.iter().enumerate() {
            let origin = if builtin_ids.contains(&spec.id) {
                Origin::Replaced
            } else {
                Origin::Config
            };
            rules.push(Rule::compile(spec.clone(), origin).map_err(|message| {
                RuleError::Invalid {
                    index: Some(i),
                    id: spec.id.clone(),
                    message,
                }
            })?);
        }
        Ok(RuleSet {
            paths: PathIndex::of(&rules),
            rules,
            disabled,
            default: config.default_severity,
            secret_keys: redact.keys.iter().map(|k| k.to_lowercase()).collect(),
        })
    }

    /// Returns the rules of `book`.
    pub fn from_book(book: &RuleBook) -> Result<RuleSet, RuleError> {
        if book.schema != BOOK_SCHEMA {
            return Err(RuleError::Book(format!(
                "unknown rule book schema `{}`",
                book.schema
            )));
        }
        let rules = book
            .rules
            .iter()
            .map(|r| {
                Rule::compile(r.rule.clone(), r.origin).map_err(|message| RuleError::Invalid {
                    index: None,
                    id: r.rule.id.clone(),
                    message,
                })
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(RuleSet {
            paths: PathIndex::of(&rules),
            rules,
            disabled: Vec::new(),
            default: book.default_severity,
            secret_keys: book.secret_keys.clone(),
        })
    }

    /// Returns the book of these rules with the comparison settings `compare`.
    pub fn book(&self, compare: &CompareConfig) -> RuleBook {
        RuleBook {
            schema: BOOK_SCHEMA.to_string(),
            default_severity: self.default,
            secret_keys: self.secret_keys.clone(),
            compare: compare.clone(),
            rules: self
                .rules
                .iter()
                .map(|r| BookRule {
                    origin: r.origin,
                    rule: r.spec.clone(),
                })
                .collect(),
        }
    }

    /// Returns the active rules, in the order they are tried.
    pub fn rules(&self) -> &[Rule] {
        &self.rules
    }

    /// Returns the rules whose path globs select file `path` (those without path globs
    /// select every file), in rule order.
    fn selecting(&self, path: &str) -> Vec<&Rule> {
        self.paths.select(&self.rules, path)
    }

    /// Returns the built-in rules that are turned off.
    pub fn disabled(&self) -> &[RuleConfig] {
        &self.disabled
    }

    /// Returns the severity of changes that no rule matches.
    pub fn default_severity(&self) -> Severity {
        self.default
    }

    /// Returns whether some rule may need the documents of file `path` to decide:
    /// one that looks at keys, documents or values.
    pub fn wants_documents(&self, path: &str) -> bool {
        self.selecting(path).into_iter().any(|r| {
            !r.keys.is_empty()
                || r.spec.secret
                || !r.where_.is_empty()
                || !r.where_not.is_empty()
                || r.kind.is_some()
                || r.api_version.is_some()
                || r.namespace.is_some()
                || r.name.is_some()
        })
    }

    /// Returns the highest severity any rule could give a change in file `path`, and at
    /// least `high`: the rating of a change whose content cannot be read (over the size
    /// cap, binary, unparseable, a symlink, not stored). Rules that look inside
    /// documents count only for `structured` files, the only ones they could match.
    pub fn ceiling(&self, path: &str, structured: bool) -> Severity {
        self.selecting(path)
            .into_iter()
            .filter(|r| {
                structured
                    || r.spec.secret
                    || (r.keys.is_empty()
                        && r.kind.is_none()
                        && r.api_version.is_none()
                        && r.namespace.is_none()
                        && r.name.is_none()
                        && r.where_.is_empty()
                        && r.where_not.is_empty())
            })
            .map(Rule::severity)
            .chain([Severity::High])
            .max()
            .unwrap_or(Severity::High)
    }

    /// Returns the rules matching `change` in file `path`, in rule order.
    pub fn matching(&self, path: &str, change: &Change, data: Option<&FileData>) -> Vec<&Rule> {
        self.matching_among(&self.selecting(path), change, data)
    }

    /// Returns the rules of `candidates` (rules whose path globs select the change's
    /// file) that match `change`, in order.
    fn matching_among<'r>(
        &self,
        candidates: &[&'r Rule],
        change: &Change,
        data: Option<&FileData>,
    ) -> Vec<&'r Rule> {
        let views = views(change, data);
        candidates
            .iter()
            .copied()
            .filter(|r| {
                views
                    .iter()
                    .any(|v| r.matches_in_file(v, &self.secret_keys))
            })
            .collect()
    }

    /// Sets the severity and rule ids of every change of `file`, and the file's
    /// severity: the highest of its changes; without changes, `info` for a cosmetic
    /// file and the default for others.
    pub fn apply(&self, file: &mut FileReport, data: Option<&FileData>) {
        let path = file.path.clone();
        self.apply_at(&path, file, data);
    }

    /// Like [`RuleSet::apply`], with path globs matched against `path` instead of the
    /// file's own (two files compared outside the tree).
    pub fn apply_at(&self, path: &str, file: &mut FileReport, data: Option<&FileData>) {
        // Path globs are matched once per file, not once per change.
        let candidates = self.selecting(path);
        use rayon::prelude::*;
        // Each change is rated on its own: a file of many changes uses every core.
        let rate = |change: &mut Change| {
            let mut matched = self.matching_among(&candidates, change, data);
            if let Some([old, new]) = &change.yaml11 {
                let read_11 = Change {
                    old: old.clone(),
                    new: new.clone(),
                    yaml11: None,
                    ..change.clone()
                };
                let before = matched.iter().map(|r| r.severity()).max();
                for r in self.matching_among(&candidates, &read_11, data) {
                    if !matched.iter().any(|m| std::ptr::eq(*m, r)) {
                        matched.push(r);
                    }
                }
                let after = matched.iter().map(|r| r.severity()).max();
                if after > before
                    && let Some(rule) = matched.iter().find(|r| Some(r.severity()) == after)
                {
                    let why = format!(
                        "rated as YAML 1.1 readers (PyYAML, Ansible, Kubernetes tooling) \
                         read the value, which `{}` matches",
                        rule.id()
                    );
                    change.note = Some(match change.note.take() {
                        Some(n) => format!("{n}; {why}").into(),
                        None => why.into(),
                    });
                }
            }
            let top = matched.iter().map(|r| r.severity()).max();
            change.severity = top.unwrap_or(self.default);
            change.rule = matched
                .iter()
                .find(|r| Some(r.severity()) == top)
                .map(|r| r.id().to_string());
            change.rules = matched.iter().map(|r| r.id().to_string()).collect();
            let controls: std::collections::BTreeSet<&String> =
                matched.iter().flat_map(|r| &r.spec.controls.0).collect();
            change.controls = controls.into_iter().cloned().collect();
        };
        // A few changes are rated in turn: splitting them costs more than it saves.
        if file.changes.len() > 16 {
            file.changes.par_iter_mut().for_each(rate);
        } else {
            file.changes.iter_mut().for_each(rate);
        }
        // A file without listed changes is judged by what it is: formatting only is
        // informational; anything else (a file whose content cannot be compared) gets
        // the default.
        let bare = if file.status == FileStatus::Cosmetic {
            Severity::Info
        } else {
            self.default
        };
        file.severity = file
            .changes
            .iter()
            .map(|c| c.severity)
            .max()
            .unwrap_or(bare);
    }
}

#[cfg(test)]
mod tests;
