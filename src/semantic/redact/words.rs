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

use std::sync::Arc;

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
///
/// Cheap to clone: every document's redactor shares the matcher of its configuration
/// (see [`SecretWords::of`]).
#[derive(Debug, Clone, Default)]
pub(crate) struct SecretWords {
    inner: Arc<Phrases>,
}

#[derive(Debug, Default)]
struct Phrases {
    phrases: Vec<Vec<String>>,
    /// The lowercase first two bytes of the phrases' first words, as a bit set of
    /// pairs (a word of one byte sets every pair it starts): a key mentions a phrase
    /// only where one of these pairs is.
    starts: Vec<u64>,
}

impl SecretWords {
    /// Returns the matcher for the configured `words` (any case and spelling).
    pub fn new(words: &[String]) -> SecretWords {
        let phrases: Vec<Vec<String>> = words
            .iter()
            .map(|w| split(w))
            .filter(|p| !p.is_empty())
            .collect();
        let mut starts = vec![0u64; 1024];
        let mut set = |pair: usize| starts[pair / 64] |= 1 << (pair % 64);
        for word in phrases.iter().filter_map(|p| p.first()) {
            let w = word.as_bytes();
            let Some(first) = w.first().map(u8::to_ascii_lowercase) else {
                continue;
            };
            match w.get(1).map(u8::to_ascii_lowercase) {
                Some(second) => set(usize::from(first) << 8 | usize::from(second)),
                None => (0..256).for_each(|next| set(usize::from(first) << 8 | next)),
            }
        }
        SecretWords {
            inner: Arc::new(Phrases { phrases, starts }),
        }
    }

    /// Returns the matcher for `words` like [`SecretWords::new`], made once per thread
    /// for the configuration in use: every document and every text asks with the same
    /// words.
    pub fn of(words: &[String]) -> SecretWords {
        thread_local! {
            static LAST: std::cell::RefCell<Option<(Vec<String>, SecretWords)>> =
                const { std::cell::RefCell::new(None) };
        }
        LAST.with(|last| {
            let mut last = last.borrow_mut();
            match last.as_ref() {
                Some((w, m)) if w == words => m.clone(),
                _ => {
                    let m = SecretWords::new(words);
                    *last = Some((words.to_vec(), m.clone()));
                    m
                }
            }
        })
    }

    /// Returns whether a first word can start with `b` followed by `next` (0 at the end).
    fn may_start(&self, b: u8, next: u8) -> bool {
        let pair =
            usize::from(b.to_ascii_lowercase()) << 8 | usize::from(next.to_ascii_lowercase());
        self.inner
            .starts
            .get(pair / 64)
            .is_some_and(|w| w & (1 << (pair % 64)) != 0)
    }

    /// Returns whether no word is configured.
    pub fn is_empty(&self) -> bool {
        self.inner.phrases.is_empty()
    }

    /// Returns whether `key` names a secret (remembered, like
    /// [`SecretWords::classify_remembered`]: the same names come back in every file).
    pub fn matches(&self, key: &str) -> bool {
        self.classify_remembered(key) == Some(true)
    }

    /// Returns `Some(true)` when `key` names a secret, `Some(false)` when it mentions
    /// a secret word only to qualify it (`secretName`, `password_file`,
    /// `automountServiceAccountToken`), `None` when it mentions none.
    pub fn classify(&self, key: &str) -> Option<bool> {
        let phrases = &self.inner.phrases;
        if phrases.is_empty() || key.is_empty() {
            return None;
        }
        // Most keys mention no secret word at all: skip splitting them. An ASCII key is
        // searched as it is (its lowercase is ASCII too, and words are lowercase), so
        // the common case allocates nothing, and only where a first word can start.
        let mentions = if key.is_ascii() {
            self.mentions_ascii(key.as_bytes())
        } else {
            let lower = key.to_lowercase();
            phrases
                .iter()
                .any(|p| p.first().is_some_and(|w| lower.contains(w.as_str())))
        };
        if !mentions {
            return None;
        }
        let words = split(key);
        let mut mentioned = false;
        for p in phrases {
            match phrase_names_secret(&words, p) {
                Some(true) => return Some(true),
                Some(false) => mentioned = true,
                None => {}
            }
        }
        mentioned.then_some(false)
    }

    /// Returns [`SecretWords::classify`] of `key`, remembered per thread: documents of
    /// one tree share most of their keys (`apiVersion`, `metadata`, `name`, ...).
    pub fn classify_remembered(&self, key: &str) -> Option<bool> {
        let mut class = None;
        self.classify_each(std::iter::once(key), |c| class = c);
        class
    }

