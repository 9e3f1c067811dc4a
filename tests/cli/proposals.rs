//! `driftgate proposals`: the pending proposals, listed.

use crate::common::TestEnv;

#[test]
fn proposals_lists_pending_ones() {
    let env = TestEnv::init(&[]);
    env.run(&["proposals"]).expect_code(0);
    env.write("a.txt", "x\n");
    let id = env.propose("alice", "first change");
    let r = env.run(&["proposals"]);
    insta::assert_snapshot!(r, @"
    ┌──────────────┬───────────┬─────┬───────┬───────────┬──────────────┐
    │ id           ┆ requester ┆ age ┆ files ┆ approvals ┆ reason       │
    ╞══════════════╪═══════════╪═════╪═══════╪═══════════╪══════════════╡
    │ 0e798e30f35c ┆ alice     ┆ 0s  ┆ 2     ┆ -         ┆ first change │
    └──────────────┴───────────┴─────┴───────┴───────────┴──────────────┘
    [exit: 0]
    ");
    let r = env.run(&["proposals", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(v[0]["id"], id.as_str());
    assert_eq!(v[0]["files"], 2); // a.txt and driftgate.toml
}
