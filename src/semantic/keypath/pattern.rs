//! Key-path patterns: `*`, `[*]` and `**` over the segments of a [`KeyPath`], matching
//! paths (whole or a prefix), what is left of a pattern below a path, and selecting
//! the values a pattern names inside a value. The syntax is read in the parent module.

use std::fmt;

use super::{KeyPath, KeyPathError, Part, Segment, item_is, parse_parts};

/// A key-path pattern with wildcards.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyPattern {
    text: String,
    parts: Vec<Part>,
}

impl KeyPattern {
    /// Returns the pattern written as `text`.
    pub fn parse(text: &str) -> Result<KeyPattern, KeyPathError> {
        Ok(KeyPattern {
            text: text.to_string(),
            parts: parse_parts(text)?,
        })
    }

    /// Returns the pattern as written.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// Returns whether the pattern matches all of `path`.
    pub fn matches(&self, path: &KeyPath) -> bool {
        let lengths = self.match_lengths(&path.segments);
        lengths.at(path.segments.len())
    }

    /// Returns whether the pattern matches `path` or one of its ancestors (a change
    /// under an ignored key is ignored too).
    pub fn matches_prefix(&self, path: &KeyPath) -> bool {
        self.match_lengths(&path.segments).any()
    }

    /// Returns the rests of the pattern that may still match below `path`: for a change
    /// at `path` whose value holds more data (an added mapping, a replaced list item),
    /// what selects targeted keys inside that value (see [`KeyPattern::select`]).
    ///
    /// Every split of the pattern whose head can consume all of `path` gives a rest,
    /// those after a `**` included: `**.securityContext.privileged` below
    /// `spec.containers[name=c].securityContext` leaves both itself (a nested
    /// `securityContext`) and `privileged` (the key right inside the value).
    pub fn rests(&self, path: &KeyPath) -> Vec<KeyPattern> {
        let n = path.segments.len();
        let mut out = Vec::new();
        // Whether the previous part was a `**` whose rest was kept.
        let mut after_open_star_star = false;
        for (i, part) in self.parts.iter().enumerate() {
            let reach = KeyPattern {
                text: String::new(),
                parts: self.parts.get(..i).unwrap_or_default().to_vec(),
            }
            .match_lengths(&path.segments);
            // `**` stays open below the path if it started anywhere along it.
            let open = match part {
                Part::StarStar => reach.any(),
                _ => reach.at(n),
            };
            // `**.R` already matches whatever `R` does (`**` may be empty), so the
            // rest right after a kept `**` adds nothing.
            let subsumed = after_open_star_star;
            after_open_star_star = open && *part == Part::StarStar;
            if open && !subsumed {
                let rest = self.parts.get(i..).unwrap_or_default().to_vec();
                out.push(KeyPattern {
                    text: parts_text(&rest),
                    parts: rest,
                });
            }
        }
        out
    }

    /// Returns the mapping keys the pattern names literally: any path it matches
    /// holds them all.
    pub fn literal_keys(&self) -> impl Iterator<Item = &str> {
        self.parts.iter().filter_map(|p| match p {
            Part::Seg(Segment::Key(k)) => Some(k.as_str()),
            _ => None,
        })
    }

    /// Returns the values inside `value` that the pattern selects, with their paths
    /// relative to `value` (list items by index).
    pub fn select<'v>(
        &self,
        value: &'v serde_json::Value,
    ) -> Vec<(KeyPath, &'v serde_json::Value)> {
        let mut out = Vec::new();
        select_parts(&self.parts, value, &mut Vec::new(), &mut out);
        out
    }

    /// Returns, for each `k` in `0..=len`, whether the pattern matches the first `k`
    /// segments: dynamic programming over parts, so `**` never backtracks.
    fn match_lengths(&self, path: &[Segment]) -> Lengths {
        let n = path.len();
        if n >= 128 {
            return Lengths::Long(self.match_lengths_long(path));
        }
        // Bit k of `reach`: the parts so far can consume exactly the first k segments.
        // Rules match every change against their patterns, so no allocation here.
        let all = if n == 127 {
            u128::MAX
        } else {
            (1u128 << (n + 1)) - 1
        };
        let mut reach: u128 = 1;
        for part in &self.parts {
            reach = match part {
                Part::StarStar if reach == 0 => 0,
                // From the shortest length reached on, every longer one is.
                Part::StarStar => all & !((1u128 << reach.trailing_zeros()) - 1),
                _ => {
                    let mut next = 0u128;
                    let mut bits = reach & (all >> 1);
                    while bits != 0 {
                        let k = bits.trailing_zeros() as usize;
                        bits &= bits - 1;
                        if path.get(k).is_some_and(|s| part_matches(part, s)) {
                            next |= 1u128 << (k + 1);
                        }
                    }
                    next
                }
            };
            if reach == 0 {
                break;
            }
        }
        Lengths::Short(reach, n)
    }

    /// [`KeyPattern::match_lengths`] for paths of 128 segments or more.
    fn match_lengths_long(&self, path: &[Segment]) -> Vec<bool> {
        let n = path.len();
        let mut reach = vec![false; n + 1];
        if let Some(r) = reach.first_mut() {
            *r = true;
        }
        for part in &self.parts {
            let mut next = vec![false; n + 1];
            match part {
                Part::StarStar => {
                    let mut any = false;
                    for k in 0..=n {
                        any |= reach.get(k).copied().unwrap_or(false);
                        if let Some(x) = next.get_mut(k) {
                            *x = any;
                        }
                    }
                }
                _ => {
                    for k in 0..n {
                        if reach.get(k).copied().unwrap_or(false)
                            && path.get(k).is_some_and(|s| part_matches(part, s))
                            && let Some(x) = next.get_mut(k + 1)
                        {
                            *x = true;
                        }
                    }
                }
            }
            reach = next;
        }
        reach
    }
}

