//! A strict JSON parser (RFC 8259) that loads into the value model.
//!
//! Why hand-written: it must keep numbers exactly (any size, any precision), give every
//! node its line and column, never recurse (100,000 nested `[` are an error, not a stack
//! overflow), and read driftgate's own canonical forms, which are JSON with a few
//! reserved single-key objects (see `canonical`). JSON is never read as YAML.
//!
//! Deliberate choices where RFC 8259 leaves room:
//! - duplicate keys in an object are an error, as in YAML and TOML: consumers disagree
//!   on which value wins (first or last), so a drift detector cannot tell what the
//!   data is;
//! - a UTF-8 byte order mark at the start is skipped;
//! - strings must be valid UTF-8 and escapes must not leave lone surrogates (Rust
//!   strings cannot hold them);
//! - exponents beyond ±10^9 are refused instead of expanded.

use std::borrow::Cow;

use super::ParseError;
use super::number::{self, Number};
use super::value::{Builder, Doc, Finished, Kind, MAX_DEPTH, Node};

/// Reserved first keys of canonical forms; see `canonical`.
pub(crate) const TAG_KEY: &str = "\0tag";
/// A TOML date-time in a canonical form.
pub(crate) const DATETIME_KEY: &str = "\0datetime";
/// `inf`, `-inf` or `nan` in a canonical form.
pub(crate) const FLOAT_KEY: &str = "\0float";
/// A secret's hash in a canonical form.
pub(crate) const REDACTED_KEY: &str = "\0redacted";
/// A string with secrets inside, masked (see `redact`), in a canonical form.
pub(crate) const MASKED_KEY: &str = "\0masked";
/// The reserved key of a scalar that YAML 1.1 reads differently (`yaml11`).
pub(crate) const YAML11_KEY: &str = "\0yaml11";

/// What the parser reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Mode {
    /// Exactly one JSON text.
    Single,
    /// Any number of JSON texts separated by whitespace, one document each.
    Sequence,
    /// A canonical form's documents: a sequence with reserved keys decoded.
    Canonical,
}

/// Returns the documents of `bytes` read as JSON in `mode`.
pub(crate) fn parse(bytes: &[u8], mode: Mode) -> Result<Doc, ParseError> {
    if bytes.len() > super::value::MAX_INPUT {
        return Err(ParseError::new("file too large to parse"));
    }
    let mut p = Parser {
        bytes,
        pos: 0,
        line: 1,
        line_start: 0,
        b: Builder::with_input_len(bytes.len()),
        stack: Vec::new(),
        canonical: mode == Mode::Canonical,
    };
    if mode != Mode::Canonical && bytes.starts_with(b"\xEF\xBB\xBF") {
        p.pos = 3;
        p.line_start = 3;
    }
    match mode {
        Mode::Single => {
            p.skip_ws();
            if p.pos >= bytes.len() {
                return Err(p.err("no JSON value (the file is empty)"));
            }
            p.value()?;
            p.skip_ws();
            if p.pos < bytes.len() {
                return Err(p.err("unexpected characters after the JSON value"));
            }
        }
        Mode::Sequence | Mode::Canonical => loop {
            p.skip_ws();
            if p.pos >= bytes.len() {
                break;
            }
            p.value()?;
        },
    }
    p.b.finish()
}

#[derive(Debug, Clone, Copy)]
enum Ctx {
    Array,
    Object,
    /// Inside `{"\0tag":["name", ` of a canonical form: the interned tag name.
    Tag(u32),
    /// Inside `{"\0yaml11":["class", ` of a canonical form: the YAML 1.1 reading.
    Yaml11(u8),
}

struct Parser<'a> {
    bytes: &'a [u8],
    pos: usize,
    line: u32,
    line_start: usize,
    b: Builder,
    stack: Vec<Ctx>,
    canonical: bool,
}

impl<'a> Parser<'a> {
    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    fn col(&self) -> u32 {
        u32::try_from(self.pos - self.line_start + 1).unwrap_or(u32::MAX)
    }

    /// Returns an error at the current position; the column counts characters.
    fn err(&self, message: &str) -> ParseError {
        let line_bytes = self
            .bytes
            .get(self.line_start..self.pos)
            .unwrap_or_default();
        let col = line_bytes.iter().filter(|&&b| (b & 0xC0) != 0x80).count() + 1;
        ParseError {
            message: message.to_string(),
            line: Some(self.line as usize),
            column: Some(col),
        }
    }

