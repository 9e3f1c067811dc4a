//! Which values are secrets, and the hash that stands in for them (DESIGN §3).
//!
//! A value is secret when it sits at or below a key whose lowercased name contains one
//! of the configured words (`password`, `token`, ...), under `data`/`stringData` of a
//! Kubernetes `Secret`, or under `value` in a name/value pair whose `name` looks secret
//! (`{name: DB_PASSWORD, value: ...}`, as Kubernetes `env` and many tools write them). Secret scalars are never written anywhere: canonical forms
//! (and so the object store) keep a hash instead, and reports show a short prefix of
//! it, so a reviewer sees *that* a secret changed, never what it is. Keys and structure
//! stay visible.

use std::borrow::Cow;

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
    /// Text ranges of the strings under secret keys: a YAML alias shares its anchor's
    /// text, so `note: *pass` is as secret as `password: &pass hunter2`.
    secret_text: std::collections::HashSet<(u32, u32)>,
}

impl Redactor {
    /// Returns the detector for `doc` with the configured (any case) `words`.
    pub fn new(doc: &Doc, words: &[String]) -> Redactor {
        let words = normalized_words(words);
        let mut r = Redactor {
            words,
            secret_names: Vec::with_capacity(doc.names.len()),
            data: None,
            string_data: None,
            value: None,
            secret_text: std::collections::HashSet::new(),
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
        r.collect_secret_text(doc);
        r
    }

    /// Records the text ranges of every string at or under a secret key.
    fn collect_secret_text(&mut self, doc: &Doc) {
        let mut found = Vec::new();
        for map in doc.nodes.iter().chain(&doc.roots) {
            if map.kind != Kind::Map {
                continue;
            }
            for child in doc.children(map) {
                if self.is_secret_by_key(doc, map, child) {
                    strings_under(doc, child, &mut found);
                }
            }
        }
        self.secret_text.extend(found);
    }

    /// Returns whether `node` is a string that also stands under a secret key (an alias
    /// of a secret, wherever it is used).
    pub fn is_secret_alias(&self, node: &Node) -> bool {
        node.kind == Kind::Str && self.secret_text.contains(&(node.a, node.b))
    }

    fn looks_secret(&self, name: &str) -> bool {
        contains_word(&normalize_key(name), &self.words)
    }

    /// Returns whether `child`, a child of mapping `map`, is secret.
    ///
    /// Siblings are looked at only for the few keys whose secrecy depends on them, so
    /// this is cheap on large documents.
    pub fn is_secret(&self, doc: &Doc, map: &Node, child: &Node) -> bool {
        self.is_secret_by_key(doc, map, child) || self.is_secret_alias(child)
    }

    fn is_secret_by_key(&self, doc: &Doc, map: &Node, child: &Node) -> bool {
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

/// Collects the text ranges of the strings in `node`, itself included.
fn strings_under(doc: &Doc, node: &Node, out: &mut Vec<(u32, u32)>) {
    let mut stack = vec![*node];
    while let Some(n) = stack.pop() {
        match n.kind {
            Kind::Str => out.push((n.a, n.b)),
            Kind::Seq | Kind::Map => stack.extend(doc.children(&n).iter().copied()),
            Kind::Tagged => stack.push(doc.tagged(&n)),
            _ => {}
        }
    }
}

/// Returns whether a secret `node` is replaced whole (scalars, tagged scalars);
/// collections are descended into, so their keys stay visible.
pub(crate) fn is_leaf(doc: &Doc, node: &Node) -> bool {
    if node.kind == Kind::Str && is_secret_reference(doc.str(node)) {
        return false;
    }
    match node.kind {
        Kind::Seq | Kind::Map => false,
        Kind::Tagged => !doc.tagged(node).is_collection(),
        _ => true,
    }
}

/// Returns whether `s` only names a secret kept elsewhere (`${{ secrets.DEPLOY_KEY }}`
/// in a GitHub Actions workflow): the name is no secret, and rules need to see where it
/// is passed.
fn is_secret_reference(s: &str) -> bool {
    let Some(inner) = s
        .trim()
        .strip_prefix("${{")
        .and_then(|r| r.strip_suffix("}}"))
    else {
        return false;
    };
    inner.trim().strip_prefix("secrets.").is_some_and(|name| {
        !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
    })
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
        .is_some_and(is_short_hash)
}

/// Returns whether `text` holds what [`shown`] writes for a secret.
pub(crate) fn contains_shown(text: &str) -> bool {
    text.split("<redacted:")
        .skip(1)
        .any(|rest| rest.split_once('>').is_some_and(|(h, _)| is_short_hash(h)))
}

fn is_short_hash(h: &str) -> bool {
    !h.is_empty() && h.chars().all(|c| c.is_ascii_hexdigit())
}

/// Returns `doc` with the secret-looking `KEY=VALUE` lines of its multi-line strings
/// redacted ([`redact_text`]); borrowed when there are none, which is the common case.
pub(crate) fn lines_of_strings<'d>(doc: &'d Doc, words: &[String]) -> Cow<'d, Doc> {
    // No string holds a line break: nothing to look at (one fast scan of the text).
    if words.is_empty() || !doc.text.contains('\n') {
        return Cow::Borrowed(doc);
    }
    let redacted = |n: &Node| -> Option<String> {
        if n.kind != Kind::Str {
            return None;
        }
        let s = doc.str(n);
        if !s.contains('\n') {
            return None;
        }
        match redact_text(s, words) {
            Cow::Owned(r) => Some(r),
            Cow::Borrowed(_) => None,
        }
    };
    if !doc
        .nodes
        .iter()
        .chain(&doc.roots)
        .any(|n| redacted(n).is_some())
    {
        return Cow::Borrowed(doc);
    }
    let mut out = doc.clone();
    for i in 0..out.nodes.len() + out.roots.len() {
        let node = if i < out.nodes.len() {
            out.nodes[i]
        } else {
            out.roots[i - out.nodes.len()]
        };
        if let Some(text) = redacted(&node) {
            let (a, b) = out.push_text(&text);
            let target = if i < out.nodes.len() {
                &mut out.nodes[i]
            } else {
                &mut out.roots[i - out.nodes.len()]
            };
            target.a = a;
            target.b = b;
        }
    }
    Cow::Owned(out)
}

/// Returns `key` in the form secret words are matched against: lowercase, without
/// `_`, `-`, `.` and spaces, so `privateKey`, `private-key` and `PRIVATE_KEY` all
/// contain the word `private_key`.
fn normalize_key(key: &str) -> String {
    key.chars()
        .filter(|c| !matches!(c, '_' | '-' | '.' | ' '))
        .flat_map(char::to_lowercase)
        .collect()
}

fn normalized_words(words: &[String]) -> Vec<String> {
    words
        .iter()
        .map(|w| normalize_key(w))
        .filter(|w| !w.is_empty())
        .collect()
}

fn contains_word(key: &str, words: &[String]) -> bool {
    words.iter().any(|w| key.contains(w.as_str()))
}

/// Returns whether `key` looks like it holds a secret: it contains one of `words`,
/// both compared case-blind and without `_`, `-`, `.` and spaces.
pub fn key_looks_secret(key: &str, words: &[String]) -> bool {
    contains_word(&normalize_key(key), &normalized_words(words))
}

/// Returns `text` with the values of secret-looking `KEY=VALUE` and `KEY: VALUE` lines
/// (`.env`, properties and INI files, shell `export`s) replaced by `<redacted:…>`.
///
/// Text files are not parsed, so this is a line heuristic: it keeps secrets out of line
/// diffs and the object store for the common cases, and leaves every other line as it
/// is. Already redacted values are left alone, so applying it twice changes nothing.
pub fn redact_text<'t>(text: &'t str, words: &[String]) -> std::borrow::Cow<'t, str> {
    let words = normalized_words(words);
    let mut out = String::new();
    let mut changed = false;
    for line in text.split_inclusive('\n') {
        match secret_value(line, &words) {
            Some((start, end)) => {
                let value = &line[start..end];
                let mut h = blake3::Hasher::new();
                h.update(HASH_DOMAIN);
                h.update(value.as_bytes());
                let hex = h.finalize().to_hex();
                out.push_str(&line[..start]);
                out.push_str(&format!("<redacted:{}>", &hex.as_str()[..SHORT_HASH]));
                out.push_str(&line[end..]);
                changed = true;
            }
            None => out.push_str(line),
        }
    }
    if changed {
        std::borrow::Cow::Owned(out)
    } else {
        std::borrow::Cow::Borrowed(text)
    }
}

