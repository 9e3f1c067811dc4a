//! real/: every file loads (or fails as `PARSE-EXCEPTIONS.tsv` says), equals itself
//! and its canonical re-emission, and the pairs of `PAIRS.tsv` give their outcomes.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use driftgate::report::{Change, ChangeKind};
use driftgate::semantic::{self, Format, KeyPath, Parsed, Segment};

use crate::{assert_roundtrip, corpus, describe, load, options, same_data};

/// Files with a repeated key in one mapping, which driftgate refuses by design (DESIGN
/// §3: consumers disagree on which value wins); the test checks the reason.
const DUPLICATE_KEYS: &[(&str, &str)] = &[
    (
        "kubernetes-examples/_archived/openshift-origin/etcd-controller.yaml",
        "selector",
    ),
    (
        "kubernetes-examples/_archived/openshift-origin/etcd-discovery-controller.yaml",
        "selector",
    ),
    (
        "kubernetes-examples/_archived/openshift-origin/openshift-controller.yaml",
        "selector",
    ),
    (
        "kubernetes-examples/_archived/persistent-volume-provisioning/quobyte/quobyte-admin-secret.yaml",
        "type",
    ),
    (
        "kubernetes-examples/_archived/volumes/scaleio/sc-pvc.yaml",
        "storageClassName",
    ),
];

fn all_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

