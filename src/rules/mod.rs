//! Risk rules: which changes are dangerous, and how dangerous.
//!
//! Owns the rule model (the built-in pack and `[[rule]]` entries of driftgate.toml, one
//! schema for both), matching a change against a rule, and setting the severity and
//! rule ids of a report's changes. Pure: it neither reads files nor prints; the caller
//! hands it the changes and, where it has them, the parsed documents of both sides.

use std::cell::OnceCell;
use std::collections::{BTreeMap, HashSet};

use globset::{Glob, GlobSet, GlobSetBuilder};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::change::{Change, ChangeKind, FileReport, FileStatus, Severity};
use crate::config::{CompareConfig, Config, RuleConfig, Strings};
use crate::semantic;
use crate::semantic::keypath::{self, KeyPath, KeyPattern, Segment};

/// The built-in rule pack, in the schema of `[[rule]]`.
pub const BUILTIN: &str = include_str!("builtin.toml");

/// Errors building the rule set.
#[derive(Debug, thiserror::Error)]
pub enum RuleError {
    /// A `[[rule]]` entry (index `index` in the config) that cannot be used.
    #[error("rule `{id}`: {message}")]
    Invalid {
        /// Position among the config's `[[rule]]` entries; `None` for the built-in pack.
        index: Option<usize>,
        /// The rule's id.
        id: String,
        /// What is wrong.
        message: String,
    },
    /// `rules.disable` names a rule the built-in pack does not have.
    #[error(
        "`rules.disable` names `{0}`, which is not a built-in rule (see `driftgate rules --all`)"
    )]
    UnknownDisabled(String),
    /// The built-in pack does not parse (a defect caught by its unit test).
    #[error("the built-in rule pack is invalid: {0}")]
    Builtin(String),
    /// A recorded rule book this version cannot use.
    #[error("{0}")]
    Book(String),
}

impl RuleError {
    /// Returns the position of the offending `[[rule]]` in the config, if it is one.
    pub fn rule_index(&self) -> Option<usize> {
        match self {
            RuleError::Invalid { index, .. } => *index,
            _ => None,
        }
    }
}

/// Where a rule comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Origin {
    /// The built-in pack.
    Builtin,
    /// A `[[rule]]` of driftgate.toml.
    Config,
    /// A `[[rule]]` of driftgate.toml that replaces the built-in rule of the same id.
    Replaced,
}

impl Origin {
    /// Returns the spelling used in listings.
    pub fn as_str(self) -> &'static str {
        match self {
            Origin::Builtin => "builtin",
            Origin::Config => "config",
            Origin::Replaced => "config (replaces built-in)",
        }
    }
}

/// One compiled rule.
#[derive(Debug, Clone)]
pub struct Rule {
    /// The rule as written.
    pub spec: RuleConfig,
    /// Where it comes from.
    pub origin: Origin,
    paths: Option<GlobSet>,
    api_version: Option<GlobSet>,
    kind: Option<GlobSet>,
    namespace: Option<GlobSet>,
    name: Option<GlobSet>,
    keys: Vec<KeyPattern>,
    new_contains: Vec<String>,
    new_matches: Option<GlobSet>,
    where_: Vec<(KeyPath, GlobSet)>,
    where_not: Vec<(KeyPath, GlobSet)>,
}

/// Schema of a [`RuleBook`].
pub const BOOK_SCHEMA: &str = "driftgate.rules/v1";

/// What decides the severity of changes, resolved from a configuration: the active
/// rules (built-ins included, so a later version's pack does not change it), the
/// default severity, the secret-looking keys and how files are compared.
///
/// Every baseline records one (by hash, in the object store): the next proposal, and
/// `check` against that baseline, are judged by it, not by rules the tree brings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleBook {
    /// Always [`BOOK_SCHEMA`].
    pub schema: String,
    /// Severity of changes no rule matches.
    pub default_severity: Severity,
    /// Lowercased fragments of secret-looking keys (`[redact] keys`).
    pub secret_keys: Vec<String>,
    /// How structured files are compared (`[compare]`), which decides the changes.
    pub compare: CompareConfig,
    /// The active rules, in the order they are tried.
    pub rules: Vec<BookRule>,
}

