//! Values as JSON for reports: plain JSON for data, tagged values as text or
//! single-key objects, secrets as `<redacted:...>`; and the pruned form rules look at,
//! kept along the changed key paths only.

use std::collections::HashMap;

use serde_json::Value;

use super::{FastMap, k8s_identity};
use crate::semantic::canonical_text::special_name;
use crate::semantic::keypath::{self, Segment};
use crate::semantic::redact::{self, Redactor};
use crate::semantic::value::{Doc, Kind, Node};

/// Returns a value for a report: plain JSON for data, `"!Tag value"` for tagged
/// scalars, `{"!Tag": ...}` for tagged collections, `"<redacted:...>"` for secrets.
pub(super) fn to_json(doc: &Doc, redactor: &Redactor, n: &Node, secret: bool) -> Value {
    to_json_as(doc, redactor, n, secret, false)
}

/// Returns whether some scalar of the subtree `n` reads differently under YAML 1.1.
pub(super) fn holds_yaml11(doc: &Doc, n: &Node) -> bool {
    match n.kind {
        Kind::Seq | Kind::Map => doc.children(n).iter().any(|c| holds_yaml11(doc, c)),
        Kind::Tagged => holds_yaml11(doc, &doc.tagged(n)),
        _ => n.y11 != 0,
    }
}

/// Like [`to_json`], with each scalar as YAML 1.1 readers see it when `yaml11`.
pub(super) fn to_json_as(
    doc: &Doc,
    redactor: &Redactor,
    n: &Node,
    secret: bool,
    yaml11: bool,
) -> Value {
    if let Some(shown) = redactor.form(doc, n, secret).shown() {
        return Value::String(shown);
    }
    if yaml11 && n.y11 != 0 && !n.is_collection() {
        let text = match n.kind {
            Kind::Int => n.int_value().to_string(),
            _ => doc.str(n).to_string(),
        };
        let reading = crate::semantic::yaml11::Reading::of(n.y11);
        if let Some(v) = crate::semantic::yaml11::json_value(&text, reading, n.kind == Kind::Int) {
            return v;
        }
    }
    match n.kind {
        Kind::Null => Value::Null,
        Kind::Bool => Value::Bool(n.a == 1),
        Kind::Int => Value::from(n.int_value()),
        Kind::Num => doc
            .str(n)
            .parse::<serde_json::Number>()
            .map(Value::Number)
            .unwrap_or_else(|_| Value::String(doc.str(n).to_string())),
        Kind::Special => Value::String(
            match special_name(n) {
                "inf" => ".inf",
                "-inf" => "-.inf",
                _ => ".nan",
            }
            .to_string(),
        ),
        Kind::Str | Kind::DateTime => Value::String(doc.str(n).to_string()),
        // Reached only through `form` above; kept for exhaustiveness.
        Kind::Redacted => Value::String(redact::display_token(doc.str(n))),
        Kind::Masked => Value::String(redact::display(doc.str(n))),
        Kind::Tagged => {
            let inner = doc.tagged(n);
            let tag = doc.name(n.a);
            let inner_secret = secret && redact::tag_keeps_secret(doc, n);
            match to_json_as(doc, redactor, &inner, inner_secret, yaml11) {
                Value::String(s) => Value::String(format!("{tag} {s}")),
                Value::Null => Value::String(tag.to_string()),
                v if !inner.is_collection() => Value::String(format!("{tag} {v}")),
                v => {
                    let mut m = serde_json::Map::new();
                    m.insert(tag.to_string(), v);
                    Value::Object(m)
                }
            }
        }
        Kind::Seq => Value::Array(
            doc.children(n)
                .iter()
                .map(|c| to_json_as(doc, redactor, c, secret, yaml11))
                .collect(),
        ),
        Kind::Map => Value::Object(
            doc.children(n)
                .iter()
                .map(|c| {
                    let s = redactor.child_secret(doc, n, c, secret);
                    (
                        doc.key(c).to_string(),
                        to_json_as(doc, redactor, c, s, yaml11),
                    )
                })
                .collect(),
        ),
    }
}

/// Key paths as a tree: which parts of a document rules may look at.
///
/// Children are hashed, not scanned: a mapping may hold 100,000 changed keys, and
/// building or walking the tree must stay linear in them.
#[derive(Debug, Default)]
pub(super) struct PathTrie {
    keys: FastMap<String, PathTrie>,
    items: FastMap<Segment, PathTrie>,
}

impl PathTrie {
    pub(super) fn insert(&mut self, segments: &[Segment]) {
        let Some((first, rest)) = segments.split_first() else {
            return;
        };
        let child = match first {
            Segment::Key(k) => {
                if !self.keys.contains_key(k.as_str()) {
                    self.keys.insert(k.clone(), PathTrie::default());
                }
                self.keys.get_mut(k.as_str())
            }
            other => Some(self.items.entry(other.clone()).or_default()),
        };
        if let Some(child) = child {
            child.insert(rest);
        }
    }

