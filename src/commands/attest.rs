//! `driftgate attest`: an accepted baseline as an in-toto attestation signed by one of
//! its approvers.

use std::path::PathBuf;

use super::Context;
use crate::approval::signers::fingerprint;
use crate::approval::sshsig::{self, KeyFile};
use crate::attest;
use crate::baseline::short;
use crate::cli::GlobalArgs;
use crate::error::{Error, Exit};
use crate::ui::Ui;

/// Export an accepted baseline as an in-toto attestation signed with your SSH key
///
/// Writes a DSSE envelope holding an in-toto Statement v1: its subject is the baseline
/// (root hash and the SHA-256 of baseline.json), its predicate
/// (`https://driftgate.dev/approval/v1`) the change summary, the approvals and the
/// policy decision. The signature is an SSH signature (namespace `driftgate`) over the
/// envelope's PAE bytes, made with KEY, which the allowed_signers in force must list
/// for one of the baseline's approvers: each approver signs their own envelope. Check
/// one with `driftgate verify --attestation FILE`.
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:
  driftgate attest --sign ~/.ssh/id_ed25519 --out approval.intoto.json
  driftgate verify --attestation approval.intoto.json")]
pub struct AttestArgs {
    /// The accepted baseline's root hash (or a unique prefix); default: the current one
    #[arg(value_name = "ROOT")]
    pub baseline: Option<String>,
    /// Sign with this SSH key: a private key file, or a public key held by ssh-agent
    #[arg(long, value_name = "KEY", required = true)]
    pub sign: PathBuf,
    /// Sign as this approver, when KEY is listed for more than one of them
    #[arg(long = "as", value_name = "NAME")]
    pub as_: Option<String>,
    /// Write the envelope to FILE instead of stdout
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
}

/// Runs `attest`.
pub fn run(ui: &mut Ui, g: &GlobalArgs, args: &AttestArgs) -> Result<Exit, Error> {
    let cx = Context::load(g)?;
    let out = match &args.out {
        Some(path) => Some(super::export_path(&cx, path)?),
        None => None,
    };
    let attested = attest::load(&cx.store, args.baseline.as_deref())?;
    let root = attested.record.baseline.root_hash.clone();
    let key = KeyFile::read(&args.sign)?;
    let public = key.public.clone().ok_or_else(|| {
        Error::input(format!(
            "the public key of `{}` is unknown",
            args.sign.display()
        ))
        .hint("put the public key next to it as `KEY.pub`")
    })?;
    let mut principals = attested.principals_of(public.key_data());
    if let Some(who) = &args.as_ {
        principals.retain(|p| p == who);
    }
    let principal = match principals.as_slice() {
        [one] => one.clone(),
        [] => {
            let approvers: Vec<&str> = attested
                .record
                .approvals
                .iter()
                .map(|a| a.statement.principal.as_str())
                .collect();
            return Err(Error::input(format!(
                "key {} may not sign for {} of baseline {} under the allowed_signers of {}",
                fingerprint(public.key_data()),
                match &args.as_ {
                    Some(who) => format!("`{who}`, an approver"),
                    None => format!("any approver ({})", approvers.join(", ")),
                },
                short(&root),
                attested.in_force.source()
            ))
            .hint("an attestation is signed by one of the people who approved the baseline"));
        }
        many => {
            return Err(Error::input(format!(
                "key {} is listed for several approvers ({}); choose one with `--as NAME`",
                fingerprint(public.key_data()),
                many.join(", ")
            )));
        }
    };
    let armored = sign(ui, &key, &attested.pae())?;
    // Check what was made exactly as `verify --attestation` will.
    let envelope = attested.envelope(public.key_data(), &armored);
    let bytes = envelope.to_bytes();
    attest::verify(&cx.store, &bytes, "(new attestation)")?;
    match (&out, &args.out) {
        (Some(path), Some(shown)) => {
            crate::store::write_atomic(path, &bytes)?;
            ui.status(format!(
                "wrote `{}`: baseline {} attested by {principal} with key {}",
                shown.display(),
                short(&root),
                fingerprint(public.key_data())
            ));
        }
        _ => ui.out().write_all(&bytes)?,
    }
    Ok(Exit::Clean)
}

/// Signs `msg` with `k`: through ssh-agent when the file is a public key, natively for
/// Ed25519/ECDSA, else with `ssh-keygen -Y sign`.
fn sign(ui: &mut Ui, k: &KeyFile, msg: &[u8]) -> Result<String, Error> {
    if k.is_public_only() {
        let socket = std::env::var_os("SSH_AUTH_SOCK")
            .filter(|s| !s.is_empty())
            .map(PathBuf::from)
            .ok_or_else(|| {
                Error::input(format!(
                    "`{}` is a public key, and `SSH_AUTH_SOCK` is not set to reach the ssh-agent holding its private key",
                    k.path.display()
                ))
            })?;
        let public = k
            .public
            .as_ref()
            .ok_or_else(|| Error::input("the public key is unknown"))?;
        return Ok(sshsig::sign_with_agent(&socket, public, msg)?);
    }
    super::sign_with_private_key(
        ui,
        k,
        msg,
        format!(
            "load it with `ssh-add {}` and pass its `.pub`",
            k.path.display()
        ),
    )
}
