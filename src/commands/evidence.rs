//! `driftgate evidence`: the evidence bundle of a period, for auditors.

use std::path::PathBuf;

use super::Context;
use crate::cli::GlobalArgs;
use crate::error::{Error, Exit};
use crate::evidence::{self, BUNDLE_DIR, archive};
use crate::ui::Ui;

/// Write an evidence bundle that an auditor can check offline with ssh-keygen
///
/// One `.tar.gz` holding every baseline accepted in the period: its history record,
/// its approvals as the exact statement files and their SSH signatures, the
/// allowed_signers and policy it was judged by, the audit log segment with its chain
/// anchor, SUMMARY.md (who approved what, when) and VERIFY.md (the `ssh-keygen -Y
/// verify` command for each signature). The whole chain is verified first; a broken
/// one exits 3 and writes nothing. The same history gives the same archive, byte for
/// byte.
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:
  driftgate evidence --out audit-2026q4.tar.gz --since 2026-10-01 --until 2026-12-31
  driftgate evidence --out last-90-days.tar.gz --since 90d")]
pub struct EvidenceArgs {
    /// Include baselines accepted at or after WHEN: an RFC 3339 time, a date
    /// (`2026-10-01`, UTC) or a duration back from now (`90d`); default: all
    #[arg(long, value_name = "WHEN")]
    pub since: Option<String>,
    /// Include baselines accepted at or before WHEN (same forms as `--since`; a date
    /// includes its whole day)
    #[arg(long, value_name = "WHEN")]
    pub until: Option<String>,
    /// Write the archive to FILE (`.tar.gz`)
    #[arg(long, value_name = "FILE")]
    pub out: PathBuf,
}

/// Runs `evidence`.
pub fn run(ui: &mut Ui, g: &GlobalArgs, args: &EvidenceArgs) -> Result<Exit, Error> {
    let window = super::window(g.clock(), args.since.as_deref(), args.until.as_deref())?;
    let cx = Context::load(g)?;
    let out = super::export_path(&cx, &args.out)?;
    let evidence = evidence::collect(&cx.store, window)?;
    let bytes = archive::tar_gz(BUNDLE_DIR, &evidence.files(), evidence.mtime())
        .map_err(|e| Error::input(format!("cannot build the archive: {e}")))?;
    crate::store::write_atomic(&out, &bytes)?;
    let signatures: usize = evidence.steps.iter().map(|s| s.signed().count()).sum();
    ui.status(format!(
        "wrote `{}`: {} accepted baseline(s), {} signed approval(s), audit log lines {}..{}; see {BUNDLE_DIR}/VERIFY.md inside",
        args.out.display(),
        evidence.steps.len(),
        signatures,
        evidence.segment.first_line,
        evidence.segment.first_line + evidence.segment.lines.len().saturating_sub(1),
    ));
    Ok(Exit::Clean)
}
