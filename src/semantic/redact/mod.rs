//! Which values are secrets, and the keyed hash that stands in for them (DESIGN §3).
//!
//! One detector, used for everything driftgate writes or shows: reports in every
//! format, the approval screen, proposals, the audit log, the object store and error
//! messages. It finds secrets
//! - by key: values at or below a key whose words name a secret (`words`), under
//!   `data`/`stringData` of a Kubernetes `Secret`, under `value` of a `{name, value}`
//!   pair whose name does (`env` of a container), and the item after a secret-looking
//!   `--flag` in an argument list;
//! - inside any string or text (`text`): `NAME=value` and `NAME: value` lines and
//!   items, `--flag=value` and `--flag value`, URL userinfo, `Authorization` and
//!   `Bearer` credentials, PEM private key blocks, and tokens of well-known shapes
//!   (`shapes`).
//!
//! Values that cannot be secrets are shown even under a secret key: booleans, numbers,
//! `null`, permission and enum words (`read`, `write`, `none`), and references to a
//! secret kept elsewhere (`${{ secrets.X }}`, `${VAR}`).
//!
//! A secret is replaced by a keyed blake3 of its value (the key is per repository, see
//! `store`), whole values in a canonical form as `{"\0redacted": hash}`, secrets inside
//! a string as a *masked* string in which each secret is [`MARK`] and its hash. Every
//! comparison uses these full hashes; reports show only [`SHORT_HASH`] digits of one
//! (`<redacted:1a2b3c4d>`), for people. A string that merely contains such a display
//! token is a plain string and compares as the text it is.

mod shapes;
mod text;
mod words;

#[cfg(test)]
mod tests;

use std::borrow::Cow;
use std::collections::HashSet;
use std::ops::Range;

use super::Options;
use super::value::{Doc, Kind, Node};
pub(crate) use words::SecretWords;

/// Domain separation for secret hashes, so they cannot be confused with other blake3
/// hashes driftgate writes.
const HASH_DOMAIN: &[u8] = b"driftgate-secret/1\0";

/// How many hex digits of a secret's hash a report shows.
pub(crate) const SHORT_HASH: usize = 8;

/// Starts a secret in a masked string: followed by the 64 hex digits of its hash. A
/// literal NUL of the text is written twice, so the encoding is unambiguous.
const MARK: char = '\0';

/// Length of a full hash in hex.
const HASH_HEX: usize = 64;

/// The first line of a text file's stored form when secrets in it were masked.
pub const TEXT_HEADER: &str = "driftgate-text/1\n";

/// The default words of secret-looking keys (`[redact] keys`).
pub const DEFAULT_SECRET_WORDS: &[&str] = &[
    "password",
    "passwd",
    "secret",
    "token",
    "api_key",
    "apikey",
    "private_key",
    "credential",
    "access_key",
];

/// Strings that cannot be secrets, compared lowercase.
const NOT_SECRET_VALUES: &[&str] = &[
    "true",
    "false",
    "yes",
    "no",
    "on",
    "off",
    "null",
    "~",
    "none",
    "read",
    "write",
    "read-all",
    "write-all",
    "inherit",
    "required",
    "optional",
    "enabled",
    "disabled",
];

/// Custom tags whose scalar names something rather than holding it (CloudFormation).
const REFERENCE_TAGS: &[&str] = &["!Ref", "!GetAtt", "!ImportValue"];

/// The per-repository key of secret hashes; its `Debug` never shows it.
#[derive(Clone, Copy, Default, PartialEq, Eq)]
pub struct SecretKey(Option<[u8; 32]>);

impl SecretKey {
    /// Returns the key made of `bytes`.
    pub fn new(bytes: [u8; 32]) -> SecretKey {
        SecretKey(Some(bytes))
    }

    /// Returns whether a key is set (without one, hashes are unkeyed).
    pub fn is_set(&self) -> bool {
        self.0.is_some()
    }

    /// Returns a hash identifying the key (for caches), never the key itself.
    pub fn fingerprint(&self) -> String {
        match &self.0 {
            Some(k) => blake3::keyed_hash(k, b"driftgate-secret-key-id").to_hex()[..16].to_string(),
            None => "unkeyed".into(),
        }
    }
}

impl std::fmt::Debug for SecretKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(if self.is_set() {
            "SecretKey(set)"
        } else {
            "SecretKey(none)"
        })
    }
}

