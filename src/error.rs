//! The CLI error: a kind that chooses the exit code, a one-line message and hints.
//!
//! Domain modules return their own `thiserror` enums; the `From` impls here decide,
//! once, which kind each becomes (DESIGN §2 exit codes).

use std::fmt;

/// Returns the exit code of a finished command.
///
/// Drift is a result, not an error: `Exit::Drift` is returned in `Ok`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    /// No unapproved drift, or the command succeeded.
    Clean = 0,
    /// Unapproved drift, differences found, or policy not satisfied.
    Drift = 1,
}

/// Which exit code an error maps to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// Usage, configuration, I/O or input error: exit 2.
    Input,
    /// Integrity failure (hash, signature, chain): exit 3.
    Integrity,
    /// The reader of stdout went away: exit quietly.
    BrokenPipe,
}

impl ErrorKind {
    /// Returns the process exit code for this kind.
    pub fn code(self) -> i32 {
        match self {
            ErrorKind::Input => 2,
            ErrorKind::Integrity => 3,
            ErrorKind::BrokenPipe => 0,
        }
    }
}

/// A failure that stops a command: printed as `error: ...` plus `hint: ...` lines.
#[derive(Debug)]
pub struct Error {
    /// Chooses the exit code.
    pub kind: ErrorKind,
    /// One line, lowercase, naming the file (and line) where known.
    pub message: String,
    /// Suggestions printed after the message.
    pub hints: Vec<String>,
}

impl Error {
    /// Returns an input error (exit 2) with `message`.
    pub fn input(message: impl Into<String>) -> Self {
        Error {
            kind: ErrorKind::Input,
            message: message.into(),
            hints: Vec::new(),
        }
    }

    /// Returns an integrity error (exit 3) with `message`.
    pub fn integrity(message: impl Into<String>) -> Self {
        Error {
            kind: ErrorKind::Integrity,
            message: message.into(),
            hints: Vec::new(),
        }
    }

