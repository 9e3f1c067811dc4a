//! `driftgate snapshot`: propose the current tree as the next baseline.

use std::borrow::Cow;
use std::io::Write as _;

use serde::Serialize;

use super::{Context, identity, outbox};
use crate::approval::signers::{TrustSet, fingerprint};
use crate::approval::sshsig::{self, KeyFile};
use crate::approval::{REQUEST_SCHEMA, RequestStatement, SignedRequest};
use crate::audit::{self};
use crate::baseline::{self, Baseline, PROPOSAL_SCHEMA, Proposal, short};
use crate::cli::{GlobalArgs, ListingFormat, ListingFormatArg};
use crate::error::{Error, Exit};
use crate::event::EventType;
use crate::report::Summary;
use crate::report::render::TextOptions;
use crate::report::review::Verdict;
use crate::tree::{self, TRUST_FILE, Tree};
use crate::ui::Ui;

/// Propose the current tree as the next baseline
///
/// Scans the tree, stores the contents `diff` needs, and writes a proposal with the
/// change set against the accepted baseline. Prints the proposal id (with `--format
/// json`, the proposal: id, root, change summary, requester). Nothing is written when
/// the tree matches the baseline.
///
/// In a git repository, warns about untracked files it includes: a commit would leave
/// them out, and the pre-commit hook would then see them as removed. `--staged`
/// proposes exactly what is staged instead.
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:
  driftgate snapshot -m \"raise web replicas to 5\"
  driftgate snapshot --staged -m \"what this commit changes\"
  id=$(driftgate snapshot -q -m \"nightly\")          the id alone, for scripts
  driftgate snapshot --format json -m \"release 1.4\" | jq .summary")]
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
    /// Propose the git index (what `git commit` would record) instead of the working tree
    #[arg(long)]
    pub staged: bool,
    #[command(flatten)]
    pub format: ListingFormatArg,
    /// Sign the proposal with the SSH key in KEY, so that the requester is the
    /// principal allowed_signers lists for the key (required under
    /// `policy.require_signed_proposals`)
    #[arg(long, value_name = "KEY")]
    pub sign: Option<std::path::PathBuf>,
    #[command(flatten)]
    pub run: super::RunArgs,
}

/// What `snapshot --format json` prints.
#[derive(Debug, Serialize)]
struct Printed<'a> {
    schema: &'static str,
    /// `proposed`, `exists` (the same tree is already proposed) or `unchanged`.
    status: &'static str,
    id: Option<&'a str>,
    root: String,
    root_hash: Option<&'a str>,
    parent: Option<&'a str>,
    requester: &'a str,
    reason: Option<&'a str>,
    summary: Option<&'a Summary>,
}

