//! The canonical JSON text of a node (the format is described in `canonical`): the
//! writer `canonical` uses for whole documents, with secrets replaced, and that
//! `redact` hashes secrets with, nothing replaced.
//!
//! It knows secrets only through [`Redaction`], so that it sits below `redact`, which
//! needs its text, and `canonical` joins the two.

use std::borrow::Cow;

use super::json::{DATETIME_KEY, FLOAT_KEY, MASKED_KEY, REDACTED_KEY, TAG_KEY, YAML11_KEY};
use super::value::{Doc, Kind, Node};
use super::yaml11;

/// What the writer needs to know of a document's secrets.
pub(super) trait Redaction {
    /// Returns the key (`REDACTED_KEY`, `MASKED_KEY`) and text that replace `node`,
    /// `None` when it is written as it is; `secret` when it stands at or under a
    /// secret key.
    fn replacement<'d>(
        &'d self,
        doc: &'d Doc,
        node: &Node,
        secret: bool,
    ) -> Option<(&'static str, Cow<'d, str>)>;

    /// Returns whether `child`, a child of mapping `map`, is secret; `parent` says
    /// whether `map` is.
    fn child_secret(&self, doc: &Doc, map: &Node, child: &Node, parent: bool) -> bool;

    /// Returns whether the scalar of secret tagged `node` stays secret under its tag.
    fn tag_keeps_secret(&self, doc: &Doc, node: &Node) -> bool;
}

/// Returns the canonical JSON text of one node, nothing redacted (for keys and hashes).
pub(crate) fn node_text(doc: &Doc, node: &Node) -> String {
    let mut w = Writer {
        doc,
        redaction: None,
        out: Vec::new(),
    };
    w.node(node, false);
    // Only valid UTF-8 is ever written.
    String::from_utf8(w.out).unwrap_or_default()
}

/// Writes nodes in the canonical form, secrets replaced when it has a [`Redaction`].
pub(super) struct Writer<'a> {
    pub(super) doc: &'a Doc,
    pub(super) redaction: Option<&'a dyn Redaction>,
    pub(super) out: Vec<u8>,
}

impl Writer<'_> {
    pub(super) fn node(&mut self, n: &Node, secret: bool) {
        if let Some(r) = self.redaction
            && let Some((key, text)) = r.replacement(self.doc, n, secret)
        {
            return self.special(key, &text);
        }
        let doc = self.doc;
        if n.y11 != 0 && !n.is_collection() {
            // Equal data must also read alike under YAML 1.1 (`0420` is not `420`).
            self.out.extend_from_slice(b"{");
            self.string(YAML11_KEY);
            self.out.extend_from_slice(b":[");
            self.string(yaml11::Reading::of(n.y11).name());
            self.out.push(b',');
            self.node(&Node { y11: 0, ..*n }, secret);
            self.out.extend_from_slice(b"]}");
            return;
        }
        match n.kind {
            Kind::Null => self.out.extend_from_slice(b"null"),
            Kind::Bool => self
                .out
                .extend_from_slice(if n.a == 1 { b"true" } else { b"false" }),
            Kind::Int => self.int(n.int_value()),
            Kind::Num => self.out.extend_from_slice(doc.str(n).as_bytes()),
            Kind::Special => self.special(FLOAT_KEY, special_name(n)),
            Kind::Str => self.string(doc.str(n)),
            Kind::DateTime => self.special(DATETIME_KEY, doc.str(n)),
            Kind::Redacted => self.special(REDACTED_KEY, doc.str(n)),
            Kind::Masked => self.special(MASKED_KEY, doc.str(n)),
            Kind::Tagged => {
                self.out.extend_from_slice(b"{");
                self.string(TAG_KEY);
                self.out.extend_from_slice(b":[");
                self.string(doc.name(n.a));
                self.out.push(b',');
                let inner_secret =
                    secret && self.redaction.is_some_and(|r| r.tag_keeps_secret(doc, n));
                self.node(&doc.tagged(n), inner_secret);
                self.out.extend_from_slice(b"]}");
            }
            Kind::Seq => {
                self.out.push(b'[');
                for (i, c) in doc.children(n).iter().enumerate() {
                    if i > 0 {
                        self.out.push(b',');
                    }
                    self.node(c, secret);
                }
                self.out.push(b']');
            }
            Kind::Map => {
                self.out.push(b'{');
                for (i, c) in doc.children(n).iter().enumerate() {
                    if i > 0 {
                        self.out.push(b',');
                    }
                    let key = doc.key(c);
                    if key.starts_with('\0') {
                        let mut escaped = String::with_capacity(key.len() + 1);
                        escaped.push('\0');
                        escaped.push_str(key);
                        self.string(&escaped);
                    } else {
                        self.string(key);
                    }
                    self.out.push(b':');
                    let child_secret = self
                        .redaction
                        .map_or(secret, |r| r.child_secret(doc, n, c, secret));
                    self.node(c, child_secret);
                }
                self.out.push(b'}');
            }
        }
    }

    fn special(&mut self, key: &str, value: &str) {
        self.out.push(b'{');
        self.string(key);
        self.out.push(b':');
        self.string(value);
        self.out.push(b'}');
    }

    fn int(&mut self, v: i64) {
        let mut buf = [0u8; 20];
        let mut i = buf.len();
        let mut u = v.unsigned_abs();
        loop {
            i -= 1;
            buf[i] = b'0' + (u % 10) as u8;
            u /= 10;
            if u == 0 {
                break;
            }
        }
        if v < 0 {
            self.out.push(b'-');
        }
        self.out.extend_from_slice(&buf[i..]);
    }

    fn string(&mut self, s: &str) {
        self.out.push(b'"');
        let bytes = s.as_bytes();
        // Most strings need no escape: one tight look, one copy.
        if !needs_escape(bytes) {
            self.out.extend_from_slice(bytes);
            self.out.push(b'"');
            return;
        }
        let mut run = 0;
        for (i, &c) in bytes.iter().enumerate() {
            let esc: &[u8] = match c {
                b'"' => b"\\\"",
                b'\\' => b"\\\\",
                b'\n' => b"\\n",
                b'\r' => b"\\r",
                b'\t' => b"\\t",
                0x08 => b"\\b",
                0x0C => b"\\f",
                0..=0x1F => b"",
                _ => continue,
            };
            self.out.extend_from_slice(&bytes[run..i]);
            if esc.is_empty() {
                self.out.extend_from_slice(format!("\\u{c:04x}").as_bytes());
            } else {
                self.out.extend_from_slice(esc);
            }
            run = i + 1;
        }
        self.out.extend_from_slice(&bytes[run..]);
        self.out.push(b'"');
    }
}

