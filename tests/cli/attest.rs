//! `driftgate attest` and `verify --attestation`: in-toto statements in DSSE envelopes
//! signed with the approvers' SSH keys, read by the third-party Python libraries
//! `securesystemslib` (DSSE) and `in-toto-attestation` (Statement v1), whose PAE bytes
//! the real `ssh-keygen` verifies; every tampering is refused with exit 3.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use driftgate::attest::dsse;

use crate::common::TestEnv;
use crate::common::keys::{Agent, keygen_sign};
use crate::evidence::signed_history;

/// Parses `envelope` with securesystemslib's DSSE `Envelope` and the payload with
/// in-toto-attestation's `Statement` (validated); writes the PAE the library computes
/// to `<dir>/pae` and each signature to `<dir>/sig<N>`; returns what it read as JSON.
fn third_party_read(envelope: &Path, dir: &Path) -> serde_json::Value {
    const READ: &str = r#"
import json, sys
try:
    from securesystemslib.dsse import Envelope
    from in_toto_attestation.v1.statement import Statement
    from in_toto_attestation.v1 import statement_pb2
    from google.protobuf import json_format
except ImportError as e:
    sys.stderr.write("MISSING-LIBRARY %s" % e)
    sys.exit(3)
env = Envelope.from_dict(json.load(open(sys.argv[1], encoding="utf-8")))
out = sys.argv[2]
open(out + "/pae", "wb").write(env.pae())
sigs = list(env.signatures.values())
for i, s in enumerate(sigs):
    open(out + "/sig%d" % i, "wb").write(bytes.fromhex(s.signature))
pb = json_format.Parse(env.payload, statement_pb2.Statement())
st = Statement.copy_from_pb(pb)
st.validate()
print(json.dumps({
    "payload_type": env.payload_type,
    "keyids": [s.keyid for s in sigs],
    "type": pb.type,
    "predicate_type": pb.predicate_type,
    "subject": [{"name": s.name, "digest": dict(s.digest)} for s in pb.subject],
    "predicate": json_format.MessageToDict(pb.predicate),
}))
"#;
    let out = Command::new("python3")
        .args(["-c", READ])
        .arg(envelope)
        .arg(dir)
        .stdin(Stdio::null())
        .output()
        .unwrap_or_else(|e| panic!("this test needs python3: {e}"));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        !stderr.contains("MISSING-LIBRARY"),
        "this test needs the Python packages securesystemslib and in-toto-attestation \
         (`pip install securesystemslib in-toto-attestation`, as .ci/run does): {stderr}"
    );
    assert!(
        out.status.success(),
        "the third-party reader failed:\n{stderr}"
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

/// Runs `ssh-keygen -Y verify -n driftgate` on `data` with signature `sig`.
fn keygen_verify(signers: &Path, who: &str, sig: &Path, data: &Path) -> (bool, String) {
    let out = Command::new("ssh-keygen")
        .args(["-Y", "verify", "-n", "driftgate", "-I", who, "-f"])
        .arg(signers)
        .arg("-s")
        .arg(sig)
        .stdin(std::fs::File::open(data).unwrap())
        .output()
        .unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr),
    )
}

fn envelope(path: &Path) -> serde_json::Value {
    serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap()
}

fn payload(e: &serde_json::Value) -> serde_json::Value {
    let body = dsse::unb64(e["payload"].as_str().unwrap(), "payload").unwrap();
    serde_json::from_slice(&body).unwrap()
}

fn write(path: &Path, v: &serde_json::Value) {
    std::fs::write(path, serde_json::to_vec_pretty(v).unwrap()).unwrap();
}

fn out(env: &TestEnv, name: &str) -> (PathBuf, String) {
    (env.home.join(name), format!("../home/{name}"))
}

