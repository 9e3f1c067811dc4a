//! Notifications (issue 14 §1): `[[notify]]` targets in driftgate.toml, the bodies sent
//! to them, and delivery over HTTP(S).
//!
//! Owns the target configuration, rendering an [`Event`] as a `json`
//! (`driftgate.event/v1`, HMAC-signed), `slack` (Block Kit) or `teams` (Adaptive
//! Card) body within each service's size limits, and posting it with a timeout and
//! retries. Never prints and never reads the environment: `${VAR}` references and the
//! HMAC key are resolved through a lookup the caller passes. A failed delivery is a
//! value ([`Delivery`]), never an error that stops a command.

pub mod cfg;
pub mod render;

pub use cfg::{NotifyFormat, NotifyTarget};

use std::time::Duration;

use hmac::{Hmac, Mac};
use sha2::Sha256;

use crate::event::{Event, EventType};

/// The signature header of the `json` format: `sha256=<hex HMAC of the body>`.
pub const SIGNATURE_HEADER: &str = "X-Driftgate-Signature";

/// The default delivery timeout per try.
pub const DEFAULT_TIMEOUT: &str = "5s";

/// Tries per delivery (the first and two retries).
pub const TRIES: u32 = 3;

/// Errors of a `[[notify]]` table, found when the configuration is loaded.
pub fn validate(targets: &[NotifyTarget]) -> Result<(), String> {
    for (i, t) in targets.iter().enumerate() {
        let at = format!("`[[notify]]` entry {}", i + 1);
        if t.url.trim().is_empty() {
            return Err(format!("{at} has no `url`"));
        }
        let literal = !t.url.contains("${");
        if literal && !(t.url.starts_with("https://") || t.url.starts_with("http://")) {
            return Err(format!("{at}: `url` must start with https:// or http://"));
        }
        for e in &t.events {
            if !EventType::NOTIFIABLE.iter().any(|n| n.as_str() == e) {
                return Err(format!(
                    "{at}: unknown event `{e}` (expected proposed, approved, accepted, rejected, drift or expired)"
                ));
            }
        }
        if let Some(timeout) = &t.timeout {
            parse_timeout(timeout).map_err(|e| format!("{at}: `timeout`: {e}"))?;
        }
        if t.secret_env.is_some() && t.format != NotifyFormat::Json {
            return Err(format!(
                "{at}: `secret_env` signs `json` bodies only; Slack and Teams webhooks do not check it"
            ));
        }
    }
    Ok(())
}

/// Parses a timeout: a whole number of `ms` or `s`.
pub fn parse_timeout(text: &str) -> Result<Duration, String> {
    let t = text.trim();
    let (num, ms) = match (t.strip_suffix("ms"), t.strip_suffix('s')) {
        (Some(n), _) => (n, true),
        (None, Some(n)) => (n, false),
        _ => {
            return Err(format!(
                "`{text}` is not a duration such as `5s` or `1500ms`"
            ));
        }
    };
    let n: u64 = num
        .parse()
        .map_err(|_| format!("`{text}` is not a duration such as `5s` or `1500ms`"))?;
    let d = if ms {
        Duration::from_millis(n)
    } else {
        Duration::from_secs(n)
    };
    if d.is_zero() || d > Duration::from_secs(120) {
        return Err(format!("`{text}` must be between 1ms and 120s"));
    }
    Ok(d)
}

impl NotifyTarget {
    /// Returns whether this target wants events of `kind`.
    pub fn wants(&self, kind: EventType) -> bool {
        self.events.is_empty() || self.events.iter().any(|e| e == kind.as_str())
    }

    /// Returns the timeout per try.
    pub fn timeout(&self) -> Duration {
        self.timeout
            .as_deref()
            .and_then(|t| parse_timeout(t).ok())
            .unwrap_or(Duration::from_secs(5))
    }
}

/// Returns `text` with every `${VAR}` replaced through `env`, or the name of the first
/// variable that is unset.
pub fn expand(text: &str, env: &dyn Fn(&str) -> Option<String>) -> Result<String, String> {
    let mut out = String::new();
    let mut rest = text;
    while let Some(start) = rest.find("${") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        let Some(end) = after.find('}') else {
            out.push_str(&rest[start..]);
            return Ok(out);
        };
        let name = &after[..end];
        out.push_str(&env(name).ok_or_else(|| name.to_string())?);
        rest = &after[end + 1..];
    }
    out.push_str(rest);
    Ok(out)
}

