//! `[[notify]]`: the notification targets of driftgate.toml, as parsed. Checked by
//! [`super::validate`] when the configuration is validated.

use serde::{Deserialize, Serialize};

/// The body formats of a target.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum NotifyFormat {
    /// `driftgate.event/v1`, one JSON object.
    Json,
    /// A Slack incoming-webhook message (Block Kit).
    Slack,
    /// A Microsoft Teams Workflows webhook message holding an Adaptive Card.
    Teams,
}

impl NotifyFormat {
    /// Returns the configuration spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            NotifyFormat::Json => "json",
            NotifyFormat::Slack => "slack",
            NotifyFormat::Teams => "teams",
        }
    }
}

/// One `[[notify]]` table.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct NotifyTarget {
    /// Where to POST; `${VAR}` is replaced by the environment variable `VAR`, so that
    /// a webhook's secret URL need not sit in the file.
    pub url: String,
    /// The body format.
    pub format: NotifyFormat,
    /// Which events to send; all of them when empty.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub events: Vec<String>,
    /// The environment variable holding the HMAC key of `X-Driftgate-Signature`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub secret_env: Option<String>,
    /// Timeout per try (`"5s"`, `"1500ms"`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timeout: Option<String>,
    /// A link shown with each proposal, such as its pull request: `{proposal}`,
    /// `{root_hash}` and `${VAR}` are replaced.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub link_template: Option<String>,
}
