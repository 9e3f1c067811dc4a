//! Secrets inside a piece of text: a text file, a multi-line string, a command line or
//! one item of an argument or environment list.
//!
//! Text is not parsed, so these are heuristics over lines. Each finds the byte range of
//! the secret only, so the rest of the line (the variable's name, the command, the
//! URL's host) stays visible. A range never spans a line break, so a text keeps its
//! lines and line numbers once its secrets are replaced.

use std::ops::Range;

use super::shapes;
use super::words::SecretWords;

/// Returns the sorted, disjoint byte ranges of the secrets in `text`.
pub(crate) fn spans(text: &str, words: &SecretWords) -> Vec<Range<usize>> {
    // Most strings of a configuration file are short names and words: one look at
    // their bytes settles that they hold nothing.
    if text.len() < SHORTEST_UNASSIGNED && !may_assign(text.as_bytes()) {
        return Vec::new();
    }
    spans_with(text, words, Triggers::of)
}

/// The shortest text that can hold a secret without `=`, `:`, `--` or a line break:
/// a token of a known shape (an `xoxb-` Slack token of 10 more bytes, the shortest of
/// [`shapes::SHAPES`]) or a `Bearer` credential (`bearer ` and 8 bytes). Every other
/// detector needs one of those bytes: assignments, flags, URLs, `Authorization:`
/// headers, PEM blocks.
const SHORTEST_UNASSIGNED: usize = 15;

/// Returns whether `bytes` holds `=`, `:`, `--` or a line break.
fn may_assign(bytes: &[u8]) -> bool {
    bytes
        .iter()
        .any(|b| matches!(b, b'=' | b':' | b'\n' | b'\r'))
        || bytes.windows(2).any(|w| w == b"--")
}

/// Returns the spans of `text` like [`spans`], with the triggers of each line found by
/// `triggers`.
fn spans_with(
    text: &str,
    words: &SecretWords,
    triggers: fn(&str) -> Triggers,
) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let bytes = text.as_bytes();
    let prose = memchr::memchr(b'\n', bytes).is_none();
    let mut in_pem = false;
    let mut offset = 0;
    // Line by line, each with its line break (as `split_inclusive('\n')`), found by
    // `memchr`: most strings are one line, and a text file is many.
    while offset < bytes.len() {
        let base = offset;
        offset = memchr::memchr(b'\n', &bytes[base..]).map_or(bytes.len(), |i| base + i + 1);
        let line = text.get(base..offset).unwrap_or_default();
        let body = line.trim_end_matches(['\n', '\r']);
        if in_pem {
            if let Some(end) = body.find("-----END ") {
                in_pem = false;
                push_trimmed(body, base, 0..end, &mut out);
            } else {
                push_trimmed(body, base, 0..body.len(), &mut out);
            }
            continue;
        }
        let found = triggers(body);
        if found.pem
            && let Some(begin) = pem_begin(body)
        {
            match body[begin..].find("-----END ") {
                // A whole key on one line.
                Some(end) => push_trimmed(body, base, begin..begin + end, &mut out),
                None => {
                    in_pem = true;
                    push_trimmed(body, base, begin..body.len(), &mut out);
                }
            }
            continue;
        }
        line_spans(body, base, words, prose, &found, &mut out);
    }
    merge(out)
}

/// What a line holds that a detector needs before it can find anything there.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Triggers {
    /// `=`: assignments.
    eq: bool,
    /// `:`: `NAME: value`.
    colon: bool,
    /// `--`: long flags.
    dashes: bool,
    /// `://`: URLs.
    scheme: bool,
    /// `-----`, where a PEM block can begin.
    pem: bool,
    /// One of [`AUTH_TRIGGERS`]: `Authorization` and `Bearer` credentials.
    auth: bool,
    /// The start of a token prefix (see [`shapes::find_prefixed`]).
    shape: bool,
}

/// What an `Authorization` header or a `Bearer` credential has in it, in the two cases
/// people write.
const AUTH_TRIGGERS: [&str; 4] = ["earer", "EARER", "uthoriz", "UTHORIZ"];