/// Returns the `link_template` link of `event`'s proposal.
pub fn link(
    template: &str,
    proposal: &str,
    root_hash: &str,
    env: &dyn Fn(&str) -> Option<String>,
) -> Option<String> {
    let filled = template
        .replace("{proposal}", proposal)
        .replace("{root_hash}", root_hash);
    expand(&filled, env).ok()
}

/// Returns `sha256=<hex>`, the HMAC-SHA256 of `body` under `key`.
pub fn signature(key: &[u8], body: &[u8]) -> String {
    // HMAC takes keys of any length; `new_from_slice` cannot fail for it.
    let mut mac = match Hmac::<Sha256>::new_from_slice(key) {
        Ok(m) => m,
        Err(_) => return String::new(),
    };
    mac.update(body);
    let hex: String = mac
        .finalize()
        .into_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    format!("sha256={hex}")
}

/// The outcome of one delivery.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Delivery {
    /// The target's URL with `${VAR}` references left unexpanded and any credentials
    /// removed: what may be shown and logged.
    pub target: String,
    /// The format sent.
    pub format: NotifyFormat,
    /// The last HTTP status received, if any.
    pub status: Option<u16>,
    /// Tries made.
    pub tries: u32,
    /// Why it failed; `None` when a 2xx status was received.
    pub error: Option<String>,
}

impl Delivery {
    /// Returns whether the target accepted the event.
    pub fn ok(&self) -> bool {
        self.error.is_none()
    }
}

/// Returns `url` safe to show: without user info, query or fragment (webhook URLs
/// carry their secret in the path or query, so only scheme and host are kept when the
/// URL came from the environment).
pub fn shown_url(configured: &str) -> String {
    if configured.contains("${") {
        return configured.to_string();
    }
    let (scheme, rest) = configured
        .split_once("://")
        .unwrap_or(("https", configured));
    let host = rest.split(['/', '?', '#']).next().unwrap_or("");
    let host = host.rsplit('@').next().unwrap_or(host);
    format!("{scheme}://{host}/…")
}

/// What a body is made of, ready to post.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Body {
    /// The bytes.
    pub bytes: Vec<u8>,
    /// Extra headers (the HMAC signature).
    pub headers: Vec<(String, String)>,
}

/// Returns the body `target` gets for `event`, with the HMAC header when the target
/// names a key that `env` holds.
pub fn body(
    target: &NotifyTarget,
    event: &Event,
    env: &dyn Fn(&str) -> Option<String>,
) -> Result<Body, String> {
    let bytes = match target.format {
        NotifyFormat::Json => render::json(event),
        NotifyFormat::Slack => render::slack(event),
        NotifyFormat::Teams => render::teams(event),
    };
    let mut headers = Vec::new();
    if let Some(var) = &target.secret_env {
        let key = env(var).ok_or_else(|| {
            format!("`secret_env` names `{var}`, which is not set; the event was not sent unsigned")
        })?;
        headers.push((
            SIGNATURE_HEADER.to_string(),
            signature(key.as_bytes(), &bytes),
        ));
    }
    Ok(Body { bytes, headers })
}

/// Posts `body` to `url`: up to [`TRIES`] tries with back-off on connection errors,
/// timeouts and 5xx statuses, none after a 4xx (the request itself is wrong).
pub fn post(
    url: &str,
    body: &Body,
    timeout: Duration,
    backoff: Duration,
) -> (Option<u16>, u32, Option<String>) {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_global(Some(timeout))
        .http_status_as_error(false)
        // A webhook that redirects is misconfigured; following it could hand the event
        // (and its signature) to another host.
        .max_redirects(0)
        .user_agent(concat!("driftgate/", env!("CARGO_PKG_VERSION")))
        .build()
        .into();
    let mut last_status = None;
    let mut last_error = String::new();
    for attempt in 1..=TRIES {
        let mut req = agent.post(url).header("Content-Type", "application/json");
        for (k, v) in &body.headers {
            req = req.header(k.as_str(), v.as_str());
        }
        match req.send(&body.bytes[..]) {
            Ok(resp) => {
                let status = resp.status().as_u16();
                last_status = Some(status);
                if (200..300).contains(&status) {
                    return (last_status, attempt, None);
                }
                last_error = format!("HTTP status {status}");
                if status < 500 {
                    return (last_status, attempt, Some(last_error));
                }
            }
            Err(e) => {
                // The error may quote the URL, whose path is the webhook's secret.
                last_error = match e {
                    ureq::Error::Timeout(_) => format!("no answer within {timeout:?}"),
                    ureq::Error::Io(io) => format!("connection failed: {}", io.kind()),
                    ureq::Error::HostNotFound => "host not found".to_string(),
                    ureq::Error::ConnectionFailed => "connection failed".to_string(),
                    other => error_kind(&other),
                };
            }
        }
        if attempt < TRIES {
            std::thread::sleep(backoff * 2u32.pow(attempt - 1));
        }
    }
    (last_status, TRIES, Some(last_error))
}

