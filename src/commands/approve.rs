//! `driftgate approve`: record an approval of a proposal, interactively at a terminal
//! or signed with an SSH key (a key file, ssh-agent, or `ssh-keygen -Y sign`).

use std::path::{Path, PathBuf};

use super::{Context, identity, outbox};
use crate::actor::Actor;
use crate::approval::Approval;
use crate::approval::signers::fingerprint;
use crate::approval::sshsig::{self, KeyFile};
use crate::baseline::{Proposal, Unread};
use crate::cli::GlobalArgs;
use crate::error::{Error, Exit};
use crate::event::EventType;
use crate::lifecycle::judge::{self, Case, InForce};
use crate::lifecycle::proposal::checked_proposal;
use crate::policy::{self, KeyTimes};
use crate::ui::Ui;

/// Review a proposal and approve it
///
/// Every route shows the same review first: a verdict line, the summary by severity,
/// then every change (paged on a terminal), and asks `[y/N]` on a terminal. A large
/// change set (more than 50 files or 500 changes) is summarised by severity, format
/// and directory, then shows its most severe changes; `--all` lists every one.
///
/// Without `--sign`: asks for confirmation (default no) and a reason, and records an
/// unsigned approval; needs a terminal on stdin.
///
/// With `--sign KEY` or `--sign-agent`: signs the approval statement with an SSH key
/// (SSHSIG, namespace `driftgate`); without a terminal it needs `--yes` (and `-m`).
/// The key must be listed for the approver in the allowed_signers in force (the
/// parent baseline's).
///
/// With `--statement-only`: writes the statement for signing elsewhere with
/// `ssh-keygen -Y sign -f KEY -n driftgate <file>`, and prints its path.
///
/// The requester's own approval is refused unless the policy allows self-approval.
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:
  driftgate approve                      review the only pending proposal at a terminal
  driftgate approve 3f2a9c1b7d4e --sign ~/.ssh/id_ed25519 -m \"reviewed the RBAC change\"
  driftgate approve --sign-agent --yes -m \"release 1.4\"    in CI, no terminal
  driftgate approve --statement-only -m \"ok\" && ssh-keygen -Y sign -f KEY -n driftgate FILE")]
pub struct ApproveArgs {
    /// The proposal id (or a unique prefix); may be omitted when only one is pending
    #[arg(value_name = "ID")]
    pub id: Option<String>,
    /// Approve as NAME instead of git's user.email or $USER
    #[arg(long = "as", value_name = "NAME")]
    pub as_: Option<String>,
    /// The reason, instead of being asked for one
    #[arg(short = 'm', long = "message", value_name = "REASON")]
    pub reason: Option<String>,
    /// Sign the approval with the SSH key in KEY (a private key, or a public key held
    /// by ssh-agent)
    #[arg(long, value_name = "KEY", conflicts_with = "statement_only")]
    pub sign: Option<PathBuf>,
    /// Sign with ssh-agent (SSH_AUTH_SOCK): the key given with --sign, or the first
    /// agent key listed for the approver
    #[arg(long, conflicts_with = "statement_only")]
    pub sign_agent: bool,
    /// Only write the statement, for `ssh-keygen -Y sign -n driftgate`
    #[arg(long)]
    pub statement_only: bool,
    /// Approve without the `[y/N]` question (a signed approval without a terminal
    /// needs it)
    #[arg(short = 'y', long)]
    pub yes: bool,
    /// List every change on the review screen, however many
    ///
    /// Without it, a large change set (more than 50 files or 500 changes) starts with
    /// its counts by severity, format and directory, then shows its most severe changes
    /// up to a budget (200 files or 2,000 lines), added and removed files one line each.
    #[arg(long)]
    pub all: bool,
    #[command(flatten)]
    pub run: super::RunArgs,
}

