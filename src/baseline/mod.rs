//! Baselines, proposals and history records: what is accepted, what is pending, and
//! the chain that links them.
//!
//! Owns their JSON shapes, root hashes and proposal ids, and reading/writing them in a
//! [`Store`]. Does not decide whether a proposal may be accepted (see `policy`).

pub mod manifest;
mod pending;

pub use pending::{
    ChangeSet, Counted, PickError, Unread, list_counted, list_pending, load_proposal, pick_pending,
    pick_proposal,
};

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use crate::actor::{Actor, ActorKind};
use crate::approval::{Approval, SignedRequest, Statement};
use crate::change::Report;
use crate::change::Severity;
use crate::policy::cfg::PolicyConfig;
use crate::store::{self, Objects, Store, StoreError};
use crate::tree::{Entry, TRUST_FILE, Tree};

/// Schema of `baseline.json` and of the candidate inside a proposal: the entries are a
/// tree of manifests in the object store (see [`manifest`]).
pub const BASELINE_SCHEMA: &str = "driftgate.baseline/v2";
/// Schema of baselines written before manifests, with every entry inline; still read,
/// and still verified by the root hash they were approved under.
pub const BASELINE_SCHEMA_V1: &str = "driftgate.baseline/v1";
/// Schema of `proposals/<id>.json`.
pub const PROPOSAL_SCHEMA: &str = "driftgate.proposal/v1";
/// Schema of `history/<root-hash>.json`.
pub const RECORD_SCHEMA: &str = "driftgate.record/v1";

/// A baseline: every entry of a tree, its parent and its root hash.
///
/// Its bytes are deterministic: the same tree with the same parent gives the same file,
/// so a baseline change in a pull request shows exactly what was accepted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Baseline {
    /// Always [`BASELINE_SCHEMA`].
    pub schema: String,
    /// blake3 over the schema, parent, trust hash, policy, rule book and every entry.
    pub root_hash: String,
    /// The root hash of the baseline this one replaces; `None` for the first.
    pub parent: Option<String>,
    /// blake3 of `.driftgate/allowed_signers` in this tree, if there is one.
    pub trust: Option<String>,
    /// The effective `[policy]` when the baseline was proposed: the policy that the
    /// *next* proposal is judged by. Kept here, under the root hash, rather than read
    /// back from the stored driftgate.toml, whose stored form is not raw bytes.
    pub policy: PolicyConfig,
    /// blake3 of the rule book (in the object store) in effect when the baseline was
    /// proposed: what judges the severity of the *next* proposal's changes, and of
    /// drift from this baseline.
    pub rules: String,
    /// The hash of the root manifest (v2): every entry, by directory.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tree: Option<String>,
    /// How many files the tree holds (v2).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub files: Option<u64>,
    /// The fingerprint of the settings the entries were derived with (formats, size
    /// cap, redaction; v2): a later snapshot under the same settings reuses the entry
    /// of a file whose bytes did not change instead of parsing it again.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub settings: Option<String>,
    /// The entries, sorted by path (v1 only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub entries: Option<Vec<Entry>>,
}

#[derive(Serialize)]
struct HashInputV2<'a> {
    schema: &'a str,
    parent: &'a Option<String>,
    trust: &'a Option<String>,
    policy: &'a PolicyConfig,
    rules: &'a str,
    tree: &'a Option<String>,
    files: &'a Option<u64>,
    settings: &'a Option<String>,
}

#[derive(Serialize)]
struct HashInput<'a> {
    schema: &'a str,
    parent: &'a Option<String>,
    trust: &'a Option<String>,
    policy: &'a PolicyConfig,
    rules: &'a str,
    entries: &'a [Entry],
}

impl Baseline {
    /// Returns the baseline of `tree` with `parent`, `policy` and the hash of its rule
    /// book, its root hash computed.
    pub fn new(
        tree: &Tree,
        parent: Option<String>,
        policy: PolicyConfig,
        rules: String,
    ) -> Baseline {
        Baseline::of_built(tree, &manifest::build(tree), parent, policy, rules)
    }

