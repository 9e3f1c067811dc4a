//! SSH signatures over approval statements: the SSHSIG format of `ssh-keygen -Y sign`,
//! namespace `driftgate`, so that signatures interoperate with OpenSSH both ways.
//!
//! Owns reading key files, the three ways of signing (a local Ed25519/ECDSA key, a
//! running ssh-agent, `ssh-keygen -Y sign` for the rest) and checking a signature's
//! cryptography. Does not decide whom a key may sign for (see `signers`), and never
//! prompts: a caller that needs a passphrase asks for it and passes it in.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use ssh_key::{Algorithm, HashAlg, LineEnding, PrivateKey, PublicKey, SshSig, public::KeyData};

/// The SSHSIG namespace of approval signatures.
pub const NAMESPACE: &str = "driftgate";

/// Returns the `SHA256:...` fingerprint of a key, as `ssh-keygen -l` shows it.
pub fn fingerprint(key: &KeyData) -> String {
    key.fingerprint(HashAlg::Sha256).to_string()
}

/// Errors of signing.
///
/// Messages name the key file but never contain key material or a passphrase.
#[derive(Debug, thiserror::Error)]
pub enum SignError {
    /// The key file could not be read.
    #[error("cannot read key `{}`: {source}", path.display())]
    Io {
        /// The key file.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// The file holds no SSH key that driftgate can read.
    #[error("`{}` is not an OpenSSH private or public key", path.display())]
    NotAKey {
        /// The file.
        path: PathBuf,
    },
    /// The passphrase does not decrypt the key.
    #[error("wrong passphrase for key `{}`", path.display())]
    WrongPassphrase {
        /// The key file.
        path: PathBuf,
    },
    /// Signing itself failed.
    #[error("cannot sign with key `{}`: {message}", path.display())]
    Sign {
        /// The key file (or the agent socket).
        path: PathBuf,
        /// Why.
        message: String,
    },
    /// The agent could not be reached or refused.
    #[error("ssh-agent at `{}`: {message}", socket.display())]
    Agent {
        /// `SSH_AUTH_SOCK`.
        socket: PathBuf,
        /// What failed.
        message: String,
    },
    /// `ssh-keygen -Y sign` could not be run or failed.
    #[error("`ssh-keygen -Y sign` failed for key `{}`: {message}", path.display())]
    Keygen {
        /// The key file.
        path: PathBuf,
        /// Its message, one line.
        message: String,
    },
}

/// Why a signature does not verify, as shown in `accept`, `explain` and `verify`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BadSignature {
    /// Not an armored SSHSIG.
    #[error("its signature is not an SSH signature ({0})")]
    Malformed(String),
    /// Made for another namespace (`git`, `file`, ...).
    #[error("its signature was made for namespace `{0}`, not `{NAMESPACE}`")]
    Namespace(String),
    /// The signature does not match the statement's bytes.
    #[error("its signature does not match the statement (changed after signing?)")]
    Mismatch,
    /// A key type or hash driftgate cannot check.
    #[error("its signature uses an unsupported algorithm ({0})")]
    Unsupported(String),
}

/// A key file given to `--sign`.
#[derive(Debug, Clone)]
pub struct KeyFile {
    /// Where it was read from.
    pub path: PathBuf,
    /// The private key, when the file holds one in OpenSSH format (maybe encrypted).
    pub private: Option<PrivateKey>,
    /// The public key, when known (from the private key, the file itself, or
    /// `<file>.pub` next to a private key in another format).
    pub public: Option<PublicKey>,
}

impl KeyFile {
    /// Reads the key at `path`: an OpenSSH private key, or a public key whose private
    /// half is in ssh-agent.
    ///
    /// Private keys in other formats (PEM RSA) are accepted for `ssh-keygen -Y sign`;
    /// their public key is read from `<path>.pub` when present.
    pub fn read(path: &Path) -> Result<KeyFile, SignError> {
        let io = |source| SignError::Io {
            path: path.to_path_buf(),
            source,
        };
        let bytes = std::fs::read(path).map_err(io)?;
        let text = String::from_utf8_lossy(&bytes);
        if let Ok(private) = PrivateKey::from_openssh(text.as_bytes()) {
            return Ok(KeyFile {
                path: path.to_path_buf(),
                public: Some(private.public_key().clone()),
                private: Some(private),
            });
        }
        if let Ok(public) = PublicKey::from_openssh(text.trim()) {
            return Ok(KeyFile {
                path: path.to_path_buf(),
                private: None,
                public: Some(public),
            });
        }
        if text.trim_start().starts_with("-----BEGIN") && text.contains("PRIVATE KEY-----") {
            let mut pub_path = path.as_os_str().to_owned();
            pub_path.push(".pub");
            let public = std::fs::read_to_string(PathBuf::from(pub_path))
                .ok()
                .and_then(|t| PublicKey::from_openssh(t.trim()).ok());
            return Ok(KeyFile {
                path: path.to_path_buf(),
                private: None,
                public,
            });
        }
        Err(SignError::NotAKey {
            path: path.to_path_buf(),
        })
    }