    /// Gives `each` the [`SecretWords::classify_remembered`] of every key of `keys`, in
    /// order, looking the thread's memo up once for all of them (a document's names).
    pub fn classify_each<'k>(
        &self,
        keys: impl IntoIterator<Item = &'k str>,
        mut each: impl FnMut(Option<bool>),
    ) {
        /// Keys remembered before the memo starts over, so it stays small.
        const MEMO_LIMIT: usize = 1 << 14;
        type Memo = (
            Option<Arc<Phrases>>,
            std::collections::HashMap<Box<str>, Option<bool>, foldhash::fast::FixedState>,
        );
        thread_local! {
            static MEMO: std::cell::RefCell<Memo> = std::cell::RefCell::new(Default::default());
        }
        MEMO.with(|memo| {
            let mut memo = memo.borrow_mut();
            let (owner, known) = &mut *memo;
            if !owner.as_ref().is_some_and(|o| Arc::ptr_eq(o, &self.inner)) {
                *owner = Some(Arc::clone(&self.inner));
                known.clear();
            }
            for key in keys {
                if let Some(&class) = known.get(key) {
                    each(class);
                    continue;
                }
                let class = self.classify(key);
                // A key that mentions no secret word is remembered while there is room
                // only: one look at its bytes tells, and a file of 100,000 distinct keys
                // must not push out the names of every other file over and over.
                if class.is_some() || known.len() < MEMO_LIMIT {
                    if known.len() >= MEMO_LIMIT {
                        known.clear();
                    }
                    known.insert(key.into(), class);
                }
                each(class);
            }
        });
    }

    /// Returns whether the ASCII `key` holds the first word of a phrase, in any case:
    /// looked for only where such a word can start.
    fn mentions_ascii(&self, key: &[u8]) -> bool {
        (0..key.len()).any(|i| {
            self.may_start(key[i], key.get(i + 1).copied().unwrap_or(0))
                && self.inner.phrases.iter().any(|p| {
                    p.first().is_some_and(|w| {
                        let w = w.as_bytes();
                        !w.is_empty()
                            && key
                                .get(i..i + w.len())
                                .is_some_and(|k| k.eq_ignore_ascii_case(w))
                    })
                })
        })
    }

    /// Returns what [`SecretWords::mentions_ascii`] returns, by comparing every window
    /// of `key` with every first word.
    #[cfg(test)]
    fn mentions_slowly(&self, key: &[u8]) -> bool {
        self.inner.phrases.iter().any(|p| {
            p.first().is_some_and(|w| {
                let w = w.as_bytes();
                !w.is_empty() && key.windows(w.len()).any(|k| k.eq_ignore_ascii_case(w))
            })
        })
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

    #[test]
    fn looking_only_where_a_word_can_start_finds_what_every_window_finds() {
        let words: Vec<String> = crate::semantic::redact::DEFAULT_SECRET_WORDS
            .iter()
            .map(|w| w.to_string())
            .chain(["pin", "x", "Über", "API-KEY"].map(String::from))
            .collect();
        let mut keys: Vec<String> = [
            "",
            "p",
            "PASSWORD",
            "db_Password",
            "xpassword",
            "apiKEY",
            "Api-Key",
            "tok",
            "TOKEN_",
            "sPIN",
            "ACCESS_KEY_ID",
            "a",
            "nothing",
            "credentialsFile",
            "X",
            "pa$$word",
            "passwd2",
            "Xx",
            "tokentoken",
        ]
        .map(String::from)
        .to_vec();
        // Every name-like run and every `key:` of the real-world corpus, when present.
        let corpus = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus/real");
        let mut stack = vec![corpus];
        while let Some(d) = stack.pop() {
            for e in std::fs::read_dir(&d).into_iter().flatten().flatten() {
                let p = e.path();
                if p.is_dir() {
                    stack.push(p);
                    continue;
                }
                let text =
                    String::from_utf8_lossy(&std::fs::read(&p).unwrap_or_default()).into_owned();
                for line in text.lines() {
                    if let Some((k, _)) = line.split_once([':', '=']) {
                        keys.push(k.trim().to_string());
                    }
                    keys.extend(
                        line.split(|c: char| !(c.is_ascii_alphanumeric() || "_-.".contains(c)))
                            .map(String::from),
                    );
                }
            }
        }
        keys.sort();
        keys.dedup();
        for words in [words, Vec::new(), vec!["".to_string()]] {
            let m = SecretWords::new(&words);
            for k in keys.iter().filter(|k| k.is_ascii()) {
                assert_eq!(
                    m.mentions_ascii(k.as_bytes()),
                    m.mentions_slowly(k.as_bytes()),
                    "{k}"
                );
            }
        }
    }

    #[test]
    fn the_matcher_of_a_configuration_is_made_once_per_thread() {
        let words = vec!["password".to_string()];
        assert!(Arc::ptr_eq(
            &SecretWords::of(&words).inner,
            &SecretWords::of(&words).inner
        ));
        let other = SecretWords::of(&["token".to_string()]);
        assert!(other.matches("token") && !other.matches("password"));
        assert!(SecretWords::of(&words).matches("password"));
        // The memo is the matcher's own.
        let mine = SecretWords::of(&words);
        for key in [
            "password",
            "tokenUrl",
            "name",
            "password",
            "token",
            "passwordFile",
        ] {
            assert_eq!(mine.classify_remembered(key), mine.classify(key), "{key}");
            assert_eq!(other.classify_remembered(key), other.classify(key), "{key}");
        }
    }
}