impl fmt::Display for KeyPattern {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

/// Returns `parts` written as a pattern.
fn parts_text(parts: &[Part]) -> String {
    let mut out = String::new();
    for (i, p) in parts.iter().enumerate() {
        let dot = if i > 0 { "." } else { "" };
        match p {
            Part::Star => out.push_str(&format!("{dot}*")),
            Part::StarStar => out.push_str(&format!("{dot}**")),
            Part::AnyItem => out.push_str("[*]"),
            Part::Seg(seg) => {
                let one = KeyPath {
                    segments: vec![seg.clone()],
                }
                .to_string();
                if matches!(seg, Segment::Key(_)) {
                    out.push_str(dot);
                }
                out.push_str(&one);
            }
        }
    }
    out
}

fn select_parts<'v>(
    parts: &[Part],
    value: &'v serde_json::Value,
    at: &mut Vec<Segment>,
    out: &mut Vec<(KeyPath, &'v serde_json::Value)>,
) {
    let Some((first, rest)) = parts.split_first() else {
        out.push((
            KeyPath {
                segments: at.clone(),
            },
            value,
        ));
        return;
    };
    let children: Vec<(Segment, &serde_json::Value)> = match value {
        serde_json::Value::Object(m) => m
            .iter()
            .map(|(k, v)| (Segment::Key(k.clone()), v))
            .collect(),
        serde_json::Value::Array(a) => a
            .iter()
            .enumerate()
            .map(|(i, v)| (Segment::Index(i), v))
            .collect(),
        _ => Vec::new(),
    };
    let is_item = |s: &Segment| matches!(s, Segment::Index(_));
    for (seg, child) in children {
        let (take, next): (bool, &[Part]) = match first {
            Part::Star => (true, rest),
            Part::AnyItem => (is_item(&seg), rest),
            // `**` may go on below this child, or stop here (tried after the loop).
            Part::StarStar => (true, parts),
            Part::Seg(want @ (Segment::Match { .. } | Segment::Object(_))) => {
                (is_item(&seg) && item_is(want, child), rest)
            }
            Part::Seg(want) => (*want == seg, rest),
        };
        if take {
            at.push(seg);
            select_parts(next, child, at, out);
            at.pop();
        }
    }
    if *first == Part::StarStar {
        select_parts(rest, value, at, out);
    }
}

fn part_matches(part: &Part, seg: &Segment) -> bool {
    match part {
        Part::Star => true,
        Part::StarStar => true,
        Part::AnyItem => !matches!(seg, Segment::Key(_)),
        Part::Seg(p) => p == seg,
    }
}

/// Which prefix lengths of a path a pattern matches: a bit set for paths shorter than
/// 128 segments (every real one), a list beyond.
enum Lengths {
    /// Bit `k` set: the first `k` of `n` segments match.
    Short(u128, usize),
    /// Entry `k` true: the first `k` segments match.
    Long(Vec<bool>),
}

impl Lengths {
    /// Returns whether the first `k` segments match.
    fn at(&self, k: usize) -> bool {
        match self {
            Lengths::Short(bits, n) => k <= *n && k < 128 && bits & (1u128 << k) != 0,
            Lengths::Long(v) => v.get(k).copied().unwrap_or(false),
        }
    }

    /// Returns whether any prefix (the empty one included) matches.
    fn any(&self) -> bool {
        match self {
            Lengths::Short(bits, _) => *bits != 0,
            Lengths::Long(v) => v.iter().any(|&m| m),
        }
    }
}