/// Returns the byte range of the value of a secret-looking assignment line.
fn secret_value(line: &str, words: &[String]) -> Option<(usize, usize)> {
    let body = line.trim_end_matches(['\n', '\r']);
    let indent = body.len() - body.trim_start().len();
    let rest = &body[indent..];
    let rest_start = indent + if rest.starts_with("export ") { 7 } else { 0 };
    let rest = &body[rest_start..];
    let sep = rest.find(['=', ':'])?;
    let key = rest[..sep].trim();
    let key_ok = !key.is_empty()
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "_.-".contains(c));
    if !key_ok || !contains_word(&normalize_key(key), words) {
        return None;
    }
    let after = &rest[sep + 1..];
    let value_start = rest_start + sep + 1 + (after.len() - after.trim_start().len());
    let value = body[value_start..].trim_end();
    let is_redacted = value.starts_with("<redacted:") && value.ends_with('>');
    if value.is_empty() || is_redacted {
        return None;
    }
    Some((value_start, value_start + value.len()))
}

#[cfg(test)]
mod text_tests {
    use super::redact_text;

    fn words() -> Vec<String> {
        vec!["password".into(), "token".into()]
    }

    #[test]
    fn assignment_values_under_secret_keys_are_replaced() {
        let text = "HOST=db\nDB_PASSWORD=hunter2\nexport API_TOKEN: abc def\n  # password policy\n";
        let out = redact_text(text, &words());
        assert!(
            !out.contains("hunter2") && !out.contains("abc def"),
            "{out}"
        );
        assert!(out.contains("HOST=db\n"));
        assert!(out.contains("DB_PASSWORD=<redacted:"));
        assert!(out.contains("export API_TOKEN: <redacted:"));
        assert!(out.contains("  # password policy\n"));
        assert_eq!(redact_text(&out, &words()), out, "idempotent");
    }