/// The pairs of bytes [`Triggers::of`] looks further at, one bit each: every pair
/// that starts with a trigger's own byte (`-`, `=`, `:`), and the first two bytes of
/// each of [`AUTH_TRIGGERS`] and of each needle [`shapes::may_start_at`] knows.
///
/// Looking at pairs rather than single bytes passes over the common letters those
/// start with (`e`, `u`, `g`, `x`, `k`) unless the next byte continues a trigger.
const INTERESTING: [u64; 1024] = {
    let mut t = [0u64; 1024];
    let leading = b"-=:";
    let mut i = 0;
    while i < leading.len() {
        let mut next = 0;
        while next < 256 {
            let pair = (leading[i] as usize) << 8 | next;
            t[pair / 64] |= 1 << (pair % 64);
            next += 1;
        }
        i += 1;
    }
    let pairs: [&[u8; 2]; 12] = [
        b"ea", b"EA", b"ut", b"UT", b"gh", b"gl", b"gi", b"AK", b"AS", b"xo", b"k_", b"ey",
    ];
    let mut k = 0;
    while k < pairs.len() {
        let pair = (pairs[k][0] as usize) << 8 | pairs[k][1] as usize;
        t[pair / 64] |= 1 << (pair % 64);
        k += 1;
    }
    t
};

/// Returns whether the pair `first`, `next` is in [`INTERESTING`] (`next` is 0 at the
/// end of a line).
fn interesting(first: u8, next: u8) -> bool {
    let pair = usize::from(first) << 8 | usize::from(next);
    INTERESTING[pair / 64] & (1 << (pair % 64)) != 0
}

impl Triggers {
    /// Returns the triggers of `line`, in one pass over its bytes: every string of a
    /// large file passes through here, most of them short, where a substring search
    /// per detector costs more than the look itself.
    fn of(line: &str) -> Triggers {
        let mut t = Triggers {
            eq: false,
            colon: false,
            dashes: false,
            scheme: false,
            pem: false,
            auth: false,
            shape: false,
        };
        let bytes = line.as_bytes();
        let mut run = 0;
        for (i, &b) in bytes.iter().enumerate() {
            // Most bytes start nothing: one table look each.
            if !interesting(b, bytes.get(i + 1).copied().unwrap_or(0)) {
                run = 0;
                continue;
            }
            if b == b'-' {
                run += 1;
                t.dashes |= run >= 2;
                t.pem |= run >= 5;
                continue;
            }
            run = 0;
            let rest = &bytes[i..];
            match b {
                b'=' => t.eq = true,
                b':' => {
                    t.colon = true;
                    t.scheme |= bytes.get(i + 1..i + 3) == Some(b"//");
                }
                // Each of AUTH_TRIGGERS starts with its own byte.
                b'e' => t.auth |= rest.starts_with(AUTH_TRIGGERS[0].as_bytes()),
                b'E' => t.auth |= rest.starts_with(AUTH_TRIGGERS[1].as_bytes()),
                b'u' => t.auth |= rest.starts_with(AUTH_TRIGGERS[2].as_bytes()),
                b'U' => t.auth |= rest.starts_with(AUTH_TRIGGERS[3].as_bytes()),
                _ => {}
            }
            t.shape = t.shape || shapes::may_start_at(bytes, i);
        }
        t
    }

    /// Returns the triggers of `line` by a substring search for each: what
    /// [`Triggers::of`] must always agree with.
    #[cfg(test)]
    fn searched(line: &str) -> Triggers {
        Triggers {
            eq: line.contains('='),
            colon: line.contains(':'),
            dashes: line.contains("--"),
            scheme: line.contains("://"),
            pem: line.contains("-----"),
            auth: AUTH_TRIGGERS.iter().any(|n| line.contains(n)),
            shape: shapes::has_prefix_start(line),
        }
    }
}

/// Returns where the body of a PEM private key starts, if `line` opens one.
fn pem_begin(line: &str) -> Option<usize> {
    let b = line.find("-----BEGIN ")?;
    let rest = &line[b + 11..];
    let close = rest.find("-----")?;
    rest[..close]
        .contains("PRIVATE KEY")
        .then_some(b + 11 + close + 5)
}

/// Adds `range` of `line` (at `base`) without its surrounding white space, if any is left.
fn push_trimmed(line: &str, base: usize, range: Range<usize>, out: &mut Vec<Range<usize>>) {
    let Some(s) = line.get(range.clone()) else {
        return;
    };
    let lead = s.len() - s.trim_start().len();
    let t = s.trim();
    if !t.is_empty() {
        let start = base + range.start + lead;
        out.push(start..start + t.len());
    }
}

