//! Exact numbers: every YAML, JSON and TOML number is reduced to one normal form, so
//! that `0x1F` = `31`, `1.10` = `1.1` and `1` = `1.0`, whatever the size (DESIGN §3).
//!
//! No floating point is involved anywhere: a number is its decimal digits and a power of
//! ten. Integers that fit `i64` are kept inline; everything else is kept as canonical
//! text, which is unique per value, so equal numbers always have equal representations.

/// A number in normal form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Number {
    /// An integral value that fits `i64`.
    Int(i64),
    /// Any other value, as its canonical decimal text (see [`canonical_text`]).
    Big(String),
}

/// Why a number literal was refused.
pub(crate) const OUT_OF_RANGE: &str = "number exponent out of range";

/// Why a number's digits were refused.
pub(crate) const NOT_DIGITS: &str = "invalid digits in a number";

/// Exponents beyond this (in either direction) are refused rather than expanded.
const MAX_EXPONENT: i64 = 1_000_000_000;

/// Plain (non-scientific) text is used while it needs at most this many padding zeros.
const MAX_PLAIN_ZEROS: i64 = 21;

/// Returns the normal form of `sign int_digits . frac_digits e exponent`.
///
/// `int_digits` and `frac_digits` are ASCII digits (either may be empty); `exponent` is
/// the optional exponent's sign and digits (`"-12"`, `"+3"`, `"7"`).
pub(crate) fn decimal(
    negative: bool,
    int_digits: &str,
    frac_digits: &str,
    exponent: Option<&str>,
) -> Result<Number, &'static str> {
    if !int_digits
        .bytes()
        .chain(frac_digits.bytes())
        .all(|b| b.is_ascii_digit())
    {
        return Err(NOT_DIGITS);
    }
    // Fast path: a short plain integer, the common case in configuration files.
    if frac_digits.is_empty() && exponent.is_none() && int_digits.len() <= 18 {
        let v: i64 = int_digits
            .bytes()
            .fold(0, |v, b| v * 10 + i64::from(b - b'0'));
        return Ok(Number::Int(if negative { -v } else { v }));
    }
    // value = (int_digits frac_digits as one integer) * 10^(exponent - frac_len);
    // leading zeros do not change it, trailing zeros move into the exponent.
    let mut digits = String::with_capacity(int_digits.len() + frac_digits.len());
    digits.push_str(int_digits);
    digits.push_str(frac_digits);
    let digits = digits.trim_start_matches('0');
    let significant = digits.trim_end_matches('0');
    if significant.is_empty() {
        return Ok(Number::Int(0));
    }
    let trailing = (digits.len() - significant.len()) as i64;
    let exp = match exponent {
        None => 0,
        Some(e) => parse_exponent(e)?,
    };
    let exp = exp - frac_digits.len() as i64 + trailing;
    let digits = significant.to_string();
    Ok(normal(negative, digits, exp))
}

fn parse_exponent(e: &str) -> Result<i64, &'static str> {
    let (neg, digits) = match e.as_bytes().first() {
        Some(b'-') => (true, &e[1..]),
        Some(b'+') => (false, &e[1..]),
        _ => (false, e),
    };
    let digits = digits.trim_start_matches('0');
    if digits.len() > 12 {
        return Err(OUT_OF_RANGE);
    }
    let v: i64 = if digits.is_empty() {
        0
    } else {
        digits.parse().map_err(|_| OUT_OF_RANGE)?
    };
    if v > MAX_EXPONENT {
        return Err(OUT_OF_RANGE);
    }
    Ok(if neg { -v } else { v })
}

/// Returns the normal form of `±digits × 10^exp`; `digits` has no leading or trailing
/// zeros and is not empty.
fn normal(negative: bool, digits: String, exp: i64) -> Number {
    if exp >= 0 && digits.len() as i64 + exp <= 19 {
        let mut v: i128 = 0;
        for b in digits.bytes() {
            v = v * 10 + i128::from(b - b'0');
        }
        for _ in 0..exp {
            v *= 10;
        }
        if negative {
            v = -v;
        }
        if let Ok(i) = i64::try_from(v) {
            return Number::Int(i);
        }
    }
    Number::Big(canonical_text(negative, &digits, exp))
}

