//! `driftgate accept`: promote an approved proposal to the baseline.

use super::{Context, identity, now};
use crate::approval;
use crate::audit::{self, EventKind};
use crate::baseline::{self, Baseline, Proposal, RECORD_SCHEMA, Record, short};
use crate::cli::GlobalArgs;
use crate::compare::Comparer;
use crate::error::{Error, Exit};
use crate::policy;
use crate::report::Severity;
use crate::store;
use crate::ui::Ui;

/// Promote an approved proposal to the accepted baseline
///
/// Only when the policy is satisfied: enough distinct approvals for the highest severity
/// of its changes, none by the requester unless self-approval is allowed, and only by
/// the approvers the policy names for that severity. Otherwise exits 1 saying what is
/// missing, and nothing is written.
#[derive(Debug, clap::Args)]
pub struct AcceptArgs {
    /// The proposal id (or a unique prefix); may be omitted when only one is pending
    #[arg(value_name = "ID")]
    pub id: Option<String>,
    /// Record NAME as who accepted, instead of git's user.email or $USER
    #[arg(long = "as", value_name = "NAME")]
    pub as_: Option<String>,
}

/// Runs `accept`.
pub fn run(ui: &mut Ui, g: &GlobalArgs, args: &AcceptArgs) -> Result<Exit, Error> {
    let cx = Context::load(g)?;
    let actor = identity(args.as_.as_deref(), &cx.root)?;
    let _lock = cx.store.lock()?;
    let proposal = baseline::pick_proposal(&cx.store, args.id.as_deref())?;
    let proposal_file = baseline::proposal_path(&cx.store, &proposal.id);
    proposal.baseline.check_integrity(&proposal_file)?;
    if baseline::proposal_id(
        &proposal.baseline.root_hash,
        proposal.baseline.parent.as_deref(),
    ) != proposal.id
    {
        return Err(Error::integrity(format!(
            "proposal `{}` does not match its id",
            proposal_file.display()
        )));
    }
    let current = baseline::load_baseline(&cx.store)?;
    let current_root = current.as_ref().map(|b| b.root_hash.clone());
    if proposal.baseline.parent != current_root {
        return Err(Error::input(format!(
            "proposal {} was made on baseline {}, but the accepted baseline is now {}",
            proposal.id,
            proposal.baseline.parent.as_deref().map_or("(none)", short),
            current_root.as_deref().map_or("(none)", short),
        ))
        .hint(format!(
            "reject it with `driftgate reject {} -m REASON` and snapshot again",
            proposal.id
        )));
    }
    let approvals = approval::load_approvals(&cx.store, &proposal.id)?;
    let severity = proposal_severity(&cx, current.as_ref(), &proposal)?;
    let decision = policy::evaluate(&cx.config.policy, &proposal, severity, &approvals);
    if !decision.satisfied() {
        ui.status(format!(
            "proposal {} is not accepted: {} of {} required approvals count",
            proposal.id,
            decision.counted.len(),
            decision.required
        ));
        ui.status(format!("  {}", decision.requirement.explain()));
        for (who, why) in &decision.not_counted {
            ui.status(format!("  approval by {who} does not count: {why}"));
        }
        let who = match &decision.requirement.approvers {
            Some(list) => {
                let others: Vec<&str> = list
                    .iter()
                    .map(String::as_str)
                    .filter(|w| {
                        *w != proposal.requester && !decision.counted.iter().any(|c| c == w)
                    })
                    .collect();
                format!("one of {}", others.join(", "))
            }
            None => format!("someone other than {}", proposal.requester),
        };
        ui.status(format!(
            "needs {} more approval(s) by {who}: `driftgate approve {}`",
            decision.missing(),
            proposal.id
        ));
        return Ok(Exit::Drift);
    }
    let audit_path = cx.store.audit_path();
    let (_, audit_head) = audit::read_verified(&audit_path)?;
    let accepted_at = now();
    let counted: Vec<_> = approvals
        .into_iter()
        .filter(|a| decision.counted.contains(&a.statement.principal))
        .collect();
    let record = Record {
        schema: RECORD_SCHEMA.to_string(),
        baseline: proposal.baseline.clone(),
        proposal: proposal.id.clone(),
        requester: proposal.requester.clone(),
        reason: proposal.reason.clone(),
        created_at: proposal.created_at.clone(),
        approvals: counted,
        accepted_at: accepted_at.clone(),
        accepted_by: actor.clone(),
        audit_head: Some(audit_head),
    };
    // Order matters for a killed run: the history record first (harmless alone), then
    // the baseline (the commit point), then the log and the proposal's removal.
    let root = &proposal.baseline.root_hash;
    store::write_atomic(
        &baseline::record_path(&cx.store, root),
        &store::to_json_bytes(&record),
    )?;
    store::write_atomic(
        &cx.store.baseline_path(),
        &store::to_json_bytes(&proposal.baseline),
    )?;
    let mut details = serde_json::Map::new();
    details.insert("approvals".into(), decision.counted.clone().into());
    details.insert("severity".into(), severity.as_str().into());
    details.insert("parent".into(), proposal.baseline.parent.clone().into());
    audit::append(
        &audit_path,
        accepted_at,
        &actor,
        EventKind::Accepted,
        Some(&proposal.id),
        Some(root),
        details,
    )?;
    remove_proposal(&cx, &proposal.id)?;
    ui.status(format!(
        "accepted {} as the baseline (root {}), approved by {}",
        proposal.id,
        short(root),
        decision.counted.join(", ")
    ));
    Ok(Exit::Clean)
}

/// Returns the highest severity of the changes `proposal` makes to `current`.
///
/// Recomputed from the stored trees with the active rules rather than read from the
/// proposal file, whose change set is only a display copy: editing it must not lower
/// what the policy asks for.
pub fn proposal_severity(
    cx: &Context,
    current: Option<&Baseline>,
    proposal: &Proposal,
) -> Result<Severity, Error> {
    let old = current.map(Baseline::tree).unwrap_or_default();
    let new = proposal.baseline.tree();
    let objects = cx.store.objects();
    let files = Comparer::new(&cx.config, &cx.settings, &cx.rules)
        .compare(&old, &new, &objects, &objects)?;
    Ok(files
        .iter()
        .map(|f| f.severity)
        .max()
        .unwrap_or(cx.rules.default_severity()))
}

/// Removes a proposal's file and its approvals directory.
pub fn remove_proposal(cx: &Context, id: &str) -> Result<(), Error> {
    let dir = baseline::approvals_dir(&cx.store, id);
    if dir.exists() {
        std::fs::remove_dir_all(&dir).map_err(store::StoreError::io("remove", &dir))?;
    }
    let file = baseline::proposal_path(&cx.store, id);
    std::fs::remove_file(&file).map_err(store::StoreError::io("remove", &file))?;
    Ok(())
}
