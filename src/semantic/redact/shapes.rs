//! Tokens recognised by their shape alone, wherever they appear (DESIGN §3).
//!
//! One table: a token starts with a fixed prefix at a word boundary and continues with
//! characters of its alphabet; it counts when its length is within bounds. Each entry
//! has a test with a realistic sample in `redact::tests`.

use std::ops::Range;

/// One token shape.
pub(crate) struct Shape {
    /// What it is, for tests.
    #[cfg_attr(not(test), allow(dead_code))]
    pub name: &'static str,
    /// Fixed prefixes (case-sensitive).
    pub prefixes: &'static [&'static str],
    /// The characters after the prefix.
    pub alphabet: fn(u8) -> bool,
    /// Least and most characters after the prefix.
    pub len: (usize, usize),
}

fn alnum(b: u8) -> bool {
    b.is_ascii_alphanumeric()
}

fn alnum_underscore(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

fn upper_digit(b: u8) -> bool {
    b.is_ascii_uppercase() || b.is_ascii_digit()
}

fn slack(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'-'
}

fn url_base64_dots(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.')
}

/// The well-known token shapes.
pub(crate) const SHAPES: &[Shape] = &[
    Shape {
        name: "GitHub token (classic, OAuth, app)",
        prefixes: &["ghp_", "gho_", "ghu_", "ghs_", "ghr_"],
        alphabet: alnum,
        len: (36, 251),
    },
    Shape {
        name: "GitHub fine-grained token",
        prefixes: &["github_pat_"],
        alphabet: alnum_underscore,
        len: (22, 255),
    },
    Shape {
        name: "GitLab token",
        prefixes: &["glpat-"],
        alphabet: slack,
        len: (20, 64),
    },
    Shape {
        name: "AWS access key id",
        prefixes: &["AKIA", "ASIA"],
        alphabet: upper_digit,
        len: (16, 16),
    },
    Shape {
        name: "Slack token",
        prefixes: &[
            "xoxa-", "xoxb-", "xoxp-", "xoxo-", "xoxr-", "xoxs-", "xoxe-",
        ],
        alphabet: slack,
        len: (10, 255),
    },
    Shape {
        name: "Stripe key",
        prefixes: &["sk_live_", "rk_live_", "sk_test_", "rk_test_"],
        alphabet: alnum,
        len: (16, 255),
    },
    Shape {
        name: "JSON Web Token",
        prefixes: &["eyJ"],
        alphabet: url_base64_dots,
        len: (20, 16_384),
    },
];

/// Every prefix starts with one of these (`sk_live_` one byte before its needle).
const NEEDLES: [&str; 9] = [
    "gh",
    "github_pat_",
    "gl",
    "AKIA",
    "ASIA",
    "xox",
    "k_live_",
    "k_test_",
    "eyJ",
];

/// Returns whether one of the needles every prefix starts with starts at `i` of `bytes`:
/// a text where none does holds no prefixed token.
pub(crate) fn may_start_at(bytes: &[u8], i: usize) -> bool {
    let rest = &bytes[i..];
    match bytes[i] {
        b'g' => matches!(rest.get(1), Some(b'h' | b'l')) || rest.starts_with(b"github_pat_"),
        b'A' => rest.starts_with(b"AKIA") || rest.starts_with(b"ASIA"),
        b'x' => rest.starts_with(b"xox"),
        b'k' => rest.starts_with(b"k_live_") || rest.starts_with(b"k_test_"),
        b'e' => rest.starts_with(b"eyJ"),
        _ => false,
    }
}

/// Returns whether a needle occurs in `text`, by a substring search for each: what
/// [`may_start_at`] must always agree with.
#[cfg(test)]
pub(crate) fn has_prefix_start(text: &str) -> bool {
    NEEDLES.iter().any(|n| text.contains(n))
}

/// Adds the byte ranges of the tokens with a fixed prefix in `text`.
pub(crate) fn find_prefixed(text: &str, out: &mut Vec<Range<usize>>) {
    // One pass of an automaton instead of a look at every byte per prefix (every string
    // of a 50 MB file passes through here).
    static AUTOMATON: std::sync::LazyLock<aho_corasick::AhoCorasick> =
        std::sync::LazyLock::new(|| {
            aho_corasick::AhoCorasick::new(NEEDLES).expect("fixed patterns build")
        });
    let bytes = text.as_bytes();
    let mut found: Vec<Range<usize>> = Vec::new();
    for m in AUTOMATON.find_overlapping_iter(text) {
        let pos = m.start();
        // `sk_live_`, `rk_test_`: the needle starts one byte into the prefix.
        let start = if bytes.get(pos) == Some(&b'k') && bytes.get(pos + 1) == Some(&b'_') {
            match pos.checked_sub(1) {
                Some(s) => s,
                None => continue,
            }
        } else {
            pos
        };
        let boundary = start == 0 || bytes.get(start - 1).is_some_and(|b| !alnum_underscore(*b));
        if boundary
            && !found.iter().any(|r| r.contains(&start))
            && let Some(end) = token_at(text, start)
        {
            found.push(start..end);
        }
    }
    out.extend(found);
}

/// Adds the byte ranges of the tokens without a prefix in `text` (AWS secret keys).
pub(crate) fn find_unprefixed(text: &str, out: &mut Vec<Range<usize>>) {
    let bytes = text.as_bytes();
    if bytes.len() >= 40 {
        aws_secret_keys(bytes, out);
    }
}

/// Returns where a token that starts at `start` ends, if one does.
fn token_at(text: &str, start: usize) -> Option<usize> {
    let rest = text.get(start..)?;
    for shape in SHAPES {
        for prefix in shape.prefixes {
            if !rest.starts_with(prefix) {
                continue;
            }
            let len = rest.as_bytes()[prefix.len()..]
                .iter()
                .take_while(|b| (shape.alphabet)(**b))
                .count();
            let end = start + prefix.len() + len;
            let jwt_ok = shape.prefixes != ["eyJ"] || is_jwt(&text[start..end]);
            if len >= shape.len.0 && len <= shape.len.1 && jwt_ok {
                return Some(end);
            }
        }
    }
    None
}

/// Returns whether `t` is three base64url parts of which the first two are JSON
/// objects (`eyJ` is `{"` encoded).
fn is_jwt(t: &str) -> bool {
    let parts: Vec<&str> = t.split('.').collect();
    matches!(parts.as_slice(), [h, p, _] if h.len() >= 10 && p.starts_with("eyJ") && p.len() >= 10)
}

/// Finds AWS secret access keys: exactly 40 characters of base64 (`A-Za-z0-9/+`) standing
/// alone, with upper and lower case letters and a digit (so no hex digest or word).
fn aws_secret_keys(bytes: &[u8], out: &mut Vec<Range<usize>>) {
    /// The base64 bytes, by table: every byte of every long string is looked up.
    const B64: [bool; 256] = {
        let mut t = [false; 256];
        let mut b = 0;
        while b < 256 {
            let c = b as u8;
            t[b] = c.is_ascii_alphanumeric() || c == b'/' || c == b'+';
            b += 1;
        }
        t
    };
    let is_b64 = |b: u8| B64[usize::from(b)];
    let mut i = 0;
    while i < bytes.len() {
        if !bytes.get(i).is_some_and(|b| is_b64(*b)) {
            i += 1;
            continue;
        }
        let start = i;
        while bytes.get(i).is_some_and(|b| is_b64(*b)) {
            i += 1;
        }
        let run = &bytes[start..i];
        // `=` or `_`/`-` next to it would make it part of something longer.
        let glued = |b: Option<&u8>| b.is_some_and(|b| matches!(b, b'_' | b'-' | b'.'));
        if run.len() == 40
            && run.iter().any(u8::is_ascii_uppercase)
            && run.iter().any(u8::is_ascii_lowercase)
            && run.iter().any(u8::is_ascii_digit)
            && !glued(bytes.get(i))
            && bytes.get(i) != Some(&b'=')
            && !glued(start.checked_sub(1).and_then(|s| bytes.get(s)))
        {
            out.push(start..i);
        }
    }
}
