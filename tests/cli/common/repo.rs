//! Real git repositories for the git, hook and format tests: `git` runs with the same
//! cleared environment as driftgate, with a local identity and no signing. Holds no
//! test.

#![allow(dead_code)]

use std::path::Path;
use std::process::{Command, Output, Stdio};

use expectrl::Expect;

use super::{Run, TestEnv, wait_pty};

impl TestEnv {
    /// Returns a `git` command in `dir` with the test environment.
    pub fn git_command_in(&self, dir: &Path, args: &[&str]) -> Command {
        self.tool_command_in("git", dir, args)
    }

    /// Returns a command for `program` (found on PATH) in `dir` with the test
    /// environment.
    pub fn tool_command_in(&self, program: &str, dir: &Path, args: &[&str]) -> Command {
        let mut c = Command::new(program);
        c.args(args).current_dir(dir).env_clear();
        c.env("PATH", std::env::var("PATH").unwrap_or_default())
            .env("HOME", &self.home)
            .env("LANG", "C.UTF-8")
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("GIT_CONFIG_GLOBAL", self.home.join(".gitconfig"))
            // Commits made at the clock's time have the same ids on every run.
            .env("GIT_AUTHOR_DATE", self.now())
            .env("GIT_COMMITTER_DATE", self.now());
        for (k, v) in &self.vars {
            c.env(k, v);
        }
        c.stdin(Stdio::null());
        c
    }

    /// Runs `git args` in `dir`; returns the outcome without judging it.
    pub fn git_run_in(&self, dir: &Path, args: &[&str]) -> Run {
        self.tool_run_in("git", dir, args)
    }

    /// Runs `program args` in `dir`; returns the outcome without judging it.
    pub fn tool_run_in(&self, program: &str, dir: &Path, args: &[&str]) -> Run {
        let out: Output = self
            .tool_command_in(program, dir, args)
            .output()
            .unwrap_or_else(|e| panic!("cannot run `{program}` (is it installed?): {e}"));
        self.outcome(&out)
    }

    /// Runs `git args` in the root, expecting success; returns stdout, trimmed.
    #[track_caller]
    pub fn git(&self, args: &[&str]) -> String {
        self.git_in(&self.root, args)
    }

    /// Runs `git args` in `dir`, expecting success; returns stdout, trimmed.
    #[track_caller]
    pub fn git_in(&self, dir: &Path, args: &[&str]) -> String {
        let r = self.git_run_in(dir, args);
        assert_eq!(r.code, 0, "git {args:?} failed:\n{}", r.transcript());
        r.stdout.trim().to_string()
    }

    /// Makes `dir` a git repository with a local identity.
    pub fn git_init_in(&self, dir: &Path) {
        self.git_in(dir, &["init", "-q", "-b", "main"]);
        self.git_in(dir, &["config", "user.email", "dev@example.com"]);
        self.git_in(dir, &["config", "user.name", "Dev"]);
        self.git_in(dir, &["config", "commit.gpgsign", "false"]);
    }

    /// Runs `approve` with `args` (id, `--as`, `--root`...) in a pseudo-terminal,
    /// answering `y` and `reason`; returns the exit code.
    pub fn approve_pty_args(&self, args: &[&str], reason: &str) -> i32 {
        let mut all = vec!["approve"];
        all.extend_from_slice(args);
        let mut s = self.pty(&all);
        s.expect("[y/N]").expect("confirmation prompt");
        s.send_line("y").unwrap();
        s.expect("reason: ").expect("reason prompt");
        s.send_line(reason).unwrap();
        wait_pty(s)
    }

    /// Returns the commit id of `HEAD`.
    pub fn head(&self) -> String {
        self.git(&["rev-parse", "HEAD"])
    }

    /// Stages everything and commits with `message`, without hooks.
    pub fn commit_all(&self, message: &str) {
        self.git(&["add", "-A"]);
        self.git(&["commit", "-q", "--no-verify", "-m", message]);
    }
}

/// Returns an initialised driftgate project in a git repository: `k8s/web.yaml`,
/// `notes.txt`, `docs/guide.md` (excluded from the tree by the config), an accepted
/// baseline, all committed.
pub fn project() -> TestEnv {
    let env = TestEnv::new();
    env.git_init_in(&env.root);
    env.run(&["init"]).expect_code(0);
    let config = env.read("driftgate.toml");
    env.write(
        "driftgate.toml",
        &config.replace("# exclude = []", "exclude = [\"docs/**\"]"),
    );
    env.write("k8s/web.yaml", "replicas: 2\nimage: web:1.4\n");
    env.write("notes.txt", "one\ntwo\nthree\nfour\nfive\nsix\nseven\n");
    env.write("docs/guide.md", "# guide\n");
    env.accept_current("first baseline");
    env.commit_all("first baseline");
    env
}
