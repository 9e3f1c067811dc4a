//! The test environment shared by every end-to-end test: [`TestEnv`] (a temp root, a
//! cleared environment with its own `HOME`, a fixed clock), [`Run`] (one command's
//! outcome, displayed as its transcript), the normalization of what varies per run, and
//! the setup builders (`setup`), keys and agents (`keys`) and git repositories (`repo`).
//! It holds no test of its own except the guard that every file here is a module.

#![allow(dead_code)]

pub mod keys;
pub mod repo;
mod setup;

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::rc::Rc;
use std::time::Duration;

use expectrl::Expect;

/// The binary under test.
pub const BIN: &str = env!("CARGO_BIN_EXE_driftgate");

/// The time every command reads unless a test moves it (`DRIFTGATE_FIXED_CLOCK`).
pub const CLOCK: &str = "2026-12-01T10:00:00Z";

/// A temp project root with a clean environment.
pub struct TestEnv {
    _dir: tempfile::TempDir,
    /// The project root (`<tmp>/root`).
    pub root: PathBuf,
    /// `$HOME` of every command (`<tmp>/home`).
    pub home: PathBuf,
    /// Extra environment variables for every command.
    pub vars: Vec<(String, String)>,
    /// The time the binary reads (`DRIFTGATE_FIXED_CLOCK`); `None` for the system clock.
    clock: RefCell<Option<String>>,
    /// Values that vary per run and what they read as in transcripts, longest first
    /// when applied (a public key's text before its fingerprint).
    redactions: RefCell<Vec<(String, String)>>,
    /// Keys made with [`TestEnv::signers`], by name.
    keys: RefCell<BTreeMap<String, keys::Key>>,
    /// The `[policy]` lines the builders wrote, in order.
    policy_lines: RefCell<Vec<String>>,
    /// Hashes seen in transcripts once a key was made, in order of first appearance
    /// (see [`Hashes`]); `None` while every hash is deterministic.
    hashes: RefCell<Option<Hashes>>,
    /// Secret hashes (`<redacted:1a2b3c4d>`) seen in transcripts; `Some` once a test
    /// asks for it ([`TestEnv::number_secrets`]).
    tokens: RefCell<Option<Hashes>>,
}

/// The hashes (12, 40 or 64 hex digits) that transcripts number `[H1]`, `[H2]`...
///
/// A test that makes SSH keys puts them in `allowed_signers`, which is part of the tree:
/// every root hash and proposal id after that derives from random keys. Transcripts
/// then name each hash by its order of first appearance (its 12-digit prefix), so
/// the same id reads the same everywhere and a different one differently; the 40- and
/// 64-digit forms read `[H1:40]` and `[H1:64]`. `stdout` and `stderr` keep the real
/// values, for tests that use them as arguments.
#[derive(Clone, Default, Debug)]
pub struct Hashes(Rc<RefCell<Vec<String>>>);

impl Hashes {
    /// Returns `text` with every `<redacted:HEX>` numbered `<redacted:[S1]>`, `[S2]`...
    /// by order of first appearance, so the same secret reads the same everywhere.
    fn number_tokens(&self, text: &str) -> String {
        const OPEN: &str = "<redacted:";
        let mut out = String::with_capacity(text.len());
        let mut rest = text;
        while let Some(at) = rest.find(OPEN) {
            let after = &rest[at + OPEN.len()..];
            let hex = after.find('>').map(|e| &after[..e]);
            out.push_str(&rest[..at + OPEN.len()]);
            match hex {
                Some(hex) if !hex.is_empty() && hex.chars().all(|c| c.is_ascii_hexdigit()) => {
                    let mut seen = self.0.borrow_mut();
                    let n = match seen.iter().position(|h| h == hex) {
                        Some(i) => i + 1,
                        None => {
                            seen.push(hex.to_string());
                            seen.len()
                        }
                    };
                    out.push_str(&format!("[S{n}]"));
                    rest = &after[hex.len()..];
                }
                _ => rest = after,
            }
        }
        out.push_str(rest);
        out
    }

