//! SSH keys made by the real `ssh-keygen`, signers files, signing routes and a real
//! ssh-agent for the signing tests; also the "attacker" who writes statements and an
//! accepted baseline by hand instead of running `approve` and `accept`. The builders
//! that use them (`env.signers([..])`) are in `setup`.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use super::{Run, TestEnv};

/// A key pair made by `ssh-keygen` for one test, kept under `$HOME/.ssh/`.
#[derive(Clone, Debug)]
pub struct Key {
    /// The name it was made with (its comment, and its `[KEY:name]` label).
    pub name: String,
    /// The private key file.
    pub path: PathBuf,
    /// `TYPE BASE64` of the public key.
    pub public: String,
    /// `SHA256:...`.
    pub fingerprint: String,
}

impl Key {
    /// Returns the allowed_signers line for `principals` (and `options`, if any).
    pub fn line(&self, principals: &str, options: &str) -> String {
        if options.is_empty() {
            format!("{principals} {}\n", self.public)
        } else {
            format!("{principals} {options} {}\n", self.public)
        }
    }

    /// Returns the fingerprint as normalized transcripts show it: `[KEY:name]`.
    pub fn shown(&self) -> String {
        format!("[KEY:{}]", self.name)
    }

    /// Returns the path as a string, for arguments.
    pub fn arg(&self) -> &str {
        self.path.to_str().unwrap()
    }

    /// Returns the `.pub` file.
    pub fn pub_path(&self) -> PathBuf {
        PathBuf::from(format!("{}.pub", self.path.display()))
    }
}

impl TestEnv {
    /// Makes a key of `kind` (`ed25519`, `ecdsa`, `ecdsa-384`, `rsa`) named `name`;
    /// transcripts then show its fingerprint as `[KEY:name]` and its public half as
    /// `[PUBKEY:name]`, and [`TestEnv::sign`] signs as `name` with it.
    pub fn key(&self, name: &str, kind: &str) -> Key {
        self.key_with_passphrase(name, kind, "")
    }

    /// Makes a key protected by `passphrase` (none when empty).
    pub fn key_with_passphrase(&self, name: &str, kind: &str, passphrase: &str) -> Key {
        let dir = self.home.join(".ssh");
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join(name);
        let mut args = vec!["-q", "-N", passphrase, "-C", name, "-f"];
        let p = path.to_str().unwrap().to_string();
        args.push(&p);
        match kind {
            "ecdsa-384" => args.extend(["-t", "ecdsa", "-b", "384"]),
            "rsa" => args.extend(["-t", "rsa", "-b", "2048"]),
            other => args.extend(["-t", other]),
        }
        let out = Command::new("ssh-keygen")
            .args(&args)
            .stdin(Stdio::null())
            .output()
            .expect("run ssh-keygen");
        assert!(out.status.success(), "ssh-keygen: {out:?}");
        let pub_text = std::fs::read_to_string(format!("{p}.pub")).unwrap();
        let public = pub_text
            .split_whitespace()
            .take(2)
            .collect::<Vec<_>>()
            .join(" ");
        let fp = Command::new("ssh-keygen")
            .args(["-l", "-E", "sha256", "-f", &format!("{p}.pub")])
            .output()
            .unwrap();
        let fingerprint = String::from_utf8_lossy(&fp.stdout)
            .split_whitespace()
            .nth(1)
            .unwrap()
            .to_string();
        self.redact(&fingerprint, &format!("[KEY:{name}]"));
        self.number_hashes();
        if let Some(body) = public.split_whitespace().nth(1) {
            self.redact(body, &format!("[PUBKEY:{name}]"));
        }
        let key = Key {
            name: name.to_string(),
            path,
            public,
            fingerprint,
        };
        self.use_key(name, &key);
        key
    }

    /// Writes `.driftgate/allowed_signers` (see [`TestEnv::signers`] for the builder).
    pub fn write_signers(&self, text: &str) {
        self.write(".driftgate/allowed_signers", text);
    }

