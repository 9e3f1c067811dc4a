//! Terminal input and output: stdout for data, stderr for everything else.
//!
//! The only place (with `main.rs`) that prints. Decides colour once, from `--color`,
//! `NO_COLOR` and whether each stream is a terminal, and owns prompts and progress bars.

use std::io::{self, BufRead, IsTerminal, Write};
use std::process::{Command, Stdio};

pub use crate::report::render::Palette;

/// When to colour the output.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ColorChoice {
    /// Colour on a terminal unless NO_COLOR is set
    Auto,
    /// Always colour
    Always,
    /// Never colour
    Never,
}

/// The user interface of one run.
pub struct Ui {
    out: Box<dyn Write>,
    err: Box<dyn Write>,
    /// Colour styles for stdout.
    pub palette: Palette,
    err_palette: Palette,
    /// `-q`: print only errors.
    pub quiet: bool,
    /// `-v`: print more on stderr.
    pub verbose: bool,
    /// `--no-pager`.
    no_pager: bool,
    /// Columns to lay text out for.
    width: usize,
    stdin_tty: bool,
    stdout_tty: bool,
    stderr_tty: bool,
}

/// Columns assumed when neither `COLUMNS` nor a terminal says.
const DEFAULT_WIDTH: usize = 100;

impl Ui {
    /// Returns the UI for the real process streams.
    pub fn new(color: ColorChoice, quiet: bool, verbose: bool, no_pager: bool) -> Self {
        let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        let stdout_tty = io::stdout().is_terminal();
        let stderr_tty = io::stderr().is_terminal();
        let decide = |tty: bool| match color {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => tty && !no_color,
        };
        Ui {
            out: Box::new(io::stdout()),
            err: Box::new(io::stderr()),
            palette: Palette::new(decide(stdout_tty)),
            err_palette: Palette::new(decide(stderr_tty)),
            quiet,
            verbose,
            no_pager,
            width: width(),
            stdin_tty: io::stdin().is_terminal(),
            stdout_tty,
            stderr_tty,
        }
    }

    /// Turns the pager off for this run (a git hook's output is read as it comes).
    pub fn no_pager(&mut self) {
        self.no_pager = true;
    }

    /// Returns the number of columns to lay text out for: `COLUMNS`, else the
    /// terminal's width, else 100.
    pub fn width(&self) -> usize {
        self.width
    }

    /// Writes what `render` writes to stdout, through the pager when stdout is a
    /// terminal. The text streams: a long report is never held whole in memory.
    pub fn page_out(&mut self, render: Render<'_>) -> io::Result<()> {
        if self.stdout_tty
            && !self.no_pager
            && let Some(child) = spawn_pager(None)
            && feed(child, render)?
        {
            return Ok(());
        }
        // Buffered: a report of 100,000 changes is as many lines, and stdout flushes each.
        let mut out = io::BufWriter::with_capacity(1 << 16, &mut self.out);
        render(&mut out)?;
        out.flush()
    }

    /// Writes what `render` writes (a review screen) to stderr unless `--quiet`,
    /// through the pager when both stdin and stderr are terminals; returns once the
    /// pager has quit, so a prompt that follows is seen.
    pub fn page_err(&mut self, render: Render<'_>) -> io::Result<()> {
        if self.quiet {
            return Ok(());
        }
        #[cfg(unix)]
        if self.stderr_tty && self.stdin_tty && !self.no_pager {
            use std::os::fd::AsFd;
            let err = io::stderr().as_fd().try_clone_to_owned()?;
            if let Some(child) = spawn_pager(Some(Stdio::from(err)))
                && feed(child, render)?
            {
                return Ok(());
            }
        }
        render(&mut self.err)?;
        self.err.flush()
    }

    /// Returns stdout, for the data the user asked for.
    pub fn out(&mut self) -> &mut dyn Write {
        &mut self.out
    }

    /// Returns the colour styles for stderr.
    pub fn err_palette(&self) -> Palette {
        self.err_palette
    }

    /// Returns whether stdin is a terminal (interactive approval needs one).
    pub fn stdin_is_terminal(&self) -> bool {
        self.stdin_tty
    }

    /// Prints a status line on stderr unless `--quiet`.
    pub fn status(&mut self, msg: impl AsRef<str>) {
        if !self.quiet {
            let _ = writeln!(self.err, "{}", msg.as_ref());
        }
    }

    /// Prints the outcome of a command on stderr, even with `--quiet` (which keeps only
    /// errors and this line).
    pub fn verdict(&mut self, msg: impl AsRef<str>) {
        let _ = writeln!(self.err, "{}", msg.as_ref());
    }

    /// Prints a detail line on stderr with `--verbose`.
    pub fn detail(&mut self, msg: impl AsRef<str>) {
        if self.verbose {
            let _ = writeln!(self.err, "{}", msg.as_ref());
        }
    }

    /// Prints `warning: msg` on stderr unless `--quiet`.
    pub fn warn(&mut self, msg: impl AsRef<str>) {
        if !self.quiet {
            let s = self.err_palette.warn;
            let _ = writeln!(self.err, "{s}warning{s:#}: {}", msg.as_ref());
        }
    }

    /// Prints an error and its hints on stderr.
    pub fn error(&mut self, err: &crate::error::Error) {
        let s = self.err_palette.error;
        let _ = writeln!(self.err, "{s}error{s:#}: {}", err.message);
        for h in &err.hints {
            let _ = writeln!(self.err, "hint: {h}");
        }
    }

