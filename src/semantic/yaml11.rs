//! YAML 1.1 readings of plain scalars: where PyYAML, Ansible and Kubernetes tooling
//! (which read YAML 1.1) see another value than the YAML 1.2 core schema driftgate
//! resolves with.
//!
//! driftgate compares by the 1.2 reading, but a change is only cosmetic when both
//! readings agree (DESIGN §3): `420` -> `0420` is the same number under 1.2 and mode
//! 272 under 1.1, `"on"` -> `on` a string under 1.2 and `true` under 1.1. Each plain
//! scalar whose 1.1 reading differs from its 1.2 one carries a [`Reading`] class; the
//! class is part of the canonical form and of equality, and a change between classes
//! carries a note naming the reading that differs.
//!
//! The patterns are PyYAML's resolver (the most common 1.1 reader), plus the `y`/`n`
//! booleans of the YAML 1.1 specification that go-yaml v2 (Kubernetes) also reads.

use super::value::{Kind, Node};

/// How YAML 1.1 reads a plain scalar differently from YAML 1.2; 0 means it does not.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub(crate) enum Reading {
    /// The same as YAML 1.2.
    Same = 0,
    /// A boolean (`yes`, `no`, `on`, `off`, `y`, `n`), where 1.2 reads a string.
    Bool = 1,
    /// Another integer (octal `0644`, binary, `_` separators, base 60 `1:20`).
    Int = 2,
    /// A float where 1.2 reads a string (`1_000.5`, base 60 `1:20.5`).
    Float = 3,
    /// A string where 1.2 reads a number (`0o17`, `1e3`, `1.0e3`, `089`).
    Str = 4,
    /// A timestamp where 1.2 reads a string (`2001-12-14`).
    Timestamp = 5,
}

impl Reading {
    /// Returns the class stored in a node.
    pub(crate) fn of(code: u8) -> Reading {
        match code {
            1 => Reading::Bool,
            2 => Reading::Int,
            3 => Reading::Float,
            4 => Reading::Str,
            5 => Reading::Timestamp,
            _ => Reading::Same,
        }
    }

    /// Returns the name used in canonical forms.
    pub(crate) fn name(self) -> &'static str {
        match self {
            Reading::Same => "same",
            Reading::Bool => "bool",
            Reading::Int => "int",
            Reading::Float => "float",
            Reading::Str => "str",
            Reading::Timestamp => "timestamp",
        }
    }

    /// Returns the class of a canonical-form name.
    pub(crate) fn from_name(name: &str) -> Option<Reading> {
        Some(match name {
            "bool" => Reading::Bool,
            "int" => Reading::Int,
            "float" => Reading::Float,
            "str" => Reading::Str,
            "timestamp" => Reading::Timestamp,
            _ => return None,
        })
    }

    fn describe(self) -> &'static str {
        match self {
            Reading::Same => "as YAML 1.2 does",
            Reading::Bool => "as a boolean",
            Reading::Int => "as another integer (octal, binary or base 60)",
            Reading::Float => "as a number",
            Reading::Str => "as a string",
            Reading::Timestamp => "as a timestamp",
        }
    }
}

/// Returns the note of a change whose sides YAML 1.1 reads as `old` and `new`, or `None`
/// when both sides read alike.
pub(crate) fn note(old: Reading, new: Reading) -> Option<String> {
    if old == new {
        return None;
    }
    let side = |r: Reading, which: &str| match r {
        Reading::Same => None,
        r => Some(format!("the {which} value {}", r.describe())),
    };
    let parts: Vec<String> = [side(old, "old"), side(new, "new")]
        .into_iter()
        .flatten()
        .collect();
    Some(format!(
        "readers disagree: YAML 1.1 readers (PyYAML, Ansible, Kubernetes tooling) read {}",
        parts.join(" and ")
    ))
}