    /// Writes driftgate.toml with `policy` as its `[policy]` table body.
    pub fn policy(&self, policy: &str) {
        self.write("driftgate.toml", &format!("[policy]\n{policy}"));
    }

    /// Runs `approve ID --yes --sign KEY --as WHO -m reviewed`.
    pub fn sign_with(&self, id: &str, who: &str, key: &Key) -> Run {
        self.run(&[
            "approve",
            "--yes",
            id,
            "--sign",
            key.arg(),
            "--as",
            who,
            "-m",
            "reviewed",
        ])
    }

    /// Returns the statement file of `who` for proposal `id`.
    pub fn statement(&self, id: &str, who: &str) -> PathBuf {
        self.root
            .join(format!(".driftgate/proposals/{id}.approvals/{who}.json"))
    }

    /// Writes `who`'s statement with `--statement-only`, then signs it with the real
    /// `ssh-keygen -Y sign` in namespace `ns`, as a reviewer without driftgate would.
    pub fn keygen_approve(&self, id: &str, who: &str, key: &Key, ns: &str) -> PathBuf {
        let r = self.run(&["approve", id, "--statement-only", "--as", who, "-m", "ok"]);
        r.expect_code(0);
        let file = self.statement(id, who);
        keygen_sign(key, &file, ns);
        file
    }

    /// Writes `who`'s statement for proposal `id` through the library, bypassing every
    /// check of `approve` (as an attacker with write access could), and signs it with
    /// `ssh-keygen` in namespace `driftgate`.
    pub fn forge_statement(&self, id: &str, who: &str, key: &Key) -> PathBuf {
        let store = driftgate::store::Store::open(&self.root).unwrap();
        let proposal = driftgate::baseline::pick_proposal(&store, Some(id)).unwrap();
        let statement = proposal.statement(who, self.now(), "forged".into());
        let file = driftgate::approval::write_statement(&store, &statement).unwrap();
        keygen_sign(key, &file, "driftgate");
        file
    }

    /// Accepts proposal `id` by writing what `accept` would write (history record,
    /// baseline.json, audit event), without asking whether the approvals count: the
    /// attacker who can write files. Only `verify` and `check` stand in the way.
    pub fn forge_accept(&self, id: &str) {
        use driftgate::baseline::{self, RECORD_SCHEMA, Record};
        use driftgate::store;
        let s = store::Store::open(&self.root).unwrap();
        let proposal = baseline::pick_proposal(&s, Some(id)).unwrap();
        let approvals = driftgate::approval::load_approvals(&s, id).unwrap();
        let (_, head) = driftgate::audit::read_verified(&s.audit_path()).unwrap();
        let now = self.now();
        let record = Record {
            schema: RECORD_SCHEMA.into(),
            baseline: proposal.baseline.clone(),
            proposal: id.into(),
            requester: proposal.requester.clone(),
            reason: proposal.reason.clone(),
            created_at: proposal.created_at.clone(),
            requester_kind: proposal.requester_kind,
            requester_tool: proposal.requester_tool.clone(),
            request: proposal.request.clone(),
            approvals,
            accepted_at: now.clone(),
            accepted_by: "mallory".into(),
            audit_head: Some(head),
            judgement: None,
        };
        let root = &proposal.baseline.root_hash;
        store::write_atomic(
            &baseline::record_path(&s, root),
            &store::to_json_bytes(&record),
        )
        .unwrap();
        store::write_atomic(
            &s.baseline_path(),
            &store::to_json_bytes(&proposal.baseline),
        )
        .unwrap();
        driftgate::audit::append_event(
            &s.audit_path(),
            now,
            &driftgate::actor::Actor::new("mallory", driftgate::actor::ActorKind::Human),
            driftgate::audit::EventKind::Accepted,
            Some(id),
            Some(root),
            serde_json::Map::new(),
        )
        .unwrap();
        std::fs::remove_file(baseline::proposal_path(&s, id)).unwrap();
    }