/// Returns the full hex hash that stands for the secret `value`.
fn hash_value(key: &SecretKey, value: &[u8]) -> String {
    let mut h = match &key.0 {
        Some(k) => blake3::Hasher::new_keyed(k),
        None => blake3::Hasher::new(),
    };
    h.update(HASH_DOMAIN);
    h.update(value);
    h.finalize().to_hex().to_string()
}

/// Returns what a report shows for the secret whose full hash is `hash`.
pub(crate) fn display_token(hash: &str) -> String {
    format!("<redacted:{}>", hash.get(..SHORT_HASH).unwrap_or(hash))
}

/// How a value is compared and shown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Form<'a> {
    /// Not secret and holding none: compared and shown as it is.
    Plain,
    /// A secret as a whole: its full hash.
    Whole(Cow<'a, str>),
    /// A string with secrets inside: its masked text.
    Masked(Cow<'a, str>),
}

/// Secret detection for one document.
#[derive(Debug, Clone)]
pub(crate) struct Redactor {
    words: SecretWords,
    key: SecretKey,
    /// For each interned name of the document: whether it names a secret, `None` when
    /// it mentions none (see [`SecretWords::classify`]).
    secret_names: Vec<Option<bool>>,
    /// Interned ids of the keys whose secrecy depends on their siblings.
    data: Option<u32>,
    string_data: Option<u32>,
    value: Option<u32>,
    /// Text ranges of the strings that are secret as a whole: a YAML alias shares its
    /// anchor's text, so `note: *pass` is as secret as `password: &pass hunter2`.
    secret_text: HashSet<(u32, u32), foldhash::fast::FixedState>,
}

impl Redactor {
    /// Returns the detector for `doc` with the words and key of `options`.
    pub fn new(doc: &Doc, options: &Options) -> Redactor {
        let words = SecretWords::of(&options.redact_keys);
        let mut r = Redactor {
            words,
            key: options.secret_key,
            secret_names: Vec::with_capacity(doc.names.len()),
            data: None,
            string_data: None,
            value: None,
            secret_text: HashSet::default(),
        };
        let names = (0..doc.names.len() as u32).map(|id| doc.name(id));
        let secret_names = &mut r.secret_names;
        r.words
            .classify_each(names.clone(), |class| secret_names.push(class));
        for (id, name) in names.enumerate() {
            let id = id as u32;
            match name {
                "data" => r.data = Some(id),
                "stringData" => r.string_data = Some(id),
                "value" => r.value = Some(id),
                // An HTTP `Authorization` header holds credentials whatever their scheme.
                _ if is_authorization(name) => r.secret_names[id as usize] = Some(true),
                _ => {}
            }
        }
        // Strings are secret as a whole by their key, or as the argument after a
        // secret-looking flag: a document with neither a secret name, nor a key whose
        // secrecy depends on its siblings, nor a `--` in its text has none to find.
        let by_key = r.secret_names.contains(&Some(true))
            || r.data.is_some()
            || r.string_data.is_some()
            || r.value.is_some();
        if by_key || doc.text.contains("--") {
            r.collect_secret_text(doc);
        }
        r
    }

    /// Records the text ranges of every string that is secret as a whole: at or under
    /// a secret key, and every argument after a secret-looking flag.
    fn collect_secret_text(&mut self, doc: &Doc) {
        let mut found = Vec::new();
        let mut stack: Vec<(Node, bool)> = doc.roots.iter().map(|r| (*r, false)).collect();
        while let Some((n, secret)) = stack.pop() {
            match n.kind {
                Kind::Str if secret => found.push((n.a, n.b)),
                Kind::Map => {
                    for c in doc.children(&n) {
                        stack.push((*c, self.by_key(doc, &n, c, secret)));
                    }
                }
                Kind::Seq => {
                    let items = doc.children(&n);
                    for (i, c) in items.iter().enumerate() {
                        let after_flag = i > 0
                            && items.get(i - 1).is_some_and(|f| {
                                f.kind == Kind::Str && text::is_secret_flag(doc.str(f), &self.words)
                            });
                        stack.push((*c, secret || after_flag));
                    }
                }
                Kind::Tagged => stack.push((doc.tagged(&n), secret && tag_keeps_secret(doc, &n))),
                _ => {}
            }
        }
        self.secret_text.extend(found);
    }

    /// Returns whether `node` is a string that also stands as a secret elsewhere (an
    /// alias of a secret, wherever it is used).
    ///
    /// Equal strings with the same answer here and the same `secret` have the same
    /// [`Form`]: comparisons use this to skip them.
    pub fn is_secret_alias(&self, node: &Node) -> bool {
        node.kind == Kind::Str && self.secret_text.contains(&(node.a, node.b))
    }

    /// Returns whether `child`, a child of mapping `map`, is secret; `parent` says
    /// whether `map` is.
    ///
    /// A key that mentions a secret only to qualify it (`secretName`, `passwordFile`)
    /// is not secret even inside a secret: `secret: {secretName: db}` names a Secret.
    /// Siblings are looked at only for the few keys whose secrecy depends on them, so
    /// this is cheap on large documents.
    pub fn child_secret(&self, doc: &Doc, map: &Node, child: &Node, parent: bool) -> bool {
        self.by_key(doc, map, child, parent) || self.is_secret_alias(child)
    }

    fn by_key(&self, doc: &Doc, map: &Node, child: &Node, parent: bool) -> bool {
        match self.secret_names.get(child.key as usize) {
            Some(Some(named)) => return *named,
            _ if parent => return true,
            _ => {}
        }
        let key = Some(child.key);
        if key == self.data || key == self.string_data {
            return doc.get_str(map, "kind") == Some("Secret");
        }
        if key == self.value {
            return doc
                .get_str(map, "name")
                .is_some_and(|n| self.words.matches(n));
        }
        false
    }

    /// Returns how `node` is compared and shown; `secret` when it stands at or under
    /// a secret key.
    pub fn form<'d>(&'d self, doc: &'d Doc, node: &Node, secret: bool) -> Form<'d> {
        match node.kind {
            Kind::Redacted => return Form::Whole(Cow::Borrowed(doc.str(node))),
            Kind::Masked => return Form::Masked(Cow::Borrowed(doc.str(node))),
            _ => {}
        }
        if (secret || self.is_secret_alias(node)) && is_leaf(doc, node) {
            let text = super::canonical_text::node_text(doc, node);
            return Form::Whole(Cow::Owned(hash_value(&self.key, text.as_bytes())));
        }
        if node.kind == Kind::Str {
            // Looked for when asked, not up front: comparisons skip equal strings, and
            // a string is asked for once in most passes.
            let s = doc.str(node);
            let spans = text::spans(s, &self.words);
            if !spans.is_empty() {
                return Form::Masked(Cow::Owned(encode(s, &spans, &self.key)));
            }
        }
        Form::Plain
    }
}

impl Form<'_> {
    /// Returns what a report shows for a secret form; `None` for `Plain`.
    pub fn shown(&self) -> Option<String> {
        match self {
            Form::Plain => None,
            Form::Whole(h) => Some(display_token(h)),
            Form::Masked(m) => Some(display(m)),
        }
    }
}

