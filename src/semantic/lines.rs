//! Line diffs of two texts, bounded in time: what `redact` turns into the masked hunks
//! of text files and multi-line values.

use std::time::{Duration, Instant};

use similar::{Algorithm, TextDiff};

/// How long a line diff may search for the shortest edit script. Myers' algorithm is
/// quadratic in the worst case (a 20,000-line file rewritten whole); past the deadline
/// `similar` settles for a correct but longer diff instead of hanging a CI job.
const LINE_DIFF_DEADLINE: Duration = Duration::from_millis(500);

/// Returns the line diff of `old` and `new`, bounded in time.
pub fn line_diff_of<'a>(old: &'a str, new: &'a str) -> TextDiff<'a, 'a, 'a, str> {
    TextDiff::configure()
        .algorithm(Algorithm::Myers)
        .deadline(Instant::now() + LINE_DIFF_DEADLINE)
        .diff_lines(old, new)
}
