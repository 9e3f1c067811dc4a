//! Writing reports: to every `--output` file, then to stdout (paged on a terminal).
//! Shared by `check` and `diff`; not a command.

use std::collections::BTreeSet;
use std::path::PathBuf;

use crate::change::Report;
use crate::cli::{Format, OutputArgs};
use crate::error::Error;
use crate::report::render::{Palette, TextOptions};
use crate::ui::Ui;

/// Writes `report` to every `--output` file, then to stdout in `format`.
///
/// Files first: a CI step that uploads them finds them even if stdout is cut off.
/// `root` is the driftgate root, when there is one: a report written inside it would
/// be part of the tree the next run compares.
pub fn emit(
    ui: &mut Ui,
    format: Format,
    root: Option<&std::path::Path>,
    report: &Report,
    options: &TextOptions,
    output: &OutputArgs,
) -> Result<(), Error> {
    let cwd = std::env::current_dir()?;
    let state = root.map(|r| r.join(crate::store::STATE_DIR));
    let state_dir = state.as_deref();
    let mut seen = BTreeSet::new();
    let mut rendered: Vec<(PathBuf, Vec<u8>)> = Vec::new();
    for spec in &output.outputs {
        // Resolved lexically, so `a.sarif`, `./a.sarif` and `x/../a.sarif` are one file
        // and `sub/../.driftgate/...` is seen for what it is.
        let path = crate::tree::lexical_path(&cwd, &spec.path);
        let inside_state =
            state_dir.is_some_and(|d| path.starts_with(d.components().collect::<PathBuf>()));
        if inside_state {
            return Err(Error::input(format!(
                "`{}` is inside `{}`: reports are never written there",
                spec.path.display(),
                crate::store::STATE_DIR
            ))
            .hint("write reports outside the tree, e.g. into the CI's temp directory"));
        }
        if let Some(r) = root
            && path.starts_with(r.components().collect::<PathBuf>())
        {
            ui.warn(format!(
                "`{}` is inside the tree: the next `check` reports it as added",
                spec.path.display()
            ));
        }
        if !seen.insert(path.clone()) {
            return Err(Error::input(format!(
                "`{}` is given to `--output` twice",
                spec.path.display()
            )));
        }
        let mut bytes = Vec::new();
        let plain = TextOptions {
            palette: Palette::new(false),
            ..*options
        };
        crate::report::render::write(spec.format, report, &mut bytes, &plain)?;
        rendered.push((path, bytes));
    }
    for (path, bytes) in &rendered {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)
                .map_err(|e| Error::input(format!("cannot create `{}`: {e}", dir.display())))?;
        }
        crate::store::write_atomic(path, bytes)?;
        ui.detail(format!("wrote `{}`", path.display()));
    }
    print_report(ui, format, report, options)?;
    if ui.verbose && options.rules {
        let mut ids: Vec<String> = report
            .files
            .iter()
            .flat_map(|f| &f.changes)
            .flat_map(|c| {
                c.rule
                    .iter()
                    .chain(&c.rules)
                    .cloned()
                    .chain([crate::change::DriftRule::of_kind(c.kind).id().to_string()])
            })
            .collect();
        ids.sort();
        ids.dedup();
        for id in ids {
            ui.detail(format!("rule `{id}`: {}", crate::rules::describe(&id)));
        }
    }
    Ok(())
}

/// Writes `report` to stdout in `format`, text paged on a terminal.
pub fn print_report(
    ui: &mut Ui,
    format: crate::cli::Format,
    report: &crate::change::Report,
    options: &crate::report::render::TextOptions,
) -> Result<(), Error> {
    if format == crate::cli::Format::Text {
        let quiet = ui.quiet;
        ui.page_out(&mut |w| {
            if quiet {
                // `-q`: the verdict is the one line left.
                crate::report::render::text::verdict_line(report, w, options)
            } else {
                crate::report::render::text::render(report, w, options)
            }
        })?;
        return Ok(());
    }
    // Buffered: a report of 100,000 changes is as many lines, and stdout flushes each.
    let mut out = std::io::BufWriter::with_capacity(1 << 16, ui.out());
    crate::report::render::write(format, report, &mut out, options)?;
    std::io::Write::flush(&mut out)?;
    Ok(())
}
