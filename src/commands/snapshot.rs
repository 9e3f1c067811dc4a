//! `driftgate snapshot`: propose the current tree as the next baseline.

use anyhow::Context as _;

use super::{Context, identity, now};
use crate::approval::signers::TrustSet;
use crate::audit::{self, EventKind};
use crate::baseline::{self, Baseline, PROPOSAL_SCHEMA, Proposal, short};
use crate::cli::GlobalArgs;
use crate::compare::Comparer;
use crate::error::{Error, Exit};
use crate::report::Report;
use crate::store::{self, Objects};
use crate::tree::{self, DiskSource, FileData, TRUST_FILE, Tree};
use crate::ui::Ui;

/// Propose the current tree as the next baseline
///
/// Scans the tree, stores the contents `diff` needs, and writes a proposal with the
/// change set against the accepted baseline. Prints the proposal id. Nothing is
/// written when the tree matches the baseline.
#[derive(Debug, clap::Args)]
pub struct SnapshotArgs {
    /// Why the tree changed (recorded in the proposal and the audit log)
    #[arg(short = 'm', long = "message", value_name = "REASON")]
    pub reason: Option<String>,
    /// Propose as NAME instead of git's user.email or $USER
    #[arg(long = "as", value_name = "NAME")]
    pub as_: Option<String>,
    /// Do not honour .gitignore files
    #[arg(long)]
    pub no_ignore: bool,
}

/// Runs `snapshot`.
pub fn run(ui: &mut Ui, g: &GlobalArgs, args: &SnapshotArgs) -> Result<Exit, Error> {
    let loaded = Context::load(g)?;
    let requester = identity(args.as_.as_deref(), &loaded.root)?;
    let _lock = loaded.store.lock()?;
    let loaded = loaded.with_secret_key(&mut |w| ui.warn(w))?;
    // A broken audit log stops the command before anything is written.
    audit::read_verified(&loaded.store.audit_path())?;
    let current = baseline::load_baseline(&loaded.store)?;
    // Hashed and stored with the redaction keys of the baseline in force kept, and
    // recorded so in the candidate's rule book; the rest of driftgate.toml (formats,
    // size cap, `[compare]`) is the candidate's own and goes into its hashes.
    let in_force_book = match &current {
        Some(b) => Some(crate::chain::load_rules(&loaded.store, b)?),
        None => None,
    };
    let cx = loaded.keeping_redaction(&in_force_book.iter().collect::<Vec<_>>())?;
    let tree = super::check::scan(ui, &cx, args.no_ignore)?;
    let parent = current.as_ref().map(|b| b.root_hash.clone());
    let book = cx.rules.book(&cx.config.compare);
    let candidate = Baseline::new(&tree, parent.clone(), cx.config.policy.clone(), book.hash());
    if current.as_ref().is_some_and(|b| {
        b.entries == candidate.entries
            && b.policy == candidate.policy
            && b.trust == candidate.trust
            && b.rules == candidate.rules
    }) {
        ui.status("no change: the tree matches the accepted baseline; nothing written");
        return Ok(Exit::Clean);
    }
    let id = baseline::proposal_id(&candidate.root_hash, parent.as_deref());
    let path = baseline::proposal_path(&cx.store, &id);
    if path.exists() {
        ui.status(format!(
            "proposal {id} already proposes this tree; nothing written"
        ));
        writeln_id(ui, &id)?;
        return Ok(Exit::Clean);
    }
    let (events, _) = audit::read_verified(&cx.store.audit_path())?;
    if let Some(at) = crate::judge::rejected_at(&events, &id) {
        return Err(Error::input(format!(
            "this tree was proposed as {id} and rejected at {at}; a rejected proposal can \
             never be accepted; nothing written"
        ))
        .hint("change what the rejection objected to, then snapshot again"));
    }
    let objects = cx.store.objects();
    store_trust(&cx, &objects, &tree)?;
    store_objects(&cx, &objects, &tree)?;
    objects.put(&book.to_bytes())?;
    let old_tree = current.as_ref().map(Baseline::tree).unwrap_or_default();
    let disk = DiskSource::new(&cx.root);
    // The change set is shown with the severities that will judge it: those of the
    // accepted baseline's rules (the proposal's own for a first baseline).
    let in_force = match &current {
        Some(b) => super::rules_in_force(&cx, b)?,
        None => cx.rules.clone(),
    };
    // Shown with the ignore rules of the baseline in force, as reviewers see it.
    let compared_as;
    let view = match &in_force_book {
        Some(book) => {
            compared_as = cx.comparing_as(book, &[])?;
            &compared_as
        }
        None => &cx,
    };
    let files = Comparer::new(&view.config, &view.settings, &in_force)
        .compare(&old_tree, &tree, &objects, &disk)?;
    let changes = Report::new(
        cx.display_root(),
        current.as_ref().map(|b| crate::report::model::BaselineRef {
            root_hash: b.root_hash.clone(),
            accepted_at: None,
        }),
        files,
        true,
    );
    // A secret pasted into the reason is not written into the proposal or the log.
    let reason = crate::semantic::redact_message(
        args.reason.as_deref().unwrap_or_default(),
        &cx.settings.semantic,
    );
    if reason.is_empty() {
        ui.warn("no reason given; pass `-m REASON` so reviewers know why");
    }
    let proposal = Proposal {
        schema: PROPOSAL_SCHEMA.to_string(),
        id: id.clone(),
        requester: requester.clone(),
        reason: reason.clone(),
        created_at: now(),
        baseline: candidate,
        changes,
    };
    store::write_atomic(&path, &store::to_json_bytes(&proposal))?;
    let mut details = serde_json::Map::new();
    details.insert("reason".into(), reason.into());
    details.insert("files".into(), proposal.changes.files.len().into());
    audit::append(
        &cx.store.audit_path(),
        proposal.created_at.clone(),
        &requester,
        EventKind::Proposed,
        Some(&id),
        Some(&proposal.baseline.root_hash),
        details,
    )?;
    if let Some(b) = &current {
        if b.trust != proposal.baseline.trust {
            ui.warn(format!(
                "this proposal changes `{TRUST_FILE}`: it is judged under the allowed_signers of the accepted baseline {}",
                short(&b.root_hash)
            ));
        }
        if b.policy != proposal.baseline.policy {
            ui.warn(format!(
                "this proposal changes the `[policy]`: it is judged under the policy of the accepted baseline {}",
                short(&b.root_hash)
            ));
        }
        if b.rules != proposal.baseline.rules {
            ui.warn(format!(
                "this proposal changes the rules or how files are compared: its changes are judged by those of the accepted baseline {}",
                short(&b.root_hash)
            ));
        }
    }
    if !ui.quiet {
        let mut err = Vec::new();
        crate::report::render::text::summary_table(&proposal.changes, &mut err)
            .context("rendering the summary")?;
        ui.status(String::from_utf8_lossy(&err).trim_end());
        ui.status(format!(
            "proposed {id} (root {}) as {requester}; next: `driftgate approve {id}` by a reviewer",
            short(&proposal.baseline.root_hash)
        ));
    }
    writeln_id(ui, &id)?;
    Ok(Exit::Clean)
}

