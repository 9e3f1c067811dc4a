//! `driftgate diff`: the full comparison of the tree with the baseline, or of two files.

use std::path::{Path, PathBuf};

use super::Context;
use crate::change::FileReport;
use crate::change::Report;
use crate::cli::{GlobalArgs, ReportFormatArg};
use crate::compare::{self, Comparer, Content, Side};
use crate::config::{self, Config, ConfigError};
use crate::error::{Error, Exit};
use crate::report::render::TextOptions;
use crate::report::review::Verdict;
use crate::semantic::{self, Format};
use crate::ui::Ui;

/// Show every change between the tree and the accepted baseline, or between two files
///
/// Like diff(1): exit 0 when there is no difference, 1 when there is, 2 on trouble.
/// PATHs (files or directories) limit the comparison. With `--files A B`, compare two
/// files instead (YAML, JSON or TOML as data, in any combination): a plain semantic
/// diff, with severities and rules only with `--rules`; no baseline is needed, and
/// driftgate.toml is used for its compare, redact and rule settings when found.
///
/// With `--staged` or `--rev`, the tree comes from git; the accepted baseline, the
/// object store and driftgate.toml are still read from the working tree.
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:
  driftgate diff                           every change since the accepted baseline
  driftgate diff k8s/                      only files under k8s/
  driftgate diff --files old.yaml new.json YAML against JSON, as data
  driftgate diff --files a.yaml b.yaml --rules   with severities and the rules that set them")]
pub struct DiffArgs {
    /// Files or directories to compare (all when none)
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// Compare file A with file B instead of the tree with the baseline
    #[arg(
        long,
        num_args = 2,
        value_names = ["A", "B"],
        conflicts_with_all = ["paths", "staged", "rev"]
    )]
    pub files: Option<Vec<PathBuf>>,
    /// Read A as this format instead of guessing from its extension
    #[arg(long, value_enum, value_name = "FORMAT", requires = "files")]
    pub from_format: Option<FileFormat>,
    /// Read B as this format instead of guessing from its extension
    #[arg(long, value_enum, value_name = "FORMAT", requires = "files")]
    pub to_format: Option<FileFormat>,
    /// Count cosmetic changes as differences
    #[arg(long)]
    pub strict: bool,
    /// With `--files`: rate the changes with the risk rules and show their severities
    #[arg(long, requires = "files")]
    pub rules: bool,
    /// List every change in the text report, however many
    ///
    /// Without it, a large change set (more than 50 files or 500 changes) starts with
    /// its counts by severity, format and directory, then shows its most severe changes
    /// up to a budget (200 files or 2,000 lines), added and removed files one line each.
    #[arg(long)]
    pub all: bool,
    #[command(flatten)]
    pub source: crate::cli::SourceArgs,
    #[command(flatten)]
    pub output: crate::cli::OutputArgs,
    #[command(flatten)]
    pub format: ReportFormatArg,
}

/// How `--from-format`/`--to-format` read a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum FileFormat {
    /// YAML 1.2, one or more documents
    Yaml,
    /// Strict JSON
    Json,
    /// TOML
    Toml,
    /// Lines of text
    Text,
}

impl FileFormat {
    fn format(self) -> Format {
        match self {
            FileFormat::Yaml => Format::Yaml,
            FileFormat::Json => Format::Json,
            FileFormat::Toml => Format::Toml,
            FileFormat::Text => Format::Text,
        }
    }
}

