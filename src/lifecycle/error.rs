//! Why a step of the lifecycle could not run: the domain errors of the layers below,
//! and the lifecycle's own refusals, each with what the user can do about it.

use crate::approval::ApprovalError;
use crate::audit::AuditError;
use crate::baseline::PickError;
use crate::compare::CompareError;
use crate::config::ConfigError;
use crate::git::GitError;
use crate::lifecycle::in_force::ChainError;
use crate::store::StoreError;
use crate::tree::TreeError;

/// Why a step of the lifecycle could not run.
#[derive(Debug, thiserror::Error)]
pub enum LifecycleError {
    /// The input does not allow it (exit 2): a missing baseline, a path that names
    /// nothing, an invalid configuration.
    #[error("{message}")]
    Input {
        /// What is wrong, naming the file.
        message: String,
        /// What to do about it.
        hint: Option<String>,
    },
    /// A state file does not hold (exit 3).
    #[error("{message}")]
    Integrity {
        /// What does not hold, naming the file.
        message: String,
        /// What to do about it.
        hint: Option<String>,
    },
    /// Reading or writing a file failed.
    #[error(transparent)]
    Io(#[from] std::io::Error),
    /// The state directory could not be read or written.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The tree could not be read.
    #[error(transparent)]
    Tree(#[from] TreeError),
    /// git could not be read.
    #[error(transparent)]
    Git(#[from] GitError),
    /// Comparing failed.
    #[error(transparent)]
    Compare(#[from] CompareError),
    /// The chain of baselines does not verify.
    #[error(transparent)]
    Chain(#[from] ChainError),
    /// The audit log does not verify.
    #[error(transparent)]
    Audit(#[from] AuditError),
    /// An approval could not be read.
    #[error(transparent)]
    Approval(#[from] ApprovalError),
    /// An allowed_signers file does not parse.
    #[error(transparent)]
    Signers(#[from] crate::approval::signers::SignersError),
    /// No such proposal.
    #[error(transparent)]
    Pick(#[from] PickError),
    /// The configuration is invalid.
    #[error(transparent)]
    Config(#[from] ConfigError),
}

impl LifecycleError {
    /// Returns an input error saying `message`.
    pub fn input(message: impl Into<String>) -> LifecycleError {
        LifecycleError::Input {
            message: message.into(),
            hint: None,
        }
    }

    /// Returns an integrity error saying `message`.
    pub fn integrity(message: impl Into<String>) -> LifecycleError {
        LifecycleError::Integrity {
            message: message.into(),
            hint: None,
        }
    }

    /// Returns this error with `hint` (input and integrity errors only).
    pub fn hint(self, text: impl Into<String>) -> LifecycleError {
        match self {
            LifecycleError::Input { message, .. } => LifecycleError::Input {
                message,
                hint: Some(text.into()),
            },
            LifecycleError::Integrity { message, .. } => LifecycleError::Integrity {
                message,
                hint: Some(text.into()),
            },
            other => other,
        }
    }
}