/// One rule of a [`RuleBook`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BookRule {
    /// Where it came from.
    pub origin: Origin,
    /// The rule as written.
    pub rule: RuleConfig,
}

impl RuleBook {
    /// Returns the book's canonical bytes, as stored and hashed.
    pub fn to_bytes(&self) -> Vec<u8> {
        crate::store::to_json_bytes(self)
    }

    /// Returns the blake3 hash of [`RuleBook::to_bytes`], as a baseline records it.
    pub fn hash(&self) -> String {
        blake3::hash(&self.to_bytes()).to_hex().to_string()
    }

    /// Returns a configuration holding the book's comparison settings, to compare
    /// trees the way the book says.
    pub fn compare_config(&self) -> Config {
        Config {
            compare: self.compare.clone(),
            redact: crate::config::RedactConfig {
                keys: self.secret_keys.clone(),
            },
            ..Config::default()
        }
    }
}

/// The active rules, in order: built-ins first, then the config's own.
#[derive(Debug, Clone)]
pub struct RuleSet {
    rules: Vec<Rule>,
    disabled: Vec<RuleConfig>,
    default: Severity,
    secret_keys: Vec<String>,
}

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
    fn position(&self, new: bool, identity: &str) -> Option<usize> {
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

/// The Kubernetes identity of a document, parsed from a change's `document`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocumentId<'a> {
    /// `apiVersion` (`v1`, `apps/v1`).
    pub api_version: &'a str,
    /// `kind`.
    pub kind: &'a str,
    /// `metadata.namespace`, empty for cluster-scoped objects.
    pub namespace: &'a str,
    /// `metadata.name`.
    pub name: &'a str,
}

/// Returns the identity in `document` (`apiVersion/kind/namespace/name`), if it is one.
///
/// Parsed from the right, since only `apiVersion` may contain a `/`. The namespace slot
/// may be missing for cluster-scoped objects: kinds start with an upper-case letter and
/// namespaces (DNS labels) never do, which tells the two shapes apart.
pub fn parse_document(document: &str) -> Option<DocumentId<'_>> {
    let parts: Vec<&str> = document.split('/').collect();
    let kind_ok = |k: &str| k.chars().next().is_some_and(|c| c.is_ascii_uppercase());
    let api_ok = |n: usize| (1..=2).contains(&n);
    let n = parts.len();
    let name = *parts.last()?;
    if name.is_empty() {
        return None;
    }
    let with_namespace = n >= 4 && api_ok(n - 3) && kind_ok(parts.get(n - 3)?);
    let (kind, namespace, api_end) = if with_namespace {
        (*parts.get(n - 3)?, *parts.get(n - 2)?, n - 3)
    } else if n >= 3 && api_ok(n - 2) && kind_ok(parts.get(n - 2)?) {
        (*parts.get(n - 2)?, "", n - 2)
    } else {
        return None;
    };
    // `api_end` is 1 or 2: the apiVersion's parts and the `/` between them.
    let api_len = parts.get(..api_end)?.iter().map(|p| p.len()).sum::<usize>() + api_end - 1;
    let api = document.get(..api_len)?;
    if api.is_empty() || api.split('/').any(str::is_empty) {
        return None;
    }
    Some(DocumentId {
        api_version: api,
        kind,
        namespace,
        name,
    })
}

fn globs(id: &str, field: &str, list: &Strings) -> Result<Option<GlobSet>, String> {
    if list.is_empty() {
        return Ok(None);
    }
    let mut b = GlobSetBuilder::new();
    for g in &list.0 {
        b.add(Glob::new(g).map_err(|e| format!("bad glob `{g}` in `{field}`: {}", e.kind()))?);
    }
    b.build()
        .map(Some)
        .map_err(|e| format!("bad globs in `{field}` of `{id}`: {e}"))
}

