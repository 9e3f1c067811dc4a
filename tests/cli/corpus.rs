//! Every built-in rule on real files: each fires on the change it targets and not on a
//! neighbouring harmless change.
//!
//! The files come from the shared corpus (`../shared/corpus/real/`). Each case copies
//! one file into a temp tree twice, the tree is accepted as the baseline, then one copy
//! gets the targeted change and the other a harmless change next to it; `check` must
//! name the rule on the first and not on the second.

#![allow(clippy::disallowed_macros)]

use crate::common::TestEnv;
use serde::Deserialize;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// An edit of one corpus file: the first occurrence of `from` becomes `to`.
struct Edit {
    file: &'static str,
    from: &'static str,
    to: &'static str,
}

/// A rule, the change it must fire on, and a harmless change it must not fire on.
struct Case {
    rule: &'static str,
    fires: Edit,
    quiet: Edit,
}

const fn edit(file: &'static str, from: &'static str, to: &'static str) -> Edit {
    Edit { file, from, to }
}

const CLUSTER_ROLE: &str = "argo-cd/manifests/cluster-rbac/server/argocd-server-clusterrole.yaml";

const BINDING: &str = "argo-cd/manifests/cluster-rbac/server/argocd-server-clusterrolebinding.yaml";

const REDIS: &str = "argo-cd/manifests/base/redis/argocd-redis-deployment.yaml";

const SYSDIG: &str = "kubernetes-examples/_archived/sysdig-cloud/sysdig-daemonset.yaml";

const SECRET: &str = "kubernetes-examples/_archived/volumes/iscsi/chap-secret.yaml";

const S3_ENDPOINT: &str =
    "aws-data-perimeter-policy-examples/vpc_endpoint_policies/s3_endpoint_policy.json";

const SCP: &str = "aws-service-control-policy-examples/Privileged-access-controls/Deny-member-accounts-from-leaving-your-AWS-organization.json";

const PR_TITLE: &str = "argo-cd/.github/workflows/pr-title-check.yml";

const AUTOMERGE: &str = "prometheus-operator/.github/workflows/automerge-dependabot.yaml";

const MARKDOWN: &str = "openapi-specification/.github/workflows/validate-markdown.yaml";

const CHERRY_PICK: &str = "argo-cd/.github/workflows/cherry-pick-single.yml";

const WIREGUARD: &str = "awesome-compose/wireguard/compose.yaml";

const PLEX: &str = "awesome-compose/plex/compose.yaml";

const SPRING: &str = "awesome-compose/spring-postgres/compose.yaml";