/// Runs `approve`.
pub fn run(ui: &mut Ui, g: &GlobalArgs, args: &ApproveArgs) -> Result<Exit, Error> {
    let cx = Context::load(g)?;
    let signing = args.sign.is_some() || args.sign_agent;
    if !signing && !args.statement_only && !ui.stdin_is_terminal() {
        return Err(
            Error::input("interactive approval needs a terminal on stdin")
                .hint("use `--sign KEY` to approve with an SSH signature instead"),
        );
    }
    let principal = identity(args.as_.as_deref(), &cx.root)?;
    let proposal = checked_proposal(&cx, args.id.as_deref())?;
    if signing && !args.yes && !ui.stdin_is_terminal() {
        // Said before a long review scrolls by in a CI log.
        return Err(no_terminal(&proposal));
    }
    let (events, _) = crate::audit::read_verified(&cx.store.audit_path())?;
    let mut case = judge::case(
        &cx.store,
        &proposal.id,
        &proposal.requester,
        &proposal.baseline,
        &events,
        true,
    )?;
    case.subject = case.subject.requested(
        proposal.requester_kind,
        proposal.request.clone(),
        &proposal.created_at,
        Some(cx.clock.now()),
    );
    if let Some(at) = &case.rejected_at {
        return Err(Error::input(format!(
            "proposal {} was rejected at {at}; a rejected proposal can never be accepted",
            proposal.id
        ))
        .hint("change the tree and run `driftgate snapshot` for a new proposal"));
    }
    let in_force = &case.in_force;
    if principal == proposal.requester && !in_force.policy.allow_self_approval {
        return Err(Error::input(format!(
            "`{principal}` requested proposal {}: nobody approves their own change",
            proposal.id
        ))
        .hint("ask another reviewer to approve it"));
    }
    let actor = super::actor_of(&principal, &args.run, &in_force.policy)?;
    let requirement = case.subject.requirement(&in_force.policy);
    if !requirement.may_approve(&principal) {
        return Err(Error::input(format!(
            "`{principal}` may not approve proposal {}: {}",
            proposal.id, requirement.reason
        ))
        .hint(format!(
            "ask one of the approvers it names; `driftgate explain {}` lists them",
            proposal.id
        )));
    }
    if args.statement_only {
        review(ui, &cx, &proposal, &requirement, args.all)?;
        if !confirmed(ui, args, &proposal, &principal)? {
            return Ok(Exit::Drift);
        }
        return statement_only(ui, &cx, args, &proposal, &actor);
    }
    if signing {
        return signed(ui, &cx, args, &proposal, &case, &requirement, &actor);
    }
    if actor.kind.is_machine() && !in_force.policy.actors.machine_approvals_count {
        ui.warn(format!(
            "you approve as a `{}` actor: the approval is recorded but does not count \
             (`policy.actors.machine_approvals_count`)",
            actor.kind.as_str()
        ));
    }
    if in_force.policy.require_signatures {
        return Err(Error::input(format!(
            "the policy in force ({}) requires signed approvals; an unsigned one would not count",
            in_force.source()
        ))
        .hint(format!(
            "sign it: `driftgate approve {} --sign ~/.ssh/id_ed25519 -m REASON`",
            proposal.id
        )));
    }
    interactive(ui, &cx, args, &proposal, &requirement, &actor)
}

/// Shows the review screen of `proposal`: the same for every route of `approve`; every
/// change of a large change set only with `all`.
fn review(
    ui: &mut Ui,
    cx: &Context,
    proposal: &Proposal<Unread>,
    requirement: &policy::Requirement,
    all: bool,
) -> Result<(), Error> {
    let changes = crate::lifecycle::proposal::proposal_report(cx, proposal, all)?;
    let screen = crate::report::review::Screen {
        id: &proposal.id,
        requester: &proposal.requester,
        created_at: &proposal.created_at,
        reason: &proposal.reason,
        root_hash: &proposal.baseline.root_hash,
        parent: proposal.baseline.parent.as_deref(),
        approvals: requirement.approvals,
        requirement: (requirement.by_severity() || requirement.machine_requester)
            .then_some(requirement.reason.as_str()),
    };
    let options = crate::report::render::TextOptions {
        palette: ui.err_palette(),
        detail: true,
        width: ui.width(),
        verdict: crate::report::review::Verdict::Review {
            approvals: requirement.approvals,
        },
        rules: true,
        all,
        rerun: &super::rerun_all(&["approve", proposal.id.as_str()]),
    };
    ui.page_err(&mut |w| {
        crate::report::render::text::review_screen(&changes, &screen, w, &options)
    })?;
    Ok(())
}