/// Returns whether a secret `node` is replaced whole: strings and tagged scalars that
/// can be secrets. Collections are descended into, so their keys stay visible; values
/// that cannot be secrets are shown.
pub(crate) fn is_leaf(doc: &Doc, node: &Node) -> bool {
    match node.kind {
        Kind::Str => can_be_secret(doc.str(node)),
        Kind::Tagged => {
            let inner = doc.tagged(node);
            !inner.is_collection()
                && !REFERENCE_TAGS.contains(&doc.name(node.a))
                && is_leaf(doc, &inner)
        }
        Kind::Redacted | Kind::Masked => true,
        Kind::Null
        | Kind::Bool
        | Kind::Int
        | Kind::Num
        | Kind::Special
        | Kind::DateTime
        | Kind::Seq
        | Kind::Map => false,
    }
}

/// Returns whether `key` names an HTTP authorization header (`Authorization`,
/// `Proxy-Authorization`).
fn is_authorization(key: &str) -> bool {
    const SUFFIX: &[u8] = b"-authorization";
    let k = key.as_bytes();
    k.eq_ignore_ascii_case(&SUFFIX[1..])
        || k.len()
            .checked_sub(SUFFIX.len())
            .is_some_and(|at| k[at..].eq_ignore_ascii_case(SUFFIX))
}

/// Returns whether the scalar of tagged `node` can be secret: not when the tag makes
/// it a reference (`!Ref DBPassword`).
pub(crate) fn tag_keeps_secret(doc: &Doc, node: &Node) -> bool {
    !REFERENCE_TAGS.contains(&doc.name(node.a))
}

