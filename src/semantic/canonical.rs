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

use std::borrow::Cow;

use super::Options;
use super::ParseError;
use super::canonical_text::{Redaction, Writer};
use super::json::{self, MASKED_KEY, Mode, REDACTED_KEY};
use super::redact::{self, Form, Redactor};
use super::value::{Doc, Node};

// `yaml` names the unredacted text here, with the canonical form it belongs to.
pub(crate) use super::canonical_text::node_text;

/// The first line of every canonical form.
pub(crate) const HEADER: &[u8] = b"driftgate-canonical/1\n";

/// Returns the canonical form of every document of `doc`, each secret `redact` finds
/// replaced by its keyed hash.
pub(crate) fn write(doc: &Doc, options: &Options) -> Vec<u8> {
    let redactor = Redactor::new(doc, options);
    let mut w = Writer {
        doc,
        redaction: Some(&redactor),
        out: Vec::with_capacity(HEADER.len() + doc.text.len() * 2),
    };
    w.out.extend_from_slice(HEADER);
    for root in &doc.roots {
        w.node(root, false);
        w.out.push(b'\n');
    }
    w.out
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

// The writer meets the redactor here: `redact` hashes the writer's unredacted text, so
// the writer cannot name `redact`, and `redact` does not name the writer's trait.
impl Redaction for Redactor {
    fn replacement<'d>(
        &'d self,
        doc: &'d Doc,
        node: &Node,
        secret: bool,
    ) -> Option<(&'static str, Cow<'d, str>)> {
        match self.form(doc, node, secret) {
            Form::Plain => None,
            Form::Whole(h) => Some((REDACTED_KEY, h)),
            Form::Masked(m) => Some((MASKED_KEY, m)),
        }
    }

    fn child_secret(&self, doc: &Doc, map: &Node, child: &Node, parent: bool) -> bool {
        Redactor::child_secret(self, doc, map, child, parent)
    }

    fn tag_keeps_secret(&self, doc: &Doc, node: &Node) -> bool {
        redact::tag_keeps_secret(doc, node)
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
