//! TOML: the `toml` crate's spanned document loaded into the value model.
//!
//! `toml::de::DeTable` keeps the raw text of numbers (so they stay exact) and a byte
//! span for every key and value; spans become lines and columns here. Integers and
//! floats are one kind of number, as in YAML and JSON (`1.0` = `1`); dates and times
//! are their own kind, normalized by `toml_datetime`'s display (`T` separator, upper
//! case `Z`, trailing zeros of fractions dropped).
//!
//! The crate implements TOML 1.1, so a few documents that TOML 1.0 rejects (inline
//! tables over several lines, `\e` and `\x` escapes, times without seconds) are
//! accepted.

use toml::Spanned;
use toml::de::{DeTable, DeValue};

use super::ParseError;
use super::number::{self, Number};
use super::value::{Builder, Doc, Kind, MAX_INPUT, Node};

/// Returns the document of the TOML file `bytes`.
pub(crate) fn parse(bytes: &[u8]) -> Result<Doc, ParseError> {
    if bytes.len() > MAX_INPUT {
        return Err(ParseError::new("file too large to parse"));
    }
    let text = std::str::from_utf8(bytes).map_err(|e| {
        let lines = Lines::new(bytes);
        let (line, col) = lines.position(e.valid_up_to());
        ParseError {
            message: "invalid UTF-8".into(),
            line: Some(line as usize),
            column: Some(col as usize),
        }
    })?;
    let lines = Lines::new(bytes);
    let table = DeTable::parse(text).map_err(|e| {
        let message = e
            .message()
            .trim()
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .collect::<Vec<_>>()
            .join("; ");
        let (line, column) = match e.span() {
            Some(span) => {
                let (l, c) = lines.position(span.start);
                (Some(l as usize), Some(c as usize))
            }
            None => (None, None),
        };
        ParseError {
            message,
            line,
            column,
        }
    })?;
    let mut b = Builder::new();
    let (line, col) = lines.position(table.span().start);
    let root = table_node(&mut b, &lines, table.get_ref(), line, col)?;
    b.value(root, 1);
    b.finish()
}

fn table_node(
    b: &mut Builder,
    lines: &Lines,
    table: &DeTable<'_>,
    line: u32,
    col: u32,
) -> Result<Node, ParseError> {
    b.begin(true, line, col)?;
    for (k, v) in table {
        let (kl, kc) = lines.position(k.span().start);
        b.key(k.get_ref(), kl, kc);
        let node = value_node(b, lines, v)?;
        b.value(node, 1);
    }
    Ok(b.end()?.0)
}

fn value_node(
    b: &mut Builder,
    lines: &Lines,
    v: &Spanned<DeValue<'_>>,
) -> Result<Node, ParseError> {
    let (line, col) = lines.position(v.span().start);
    let node = match v.get_ref() {
        DeValue::String(s) => b.doc.string(s),
        DeValue::Boolean(x) => Node::bool(*x),
        DeValue::Integer(i) => {
            let text = i.as_str();
            let (negative, digits) = match text.as_bytes().first() {
                Some(b'-') => (true, text.get(1..).unwrap_or_default()),
                Some(b'+') => (false, text.get(1..).unwrap_or_default()),
                _ => (false, text),
            };
            let n = if i.radix() == 10 {
                number::decimal(negative, digits, "", None).ok()
            } else {
                number::radix_integer(negative, digits, i.radix())
            };
            let n = n.ok_or_else(|| ParseError::at("invalid integer", line, col))?;
            b.doc.number(n)
        }
        DeValue::Float(f) => {
            float_node(b, f.as_str()).ok_or_else(|| ParseError::at("invalid float", line, col))?
        }
        DeValue::Datetime(d) => {
            let (a, len) = b.doc.push_text(&d.to_string());
            Node::new(Kind::DateTime, a, len)
        }
        DeValue::Array(items) => {
            b.begin(false, line, col)?;
            for item in items {
                let n = value_node(b, lines, item)?;
                b.value(n, 1);
            }
            b.end()?.0
        }
        DeValue::Table(t) => table_node(b, lines, t, line, col)?,
    };
    Ok(node.at(line, col))
}

