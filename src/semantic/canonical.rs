//! The canonical form: deterministic bytes that are equal exactly when the data is.
//!
//! Format (version 1): the line `driftgate-canonical/1`, then one line per document,
//! each a compact JSON text:
//! - mapping keys sorted by their UTF-8 bytes, no whitespace anywhere;
//! - numbers in the normal form of `number` (`1.0` is `1`, `0x1F` is `31`);
//! - strings escaped minimally: `"`, `\` and control characters only;
//! - what JSON cannot say is a single-key object whose key starts with NUL
//!   (`{"\u0000yaml11":["int",420]}` for a plain YAML scalar that YAML 1.1 reads
//!   differently, see `yaml11`):
//!   `{"\u0000tag":["!Ref",...]}`, `{"\u0000datetime":"..."}`,
//!   `{"\u0000float":"inf"}` (also `-inf`, `nan`), `{"\u0000redacted":"<hash>"}` for
//!   a secret and `{"\u0000masked":"<masked text>"}` for a string with secrets inside
//!   (see `redact`); a data key that itself starts with NUL gets one more NUL.
//!
//! The same data in any formatting, key order, quoting, style or source format gives
//! the same bytes, so the blake3 of this form is the file's semantic hash. Secrets are
//! replaced by their keyed hash (`redact`), so the form may be stored; a changed secret
//! still changes the form. [`read`] loads it back for comparison.

use super::Options;
use super::ParseError;
use super::json::{
    self, DATETIME_KEY, FLOAT_KEY, MASKED_KEY, Mode, REDACTED_KEY, TAG_KEY, YAML11_KEY,
};
use super::redact::{self, Form, Redactor};
use super::value::{Doc, Kind, Node};

/// The first line of every canonical form.
pub(crate) const HEADER: &[u8] = b"driftgate-canonical/1\n";

/// Returns the canonical form of every document of `doc`, each secret `redact` finds
/// replaced by its keyed hash.
pub(crate) fn write(doc: &Doc, options: &Options) -> Vec<u8> {
    let redactor = Redactor::new(doc, options);
    let mut w = Writer {
        doc,
        redactor: Some(&redactor),
        out: Vec::with_capacity(HEADER.len() + doc.text.len() * 2),
    };
    w.out.extend_from_slice(HEADER);
    for root in &doc.roots {
        w.node(root, false);
        w.out.push(b'\n');
    }
    w.out
}

/// Returns the canonical JSON text of one node, nothing redacted (for keys and hashes).
pub(crate) fn node_text(doc: &Doc, node: &Node) -> String {
    let mut w = Writer {
        doc,
        redactor: None,
        out: Vec::new(),
    };
    w.node(node, false);
    // Only valid UTF-8 is ever written.
    String::from_utf8(w.out).unwrap_or_default()
}

/// Returns the documents of a canonical form written by [`write`].
pub(crate) fn read(bytes: &[u8]) -> Result<Doc, ParseError> {
    let body = bytes
        .strip_prefix(HEADER)
        .ok_or_else(|| ParseError::new("not a driftgate canonical form (unknown header)"))?;
    let mut doc = json::parse(body, Mode::Canonical).map_err(|mut e| {
        // Positions count from the line after the header.
        e.line = e.line.map(|l| l + 1);
        e
    })?;
    // Positions in a canonical form point into the store's copy, not into any file the
    // user has: a change reported from this side has no line.
    for n in doc.nodes.iter_mut().chain(doc.roots.iter_mut()) {
        n.line = 0;
        n.col = 0;
    }
    Ok(doc)
}

struct Writer<'a> {
    doc: &'a Doc,
    redactor: Option<&'a Redactor>,
    out: Vec<u8>,
}

