//! `driftgate notify test`: send a sample event to every `[[notify]]` target.

use super::{Context, env_var, identity, outbox};
use crate::actor::Actor;
use crate::change::Report;
use crate::change::Severity;
use crate::change::{Change, ChangeKind, FileReport, FileStatus};
use crate::cli::GlobalArgs;
use crate::error::{Error, Exit};
use crate::event::{Event, EventType, ProposalInfo};
use crate::notify;
use crate::ui::Ui;

/// The `notify` subcommands.
#[derive(Debug, clap::Subcommand)]
pub enum NotifyCommand {
    Test(TestArgs),
}

/// Send a sample event to every `[[notify]]` target and print each response status
///
/// Sends to every target, whatever its `events`, with the same body, signature,
/// timeout and retries as real events. The sample names no real proposal. Exits 0
/// when every target accepted it, 1 when one did not, 2 when none is configured.
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:
  driftgate notify test                    a sample `proposed` event to every target
  driftgate notify test --event drift")]
pub struct TestArgs {
    /// The kind of event to send
    #[arg(long, value_name = "EVENT", default_value = "proposed", value_parser = ["proposed", "approved", "accepted", "rejected", "drift", "expired"])]
    pub event: String,
}

/// Runs `notify test`.
pub fn run(ui: &mut Ui, g: &GlobalArgs, cmd: &NotifyCommand) -> Result<Exit, Error> {
    let NotifyCommand::Test(args) = cmd;
    let cx = Context::load(g)?;
    if cx.config.notify.is_empty() {
        return Err(
            Error::input("driftgate.toml has no `[[notify]]` targets").hint(
                "add one: `[[notify]]` with `url = \"${SLACK_WEBHOOK}\"` and `format = \"slack\"`",
            ),
        );
    }
    let kind = EventType::from_name(&args.event)
        .ok_or_else(|| Error::input(format!("unknown event `{}`", args.event)))?;
    let principal = identity(None, &cx.root).unwrap_or_else(|_| "unknown".into());
    let actor = super::actor_of(&principal, &super::RunArgs::default(), &cx.config.policy)?;
    let event = sample(kind, &outbox::repository(&cx), actor, cx.clock.stamp()).sealed();
    let targets: Vec<&notify::NotifyTarget> = cx.config.notify.iter().collect();
    let mut failed = false;
    for d in notify::deliver(
        &targets,
        &event,
        &env_var,
        std::time::Duration::from_millis(500),
    ) {
        let status = d
            .status
            .map_or_else(|| "no response".to_string(), |s| s.to_string());
        match &d.error {
            None => writeln!(
                ui.out(),
                "{}  {}  {status}  ({} try(s))",
                d.format.as_str(),
                d.target,
                d.tries
            )?,
            Some(e) => {
                failed = true;
                writeln!(
                    ui.out(),
                    "{}  {}  {status}  ({} try(s)): {e}",
                    d.format.as_str(),
                    d.target,
                    d.tries
                )?;
            }
        }
    }
    Ok(if failed { Exit::Drift } else { Exit::Clean })
}

/// Returns a sample event of `kind`: a made-up proposal changing one image.
fn sample(kind: EventType, repository: &str, actor: Actor, at: String) -> Event {
    let mut change = Change::new(
        ChangeKind::Changed,
        Some("apps/v1/Deployment/prod/web".into()),
        "spec.template.spec.containers[name=web].image",
        Some("registry.example/web:1.4".into()),
        Some("registry.example/web:1.5".into()),
    );
    change.severity = Severity::High;
    change.rule = Some("k8s-image".into());
    change.rules = vec!["k8s-image".into()];
    change.controls = vec![
        "ISO27001:A.8.32".into(),
        "NIST-800-53:CM-3".into(),
        "SOC2:CC8.1".into(),
    ];
    let report = Report::new(
        ".".into(),
        None,
        vec![FileReport {
            path: "k8s/web.yaml".into(),
            status: FileStatus::Modified,
            format: "yaml".into(),
            severity: Severity::High,
            message: None,
            changes: vec![change],
        }],
        true,
    );
    let mut e = Event::new(kind, at, repository, actor.clone()).with_report(&report, None);
    e.root_hash = Some("0".repeat(64));
    e.details
        .insert("test".into(), "sent by `driftgate notify test`".into());
    if kind != EventType::Drift {
        e.proposal = Some(ProposalInfo {
            id: "000000000000".into(),
            requester: Some(actor),
            reason: Some("a sample event from `driftgate notify test`".into()),
            created_at: Some(e.time.clone()),
            signed: false,
            parent: None,
            approvals: None,
            approve_command: crate::event::approve_command("000000000000"),
            link: None,
        });
    }
    e
}
