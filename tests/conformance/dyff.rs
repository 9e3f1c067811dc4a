//! dyff-assets: the facts `PAIRS.tsv` and the corpus README state about each pair.

use std::path::Path;

use driftgate::report::{Change, ChangeKind};
use driftgate::semantic::{self, Parsed};

use crate::{corpus, describe, load, options, same_data};

/// Pairs whose table fact driftgate does not share, with the reason; the test checks
/// that driftgate finds them equal.
const EQUAL_HERE: &[(&str, &str)] = &[(
    "issues/issue-222",
    "`foo: |` ends the file without a line break; like the yaml-test-suite (L24T-01, \
     JEF9-02) and saphyr, driftgate reads the end of input as the final line break, so \
     both sides hold `bar\n`; libyaml-based tools read `bar` on the clip side",
)];

fn changes(a: &Parsed, b: &Parsed) -> Vec<Change> {
    semantic::compare(a, b, &options())
}

fn pair(dir: &Path, sub: &str, from: &str, to: &str) -> (Parsed, Parsed) {
    let d = dir.join(sub);
    let a = load(&d.join(from)).unwrap_or_else(|e| panic!("{sub}/{from}: {e}"));
    let b = load(&d.join(to)).unwrap_or_else(|e| panic!("{sub}/{to}: {e}"));
    (a, b)
}

#[test]
fn dyff_pairs_table() {
    let Some(dir) = corpus("dyff-assets") else {
        return;
    };
    let table = std::fs::read_to_string(dir.join("PAIRS.tsv")).unwrap();
    let (mut checked, mut equal, mut order_only, mut different) = (0, 0, 0, 0);
    let mut failures = Vec::new();
    for line in table.lines().skip(1) {
        let f: Vec<&str> = line.split('\t').collect();
        let [sub, from, to, docs, ordered, unordered, ..] = f.as_slice() else {
            panic!("bad PAIRS.tsv line: {line}");
        };
        if *docs == "n/a" {
            continue; // plain text, not structured data
        }
        checked += 1;
        let (a, b) = pair(&dir, sub, from, to);
        let counts = format!("{}/{}", a.documents(), b.documents());
        if counts != *docs {
            failures.push(format!("{sub}: {counts} documents, the table says {docs}"));
        }
        let c = changes(&a, &b);
        if let Some((_, why)) = EQUAL_HERE.iter().find(|(id, _)| id == sub) {
            if same_data(&a, &b) {
                equal += 1;
            } else {
                failures.push(format!("{sub}: listed as equal ({why}) but differs"));
            }
            continue;
        }
        match (*ordered, *unordered) {
            ("yes", _) => {
                if same_data(&a, &b) {
                    equal += 1;
                } else {
                    failures.push(format!(
                        "{sub}: expected no difference:\n{}",
                        describe(&a, &b)
                    ));
                }
            }
            // Equal once list and document order is ignored: documents are matched by
            // identity (order is not data), list items that only moved are `moved`.
            ("no", "yes") => {
                if c.iter().all(|x| x.kind == ChangeKind::Moved) {
                    order_only += 1;
                } else {
                    failures.push(format!("{sub}: expected only moves:\n{}", describe(&a, &b)));
                }
            }
            _ => {
                if c.iter().any(|x| x.kind != ChangeKind::Moved) {
                    different += 1;
                } else {
                    failures.push(format!("{sub}: expected a data change, got {c:?}"));
                }
            }
        }
    }
    println!(
        "dyff-assets PAIRS.tsv: {checked} structured pairs: {equal} equal, {order_only} \
         order-only (moves at most), {different} with data changes; {} listed as equal here \
         against the table (end-of-input line break)",
        EQUAL_HERE.len()
    );
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert_eq!(checked, 31);
}

fn summary(c: &[Change]) -> Vec<(String, Option<String>, String)> {
    c.iter()
        .map(|x| {
            (
                x.kind.as_str().to_string(),
                x.document.clone(),
                x.path.clone(),
            )
        })
        .collect()
}

