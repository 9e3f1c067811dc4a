//! A fast event source for block-style YAML: the subset that most Kubernetes and Helm
//! files are written in, read line by line on bytes, giving exactly the events saphyr-parser
//! gives for the same text (same events, scalar text and style, start line and column).
//!
//! It owns recognising that subset, not deciding what is valid YAML. On anything outside
//! it, valid or not, [`read`] stops and says so, and `yaml::parse` reads the input again
//! with saphyr, whose results and errors are the ones shown. The subset:
//!
//! - block mappings and sequences by indentation, including `- ` items at their parent
//!   key's indentation (Kubernetes style) and items that start a mapping (`- key: v`);
//! - keys: plain, or quoted on one line, followed by `: ` or by `:` at the end of the
//!   line (at most 1000 bytes: saphyr stops treating longer keys as keys);
//! - values and items: plain scalars (continued on deeper-indented lines inside a
//!   collection), quoted scalars on one line (double-quoted escapes included), empty
//!   flow mappings, flow sequences of scalars on one line, and block scalars (`|`, `>`,
//!   with indicators) inside a collection; or nothing: an empty value, or a collection
//!   on the following lines;
//! - comment and blank lines; `---` and `...` lines with at most a comment after them.
//!
//! Not in it: tabs, CRs, other control characters and byte order marks anywhere;
//! anchors, aliases, tags, directives, `?` keys, flow mappings with content, nested
//! or multi-line flow collections, quoted scalars over several lines, plain scalars
//! over several lines at a document's root, content after `---`, `- - x`.
//!
//! Positions are saphyr's: lines from 1, columns from 0 in characters. A collection
//! ends at the token after it (the first character of the next content line, or the
//! line after the last one at the end of the input), an empty value is at its `:`, an
//! empty item at the end of its `-` line, an indentless sequence at its first item.
//!
//! Events go straight to the caller's sink as they are found: a queue of saphyr's
//! large event items between scanner and loader cost more than the scanning.

use std::borrow::Cow;

use saphyr_parser::{Event, ScalarStyle};

mod scalar;
#[cfg(test)]
mod tests;

use scalar::{PlainEnd, at, plain, plain_start, rest_is_blank, skip_spaces};

/// Keys longer than this many bytes are left to saphyr, which stops treating a key
/// as a simple key 1024 characters after its start.
const MAX_KEY: usize = 1000;

/// Gives the events of `text` to `sink`, each with its start line (from 1) and column
/// (from 0, in characters), as saphyr's parser would; returns `None`, possibly after
/// some events, when `text` is not in the block subset or `sink` returns `None`.
pub(crate) fn read<'a>(
    text: &'a str,
    sink: impl FnMut(Event<'a>, usize, usize) -> Option<()>,
) -> Option<()> {
    let bytes = text.as_bytes();
    // Without an early exit the check vectorises; most inputs pass it whole. 0xEF
    // starts a byte order mark, and few other characters.
    let suspect = bytes.chunks(4096).any(|chunk| {
        chunk.iter().fold(false, |bad, &b| {
            bad | ((b < 0x20) & (b != b'\n')) | (b == 0xEF)
        })
    });
    if suspect
        && (bytes.iter().any(|&b| b < 0x20 && b != b'\n')
            || memchr::memmem::find(bytes, "\u{feff}".as_bytes()).is_some())
    {
        return None;
    }
    let mut scanner = Scanner {
        text,
        bytes,
        pos: 0,
        line: 1,
        blocks: Vec::new(),
        pending: Pending::None,
        in_document: false,
        sink,
        refused: false,
    };
    scanner.push(Event::StreamStart, Pos { line: 1, col: 0 });
    while !scanner.refused {
        let Some(l) = scanner.next_line() else {
            scanner.finish();
            break;
        };
        let s = skip_spaces(bytes, l.start);
        if s < l.end && at(bytes, s) != b'#' {
            scanner.content(&l, s)?;
        }
    }
    (!scanner.refused).then_some(())
}

/// A position as saphyr gives it: line from 1, column from 0 in characters.
#[derive(Clone, Copy)]
struct Pos {
    line: usize,
    col: usize,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Map,
    Seq,
    /// A sequence whose `-` stand at the indentation of the mapping it is a value of.
    Indentless,
}

