//! Key paths (DESIGN §3): where a change is, and patterns that select changes.
//!
//! Syntax: keys joined by `.`; `[N]` for a list index; `[key=value]` for a list item
//! matched by an identity key; `[apiVersion/kind/namespace/name]` for a list item
//! matched by its Kubernetes identity. A key that is empty or contains `.`, `[`, `]`,
//! `"`, `=` or white space is double-quoted (`\"` and `\\` escape inside quotes):
//! `metadata.annotations."app.kubernetes.io/name"`. Inside brackets only `[`, `]`, `=`,
//! `"` and white space force quotes, so `[name=nginx.conf]` stays readable.
//!
//! Patterns ([`KeyPattern`]) add `*` (any one segment, key or bracket), `[*]` (any one
//! list item) and `**` (any number of segments, none included). They are used for
//! `ignore` rules and severity rules.
//!
//! This file reads and writes paths and the syntax patterns share, and looks values up
//! by path; matching and selecting with patterns is in `pattern`.

mod pattern;

use std::fmt;

pub use pattern::KeyPattern;

/// One step of a [`KeyPath`].
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Segment {
    /// A mapping key.
    Key(String),
    /// A list index.
    Index(usize),
    /// A list item whose identity key `key` has the value `value`.
    Match {
        /// The identity key (`name`, `id`, ...).
        key: String,
        /// Its value, as text.
        value: String,
    },
    /// A list item matched by its Kubernetes identity (`v1/Service/prod/web`).
    Object(String),
}

/// A parsed key path.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct KeyPath {
    /// The segments, outermost first; empty for a whole document.
    pub segments: Vec<Segment>,
}

/// A key path or pattern that does not parse.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("bad key path `{path}`: {message}")]
pub struct KeyPathError {
    /// The text given.
    pub path: String,
    /// What is wrong.
    pub message: String,
}

impl KeyPath {
    /// Returns the path written as `text` (wildcards are plain keys here).
    pub fn parse(text: &str) -> Result<KeyPath, KeyPathError> {
        let parts = parse_parts(text)?;
        let segments = parts
            .into_iter()
            .map(|p| match p {
                Part::Seg(s) => s,
                Part::Star => Segment::Key("*".into()),
                Part::StarStar => Segment::Key("**".into()),
                Part::AnyItem => Segment::Object("*".into()),
            })
            .collect();
        Ok(KeyPath { segments })
    }
}

impl fmt::Display for KeyPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, s) in self.segments.iter().enumerate() {
            match s {
                Segment::Key(k) => {
                    if i > 0 {
                        f.write_str(".")?;
                    }
                    write_key(f, k)?;
                }
                Segment::Index(n) => write!(f, "[{n}]")?,
                Segment::Match { key, value } => {
                    f.write_str("[")?;
                    write_bracketed(f, key)?;
                    f.write_str("=")?;
                    write_bracketed(f, value)?;
                    f.write_str("]")?;
                }
                Segment::Object(id) => {
                    f.write_str("[")?;
                    write_bracketed(f, id)?;
                    f.write_str("]")?;
                }
            }
        }
        Ok(())
    }
}

/// Returns whether a key must be quoted outside brackets.
pub(crate) fn key_needs_quotes(k: &str) -> bool {
    k.is_empty()
        || k == "*"
        || k == "**"
        || k.chars().any(|c| {
            matches!(c, '.' | '[' | ']' | '"' | '=') || c.is_whitespace() || c.is_control()
        })
}

fn bracket_needs_quotes(v: &str) -> bool {
    v.is_empty()
        || v == "*"
        || v.chars()
            .any(|c| matches!(c, '[' | ']' | '"' | '=') || c.is_whitespace() || c.is_control())
}

/// Writes a mapping key, quoted when needed.
pub(crate) fn write_key(f: &mut dyn fmt::Write, k: &str) -> fmt::Result {
    if key_needs_quotes(k) {
        write_quoted(f, k)
    } else {
        f.write_str(k)
    }
}

/// Writes the text inside brackets, quoted when needed.
pub(crate) fn write_bracketed(f: &mut dyn fmt::Write, v: &str) -> fmt::Result {
    if bracket_needs_quotes(v) {
        write_quoted(f, v)
    } else {
        f.write_str(v)
    }
}

