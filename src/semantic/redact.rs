//! Which values are secrets, and the hash that stands in for them (DESIGN §3).
//!
//! A value is secret when it sits at or below a key whose lowercased name contains one
//! of the configured words (`password`, `token`, ...), under `data`/`stringData` of a
//! Kubernetes `Secret`, or under `value` in a name/value pair whose `name` looks secret
//! (`{name: DB_PASSWORD, value: ...}`, as Kubernetes `env` and many tools write them). Secret scalars are never written anywhere: canonical forms
//! (and so the object store) keep a hash instead, and reports show a short prefix of
//! it, so a reviewer sees *that* a secret changed, never what it is. Keys and structure
//! stay visible.

use super::value::{Doc, Kind, Node};

/// Domain separation for secret hashes, so they cannot be confused with other blake3
/// hashes driftgate writes.
const HASH_DOMAIN: &[u8] = b"driftgate-secret/1\0";

/// How many hex digits of a secret's hash a report shows.
pub(crate) const SHORT_HASH: usize = 8;

/// Secret-key detection for one document.
#[derive(Debug, Clone)]
pub(crate) struct Redactor {
    /// The configured words, lowercased.
    words: Vec<String>,
    /// Whether each interned name of the document is a secret-looking key.
    secret_names: Vec<bool>,
    /// Interned ids of the keys whose secrecy depends on their siblings.
    data: Option<u32>,
    string_data: Option<u32>,
    value: Option<u32>,
}

impl Redactor {
    /// Returns the detector for `doc` with the configured (any case) `words`.
    pub fn new(doc: &Doc, words: &[String]) -> Redactor {
        let words: Vec<String> = words
            .iter()
            .map(|w| w.to_lowercase())
            .filter(|w| !w.is_empty())
            .collect();
        let mut r = Redactor {
            words,
            secret_names: Vec::with_capacity(doc.names.len()),
            data: None,
            string_data: None,
            value: None,
        };
        for id in 0..doc.names.len() as u32 {
            let name = doc.name(id);
            match name {
                "data" => r.data = Some(id),
                "stringData" => r.string_data = Some(id),
                "value" => r.value = Some(id),
                _ => {}
            }
            let secret = r.looks_secret(name);
            r.secret_names.push(secret);
        }
        r
    }

    fn looks_secret(&self, name: &str) -> bool {
        let name = name.to_lowercase();
        self.words.iter().any(|w| name.contains(w.as_str()))
    }

    /// Returns whether `child`, a child of mapping `map`, is secret.
    ///
    /// Siblings are looked at only for the few keys whose secrecy depends on them, so
    /// this is cheap on large documents.
    pub fn is_secret(&self, doc: &Doc, map: &Node, child: &Node) -> bool {
        if self.secret_names.get(child.key as usize) == Some(&true) {
            return true;
        }
        let key = Some(child.key);
        if key == self.data || key == self.string_data {
            return doc.get_str(map, "kind") == Some("Secret");
        }
        if key == self.value {
            return doc
                .get_str(map, "name")
                .is_some_and(|n| self.looks_secret(n));
        }
        false
    }
}

/// Returns whether a secret `node` is replaced whole (scalars, tagged scalars);
/// collections are descended into, so their keys stay visible.
pub(crate) fn is_leaf(doc: &Doc, node: &Node) -> bool {
    match node.kind {
        Kind::Seq | Kind::Map => false,
        Kind::Tagged => !doc.tagged(node).is_collection(),
        _ => true,
    }
}

/// Returns the full hex hash that stands for the secret leaf `node`.
pub(crate) fn hash(doc: &Doc, node: &Node) -> String {
    if node.kind == Kind::Redacted {
        return doc.str(node).to_string();
    }
    let mut h = blake3::Hasher::new();
    h.update(HASH_DOMAIN);
    h.update(super::canonical::node_text(doc, node).as_bytes());
    h.finalize().to_hex().to_string()
}

/// Returns what a report shows for a secret leaf: `<redacted:1a2b3c4d>`.
pub(crate) fn shown(doc: &Doc, node: &Node) -> String {
    let h = hash(doc, node);
    format!("<redacted:{}>", h.get(..SHORT_HASH).unwrap_or(&h))
}

/// Returns whether `text` is what [`shown`] writes for a secret.
pub(crate) fn is_shown(text: &str) -> bool {
    text.strip_prefix("<redacted:")
        .and_then(|r| r.strip_suffix('>'))
        .is_some_and(|h| !h.is_empty() && h.chars().all(|c| c.is_ascii_hexdigit()))
}