    /// Like [`Baseline::new`], with the tree's manifests already built.
    pub fn of_built(
        tree: &Tree,
        built: &manifest::Built,
        parent: Option<String>,
        policy: PolicyConfig,
        rules: String,
    ) -> Baseline {
        let trust = tree.get(TRUST_FILE).map(|e| e.blake3.clone());
        let mut b = Baseline {
            schema: BASELINE_SCHEMA.to_string(),
            root_hash: String::new(),
            parent,
            trust,
            policy,
            rules,
            tree: Some(built.root.clone()),
            files: Some(tree.len() as u64),
            settings: None,
            entries: None,
        };
        b.root_hash = b.compute_root_hash();
        b
    }

    /// Returns the root hash of the content, whatever `root_hash` says.
    pub fn compute_root_hash(&self) -> String {
        let bytes = if self.schema == BASELINE_SCHEMA_V1 {
            serde_json::to_vec(&HashInput {
                schema: &self.schema,
                parent: &self.parent,
                trust: &self.trust,
                policy: &self.policy,
                rules: &self.rules,
                entries: self.entries.as_deref().unwrap_or_default(),
            })
        } else {
            serde_json::to_vec(&HashInputV2 {
                schema: &self.schema,
                parent: &self.parent,
                trust: &self.trust,
                policy: &self.policy,
                rules: &self.rules,
                tree: &self.tree,
                files: &self.files,
                settings: &self.settings,
            })
        }
        .unwrap_or_default();
        blake3::keyed_hash(&domain_key(b"driftgate root hash"), &bytes)
            .to_hex()
            .to_string()
    }

    /// Returns the baseline recording that its entries were derived with the settings
    /// of fingerprint `settings`.
    pub fn derived_with(mut self, settings: &str) -> Baseline {
        self.settings = Some(settings.to_string());
        self.root_hash = self.compute_root_hash();
        self
    }

    /// Returns every entry, reading the manifests from `objects` (each checked against
    /// its hash and its place).
    pub fn tree(&self, objects: &Objects) -> Result<Tree, StoreError> {
        if let Some(entries) = &self.entries {
            return Ok(entries
                .iter()
                .map(|e| (e.path.clone(), e.clone()))
                .collect());
        }
        let Some(root) = &self.tree else {
            return Ok(Tree::new());
        };
        let tree = manifest::load(root, objects)?;
        if Some(tree.len() as u64) != self.files {
            return Err(StoreError::Integrity {
                path: PathBuf::from(store::STATE_DIR).join("objects"),
                message: format!(
                    "baseline {} holds {} files, not the {} it records",
                    short(&self.root_hash),
                    tree.len(),
                    self.files.unwrap_or_default()
                ),
            });
        }
        Ok(tree)
    }

    /// Returns the entries of `old` (none: the empty tree) and of `self` under the
    /// directories where they differ, reading only the manifests on the way there.
    pub fn differing(
        &self,
        old: Option<&Baseline>,
        objects: &Objects,
    ) -> Result<(Tree, Tree), StoreError> {
        match (old, &self.tree, old.and_then(|o| o.tree.as_ref())) {
            (Some(_), Some(new), Some(prev)) => {
                manifest::load_differing(Some(prev), Some(new), objects)
            }
            (None, Some(new), _) => manifest::load_differing(None, Some(new), objects),
            // A v1 baseline on either side: its whole tree against the other.
            _ => differing_tree(old, &self.tree(objects)?, objects),
        }
    }

    /// Checks that `root_hash` matches the content and the entries are well-formed.
    pub fn check_integrity(&self, path: &std::path::Path) -> Result<(), StoreError> {
        let integrity = |message: String| StoreError::Integrity {
            path: path.to_path_buf(),
            message,
        };
        let v1 = self.schema == BASELINE_SCHEMA_V1;
        if !v1 && self.schema != BASELINE_SCHEMA {
            return Err(integrity(format!("unknown schema `{}`", self.schema)));
        }
        if v1 != self.entries.is_some() || v1 == self.tree.is_some() || v1 == self.files.is_some() {
            return Err(integrity(format!("not a {} baseline", self.schema)));
        }
        let computed = self.compute_root_hash();
        if computed != self.root_hash {
            return Err(integrity(format!(
                "root hash {} does not match its content ({})",
                short(&self.root_hash),
                short(&computed)
            )));
        }
        let mut prev: Option<&str> = None;
        for e in self.entries.iter().flatten() {
            if crate::tree::normalize(std::path::Path::new(&e.path))
                .ok()
                .as_deref()
                != Some(e.path.as_str())
            {
                return Err(integrity(format!("entry path `{}` is not allowed", e.path)));
            }
            if prev.is_some_and(|p| p >= e.path.as_str()) {
                return Err(integrity("entries are not sorted and unique".into()));
            }
            prev = Some(&e.path);
        }
        Ok(())
    }
}

