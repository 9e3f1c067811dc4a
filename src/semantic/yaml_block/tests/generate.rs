//! Random block YAML for the property test: nested mappings and sequences (indented and
//! Kubernetes-style), `- key: v` items, tricky keys and scalars in every style, comments,
//! blank lines, trailing spaces, several documents; a quarter of them then broken by one
//! random edit of a line.

use proptest::prelude::*;

/// Scalars as text, the first `SAFE_SCALARS` of them plain scalars in block context;
/// how each is written (plain, quoted, block) is chosen when rendering.
const SCALARS: &[&str] = &[
    "a",
    "value",
    "a b  c",
    "a:b",
    "http://x:80/y?q=1#f",
    "a#b",
    "-1",
    "--x",
    "---",
    "...",
    "yes",
    "on",
    "~",
    "null",
    "1.0",
    "0x1F",
    "1e3",
    "it's",
    "say \"hi\"",
    "back\\slash",
    "ü日本",
    "x, y",
    "?x",
    ":x",
    "",
    " lead",
    "trail ",
    "line one\nline two",
    "para\n\nafter blank",
    "one\ntwo\nthree",
    // Not plain scalars, or not these.
    "a: b",
    "a:",
    "a #b",
    "#x",
    "-",
    "- x",
    "{}",
    "[]",
    "[x]",
    "{x}",
    "@x",
    "`x",
    "%x",
    "!x",
    "&x",
    "*x",
    "|",
    ">",
    "? x",
    "  indented\nback",
    "trailing newline\n",
    "two\n\n",
    "tab\there",
];
const SAFE_SCALARS: usize = 30;

/// Keys, the first `SAFE_KEYS` of them plain keys.
const KEYS: &[&str] = &[
    "a",
    "b",
    "name",
    "image",
    "key with space",
    "a:b",
    "http://x",
    "-k",
    "k#x",
    "ü",
    "on",
    "1",
    "x: y",
    "- x",
    "?",
    "'q'",
    "",
    "<<",
];
const SAFE_KEYS: usize = 12;

/// A document's data.
#[derive(Debug, Clone)]
pub(super) enum Tree {
    Scalar(usize),
    Map(Vec<(usize, Tree)>),
    Seq(Vec<Tree>),
}

/// Returns random block YAML text.
pub(super) fn document() -> impl Strategy<Value = String> {
    let leaf = prop_oneof![3 => 0..SAFE_SCALARS, 1 => 0..SCALARS.len()].prop_map(Tree::Scalar);
    let key = || prop_oneof![6 => 0..SAFE_KEYS, 1 => 0..KEYS.len()];
    let node = leaf.prop_recursive(5, 48, 5, move |inner| {
        prop_oneof![
            prop::collection::vec((key(), inner.clone()), 0..5).prop_map(Tree::Map),
            prop::collection::vec(inner, 0..5).prop_map(Tree::Seq),
        ]
    });
    (prop::collection::vec(node, 1..3), any::<u64>()).prop_map(|(docs, seed)| {
        let mut out = Out {
            text: String::new(),
            rng: seed | 1,
        };
        out.documents(&docs);
        out.text
    })
}

/// The text being written and the generator of its choices.
struct Out {
    text: String,
    rng: u64,
}

impl Out {
    /// Returns a random number below `n` (xorshift).
    fn below(&mut self, n: usize) -> usize {
        self.rng ^= self.rng << 13;
        self.rng ^= self.rng >> 7;
        self.rng ^= self.rng << 17;
        (self.rng % n as u64) as usize
    }

    /// Returns true one time in `n`.
    fn one_in(&mut self, n: usize) -> bool {
        self.below(n) == 0
    }

    fn spaces(&mut self, n: usize) {
        self.text.extend(std::iter::repeat_n(' ', n));
    }

