
use builtin;
use str;

set edit:completion:arg-completer[driftgate] = {|@words|
    fn spaces {|n|
        builtin:repeat $n ' ' | str:join ''
    }
    fn cand {|text desc|
        edit:complex-candidate $text &display=$text' '(spaces (- 14 (wcswidth $text)))$desc
    }
    var command = 'driftgate'
    for word $words[1..-1] {
        if (str:has-prefix $word '-') {
            break
        }
        set command = $command';'$word
    }
    var completions = [
        &'driftgate'= {
            cand --root 'Use DIR as the root instead of searching upwards for driftgate.toml'
            cand --config 'Read the configuration from FILE instead of `<root>/driftgate.toml`'
            cand --format 'Output format of reports and listings'
            cand --color 'When to use colour (NO_COLOR is honoured with `auto`)'
            cand -q 'Print only errors'
            cand --quiet 'Print only errors'
            cand -v 'Print more detail on stderr'
            cand --verbose 'Print more detail on stderr'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
            cand init 'Create driftgate.toml (every key commented with its default) and .driftgate/'
            cand check 'Compare the tree with the accepted baseline; exit 1 on unapproved drift'
            cand diff 'Show every change between the tree and the accepted baseline, or between two files'
            cand snapshot 'Propose the current tree as the next baseline'
            cand approve 'Review a proposal and approve it'
            cand accept 'Promote an approved proposal to the accepted baseline'
            cand reject 'Close a proposal without accepting it'
            cand proposals 'List pending proposals'
            cand explain 'Explain what a proposal needs before it can be accepted'
            cand log 'Show the audit trail: who proposed, approved, rejected and accepted what'
            cand rules 'List the active risk rules'
            cand verify 'Verify the baseline chain, its signatures, trust-file changes and the audit log'
            cand hook 'Install or remove the git pre-commit hook that runs `check --staged`'
            cand completions 'Print a shell completion script'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'driftgate;init'= {
            cand --root 'Use DIR as the root instead of searching upwards for driftgate.toml'
            cand --config 'Read the configuration from FILE instead of `<root>/driftgate.toml`'
            cand --format 'Output format of reports and listings'
            cand --color 'When to use colour (NO_COLOR is honoured with `auto`)'
            cand --force 'Overwrite an existing driftgate.toml'
            cand --solo 'Allow self-approval, for a project with a single maintainer'
            cand -q 'Print only errors'
            cand --quiet 'Print only errors'
            cand -v 'Print more detail on stderr'
            cand --verbose 'Print more detail on stderr'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'driftgate;check'= {
            cand --fail-on 'Exit 1 only for drift of at least this severity (default: any drift)'
            cand --as 'Record NAME as who ran the check, with `--audit`'
            cand --rev 'Compare the tree of git commit REV instead of the working tree, without checking it out'
            cand --output 'Also write the report in FORMAT to PATH; repeatable (e.g. `--output sarif=drift.sarif`)'
            cand --root 'Use DIR as the root instead of searching upwards for driftgate.toml'
            cand --config 'Read the configuration from FILE instead of `<root>/driftgate.toml`'
            cand --format 'Output format of reports and listings'
            cand --color 'When to use colour (NO_COLOR is honoured with `auto`)'
            cand --strict 'Count cosmetic changes as drift'
            cand --audit 'Record the result in the audit log (a `checked` event), e.g. for a release gate'
            cand --staged 'Compare the git index (what `git commit` would record) instead of the working tree'
            cand --no-ignore 'Do not honour .gitignore files'
            cand -q 'Print only errors'
            cand --quiet 'Print only errors'
            cand -v 'Print more detail on stderr'
            cand --verbose 'Print more detail on stderr'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'driftgate;diff'= {
            cand --files 'Compare file A with file B instead of the tree with the baseline'
            cand --from-format 'Read A as this format instead of guessing from its extension'
            cand --to-format 'Read B as this format instead of guessing from its extension'
            cand --rev 'Compare the tree of git commit REV instead of the working tree, without checking it out'
            cand --output 'Also write the report in FORMAT to PATH; repeatable (e.g. `--output sarif=drift.sarif`)'
            cand --root 'Use DIR as the root instead of searching upwards for driftgate.toml'
            cand --config 'Read the configuration from FILE instead of `<root>/driftgate.toml`'
            cand --format 'Output format of reports and listings'
            cand --color 'When to use colour (NO_COLOR is honoured with `auto`)'
            cand --strict 'Count cosmetic changes as differences'
            cand --staged 'Compare the git index (what `git commit` would record) instead of the working tree'
            cand --no-ignore 'Do not honour .gitignore files'
            cand -q 'Print only errors'
            cand --quiet 'Print only errors'
            cand -v 'Print more detail on stderr'
            cand --verbose 'Print more detail on stderr'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'driftgate;snapshot'= {
            cand -m 'Why the tree changed (recorded in the proposal and the audit log)'
            cand --message 'Why the tree changed (recorded in the proposal and the audit log)'
            cand --as 'Propose as NAME instead of git''s user.email or $USER'
            cand --root 'Use DIR as the root instead of searching upwards for driftgate.toml'
            cand --config 'Read the configuration from FILE instead of `<root>/driftgate.toml`'
            cand --format 'Output format of reports and listings'
            cand --color 'When to use colour (NO_COLOR is honoured with `auto`)'
            cand --no-ignore 'Do not honour .gitignore files'
            cand -q 'Print only errors'
            cand --quiet 'Print only errors'
            cand -v 'Print more detail on stderr'
            cand --verbose 'Print more detail on stderr'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'driftgate;approve'= {
            cand --as 'Approve as NAME instead of git''s user.email or $USER'
            cand -m 'The reason, instead of being asked for one'
            cand --message 'The reason, instead of being asked for one'
            cand --sign 'Sign the approval with the SSH key in KEY (a private key, or a public key held by ssh-agent)'
            cand --root 'Use DIR as the root instead of searching upwards for driftgate.toml'
            cand --config 'Read the configuration from FILE instead of `<root>/driftgate.toml`'
            cand --format 'Output format of reports and listings'
            cand --color 'When to use colour (NO_COLOR is honoured with `auto`)'
            cand --sign-agent 'Sign with ssh-agent (SSH_AUTH_SOCK): the key given with --sign, or the first agent key listed for the approver'
            cand --statement-only 'Only write the statement, for `ssh-keygen -Y sign -n driftgate`'
            cand -q 'Print only errors'
            cand --quiet 'Print only errors'
            cand -v 'Print more detail on stderr'
            cand --verbose 'Print more detail on stderr'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'driftgate;accept'= {
            cand --as 'Record NAME as who accepted, instead of git''s user.email or $USER'
            cand --root 'Use DIR as the root instead of searching upwards for driftgate.toml'
            cand --config 'Read the configuration from FILE instead of `<root>/driftgate.toml`'
            cand --format 'Output format of reports and listings'
            cand --color 'When to use colour (NO_COLOR is honoured with `auto`)'
            cand -q 'Print only errors'
            cand --quiet 'Print only errors'
            cand -v 'Print more detail on stderr'
            cand --verbose 'Print more detail on stderr'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'driftgate;reject'= {
            cand -m 'Why it is rejected'
            cand --message 'Why it is rejected'
            cand --as 'Reject as NAME instead of git''s user.email or $USER'
            cand --root 'Use DIR as the root instead of searching upwards for driftgate.toml'
            cand --config 'Read the configuration from FILE instead of `<root>/driftgate.toml`'
            cand --format 'Output format of reports and listings'
            cand --color 'When to use colour (NO_COLOR is honoured with `auto`)'
            cand -q 'Print only errors'
            cand --quiet 'Print only errors'
            cand -v 'Print more detail on stderr'
            cand --verbose 'Print more detail on stderr'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'driftgate;proposals'= {
            cand --root 'Use DIR as the root instead of searching upwards for driftgate.toml'
            cand --config 'Read the configuration from FILE instead of `<root>/driftgate.toml`'
            cand --format 'Output format of reports and listings'
            cand --color 'When to use colour (NO_COLOR is honoured with `auto`)'
            cand -q 'Print only errors'
            cand --quiet 'Print only errors'
            cand -v 'Print more detail on stderr'
            cand --verbose 'Print more detail on stderr'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'driftgate;explain'= {
            cand --root 'Use DIR as the root instead of searching upwards for driftgate.toml'
            cand --config 'Read the configuration from FILE instead of `<root>/driftgate.toml`'
            cand --format 'Output format of reports and listings'
            cand --color 'When to use colour (NO_COLOR is honoured with `auto`)'
            cand -q 'Print only errors'
            cand --quiet 'Print only errors'
            cand -v 'Print more detail on stderr'
            cand --verbose 'Print more detail on stderr'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'driftgate;log'= {
            cand --root 'Use DIR as the root instead of searching upwards for driftgate.toml'
            cand --config 'Read the configuration from FILE instead of `<root>/driftgate.toml`'
            cand --format 'Output format of reports and listings'
            cand --color 'When to use colour (NO_COLOR is honoured with `auto`)'
            cand -q 'Print only errors'
            cand --quiet 'Print only errors'
            cand -v 'Print more detail on stderr'
            cand --verbose 'Print more detail on stderr'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'driftgate;rules'= {
            cand --root 'Use DIR as the root instead of searching upwards for driftgate.toml'
            cand --config 'Read the configuration from FILE instead of `<root>/driftgate.toml`'
            cand --format 'Output format of reports and listings'
            cand --color 'When to use colour (NO_COLOR is honoured with `auto`)'
            cand --all 'Also list the built-in rules that are turned off'
            cand --in-force 'List the rules of the accepted baseline instead of driftgate.toml''s'
            cand -q 'Print only errors'
            cand --quiet 'Print only errors'
            cand -v 'Print more detail on stderr'
            cand --verbose 'Print more detail on stderr'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'driftgate;verify'= {
            cand --trust-root 'Require the first baseline to have root hash HASH (all 64 hex digits), instead of trusting it on first use; for CI'
            cand --base 'Require today''s chain and audit log to extend those at git revision REV (e.g. `origin/main` on a pull request, `HEAD~1` on a push): stops rollbacks, forks and rewritten logs'
            cand --root 'Use DIR as the root instead of searching upwards for driftgate.toml'
            cand --config 'Read the configuration from FILE instead of `<root>/driftgate.toml`'
            cand --format 'Output format of reports and listings'
            cand --color 'When to use colour (NO_COLOR is honoured with `auto`)'
            cand -q 'Print only errors'
            cand --quiet 'Print only errors'
            cand -v 'Print more detail on stderr'
            cand --verbose 'Print more detail on stderr'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'driftgate;hook'= {
            cand --root 'Use DIR as the root instead of searching upwards for driftgate.toml'
            cand --config 'Read the configuration from FILE instead of `<root>/driftgate.toml`'
            cand --format 'Output format of reports and listings'
            cand --color 'When to use colour (NO_COLOR is honoured with `auto`)'
            cand -q 'Print only errors'
            cand --quiet 'Print only errors'
            cand -v 'Print more detail on stderr'
            cand --verbose 'Print more detail on stderr'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
            cand install 'Install a git pre-commit hook that runs `driftgate check --staged`'
            cand uninstall 'Remove driftgate''s pre-commit hook'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'driftgate;hook;install'= {
            cand --root 'Use DIR as the root instead of searching upwards for driftgate.toml'
            cand --config 'Read the configuration from FILE instead of `<root>/driftgate.toml`'
            cand --format 'Output format of reports and listings'
            cand --color 'When to use colour (NO_COLOR is honoured with `auto`)'
            cand --force 'Replace a pre-commit hook driftgate did not write, keeping it chained'
            cand -q 'Print only errors'
            cand --quiet 'Print only errors'
            cand -v 'Print more detail on stderr'
            cand --verbose 'Print more detail on stderr'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'driftgate;hook;uninstall'= {
            cand --root 'Use DIR as the root instead of searching upwards for driftgate.toml'
            cand --config 'Read the configuration from FILE instead of `<root>/driftgate.toml`'
            cand --format 'Output format of reports and listings'
            cand --color 'When to use colour (NO_COLOR is honoured with `auto`)'
            cand -q 'Print only errors'
            cand --quiet 'Print only errors'
            cand -v 'Print more detail on stderr'
            cand --verbose 'Print more detail on stderr'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'driftgate;hook;help'= {
            cand install 'Install a git pre-commit hook that runs `driftgate check --staged`'
            cand uninstall 'Remove driftgate''s pre-commit hook'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'driftgate;hook;help;install'= {
        }
        &'driftgate;hook;help;uninstall'= {
        }
        &'driftgate;hook;help;help'= {
        }
        &'driftgate;completions'= {
            cand --root 'Use DIR as the root instead of searching upwards for driftgate.toml'
            cand --config 'Read the configuration from FILE instead of `<root>/driftgate.toml`'
            cand --format 'Output format of reports and listings'
            cand --color 'When to use colour (NO_COLOR is honoured with `auto`)'
            cand -q 'Print only errors'
            cand --quiet 'Print only errors'
            cand -v 'Print more detail on stderr'
            cand --verbose 'Print more detail on stderr'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'driftgate;help'= {
            cand init 'Create driftgate.toml (every key commented with its default) and .driftgate/'
            cand check 'Compare the tree with the accepted baseline; exit 1 on unapproved drift'
            cand diff 'Show every change between the tree and the accepted baseline, or between two files'
            cand snapshot 'Propose the current tree as the next baseline'
            cand approve 'Review a proposal and approve it'
            cand accept 'Promote an approved proposal to the accepted baseline'
            cand reject 'Close a proposal without accepting it'
            cand proposals 'List pending proposals'
            cand explain 'Explain what a proposal needs before it can be accepted'
            cand log 'Show the audit trail: who proposed, approved, rejected and accepted what'
            cand rules 'List the active risk rules'
            cand verify 'Verify the baseline chain, its signatures, trust-file changes and the audit log'
            cand hook 'Install or remove the git pre-commit hook that runs `check --staged`'
            cand completions 'Print a shell completion script'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'driftgate;help;init'= {
        }
        &'driftgate;help;check'= {
        }
        &'driftgate;help;diff'= {
        }
        &'driftgate;help;snapshot'= {
        }
        &'driftgate;help;approve'= {
        }
        &'driftgate;help;accept'= {
        }
        &'driftgate;help;reject'= {
        }
        &'driftgate;help;proposals'= {
        }
        &'driftgate;help;explain'= {
        }
        &'driftgate;help;log'= {
        }
        &'driftgate;help;rules'= {
        }
        &'driftgate;help;verify'= {
        }
        &'driftgate;help;hook'= {
            cand install 'Install a git pre-commit hook that runs `driftgate check --staged`'
            cand uninstall 'Remove driftgate''s pre-commit hook'
        }
        &'driftgate;help;hook;install'= {
        }
        &'driftgate;help;hook;uninstall'= {
        }
        &'driftgate;help;completions'= {
        }
        &'driftgate;help;help'= {
        }
    ]
    $completions[$command]
}
