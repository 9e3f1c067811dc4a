//! The trust set: `.driftgate/allowed_signers` in the OpenSSH format that
//! `ssh-keygen -Y verify` and git use, and which key may sign for whom, when.
//!
//! Owns parsing (with line-numbered errors) and the question "may this key sign as this
//! principal at these times"; does not verify signatures (see `sshsig`).
//!
//! Format, one signer per line: `principals [options] keytype base64 [comment]`.
//! `principals` is a comma-separated list of patterns (`*`, `?`, `!` negation), quoted
//! if it must be. Options: `namespaces="a,b"` (patterns), `valid-after="TIME"` and
//! `valid-before="TIME"` with TIME as `YYYYMMDD[HHMM[SS]]Z`. `cert-authority` is refused:
//! driftgate trusts keys, not certificates.

use std::path::{Path, PathBuf};

use jiff::Timestamp;
use ssh_key::{PublicKey, public::KeyData};

// Re-exported: fingerprints are shown with the trust set, and callers name them here.
use super::sshsig::NAMESPACE;
pub use super::sshsig::fingerprint;

/// A trust file that does not parse.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid `{}` at line {line}: {message}", path.display())]
pub struct SignersError {
    /// The file.
    pub path: PathBuf,
    /// 1-based line.
    pub line: usize,
    /// What is wrong, one line.
    pub message: String,
}

/// One line of the trust file: a key and what it may sign.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Signer {
    /// 1-based line in the trust file.
    pub line: usize,
    /// The principal patterns, as written (comma-separated).
    pub principals: Vec<String>,
    /// Namespace patterns the key may sign in; any when `None`.
    pub namespaces: Option<Vec<String>>,
    /// The key is not valid before this time.
    pub valid_after: Option<Timestamp>,
    /// The key is not valid after this time.
    pub valid_before: Option<Timestamp>,
    /// The public key.
    pub key: KeyData,
}

/// Why a key may not sign as a principal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// The key is not in the trust set at all.
    UnknownKey,
    /// The key is listed, but not for this principal.
    NotForPrincipal(Vec<String>),
    /// The key may not sign in the `driftgate` namespace.
    Namespace(Vec<String>),
    /// The key is not valid yet at the time checked.
    NotYetValid(Timestamp, Timestamp),
    /// The key expired before the time checked.
    Expired(Timestamp, Timestamp),
}

impl Refusal {
    /// Returns the refusal as a sentence naming the key and principal.
    pub fn describe(&self, key: &KeyData, principal: &str) -> String {
        let fp = fingerprint(key);
        match self {
            Refusal::UnknownKey => format!("key {fp} is not listed in allowed_signers"),
            Refusal::NotForPrincipal(others) => format!(
                "key {fp} is listed for {}, not for `{principal}`",
                others
                    .iter()
                    .map(|p| format!("`{p}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            Refusal::Namespace(ns) => format!(
                "key {fp} may only sign in namespaces `{}`, not `{NAMESPACE}`",
                ns.join(",")
            ),
            Refusal::NotYetValid(after, at) => {
                format!("key {fp} is not valid before {after} (checked at {at})")
            }
            Refusal::Expired(before, at) => {
                format!("key {fp} expired at {before} (`valid-before`; checked at {at})")
            }
        }
    }
}

/// The parsed trust file; empty when the baseline has none.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TrustSet {
    /// The signers, in file order.
    pub signers: Vec<Signer>,
}

impl TrustSet {
    /// Parses the trust file `text` read from `path`.
    pub fn parse(text: &str, path: &Path) -> Result<TrustSet, SignersError> {
        let mut signers = Vec::new();
        for (i, raw) in text.lines().enumerate() {
            let line = i + 1;
            let err = |message: String| SignersError {
                path: path.to_path_buf(),
                line,
                message,
            };
            if let Some(s) = parse_line(raw, line).map_err(err)? {
                signers.push(s);
            }
        }
        Ok(TrustSet { signers })
    }