/// Runs `snapshot`.
pub fn run(ui: &mut Ui, g: &GlobalArgs, args: &SnapshotArgs) -> Result<Exit, Error> {
    let started = std::time::Instant::now();
    let loaded = Context::load(g)?;
    let requester = identity(args.as_.as_deref(), &loaded.root)?;
    let lock = loaded.store.lock()?;
    let loaded = loaded.with_secret_key(&mut |w| ui.warn(w))?;
    // A broken audit log stops the command before anything is written.
    audit::read_verified(&loaded.store.audit_path())?;
    let current = baseline::load_baseline(&loaded.store)?;
    // Hashed and stored with the redaction keys of the baseline in force kept, and
    // recorded so in the candidate's rule book; the rest of driftgate.toml (formats,
    // size cap, `[compare]`) is the candidate's own and goes into its hashes.
    let in_force_book = match &current {
        Some(b) => Some(crate::lifecycle::in_force::load_rules(&loaded.store, b)?),
        None => None,
    };
    let cx = loaded.keeping_redaction(&in_force_book.iter().collect::<Vec<_>>())?;
    let source = crate::cli::SourceArgs {
        staged: args.staged,
        rev: None,
        no_ignore: args.no_ignore,
    };
    let objects = cx.store.objects();
    // Entries of unchanged files are the accepted baseline's when it was derived with
    // the same settings: only changed files are parsed, and each is stored as it is read.
    let reusable = current
        .as_ref()
        .filter(|b| b.settings.as_deref() == Some(cx.settings.derivation.as_str()))
        .map(|b| baseline::Entries::new(b, &objects));
    let known = tree::Known::new(|path| reusable.as_ref()?.get(path));
    let source = source.source()?;
    // Git's index, to warn of files git does not track, is read while the tree is.
    let (read, indexed) = std::thread::scope(|s| {
        let indexed = (!args.staged).then(|| s.spawn(|| crate::git::Indexed::read(&cx.root)));
        let read = crate::lifecycle::source::read_source(
            ui,
            &cx,
            &source,
            Some(&known),
            Some(&objects),
            None,
        );
        (read, indexed.and_then(|h| h.join().ok()))
    });
    let (tree, contents) = read?;
    if let Some(Ok(Some(indexed))) = indexed {
        warn_untracked(ui, &untracked(&indexed, &tree));
    }
    let built = baseline::manifest::build(&tree);
    for e in tree.values() {
        if let Some(message) = &e.error {
            ui.warn(format!(
                "`{}` does not parse as {}: {}; it is proposed as it is",
                e.path,
                e.format,
                crate::report::render::printable(message)
            ));
        }
    }
    let parent = current.as_ref().map(|b| b.root_hash.clone());
    // The policy a proposal is judged by: the accepted baseline's, or for a first
    // baseline the one it brings.
    let policy = current
        .as_ref()
        .map_or_else(|| cx.config.policy.clone(), |b| b.policy.clone());
    let actor = super::actor_of(&requester, &args.run, &policy)?;
    if policy.require_signed_proposals && args.sign.is_none() {
        return Err(Error::input(
            "the policy in force requires signed proposals (`policy.require_signed_proposals`); nothing written",
        )
        .hint("propose with `driftgate snapshot --sign ~/.ssh/id_ed25519 -m REASON`"));
    }
    let key = match &args.sign {
        Some(path) => {
            let k = KeyFile::read(path)?;
            // Refused before anything is stored: the key must be the requester's in
            // the allowed_signers in force (the tree's own for a first baseline).
            if let Some(public) = &k.public {
                let trust = match &current {
                    Some(b) => crate::lifecycle::in_force::load_trust(&loaded.store, b)?,
                    None => crate::lifecycle::propose::tree_trust(&loaded)?,
                };
                allowed(&trust, public.key_data(), &requester, loaded.clock.now())?;
            }
            Some(k)
        }
        None => None,
    };
    let book = cx.rules.book(&cx.config.compare);
    // Built once (above): the candidate's root, its stored manifests and the comparison.
    let candidate = Baseline::of_built(
        &tree,
        &built,
        parent.clone(),
        cx.config.policy.clone(),
        book.hash(),
    )
    .derived_with(&cx.settings.derivation);
    let unchanged = match &current {
        Some(b) => {
            b.policy == candidate.policy
                && b.trust == candidate.trust
                && b.rules == candidate.rules
                && match &b.tree {
                    Some(root) => candidate.tree.as_ref() == Some(root),
                    None => b.tree(&objects)? == tree,
                }
        }
        None => false,
    };
    if unchanged {
        ui.status("no change: the tree matches the accepted baseline; nothing written");
        if args.format.format == ListingFormat::Json {
            print_json(
                ui,
                &Printed {
                    schema: "driftgate.snapshot/v1",
                    status: "unchanged",
                    id: None,
                    root: cx.display_root(),
                    root_hash: None,
                    parent: parent.as_deref(),
                    requester: &requester,
                    reason: None,
                    summary: None,
                },
            )?;
        }
        return Ok(Exit::Clean);
    }
    let id = baseline::proposal_id(&candidate.root_hash, parent.as_deref());
    let path = baseline::proposal_path(&cx.store, &id);
    // An expired proposal of the same tree is renewed: proposed again, from now.
    let renewing =
        path.exists() && crate::lifecycle::propose::expired(&path, &policy, loaded.clock.now())?;
    if path.exists() && !renewing {
        ui.status(format!(
            "proposal {id} already proposes this tree; nothing written"
        ));
        if args.format.format == ListingFormat::Json {
            print_json(
                ui,
                &Printed {
                    schema: "driftgate.snapshot/v1",
                    status: "exists",
                    id: Some(&id),
                    root: cx.display_root(),
                    root_hash: Some(&candidate.root_hash),
                    parent: parent.as_deref(),
                    requester: &requester,
                    reason: None,
                    summary: None,
                },
            )?;
        } else {
            writeln_id(ui, &id)?;
        }
        return Ok(Exit::Clean);
    }
    let (events, _) = audit::read_verified(&cx.store.audit_path())?;
    if let Some(at) = crate::lifecycle::judge::rejected_at(&events, &id) {
        return Err(Error::input(format!(
            "this tree was proposed as {id} and rejected at {at}; a rejected proposal can \
             never be accepted; nothing written"
        ))
        .hint("change what the rejection objected to, then snapshot again"));
    }
    crate::lifecycle::propose::store_trust(&cx, &objects, &tree, contents.as_ref())?;
    crate::lifecycle::propose::store_objects(&cx, &objects, &tree, contents.as_ref())?;
    objects.put(&book.to_bytes())?;
    baseline::manifest::put(&built, &objects)?;
    // Only the directories that differ from the accepted baseline are compared.
    // A first baseline differs in every file: the tree itself is compared, not a copy.
    let (old_tree, new_tree) = match current.as_ref() {
        None => (Cow::Owned(Tree::new()), Cow::Borrowed(&tree)),
        Some(b) => {
            let (old, new) = match b.tree.as_deref() {
                Some(root) => baseline::manifest::differing_built(Some(root), &built, &objects)?,
                None => baseline::differing_tree(Some(b), &tree, &objects)?,
            };
            (Cow::Owned(old), Cow::Owned(new))
        }
    };
    // The manifests are in the store: their bytes are not held through the comparison.
    drop(built);
    let changes = crate::lifecycle::propose::changes(
        ui,
        &cx,
        (current.as_ref(), in_force_book.as_ref()),
        crate::lifecycle::propose::Trees {
            old: &old_tree,
            new: &new_tree,
            whole: &tree,
        },
        objects.as_ref(),
        contents.as_ref(),
    )?;
    ui.detail(format!(
        "{} ({} ms)",
        changes.1,
        started.elapsed().as_millis()
    ));
    let changes = changes.0;
    // A secret pasted into the reason is not written into the proposal or the log.
    let reason = crate::semantic::redact_message(
        args.reason.as_deref().unwrap_or_default(),
        &cx.settings.semantic,
    );
    if reason.is_empty() {
        ui.warn("no reason given; pass `-m REASON` so reviewers know why");
    }
    let created_at = cx.clock.stamp();
    let request = match &key {
        Some(k) => {
            let trust = match &current {
                Some(b) => crate::lifecycle::in_force::load_trust(&cx.store, b)?,
                None => crate::lifecycle::in_force::load_trust(&cx.store, &candidate)?,
            };
            Some(sign_request(
                ui,
                k,
                &trust,
                cx.clock.now(),
                RequestStatement {
                    schema: REQUEST_SCHEMA.to_string(),
                    proposal: id.clone(),
                    root_hash: candidate.root_hash.clone(),
                    parent: parent.clone(),
                    principal: requester.clone(),
                    actor_kind: actor.kind,
                    tool: actor.tool.clone(),
                    time: created_at.clone(),
                    reason: reason.clone(),
                },
            )?)
        }
        None => None,
    };
    let proposal = Proposal {
        schema: PROPOSAL_SCHEMA.to_string(),
        id: id.clone(),
        requester: requester.clone(),
        reason: reason.clone(),
        created_at,
        requester_kind: Some(actor.kind),
        requester_tool: actor.tool.clone(),
        request,
        baseline: candidate,
        changes,
    };
    let hash = crate::lifecycle::propose::write(&cx, &objects, &path, &proposal, &actor, renewing)?;
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
        // What the judge will ask of this proposal: the same count `approve` shows.
        let (events, _) = audit::read_verified(&cx.store.audit_path())?;
        // Only the count: the paths of a first baseline are not read unless a path
        // rule of its policy needs them.
        let case = crate::lifecycle::judge::case(
            &cx.store,
            &proposal.id,
            &proposal.requester,
            &proposal.baseline,
            &events,
            false,
        )?;
        let approvals = case.subject.requirement(&case.in_force.policy).approvals;
        let options = TextOptions {
            palette: ui.err_palette(),
            detail: false,
            width: ui.width(),
            verdict: Verdict::Review { approvals },
            rules: true,
            all: false,
            rerun: "",
        };
        let mut err = Vec::new();
        crate::report::render::text::verdict_line(&proposal.changes, &mut err, &options)?;
        writeln!(err)?;
        crate::report::render::text::summary(&proposal.changes, &mut err, &options)?;
        ui.status(String::from_utf8_lossy(&err).trim_end());
        ui.status(format!(
            "proposed {id} (root {}) as {requester}; next: `driftgate approve {id}` by a reviewer",
            short(&proposal.baseline.root_hash)
        ));
    }
    if args.format.format == ListingFormat::Json {
        print_json(
            ui,
            &Printed {
                schema: "driftgate.snapshot/v1",
                status: "proposed",
                id: Some(&id),
                root: cx.display_root(),
                root_hash: Some(&proposal.baseline.root_hash),
                parent: proposal.baseline.parent.as_deref(),
                requester: &requester,
                reason: Some(&proposal.reason),
                summary: Some(&proposal.changes.summary),
            },
        )?;
    } else {
        writeln_id(ui, &id)?;
    }
    drop(lock);
    outbox::send(
        ui,
        &cx,
        &args.run,
        EventType::Proposed,
        &actor,
        true,
        || {
            let event = outbox::logged(&cx, Some(&hash), EventType::Proposed, &actor);
            outbox::with_proposal(&cx, event, &proposal)
        },
    );
    Ok(Exit::Clean)
}