    /// Returns `text` with every word of 12, 40 or 64 lowercase hex digits numbered.
    fn number(&self, text: &str) -> String {
        let is_word = |c: char| c.is_ascii_alphanumeric() || c == '_';
        let mut out = String::with_capacity(text.len());
        let mut rest = text;
        let mut prev_word = false;
        while let Some(c) = rest.chars().next() {
            let run = rest
                .find(|c: char| !matches!(c, '0'..='9' | 'a'..='f'))
                .unwrap_or(rest.len());
            let next_word = rest[run..].chars().next().is_some_and(is_word);
            if run > 0 && !prev_word && !next_word && matches!(run, 12 | 40 | 64) {
                let hex = &rest[..run];
                let mut seen = self.0.borrow_mut();
                let n = match seen.iter().position(|h| *h == hex[..12]) {
                    Some(i) => i + 1,
                    None => {
                        seen.push(hex[..12].to_string());
                        seen.len()
                    }
                };
                match run {
                    12 => out.push_str(&format!("[H{n}]")),
                    _ => out.push_str(&format!("[H{n}:{run}]")),
                }
                rest = &rest[run..];
                prev_word = false;
                continue;
            }
            let take = if run > 0 { run } else { c.len_utf8() };
            out.push_str(&rest[..take]);
            prev_word = rest[..take].chars().last().is_some_and(is_word);
            rest = &rest[take..];
        }
        out
    }
}

/// The outcome of one command; its `Display` is the transcript that snapshots show.
///
/// The transcript is stdout, then `--- stderr ---` and stderr when stderr is not empty,
/// then `[exit: N]`; an output without a final newline gets `[no newline at end]`.
#[derive(Debug)]
#[must_use = "a run's exit code and output must be checked"]
pub struct Run {
    /// Exit code (`-1` when killed by a signal).
    pub code: i32,
    /// stdout, normalized (see [`TestEnv::normalize`]).
    pub stdout: String,
    /// stderr, normalized the same way.
    pub stderr: String,
    /// Set when hashes derive from random keys: the transcript numbers them.
    pub hashes: Option<Hashes>,
    /// Set when the project has a random redaction key: the transcript numbers the
    /// secret hashes (`<redacted:..>`) it shows.
    pub tokens: Option<Hashes>,
}

impl fmt::Display for Run {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let part = |f: &mut fmt::Formatter<'_>, text: &str| {
            f.write_str(text)?;
            if !text.is_empty() && !text.ends_with('\n') {
                f.write_str("\n[no newline at end]\n")?;
            }
            fmt::Result::Ok(())
        };
        let shown = |text: &str| {
            let text = match &self.tokens {
                Some(t) => t.number_tokens(text),
                None => text.to_string(),
            };
            match &self.hashes {
                Some(h) => h.number(&text),
                None => text,
            }
        };
        part(f, &shown(&self.stdout))?;
        if !self.stderr.is_empty() {
            f.write_str("--- stderr ---\n")?;
            part(f, &shown(&self.stderr))?;
        }
        write!(f, "[exit: {}]", self.code)
    }
}

impl Run {
    /// Returns the transcript (the `Display` form), for assertion messages.
    pub fn transcript(&self) -> String {
        self.to_string()
    }

    /// Panics with the transcript unless the exit code is `code`.
    #[track_caller]
    pub fn expect_code(&self, code: i32) -> &Run {
        assert_eq!(
            self.code,
            code,
            "unexpected exit code:\n{}",
            self.transcript()
        );
        self
    }
}

