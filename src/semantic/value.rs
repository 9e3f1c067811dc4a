//! The value model every format is loaded into: one arena per file.
//!
//! A [`Doc`] holds all nodes of all documents of a file in one vector, all string data
//! in one text buffer, and mapping keys and tags interned once. The children of a
//! collection are contiguous in the node vector, and the children of a mapping are
//! sorted by key, so a mapping is a sorted slice and lookups are binary searches. A
//! node is 20 bytes and owns no allocation: a 50 MB file loads without millions of
//! small allocations, and dropping a document is never recursive.
//!
//! Aliases share the anchored subtree instead of copying it (nodes are immutable once
//! built), so an alias costs one node; what it would cost to expand is counted by the
//! YAML loader against a budget.
//!
//! [`Builder`] is what the loaders drive: scalars, keys and collection starts and ends
//! in document order. It enforces the depth limit and rejects duplicate keys.

use super::ParseError;
use super::number::Number;

/// How deep collections may nest; deeper input is refused, never a stack overflow.
pub(crate) const MAX_DEPTH: usize = 512;

/// Input larger than this is refused: positions and offsets are 32-bit.
pub(crate) const MAX_INPUT: usize = (u32::MAX / 2) as usize;

/// `Node::key` of nodes that are not mapping children.
pub(crate) const NO_KEY: u32 = u32::MAX;

/// The kind of a node; what `a` and `b` of [`Node`] mean depends on it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[repr(u8)]
pub(crate) enum Kind {
    /// `null`.
    Null,
    /// A boolean: `a` is 0 or 1.
    Bool,
    /// An integer that fits `i64`: `a` low and `b` high 32 bits.
    Int,
    /// Any other number: canonical decimal text at `a`, length `b` (see `number`).
    Num,
    /// `.inf`, `-.inf` or `.nan`: `a` is 0, 1 or 2.
    Special,
    /// A string: text at `a`, length `b`.
    Str,
    /// A TOML date, time or date-time, as normalized text at `a`, length `b`.
    DateTime,
    /// A secret from a canonical form: hex hash at `a`, length `b`.
    Redacted,
    /// A string with secrets inside, from a canonical form: masked text (see `redact`)
    /// at `a`, length `b`.
    Masked,
    /// A custom tag: tag name `a` (interned), tagged node at index `b`.
    Tagged,
    /// A sequence: children at `a..a+b`.
    Seq,
    /// A mapping: children at `a..a+b`, sorted by key, keys unique.
    Map,
}

/// One value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Node {
    /// What the node is.
    pub kind: Kind,
    /// How YAML 1.1 reads it differently from YAML 1.2 (a `yaml11::Reading`; 0 for the
    /// same). Fits the padding byte: the node stays 20 bytes.
    pub y11: u8,
    /// 1-based column (in bytes for JSON and TOML, characters for YAML), saturating at
    /// `u16::MAX`; 0 when unknown.
    pub col: u16,
    /// 1-based line; 0 when unknown (canonical forms have no positions).
    pub line: u32,
    /// Interned key, for children of a mapping; [`NO_KEY`] otherwise.
    pub key: u32,
    /// Payload, see [`Kind`].
    pub a: u32,
    /// Payload, see [`Kind`].
    pub b: u32,
}

impl Node {
    /// Returns a node of `kind` with payload `a`, `b` and no position.
    pub fn new(kind: Kind, a: u32, b: u32) -> Node {
        Node {
            kind,
            y11: 0,
            col: 0,
            line: 0,
            key: NO_KEY,
            a,
            b,
        }
    }

    /// Returns the node with its position set.
    pub fn at(mut self, line: u32, col: u32) -> Node {
        self.line = line;
        self.col = u16::try_from(col).unwrap_or(u16::MAX);
        self
    }

    /// Returns `null`.
    pub fn null() -> Node {
        Node::new(Kind::Null, 0, 0)
    }

