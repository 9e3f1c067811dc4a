//! The block scanner against saphyr-parser: on every YAML input of the shared corpus
//! (`../shared/corpus`; skipped, saying so, when it is absent), on the fixtures, on
//! crafted cases and on random block YAML, whatever the scanner accepts must give
//! saphyr's events with the same start positions, and `yaml::parse` the same result.

use std::path::Path;

use proptest::prelude::*;
use saphyr_parser::{Event, Parser};

use super::read;
use crate::semantic::test_corpus::{corpus, files};
use crate::semantic::yaml::{parse, parse_with_saphyr};
use crate::semantic::{Options, canonical};

mod generate;

/// An event with its start line and column.
type Seen<'a> = (Event<'a>, usize, usize);

/// Returns saphyr's events of `text`, or `None` when saphyr fails.
fn saphyr(text: &str) -> Option<Vec<Seen<'_>>> {
    let mut out = Vec::new();
    for item in Parser::new_from_str(text) {
        let (e, span) = item.ok()?;
        out.push((e, span.start.line(), span.start.col()));
    }
    Some(out)
}

/// Returns the block scanner's events of `text`, or `None` when it declines.
fn fast(text: &str) -> Option<Vec<Seen<'_>>> {
    let mut out = Vec::new();
    read(text, |e, line, col| {
        out.push((e, line, col));
        Some(())
    })?;
    Some(out)
}

/// Checks `text`: when the scanner accepts it, saphyr gives the same events; `parse`
/// gives what saphyr alone gives, data and positions or error. Returns whether the
/// scanner accepted it.
fn check(text: &str, what: &str) -> bool {
    let Some(mine) = fast(text) else {
        same_parse(text, what);
        return false;
    };
    let Some(theirs) = saphyr(text) else {
        panic!("{what}: accepted what saphyr rejects:\n{text}");
    };
    if mine != theirs {
        let at = mine
            .iter()
            .zip(&theirs)
            .position(|(a, b)| a != b)
            .unwrap_or(mine.len().min(theirs.len()));
        panic!(
            "{what}: events differ at #{at}: block {:?}, saphyr {:?}\n{text}",
            mine.get(at),
            theirs.get(at)
        );
    }
    same_parse(text, what);
    true
}

/// Checks that `parse` gives what saphyr alone gives.
fn same_parse(text: &str, what: &str) {
    match (parse(text.as_bytes()), parse_with_saphyr(text)) {
        (Ok(a), Ok(b)) => {
            let options = Options::default();
            assert_eq!(
                canonical::write(&a, &options),
                canonical::write(&b, &options),
                "{what}: canonical forms differ"
            );
            assert_eq!(a.nodes, b.nodes, "{what}: nodes differ");
            assert_eq!(a.roots, b.roots, "{what}: roots differ");
            assert_eq!(a.text, b.text, "{what}: texts differ");
        }
        (Err(a), Err(b)) => assert_eq!(
            (a.message, a.line, a.column),
            (b.message, b.line, b.column),
            "{what}: errors differ"
        ),
        (a, b) => panic!(
            "{what}: one path fails: {:?} vs {:?}",
            a.err().map(|e| e.to_string()),
            b.err().map(|e| e.to_string())
        ),
    }
}

/// Checks every YAML file under `dir`; returns (accepted, total).
fn check_files(dir: &Path, keep: impl Fn(&Path) -> bool) -> (usize, usize) {
    let mut accepted = 0;
    let mut total = 0;
    for path in files(dir, 8 << 20, keep) {
        let Ok(bytes) = std::fs::read(&path) else {
            continue;
        };
        let Ok(text) = std::str::from_utf8(&bytes) else {
            continue;
        };
        total += 1;
        if check(text, &path.display().to_string()) {
            accepted += 1;
        }
    }
    (accepted, total)
}

fn is_yaml(p: &Path) -> bool {
    p.extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("yaml") || e.eq_ignore_ascii_case("yml"))
}

