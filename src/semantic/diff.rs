//! Comparing two loaded files into key-path changes (DESIGN §3).
//!
//! - Mappings are compared key by key (both sides are sorted, so it is one merge walk).
//! - Lists of mappings are matched by an identity key (the first of `identity_keys`
//!   that every item on both sides has, with unique scalar values), or by Kubernetes
//!   identity (`apiVersion/kind/namespace/name`); a reordered item is `moved`.
//!   Other lists are aligned with a Myers diff over item hashes, so one insertion is
//!   one `added`; an item that only changed position is `moved`; the remaining
//!   replaced items are compared pairwise.
//! - Documents are matched by Kubernetes identity when every non-empty document on
//!   both sides has a unique one, else by position. Their order is not data.
//! - Secrets (`redact`) are compared by their full keyed hash and shown only as
//!   `<redacted:...>`; strings with secrets inside by their masked text.
//! - Changes at or under an `ignore_keys` pattern are dropped.

use std::borrow::Cow;
use std::collections::HashMap;
use std::time::{Duration, Instant};

use serde_json::Value;
use similar::{Algorithm, DiffTag};

use super::Options;
use super::canonical_text::special_name;
use super::keypath::{KeyPath, KeyPattern, Segment};
use super::redact::{self, Form, Redactor};
use super::value::{Doc, Kind, Node};
use crate::change::{Change, ChangeKind};

type FastMap<K, V> = HashMap<K, V, foldhash::fast::FixedState>;

/// How long one list alignment may search before settling for a coarser diff.
const ALIGN_DEADLINE: Duration = Duration::from_secs(2);

/// Returns the changes from `old` to `new`.
pub(crate) fn compare(old: &Doc, new: &Doc, options: &Options) -> Vec<Change> {
    let ignore = options
        .ignore_keys
        .iter()
        .filter_map(|p| KeyPattern::parse(p).ok())
        .collect();
    let mut cx = Cx {
        old,
        new,
        old_redact: Redactor::new(old, options),
        new_redact: Redactor::new(new, options),
        identity_keys: &options.identity_keys,
        ignore,
        path: Vec::new(),
        document: None,
        out: Vec::new(),
    };
    cx.documents();
    cx.out
}

/// One step of the current path, borrowed where possible.
#[derive(Debug, Clone)]
enum Step<'a> {
    Key(&'a str),
    Index(usize),
    Match(&'a str, Cow<'a, str>),
    Object(Cow<'a, str>),
}

/// One side of a comparison: a node and whether it is secret.
#[derive(Clone, Copy)]
struct Side<'a> {
    node: &'a Node,
    secret: bool,
}

struct Cx<'a> {
    old: &'a Doc,
    new: &'a Doc,
    old_redact: Redactor,
    new_redact: Redactor,
    identity_keys: &'a [String],
    ignore: Vec<KeyPattern>,
    path: Vec<Step<'a>>,
    document: Option<String>,
    out: Vec<Change>,
}

/// The category of a value: a change across categories is `type_changed`.
#[derive(Debug, PartialEq, Eq)]
enum Category<'a> {
    Null,
    Bool,
    Number,
    String,
    DateTime,
    Secret,
    Tagged(&'a str),
    Seq,
    Map,
}

fn category<'a>(doc: &'a Doc, n: &Node) -> Category<'a> {
    match n.kind {
        Kind::Null => Category::Null,
        Kind::Bool => Category::Bool,
        Kind::Int | Kind::Num | Kind::Special => Category::Number,
        Kind::Str | Kind::Masked => Category::String,
        Kind::DateTime => Category::DateTime,
        Kind::Redacted => Category::Secret,
        Kind::Tagged => Category::Tagged(doc.name(n.a)),
        Kind::Seq => Category::Seq,
        Kind::Map => Category::Map,
    }
}