fn domain_key(context: &[u8]) -> [u8; 32] {
    *blake3::hash(context).as_bytes()
}

/// Returns the first 12 hex digits of a hash, for display.
pub fn short(hash: &str) -> &str {
    hash.get(..12).unwrap_or(hash)
}

/// Returns the id of the proposal of `root_hash` on top of `parent`.
///
/// Derived from content, so proposing the same tree twice gives the same id.
pub fn proposal_id(root_hash: &str, parent: Option<&str>) -> String {
    let input = format!("{root_hash}\n{}", parent.unwrap_or(""));
    blake3::keyed_hash(&domain_key(b"driftgate proposal id"), input.as_bytes())
        .to_hex()
        .as_str()[..12]
        .to_string()
}

/// A pending proposal: the baseline it would accept, why, by whom, and what it changes.
///
/// `C` is its change set: the [`Report`], or [`Unread`] where only the rest is wanted
/// (the change set of a first baseline of a large tree is tens of megabytes of JSON).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Proposal<C = Report> {
    /// Always [`PROPOSAL_SCHEMA`].
    pub schema: String,
    /// Derived from `baseline.root_hash` and `baseline.parent`.
    pub id: String,
    /// Who proposed it (git email, user name or `--as`).
    pub requester: String,
    /// Why (`snapshot -m`).
    pub reason: String,
    /// When (RFC 3339 UTC).
    pub created_at: String,
    /// Whether a person, a CI job or an agent proposed it; absent in proposals written
    /// before actors were recorded, which read as `human`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub requester_kind: Option<ActorKind>,
    /// The tool given with `--actor KIND:NAME`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub requester_tool: Option<String>,
    /// The requester's signed request (`snapshot --sign`), binding the proposal to a key.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request: Option<SignedRequest>,
    /// The baseline that accepting it would write.
    pub baseline: Baseline,
    /// The change set from the parent baseline, secrets redacted.
    pub changes: C,
}

impl<C> Proposal<C> {
    /// Returns a statement approving this proposal as `principal`.
    pub fn statement(&self, principal: &str, time: String, reason: String) -> Statement {
        Statement::new(
            &self.id,
            &self.baseline.root_hash,
            self.baseline.parent.as_deref(),
            principal,
            time,
            reason,
        )
    }

    /// Returns when it was proposed: its signed request's time when it has one (what
    /// `policy.proposal_ttl` is measured from), else `created_at`.
    pub fn requested_at(&self) -> String {
        self.request
            .as_ref()
            .and_then(|r| serde_json::from_str::<crate::approval::RequestStatement>(&r.bytes).ok())
            .map_or_else(|| self.created_at.clone(), |s| s.time)
    }

    /// Returns who proposed it, as recorded.
    pub fn requester_actor(&self) -> Actor {
        Actor {
            principal: self.requester.clone(),
            kind: self.requester_kind.unwrap_or_default(),
            tool: self.requester_tool.clone(),
        }
    }
}