/// Returns the node of a TOML float's text (`1.5`, `-2e3`, `inf`, `-nan`).
fn float_node(b: &mut Builder, text: &str) -> Option<Node> {
    let text = text.replace('_', "");
    let (negative, rest) = match text.as_bytes().first() {
        Some(b'-') => (true, text.get(1..)?),
        Some(b'+') => (false, text.get(1..)?),
        _ => (false, text.as_str()),
    };
    match rest {
        "inf" => return Some(Node::new(Kind::Special, u32::from(negative), 0)),
        // NaN has no meaningful sign; `-nan` and `nan` are the same value here.
        "nan" => return Some(Node::new(Kind::Special, 2, 0)),
        _ => {}
    }
    let (mantissa, exponent) = match rest.find(['e', 'E']) {
        Some(i) => (rest.get(..i)?, Some(rest.get(i + 1..)?)),
        None => (rest, None),
    };
    let (int, frac) = match mantissa.find('.') {
        Some(i) => (mantissa.get(..i)?, mantissa.get(i + 1..)?),
        None => (mantissa, ""),
    };
    let n: Number = number::decimal(negative, int, frac, exponent).ok()?;
    Some(b.doc.number(n))
}

/// Line starts of a file, to turn byte offsets into lines and columns.
struct Lines {
    starts: Vec<usize>,
}

impl Lines {
    fn new(bytes: &[u8]) -> Lines {
        let mut starts = vec![0];
        starts.extend(memchr_newlines(bytes));
        Lines { starts }
    }

    /// Returns the 1-based line and byte column of `offset`.
    fn position(&self, offset: usize) -> (u32, u32) {
        let line = self.starts.partition_point(|&s| s <= offset);
        let start = self
            .starts
            .get(line.saturating_sub(1))
            .copied()
            .unwrap_or(0);
        (
            u32::try_from(line).unwrap_or(u32::MAX),
            u32::try_from(offset - start + 1).unwrap_or(u32::MAX),
        )
    }
}

fn memchr_newlines(bytes: &[u8]) -> impl Iterator<Item = usize> + '_ {
    bytes
        .iter()
        .enumerate()
        .filter(|(_, c)| **c == b'\n')
        .map(|(i, _)| i + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load(s: &str) -> Doc {
        parse(s.as_bytes()).unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn values_and_lines() {
        let d = load(
            "title = \"x\"\n[server]\nport = 8_080\nratio = 1.50\nhex = 0xff\nwhen = 1979-05-27 07:32:00z\n[[items]]\nname = \"a\"\n",
        );
        let r = d.roots[0];
        let s = d.get(&r, "server").unwrap();
        let port = d.get(s, "port").unwrap();
        assert_eq!((port.int_value(), port.line), (8080, 3));
        assert_eq!(d.str(d.get(s, "ratio").unwrap()), "1.5");
        assert_eq!(d.get(s, "hex").unwrap().int_value(), 255);
        assert_eq!(d.str(d.get(s, "when").unwrap()), "1979-05-27T07:32:00Z");
        let items = d.get(&r, "items").unwrap();
        assert_eq!(d.children(items)[0].kind, Kind::Map);
    }

    #[test]
    fn floats() {
        let d = load("a = 1.0\nb = -inf\nc = nan\nd = 6.626e-34\n");
        let r = d.roots[0];
        assert_eq!(d.get(&r, "a").unwrap().int_value(), 1);
        assert_eq!(d.get(&r, "b").unwrap().a, 1);
        assert_eq!(d.get(&r, "c").unwrap().a, 2);
        assert_eq!(d.str(d.get(&r, "d").unwrap()), "6.626e-34");
    }

    #[test]
    fn errors_have_positions() {
        let e = parse(b"a = 1\nb = \n").unwrap_err();
        assert_eq!(e.line, Some(2));
        assert!(!e.message.contains('\n'));
        let e = parse(b"a = 1\na = 2\n").unwrap_err();
        assert_eq!(e.line, Some(2));
    }

    #[test]
    fn deep_nesting_is_an_error() {
        let s = format!("a = {}", "[".repeat(100_000));
        assert!(parse(s.as_bytes()).is_err());
    }
}