impl TestEnv {
    /// Returns a fresh environment with an empty root and the clock at [`CLOCK`].
    pub fn new() -> TestEnv {
        let dir = tempfile::tempdir().expect("temp dir");
        let root = dir.path().join("root");
        let home = dir.path().join("home");
        std::fs::create_dir_all(&root).unwrap();
        std::fs::create_dir_all(&home).unwrap();
        TestEnv {
            _dir: dir,
            root,
            home,
            vars: Vec::new(),
            clock: RefCell::new(Some(CLOCK.into())),
            redactions: RefCell::new(Vec::new()),
            keys: RefCell::new(BTreeMap::new()),
            policy_lines: RefCell::new(Vec::new()),
            hashes: RefCell::new(None),
            tokens: RefCell::new(None),
        }
    }

    /// Moves the clock every later command reads to `at` (RFC 3339).
    pub fn set_clock(&self, at: &str) {
        *self.clock.borrow_mut() = Some(at.into());
    }

    /// Lets later commands read the system clock, for tests about real time passing.
    pub fn system_clock(&self) {
        *self.clock.borrow_mut() = None;
    }

    /// Returns the time commands read now: the fixed clock, else the system's.
    pub fn now(&self) -> String {
        match &*self.clock.borrow() {
            Some(at) => at.clone(),
            None => jiff::Timestamp::now()
                .round(jiff::Unit::Second)
                .unwrap()
                .to_string(),
        }
    }

    /// Makes transcripts number hashes from now on (see [`Hashes`]): they derive from
    /// random keys.
    pub fn number_hashes(&self) {
        self.hashes.borrow_mut().get_or_insert_with(Hashes::default);
    }

    /// Makes transcripts number secret hashes (`<redacted:[S1]>`) from now on: a
    /// project's hashes derive from the random `.driftgate/redaction.key` that `init`
    /// makes (`diff --files` outside a project, or a copied fixture, hash without a
    /// random key, and their hashes stay as they are).
    pub fn number_secrets(&self) {
        self.tokens.borrow_mut().get_or_insert_with(Hashes::default);
    }

    /// Makes transcripts read `label` wherever `value` appears (a value that varies per
    /// run: a port, a generated key, a random signature).
    pub fn redact(&self, value: &str, label: &str) {
        if !value.is_empty() {
            let mut r = self.redactions.borrow_mut();
            r.push((value.into(), label.into()));
            r.sort_by_key(|(v, _)| std::cmp::Reverse(v.len()));
        }
    }

    /// Returns a fresh environment after `driftgate init` (plus `extra` args).
    pub fn init(extra: &[&str]) -> TestEnv {
        let env = TestEnv::new();
        let mut args = vec!["init"];
        args.extend_from_slice(extra);
        env.run(&args).expect_code(0);
        env
    }

    /// Returns a command for the binary with the cleared environment, run in the root.
    pub fn command(&self, args: &[&str]) -> Command {
        self.command_in(&self.root, args)
    }

    /// Like [`TestEnv::command`], run in `dir`.
    pub fn command_in(&self, dir: &Path, args: &[&str]) -> Command {
        let mut c = Command::new(BIN);
        c.args(args).current_dir(dir).env_clear();
        c.env("PATH", std::env::var("PATH").unwrap_or_default())
            .env("HOME", &self.home)
            .env("USER", "tester")
            .env("LANG", "C.UTF-8")
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("GIT_CONFIG_GLOBAL", self.home.join(".gitconfig"))
            // Tests read the screens as they are printed; the pager has its own test.
            .env("DRIFTGATE_PAGER", "cat");
        if let Some(at) = &*self.clock.borrow() {
            c.env("DRIFTGATE_FIXED_CLOCK", at);
        }
        for (k, v) in &self.vars {
            c.env(k, v);
        }
        c
    }

    /// Runs the binary with `args` in the root, stdin closed; returns the outcome.
    pub fn run(&self, args: &[&str]) -> Run {
        self.run_in(&self.root, args)
    }

    /// Runs each of `commands` in the root, in order; returns their transcripts, each
    /// under a `$ driftgate ARGS` line, for one snapshot of several commands.
    pub fn transcripts(&self, commands: &[&[&str]]) -> String {
        commands
            .iter()
            .map(|args| format!("$ driftgate {}\n{}\n", args.join(" "), self.run(args)))
            .collect::<Vec<_>>()
            .join("\n")
    }