/// An accepted baseline's history record: the baseline and how it came to be accepted.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Record {
    /// Always [`RECORD_SCHEMA`].
    pub schema: String,
    /// The accepted baseline.
    pub baseline: Baseline,
    /// The proposal's id.
    pub proposal: String,
    /// Who proposed it.
    pub requester: String,
    /// Why it was proposed.
    pub reason: String,
    /// When it was proposed.
    pub created_at: String,
    /// Whether a person, a CI job or an agent proposed it (absent: `human`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub requester_kind: Option<ActorKind>,
    /// The tool the requester named.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub requester_tool: Option<String>,
    /// The requester's signed request, when the proposal was signed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request: Option<SignedRequest>,
    /// The approvals it was accepted with (statements and any signatures).
    pub approvals: Vec<Approval>,
    /// When it was accepted (RFC 3339 UTC).
    pub accepted_at: String,
    /// Who ran `accept`.
    pub accepted_by: String,
    /// Hash of the audit log's last line just before acceptance.
    pub audit_head: Option<String>,
    /// What the judge saw when it accepted the link; `verify` re-derives and compares
    /// it. Absent in records written before it was kept.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub judgement: Option<Seen>,
}

/// Returns the accepted baseline, `None` when there is none yet, checking its root hash.
pub fn load_baseline(store: &Store) -> Result<Option<Baseline>, StoreError> {
    let path = store.baseline_path();
    if !path.exists() {
        return Ok(None);
    }
    let b: Baseline = store::read_json(&path).map_err(|e| match e {
        StoreError::Corrupt { path, message } => StoreError::Integrity { path, message },
        other => other,
    })?;
    b.check_integrity(&path)?;
    // The file is exactly what driftgate writes for this baseline: no byte of it may
    // change unnoticed, layout included.
    let bytes = std::fs::read(&path).map_err(StoreError::io("read", &path))?;
    if bytes != store::to_json_bytes(&b) {
        return Err(StoreError::Integrity {
            path,
            message: "the file is not as driftgate wrote it (edited by hand?)".into(),
        });
    }
    Ok(Some(b))
}

/// Returns the history record of the baseline with `root_hash`, if present.
pub fn load_record(store: &Store, root_hash: &str) -> Result<Option<Record>, StoreError> {
    let path = record_path(store, root_hash);
    if !path.exists() {
        return Ok(None);
    }
    store::read_json(&path).map(Some)
}

/// Returns `history/<root_hash>.json`.
pub fn record_path(store: &Store, root_hash: &str) -> PathBuf {
    store.history_dir().join(format!("{root_hash}.json"))
}

/// Returns whether `id` has the form of a proposal id: 12 lowercase hex digits.
pub fn is_proposal_id(id: &str) -> bool {
    id.len() == 12
        && id
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// Returns `proposals/<id>.json`.
pub fn proposal_path(store: &Store, id: &str) -> PathBuf {
    store.proposals_dir().join(format!("{id}.json"))
}

/// Removes proposal `id`'s file and its approvals directory (after it was accepted or
/// rejected).
pub fn remove_proposal(store: &Store, id: &str) -> Result<(), StoreError> {
    let dir = store.approvals_dir(id);
    if dir.exists() {
        std::fs::remove_dir_all(&dir).map_err(StoreError::io("remove", &dir))?;
    }
    let file = proposal_path(store, id);
    std::fs::remove_file(&file).map_err(StoreError::io("remove", &file))?;
    Ok(())
}

/// A baseline's entries looked up by path: through its manifests, reading only those on
/// the way to each path asked for (a v1 baseline is read whole, once).
pub struct Entries<'a> {
    baseline: &'a Baseline,
    objects: &'a Objects,
    lookup: Option<manifest::Lookup<'a>>,
    whole: std::sync::OnceLock<Option<Tree>>,
}

impl<'a> Entries<'a> {
    /// Returns the entries of `baseline`.
    pub fn new(baseline: &'a Baseline, objects: &'a Objects) -> Entries<'a> {
        Entries {
            baseline,
            objects,
            lookup: baseline
                .tree
                .as_ref()
                .map(|root| manifest::Lookup::new(root, objects)),
            whole: std::sync::OnceLock::new(),
        }
    }

    /// Returns the entry of `path`, if the baseline has one (and it can be read).
    pub fn get(&self, path: &str) -> Option<Entry> {
        match &self.lookup {
            Some(l) => l.get(path),
            None => self
                .whole
                .get_or_init(|| self.baseline.tree(self.objects).ok())
                .as_ref()?
                .get(path)
                .cloned(),
        }
    }
}