    /// Returns a boolean.
    pub fn bool(v: bool) -> Node {
        Node::new(Kind::Bool, u32::from(v), 0)
    }

    /// Returns an inline integer.
    pub fn int(v: i64) -> Node {
        let u = v as u64;
        Node::new(Kind::Int, u as u32, (u >> 32) as u32)
    }

    /// Returns the value of an `Int` node.
    pub fn int_value(&self) -> i64 {
        ((u64::from(self.b) << 32) | u64::from(self.a)) as i64
    }

    /// Returns whether the node is a sequence or a mapping.
    pub fn is_collection(&self) -> bool {
        matches!(self.kind, Kind::Seq | Kind::Map)
    }
}

/// The nodes of one file.
#[derive(Debug, Clone, Default)]
pub(crate) struct Doc {
    /// Finished nodes; collections refer to ranges of it.
    pub nodes: Vec<Node>,
    /// All string data.
    pub text: String,
    /// Interned keys and tags: ranges of `text`.
    pub names: Vec<(u32, u32)>,
    /// The root node of each document, in order.
    pub roots: Vec<Node>,
}

impl Doc {
    /// Returns the text at `a`, length `b`.
    pub fn slice(&self, a: u32, b: u32) -> &str {
        let (a, b) = (a as usize, b as usize);
        self.text.get(a..a + b).unwrap_or_default()
    }

    /// Returns the text of a `Str`, `Num`, `DateTime`, `Redacted` or `Masked` node.
    pub fn str(&self, n: &Node) -> &str {
        self.slice(n.a, n.b)
    }

    /// Returns the interned name `id` (a key or a tag).
    pub fn name(&self, id: u32) -> &str {
        match self.names.get(id as usize) {
            Some(&(a, b)) => self.slice(a, b),
            None => "",
        }
    }

    /// Returns the key of a mapping child.
    pub fn key(&self, n: &Node) -> &str {
        self.name(n.key)
    }

    /// Returns the children of a collection (empty for scalars).
    pub fn children(&self, n: &Node) -> &[Node] {
        if !n.is_collection() {
            return &[];
        }
        let (a, b) = (n.a as usize, n.b as usize);
        self.nodes.get(a..a + b).unwrap_or_default()
    }

    /// Returns the node a `Tagged` node wraps.
    pub fn tagged(&self, n: &Node) -> Node {
        self.nodes
            .get(n.b as usize)
            .copied()
            .unwrap_or_else(Node::null)
    }

    /// Returns a reference to the node a `Tagged` node wraps.
    pub fn tagged_ref(&self, n: &Node) -> Option<&Node> {
        if n.kind != Kind::Tagged {
            return None;
        }
        self.nodes.get(n.b as usize)
    }

    /// Returns the child of mapping `map` under `key`.
    pub fn get(&self, map: &Node, key: &str) -> Option<&Node> {
        if map.kind != Kind::Map {
            return None;
        }
        let children = self.children(map);
        children
            .binary_search_by(|c| self.key(c).cmp(key))
            .ok()
            .and_then(|i| children.get(i))
    }

    /// Returns the string value of `map[key]`, if it is a string.
    pub fn get_str(&self, map: &Node, key: &str) -> Option<&str> {
        self.get(map, key)
            .filter(|n| n.kind == Kind::Str)
            .map(|n| self.str(n))
    }

    /// Appends `s` to the text buffer; returns its offset and length.
    pub fn push_text(&mut self, s: &str) -> (u32, u32) {
        let a = self.text.len();
        self.text.push_str(s);
        // Input is capped at MAX_INPUT and derived text stays within a small multiple,
        // but wrapping silently would corrupt data, so saturate visibly instead.
        (
            u32::try_from(a).unwrap_or(u32::MAX),
            u32::try_from(s.len()).unwrap_or(0),
        )
    }

    /// Returns a string node for `s`.
    pub fn string(&mut self, s: &str) -> Node {
        let (a, b) = self.push_text(s);
        Node::new(Kind::Str, a, b)
    }

