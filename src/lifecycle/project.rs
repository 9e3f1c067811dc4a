//! A loaded project: its root, configuration, state directory and clock, and the
//! configurations derived from it for comparing as a baseline in force says.

use std::path::PathBuf;

use super::LifecycleError;
use crate::config::{self, Config};
use crate::rules::{RuleBook, RuleSet};
use crate::store::Store;
use crate::tree::Settings;

/// A loaded project: root, config, state directory, and the clock it reads.
pub struct Project {
    /// The directory holding driftgate.toml.
    pub root: PathBuf,
    /// The parsed configuration.
    pub config: Config,
    /// Hashing and classification settings derived from `config`.
    pub settings: Settings,
    /// `.driftgate/`.
    pub store: Store,
    /// The active risk rules of `config`.
    pub rules: RuleSet,
    /// The repository's key for secret hashes (unkeyed in a state directory made
    /// before keys existed).
    pub secret_key: crate::semantic::SecretKey,
    /// The time of day every record and expiry reads.
    pub clock: crate::clock::Clock,
    /// The root as reports show it: relative to the working directory when inside it
    /// (the command layer knows the working directory; the lifecycle does not read it).
    pub shown_root: String,
}

impl Project {
    /// Returns this project with a key for secret hashes, making one if the state
    /// directory has none and nothing was hashed yet (it was made by an older
    /// driftgate). Call under the lock.
    ///
    /// Once a baseline or a proposal exists, its secrets were hashed without a key;
    /// a key made now would make every secret look changed, so hashes stay unkeyed
    /// (still full length) and `warn` says so.
    pub fn with_secret_key(self, warn: &mut dyn FnMut(String)) -> Result<Project, LifecycleError> {
        if self.secret_key.is_set() {
            return Ok(self);
        }
        if self.store.holds_hashes() {
            warn(format!(
                "`{}` has no key for secret hashes: secrets are hashed without one \
                 (see \"Secrets\" in the README)",
                crate::store::STATE_DIR
            ));
            return Ok(self);
        }
        let key = crate::semantic::SecretKey::new(self.store.ensure_secret_key()?);
        Ok(Project {
            settings: self.settings.clone().with_secret_key(key),
            secret_key: key,
            ..self
        })
    }

    /// Returns this project with `config` in place of driftgate.toml's, its settings
    /// and rules derived from it.
    fn with_config(&self, config: Config) -> Result<Project, LifecycleError> {
        let rules = config.rule_set().map_err(|e| {
            LifecycleError::input(format!("invalid `{}`: {e}", config::CONFIG_FILE))
        })?;
        Ok(Project {
            root: self.root.clone(),
            settings: config.settings().with_secret_key(self.secret_key),
            config,
            store: self.store.clone(),
            rules,
            secret_key: self.secret_key,
            clock: self.clock,
            shown_root: self.shown_root.clone(),
        })
    }

    /// Returns this project reading, hashing and storing files with the redaction keys
    /// of `books` added to driftgate.toml's.
    ///
    /// driftgate.toml is part of the tree, so until it is approved it may not drop a
    /// key the baseline in force redacts: a secret would be shown and stored in clear.
    /// A proposal can add redaction keys, never remove them.
    pub fn keeping_redaction(&self, books: &[&RuleBook]) -> Result<Project, LifecycleError> {
        let mut config = self.config.clone();
        config.redact.keys = redaction_union(&config.redact.keys, books);
        self.with_config(config)
    }

    /// Returns this project comparing as `book` (the rule book of the baseline in
    /// force) says: its `[compare]` settings (ignore rules, identity keys), and the
    /// redaction keys of `book` and `extra` added to driftgate.toml's.
    ///
    /// An ignore rule the tree brings must not hide changes, its own included, from
    /// `check` or a reviewer before it is approved; changing it is drift like any other.
    pub fn comparing_as(
        &self,
        book: &RuleBook,
        extra: &[&RuleBook],
    ) -> Result<Project, LifecycleError> {
        let mut books = vec![book];
        books.extend_from_slice(extra);
        let mut config = self.config.clone();
        config.compare = book.compare.clone();
        config.redact.keys = redaction_union(&config.redact.keys, &books);
        self.with_config(config)
    }

    /// Returns the root as shown in reports.
    pub fn display_root(&self) -> String {
        self.shown_root.clone()
    }

    /// Returns `root` as reports show it, seen from working directory `cwd`: relative
    /// when inside it.
    pub fn shown(root: &std::path::Path, cwd: &std::path::Path) -> String {
        match root.strip_prefix(cwd) {
            Ok(p) if p.as_os_str().is_empty() => ".".to_string(),
            Ok(p) => p.to_string_lossy().replace('\\', "/"),
            Err(_) => root.to_string_lossy().into_owned(),
        }
    }
}

/// Returns `keys` followed by every key of `books` not among them.
fn redaction_union(keys: &[String], books: &[&RuleBook]) -> Vec<String> {
    let mut out = keys.to_vec();
    for k in books.iter().flat_map(|b| &b.secret_keys) {
        if !out.iter().any(|o| o.eq_ignore_ascii_case(k)) {
            out.push(k.clone());
        }
    }
    out
}
