//! Time windows over the audit log: `--since` and `--until` of `log` and `evidence`.
//!
//! A bound is an RFC 3339 time (`2026-10-01T00:00:00Z`), a date (`2026-10-01`, the
//! whole UTC day: `--since` from its first instant, `--until` to its last, so
//! `--since 2026-10-01 --until 2026-12-31` is the quarter), or a duration back from now
//! (`90m`, `36h`, `7d`, `2w`). Owns parsing bounds and the question "is this time
//! inside"; the clock is the caller's.

use jiff::Timestamp;

/// A bound that does not parse.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "`{0}` is not a time: give an RFC 3339 time (`2026-10-01T08:00:00Z`), a date (`2026-10-01`) or a duration back from now (`7d`, `36h`, `90m`, `2w`)"
)]
pub struct BoundError(pub String);

/// Which end of a window a bound is: a date starts a window at its first instant and
/// ends one at its last.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum End {
    /// `--since`.
    Start,
    /// `--until`.
    Finish,
}

/// Returns the instant that `text` names as the `end` of a window, durations counted
/// back from `now`.
pub fn parse_bound(text: &str, now: Timestamp, end: End) -> Result<Timestamp, BoundError> {
    let t = text.trim();
    let err = || BoundError(text.to_string());
    if let Ok(ts) = t.parse::<Timestamp>() {
        return Ok(ts);
    }
    if let Ok(date) = t.parse::<jiff::civil::Date>() {
        let start = date
            .to_zoned(jiff::tz::TimeZone::UTC)
            .map(|z| z.timestamp())
            .map_err(|_| err())?;
        return match end {
            End::Start => Ok(start),
            End::Finish => start
                .checked_add(jiff::SignedDuration::from_nanos(86_400_000_000_000 - 1))
                .map_err(|_| err()),
        };
    }
    let split = t.find(|c: char| !c.is_ascii_digit()).ok_or_else(err)?;
    let (digits, unit) = t.split_at(split);
    let n: i64 = digits.parse().map_err(|_| err())?;
    let seconds_per = match unit {
        "s" => 1,
        "m" => 60,
        "h" => 3_600,
        "d" => 86_400,
        "w" => 604_800,
        _ => return Err(err()),
    };
    let back = n.checked_mul(seconds_per).ok_or_else(err)?;
    now.checked_sub(jiff::SignedDuration::from_secs(back))
        .map_err(|_| err())
}

/// A closed interval of time: from `since` to `until`, both included, each
/// unbounded when `None`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Window {
    /// The earliest time inside.
    pub since: Option<Timestamp>,
    /// The latest time inside.
    pub until: Option<Timestamp>,
}

impl Window {
    /// Returns the window of the two optional bounds, parsed against `now`.
    pub fn parse(
        since: Option<&str>,
        until: Option<&str>,
        now: Timestamp,
    ) -> Result<Window, BoundError> {
        Ok(Window {
            since: since.map(|s| parse_bound(s, now, End::Start)).transpose()?,
            until: until
                .map(|s| parse_bound(s, now, End::Finish))
                .transpose()?,
        })
    }

    /// Returns whether `t` lies inside the window.
    pub fn contains(&self, t: Timestamp) -> bool {
        self.since.is_none_or(|s| t >= s) && self.until.is_none_or(|u| t <= u)
    }

    /// Returns whether the RFC 3339 time `text` lies inside; a time that does not parse
    /// lies inside only an unbounded window.
    pub fn contains_text(&self, text: &str) -> bool {
        match text.parse::<Timestamp>() {
            Ok(t) => self.contains(t),
            Err(_) => self.since.is_none() && self.until.is_none(),
        }
    }

    /// Returns whether the window is unbounded on both sides.
    pub fn is_unbounded(&self) -> bool {
        self.since.is_none() && self.until.is_none()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn now() -> Timestamp {
        "2026-12-07T12:00:00Z".parse().unwrap()
    }

    #[test]
    fn bounds_parse_times_dates_and_durations() {
        let p = |s| parse_bound(s, now(), End::Start).map(|t| t.to_string());
        assert_eq!(p("2026-10-01T08:30:00Z").unwrap(), "2026-10-01T08:30:00Z");
        assert_eq!(
            p("2026-10-01T10:30:00+02:00").unwrap(),
            "2026-10-01T08:30:00Z"
        );
        assert_eq!(p("2026-10-01").unwrap(), "2026-10-01T00:00:00Z");
        assert_eq!(p("7d").unwrap(), "2026-11-30T12:00:00Z");
        assert_eq!(p("36h").unwrap(), "2026-12-06T00:00:00Z");
        assert_eq!(p("90m").unwrap(), "2026-12-07T10:30:00Z");
        assert_eq!(p("2w").unwrap(), "2026-11-23T12:00:00Z");
        assert_eq!(p("30s").unwrap(), "2026-12-07T11:59:30Z");
        for bad in [
            "",
            "7",
            "d",
            "7y",
            "-7d",
            "yesterday",
            "99999999999999999999d",
        ] {
            assert!(p(bad).is_err(), "{bad}");
        }
        assert!(
            p("7x")
                .unwrap_err()
                .to_string()
                .contains("`7x` is not a time")
        );
        let until = |s| parse_bound(s, now(), End::Finish).map(|t| t.to_string());
        assert_eq!(
            until("2026-12-31").unwrap(),
            "2026-12-31T23:59:59.999999999Z"
        );
        assert_eq!(until("7d").unwrap(), "2026-11-30T12:00:00Z");
    }

    #[test]
    fn window_includes_both_ends() {
        let w = Window::parse(Some("2026-10-01"), Some("2026-10-31"), now()).unwrap();
        assert!(w.contains_text("2026-10-01T00:00:00Z"));
        assert!(w.contains_text("2026-10-31T23:59:59Z"));
        assert!(!w.contains_text("2026-09-30T23:59:59Z"));
        assert!(!w.contains_text("2026-11-01T00:00:00Z"));
        assert!(!w.contains_text("not a time"));
        assert!(Window::default().contains_text("not a time"));
    }
}