/// An open block collection: its kind and the column of its keys or `-`.
#[derive(Clone, Copy)]
struct Block {
    kind: Kind,
    indent: usize,
}

/// A node that has begun on an earlier line and is decided by the next content line.
#[derive(Clone, Copy)]
enum Pending {
    None,
    /// The root node of a document that has started.
    Root,
    /// The value after `key:`; empty (at the `:`) unless the next line starts it.
    Value(Pos),
    /// The item after a `-`; empty (at the end of its line) unless the next line
    /// starts it.
    Entry(Pos),
}

/// What a content line starts with.
enum Entry<'a> {
    /// `-` followed by a space or the end of the line.
    Dash,
    /// A key, with the index of its `:`.
    Key(Cow<'a, str>, ScalarStyle, usize),
    /// Anything else: a scalar or a flow collection.
    Node,
}

/// One line: its bytes `start..end` (without the line feed), its number, and whether
/// it is all ASCII (columns are then byte offsets).
#[derive(Clone, Copy)]
struct Line {
    start: usize,
    end: usize,
    number: usize,
    ascii: bool,
}

struct Scanner<'a, F> {
    text: &'a str,
    bytes: &'a [u8],
    /// The start of the next line to read, and its number.
    pos: usize,
    line: usize,
    blocks: Vec<Block>,
    pending: Pending,
    in_document: bool,
    sink: F,
    /// The sink refused an event: nothing more is read.
    refused: bool,
}