fn write_quoted(f: &mut dyn fmt::Write, s: &str) -> fmt::Result {
    f.write_char('"')?;
    for c in s.chars() {
        match c {
            '"' => f.write_str("\\\"")?,
            '\\' => f.write_str("\\\\")?,
            '\n' => f.write_str("\\n")?,
            '\t' => f.write_str("\\t")?,
            '\r' => f.write_str("\\r")?,
            c if c.is_control() => write!(f, "\\u{{{:x}}}", c as u32)?,
            c => f.write_char(c)?,
        }
    }
    f.write_char('"')
}

/// A parsed piece of a path or pattern.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Part {
    Seg(Segment),
    /// `*`: any one segment.
    Star,
    /// `**`: any number of segments.
    StarStar,
    /// `[*]`: any one list item.
    AnyItem,
}

fn parse_parts(text: &str) -> Result<Vec<Part>, KeyPathError> {
    let err = |message: &str| KeyPathError {
        path: text.to_string(),
        message: message.to_string(),
    };
    let chars: Vec<char> = text.chars().collect();
    let mut parts = Vec::new();
    let mut i = 0;
    // Whether a `.` is required (or allowed) before the next key.
    let mut after_segment = false;
    while i < chars.len() {
        match chars.get(i) {
            Some('.') => {
                if !after_segment {
                    return Err(err("empty key before `.`"));
                }
                i += 1;
                if i >= chars.len() {
                    return Err(err("the path ends with `.`"));
                }
                if chars.get(i) == Some(&'[') || chars.get(i) == Some(&'.') {
                    return Err(err("empty key after `.`"));
                }
                after_segment = false;
            }
            Some('[') => {
                i += 1;
                let (first, quoted_first) = read_bracket_text(&chars, &mut i, &err)?;
                let part = match chars.get(i) {
                    Some(']') => {
                        i += 1;
                        if !quoted_first && first == "*" {
                            Part::AnyItem
                        } else if !quoted_first
                            && !first.is_empty()
                            && first.chars().all(|c| c.is_ascii_digit())
                        {
                            let n = first.parse().map_err(|_| err("list index too large"))?;
                            Part::Seg(Segment::Index(n))
                        } else if first.is_empty() && !quoted_first {
                            return Err(err("empty `[]`"));
                        } else {
                            Part::Seg(Segment::Object(first))
                        }
                    }
                    Some('=') => {
                        i += 1;
                        let (value, _) = read_bracket_text(&chars, &mut i, &err)?;
                        if chars.get(i) != Some(&']') {
                            return Err(err("expected `]`"));
                        }
                        i += 1;
                        Part::Seg(Segment::Match { key: first, value })
                    }
                    _ => return Err(err("unclosed `[`")),
                };
                parts.push(part);
                after_segment = true;
            }
            Some(']') => return Err(err("unexpected `]`")),
            Some(_) => {
                if after_segment {
                    return Err(err("expected `.` or `[` between segments"));
                }
                let part = if chars.get(i) == Some(&'"') {
                    i += 1;
                    Part::Seg(Segment::Key(read_quoted(&chars, &mut i, &err)?))
                } else {
                    let start = i;
                    while let Some(&c) = chars.get(i) {
                        if matches!(c, '.' | '[') {
                            break;
                        }
                        if matches!(c, ']' | '"' | '=') || c.is_whitespace() {
                            return Err(err(&format!("`{c}` in a key: quote the key")));
                        }
                        i += 1;
                    }
                    let key: String = chars.get(start..i).unwrap_or_default().iter().collect();
                    match key.as_str() {
                        "*" => Part::Star,
                        "**" => Part::StarStar,
                        _ => Part::Seg(Segment::Key(key)),
                    }
                };
                parts.push(part);
                after_segment = true;
            }
            None => break,
        }
    }
    Ok(parts)
}