/// Says how much of a suite the scanner read itself.
// Tests say how many files the fast path accepted.
#[allow(clippy::disallowed_macros)]
fn report(what: &str, (accepted, total): (usize, usize)) {
    eprintln!("{what}: the block scanner accepted {accepted} of {total} files");
}

#[test]
fn yaml_test_suite() {
    let Some(dir) = corpus("yaml-test-suite") else {
        return;
    };
    let counts = check_files(&dir, |p| p.file_name().is_some_and(|n| n == "in.yaml"));
    report("yaml-test-suite", counts);
    assert!(counts.1 > 300, "the suite has its cases");
}

#[test]
fn real_world_files() {
    let Some(dir) = corpus("") else {
        return;
    };
    let mut all = (0, 0);
    for sub in ["real", "dyff-assets"] {
        let counts = check_files(&dir.join(sub), is_yaml);
        report(sub, counts);
        all = (all.0 + counts.0, all.1 + counts.1);
    }
    let k8s = check_files(&dir.join("real/kubernetes-examples"), is_yaml);
    report("real/kubernetes-examples", k8s);
    assert!(
        k8s.0 * 10 >= k8s.1 * 9,
        "most Kubernetes manifests are block YAML"
    );
    assert!(all.0 * 2 >= all.1, "most real-world files are block YAML");
}

#[test]
fn fixtures() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    let counts = check_files(&dir, is_yaml);
    report("fixtures", counts);
    assert!(counts.0 > 0);
}

/// Inputs in the subset, each accepted, each with saphyr's events.
#[test]
fn the_subset_is_accepted() {
    let cases = [
        "",
        "# only a comment\n",
        "a: 1\n",
        "a: 1",
        "a:\n",
        "a:",
        "a:   \n",
        "a:  # note\nb: 2\n",
        "a:  value  \n",
        "a : b\n",
        "a  :  b  # c\n",
        "'a': 'b'\n\"c d\": \"e\\tf\\u00e9\\x41\\\\\\\"\"\n",
        "'it''s': ''''\n",
        "url: http://x:80/y#z\nk: a#b\nq: a:b\n",
        "ü: ä\nöö: ü # ü\nx:\n",
        "a:\n  b:\n    c: 1\n  d: 2\ne: 3\n",
        "a:\n- x\n- y\nb: 1\n",
        "a:\n  - x\n  -\n  - # empty\n  - z\n",
        "- a\n- b: 1\n  c: 2\n-\n",
        "a:\n  - x\n ",
        "a:\n  b: |\n    x\n ",
        "a:\n  b:\n  - c\n# end",
        "items:\n- name: a\n  ports:\n  - 80\n  - 443\n- name: b\nnext: {}\nlist: []\n",
        "- {}\n- []\n- ''\n",
        "---\n",
        "---\n---\n",
        "--- # c\na: 1\n...\n---\nb: 2\n",
        "a: 1\n---\n- x\n...\n",
        "...\n",
        "a: 1\n...\n...\nb: 2\n",
        "hello\n",
        "'hello'\n",
        "{}\n",
        "  a: 1\n  b: 2\n",
        "a: |\n  line 1\n  line 2\nb: 1\n",
        "a: |-\n  x\n\n\nb: >\n  folded\n  text\n\n  more\n   indented\n  back\nc: |+\n  keep\n\n",
        "- |\n  in a list\n- >-\n  folded\n",
        "a: |2\n    two more\n  \nb: |\n\n   \n   late\n",
        "a: |\nb: 1\n",
        "a: |",
        "a: |\n  x",
        "a: |\n  x\n  ",
        "a: |+\n  ",
        "a: >\n  x\n\n# comment\nb: 1\n",
        "a: b\n  c\n\n   d  \n\n\n  - e # f\ng: h\n",
        "- a\n  b\n- c\n   d\n",
        "a:\n  b\nc:\n  'q'\nd:\n  [x]\n",
        "a:\n  |\n   x\nb:\n  plain\n  more\nc:\n",
        "-\n  x\n-\n  >-\n   y\n- z\n",
        "a: [x, 'y', \"z\", a#b, http://x, -1]\nb: [ ]\nc: { }\nd: [ a b , c, ]\n",
        "yes: on\nno: off\n~: null\n1.0: 0x1F\n",
        "a: -1\nb: --x\nc: :x\nd: ?x\ne: ---\nf: ...\n",
    ];
    for text in cases {
        assert!(check(text, "case"), "declined:\n{text}");
    }
    // Long values are not keys: saphyr's limit of 1024 characters does not apply.
    let x = "x".repeat(2000);
    let long = format!("{x}\n---\na: {x}\n- - {x}\n");
    let long = long.replace("- - ", "b:\n  - ");
    assert!(check(&long, "long values"), "declined long values");
    assert!(check(&format!("a: [{x}, '{x}']\n"), "long items"));
    assert!(check(&format!("{}: 1\n", "k".repeat(999)), "long key"));
}