/// Returns how YAML 1.1 reads the plain scalar `s` that YAML 1.2 resolved to `node`
/// (`int` is the node's value when it is an `Int`).
pub(crate) fn reading(s: &str, node: &Node) -> Reading {
    let first = match s.as_bytes().first() {
        Some(b) => *b,
        None => return Reading::Same,
    };
    if matches!(first, b'y' | b'Y' | b'n' | b'N' | b'o' | b'O') {
        return match s {
            "y" | "Y" | "yes" | "Yes" | "YES" | "n" | "N" | "no" | "No" | "NO" | "on" | "On"
            | "ON" | "off" | "Off" | "OFF" => Reading::Bool,
            _ => Reading::Same,
        };
    }
    if !(first.is_ascii_digit() || matches!(first, b'-' | b'+' | b'.')) {
        return Reading::Same;
    }
    let numeric_12 = matches!(node.kind, Kind::Int | Kind::Num | Kind::Special);
    if let Some(v) = int11(s) {
        return match (node.kind, v) {
            (Kind::Int, Some(v)) if i128::from(node.int_value()) == v => Reading::Same,
            _ => Reading::Int,
        };
    }
    if is_float11(s) {
        return if numeric_12 {
            Reading::Same
        } else {
            Reading::Float
        };
    }
    if is_timestamp11(s) {
        return Reading::Timestamp;
    }
    if numeric_12 {
        return Reading::Str;
    }
    Reading::Same
}

/// Returns the value a YAML 1.1 reader sees for a node that YAML 1.2 read as `text`
/// (its string, or its number's canonical text) and that reads as `r`; `None` when it is
/// the one YAML 1.2 sees, or cannot be told.
pub(crate) fn json_value(text: &str, r: Reading, int_12: bool) -> Option<serde_json::Value> {
    use serde_json::Value;
    match r {
        Reading::Same => None,
        Reading::Bool => Some(Value::Bool(matches!(
            text,
            "y" | "Y" | "yes" | "Yes" | "YES" | "on" | "On" | "ON"
        ))),
        // An integer YAML 1.2 read in decimal has the digits of the octal literal.
        Reading::Int if int_12 => {
            let (neg, digits) = match text.strip_prefix('-') {
                Some(d) => (true, d),
                None => (false, text),
            };
            let v = i64::from_str_radix(digits, 8).ok()?;
            Some(Value::from(if neg { -v } else { v }))
        }
        Reading::Int => match int11(text)? {
            Some(v) => i64::try_from(v).ok().map(Value::from),
            None => None,
        },
        Reading::Float | Reading::Timestamp => None,
        Reading::Str => Some(Value::String(text.to_string())),
    }
}

/// Returns `Some(value)` when `s` is a YAML 1.1 int (`Some(None)` when it is one too
/// large to hold), `None` when it is not.
fn int11(s: &str) -> Option<Option<i128>> {
    let (neg, body) = match s.as_bytes().first()? {
        b'-' => (true, s.get(1..)?),
        b'+' => (false, s.get(1..)?),
        _ => (false, s),
    };
    let digits = |t: &str, radix: u32| -> Option<Option<i128>> {
        let t: String = t.chars().filter(|&c| c != '_').collect();
        if t.is_empty() && radix != 8 {
            return None;
        }
        if !t.chars().all(|c| c.is_digit(radix)) {
            return None;
        }
        let v = if t.is_empty() {
            Some(0)
        } else {
            i128::from_str_radix(&t, radix).ok()
        };
        Some(v.map(|v| if neg { -v } else { v }))
    };
    if let Some(b) = body.strip_prefix("0b") {
        return if !b.is_empty() && b.bytes().all(|c| matches!(c, b'0' | b'1' | b'_')) {
            digits(b, 2)
        } else {
            None
        };
    }
    if let Some(h) = body.strip_prefix("0x") {
        return if !h.is_empty() && h.bytes().all(|c| c.is_ascii_hexdigit() || c == b'_') {
            digits(h, 16)
        } else {
            None
        };
    }
    if body.len() > 1 && body.starts_with('0') {
        let rest = body.get(1..)?;
        return if rest.bytes().all(|c| matches!(c, b'0'..=b'7' | b'_')) {
            digits(rest, 8)
        } else {
            None
        };
    }
    if body == "0" {
        return Some(Some(0));
    }
    if body.contains(':') {
        // Base 60: `[1-9][0-9_]*(:[0-5]?[0-9])+`.
        let mut parts = body.split(':');
        let head = parts.next()?;
        if !head.starts_with(|c: char| ('1'..='9').contains(&c))
            || !head.bytes().all(|c| c.is_ascii_digit() || c == b'_')
        {
            return None;
        }
        let mut v = digits(head, 10)?.map(i128::abs);
        for p in parts {
            if p.is_empty() || p.len() > 2 || !p.bytes().all(|c| c.is_ascii_digit()) {
                return None;
            }
            let d: i128 = p.parse().ok()?;
            if d >= 60 {
                return None;
            }
            v = v
                .and_then(|v| v.checked_mul(60))
                .and_then(|v| v.checked_add(d));
        }
        return Some(v.map(|v| if neg { -v } else { v }));
    }
    if body.starts_with(|c: char| ('1'..='9').contains(&c))
        && body.bytes().all(|c| c.is_ascii_digit() || c == b'_')
    {
        return digits(body, 10);
    }
    None
}