/// Asks `[y/N]` on a terminal; without one, `--yes` answers (a signed approval needs
/// it: the signature says its signer saw the change set).
fn confirmed(
    ui: &mut Ui,
    args: &ApproveArgs,
    proposal: &Proposal<Unread>,
    principal: &str,
) -> Result<bool, Error> {
    if args.yes {
        return Ok(true);
    }
    if !ui.stdin_is_terminal() {
        if args.statement_only {
            // The statement counts only once signed, and signing is the question.
            return Ok(true);
        }
        return Err(no_terminal(proposal));
    }
    if !ui.confirm(&format!("approve proposal {} as {principal}?", proposal.id))? {
        ui.verdict("not approved; nothing written");
        return Ok(false);
    }
    Ok(true)
}

/// Returns the refusal of a signed approval without a terminal and without `--yes`.
fn no_terminal(proposal: &Proposal<Unread>) -> Error {
    Error::input(format!(
        "approving {} without a terminal to ask on needs `--yes`",
        proposal.id
    ))
    .hint(format!(
        "review it with `driftgate explain {0}` and `driftgate approve {0}` at a terminal, or pass `--yes`",
        proposal.id
    ))
}

fn interactive(
    ui: &mut Ui,
    cx: &Context,
    args: &ApproveArgs,
    proposal: &Proposal<Unread>,
    requirement: &policy::Requirement,
    actor: &Actor,
) -> Result<Exit, Error> {
    let principal = actor.principal.as_str();
    review(ui, cx, proposal, requirement, args.all)?;
    if !confirmed(ui, args, proposal, principal)? {
        return Ok(Exit::Drift);
    }
    let Some(reason) = reason(ui, args, &cx.settings.semantic)? else {
        ui.status("no reason given; nothing written");
        return Ok(Exit::Drift);
    };
    let statement = proposal
        .statement(principal, cx.clock.stamp(), reason)
        .by(actor);
    let (path, hash) = crate::lifecycle::approve::record(cx, proposal, &statement, None)?;
    announce(ui, cx, args, proposal, &hash, actor);
    ui.verdict(format!(
        "approved {} as {principal} (`{}`); next: `driftgate accept {}`",
        proposal.id,
        path.strip_prefix(&cx.root).unwrap_or(&path).display(),
        proposal.id
    ));
    Ok(Exit::Clean)
}

fn statement_only(
    ui: &mut Ui,
    cx: &Context,
    args: &ApproveArgs,
    proposal: &Proposal<Unread>,
    actor: &Actor,
) -> Result<Exit, Error> {
    let principal = actor.principal.as_str();
    let Some(reason) = reason(ui, args, &cx.settings.semantic)? else {
        return Err(Error::input("no reason given; nothing written"));
    };
    let mut statement = proposal
        .statement(principal, cx.clock.stamp(), reason)
        .by(actor);
    // Nobody saw the change set and nothing vouches for who wrote this: it counts
    // once signed, never before.
    statement.for_signing = true;
    let path = crate::lifecycle::approve::write_only(cx, proposal, &statement)?;
    let cwd = std::env::current_dir().unwrap_or_default();
    let shown = path.strip_prefix(&cwd).unwrap_or(&path);
    ui.status(format!(
        "wrote the statement approving {} as {principal}; it does not count until signed; sign it with:\n  ssh-keygen -Y sign -f KEY -n {} {}",
        proposal.id,
        sshsig::NAMESPACE,
        shown.display()
    ));
    writeln!(ui.out(), "{}", shown.display())?;
    Ok(Exit::Clean)
}

