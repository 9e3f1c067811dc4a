//! The fast paths of the comparison against the slow ones, on the shared corpus
//! (`../shared/corpus`; skipped, saying so, when it is absent) and on crafted secrets.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use super::align::item_hash;
use super::compare_with;
use crate::semantic::redact::Redactor;
use crate::semantic::test_corpus::corpus;
use crate::semantic::value::{Doc, Kind, Node};
use crate::semantic::{DEFAULT_SECRET_WORDS, Format, Options, Parsed, parse};

fn options() -> Options {
    Options {
        identity_keys: ["name", "id", "key"].map(String::from).to_vec(),
        redact_keys: DEFAULT_SECRET_WORDS.iter().map(|w| w.to_string()).collect(),
        ..Options::default()
    }
}

/// Returns the structured files under `dir` up to `max` bytes, sorted.
fn files(dir: &Path, max: u64) -> Vec<PathBuf> {
    crate::semantic::test_corpus::files(dir, max, |p| Format::from_extension(p).is_some())
}

fn load(path: &Path) -> Option<Parsed> {
    let bytes = std::fs::read(path).ok()?;
    parse(&bytes, Format::from_extension(path)?).ok()
}

/// Every list item of `doc` with whether it stands under a secret key.
fn items(doc: &Doc, redactor: &Redactor) -> Vec<(Node, bool)> {
    let mut out = Vec::new();
    let mut stack: Vec<(Node, bool)> = doc.roots.iter().map(|r| (*r, false)).collect();
    while let Some((n, secret)) = stack.pop() {
        match n.kind {
            Kind::Map => {
                for c in doc.children(&n) {
                    stack.push((*c, redactor.child_secret(doc, &n, c, secret)));
                }
            }
            Kind::Seq => {
                for c in doc.children(&n) {
                    out.push((*c, secret));
                    stack.push((*c, secret));
                }
            }
            Kind::Tagged => stack.push((doc.tagged(&n), secret)),
            _ => {}
        }
    }
    out
}

/// Checks that hashing list items by text (`raw`) puts the same items together as
/// hashing them by their secret forms, over every item of `docs` pooled.
fn assert_same_grouping(docs: &[&Doc], what: &str) {
    let options = options();
    let mut by_slow: HashMap<u128, u128> = HashMap::new();
    let mut by_fast: HashMap<u128, u128> = HashMap::new();
    for doc in docs {
        assert!(!super::holds_stored_forms(doc), "{what}: raw input only");
        let redactor = Redactor::new(doc, &options);
        for (item, secret) in items(doc, &redactor) {
            let slow = item_hash(doc, &redactor, &item, secret, false);
            let fast = item_hash(doc, &redactor, &item, secret, true);
            assert_eq!(
                *by_slow.entry(slow).or_insert(fast),
                fast,
                "{what}: items alike by form differ by text"
            );
            assert_eq!(
                *by_fast.entry(fast).or_insert(slow),
                slow,
                "{what}: items alike by text differ by form"
            );
        }
    }
}

#[test]
fn raw_item_hashes_group_crafted_secrets_as_their_forms_do() {
    let a = "\
list:
  - hunter2
  - DB_PASSWORD=hunter2
  - DB_PASSWORD=hunter3
  - DB_PASSWORD=hunter2
  - yes
  - 'yes'
  - on
  - 0420
  - '0420'
  - 1:20
  - [--password, hunter2, --token=abc, --token=abc]
  - {password: hunter2}
  - {password: hunter2}
  - {password: yes}
  - {password: !Ref Pass}
  - {password: !Sub 'x'}
  - {token: &t hunter2, other: *t}
  - {token: &u hunter2, other: *u}
  - {name: api, value: hunter2}
  - {name: API_TOKEN, value: hunter2}
  - {name: API_TOKEN, value: hunter2}
  - postgres://app:hunter2@db/x
  - postgres://app:hunter2@db/x
  - https://example.com/x
  - \"\\0\"
  - \"\\0\\0\"
secret:
  - hunter2
  - hunter2
  - yes
  - {a: hunter2}
";
    let b = a.replace("hunter3", "hunter2").replace("yes", "no");
    let a = parse(a.as_bytes(), Format::Yaml).unwrap();
    let b = parse(b.as_bytes(), Format::Yaml).unwrap();
    assert_same_grouping(&[&a.doc, &b.doc], "crafted");
    let json = parse(
        br#"[{"password":"x"},{"password":"x"},"TOKEN=a","TOKEN=a","TOKEN=b","x",1,"1",true,"true",null]"#,
        Format::Json,
    )
    .unwrap();
    assert_same_grouping(&[&json.doc], "crafted json");
}

#[test]
fn raw_item_hashes_group_corpus_items_as_their_forms_do() {
    for sub in ["real", "dyff-assets"] {
        let Some(dir) = corpus(sub) else {
            continue;
        };
        let mut checked = 0;
        for path in files(&dir, 512 * 1024) {
            let Some(p) = load(&path) else {
                continue;
            };
            assert_same_grouping(&[&p.doc], &path.display().to_string());
            checked += 1;
        }
        assert!(checked > 50, "{sub}: only {checked} files parsed");
    }
}

/// The pairs of a corpus folder's `PAIRS.tsv` (first two columns, relative to the
/// folder or to the row's directory in the first column).
fn pairs(dir: &Path) -> Vec<(PathBuf, PathBuf)> {
    let Ok(tsv) = std::fs::read_to_string(dir.join("PAIRS.tsv")) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for line in tsv.lines().skip(1) {
        let cols: Vec<&str> = line.split('\t').collect();
        let [a, b, c, ..] = cols.as_slice() else {
            continue;
        };
        for (x, y) in [
            (dir.join(a), dir.join(b)),
            (dir.join(a).join(b), dir.join(a).join(c)),
        ] {
            if x.is_file() && y.is_file() {
                out.push((x, y));
            }
        }
    }
    out
}

#[test]
fn fast_and_slow_comparisons_agree_on_corpus_pairs() {
    let options = options();
    for sub in ["real", "dyff-assets"] {
        let Some(dir) = corpus(sub) else {
            continue;
        };
        let pairs = pairs(&dir);
        assert!(pairs.len() >= 5, "{sub}: only {} pairs", pairs.len());
        for (a, b) in pairs {
            let (Some(pa), Some(pb)) = (load(&a), load(&b)) else {
                continue;
            };
            assert_same_grouping(&[&pa.doc, &pb.doc], &a.display().to_string());
            for (x, y) in [(&pa, &pb), (&pb, &pa)] {
                let fast = compare_with(&x.doc, &y.doc, &options, true);
                let slow = compare_with(&x.doc, &y.doc, &options, false);
                assert_eq!(fast, slow, "{} vs {}", a.display(), b.display());
                // With an ignore pattern, paths are written through `KeyPath`.
                let ignoring = Options {
                    ignore_keys: vec!["no.such.key".into()],
                    ..options.clone()
                };
                let through_key_paths = compare_with(&x.doc, &y.doc, &ignoring, true);
                assert_eq!(fast, through_key_paths, "{}", a.display());
            }
        }
    }
}