/// Runs `diff`.
pub fn run(ui: &mut Ui, g: &GlobalArgs, args: &DiffArgs) -> Result<Exit, Error> {
    if let Some(files) = &args.files {
        let [a, b] = files.as_slice() else {
            return Err(Error::input("`--files` takes exactly two files"));
        };
        return run_files(ui, g, args, a, b);
    }
    let cx = Context::load(g)?;
    let cwd = std::env::current_dir()?;
    let filters: Vec<String> = args
        .paths
        .iter()
        .map(|p| {
            compare::filter_for(&cx.root, &cwd, p).ok_or_else(|| {
                Error::input(format!(
                    "`{}` is outside the tree `{}`",
                    p.display(),
                    cx.root.display()
                ))
            })
        })
        .collect::<Result<_, _>>()?;
    let report = crate::lifecycle::source::build_report(
        ui,
        &cx,
        &args.source.source()?,
        args.strict,
        &filters,
    )?;
    let mut words = vec!["diff".to_string()];
    words.extend(args.paths.iter().map(|p| p.display().to_string()));
    words.extend(args.source.words());
    let rerun = super::rerun_all(&words);
    let options = TextOptions::gate(ui.palette, true, ui.width(), args.all, &rerun);
    super::output::emit(
        ui,
        args.format.format,
        Some(&cx.root),
        &report,
        &options,
        &args.output,
    )?;
    Ok(exit_of(&report))
}

fn exit_of(report: &Report) -> Exit {
    if report.drift {
        Exit::Drift
    } else {
        Exit::Clean
    }
}

/// One side of `--files`.
struct Input {
    shown: String,
    bytes: Vec<u8>,
    format: Format,
}

impl Input {
    fn read(path: &Path, forced: Option<FileFormat>) -> Result<Input, Error> {
        let shown = path.display().to_string();
        if path.is_dir() {
            return Err(Error::input(format!(
                "`{shown}` is a directory, not a file"
            )));
        }
        let bytes =
            std::fs::read(path).map_err(|e| Error::input(format!("cannot read `{shown}`: {e}")))?;
        let format = match forced {
            Some(f) => f.format(),
            None => Format::from_extension(path).unwrap_or_else(|| {
                Format::sniff(bytes.get(..bytes.len().min(8192)).unwrap_or_default())
            }),
        };
        Ok(Input {
            shown,
            bytes,
            format,
        })
    }

    fn parse(&self) -> Result<semantic::Parsed, Error> {
        semantic::parse(&self.bytes, self.format).map_err(|e| {
            let at = match e.line {
                Some(_) => format!(" at {e}"),
                None => format!(": {}", e.message),
            };
            Error::input(format!("cannot parse `{}`{at}", self.shown))
                .hint(format!("check that it is valid {}", self.format.name()))
        })
    }
}

/// Returns the configuration for two-file mode: driftgate.toml when one is found (or
/// given), else the defaults.
fn two_file_config(g: &GlobalArgs) -> Result<(Config, Option<PathBuf>), Error> {
    let cwd = std::env::current_dir()?;
    let abs = |p: &Path| {
        if p.is_absolute() {
            p.to_path_buf()
        } else {
            cwd.join(p)
        }
    };
    if let Some(c) = &g.config {
        let path = abs(c);
        let root = path.parent().map(Path::to_path_buf);
        return Ok((config::ValidConfig::load(&path)?.into_parts().0, root));
    }
    let root = match &g.root {
        Some(r) => Some(abs(r)),
        None => match config::find_root(&cwd) {
            Ok(r) => Some(r),
            Err(ConfigError::NotFound { .. }) => None,
            Err(e) => return Err(e.into()),
        },
    };
    match root {
        Some(r) if r.join(config::CONFIG_FILE).is_file() => {
            let path = r.join(config::CONFIG_FILE);
            Ok((config::ValidConfig::load(&path)?.into_parts().0, Some(r)))
        }
        _ => Ok((Config::default(), None)),
    }
}

