//! List alignment, for the walk in the parent module:
//! - lists of mappings are matched by an identity key (the first of `identity_keys`
//!   that every item on both sides has, with unique scalar values), or by Kubernetes
//!   identity (`apiVersion/kind/namespace/name`); a reordered item is `moved`;
//! - other lists are aligned with a Myers diff over item hashes (past a budget, on
//!   their unique common items), so one insertion is one `added`; an item that only
//!   changed position is `moved`; the remaining replaced items are compared pairwise.

use std::borrow::Cow;
use std::time::{Duration, Instant};

use similar::{Algorithm, DiffTag};

use super::{Cx, FastMap, Side, Step, deep_eq, k8s_identity};
use crate::change::ChangeKind;
use crate::semantic::canonical_text;
use crate::semantic::redact::{self, Form, Redactor};
use crate::semantic::value::{Doc, Kind, Node};

/// How long one list alignment may search before settling for a coarser diff.
const ALIGN_DEADLINE: Duration = Duration::from_secs(2);

/// Returns the identity text of a scalar used as an identity value.
fn scalar_text<'a>(doc: &'a Doc, n: &Node) -> Option<Cow<'a, str>> {
    match n.kind {
        Kind::Str | Kind::Num => Some(Cow::Borrowed(doc.str(n))),
        Kind::Int => Some(Cow::Owned(n.int_value().to_string())),
        Kind::Bool => Some(Cow::Borrowed(if n.a == 1 { "true" } else { "false" })),
        _ => None,
    }
}

/// How a list's items are identified.
enum Identity<'a> {
    Key(&'a str),
    Kubernetes,
}

/// The identities of two lists' items.
struct Identified<'a> {
    identity: Identity<'a>,
    old: Vec<Cow<'a, str>>,
    new: Vec<Cow<'a, str>>,
}