/// Returns whether the string `value` could be a secret: not empty, not a boolean,
/// permission or enum word, and not a reference to a secret kept elsewhere.
pub(crate) fn can_be_secret(value: &str) -> bool {
    let v = value.trim();
    if v.is_empty() {
        return false;
    }
    if v.len() <= 9 && NOT_SECRET_VALUES.contains(&v.to_ascii_lowercase().as_str()) {
        return false;
    }
    // Block scalar indicators and empty collections in text (`password: |`, `{}`).
    if v.len() <= 2 && !v.chars().any(char::is_alphanumeric) {
        return false;
    }
    !is_reference(v)
}

/// Returns whether `s` only names a value kept elsewhere: `${{ secrets.DEPLOY_KEY }}`
/// (GitHub Actions), `${VAR}`, `$VAR` and `$(command)` (shells, Compose, also with
/// Compose's `$$`), `{{ .Values.x }}` (templates, CloudFormation dynamic references).
fn is_reference(s: &str) -> bool {
    let name = |n: &str| {
        let mut c = n.chars();
        c.next()
            .is_some_and(|f| f.is_ascii_alphabetic() || f == '_')
            && c.all(|c| c.is_ascii_alphanumeric() || c == '_')
    };
    // Compose writes `$$` for a literal `$` that the container's shell expands.
    let s = s
        .strip_prefix('$')
        .filter(|r| r.starts_with('$'))
        .unwrap_or(s);
    // A command substitution: the value is computed when it runs.
    if s.starts_with("$(") && s.ends_with(')') {
        return true;
    }
    if let Some(inner) = s.strip_prefix("${{").and_then(|r| r.strip_suffix("}}")) {
        return !inner.contains("}}");
    }
    if let Some(inner) = s.strip_prefix("${").and_then(|r| r.strip_suffix('}')) {
        return name(inner);
    }
    if let Some(inner) = s.strip_prefix('$') {
        return name(inner);
    }
    if let Some(inner) = s.strip_prefix("{{").and_then(|r| r.strip_suffix("}}")) {
        return !inner.contains("}}") && !inner.contains("{{");
    }
    false
}

/// Returns `text` with each of `spans` replaced by [`MARK`] and the secret's hash, and
/// every literal [`MARK`] doubled.
fn encode(text: &str, spans: &[Range<usize>], key: &SecretKey) -> String {
    let mut out = String::with_capacity(text.len() + spans.len() * (HASH_HEX + 1));
    let mut at = 0;
    for r in spans {
        if let (Some(before), Some(secret)) = (text.get(at..r.start), text.get(r.clone())) {
            escape_into(before, &mut out);
            out.push(MARK);
            out.push_str(&hash_value(key, secret.as_bytes()));
            at = r.end;
        }
    }
    escape_into(text.get(at..).unwrap_or_default(), &mut out);
    out
}

/// Returns the masked form of a string without secrets: `literal` with every [`MARK`]
/// doubled.
pub(crate) fn escape(literal: &str) -> String {
    let mut out = String::with_capacity(literal.len());
    escape_into(literal, &mut out);
    out
}

fn escape_into(literal: &str, out: &mut String) {
    for c in literal.chars() {
        if c == MARK {
            out.push(MARK);
        }
        out.push(c);
    }
}

/// Returns the masked form of `text`: its secrets replaced by their hashes (see
/// [`MARK`]), the rest escaped. Equal masked forms mean equal text and equal secrets.
pub(crate) fn mask(text: &str, words: &SecretWords, key: &SecretKey) -> String {
    encode(text, &text::spans(text, words), key)
}

/// Returns the masked text `masked` as a report shows it: each secret as
/// `<redacted:1a2b3c4d>`.
pub(crate) fn display(masked: &str) -> String {
    let mut out = String::with_capacity(masked.len());
    let mut chars = masked.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if c != MARK {
            out.push(c);
            continue;
        }
        if chars.peek().is_some_and(|&(_, n)| n == MARK) {
            chars.next();
            out.push(MARK);
            continue;
        }
        let hash = masked.get(i + 1..i + 1 + HASH_HEX).unwrap_or_default();
        out.push_str(&display_token(hash));
        for _ in 0..hash.chars().count() {
            chars.next();
        }
    }
    out
}

/// Returns whether `text` is what a report shows for a whole secret.
pub(crate) fn is_shown(text: &str) -> bool {
    text.strip_prefix("<redacted:")
        .and_then(|r| r.strip_suffix('>'))
        .is_some_and(is_short_hash)
}