/// Adds the secrets of one line (without its line break), whose triggers are `found`.
/// `one_line` is set for a text of one line (a string value), where `token: ...` is
/// more often a sentence than an assignment.
fn line_spans(
    line: &str,
    base: usize,
    words: &SecretWords,
    one_line: bool,
    found: &Triggers,
    out: &mut Vec<Range<usize>>,
) {
    if line.len() < 4 {
        return;
    }
    let mut add = |r: Range<usize>| {
        let value = &line[r.clone()];
        if super::can_be_secret(value) {
            out.push(base + r.start..base + r.end);
        }
    };
    // Each detector runs only when its trigger is in the line: every string of a
    // 50 MB file passes through here.
    if !words.is_empty() {
        if (found.eq || found.colon)
            && let Some(r) = leading_assignment(line, words, one_line)
        {
            add(r);
        }
        if found.eq {
            for r in inline_assignments(line, words) {
                add(r);
            }
        }
        if found.dashes {
            for r in flag_values(line, words) {
                add(r);
            }
        }
    }
    if found.scheme {
        for r in url_passwords(line) {
            add(r);
        }
    }
    if found.auth {
        for r in authorization(line) {
            add(r);
        }
    }
    let mut shaped = Vec::new();
    if found.shape {
        shapes::find_prefixed(line, &mut shaped);
    }
    shapes::find_unprefixed(line, &mut shaped);
    for r in shaped {
        add(r);
    }
}

fn is_name_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'-')
}

/// `NAME=value`, `NAME: value`, `export NAME=value`, `"name": "value"` at the start of
/// a line (`.env`, properties, INI, YAML-like text): the rest of the line.
///
/// In a one-line text, `NAME: value` with white space in an unquoted value is taken
/// for a sentence (`"token: the bearer token to send"` in a description).
fn leading_assignment(line: &str, words: &SecretWords, one_line: bool) -> Option<Range<usize>> {
    let bytes = line.as_bytes();
    let mut i = line.len() - line.trim_start().len();
    if line[i..].starts_with("export ") {
        i += 7;
    }
    if line[i..].starts_with("- ") {
        i += 2;
    }
    let quote = bytes.get(i).filter(|b| matches!(b, b'"' | b'\''));
    if quote.is_some() {
        i += 1;
    }
    let name_start = i;
    while bytes.get(i).is_some_and(|b| is_name_byte(*b)) {
        i += 1;
    }
    let name = &line[name_start..i];
    if let Some(q) = quote {
        if bytes.get(i) != Some(q) {
            return None;
        }
        i += 1;
    }
    while bytes.get(i) == Some(&b' ') || bytes.get(i) == Some(&b'\t') {
        i += 1;
    }
    if !matches!(bytes.get(i), Some(b'=' | b':')) || bytes.get(i + 1) == Some(&b'=') {
        return None;
    }
    if name.is_empty() || !words.matches(name) {
        return None;
    }
    let colon = bytes.get(i) == Some(&b':');
    let r = value_range(line, i + 1, true)?;
    let quoted = r.start > 0 && matches!(bytes.get(r.start - 1), Some(b'"' | b'\''));
    if one_line && colon && !quoted && line[r.clone()].contains(char::is_whitespace) {
        return None;
    }
    Some(r)
}

/// Returns the value starting at `from` (after spaces): a quoted value without its
/// quotes, else up to the end of the line (`to_end`) or the next separator.
fn value_range(line: &str, from: usize, to_end: bool) -> Option<Range<usize>> {
    let bytes = line.as_bytes();
    let mut i = from;
    while bytes.get(i) == Some(&b' ') || bytes.get(i) == Some(&b'\t') {
        i += 1;
    }
    match bytes.get(i) {
        Some(q @ (b'"' | b'\'')) => {
            let start = i + 1;
            let rest = line.get(start..)?;
            // An unclosed quote hides the rest of the line rather than nothing.
            let len = rest.find(*q as char).unwrap_or(rest.trim_end().len());
            (len > 0).then_some(start..start + len)
        }
        // A reference runs to its closing braces, spaces and all.
        Some(b'$') if !to_end && line[i..].starts_with("${") => {
            let close = if line[i..].starts_with("${{") {
                "}}"
            } else {
                "}"
            };
            let len = line[i..].find(close)? + close.len();
            Some(i..i + len)
        }
        Some(_) => {
            let end = if to_end {
                let t = line.trim_end();
                // A trailing comma ends a value in JSON-like text, not the secret.
                t.len() - usize::from(t.ends_with(','))
            } else {
                i + line[i..]
                    .find(|c: char| c.is_whitespace() || matches!(c, '"' | '\'' | '&' | '`'))
                    .unwrap_or(line.len() - i)
            };
            (end > i).then_some(i..end)
        }
        None => None,
    }
}