    fn skip_ws(&mut self) {
        while let Some(c) = self.peek() {
            match c {
                b' ' | b'\t' | b'\r' => self.pos += 1,
                b'\n' => {
                    self.pos += 1;
                    self.line += 1;
                    self.line_start = self.pos;
                }
                _ => break,
            }
        }
    }

    fn expect(&mut self, c: u8, what: &str) -> Result<(), ParseError> {
        self.skip_ws();
        if self.peek() == Some(c) {
            self.pos += 1;
            Ok(())
        } else if self.peek().is_none() {
            Err(self.err("unexpected end of input"))
        } else {
            Err(self.err(&format!("expected {what}")))
        }
    }

    /// Parses one complete value (iteratively) and adds it to the builder.
    fn value(&mut self) -> Result<(), ParseError> {
        'value: loop {
            self.skip_ws();
            let (line, col) = (self.line, self.col());
            let mut done: Finished = match self.peek() {
                None => return Err(self.err("unexpected end of input")),
                Some(b'{') => {
                    self.pos += 1;
                    self.skip_ws();
                    if self.peek() == Some(b'}') {
                        self.pos += 1;
                        self.b.begin(true, line, col)?;
                        self.b.end()?
                    } else {
                        let (kl, kc) = (self.line, self.col());
                        let key = self.key()?;
                        if self.canonical && key.starts_with('\0') && !key.starts_with("\0\0") {
                            match self.special(&key, line, col)? {
                                Some(done) => done,
                                None => continue 'value,
                            }
                        } else {
                            self.open(true, line, col)?;
                            let key = self.unescape_key(key)?;
                            self.b.key(&key, kl, kc);
                            self.expect(b':', "`:` after an object key")?;
                            continue 'value;
                        }
                    }
                }
                Some(b'[') => {
                    self.pos += 1;
                    self.skip_ws();
                    if self.peek() == Some(b']') {
                        self.pos += 1;
                        self.b.begin(false, line, col)?;
                        self.b.end()?
                    } else {
                        self.open(false, line, col)?;
                        continue 'value;
                    }
                }
                Some(b'"') => {
                    let s = self.string()?;
                    (self.b.doc.string(&s).at(line, col), 1)
                }
                Some(b't') => (self.literal("true", Node::bool(true))?.at(line, col), 1),
                Some(b'f') => (self.literal("false", Node::bool(false))?.at(line, col), 1),
                Some(b'n') => (self.literal("null", Node::null())?.at(line, col), 1),
                Some(b'-' | b'0'..=b'9') => (self.number()?.at(line, col), 1),
                Some(_) => return Err(self.err("expected a JSON value")),
            };
            // Hand the finished value to its container, closing containers as their
            // ends are reached, until more input is needed.
            loop {
                match self.stack.last().copied() {
                    None => {
                        self.b.value(done.0, done.1);
                        return Ok(());
                    }
                    Some(Ctx::Tag(tag)) => {
                        self.expect(b']', "`]` closing a tagged value")?;
                        self.expect(b'}', "`}` closing a tagged value")?;
                        self.stack.pop();
                        let name = self.b.doc.name(tag).to_string();
                        done = (self.b.tag(&name, done.0), done.1);
                    }
                    Some(Ctx::Yaml11(reading)) => {
                        self.expect(b']', "`]` closing a YAML 1.1 reading")?;
                        self.expect(b'}', "`}` closing a YAML 1.1 reading")?;
                        self.stack.pop();
                        if done.0.is_collection() {
                            return Err(self.err("a YAML 1.1 reading of a collection"));
                        }
                        done.0.y11 = reading;
                    }
                    Some(Ctx::Array) => {
                        self.b.value(done.0, done.1);
                        self.skip_ws();
                        match self.peek() {
                            Some(b',') => {
                                self.pos += 1;
                                continue 'value;
                            }
                            Some(b']') => {
                                self.pos += 1;
                                self.stack.pop();
                                done = self.b.end()?;
                            }
                            None => return Err(self.err("unexpected end of input")),
                            Some(_) => return Err(self.err("expected `,` or `]` in an array")),
                        }
                    }
                    Some(Ctx::Object) => {
                        self.b.value(done.0, done.1);
                        self.skip_ws();
                        match self.peek() {
                            Some(b',') => {
                                self.pos += 1;
                                self.skip_ws();
                                let (kl, kc) = (self.line, self.col());
                                if self.peek() != Some(b'"') {
                                    return Err(self.err("expected a string key after `,`"));
                                }
                                let key = self.key()?;
                                let key = self.unescape_key(key)?;
                                self.b.key(&key, kl, kc);
                                self.expect(b':', "`:` after an object key")?;
                                continue 'value;
                            }
                            Some(b'}') => {
                                self.pos += 1;
                                self.stack.pop();
                                done = self.b.end()?;
                            }
                            None => return Err(self.err("unexpected end of input")),
                            Some(_) => return Err(self.err("expected `,` or `}` in an object")),
                        }
                    }
                }
            }
        }
    }

    fn open(&mut self, map: bool, line: u32, col: u32) -> Result<(), ParseError> {
        self.b.begin(map, line, col)?;
        self.stack.push(if map { Ctx::Object } else { Ctx::Array });
        Ok(())
    }

    /// Reads an object key (the `"` is next).
    fn key(&mut self) -> Result<Cow<'a, str>, ParseError> {
        if self.peek() != Some(b'"') {
            return Err(self.err("expected a string key or `}`"));
        }
        self.string()
    }

    /// Returns a data key of a canonical form with its escape removed.
    fn unescape_key(&self, key: Cow<'a, str>) -> Result<Cow<'a, str>, ParseError> {
        if !self.canonical || !key.starts_with('\0') {
            return Ok(key);
        }
        match key.strip_prefix('\0') {
            Some(rest) if rest.starts_with('\0') => Ok(Cow::Owned(rest.to_string())),
            _ => Err(self.err("reserved key in the middle of an object")),
        }
    }

    /// Decodes a reserved single-key object of a canonical form whose key was just
    /// read; returns the value, or `None` when a tagged value's content follows.
    fn special(&mut self, key: &str, line: u32, col: u32) -> Result<Option<Finished>, ParseError> {
        self.expect(b':', "`:` after an object key")?;
        if key == TAG_KEY {
            self.expect(b'[', "`[` after a tag key")?;
            self.skip_ws();
            if self.peek() != Some(b'"') {
                return Err(self.err("expected a tag name"));
            }
            let name = self.string()?;
            self.expect(b',', "`,` after a tag name")?;
            if self.stack.len() >= MAX_DEPTH * 3 {
                return Err(self.err("nesting too deep"));
            }
            let id = self.b.intern(&name);
            self.stack.push(Ctx::Tag(id));
            return Ok(None);
        }
        if key == YAML11_KEY {
            self.expect(b'[', "`[` after a YAML 1.1 reading key")?;
            self.skip_ws();
            if self.peek() != Some(b'"') {
                return Err(self.err("expected a YAML 1.1 reading"));
            }
            let name = self.string()?;
            let reading = super::yaml11::Reading::from_name(&name)
                .ok_or_else(|| self.err("unknown YAML 1.1 reading"))?;
            self.expect(b',', "`,` after a YAML 1.1 reading")?;
            self.stack.push(Ctx::Yaml11(reading as u8));
            return Ok(None);
        }
        self.skip_ws();
        if self.peek() != Some(b'"') {
            return Err(self.err("expected a string after a reserved key"));
        }
        let text = self.string()?;
        let node = match key {
            DATETIME_KEY => {
                let (a, b) = self.b.doc.push_text(&text);
                Node::new(Kind::DateTime, a, b)
            }
            REDACTED_KEY => {
                let (a, b) = self.b.doc.push_text(&text);
                Node::new(Kind::Redacted, a, b)
            }
            MASKED_KEY => {
                let (a, b) = self.b.doc.push_text(&text);
                Node::new(Kind::Masked, a, b)
            }
            FLOAT_KEY => match &*text {
                "inf" => Node::new(Kind::Special, 0, 0),
                "-inf" => Node::new(Kind::Special, 1, 0),
                "nan" => Node::new(Kind::Special, 2, 0),
                _ => return Err(self.err("unknown special float")),
            },
            _ => return Err(self.err("unknown reserved key")),
        };
        self.expect(b'}', "`}` closing a reserved key")?;
        Ok(Some((node.at(line, col), 1)))
    }

    fn literal(&mut self, word: &str, node: Node) -> Result<Node, ParseError> {
        if self.bytes.get(self.pos..self.pos + word.len()) == Some(word.as_bytes()) {
            self.pos += word.len();
            Ok(node)
        } else {
            Err(self.err("expected a JSON value"))
        }
    }

    fn number(&mut self) -> Result<Node, ParseError> {
        let start = self.pos;
        let digits = |p: &mut Parser<'_>| {
            let s = p.pos;
            while matches!(p.peek(), Some(b'0'..=b'9')) {
                p.pos += 1;
            }
            p.pos - s
        };
        if self.peek() == Some(b'-') {
            self.pos += 1;
        }
        match self.peek() {
            Some(b'0') => self.pos += 1,
            Some(b'1'..=b'9') => {
                digits(self);
            }
            _ => return Err(self.err("invalid number: expected a digit")),
        }
        let int_end = self.pos;
        let mut plain = true;
        if self.peek() == Some(b'.') {
            self.pos += 1;
            plain = false;
            if digits(self) == 0 {
                return Err(self.err("invalid number: expected a digit after `.`"));
            }
        }
        if matches!(self.peek(), Some(b'e' | b'E')) {
            self.pos += 1;
            plain = false;
            if matches!(self.peek(), Some(b'+' | b'-')) {
                self.pos += 1;
            }
            if digits(self) == 0 {
                return Err(self.err("invalid number: expected a digit in the exponent"));
            }
        }
        // The grammar above admits only ASCII, so this cannot fail.
        let token =
            std::str::from_utf8(self.bytes.get(start..self.pos).unwrap_or_default()).unwrap_or("0");
        let n = if plain && int_end - start <= 18 {
            token
                .parse::<i64>()
                .map(Number::Int)
                .unwrap_or(Number::Int(0))
        } else {
            number::from_json_token(token).map_err(|m| self.err(m))?
        };
        Ok(self.b.doc.number(n))
    }

    /// Reads a string (the `"` is next) and returns its content.
    fn string(&mut self) -> Result<Cow<'a, str>, ParseError> {
        self.pos += 1;
        let start = self.pos;
        let bytes = self.bytes;
        // Fast path: no escapes. One tight look for the first byte that ends it.
        let rest = bytes.get(start..).unwrap_or_default();
        let stop = rest
            .iter()
            .position(|&c| c == b'"' || c == b'\\' || c < 0x20);
        self.pos = start + stop.unwrap_or(rest.len());
        match bytes.get(self.pos) {
            None => return Err(self.err("unterminated string")),
            Some(b'"') => {
                let raw = bytes.get(start..self.pos).unwrap_or_default();
                return match std::str::from_utf8(raw) {
                    Ok(s) => {
                        self.pos += 1;
                        Ok(Cow::Borrowed(s))
                    }
                    Err(e) => {
                        self.pos = start + e.valid_up_to();
                        Err(self.err("invalid UTF-8 in a string"))
                    }
                };
            }
            Some(b'\\') => {}
            Some(_) => {
                return Err(self.err("control character in a string (escape it)"));
            }
        }
        let mut out: Vec<u8> = bytes.get(start..self.pos).unwrap_or_default().to_vec();
        loop {
            match bytes.get(self.pos) {
                None => return Err(self.err("unterminated string")),
                Some(b'"') => {
                    self.pos += 1;
                    return String::from_utf8(out)
                        .map(Cow::Owned)
                        .map_err(|_| self.err("invalid UTF-8 in a string"));
                }
                Some(b'\\') => {
                    self.pos += 1;
                    let c = self.peek();
                    self.pos += 1;
                    match c {
                        Some(b'"') => out.push(b'"'),
                        Some(b'\\') => out.push(b'\\'),
                        Some(b'/') => out.push(b'/'),
                        Some(b'b') => out.push(0x08),
                        Some(b'f') => out.push(0x0C),
                        Some(b'n') => out.push(b'\n'),
                        Some(b'r') => out.push(b'\r'),
                        Some(b't') => out.push(b'\t'),
                        Some(b'u') => {
                            let ch = self.unicode_escape()?;
                            let mut buf = [0u8; 4];
                            out.extend_from_slice(ch.encode_utf8(&mut buf).as_bytes());
                        }
                        _ => {
                            self.pos -= 1;
                            return Err(self.err("invalid escape in a string"));
                        }
                    }
                }
                Some(&c) if c < 0x20 => {
                    return Err(self.err("control character in a string (escape it)"));
                }
                Some(&c) => {
                    out.push(c);
                    self.pos += 1;
                }
            }
        }
    }

    fn hex4(&mut self) -> Result<u32, ParseError> {
        let digits = self.bytes.get(self.pos..self.pos + 4);
        let v = digits
            .and_then(|d| std::str::from_utf8(d).ok())
            .filter(|d| d.bytes().all(|b| b.is_ascii_hexdigit()))
            .and_then(|d| u32::from_str_radix(d, 16).ok())
            .ok_or_else(|| self.err("invalid `\\u` escape: expected 4 hex digits"))?;
        self.pos += 4;
        Ok(v)
    }

    /// Reads the rest of a `\u` escape, including a following low surrogate.
    fn unicode_escape(&mut self) -> Result<char, ParseError> {
        let hi = self.hex4()?;
        let code = if (0xD800..0xDC00).contains(&hi) {
            if self.bytes.get(self.pos..self.pos + 2) != Some(b"\\u") {
                return Err(self.err("lone surrogate in a `\\u` escape"));
            }
            self.pos += 2;
            let lo = self.hex4()?;
            if !(0xDC00..0xE000).contains(&lo) {
                return Err(self.err("lone surrogate in a `\\u` escape"));
            }
            0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00)
        } else {
            hi
        };
        char::from_u32(code).ok_or_else(|| self.err("lone surrogate in a `\\u` escape"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(s: &str) -> Result<Doc, ParseError> {
        parse(s.as_bytes(), Mode::Single)
    }

    #[test]
    fn values_and_positions() {
        let d = one("{\n  \"a\": [1, 2.50, \"x\"],\n  \"b\": {\"c\": null}\n}").unwrap();
        let root = d.roots[0];
        assert_eq!(root.kind, Kind::Map);
        let a = d.get(&root, "a").unwrap();
        assert_eq!((a.line, a.col), (2, 3));
        let items = d.children(a);
        assert_eq!(items[0].int_value(), 1);
        assert_eq!(d.str(&items[1]), "2.5");
        assert_eq!(d.str(&items[2]), "x");
        assert_eq!(d.get(&root, "b").unwrap().line, 3);
    }

    #[test]
    fn escapes_and_surrogates() {
        let d = one(r#""a\"\\\/\b\f\n\r\t\u00e9\ud834\udd1e""#).unwrap();
        assert_eq!(d.str(&d.roots[0]), "a\"\\/\u{8}\u{c}\n\r\té\u{1D11E}");
        assert!(one(r#""\ud800""#).is_err());
        assert!(one(r#""\udc00""#).is_err());
        assert!(one(r#""\x""#).is_err());
        assert!(one("\"a\tb\"").is_err());
    }

    #[test]
    fn strictness() {
        for bad in [
            "",
            "[1,]",
            "{\"a\":1,}",
            "01",
            "1.",
            ".5",
            "+1",
            "[1 2]",
            "{'a':1}",
            "nul",
            "[1]x",
            "{\"a\" 1}",
            "NaN",
            "[",
            "{\"a\":1",
        ] {
            assert!(one(bad).is_err(), "accepted {bad:?}");
        }
        assert!(one("\u{feff}{}").is_ok(), "a UTF-8 BOM is skipped");
    }

    #[test]
    fn duplicate_keys_are_errors_with_line() {
        let e = one("{\"a\": 1,\n \"a\": 2}").unwrap_err();
        assert_eq!(e.line, Some(2));
        assert!(e.message.contains("duplicate key `a`"), "{}", e.message);
    }

    #[test]
    fn errors_have_character_columns() {
        let e = one("{\"é\": x}").unwrap_err();
        assert_eq!((e.line, e.column), (Some(1), Some(7)));
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_crash() {
        let s = "[".repeat(100_000);
        let e = one(&s).unwrap_err();
        assert!(e.message.contains("nesting"), "{}", e.message);
        let ok = format!("{}{}", "[".repeat(MAX_DEPTH), "]".repeat(MAX_DEPTH));
        assert!(one(&ok).is_ok());
    }

    #[test]
    fn sequences() {
        let d = parse(b"{\"a\":1}\n[2]\n\"x\" null", Mode::Sequence).unwrap();
        assert_eq!(d.roots.len(), 4);
        let d = parse(b"  \n", Mode::Sequence).unwrap();
        assert!(d.roots.is_empty());
    }

    #[test]
    fn canonical_reserved_keys() {
        let d = parse(
            "{\"\\u0000tag\":[\"!Ref\",{\"a\":1}]}\n{\"\\u0000\\u0000k\":{\"\\u0000redacted\":\"ab\"}}"
                .as_bytes(),
            Mode::Canonical,
        )
        .unwrap();
        let t = d.roots[0];
        assert_eq!(t.kind, Kind::Tagged);
        assert_eq!(d.name(t.a), "!Ref");
        assert_eq!(d.tagged(&t).kind, Kind::Map);
        let m = d.roots[1];
        let v = d.get(&m, "\0k").unwrap();
        assert_eq!(v.kind, Kind::Redacted);
        // Outside canonical mode the same text is plain data.
        let d = parse("{\"\\u0000tag\":1}".as_bytes(), Mode::Single).unwrap();
        assert_eq!(d.roots[0].kind, Kind::Map);
    }
}
