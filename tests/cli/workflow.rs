//! The way through a change across commands (issue 13): reports written inside the
//! tree, hints that name the real proposal, and what `-q` leaves of each command.
//! Per-command parts of the workflow are in their command's module.

use crate::common::{TestEnv, wait_pty};
use expectrl::Expect;

#[test]
fn a_report_written_inside_the_tree_is_warned_about() {
    let env = TestEnv::init(&[]);
    env.write("a.yaml", "a: 1\n");
    env.accept_current("first");
    env.write("a.yaml", "a: 2\n");
    let r = env.run(&["check", "--output", "json=reports/drift.json"]);
    insta::assert_snapshot!(r, @"
    unapproved drift: 1 medium change in 1 file
    baseline b3116edecd83, accepted 2026-12-01T10:00:00Z

    ┌────────┬──────────┬────────┬──────────┬─────────┐
    │ file   ┆ status   ┆ format ┆ severity ┆ changes │
    ╞════════╪══════════╪════════╪══════════╪═════════╡
    │ a.yaml ┆ modified ┆ yaml   ┆ medium   ┆ 1       │
    └────────┴──────────┴────────┴──────────┴─────────┘
    1 file differs: 0 added, 0 removed, 1 modified, 0 cosmetic; 1 change

    a.yaml (modified, medium)
      ~ a (line 1): 1 -> 2  [medium]

    unapproved drift: 1 medium change in 1 file
    --- stderr ---
    warning: `reports/drift.json` is inside the tree: the next `check` reports it as added
    [exit: 1]
    ");
    assert!(env.exists("reports/drift.json"));
    let outside = env.home.join("drift.json");
    let r = env.run(&["check", "--output", &format!("json={}", outside.display())]);
    insta::assert_snapshot!("report_inside_the_tree_is_checked", r);
}

#[test]
fn hints_name_the_real_proposal() {
    let env = TestEnv::init(&[]);
    env.signers(["bob"]).require_signatures();
    env.write("a.yaml", "a: 1\n");
    let id = env.propose("alice", "first");
    let mut s = env.pty(&["approve", &id, "--as", "bob"]);
    let found = s.expect(expectrl::Eof).unwrap();
    let out = String::from_utf8_lossy(found.as_bytes()).into_owned();
    assert!(
        out.contains(&format!(
            "hint: sign it: `driftgate approve {id} --sign ~/.ssh/id_ed25519 -m REASON`"
        )),
        "{out}"
    );
    assert!(!out.contains("approve ID"), "{out}");
    assert_eq!(wait_pty(s), 2);
}

#[test]
fn quiet_commands_print_errors_and_their_outcome_only() {
    let env = TestEnv::init(&[]);
    env.write("a.yaml", "a: 1\n");
    let id = env.propose("alice", "first");
    let r = env.run(&["accept", &id, "--as", "carol", "-q"]);
    insta::assert_snapshot!(r, @"
    --- stderr ---
    proposal ca9c32faf4b1 is not accepted (policy and allowed_signers of the first baseline itself (trust on first use)):
      0 of 1 required approvals count
    [exit: 1]
    ");
    assert!(
        r.stderr
            .starts_with(&format!("proposal {id} is not accepted (")),
        "{}",
        r.transcript()
    );
    assert_eq!(env.approve_pty(&id, "bob", "ok"), 0);
    let r = env.run(&["accept", &id, "--as", "carol", "-q"]);
    r.expect_code(0);
    assert_eq!(r.stderr.lines().count(), 1, "{}", r.transcript());
    assert!(
        r.stderr
            .starts_with(&format!("accepted {id} as the baseline"))
    );
    env.write("a.yaml", "a: 2\n");
    let id = env.propose("alice", "second");
    let r = env.run(&["reject", &id, "-m", "no", "-q"]);
    r.expect_code(0);
    assert_eq!(r.stderr, format!("rejected {id}\n"));
}