/// `NAME=value` anywhere in a line: `--token=abc`, `env DB_PASSWORD=x run`,
/// `-Dapp.password=x`, `?access_token=abc&x=1`.
fn inline_assignments(line: &str, words: &SecretWords) -> Vec<Range<usize>> {
    let bytes = line.as_bytes();
    let mut out = Vec::new();
    for (p, _) in line.match_indices('=') {
        if bytes.get(p + 1) == Some(&b'=') || (p > 0 && bytes.get(p - 1) == Some(&b'=')) {
            continue;
        }
        let mut s = p;
        while s > 0 && bytes.get(s - 1).is_some_and(|b| is_name_byte(*b)) {
            s -= 1;
        }
        let name = line[s..p].trim_start_matches('-');
        if name.is_empty() || !words.matches(name) {
            continue;
        }
        if let Some(r) = value_range(line, p + 1, false) {
            out.push(r);
        }
    }
    out
}

/// `--password VALUE` in a command line: the word after a secret-looking long flag.
fn flag_values(line: &str, words: &SecretWords) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(pos) = line[from..].find("--") {
        let start = from + pos;
        from = start + 2;
        if start > 0 && !line.as_bytes()[start - 1].is_ascii_whitespace() {
            continue;
        }
        let name_end = start
            + 2
            + line[start + 2..]
                .bytes()
                .take_while(|b| is_name_byte(*b))
                .count();
        if line.as_bytes().get(name_end) != Some(&b' ') {
            continue;
        }
        if !is_secret_flag(&line[start..name_end], words) {
            continue;
        }
        if let Some(r) = value_range(line, name_end, false)
            && !line[r.clone()].starts_with('-')
        {
            out.push(r);
        }
    }
    out
}

/// Returns whether `arg` is a long flag naming a secret (`--password`, `--db-token`).
pub(crate) fn is_secret_flag(arg: &str, words: &SecretWords) -> bool {
    arg.strip_prefix("--").is_some_and(|name| {
        !name.is_empty() && name.bytes().all(is_name_byte) && words.matches(name)
    })
}

/// The password of URL userinfo: `postgres://app:PASSWORD@db/x`.
fn url_passwords(line: &str) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    for (p, _) in line.match_indices("://") {
        let start = p + 3;
        let len = line[start..]
            .find(|c: char| {
                c.is_whitespace() || matches!(c, '/' | '?' | '#' | '"' | '\'' | '<' | '>' | '`')
            })
            .unwrap_or(line.len() - start);
        let authority = &line[start..start + len];
        let Some(at) = authority.rfind('@') else {
            continue;
        };
        let Some(colon) = authority[..at].find(':') else {
            continue;
        };
        if colon + 1 < at {
            out.push(start + colon + 1..start + at);
        }
    }
    out
}

/// `Authorization: <scheme> <credentials>` and `Bearer <token>` anywhere.
fn authorization(line: &str) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let lower = line.to_ascii_lowercase();
    for (p, _) in lower.match_indices("authorization") {
        let mut i = p + "authorization".len();
        let bytes = line.as_bytes();
        while bytes
            .get(i)
            .is_some_and(|b| matches!(b, b'"' | b'\'' | b' '))
        {
            i += 1;
        }
        if !matches!(bytes.get(i), Some(b':' | b'=')) {
            continue;
        }
        i += 1;
        while bytes
            .get(i)
            .is_some_and(|b| matches!(b, b'"' | b'\'' | b' '))
        {
            i += 1;
        }
        let word_len = line[i..]
            .bytes()
            .take_while(u8::is_ascii_alphabetic)
            .count();
        let scheme = &lower[i..i + word_len];
        let at = if matches!(
            scheme,
            "bearer" | "basic" | "token" | "digest" | "negotiate"
        ) && line.as_bytes().get(i + word_len) == Some(&b' ')
        {
            i + word_len
        } else {
            i
        };
        if let Some(r) = value_range(line, at, false) {
            out.push(r);
        }
    }
    for (p, _) in lower.match_indices("bearer ") {
        if p > 0 && line.as_bytes()[p - 1].is_ascii_alphanumeric() {
            continue;
        }
        if let Some(r) = value_range(line, p + 7, false)
            && r.len() >= 8
        {
            out.push(r);
        }
    }
    out
}

