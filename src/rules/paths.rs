//! Which rules' path globs select a file: every rule's globs in one set, so a file's
//! path is matched once, not once per rule (every file of a first baseline is rated).

use globset::{Glob, GlobSet, GlobSetBuilder};

use super::Rule;

/// The path globs of every rule of a rule set.
#[derive(Debug, Clone)]
pub(super) struct PathIndex {
    /// Every path glob of every rule; `None` when the set cannot be built, and each
    /// rule's own globs are tried instead.
    set: Option<GlobSet>,
    /// The rules of each glob of `set`: a glob several rules share (the built-in
    /// rules of one kind of file list the same paths) is matched once.
    owner: Vec<Vec<usize>>,
    /// Names this index among all built in the process (never 0), for the answers
    /// remembered in [`PathIndex::select`]; a clone has the same rules and the same id.
    id: u64,
}

impl PathIndex {
    /// Returns the index of `rules`.
    pub(super) fn of(rules: &[Rule]) -> PathIndex {
        static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);
        let id = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let mut b = GlobSetBuilder::new();
        let mut owner: Vec<Vec<usize>> = Vec::new();
        let mut seen: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
        for (i, r) in rules.iter().enumerate() {
            for g in &r.spec.paths.0 {
                if let Some(&at) = seen.get(g.as_str()) {
                    owner[at].push(i);
                    continue;
                }
                // Each glob compiled once already, for the rule itself.
                let Ok(glob) = Glob::new(g) else {
                    return PathIndex {
                        set: None,
                        owner: Vec::new(),
                        id,
                    };
                };
                b.add(glob);
                seen.insert(g, owner.len());
                owner.push(vec![i]);
            }
        }
        PathIndex {
            set: b.build().ok(),
            owner,
            id,
        }
    }

    /// Returns the rules of `rules` (the ones this index was built of) whose path globs
    /// select file `path`, in rule order; rules without path globs select every file.
    ///
    /// The rating of one file asks this several times (whether rules need its
    /// documents, its changes, its ceiling): each thread remembers its last answer.
    pub(super) fn select<'r>(&self, rules: &'r [Rule], path: &str) -> Vec<&'r Rule> {
        let Some(set) = &self.set else {
            return rules.iter().filter(|r| r.selects_path(path)).collect();
        };
        thread_local! {
            /// The index asked (its id), the path and the positions of the rules selected.
            static LAST: std::cell::RefCell<(u64, String, Vec<usize>)> =
                const { std::cell::RefCell::new((0, String::new(), Vec::new())) };
        }
        LAST.with_borrow_mut(|(owner, last, picked)| {
            if *owner != self.id || last != path {
                let mut selected: Vec<bool> = rules.iter().map(|r| r.paths.is_none()).collect();
                for g in set.matches(path) {
                    for &r in &self.owner[g] {
                        selected[r] = true;
                    }
                }
                picked.clear();
                picked.extend(selected.iter().enumerate().filter(|s| *s.1).map(|s| s.0));
                *owner = self.id;
                last.clear();
                last.push_str(path);
            }
            picked.iter().map(|&i| &rules[i]).collect()
        })
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::super::RuleSet;
    use super::*;

    fn rule_set(text: &str) -> RuleSet {
        crate::config::ValidConfig::parse(text, Path::new("driftgate.toml"))
            .unwrap()
            .into_parts()
            .0
            .rule_set()
            .unwrap()
    }

    #[test]
    fn the_path_index_selects_the_rules_each_rules_own_globs_select() {
        let set = rule_set(
            r#"
[[rule]]
id = "two-globs"
severity = "low"
paths = ["k8s/prod/**", "*.tf"]
keys = "spec.replicas"

[[rule]]
id = "no-globs"
severity = "info"
keys = "**.debug"

[[rule]]
id = "one-file"
severity = "high"
paths = "iam/admin.json"

[[rule]]
id = "shares-a-glob"
severity = "medium"
paths = ["*.tf", "iam/admin.json"]
"#,
        );
        let paths = [
            "k8s/prod/app.yaml",
            "k8s/prod/deep/er/x.yml",
            "k8s/staging/app.yaml",
            "main.tf",
            "modules/main.tf",
            "iam/admin.json",
            "iam/admin.json.bak",
            ".github/workflows/ci.yml",
            "Dockerfile",
            "",
        ];
        let mut selected_somewhere = [false; 4];
        for path in paths {
            let own: Vec<&str> = set
                .rules()
                .iter()
                .filter(|r| r.selects_path(path))
                .map(Rule::id)
                .collect();
            let indexed: Vec<&str> = set.selecting(path).into_iter().map(Rule::id).collect();
            assert_eq!(indexed, own, "{path}");
            let ids = ["two-globs", "no-globs", "one-file", "shares-a-glob"];
            for (i, id) in ids.iter().enumerate() {
                selected_somewhere[i] |= indexed.contains(id);
            }
        }
        // Not one path selecting nothing or everything: the comparison can tell.
        assert_eq!(selected_somewhere, [true; 4]);
        // What a thread remembers of one set's answer is not another set's.
        let other = rule_set(
            "[rules]\nbuiltin = false\n\n[[rule]]\nid = \"only\"\nseverity = \"low\"\npaths = \"k8s/**\"\n",
        );
        for _ in 0..2 {
            let ids = |s: &RuleSet| -> Vec<String> {
                s.selecting("k8s/prod/app.yaml")
                    .iter()
                    .map(|r| r.id().to_string())
                    .collect()
            };
            assert!(ids(&set).contains(&"two-globs".to_string()));
            assert_eq!(ids(&other), ["only"]);
        }
        assert!(
            !set.selecting("k8s/staging/app.yaml")
                .iter()
                .any(|r| r.id() == "two-globs")
        );
    }
}