const CASES: &[Case] = &[
    Case {
        rule: "k8s-rbac-wildcard",
        fires: edit(
            CLUSTER_ROLE,
            "  - get     # supports viewing pod logs from UI\n",
            "  - '*'\n",
        ),
        quiet: edit(
            CLUSTER_ROLE,
            "  - list    # supports listing events in UI\n",
            "  - watch\n",
        ),
    },
    Case {
        rule: "k8s-rbac-escalation",
        fires: edit(
            CLUSTER_ROLE,
            "  - create   # supports triggering jobs from UI\n",
            "  - escalate\n",
        ),
        quiet: edit(
            CLUSTER_ROLE,
            "  - create   # supports triggering jobs from UI\n",
            "  - update\n",
        ),
    },
    Case {
        rule: "k8s-rbac-rules",
        fires: edit(
            CLUSTER_ROLE,
            "  - pods/log\n",
            "  - pods/log\n  - pods/exec\n",
        ),
        quiet: edit(
            CLUSTER_ROLE,
            "    app.kubernetes.io/component: server",
            "    app.kubernetes.io/component: server-ui",
        ),
    },
    Case {
        rule: "k8s-rbac-binding",
        fires: edit(BINDING, "  namespace: argocd", "  namespace: default"),
        quiet: edit(
            BINDING,
            "    app.kubernetes.io/component: server",
            "    app.kubernetes.io/component: server-ui",
        ),
    },
    Case {
        rule: "k8s-cluster-admin-binding",
        fires: edit(
            BINDING,
            "  name: argocd-server\nsubjects:",
            "  name: cluster-admin\nsubjects:",
        ),
        quiet: edit(
            BINDING,
            "  name: argocd-server\nsubjects:",
            "  name: argocd-viewer\nsubjects:",
        ),
    },
    Case {
        rule: "k8s-privileged",
        fires: edit(
            REDIS,
            "\n          readOnlyRootFilesystem: true\n",
            "\n          readOnlyRootFilesystem: true\n          privileged: true\n",
        ),
        quiet: edit(
            SYSDIG,
            "         privileged: true",
            "         privileged: false",
        ),
    },
    Case {
        rule: "k8s-privilege-escalation",
        fires: edit(
            REDIS,
            "\n          allowPrivilegeEscalation: false",
            "\n          allowPrivilegeEscalation: true",
        ),
        quiet: edit(
            REDIS,
            "        imagePullPolicy: Always",
            "        imagePullPolicy: IfNotPresent",
        ),
    },
    Case {
        rule: "k8s-host-namespaces",
        fires: edit(
            REDIS,
            "      serviceAccountName: argocd-redis",
            "      hostPID: true\n      serviceAccountName: argocd-redis",
        ),
        quiet: edit(
            SYSDIG,
            "      hostNetwork: true",
            "      hostNetwork: false",
        ),
    },
    Case {
        rule: "k8s-host-path",
        fires: edit(SYSDIG, "          path: /usr", "          path: /"),
        quiet: edit(
            SYSDIG,
            "      volumes:\n",
            "      volumes:\n      - name: cache\n        emptyDir: {}\n",
        ),
    },
    Case {
        rule: "k8s-capabilities",
        fires: edit(
            REDIS,
            "            drop:\n            - ALL\n",
            "            drop:\n            - ALL\n            add:\n            - NET_ADMIN\n",
        ),
        quiet: edit(
            REDIS,
            "            drop:\n            - ALL\n",
            "            drop:\n            - ALL\n            - NET_RAW\n",
        ),
    },
    Case {
        rule: "k8s-secret-data",
        fires: edit(
            SECRET,
            "node.session.auth.password: cGFzc3dvcmQ=",
            "node.session.auth.password: bmV3cGFzcw==",
        ),
        quiet: edit(
            SECRET,
            "  name: chap-secret\n",
            "  name: chap-secret\n  labels:\n    app: iscsi\n",
        ),
    },
    Case {
        rule: "k8s-service-account",
        fires: edit(
            REDIS,
            "serviceAccountName: argocd-redis",
            "serviceAccountName: argocd-server",
        ),
        quiet: edit(
            REDIS,
            "    app.kubernetes.io/part-of: argocd\n",
            "    app.kubernetes.io/part-of: argocd-ha\n",
        ),
    },
    Case {
        rule: "k8s-image",
        fires: edit(
            REDIS,
            "image: redis:8.2.3-alpine",
            "image: redis:8.2.4-alpine",
        ),
        quiet: edit(
            REDIS,
            "        imagePullPolicy: Always",
            "        imagePullPolicy: IfNotPresent",
        ),
    },
    Case {
        rule: "iam-wildcard",
        fires: edit(
            S3_ENDPOINT,
            "\"Action\": \"s3:GetObject\",",
            "\"Action\": \"s3:*\",",
        ),
        // A wildcard in a Deny statement narrows access.
        quiet: edit(
            SCP,
            "\"organizations:LeaveOrganization\"",
            "\"organizations:*\"",
        ),
    },
    Case {
        rule: "iam-allow",
        fires: edit(SCP, "\"Effect\": \"Deny\"", "\"Effect\": \"Allow\""),
        quiet: edit(
            SCP,
            "\"Effect\": \"Deny\",",
            "\"Sid\": \"StayInOrganization\",\n            \"Effect\": \"Deny\",",
        ),
    },
    Case {
        rule: "iam-policy",
        fires: edit(
            S3_ENDPOINT,
            "\"aws:ResourceAccount\": \"<glue-account-id>\"",
            "\"aws:ResourceAccount\": \"<other-account-id>\"",
        ),
        quiet: edit(
            S3_ENDPOINT,
            "\"Sid\": \"AllowRequestsToAWSOwnedResources\"",
            "\"Sid\": \"AllowRequestsToAmazonOwnedResources\"",
        ),
    },
    Case {
        rule: "gha-permissions",
        fires: edit(
            PR_TITLE,
            "      pull-requests: read\n",
            "      pull-requests: read\n      checks: read\n",
        ),
        quiet: edit(
            PR_TITLE,
            "    runs-on: ubuntu-24.04",
            "    runs-on: ubuntu-22.04",
        ),
    },
    Case {
        rule: "gha-permissions-write",
        fires: edit(
            PR_TITLE,
            "      pull-requests: read\n",
            "      pull-requests: write\n",
        ),
        quiet: edit(
            PR_TITLE,
            "      pull-requests: read\n",
            "      pull-requests: none\n",
        ),
    },
    Case {
        rule: "gha-pull-request-target",
        fires: edit(
            PR_TITLE,
            "on:\n  pull_request:\n",
            "on:\n  pull_request_target:\n",
        ),
        quiet: edit(
            PR_TITLE,
            "    types: [opened, edited, reopened, synchronize]",
            "    types: [opened, reopened, synchronize]",
        ),
    },
    Case {
        rule: "gha-pull-request-target-list",
        fires: edit(
            MARKDOWN,
            "  - pull_request\n",
            "  - pull_request\n  - pull_request_target\n",
        ),
        quiet: edit(
            MARKDOWN,
            "  - pull_request\n",
            "  - pull_request\n  - workflow_dispatch\n",
        ),
    },
    Case {
        rule: "gha-pull-request-target-list",
        fires: edit(AUTOMERGE, "on: pull_request\n", "on: pull_request_target\n"),
        quiet: edit(AUTOMERGE, "on: pull_request\n", "on: push\n"),
    },
    Case {
        rule: "gha-secrets-third-party",
        // step-security/harden-runner is a third-party action.
        fires: edit(
            CHERRY_PICK,
            "          egress-policy: audit\n",
            "          egress-policy: audit\n          api-key: ${{ secrets.HARDEN_RUNNER_KEY }}\n",
        ),
        // actions/create-github-app-token is GitHub's own.
        quiet: edit(
            CHERRY_PICK,
            "app-id: ${{ secrets.CHERRYPICK_APP_ID }}",
            "app-id: ${{ secrets.RELEASE_APP_ID }}",
        ),
    },
    Case {
        rule: "compose-privileged",
        fires: edit(
            WIREGUARD,
            "    container_name: wireguard\n",
            "    container_name: wireguard\n    privileged: true\n",
        ),
        quiet: edit(
            WIREGUARD,
            "    container_name: wireguard\n",
            "    container_name: wireguard\n    init: true\n",
        ),
    },
    Case {
        rule: "compose-host-namespaces",
        fires: edit(
            WIREGUARD,
            "    container_name: wireguard\n",
            "    container_name: wireguard\n    network_mode: host\n",
        ),
        quiet: edit(PLEX, "    network_mode: host", "    network_mode: bridge"),
    },
    Case {
        rule: "compose-capabilities",
        fires: edit(
            WIREGUARD,
            "      - SYS_MODULE\n",
            "      - SYS_MODULE\n      - SYS_ADMIN\n",
        ),
        quiet: edit(
            WIREGUARD,
            "    cap_add:\n",
            "    cap_drop:\n      - MKNOD\n    cap_add:\n",
        ),
    },
    Case {
        rule: "compose-host-mounts",
        fires: edit(
            WIREGUARD,
            "      - /lib/modules:/lib/modules\n",
            "      - /lib/modules:/lib/modules\n      - /:/host\n",
        ),
        quiet: edit(
            SPRING,
            "      - db-data:/var/lib/postgresql/data\n",
            "      - db-data:/var/lib/postgresql/data\n      - db-logs:/var/log/postgresql\n",
        ),
    },
    Case {
        rule: "compose-ports",
        fires: edit(
            WIREGUARD,
            "      - 51820:51820/udp\n",
            "      - 51820:51820/udp\n      - 22:22\n",
        ),
        quiet: edit(
            WIREGUARD,
            "    restart: unless-stopped",
            "    restart: always",
        ),
    },
    Case {
        rule: "secret-keys",
        fires: edit(
            SPRING,
            "    file: db/password.txt",
            "    file: db/other-password.txt",
        ),
        quiet: edit(
            SPRING,
            "      - POSTGRES_DB=example\n",
            "      - POSTGRES_DB=sample\n",
        ),
    },
];