    /// Returns a number node for `n`.
    pub fn number(&mut self, n: Number) -> Node {
        match n {
            Number::Int(i) => Node::int(i),
            Number::Big(text) => {
                let (a, b) = self.push_text(&text);
                Node::new(Kind::Num, a, b)
            }
        }
    }
}

/// A collection being built.
#[derive(Debug)]
struct Frame {
    map: bool,
    /// Where its children start in `Builder::pending`.
    start: usize,
    line: u32,
    col: u32,
    /// The key of the next value, with its position, for mappings.
    key: Option<PendingKey>,
    /// Nodes in the subtree, aliases expanded (for the alias budget).
    size: u64,
}

#[derive(Debug, Clone, Copy)]
struct PendingKey {
    id: u32,
    line: u32,
    col: u32,
}

/// The key id that marks a YAML merge key (`<<`).
const MERGE_KEY: u32 = u32::MAX - 1;

/// Builds a [`Doc`] from values in document order.
#[derive(Debug, Default)]
pub(crate) struct Builder {
    /// The document under construction.
    pub doc: Doc,
    /// Name ids, hashed and compared by their text in `doc`.
    interned: hashbrown::HashTable<u32>,
    frames: Vec<Frame>,
    /// Children of the open collections, innermost last.
    pending: Vec<Node>,
    /// Merge sources (`<<` values) of open mappings: (frame depth, node).
    merges: Vec<(usize, Node)>,
}

/// A finished collection and its expanded size.
pub(crate) type Finished = (Node, u64);

impl Builder {
    /// Returns an empty builder.
    pub fn new() -> Builder {
        Builder::default()
    }

    /// Returns an empty builder sized for an input of `len` bytes.
    ///
    /// Reserving up front avoids copying the arenas as they grow; pages that are never
    /// written are never made resident, so over-reserving costs address space only.
    pub fn with_input_len(len: usize) -> Builder {
        let mut b = Builder::default();
        b.doc.nodes.reserve(len / 8);
        b.doc.text.reserve(len / 2);
        // Grown step by step, the key table was rehashed several times per small file.
        b.interned = hashbrown::HashTable::with_capacity((len / 64).clamp(16, 1 << 14));
        b
    }

    /// Returns the id of the interned name `s`.
    pub fn intern(&mut self, s: &str) -> u32 {
        use std::hash::BuildHasher;
        let hasher = foldhash::fast::FixedState::default();
        let hash = hasher.hash_one(s);
        let doc = &self.doc;
        if let Some(&id) = self.interned.find(hash, |&id| doc.name(id) == s) {
            return id;
        }
        let range = self.doc.push_text(s);
        let id = u32::try_from(self.doc.names.len()).unwrap_or(NO_KEY - 2);
        self.doc.names.push(range);
        let doc = &self.doc;
        self.interned
            .insert_unique(hash, id, |&id| hasher.hash_one(doc.name(id)));
        id
    }

    /// Returns whether the next value is a mapping key.
    pub fn expecting_key(&self) -> bool {
        self.frames.last().is_some_and(|f| f.map && f.key.is_none())
    }

    /// Opens a sequence (`map` false) or a mapping at `line`, `col`.
    pub fn begin(&mut self, map: bool, line: u32, col: u32) -> Result<(), ParseError> {
        if self.frames.len() >= MAX_DEPTH {
            return Err(ParseError::at(
                format!("nesting deeper than {MAX_DEPTH} levels"),
                line,
                col,
            ));
        }
        self.frames.push(Frame {
            map,
            start: self.pending.len(),
            line,
            col,
            key: None,
            size: 1,
        });
        Ok(())
    }

    /// Sets the key of the next value of the open mapping.
    pub fn key(&mut self, key: &str, line: u32, col: u32) {
        let id = self.intern(key);
        if let Some(f) = self.frames.last_mut() {
            f.key = Some(PendingKey { id, line, col });
        }
    }