/// Returns whether `text` holds what a report shows for a secret.
pub(crate) fn contains_shown(text: &str) -> bool {
    text.split("<redacted:")
        .skip(1)
        .any(|rest| rest.split_once('>').is_some_and(|(h, _)| is_short_hash(h)))
}

fn is_short_hash(h: &str) -> bool {
    !h.is_empty() && h.chars().all(|c| c.is_ascii_hexdigit())
}

/// Returns whether `key` names a secret under the configured `words`.
pub fn key_looks_secret(key: &str, words: &[String]) -> bool {
    // Rules ask for every key of the values they look into, always with the same words.
    SecretWords::of(words).matches(key)
}

/// Returns `message` (an error message, a reason) with the secrets it quotes replaced
/// by their display tokens.
pub fn redact_message(message: &str, options: &Options) -> String {
    let words = SecretWords::of(&options.redact_keys);
    let spans = text::spans(message, &words);
    if spans.is_empty() {
        return message.to_string();
    }
    display(&encode(message, &spans, &options.secret_key))
}

/// Returns the bytes the object store keeps for the text file `bytes`: the bytes
/// themselves when they hold no secret, else [`TEXT_HEADER`] and the masked text.
/// `None` when it cannot be stored without a secret (not UTF-8, and a secret found).
pub fn stored_text(bytes: &[u8], options: &Options) -> Option<Vec<u8>> {
    let words = SecretWords::of(&options.redact_keys);
    match std::str::from_utf8(bytes) {
        Ok(t) => {
            let spans = text::spans(t, &words);
            if spans.is_empty() && !t.starts_with(TEXT_HEADER) {
                return Some(bytes.to_vec());
            }
            let mut out = TEXT_HEADER.to_string();
            out.push_str(&encode(t, &spans, &options.secret_key));
            Some(out.into_bytes())
        }
        Err(_) => {
            let lossy = String::from_utf8_lossy(bytes);
            text::spans(&lossy, &words)
                .is_empty()
                .then(|| bytes.to_vec())
        }
    }
}

/// Returns the masked text of a text file: from its raw bytes (`stored` false) or from
/// what the object store keeps for it.
pub fn masked_text(bytes: &[u8], stored: bool, options: &Options) -> String {
    let text = String::from_utf8_lossy(bytes);
    if stored && let Some(body) = text.strip_prefix(TEXT_HEADER) {
        return body.to_string();
    }
    mask(
        &text,
        &SecretWords::of(&options.redact_keys),
        &options.secret_key,
    )
}

/// One hunk of a line diff of masked texts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hunk {
    /// The first changed line in the new text (1-based), where one is.
    pub line: Option<u32>,
    /// The hunk in unified format, secrets shown as display tokens.
    pub text: String,
}

/// Returns the hunks of the line diff from masked text `old` to `new`, with `radius`
/// lines of context.
///
/// Lines are compared in their masked form (full hashes), then shown with display
/// tokens: two lines whose secrets differ are a change even if their tokens collide.
pub fn masked_hunks(old: &str, new: &str, radius: usize) -> Vec<Hunk> {
    use std::fmt::Write;
    let diff = super::lines::line_diff_of(old, new);
    diff.grouped_ops(radius)
        .iter()
        .filter(|ops| !ops.is_empty())
        .map(|ops| {
            let (first, last) = (ops[0], ops[ops.len() - 1]);
            let range = |start: usize, end: usize| {
                let len = end.saturating_sub(start);
                match len {
                    1 => format!("{}", start + 1),
                    0 => format!("{start},0"),
                    _ => format!("{},{len}", start + 1),
                }
            };
            let mut text = format!(
                "@@ -{} +{} @@\n",
                range(first.old_range().start, last.old_range().end),
                range(first.new_range().start, last.new_range().end)
            );
            for op in ops {
                for change in diff.iter_changes(op) {
                    let value = change.value();
                    let _ = write!(text, "{}{}", change.tag(), display(value));
                    // As `similar` writes it: a line may also end at a lone `\r`.
                    if !value.ends_with(['\r', '\n']) {
                        text.push_str("\n\\ No newline at end of file\n");
                    }
                }
            }
            let line = ops
                .iter()
                .find(|op| op.tag() != similar::DiffTag::Equal)
                .or(ops.first())
                .map(|op| op.new_range().start as u32 + 1);
            Hunk { line, text }
        })
        .collect()
}