/// Returns whether `bytes` holds a byte JSON escapes: `"`, `\` or a control byte.
/// Eight bytes are looked at at once: every string of every structured file passes
/// through here.
fn needs_escape(bytes: &[u8]) -> bool {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGHS: u64 = 0x8080_8080_8080_8080;
    // Whether a byte of `x` is below `n` (exact for n <= 128): a zero byte is one
    // below 1 (Bit Twiddling Hacks, "haszero" and "hasless").
    let has_less = |x: u64, n: u64| x.wrapping_sub(ONES * n) & !x & HIGHS != 0;
    let mut chunks = bytes.chunks_exact(8);
    for chunk in &mut chunks {
        let mut word = [0u8; 8];
        word.copy_from_slice(chunk);
        let x = u64::from_le_bytes(word);
        if has_less(x, 0x20)
            || has_less(x ^ (ONES * u64::from(b'"')), 1)
            || has_less(x ^ (ONES * u64::from(b'\\')), 1)
        {
            return true;
        }
    }
    chunks
        .remainder()
        .iter()
        .any(|&c| c == b'"' || c == b'\\' || c < 0x20)
}

/// Returns `inf`, `-inf` or `nan` for a `Special` node.
pub(crate) fn special_name(n: &Node) -> &'static str {
    match n.a {
        0 => "inf",
        1 => "-inf",
        _ => "nan",
    }
}

#[cfg(test)]
mod tests {
    use super::needs_escape;

    #[test]
    fn escapes_are_found_eight_bytes_at_a_time_as_one_at_a_time() {
        let one_by_one = |b: &[u8]| b.iter().any(|&c| c == b'"' || c == b'\\' || c < 0x20);
        for len in 0..20 {
            for at in 0..len {
                for byte in 0..=255u8 {
                    for fill in [b'a', 0x80, 0xff, b'!', b']'] {
                        let mut s = vec![fill; len];
                        s[at] = byte;
                        assert_eq!(needs_escape(&s), one_by_one(&s), "{s:?}");
                    }
                }
            }
        }
        assert!(!needs_escape("héllo wörld, 8 bytes and more".as_bytes()));
        assert!(needs_escape("héllo wörld\n".as_bytes()));
    }
}
