//! `driftgate verify`: the whole chain of accepted baselines, their approvals, the
//! audit log, and the trust file and policy of the tree.

use super::Context;
use crate::baseline::short;
use crate::cli::{GlobalArgs, ListingFormat, ListingFormatArg};
use crate::error::{Error, Exit};
use crate::lifecycle::chain::{self, TreeState};
use crate::report::render::listing::Lines;
use crate::ui::Ui;

/// Verify the baseline chain, its signatures, trust-file changes and the audit log
///
/// Walks `.driftgate/history/` from the first baseline to baseline.json: recomputes
/// every root hash, checks each baseline's approvals against its parent's policy and
/// allowed_signers, checks the audit log's hash chain and that it still holds every
/// acceptance, and that the tree's allowed_signers and policy are the accepted ones.
/// Exits 0, or 3 naming the first broken link.
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:
  driftgate verify                         the whole chain, signatures and audit log
  driftgate verify --trust-root <HASH> --base origin/main    in CI")]
pub struct VerifyArgs {
    #[command(flatten)]
    pub format: ListingFormatArg,
    /// Require the first baseline to have root hash HASH (all 64 hex digits), instead
    /// of trusting it on first use; for CI
    #[arg(long, value_name = "HASH")]
    pub trust_root: Option<String>,
    /// Require today's chain and audit log to extend those at git revision REV (e.g.
    /// `origin/main` on a pull request, `HEAD~1` on a push): stops rollbacks, forks and
    /// rewritten logs
    #[arg(long, value_name = "REV")]
    pub base: Option<String>,
    /// Check the attestation FILE (from `driftgate attest`) instead: its signatures,
    /// that its signers approved the baseline, and that it says what the history says
    #[arg(long, value_name = "FILE", conflicts_with_all = ["trust_root", "base"])]
    pub attestation: Option<std::path::PathBuf>,
}

/// Runs `verify`.
pub fn run(ui: &mut Ui, g: &GlobalArgs, args: &VerifyArgs) -> Result<Exit, Error> {
    let cx = Context::load(g)?;
    if let Some(file) = &args.attestation {
        return attestation(ui, args.format.format, &cx, file);
    }
    if let Some(h) = &args.trust_root
        && (h.len() != 64
            || !h
                .bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)))
    {
        return Err(Error::input(format!(
            "`--trust-root` takes a full root hash (64 lowercase hex digits), not `{h}`"
        ))
        .hint("the first baseline's root hash is the name of the oldest file in `.driftgate/history/`, also shown by `driftgate verify`"));
    }
    let trust_path = cx.store.allowed_signers_path();
    let trust = match std::fs::symlink_metadata(&trust_path) {
        Ok(m) if m.is_file() => {
            let bytes = std::fs::read(&trust_path).map_err(|e| {
                Error::input(format!("cannot read `{}`: {e}", trust_path.display()))
            })?;
            Some(blake3::hash(&bytes).to_hex().to_string())
        }
        _ => None,
    };
    let tree = TreeState {
        trust,
        policy: cx.config.policy.clone(),
    };
    let v = chain::verify(&cx.store, Some(&tree), args.trust_root.as_deref()).map_err(|e| {
        let mut e = Error::from(e);
        // The generic hint points here; here it would go in circles.
        e.hints.retain(|h| !h.contains("driftgate verify"));
        e
    })?;
    if let Some(rev) = &args.base {
        let at = crate::git::state_at(&cx.root, rev)?;
        let baseline = match &at.baseline {
            None => None,
            Some(bytes) => {
                let b: crate::baseline::Baseline = serde_json::from_slice(bytes).map_err(|e| {
                    Error::integrity(format!(
                        "`.driftgate/baseline.json` at `{rev}` does not decode: {e}"
                    ))
                })?;
                Some(b.root_hash)
            }
        };
        let base = chain::BaseState {
            name: format!("`{rev}` ({})", short(&at.commit)),
            baseline,
            audit: at.audit.unwrap_or_default(),
        };
        chain::verify_extends(&cx.store, &v, &base)?;
    }
    if args.format.format == ListingFormat::Json {
        crate::report::render::listing::json_with_schema(&v, "driftgate.verify/v1", ui.out())?;
        return Ok(Exit::Clean);
    }
    if ui.quiet {
        return Ok(Exit::Clean);
    }
    let mut t = Lines::default();
    if let Some(rev) = &args.base {
        t.line(format!("the chain and audit log extend those at `{rev}`"));
    }
    match (v.baselines.first(), v.baselines.last()) {
        (Some(first), Some(current)) => {
            t.line(format!(
                "verified {} baseline(s) from {} to {}: {} approval(s), audit log of {} line(s)",
                v.baselines.len(),
                short(first),
                short(current),
                v.approvals,
                v.audit_lines
            ));
            if !v.pinned {
                ui.warn(format!(
                    "the first baseline is trusted on first use; pin it in CI with `driftgate verify --trust-root {first}`"
                ));
            }
        }
        _ => t.line(format!(
            "no accepted baseline yet; audit log of {} line(s) verified",
            v.audit_lines
        )),
    }
    t.render(ui.out())?;
    Ok(Exit::Clean)
}

/// Checks one attestation against the history; prints who attested which baseline.
fn attestation(
    ui: &mut Ui,
    format: ListingFormat,
    cx: &super::Context,
    file: &std::path::Path,
) -> Result<Exit, Error> {
    let bytes = std::fs::read(file)
        .map_err(|e| Error::input(format!("cannot read `{}`: {e}", file.display())))?;
    let name = file.display().to_string();
    let v = crate::attest::verify(&cx.store, &bytes, &name)?;
    if format == ListingFormat::Json {
        let obj = serde_json::json!({
            "schema": "driftgate.verify-attestation/v1",
            "root_hash": v.root_hash,
            "approvers": v.approvers,
            "signers": v.signers.iter().map(|s| serde_json::json!({
                "principal": s.principal, "key": s.key
            })).collect::<Vec<_>>(),
        });
        crate::report::render::listing::json(&obj, ui.out())?;
        return Ok(Exit::Clean);
    }
    let signers: Vec<String> = v
        .signers
        .iter()
        .map(|s| format!("{} (key {})", s.principal, s.key))
        .collect();
    let mut t = Lines::default();
    t.line(format!(
        "verified attestation `{name}`: baseline {} approved by {}, attested by {}",
        short(&v.root_hash),
        v.approvers.join(", "),
        signers.join(", ")
    ));
    t.render(ui.out())?;
    Ok(Exit::Clean)
}