impl Rule {
    /// Returns the compiled form of `spec`.
    pub fn compile(spec: RuleConfig, origin: Origin) -> Result<Rule, String> {
        let id = spec.id.clone();
        let id_ok = !id.is_empty()
            && id
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c));
        if !id_ok {
            return Err("an id is letters, digits, `-`, `_` and `.`".into());
        }
        if let Some(bad) = spec.controls.0.iter().find(|c| !control_ok(c)) {
            return Err(format!(
                "bad control `{}`: expected `FRAMEWORK:ID`, such as `SOC2:CC8.1`",
                bad.escape_debug()
            ));
        }
        let keys = spec
            .keys
            .0
            .iter()
            .map(|k| {
                KeyPattern::parse(k).map_err(|e| format!("bad key pattern `{k}`: {}", e.message))
            })
            .collect::<Result<Vec<_>, _>>()?;
        let lookups = |m: &BTreeMap<String, Strings>, field: &str| {
            m.iter()
                .map(|(k, v)| {
                    let path = KeyPath::parse(k)
                        .map_err(|e| format!("bad key `{k}` in `{field}`: {}", e.message))?;
                    if path.segments.is_empty() {
                        return Err(format!("empty key in `{field}`"));
                    }
                    let set = globs(&id, field, v)?.unwrap_or_else(GlobSet::empty);
                    Ok((path, set))
                })
                .collect::<Result<Vec<_>, String>>()
        };
        Ok(Rule {
            paths: globs(&id, "paths", &spec.paths)?,
            api_version: globs(&id, "api_version", &spec.api_version)?,
            kind: globs(&id, "kind", &spec.kind)?,
            namespace: globs(&id, "namespace", &spec.namespace)?,
            name: globs(&id, "name", &spec.name)?,
            new_contains: spec.new_contains.0.clone(),
            new_matches: globs(&id, "new_matches", &spec.new_matches)?,
            where_: lookups(&spec.where_, "where")?,
            where_not: lookups(&spec.where_not, "where_not")?,
            keys,
            spec,
            origin,
        })
    }

    /// Returns the rule's id.
    pub fn id(&self) -> &str {
        &self.spec.id
    }

    /// Returns the rule's severity.
    pub fn severity(&self) -> Severity {
        self.spec.severity
    }

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

    /// Returns whether the rule matches `view` of a change in file `path`.
    fn matches(&self, path: &str, view: &View<'_>, secret_keys: &[String]) -> bool {
        if self.paths.as_ref().is_some_and(|s| !s.is_match(path)) {
            return false;
        }
        if !self.selects_document(view.identity.as_deref()) {
            return false;
        }
        self.targets(view, secret_keys)
            .iter()
            .any(|t| self.predicates_hold(t, view, secret_keys))
    }

    /// Returns the changes this rule's key patterns pick out of `view`: the view itself
    /// when it is at or below a targeted key, and the targeted keys inside its values.
    fn targets<'v>(&self, view: &View<'v>, secret_keys: &[String]) -> Vec<Target<'v>> {
        let whole = Target {
            path: view.path.clone(),
            kind: view.kind,
            old: view.old,
            new: view.new,
        };
        if self.keys.is_empty() {
            // Secret-looking keys may sit anywhere inside an added or replaced value.
            let mut out = vec![whole];
            if self.spec.secret && view.kind != ChangeKind::Moved {
                let mut walk = SecretWalk {
                    secret_keys,
                    path: view.path.clone(),
                    out: Vec::new(),
                };
                walk.pair(view.old, view.new, false);
                out.extend(walk.out);
            }
            return out;
        }
        let mut out = Vec::new();
        for pattern in &self.keys {
            if pattern.matches_prefix(&view.path) {
                out.push(whole.clone());
            }
            // A move's values are positions, not data; scalars hold nothing below.
            let holds = |v: Option<&Value>| v.is_some_and(|v| v.is_object() || v.is_array());
            let below = holds(view.old) || holds(view.new);
            if view.kind == ChangeKind::Moved || !below {
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
                out.extend(inner_changes(&rest, view));
            }
        }
        out
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
        || (view.secret_lines && t.path == view.path)
}