/// The parts of a `driftgate.report/v1` read here.
#[derive(Debug, Deserialize)]
struct Report {
    files: Vec<File>,
}

#[derive(Debug, Deserialize)]
struct File {
    path: String,
    status: String,
    severity: String,
    changes: Vec<Change>,
}

#[derive(Debug, Deserialize)]
struct Change {
    #[serde(default)]
    rules: Vec<String>,
}

fn corpus() -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus/real");
    if dir.is_dir() {
        Some(dir)
    } else {
        println!(
            "skipped: the corpus is not at `{}`; the built-in rules are not tested on real files",
            dir.display()
        );
        None
    }
}

/// Returns where case `i`'s copy for `side` lives in the tree.
fn place(i: usize, side: &str, e: &Edit) -> String {
    format!("{:02}-{side}/{}", i, e.file)
}

fn apply(env: &TestEnv, rel: &str, e: &Edit) {
    let text = env.read(rel);
    // Some corpus files have CRLF line ends; edits keep them.
    let eol = |s: &str| {
        if text.contains("\r\n") {
            s.replace('\n', "\r\n")
        } else {
            s.to_string()
        }
    };
    let (from, to) = (eol(e.from), eol(e.to));
    assert!(
        text.contains(&from),
        "`{}` no longer contains {:?}; the corpus changed",
        e.file,
        e.from
    );
    env.write(rel, &text.replacen(&from, &to, 1));
}