/// Inputs outside the subset, valid or not: declined, and `parse` still saphyr's.
#[test]
fn the_rest_is_declined() {
    let cases = [
        "a:\tb\n",
        "a: b\r\n",
        "\u{feff}a: b\n",
        "a: &x 1\nb: *x\n",
        "a: !t 1\n",
        "%YAML 1.2\n---\na: 1\n",
        "? a\n: b\n",
        "a: [1, [2]]\n",
        "a: [1,\n  2]\n",
        "a: [a: 1]\n",
        "a: [a #c\n  ]\n",
        "a: {x: 1}\n",
        "a: b # c\n  d\n",
        "a: b\n  c: d\n",
        "x\n y\n",
        "a: 'b\n  c'\n",
        "a: \"b\\\n  c\"\n",
        "--- a\n",
        "- - x\n",
        "a: b: c\n",
        "a: b:\n",
        "a: - b\n",
        "a: 1\n b: 2\n",
        "a: 1\n- b\n",
        "- a\nb: 1\n",
        "a: 'b'c\n",
        "a: 'b'#c\n",
        "a: \"\\q\"\n",
        "|\n  root\n",
        "a: |0\n  x\n",
        "a: |\n    x\n  y\n",
        "a: |\n   \n  x\n",
        "x\ny\n",
        "  a: 1\nb: 2\n",
        "a: 1\n]\n",
    ];
    for text in cases {
        assert!(!check(text, "case"), "accepted:\n{text}");
    }
    let long = format!("{}: 1\n", "k".repeat(1100));
    assert!(!check(&long, "long key"));
    let long = format!("- {}: 1\n", "ü".repeat(600));
    assert!(!check(&long, "long key"));
}

/// An error on the fast path (here a duplicate key, which the loader finds) is
/// saphyr's error: the input is read again by saphyr.
#[test]
fn errors_are_saphyrs() {
    let text = "a: 1\nb: 2\na: 3\n";
    assert!(check(text, "duplicate"));
    let e = parse(text.as_bytes()).unwrap_err();
    assert_eq!(e.line, Some(3));
}

#[test]
fn a_refusing_sink_stops_the_scanner() {
    let mut seen = 0;
    let read_all = read("a: 1\nb: 2\n", |_, _, _| {
        seen += 1;
        (seen < 3).then_some(())
    });
    assert!(read_all.is_none());
    assert_eq!(seen, 3);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(3000))]

    /// Random block YAML, some of it broken on purpose: whatever the scanner accepts
    /// is read as saphyr reads it.
    #[test]
    fn random_block_yaml(text in generate::document()) {
        check(&text, "generated");
    }
}

/// Most generated documents are in the subset, so the property above tests the
/// scanner's events and not only its refusals.
#[test]
fn generated_documents_are_mostly_accepted() {
    use proptest::strategy::ValueTree;
    use proptest::test_runner::TestRunner;
    let mut runner = TestRunner::deterministic();
    let strategy = generate::document();
    let mut accepted = 0;
    for _ in 0..500 {
        let text = strategy.new_tree(&mut runner).unwrap().current();
        if check(&text, "generated") {
            accepted += 1;
        }
    }
    report("generated", (accepted, 500));
    assert!(accepted >= 200, "only {accepted} of 500 accepted");
}
