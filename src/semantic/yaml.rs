//! YAML: saphyr-parser's events loaded into the value model (DESIGN §3).
//!
//! The events come from `yaml_block` when the input is in its block subset (most
//! Kubernetes and Helm files; it yields exactly saphyr's events, several times faster),
//! and from saphyr's parser for everything else.
//!
//! saphyr-parser does the YAML 1.2 syntax (it passes the yaml-test-suite); this loader
//! does the rest, because it needs what a ready-made tree loses: the raw text and style
//! of each scalar (so `"1"` stays a string and `1.10` stays exact), tags, positions,
//! duplicate-key detection, and bounds. It is iterative, so deep input cannot
//! overflow the stack.
//!
//! - Scalars are resolved with the YAML 1.2 core schema: `yes`, `on` and timestamps
//!   are strings; numbers are exact (`number`).
//! - `!!str`, `!!int`, `!!float`, `!!bool`, `!!null` resolve to their types; other
//!   `tag:yaml.org,2002:` tags (`!!binary`, `!!set`, `!!omap`, ...) keep their plain
//!   content; any other tag (`!Ref`, `!<tag:example.com:x>`) is kept with the value.
//! - Anchors are scoped to their document; an alias shares the anchored node, and the
//!   total size of what aliases expand to is bounded (alias bombs are an error).
//! - `<<` merge keys are applied (explicit keys win, earlier sources win).
//! - Keys are compared by their text; a mapping or sequence used as a key is keyed by
//!   its canonical JSON text.

use std::borrow::Cow;

use saphyr_parser::{Event, Parser, ScalarStyle, Tag};

use super::ParseError;
use super::number::{self, Number};
use super::value::{Builder, Doc, Kind, MAX_INPUT, Node};
use super::yaml_block;

/// Nodes that aliases may add on top of the input's own, before the file is refused.
const ALIAS_BUDGET_BASE: u64 = 1_000_000;
/// ... plus this many times the events read so far, for large files that use aliases.
const ALIAS_BUDGET_FACTOR: u64 = 8;

/// The tag namespace of YAML's own types.
const CORE: &str = "tag:yaml.org,2002:";

/// A collection being read.
struct Open {
    anchor: usize,
    tag: Option<String>,
    /// The collection is a mapping key (`? [a, b] : c`).
    is_key: bool,
}

/// Returns the documents of the YAML stream `bytes`.
///
/// Block-style input in the subset `yaml_block` knows is read by that scanner; anything
/// else, and any input that fails to load, is read again from the start by saphyr, so
/// both the result and every error are saphyr's.
pub(crate) fn parse(bytes: &[u8]) -> Result<Doc, ParseError> {
    if bytes.len() > MAX_INPUT {
        return Err(ParseError::new("file too large to parse"));
    }
    let text = std::str::from_utf8(bytes).map_err(|e| invalid_utf8(bytes, e.valid_up_to()))?;
    match parse_block(text) {
        Some(doc) => Ok(doc),
        None => parse_with_saphyr(text),
    }
}

/// Returns the documents of `text` read by the block scanner, or `None` when the text
/// is not in its subset or does not load (saphyr then says why).
fn parse_block(text: &str) -> Option<Doc> {
    let mut loader = Loader::new(text.len());
    yaml_block::read(text, |event, line, col| {
        loader.event(event, line, col).ok().map(drop)
    })?;
    loader.finish().ok()
}

/// Returns the documents of `text` as saphyr's parser reads them.
pub(crate) fn parse_with_saphyr(text: &str) -> Result<Doc, ParseError> {
    let mut loader = Loader::new(text.len());
    for next in Parser::new_from_str(text) {
        let (event, span) = next.map_err(|e| ParseError {
            message: e.info().to_string(),
            line: Some(e.marker().line()),
            column: Some(e.marker().col() + 1),
        })?;
        if loader.event(event, span.start.line(), span.start.col())? {
            break;
        }
    }
    loader.finish()
}

/// Loads a stream of events into the value model, whichever source they come from
/// (saphyr's parser, or `yaml_block`, which gives the same events).
struct Loader {
    b: Builder,
    open: Vec<Open>,
    anchors: Vec<Option<(Node, u64)>>,
    /// Nodes that aliases have added so far.
    expanded: u64,
    /// Events taken so far.
    events: u64,
}

impl Loader {
    /// Returns a loader for an input of `len` bytes.
    fn new(len: usize) -> Loader {
        Loader {
            b: Builder::with_input_len(len),
            open: Vec::new(),
            anchors: Vec::new(),
            expanded: 0,
            events: 0,
        }
    }