/// Returns the Kubernetes identity of a mapping: `apiVersion/kind/[namespace/]name`.
fn k8s_identity(doc: &Doc, n: &Node) -> Option<String> {
    let api = doc.get_str(n, "apiVersion")?;
    let kind = doc.get_str(n, "kind")?;
    let meta = doc.get(n, "metadata")?;
    let name = doc.get_str(meta, "name")?;
    Some(match doc.get_str(meta, "namespace") {
        Some(ns) => format!("{api}/{kind}/{ns}/{name}"),
        None => format!("{api}/{kind}/{name}"),
    })
}

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
    // ---- documents ------------------------------------------------------------

    fn documents(&mut self) {
        let (old, new) = (self.old, self.new);
        let (o, n) = (&old.roots, &new.roots);
        if let ([a], [b]) = (o.as_slice(), n.as_slice()) {
            // One document on each side: compared whatever their identities, and
            // named by it (the new one's) so rules and readers know what it is.
            self.document = k8s_identity(new, b).or_else(|| k8s_identity(old, a));
            self.node(side(a, false), side(b, false));
            self.document = None;
            return;
        }
        if let (Some(oi), Some(ni)) = (doc_identities(old), doc_identities(new)) {
            let by_id: FastMap<&str, usize> = oi.iter().map(|(i, id)| (id.as_str(), *i)).collect();
            let mut seen = vec![false; o.len()];
            for (j, id) in &ni {
                let (Some(nn), label) = (n.get(*j), id.clone()) else {
                    continue;
                };
                self.document = Some(label);
                match by_id
                    .get(id.as_str())
                    .and_then(|&i| o.get(i).map(|x| (i, x)))
                {
                    Some((i, on)) => {
                        if let Some(s) = seen.get_mut(i) {
                            *s = true;
                        }
                        self.node(side(on, false), side(nn, false));
                    }
                    None => self.emit(ChangeKind::Added, None, Some(side(nn, false)), nn.line),
                }
            }
            for (i, id) in &oi {
                if seen.get(*i) == Some(&false)
                    && let Some(on) = o.get(*i)
                {
                    self.document = Some(id.clone());
                    self.emit(ChangeKind::Removed, Some(side(on, false)), None, on.line);
                }
            }
            self.document = None;
            return;
        }
        for k in 0..o.len().max(n.len()) {
            self.document = Some(format!("#{}", k + 1));
            match (o.get(k), n.get(k)) {
                (Some(a), Some(b)) => self.node(side(a, false), side(b, false)),
                (Some(a), None) => {
                    self.emit(ChangeKind::Removed, Some(side(a, false)), None, a.line)
                }
                (None, Some(b)) => self.emit(ChangeKind::Added, None, Some(side(b, false)), b.line),
                (None, None) => {}
            }
        }
        self.document = None;
    }

    // ---- values ---------------------------------------------------------------

    fn node(&mut self, o: Side<'a>, n: Side<'a>) {
        let (old, new) = (self.old, self.new);
        let (on, nn) = (o.node, n.node);
        // Equal strings (read alike by YAML 1.1 too) that are equally secret are equal
        // in every form: no need to look for secrets in them.
        if on.kind == Kind::Str
            && nn.kind == Kind::Str
            && on.y11 == nn.y11
            && o.secret == n.secret
            && old.str(on) == new.str(nn)
            && self.old_redact.is_secret_alias(on) == self.new_redact.is_secret_alias(nn)
        {
            return;
        }
        let of = self.old_redact.form(old, on, o.secret);
        let nf = self.new_redact.form(new, nn, n.secret);
        if of != Form::Plain || nf != Form::Plain {
            // Full hashes and masked texts, never display tokens: a literal token in
            // the file is not the secret it stands for.
            if of != nf {
                self.emit(ChangeKind::Changed, Some(o), Some(n), nn.line);
            }
            return;
        }
        let (oc, nc) = (category(old, on), category(new, nn));
        if oc != nc {
            // A secret's type is part of the secret.
            let kind = if o.secret || n.secret {
                ChangeKind::Changed
            } else {
                ChangeKind::TypeChanged
            };
            self.emit(kind, Some(o), Some(n), nn.line);
            return;
        }
        match on.kind {
            Kind::Map => self.map(o, n),
            Kind::Seq => self.seq(o, n),
            Kind::Tagged => {
                let (oi, ni) = (old.tagged(on), new.tagged(nn));
                if !oi.is_collection() && !ni.is_collection() {
                    // A tagged scalar is shown whole (`!Sub x`), so the tag stays in view.
                    // Its scalar may hold a secret: compared by form, as any string.
                    let of = self.old_redact.form(old, &oi, false);
                    let nf = self.new_redact.form(new, &ni, false);
                    let same = old.name(on.a) == new.name(nn.a)
                        && if of == Form::Plain && nf == Form::Plain {
                            deep_eq(old, on, new, nn)
                        } else {
                            of == nf
                        };
                    if !same {
                        self.emit(ChangeKind::Changed, Some(o), Some(n), nn.line);
                    }
                } else if let (Some(oi), Some(ni)) = (old.tagged_ref(on), new.tagged_ref(nn)) {
                    let (oi, ni) = (
                        Side {
                            node: oi,
                            secret: o.secret,
                        },
                        Side {
                            node: ni,
                            secret: n.secret,
                        },
                    );
                    self.node(oi, ni);
                }
            }
            _ => {
                if !scalar_eq(old, on, new, nn) {
                    self.emit(ChangeKind::Changed, Some(o), Some(n), nn.line);
                }
            }
        }
    }

    fn map(&mut self, o: Side<'a>, n: Side<'a>) {
        let (old, new) = (self.old, self.new);
        let (oc, nc) = (old.children(o.node), new.children(n.node));
        let (mut i, mut j) = (0, 0);
        while i < oc.len() || j < nc.len() {
            let order = match (oc.get(i), nc.get(j)) {
                (Some(a), Some(b)) => old.key(a).cmp(new.key(b)),
                (Some(_), None) => std::cmp::Ordering::Less,
                (None, Some(_)) => std::cmp::Ordering::Greater,
                (None, None) => break,
            };
            match order {
                std::cmp::Ordering::Less => {
                    if let Some(a) = oc.get(i) {
                        let side = self.old_child(o, a);
                        self.path.push(Step::Key(old.key(a)));
                        self.emit(ChangeKind::Removed, Some(side), None, a.line);
                        self.path.pop();
                    }
                    i += 1;
                }
                std::cmp::Ordering::Greater => {
                    if let Some(b) = nc.get(j) {
                        let side = self.new_child(n, b);
                        self.path.push(Step::Key(new.key(b)));
                        self.emit(ChangeKind::Added, None, Some(side), b.line);
                        self.path.pop();
                    }
                    j += 1;
                }
                std::cmp::Ordering::Equal => {
                    if let (Some(a), Some(b)) = (oc.get(i), nc.get(j)) {
                        let (sa, sb) = (self.old_child(o, a), self.new_child(n, b));
                        self.path.push(Step::Key(new.key(b)));
                        self.node(sa, sb);
                        self.path.pop();
                    }
                    i += 1;
                    j += 1;
                }
            }
        }
    }

    fn old_child(&self, parent: Side<'a>, child: &'a Node) -> Side<'a> {
        Side {
            node: child,
            secret: self
                .old_redact
                .child_secret(self.old, parent.node, child, parent.secret),
        }
    }

    fn new_child(&self, parent: Side<'a>, child: &'a Node) -> Side<'a> {
        Side {
            node: child,
            secret: self
                .new_redact
                .child_secret(self.new, parent.node, child, parent.secret),
        }
    }

    fn seq(&mut self, o: Side<'a>, n: Side<'a>) {
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
        let oh: Vec<u128> = oc
            .iter()
            .map(|x| item_hash(old, &self.old_redact, x, o.secret))
            .collect();
        let nh: Vec<u128> = nc
            .iter()
            .map(|x| item_hash(new, &self.new_redact, x, n.secret))
            .collect();
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

    // ---- output ---------------------------------------------------------------

    fn key_path(&self) -> KeyPath {
        KeyPath {
            segments: self
                .path
                .iter()
                .map(|s| match s {
                    Step::Key(k) => Segment::Key((*k).to_string()),
                    Step::Index(i) => Segment::Index(*i),
                    Step::Match(k, v) => Segment::Match {
                        key: (*k).to_string(),
                        value: v.to_string(),
                    },
                    Step::Object(id) => Segment::Object(id.to_string()),
                })
                .collect(),
        }
    }

    fn ignored(&self, path: &KeyPath) -> bool {
        self.ignore.iter().any(|p| p.matches_prefix(path))
    }

    fn moved(&mut self, from: usize, to: usize, line: u32) {
        let path = self.key_path();
        if self.ignored(&path) {
            return;
        }
        let mut change = Change::new(
            ChangeKind::Moved,
            self.document.clone(),
            path.to_string(),
            Some(Value::from(from)),
            Some(Value::from(to)),
        );
        change.line = (line > 0).then_some(line);
        self.out.push(change);
    }

    fn emit(&mut self, kind: ChangeKind, o: Option<Side<'a>>, n: Option<Side<'a>>, line: u32) {
        let path = self.key_path();
        if self.ignored(&path) {
            return;
        }
        let line = match (kind, o, n) {
            (ChangeKind::Removed, Some(o), _) => o.node.line,
            _ => line,
        };
        let multi_line = |doc: &Doc, s: Side<'_>| {
            matches!(s.node.kind, Kind::Str | Kind::Masked) && doc.str(s.node).contains('\n')
        };
        let diff = match (o, n) {
            (Some(o), Some(n)) if multi_line(self.old, o) || multi_line(self.new, n) => {
                let a = text_form(self.old, &self.old_redact, o);
                let b = text_form(self.new, &self.new_redact, n);
                match (a, b) {
                    (Some(a), Some(b)) if a.contains('\n') || b.contains('\n') => {
                        Some(line_diff(&a, &b))
                    }
                    _ => None,
                }
            }
            _ => None,
        };
        let old = o.map(|s| to_json(self.old, &self.old_redact, s.node, s.secret));
        let new = n.map(|s| to_json(self.new, &self.new_redact, s.node, s.secret));
        let mut change = Change::new(kind, self.document.clone(), path.to_string(), old, new);
        change.line = (line > 0).then_some(line);
        change.diff = diff;
        if let (Some(o), Some(n)) = (o, n) {
            change.note = super::yaml11::note(
                super::yaml11::Reading::of(o.node.y11),
                super::yaml11::Reading::of(n.node.y11),
            );
        }
        // Rules rate the values as YAML 1.1 readers see them too: `privileged: yes` is
        // `true` to Kubernetes tooling.
        let ambiguous = |d: &Doc, s: Option<Side<'a>>| s.is_some_and(|s| holds_yaml11(d, s.node));
        if ambiguous(self.old, o) || ambiguous(self.new, n) {
            change.yaml11 = Some([
                o.map(|s| to_json_as(self.old, &self.old_redact, s.node, s.secret, true)),
                n.map(|s| to_json_as(self.new, &self.new_redact, s.node, s.secret, true)),
            ]);
        }
        self.out.push(change);
    }
}