/// Returns whether `s` is a YAML 1.1 float as PyYAML resolves it.
fn is_float11(s: &str) -> bool {
    let body = s.strip_prefix(['-', '+']).unwrap_or(s);
    if matches!(body, ".inf" | ".Inf" | ".INF") || matches!(s, ".nan" | ".NaN" | ".NAN") {
        return true;
    }
    // `[0-9][0-9_]*(:[0-5]?[0-9])+\.[0-9_]*`: base 60 with a fraction.
    if let Some((int, frac)) = body.split_once('.')
        && int.contains(':')
    {
        return int11(int).is_some()
            && !int.starts_with('0')
            && frac.bytes().all(|c| c.is_ascii_digit() || c == b'_');
    }
    // `[0-9][0-9_]*\.[0-9_]*([eE][-+][0-9]+)?` or `\.[0-9][0-9_]*([eE][-+][0-9]+)?`.
    let (mantissa, exponent) = match body.find(['e', 'E']) {
        Some(i) => (&body[..i], Some(&body[i + 1..])),
        None => (body, None),
    };
    if let Some(e) = exponent {
        let Some(digits) = e.strip_prefix(['-', '+']) else {
            return false; // 1.1 wants a sign: `1.0e3` is a string
        };
        if digits.is_empty() || !digits.bytes().all(|c| c.is_ascii_digit()) {
            return false;
        }
    }
    let Some((int, frac)) = mantissa.split_once('.') else {
        return false;
    };
    let int_ok = if int.is_empty() {
        frac.starts_with(|c: char| c.is_ascii_digit())
    } else {
        int.starts_with(|c: char| c.is_ascii_digit())
            && int.bytes().all(|c| c.is_ascii_digit() || c == b'_')
    };
    int_ok && frac.bytes().all(|c| c.is_ascii_digit() || c == b'_')
}