    /// Spawns the binary with `args` in a real pseudo-terminal whose echo is on, as in
    /// an interactive shell (the pty starts with echo off).
    pub fn pty_echo(&self, args: &[&str]) -> expectrl::session::OsSession {
        let base = self.command(args);
        let mut c = Command::new("sh");
        c.arg("-c")
            .arg("stty echo && exec \"$@\"")
            .arg("sh")
            .arg(super::BIN)
            .args(args)
            .current_dir(&self.root)
            .env_clear();
        for (k, v) in base.get_envs() {
            if let Some(v) = v {
                c.env(k, v);
            }
        }
        let mut s = expectrl::Session::spawn(c).expect("spawn in a pty");
        s.set_expect_timeout(Some(Duration::from_secs(30)));
        s
    }

    /// Returns the accepted baseline's root hash.
    pub fn root_hash(&self) -> String {
        let b: serde_json::Value =
            serde_json::from_str(&self.read(".driftgate/baseline.json")).unwrap();
        b["root_hash"].as_str().unwrap().to_string()
    }
}

/// Signs `file` with `ssh-keygen -Y sign -n NS`, which writes `<file>.sig`.
pub fn keygen_sign(key: &Key, file: &Path, ns: &str) {
    let out = Command::new("ssh-keygen")
        .args(["-Y", "sign", "-n", ns, "-f"])
        .arg(&key.path)
        .arg(file)
        .env_remove("SSH_AUTH_SOCK")
        .stdin(Stdio::null())
        .output()
        .expect("run ssh-keygen -Y sign");
    assert!(out.status.success(), "ssh-keygen -Y sign: {out:?}");
}

/// Returns whether `ssh-keygen -Y verify` accepts `<file>.sig` over `file` as `who`,
/// with the trust file `signers`.
pub fn keygen_verifies(signers: &Path, who: &str, file: &Path) -> bool {
    let sig = format!("{}.sig", file.display());
    let data = std::fs::File::open(file).unwrap();
    let out = Command::new("ssh-keygen")
        .args(["-Y", "verify", "-n", "driftgate", "-I", who, "-f"])
        .arg(signers)
        .args(["-s", &sig])
        .stdin(data)
        .output()
        .expect("run ssh-keygen -Y verify");
    out.status.success()
}

/// A real `ssh-agent` for one test, killed when dropped.
pub struct Agent {
    child: Child,
    /// Its socket (`SSH_AUTH_SOCK`).
    pub sock: PathBuf,
}

impl Agent {
    /// Starts `ssh-agent -D` on a socket under `$HOME`.
    pub fn start(env: &TestEnv) -> Agent {
        let sock = env.home.join("agent.sock");
        let child = Command::new("ssh-agent")
            .arg("-D")
            .arg("-a")
            .arg(&sock)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start ssh-agent");
        let deadline = Instant::now() + Duration::from_secs(10);
        while !sock.exists() {
            assert!(Instant::now() < deadline, "ssh-agent did not start");
            std::thread::sleep(Duration::from_millis(20));
        }
        Agent { child, sock }
    }

    /// Loads `key` with `ssh-add`.
    pub fn add(&self, key: &Key) {
        let out = Command::new("ssh-add")
            .arg(&key.path)
            .env("SSH_AUTH_SOCK", &self.sock)
            .stdin(Stdio::null())
            .output()
            .expect("run ssh-add");
        assert!(out.status.success(), "ssh-add: {out:?}");
    }
}

impl Drop for Agent {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Types `line` at a password prompt once the program has turned echo off.
///
/// The prompt is printed before echo is switched off, so typing as soon as it shows
/// could race the program and be echoed.
pub fn send_secret(s: &mut expectrl::session::OsSession, line: &str) {
    use expectrl::Expect;
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    while s.get_process().get_echo().unwrap_or(false) {
        assert!(
            std::time::Instant::now() < deadline,
            "echo was never turned off for the passphrase"
        );
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    s.send_line(line).unwrap();
}