    /// Runs the binary with `args` in `dir`, stdin closed.
    pub fn run_in(&self, dir: &Path, args: &[&str]) -> Run {
        let out = self
            .command_in(dir, args)
            .stdin(Stdio::null())
            .output()
            .expect("run driftgate");
        self.outcome(&out)
    }

    /// Returns the normalized outcome of a finished process.
    pub fn outcome(&self, out: &std::process::Output) -> Run {
        Run {
            code: out.status.code().unwrap_or(-1),
            stdout: self.normalize(&String::from_utf8_lossy(&out.stdout)),
            stderr: self.normalize(&String::from_utf8_lossy(&out.stderr)),
            hashes: self.hashes.borrow().clone(),
            tokens: self.tokens.borrow().clone(),
        }
    }

    /// Returns `text` with what varies per run replaced: temp paths by `[ROOT]` and
    /// `[HOME]`, generated keys by `[KEY:name]` (fingerprint) and `[PUBKEY:name]`,
    /// every value given to [`TestEnv::redact`], and the timings of `-v` by
    /// `[ELAPSED]`; carriage returns dropped.
    ///
    /// Hashes of content are not touched: with the clock fixed they are deterministic.
    /// Those that derive from random keys are numbered in the transcript only (see
    /// [`Hashes`], [`TestEnv::number_hashes`], [`TestEnv::number_secrets`]).
    pub fn normalize(&self, text: &str) -> String {
        let mut t = text.replace(self.root.to_str().unwrap(), "[ROOT]");
        t = t.replace(self.home.to_str().unwrap(), "[HOME]");
        // The temp dir as a whole (the root's parent), e.g. in canonicalized paths.
        if let Some(tmp) = self.root.parent().and_then(|p| p.to_str()) {
            t = t.replace(tmp, "[TMP]");
        }
        for (value, label) in self.redactions.borrow().iter() {
            t = t.replace(value.as_str(), label);
        }
        elapsed(&t.replace('\r', ""))
    }