/// Returns whether `s` is a YAML 1.1 timestamp (`2001-12-14`, `2001-12-14t21:59:43.10-05:00`).
fn is_timestamp11(s: &str) -> bool {
    let b = s.as_bytes();
    let digit = |i: usize| b.get(i).is_some_and(u8::is_ascii_digit);
    if !(b.len() >= 8 && (0..4).all(digit) && b.get(4) == Some(&b'-')) {
        return false;
    }
    if b.len() == 10 && digit(5) && digit(6) && b[7] == b'-' && digit(8) && digit(9) {
        return true;
    }
    // Date and time: year-month-day with one or two digits, then `T`/`t`/spaces.
    let rest = &s[5..];
    let mut it = rest.splitn(2, ['T', 't', ' ', '\t']);
    let (Some(date), Some(time)) = (it.next(), it.next()) else {
        return false;
    };
    let mut dp = date.split('-');
    let ok_date = matches!((dp.next(), dp.next(), dp.next()),
        (Some(m), Some(d), None) if (1..=2).contains(&m.len()) && (1..=2).contains(&d.len())
            && m.bytes().chain(d.bytes()).all(|c| c.is_ascii_digit()));
    let time = time.trim_start();
    let tb = time.as_bytes();
    let ok_time =
        tb.len() >= 7 && time.split(':').count() >= 3 && tb.first().is_some_and(u8::is_ascii_digit);
    ok_date && ok_time
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::semantic::value::Builder;

    fn read(s: &str) -> Reading {
        let mut b = Builder::default();
        let n = crate::semantic::yaml::resolve_plain(&mut b, s);
        reading(s, &n)
    }

    #[test]
    fn ambiguous_forms_are_classified() {
        let cases = [
            // Octal: `0NNN` is 272 under 1.1, 420 under 1.2; `0o` is 1.2 only.
            ("0420", Reading::Int),
            ("0644", Reading::Int),
            ("-0420", Reading::Int),
            ("007", Reading::Same),
            ("00", Reading::Same),
            ("0o17", Reading::Str),
            ("0o0", Reading::Str),
            ("420", Reading::Same),
            ("089", Reading::Str),
            // Base 60.
            ("1:20", Reading::Int),
            ("190:20:30", Reading::Int),
            ("1:20.5", Reading::Float),
            ("1:60", Reading::Same),
            // Separators and binary.
            ("1_000", Reading::Int),
            ("0b101", Reading::Int),
            ("0x1F", Reading::Same),
            ("0x_1F", Reading::Int),
            ("1_000.5", Reading::Float),
            // Booleans, in the three spellings each.
            ("yes", Reading::Bool),
            ("Yes", Reading::Bool),
            ("YES", Reading::Bool),
            ("no", Reading::Bool),
            ("on", Reading::Bool),
            ("On", Reading::Bool),
            ("OFF", Reading::Bool),
            ("y", Reading::Bool),
            ("N", Reading::Bool),
            ("yEs", Reading::Same),
            ("true", Reading::Same),
            ("False", Reading::Same),
            ("onion", Reading::Same),
            // Null and the special floats read alike.
            ("~", Reading::Same),
            ("null", Reading::Same),
            (".inf", Reading::Same),
            ("-.Inf", Reading::Same),
            (".NAN", Reading::Same),
            // Exponents: 1.1 wants a dot and a signed exponent.
            ("1e3", Reading::Str),
            ("1.0e3", Reading::Str),
            ("1.0e+3", Reading::Same),
            ("1.5", Reading::Same),
            (".5", Reading::Same),
            ("1.", Reading::Same),
            // Timestamps are strings under 1.2.
            ("2001-12-14", Reading::Timestamp),
            ("2001-12-14t21:59:43.10-05:00", Reading::Timestamp),
            ("2001-12-14 21:59:43.10 -5", Reading::Timestamp),
            ("2001-12", Reading::Same),
            ("web", Reading::Same),
            ("-", Reading::Same),
        ];
        for (s, want) in cases {
            assert_eq!(read(s), want, "{s}");
        }
    }

    #[test]
    fn yaml11_values_are_what_a_yaml11_reader_sees() {
        use serde_json::json;
        assert_eq!(json_value("yes", Reading::Bool, false), Some(json!(true)));
        assert_eq!(json_value("Off", Reading::Bool, false), Some(json!(false)));
        assert_eq!(json_value("420", Reading::Int, true), Some(json!(272)));
        assert_eq!(json_value("1:20", Reading::Int, false), Some(json!(80)));
        assert_eq!(json_value("0b101", Reading::Int, false), Some(json!(5)));
        assert_eq!(json_value("x", Reading::Same, false), None);
    }

    #[test]
    fn notes_name_the_reading_that_differs() {
        assert_eq!(note(Reading::Same, Reading::Same), None);
        let n = note(Reading::Same, Reading::Int).unwrap();
        assert!(n.contains("read the new value as another integer"), "{n}");
        let n = note(Reading::Bool, Reading::Same).unwrap();
        assert!(n.contains("read the old value as a boolean"), "{n}");
    }
}