/// Returns a description of `e` that holds no URL.
fn error_kind(e: &ureq::Error) -> String {
    match e {
        ureq::Error::Tls(m) => format!("TLS: {m}"),
        ureq::Error::BadUri(_) => "the URL is not valid".to_string(),
        _ => "the request failed".to_string(),
    }
}

/// Returns the targets that want events of `kind`.
pub fn wanting(targets: &[NotifyTarget], kind: EventType) -> Vec<&NotifyTarget> {
    targets.iter().filter(|t| t.wants(kind)).collect()
}

/// Delivers `event` to each of `targets`; returns one [`Delivery`] each.
///
/// `backoff` is the pause before the second try (doubled before the third).
pub fn deliver(
    targets: &[&NotifyTarget],
    event: &Event,
    env: &dyn Fn(&str) -> Option<String>,
    backoff: Duration,
) -> Vec<Delivery> {
    targets
        .iter()
        .map(|t| {
            let mut d = Delivery {
                target: shown_url(&t.url),
                format: t.format,
                status: None,
                tries: 0,
                error: None,
            };
            let url = match expand(&t.url, env) {
                Ok(u) => u,
                Err(var) => {
                    d.error = Some(format!("`url` uses `${{{var}}}`, which is not set"));
                    return d;
                }
            };
            let mut event = event.clone();
            if let (Some(template), Some(p)) = (&t.link_template, event.proposal.as_mut()) {
                let root = event.root_hash.as_deref().unwrap_or("");
                p.link = link(template, &p.id, root, env);
            }
            let b = match body(t, &event, env) {
                Ok(b) => b,
                Err(e) => {
                    d.error = Some(e);
                    return d;
                }
            };
            let (status, tries, error) = post(&url, &b, t.timeout(), backoff);
            d.status = status;
            d.tries = tries;
            d.error = error;
            d
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn env_references_expand() {
        let env = |k: &str| (k == "HOOK").then(|| "https://h.example/x".to_string());
        assert_eq!(expand("${HOOK}", &env).unwrap(), "https://h.example/x");
        assert_eq!(expand("${NOPE}/a", &env).unwrap_err(), "NOPE");
        assert_eq!(expand("plain", &env).unwrap(), "plain");
        assert_eq!(
            link(
                "https://pr.example/{proposal}?r={root_hash}",
                "abc",
                "r1",
                &env
            )
            .unwrap(),
            "https://pr.example/abc?r=r1"
        );
    }

    #[test]
    fn hmac_matches_rfc_4231() {
        // RFC 4231 test case 2.
        assert_eq!(
            signature(b"Jefe", b"what do ya want for nothing?"),
            "sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }

    #[test]
    fn urls_are_shown_without_secrets() {
        assert_eq!(
            shown_url("https://user:pw@hooks.slack.com/services/T0/B0/abc123"),
            "https://hooks.slack.com/…"
        );
        assert_eq!(shown_url("${SLACK_HOOK}"), "${SLACK_HOOK}");
    }

    #[test]
    fn targets_validate() {
        let t = |events: &[&str], format| NotifyTarget {
            url: "https://x.example".into(),
            format,
            events: events.iter().map(|s| s.to_string()).collect(),
            secret_env: None,
            timeout: Some("2s".into()),
            link_template: None,
        };
        assert!(validate(&[t(&["proposed", "drift"], NotifyFormat::Slack)]).is_ok());
        assert!(
            validate(&[t(&["merged"], NotifyFormat::Json)])
                .unwrap_err()
                .contains("unknown event `merged`")
        );
        let mut signed_slack = t(&[], NotifyFormat::Slack);
        signed_slack.secret_env = Some("K".into());
        assert!(validate(&[signed_slack]).is_err());
        assert_eq!(
            parse_timeout("1500ms").unwrap(),
            Duration::from_millis(1500)
        );
        assert!(parse_timeout("5").is_err());
        assert!(parse_timeout("0s").is_err());
    }
}
