//! Matching one change against one rule: the document selectors, the key patterns
//! (the change itself or the keys inside its values), and the predicates on values,
//! secrets and neighbouring keys (`where`, `where_not`).

use std::borrow::Cow;

use serde_json::Value;

use super::compile::Rule;
use super::k8s::parse_document;
use super::view::{View, is_secret_key};
use crate::change::ChangeKind;
use crate::semantic;
use crate::semantic::keypath::{self, KeyPath, KeyPattern, Segment};

impl Rule {
    fn selects_document(&self, document: Option<&str>) -> bool {
        let sets = [&self.api_version, &self.kind, &self.namespace, &self.name];
        if sets.iter().all(|s| s.is_none()) {
            return true;
        }
        let Some(id) = document.and_then(parse_document) else {
            return false;
        };
        let fields = [id.api_version, id.kind, id.namespace, id.name];
        sets.iter()
            .zip(fields)
            .all(|(set, field)| set.as_ref().is_none_or(|s| s.is_match(field)))
    }

    /// Returns whether the rule's path globs select file `path`.
    pub(super) fn selects_path(&self, path: &str) -> bool {
        self.paths.as_ref().is_none_or(|s| s.is_match(path))
    }

    /// Returns whether the rule matches `view` of a change in a file its path globs
    /// select: whether its predicates hold for one of the changes its key patterns
    /// pick out of `view` (the view itself when it is at or below a targeted key, and
    /// the targeted keys inside its values). Every change is tried against every rule:
    /// the first that holds decides, and nothing is collected before.
    pub(super) fn matches_in_file(&self, view: &View<'_>, secret_keys: &[String]) -> bool {
        if !self.selects_document(view.identity.as_deref()) {
            return false;
        }
        let holds = |t: &Target<'_>| self.predicates_hold(t, view, secret_keys);
        let whole = Target {
            path: Cow::Borrowed(&view.path),
            kind: view.kind,
            old: view.old,
            new: view.new,
        };
        if self.keys.is_empty() {
            if holds(&whole) {
                return true;
            }
            // Secret-looking keys may sit anywhere inside an added or replaced value.
            if self.spec.secret && view.kind != ChangeKind::Moved {
                let mut walk = SecretWalk {
                    secret_keys,
                    path: view.path.clone(),
                    out: Vec::new(),
                };
                walk.pair(view.old, view.new, false);
                return walk.out.iter().any(holds);
            }
            return false;
        }
        // A move's values are positions, not data; scalars hold nothing below.
        let holds_data = |v: Option<&Value>| v.is_some_and(|v| v.is_object() || v.is_array());
        let below =
            view.kind != ChangeKind::Moved && (holds_data(view.old) || holds_data(view.new));
        for pattern in &self.keys {
            if pattern.matches_prefix(&view.path) && holds(&whole) {
                return true;
            }
            if !below {
                continue;
            }
            for rest in pattern.rests(&view.path) {
                // Walking a whole document for every pattern is what costs: skip the
                // walk when the values lack a key the pattern names, or hold nothing
                // secret for a `secret` rule.
                let index = view.index(secret_keys);
                if !rest.literal_keys().all(|k| index.keys.contains(k))
                    || (self.spec.secret && !index.secret)
                {
                    continue;
                }
                if inner_changes(&rest, view).iter().any(holds) {
                    return true;
                }
            }
        }
        false
    }

    fn predicates_hold(&self, t: &Target<'_>, view: &View<'_>, secret_keys: &[String]) -> bool {
        let s = &self.spec;
        if !s.change.is_empty() && !s.change.contains(&t.kind) {
            return false;
        }
        let value_tests =
            !s.new_equals.is_empty() || !s.new_contains.is_empty() || self.new_matches.is_some();
        if value_tests {
            let Some(new) = t.new else {
                return false;
            };
            if !s.new_equals.is_empty() && !equals_any(new, &s.new_equals) {
                return false;
            }
            if !self.new_contains.is_empty()
                && !any_string(new, &|x| {
                    self.new_contains.iter().any(|c| x.contains(c.as_str()))
                })
            {
                return false;
            }
            if let Some(set) = &self.new_matches
                && !any_string(new, &|x| set.is_match(x))
            {
                return false;
            }
        }
        if s.secret && !is_secret(t, view, secret_keys) {
            return false;
        }
        let side = if t.kind == ChangeKind::Removed {
            Side::Old
        } else {
            Side::New
        };
        for (key, set) in &self.where_ {
            match lookup_up(view, side, &t.path, key).and_then(keypath::scalar_text) {
                Some(v) if set.is_match(&v) => {}
                _ => return false,
            }
        }
        for (key, set) in &self.where_not {
            if let Some(v) = lookup_up(view, side, &t.path, key).and_then(keypath::scalar_text)
                && set.is_match(&v)
            {
                return false;
            }
        }
        true
    }
}

/// Returns whether target `t` of `view` changes a secret: it is at or under a
/// secret-looking key, a value of it is redacted, or it is a line diff changing
/// redacted values.
fn is_secret(t: &Target<'_>, view: &View<'_>, secret_keys: &[String]) -> bool {
    t.path
        .segments
        .iter()
        .any(|seg| is_secret_key(seg, secret_keys))
        || t.old.is_some_and(semantic::is_redacted)
        || t.new.is_some_and(semantic::is_redacted)
        || (view.secret_lines && *t.path == view.path)
}

/// A change as one rule sees it: the reported change or one inside its values.
#[derive(Debug, Clone)]
struct Target<'v> {
    /// Borrowed for the reported change itself: rules look at every change, and most
    /// look no deeper.
    path: Cow<'v, KeyPath>,
    kind: ChangeKind,
    old: Option<&'v Value>,
    new: Option<&'v Value>,
}