/// A change as one rule sees it: the reported change or one inside its values.
#[derive(Debug, Clone)]
struct Target<'v> {
    path: KeyPath,
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
                path: self.path.clone(),
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

/// What a view's values hold, to skip walks that cannot select anything.
#[derive(Debug, Clone, Default)]
struct Index {
    /// Every mapping key in the old and new values.
    keys: HashSet<String>,
    /// Whether some key is secret-looking or some value redacted.
    secret: bool,
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
struct View<'v> {
    /// The document's Kubernetes identity: from the change, else from its data.
    identity: Option<String>,
    path: KeyPath,
    kind: ChangeKind,
    old: Option<&'v Value>,
    new: Option<&'v Value>,
    doc_old: Option<&'v Value>,
    doc_new: Option<&'v Value>,
    /// Whether the change is a line diff that changes redacted values.
    secret_lines: bool,
    /// What `old` and `new` hold, built on first use.
    index: OnceCell<Index>,
}

impl View<'_> {
    fn index(&self, secret_keys: &[String]) -> &Index {
        self.index.get_or_init(|| {
            let mut index = Index::default();
            for v in [self.old, self.new].into_iter().flatten() {
                index.add(v, secret_keys);
            }
            index
        })
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
                path,
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

fn is_secret_key(seg: &Segment, secret_keys: &[String]) -> bool {
    match seg {
        Segment::Key(k) => semantic::key_looks_secret(k, secret_keys),
        _ => false,
    }
}

/// Returns whether `control` reads `FRAMEWORK:ID` (`NIST-800-53:CM-3`).
fn control_ok(control: &str) -> bool {
    let part = |s: &str| {
        !s.is_empty()
            && s.len() <= 60
            && s.chars()
                .all(|c| c.is_ascii_alphanumeric() || "-._()".contains(c))
    };
    control
        .split_once(':')
        .is_some_and(|(framework, id)| part(framework) && part(id))
}

/// Returns the description of a rule id: a built-in drift rule (`drift/changed`), a
/// rule of the built-in pack, or else a severity rule of driftgate.toml.
pub fn describe(id: &str) -> String {
    crate::change::DriftRule::from_id(id)
        .map(|r| r.description().to_string())
        .or_else(|| builtin_description(id))
        .unwrap_or_else(|| format!("Changes matched by the severity rule `{id}` of driftgate.toml"))
}

/// Returns the description of the built-in rule `id`, if there is one.
pub fn builtin_description(id: &str) -> Option<String> {
    static PACK: std::sync::OnceLock<Vec<RuleConfig>> = std::sync::OnceLock::new();
    PACK.get_or_init(|| builtin_specs().unwrap_or_default())
        .iter()
        .find(|r| r.id == id)
        .map(|r| r.description.clone())
}

/// Reads the built-in pack.
fn builtin_specs() -> Result<Vec<RuleConfig>, RuleError> {
    #[derive(serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Pack {
        rule: Vec<RuleConfig>,
    }
    let pack: Pack = toml::from_str(BUILTIN).map_err(|e| RuleError::Builtin(e.to_string()))?;
    Ok(pack.rule)
}