    /// Returns whether the file holds only a public key.
    pub fn is_public_only(&self) -> bool {
        self.private.is_none() && !self.is_foreign_private()
    }

    /// Returns whether the file is a private key in a format only `ssh-keygen` reads.
    pub fn is_foreign_private(&self) -> bool {
        self.private.is_none()
            && std::fs::read_to_string(&self.path).is_ok_and(|t| t.contains("PRIVATE KEY-----"))
    }

    /// Returns whether driftgate signs with this key itself (Ed25519 and ECDSA).
    ///
    /// RSA keys are not: the `rsa` crate's private-key operations are not constant
    /// time (RUSTSEC-2023-0071), so they go through ssh-agent or `ssh-keygen`.
    pub fn signs_natively(&self) -> bool {
        self.private
            .as_ref()
            .is_some_and(|k| matches!(k.algorithm(), Algorithm::Ed25519 | Algorithm::Ecdsa { .. }))
    }

    /// Returns whether the private key needs a passphrase.
    pub fn is_encrypted(&self) -> bool {
        self.private.as_ref().is_some_and(PrivateKey::is_encrypted)
    }

    /// Returns the fingerprint of the key, when its public half is known.
    pub fn fingerprint(&self) -> Option<String> {
        self.public.as_ref().map(|p| fingerprint(p.key_data()))
    }
}

/// Signs `msg` with the local key `key`, decrypting it with `passphrase` if needed;
/// returns the armored signature.
pub fn sign_with_key(
    key: &KeyFile,
    passphrase: Option<&[u8]>,
    msg: &[u8],
) -> Result<String, SignError> {
    let sign_err = |message: String| SignError::Sign {
        path: key.path.clone(),
        message,
    };
    let private = key
        .private
        .as_ref()
        .ok_or_else(|| sign_err("the file holds no OpenSSH private key".into()))?;
    let decrypted;
    let private = if private.is_encrypted() {
        let pass = passphrase.ok_or_else(|| sign_err("the key needs a passphrase".into()))?;
        decrypted = private
            .decrypt(pass)
            .map_err(|_| SignError::WrongPassphrase {
                path: key.path.clone(),
            })?;
        &decrypted
    } else {
        private
    };
    let sig = private
        .sign(NAMESPACE, HashAlg::Sha512, msg)
        .map_err(|e| sign_err(e.to_string()))?;
    sig.to_pem(LineEnding::LF)
        .map_err(|e| sign_err(e.to_string()))
}

fn agent_err(socket: &Path) -> impl Fn(String) -> SignError + '_ {
    move |message| SignError::Agent {
        socket: socket.to_path_buf(),
        message,
    }
}

/// Returns the public keys held by the ssh-agent listening on `socket`.
pub fn agent_keys(socket: &Path) -> Result<Vec<PublicKey>, SignError> {
    let err = agent_err(socket);
    let mut client = ssh_agent_client_rs::Client::connect(socket)
        .map_err(|e| err(format!("cannot connect: {}", one_line(&e))))?;
    let ids = client
        .list_all_identities()
        .map_err(|e| err(format!("cannot list keys: {}", one_line(&e))))?;
    Ok(ids
        .into_iter()
        .filter_map(|id| match id {
            ssh_agent_client_rs::Identity::PublicKey(pk) => Some(pk.into_owned()),
            ssh_agent_client_rs::Identity::Certificate(_) => None,
        })
        .collect())
}

/// Signs `msg` with the key `public` held by the ssh-agent on `socket`; returns the
/// armored signature.
pub fn sign_with_agent(socket: &Path, public: &PublicKey, msg: &[u8]) -> Result<String, SignError> {
    let err = agent_err(socket);
    let data =
        SshSig::signed_data(NAMESPACE, HashAlg::Sha512, msg).map_err(|e| err(e.to_string()))?;
    let mut client = ssh_agent_client_rs::Client::connect(socket)
        .map_err(|e| err(format!("cannot connect: {}", one_line(&e))))?;
    let signature = client.sign(public, &data).map_err(|e| {
        err(format!(
            "refused to sign with key {}: {}",
            fingerprint(public.key_data()),
            one_line(&e)
        ))
    })?;
    let sig = SshSig::new(
        public.key_data().clone(),
        NAMESPACE,
        HashAlg::Sha512,
        signature,
    )
    .map_err(|e| err(e.to_string()))?;
    sig.to_pem(LineEnding::LF).map_err(|e| err(e.to_string()))
}