    /// Marks the next value of the open mapping as a merge source (YAML `<<`).
    pub fn merge_key(&mut self, line: u32, col: u32) {
        if let Some(f) = self.frames.last_mut() {
            f.key = Some(PendingKey {
                id: MERGE_KEY,
                line,
                col,
            });
        }
    }

    /// Adds a finished value whose expanded size is `size` to the open collection, or
    /// as the next document root when none is open.
    pub fn value(&mut self, mut node: Node, size: u64) {
        let depth = self.frames.len();
        let Some(f) = self.frames.last_mut() else {
            self.doc.roots.push(node);
            return;
        };
        f.size = f.size.saturating_add(size);
        if f.map {
            let Some(k) = f.key.take() else {
                return;
            };
            if k.id == MERGE_KEY {
                self.merges.push((depth, node));
                return;
            }
            node.key = k.id;
            // A mapping child points at its key: that is where a reader looks.
            node = node.at(k.line, k.col);
        } else {
            node.key = NO_KEY;
        }
        self.pending.push(node);
    }

    /// Closes the innermost collection; returns its node (not yet added anywhere).
    pub fn end(&mut self) -> Result<Finished, ParseError> {
        let Some(frame) = self.frames.pop() else {
            return Err(ParseError::new("unbalanced collection end"));
        };
        let depth = self.frames.len() + 1;
        let a = u32::try_from(self.doc.nodes.len()).unwrap_or(u32::MAX);
        if frame.map {
            let children = self.pending.get_mut(frame.start..).unwrap_or_default();
            sort_and_check(&self.doc, children)?;
        }
        let first_merge = self.merges.iter().position(|(d, _)| *d == depth);
        let count = if let (true, Some(i)) = (frame.map, first_merge) {
            let sources: Vec<Node> = self.merges.split_off(i).into_iter().map(|m| m.1).collect();
            let explicit = self.pending.split_off(frame.start);
            let children = apply_merges(&self.doc, explicit, &sources, frame.line, frame.col)?;
            self.doc.nodes.extend_from_slice(&children);
            children.len()
        } else {
            let children = self.pending.get(frame.start..).unwrap_or_default();
            self.doc.nodes.extend_from_slice(children);
            let n = children.len();
            self.pending.truncate(frame.start);
            n
        };
        let b = u32::try_from(count).unwrap_or(u32::MAX);
        let kind = if frame.map { Kind::Map } else { Kind::Seq };
        Ok((Node::new(kind, a, b).at(frame.line, frame.col), frame.size))
    }

    /// Wraps a finished `inner` node in the custom tag `tag`.
    pub fn tag(&mut self, tag: &str, inner: Node) -> Node {
        let id = self.intern(tag);
        let idx = u32::try_from(self.doc.nodes.len()).unwrap_or(u32::MAX);
        self.doc.nodes.push(inner);
        Node::new(Kind::Tagged, id, idx).at(inner.line, u32::from(inner.col))
    }

    /// Returns the finished document; fails if a collection is still open.
    pub fn finish(self) -> Result<Doc, ParseError> {
        if !self.frames.is_empty() {
            return Err(ParseError::new("unexpected end of input"));
        }
        Ok(self.doc)
    }
}

/// Sorts mapping children by key and rejects duplicates.
fn sort_and_check(doc: &Doc, children: &mut [Node]) -> Result<(), ParseError> {
    // Interned ids are equal exactly when keys are; most maps are already sorted or
    // small, for which this is cheap.
    children.sort_by(|x, y| doc.key(x).cmp(doc.key(y)));
    for w in children.windows(2) {
        if let [x, y] = w
            && x.key == y.key
        {
            let (first, second) = if (x.line, x.col) <= (y.line, y.col) {
                (x, y)
            } else {
                (y, x)
            };
            let mut e = ParseError::new(format!(
                "duplicate key `{}` (first at line {})",
                doc.key(second),
                first.line
            ));
            if second.line > 0 {
                e.line = Some(second.line as usize);
                e.column = Some(second.col as usize);
            }
            return Err(e);
        }
    }
    Ok(())
}