/// Returns the canonical text of `±digits × 10^exp` (`digits` without leading or
/// trailing zeros): an integer (`123000`), a decimal (`0.0125`) or, when either would
/// need more than 21 padding zeros, scientific notation (`1.25e-30`). Which of the
/// three is used depends only on the value, so the text is unique per value; all three
/// are valid JSON numbers.
fn canonical_text(negative: bool, digits: &str, exp: i64) -> String {
    let mut s = String::with_capacity(digits.len() + 8);
    if negative {
        s.push('-');
    }
    let len = digits.len() as i64;
    if (0..=MAX_PLAIN_ZEROS).contains(&exp) {
        s.push_str(digits);
        s.extend(std::iter::repeat_n('0', exp as usize));
    } else if exp < 0 && len + exp > 0 {
        let point = (len + exp) as usize;
        s.push_str(&digits[..point]);
        s.push('.');
        s.push_str(&digits[point..]);
    } else if exp < 0 && -(len + exp) <= MAX_PLAIN_ZEROS {
        s.push_str("0.");
        s.extend(std::iter::repeat_n('0', (-(len + exp)) as usize));
        s.push_str(digits);
    } else {
        s.push_str(&digits[..1]);
        if digits.len() > 1 {
            s.push('.');
            s.push_str(&digits[1..]);
        }
        s.push('e');
        s.push_str(&(exp + len - 1).to_string());
    }
    s
}

/// Longest hex, octal or binary integer converted to a number (16,384 bits in hex).
const MAX_RADIX_DIGITS: usize = 4096;

/// Returns the normal form of an unsigned integer written in `radix` (2, 8 or 16).
///
/// `digits` (at least one) are converted exactly, however many; `None` when one is not
/// a digit of `radix`.
pub(crate) fn radix_integer(negative: bool, digits: &str, radix: u32) -> Option<Number> {
    if digits.is_empty() || !digits.chars().all(|c| c.is_digit(radix)) {
        return None;
    }
    let digits = digits.trim_start_matches('0');
    if digits.is_empty() {
        return Some(Number::Int(0));
    }
    // The conversion below is quadratic in the digit count: a hostile file with a
    // million hex digits would stall a scan for hours. No configuration holds such a
    // number, so past this length the scalar stays the text it is.
    if digits.len() > MAX_RADIX_DIGITS {
        return None;
    }
    if let Ok(v) = u128::from_str_radix(digits, radix) {
        return Some(from_u128(negative, v));
    }
    // Big-endian limbs in base 10^9, multiplied up digit by digit.
    const BASE: u64 = 1_000_000_000;
    let mut limbs: Vec<u64> = vec![0];
    for c in digits.chars() {
        let d = u64::from(c.to_digit(radix)?);
        let mut carry = d;
        for limb in limbs.iter_mut().rev() {
            let v = *limb * u64::from(radix) + carry;
            *limb = v % BASE;
            carry = v / BASE;
        }
        while carry > 0 {
            limbs.insert(0, carry % BASE);
            carry /= BASE;
        }
    }
    let mut text = String::new();
    for (i, limb) in limbs.iter().enumerate() {
        if i == 0 {
            text.push_str(&limb.to_string());
        } else {
            text.push_str(&format!("{limb:09}"));
        }
    }
    decimal(negative, &text, "", None).ok()
}

fn from_u128(negative: bool, v: u128) -> Number {
    if negative {
        if let Ok(i) = i64::try_from(v) {
            return Number::Int(-i);
        }
        if v == 1u128 << 63 {
            return Number::Int(i64::MIN);
        }
    } else if let Ok(i) = i64::try_from(v) {
        return Number::Int(i);
    }
    let text = v.to_string();
    // Cannot fail: plain decimal digits.
    decimal(negative, &text, "", None).unwrap_or(Number::Int(0))
}