#[allow(clippy::too_many_arguments)]
fn signed(
    ui: &mut Ui,
    cx: &Context,
    args: &ApproveArgs,
    proposal: &Proposal<Unread>,
    case: &Case,
    requirement: &policy::Requirement,
    actor: &Actor,
) -> Result<Exit, Error> {
    let principal = actor.principal.as_str();
    let in_force = &case.in_force;
    let socket = std::env::var_os("SSH_AUTH_SOCK")
        .filter(|s| !s.is_empty())
        .map(PathBuf::from);
    let now_ts = cx.clock.now();
    let refuse = |key: &ssh_key::public::KeyData, why: String| {
        Error::input(format!(
            "cannot approve {} as `{principal}` with key {}: {why}",
            proposal.id,
            fingerprint(key)
        ))
        .hint(format!(
            "the allowed_signers in force are those of {}; a new key is added by a proposal that existing signers approve",
            in_force.source()
        ))
    };
    // Refuse before asking for a reason or a passphrase: an untrusted key can only
    // produce an approval that does not count.
    let key_file = match &args.sign {
        Some(path) => {
            let k = KeyFile::read(path)?;
            if let Some(public) = &k.public {
                in_force
                    .trust
                    .allows(public.key_data(), principal, &[now_ts])
                    .map_err(|r| {
                        refuse(public.key_data(), r.describe(public.key_data(), principal))
                    })?;
            }
            Some(k)
        }
        None => None,
    };
    review(ui, cx, proposal, requirement, args.all)?;
    if !confirmed(ui, args, proposal, principal)? {
        return Ok(Exit::Drift);
    }
    let Some(reason) = reason(ui, args, &cx.settings.semantic)? else {
        return Err(Error::input("no reason given; nothing written"));
    };
    let statement = proposal
        .statement(principal, cx.clock.stamp(), reason)
        .by(actor);
    let bytes = statement.to_bytes();
    let signature = match &key_file {
        Some(k) => sign_with_file(ui, k, socket.as_deref(), args.sign_agent, &bytes)?,
        None => sign_with_any_agent(socket.as_deref(), in_force, principal, now_ts, &bytes)?,
    };
    // Whatever route signed, judge the result exactly as `accept` will.
    let approval = Approval {
        statement: statement.clone(),
        bytes: String::from_utf8_lossy(&bytes).into_owned(),
        signature: Some(signature.clone()),
    };
    let decision = case.decide(
        std::slice::from_ref(&approval),
        KeyTimes::StatementAndNow(now_ts),
    );
    if let Some(n) = decision.not_counted.first() {
        return Err(Error::input(format!(
            "the signed approval of {} as `{principal}` would not count: {}; nothing written",
            proposal.id, n.reason
        )));
    }
    let key = decision.counted.first().and_then(|c| c.key.clone());
    let (path, hash) = crate::lifecycle::approve::record(
        cx,
        proposal,
        &statement,
        Some((&signature, key.as_deref())),
    )?;
    announce(ui, cx, args, proposal, &hash, actor);
    ui.verdict(format!(
        "approved {} as {principal}, signed with key {} (`{}.sig`); next: `driftgate accept {}`",
        proposal.id,
        key.as_deref().unwrap_or("?"),
        path.strip_prefix(&cx.root).unwrap_or(&path).display(),
        proposal.id
    ));
    Ok(Exit::Clean)
}

