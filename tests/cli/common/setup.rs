//! Setup builders: the sequences many tests repeat (keys and allowed_signers, a policy,
//! propose, sign, accept) as one call each, so that a test shows only what it is about.
//!
//! ```ignore
//! let env = TestEnv::init(&[]);
//! env.signers(["bob", "carol"]).require_signatures().quorum(2);
//! env.write("a.yaml", "replicas: 1\n");
//! let id = env.propose("alice", "first");
//! env.sign(&id, "bob").expect_code(0);
//! ```
//!
//! Keys are real `ssh-keygen` keys made per test (see `keys`); nothing here bypasses
//! the binary except where a name says so (`forge_*` in `keys`).

use super::keys::Key;
use super::{Run, TestEnv};

impl TestEnv {
    /// Makes an ed25519 key for each of `names` and writes `.driftgate/allowed_signers`
    /// with one line per name (the name is the principal); returns the env for chaining.
    ///
    /// Transcripts show each key's fingerprint as `[KEY:name]`; [`TestEnv::key_of`]
    /// returns a key by name.
    pub fn signers<const N: usize>(&self, names: [&str; N]) -> &TestEnv {
        let mut text = String::new();
        for name in names {
            let key = self.key(name, "ed25519");
            text.push_str(&key.line(name, ""));
        }
        self.write_signers(&text);
        self
    }

    /// Makes [`TestEnv::sign`] sign as `principal` with `key` (a key listed for several
    /// principals, or under another name than it was made with).
    pub fn use_key(&self, principal: &str, key: &Key) {
        self.keys
            .borrow_mut()
            .insert(principal.to_string(), key.clone());
    }

    /// Returns the key made for `name` ([`TestEnv::signers`], [`TestEnv::key`]) or
    /// given to it ([`TestEnv::use_key`]).
    #[track_caller]
    pub fn key_of(&self, name: &str) -> Key {
        self.keys
            .borrow()
            .get(name)
            .unwrap_or_else(|| panic!("no key for `{name}`: add it with `env.signers([..])`"))
            .clone()
    }

    /// Adds `line` to the `[policy]` table of driftgate.toml (rewritten whole, with the
    /// lines the builders added before); returns the env for chaining.
    pub fn policy_line(&self, line: &str) -> &TestEnv {
        self.policy_lines.borrow_mut().push(line.to_string());
        let body: String = self
            .policy_lines
            .borrow()
            .iter()
            .map(|l| format!("{l}\n"))
            .collect();
        self.policy(&body);
        self
    }

    /// Requires every approval to be signed (`require_signatures = true`).
    pub fn require_signatures(&self) -> &TestEnv {
        self.policy_line("require_signatures = true")
    }

    /// Requires `n` approvals (`approvals = n`).
    pub fn quorum(&self, n: u32) -> &TestEnv {
        self.policy_line(&format!("approvals = {n}"))
    }

    /// Runs `approve ID --yes --sign KEY --as WHO -m reviewed` with `who`'s key
    /// ([`TestEnv::key_of`]).
    pub fn sign(&self, id: &str, who: &str) -> Run {
        let key = self.key_of(who);
        self.sign_with(id, who, &key)
    }

    /// Runs `accept ID --as WHO`.
    pub fn accept(&self, id: &str, who: &str) -> Run {
        self.run(&["accept", id, "--as", who])
    }

    /// Proposes the tree as `alice`, has each of `signers` sign with their key, accepts
    /// as `alice`; returns the proposal id. Expects every step to succeed.
    #[track_caller]
    pub fn accept_signed(&self, reason: &str, signers: &[&str]) -> String {
        let id = self.propose("alice", reason);
        for who in signers {
            self.sign(&id, who).expect_code(0);
        }
        self.accept(&id, "alice").expect_code(0);
        id
    }
}