impl Writer<'_> {
    fn node(&mut self, n: &Node, secret: bool) {
        if let Some(r) = self.redactor {
            match r.form(self.doc, n, secret) {
                Form::Plain => {}
                Form::Whole(h) => return self.special(REDACTED_KEY, &h),
                Form::Masked(m) => return self.special(MASKED_KEY, &m),
            }
        }
        let doc = self.doc;
        if n.y11 != 0 && !n.is_collection() {
            // Equal data must also read alike under YAML 1.1 (`0420` is not `420`).
            self.out.extend_from_slice(b"{");
            self.string(YAML11_KEY);
            self.out.extend_from_slice(b":[");
            self.string(super::yaml11::Reading::of(n.y11).name());
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
                self.node(&doc.tagged(n), secret && redact::tag_keeps_secret(doc, n));
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
                        .redactor
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
    use super::*;

    fn options() -> Options {
        Options {
            redact_keys: vec!["password".into()],
            ..Options::default()
        }
    }

    fn canon(yaml: &str) -> String {
        let d = super::super::yaml::parse(yaml.as_bytes()).unwrap();
        String::from_utf8(write(&d, &options())).unwrap()
    }

    fn canon_json(json: &str) -> String {
        let d = json::parse(json.as_bytes(), Mode::Single).unwrap();
        String::from_utf8(write(&d, &options())).unwrap()
    }

    #[test]
    fn formatting_and_source_format_do_not_matter() {
        let a = canon("b: [1, 2.50, x]\na: {c: 'q\"', d: ~}\n");
        // `25.0e-1`, not `25e-1`: YAML 1.1 readers take an exponent without a dot as a
        // string, so that one would not be the same data.
        let b = canon("a:\n  d: null\n  c: \"q\\\"\"\nb:\n- 1\n- 25.0e-1\n- \"x\"\n");
        let c = canon_json(r#"{"a":{"c":"q\"","d":null},"b":[1.0,2.5,"x"]}"#);
        assert_eq!(a, b);
        assert_eq!(a, c);
        assert_eq!(
            a,
            "driftgate-canonical/1\n{\"a\":{\"c\":\"q\\\"\",\"d\":null},\"b\":[1,2.5,\"x\"]}\n"
        );
    }

    #[test]
    fn yaml11_readings_are_part_of_the_form_and_read_back() {
        let octal = canon("mode: 0420\n");
        assert_eq!(
            octal,
            "driftgate-canonical/1\n{\"mode\":{\"\\u0000yaml11\":[\"int\",420]}}\n"
        );
        assert_ne!(octal, canon("mode: 420\n"));
        assert_eq!(octal, canon("mode: 00420\n"));
        assert_ne!(canon("a: on\n"), canon("a: \"on\"\n"));
        let doc = read(octal.as_bytes()).unwrap();
        assert_eq!(
            String::from_utf8(write(&doc, &Options::default())).unwrap(),
            octal,
            "the reading survives the store"
        );
    }

    #[test]
    fn tags_specials_and_escapes() {
        let c = canon("a: !Ref x\nb: .inf\n\"\\0k\": \"\\t\\x01\"\n");
        assert_eq!(
            c,
            "driftgate-canonical/1\n{\"\\u0000\\u0000k\":\"\\t\\u0001\",\"a\":{\"\\u0000tag\":[\"!Ref\",\"x\"]},\"b\":{\"\\u0000float\":\"inf\"}}\n"
        );
    }

    #[test]
    fn secrets_are_hashed_and_still_change_the_form() {
        let a = canon("db:\n  password: hunter2\n  user: app\n");
        let b = canon("db:\n  password: hunter3\n  user: app\n");
        assert!(!a.contains("hunter2"), "{a}");
        assert!(a.contains("\"user\":\"app\""), "{a}");
        assert!(a.contains("\\u0000redacted"), "{a}");
        assert_ne!(a, b);
        let env =
            canon("env:\n- name: DB_PASSWORD\n  value: hunter2\n- name: MODE\n  value: fast\n");
        assert!(!env.contains("hunter2") && env.contains("fast"), "{env}");
        let k8s = canon("kind: Secret\ndata:\n  token: c2VjcmV0\nstringData:\n  x: plain\n");
        assert!(!k8s.contains("c2VjcmV0") && !k8s.contains("plain"), "{k8s}");
        assert!(k8s.contains("\"kind\":\"Secret\""), "{k8s}");
    }

    #[test]
    fn reads_back_to_the_same_form() {
        for y in [
            "a: !Ref x\nb: .nan\nc: [1, 1.5, 123456789012345678901234567890, -.inf]\n",
            "\"\\0k\": {password: s, q: !!binary aGk=}\n---\n- !t {a: 1}\n---\n",
            "",
        ] {
            let d = super::super::yaml::parse(y.as_bytes()).unwrap();
            let c = write(&d, &options());
            let back = read(&c).unwrap();
            assert_eq!(write(&back, &options()), c, "{y}");
            assert_eq!(back.roots.len(), d.roots.len());
        }
    }

    #[test]
    fn header_matches_the_published_version() {
        assert_eq!(
            HEADER,
            format!("{}\n", super::super::CANONICAL_FORMAT).as_bytes()
        );
    }

    #[test]
    fn unknown_header_is_an_error() {
        assert!(read(b"{}\n").is_err());
        assert!(read(b"driftgate-canonical/1\n{\"\\u0000bogus\":\"x\"}\n").is_err());
    }
}
