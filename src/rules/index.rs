//! The documents of both sides of one file as rules see them, indexed by identity on
//! first use, and which key paths of them rules may look at.

use serde_json::Value;

use crate::change::FileReport;
use crate::semantic::keypath::KeyPath;

/// One parsed document of a file, as rules see it.
#[derive(Debug, Clone, PartialEq)]
pub struct Document {
    /// The document's identity as changes name it (`apiVersion/kind/namespace/name`).
    pub identity: Option<String>,
    /// Its data, secret values already redacted.
    pub value: Value,
}

/// The documents of both sides of one file; a side is empty when absent or unknown.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FileData {
    /// Documents in the baseline.
    pub old: Vec<Document>,
    /// Documents now.
    pub new: Vec<Document>,
    /// Positions by identity, built on first use: a stream of 100,000 documents with a
    /// change in each must not be searched once per change.
    pub index: DocIndex,
}

/// Positions of a file's documents by identity, per side.
#[derive(Debug, Clone, Default)]
pub struct DocIndex {
    old: std::sync::OnceLock<std::collections::HashMap<String, usize>>,
    new: std::sync::OnceLock<std::collections::HashMap<String, usize>>,
}

impl PartialEq for DocIndex {
    fn eq(&self, _: &DocIndex) -> bool {
        true // derived data: equal documents give equal indexes
    }
}

impl FileData {
    /// Returns the data of labelled documents, as `semantic::document_values` gives them.
    pub fn from_values([old, new]: [Vec<crate::semantic::DocumentValue>; 2]) -> FileData {
        let doc = |(identity, value)| Document { identity, value };
        FileData {
            old: old.into_iter().map(doc).collect(),
            new: new.into_iter().map(doc).collect(),
            index: DocIndex::default(),
        }
    }

    /// Returns the position of the document with `identity` on the new side (`new`) or
    /// the old one.
    pub(super) fn position(&self, new: bool, identity: &str) -> Option<usize> {
        let (docs, cell) = if new {
            (&self.new, &self.index.new)
        } else {
            (&self.old, &self.index.old)
        };
        cell.get_or_init(|| {
            let mut m = std::collections::HashMap::with_capacity(docs.len());
            for (i, d) in docs.iter().enumerate() {
                if let Some(id) = &d.identity {
                    m.entry(id.clone()).or_insert(i);
                }
            }
            m
        })
        .get(identity)
        .copied()
    }
}

/// Returns the key paths of `file`'s changes, which is all of its documents rules look
/// at ([`views`]: lookups go up from a changed key), or `None` when some change is of a
/// whole file without values and rules must see every document whole.
pub fn paths_to_keep(file: &FileReport) -> Option<Vec<KeyPath>> {
    file.changes
        .iter()
        .map(|c| {
            let opaque = c.path.is_empty() && c.old.is_none() && c.new.is_none();
            (!opaque).then(|| KeyPath::parse(&c.path).unwrap_or_default())
        })
        .collect()
}