    /// Ends a line, sometimes with trailing spaces or a comment.
    fn eol(&mut self) {
        match self.below(8) {
            0 => self.text.push_str("  "),
            1 => self.text.push_str(" # note: x"),
            2 => self.text.push_str("   #"),
            _ => {}
        }
        self.text.push('\n');
        // Blank and comment lines between lines.
        match self.below(12) {
            0 => self.text.push('\n'),
            1 => self.text.push_str("# comment\n"),
            2 => {
                let n = self.below(6);
                self.spaces(n);
                self.text.push_str("# indented comment\n");
            }
            3 => self.text.push_str("   \n"),
            _ => {}
        }
    }

    fn documents(&mut self, docs: &[Tree]) {
        for (i, d) in docs.iter().enumerate() {
            if i > 0 || self.one_in(3) {
                self.text.push_str("---");
                self.eol();
            }
            let indent = if self.one_in(8) { 2 } else { 0 };
            self.root(d, indent);
            if self.one_in(6) {
                self.text.push_str("...");
                self.eol();
            }
        }
        if self.one_in(4) {
            self.mutate();
        }
    }

    fn root(&mut self, t: &Tree, indent: usize) {
        match t {
            Tree::Map(m) if !m.is_empty() => self.block(t, indent),
            Tree::Seq(s) if !s.is_empty() => self.block(t, indent),
            _ => {
                self.spaces(indent);
                self.inline(t, indent);
            }
        }
    }

    /// Writes a non-empty collection on lines of its own at `indent`.
    fn block(&mut self, t: &Tree, indent: usize) {
        match t {
            Tree::Map(entries) => {
                for (k, v) in entries {
                    self.spaces(indent);
                    self.key(*k);
                    self.value(v, indent);
                }
            }
            Tree::Seq(items) => {
                for item in items {
                    self.spaces(indent);
                    self.text.push('-');
                    self.item(item, indent);
                }
            }
            Tree::Scalar(_) => self.inline(t, indent),
        }
    }

    fn key(&mut self, k: usize) {
        let key = KEYS.get(k).copied().unwrap_or("k");
        match self.below(10) {
            0 => self.single(key),
            1 => self.double(key),
            _ => self.text.push_str(key),
        }
        if self.one_in(10) {
            self.text.push(' ');
        }
        self.text.push(':');
    }

    /// Writes the value after `key:` of a mapping at `indent`.
    fn value(&mut self, v: &Tree, indent: usize) {
        match v {
            Tree::Map(m) if !m.is_empty() => {
                self.eol();
                let step = 1 + self.below(4);
                self.block(v, indent + step);
            }
            Tree::Seq(s) if !s.is_empty() => {
                self.eol();
                let step = if self.one_in(2) { 0 } else { 1 + self.below(3) };
                self.block(v, indent + step);
            }
            _ if self.one_in(8) => self.next_line(v, indent),
            _ => {
                let n = 1 + usize::from(self.one_in(6));
                self.spaces(n);
                self.inline(v, indent);
            }
        }
    }

    /// Writes a scalar or empty collection on the line after its key or `-`, deeper
    /// than the collection at `indent`.
    fn next_line(&mut self, v: &Tree, indent: usize) {
        self.eol();
        let n = indent + 1 + self.below(3);
        self.spaces(n);
        self.inline(v, indent);
    }

    /// Writes the item after a `-` of a sequence at `indent`.
    fn item(&mut self, v: &Tree, indent: usize) {
        match v {
            Tree::Map(m) if !m.is_empty() && !self.one_in(4) => {
                // `- key: v`, the rest of the mapping under the key.
                let pad = 1 + usize::from(self.one_in(5));
                self.spaces(pad);
                for (i, (k, val)) in m.iter().enumerate() {
                    if i > 0 {
                        self.spaces(indent + 1 + pad);
                    }
                    self.key(*k);
                    self.value(val, indent + 1 + pad);
                }
            }
            Tree::Map(m) if !m.is_empty() => {
                self.eol();
                let step = 1 + self.below(3);
                self.block(v, indent + step);
            }
            Tree::Seq(s) if !s.is_empty() => {
                if self.one_in(5) {
                    self.text.push(' ');
                    self.block(v, indent + 2);
                } else {
                    self.eol();
                    let step = 1 + self.below(3);
                    self.block(v, indent + step);
                }
            }
            Tree::Scalar(_) if self.one_in(10) => self.eol(),
            _ if self.one_in(8) => self.next_line(v, indent),
            _ => {
                self.text.push(' ');
                self.inline(v, indent);
            }
        }
    }