impl RuleSet {
    /// Returns the active rules of `config`: the built-in pack (unless turned off, less
    /// the disabled ids, with config rules of the same id replacing built-ins), then
    /// the config's own rules.
    pub fn new(config: &Config) -> Result<RuleSet, RuleError> {
        let builtin = builtin_specs()?;
        let builtin_ids: Vec<String> = builtin.iter().map(|b| b.id.clone()).collect();
        for id in &config.rules.disable {
            if !builtin_ids.contains(id) {
                return Err(RuleError::UnknownDisabled(id.clone()));
            }
        }
        let own: Vec<&RuleConfig> = config.rule.iter().map(|r| r.get_ref()).collect();
        for (i, r) in own.iter().enumerate() {
            if own.iter().take(i).any(|o| o.id == r.id) {
                return Err(RuleError::Invalid {
                    index: Some(i),
                    id: r.id.clone(),
                    message: "another `[[rule]]` has the same id".into(),
                });
            }
        }
        let mut rules = Vec::new();
        let mut disabled = Vec::new();
        for spec in builtin {
            let replaced = own.iter().any(|o| o.id == spec.id);
            if !config.rules.builtin || config.rules.disable.contains(&spec.id) || replaced {
                if !replaced {
                    disabled.push(spec);
                }
                continue;
            }
            let id = spec.id.clone();
            rules.push(Rule::compile(spec, Origin::Builtin).map_err(|message| {
                RuleError::Invalid {
                    index: None,
                    id,
                    message,
                }
            })?);
        }
        for (i, spec) in own.into_iter().enumerate() {
            let origin = if builtin_ids.contains(&spec.id) {
                Origin::Replaced
            } else {
                Origin::Config
            };
            rules.push(Rule::compile(spec.clone(), origin).map_err(|message| {
                RuleError::Invalid {
                    index: Some(i),
                    id: spec.id.clone(),
                    message,
                }
            })?);
        }
        Ok(RuleSet {
            rules,
            disabled,
            default: config.rules.default_severity,
            secret_keys: config
                .redact
                .keys
                .iter()
                .map(|k| k.to_lowercase())
                .collect(),
        })
    }