    /// Parses raw trust-file bytes, which must be UTF-8.
    pub fn parse_bytes(bytes: &[u8], path: &Path) -> Result<TrustSet, SignersError> {
        let text = std::str::from_utf8(bytes).map_err(|e| SignersError {
            path: path.to_path_buf(),
            line: bytes
                .get(..e.valid_up_to())
                .map_or(1, |b| b.iter().filter(|c| **c == b'\n').count() + 1),
            message: "the file is not UTF-8".into(),
        })?;
        TrustSet::parse(text, path)
    }

    /// Checks that `key` may sign as `principal` in the `driftgate` namespace at every
    /// one of `times`.
    ///
    /// When several lines list the key, one that allows everything is enough; otherwise
    /// the refusal of the line that came closest is returned.
    pub fn allows(
        &self,
        key: &KeyData,
        principal: &str,
        times: &[Timestamp],
    ) -> Result<&Signer, Refusal> {
        let lines: Vec<&Signer> = self.signers.iter().filter(|s| &s.key == key).collect();
        if lines.is_empty() {
            return Err(Refusal::UnknownKey);
        }
        let for_principal: Vec<&Signer> = lines
            .iter()
            .copied()
            .filter(|s| match_list(principal, &s.principals))
            .collect();
        if for_principal.is_empty() {
            let mut others: Vec<String> = lines
                .iter()
                .flat_map(|s| s.principals.iter().cloned())
                .collect();
            others.dedup();
            return Err(Refusal::NotForPrincipal(others));
        }
        let in_namespace: Vec<&Signer> = for_principal
            .iter()
            .copied()
            .filter(|s| {
                s.namespaces
                    .as_ref()
                    .is_none_or(|ns| match_list(NAMESPACE, ns))
            })
            .collect();
        if in_namespace.is_empty() {
            let ns = for_principal
                .iter()
                .flat_map(|s| s.namespaces.iter().flatten().cloned())
                .collect();
            return Err(Refusal::Namespace(ns));
        }
        let mut first_refusal = None;
        for s in in_namespace {
            match s.valid_at(times) {
                Ok(()) => return Ok(s),
                Err(r) => {
                    first_refusal.get_or_insert(r);
                }
            }
        }
        Err(first_refusal.unwrap_or(Refusal::UnknownKey))
    }

