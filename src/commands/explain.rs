//! `driftgate explain`: what a proposal needs before it can be accepted.

use serde::Serialize;

use super::Context;
use crate::baseline::short;
use crate::cli::{GlobalArgs, ListingFormat, ListingFormatArg};
use crate::error::{Error, Exit};
use crate::lifecycle::proposal::{checked_proposal, judge};
use crate::policy::{self, Decision};
use crate::report::render::listing::Lines;
use crate::ui::Ui;

/// Explain what a proposal needs before it can be accepted
///
/// Prints the approvals required (in total and per path rule), who may give them,
/// which approvals it has, and which do not count and why, all under the policy and
/// allowed_signers of the parent baseline. Exits 0 when `accept` would succeed,
/// 1 when approvals are missing.
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:
  driftgate explain                        what the only pending proposal still needs
  driftgate explain 3f2a9c1b7d4e --format json")]
pub struct ExplainArgs {
    #[command(flatten)]
    pub format: ListingFormatArg,
    /// The proposal id (or a unique prefix); may be omitted when only one is pending
    #[arg(value_name = "ID")]
    pub id: Option<String>,
}

#[derive(Serialize)]
struct Explained<'a> {
    schema: &'static str,
    proposal: &'a str,
    requester: &'a str,
    root_hash: &'a str,
    parent: Option<&'a str>,
    judged_by: Option<&'a str>,
    satisfied: bool,
    may_approve: std::collections::BTreeMap<String, Vec<String>>,
    decision: &'a Decision,
}

/// Runs `explain`.
pub fn run(ui: &mut Ui, g: &GlobalArgs, args: &ExplainArgs) -> Result<Exit, Error> {
    let cx = Context::load(g)?;
    let proposal = checked_proposal(&cx, args.id.as_deref())?;
    let j = judge(&cx, &proposal)?;
    let d = &j.decision;
    let may = policy::may_approve(
        &j.case.in_force.policy,
        &j.case.in_force.trust,
        &j.case.subject,
    );
    let exit = if d.satisfied() {
        Exit::Clean
    } else {
        Exit::Drift
    };
    if args.format.format == ListingFormat::Json {
        let e = Explained {
            schema: "driftgate.explain/v1",
            proposal: &proposal.id,
            requester: &proposal.requester,
            root_hash: &proposal.baseline.root_hash,
            parent: proposal.baseline.parent.as_deref(),
            judged_by: j
                .case
                .in_force
                .parent
                .as_ref()
                .map(|p| p.root_hash.as_str()),
            satisfied: d.satisfied(),
            may_approve: may,
            decision: d,
        };
        crate::report::render::listing::json(&e, ui.out())?;
        return Ok(exit);
    }
    let mut t = Lines::default();
    let requester = proposal.requester_actor();
    t.line(format!(
        "proposal {} by {}: {}",
        proposal.id,
        if requester.kind.is_machine() || requester.tool.is_some() {
            requester.describe()
        } else {
            requester.principal.clone()
        },
        if proposal.reason.is_empty() {
            "(no reason given)"
        } else {
            &proposal.reason
        }
    ));
    t.line(format!(
        "judged by the policy, allowed_signers and rules of {}",
        j.case.in_force.source()
    ));
    if let Some(key) = &d.requester.signed_by {
        t.line(format!(
            "requested by {}, signed by key {key}",
            d.requester.principal
        ));
    }
    if d.requester.machine {
        t.line(format!(
            "requested by a machine ({}): approvals by machines and in CI {}",
            if d.requester.kind.is_machine() {
                d.requester.kind.as_str()
            } else {
                "`policy.actors.machines`"
            },
            if j.case.in_force.policy.actors.machine_approvals_count {
                "count"
            } else {
                "do not count"
            }
        ));
    }
    let req = &d.requirement;
    if let Some(top) = j.case.subject.severity() {
        t.line(format!(
            "highest severity: {}: {}",
            top.as_str(),
            req.causes.join(", ")
        ));
    }
    t.line(format!(
        "requires {} approval(s) from distinct principals and distinct keys",
        d.required
    ));
    if req.by_severity() || req.machine_requester {
        t.line(format!("  {}", req.reason));
    }
    let policy = &j.case.in_force.policy;
    if let Some(ttl) = &policy.approval_ttl {
        t.line(format!(
            "  an approval counts for {ttl} after it is given (`policy.approval_ttl`)"
        ));
    }
    if let Some(ttl) = &policy.proposal_ttl {
        t.line(format!(
            "  the proposal may be accepted for {ttl} after it was made (`policy.proposal_ttl`)"
        ));
    }
    t.line(format!(
        "  {}; {}",
        if d.require_signatures {
            "signed approvals only"
        } else {
            "signed or interactive approvals"
        },
        if d.allow_self_approval {
            format!("{} may approve their own proposal", proposal.requester)
        } else {
            format!("not by the requester {}", proposal.requester)
        }
    ));
    for s in &d.scoped {
        t.line(format!(
            "  and {} from {} for {}: {} counted",
            s.required,
            crate::policy::ticked(&s.approvers),
            crate::policy::ticked(&s.files),
            s.have.len()
        ));
    }
    if may.is_empty() {
        t.line("may sign: nobody (allowed_signers lists no key for namespace `driftgate`)");
    } else {
        t.line("may sign (allowed_signers):");
        for (who, keys) in &may {
            t.line(format!("  {who}  {}", keys.join(", ")));
        }
    }
    if !d.require_signatures {
        let who = match (&req.approvers, d.allow_self_approval) {
            (None, true) => "anyone".to_string(),
            (None, false) => "anyone but the requester".to_string(),
            (Some(list), true) => list.join(", "),
            (Some(list), false) => format!("{} (not the requester)", list.join(", ")),
        };
        t.line(format!("may approve interactively: {who}, at a terminal"));
    }
    t.line(format!("counted ({}):", d.counted.len()));
    for c in &d.counted {
        t.line(format!(
            "  {}  {}",
            c.principal,
            c.key
                .as_deref()
                .map_or("unsigned".to_string(), |k| format!("signed, key {k}"))
        ));
    }
    if !d.not_counted.is_empty() {
        t.line(format!("not counted ({}):", d.not_counted.len()));
        for n in &d.not_counted {
            t.line(format!("  {}: {}", n.principal, n.reason));
        }
    }
    if d.satisfied() {
        t.line(format!(
            "satisfied: `driftgate accept {}` will accept it (root {})",
            proposal.id,
            short(&proposal.baseline.root_hash)
        ));
    } else {
        for s in d.shortfalls() {
            t.line(format!("missing: {s}"));
        }
    }
    t.render(ui.out())?;
    Ok(exit)
}