/// Returns the masked text of a string side (plain strings escaped), `None` for other
/// values and whole secrets.
fn text_form<'d>(doc: &'d Doc, redactor: &'d Redactor, s: Side<'_>) -> Option<Cow<'d, str>> {
    match redactor.form(doc, s.node, s.secret) {
        Form::Masked(m) => Some(m),
        Form::Plain if s.node.kind == Kind::Str => {
            Some(Cow::Owned(redact::escape(doc.str(s.node))))
        }
        _ => None,
    }
}

fn side(node: &Node, secret: bool) -> Side<'_> {
    Side { node, secret }
}

/// Returns the documents of `old` and `new` as JSON (secret values redacted as changes
/// show them), each with the label changes carry in `document`: the same choice as
/// [`compare`] makes, by Kubernetes identity or by position.
pub(crate) fn document_values(
    old: Option<&Doc>,
    new: Option<&Doc>,
    options: &Options,
    keep: Option<&[KeyPath]>,
) -> [Vec<(Option<String>, Value)>; 2] {
    let trie = keep.map(|paths| {
        let mut t = PathTrie::default();
        for p in paths {
            t.insert(&p.segments);
        }
        t
    });
    let roots = |d: Option<&'_ Doc>| d.map_or(0, |d| d.roots.len());
    let single = roots(old) == 1 && roots(new) == 1;
    let ids = |d: Option<&Doc>| d.map_or(Some(Vec::new()), doc_identities);
    let by_identity = ids(old).is_some() && ids(new).is_some();
    let single_label = if single {
        let first =
            |d: Option<&Doc>| d.and_then(|d| d.roots.first().and_then(|r| k8s_identity(d, r)));
        first(new).or_else(|| first(old))
    } else {
        None
    };
    let values = |d: Option<&Doc>| -> Vec<(Option<String>, Value)> {
        let Some(d) = d else {
            return Vec::new();
        };
        let redactor = Redactor::new(d, options);
        d.roots
            .iter()
            .enumerate()
            .map(|(k, root)| {
                let label = if single {
                    single_label.clone()
                } else if by_identity {
                    k8s_identity(d, root)
                } else {
                    Some(format!("#{}", k + 1))
                };
                let value = match &trie {
                    Some(t) => to_json_pruned(d, &redactor, root, false, t),
                    None => to_json(d, &redactor, root, false),
                };
                (label, value)
            })
            .collect()
    };
    [values(old), values(new)]
}

