//! The scalars of the block subset: plain and quoted scalars on one line, and block
//! scalars (`|`, `>`), each read on bytes to the text saphyr-parser gives.
//!
//! Every function returns `None` for what it does not read exactly as saphyr does
//! (a quote that does not close on its line, an unknown escape, a block scalar whose
//! first line is wrongly indented): the caller then leaves the input to saphyr.

use std::borrow::Cow;

use saphyr_parser::ScalarStyle;

/// Returns the byte at `i`, or a line feed past the end: the end of the input ends a
/// line like a line feed does (the subset has no other line breaks).
pub(super) fn at(bytes: &[u8], i: usize) -> u8 {
    bytes.get(i).copied().unwrap_or(b'\n')
}

/// Returns the index of the first byte from `i` that is not a space.
pub(super) fn skip_spaces(bytes: &[u8], mut i: usize) -> usize {
    while at(bytes, i) == b' ' {
        i += 1;
    }
    i
}

/// Returns whether only spaces and a comment follow `i` on its line (a comment needs a
/// space before it unless it starts the line).
pub(super) fn rest_is_blank(bytes: &[u8], i: usize) -> bool {
    let j = skip_spaces(bytes, i);
    match at(bytes, j) {
        b'\n' => true,
        b'#' => j > i,
        _ => false,
    }
}

/// Returns whether a plain scalar may start at `i` (the indicators that start anything
/// else, or that saphyr refuses there, may not).
pub(super) fn plain_start(bytes: &[u8], i: usize) -> bool {
    match at(bytes, i) {
        b'-' | b'?' | b':' => !matches!(at(bytes, i + 1), b' ' | b'\n'),
        b'[' | b']' | b'{' | b'}' | b',' | b'*' | b'&' | b'!' | b'|' | b'>' | b'\'' | b'"'
        | b'%' | b'@' | b'`' | b'#' | b' ' | b'\n' => false,
        _ => true,
    }
}

/// How a plain scalar starting at `i` ends on its line.
pub(super) enum PlainEnd {
    /// At `end` (trailing spaces and any comment excluded), with nothing else after it.
    Value(usize),
    /// At `end` before `: ` or a final `:`, which is at `colon`: the scalar is a key.
    Key { end: usize, colon: usize },
}

/// Returns where the plain scalar starting at `i` ends on its line, which ends at
/// `eol`.
pub(super) fn plain(bytes: &[u8], i: usize, eol: usize) -> PlainEnd {
    // Keys and values are short: a plain loop beats a vectorised search here.
    let mut j = i;
    while j < eol {
        match at(bytes, j) {
            b':' if matches!(at(bytes, j + 1), b' ' | b'\n') => {
                let end = trim_end(bytes, i, j);
                return PlainEnd::Key { end, colon: j };
            }
            b'#' if j > i && at(bytes, j - 1) == b' ' => break,
            _ => {}
        }
        j += 1;
    }
    PlainEnd::Value(trim_end(bytes, i, j))
}

/// Returns `end` with the spaces before it, down to `start`, taken off.
fn trim_end(bytes: &[u8], start: usize, mut end: usize) -> usize {
    while end > start && at(bytes, end - 1) == b' ' {
        end -= 1;
    }
    end
}

/// Returns whether `c` is a flow indicator.
fn is_flow(c: u8) -> bool {
    matches!(c, b',' | b'[' | b']' | b'{' | b'}')
}

/// Returns the end of the plain scalar starting at `i` inside a flow sequence, when it
/// is one saphyr reads as a scalar and the sequence goes on after it on this line.
pub(super) fn flow_plain(bytes: &[u8], i: usize) -> Option<usize> {
    let first = at(bytes, i);
    if matches!(first, b'-' | b'?' | b':') {
        if matches!(at(bytes, i + 1), b' ' | b'\n') || is_flow(at(bytes, i + 1)) {
            return None;
        }
    } else if !plain_start(bytes, i) {
        return None;
    }
    let mut end = i;
    let mut j = i;
    loop {
        let c = at(bytes, j);
        match c {
            b'\n' => return None,
            _ if is_flow(c) => return Some(end),
            // A comment (the sequence would go on on another line), or `-` before a flow
            // indicator: saphyr refuses that after a space, and it is left to saphyr
            // anywhere.
            b' ' if at(bytes, j + 1) == b'#' => return None,
            b'-' if is_flow(at(bytes, j + 1)) => return None,
            b' ' => {}
            b':' if matches!(at(bytes, j + 1), b' ' | b'\n') || is_flow(at(bytes, j + 1)) => {
                return None;
            }
            _ => end = j + 1,
        }
        j += 1;
    }
}

