//! Key paths and key-path patterns as rules use them (DESIGN §3 syntax).
//!
//! Parses a change's path and a rule's pattern into segments, matches the two, and walks
//! a pattern into a JSON value. Printing key paths belongs to the semantic engine.

use serde_json::Value;

/// One segment of a key path or pattern.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Segment {
    /// A mapping key.
    Key(String),
    /// A list index, `[N]`.
    Index(usize),
    /// A list item matched by identity, `[key=value]`.
    Item(String, String),
    /// Pattern only: `*`, any one segment.
    AnyOne,
    /// Pattern only: `[*]`, any one list item.
    AnyItem,
    /// Pattern only: `**`, any number of segments, none included.
    AnyDepth,
}

/// A key path that does not parse, with the reason.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct PathError(String);

/// Returns the segments of `text`; `pattern` allows `*`, `[*]` and `**`.
pub fn parse(text: &str, pattern: bool) -> Result<Vec<Segment>, PathError> {
    let chars: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    // Whether the next key needs a `.` before it (every key but the first).
    let mut need_dot = false;
    while i < chars.len() {
        match chars.get(i) {
            Some('[') => {
                let (seg, next) = bracket(&chars, i + 1, pattern)?;
                out.push(seg);
                i = next;
                need_dot = true;
                continue;
            }
            Some('.') if need_dot => {
                i += 1;
                if i >= chars.len() {
                    return Err(PathError("a key path must not end with `.`".into()));
                }
            }
            _ if need_dot => {
                return Err(PathError(format!(
                    "expected `.` or `[` at column {}",
                    i + 1
                )));
            }
            _ => {}
        }
        let (key, quoted, next) = key(&chars, i)?;
        i = next;
        need_dot = true;
        out.push(match key.as_str() {
            "*" if pattern && !quoted => Segment::AnyOne,
            "**" if pattern && !quoted => Segment::AnyDepth,
            _ => Segment::Key(key),
        });
    }
    Ok(out)
}

/// Reads a key at `i`: quoted (`"a.b"`, `\"` and `\\` escaped) or bare.
fn key(chars: &[char], mut i: usize) -> Result<(String, bool, usize), PathError> {
    let mut key = String::new();
    if chars.get(i) == Some(&'"') {
        i += 1;
        loop {
            match chars.get(i) {
                None => return Err(PathError("unterminated quoted key".into())),
                Some('"') => return Ok((key, true, i + 1)),
                Some('\\') => {
                    let c = chars
                        .get(i + 1)
                        .ok_or_else(|| PathError("unterminated quoted key".into()))?;
                    key.push(*c);
                    i += 2;
                }
                Some(c) => {
                    key.push(*c);
                    i += 1;
                }
            }
        }
    }
    while let Some(c) = chars.get(i) {
        if matches!(c, '.' | '[' | ']' | '"' | '=') {
            break;
        }
        key.push(*c);
        i += 1;
    }
    if key.is_empty() {
        return Err(PathError(format!("empty key at column {}", i + 1)));
    }
    Ok((key, false, i))
}

/// Reads the inside of `[...]` starting after the `[`; returns the segment and the
/// position after the `]`.
fn bracket(chars: &[char], start: usize, pattern: bool) -> Result<(Segment, usize), PathError> {
    let end = chars
        .iter()
        .skip(start)
        .position(|c| *c == ']')
        .map(|p| p + start)
        .ok_or_else(|| PathError("unterminated `[`".into()))?;
    let inner: String = chars.get(start..end).unwrap_or_default().iter().collect();
    let seg = if inner == "*" && pattern {
        Segment::AnyItem
    } else if let Ok(n) = inner.parse::<usize>() {
        Segment::Index(n)
    } else if let Some((k, v)) = inner.split_once('=') {
        let v = v
            .strip_prefix('"')
            .and_then(|v| v.strip_suffix('"'))
            .unwrap_or(v);
        if k.is_empty() {
            return Err(PathError(format!("`[{inner}]` needs a key before `=`")));
        }
        Segment::Item(k.to_string(), v.to_string())
    } else {
        return Err(PathError(format!(
            "`[{inner}]` is neither an index, `[key=value]` nor `[*]`"
        )));
    };
    Ok((seg, end + 1))
}

