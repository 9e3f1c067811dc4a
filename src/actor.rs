//! Who runs a command: a person, a CI job or an agent (issue 14 §2).
//!
//! Owns the [`ActorKind`] vocabulary, parsing `--actor KIND[:NAME]`, and telling a CI
//! run from its environment. Does not read the environment itself (commands pass a
//! lookup) and does not decide what an actor's approval is worth (see
//! `policy::actors`).

use serde::{Deserialize, Serialize};

/// What kind of actor ran a command.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum ActorKind {
    /// A person at a terminal. Also what records written before actors were recorded
    /// are read as.
    #[default]
    Human,
    /// A CI job (`CI=true`, `GITHUB_ACTIONS`, `GITLAB_CI`, ...).
    Ci,
    /// An automated agent (an AI coding agent, a bot).
    Agent,
}

impl ActorKind {
    /// Returns the JSON spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            ActorKind::Human => "human",
            ActorKind::Ci => "ci",
            ActorKind::Agent => "agent",
        }
    }

    /// Returns whether this is automation rather than a person.
    pub fn is_machine(self) -> bool {
        self != ActorKind::Human
    }
}

/// An actor: principal, kind and the tool it ran through, when known.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Actor {
    /// Who (an email or user name, as in approvals).
    pub principal: String,
    /// Human, CI or agent.
    pub kind: ActorKind,
    /// The tool or agent name given with `--actor KIND:NAME`.
    pub tool: Option<String>,
}

impl Actor {
    /// Returns `principal` as `kind`, without a tool.
    pub fn new(principal: &str, kind: ActorKind) -> Actor {
        Actor {
            principal: principal.to_string(),
            kind,
            tool: None,
        }
    }

    /// Returns `principal (kind)` or `principal (kind: tool)`, for messages.
    pub fn describe(&self) -> String {
        match &self.tool {
            Some(t) => format!("{} ({}: {t})", self.principal, self.kind.as_str()),
            None => format!("{} ({})", self.principal, self.kind.as_str()),
        }
    }
}

/// An explicit `--actor KIND[:NAME]` (or `DRIFTGATE_ACTOR`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Declared {
    /// The kind.
    pub kind: ActorKind,
    /// The tool name after `:`.
    pub tool: Option<String>,
}

/// Errors of actor declarations.
#[derive(Debug, thiserror::Error)]
pub enum ActorError {
    /// Not `human`, `ci` or `agent`, optionally followed by `:NAME`.
    #[error(
        "invalid actor `{0}`: expected `human`, `ci` or `agent`, optionally followed by `:NAME`"
    )]
    Invalid(String),
}

/// Parses `KIND[:NAME]`.
pub fn parse(text: &str) -> Result<Declared, ActorError> {
    let bad = || ActorError::Invalid(text.escape_debug().to_string());
    let (kind, tool) = match text.split_once(':') {
        Some((k, t)) => (k, Some(t)),
        None => (text, None),
    };
    let kind = match kind.trim() {
        "human" => ActorKind::Human,
        "ci" => ActorKind::Ci,
        "agent" => ActorKind::Agent,
        _ => return Err(bad()),
    };
    let tool = match tool.map(str::trim) {
        None => None,
        Some(t)
            if !t.is_empty()
                && t.len() <= 100
                && t.chars()
                    .all(|c| c.is_ascii_alphanumeric() || "@._+-/ ".contains(c)) =>
        {
            Some(t.to_string())
        }
        Some(_) => return Err(bad()),
    };
    Ok(Declared { kind, tool })
}

/// Environment variables whose presence marks a CI run, beyond `CI=true`.
const CI_VARS: [&str; 9] = [
    "GITHUB_ACTIONS",
    "GITLAB_CI",
    "BUILDKITE",
    "CIRCLECI",
    "JENKINS_URL",
    "TF_BUILD",
    "TEAMCITY_VERSION",
    "BITBUCKET_BUILD_NUMBER",
    "DRONE",
];

/// Returns whether the environment seen through `env` is a CI run.
pub fn in_ci(env: &dyn Fn(&str) -> Option<String>) -> bool {
    let set = |k: &str| env(k).is_some_and(|v| !v.is_empty() && v != "false" && v != "0");
    set("CI") || CI_VARS.iter().any(|k| set(k))
}

/// Returns the actor running as `principal`: an explicit declaration wins, then the
/// policy's machine principals (`agent`, or `ci` in a CI run), then CI detection.
pub fn resolve(
    principal: &str,
    declared: Option<Declared>,
    is_machine_principal: bool,
    ci: bool,
) -> Actor {
    let (kind, tool) = match declared {
        Some(d) => (d.kind, d.tool),
        None if is_machine_principal && ci => (ActorKind::Ci, None),
        None if is_machine_principal => (ActorKind::Agent, None),
        None if ci => (ActorKind::Ci, None),
        None => (ActorKind::Human, None),
    };
    Actor {
        principal: principal.to_string(),
        kind,
        tool,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn declarations_parse() {
        assert_eq!(
            parse("agent:release-bot").unwrap(),
            Declared {
                kind: ActorKind::Agent,
                tool: Some("release-bot".into())
            }
        );
        assert_eq!(parse("ci").unwrap().kind, ActorKind::Ci);
        assert!(parse("robot").is_err());
        assert!(parse("agent:").is_err());
        assert!(parse("agent:\u{1b}[2J").is_err());
    }

    #[test]
    fn order_is_declared_then_machines_then_ci() {
        let d = Some(Declared {
            kind: ActorKind::Human,
            tool: None,
        });
        assert_eq!(resolve("bot", d, true, true).kind, ActorKind::Human);
        assert_eq!(resolve("bot", None, true, false).kind, ActorKind::Agent);
        assert_eq!(resolve("bot", None, true, true).kind, ActorKind::Ci);
        assert_eq!(resolve("ann", None, false, true).kind, ActorKind::Ci);
        assert_eq!(resolve("ann", None, false, false).kind, ActorKind::Human);
    }

    #[test]
    fn ci_detection() {
        let env = |pairs: &'static [(&'static str, &'static str)]| {
            move |k: &str| {
                pairs
                    .iter()
                    .find(|(n, _)| *n == k)
                    .map(|(_, v)| v.to_string())
            }
        };
        assert!(in_ci(&env(&[("CI", "true")])));
        assert!(in_ci(&env(&[("GITLAB_CI", "true")])));
        assert!(!in_ci(&env(&[("CI", "false")])));
        assert!(!in_ci(&env(&[])));
    }
}
