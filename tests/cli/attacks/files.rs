//! Attacks through the files driftgate reads: a config not yet approved, forged
//! entries, crafted proposal ids, symlinks and reports in the state directory, control
//! characters in files and reasons.

use crate::common::{TestEnv, wait_pty};
use expectrl::Expect;

#[test]
fn dropping_redaction_keys_does_not_reveal_or_store_secrets() {
    let env = TestEnv::init(&[]);
    env.write("app.yaml", "db:\n  host: a\n  password: oldsecretvalue\n");
    env.write("app.env", "API_TOKEN=oldtokenvalue\n");
    env.accept_current("first");
    env.write("app.yaml", "db:\n  host: b\n  password: newsecretvalue\n");
    env.write("app.env", "API_TOKEN=newtokenvalue\n");
    env.write("driftgate.toml", "[redact]\nkeys = [\"nothing\"]\n");
    let secrets = [
        "oldsecretvalue",
        "newsecretvalue",
        "oldtokenvalue",
        "newtokenvalue",
    ];
    for format in ["text", "json"] {
        let r = env.run(&["check", "--format", format]);
        r.expect_code(1);
        assert!(r.stdout.contains("app.yaml"), "{}", r.transcript());
        for s in secrets {
            assert!(
                !r.transcript().contains(s),
                "{s} shown:\n{}",
                r.transcript()
            );
        }
    }
    let r = env.run(&["diff"]);
    r.expect_code(1);
    for s in secrets {
        assert!(
            !r.transcript().contains(s),
            "{s} shown:\n{}",
            r.transcript()
        );
    }
    let id = env.propose("alice", "drop redaction");
    for (path, text) in env.stored_texts() {
        for s in secrets {
            assert!(!text.contains(s), "{s} stored in {path}");
        }
    }
    // The reviewer's screen, recomputed from the store, shows no secret either.
    let mut s = env.pty(&["approve", &id, "--as", "bob"]);
    let screen = s.expect("[y/N]").unwrap();
    let screen = String::from_utf8_lossy(screen.before()).into_owned();
    assert!(screen.contains("app.yaml"), "{screen}");
    for secret in secrets {
        assert!(!screen.contains(secret), "{secret} shown:\n{screen}");
    }
    s.send_line("").unwrap();
    assert_eq!(wait_pty(s), 1);
}