/// Returns whether pattern segment `p` matches path segment `s`.
fn seg_matches(p: &Segment, s: &Segment) -> bool {
    match p {
        Segment::AnyOne | Segment::AnyDepth => true,
        Segment::AnyItem => matches!(s, Segment::Index(_) | Segment::Item(..)),
        _ => p == s,
    }
}

/// Adds `i` and, past every `**` (which may match nothing), the positions after it.
fn close(pattern: &[Segment], mut i: usize, states: &mut Vec<usize>) {
    loop {
        if !states.contains(&i) {
            states.push(i);
        }
        match pattern.get(i) {
            Some(Segment::AnyDepth) => i += 1,
            _ => return,
        }
    }
}

/// How a pattern relates to a change's path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PathMatch {
    /// The pattern matches the path or one of its ancestors: the change is at or below
    /// a targeted key.
    pub at_or_below: bool,
    /// Rests of the pattern still to match below the path: the change's value may hold
    /// targeted keys (an added mapping, a replaced list item).
    pub below: Vec<Vec<Segment>>,
}

/// Returns how `pattern` relates to `path`.
pub fn relate(pattern: &[Segment], path: &[Segment]) -> PathMatch {
    let mut states = Vec::new();
    close(pattern, 0, &mut states);
    let mut at_or_below = states.contains(&pattern.len());
    for s in path {
        let mut next = Vec::new();
        for &i in &states {
            match pattern.get(i) {
                Some(Segment::AnyDepth) => close(pattern, i, &mut next),
                Some(p) if seg_matches(p, s) => close(pattern, i + 1, &mut next),
                _ => {}
            }
        }
        states = next;
        at_or_below |= states.contains(&pattern.len());
        if states.is_empty() {
            break;
        }
    }
    let below = states
        .iter()
        .filter(|&&i| i < pattern.len())
        .map(|&i| pattern.get(i..).unwrap_or_default().to_vec())
        .collect();
    PathMatch { at_or_below, below }
}

/// Returns the values inside `value` that `pattern` selects, with their paths
/// relative to `value`.
pub fn select<'v>(pattern: &[Segment], value: &'v Value) -> Vec<(Vec<Segment>, &'v Value)> {
    let mut out = Vec::new();
    walk(pattern, value, &mut Vec::new(), &mut out);
    out
}

fn children(value: &Value) -> Vec<(Segment, &Value)> {
    match value {
        Value::Object(m) => m
            .iter()
            .map(|(k, v)| (Segment::Key(k.clone()), v))
            .collect(),
        Value::Array(a) => a
            .iter()
            .enumerate()
            .map(|(i, v)| (Segment::Index(i), v))
            .collect(),
        _ => Vec::new(),
    }
}

fn walk<'v>(
    pattern: &[Segment],
    value: &'v Value,
    at: &mut Vec<Segment>,
    out: &mut Vec<(Vec<Segment>, &'v Value)>,
) {
    let Some((first, rest)) = pattern.split_first() else {
        out.push((at.clone(), value));
        return;
    };
    fn step<'v>(
        seg: Segment,
        child: &'v Value,
        rest: &[Segment],
        at: &mut Vec<Segment>,
        out: &mut Vec<(Vec<Segment>, &'v Value)>,
    ) {
        at.push(seg);
        walk(rest, child, at, out);
        at.pop();
    }
    match first {
        Segment::Key(k) => {
            if let Some(v) = value.get(k.as_str()) {
                step(first.clone(), v, rest, at, out);
            }
        }
        Segment::Index(n) => {
            if let Some(v) = value.as_array().and_then(|a| a.get(*n)) {
                step(first.clone(), v, rest, at, out);
            }
        }
        Segment::Item(k, want) => {
            for (i, item) in value.as_array().into_iter().flatten().enumerate() {
                if item.get(k.as_str()).and_then(scalar_text).as_deref() == Some(want.as_str()) {
                    step(Segment::Index(i), item, rest, at, out);
                }
            }
        }
        Segment::AnyOne => {
            for (seg, child) in children(value) {
                step(seg, child, rest, at, out);
            }
        }
        Segment::AnyItem => {
            if value.is_array() {
                for (seg, child) in children(value) {
                    step(seg, child, rest, at, out);
                }
            }
        }
        Segment::AnyDepth => {
            walk(rest, value, at, out);
            for (seg, child) in children(value) {
                step(seg, child, pattern, at, out);
            }
        }
    }
}