/// Returns the text of the quoted scalar whose opening quote is at `i`, its style, and
/// the index after its closing quote; `None` unless it closes on its line and every
/// escape is one saphyr knows.
pub(super) fn quoted(text: &str, i: usize) -> Option<(Cow<'_, str>, ScalarStyle, usize)> {
    let bytes = text.as_bytes();
    let quote = at(bytes, i);
    let style = if quote == b'\'' {
        ScalarStyle::SingleQuoted
    } else {
        ScalarStyle::DoubleQuoted
    };
    let mut owned: Option<String> = None;
    let mut from = i + 1;
    let mut j = from;
    loop {
        match at(bytes, j) {
            b'\n' => return None,
            b'\'' if quote == b'\'' => {
                if at(bytes, j + 1) != b'\'' {
                    break;
                }
                owned
                    .get_or_insert_with(String::new)
                    .push_str(text.get(from..=j)?);
                j += 2;
                from = j;
            }
            b'"' if quote == b'"' => break,
            b'\\' if quote == b'"' => {
                let out = owned.get_or_insert_with(String::new);
                out.push_str(text.get(from..j)?);
                let (c, len) = escape(bytes, j + 1)?;
                out.push(c);
                j += 1 + len;
                from = j;
            }
            _ => j += 1,
        }
    }
    let last = text.get(from..j)?;
    let value = match owned {
        Some(mut s) => {
            s.push_str(last);
            Cow::Owned(s)
        }
        None => Cow::Borrowed(last),
    };
    Some((value, style, j + 1))
}

/// Returns the character of the double-quoted escape whose letter is at `i`, and how many
/// bytes the letter and its digits take.
fn escape(bytes: &[u8], i: usize) -> Option<(char, usize)> {
    let c = match at(bytes, i) {
        b'0' => '\0',
        b'a' => '\x07',
        b'b' => '\x08',
        b't' => '\t',
        b'n' => '\n',
        b'v' => '\x0b',
        b'f' => '\x0c',
        b'r' => '\x0d',
        b'e' => '\x1b',
        b' ' => ' ',
        b'"' => '"',
        b'/' => '/',
        b'\\' => '\\',
        b'N' => '\u{85}',
        b'_' => '\u{a0}',
        b'L' => '\u{2028}',
        b'P' => '\u{2029}',
        b'x' => return hex(bytes, i + 1, 2),
        b'u' => return hex(bytes, i + 1, 4),
        b'U' => return hex(bytes, i + 1, 8),
        _ => return None,
    };
    Some((c, 1))
}

/// Returns the character whose code is the `digits` hex digits at `i`, and the bytes
/// its escape takes after the backslash.
fn hex(bytes: &[u8], i: usize, digits: usize) -> Option<(char, usize)> {
    let mut code = 0u32;
    for k in i..i + digits {
        let d = char::from(at(bytes, k)).to_digit(16)?;
        code = (code << 4) | d;
    }
    Some((char::from_u32(code)?, 1 + digits))
}

/// How a block scalar treats its final line breaks.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Chomping {
    Strip,
    Clip,
    Keep,
}

/// A block scalar's header: `|` or `>`, then chomping and indentation indicators.
pub(super) struct Header {
    literal: bool,
    chomping: Chomping,
    /// The indentation indicator, 0 when absent.
    increment: usize,
    /// The index after the indicators.
    pub end: usize,
}

/// Returns the header of the block scalar whose indicator is at `i`.
pub(super) fn header(bytes: &[u8], i: usize) -> Option<Header> {
    let mut h = Header {
        literal: at(bytes, i) == b'|',
        chomping: Chomping::Clip,
        increment: 0,
        end: i + 1,
    };
    let chomping = |c: u8| match c {
        b'+' => Some(Chomping::Keep),
        b'-' => Some(Chomping::Strip),
        _ => None,
    };
    let digit = |c: u8| match c {
        b'1'..=b'9' => Some(usize::from(c - b'0')),
        _ => None,
    };
    if let Some(c) = chomping(at(bytes, h.end)) {
        h.chomping = c;
        h.end += 1;
        if let Some(d) = digit(at(bytes, h.end)) {
            h.increment = d;
            h.end += 1;
        }
    } else if let Some(d) = digit(at(bytes, h.end)) {
        h.increment = d;
        h.end += 1;
        if let Some(c) = chomping(at(bytes, h.end)) {
            h.chomping = c;
            h.end += 1;
        }
    }
    // An indentation indicator of 0 is an error; saphyr reports it.
    if at(bytes, h.end) == b'0' {
        return None;
    }
    Some(h)
}

/// A block scalar read.
pub(super) struct Block {
    pub text: String,
    /// Where saphyr's scalar starts (line, column): its first content line after the
    /// indentation, or the indicator when there is none.
    pub start: (usize, usize),
    /// The start of the first line after the scalar, and that line's number.
    pub next: usize,
    pub line: usize,
}