impl<'a, F: FnMut(Event<'a>, usize, usize) -> Option<()>> Scanner<'a, F> {
    // Few call sites for the sink, which the compiler then inlines: saphyr's events
    // are large, and moving them costs more than building them where they are used.
    #[inline(never)]
    fn push(&mut self, event: Event<'a>, at: Pos) {
        if !self.refused && (self.sink)(event, at.line, at.col).is_none() {
            self.refused = true;
        }
    }

    #[inline(never)]
    fn scalar(&mut self, text: Cow<'a, str>, style: ScalarStyle, at: Pos) {
        let event = Event::Scalar(text, style, 0, None);
        if !self.refused && (self.sink)(event, at.line, at.col).is_none() {
            self.refused = true;
        }
    }

    fn empty(&mut self, at: Pos) {
        self.scalar(Cow::Borrowed(""), ScalarStyle::Plain, at);
    }

    /// Returns the next line, or `None` at the end of the input.
    fn next_line(&mut self) -> Option<Line> {
        let len = self.bytes.len();
        if self.pos >= len {
            return None;
        }
        let start = self.pos;
        let rest = self.bytes.get(start..)?;
        let end = memchr::memchr(b'\n', rest).map_or(len, |n| start + n);
        let number = self.line;
        self.pos = (end + 1).min(len);
        self.line += 1;
        let ascii = self.bytes.get(start..end).is_some_and(<[u8]>::is_ascii);
        Some(Line {
            start,
            end,
            number,
            ascii,
        })
    }

    /// Returns the position of byte `i` of line `l`.
    fn at(&self, l: &Line, i: usize) -> Pos {
        let col = if l.ascii {
            i - l.start
        } else {
            let prefix = self.bytes.get(l.start..i).unwrap_or_default();
            prefix.iter().filter(|&&b| (b & 0xC0) != 0x80).count()
        };
        Pos {
            line: l.number,
            col,
        }
    }

    /// Gives the events of the end of the input.
    fn finish(&mut self) {
        let len = self.bytes.len();
        let end = Pos {
            line: self.line,
            col: 0,
        };
        // saphyr ends the stream on the line after the last, but first closes the
        // collections indented deeper than the end of a last line without a line feed
        // at that end.
        let last = memchr::memrchr(b'\n', self.bytes).map_or(0, |i| i + 1);
        let tail = (last < len).then(|| {
            let l = Line {
                start: last,
                end: len,
                number: self.line.saturating_sub(1),
                ascii: false,
            };
            self.at(&l, len)
        });
        if self.in_document {
            self.close_pending(end);
            while let Some(b) = self.blocks.pop() {
                let at = match tail {
                    Some(t) if b.indent > t.col => t,
                    _ => end,
                };
                self.push(end_event(b.kind), at);
            }
            self.push(Event::DocumentEnd, end);
        }
        self.push(Event::StreamEnd, end);
    }

    /// Gives the empty scalar of a pending node that the next token, at `next`, does
    /// not continue.
    fn close_pending(&mut self, next: Pos) {
        match std::mem::replace(&mut self.pending, Pending::None) {
            Pending::None => {}
            Pending::Root => self.empty(next),
            Pending::Value(at) | Pending::Entry(at) => self.empty(at),
        }
    }

    /// Gives the events of the content line `l`, whose first character is at `s`.
    fn content(&mut self, l: &Line, s: usize) -> Option<()> {
        let ind = s - l.start;
        if ind == 0 && matches!(at(self.bytes, s + 3), b' ' | b'\n') {
            match self.bytes.get(s..s + 3) {
                Some(b"---") => return self.marker(l, s, true),
                Some(b"...") => return self.marker(l, s, false),
                _ => {}
            }
        }
        let here = Pos {
            line: l.number,
            col: ind,
        };
        if !self.in_document {
            self.push(Event::DocumentStart(false), here);
            self.in_document = true;
            self.pending = Pending::Root;
        }
        let entry = self.entry(l, s)?;
        let dash = matches!(entry, Entry::Dash);
        match std::mem::replace(&mut self.pending, Pending::None) {
            Pending::None => {}
            Pending::Root => return self.node(l, s, entry, true),
            Pending::Value(colon) => {
                let top = self.blocks.last()?.indent;
                if ind > top {
                    return self.node(l, s, entry, false);
                }
                if ind == top && dash {
                    self.blocks.push(Block {
                        kind: Kind::Indentless,
                        indent: ind,
                    });
                    let mark = self.entry_mark(l, s);
                    self.push(Event::SequenceStart(0, None), mark);
                    return self.dash(l, s);
                }
                self.empty(colon);
            }
            Pending::Entry(mark) => {
                if ind > self.blocks.last()?.indent {
                    return self.node(l, s, entry, false);
                }
                self.empty(mark);
            }
        }
        while let Some(top) = self.blocks.last() {
            let closes =
                ind < top.indent || (top.kind == Kind::Indentless && ind == top.indent && !dash);
            if !closes {
                break;
            }
            let kind = top.kind;
            self.blocks.pop();
            self.push(end_event(kind), here);
        }
        // With no collection open the document's root is complete: more is not mine.
        let top = *self.blocks.last()?;
        match (top.kind, entry) {
            _ if ind != top.indent => None,
            (Kind::Map, Entry::Key(key, style, colon)) => self.pair(l, s, key, style, colon),
            (Kind::Seq | Kind::Indentless, Entry::Dash) => self.dash(l, s),
            _ => None,
        }
    }

    /// Gives the events of a `---` (`start`) or `...` line.
    fn marker(&mut self, l: &Line, s: usize, start: bool) -> Option<()> {
        if !rest_is_blank(self.bytes, s + 3) {
            return None;
        }
        let here = Pos {
            line: l.number,
            col: 0,
        };
        if self.in_document {
            self.close_pending(here);
            while let Some(b) = self.blocks.pop() {
                self.push(end_event(b.kind), here);
            }
            self.push(Event::DocumentEnd, here);
            self.in_document = false;
        }
        // Between documents saphyr skips `...`.
        if start {
            self.push(Event::DocumentStart(true), here);
            self.in_document = true;
            self.pending = Pending::Root;
        }
        Some(())
    }

    /// Returns what the content at `s` of line `l` starts with.
    fn entry(&self, l: &Line, s: usize) -> Option<Entry<'a>> {
        let bytes = self.bytes;
        match at(bytes, s) {
            b'-' if matches!(at(bytes, s + 1), b' ' | b'\n') => Some(Entry::Dash),
            b'\'' | b'"' => {
                let (text, style, after) = scalar::quoted(self.text, s)?;
                let colon = skip_spaces(bytes, after);
                if at(bytes, colon) == b':' && matches!(at(bytes, colon + 1), b' ' | b'\n') {
                    (colon - s <= MAX_KEY).then_some(Entry::Key(text, style, colon))
                } else {
                    Some(Entry::Node)
                }
            }
            _ if !plain_start(bytes, s) => Some(Entry::Node),
            _ => match plain(bytes, s, l.end) {
                PlainEnd::Value(_) => Some(Entry::Node),
                PlainEnd::Key { end, colon } => {
                    let key = self.text.get(s..end)?;
                    (colon - s <= MAX_KEY).then_some(Entry::Key(
                        Cow::Borrowed(key),
                        ScalarStyle::Plain,
                        colon,
                    ))
                }
            },
        }
    }

    /// Gives the start of the node that `entry` begins at `s`, in a pending value or
    /// item, or as a document's `root`.
    fn node(&mut self, l: &Line, s: usize, entry: Entry<'a>, root: bool) -> Option<()> {
        let indent = s - l.start;
        let here = self.at(l, s);
        match entry {
            Entry::Dash => {
                self.blocks.push(Block {
                    kind: Kind::Seq,
                    indent,
                });
                self.push(Event::SequenceStart(0, None), here);
                self.dash(l, s)
            }
            Entry::Key(key, style, colon) => {
                self.blocks.push(Block {
                    kind: Kind::Map,
                    indent,
                });
                self.push(Event::MappingStart(0, None), here);
                self.pair(l, s, key, style, colon)
            }
            Entry::Node => {
                let parent = if root {
                    None
                } else {
                    Some(self.blocks.last()?.indent)
                };
                self.value(l, s, parent)
            }
        }
    }

    /// Gives the key at `s` and its value.
    fn pair(
        &mut self,
        l: &Line,
        s: usize,
        key: Cow<'a, str>,
        style: ScalarStyle,
        colon: usize,
    ) -> Option<()> {
        let here = self.at(l, s);
        self.scalar(key, style, here);
        let v = skip_spaces(self.bytes, colon + 1);
        if matches!(at(self.bytes, v), b'\n' | b'#') {
            self.pending = Pending::Value(self.at(l, colon));
            return Some(());
        }
        let parent = self.blocks.last()?.indent;
        self.value(l, v, Some(parent))
    }

    /// Returns where saphyr's token after the `-` at `s` is: the item's content, or the
    /// end of the line.
    fn entry_mark(&self, l: &Line, s: usize) -> Pos {
        let p = skip_spaces(self.bytes, s + 1);
        match at(self.bytes, p) {
            b'\n' | b'#' => self.at(l, l.end),
            _ => self.at(l, p),
        }
    }

    /// Gives the item of the `-` at `s`.
    fn dash(&mut self, l: &Line, s: usize) -> Option<()> {
        let p = skip_spaces(self.bytes, s + 1);
        match at(self.bytes, p) {
            b'\n' | b'#' => {
                self.pending = Pending::Entry(self.at(l, l.end));
                return Some(());
            }
            b'-' if matches!(at(self.bytes, p + 1), b' ' | b'\n') => return None,
            _ => {}
        }
        let parent = self.blocks.last()?.indent;
        match self.entry(l, p)? {
            Entry::Key(key, style, colon) => {
                self.blocks.push(Block {
                    kind: Kind::Map,
                    indent: p - l.start,
                });
                let here = self.at(l, p);
                self.push(Event::MappingStart(0, None), here);
                self.pair(l, p, key, style, colon)
            }
            Entry::Node => self.value(l, p, Some(parent)),
            Entry::Dash => None,
        }
    }

    /// Gives the value that starts at `v` and fills the rest of its line; `parent` is
    /// the indentation of the collection it is in (`None` for a document's root).
    fn value(&mut self, l: &Line, v: usize, parent: Option<usize>) -> Option<()> {
        let bytes = self.bytes;
        let here = self.at(l, v);
        match at(bytes, v) {
            b'\'' | b'"' => {
                let (text, style, after) = scalar::quoted(self.text, v)?;
                if !rest_is_blank(bytes, after) {
                    return None;
                }
                self.scalar(text, style, here);
            }
            b'{' => {
                let close = skip_spaces(bytes, v + 1);
                if at(bytes, close) != b'}' || !rest_is_blank(bytes, close + 1) {
                    return None;
                }
                self.push(Event::MappingStart(0, None), here);
                let closing = self.at(l, close);
                self.push(Event::MappingEnd, closing);
            }
            b'[' => return self.flow_sequence(l, v),
            b'|' | b'>' => return self.block_scalar(l, v, parent?),
            _ if plain_start(bytes, v) => match plain(bytes, v, l.end) {
                PlainEnd::Value(end) => {
                    let first = self.text.get(v..end)?;
                    let text = match parent {
                        Some(parent) if skip_spaces(bytes, end) >= l.end => {
                            self.continued(first, parent)?
                        }
                        _ => Cow::Borrowed(first),
                    };
                    self.scalar(text, ScalarStyle::Plain, here);
                }
                PlainEnd::Key { .. } => return None,
            },
            _ => return None,
        }
        Some(())
    }

    /// Returns the plain scalar whose first line is `first`, with the lines that
    /// continue it (indented deeper than `parent`, the collection it is in), folded as
    /// saphyr folds them; consumes those lines.
    fn continued(&mut self, first: &'a str, parent: usize) -> Option<Cow<'a, str>> {
        let bytes = self.bytes;
        let len = bytes.len();
        let mut out: Option<String> = None;
        let (mut pos, mut line) = (self.pos, self.line);
        let mut blank = 0;
        while pos < len {
            let s = skip_spaces(bytes, pos);
            let c = at(bytes, s);
            if c == b'#' || (c != b'\n' && s - pos <= parent) {
                break;
            }
            let end = memchr::memchr(b'\n', bytes.get(s..)?).map_or(len, |n| s + n);
            let next = (end + 1).min(len);
            if c == b'\n' {
                blank += 1;
                (pos, line) = (next, line + 1);
                continue;
            }
            let PlainEnd::Value(stop) = plain(bytes, s, end) else {
                return None;
            };
            let text = out.get_or_insert_with(|| first.to_string());
            if blank == 0 {
                text.push(' ');
            }
            for _ in 0..blank {
                text.push('\n');
            }
            text.push_str(self.text.get(s..stop)?);
            blank = 0;
            (pos, line) = (next, line + 1);
            (self.pos, self.line) = (pos, line);
            // A comment ends the scalar; a line it would continue is not in the subset.
            if skip_spaces(bytes, stop) < end {
                break;
            }
        }
        Some(out.map_or(Cow::Borrowed(first), Cow::Owned))
    }

    /// Gives the flow sequence at `v`, which holds only scalars and ends on its line.
    fn flow_sequence(&mut self, l: &Line, v: usize) -> Option<()> {
        let bytes = self.bytes;
        let here = self.at(l, v);
        self.push(Event::SequenceStart(0, None), here);
        let mut i = skip_spaces(bytes, v + 1);
        if at(bytes, i) != b']' {
            loop {
                let item = self.at(l, i);
                if matches!(at(bytes, i), b'\'' | b'"') {
                    let (text, style, after) = scalar::quoted(self.text, i)?;
                    self.scalar(text, style, item);
                    i = after;
                } else {
                    let end = scalar::flow_plain(bytes, i)?;
                    let text = self.text.get(i..end)?;
                    self.scalar(Cow::Borrowed(text), ScalarStyle::Plain, item);
                    i = end;
                }
                i = skip_spaces(bytes, i);
                match at(bytes, i) {
                    b']' => break,
                    b',' => {
                        i = skip_spaces(bytes, i + 1);
                        if at(bytes, i) == b']' {
                            break;
                        }
                    }
                    _ => return None,
                }
            }
        }
        let closing = self.at(l, i);
        self.push(Event::SequenceEnd, closing);
        rest_is_blank(bytes, i + 1).then_some(())
    }

    /// Gives the block scalar whose indicator is at `v`, reading its lines.
    fn block_scalar(&mut self, l: &Line, v: usize, parent: usize) -> Option<()> {
        let header = scalar::header(self.bytes, v)?;
        if !rest_is_blank(self.bytes, header.end) {
            return None;
        }
        let indicator = self.at(l, v);
        let block = scalar::block(
            self.text,
            &header,
            self.pos,
            self.line,
            parent,
            (indicator.line, indicator.col),
        )?;
        self.pos = block.next;
        self.line = block.line;
        let style = if at(self.bytes, v) == b'|' {
            ScalarStyle::Literal
        } else {
            ScalarStyle::Folded
        };
        let (line, col) = block.start;
        self.scalar(Cow::Owned(block.text), style, Pos { line, col });
        Some(())
    }
}

fn end_event<'a>(kind: Kind) -> Event<'a> {
    match kind {
        Kind::Map => Event::MappingEnd,
        Kind::Seq | Kind::Indentless => Event::SequenceEnd,
    }
}