    /// Writes `content` to `rel` under the root, creating directories.
    pub fn write(&self, rel: &str, content: &str) {
        let p = self.root.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, content).unwrap();
    }

    /// Returns the content of `rel` under the root.
    pub fn read(&self, rel: &str) -> String {
        std::fs::read_to_string(self.root.join(rel)).unwrap()
    }

    /// Returns whether `rel` exists under the root (symlinks not followed).
    pub fn exists(&self, rel: &str) -> bool {
        std::fs::symlink_metadata(self.root.join(rel)).is_ok()
    }

    /// Returns every file under `.driftgate/` (cache and lock excluded) with its bytes.
    pub fn state(&self) -> BTreeMap<String, Vec<u8>> {
        let mut out = BTreeMap::new();
        let base = self.root.join(".driftgate");
        let mut stack = vec![base.clone()];
        while let Some(d) = stack.pop() {
            let Ok(rd) = std::fs::read_dir(&d) else {
                continue;
            };
            for e in rd.flatten() {
                let p = e.path();
                let rel = p
                    .strip_prefix(&base)
                    .unwrap()
                    .to_string_lossy()
                    .into_owned();
                if rel.starts_with("cache") || rel == "lock" {
                    continue;
                }
                if p.is_dir() {
                    stack.push(p);
                } else {
                    out.insert(rel, std::fs::read(&p).unwrap());
                }
            }
        }
        out
    }

    /// Returns every file under `.driftgate/` as text, objects decompressed (each object
    /// of a pack as its own `objects/pack/<name>.pack#<offset>`).
    pub fn stored_texts(&self) -> Vec<(String, String)> {
        use std::io::Read;
        let inflate = |bytes: &[u8]| {
            // LZ4 objects: `DGL4`, the length (u32 LE), the block; older ones are zlib.
            if let Some(rest) = bytes.strip_prefix(b"DGL4") {
                let len = u32::from_le_bytes(rest.get(..4)?.try_into().ok()?) as usize;
                return lz4_flex::block::decompress(&rest[4..], len).ok();
            }
            let mut plain = Vec::new();
            flate2::read::ZlibDecoder::new(bytes)
                .read_to_end(&mut plain)
                .ok()
                .map(|_| plain)
        };
        let state = self.state();
        let mut out = Vec::new();
        for (path, bytes) in &state {
            if let Some(pack) = path.strip_suffix(".idx") {
                let data = &state[&format!("{pack}.pack")];
                for r in bytes[8..].chunks_exact(48) {
                    let at = u64::from_le_bytes(r[32..40].try_into().unwrap()) as usize;
                    let len = u64::from_le_bytes(r[40..48].try_into().unwrap()) as usize;
                    let plain = inflate(&data[at..at + len]).expect("a pack's object inflates");
                    out.push((
                        format!("{pack}.pack#{at}"),
                        String::from_utf8_lossy(&plain).into_owned(),
                    ));
                }
                continue;
            }
            let bytes = match path.starts_with("objects/") && !path.starts_with("objects/pack/") {
                true => inflate(bytes).unwrap_or_else(|| bytes.clone()),
                false => bytes.clone(),
            };
            out.push((path.clone(), String::from_utf8_lossy(&bytes).into_owned()));
        }
        out
    }

    /// Returns the entries of the baseline at `json` (`.driftgate/baseline.json`, or a
    /// proposal file's candidate), read through the store's manifests.
    pub fn entries(&self, json: &str) -> driftgate::tree::Tree {
        let v: serde_json::Value = serde_json::from_str(&self.read(json)).unwrap();
        let b: driftgate::baseline::Baseline =
            serde_json::from_value(v.get("baseline").cloned().unwrap_or(v)).unwrap();
        let store = driftgate::store::Store::open(&self.root).unwrap();
        b.tree(&store.objects()).unwrap()
    }

    /// Removes the object `hash` from the store, as whoever can write `.driftgate/`
    /// could (its record cut from its pack's index); returns where a loose object of
    /// that hash would be read from.
    pub fn drop_object(&self, hash: &str) -> PathBuf {
        let raw: Vec<u8> = (0..32)
            .map(|i| u8::from_str_radix(&hash[2 * i..2 * i + 2], 16).unwrap())
            .collect();
        let packs = self.root.join(".driftgate/objects/pack");
        for e in std::fs::read_dir(&packs).unwrap().flatten() {
            let p = e.path();
            if p.extension().is_some_and(|x| x == "idx") {
                let bytes = std::fs::read(&p).unwrap();
                let mut kept = bytes[..8].to_vec();
                for r in bytes[8..].chunks_exact(48) {
                    if r[..32] != raw[..] {
                        kept.extend_from_slice(r);
                    }
                }
                std::fs::write(&p, kept).unwrap();
            }
        }
        self.root
            .join(format!(".driftgate/objects/{}/{}", &hash[..2], &hash[2..]))
    }

    /// Rewrites the entries of baseline `b` with `edit`, as whoever can write
    /// `.driftgate/` could: new manifests in the store, the root hash recomputed.
    pub fn forge_entries(
        &self,
        b: &mut driftgate::baseline::Baseline,
        edit: impl FnOnce(&mut driftgate::tree::Tree),
    ) {
        let store = driftgate::store::Store::open(&self.root).unwrap();
        let objects = store.objects();
        let mut tree = b.tree(&objects).unwrap();
        edit(&mut tree);
        b.tree = Some(driftgate::baseline::manifest::store(&tree, &objects).unwrap());
        b.files = Some(tree.len() as u64);
        objects.flush().unwrap();
        b.root_hash = b.compute_root_hash();
    }

    /// Runs `args` in every report format, expecting exit `code`, and panics if any
    /// output (stdout or stderr) contains `needle`.
    pub fn assert_no_format_prints(&self, args: &[&str], code: i32, needle: &str) {
        self.assert_no_format_prints_any(args, code, &[needle]);
    }

    /// Like [`TestEnv::assert_no_format_prints`], for each of `needles`.
    pub fn assert_no_format_prints_any(&self, args: &[&str], code: i32, needles: &[&str]) {
        for format in [
            "text", "json", "sarif", "github", "markdown", "junit", "html",
        ] {
            let mut all = args.to_vec();
            all.extend(["--format", format]);
            let r = self.run(&all);
            r.expect_code(code);
            for needle in needles {
                assert!(
                    !r.transcript().contains(needle),
                    "`{needle}` in {format}:\n{}",
                    r.transcript()
                );
            }
        }
    }

    /// Panics if any file under `.driftgate/` (objects decompressed) contains `needle`.
    pub fn assert_state_lacks(&self, needle: &str) {
        for (path, text) in self.stored_texts() {
            assert!(!text.contains(needle), "`{needle}` in .driftgate/{path}");
        }
    }

    /// Runs `snapshot -m REASON --as WHO`, expecting success; returns the proposal id.
    pub fn propose(&self, who: &str, reason: &str) -> String {
        self.propose_with(who, reason, &[])
    }

    /// Runs `snapshot -m REASON --as WHO` with `extra` arguments (`--actor`, `--sign`),
    /// expecting success; returns the proposal id.
    pub fn propose_with(&self, who: &str, reason: &str, extra: &[&str]) -> String {
        let args = [&["snapshot", "-m", reason, "--as", who][..], extra].concat();
        let r = self.run(&args);
        r.expect_code(0);
        let id = r.stdout.trim().to_string();
        assert_eq!(id.len(), 12, "no proposal id in:\n{}", r.transcript());
        id
    }

    /// Approves `id` as `who` through a real pseudo-terminal, answering `y` and `reason`.
    pub fn approve_pty(&self, id: &str, who: &str, reason: &str) -> i32 {
        let mut s = self.pty(&["approve", id, "--as", who]);
        s.expect("[y/N]").expect("confirmation prompt");
        s.send_line("y").unwrap();
        s.expect("reason: ").expect("reason prompt");
        s.send_line(reason).unwrap();
        wait_pty(s)
    }

    /// Spawns the binary with `args` in a real pseudo-terminal.
    pub fn pty(&self, args: &[&str]) -> expectrl::session::OsSession {
        let mut s = expectrl::Session::spawn(self.command(args)).expect("spawn in a pty");
        s.set_expect_timeout(Some(Duration::from_secs(30)));
        s
    }

    /// Runs the whole lifecycle once: snapshot as `alice`, approve as `bob` (pty),
    /// accept; returns the proposal id.
    pub fn accept_current(&self, reason: &str) -> String {
        let id = self.propose("alice", reason);
        assert_eq!(self.approve_pty(&id, "bob", "looks right"), 0);
        self.run(&["accept", &id, "--as", "carol"]).expect_code(0);
        id
    }
}

/// Returns `text` with the timings of `-v` (`(123 ms)`) read as `([ELAPSED] ms)`: the
/// only value in a transcript that varies with the machine, not with the input.
fn elapsed(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find(" ms)") {
        let head = &rest[..at];
        let digits = head.len() - head.trim_end_matches(|c: char| c.is_ascii_digit()).len();
        let start = at - digits;
        if digits > 0 && head[..start].ends_with('(') {
            out.push_str(&rest[..start]);
            out.push_str("[ELAPSED]");
        } else {
            out.push_str(head);
        }
        out.push_str(" ms)");
        rest = &rest[at + 4..];
    }
    out.push_str(rest);
    out
}

/// Waits for a pty session to end; returns its exit code.
pub fn wait_pty(mut s: expectrl::session::OsSession) -> i32 {
    let _ = s.expect(expectrl::Eof);
    match s.get_process().wait() {
        Ok(expectrl::process::unix::WaitStatus::Exited(_, code)) => code,
        other => panic!("unexpected end of the pty session: {other:?}"),
    }
}
