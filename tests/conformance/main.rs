//! Conformance of the semantic engine against third-party test data (`../shared/corpus`,
//! see its README) and property tests, through the library API (`driftgate::semantic`).
//!
//! Every suite prints its pass counts. A case that cannot pass is listed by id in its
//! module with the reason, and the test checks that the reason holds. When the corpus
//! is absent, corpus suites say so and pass.

#![allow(clippy::disallowed_macros)]

mod dyff;
mod json_suite;
mod properties;
mod real;
mod toml_suite;
mod yaml_suite;

use std::path::{Path, PathBuf};

use driftgate::semantic::{self, Format, Options, Parsed};

/// Returns the corpus folder `sub`, or `None` (after saying why) when it is absent.
pub fn corpus(sub: &str) -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/corpus")
        .join(sub);
    if dir.is_dir() {
        Some(dir)
    } else {
        println!(
            "skipped: the test corpus folder `{}` is absent (see the corpus README)",
            dir.display()
        );
        None
    }
}

/// Returns the options `driftgate.toml` has by default.
pub fn options() -> Options {
    let config = driftgate::config::Config::default();
    config.settings().semantic
}

/// Parses `path` by its extension.
pub fn load(path: &Path) -> Result<Parsed, semantic::ParseError> {
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let format = Format::from_extension(path).unwrap_or(Format::Yaml);
    semantic::parse(&bytes, format)
}

/// Returns whether `a` and `b` hold the same data: no changes and equal canonical forms.
///
/// The suites define their data by YAML 1.2 (`in.json`, dyff's pairs), so what YAML 1.1
/// readers would read differently (a plain `2001-01-23`, `yes`) is left out here; the
/// unit tests of `semantic::yaml11` cover that reading.
pub fn same_data(a: &Parsed, b: &Parsed) -> bool {
    let o = options();
    let (a, b) = (a.yaml12(), b.yaml12());
    semantic::compare(&a, &b, &o).is_empty() && a.canonical(&o) == b.canonical(&o)
}

/// Returns a short description of the changes from `a` to `b`, for failure messages.
pub fn describe(a: &Parsed, b: &Parsed) -> String {
    semantic::compare(a, b, &options())
        .iter()
        .take(5)
        .map(|c| {
            format!(
                "{} {:?} {}: {:?} -> {:?}",
                c.kind.as_str(),
                c.document,
                c.path,
                c.old,
                c.new
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Asserts that canonical form round-trips `p`: reloaded, it is the same data.
pub fn assert_roundtrip(p: &Parsed, what: &str) {
    let o = options();
    let c = p.canonical(&o);
    let back = Parsed::from_canonical(&c).unwrap_or_else(|e| panic!("{what}: reload: {e}"));
    assert!(
        semantic::compare(p, &back, &o).is_empty(),
        "{what}: canonical form does not reload to the same data:\n{}",
        describe(p, &back)
    );
    assert_eq!(
        back.canonical(&o),
        c,
        "{what}: canonical form is not stable"
    );
}