/// Returns the normal form of a JSON number token (already checked against the JSON
/// grammar), or why it was refused.
pub(crate) fn from_json_token(token: &str) -> Result<Number, &'static str> {
    let (negative, rest) = match token.strip_prefix('-') {
        Some(r) => (true, r),
        None => (false, token),
    };
    let (mantissa, exponent) = match rest.find(['e', 'E']) {
        Some(i) => (&rest[..i], Some(&rest[i + 1..])),
        None => (rest, None),
    };
    let (int, frac) = match mantissa.find('.') {
        Some(i) => (&mantissa[..i], &mantissa[i + 1..]),
        None => (mantissa, ""),
    };
    decimal(negative, int, frac, exponent)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn n(token: &str) -> Number {
        from_json_token(token).unwrap()
    }

    fn big(s: &str) -> Number {
        Number::Big(s.to_string())
    }

    #[test]
    fn equal_values_have_one_form() {
        assert_eq!(n("1"), n("1.0"));
        assert_eq!(n("1.10"), n("1.1"));
        assert_eq!(n("100"), n("1e2"));
        assert_eq!(n("100"), n("1.00E+2"));
        assert_eq!(n("0.5"), n("5e-1"));
        assert_eq!(n("-0"), Number::Int(0));
        assert_eq!(n("0.000"), Number::Int(0));
        assert_eq!(n("0e99999999999999999999"), Number::Int(0));
        assert_eq!(n("0.001"), n("1e-3"));
        assert_eq!(n("00.0012"), n("0.0012"));
    }

    #[test]
    fn canonical_texts() {
        assert_eq!(n("1.5"), big("1.5"));
        assert_eq!(n("-0.0125"), big("-0.0125"));
        assert_eq!(n("12.5e3"), Number::Int(12500));
        assert_eq!(n("1e21"), big("1000000000000000000000"));
        assert_eq!(n("1e22"), big("1e22"));
        assert_eq!(n("1.5e40"), big("1.5e40"));
        assert_eq!(n("1e-30"), big("1e-30"));
        assert_eq!(n("123.456e-2"), big("1.23456"));
        assert_eq!(n("1e-999"), big("1e-999"));
        assert_eq!(
            n("10000000000000000999"),
            big("10000000000000000999"),
            "beyond i64: kept exactly"
        );
        assert_eq!(n("1.000000000000000005"), big("1.000000000000000005"));
    }

    #[test]
    fn i64_edges_are_inline() {
        assert_eq!(n("9223372036854775807"), Number::Int(i64::MAX));
        assert_eq!(n("-9223372036854775808"), Number::Int(i64::MIN));
        assert_eq!(n("9223372036854775808"), big("9223372036854775808"));
        assert_eq!(n("-9223372036854775809"), big("-9223372036854775809"));
        assert_eq!(n("9.223372036854775807e18"), Number::Int(i64::MAX));
    }

    #[test]
    fn huge_exponents_are_refused_not_expanded() {
        assert_eq!(from_json_token("1e9999999999999"), Err(OUT_OF_RANGE));
        assert_eq!(n("1e1000"), big("1e1000"));
    }

    #[test]
    fn radix_integers_are_exact() {
        assert_eq!(radix_integer(false, "1F", 16), Some(Number::Int(31)));
        assert_eq!(radix_integer(false, "17", 8), Some(Number::Int(15)));
        assert_eq!(radix_integer(false, "101", 2), Some(Number::Int(5)));
        assert_eq!(
            radix_integer(true, "8000000000000000", 16),
            Some(Number::Int(i64::MIN))
        );
        assert_eq!(
            radix_integer(false, "FFFFFFFFFFFFFFFF", 16),
            Some(big("18446744073709551615"))
        );
        // 2^128 needs the limb path.
        assert_eq!(
            radix_integer(false, "100000000000000000000000000000000", 16),
            Some(big("340282366920938463463374607431768211456"))
        );
        assert_eq!(radix_integer(false, "G", 16), None);
        assert_eq!(radix_integer(false, "", 16), None);
        assert_eq!(radix_integer(false, "+1", 16), None);
        assert_eq!(decimal(false, "1\u{660}", "", None), Err(NOT_DIGITS));
    }
}