    #[test]
    fn a_changed_secret_changes_its_hash_and_plain_text_is_borrowed() {
        let a = redact_text("PASSWORD=one\n", &words()).into_owned();
        let b = redact_text("PASSWORD=two\n", &words()).into_owned();
        assert_ne!(a, b);
        assert!(matches!(
            redact_text("nothing here\n", &words()),
            std::borrow::Cow::Borrowed(_)
        ));
    }
}

#[cfg(test)]
mod key_tests {
    use super::key_looks_secret;

    #[test]
    fn secret_references_are_not_secrets() {
        assert!(super::is_secret_reference("${{ secrets.DEPLOY_KEY }}"));
        assert!(super::is_secret_reference("${{secrets.X}}"));
        assert!(!super::is_secret_reference("hunter2"));
        assert!(!super::is_secret_reference("${{ secrets.X }} and more"));
    }

    #[test]
    fn spellings_of_a_word_all_match() {
        let words = [
            "private_key".to_string(),
            "api_key".into(),
            "access_key".into(),
        ];
        for key in [
            "privateKey",
            "private-key",
            "PRIVATE_KEY",
            "x-api-key",
            "accessKey",
            "AWS_ACCESS_KEY_ID",
        ] {
            assert!(key_looks_secret(key, &words), "{key}");
        }
        assert!(!key_looks_secret("publicKey", &words));
    }
}
