//! The shared third-party corpus (`../shared/corpus`, see its README) for the semantic
//! engine's unit tests: its folders, skipped with a message when absent, and its files.

use std::path::{Path, PathBuf};

/// Returns the corpus folder `sub` ("" for the whole corpus), or `None` after saying
/// that it is absent.
// Tests say which corpus suites they skip.
#[allow(clippy::disallowed_macros)]
pub fn corpus(sub: &str) -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/corpus")
        .join(sub);
    if dir.is_dir() {
        Some(dir)
    } else {
        eprintln!("skipped: the corpus folder `{sub}` is absent");
        None
    }
}

/// Returns the files under `dir` of at most `max` bytes that `keep` accepts, sorted.
pub fn files(dir: &Path, max: u64, keep: impl Fn(&Path) -> bool) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if keep(&p) && e.metadata().is_ok_and(|m| m.len() <= max) {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}
