//! The layering of `src/`, read from its imports (STYLE.md "Layout").
//!
//! Arrows point down: commands -> lifecycle -> domain -> ground -> `change`. These
//! tests fail when a module imports against that order, a command calls another
//! command, a source file outgrows 700 lines, or an import cycle appears beyond the
//! one clap's derive needs (`cli` <-> `commands`). `.ci/layers` prints the same graph
//! with counts.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// The terminal and command-line layer: only it may import itself.
const FRAME: [&str; 4] = ["cli", "commands", "ui", "error"];

/// Longest source file, in lines.
const MAX_LINES: usize = 700;

/// One module: its path (`semantic::diff`), its file and its text without comments.
struct Module {
    file: PathBuf,
    code: String,
}

fn src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|e| e == "rs") {
            out.push(p);
        }
    }
}

/// Returns `text` without line comments and without its `#[cfg(test)] mod tests`
/// block (tests may reach anywhere).
fn code_of(text: &str) -> String {
    let text = match text.find("#[cfg(test)]\nmod tests {") {
        Some(i) => &text[..i],
        None => text,
    };
    text.lines()
        .filter(|l| !l.trim_start().starts_with("//"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Returns every module of the crate, by path.
fn modules() -> BTreeMap<String, Module> {
    let root = src();
    let mut files = Vec::new();
    rust_files(&root, &mut files);
    let mut out = BTreeMap::new();
    for file in files {
        let rel = file.strip_prefix(&root).unwrap().with_extension("");
        let mut parts: Vec<String> = rel
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect();
        if parts.last().is_some_and(|p| p == "mod") {
            parts.pop();
        }
        let name = parts.join("::");
        // Tests may reach anywhere.
        if name == "main" || name == "lib" || parts.last().is_some_and(|p| p == "tests") {
            continue;
        }
        let code = code_of(&std::fs::read_to_string(&file).unwrap());
        out.insert(name, Module { file, code });
    }
    out
}

/// Returns the module a path names (`crate::a::b::Item` -> `a::b`), seen from `from`.
fn resolve(mods: &BTreeMap<String, Module>, from: &str, path: &[&str]) -> Option<String> {
    let (mut base, rest): (Vec<&str>, &[&str]) = match path.first() {
        Some(&"crate") => (Vec::new(), &path[1..]),
        Some(&"super") => {
            let mut base: Vec<&str> = from.split("::").collect();
            base.pop();
            let mut rest = &path[1..];
            while rest.first() == Some(&"super") {
                base.pop();
                rest = &rest[1..];
            }
            (base, rest)
        }
        _ => return None,
    };
    let prefix = base.len();
    base.extend_from_slice(rest);
    (prefix..=base.len())
        .rev()
        .map(|n| base[..n].join("::"))
        .find(|m| mods.contains_key(m))
}

/// Returns the `crate::`/`super::` paths in `code`, group imports expanded
/// (`crate::{a::B, c}` gives `crate::a::B` and `crate::c`).
fn paths(code: &str) -> Vec<Vec<String>> {
    let bytes = code.as_bytes();
    let mut out = Vec::new();
    let is_ident = |b: u8| b.is_ascii_alphanumeric() || b == b'_';
    let mut i = 0;
    while i < bytes.len() {
        let starts = [&b"crate::"[..], &b"super::"[..]]
            .iter()
            .any(|s| bytes[i..].starts_with(s))
            && (i == 0 || !is_ident(bytes[i - 1]) && bytes[i - 1] != b':');
        if !starts {
            i += 1;
            continue;
        }
        let mut j = i;
        while j < bytes.len() && (is_ident(bytes[j]) || bytes[j] == b':') {
            j += 1;
        }
        let head: Vec<String> = code[i..j]
            .split("::")
            .filter(|s| !s.is_empty())
            .map(String::from)
            .collect();
        if bytes.get(j) == Some(&b'{') {
            let mut depth = 0;
            let mut end = j;
            for (k, c) in code[j..].char_indices() {
                match c {
                    '{' => depth += 1,
                    '}' => {
                        depth -= 1;
                        if depth == 0 {
                            end = j + k;
                            break;
                        }
                    }
                    _ => {}
                }
            }
            let mut depth = 0;
            let mut item = String::new();
            let mut items = Vec::new();
            for c in code[j + 1..end].chars() {
                match c {
                    '{' => depth += 1,
                    '}' => depth -= 1,
                    ',' if depth == 0 => {
                        items.push(std::mem::take(&mut item));
                        continue;
                    }
                    _ => {}
                }
                item.push(c);
            }
            items.push(item);
            for item in items {
                let first: String = item
                    .trim()
                    .chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_' || *c == ':')
                    .collect();
                if first.is_empty() || first == "self" {
                    out.push(head.clone());
                    continue;
                }
                let mut p = head.clone();
                p.extend(
                    first
                        .split("::")
                        .filter(|s| !s.is_empty())
                        .map(String::from),
                );
                out.push(p);
            }
            i = end;
        } else {
            out.push(head);
            i = j;
        }
    }
    out
}

/// Returns the import graph: module -> modules it names.
fn graph(mods: &BTreeMap<String, Module>) -> BTreeMap<String, BTreeSet<String>> {
    let mut edges: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (name, m) in mods {
        let set = edges.entry(name.clone()).or_default();
        for p in paths(&m.code) {
            let p: Vec<&str> = p.iter().map(String::as_str).collect();
            if let Some(to) = resolve(mods, name, &p) {
                let nested =
                    to.starts_with(&format!("{name}::")) || name.starts_with(&format!("{to}::"));
                if to != *name && !nested {
                    set.insert(to);
                }
            }
        }
    }
    edges
}

/// Returns the strongly connected groups of more than one module (Tarjan).
fn cycles(edges: &BTreeMap<String, BTreeSet<String>>) -> Vec<BTreeSet<String>> {
    struct State<'a> {
        edges: &'a BTreeMap<String, BTreeSet<String>>,
        index: BTreeMap<&'a str, usize>,
        low: BTreeMap<&'a str, usize>,
        stack: Vec<&'a str>,
        on: BTreeSet<&'a str>,
        out: Vec<BTreeSet<String>>,
    }
    fn visit<'a>(s: &mut State<'a>, v: &'a str) {
        let n = s.index.len();
        s.index.insert(v, n);
        s.low.insert(v, n);
        s.stack.push(v);
        s.on.insert(v);
        for w in s.edges.get(v).into_iter().flatten() {
            let w = w.as_str();
            if !s.index.contains_key(w) {
                visit(s, w);
                let lw = s.low[w];
                let lv = s.low.get_mut(v).unwrap();
                *lv = (*lv).min(lw);
            } else if s.on.contains(w) {
                let iw = s.index[w];
                let lv = s.low.get_mut(v).unwrap();
                *lv = (*lv).min(iw);
            }
        }
        if s.low[v] == s.index[v] {
            let mut group = BTreeSet::new();
            while let Some(w) = s.stack.pop() {
                s.on.remove(w);
                group.insert(w.to_string());
                if w == v {
                    break;
                }
            }
            if group.len() > 1 {
                s.out.push(group);
            }
        }
    }
    let mut s = State {
        edges,
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        stack: Vec::new(),
        on: BTreeSet::new(),
        out: Vec::new(),
    };
    for v in edges.keys() {
        if !s.index.contains_key(v.as_str()) {
            visit(&mut s, v);
        }
    }
    s.out
}

fn top(module: &str) -> &str {
    module.split("::").next().unwrap_or(module)
}

#[test]
fn nothing_below_the_command_layer_imports_it() {
    let mods = modules();
    let edges = graph(&mods);
    let mut wrong = Vec::new();
    for (from, tos) in &edges {
        if FRAME.contains(&top(from)) {
            continue;
        }
        for to in tos {
            if FRAME.contains(&top(to)) {
                wrong.push(format!("{from} imports {to}"));
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn renderers_take_data_not_terminal_types() {
    let mods = modules();
    let mut wrong = Vec::new();
    for (name, m) in &mods {
        if !name.starts_with("report::render") {
            continue;
        }
        for needle in ["clap", "indicatif", "IsTerminal", "crate::cli", "crate::ui"] {
            if m.code.contains(needle) {
                wrong.push(format!("{} names `{needle}`", m.file.display()));
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn no_command_calls_another() {
    let mods = modules();
    let edges = graph(&mods);
    let is_command = |m: &str| m.starts_with("commands::") && mods[m].code.contains("pub fn run(");
    let mut wrong = Vec::new();
    for (from, tos) in &edges {
        if !is_command(from) {
            continue;
        }
        for to in tos {
            if is_command(to) {
                wrong.push(format!("{from} calls {to}"));
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn the_only_import_cycle_is_the_clap_derive_pair() {
    let mods = modules();
    let groups = cycles(&graph(&mods));
    let pair: BTreeSet<String> = ["cli", "commands"].map(String::from).into();
    let other: Vec<_> = groups.iter().filter(|g| **g != pair).collect();
    assert!(other.is_empty(), "import cycles: {other:?}");
}

#[test]
fn top_level_modules_form_two_known_cycles_at_most() {
    let mods = modules();
    let mut top_edges: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (from, tos) in graph(&mods) {
        let set = top_edges.entry(top(&from).to_string()).or_default();
        set.extend(
            tos.iter()
                .map(|t| top(t).to_string())
                .filter(|t| t != top(&from)),
        );
    }
    // clap's derive pair; and a baseline records the policy it puts in force (the
    // data-only leaf `policy::cfg`) while the policy judges proposals of baselines.
    let known: [BTreeSet<String>; 2] = [
        ["cli", "commands"].map(String::from).into(),
        ["baseline", "policy"].map(String::from).into(),
    ];
    let other: Vec<_> = cycles(&top_edges)
        .into_iter()
        .filter(|g| !known.contains(g))
        .collect();
    assert!(
        other.is_empty(),
        "import cycles between top-level modules: {other:?}"
    );
}

#[test]
fn no_source_file_outgrows_seven_hundred_lines() {
    let mut files = Vec::new();
    rust_files(&src(), &mut files);
    let long: Vec<String> = files
        .iter()
        .filter_map(|f| {
            let n = std::fs::read_to_string(f).unwrap().lines().count();
            (n > MAX_LINES).then(|| format!("{}: {n} lines", f.display()))
        })
        .collect();
    assert!(long.is_empty(), "split along a seam:\n{}", long.join("\n"));
}

#[test]
fn every_module_says_what_it_owns() {
    let mut files = Vec::new();
    rust_files(&src(), &mut files);
    let silent: Vec<String> = files
        .iter()
        .filter(|f| {
            f.file_name()
                .is_some_and(|n| n != "main.rs" && n != "tests.rs")
        })
        .filter(|f| !std::fs::read_to_string(f).unwrap().starts_with("//!"))
        .map(|f| f.display().to_string())
        .collect();
    assert!(
        silent.is_empty(),
        "no `//!` opening:\n{}",
        silent.join("\n")
    );
}

#[test]
fn the_graph_reader_sees_imports() {
    let code = "use crate::{change::Severity, report::{Report, render}};\nlet x = super::cfg::A;";
    let found: Vec<String> = paths(code).iter().map(|p| p.join("::")).collect();
    assert_eq!(
        found,
        ["crate::change::Severity", "crate::report", "super::cfg::A"]
    );
}