/// Returns whether every identity in `ids` is different.
fn all_unique(ids: &[Cow<'_, str>]) -> bool {
    let mut seen: FastMap<&str, ()> = FastMap::default();
    seen.reserve(ids.len());
    ids.iter().all(|id| seen.insert(id.as_ref(), ()).is_none())
}

impl<'a> Cx<'a> {
    pub(super) fn seq(&mut self, o: Side<'a>, n: Side<'a>) {
        let (old, new) = (self.old, self.new);
        let (oc, nc) = (old.children(o.node), new.children(n.node));
        if oc.len() == nc.len() && oc.iter().zip(nc).all(|(a, b)| deep_eq(old, a, new, b)) {
            return;
        }
        match self.identity(oc, nc, o.secret || n.secret) {
            Some(ids) => self.seq_by_identity(o, n, ids),
            None => self.seq_aligned(o, n),
        }
    }

    /// Returns how the items of both lists are identified and each item's identity,
    /// when every item on both sides has a unique one.
    ///
    /// An identity is shown in key paths (`[name=web]`), so a value that is or holds a
    /// secret never is one; `secret` says the lists are under a secret key.
    fn identity(&self, oc: &'a [Node], nc: &'a [Node], secret: bool) -> Option<Identified<'a>> {
        let (old, new) = (self.old, self.new);
        if oc.is_empty() && nc.is_empty() {
            return None;
        }
        if !oc.iter().chain(nc).all(|x| x.kind == Kind::Map) {
            return None;
        }
        if secret {
            return None;
        }
        for key in self.identity_keys {
            let ids = |doc: &'a Doc,
                       redactor: &Redactor,
                       items: &'a [Node]|
             -> Option<Vec<Cow<'a, str>>> {
                items
                    .iter()
                    .map(|item| {
                        let v = doc.get(item, key)?;
                        let secret = redactor.child_secret(doc, item, v, false);
                        if redactor.form(doc, v, secret) != Form::Plain {
                            return None;
                        }
                        scalar_text(doc, v)
                    })
                    .collect()
            };
            if let (Some(o), Some(n)) = (
                ids(old, &self.old_redact, oc),
                ids(new, &self.new_redact, nc),
            ) && all_unique(&o)
                && all_unique(&n)
            {
                return Some(Identified {
                    identity: Identity::Key(key),
                    old: o,
                    new: n,
                });
            }
        }
        let ids = |doc: &'a Doc, items: &'a [Node]| -> Option<Vec<Cow<'a, str>>> {
            items
                .iter()
                .map(|item| k8s_identity(doc, item).map(Cow::Owned))
                .collect()
        };
        let (o, n) = (ids(old, oc)?, ids(new, nc)?);
        (all_unique(&o) && all_unique(&n)).then_some(Identified {
            identity: Identity::Kubernetes,
            old: o,
            new: n,
        })
    }

    fn step(&self, identity: &Identity<'a>, id: Cow<'a, str>) -> Step<'a> {
        match identity {
            Identity::Key(k) => Step::Match(k, id),
            Identity::Kubernetes => Step::Object(id),
        }
    }

    fn seq_by_identity(&mut self, o: Side<'a>, n: Side<'a>, ids: Identified<'a>) {
        let (old, new) = (self.old, self.new);
        let (oc, nc) = (old.children(o.node), new.children(n.node));
        let Identified {
            identity,
            old: old_ids,
            new: new_ids,
        } = ids;
        let mut by_id: FastMap<&str, usize> = FastMap::default();
        by_id.reserve(old_ids.len());
        for (i, id) in old_ids.iter().enumerate() {
            by_id.insert(id.as_ref(), i);
        }
        // For each new item, its old index (if matched).
        let matched: Vec<Option<usize>> = new_ids
            .iter()
            .map(|id| by_id.get(id.as_ref()).copied())
            .collect();
        drop(by_id);
        let olds_in_new_order: Vec<usize> = matched.iter().flatten().copied().collect();
        let stay = longest_increasing(&olds_in_new_order);
        let mut in_new = vec![false; oc.len()];
        for (j, m) in matched.iter().enumerate() {
            let (Some(b), Some(id)) = (nc.get(j), new_ids.get(j)) else {
                continue;
            };
            let side_b = Side {
                node: b,
                secret: n.secret,
            };
            self.path.push(self.step(&identity, id.clone()));
            match m {
                Some(i) => {
                    if let Some(x) = in_new.get_mut(*i) {
                        *x = true;
                    }
                    if !stay.get(*i).copied().unwrap_or(true) {
                        self.moved(*i, j, b.line);
                    }
                    if let Some(a) = oc.get(*i) {
                        self.node(
                            Side {
                                node: a,
                                secret: o.secret,
                            },
                            side_b,
                        );
                    }
                }
                None => self.emit(ChangeKind::Added, None, Some(side_b), b.line),
            }
            self.path.pop();
        }
        for (i, a) in oc.iter().enumerate() {
            if in_new.get(i) == Some(&false)
                && let Some(id) = old_ids.get(i)
            {
                self.path.push(self.step(&identity, id.clone()));
                let side = Side {
                    node: a,
                    secret: o.secret,
                };
                self.emit(ChangeKind::Removed, Some(side), None, a.line);
                self.path.pop();
            }
        }
    }

    fn seq_aligned(&mut self, o: Side<'a>, n: Side<'a>) {
        let (old, new) = (self.old, self.new);
        let (oc, nc) = (old.children(o.node), new.children(n.node));
        let raw = self.raw_strings();
        let hashes = |doc: &Doc, redactor: &Redactor, items: &[Node], secret: bool| {
            use rayon::prelude::*;
            let hash = |x: &Node| item_hash(doc, redactor, x, secret, raw);
            // Hashing is most of the time a long list costs; its items are independent.
            if items.len() < PARALLEL_ITEMS {
                items.iter().map(hash).collect::<Vec<u128>>()
            } else {
                items.par_iter().map(hash).collect()
            }
        };
        let (oh, nh) = rayon::join(
            || hashes(old, &self.old_redact, oc, o.secret),
            || hashes(new, &self.new_redact, nc, n.secret),
        );
        // Old and new indices that the alignment left unmatched, per hunk.
        let hunks = align(&oh, &nh);
        // An item deleted in one place and inserted in another is moved.
        let mut deleted: FastMap<u128, Vec<usize>> = FastMap::default();
        for (olds, _) in &hunks {
            for &i in olds.iter().rev() {
                if let Some(h) = oh.get(i) {
                    deleted.entry(*h).or_default().push(i);
                }
            }
        }
        let mut moved_old = vec![false; oc.len()];
        let mut moved_new = vec![false; nc.len()];
        let mut moves: Vec<(usize, usize)> = Vec::new();
        for (_, news) in &hunks {
            for &j in news {
                if let Some(list) = nh.get(j).and_then(|h| deleted.get_mut(h))
                    && let Some(i) = list.pop()
                {
                    moved_old[i] = true;
                    moved_new[j] = true;
                    moves.push((i, j));
                }
            }
        }
        for (i, j) in moves {
            if let Some(b) = nc.get(j) {
                self.path.push(Step::Index(j));
                self.moved(i, j, b.line);
                self.path.pop();
            }
        }
        for (olds, news) in hunks {
            let olds: Vec<usize> = olds.into_iter().filter(|&i| !moved_old[i]).collect();
            let news: Vec<usize> = news.into_iter().filter(|&j| !moved_new[j]).collect();
            let pairs = olds.len().min(news.len());
            for (&i, &j) in olds.iter().zip(&news) {
                if let (Some(a), Some(b)) = (oc.get(i), nc.get(j)) {
                    self.path.push(Step::Index(j));
                    self.node(
                        Side {
                            node: a,
                            secret: o.secret,
                        },
                        Side {
                            node: b,
                            secret: n.secret,
                        },
                    );
                    self.path.pop();
                }
            }
            for &i in olds.get(pairs..).unwrap_or_default() {
                if let Some(a) = oc.get(i) {
                    self.path.push(Step::Index(i));
                    let side = Side {
                        node: a,
                        secret: o.secret,
                    };
                    self.emit(ChangeKind::Removed, Some(side), None, a.line);
                    self.path.pop();
                }
            }
            for &j in news.get(pairs..).unwrap_or_default() {
                if let Some(b) = nc.get(j) {
                    self.path.push(Step::Index(j));
                    let side = Side {
                        node: b,
                        secret: n.secret,
                    };
                    self.emit(ChangeKind::Added, None, Some(side), b.line);
                    self.path.pop();
                }
            }
        }
    }
}