/// Finds the secrets that differ inside two values: values under secret-looking keys
/// and redacted values, topmost first, without walking below them.
struct SecretWalk<'k, 'v> {
    secret_keys: &'k [String],
    path: KeyPath,
    out: Vec<Target<'v>>,
}

impl<'v> SecretWalk<'_, 'v> {
    fn pair(&mut self, old: Option<&'v Value>, new: Option<&'v Value>, under_secret: bool) {
        if old == new {
            return;
        }
        let redacted =
            old.is_some_and(semantic::is_redacted) || new.is_some_and(semantic::is_redacted);
        if under_secret || redacted {
            let kind = match (old, new) {
                (None, _) => ChangeKind::Added,
                (_, None) => ChangeKind::Removed,
                (Some(a), Some(b)) if json_type(a) != json_type(b) => ChangeKind::TypeChanged,
                _ => ChangeKind::Changed,
            };
            self.out.push(Target {
                path: Cow::Owned(self.path.clone()),
                kind,
                old,
                new,
            });
            return;
        }
        let (om, nm) = (
            old.and_then(Value::as_object),
            new.and_then(Value::as_object),
        );
        if om.is_some() || nm.is_some() {
            let keys: std::collections::BTreeSet<&String> =
                om.iter().chain(nm.iter()).flat_map(|m| m.keys()).collect();
            for k in keys {
                let seg = Segment::Key(k.clone());
                let secret = is_secret_key(&seg, self.secret_keys);
                self.path.segments.push(seg);
                self.pair(om.and_then(|m| m.get(k)), nm.and_then(|m| m.get(k)), secret);
                self.path.segments.pop();
            }
            return;
        }
        let (oa, na) = (old.and_then(Value::as_array), new.and_then(Value::as_array));
        let len = oa.map_or(0, Vec::len).max(na.map_or(0, Vec::len));
        for i in 0..len {
            self.path.segments.push(Segment::Index(i));
            self.pair(oa.and_then(|a| a.get(i)), na.and_then(|a| a.get(i)), false);
            self.path.segments.pop();
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Side {
    Old,
    New,
}

/// Returns the changes at the keys `rest` selects inside the values of `view`.
fn inner_changes<'v>(rest: &KeyPattern, view: &View<'v>) -> Vec<Target<'v>> {
    let mut pairs: Vec<(KeyPath, Option<&'v Value>, Option<&'v Value>)> = Vec::new();
    if let Some(old) = view.old {
        for (p, v) in rest.select(old) {
            pairs.push((p, Some(v), None));
        }
    }
    if let Some(new) = view.new {
        for (p, v) in rest.select(new) {
            match pairs.iter_mut().find(|(q, _, n)| *q == p && n.is_none()) {
                Some(pair) => pair.2 = Some(v),
                None => pairs.push((p, None, Some(v))),
            }
        }
    }
    pairs
        .into_iter()
        .filter_map(|(rel, old, new)| {
            let kind = match (old, new) {
                (None, Some(_)) => ChangeKind::Added,
                (Some(_), None) => ChangeKind::Removed,
                (Some(a), Some(b)) if a == b => return None,
                (Some(a), Some(b)) if json_type(a) != json_type(b) => ChangeKind::TypeChanged,
                (Some(_), Some(_)) => ChangeKind::Changed,
                (None, None) => return None,
            };
            let mut path = view.path.clone();
            path.segments.extend(rel.segments);
            Some(Target {
                path: Cow::Owned(path),
                kind,
                old,
                new,
            })
        })
        .collect()
}

fn json_type(v: &Value) -> u8 {
    match v {
        Value::Null => 0,
        Value::Bool(_) => 1,
        Value::Number(_) => 2,
        Value::String(_) => 3,
        Value::Array(_) => 4,
        Value::Object(_) => 5,
    }
}

/// Returns the value of `key` at the deepest node on `path` (itself included) that has
/// it, on `side`: first inside the change's own value, then in the whole document.
fn lookup_up<'v>(view: &View<'v>, side: Side, path: &KeyPath, key: &KeyPath) -> Option<&'v Value> {
    let (value, doc) = match side {
        Side::Old => (view.old, view.doc_old),
        Side::New => (view.new, view.doc_new),
    };
    let path = &path.segments;
    let base = view.path.segments.len();
    for depth in (0..=path.len()).rev() {
        let prefix = path.get(..depth)?;
        let node = if depth >= base {
            value.and_then(|v| keypath::value_at(v, prefix.get(base..)?))
        } else {
            None
        }
        .or_else(|| doc.and_then(|d| keypath::value_at(d, prefix)));
        if let Some(found) = node.and_then(|n| keypath::value_at(n, &key.segments)) {
            return Some(found);
        }
    }
    None
}

fn equals_any(value: &Value, wanted: &[Value]) -> bool {
    let eq = |v: &Value| wanted.iter().any(|w| scalar_eq(v, w));
    eq(value) || value.as_array().is_some_and(|items| items.iter().any(eq))
}

/// Compares two values; numbers by value, since the same number may be spelled two ways.
fn scalar_eq(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => {
            x == y || (x.as_f64().is_some() && x.as_f64() == y.as_f64())
        }
        _ => a == b,
    }
}

/// Returns whether any string in `value` (at any depth, mapping keys excluded) passes.
fn any_string(value: &Value, test: &dyn Fn(&str) -> bool) -> bool {
    match value {
        Value::String(s) => test(s),
        Value::Array(items) => items.iter().any(|v| any_string(v, test)),
        Value::Object(m) => m.values().any(|v| any_string(v, test)),
        _ => false,
    }
}