/// Signs with the key file `k`: through ssh-agent when it holds the key (or
/// `--sign-agent` demands it), natively for Ed25519/ECDSA, else with `ssh-keygen`.
fn sign_with_file(
    ui: &mut Ui,
    k: &KeyFile,
    socket: Option<&Path>,
    agent_only: bool,
    bytes: &[u8],
) -> Result<String, Error> {
    if let (Some(sock), Some(public)) = (socket, &k.public) {
        match sshsig::agent_keys(sock) {
            Ok(keys) if keys.iter().any(|a| a.key_data() == public.key_data()) => {
                ui.detail(format!(
                    "signing with key {} through ssh-agent",
                    fingerprint(public.key_data())
                ));
                return Ok(sshsig::sign_with_agent(sock, public, bytes)?);
            }
            Ok(_) => {}
            // The agent is only a convenience here unless it was asked for.
            Err(e) if !agent_only => ui.detail(format!("not using ssh-agent: {e}")),
            Err(e) => return Err(e.into()),
        }
    }
    // ssh-add loads the private key: name it, not the public one given.
    let private = match k.path.extension() {
        Some(e) if e == "pub" => k.path.with_extension(""),
        _ => k.path.clone(),
    };
    let hint = format!("load the key with `ssh-add {}`", private.display());
    let add_hint = |e: Error| e.hint(hint.clone());
    if agent_only {
        return Err(add_hint(match (socket, k.fingerprint()) {
            (None, _) => Error::input(
                "`--sign-agent` needs a running ssh-agent, and `SSH_AUTH_SOCK` is not set",
            ),
            (Some(_), Some(fp)) => Error::input(format!("ssh-agent does not hold key {fp}")),
            (Some(_), None) => Error::input(format!(
                "the public key of `{}` is unknown, so ssh-agent cannot be asked for it",
                k.path.display()
            )),
        }));
    }
    if k.is_public_only() {
        return Err(add_hint(Error::input(format!(
            "`{}` is a public key, and no running ssh-agent holds its private key",
            k.path.display()
        ))));
    }
    super::sign_with_private_key(ui, k, bytes, hint)
}

/// Signs with the first ssh-agent key listed for `principal` in the trust set in force.
fn sign_with_any_agent(
    socket: Option<&Path>,
    in_force: &InForce,
    principal: &str,
    now: jiff::Timestamp,
    bytes: &[u8],
) -> Result<String, Error> {
    let Some(sock) = socket else {
        return Err(Error::input(
            "`--sign-agent` needs a running ssh-agent, and `SSH_AUTH_SOCK` is not set",
        )
        .hint("start one with `eval $(ssh-agent)` and `ssh-add KEY`, or pass `--sign KEY`"));
    };
    let keys = sshsig::agent_keys(sock)?;
    let key = keys
        .iter()
        .find(|k| in_force.trust.allows(k.key_data(), principal, &[now]).is_ok())
        .ok_or_else(|| {
            Error::input(format!(
                "none of the {} key(s) in ssh-agent may sign as `{principal}` under the allowed_signers of {}",
                keys.len(),
                in_force.source()
            ))
            .hint("`ssh-add -l` lists the agent's keys; `driftgate explain` lists who may approve")
        })?;
    Ok(sshsig::sign_with_agent(sock, key, bytes)?)
}

/// Returns `-m REASON`, or asks for one on a terminal; `None` when none is given.
///
/// Secrets in it (a pasted token) are replaced by display tokens: the reason is written
/// into the statement and the audit log.
fn reason(
    ui: &mut Ui,
    args: &ApproveArgs,
    options: &crate::semantic::Options,
) -> Result<Option<String>, Error> {
    let quiet = |r: &str| crate::semantic::redact_message(r, options);
    if let Some(r) = &args.reason {
        if r.trim().is_empty() {
            return Err(Error::input("the reason must not be empty"));
        }
        return Ok(Some(quiet(r)));
    }
    if !ui.stdin_is_terminal() {
        return Err(
            Error::input("no reason given and no terminal to ask for one").hint("pass `-m REASON`"),
        );
    }
    loop {
        match ui.prompt("reason: ")? {
            None => return Ok(None),
            Some(r) if r.is_empty() => continue,
            Some(r) => return Ok(Some(quiet(&r))),
        }
    }
}

/// Sends the `approved` event of audit line `hash` to the `[[notify]]` targets.
fn announce(
    ui: &mut Ui,
    cx: &Context,
    args: &ApproveArgs,
    proposal: &Proposal<Unread>,
    hash: &str,
    actor: &Actor,
) {
    outbox::send(ui, cx, &args.run, EventType::Approved, actor, true, || {
        let event = outbox::logged(cx, Some(hash), EventType::Approved, actor);
        outbox::with_proposal(cx, event, proposal)
    });
}