/// Signs `msg` by running `ssh-keygen -Y sign -f KEY -n driftgate` on a copy of it in a
/// private temp directory; returns the armored signature.
///
/// `ssh-keygen` asks for a passphrase itself, on the terminal, when the key has one;
/// its stdin is closed so that it never reads one from a pipe.
pub fn sign_with_keygen(program: &Path, key: &Path, msg: &[u8]) -> Result<String, SignError> {
    let err = |message: String| SignError::Keygen {
        path: key.to_path_buf(),
        message,
    };
    let dir = tempfile::tempdir().map_err(|e| err(format!("cannot create a temp dir: {e}")))?;
    let file = dir.path().join("statement.json");
    std::fs::write(&file, msg).map_err(|e| err(format!("cannot write a temp file: {e}")))?;
    let out = Command::new(program)
        .args(["-Y", "sign", "-n", NAMESPACE, "-f"])
        .arg(key)
        .arg(&file)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .output()
        .map_err(|e| err(format!("cannot run `{}`: {e}", program.display())))?;
    if !out.status.success() {
        let stderr = String::from_utf8_lossy(&out.stderr);
        let msg = stderr
            .lines()
            .map(str::trim)
            .rfind(|l| !l.is_empty())
            .unwrap_or("no message")
            .to_string();
        return Err(err(msg));
    }
    let mut sig = file.into_os_string();
    sig.push(".sig");
    std::fs::read_to_string(PathBuf::from(sig))
        .map_err(|e| err(format!("no signature written: {e}")))
}

/// Checks that `armored` is a `driftgate` SSHSIG over exactly `msg`; returns the key
/// that made it. Whether that key is trusted is the caller's question.
pub fn verify(armored: &str, msg: &[u8]) -> Result<KeyData, BadSignature> {
    let sig = SshSig::from_pem(armored.trim().as_bytes())
        .map_err(|e| BadSignature::Malformed(e.to_string()))?;
    if sig.namespace() != NAMESPACE {
        // Shown to people: bounded, control characters escaped.
        let ns: String = sig.namespace().chars().take(64).collect();
        return Err(BadSignature::Namespace(ns.escape_debug().to_string()));
    }
    let key = PublicKey::new(sig.public_key().clone(), "");
    key.verify(NAMESPACE, msg, &sig).map_err(|e| match e {
        ssh_key::Error::AlgorithmUnknown | ssh_key::Error::AlgorithmUnsupported { .. } => {
            BadSignature::Unsupported(sig.algorithm().to_string())
        }
        _ => BadSignature::Mismatch,
    })?;
    Ok(sig.public_key().clone())
}

fn one_line(e: &dyn std::error::Error) -> String {
    let mut s = e.to_string();
    let mut src = e.source();
    while let Some(inner) = src {
        s.push_str(": ");
        s.push_str(&inner.to_string());
        src = inner.source();
    }
    s.replace('\n', " ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ed25519() -> PrivateKey {
        PrivateKey::random(&mut ssh_key::rand_core::OsRng, Algorithm::Ed25519).unwrap()
    }

    fn key_file(private: PrivateKey) -> KeyFile {
        KeyFile {
            path: PathBuf::from("key"),
            public: Some(private.public_key().clone()),
            private: Some(private),
        }
    }

    #[test]
    fn native_signature_verifies_and_binds_bytes() {
        let k = key_file(ed25519());
        let sig = sign_with_key(&k, None, b"statement").unwrap();
        assert!(sig.starts_with("-----BEGIN SSH SIGNATURE-----"));
        let who = verify(&sig, b"statement").unwrap();
        assert_eq!(&who, k.public.as_ref().unwrap().key_data());
        assert_eq!(verify(&sig, b"statemenT"), Err(BadSignature::Mismatch));
        assert!(matches!(
            verify("not a signature", b"x"),
            Err(BadSignature::Malformed(_))
        ));
    }

    #[test]
    fn other_namespace_is_refused() {
        let k = ed25519();
        let sig = k
            .sign("git", HashAlg::Sha512, b"m")
            .unwrap()
            .to_pem(LineEnding::LF)
            .unwrap();
        assert_eq!(
            verify(&sig, b"m"),
            Err(BadSignature::Namespace("git".into()))
        );
    }

    #[test]
    fn encrypted_key_needs_the_right_passphrase() {
        let k = ed25519()
            .encrypt(&mut ssh_key::rand_core::OsRng, "correct horse")
            .unwrap();
        let f = key_file(k);
        assert!(f.is_encrypted());
        assert!(matches!(
            sign_with_key(&f, Some(b"wrong"), b"m"),
            Err(SignError::WrongPassphrase { .. })
        ));
        let sig = sign_with_key(&f, Some(b"correct horse"), b"m").unwrap();
        assert!(verify(&sig, b"m").is_ok());
        let msg = sign_with_key(&f, None, b"m").unwrap_err().to_string();
        assert!(msg.contains("passphrase") && !msg.contains("correct horse"));
    }
}