fn structured_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else if Format::from_extension(&p).is_some() {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

#[test]
fn real_files_load_and_equal_themselves() {
    let Some(dir) = corpus("real") else {
        return;
    };
    let exceptions: BTreeMap<String, String> =
        std::fs::read_to_string(dir.join("PARSE-EXCEPTIONS.tsv"))
            .unwrap()
            .lines()
            .skip(1)
            .filter_map(|l| {
                let mut f = l.split('\t');
                Some((f.next()?.to_string(), f.next()?.to_string()))
            })
            .collect();
    let (mut loaded, mut refused, mut duplicates, mut reemitted) = (0, 0, 0, 0);
    let mut failures = Vec::new();
    for path in structured_files(&dir) {
        let rel = path
            .strip_prefix(&dir)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        let result = load(&path);
        if let Some((_, key)) = DUPLICATE_KEYS.iter().find(|(f, _)| *f == rel) {
            match result {
                Err(e) if e.message.contains(&format!("duplicate key `{key}`")) => duplicates += 1,
                other => failures.push(format!(
                    "{rel}: expected a duplicate `{key}`: {:?}",
                    other.err()
                )),
            }
            continue;
        }
        match (exceptions.get(&rel).map(String::as_str), result) {
            (Some("invalid-json" | "invalid-toml"), Err(_)) => refused += 1,
            (Some(status), Err(e)) => failures.push(format!("{rel} ({status}): {e}")),
            (None, Err(e)) => failures.push(format!("{rel}: {e}")),
            (Some("invalid-json" | "invalid-toml"), Ok(_)) => {
                failures.push(format!("{rel}: invalid file accepted"));
            }
            (status, Ok(p)) => {
                loaded += 1;
                if status == Some("valid-yaml-zero-documents") && p.documents() != 0 {
                    failures.push(format!("{rel}: expected no documents"));
                }
                if !same_data(&p, &p) {
                    failures.push(format!("{rel}: differs from itself"));
                }
                assert_roundtrip(&p, &rel);
                // Re-emitted as plain JSON (when the data has nothing JSON lacks), the
                // file is still the same data.
                let c = p.canonical(&options());
                if !c.windows(6).any(|w| w == b"\\u0000") {
                    let body = c.splitn(2, |&b| b == b'\n').nth(1).unwrap_or_default();
                    match semantic::parse_json_sequence(body) {
                        Ok(j) if same_data(&p, &j) => reemitted += 1,
                        Ok(j) => failures.push(format!(
                            "{rel}: JSON re-emission differs:\n{}",
                            describe(&p, &j)
                        )),
                        Err(e) => {
                            failures.push(format!("{rel}: JSON re-emission does not parse: {e}"))
                        }
                    }
                }
            }
        }
    }
    println!(
        "real/: {loaded} files loaded and equal themselves and their canonical form \
         ({reemitted} also re-emitted as plain JSON), {refused} invalid files refused as listed, \
         {duplicates} refused for duplicate keys (listed)"
    );
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert_eq!(refused, 4);
    assert_eq!(duplicates, DUPLICATE_KEYS.len());
}

/// Returns, per document, whether it was added, removed or changed.
fn documents(c: &[Change]) -> (usize, usize, usize) {
    let mut added = BTreeSet::new();
    let mut removed = BTreeSet::new();
    let mut changed = BTreeSet::new();
    for x in c {
        let d = x.document.clone().unwrap_or_default();
        match (x.kind, x.path.is_empty()) {
            (ChangeKind::Added, true) => added.insert(d),
            (ChangeKind::Removed, true) => removed.insert(d),
            _ => changed.insert(d),
        };
    }
    (added.len(), removed.len(), changed.len())
}

/// Returns, under the top-level key `top`, how many entries were added, removed and
/// changed.
fn entries(c: &[Change], top: &str) -> (usize, usize, usize) {
    let (mut added, mut removed) = (0, 0);
    let mut changed = BTreeSet::new();
    for x in c {
        let p = KeyPath::parse(&x.path).unwrap();
        if p.segments.first() != Some(&Segment::Key(top.into())) {
            continue;
        }
        match (p.segments.len(), x.kind) {
            (2, ChangeKind::Added) => added += 1,
            (2, ChangeKind::Removed) => removed += 1,
            (n, _) if n >= 2 => {
                changed.insert(p.segments.get(1).cloned());
            }
            _ => {}
        }
    }
    (added, removed, changed.len())
}

fn real_pair(dir: &Path, a: &str, b: &str) -> (Parsed, Parsed, Vec<Change>) {
    let pa = load(&dir.join(a)).unwrap();
    let pb = load(&dir.join(b)).unwrap();
    let c = semantic::compare(&pa, &pb, &options());
    (pa, pb, c)
}

#[test]
fn real_pairs() {
    let Some(dir) = corpus("real") else {
        return;
    };
    let (a, b, c) = real_pair(
        &dir,
        "argo-cd-v3.4.7/manifests/install.yaml",
        "argo-cd/manifests/install.yaml",
    );
    assert_eq!((a.documents(), b.documents()), (59, 59));
    assert_eq!(
        documents(&c),
        (0, 0, 10),
        "argo-cd install.yaml v3.4.7 -> v3.5.1"
    );

    let (a, b, c) = real_pair(
        &dir,
        "argo-cd/manifests/namespace-install.yaml",
        "argo-cd/manifests/ha/namespace-install.yaml",
    );
    assert_eq!((a.documents(), b.documents()), (50, 61));
    assert_eq!(documents(&c), (17, 6, 3), "argo-cd non-HA -> HA");

    let (_, _, c) = real_pair(
        &dir,
        "kubernetes-openapi/release-1.35/swagger.json",
        "kubernetes-openapi/release-1.36/swagger.json",
    );
    assert_eq!(
        entries(&c, "definitions"),
        (45, 9, 137),
        "OpenAPI definitions"
    );
    assert_eq!(entries(&c, "paths"), (32, 7, 322), "OpenAPI paths");

    for (j, y) in [
        (
            "stripe-openapi/openapi/fixtures3.json",
            "stripe-openapi/openapi/fixtures3.yaml",
        ),
        (
            "stripe-openapi/openapi/fixtures3.beta.json",
            "stripe-openapi/openapi/fixtures3.beta.yaml",
        ),
    ] {
        let (a, b, _) = real_pair(&dir, j, y);
        assert!(same_data(&a, &b), "{j} vs {y}:\n{}", describe(&a, &b));
    }
    let (_, _, c) = real_pair(
        &dir,
        "stripe-openapi/openapi/fixtures3.json",
        "stripe-openapi/openapi/fixtures3.beta.json",
    );
    assert!(!c.is_empty());

    let (_, _, c) = real_pair(
        &dir,
        "awesome-compose/react-express-mysql/frontend/package-lock.json",
        "awesome-compose/react-java-mysql/frontend/package-lock.json",
    );
    assert_eq!(
        entries(&c, "dependencies"),
        (6, 0, 51),
        "package-lock dependencies"
    );
    println!(
        "real/PAIRS.tsv: argo-cd 10 changed documents; non-HA -> HA 6 removed, 17 added, 3 changed; \
         OpenAPI definitions 45/9/137 and paths 32/7/322; Stripe JSON = YAML; package-lock 6 added, 51 changed"
    );
}

#[test]
fn real_cargo_trees() {
    let Some(dir) = corpus("real/cargo/tests/testsuite") else {
        return;
    };
    let (mut trees, mut identical) = (0, 0);
    for command in ["cargo_add", "cargo_remove"] {
        for case in std::fs::read_dir(dir.join(command)).unwrap() {
            let case = case.unwrap().path();
            let (inp, out) = (case.join("in"), case.join("out"));
            if !inp.is_dir() || !out.is_dir() {
                continue;
            }
            trees += 1;
            let files = all_files(&inp);
            let outs = all_files(&out);
            let identical_tree = files.len() == outs.len()
                && files.iter().all(|f| {
                    let g = out.join(f.strip_prefix(&inp).unwrap());
                    std::fs::read(f).ok() == std::fs::read(&g).ok()
                });
            for f in files.iter().filter(|f| Format::from_extension(f).is_some()) {
                let g = out.join(f.strip_prefix(&inp).unwrap());
                if !g.exists() {
                    continue;
                }
                let (Ok(a), Ok(b)) = (load(f), load(&g)) else {
                    continue;
                };
                if std::fs::read(f).unwrap() == std::fs::read(&g).unwrap() {
                    assert!(same_data(&a, &b), "{}", f.display());
                } else {
                    // Compared, whatever the outcome; it must not fail.
                    let _ = semantic::compare(&a, &b, &options());
                }
            }
            if identical_tree {
                identical += 1;
            }
        }
    }
    println!("real/cargo: {trees} in/out trees, {identical} byte-identical ones have no changes");
    assert_eq!((trees, identical), (191, 59));
}

#[test]
fn real_cloudformation_pairs() {
    let Some(dir) = corpus("real/aws-cloudformation-templates") else {
        return;
    };
    let (mut pairs, mut equal_untagged) = (0, 0);
    for json in structured_files(&dir) {
        if json.extension().and_then(|e| e.to_str()) != Some("json") {
            continue;
        }
        let yaml = json.with_extension("yaml");
        if !yaml.exists() {
            continue;
        }
        pairs += 1;
        let a = load(&json).unwrap();
        let b = load(&yaml).unwrap();
        if same_data(&a, &b.without_tags()) {
            equal_untagged += 1;
        }
    }
    println!(
        "real/aws-cloudformation-templates: {pairs} JSON/YAML pairs; {equal_untagged} equal once \
         the YAML's short-form tags are simply dropped (tags are data, so the others differ)"
    );
    assert_eq!((pairs, equal_untagged), (138, 5));
}
