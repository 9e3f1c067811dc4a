//! Comparing two loaded files into key-path changes (DESIGN §3): the entry points,
//! the walk over documents, mappings and values, and the changes it emits.
//!
//! - Mappings are compared key by key (both sides are sorted, so it is one merge walk).
//! - Lists are matched and aligned in `align`: by an identity key, by Kubernetes
//!   identity, or by a diff over item hashes.
//! - Documents are matched by Kubernetes identity when every non-empty document on
//!   both sides has a unique one, else by position. Their order is not data.
//! - Secrets (`redact`) are compared by their full keyed hash and shown only as
//!   `<redacted:...>`; strings with secrets inside by their masked text.
//! - Changes at or under an `ignore_keys` pattern are dropped.
//!
//! Values become JSON for reports, and the pruned documents rules look at, in `json`.

mod align;
mod json;

use std::borrow::Cow;
use std::collections::HashMap;

use serde_json::Value;

use super::Options;
use super::keypath::{self, KeyPath, KeyPattern, Segment};
use super::redact::{self, Form, Redactor};
use super::value::{Doc, Kind, Node};
use crate::change::{Change, ChangeKind};
use json::{PathTrie, holds_yaml11, to_json, to_json_as, to_json_pruned};

type FastMap<K, V> = HashMap<K, V, foldhash::fast::FixedState>;

/// Returns the changes from `old` to `new`.
pub(crate) fn compare(old: &Doc, new: &Doc, options: &Options) -> Vec<Change> {
    compare_with(old, new, options, true)
}

/// Like [`compare`]; without `fast`, list items are always hashed by their secret forms
/// (the reference the fast path is tested against).
fn compare_with(old: &Doc, new: &Doc, options: &Options, fast: bool) -> Vec<Change> {
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
        raw: (!fast).then_some(false),
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
    /// Whether neither side holds stored secret forms, found on first use.
    raw: Option<bool>,
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

/// Returns whether `doc` holds secrets in their stored forms (a canonical form's
/// `Redacted` and `Masked` values), which only the canonical reader makes.
fn holds_stored_forms(doc: &Doc) -> bool {
    doc.nodes
        .iter()
        .chain(&doc.roots)
        .any(|n| matches!(n.kind, Kind::Redacted | Kind::Masked))
}

impl<'a> Cx<'a> {
    /// Returns whether both sides were loaded from their raw text, so that their
    /// strings are not yet masked and list items may be hashed by their text (see
    /// `align::hash_into`).
    fn raw_strings(&mut self) -> bool {
        let (old, new) = (self.old, self.new);
        *self
            .raw
            .get_or_insert_with(|| !holds_stored_forms(old) && !holds_stored_forms(new))
    }

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

    /// Returns the current path as a report writes it (`KeyPath`'s `Display`), or
    /// `None` when an ignore pattern covers it.
    ///
    /// Written straight from the steps: a file may have 100,000 changes, and a
    /// `KeyPath` of owned segments for each costs more than the change itself.
    fn shown_path(&self) -> Option<String> {
        if !self.ignore.is_empty() {
            let path = self.key_path();
            return (!self.ignore.iter().any(|p| p.matches_prefix(&path)))
                .then(|| path.to_string());
        }
        use std::fmt::Write;
        let mut out = String::new();
        for (i, s) in self.path.iter().enumerate() {
            // Writing to a String cannot fail.
            let _ = match s {
                Step::Key(k) => {
                    if i > 0 {
                        out.push('.');
                    }
                    keypath::write_key(&mut out, k)
                }
                Step::Index(n) => write!(out, "[{n}]"),
                Step::Match(k, v) => {
                    out.push('[');
                    let _ = keypath::write_bracketed(&mut out, k);
                    out.push('=');
                    let _ = keypath::write_bracketed(&mut out, v);
                    out.write_char(']')
                }
                Step::Object(id) => {
                    out.push('[');
                    let _ = keypath::write_bracketed(&mut out, id);
                    out.write_char(']')
                }
            };
        }
        Some(out)
    }

    fn moved(&mut self, from: usize, to: usize, line: u32) {
        let Some(path) = self.shown_path() else {
            return;
        };
        let mut change = Change::new(
            ChangeKind::Moved,
            self.document.clone(),
            path,
            Some(Value::from(from)),
            Some(Value::from(to)),
        );
        change.line = (line > 0).then_some(line);
        self.out.push(change);
    }

    fn emit(&mut self, kind: ChangeKind, o: Option<Side<'a>>, n: Option<Side<'a>>, line: u32) {
        let Some(path) = self.shown_path() else {
            return;
        };
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
        let mut change = Change::new(kind, self.document.clone(), path, old, new);
        change.line = (line > 0).then_some(line);
        change.diff = diff;
        if let (Some(o), Some(n)) = (o, n) {
            change.note = super::yaml11::note(
                super::yaml11::Reading::of(o.node.y11),
                super::yaml11::Reading::of(n.node.y11),
            )
            .map(Into::into);
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
    // The two sides are independent; a large file's take as long as its comparison.
    let (o, n) = rayon::join(|| values(old), || values(new));
    [o, n]
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

/// Returns the unified line diff of two multi-line strings, in masked form (see
/// `redact`): lines compare by their secrets' full hashes and show display tokens.
fn line_diff(old: &str, new: &str) -> String {
    redact::masked_hunks(old, new, 3)
        .into_iter()
        .map(|h| h.text)
        .collect()
}

#[cfg(test)]
mod tests;