    /// Returns the rules of `book`.
    pub fn from_book(book: &RuleBook) -> Result<RuleSet, RuleError> {
        if book.schema != BOOK_SCHEMA {
            return Err(RuleError::Book(format!(
                "unknown rule book schema `{}`",
                book.schema
            )));
        }
        let rules = book
            .rules
            .iter()
            .map(|r| {
                Rule::compile(r.rule.clone(), r.origin).map_err(|message| RuleError::Invalid {
                    index: None,
                    id: r.rule.id.clone(),
                    message,
                })
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(RuleSet {
            rules,
            disabled: Vec::new(),
            default: book.default_severity,
            secret_keys: book.secret_keys.clone(),
        })
    }

    /// Returns the book of these rules with the comparison settings `compare`.
    pub fn book(&self, compare: &CompareConfig) -> RuleBook {
        RuleBook {
            schema: BOOK_SCHEMA.to_string(),
            default_severity: self.default,
            secret_keys: self.secret_keys.clone(),
            compare: compare.clone(),
            rules: self
                .rules
                .iter()
                .map(|r| BookRule {
                    origin: r.origin,
                    rule: r.spec.clone(),
                })
                .collect(),
        }
    }

    /// Returns the active rules, in the order they are tried.
    pub fn rules(&self) -> &[Rule] {
        &self.rules
    }

    /// Returns the built-in rules that are turned off.
    pub fn disabled(&self) -> &[RuleConfig] {
        &self.disabled
    }

    /// Returns the severity of changes that no rule matches.
    pub fn default_severity(&self) -> Severity {
        self.default
    }

    /// Returns whether some rule may need the documents of file `path` to decide:
    /// one that looks at keys, documents or values.
    pub fn wants_documents(&self, path: &str) -> bool {
        self.rules.iter().any(|r| {
            r.paths.as_ref().is_none_or(|s| s.is_match(path))
                && (!r.keys.is_empty()
                    || r.spec.secret
                    || !r.where_.is_empty()
                    || !r.where_not.is_empty()
                    || r.kind.is_some()
                    || r.api_version.is_some()
                    || r.namespace.is_some()
                    || r.name.is_some())
        })
    }

    /// Returns the highest severity any rule could give a change in file `path`, and at
    /// least `high`: the rating of a change whose content cannot be read (over the size
    /// cap, binary, unparseable, a symlink, not stored). Rules that look inside
    /// documents count only for `structured` files, the only ones they could match.
    pub fn ceiling(&self, path: &str, structured: bool) -> Severity {
        self.rules
            .iter()
            .filter(|r| r.paths.as_ref().is_none_or(|s| s.is_match(path)))
            .filter(|r| {
                structured
                    || r.spec.secret
                    || (r.keys.is_empty()
                        && r.kind.is_none()
                        && r.api_version.is_none()
                        && r.namespace.is_none()
                        && r.name.is_none()
                        && r.where_.is_empty()
                        && r.where_not.is_empty())
            })
            .map(Rule::severity)
            .chain([Severity::High])
            .max()
            .unwrap_or(Severity::High)
    }

    /// Returns the rules matching `change` in file `path`, in rule order.
    pub fn matching(&self, path: &str, change: &Change, data: Option<&FileData>) -> Vec<&Rule> {
        let views = views(change, data);
        self.rules
            .iter()
            .filter(|r| views.iter().any(|v| r.matches(path, v, &self.secret_keys)))
            .collect()
    }

    /// Sets the severity and rule ids of every change of `file`, and the file's
    /// severity: the highest of its changes; without changes, `info` for a cosmetic
    /// file and the default for others.
    pub fn apply(&self, file: &mut FileReport, data: Option<&FileData>) {
        let path = file.path.clone();
        self.apply_at(&path, file, data);
    }

    /// Like [`RuleSet::apply`], with path globs matched against `path` instead of the
    /// file's own (two files compared outside the tree).
    pub fn apply_at(&self, path: &str, file: &mut FileReport, data: Option<&FileData>) {
        for change in &mut file.changes {
            let mut matched = self.matching(path, change, data);
            if let Some([old, new]) = &change.yaml11 {
                let read_11 = Change {
                    old: old.clone(),
                    new: new.clone(),
                    yaml11: None,
                    ..change.clone()
                };
                let before = matched.iter().map(|r| r.severity()).max();
                for r in self.matching(path, &read_11, data) {
                    if !matched.iter().any(|m| std::ptr::eq(*m, r)) {
                        matched.push(r);
                    }
                }
                let after = matched.iter().map(|r| r.severity()).max();
                if after > before
                    && let Some(rule) = matched.iter().find(|r| Some(r.severity()) == after)
                {
                    let why = format!(
                        "rated as YAML 1.1 readers (PyYAML, Ansible, Kubernetes tooling) \
                         read the value, which `{}` matches",
                        rule.id()
                    );
                    change.note = Some(match change.note.take() {
                        Some(n) => format!("{n}; {why}"),
                        None => why,
                    });
                }
            }
            let top = matched.iter().map(|r| r.severity()).max();
            change.severity = top.unwrap_or(self.default);
            change.rule = matched
                .iter()
                .find(|r| Some(r.severity()) == top)
                .map(|r| r.id().to_string());
            change.rules = matched.iter().map(|r| r.id().to_string()).collect();
            let controls: std::collections::BTreeSet<&String> =
                matched.iter().flat_map(|r| &r.spec.controls.0).collect();
            change.controls = controls.into_iter().cloned().collect();
        }
        // A file without listed changes is judged by what it is: formatting only is
        // informational; anything else (a file whose content cannot be compared) gets
        // the default.
        let bare = if file.status == FileStatus::Cosmetic {
            Severity::Info
        } else {
            self.default
        };
        file.severity = file
            .changes
            .iter()
            .map(|c| c.severity)
            .max()
            .unwrap_or(bare);
    }
}

/// Returns the Kubernetes identity of a document labelled `label` (which names it by
/// position in files where some document has no identity) with data `value`.
fn identity(label: Option<&str>, value: Option<&Value>) -> Option<String> {
    match label {
        Some(l) if parse_document(l).is_some() => Some(l.to_string()),
        _ => value.and_then(keypath::object_id),
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

/// Returns how rules see `change`: itself, or, for a change of a whole file whose
/// values are not in the report, one view per document of that file.
fn views<'v>(change: &'v Change, data: Option<&'v FileData>) -> Vec<View<'v>> {
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

#[cfg(test)]
mod tests;