/// Returns `explicit` (sorted) plus the entries of the merge sources that it does not
/// have; earlier sources win over later ones, as YAML's merge key specifies.
fn apply_merges(
    doc: &Doc,
    explicit: Vec<Node>,
    sources: &[Node],
    line: u32,
    col: u32,
) -> Result<Vec<Node>, ParseError> {
    let mut maps: Vec<Node> = Vec::new();
    for s in sources {
        match s.kind {
            Kind::Map => maps.push(*s),
            Kind::Seq => {
                for item in doc.children(s) {
                    if item.kind != Kind::Map {
                        return Err(ParseError::at(
                            "a merge key `<<` needs a mapping or a list of mappings",
                            line,
                            col,
                        ));
                    }
                    maps.push(*item);
                }
            }
            _ => {
                return Err(ParseError::at(
                    "a merge key `<<` needs a mapping or a list of mappings",
                    line,
                    col,
                ));
            }
        }
    }
    let mut merged: Vec<Node> = maps.iter().flat_map(|m| doc.children(m)).copied().collect();
    // Stable sort keeps source order among equal keys, so dedup keeps the winner.
    merged.sort_by(|x, y| doc.key(x).cmp(doc.key(y)));
    merged.dedup_by(|later, earlier| later.key == earlier.key);
    let mut out = Vec::with_capacity(explicit.len() + merged.len());
    let (mut i, mut j) = (0, 0);
    while i < explicit.len() || j < merged.len() {
        match (explicit.get(i), merged.get(j)) {
            (Some(e), Some(m)) => match doc.key(e).cmp(doc.key(m)) {
                std::cmp::Ordering::Less => {
                    out.push(*e);
                    i += 1;
                }
                std::cmp::Ordering::Greater => {
                    out.push(*m);
                    j += 1;
                }
                std::cmp::Ordering::Equal => {
                    out.push(*e);
                    i += 1;
                    j += 1;
                }
            },
            (Some(e), None) => {
                out.push(*e);
                i += 1;
            }
            (None, Some(m)) => {
                out.push(*m);
                j += 1;
            }
            (None, None) => break,
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn node_is_small() {
        assert_eq!(std::mem::size_of::<Node>(), 20);
    }

    #[test]
    fn int_roundtrip() {
        for v in [0, 1, -1, i64::MAX, i64::MIN, 1 << 40] {
            assert_eq!(Node::int(v).int_value(), v);
        }
    }

    #[test]
    fn maps_are_sorted_and_duplicates_rejected() {
        let mut b = Builder::new();
        b.begin(true, 1, 1).unwrap();
        for (i, k) in ["b", "a", "c"].iter().enumerate() {
            b.key(k, i as u32 + 1, 1);
            b.value(Node::int(i as i64), 1);
        }
        let (m, size) = b.end().unwrap();
        assert_eq!(size, 4);
        let keys: Vec<&str> = b.doc.children(&m).iter().map(|c| b.doc.key(c)).collect();
        assert_eq!(keys, ["a", "b", "c"]);
        assert_eq!(b.doc.get(&m, "b").unwrap().int_value(), 0);

        let mut b = Builder::new();
        b.begin(true, 1, 1).unwrap();
        b.key("a", 1, 1);
        b.value(Node::null(), 1);
        b.key("a", 3, 1);
        b.value(Node::null(), 1);
        let e = b.end().unwrap_err();
        assert_eq!(e.line, Some(3));
        assert!(e.message.contains("duplicate key `a`"), "{}", e.message);
    }

    #[test]
    fn depth_is_bounded() {
        let mut b = Builder::new();
        for _ in 0..MAX_DEPTH {
            b.begin(false, 1, 1).unwrap();
        }
        assert!(b.begin(false, 1, 1).is_err());
    }
}