    /// Takes the next event, which starts at `line` (from 1) and `col` (from 0, in
    /// characters) as saphyr counts them; returns whether it ended the stream.
    // Inlined where the block scanner builds its events, which then need not be
    // moved through memory: that move cost more than reading the event.
    #[inline(always)]
    fn event(&mut self, event: Event<'_>, line: usize, col: usize) -> Result<bool, ParseError> {
        self.events += 1;
        let line = u32::try_from(line).unwrap_or(u32::MAX);
        let col = u32::try_from(col + 1).unwrap_or(u32::MAX);
        let b = &mut self.b;
        let is_map = matches!(event, Event::MappingStart(..));
        match event {
            Event::StreamEnd => return Ok(true),
            Event::DocumentStart(_) => self.anchors.clear(),
            Event::Nothing | Event::StreamStart | Event::DocumentEnd => {}
            Event::Scalar(value, style, anchor, tag) => {
                let tag = tag.as_deref().map(tag_name);
                if b.expecting_key() {
                    if style == ScalarStyle::Plain && tag.is_none() && value == "<<" {
                        b.merge_key(line, col);
                    } else {
                        b.key(&value, line, col);
                    }
                    if anchor > 0 {
                        let node = scalar(b, &value, style, tag.as_deref(), line, col)?;
                        remember(&mut self.anchors, anchor, node, 1);
                    }
                    return Ok(false);
                }
                let node = scalar(b, &value, style, tag.as_deref(), line, col)?;
                remember(&mut self.anchors, anchor, node, 1);
                b.value(node, 1);
            }
            Event::Alias(id) => {
                let Some(&Some((node, size))) = self.anchors.get(id) else {
                    return Err(ParseError::at(
                        "alias to an unknown anchor, or to a node that contains it",
                        line,
                        col,
                    ));
                };
                self.expanded = self.expanded.saturating_add(size);
                let budget = ALIAS_BUDGET_BASE
                    .saturating_add(self.events.saturating_mul(ALIAS_BUDGET_FACTOR));
                if self.expanded > budget {
                    return Err(ParseError::at(
                        format!("aliases expand to more than {budget} nodes (an alias bomb?)"),
                        line,
                        col,
                    ));
                }
                if b.expecting_key() {
                    let key = key_text(&b.doc, &node);
                    b.key(&key, line, col);
                } else {
                    b.value(node.at(line, col), size);
                }
            }
            Event::SequenceStart(anchor, tag) | Event::MappingStart(anchor, tag) => {
                let is_key = b.expecting_key();
                b.begin(is_map, line, col)?;
                self.open.push(Open {
                    anchor,
                    tag: tag.as_deref().map(tag_name),
                    is_key,
                });
            }
            Event::SequenceEnd | Event::MappingEnd => {
                let (node, size) = b.end()?;
                let Some(o) = self.open.pop() else {
                    return Err(ParseError::at("unbalanced collection end", line, col));
                };
                let node = match o.tag.as_deref() {
                    Some(t) if is_custom(t) => b.tag(t, node),
                    _ => node,
                };
                remember(&mut self.anchors, o.anchor, node, size);
                if o.is_key {
                    let key = key_text(&b.doc, &node);
                    b.key(&key, node.line, u32::from(node.col));
                } else {
                    b.value(node, size);
                }
            }
        }
        Ok(false)
    }

    /// Returns the documents read; fails if a collection is still open.
    fn finish(self) -> Result<Doc, ParseError> {
        self.b.finish()
    }
}

fn invalid_utf8(bytes: &[u8], at: usize) -> ParseError {
    let before = bytes.get(..at).unwrap_or_default();
    let line = before.iter().filter(|&&c| c == b'\n').count() + 1;
    let line_start = before
        .iter()
        .rposition(|&c| c == b'\n')
        .map_or(0, |i| i + 1);
    let col = before
        .get(line_start..)
        .unwrap_or_default()
        .iter()
        .filter(|&&c| (c & 0xC0) != 0x80)
        .count()
        + 1;
    ParseError {
        message: "invalid UTF-8".into(),
        line: Some(line),
        column: Some(col),
    }
}

fn remember(anchors: &mut Vec<Option<(Node, u64)>>, id: usize, node: Node, size: u64) {
    if id == 0 {
        return;
    }
    if anchors.len() <= id {
        anchors.resize(id + 1, None);
    }
    if let Some(slot) = anchors.get_mut(id) {
        *slot = Some((node, size));
    }
}

