//! The clock: the one place driftgate reads the time of day.
//!
//! Domain code takes a [`Clock`] (or the [`jiff::Timestamp`] it returns) as a
//! parameter, so tests can fix time. File-system timing (racy stat-cache entries,
//! temporary file names) reads the system clock where it happens: it compares with
//! modification times the kernel writes, which a fixed clock would not move.

use jiff::{Timestamp, Unit};

/// Returns the time of day: the system's, or one fixed by `--fixed-clock`.
#[derive(Clone, Copy, Debug, Default)]
pub struct Clock {
    fixed: Option<Timestamp>,
}

impl Clock {
    /// Returns the system clock.
    pub fn system() -> Clock {
        Clock { fixed: None }
    }

    /// Returns a clock that always reads `at`.
    pub fn fixed(at: Timestamp) -> Clock {
        Clock { fixed: Some(at) }
    }

    /// Returns the current time.
    pub fn now(&self) -> Timestamp {
        self.fixed.unwrap_or_else(Timestamp::now)
    }

    /// Returns the current time as RFC 3339 UTC with second precision, as every
    /// record driftgate writes carries it.
    pub fn stamp(&self) -> String {
        let now = self.now();
        now.round(Unit::Second).unwrap_or(now).to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_fixed_clock_reads_the_same_second() {
        let at: Timestamp = "2026-12-01T10:00:00.700Z".parse().unwrap();
        let clock = Clock::fixed(at);
        assert_eq!(clock.now(), at);
        assert_eq!(clock.stamp(), "2026-12-01T10:00:01Z");
    }
}