#[test]
fn new_ignore_rules_do_not_hide_changes() {
    let env = TestEnv::init(&[]);
    env.write("k8s/web.yaml", "spec:\n  replicas: 2\n");
    env.accept_current("first");
    env.write("k8s/web.yaml", "spec:\n  replicas: 9\n");
    let mut config = env.read("driftgate.toml");
    config.push_str("\n[[compare.ignore]]\npaths = [\"k8s/**\"]\n");
    env.write("driftgate.toml", &config);
    let r = env.run(&["check"]);
    insta::assert_snapshot!(r, @"
    unapproved drift: 1 critical, 1 medium changes in 2 files
    baseline dbeb2578639d, accepted 2026-12-01T10:00:00Z

    ┌────────────────┬──────────┬────────┬──────────┬─────────┐
    │ file           ┆ status   ┆ format ┆ severity ┆ changes │
    ╞════════════════╪══════════╪════════╪══════════╪═════════╡
    │ driftgate.toml ┆ modified ┆ toml   ┆ critical ┆ 1       │
    │ k8s/web.yaml   ┆ modified ┆ yaml   ┆ medium   ┆ 1       │
    └────────────────┴──────────┴────────┴──────────┴─────────┘
    2 files differ: 0 added, 0 removed, 2 modified, 0 cosmetic; 2 changes

    driftgate.toml (modified, critical)
      + compare.ignore (line 95)  [critical: driftgate-config]
        + - paths:
        +   - k8s/**

    k8s/web.yaml (modified, medium)
      ~ spec.replicas (line 2): 2 -> 9  [medium]

    unapproved drift: 1 critical, 1 medium changes in 2 files
    [exit: 1]
    ");
    let r = env.run(&["check", "--format", "json"]);
    insta::assert_snapshot!("report_json", r);
    let id = env.propose("alice", "ignore k8s");
    let mut s = env.pty(&["approve", &id, "--as", "bob"]);
    let screen = s.expect("[y/N]").unwrap();
    let screen = String::from_utf8_lossy(screen.before()).into_owned();
    assert!(screen.contains("k8s/web.yaml"), "{screen}");
    s.send_line("").unwrap();
    assert_eq!(wait_pty(s), 1);
}

#[test]
fn a_crafted_proposal_id_never_reaches_outside_the_state_directory() {
    let env = TestEnv::init(&[]);
    env.write("a.txt", "x\n");
    let id = env.propose("alice", "first");
    let victim = env.home.join("victim.json");
    std::fs::write(&victim, "keep me\n").unwrap();
    let path = format!(".driftgate/proposals/{id}.json");
    let text = env.read(&path).replace(
        &format!("\"id\": \"{id}\""),
        "\"id\": \"../../../home/victim\"",
    );
    env.write(&path, &text);
    insta::assert_snapshot!(env.transcripts(&[&["reject", &id[..4], "-m", "stale", "--as", "bob"], &["accept", &id[..4], "--as", "bob"], &["proposals"]]), @"
    $ driftgate reject 0e79 -m stale --as bob
    --- stderr ---
    error: integrity failure in `[ROOT]/.driftgate/proposals/0e798e30f35c.json`: its id `../../../home/victim` is not the one its file name gives
    hint: run `driftgate verify` to see what is broken
    [exit: 3]

    $ driftgate accept 0e79 --as bob
    --- stderr ---
    error: integrity failure in `[ROOT]/.driftgate/proposals/0e798e30f35c.json`: its id `../../../home/victim` is not the one its file name gives
    hint: run `driftgate verify` to see what is broken
    [exit: 3]

    $ driftgate proposals
    --- stderr ---
    error: integrity failure in `[ROOT]/.driftgate/proposals/0e798e30f35c.json`: its id `../../../home/victim` is not the one its file name gives
    hint: run `driftgate verify` to see what is broken
    [exit: 3]
    ");
    assert!(victim.exists());
}

#[test]
fn a_forged_entry_keeping_old_data_under_new_bytes_is_still_drift() {
    let env = TestEnv::init(&[]);
    env.write(
        "rb.yaml",
        "kind: ClusterRoleBinding\nroleRef:\n  name: view\n",
    );
    env.accept_current("first");
    env.write(
        "rb.yaml",
        "kind: ClusterRoleBinding\nroleRef:\n  name: cluster-admin\n",
    );
    let honest = env.propose("alice", "escalate");
    // Whoever can write `.driftgate/` keeps the parent's data under the new file's
    // hash, then recomputes the root hash and the id.
    let path = format!(".driftgate/proposals/{honest}.json");
    let mut p: driftgate::baseline::Proposal = serde_json::from_str(&env.read(&path)).unwrap();
    let parent: driftgate::baseline::Baseline =
        serde_json::from_str(&env.read(".driftgate/baseline.json")).unwrap();
    let store = driftgate::store::Store::open(&env.root).unwrap();
    let old = parent.tree(&store.objects()).unwrap()["rb.yaml"].clone();
    env.forge_entries(&mut p.baseline, |t| {
        let entry = t.get_mut("rb.yaml").unwrap();
        entry.canonical = old.canonical.clone();
        entry.object = old.object.clone();
    });
    p.id = driftgate::baseline::proposal_id(&p.baseline.root_hash, p.baseline.parent.as_deref());
    std::fs::remove_file(env.root.join(&path)).unwrap();
    env.write(
        &format!(".driftgate/proposals/{}.json", p.id),
        &serde_json::to_string_pretty(&p).unwrap(),
    );
    assert_eq!(env.approve_pty(&p.id, "bob", "looks cosmetic"), 0);
    env.run(&["accept", &p.id, "--as", "carol"]).expect_code(0);
    // A fresh check recomputes the file's data and does not take the forgery.
    std::fs::remove_dir_all(env.root.join(".driftgate/cache")).ok();
    let r = env.run(&["check"]);
    insta::assert_snapshot!(r, @"
    unapproved drift: 1 critical change in 1 file
    baseline 54fc719d0208, accepted 2026-12-01T10:00:00Z

    ┌─────────┬──────────┬────────┬──────────┬─────────┐
    │ file    ┆ status   ┆ format ┆ severity ┆ changes │
    ╞═════════╪══════════╪════════╪══════════╪═════════╡
    │ rb.yaml ┆ modified ┆ yaml   ┆ critical ┆ 1       │
    └─────────┴──────────┴────────┴──────────┴─────────┘
    1 file differs: 0 added, 0 removed, 1 modified, 0 cosmetic; 1 change

    rb.yaml (modified, critical)
      ! the same bytes, recorded with other data: the format or redaction settings changed since the baseline, or the baseline was edited
      ~ (file): content changed  [critical]
          note: the content could not be rated (binary, unparseable, over the size cap, a symlink or not stored): rated as the strictest rule for this path could

    unapproved drift: 1 critical change in 1 file
    [exit: 1]
    ");
}

#[test]
fn control_characters_from_files_and_reasons_are_shown_escaped() {
    let env = TestEnv::init(&[]);
    env.write("notes.txt", "allow: none\n");
    env.accept_current("first");
    env.write("notes.txt", "allow: everyone\u{1b}[2K\r+allow: none\n");
    let r = env.run(&["diff"]);
    insta::assert_snapshot!(r, @r"
    unapproved drift: 1 medium change in 1 file
    baseline a5ad5281c371, accepted 2026-12-01T10:00:00Z

    ┌───────────┬──────────┬────────┬──────────┬─────────┐
    │ file      ┆ status   ┆ format ┆ severity ┆ changes │
    ╞═══════════╪══════════╪════════╪══════════╪═════════╡
    │ notes.txt ┆ modified ┆ text   ┆ medium   ┆ 1       │
    └───────────┴──────────┴────────┴──────────┴─────────┘
    1 file differs: 0 added, 0 removed, 1 modified, 0 cosmetic; 1 change

    notes.txt (modified, medium)
      ~ (file) (line 1)  [medium]
          @@ -1 +1,2 @@
          -allow: none
          +allow: everyone\u{1b}[2K\u{d}++allow: none

    unapproved drift: 1 medium change in 1 file
    [exit: 1]
    ");
    env.propose("alice", "typo\u{1b}]0;owned\u{7}");
    for args in [vec!["log"], vec!["proposals"]] {
        let r = env.run(&args);
        r.expect_code(0);
        assert!(!r.stdout.contains('\u{1b}'), "{args:?}: {:?}", r.stdout);
    }
}

#[test]
fn reports_are_never_written_into_the_state_directory() {
    let env = TestEnv::init(&[]);
    env.write("a.txt", "x\n");
    env.accept_current("first");
    env.write("a.txt", "y\n");
    std::fs::create_dir_all(env.root.join("sub")).unwrap();
    let before = env.state();
    insta::assert_snapshot!(env.transcripts(&[&["check", "--output", "json=.driftgate/baseline.json"], &["check", "--output", "json=sub/../.driftgate/baseline.json"]]), @"
    $ driftgate check --output json=.driftgate/baseline.json
    --- stderr ---
    error: `.driftgate/baseline.json` is inside `.driftgate`: reports are never written there
    hint: write reports outside the tree, e.g. into the CI's temp directory
    [exit: 2]

    $ driftgate check --output json=sub/../.driftgate/baseline.json
    --- stderr ---
    error: `sub/../.driftgate/baseline.json` is inside `.driftgate`: reports are never written there
    hint: write reports outside the tree, e.g. into the CI's temp directory
    [exit: 2]
    ");
    assert_eq!(env.state(), before);
}

#[test]
fn symlinks_in_the_state_directory_are_refused() {
    let env = TestEnv::init(&[]);
    env.write("a.txt", "x\n");
    env.accept_current("first");
    let outside = env.home.join("elsewhere");
    std::fs::create_dir_all(&outside).unwrap();
    std::fs::rename(env.root.join(".driftgate/cache"), outside.join("cache")).ok();
    std::os::unix::fs::symlink(&outside, env.root.join(".driftgate/cache")).unwrap();
    let r = env.run(&["check"]);
    r.expect_code(3);
    assert!(r.stderr.contains("never symlinks"), "{}", r.transcript());
    // A broken state directory is not one to set up again.
    assert!(!r.stderr.contains("driftgate init"), "{}", r.transcript());
    assert!(!outside.join("stat.bin").exists());
}

/// The stat cache vouches for a file only under the `stat` it was recorded with: an
/// edit that keeps the size and puts the mtime back still changes the ctime, and a
/// cache written before the edit (restored, or brought in with the repository) vouches
/// for nothing the files no longer match.
#[test]
fn an_edit_hidden_from_mtime_and_size_is_drift_whatever_the_stat_cache_says() {
    let env = TestEnv::init(&[]);
    env.write("k8s/role.yaml", "verbs: [get]\n");
    env.accept_current("first");
    // Only files settled for two seconds are cached (racy timestamps).
    std::thread::sleep(std::time::Duration::from_millis(2300));
    env.run(&["check"]).expect_code(0);
    let cache = env.root.join(".driftgate/cache");
    let saved: Vec<(std::path::PathBuf, Vec<u8>)> = ["stat.bin", "stat-entries.bin"]
        .iter()
        .map(|n| (cache.join(n), std::fs::read(cache.join(n)).unwrap()))
        .collect();
    let file = env.root.join("k8s/role.yaml");
    let mtime = std::fs::metadata(&file).unwrap().modified().unwrap();
    env.write("k8s/role.yaml", "verbs: [del]\n");
    std::fs::File::options()
        .write(true)
        .open(&file)
        .unwrap()
        .set_modified(mtime)
        .unwrap();
    assert_eq!(std::fs::metadata(&file).unwrap().modified().unwrap(), mtime);
    let r = env.run(&["check"]);
    r.expect_code(1);
    assert!(r.stdout.contains("k8s/role.yaml"), "{}", r.transcript());
    // The cache that vouched for the old bytes, put back.
    for (path, bytes) in &saved {
        std::fs::write(path, bytes).unwrap();
    }
    let r = env.run(&["check"]);
    r.expect_code(1);
    assert!(r.stdout.contains("k8s/role.yaml"), "{}", r.transcript());
}
