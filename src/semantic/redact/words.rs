//! Whether a key names a secret, by its words (`[redact] keys`).
//!
//! Keys are split into lowercase words at `_`, `-`, `.`, spaces, digits and camelCase
//! humps, so `GH_TOKEN`, `authToken` and `auth-token` are all `[.., token]`. A
//! configured word (itself split the same way: `api_key` is `[api, key]`) matches a run
//! of whole words, never a part of one: `token` is not in `tokenizer`.
//!
//! Two refinements keep security-relevant settings visible, which a reviewer must see:
//! - what follows the matched words must still be the secret (`SECRET_KEY`,
//!   `AWS_ACCESS_KEY_ID`), not something about it (`password_file`, `secretKeyRef`,
//!   `tokenUrl`, `token_ttl`);
//! - what precedes them must not make the key a switch or a permission
//!   (`automountServiceAccountToken`, the workflow permission `id-token`).

/// Words that may follow a matched secret word and still name the secret itself.
const SECRET_SUFFIXES: &[&str] = &[
    "id",
    "key",
    "value",
    "base",
    "hash",
    "data",
    "b64",
    "base64",
    "string",
    "raw",
    "plain",
    "enc",
    "encrypted",
    "salt",
    "secret",
    "token",
    "pass",
    "password",
];

/// Words before a matched secret word that make the key a switch or a permission
/// about the secret rather than the secret.
const NOT_SECRET_PREFIXES: &[&str] = &[
    "automount",
    "mount",
    "id",
    "enable",
    "enabled",
    "disable",
    "disabled",
    "use",
    "require",
    "required",
    "allow",
    "min",
    "max",
    "no",
    "skip",
    "has",
    "is",
];

/// The configured secret words, each split into words.
#[derive(Debug, Clone, Default)]
pub(crate) struct SecretWords {
    phrases: Vec<Vec<String>>,
}

impl SecretWords {
    /// Returns the matcher for the configured `words` (any case and spelling).
    pub fn new(words: &[String]) -> SecretWords {
        SecretWords {
            phrases: words
                .iter()
                .map(|w| split(w))
                .filter(|p| !p.is_empty())
                .collect(),
        }
    }

    /// Returns whether no word is configured.
    pub fn is_empty(&self) -> bool {
        self.phrases.is_empty()
    }

    /// Returns whether `key` names a secret.
    pub fn matches(&self, key: &str) -> bool {
        self.classify(key) == Some(true)
    }

    /// Returns `Some(true)` when `key` names a secret, `Some(false)` when it mentions
    /// a secret word only to qualify it (`secretName`, `password_file`,
    /// `automountServiceAccountToken`), `None` when it mentions none.
    pub fn classify(&self, key: &str) -> Option<bool> {
        if self.phrases.is_empty() || key.is_empty() {
            return None;
        }
        // Most keys mention no secret word at all: skip splitting them. An ASCII key is
        // searched as it is (its lowercase is ASCII too, and words are lowercase), so
        // the common case allocates nothing.
        let mentions = if key.is_ascii() {
            let key = key.as_bytes();
            self.phrases.iter().any(|p| {
                p.first().is_some_and(|w| {
                    let w = w.as_bytes();
                    !w.is_empty() && key.windows(w.len()).any(|k| k.eq_ignore_ascii_case(w))
                })
            })
        } else {
            let lower = key.to_lowercase();
            self.phrases
                .iter()
                .any(|p| p.first().is_some_and(|w| lower.contains(w.as_str())))
        };
        if !mentions {
            return None;
        }
        let words = split(key);
        let mut mentioned = false;
        for p in &self.phrases {
            match phrase_names_secret(&words, p) {
                Some(true) => return Some(true),
                Some(false) => mentioned = true,
                None => {}
            }
        }
        mentioned.then_some(false)
    }
}

/// Returns whether `phrase` occurs in `words` as a run of whole words whose context
/// keeps it the secret itself (see the module docs); `None` when it does not occur.
fn phrase_names_secret(words: &[String], phrase: &[String]) -> Option<bool> {
    if phrase.len() > words.len() {
        return None;
    }
    let mut found = None;
    for start in 0..=words.len() - phrase.len() {
        let run = &words[start..start + phrase.len()];
        if !run.iter().zip(phrase).all(|(w, p)| word_is(w, p)) {
            continue;
        }
        let suffix_ok = words[start + phrase.len()..].iter().all(|w| {
            SECRET_SUFFIXES.contains(&w.as_str()) || w.bytes().all(|b| b.is_ascii_digit())
        });
        let prefix_ok = !words[..start]
            .iter()
            .any(|w| NOT_SECRET_PREFIXES.contains(&w.as_str()));
        if suffix_ok && prefix_ok {
            return Some(true);
        }
        found = Some(false);
    }
    found
}

/// Returns whether key word `w` is the word `p` or its plural (`credentials`).
fn word_is(w: &str, p: &str) -> bool {
    w == p || w.strip_suffix('s') == Some(p)
}

/// Returns the lowercase words of `key`.
pub(crate) fn split(key: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut cur = String::new();
    let chars: Vec<char> = key.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        if !c.is_alphanumeric() {
            if !cur.is_empty() {
                words.push(std::mem::take(&mut cur));
            }
            continue;
        }
        let prev = i.checked_sub(1).and_then(|j| chars.get(j)).copied();
        let next = chars.get(i + 1).copied();
        let boundary = match prev {
            Some(p) if p.is_alphanumeric() && !cur.is_empty() => {
                (p.is_lowercase() && c.is_uppercase())
                    || (p.is_ascii_digit() != c.is_ascii_digit())
                    // `HTTPServer`: the last capital of a run starts the next word.
                    || (p.is_uppercase()
                        && c.is_uppercase()
                        && next.is_some_and(char::is_lowercase))
            }
            _ => false,
        };
        if boundary {
            words.push(std::mem::take(&mut cur));
        }
        cur.extend(c.to_lowercase());
    }
    if !cur.is_empty() {
        words.push(cur);
    }
    words
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_split_into_words() {
        assert_eq!(
            split("automountServiceAccountToken"),
            ["automount", "service", "account", "token"]
        );
        assert_eq!(split("GH_TOKEN"), ["gh", "token"]);
        assert_eq!(split("x-api-key"), ["x", "api", "key"]);
        assert_eq!(
            split("HTTPServerPassword2"),
            ["http", "server", "password", "2"]
        );
        assert_eq!(split("db.password"), ["db", "password"]);
    }
}