#[test]
fn dyff_specific_outcomes() {
    let Some(dir) = corpus("dyff-assets") else {
        return;
    };
    let s = |v: &str| v.to_string();
    let doc = |v: &str| Some(v.to_string());

    // One changed, one removed and two added Services, by Kubernetes identity.
    let (a, b) = pair(
        &dir,
        "kubernetes/multi-docs-file-level",
        "from.yaml",
        "to.yaml",
    );
    assert_eq!(
        summary(&changes(&a, &b)),
        vec![
            (s("added"), doc("v1/Service/foo"), s("metadata.annotations")),
            (s("added"), doc("v1/Service/bar"), s("")),
            (s("added"), doc("v1/Service/baz"), s("")),
            (s("removed"), doc("v1/Service/foo-2"), s("")),
        ]
    );

    // Same metadata.name, different apiVersion/kind: identity keeps them apart.
    let (a, b) = pair(
        &dir,
        "kubernetes/lists-versioned-crds",
        "from.yml",
        "to.yml",
    );
    assert_eq!(
        summary(&changes(&a, &b)),
        vec![(
            s("moved"),
            doc("v1/List/ingress-class"),
            s("items[v1/kindv1/item]")
        )]
    );
    let (a, b) = pair(
        &dir,
        "kubernetes/multi-docs-versioned-crds",
        "from.yml",
        "to.yml",
    );
    assert!(
        changes(&a, &b).is_empty(),
        "documents are matched by identity"
    );

    // Items swapped by metadata.name plus one value change.
    let (a, b) = pair(&dir, "kubernetes/lists", "from.yml", "to.yml");
    let c = changes(&a, &b);
    assert!(
        c.iter().any(|x| x.kind == ChangeKind::Changed
            && x.path == "items[v1/Pod/foobar/foo-1].metadata.labels.foo"
            && x.old == Some("bAr".into())
            && x.new == Some("bar".into())),
        "{c:?}"
    );

    // Type changes.
    let (a, b) = pair(&dir, "issues/issue-580", "from.yml", "to.yml");
    let c = changes(&a, &b);
    assert!(c.iter().any(|x| x.kind == ChangeKind::TypeChanged), "{c:?}");
    let (a, b) = pair(&dir, "issues/issue-89", "from.yml", "to.yml");
    let c = changes(&a, &b);
    assert!(
        c.iter()
            .filter(|x| x.kind == ChangeKind::TypeChanged)
            .count()
            >= 2,
        "{c:?}"
    );

    // An empty file has no documents: both documents of the other file are added.
    let (a, b) = pair(&dir, "edge/empty", "from.yml", "to.yml");
    let c = changes(&a, &b);
    assert_eq!(c.len(), 2);
    assert!(
        c.iter()
            .all(|x| x.kind == ChangeKind::Added && x.path.is_empty())
    );

    // Multi-line strings carry a line diff.
    let (a, b) = pair(&dir, "issues/issue-225", "from.yml", "to.yml");
    let c = changes(&a, &b);
    assert!(
        c.iter()
            .any(|x| x.diff.as_deref().is_some_and(|d| d.contains("\n+"))),
        "{c:?}"
    );

    // The same data as JSON and as YAML.
    let (a, b) = pair(&dir, "bosh-yaml", "manifest.json", "manifest.yml");
    assert!(same_data(&a, &b), "{}", describe(&a, &b));

    // Date-like and impossible dates are strings under YAML 1.2.
    let p = load(&dir.join("issues/issue-217/datestring.yml")).unwrap();
    let c = String::from_utf8(p.canonical(&options())).unwrap();
    assert!(c.contains("\"2033-13-40\""), "{c}");

    // Single inputs load.
    for f in [
        "issues/issue-120/buildpack.toml",
        "issues/issue-133/input.yml",
        "multidocs/simple/file.yaml",
        "concourse/pipeline.yml",
        "examples/styles-and-types.yml",
    ] {
        load(&dir.join(f)).unwrap_or_else(|e| panic!("{f}: {e}"));
    }

    // Directory pair that differs only by a comment.
    let mut files = 0;
    for entry in std::fs::read_dir(dir.join("kubernetes/rename/from")).unwrap() {
        let name = entry.unwrap().file_name();
        let a = load(&dir.join("kubernetes/rename/from").join(&name)).unwrap();
        let b = load(&dir.join("kubernetes/rename/to").join(&name)).unwrap();
        assert!(same_data(&a, &b), "{name:?}");
        files += 1;
    }
    assert_eq!(files, 2);
    println!(
        "dyff-assets: document identity, list identity, type changes, line diffs and equal pairs checked"
    );
}
