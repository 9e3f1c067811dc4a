//! `driftgate explain`: what a proposal needs before it can be accepted.

use serde::Serialize;

use super::Context;
use crate::baseline::short;
use crate::cli::{GlobalArgs, ListingFormat, ListingFormatArg};
use crate::error::{Error, Exit};
use crate::lifecycle::proposal::{checked_proposal, judge};
use crate::policy::{self, Decision};
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
        serde_json::to_writer_pretty(ui.out(), &e).map_err(std::io::Error::from)?;
        writeln!(ui.out())?;
        return Ok(exit);
    }
    let mut t = String::new();
    let requester = proposal.requester_actor();
    t.push_str(&format!(
        "proposal {} by {}: {}\n",
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
    t.push_str(&format!(
        "judged by the policy, allowed_signers and rules of {}\n",
        j.case.in_force.source()
    ));
    if let Some(key) = &d.requester.signed_by {
        t.push_str(&format!(
            "requested by {}, signed by key {key}\n",
            d.requester.principal
        ));
    }
    if d.requester.machine {
        t.push_str(&format!(
            "requested by a machine ({}): approvals by machines and in CI {}\n",
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
        t.push_str(&format!(
            "highest severity: {}: {}\n",
            top.as_str(),
            req.causes.join(", ")
        ));
    }
    t.push_str(&format!(
        "requires {} approval(s) from distinct principals and distinct keys\n",
        d.required
    ));
    if req.by_severity() || req.machine_requester {
        t.push_str(&format!("  {}\n", req.reason));
    }
    let policy = &j.case.in_force.policy;
    if let Some(ttl) = &policy.approval_ttl {
        t.push_str(&format!(
            "  an approval counts for {ttl} after it is given (`policy.approval_ttl`)\n"
        ));
    }
    if let Some(ttl) = &policy.proposal_ttl {
        t.push_str(&format!(
            "  the proposal may be accepted for {ttl} after it was made (`policy.proposal_ttl`)\n"
        ));
    }
    t.push_str(&format!(
        "  {}; {}\n",
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
        t.push_str(&format!(
            "  and {} from {} for {}: {} counted\n",
            s.required,
            crate::policy::ticked(&s.approvers),
            crate::policy::ticked(&s.files),
            s.have.len()
        ));
    }
    if may.is_empty() {
        t.push_str("may sign: nobody (allowed_signers lists no key for namespace `driftgate`)\n");
    } else {
        t.push_str("may sign (allowed_signers):\n");
        for (who, keys) in &may {
            t.push_str(&format!("  {who}  {}\n", keys.join(", ")));
        }
    }
    if !d.require_signatures {
        let who = match (&req.approvers, d.allow_self_approval) {
            (None, true) => "anyone".to_string(),
            (None, false) => "anyone but the requester".to_string(),
            (Some(list), true) => list.join(", "),
            (Some(list), false) => format!("{} (not the requester)", list.join(", ")),
        };
        t.push_str(&format!(
            "may approve interactively: {who}, at a terminal\n"
        ));
    }
    t.push_str(&format!("counted ({}):\n", d.counted.len()));
    for c in &d.counted {
        t.push_str(&format!(
            "  {}  {}\n",
            c.principal,
            c.key
                .as_deref()
                .map_or("unsigned".to_string(), |k| format!("signed, key {k}"))
        ));
    }
    if !d.not_counted.is_empty() {
        t.push_str(&format!("not counted ({}):\n", d.not_counted.len()));
        for n in &d.not_counted {
            t.push_str(&format!("  {}: {}\n", n.principal, n.reason));
        }
    }
    if d.satisfied() {
        t.push_str(&format!(
            "satisfied: `driftgate accept {}` will accept it (root {})\n",
            proposal.id,
            short(&proposal.baseline.root_hash)
        ));
    } else {
        for s in d.shortfalls() {
            t.push_str(&format!("missing: {s}\n"));
        }
    }
    write!(ui.out(), "{t}")?;
    Ok(exit)
}