/// Returns the spaces at `i`, at most `max`.
fn indentation(bytes: &[u8], i: usize, max: usize) -> usize {
    let mut n = 0;
    while n < max && at(bytes, i + n) == b' ' {
        n += 1;
    }
    n
}

/// Skips the lines from `pos` that hold nothing but up to `indent` spaces, counting them
/// in `breaks` and `line`; returns the spaces consumed on the line it stops at.
fn skip_blank_lines(
    bytes: &[u8],
    indent: usize,
    pos: &mut usize,
    line: &mut usize,
    breaks: &mut usize,
) -> usize {
    loop {
        let col = indentation(bytes, *pos, indent);
        if !(*pos + col < bytes.len() && at(bytes, *pos + col) == b'\n') {
            return col;
        }
        *breaks += 1;
        *pos += col + 1;
        *line += 1;
    }
}

/// Reads the content of the block scalar with header `h`, from `pos`, the start of the
/// line after the header (line number `line`); `parent` is the indentation of the
/// collection the scalar is in, `indicator` the position of `|` or `>`.
///
/// This follows saphyr's `scan_block_scalar` step by step: the text of valid block
/// scalars is the same in any YAML parser, but saphyr's reading of odd whitespace-only
/// lines is its own, and it is saphyr's result that must be matched.
pub(super) fn block(
    text: &str,
    h: &Header,
    mut pos: usize,
    mut line: usize,
    parent: usize,
    indicator: (usize, usize),
) -> Option<Block> {
    let bytes = text.as_bytes();
    let len = bytes.len();
    let header_line = indicator.0;
    // Line breaks before the next content line.
    let mut breaks = 0usize;
    // The spaces consumed on the current line (saphyr's column there).
    let mut col;
    let indent;
    let is_break = |i: usize| i < len && at(bytes, i) == b'\n';
    if h.increment > 0 {
        indent = parent + h.increment;
        col = skip_blank_lines(bytes, indent, &mut pos, &mut line, &mut breaks);
    } else {
        let mut max = 0;
        loop {
            col = indentation(bytes, pos, usize::MAX);
            max = max.max(col);
            if !is_break(pos + col) {
                break;
            }
            breaks += 1;
            pos += col + 1;
            line += 1;
        }
        indent = max.max(parent + 1);
    }
    if pos + col >= len {
        let text = match h.chomping {
            Chomping::Strip | Chomping::Clip => String::new(),
            Chomping::Keep if breaks == 0 && line > header_line && col > 0 => "\n".into(),
            Chomping::Keep => "\n".repeat(breaks),
        };
        return Some(Block {
            text,
            start: indicator,
            next: len,
            line: if pos < len { line + 1 } else { line },
        });
    }
    if col < indent && col > parent {
        // "wrongly indented line in block scalar"
        return None;
    }
    let start = (line, col);
    let mut out = String::new();
    let mut leading_break = 0usize;
    let mut leading_blank = false;
    // Whether the last content line ended the input without a line feed.
    let mut unterminated = false;
    while col == indent && pos + col < len && at(bytes, pos + col) != b'\n' {
        let c = pos + col;
        let trailing_blank = at(bytes, c) == b' ';
        if !h.literal && leading_break > 0 && !leading_blank && !trailing_blank {
            push_breaks(&mut out, breaks);
            if breaks == 0 {
                out.push(' ');
            }
        } else {
            push_breaks(&mut out, leading_break + breaks);
        }
        leading_break = 0;
        breaks = 0;
        leading_blank = trailing_blank;
        let end = bytes
            .get(c..)
            .and_then(|rest| memchr::memchr(b'\n', rest))
            .map_or(len, |n| c + n);
        out.push_str(text.get(c..end)?);
        if end >= len {
            unterminated = true;
            pos = len;
            line += 1;
            break;
        }
        leading_break = 1;
        pos = end + 1;
        line += 1;
        col = skip_blank_lines(bytes, indent, &mut pos, &mut line, &mut breaks);
    }
    if h.chomping != Chomping::Strip {
        push_breaks(&mut out, leading_break);
        let at_end = unterminated || pos + col >= len;
        if at_end && (unterminated || col >= indent.max(1)) {
            out.push('\n');
        }
    }
    if h.chomping == Chomping::Keep {
        push_breaks(&mut out, breaks);
    }
    // A last line of spaces only, without a line feed, is consumed with the scalar.
    if !unterminated && pos + col >= len && pos < len {
        line += 1;
        pos = len;
    }
    Some(Block {
        text: out,
        start,
        next: pos,
        line,
    })
}

fn push_breaks(out: &mut String, n: usize) {
    for _ in 0..n {
        out.push('\n');
    }
}
