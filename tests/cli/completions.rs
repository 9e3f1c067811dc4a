//! Docs kept honest: the clap definition passes its own checks, `--help` of every
//! subcommand is snapshotted, and the completion scripts and man pages checked into
//! `completions/` match what the binary generates.
//!
//! After changing the command line, regenerate `completions/` with
//! `DRIFTGATE_REGENERATE=1 cargo test --test cli completions`, then review the new
//! `--help` snapshots (`.snap.new` files) and rename them to `.snap`.

use crate::common::TestEnv;
use clap::CommandFactory;
use clap_complete::{Generator, Shell};
use driftgate::cli::Cli;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The environment variable that makes the staleness test rewrite `completions/`.
const REGENERATE: &str = "DRIFTGATE_REGENERATE";

const SHELLS: [Shell; 5] = [
    Shell::Bash,
    Shell::Zsh,
    Shell::Fish,
    Shell::PowerShell,
    Shell::Elvish,
];

#[test]
fn the_command_definition_is_consistent() {
    Cli::command().debug_assert();
}

/// Returns the path of every subcommand, the top level first (`[]`, `["check"]`,
/// `["hook", "install"]`, ...).
fn command_paths(cmd: &clap::Command, prefix: Vec<String>, out: &mut Vec<Vec<String>>) {
    out.push(prefix.clone());
    for sub in cmd.get_subcommands() {
        let mut path = prefix.clone();
        path.push(sub.get_name().to_string());
        command_paths(sub, path, out);
    }
}

#[test]
fn help_of_every_subcommand() {
    let env = TestEnv::new();
    let mut paths = Vec::new();
    command_paths(&Cli::command(), Vec::new(), &mut paths);
    assert!(paths.contains(&vec!["hook".to_string(), "install".to_string()]));
    for path in paths {
        let mut args: Vec<&str> = path.iter().map(String::as_str).collect();
        args.push("--help");
        let r = env.run(&args);
        r.expect_code(0);
        assert_eq!(r.stderr, "", "{args:?}");
        let name = if path.is_empty() {
            "help".to_string()
        } else {
            format!("help_{}", path.join("_"))
        };
        insta::assert_snapshot!(name, r.stdout);
    }
}

/// Returns every generated file, by path relative to `completions/`.
fn generated(env: &TestEnv) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut files = BTreeMap::new();
    for shell in SHELLS {
        let out = env
            .command(&["completions", &shell.to_string()])
            .output()
            .unwrap();
        assert!(out.status.success(), "completions {shell} failed");
        assert!(!out.stdout.is_empty());
        files.insert(PathBuf::from(shell.file_name("driftgate")), out.stdout);
    }
    for (name, page) in driftgate::commands::completions::man_pages().unwrap() {
        files.insert(Path::new("man").join(name), page);
    }
    files
}

/// Returns every file under `dir`, by path relative to it.
fn on_disk(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut files = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else {
                let rel = p.strip_prefix(dir).unwrap().to_path_buf();
                files.insert(rel, std::fs::read(&p).unwrap());
            }
        }
    }
    files
}

#[test]
fn completions_and_man_pages_are_current() {
    let env = TestEnv::new();
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("completions");
    let fresh = generated(&env);
    assert!(fresh.contains_key(Path::new("man/driftgate.1")));
    assert!(fresh.contains_key(Path::new("man/driftgate-check.1")));
    assert!(fresh.contains_key(Path::new("man/driftgate-hook-install.1")));
    let current = on_disk(&dir);
    if std::env::var_os(REGENERATE).is_some() {
        for stale in current.keys().filter(|k| !fresh.contains_key(*k)) {
            std::fs::remove_file(dir.join(stale)).unwrap();
        }
        for (rel, bytes) in &fresh {
            let p = dir.join(rel);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, bytes).unwrap();
        }
        return;
    }
    let mut problems = Vec::new();
    for (rel, bytes) in &fresh {
        match current.get(rel) {
            None => problems.push(format!("missing: completions/{}", rel.display())),
            Some(b) if b != bytes => problems.push(format!("stale: completions/{}", rel.display())),
            Some(_) => {}
        }
    }
    for rel in current.keys().filter(|k| !fresh.contains_key(*k)) {
        problems.push(format!(
            "not generated any more: completions/{}",
            rel.display()
        ));
    }
    assert!(
        problems.is_empty(),
        "completions/ does not match the command line:\n  {}\nregenerate with:\n  {REGENERATE}=1 cargo test --test cli completions",
        problems.join("\n  ")
    );
}

/// Returns what the checked-in bash completion offers for the words of `line`, the
/// last one being completed.
fn bash_complete(line: &[&str]) -> Vec<String> {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("completions/driftgate.bash");
    let words: Vec<String> = line.iter().map(|w| format!("'{w}'")).collect();
    let cword = line.len() - 1;
    let program = format!(
        "source '{}'; COMP_WORDS=({}); COMP_CWORD={cword}; _driftgate driftgate '{}' '{}'; printf '%s\\n' \"${{COMPREPLY[@]}}\"",
        script.display(),
        words.join(" "),
        line[cword],
        line[cword - 1],
    );
    let out = std::process::Command::new("bash")
        .args(["--norc", "--noprofile", "-c", &program])
        .output()
        .expect("run bash");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(String::from)
        .collect()
}

#[test]
fn bash_completes_the_new_options() {
    assert_eq!(
        bash_complete(&["driftgate", "check", "--st"]),
        ["--strict", "--staged"]
    );
    let hook = bash_complete(&["driftgate", "hook", ""]);
    assert!(
        hook.contains(&"install".to_string()) && hook.contains(&"uninstall".to_string()),
        "{hook:?}"
    );
    let formats = bash_complete(&["driftgate", "check", "--format", ""]);
    assert_eq!(
        formats,
        [
            "text", "json", "sarif", "github", "markdown", "junit", "html"
        ]
    );
    let listing = bash_complete(&["driftgate", "log", "--format", ""]);
    assert_eq!(listing, ["text", "json", "ndjson", "ocsf"]);
    let proposals = bash_complete(&["driftgate", "proposals", "--format", ""]);
    assert_eq!(proposals, ["text", "json"]);
}

#[test]
fn completion_scripts_know_the_new_commands_and_options() {
    let env = TestEnv::new();
    let bash = env.run(&["completions", "bash"]);
    bash.expect_code(0);
    for word in [
        "--staged",
        "--rev",
        "--output",
        "hook",
        "uninstall",
        "sarif",
        "junit",
    ] {
        assert!(bash.stdout.contains(word), "bash completion lacks {word}");
    }
    let r = env.run(&["completions", "tcsh"]);
    r.expect_code(2);
}

#[test]
fn every_command_has_examples_in_its_help() {
    let env = TestEnv::new();
    let commands: &[&[&str]] = &[
        &[],
        &["init"],
        &["check"],
        &["diff"],
        &["snapshot"],
        &["approve"],
        &["accept"],
        &["reject"],
        &["proposals"],
        &["explain"],
        &["log"],
        &["rules"],
        &["verify"],
        &["hook", "install"],
        &["hook", "uninstall"],
        &["evidence"],
        &["attest"],
        &["notify", "test"],
        &["completions"],
    ];
    for cmd in commands {
        let mut args = cmd.to_vec();
        args.push("--help");
        let r = env.run(&args);
        r.expect_code(0);
        assert!(
            r.stdout.contains("\nExamples:\n  driftgate "),
            "{cmd:?}:\n{}",
            r.stdout
        );
    }
}