#[test]
fn third_party_libraries_read_the_envelope_and_ssh_keygen_verifies_its_pae() {
    let env = TestEnv::init(&[]);
    let (bob, _dave) = signed_history(&env);
    let root = env.root_hash();
    let (file, arg) = out(&env, "bob.intoto.json");
    let r = env.run(&["attest", "--sign", bob.arg(), "--out", &arg]);
    insta::assert_snapshot!(r, @"
    --- stderr ---
    wrote `../home/bob.intoto.json`: baseline [H1] attested by bob@example.com with key [KEY:bob]
    [exit: 0]
    ");
    assert_eq!(r.stdout, "");

    let dir = env.home.join("read");
    std::fs::create_dir_all(&dir).unwrap();
    let read = third_party_read(&file, &dir);
    assert_eq!(read["payload_type"], "application/vnd.in-toto+json");
    assert_eq!(read["type"], "https://in-toto.io/Statement/v1");
    assert_eq!(read["predicate_type"], "https://driftgate.dev/approval/v1");
    assert_eq!(read["keyids"], serde_json::json!([bob.fingerprint]));
    assert_eq!(read["subject"][0]["name"], ".driftgate/baseline.json");
    assert_eq!(read["subject"][0]["digest"]["driftgateRoot"], root);
    let sha = read["subject"][0]["digest"]["sha256"].as_str().unwrap();
    let baseline_sha = Command::new("sha256sum")
        .arg(env.root.join(".driftgate/baseline.json"))
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&baseline_sha.stdout).starts_with(sha));
    let p = &read["predicate"];
    assert_eq!(p["baseline"]["root_hash"], root);
    assert_eq!(p["proposal"]["requester"], "alice");
    assert_eq!(p["proposal"]["requester_kind"], "agent");
    assert_eq!(p["proposal"]["requester_tool"], "release-bot");
    assert_eq!(p["approvals"][1]["kind"], "human");
    assert_eq!(p["proposal"]["reason"], "scale | up");
    assert_eq!(p["accepted"]["by"], "carol");
    assert_eq!(p["changes"]["paths"], serde_json::json!(["a.yaml"]));
    // A change to a.yaml alone fires no rule, so it maps to no control.
    assert_eq!(p["changes"]["controls"], serde_json::json!([]));
    let approvers: Vec<&str> = p["approvals"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["principal"].as_str().unwrap())
        .collect();
    assert_eq!(approvers, ["bob@example.com", "dave@example.com"]);
    assert_eq!(p["approvals"][0]["key"], bob.fingerprint);
    assert_eq!(p["policy"]["decision"]["satisfied"], true);
    assert_eq!(p["policy"]["policy"]["require_signatures"], true);

    // The PAE the library computed is what the SSH signature covers.
    let signers = env.root.join(".driftgate/allowed_signers");
    let (ok, said) = keygen_verify(
        &signers,
        "bob@example.com",
        &dir.join("sig0"),
        &dir.join("pae"),
    );
    assert!(ok, "{said}");
    assert!(
        said.contains("Good \"driftgate\" signature for bob@example.com"),
        "{said}"
    );

    let r = env.run(&["verify", "--attestation", &arg]);
    r.expect_code(0);
    assert_eq!(
        r.stdout,
        format!(
            "verified attestation `{arg}`: baseline {} approved by bob@example.com, dave@example.com, attested by bob@example.com (key {})\n",
            &root[..12],
            bob.shown()
        )
    );
}

