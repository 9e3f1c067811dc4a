//! Property: after any sequence of proposals, approvals, rejections and acceptances,
//! `verify --base HEAD` passes on the committed state, and fails with exit 3 once any
//! one file of the accepted state (`baseline.json`, a history record, the audit log)
//! is tampered with: a byte changed, the file deleted, or cut short.

use crate::common::TestEnv;
use proptest::prelude::*;

#[derive(Debug, Clone, Copy)]
enum Op {
    Propose,
    Approve,
    Reject,
    Accept,
}

#[derive(Debug, Clone, Copy)]
enum Damage {
    /// XOR one byte at this fraction of the file with a non-zero mask.
    Flip(f64, u8),
    /// Delete the file.
    Delete,
    /// Cut the file at this fraction of its length.
    Cut(f64),
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        3 => Just(Op::Propose),
        3 => Just(Op::Approve),
        1 => Just(Op::Reject),
        3 => Just(Op::Accept),
    ]
}

fn damage() -> impl Strategy<Value = Damage> {
    prop_oneof![
        4 => (0.0f64..1.0, 1u8..=255).prop_map(|(at, mask)| Damage::Flip(at, mask)),
        1 => Just(Damage::Delete),
        1 => (0.0f64..1.0).prop_map(Damage::Cut),
    ]
}

/// Runs `ops` on a fresh git-tracked project whose first baseline is accepted; returns
/// the environment with everything committed.
fn run_ops(ops: &[Op]) -> TestEnv {
    let env = TestEnv::new();
    env.git_init_in(&env.root);
    env.run(&["init"]).expect_code(0);
    env.signers(["bob"]);
    env.write("a.txt", "0\n");
    let first = env.propose("alice", "first");
    env.sign(&first, "bob").expect_code(0);
    env.accept(&first, "alice").expect_code(0);
    let mut pending: Option<String> = None;
    for (n, op) in ops.iter().enumerate() {
        match op {
            Op::Propose => {
                env.write("a.txt", &format!("{}\n", n + 1));
                pending = Some(env.propose("alice", "change"));
            }
            Op::Approve => {
                if let Some(id) = &pending {
                    let r = env.sign(id, "bob");
                    // A stale proposal (made on an older baseline) is refused: exit 2.
                    assert!(matches!(r.code, 0 | 2), "{}", r.transcript());
                }
            }
            Op::Reject => {
                if let Some(id) = pending.take() {
                    env.run(&["reject", &id, "-m", "no", "--as", "carol"])
                        .expect_code(0);
                }
            }
            Op::Accept => {
                if let Some(id) = &pending {
                    let r = env.run(&["accept", id, "--as", "alice"]);
                    assert!(matches!(r.code, 0..=2), "{}", r.transcript());
                    if r.code == 0 {
                        pending = None;
                    }
                }
            }
        }
    }
    env.commit_all("state");
    env
}

/// Returns the files of the accepted state, relative to the root.
fn accepted_state(env: &TestEnv) -> Vec<String> {
    let mut files = vec![
        ".driftgate/baseline.json".to_string(),
        ".driftgate/audit.jsonl".to_string(),
    ];
    let mut records: Vec<String> = std::fs::read_dir(env.root.join(".driftgate/history"))
        .unwrap()
        .map(|e| {
            format!(
                ".driftgate/history/{}",
                e.unwrap().file_name().to_string_lossy()
            )
        })
        .collect();
    records.sort();
    files.extend(records);
    files
}

fn tamper(env: &TestEnv, file: &str, damage: Damage) {
    let path = env.root.join(file);
    let mut bytes = std::fs::read(&path).unwrap();
    let at = |f: f64| ((bytes.len() as f64 * f) as usize).min(bytes.len().saturating_sub(1));
    match damage {
        Damage::Flip(f, mask) => {
            let i = at(f);
            bytes[i] ^= mask;
            std::fs::write(&path, bytes).unwrap();
        }
        Damage::Delete => std::fs::remove_file(&path).unwrap(),
        Damage::Cut(f) => {
            let i = at(f);
            bytes.truncate(i);
            std::fs::write(&path, bytes).unwrap();
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 10, ..ProptestConfig::default() })]

    #[test]
    fn verify_base_fails_exactly_when_accepted_state_was_tampered_with(
        ops in prop::collection::vec(op(), 1..7),
        which in 0usize..64,
        damage in damage(),
        tampered in any::<bool>(),
    ) {
        let env = run_ops(&ops);
        let clean = env.run(&["verify", "--base", "HEAD"]);
        prop_assert_eq!(clean.code, 0, "{}", clean.transcript());
        if tampered {
            let files = accepted_state(&env);
            let file = &files[which % files.len()];
            tamper(&env, file, damage);
            let r = env.run(&["verify", "--base", "HEAD"]);
            prop_assert_eq!(r.code, 3, "{} {:?} after {:?}:\n{}", file, damage, ops, r.transcript());
        }
    }
}