/// Returns a scalar as the text an identity segment `[key=value]` compares with.
pub fn scalar_text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// Returns the value at `path` inside `value`.
pub fn get<'v>(value: &'v Value, path: &[Segment]) -> Option<&'v Value> {
    let mut v = value;
    for s in path {
        v = match s {
            Segment::Key(k) => v.get(k.as_str())?,
            Segment::Index(n) => v.as_array()?.get(*n)?,
            Segment::Item(k, want) => v.as_array()?.iter().find(|item| {
                item.get(k.as_str()).and_then(scalar_text).as_deref() == Some(want.as_str())
            })?,
            Segment::AnyOne | Segment::AnyItem | Segment::AnyDepth => return None,
        };
    }
    Some(v)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn p(s: &str) -> Vec<Segment> {
        parse(s, true).unwrap()
    }

    fn path(s: &str) -> Vec<Segment> {
        parse(s, false).unwrap()
    }

    #[test]
    fn parses_design_syntax() {
        assert_eq!(
            path(r#"spec.containers[name=web].image"#),
            vec![
                Segment::Key("spec".into()),
                Segment::Key("containers".into()),
                Segment::Item("name".into(), "web".into()),
                Segment::Key("image".into()),
            ]
        );
        assert_eq!(
            path(r#"metadata.annotations."app.kubernetes.io/name""#),
            vec![
                Segment::Key("metadata".into()),
                Segment::Key("annotations".into()),
                Segment::Key("app.kubernetes.io/name".into()),
            ]
        );
        assert_eq!(path("Statement[0]"), p("Statement[0]"));
        assert_eq!(path(""), vec![]);
        assert_eq!(p("**.x[*]")[0], Segment::AnyDepth);
        // Outside patterns, `*` is an ordinary key.
        assert_eq!(path("*"), vec![Segment::Key("*".into())]);
    }

    #[test]
    fn rejects_malformed() {
        for bad in ["a.", "a..b", "a[", "a[x]", "a]b", "\"a", "a\"b\"", "[=x]"] {
            assert!(parse(bad, true).is_err(), "{bad}");
        }
    }

    #[test]
    fn relates_exact_descendant_and_ancestor() {
        let pat = p("rules[*].verbs");
        assert!(relate(&pat, &path("rules[0].verbs")).at_or_below);
        assert!(relate(&pat, &path("rules[name=x].verbs[2]")).at_or_below);
        assert!(!relate(&pat, &path("rules[0].resources")).at_or_below);
        let up = relate(&pat, &path("rules[1]"));
        assert!(!up.at_or_below);
        assert_eq!(up.below, vec![p("verbs")]);
        let root = relate(&pat, &[]);
        assert_eq!(root.below, vec![pat.clone()]);
        assert!(relate(&pat, &path("metadata.name")).below.is_empty());
    }

    #[test]
    fn any_depth_matches_zero_or_more() {
        let pat = p("**.securityContext.privileged");
        assert!(relate(&pat, &path("securityContext.privileged")).at_or_below);
        assert!(
            relate(
                &pat,
                &path("spec.template.spec.containers[name=a].securityContext.privileged")
            )
            .at_or_below
        );
        assert!(!relate(&pat, &path("spec.privileged")).at_or_below);
        let tail = p("a.**");
        assert!(relate(&tail, &path("a")).at_or_below);
        assert!(relate(&tail, &path("a.b[3].c")).at_or_below);
        assert!(!relate(&tail, &path("b")).at_or_below);
    }

    #[test]
    fn selects_inside_values() {
        let v = json!({"rules": [{"verbs": ["get"]}, {"verbs": ["*"], "name": "x"}]});
        let got = select(&p("rules[*].verbs"), &v);
        assert_eq!(got.len(), 2);
        assert_eq!(got[1].0, path("rules[1].verbs"));
        assert_eq!(got[1].1, &json!(["*"]));
        let deep = json!({"spec": {"template": {"spec": {"hostNetwork": true}}}});
        let got = select(&p("**.hostNetwork"), &deep);
        assert_eq!(got.len(), 1);
        assert_eq!(got[0].1, &json!(true));
        assert_eq!(select(&p("rules[name=x].verbs"), &v).len(), 1);
        assert_eq!(get(&v, &path("rules[name=x].verbs[0]")), Some(&json!("*")));
    }
}