    /// Returns the principal patterns that may sign in the `driftgate` namespace, each
    /// with the fingerprints of its keys, in file order.
    pub fn principals(&self) -> Vec<(String, Vec<String>)> {
        let mut out: Vec<(String, Vec<String>)> = Vec::new();
        for s in &self.signers {
            if s.namespaces
                .as_ref()
                .is_some_and(|ns| !match_list(NAMESPACE, ns))
            {
                continue;
            }
            for p in s.principals.iter().filter(|p| !p.starts_with('!')) {
                let fp = fingerprint(&s.key);
                match out.iter_mut().find(|(q, _)| q == p) {
                    Some((_, fps)) => fps.push(fp),
                    None => out.push((p.clone(), vec![fp])),
                }
            }
        }
        out
    }
}

impl Signer {
    fn valid_at(&self, times: &[Timestamp]) -> Result<(), Refusal> {
        for t in times {
            if let Some(after) = self.valid_after
                && *t < after
            {
                return Err(Refusal::NotYetValid(after, *t));
            }
            if let Some(before) = self.valid_before
                && *t > before
            {
                return Err(Refusal::Expired(before, *t));
            }
        }
        Ok(())
    }
}

/// Returns whether `s` matches the OpenSSH pattern list `patterns`: a negated pattern
/// (`!p`) that matches wins, else any positive match.
pub fn match_list(s: &str, patterns: &[String]) -> bool {
    let mut positive = false;
    for p in patterns {
        match p.strip_prefix('!') {
            Some(neg) if pattern_match(s, neg) => return false,
            Some(_) => {}
            None => positive |= pattern_match(s, p),
        }
    }
    positive
}

/// Returns whether `s` matches `pattern`, where `*` is any run and `?` any one char.
pub fn pattern_match(s: &str, pattern: &str) -> bool {
    let s: Vec<char> = s.chars().collect();
    let p: Vec<char> = pattern.chars().collect();
    // Iterative wildcard matching with backtracking to the last `*`: linear in
    // practice, no recursion on untrusted input.
    let (mut si, mut pi) = (0usize, 0usize);
    let mut star: Option<(usize, usize)> = None;
    while si < s.len() {
        match p.get(pi) {
            Some('*') => {
                star = Some((pi, si));
                pi += 1;
            }
            Some(c) if *c == '?' || Some(c) == s.get(si) => {
                si += 1;
                pi += 1;
            }
            _ => match star {
                Some((sp, ss)) => {
                    pi = sp + 1;
                    si = ss + 1;
                    star = Some((sp, ss + 1));
                }
                None => return false,
            },
        }
    }
    p.get(pi..)
        .is_some_and(|rest| rest.iter().all(|c| *c == '*'))
}

/// Splits off the next whitespace-delimited token, honouring double quotes; returns
/// the token (quotes kept) and the rest.
fn next_token(s: &str) -> Result<Option<(&str, &str)>, String> {
    let s = s.trim_start();
    if s.is_empty() {
        return Ok(None);
    }
    let mut quoted = false;
    for (i, c) in s.char_indices() {
        match c {
            '"' => quoted = !quoted,
            c if c.is_whitespace() && !quoted => return Ok(Some((&s[..i], &s[i..]))),
            _ => {}
        }
    }
    if quoted {
        return Err("unterminated quote".into());
    }
    Ok(Some((s, "")))
}

fn unquote(s: &str) -> Result<&str, String> {
    match s.strip_prefix('"') {
        Some(inner) => inner
            .strip_suffix('"')
            .filter(|i| !i.contains('"'))
            .ok_or_else(|| format!("bad quoting in `{s}`")),
        None if s.contains('"') => Err(format!("bad quoting in `{s}`")),
        None => Ok(s),
    }
}

fn split_list(s: &str) -> Vec<String> {
    s.split(',')
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(String::from)
        .collect()
}

fn is_key_type(word: &str) -> bool {
    word.parse::<ssh_key::Algorithm>().is_ok() || word.ends_with("-cert-v01@openssh.com")
}

fn parse_line(raw: &str, line: usize) -> Result<Option<Signer>, String> {
    let text = raw.trim();
    if text.is_empty() || text.starts_with('#') {
        return Ok(None);
    }
    let Some((principals, rest)) = next_token(text)? else {
        return Ok(None);
    };
    let principals = split_list(unquote(principals)?);
    if principals.is_empty() {
        return Err("no principal before the key".into());
    }
    let Some((mut word, mut rest)) = next_token(rest)? else {
        return Err("missing key after the principals".into());
    };
    let mut namespaces = None;
    let mut valid_after = None;
    let mut valid_before = None;
    if !is_key_type(word) {
        for opt in split_options(word)? {
            let (name, value) = match opt.split_once('=') {
                Some((n, v)) => (n.to_ascii_lowercase(), Some(unquote(v)?)),
                None => (opt.to_ascii_lowercase(), None),
            };
            match (name.as_str(), value) {
                ("cert-authority", None) => {
                    return Err(
                        "`cert-authority` is not supported: list each signer's key instead".into(),
                    );
                }
                ("namespaces", Some(v)) if namespaces.is_none() => {
                    namespaces = Some(split_list(v));
                }
                ("valid-after", Some(v)) if valid_after.is_none() => {
                    valid_after = Some(parse_time(v)?);
                }
                ("valid-before", Some(v)) if valid_before.is_none() => {
                    valid_before = Some(parse_time(v)?);
                }
                ("namespaces" | "valid-after" | "valid-before", Some(_)) => {
                    return Err(format!("option `{name}` is given twice"));
                }
                ("namespaces" | "valid-after" | "valid-before", None) => {
                    return Err(format!("option `{name}` needs a value"));
                }
                _ => return Err(format!("unknown option `{opt}`")),
            }
        }
        (word, rest) = next_token(rest)?.ok_or("missing key after the options")?;
    }
    if word.ends_with("-cert-v01@openssh.com") {
        return Err(format!(
            "`{word}` is a certificate: driftgate trusts keys, list the key itself"
        ));
    }
    let Some((blob, _comment)) = next_token(rest)? else {
        return Err(format!("missing key data after `{word}`"));
    };
    let key = PublicKey::from_openssh(&format!("{word} {blob}"))
        .map_err(|e| format!("invalid `{word}` key: {e}"))?;
    if key.algorithm().as_str() != word {
        return Err(format!(
            "the key data is a `{}` key, not `{word}`",
            key.algorithm().as_str()
        ));
    }
    if let (Some(a), Some(b)) = (valid_after, valid_before)
        && a > b
    {
        return Err("`valid-after` is later than `valid-before`".into());
    }
    Ok(Some(Signer {
        line,
        principals,
        namespaces,
        valid_after,
        valid_before,
        key: key.key_data().clone(),
    }))
}

/// Splits an options word on commas outside quotes.
fn split_options(word: &str) -> Result<Vec<&str>, String> {
    let mut out = Vec::new();
    let mut quoted = false;
    let mut start = 0;
    for (i, c) in word.char_indices() {
        match c {
            '"' => quoted = !quoted,
            ',' if !quoted => {
                out.push(&word[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    out.push(&word[start..]);
    if out.iter().any(|o| o.is_empty()) {
        return Err(format!("empty option in `{word}`"));
    }
    Ok(out)
}

/// Parses `YYYYMMDD[HHMM[SS]]Z` as UTC.
///
/// OpenSSH reads a time without `Z` in the local time zone; driftgate refuses it
/// instead, so that every machine (a laptop, CI) judges a key the same way.
fn parse_time(v: &str) -> Result<Timestamp, String> {
    let bad =
        || format!("bad time `{v}`: expected YYYYMMDD, YYYYMMDDHHMM or YYYYMMDDHHMMSS, then `Z`");
    let Some(digits) = v.strip_suffix('Z').or_else(|| v.strip_suffix('z')) else {
        if v.bytes().all(|b| b.is_ascii_digit()) {
            return Err(format!(
                "time `{v}` has no `Z`: driftgate reads validity times as UTC only, write `{v}Z`"
            ));
        }
        return Err(bad());
    };
    if !digits.bytes().all(|b| b.is_ascii_digit()) || ![8, 12, 14].contains(&digits.len()) {
        return Err(bad());
    }
    let num = |r: std::ops::Range<usize>| -> Result<i16, String> {
        digits
            .get(r)
            .and_then(|d| d.parse::<i16>().ok())
            .ok_or_else(bad)
    };
    let (y, mo, d) = (num(0..4)?, num(4..6)?, num(6..8)?);
    let (h, mi) = if digits.len() >= 12 {
        (num(8..10)?, num(10..12)?)
    } else {
        (0, 0)
    };
    let s = if digits.len() == 14 { num(12..14)? } else { 0 };
    let as_i8 = |n: i16| i8::try_from(n).map_err(|_| bad());
    jiff::civil::DateTime::new(
        y,
        as_i8(mo)?,
        as_i8(d)?,
        as_i8(h)?,
        as_i8(mi)?,
        as_i8(s)?,
        0,
    )
    .and_then(|dt| dt.to_zoned(jiff::tz::TimeZone::UTC))
    .map(|z| z.timestamp())
    .map_err(|_| bad())
}

#[cfg(test)]
mod tests {
    use super::*;

    const ED: &str =
        "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIENYxqUwocYFRrevnNu8o5Yflm4uaCdg7JO9p3xRcDKp";
    const ED2: &str =
        "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGt7aN0CZyn0gxH3pHXX0xS/xLYMJJ+tV5BGJCI8CNT8";

    fn parse(text: &str) -> Result<TrustSet, SignersError> {
        TrustSet::parse(text, Path::new("allowed_signers"))
    }

    fn key(line: &str) -> KeyData {
        PublicKey::from_openssh(line).unwrap().key_data().clone()
    }

    fn ts(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    #[test]
    fn parses_principals_options_comments_and_blank_lines() {
        let text = format!(
            "# reviewers\n\n  alice@example.com,bob@example.com {ED} alice's laptop\n\
             \"carol@example.com\" namespaces=\"git,driftgate\",valid-after=\"20240101Z\" {ED2}\n"
        );
        let t = parse(&text).unwrap();
        assert_eq!(t.signers.len(), 2);
        assert_eq!(t.signers[0].line, 3);
        assert_eq!(
            t.signers[0].principals,
            vec!["alice@example.com", "bob@example.com"]
        );
        assert_eq!(
            t.signers[1].namespaces.as_deref(),
            Some(&["git".to_string(), "driftgate".to_string()][..])
        );
        assert_eq!(t.signers[1].valid_after, Some(ts("2024-01-01T00:00:00Z")));
        let now = [ts("2025-06-01T00:00:00Z")];
        assert!(t.allows(&key(ED), "bob@example.com", &now).is_ok());
        assert!(t.allows(&key(ED2), "carol@example.com", &now).is_ok());
    }

    #[test]
    fn refusals_say_why() {
        let text = format!(
            "alice {ED}\nbob namespaces=\"git\" {ED2}\ncarol valid-before=\"20200101Z\" {ED2}\n"
        );
        let t = parse(&text).unwrap();
        let now = [ts("2025-06-01T00:00:00Z")];
        assert!(matches!(
            t.allows(&key(ED), "mallory", &now),
            Err(Refusal::NotForPrincipal(p)) if p == vec!["alice".to_string()]
        ));
        assert!(matches!(
            t.allows(&key(ED2), "bob", &now),
            Err(Refusal::Namespace(_))
        ));
        assert!(matches!(
            t.allows(&key(ED2), "carol", &now),
            Err(Refusal::Expired(..))
        ));
        assert!(
            t.allows(&key(ED2), "carol", &[ts("2019-12-31T00:00:00Z")])
                .is_ok()
        );
        let empty = TrustSet::default();
        assert_eq!(
            empty.allows(&key(ED), "alice", &now).unwrap_err(),
            Refusal::UnknownKey
        );
    }

    #[test]
    fn errors_name_the_line() {
        let cases = [
            (
                format!("# c\nalice cert-authority {ED}\n"),
                2,
                "cert-authority",
            ),
            (
                format!("alice {ED}\nbob frobnicate=\"x\" {ED}\n"),
                2,
                "unknown option",
            ),
            ("alice\n".to_string(), 1, "missing key"),
            ("alice ssh-ed25519 AAAA\n".to_string(), 1, "invalid"),
            (
                format!("\n\nalice valid-before=\"20240101\" {ED}\n"),
                3,
                "no `Z`",
            ),
            (
                format!("alice valid-after=\"2024-01-01\" {ED}\n"),
                1,
                "bad time",
            ),
            (format!("\"alice {ED}\n"), 1, "quote"),
            (
                format!("alice namespaces=\"a\",namespaces=\"b\" {ED}\n"),
                1,
                "twice",
            ),
        ];
        for (text, line, needle) in cases {
            let e = parse(&text).unwrap_err();
            assert_eq!(e.line, line, "{text}: {e}");
            assert!(e.to_string().contains(needle), "{text}: {e}");
            assert!(!e.to_string().contains('\n'));
        }
    }

    #[test]
    fn patterns_follow_openssh() {
        assert!(pattern_match("alice@example.com", "*@example.com"));
        assert!(pattern_match("ab", "a?"));
        assert!(!pattern_match("abc", "a?"));
        assert!(pattern_match("", "*"));
        assert!(!pattern_match("x", ""));
        assert!(pattern_match("aXbXc", "a*b*c"));
        let list = |s: &[&str]| s.iter().map(|x| x.to_string()).collect::<Vec<_>>();
        assert!(match_list("bob", &list(&["alice", "bob"])));
        assert!(!match_list(
            "eve@example.com",
            &list(&["*@example.com", "!eve@*"])
        ));
        assert!(!match_list("bob", &list(&["!alice"])));
    }

    #[test]
    fn principals_lists_driftgate_signers() {
        let text = format!("alice,bob {ED}\ncarol namespaces=\"git\" {ED2}\n");
        let p = parse(&text).unwrap().principals();
        assert_eq!(
            p.iter().map(|(n, _)| n.as_str()).collect::<Vec<_>>(),
            vec!["alice", "bob"]
        );
    }
}