/// Returns `spans` sorted, with overlapping and touching ranges joined.
fn merge(mut spans: Vec<Range<usize>>) -> Vec<Range<usize>> {
    spans.sort_by_key(|r| (r.start, r.end));
    let mut out: Vec<Range<usize>> = Vec::with_capacity(spans.len());
    for r in spans {
        match out.last_mut() {
            Some(last) if r.start <= last.end => last.end = last.end.max(r.end),
            _ => out.push(r),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The secret words driftgate uses unless configured otherwise.
    fn default_words() -> SecretWords {
        SecretWords::new(
            &super::super::DEFAULT_SECRET_WORDS
                .iter()
                .map(|w| w.to_string())
                .collect::<Vec<_>>(),
        )
    }

    /// Every file of the real-world corpus (`../shared/corpus`) under 4 MiB, as text,
    /// when it is present.
    fn corpus_texts() -> Vec<String> {
        let Some(dir) = crate::semantic::test_corpus::corpus("") else {
            return Vec::new();
        };
        crate::semantic::test_corpus::files(&dir, (4 << 20) - 1, |_| true)
            .iter()
            .filter_map(|p| std::fs::read(p).ok())
            .map(|b| String::from_utf8_lossy(&b).into_owned())
            .collect()
    }

    #[test]
    #[allow(clippy::disallowed_macros)]
    fn one_pass_finds_the_triggers_each_search_finds() {
        let texts = corpus_texts();
        if texts.is_empty() {
            eprintln!("skipped: the corpus is absent");
        }
        let words = default_words();
        let made = [
            "",
            "-",
            "--",
            "---",
            "----",
            "-----",
            "a-b--c",
            "x:/",
            "x://",
            "x:/:/",
            ":",
            "=",
            "-----BEGIN RSA PRIVATE KEY-----",
            "a:-//",
            "--=",
            "----:--//",
            "e",
            "ea",
            "earer",
            "xEARER",
            "Authoriz",
            "uthoriz",
            "UTHORIZ",
            "g",
            "gh",
            "gl",
            "github_pat_",
            "githu",
            "AKIA",
            "AS",
            "ASIA",
            "xo",
            "xox",
            "k",
            "k_live_",
            "sk_test_",
            "ey",
            "eyJ",
        ];
        let mut lines = 0;
        for text in texts.iter().map(String::as_str).chain(made) {
            for line in text.split_inclusive('\n') {
                let body = line.trim_end_matches(['\n', '\r']);
                assert_eq!(Triggers::of(body), Triggers::searched(body), "{body:?}");
                lines += 1;
            }
            assert_eq!(
                spans(text, &words),
                spans_with(text, &words, Triggers::searched)
            );
        }
        eprintln!("{lines} lines");
    }

    /// The shortcut for short texts in [`spans`] finds what the detectors find, on every
    /// piece shorter than [`SHORTEST_UNASSIGNED`] of every corpus line and on pieces
    /// that hold a secret, where leaving a byte out of [`may_assign`] or raising the
    /// bound would lose it.
    #[test]
    #[allow(clippy::disallowed_macros)]
    fn short_texts_are_passed_over_only_when_no_detector_finds_anything() {
        let words = default_words();
        // Each needs the byte `may_assign` looks for.
        let secrets = [
            "password=abc1",
            "token: abc1",
            "--token abc1",
            "a://u:pw@host",
            "token=abc1\ny",
            "a\rtoken=abc1",
        ];
        for s in secrets {
            assert!(s.len() < SHORTEST_UNASSIGNED, "{s:?}");
            assert!(!spans_with(s, &words, Triggers::of).is_empty(), "{s:?}");
            assert!(!spans(s, &words).is_empty(), "{s:?}");
        }
        // The shortest token of a known shape is as long as the bound.
        let slack = "xoxb-1234567890";
        assert_eq!(slack.len(), SHORTEST_UNASSIGNED);
        assert_eq!(spans(slack, &words), vec![0..slack.len()]);
        assert!(spans(&slack[..slack.len() - 1], &words).is_empty());
        let texts = corpus_texts();
        if texts.is_empty() {
            eprintln!("skipped the corpus: it is absent");
        }
        // Every seventh line, up to a bound that keeps the test quick.
        let mut pieces = 0;
        for line in texts.iter().flat_map(|t| t.lines()).step_by(7) {
            if pieces > 200_000 {
                break;
            }
            let mut cut = |piece: &str| {
                assert_eq!(
                    spans(piece, &words),
                    spans_with(piece, &words, Triggers::of),
                    "{piece:?}"
                );
                pieces += 1;
            };
            // Windows of each length below the bound, at every character of the line.
            for (at, _) in line.char_indices() {
                let rest = &line[at..];
                for (end, _) in rest.char_indices().skip(1).take(SHORTEST_UNASSIGNED) {
                    cut(&rest[..end]);
                }
            }
        }
        eprintln!("{pieces} pieces");
    }
}
