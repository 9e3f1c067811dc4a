//! DSSE (Dead Simple Signing Envelope, v1.0): the JSON envelope and the
//! pre-authentication encoding (PAE) that its signatures cover.
//!
//! Signatures are SSHSIG, as gittuf makes them: `sig` is the base64 of the armored
//! `-----BEGIN SSH SIGNATURE-----` text over the PAE bytes, `keyid` the key's
//! `SHA256:` fingerprint. Pure data: signing and checking keys is the caller's.

use base64ct::{Base64, Encoding};
use serde::{Deserialize, Serialize};

/// A DSSE JSON envelope.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Envelope {
    /// Base64 of the serialized body.
    pub payload: String,
    /// How to interpret the payload (for in-toto: `application/vnd.in-toto+json`).
    #[serde(rename = "payloadType")]
    pub payload_type: String,
    /// One or more signatures over `pae(payload_type, payload)`.
    pub signatures: Vec<Signature>,
}

/// One signature of an envelope.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Signature {
    /// A hint for finding the key; unauthenticated. Unset is the same as empty.
    #[serde(default)]
    pub keyid: String,
    /// Base64 of the signature bytes (here: an armored SSHSIG).
    pub sig: String,
}

/// Why an envelope cannot be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DsseError {
    /// Not a DSSE JSON envelope.
    #[error("not a DSSE envelope: {0}")]
    Json(String),
    /// A field that must be base64 is not.
    #[error("its {0} is not base64")]
    Base64(&'static str),
}

/// Returns the DSSE pre-authentication encoding of `payload` of `payload_type`:
/// `"DSSEv1" SP LEN(type) SP type SP LEN(body) SP body`, lengths in decimal bytes.
pub fn pae(payload_type: &str, payload: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(payload.len() + payload_type.len() + 32);
    out.extend_from_slice(b"DSSEv1 ");
    out.extend_from_slice(payload_type.len().to_string().as_bytes());
    out.push(b' ');
    out.extend_from_slice(payload_type.as_bytes());
    out.push(b' ');
    out.extend_from_slice(payload.len().to_string().as_bytes());
    out.push(b' ');
    out.extend_from_slice(payload);
    out
}

/// Returns the base64 (standard alphabet, padded) of `bytes`.
pub fn b64(bytes: &[u8]) -> String {
    Base64::encode_string(bytes)
}

/// Decodes standard or URL-safe base64, as DSSE allows either.
pub fn unb64(text: &str, what: &'static str) -> Result<Vec<u8>, DsseError> {
    let t = text.trim();
    if let Ok(b) = Base64::decode_vec(t) {
        return Ok(b);
    }
    let standard: String = t
        .chars()
        .map(|c| match c {
            '-' => '+',
            '_' => '/',
            c => c,
        })
        .collect();
    let padded = match standard.len() % 4 {
        2 => format!("{standard}=="),
        3 => format!("{standard}="),
        _ => standard,
    };
    Base64::decode_vec(&padded).map_err(|_| DsseError::Base64(what))
}

impl Envelope {
    /// Returns an envelope of `payload` with no signature yet.
    pub fn new(payload_type: &str, payload: &[u8]) -> Envelope {
        Envelope {
            payload: b64(payload),
            payload_type: payload_type.to_string(),
            signatures: Vec::new(),
        }
    }

    /// Parses a JSON envelope.
    pub fn parse(bytes: &[u8]) -> Result<Envelope, DsseError> {
        serde_json::from_slice(bytes).map_err(|e| DsseError::Json(e.to_string()))
    }

    /// Returns the decoded payload.
    pub fn body(&self) -> Result<Vec<u8>, DsseError> {
        unb64(&self.payload, "payload")
    }

    /// Returns the bytes every signature covers.
    pub fn pae(&self) -> Result<Vec<u8>, DsseError> {
        Ok(pae(&self.payload_type, &self.body()?))
    }

    /// Returns the envelope as pretty JSON with a final newline.
    pub fn to_bytes(&self) -> Vec<u8> {
        crate::store::to_json_bytes(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pae_matches_the_specification_vector() {
        assert_eq!(
            pae("http://example.com/HelloWorld", b"hello world"),
            b"DSSEv1 29 http://example.com/HelloWorld 11 hello world"
        );
        let e = Envelope::new("http://example.com/HelloWorld", b"hello world");
        assert_eq!(e.payload, "aGVsbG8gd29ybGQ=");
        assert_eq!(e.pae().unwrap(), pae(&e.payload_type, b"hello world"));
    }

    #[test]
    fn both_base64_alphabets_decode() {
        assert_eq!(unb64("aGk/Pz8+", "x").unwrap(), b"hi???>");
        assert_eq!(unb64("aGk_Pz8-", "x").unwrap(), b"hi???>");
        assert_eq!(unb64("aGVsbG8", "x").unwrap(), b"hello");
        assert_eq!(unb64("!!", "payload"), Err(DsseError::Base64("payload")));
    }

    #[test]
    fn unset_keyid_reads_as_empty() {
        let e = Envelope::parse(br#"{"payload":"","payloadType":"t","signatures":[{"sig":""}]}"#)
            .unwrap();
        assert_eq!(e.signatures[0].keyid, "");
        assert!(Envelope::parse(b"{}").is_err());
    }
}