/// Returns the entries of `old` (none: the empty tree) and of `tree` under the
/// directories where they differ, reading only the manifests on the way there.
pub fn differing_tree(
    old: Option<&Baseline>,
    tree: &Tree,
    objects: &Objects,
) -> Result<(Tree, Tree), StoreError> {
    match old {
        None => Ok((Tree::new(), tree.clone())),
        Some(b) => match &b.tree {
            Some(root) => manifest::differing_from(Some(root), tree, objects),
            None => {
                let old = b.tree(objects)?;
                let changed = changed_paths(&old, tree);
                let keep = |t: &Tree| -> Tree {
                    changed
                        .iter()
                        .filter_map(|p| t.get(p).map(|e| (p.clone(), e.clone())))
                        .collect()
                };
                Ok((keep(&old), keep(tree)))
            }
        },
    }
}

/// Returns the paths whose entries differ between `base` and `tree` (added, removed or
/// changed in any recorded way).
pub fn changed_paths(base: &Tree, tree: &Tree) -> std::collections::BTreeSet<String> {
    let mut out: std::collections::BTreeSet<String> = tree
        .iter()
        .filter(|(p, e)| base.get(*p) != Some(*e))
        .map(|(p, _)| p.clone())
        .collect();
    out.extend(base.keys().filter(|p| !tree.contains_key(*p)).cloned());
    out
}

/// What the judge saw when it let a link through, recorded in its history record so
/// `verify` can re-derive it and compare.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Seen {
    /// Distinct approvals required.
    pub required: u32,
    /// The principals whose approvals counted, in order.
    pub counted: Vec<String>,
    /// The highest severity of the changes (`None`: nothing but the baseline changed).
    pub severity: Option<Severity>,
    /// Every severity of the changes, lowest first.
    pub severities: Vec<Severity>,
    /// What had the highest severity: `file (rule)`.
    pub causes: Vec<String>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tree::EntryKind;

    pub(super) fn entry(path: &str, content: &str) -> Entry {
        Entry {
            path: path.into(),
            kind: EntryKind::File,
            size: content.len() as u64,
            blake3: blake3::hash(content.as_bytes()).to_hex().to_string(),
            format: "text".into(),
            canonical: None,
            object: None,
            object_size: None,
            target: None,
            error: None,
        }
    }

    pub(super) fn tree(items: &[(&str, &str)]) -> Tree {
        items
            .iter()
            .map(|(p, c)| (p.to_string(), entry(p, c)))
            .collect()
    }

    #[test]
    fn root_hash_covers_entries_parent_policy_and_rules() {
        let p = PolicyConfig::default;
        let r = || "rules-a".to_string();
        let a = Baseline::new(&tree(&[("a", "1")]), None, p(), r());
        let b = Baseline::new(&tree(&[("a", "2")]), None, p(), r());
        let c = Baseline::new(&tree(&[("a", "1")]), Some(a.root_hash.clone()), p(), r());
        let stricter = PolicyConfig {
            approvals: 2,
            ..p()
        };
        let d = Baseline::new(&tree(&[("a", "1")]), None, stricter, r());
        let e = Baseline::new(&tree(&[("a", "1")]), None, p(), "rules-b".into());
        assert_ne!(a.root_hash, b.root_hash);
        assert_ne!(a.root_hash, c.root_hash);
        assert_ne!(a.root_hash, d.root_hash);
        assert_ne!(a.root_hash, e.root_hash);
        assert_eq!(a, Baseline::new(&tree(&[("a", "1")]), None, p(), r()));
    }

    #[test]
    fn edited_entry_fails_integrity() {
        let mut a = Baseline::new(
            &tree(&[("a", "1"), ("b", "2")]),
            None,
            PolicyConfig::default(),
            String::new(),
        );
        a.check_integrity(std::path::Path::new("b.json")).unwrap();
        a.tree = Some("0".repeat(64));
        assert!(a.check_integrity(std::path::Path::new("b.json")).is_err());
    }

    #[test]
    fn proposal_id_depends_on_parent() {
        assert_ne!(proposal_id("r", None), proposal_id("r", Some("p")));
        assert_eq!(proposal_id("r", None).len(), 12);
    }
}
