//! The styles of each meaning in text output: removed, added, headings, severities.
//!
//! Whether colour is on is decided by the caller (the terminal layer); renderers only
//! read the palette they are given.

use anstyle::{AnsiColor, Style};

/// Returns the styles used for each meaning; plain when colour is off.
#[derive(Debug, Clone, Copy)]
pub struct Palette {
    /// Removed lines and old values.
    pub removed: Style,
    /// Added lines and new values.
    pub added: Style,
    /// Headings and paths.
    pub heading: Style,
    /// Secondary text (hashes, hints).
    pub dim: Style,
    /// Errors.
    pub error: Style,
    /// Warnings.
    pub warn: Style,
    /// Severities, lowest first (`info`, `low`, `medium`, `high`, `critical`).
    pub severities: [Style; 5],
    /// Whether colour is on.
    pub enabled: bool,
}

impl Palette {
    /// Returns the palette for coloured output, or a plain one.
    pub fn new(color: bool) -> Self {
        if !color {
            let s = Style::new();
            return Palette {
                removed: s,
                added: s,
                heading: s,
                dim: s,
                error: s,
                warn: s,
                severities: [s; 5],
                enabled: false,
            };
        }
        Palette {
            removed: AnsiColor::Red.on_default(),
            added: AnsiColor::Green.on_default(),
            heading: Style::new().bold(),
            dim: Style::new().dimmed(),
            error: AnsiColor::Red.on_default().bold(),
            warn: AnsiColor::Yellow.on_default().bold(),
            // Critical and high stand out (reverse, bold red); the rest stay quiet.
            severities: [
                Style::new().dimmed(),
                AnsiColor::Cyan.on_default(),
                AnsiColor::Yellow.on_default(),
                AnsiColor::Red.on_default().bold(),
                AnsiColor::Red.on_default().bold().invert(),
            ],
            enabled: true,
        }
    }

    /// Returns the style of `severity`.
    pub fn severity(&self, severity: crate::change::Severity) -> Style {
        let i = crate::change::Severity::ALL
            .iter()
            .position(|s| *s == severity)
            .unwrap_or(0);
        self.severities.get(i).copied().unwrap_or_default()
    }
}