/// The most work (items times differences) a shortest edit script may cost; past it,
/// lists are aligned on their unique common items instead, in `O(n log n)`.
const MYERS_BUDGET: u64 = 20_000_000;

/// Returns the unmatched old and new indices of each hunk of an alignment of `old`
/// and `new` (item hashes).
///
/// Myers' shortest edit script costs the number of items times the number of
/// differences: right for a few changes, quadratic when most items changed. Then the
/// alignment is anchored on items that occur once on each side, in the longest run that
/// keeps their order (patience diff), and the items between two anchors are hunks.
fn align(old: &[u128], new: &[u128]) -> Vec<(Vec<usize>, Vec<usize>)> {
    let mut count: FastMap<u128, (u32, u32, usize, usize)> = FastMap::default();
    for (i, h) in old.iter().enumerate() {
        let e = count.entry(*h).or_insert((0, 0, i, 0));
        e.0 += 1;
    }
    for (j, h) in new.iter().enumerate() {
        if let Some(e) = count.get_mut(h) {
            e.1 += 1;
            e.3 = j;
        }
    }
    let common: u64 = count
        .values()
        .map(|&(a, b, _, _)| u64::from(a.min(b)))
        .sum();
    let differences = (old.len() + new.len()) as u64 - 2 * common;
    if (old.len().max(new.len()) as u64).saturating_mul(differences) <= MYERS_BUDGET {
        let ops = similar::capture_diff_slices_deadline(
            Algorithm::Myers,
            old,
            new,
            Some(Instant::now() + ALIGN_DEADLINE),
        );
        return ops
            .iter()
            .map(|op| op.as_tag_tuple())
            .filter(|(tag, _, _)| *tag != DiffTag::Equal)
            .map(|(_, or, nr)| (or.collect(), nr.collect()))
            .collect();
    }
    // Anchors: (new index, old index) of items unique on both sides, in new order.
    let mut anchors: Vec<(usize, usize)> = count
        .values()
        .filter(|&&(a, b, _, _)| a == 1 && b == 1)
        .map(|&(_, _, i, j)| (j, i))
        .collect();
    anchors.sort_unstable();
    let olds: Vec<usize> = anchors.iter().map(|&(_, i)| i).collect();
    let keep = longest_increasing(&olds);
    let mut hunks = Vec::new();
    let (mut i0, mut j0) = (0, 0);
    let kept = anchors
        .iter()
        .copied()
        .filter(|&(_, i)| keep.get(i).copied().unwrap_or(false))
        .chain(std::iter::once((new.len(), old.len())));
    for (j, i) in kept {
        if i > i0 || j > j0 {
            hunks.push(((i0..i).collect(), (j0..j).collect()));
        }
        (i0, j0) = (i + 1, j + 1);
    }
    hunks
}