    fn key(&self, key: &str) -> Option<&PathTrie> {
        self.keys.get(key)
    }

    /// Returns a lookup of the subtrees for the items of a list, by index or identity.
    fn items(&self) -> ItemLookup<'_> {
        let mut l = ItemLookup::default();
        for (seg, t) in &self.items {
            match seg {
                Segment::Index(i) => {
                    l.by_index.insert(*i, t);
                }
                Segment::Match { key, value } => {
                    l.by_match
                        .entry(key.as_str())
                        .or_default()
                        .insert(value.as_str(), t);
                }
                Segment::Object(id) => {
                    l.by_object.insert(id.as_str(), t);
                }
                Segment::Key(_) => {}
            }
        }
        l
    }
}

/// The kept subtrees of one list's items, looked up once per item rather than by
/// scanning every kept path (a list may hold 100,000 items and the file 1,000 changes).
#[derive(Default)]
struct ItemLookup<'t> {
    by_index: HashMap<usize, &'t PathTrie>,
    by_match: HashMap<&'t str, HashMap<&'t str, &'t PathTrie>>,
    by_object: HashMap<&'t str, &'t PathTrie>,
}

impl<'t> ItemLookup<'t> {
    fn get(&self, doc: &Doc, redactor: &Redactor, i: usize, item: &Node) -> Option<&'t PathTrie> {
        if let Some(t) = self.by_index.get(&i) {
            return Some(t);
        }
        for (key, values) in &self.by_match {
            let Some(v) = doc.get(item, key) else {
                continue;
            };
            let text = match v.kind {
                Kind::Str => Some(doc.str(v).to_string()),
                _ => keypath::scalar_text(&to_json(doc, redactor, v, false)),
            };
            if let Some(t) = text.and_then(|t| values.get(t.as_str())) {
                return Some(t);
            }
        }
        if !self.by_object.is_empty()
            && let Some(t) = k8s_identity(doc, item).and_then(|id| self.by_object.get(id.as_str()))
        {
            return Some(t);
        }
        None
    }
}

/// Collections up to this many nodes off the kept paths are kept whole: they hold the
/// sibling keys rules look up (`Effect`, `uses`, `metadata`), and stay cheap.
const KEEP_SMALL: usize = 256;

/// Returns whether `n` has at most `budget` nodes.
fn is_small(doc: &Doc, n: &Node, budget: &mut usize) -> bool {
    if *budget == 0 {
        return false;
    }
    *budget -= 1;
    match n.kind {
        Kind::Seq | Kind::Map => doc.children(n).iter().all(|c| is_small(doc, c, budget)),
        Kind::Tagged => is_small(doc, &doc.tagged(n), budget),
        _ => true,
    }
}

/// Like [`to_json`], but only along the paths of `trie`: elsewhere, small values of
/// mappings are kept whole, large ones become empty, and list items become `null`
/// (so indexes still line up). Rules on a 50 MB file then need memory for what they look at, not
/// a second copy of the file.
pub(super) fn to_json_pruned(
    doc: &Doc,
    redactor: &Redactor,
    n: &Node,
    secret: bool,
    trie: &PathTrie,
) -> Value {
    let off_path = |c: &Node, s: bool, in_list: bool| -> Value {
        // Lookups go up a changed path and then down by key, never into a sibling list
        // item, so items off the paths are placeholders.
        if in_list {
            Value::Null
        } else if is_small(doc, c, &mut KEEP_SMALL.clone()) {
            to_json(doc, redactor, c, s)
        } else if c.kind == Kind::Seq {
            Value::Array(Vec::new())
        } else {
            Value::Object(serde_json::Map::new())
        }
    };
    match n.kind {
        Kind::Map => Value::Object(
            doc.children(n)
                .iter()
                .map(|c| {
                    let s = redactor.child_secret(doc, n, c, secret);
                    let key = doc.key(c);
                    let v = match trie.key(key) {
                        Some(t) => to_json_pruned(doc, redactor, c, s, t),
                        None => off_path(c, s, false),
                    };
                    (key.to_string(), v)
                })
                .collect(),
        ),
        Kind::Seq => {
            let items = trie.items();
            Value::Array(
                doc.children(n)
                    .iter()
                    .enumerate()
                    .map(|(i, c)| match items.get(doc, redactor, i, c) {
                        Some(t) => to_json_pruned(doc, redactor, c, secret, t),
                        None => off_path(c, secret, true),
                    })
                    .collect(),
            )
        }
        _ => to_json(doc, redactor, n, secret),
    }
}