    /// Returns the error with one more hint line.
    pub fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hints.push(hint.into());
        self
    }

    /// Returns the error with `hint` when it has none yet.
    pub fn or_hint(self, hint: impl Into<String>) -> Self {
        if self.hints.is_empty() {
            self.hint(hint)
        } else {
            self
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Error {}

impl From<anyhow::Error> for Error {
    fn from(err: anyhow::Error) -> Self {
        if let Some(e) = err.downcast_ref::<Error>() {
            return Error {
                kind: e.kind,
                message: e.message.clone(),
                hints: e.hints.clone(),
            };
        }
        if let Some(io) = err.downcast_ref::<std::io::Error>()
            && io.kind() == std::io::ErrorKind::BrokenPipe
        {
            return Error {
                kind: ErrorKind::BrokenPipe,
                message: String::new(),
                hints: Vec::new(),
            };
        }
        // `{:#}` joins the context chain on one line: "reading `x`: permission denied".
        Error::input(format!("{err:#}"))
    }
}

impl From<std::io::Error> for Error {
    fn from(err: std::io::Error) -> Self {
        if err.kind() == std::io::ErrorKind::BrokenPipe {
            return Error {
                kind: ErrorKind::BrokenPipe,
                message: String::new(),
                hints: Vec::new(),
            };
        }
        Error::input(err.to_string())
    }
}

impl From<crate::config::ConfigError> for Error {
    fn from(err: crate::config::ConfigError) -> Self {
        let hint = match &err {
            crate::config::ConfigError::NotFound { .. } => {
                Some("run `driftgate init` to create one, or pass `--root DIR`")
            }
            _ => None,
        };
        let e = Error::input(err.to_string());
        match hint {
            Some(h) => e.hint(h),
            None => e,
        }
    }
}

impl From<crate::store::StoreError> for Error {
    fn from(err: crate::store::StoreError) -> Self {
        use crate::store::StoreError;
        match err {
            StoreError::Locked { .. } => Error::input(err.to_string())
                .hint("another driftgate command is running; wait for it to finish"),
            StoreError::Integrity { .. } => Error::integrity(err.to_string())
                .hint("run `driftgate verify` to see what is broken"),
            _ => Error::input(err.to_string()),
        }
    }
}

impl From<crate::tree::TreeError> for Error {
    fn from(err: crate::tree::TreeError) -> Self {
        Error::input(err.to_string())
    }
}

impl From<crate::audit::AuditError> for Error {
    fn from(err: crate::audit::AuditError) -> Self {
        use crate::audit::AuditError;
        match err {
            AuditError::Io { .. } => Error::input(err.to_string()),
            _ => Error::integrity(err.to_string()),
        }
    }
}

impl From<crate::audit::window::BoundError> for Error {
    fn from(err: crate::audit::window::BoundError) -> Self {
        Error::input(err.to_string())
    }
}

impl From<crate::actor::ActorError> for Error {
    fn from(err: crate::actor::ActorError) -> Self {
        Error::input(err.to_string())
            .hint("e.g. `--actor agent:release-bot` or `DRIFTGATE_ACTOR=ci`")
    }
}

impl From<crate::semantic::ParseError> for Error {
    fn from(err: crate::semantic::ParseError) -> Self {
        Error::input(err.to_string())
    }
}

impl From<crate::compare::CompareError> for Error {
    fn from(err: crate::compare::CompareError) -> Self {
        match err {
            crate::compare::CompareError::Tree(e) => e.into(),
            crate::compare::CompareError::Store(e) => e.into(),
            e @ crate::compare::CompareError::Rules(_) => Error::integrity(e.to_string()),
        }
    }
}

impl From<crate::approval::ApprovalError> for Error {
    fn from(err: crate::approval::ApprovalError) -> Self {
        match err {
            crate::approval::ApprovalError::Store(e) => e.into(),
            other => Error::input(other.to_string()),
        }
    }
}

impl From<crate::baseline::PickError> for Error {
    fn from(err: crate::baseline::PickError) -> Self {
        use crate::baseline::PickError;
        match err {
            PickError::Store(e) => e.into(),
            PickError::None => Error::input(err.to_string())
                .hint("run `driftgate snapshot -m REASON` to propose the current tree"),
            other => Error::input(other.to_string()).hint("run `driftgate proposals` to list them"),
        }
    }
}

impl From<crate::approval::signers::SignersError> for Error {
    fn from(err: crate::approval::signers::SignersError) -> Self {
        Error::input(err.to_string())
            .hint("each line is `PRINCIPALS [OPTIONS] KEYTYPE BASE64 [COMMENT]`, as for `ssh-keygen -Y verify`")
    }
}

impl From<crate::approval::sshsig::SignError> for Error {
    fn from(err: crate::approval::sshsig::SignError) -> Self {
        use crate::approval::sshsig::SignError;
        let hint = match &err {
            SignError::NotAKey { .. } => Some(
                "pass the private key file (`~/.ssh/id_ed25519`), or its `.pub` with a running ssh-agent",
            ),
            SignError::Agent { .. } => Some("check `SSH_AUTH_SOCK` and `ssh-add -l`"),
            _ => None,
        };
        let e = Error::input(err.to_string());
        match hint {
            Some(h) => e.hint(h),
            None => e,
        }
    }
}

impl From<crate::git::GitError> for Error {
    fn from(err: crate::git::GitError) -> Self {
        use crate::git::GitError;
        let hint = match &err {
            GitError::NotARepository { .. } | GitError::Bare { .. } => {
                Some("`--staged` and `--rev` read git; drop them to check the working tree")
            }
            GitError::Conflicts { .. } => Some("resolve the conflicts and `git add` the files"),
            GitError::Rev { .. } => Some("give a commit, branch or tag that `git rev-parse` knows"),
            _ => None,
        };
        let e = Error::input(err.to_string());
        match hint {
            Some(h) => e.hint(h),
            None => e,
        }
    }
}

impl From<crate::lifecycle::chain::ChainError> for Error {
    fn from(err: crate::lifecycle::chain::ChainError) -> Self {
        use crate::lifecycle::chain::ChainError;
        match err {
            ChainError::Broken(message) => Error::integrity(message),
            ChainError::Store(e) => e.into(),
            ChainError::Audit(e) => e.into(),
        }
    }
}

impl From<crate::evidence::EvidenceError> for Error {
    fn from(err: crate::evidence::EvidenceError) -> Self {
        use crate::evidence::EvidenceError;
        match err {
            EvidenceError::Chain(e) => Error::from(e)
                .or_hint("run `driftgate verify` to see the whole chain; evidence is only exported from a chain that holds"),
            EvidenceError::Store(e) => e.into(),
            EvidenceError::Audit(e) => e.into(),
        }
    }
}

impl From<crate::attest::AttestError> for Error {
    fn from(err: crate::attest::AttestError) -> Self {
        use crate::attest::AttestError;
        match err {
            AttestError::Chain(e) => Error::from(e),
            AttestError::Store(e) => e.into(),
            e @ AttestError::Tampered { .. } => Error::integrity(e.to_string()),
            e @ AttestError::NoBaseline(_) => Error::input(e.to_string())
                .hint("`driftgate verify` lists the accepted baselines; `ls .driftgate/history/` names them"),
            e => Error::input(e.to_string()),
        }
    }
}

impl From<crate::git::hook::HookError> for Error {
    fn from(err: crate::git::hook::HookError) -> Self {
        use crate::git::hook::HookError;
        match err {
            HookError::Git(crate::git::GitError::NotARepository { root }) => Error::input(
                format!("`{}` is not inside a git repository", root.display()),
            )
            .hint("run `git init` first, or install the hook from inside a repository"),
            HookError::Git(e) => e.into(),
            HookError::Foreign { .. } => Error::input(err.to_string()).hint(
                "pass `--force` to keep it as `pre-commit.driftgate-chained` and run it before driftgate",
            ),
            HookError::ChainedExists { .. } => Error::input(err.to_string())
                .hint("merge or remove the kept hook, then install again"),
            HookError::Io { .. } => Error::input(err.to_string()),
        }
    }
}

impl From<crate::lifecycle::LifecycleError> for Error {
    fn from(err: crate::lifecycle::LifecycleError) -> Self {
        use crate::lifecycle::LifecycleError as L;
        let with_hint = |e: Error, hint: Option<String>| match hint {
            Some(h) => e.hint(h),
            None => e,
        };
        match err {
            L::Input { message, hint } => with_hint(Error::input(message), hint),
            L::Integrity { message, hint } => with_hint(Error::integrity(message), hint),
            L::Io(e) => e.into(),
            L::Store(e) => e.into(),
            L::Tree(e) => e.into(),
            L::Git(e) => e.into(),
            L::Compare(e) => e.into(),
            L::Chain(e) => e.into(),
            L::Audit(e) => e.into(),
            L::Approval(e) => e.into(),
            L::Signers(e) => e.into(),
            L::Pick(e) => e.into(),
            L::Config(e) => e.into(),
        }
    }
}