/// Returns, for each value in `0..=max(seq)`, whether it is part of one longest
/// increasing subsequence of `seq` (the items that keep their relative order).
fn longest_increasing(seq: &[usize]) -> Vec<bool> {
    let size = seq.iter().copied().max().map_or(0, |m| m + 1);
    let mut keep = vec![false; size];
    // tails[k]: index in `seq` of the smallest tail of an increasing run of length k+1.
    let mut tails: Vec<usize> = Vec::new();
    let mut prev: Vec<Option<usize>> = vec![None; seq.len()];
    for (i, &v) in seq.iter().enumerate() {
        let k = tails.partition_point(|&t| seq.get(t).is_some_and(|&x| x < v));
        if k > 0 {
            prev[i] = tails.get(k - 1).copied();
        }
        if k == tails.len() {
            tails.push(i);
        } else if let Some(t) = tails.get_mut(k) {
            *t = i;
        }
    }
    let mut cur = tails.last().copied();
    while let Some(i) = cur {
        if let Some(&v) = seq.get(i)
            && let Some(k) = keep.get_mut(v)
        {
            *k = true;
        }
        cur = prev.get(i).copied().flatten();
    }
    keep
}

/// Lists of at least this many items are hashed in parallel.
const PARALLEL_ITEMS: usize = 256;

/// Returns a 128-bit hash of an item's canonical form, secrets by their hash, so that
/// a redacted stored item and its raw counterpart hash alike.
///
/// With `raw` (neither side holds stored secret forms, see [`Cx::raw_strings`]),
/// strings are hashed by their text instead of their masked form; see [`hash_into`].
pub(super) fn item_hash(
    doc: &Doc,
    redactor: &Redactor,
    node: &Node,
    secret: bool,
    raw: bool,
) -> u128 {
    thread_local! {
        static BUFFER: std::cell::Cell<Vec<u8>> = const { std::cell::Cell::new(Vec::new()) };
    }
    let mut h = Feed {
        hasher: None,
        buf: BUFFER.take(),
    };
    h.buf.clear();
    hash_into(&mut h, doc, redactor, node, secret, raw);
    let bytes = h.finalize();
    BUFFER.set(h.buf);
    let mut first = [0u8; 16];
    first.copy_from_slice(&bytes.as_bytes()[..16]);
    u128::from_le_bytes(first)
}

/// The bytes an item's hash is taken of, gathered before they are hashed: blake3 takes
/// one slice of a few kilobytes far faster than the many short pieces an item is fed
/// in. The hash is the same as of the pieces fed one by one.
struct Feed {
    /// What was fed before the buffer last filled, for items longer than [`FEED_CHUNK`].
    hasher: Option<blake3::Hasher>,
    buf: Vec<u8>,
}

/// How much of an item is gathered before it is fed to the hasher.
const FEED_CHUNK: usize = 64 * 1024;

impl Feed {
    fn update(&mut self, bytes: &[u8]) {
        self.buf.extend_from_slice(bytes);
        if self.buf.len() >= FEED_CHUNK {
            self.hasher
                .get_or_insert_with(blake3::Hasher::new)
                .update(&self.buf);
            self.buf.clear();
        }
    }

    fn finalize(&mut self) -> blake3::Hash {
        match self.hasher.take() {
            Some(mut h) => {
                h.update(&self.buf);
                h.finalize()
            }
            None => blake3::hash(&self.buf),
        }
    }
}