/// Returns the full name of a tag: `!local`, `!` (non-specific), `tag:yaml.org,2002:str`,
/// or a global tag URI.
fn tag_name(t: &Tag) -> String {
    format!("{}{}", t.handle, t.suffix)
}

/// Returns whether `tag` is kept with the value (not one of YAML's own types).
fn is_custom(tag: &str) -> bool {
    if tag == "!" {
        return false;
    }
    match tag.strip_prefix(CORE) {
        Some(t) => !matches!(
            t,
            "str"
                | "int"
                | "float"
                | "bool"
                | "null"
                | "binary"
                | "timestamp"
                | "map"
                | "seq"
                | "set"
                | "omap"
                | "pairs"
                | "merge"
                | "value"
        ),
        None => true,
    }
}

/// Returns how a custom tag is shown: `!Ref`, `!!python/name`, `!<tag:example.com:x>`.
fn tag_display(tag: &str) -> Cow<'_, str> {
    if tag.starts_with('!') {
        Cow::Borrowed(tag)
    } else if let Some(rest) = tag.strip_prefix(CORE) {
        Cow::Owned(format!("!!{rest}"))
    } else {
        Cow::Owned(format!("!<{tag}>"))
    }
}

/// Returns the node of a scalar event.
fn scalar(
    b: &mut Builder,
    value: &str,
    style: ScalarStyle,
    tag: Option<&str>,
    line: u32,
    col: u32,
) -> Result<Node, ParseError> {
    let node = match tag {
        None if style == ScalarStyle::Plain => resolve_plain(b, value).at(line, col),
        None => b.doc.string(value).at(line, col),
        Some("!") => b.doc.string(value).at(line, col),
        Some(t) if is_custom(t) => {
            let inner = b.doc.string(value).at(line, col);
            let name = tag_display(t).into_owned();
            b.tag(&name, inner)
        }
        Some(t) => {
            let kind = t.strip_prefix(CORE).unwrap_or_default();
            let wrong = |what: &str| {
                ParseError::at(format!("the value is not {what} (`!!{kind}`)"), line, col)
            };
            let node = match kind {
                "int" => match resolve_plain(b, value) {
                    n if n.kind == Kind::Int => n,
                    n if n.kind == Kind::Num && !b.doc.str(&n).contains(['.', 'e']) => n,
                    _ => return Err(wrong("an integer")),
                },
                "float" => match resolve_plain(b, value) {
                    n if matches!(n.kind, Kind::Int | Kind::Num | Kind::Special) => n,
                    _ => return Err(wrong("a number")),
                },
                "bool" => match resolve_plain(b, value) {
                    n if n.kind == Kind::Bool => n,
                    _ => return Err(wrong("a boolean")),
                },
                "null" => match resolve_plain(b, value) {
                    n if n.kind == Kind::Null => n,
                    _ => return Err(wrong("null")),
                },
                // str, binary, timestamp and the collection tags on a scalar: the text.
                _ => b.doc.string(value),
            };
            node.at(line, col)
        }
    };
    Ok(node)
}

/// Returns the text a node stands for as a mapping key.
fn key_text(doc: &Doc, node: &Node) -> String {
    match node.kind {
        Kind::Str | Kind::Num => doc.str(node).to_string(),
        Kind::Int => node.int_value().to_string(),
        Kind::Bool => if node.a == 1 { "true" } else { "false" }.to_string(),
        Kind::Null => "null".to_string(),
        _ => super::canonical::node_text(doc, node),
    }
}

/// Returns the core-schema value of a plain scalar.
pub(crate) fn resolve_plain(b: &mut Builder, s: &str) -> Node {
    let mut node = resolve_core(b, s);
    node.y11 = super::yaml11::reading(s, &node) as u8;
    node
}

/// Returns the YAML 1.2 core-schema value of a plain scalar.
fn resolve_core(b: &mut Builder, s: &str) -> Node {
    // Most plain scalars are words: only these first bytes can start anything else.
    match s.as_bytes().first() {
        None | Some(b'~' | b'n' | b'N' | b't' | b'T' | b'f' | b'F' | b'.' | b'+' | b'-') => {}
        Some(c) if c.is_ascii_digit() => {}
        Some(_) => return b.doc.string(s),
    }
    match s {
        "" | "~" | "null" | "Null" | "NULL" => return Node::null(),
        "true" | "True" | "TRUE" => return Node::bool(true),
        "false" | "False" | "FALSE" => return Node::bool(false),
        ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" => {
            return Node::new(Kind::Special, 0, 0);
        }
        "-.inf" | "-.Inf" | "-.INF" => return Node::new(Kind::Special, 1, 0),
        ".nan" | ".NaN" | ".NAN" => return Node::new(Kind::Special, 2, 0),
        _ => {}
    }
    match core_number(s) {
        Some(Ok(n)) => b.doc.number(n),
        // A number literal too large to represent stays what it was written as.
        Some(Err(_)) | None => b.doc.string(s),
    }
}