/// Reads a quoted string; `i` is just after the opening quote and ends after the
/// closing one.
fn read_quoted(
    chars: &[char],
    i: &mut usize,
    err: &dyn Fn(&str) -> KeyPathError,
) -> Result<String, KeyPathError> {
    let mut out = String::new();
    loop {
        match chars.get(*i) {
            None => return Err(err("unterminated quote")),
            Some('"') => {
                *i += 1;
                return Ok(out);
            }
            Some('\\') => {
                *i += 1;
                match chars.get(*i) {
                    Some('"') => out.push('"'),
                    Some('\\') => out.push('\\'),
                    Some('n') => out.push('\n'),
                    Some('t') => out.push('\t'),
                    Some('r') => out.push('\r'),
                    Some('u') => {
                        // \u{hex}
                        if chars.get(*i + 1) != Some(&'{') {
                            return Err(err("expected `{` after `\\u`"));
                        }
                        let start = *i + 2;
                        let end = (start..chars.len())
                            .find(|&j| chars.get(j) == Some(&'}'))
                            .ok_or_else(|| err("unterminated `\\u{`"))?;
                        let hex: String =
                            chars.get(start..end).unwrap_or_default().iter().collect();
                        let c = u32::from_str_radix(&hex, 16)
                            .ok()
                            .and_then(char::from_u32)
                            .ok_or_else(|| err("bad `\\u{...}` escape"))?;
                        out.push(c);
                        *i = end;
                    }
                    _ => return Err(err("unknown escape in a quoted key")),
                }
                *i += 1;
            }
            Some(&c) => {
                out.push(c);
                *i += 1;
            }
        }
    }
}

/// Reads bracket text up to `=` or `]` (not consumed); returns it and whether it was
/// quoted.
fn read_bracket_text(
    chars: &[char],
    i: &mut usize,
    err: &dyn Fn(&str) -> KeyPathError,
) -> Result<(String, bool), KeyPathError> {
    if chars.get(*i) == Some(&'"') {
        *i += 1;
        return Ok((read_quoted(chars, i, err)?, true));
    }
    let start = *i;
    while let Some(&c) = chars.get(*i) {
        if matches!(c, '=' | ']') {
            break;
        }
        if matches!(c, '[' | '"') {
            return Err(err(&format!("`{c}` inside brackets: quote the text")));
        }
        *i += 1;
    }
    Ok((
        chars.get(start..*i).unwrap_or_default().iter().collect(),
        false,
    ))
}

/// Returns the text a scalar is matched by in `[key=value]`.
pub fn scalar_text(v: &serde_json::Value) -> Option<String> {
    match v {
        serde_json::Value::String(s) => Some(s.clone()),
        serde_json::Value::Number(n) => Some(n.to_string()),
        serde_json::Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// Returns the Kubernetes identity of an object (`apiVersion/kind/namespace/name`, or
/// `apiVersion/kind/name` without a namespace), as documents and list items are named.
pub fn object_id(v: &serde_json::Value) -> Option<String> {
    fn s<'a>(v: &'a serde_json::Value, key: &str) -> Option<&'a str> {
        v.get(key).and_then(|v| v.as_str())
    }
    let api = s(v, "apiVersion")?;
    let kind = s(v, "kind")?;
    let meta = v.get("metadata")?;
    let name = s(meta, "name")?;
    Some(match s(meta, "namespace") {
        Some(ns) => format!("{api}/{kind}/{ns}/{name}"),
        None => format!("{api}/{kind}/{name}"),
    })
}

/// Returns whether list item `item` is the one `seg` names.
pub(crate) fn item_is(seg: &Segment, item: &serde_json::Value) -> bool {
    match seg {
        Segment::Match { key, value } => {
            item.get(key.as_str()).and_then(scalar_text).as_deref() == Some(value.as_str())
        }
        Segment::Object(id) => object_id(item).as_deref() == Some(id.as_str()),
        _ => false,
    }
}

/// Returns the value at `path` inside `value`.
pub fn value_at<'v>(
    value: &'v serde_json::Value,
    path: &[Segment],
) -> Option<&'v serde_json::Value> {
    let mut v = value;
    for seg in path {
        v = match seg {
            Segment::Key(k) => v.get(k.as_str())?,
            Segment::Index(n) => v.as_array()?.get(*n)?,
            Segment::Match { .. } | Segment::Object(_) => {
                v.as_array()?.iter().find(|item| item_is(seg, item))?
            }
        };
    }
    Some(v)
}

#[cfg(test)]
mod tests;
