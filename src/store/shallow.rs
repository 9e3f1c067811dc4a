//! JSON that is pretty to a given depth and compact below it: a proposal's outline
//! (requester, candidate baseline, summary) reads as usual, and each of its files is
//! one line, so a change set of 100,000 files is a file of 100,000 short lines rather
//! than millions of indented ones.

use std::io::{self, Write};

use serde_json::ser::{CompactFormatter, Formatter};

/// A `serde_json` formatter that indents by two spaces the containers of the first
/// `levels` levels of nesting and writes deeper ones compactly.
pub(super) struct Shallow {
    levels: usize,
    /// How deep the container being written is (1 for the outermost).
    depth: usize,
    /// Whether the container being written has had a value (as `PrettyFormatter`).
    has_value: bool,
}

impl Shallow {
    pub(super) fn new(levels: usize) -> Shallow {
        Shallow {
            levels,
            depth: 0,
            has_value: false,
        }
    }

    /// Whether the container at `depth` is indented.
    fn pretty(&self, depth: usize) -> bool {
        depth <= self.levels
    }

    fn line<W: ?Sized + Write>(&self, w: &mut W, depth: usize) -> io::Result<()> {
        w.write_all(b"\n")?;
        for _ in 0..depth {
            w.write_all(b"  ")?;
        }
        Ok(())
    }

    fn begin<W: ?Sized + Write>(&mut self, w: &mut W, open: &[u8]) -> io::Result<()> {
        self.depth += 1;
        self.has_value = false;
        w.write_all(open)
    }

    fn end<W: ?Sized + Write>(&mut self, w: &mut W, close: &[u8]) -> io::Result<()> {
        let depth = self.depth;
        self.depth -= 1;
        if self.has_value && self.pretty(depth) {
            self.line(w, self.depth)?;
        }
        w.write_all(close)
    }

    fn item<W: ?Sized + Write>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
        if !first {
            w.write_all(b",")?;
        }
        if self.pretty(self.depth) {
            self.line(w, self.depth)?;
        }
        Ok(())
    }
}

impl Formatter for Shallow {
    fn begin_array<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.begin(w, b"[")
    }

    fn end_array<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.end(w, b"]")
    }

    fn begin_array_value<W: ?Sized + Write>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
        self.item(w, first)
    }

    fn end_array_value<W: ?Sized + Write>(&mut self, _: &mut W) -> io::Result<()> {
        self.has_value = true;
        Ok(())
    }

    fn begin_object<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.begin(w, b"{")
    }

    fn end_object<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.end(w, b"}")
    }

    fn begin_object_key<W: ?Sized + Write>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
        self.item(w, first)
    }

    fn begin_object_value<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        if self.pretty(self.depth) {
            w.write_all(b": ")
        } else {
            CompactFormatter.begin_object_value(w)
        }
    }

    fn end_object_value<W: ?Sized + Write>(&mut self, _: &mut W) -> io::Result<()> {
        self.has_value = true;
        Ok(())
    }
}

/// Writes `value` as JSON indented for `levels` levels of nesting.
pub(super) fn to_writer<T: serde::Serialize + ?Sized, W: Write>(
    w: W,
    value: &T,
    levels: usize,
) -> serde_json::Result<()> {
    let mut ser = serde_json::Serializer::with_formatter(w, Shallow::new(levels));
    value.serialize(&mut ser)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(value: &serde_json::Value, levels: usize) -> String {
        let mut out = Vec::new();
        to_writer(&mut out, value, levels).unwrap();
        String::from_utf8(out).unwrap()
    }

    fn sample() -> serde_json::Value {
        serde_json::json!({
            "id": "a1",
            "empty": {}, "none": [],
            "changes": {"files": [
                {"path": "a.yaml", "changes": [{"kind": "added", "old": null}]},
                {"path": "b.json", "changes": []}
            ]},
            "s": "x\ny é"
        })
    }

    #[test]
    fn deep_enough_it_is_serde_json_pretty() {
        let v = sample();
        assert_eq!(
            text(&v, usize::MAX),
            serde_json::to_string_pretty(&v).unwrap()
        );
        assert_eq!(text(&v, 0), serde_json::to_string(&v).unwrap());
    }

    #[test]
    fn below_the_levels_each_value_is_one_line() {
        let v = sample();
        let t = text(&v, 3);
        assert_eq!(
            t,
            r#"{
  "changes": {
    "files": [
      {"changes":[{"kind":"added","old":null}],"path":"a.yaml"},
      {"changes":[],"path":"b.json"}
    ]
  },
  "empty": {},
  "id": "a1",
  "none": [],
  "s": "x\ny é"
}"#
        );
        let back: serde_json::Value = serde_json::from_str(&t).unwrap();
        assert_eq!(back, v);
    }
}