fn print_json(ui: &mut Ui, printed: &Printed<'_>) -> Result<(), Error> {
    serde_json::to_writer_pretty(ui.out(), printed).map_err(std::io::Error::from)?;
    writeln!(ui.out())?;
    Ok(())
}

/// Returns the files of `tree` that git's index does not hold (driftgate's own state
/// aside). Outside a repository, or when git's index cannot be read, nothing is said:
/// the warning is advice.
fn untracked(indexed: &crate::git::Indexed, tree: &Tree) -> Vec<String> {
    let state = format!("{}/", crate::store::STATE_DIR);
    let paths = tree
        .keys()
        .map(String::as_str)
        .filter(|p| !p.starts_with(&state));
    indexed.untracked(paths)
}

/// Warns about files the proposal includes that git does not track: a commit leaves
/// them out, so the hook (and a fresh clone) would see them as removed.
fn warn_untracked(ui: &mut Ui, untracked: &[String]) {
    if untracked.is_empty() {
        return;
    }
    const SHOWN: usize = 5;
    let mut list: Vec<String> = untracked
        .iter()
        .take(SHOWN)
        .map(|p| format!("`{p}`"))
        .collect();
    if untracked.len() > SHOWN {
        list.push(format!("and {} more", untracked.len() - SHOWN));
    }
    let (what, them) = if untracked.len() == 1 {
        ("1 file git does not track is".to_string(), "it")
    } else {
        (
            format!("{} files git does not track are", untracked.len()),
            "them",
        )
    };
    ui.warn(format!(
        "{what} included: {}; a commit without {them} would drift from this proposal",
        list.join(", ")
    ));
    ui.status(
        "hint: `git add` them first, or propose exactly what is staged with `driftgate snapshot --staged`",
    );
}

