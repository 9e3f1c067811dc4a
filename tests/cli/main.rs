//! End-to-end tests: the real `driftgate` binary in temp directories.
//!
//! One target, one module per command (and a few for what crosses commands);
//! [`common::TestEnv`] gives each test a temp root, a cleared environment with its own
//! `HOME`, a fixed clock and setup builders; a command's [`common::Run`] displays as its
//! transcript (stdout, `--- stderr ---`, `[exit: N]`), normalized so that temp paths read
//! `[ROOT]`, generated keys `[KEY:name]`, and what derives from random values is
//! numbered (`[H1]`, `<redacted:[S1]>`), for insta snapshots.

mod accept;
mod actors;
mod approve;
mod attacks;
mod attest;
mod check;
mod common;
mod completions;
mod corpus;
mod demo;
mod diff;
mod evidence;
mod explain;
mod hook;
mod init;
mod large;
mod log;
mod notify;
mod proposals;
mod reject;
mod rules;
mod scale;
// The event schema check the unit tests of `driftgate::event` use too.
#[path = "../../src/event/schema_check.rs"]
mod schema_check;
mod secrets;
mod snapshot;
mod upgrade;
mod verify;
mod workflow;

/// Every `.rs` file under `tests/cli/` is a declared module: a file nobody declared
/// would hold tests that never run.
#[test]
fn every_file_under_tests_cli_is_a_declared_module() {
    use std::path::Path;
    fn declares(parent: &Path, name: &str) -> bool {
        let text = std::fs::read_to_string(parent).unwrap();
        text.lines().any(|l| {
            let l = l.trim();
            let l = ["pub(crate) ", "pub(super) ", "pub "]
                .iter()
                .find_map(|p| l.strip_prefix(p))
                .unwrap_or(l);
            l == format!("mod {name};")
        })
    }
    fn walk(dir: &Path, parent: &Path, missing: &mut Vec<String>) {
        for e in std::fs::read_dir(dir).unwrap().flatten() {
            let path = e.path();
            let name = e.file_name().to_string_lossy().into_owned();
            if path.is_dir() {
                if name == "snapshots" {
                    continue;
                }
                let module = path.join("mod.rs");
                if !module.exists() || !declares(parent, &name) {
                    missing.push(path.display().to_string());
                    continue;
                }
                walk(&path, &module, missing);
            } else if let Some(stem) = name.strip_suffix(".rs") {
                if stem == "mod" || (stem == "main" && dir.ends_with("tests/cli")) {
                    continue;
                }
                if !declares(parent, stem) {
                    missing.push(path.display().to_string());
                }
            }
        }
    }
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/cli");
    let mut missing = Vec::new();
    walk(&dir, &dir.join("main.rs"), &mut missing);
    assert!(missing.is_empty(), "not declared as modules: {missing:#?}");
}
