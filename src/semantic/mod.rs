//! The semantic engine: YAML, JSON and TOML as data (DESIGN §3).
//!
//! Pure: parses bytes into one value model, writes its canonical form, and compares two
//! parsed files into key-path changes. No I/O, no printing, no configuration files.
//!
//! - `value`: the compact arena model every format loads into;
//! - `yaml`, `json`, `toml`: the loaders (`number`: exact numbers for all three;
//!   `yaml_block`: the fast event source for block-style YAML);
//! - `canonical`: the canonical form, its hash is the semantic hash (`canonical_text`:
//!   the text of one node); `redact`: secrets;
//! - `diff`: the comparison (`lines`: line diffs of texts); `keypath`: key paths and
//!   wildcard patterns.

mod canonical;
mod canonical_text;
pub mod cfg;
mod diff;
mod json;
pub mod keypath;
mod lines;
mod number;
mod redact;
#[cfg(test)]
mod test_corpus;
mod toml;
mod value;
mod yaml;
mod yaml11;
mod yaml_block;

use std::fmt;
use std::path::Path;

pub use keypath::{KeyPath, KeyPathError, KeyPattern, Segment};
pub use lines::line_diff_of;
pub use redact::{
    DEFAULT_SECRET_WORDS, Hunk, SecretKey, TEXT_HEADER, key_looks_secret, masked_hunks,
    masked_text, redact_message, stored_text,
};

/// The version of the canonical form (its first line); canonical hashes computed under
/// another version are not comparable.
pub const CANONICAL_FORMAT: &str = "driftgate-canonical/1";

use crate::change::Change;

/// How a file's bytes are interpreted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Format {
    /// YAML 1.2, possibly several documents.
    Yaml,
    /// Strict JSON.
    Json,
    /// TOML 1.0.
    Toml,
    /// UTF-8 text without NUL bytes: compared line by line.
    Text,
    /// Anything else: compared by hash only.
    Binary,
}

impl Format {
    /// Returns the format named `name` in driftgate.toml (`yaml`, `json`, ...).
    pub fn from_name(name: &str) -> Option<Format> {
        Some(match name {
            "yaml" => Format::Yaml,
            "json" => Format::Json,
            "toml" => Format::Toml,
            "text" => Format::Text,
            "binary" => Format::Binary,
            _ => return None,
        })
    }

    /// Returns the name used in config, baselines and reports.
    pub fn name(self) -> &'static str {
        match self {
            Format::Yaml => "yaml",
            Format::Json => "json",
            Format::Toml => "toml",
            Format::Text => "text",
            Format::Binary => "binary",
        }
    }

    /// Returns the structured format implied by the extension of `path`, if any.
    pub fn from_extension(path: &Path) -> Option<Format> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        match ext.as_str() {
            "yaml" | "yml" => Some(Format::Yaml),
            "json" => Some(Format::Json),
            "toml" => Some(Format::Toml),
            _ => None,
        }
    }

    /// Returns `Text` or `Binary` from a file's leading bytes.
    pub fn sniff(prefix: &[u8]) -> Format {
        // A NUL byte, or bytes that are not UTF-8 (a cut multi-byte sequence at the very
        // end of the prefix excepted), mean binary, like git and ripgrep decide.
        if prefix.contains(&0) {
            return Format::Binary;
        }
        match std::str::from_utf8(prefix) {
            Ok(_) => Format::Text,
            Err(e) if e.error_len().is_none() => Format::Text,
            Err(_) => Format::Binary,
        }
    }

    /// Returns whether files of this format are parsed into data.
    pub fn is_structured(self) -> bool {
        matches!(self, Format::Yaml | Format::Json | Format::Toml)
    }
}

/// A structured file that does not parse: the parser's message and position.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    /// One line, lowercase where the parser allows.
    pub message: String,
    /// 1-based line, when known.
    pub line: Option<usize>,
    /// 1-based column, when known.
    pub column: Option<usize>,
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.line, self.column) {
            (Some(l), Some(c)) => write!(f, "line {l}, column {c}: {}", self.message),
            (Some(l), None) => write!(f, "line {l}: {}", self.message),
            _ => f.write_str(&self.message),
        }
    }
}

impl std::error::Error for ParseError {}

impl ParseError {
    /// Returns an error without a position.
    pub(crate) fn new(message: impl Into<String>) -> ParseError {
        ParseError {
            message: message.into(),
            line: None,
            column: None,
        }
    }

    /// Returns an error at 1-based `line` and `column` (0 means unknown).
    pub(crate) fn at(message: impl Into<String>, line: u32, column: u32) -> ParseError {
        ParseError {
            message: message.into(),
            line: (line > 0).then_some(line as usize),
            column: (column > 0).then_some(column as usize),
        }
    }
}