    /// Writes a scalar or an empty collection on the current line, in a collection at
    /// `indent`, and ends the line (a block scalar's content follows it).
    fn inline(&mut self, t: &Tree, indent: usize) {
        let s = match t {
            Tree::Map(_) => "{}",
            Tree::Seq(_) => "[]",
            Tree::Scalar(i) => SCALARS.get(*i).copied().unwrap_or(""),
        };
        if !matches!(t, Tree::Scalar(_)) {
            self.text.push_str(s);
            return self.eol();
        }
        match self.below(10) {
            0..=3 => {
                // Further lines continue a plain scalar when indented deeper.
                for (i, line) in s.split('\n').enumerate() {
                    if i > 0 {
                        self.text.push('\n');
                        if !line.is_empty() {
                            let n = indent + 1 + self.below(3);
                            self.spaces(n);
                        }
                    }
                    self.text.push_str(line);
                }
            }
            4 | 5 => self.single(s),
            6 | 7 => self.double(s),
            _ => return self.block_scalar(s, indent),
        }
        self.eol();
    }

    fn single(&mut self, s: &str) {
        self.text.push('\'');
        self.text.push_str(&s.replace('\'', "''"));
        self.text.push('\'');
    }

    fn double(&mut self, s: &str) {
        self.text.push('"');
        for c in s.chars() {
            match c {
                '"' => self.text.push_str("\\\""),
                '\\' => self.text.push_str("\\\\"),
                '\n' => self.text.push_str("\\n"),
                '\t' => self.text.push_str("\\t"),
                'ü' if self.one_in(2) => self.text.push_str("\\u00fc"),
                'a' if self.one_in(4) => self.text.push_str("\\x61"),
                ' ' if self.one_in(4) => self.text.push_str("\\ "),
                _ => self.text.push(c),
            }
        }
        self.text.push('"');
    }

    fn block_scalar(&mut self, s: &str, indent: usize) {
        let indicator = if self.one_in(2) { '|' } else { '>' };
        self.text.push(indicator);
        let step = 1 + self.below(3);
        match self.below(6) {
            0 => self.text.push('-'),
            1 => self.text.push('+'),
            2 => self.text.push_str(&step.to_string()),
            _ => {}
        }
        self.eol();
        for line in s.split('\n') {
            if !line.is_empty() || self.one_in(3) {
                self.spaces(indent + step);
            }
            self.text.push_str(line);
            self.text.push('\n');
        }
        if self.one_in(4) {
            self.text.push('\n');
        }
    }

    /// Breaks the text by one random edit of one line.
    fn mutate(&mut self) {
        let mut lines: Vec<String> = self.text.split('\n').map(String::from).collect();
        let i = self.below(lines.len());
        let edit = self.below(7);
        let Some(line) = lines.get_mut(i) else {
            return;
        };
        match edit {
            0 => line.insert(0, ' '),
            1 => {
                if line.starts_with(' ') {
                    line.remove(0);
                }
            }
            2 => {
                let copy = line.clone();
                lines.insert(i, copy);
            }
            3 => {
                lines.remove(i);
            }
            _ => {
                let chars = ":#-'\"{}[]|>&*! \t?";
                let c = chars.chars().nth(self.below(chars.len())).unwrap_or(':');
                let at = self.below(line.len() + 1);
                if line.is_char_boundary(at) {
                    line.insert(at, c);
                }
            }
        }
        self.text = lines.join("\n");
    }
}