/// Key paths as a tree: which parts of a document rules may look at.
///
/// Children are hashed, not scanned: a mapping may hold 100,000 changed keys, and
/// building or walking the tree must stay linear in them.
#[derive(Debug, Default)]
struct PathTrie {
    keys: FastMap<String, PathTrie>,
    items: FastMap<Segment, PathTrie>,
}

impl PathTrie {
    fn insert(&mut self, segments: &[Segment]) {
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
                _ => super::keypath::scalar_text(&to_json(doc, redactor, v, false)),
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
fn to_json_pruned(
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

/// Returns the documents' identities with their positions, when every non-empty
/// document has a unique one (empty documents, as a trailing `---` makes, are not
/// data anyone deploys).
fn doc_identities(doc: &Doc) -> Option<Vec<(usize, String)>> {
    let mut out = Vec::new();
    let mut seen: FastMap<String, ()> = FastMap::default();
    for (i, root) in doc.roots.iter().enumerate() {
        if root.kind == Kind::Null {
            continue;
        }
        let id = k8s_identity(doc, root)?;
        if seen.insert(id.clone(), ()).is_some() {
            return None;
        }
        out.push((i, id));
    }
    Some(out)
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

/// Returns whether two scalars (same category, not secret) are equal.
fn scalar_eq(od: &Doc, o: &Node, nd: &Doc, n: &Node) -> bool {
    if o.kind != n.kind || o.y11 != n.y11 {
        return false;
    }
    match o.kind {
        Kind::Null => true,
        Kind::Bool | Kind::Special => o.a == n.a,
        Kind::Int => o.int_value() == n.int_value(),
        Kind::Num | Kind::Str | Kind::DateTime | Kind::Redacted | Kind::Masked => {
            od.str(o) == nd.str(n)
        }
        Kind::Tagged | Kind::Seq | Kind::Map => false,
    }
}

/// Returns whether two subtrees hold the same data (a fast check; `false` for
/// redacted values, which need their hashes compared).
fn deep_eq(od: &Doc, o: &Node, nd: &Doc, n: &Node) -> bool {
    if o.kind != n.kind {
        return false;
    }
    match o.kind {
        Kind::Redacted => false,
        Kind::Tagged => {
            od.name(o.a) == nd.name(n.a) && deep_eq(od, &od.tagged(o), nd, &nd.tagged(n))
        }
        Kind::Seq => {
            let (a, b) = (od.children(o), nd.children(n));
            a.len() == b.len() && a.iter().zip(b).all(|(x, y)| deep_eq(od, x, nd, y))
        }
        Kind::Map => {
            let (a, b) = (od.children(o), nd.children(n));
            a.len() == b.len()
                && a.iter()
                    .zip(b)
                    .all(|(x, y)| od.key(x) == nd.key(y) && deep_eq(od, x, nd, y))
        }
        _ => scalar_eq(od, o, nd, n),
    }
}

/// Returns a 128-bit hash of an item's canonical form, secrets by their hash, so that
/// a redacted stored item and its raw counterpart hash alike.
fn item_hash(doc: &Doc, redactor: &Redactor, node: &Node, secret: bool) -> u128 {
    let mut h = blake3::Hasher::new();
    hash_into(&mut h, doc, redactor, node, secret);
    let bytes = h.finalize();
    let mut first = [0u8; 16];
    first.copy_from_slice(&bytes.as_bytes()[..16]);
    u128::from_le_bytes(first)
}

fn hash_into(h: &mut blake3::Hasher, doc: &Doc, redactor: &Redactor, n: &Node, secret: bool) {
    match redactor.form(doc, n, secret) {
        Form::Plain => {}
        Form::Whole(hash) => {
            h.update(b"R");
            h.update(hash.as_bytes());
            return;
        }
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
                hash_into(
                    h,
                    doc,
                    redactor,
                    c,
                    redactor.child_secret(doc, n, c, secret),
                );
            }
        }
        Kind::Seq => {
            let children = doc.children(n);
            h.update(b"[");
            h.update(&(children.len() as u64).to_le_bytes());
            for c in children {
                hash_into(h, doc, redactor, c, secret);
            }
        }
        Kind::Tagged => {
            let name = doc.name(n.a);
            h.update(b"!");
            h.update(&(name.len() as u64).to_le_bytes());
            h.update(name.as_bytes());
            let secret = secret && redact::tag_keeps_secret(doc, n);
            hash_into(h, doc, redactor, &doc.tagged(n), secret);
        }
        _ => {
            let text = super::canonical_text::node_text(doc, n);
            h.update(b"s");
            h.update(&(text.len() as u64).to_le_bytes());
            h.update(text.as_bytes());
        }
    }
}

/// Returns the unified line diff of two multi-line strings, in masked form (see
/// `redact`): lines compare by their secrets' full hashes and show display tokens.
fn line_diff(old: &str, new: &str) -> String {
    redact::masked_hunks(old, new, 3)
        .into_iter()
        .map(|h| h.text)
        .collect()
}

/// Returns a value for a report: plain JSON for data, `"!Tag value"` for tagged
/// scalars, `{"!Tag": ...}` for tagged collections, `"<redacted:...>"` for secrets.
pub(crate) fn to_json(doc: &Doc, redactor: &Redactor, n: &Node, secret: bool) -> Value {
    to_json_as(doc, redactor, n, secret, false)
}

/// Returns whether some scalar of the subtree `n` reads differently under YAML 1.1.
fn holds_yaml11(doc: &Doc, n: &Node) -> bool {
    match n.kind {
        Kind::Seq | Kind::Map => doc.children(n).iter().any(|c| holds_yaml11(doc, c)),
        Kind::Tagged => holds_yaml11(doc, &doc.tagged(n)),
        _ => n.y11 != 0,
    }
}

/// Like [`to_json`], with each scalar as YAML 1.1 readers see it when `yaml11`.
fn to_json_as(doc: &Doc, redactor: &Redactor, n: &Node, secret: bool, yaml11: bool) -> Value {
    if let Some(shown) = redactor.form(doc, n, secret).shown() {
        return Value::String(shown);
    }
    if yaml11 && n.y11 != 0 && !n.is_collection() {
        let text = match n.kind {
            Kind::Int => n.int_value().to_string(),
            _ => doc.str(n).to_string(),
        };
        let reading = super::yaml11::Reading::of(n.y11);
        if let Some(v) = super::yaml11::json_value(&text, reading, n.kind == Kind::Int) {
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

#[cfg(test)]
mod tests {
    use super::*;

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