/// Signs `statement` with key `k`, after checking that the trust set in force lists
/// the key for the requester; returns the signed request.
fn sign_request(
    ui: &mut Ui,
    k: &KeyFile,
    trust: &TrustSet,
    now: jiff::Timestamp,
    statement: RequestStatement,
) -> Result<SignedRequest, Error> {
    let principal = statement.principal.clone();
    let check = |key: &ssh_key::public::KeyData| allowed(trust, key, &principal, now);
    let bytes = statement.to_bytes();
    let signature = if k.signs_natively() {
        let pass = if k.is_encrypted() {
            let Some(p) = ui.secret(&format!("passphrase for `{}`: ", k.path.display()))? else {
                return Err(Error::input(format!(
                    "key `{}` is protected by a passphrase, and there is no terminal to ask for it",
                    k.path.display()
                )));
            };
            Some(p)
        } else {
            None
        };
        sshsig::sign_with_key(k, pass.as_ref().map(|p| p.as_bytes()), &bytes)?
    } else {
        sshsig::sign_with_keygen(std::path::Path::new("ssh-keygen"), &k.path, &bytes)?
    };
    let key = sshsig::verify(&signature, &bytes).map_err(|e| Error::integrity(e.to_string()))?;
    check(&key)?;
    Ok(SignedRequest {
        bytes: String::from_utf8_lossy(&bytes).into_owned(),
        signature,
    })
}

/// Fails unless `trust` lists `key` for `principal` now.
fn allowed(
    trust: &TrustSet,
    key: &ssh_key::public::KeyData,
    principal: &str,
    now: jiff::Timestamp,
) -> Result<(), Error> {
    trust
        .allows(key, principal, &[now])
        .map(|_| ())
        .map_err(|r| {
            Error::input(format!(
                "cannot sign the proposal as `{principal}` with key {}: {}; nothing written",
                fingerprint(key),
                r.describe(key, principal)
            ))
            .hint("the key must be listed for you in the allowed_signers in force")
        })
}

fn writeln_id(ui: &mut Ui, id: &str) -> Result<(), Error> {
    writeln!(ui.out(), "{id}")?;
    Ok(())
}