    /// Asks a question on stderr and returns the line typed on stdin, trimmed.
    ///
    /// Returns `None` at end of input.
    pub fn prompt(&mut self, question: &str) -> io::Result<Option<String>> {
        write!(self.err, "{question}")?;
        self.err.flush()?;
        let mut line = String::new();
        let n = io::stdin().lock().read_line(&mut line)?;
        if n == 0 {
            return Ok(None);
        }
        Ok(Some(line.trim().to_string()))
    }

    /// Asks for a secret (a key's passphrase) on the terminal, without echo.
    ///
    /// Returns `None` when stdin is not a terminal: a secret is never read from a pipe.
    pub fn secret(&mut self, question: &str) -> io::Result<Option<zeroize::Zeroizing<String>>> {
        if !self.stdin_tty {
            return Ok(None);
        }
        rpassword::prompt_password(question).map(|s| Some(zeroize::Zeroizing::new(s)))
    }

    /// Asks a yes/no question whose default is no; returns true only for `y`/`yes`.
    pub fn confirm(&mut self, question: &str) -> io::Result<bool> {
        let answer = self.prompt(&format!("{question} [y/N] "))?;
        Ok(matches!(
            answer.as_deref().map(str::to_ascii_lowercase).as_deref(),
            Some("y" | "yes")
        ))
    }

    /// Returns a progress bar on stderr when it is a terminal, else a hidden one.
    pub fn progress(&self, len: u64, what: &str) -> indicatif::ProgressBar {
        if !self.stderr_tty || self.quiet {
            return indicatif::ProgressBar::hidden();
        }
        let bar = indicatif::ProgressBar::new(len);
        if let Ok(style) =
            indicatif::ProgressStyle::with_template("{msg} [{bar:30}] {pos}/{len} ({eta})")
        {
            bar.set_style(style.progress_chars("=> "));
        }
        bar.set_message(what.to_string());
        bar
    }
}

/// Returns the columns to lay text out for.
fn width() -> usize {
    if let Some(n) = std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.trim().parse::<usize>().ok())
        .filter(|n| *n >= 20)
    {
        return n;
    }
    terminal_size::terminal_size()
        .or_else(|| terminal_size::terminal_size_of(io::stderr()))
        .map_or(DEFAULT_WIDTH, |(w, _)| usize::from(w.0))
}

/// Returns the pager command line: `DRIFTGATE_PAGER`, else `PAGER`, else `less -FRX`
/// (as git does) when `less` is installed; `None` when paging is turned off with an
/// empty value or `cat`, or there is no pager.
fn pager_command() -> Option<String> {
    for var in ["DRIFTGATE_PAGER", "PAGER"] {
        if let Ok(v) = std::env::var(var) {
            let v = v.trim();
            return (!v.is_empty() && v != "cat").then(|| v.to_string());
        }
    }
    // Without `less` the text is printed as it is: a pager that cannot start must not
    // swallow a review.
    on_path("less").then(|| "less -FRX".to_string())
}

/// Returns whether an executable file named `name` is on `PATH`.
fn on_path(name: &str) -> bool {
    std::env::var_os("PATH")
        .is_some_and(|paths| std::env::split_paths(&paths).any(|dir| dir.join(name).is_file()))
}

/// Writes one page of output to the writer it is given.
pub type Render<'a> = &'a mut dyn FnMut(&mut dyn Write) -> io::Result<()>;

/// Starts the pager, its output to `out` (stdout when `None`); `None` when there is no
/// pager to run, so the caller prints the text itself.
fn spawn_pager(out: Option<Stdio>) -> Option<std::process::Child> {
    let cmd = pager_command()?;
    let mut command = Command::new("sh");
    command.arg("-c").arg(&cmd).stdin(Stdio::piped());
    if std::env::var_os("LESS").is_none() {
        // What git sets: quit when it fits one screen, keep colours, keep the screen.
        command.env("LESS", "FRX");
    }
    if let Some(out) = out {
        command.stdout(out);
    }
    command.spawn().ok()
}

/// Streams what `render` writes into the pager and waits for the reader to quit it;
/// returns false when the pager command was not found (the shell's exit 127), so the
/// caller prints the text itself.
fn feed(mut child: std::process::Child, render: Render<'_>) -> io::Result<bool> {
    if let Some(stdin) = child.stdin.take() {
        let mut w = io::BufWriter::new(stdin);
        let written = render(&mut w).and_then(|()| w.flush());
        // Closing the pipe tells the pager the text is complete.
        drop(w);
        match written {
            // The reader quit before the end: not an error.
            Err(e) if e.kind() == io::ErrorKind::BrokenPipe => {}
            Err(e) => {
                let _ = child.wait();
                return Err(e);
            }
            Ok(()) => {}
        }
    }
    Ok(child.wait()?.code() != Some(NOT_FOUND))
}

/// The exit status of `sh -c` when the command does not exist.
const NOT_FOUND: i32 = 127;

impl crate::lifecycle::Observer for Ui {
    fn progress(&self, len: u64, what: &str) -> indicatif::ProgressBar {
        Ui::progress(self, len, what)
    }

    fn detail(&mut self, message: String) {
        Ui::detail(self, message);
    }
}