/// Returns the value of `s` if it is a core-schema int or float (`None` when it is not a
/// number at all).
fn core_number(s: &str) -> Option<Result<Number, &'static str>> {
    let bytes = s.as_bytes();
    match bytes.first()? {
        b'0'..=b'9' | b'-' | b'+' | b'.' => {}
        _ => return None,
    }
    if let Some(hex) = s.strip_prefix("0x") {
        if !hex.is_empty() && hex.bytes().all(|c| c.is_ascii_hexdigit()) {
            return number::radix_integer(false, hex, 16).map(Ok);
        }
        return None;
    }
    if let Some(oct) = s.strip_prefix("0o") {
        if !oct.is_empty() && oct.bytes().all(|c| (b'0'..=b'7').contains(&c)) {
            return number::radix_integer(false, oct, 8).map(Ok);
        }
        return None;
    }
    let (negative, rest) = match bytes.first() {
        Some(b'-') => (true, s.get(1..)?),
        Some(b'+') => (false, s.get(1..)?),
        _ => (false, s),
    };
    let int_len = rest.bytes().take_while(u8::is_ascii_digit).count();
    let (int, after) = rest.split_at(int_len);
    let (frac, after) = match after.strip_prefix('.') {
        Some(f) => {
            let n = f.bytes().take_while(u8::is_ascii_digit).count();
            (f.get(..n)?, f.get(n..)?)
        }
        None => ("", after),
    };
    if int.is_empty() && frac.is_empty() {
        return None;
    }
    let exponent = match after.as_bytes().first() {
        None => None,
        Some(b'e' | b'E') => {
            let e = after.get(1..)?;
            let digits = e.strip_prefix(['+', '-']).unwrap_or(e);
            if digits.is_empty() || !digits.bytes().all(|c| c.is_ascii_digit()) {
                return None;
            }
            Some(e)
        }
        Some(_) => return None,
    };
    Some(number::decimal(negative, int, frac, exponent))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load(s: &str) -> Doc {
        parse(s.as_bytes()).unwrap_or_else(|e| panic!("{e}"))
    }

    fn plain(s: &str) -> (Kind, String) {
        let mut b = Builder::new();
        let n = resolve_plain(&mut b, s);
        let text = match n.kind {
            Kind::Int => n.int_value().to_string(),
            Kind::Bool => n.a.to_string(),
            Kind::Special => n.a.to_string(),
            _ => b.doc.str(&n).to_string(),
        };
        (n.kind, text)
    }

    #[test]
    fn core_schema() {
        assert_eq!(plain("~").0, Kind::Null);
        assert_eq!(plain("").0, Kind::Null);
        assert_eq!(plain("True"), (Kind::Bool, "1".into()));
        assert_eq!(plain("yes"), (Kind::Str, "yes".into()));
        assert_eq!(plain("on"), (Kind::Str, "on".into()));
        assert_eq!(plain("0x1F"), (Kind::Int, "31".into()));
        assert_eq!(plain("0o17"), (Kind::Int, "15".into()));
        assert_eq!(plain("+12"), (Kind::Int, "12".into()));
        assert_eq!(plain("007"), (Kind::Int, "7".into()));
        assert_eq!(plain("1.0"), (Kind::Int, "1".into()));
        assert_eq!(plain("1.10"), (Kind::Num, "1.1".into()));
        assert_eq!(plain(".5"), (Kind::Num, "0.5".into()));
        assert_eq!(plain("1."), (Kind::Int, "1".into()));
        assert_eq!(plain("1e3"), (Kind::Int, "1000".into()));
        assert_eq!(plain("-.inf"), (Kind::Special, "1".into()));
        assert_eq!(plain(".NaN"), (Kind::Special, "2".into()));
        for s in [
            "2001-12-14",
            "1_000",
            "0x",
            "0b101",
            "1e",
            "+",
            ".",
            "-",
            "1.2.3",
            "12:30",
        ] {
            assert_eq!(plain(s).0, Kind::Str, "{s}");
        }
        assert_eq!(plain("123456789012345678901234567890").0, Kind::Num);
    }

    #[test]
    fn quoted_and_tagged() {
        let d = load("a: \"1\"\nb: !!str 12\nc: !!int \"12\"\nd: !Ref x\ne: ! 12\nf: !!float 1\n");
        let r = d.roots[0];
        assert_eq!(d.get(&r, "a").unwrap().kind, Kind::Str);
        assert_eq!(d.get(&r, "b").unwrap().kind, Kind::Str);
        assert_eq!(d.get(&r, "c").unwrap().int_value(), 12);
        let t = d.get(&r, "d").unwrap();
        assert_eq!((t.kind, d.name(t.a)), (Kind::Tagged, "!Ref"));
        assert_eq!(d.str(&d.tagged(t)), "x");
        assert_eq!(d.get(&r, "e").unwrap().kind, Kind::Str);
        assert_eq!(d.get(&r, "f").unwrap().int_value(), 1);
        let e = parse(b"a: !!int x\n").unwrap_err();
        assert_eq!(e.line, Some(1));
    }

    #[test]
    fn positions_point_at_keys() {
        let d = load("a:\n  b: 1\n  c:\n    - x\n    - y\n");
        let r = d.roots[0];
        let a = d.get(&r, "a").unwrap();
        assert_eq!((a.line, a.col), (1, 1));
        let c = d.get(a, "c").unwrap();
        assert_eq!(c.line, 3);
        assert_eq!(d.children(c)[1].line, 5);
    }

    #[test]
    fn anchors_aliases_and_merges() {
        let d = load(
            "base: &b {x: 1, y: 2}\nother: &o {y: 9, z: 3}\nuse:\n  <<: [*b, *o]\n  x: 0\nlist: [*b]\n",
        );
        let r = d.roots[0];
        let u = d.get(&r, "use").unwrap();
        let keys: Vec<&str> = d.children(u).iter().map(|c| d.key(c)).collect();
        assert_eq!(keys, ["x", "y", "z"]);
        assert_eq!(d.get(u, "x").unwrap().int_value(), 0, "explicit keys win");
        assert_eq!(d.get(u, "y").unwrap().int_value(), 2, "earlier sources win");
        let l = d.get(&r, "list").unwrap();
        assert_eq!(d.children(l)[0].kind, Kind::Map);
    }

    #[test]
    fn quoted_merge_key_is_a_plain_key() {
        let d = load("'<<': 1\n");
        assert_eq!(d.get(&d.roots[0], "<<").unwrap().int_value(), 1);
    }

    #[test]
    fn duplicate_keys_are_errors() {
        let e = parse(b"a: 1\nb: 2\na: 3\n").unwrap_err();
        assert_eq!(e.line, Some(3));
        assert!(e.message.contains("duplicate key `a`"), "{}", e.message);
    }

    #[test]
    fn alias_bomb_is_refused() {
        let mut s = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 1..10 {
            let p = i - 1;
            s.push_str(&format!(
                "a{i}: &a{i} [*a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}]\n"
            ));
        }
        let e = parse(s.as_bytes()).unwrap_err();
        assert!(e.message.contains("alias bomb"), "{}", e.message);
    }

    #[test]
    fn anchors_are_per_document_and_not_recursive() {
        assert!(parse(b"a: &x 1\n---\nb: *x\n").is_err());
        assert!(parse(b"a: &x [*x]\n").is_err());
    }

    #[test]
    fn deep_nesting_is_an_error() {
        assert!(parse("[".repeat(100_000).as_bytes()).is_err());
        let mut s = String::new();
        for i in 0..2000 {
            s.push_str(&" ".repeat(i));
            s.push_str("- \n");
        }
        let e = parse(s.as_bytes()).unwrap_err();
        assert!(e.message.contains("nesting"), "{}", e.message);
    }

    #[test]
    fn documents() {
        assert_eq!(load("").roots.len(), 0);
        assert_eq!(load("# only a comment\n").roots.len(), 0);
        let d = load("a: 1\n---\n---\nb: 2\n");
        assert_eq!(d.roots.len(), 3);
        assert_eq!(d.roots[1].kind, Kind::Null);
    }

    #[test]
    fn complex_keys_are_keyed_by_canonical_text() {
        let d = load("? [a, b]\n: c\n{x: 1}: d\n");
        let keys: Vec<&str> = d.children(&d.roots[0]).iter().map(|c| d.key(c)).collect();
        assert_eq!(keys, ["[\"a\",\"b\"]", "{\"x\":1}"]);
    }

    #[test]
    fn invalid_utf8_has_a_position() {
        let e = parse(b"a: 1\nb: \xff\n").unwrap_err();
        assert_eq!((e.line, e.column), (Some(2), Some(4)));
    }
}
