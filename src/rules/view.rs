//! How rules see a change: one view of it (or one per document, for a whole file
//! whose values the report does not hold), with the documents it belongs to and an
//! index of what its values hold.

use std::cell::OnceCell;
use std::collections::HashSet;

use serde_json::Value;

use super::index::FileData;
use super::k8s::identity;
use crate::change::{Change, ChangeKind};
use crate::semantic;
use crate::semantic::keypath::{KeyPath, Segment};

/// What a view's values hold, to skip walks that cannot select anything.
#[derive(Debug, Clone, Default)]
pub(super) struct Index {
    /// Every mapping key in the old and new values.
    pub(super) keys: HashSet<String>,
    /// Whether some key is secret-looking or some value redacted.
    pub(super) secret: bool,
}

impl Index {
    fn add(&mut self, v: &Value, secret_keys: &[String]) {
        match v {
            Value::Object(m) => {
                for (k, child) in m {
                    if !self.secret && is_secret_key(&Segment::Key(k.clone()), secret_keys) {
                        self.secret = true;
                    }
                    if !self.keys.contains(k) {
                        self.keys.insert(k.clone());
                    }
                    self.add(child, secret_keys);
                }
            }
            Value::Array(items) => items.iter().for_each(|i| self.add(i, secret_keys)),
            other => self.secret |= semantic::is_redacted(other),
        }
    }
}

/// One change of a file, with the documents it belongs to where known.
#[derive(Debug, Clone)]
pub(super) struct View<'v> {
    /// The document's Kubernetes identity: from the change, else from its data.
    pub(super) identity: Option<String>,
    pub(super) path: KeyPath,
    pub(super) kind: ChangeKind,
    pub(super) old: Option<&'v Value>,
    pub(super) new: Option<&'v Value>,
    pub(super) doc_old: Option<&'v Value>,
    pub(super) doc_new: Option<&'v Value>,
    /// Whether the change is a line diff that changes redacted values.
    pub(super) secret_lines: bool,
    /// What `old` and `new` hold, built on first use.
    pub(super) index: OnceCell<Index>,
}

impl View<'_> {
    pub(super) fn index(&self, secret_keys: &[String]) -> &Index {
        self.index.get_or_init(|| {
            let mut index = Index::default();
            for v in [self.old, self.new].into_iter().flatten() {
                index.add(v, secret_keys);
            }
            index
        })
    }
}

pub(super) fn is_secret_key(seg: &Segment, secret_keys: &[String]) -> bool {
    match seg {
        Segment::Key(k) => semantic::key_looks_secret(k, secret_keys),
        _ => false,
    }
}

/// Returns how rules see `change`: itself, or, for a change of a whole file whose
/// values are not in the report, one view per document of that file.
pub(super) fn views<'v>(change: &'v Change, data: Option<&'v FileData>) -> Vec<View<'v>> {
    // A path that does not parse (none should) is judged as the whole document.
    let path = KeyPath::parse(&change.path).unwrap_or_default();
    let doc = |data: &'v FileData, new: bool| -> Option<&'v Value> {
        let side = if new { &data.new } else { &data.old };
        match (&change.document, side.as_slice()) {
            (_, [only]) => Some(&only.value),
            (Some(id), docs) => data
                .position(new, id)
                .and_then(|i| docs.get(i))
                .map(|d| &d.value),
            (None, _) => None,
        }
    };
    let (doc_old, doc_new) = match data {
        Some(d) => (doc(d, false), doc(d, true)),
        None => (None, None),
    };
    let opaque = change.path.is_empty() && change.old.is_none() && change.new.is_none();
    let base = View {
        identity: identity(change.document.as_deref(), doc_new.or(doc_old)),
        path,
        kind: change.kind,
        old: change.old.as_ref(),
        new: change.new.as_ref(),
        doc_old,
        doc_new,
        secret_lines: false,
        index: OnceCell::new(),
    };
    let Some(data) = data.filter(|_| opaque) else {
        // A line diff whose changed lines hold redacted values changed a secret.
        if let Some(d) = &change.diff
            && d.lines()
                .any(|l| (l.starts_with('+') || l.starts_with('-')) && semantic::has_redacted(l))
        {
            return vec![View {
                secret_lines: true,
                ..base
            }];
        }
        return vec![base];
    };
    if change.document.is_some() {
        return vec![View {
            old: doc_old,
            new: doc_new,
            ..base
        }];
    }
    // The whole file changed and the report holds no values: pair its documents by
    // identity (by position when they have none) and look at each pair.
    let mut out = Vec::new();
    let mut used_new = vec![false; data.new.len()];
    for (i, o) in data.old.iter().enumerate() {
        let j = match &o.identity {
            Some(id) => data.position(true, id),
            None if data.new.get(i).is_some_and(|n| n.identity.is_none()) => Some(i),
            None => None,
        };
        if let Some(j) = j
            && let Some(u) = used_new.get_mut(j)
        {
            *u = true;
        }
        let n = j.and_then(|j| data.new.get(j));
        out.push(View {
            identity: identity(o.identity.as_deref(), Some(&o.value)),
            path: KeyPath::default(),
            kind: if n.is_some() {
                ChangeKind::Changed
            } else {
                ChangeKind::Removed
            },
            old: Some(&o.value),
            new: n.map(|n| &n.value),
            doc_old: Some(&o.value),
            doc_new: n.map(|n| &n.value),
            secret_lines: false,
            index: OnceCell::new(),
        });
    }
    for (j, n) in data.new.iter().enumerate() {
        if used_new.get(j).copied().unwrap_or(true) {
            continue;
        }
        out.push(View {
            identity: identity(n.identity.as_deref(), Some(&n.value)),
            path: KeyPath::default(),
            kind: ChangeKind::Added,
            old: None,
            new: Some(&n.value),
            doc_old: None,
            doc_new: Some(&n.value),
            secret_lines: false,
            index: OnceCell::new(),
        });
    }
    if out.is_empty() {
        return vec![base];
    }
    out
}