/// Feeds the hash of `n` to `h`.
///
/// Only which items hash alike matters (equal hashes align as the same item), and with
/// `raw` that is decided without looking for secrets inside strings, which is most of
/// the cost of a long list. A string that is not a secret as a whole has the masked
/// form of its text when the text holds secrets, else its canonical text, and the
/// masked form is one-to-one with the text it masks (same words, same key: one
/// `Options` for both sides). So two such strings have the same form exactly when
/// they have the same text, except that a YAML 1.1 reading tells plain strings apart
/// and not masked ones: a string with a reading is hashed as the slow path does, but
/// when its form is masked, by its text like the others (tag `t`). Stored forms
/// (`Redacted`, `Masked` nodes) would hash by form on one side and by text on the
/// other, which is why `raw` requires that neither side holds any.
fn hash_into(h: &mut Feed, doc: &Doc, redactor: &Redactor, n: &Node, secret: bool, raw: bool) {
    let whole = || (secret || redactor.is_secret_alias(n)) && redact::is_leaf(doc, n);
    if raw && n.kind == Kind::Str && n.y11 == 0 && !whole() {
        return hash_text(h, doc.str(n));
    }
    match redactor.form(doc, n, secret) {
        Form::Plain => {}
        Form::Whole(hash) => {
            h.update(b"R");
            h.update(hash.as_bytes());
            return;
        }
        Form::Masked(_) if raw => return hash_text(h, doc.str(n)),
        Form::Masked(m) => {
            h.update(b"M");
            h.update(&(m.len() as u64).to_le_bytes());
            h.update(m.as_bytes());
            return;
        }
    }
    match n.kind {
        Kind::Map => {
            let children = doc.children(n);
            h.update(b"{");
            h.update(&(children.len() as u64).to_le_bytes());
            for c in children {
                let key = doc.key(c);
                h.update(&(key.len() as u64).to_le_bytes());
                h.update(key.as_bytes());
                let secret = redactor.child_secret(doc, n, c, secret);
                hash_into(h, doc, redactor, c, secret, raw);
            }
        }
        Kind::Seq => {
            let children = doc.children(n);
            h.update(b"[");
            h.update(&(children.len() as u64).to_le_bytes());
            for c in children {
                hash_into(h, doc, redactor, c, secret, raw);
            }
        }
        Kind::Tagged => {
            let name = doc.name(n.a);
            h.update(b"!");
            h.update(&(name.len() as u64).to_le_bytes());
            h.update(name.as_bytes());
            let secret = secret && redact::tag_keeps_secret(doc, n);
            hash_into(h, doc, redactor, &doc.tagged(n), secret, raw);
        }
        _ => {
            let text = canonical_text::node_text(doc, n);
            h.update(b"s");
            h.update(&(text.len() as u64).to_le_bytes());
            h.update(text.as_bytes());
        }
    }
}

/// Feeds a string that is not secret as a whole to `h` by its text (see [`hash_into`]).
fn hash_text(h: &mut Feed, text: &str) {
    h.update(b"t");
    h.update(&(text.len() as u64).to_le_bytes());
    h.update(text.as_bytes());
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_fed_item_hashes_as_its_pieces_do() {
        for total in [0usize, 7, FEED_CHUNK - 1, FEED_CHUNK, 3 * FEED_CHUNK + 11] {
            let mut feed = Feed {
                hasher: None,
                buf: Vec::new(),
            };
            let mut plain = blake3::Hasher::new();
            let mut fed = 0;
            let mut i = 0u32;
            while fed < total {
                // Pieces of varied lengths, some across the chunk bound.
                let len = ((i * 7919) as usize % 5000).min(total - fed).max(1);
                let piece: Vec<u8> = (0..len).map(|j| (i as usize + j) as u8).collect();
                feed.update(&piece);
                plain.update(&piece);
                fed += len;
                i += 1;
            }
            assert_eq!(feed.finalize(), plain.finalize(), "{total} bytes");
        }
    }

    #[test]
    fn alignment_of_mostly_changed_lists_is_anchored_on_unique_items() {
        let n = 50_000u128;
        let old: Vec<u128> = (0..n).collect();
        // Every item changed but one, which stays in place: past Myers' budget.
        let new: Vec<u128> = (0..n).map(|i| if i == 100 { 100 } else { i + n }).collect();
        let hunks = align(&old, &new);
        assert_eq!(hunks.len(), 2);
        assert_eq!(hunks[0], ((0..100).collect(), (0..100).collect()));
        assert_eq!(hunks[1].0.len(), 49_899);
        assert_eq!(hunks[1].0.first(), Some(&101));
        // A few changes still get the shortest edit script.
        let mut few = old.clone();
        few.insert(10, 7 * n);
        assert_eq!(align(&old, &few), vec![(vec![], vec![10])]);
    }

    #[test]
    fn longest_increasing_keeps_the_order_that_survives() {
        // Items 0..4 in new order 1,2,3,0: only 0 moved.
        let keep = longest_increasing(&[1, 2, 3, 0]);
        assert_eq!(keep, vec![false, true, true, true]);
        let keep = longest_increasing(&[0, 1, 2]);
        assert_eq!(keep, vec![true, true, true]);
        assert!(longest_increasing(&[]).is_empty());
    }
}