fn run_files(
    ui: &mut Ui,
    g: &GlobalArgs,
    args: &DiffArgs,
    a: &Path,
    b: &Path,
) -> Result<Exit, Error> {
    let (config, root) = two_file_config(g)?;
    // Within a root, secrets get the tokens `check` and `diff` show there.
    let key = root
        .as_ref()
        .and_then(|r| crate::store::Store::at(r).secret_key().ok().flatten())
        .map(semantic::SecretKey::new)
        .unwrap_or_default();
    let settings = config.settings().with_secret_key(key);
    let (old, new) = rayon::join(
        || Input::read(a, args.from_format),
        || Input::read(b, args.to_format),
    );
    let (old, new) = (old?, new?);
    // Ignore rules name paths relative to the root; outside it, the path as given.
    let rule_path = root
        .as_ref()
        .and_then(|r| {
            let cwd = std::env::current_dir().ok()?;
            let abs = cwd.join(b);
            let rel = abs.strip_prefix(r).ok()?;
            crate::tree::normalize(rel).ok()
        })
        .unwrap_or_else(|| b.to_string_lossy().replace('\\', "/"));
    let rules = config
        .rule_set()
        .map_err(|e| Error::input(format!("invalid rules: {e}")))?;
    // The same comparer as the tree's: the same statuses, changes and ratings.
    let comparer = Comparer::new(&config.compare, &settings, &rules);
    let files = if old.bytes == new.bytes && old.format == new.format {
        Vec::new()
    } else {
        let (mut file, (po, pn)) = file_report(&comparer, &rule_path, old, new)?;
        if args.rules {
            let docs = rules.wants_documents(&rule_path);
            let (po, pn) = if docs {
                (po.as_ref(), pn.as_ref())
            } else {
                (None, None)
            };
            comparer.rate(&rule_path, &mut file, po, pn);
        }
        vec![file]
    };
    let report = Report::new(".".into(), None, files, args.strict);
    let mut words = vec!["diff".to_string(), "--files".to_string()];
    words.extend([a, b].map(|p| p.display().to_string()));
    if args.rules {
        words.push("--rules".to_string());
    }
    let rerun = super::rerun_all(&words);
    let options = TextOptions {
        palette: ui.palette,
        detail: true,
        width: ui.width(),
        verdict: Verdict::Plain,
        rules: args.rules,
        all: args.all,
        rerun: &rerun,
    };
    super::output::emit(
        ui,
        args.format.format,
        root.as_deref(),
        &report,
        &options,
        &args.output,
    )?;
    Ok(exit_of(&report))
}

/// The parsed data of two files, when both are structured.
type Parsed2 = (Option<semantic::Parsed>, Option<semantic::Parsed>);

/// Returns the report of two files, compared as the tree comparer compares two
/// versions of the file at `path`, and their parsed data when both are structured.
///
/// Unlike in a tree, a file that does not parse is an error here: the user named it.
fn file_report(
    comparer: &Comparer<'_>,
    path: &str,
    old: Input,
    new: Input,
) -> Result<(FileReport, Parsed2), Error> {
    let (of, nf) = (old.format, new.format);
    let shown = new.shown.clone();
    let (status, changes, parsed) = if of.is_structured() && nf.is_structured() {
        let (po, pn) = rayon::join(|| old.parse(), || new.parse());
        let (po, pn) = (po?, pn?);
        // The parsed data is all that is needed from here on.
        drop((old, new));
        let (status, changes) =
            comparer.changes_between(path, Side::Parsed(&po), Side::Parsed(&pn));
        (status, changes, (Some(po), Some(pn)))
    } else if of == Format::Binary || nf == Format::Binary {
        let (status, changes) = comparer.changes_between(path, Side::Binary, Side::Binary);
        (status, changes, (None, None))
    } else {
        // Data against text is compared as text, line by line.
        let (o, n) = (Content::Raw(old.bytes), Content::Raw(new.bytes));
        let (status, changes) = comparer.changes_between(path, Side::Text(&o), Side::Text(&n));
        (status, changes, (None, None))
    };
    let severity = changes.iter().map(|c| c.severity).max().unwrap_or_default();
    let report = FileReport {
        path: shown,
        status,
        format: nf.name().into(),
        severity,
        message: None,
        changes,
    };
    Ok((report, parsed))
}