#[test]
fn each_approver_signs_an_envelope_and_tampering_is_detected() {
    let env = TestEnv::init(&[]);
    let (bob, dave) = signed_history(&env);
    let current: serde_json::Value =
        serde_json::from_str(&env.read(".driftgate/baseline.json")).unwrap();
    let first = current["parent"].as_str().unwrap().to_string();
    let (bob_file, bob_arg) = out(&env, "bob.json");
    let (dave_file, dave_arg) = out(&env, "dave.json");
    let (old_file, old_arg) = out(&env, "first.json");
    env.run(&["attest", "--sign", bob.arg(), "--out", &bob_arg])
        .expect_code(0);
    env.run(&["attest", "--sign", dave.arg(), "--out", &dave_arg])
        .expect_code(0);
    env.run(&[
        "attest",
        &first[..10],
        "--sign",
        bob.arg(),
        "--out",
        &old_arg,
    ])
    .expect_code(0);
    // Approvers sign the same statement: only the signatures differ.
    let (b, d) = (envelope(&bob_file), envelope(&dave_file));
    assert_eq!(b["payload"], d["payload"]);
    assert_ne!(b["signatures"], d["signatures"]);
    let r = env.run(&["verify", "--attestation", &dave_arg]);
    insta::assert_snapshot!(r, @"
    verified attestation `../home/dave.json`: baseline [H1] approved by bob@example.com, dave@example.com, attested by dave@example.com (key [KEY:dave])
    [exit: 0]
    ");
    let r = env.run(&["verify", "--attestation", &dave_arg, "--format", "json"]);
    r.expect_code(0);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(v["schema"], "driftgate.verify-attestation/v1");
    assert_eq!(v["root_hash"], env.root_hash());
    assert_eq!(v["signers"][0]["principal"], "dave@example.com");
    assert_eq!(v["signers"][0]["key"], dave.shown());
    let r = env.run(&["verify", "--attestation", &old_arg]);
    insta::assert_snapshot!(r, @"
    verified attestation `../home/first.json`: baseline [H2] approved by bob@example.com, attested by bob@example.com (key [KEY:bob])
    [exit: 0]
    ");

    let (forged, forged_arg) = out(&env, "forged.json");
    let refuse = |v: &serde_json::Value, needle: &str| {
        write(&forged, v);
        let r = env.run(&["verify", "--attestation", &forged_arg]);
        r.expect_code(3);
        assert!(r.stderr.contains(needle), "{needle}:\n{}", r.transcript());
    };
    // A claim in the statement changed after signing.
    let mut e = b.clone();
    let mut st = payload(&e);
    st["predicate"]["approvals"][1]["principal"] = "mallory@example.com".into();
    e["payload"] = dsse::b64(&serde_json::to_vec(&st).unwrap()).into();
    refuse(&e, "signature 1: its signature does not match");
    // The payload type changed (it is part of the signed PAE).
    let mut e = b.clone();
    e["payloadType"] = "application/json".into();
    refuse(&e, "signature 1: its signature does not match");
    // Bob's signature moved onto the first baseline's statement.
    let mut e = envelope(&old_file);
    e["signatures"] = b["signatures"].clone();
    refuse(&e, "does not match");
    // No signature at all.
    let mut e = b.clone();
    e["signatures"] = serde_json::json!([]);
    refuse(&e, "no signature");

    // A well-signed statement that lies: mallory's own key over a statement claiming a
    // different requester. Her key is in no allowed_signers.
    let mallory = env.key("mallory", "ed25519");
    let mut st = payload(&b);
    st["predicate"]["proposal"]["requester"] = "bob@example.com".into();
    let body = serde_json::to_vec(&st).unwrap();
    let pae_file = env.home.join("pae");
    std::fs::write(&pae_file, dsse::pae("application/vnd.in-toto+json", &body)).unwrap();
    keygen_sign(&mallory, &pae_file, "driftgate");
    let sig = std::fs::read(env.home.join("pae.sig")).unwrap();
    let lie = serde_json::json!({
        "payload": dsse::b64(&body),
        "payloadType": "application/vnd.in-toto+json",
        "signatures": [{"keyid": mallory.fingerprint, "sig": dsse::b64(&sig)}],
    });
    refuse(&lie, "does not match the history record");
    // The true statement, signed by mallory: her key may sign for no approver.
    let body = dsse::unb64(b["payload"].as_str().unwrap(), "payload").unwrap();
    std::fs::write(&pae_file, dsse::pae("application/vnd.in-toto+json", &body)).unwrap();
    std::fs::remove_file(env.home.join("pae.sig")).unwrap();
    keygen_sign(&mallory, &pae_file, "driftgate");
    let sig = std::fs::read(env.home.join("pae.sig")).unwrap();
    let mut e = b.clone();
    e["signatures"] = serde_json::json!([{"keyid": bob.fingerprint, "sig": dsse::b64(&sig)}]);
    refuse(&e, "may not sign for any approver");

    // Not an envelope at all is bad input, not tampering.
    std::fs::write(&forged, "{}").unwrap();
    env.run(&["verify", "--attestation", &forged_arg])
        .expect_code(2);
}

#[test]
fn only_an_approver_can_attest() {
    let env = TestEnv::init(&[]);
    signed_history(&env);
    let mallory = env.key("mallory", "ed25519");
    let (file, arg) = out(&env, "m.json");
    let r = env.run(&["attest", "--sign", mallory.arg(), "--out", &arg]);
    insta::assert_snapshot!(r, @"
    --- stderr ---
    error: key [KEY:mallory] may not sign for any approver (bob@example.com, dave@example.com) of baseline [H1] under the allowed_signers of the parent baseline [H2]
    hint: an attestation is signed by one of the people who approved the baseline
    [exit: 2]
    ");
    assert!(!file.exists());
    let r = env.run(&[
        "attest",
        "--sign",
        mallory.arg(),
        "--out",
        ".driftgate/a.json",
    ]);
    insta::assert_snapshot!(r, @"
    --- stderr ---
    error: `.driftgate/a.json` is inside `.driftgate`: exports are never written there
    hint: write it outside the tree, e.g. into the CI's artifacts directory
    [exit: 2]
    ");
    let r = env.run(&["attest", "ffff", "--sign", mallory.arg()]);
    insta::assert_snapshot!(r, @"
    --- stderr ---
    error: no accepted baseline `ffff`
    hint: `driftgate verify` lists the accepted baselines; `ls .driftgate/history/` names them
    [exit: 2]
    ");
}

#[test]
fn a_key_held_by_ssh_agent_attests_through_its_public_half() {
    let mut env = TestEnv::init(&[]);
    let (bob, _dave) = signed_history(&env);
    let pub_key = bob.pub_path();
    let pub_arg = pub_key.to_str().unwrap().to_string();
    let (file, arg) = out(&env, "agent.json");
    // Without an agent, a public key cannot sign.
    let r = env.run(&["attest", "--sign", &pub_arg, "--out", &arg]);
    insta::assert_snapshot!(r, @"
    --- stderr ---
    error: `[HOME]/.ssh/bob.pub` is a public key, and `SSH_AUTH_SOCK` is not set to reach the ssh-agent holding its private key
    [exit: 2]
    ");
    assert!(!file.exists());
    let agent = Agent::start(&env);
    agent.add(&bob);
    env.vars
        .push(("SSH_AUTH_SOCK".into(), agent.sock.to_str().unwrap().into()));
    env.run(&["attest", "--sign", &pub_arg, "--out", &arg])
        .expect_code(0);
    let r = env.run(&["verify", "--attestation", &arg]);
    insta::assert_snapshot!(r, @"
    verified attestation `../home/agent.json`: baseline [H1] approved by bob@example.com, dave@example.com, attested by bob@example.com (key [KEY:bob])
    [exit: 0]
    ");
}