/// Settings of a comparison, from `[compare]` and `[redact]` of driftgate.toml.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Keys that identify items of a list of mappings, tried in order.
    pub identity_keys: Vec<String>,
    /// Words of secret-looking keys (see `redact`).
    pub redact_keys: Vec<String>,
    /// Key paths (with `*` and `**` wildcards) whose changes are not reported.
    pub ignore_keys: Vec<String>,
    /// The repository's key for secret hashes (unkeyed when not set).
    pub secret_key: SecretKey,
}

/// A parsed structured file: zero or more documents (YAML streams may hold several;
/// JSON and TOML files hold one).
#[derive(Debug, Clone)]
pub struct Parsed {
    doc: value::Doc,
}

/// Returns the parsed documents of `bytes` read as `format`.
///
/// `Text` and `Binary` are not structured and always fail.
pub fn parse(bytes: &[u8], format: Format) -> Result<Parsed, ParseError> {
    // Parser messages may quote the line they stopped at.
    let quiet = |mut e: ParseError| {
        let options = Options {
            redact_keys: DEFAULT_SECRET_WORDS.iter().map(|w| w.to_string()).collect(),
            ..Options::default()
        };
        e.message = redact_message(&e.message, &options);
        e
    };
    let doc = match format {
        Format::Yaml => yaml::parse(bytes).map_err(quiet)?,
        Format::Json => json::parse(bytes, json::Mode::Single).map_err(quiet)?,
        Format::Toml => toml::parse(bytes).map_err(quiet)?,
        Format::Text | Format::Binary => {
            return Err(ParseError::new(format!(
                "{} is not a structured format",
                format.name()
            )));
        }
    };
    Ok(Parsed { doc })
}

/// Returns one document per JSON text in `bytes`: a sequence of JSON texts separated
/// by white space (as in JSON Lines), possibly none.
pub fn parse_json_sequence(bytes: &[u8]) -> Result<Parsed, ParseError> {
    Ok(Parsed {
        doc: json::parse(bytes, json::Mode::Sequence)?,
    })
}

impl Parsed {
    /// Returns the canonical form: deterministic bytes that are equal for equal data.
    ///
    /// Secret values are replaced by their keyed hash, so the canonical form may be
    /// stored. Its format is described in the `canonical` module.
    pub fn canonical(&self, options: &Options) -> Vec<u8> {
        canonical::write(&self.doc, options)
    }

    /// Returns the data of a canonical form written by [`Parsed::canonical`].
    ///
    /// The data has no positions; secrets are their hashes and compare by hash.
    pub fn from_canonical(bytes: &[u8]) -> Result<Parsed, ParseError> {
        Ok(Parsed {
            doc: canonical::read(bytes)?,
        })
    }

    /// Returns how many documents the file holds.
    pub fn documents(&self) -> usize {
        self.doc.roots.len()
    }

    /// Returns how many values (scalars and collections) the documents hold.
    pub fn values(&self) -> usize {
        self.doc.nodes.len() + self.doc.roots.len()
    }

    /// Returns the same data as a YAML 1.2 reader alone sees it: what YAML 1.1 readers
    /// would read differently is forgotten (test suites that define data by YAML 1.2).
    pub fn yaml12(&self) -> Parsed {
        let mut p = self.clone();
        for n in p.doc.nodes.iter_mut().chain(p.doc.roots.iter_mut()) {
            n.y11 = 0;
        }
        p
    }

    /// Returns the same data with custom tags dropped (`!Ref x` becomes `x`), as a
    /// reader that ignores tags sees it.
    pub fn without_tags(&self) -> Parsed {
        let mut doc = self.doc.clone();
        let inner = |nodes: &[value::Node], n: &mut value::Node| {
            if n.kind == value::Kind::Tagged
                && let Some(t) = nodes.get(n.b as usize)
            {
                *n = value::Node {
                    key: n.key,
                    line: n.line,
                    col: n.col,
                    ..*t
                };
            }
        };
        let snapshot = doc.nodes.clone();
        for n in doc.nodes.iter_mut() {
            inner(&snapshot, n);
        }
        for r in doc.roots.iter_mut() {
            inner(&snapshot, r);
        }
        Parsed { doc }
    }
}

/// Returns whether a report value is or holds a redacted secret (`<redacted:1a2b3c4d>`,
/// `postgres://app:<redacted:1a2b3c4d>@db/x`).
///
/// For rating only: which secret it is, and whether two are the same, is decided by
/// full hashes when changes are found, never by these tokens.
pub fn is_redacted(value: &serde_json::Value) -> bool {
    value
        .as_str()
        .is_some_and(|s| redact::is_shown(s) || redact::contains_shown(s))
}