fn writeln_id(ui: &mut Ui, id: &str) -> Result<(), Error> {
    writeln!(ui.out(), "{id}")?;
    Ok(())
}

/// Checks that the trust file parses and stores its raw bytes under its raw hash (the
/// baseline's `trust`), whatever the format settings, so that the next proposal can be
/// judged by exactly these signers.
fn store_trust(cx: &Context, objects: &Objects, tree: &Tree) -> Result<(), Error> {
    let Some(entry) = tree.get(TRUST_FILE) else {
        return Ok(());
    };
    let path = cx.store.allowed_signers_path();
    let bytes = std::fs::read(&path).map_err(|source| tree::TreeError::Io {
        path: path.clone(),
        source,
    })?;
    if blake3::hash(&bytes).to_hex().as_str() != entry.blake3 {
        return Err(tree::TreeError::Changed(TRUST_FILE.to_string()).into());
    }
    TrustSet::parse_bytes(&bytes, &path)?;
    objects.put(&bytes)?;
    Ok(())
}

/// Stores the contents of every entry whose object the store does not have yet.
///
/// Re-reads those files: the scan keeps only hashes, so memory stays bounded. A file
/// that changed since it was hashed stops the snapshot.
fn store_objects(cx: &Context, objects: &Objects, tree: &Tree) -> Result<(), Error> {
    use rayon::prelude::*;
    tree.values()
        .filter(|e| e.object.as_deref().is_some_and(|h| !objects.contains(h)))
        .collect::<Vec<_>>()
        .par_iter()
        .try_for_each(|e| -> Result<(), Error> {
            let disk = cx.root.join(&e.path);
            let h = tree::hash_file(e.path.clone(), e.kind, FileData::Disk(&disk), &cx.settings)?;
            if h.entry != **e {
                return Err(tree::TreeError::Changed(e.path.clone()).into());
            }
            if let Some(bytes) = h.stored {
                objects.put(&bytes)?;
            }
            Ok(())
        })
}