#[test]
fn every_builtin_rule_fires_on_its_target_and_not_next_to_it() {
    let Some(real) = corpus() else {
        return;
    };
    let env = TestEnv::init(&[]);
    for (i, case) in CASES.iter().enumerate() {
        for (side, e) in [("fires", &case.fires), ("quiet", &case.quiet)] {
            let text = std::fs::read_to_string(real.join(e.file)).unwrap();
            env.write(&place(i, side, e), &text);
        }
    }
    env.write(
        "nested/driftgate.toml",
        "# not the configuration\nkey = 1\n",
    );
    env.accept_current("corpus files");
    env.run(&["check"]).expect_code(0);

    for (i, case) in CASES.iter().enumerate() {
        apply(&env, &place(i, "fires", &case.fires), &case.fires);
        apply(&env, &place(i, "quiet", &case.quiet), &case.quiet);
    }
    // The same settings, now spelled out: still a change of the configuration.
    let config = env.read("driftgate.toml");
    assert!(config.contains("# identity_keys = "));
    env.write(
        "driftgate.toml",
        &config.replace("# identity_keys = ", "identity_keys = "),
    );
    env.write(
        "nested/driftgate.toml",
        "# not the configuration\nkey = 2\n",
    );

    let r = env.run(&["check", "--format", "json"]);
    r.expect_code(1);
    let report: Report = serde_json::from_str(&r.stdout).unwrap();
    let by_path: BTreeMap<&str, &File> =
        report.files.iter().map(|f| (f.path.as_str(), f)).collect();
    let ids = |path: &str| -> BTreeSet<&str> {
        let f = by_path
            .get(path)
            .unwrap_or_else(|| panic!("`{path}` is not in the report:\n{}", r.stdout));
        assert!(
            !f.changes.is_empty(),
            "`{path}` has no changes ({}): {f:?}",
            f.status
        );
        f.changes
            .iter()
            .flat_map(|c| c.rules.iter().map(String::as_str))
            .collect()
    };
    let mut failures = Vec::new();
    for (i, case) in CASES.iter().enumerate() {
        let fires = place(i, "fires", &case.fires);
        if !ids(&fires).contains(case.rule) {
            failures.push(format!(
                "`{}` did not fire on {fires}: {:#?}",
                case.rule,
                by_path[fires.as_str()]
            ));
        }
        let quiet = place(i, "quiet", &case.quiet);
        if ids(&quiet).contains(case.rule) {
            failures.push(format!(
                "`{}` fired on the harmless change in {quiet}: {:#?}",
                case.rule,
                by_path[quiet.as_str()]
            ));
        }
    }
    if !ids("driftgate.toml").contains("driftgate-config") {
        failures.push("`driftgate-config` did not fire on driftgate.toml".into());
    }
    assert_eq!(by_path["driftgate.toml"].severity, "critical");
    if ids("nested/driftgate.toml").contains("driftgate-config") {
        failures.push("`driftgate-config` fired on nested/driftgate.toml".into());
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));

    // Every built-in rule has a case.
    let listed = env.run(&["rules", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&listed.stdout).unwrap();
    let tested: BTreeSet<&str> = CASES
        .iter()
        .map(|c| c.rule)
        .chain(["driftgate-config"])
        .collect();
    for rule in v["rules"].as_array().unwrap() {
        let id = rule["id"].as_str().unwrap();
        assert!(
            tested.contains(id),
            "built-in rule `{id}` has no corpus case"
        );
    }
}