/// Returns whether a line of text (of a line diff) holds a redacted secret.
pub fn has_redacted(line: &str) -> bool {
    redact::contains_shown(line)
}

/// One document of a file as JSON, with the label changes carry in `document`.
pub type DocumentValue = (Option<String>, serde_json::Value);

/// Returns the documents of `old` and `new` (either may be absent) as JSON values,
/// secret values redacted as [`compare`] shows them, each labelled as changes name it:
/// by Kubernetes identity (`apiVersion/kind/namespace/name`), by position (`#N`) in a
/// multi-document file without identities, or not at all.
///
/// With `keep`, only the parts on those key paths are whole; elsewhere small values are
/// kept and large collections left empty (see `diff::json::to_json_pruned`).
pub fn document_values(
    old: Option<&Parsed>,
    new: Option<&Parsed>,
    options: &Options,
    keep: Option<&[KeyPath]>,
) -> [Vec<DocumentValue>; 2] {
    diff::document_values(old.map(|p| &p.doc), new.map(|p| &p.doc), options, keep)
}

/// Returns the 1-based line where each document's value starts, in the order of
/// [`document_values`]; 0 when unknown.
pub fn document_lines(parsed: &Parsed) -> Vec<u32> {
    parsed.doc.roots.iter().map(|r| r.line).collect()
}

/// Returns the changes from `old` to `new`, secrets compared by full keyed hash and
/// shown only as display tokens.
pub fn compare(old: &Parsed, new: &Parsed, options: &Options) -> Vec<Change> {
    diff::compare(&old.doc, &new.doc, options)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn document_values_kept_along_paths_are_pruned_elsewhere() {
        let mut text = String::from("Statement:\n");
        for i in 0..500 {
            text.push_str(&format!(
                "  - Sid: s{i}\n    Effect: Allow\n    Action: [a{i}, b{i}, c{i}]\n    Resource: {{arn: x{i}, tags: [{}]}}\n",
                (0..300).map(|k| k.to_string()).collect::<Vec<_>>().join(", ")
            ));
        }
        let parsed = parse(text.as_bytes(), Format::Yaml).unwrap();
        let options = Options::default();
        let keep = [KeyPath::parse("Statement[7].Action[1]").unwrap()];
        let [_, new] = document_values(None, Some(&parsed), &options, Some(&keep));
        let statements = new[0].1["Statement"].as_array().unwrap();
        assert_eq!(statements.len(), 500, "indexes still line up");
        // The item on the path keeps its sibling keys, small ones whole.
        assert_eq!(statements[7]["Effect"], "Allow");
        assert_eq!(statements[7]["Action"][1], "b7");
        // Large values off the path are left out, and so are other items.
        assert_eq!(statements[7]["Resource"], serde_json::json!({}));
        assert!(statements[8].is_null());
        assert!(statements[6].is_null());
        let [_, full] = document_values(None, Some(&parsed), &options, None);
        assert_eq!(full[0].1["Statement"][8]["Effect"], "Allow");
    }

    /// The deepest document the loaders accept goes through every recursive step
    /// (canonical form, reload, comparison, report values) on a test thread's small
    /// stack without overflowing.
    #[test]
    fn deepest_allowed_document_is_handled() {
        let depth = value::MAX_DEPTH;
        let deep = |leaf: &str| {
            let mut s = String::new();
            for i in 0..depth {
                if i % 2 == 0 {
                    s.push('[');
                } else {
                    s.push_str("{\"k\":");
                }
            }
            s.push_str(leaf);
            for i in (0..depth).rev() {
                s.push(if i % 2 == 0 { ']' } else { '}' });
            }
            s
        };
        let old = parse(deep("1").as_bytes(), Format::Json).unwrap();
        let new = parse(deep("{\"password\":2}").as_bytes(), Format::Json);
        // One level deeper than allowed.
        assert!(new.is_err());
        let new = parse(deep("2").as_bytes(), Format::Json).unwrap();
        let options = Options::default();
        let back = Parsed::from_canonical(&new.canonical(&options)).unwrap();
        let changes = compare(&old, &back, &options);
        assert_eq!(changes.len(), 1);
        assert_eq!(changes[0].old, Some(serde_json::Value::from(1)));
        let whole = compare(
            &old,
            &Parsed::from_canonical(b"driftgate-canonical/1\n").unwrap(),
            &options,
        );
        assert_eq!(
            whole.len(),
            1,
            "a removed document renders the whole deep value"
        );
    }
}
#[cfg(test)]
mod doc_line_tests {
    #[test]
    fn document_lines_are_known() {
        let p = super::parse(
            b"# c\napiVersion: v1\nkind: Pod\n---\na: 1\n",
            super::Format::Yaml,
        )
        .unwrap();
        assert_eq!(super::document_lines(&p), vec![2, 5]);
    }
}
