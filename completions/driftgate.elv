
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
            cand --color 'When to use colour (NO_COLOR is honoured with `auto`)'
            cand --fixed-clock 'Read this time instead of the system clock (for reproducible tests and demonstrations; every expiry and record uses it)'
            cand -q 'Print only errors and the final verdict line'
            cand --quiet 'Print only errors and the final verdict line'
            cand -v 'Also print unchanged-file counts, timings and what each rule means'
            cand --verbose 'Also print unchanged-file counts, timings and what each rule means'
            cand --no-pager 'Do not page long output ($DRIFTGATE_PAGER, else $PAGER, else `less -FRX`)'
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
            cand evidence 'Write an evidence bundle that an auditor can check offline with ssh-keygen'
            cand attest 'Export an accepted baseline as an in-toto attestation signed with your SSH key'
            cand notify 'Send notifications to the `[[notify]]` targets of driftgate.toml'
            cand hook 'Install or remove the git pre-commit hook that runs `check --staged`'
            cand completions 'Print a shell completion script'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'driftgate;init'= {
            cand --root 'Use DIR as the root instead of searching upwards for driftgate.toml'
            cand --config 'Read the configuration from FILE instead of `<root>/driftgate.toml`'
            cand --color 'When to use colour (NO_COLOR is honoured with `auto`)'
            cand --fixed-clock 'Read this time instead of the system clock (for reproducible tests and demonstrations; every expiry and record uses it)'
            cand --force 'Overwrite an existing driftgate.toml'
            cand --solo 'Allow self-approval, for a project with a single maintainer'
            cand --nested 'Make a root inside an existing one (its files then belong to both)'
            cand -q 'Print only errors and the final verdict line'
            cand --quiet 'Print only errors and the final verdict line'
            cand -v 'Also print unchanged-file counts, timings and what each rule means'
            cand --verbose 'Also print unchanged-file counts, timings and what each rule means'
            cand --no-pager 'Do not page long output ($DRIFTGATE_PAGER, else $PAGER, else `less -FRX`)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'driftgate;check'= {
            cand --fail-on 'Exit 1 only for drift of at least this severity (default: any drift)'
            cand --as 'Record NAME as who ran the check, with `--audit`'
            cand --actor 'Record the run as KIND (`human`, `ci` or `agent`) through tool NAME; also DRIFTGATE_ACTOR. Without it, the policy''s machine principals and CI detection decide'
            cand --rev 'Compare the tree of git commit REV instead of the working tree, without checking it out'
            cand --output 'Also write the report in FORMAT to PATH; repeatable (e.g. `--output sarif=drift.sarif`)'
            cand --format 'Output format of the report'
            cand --root 'Use DIR as the root instead of searching upwards for driftgate.toml'
            cand --config 'Read the configuration from FILE instead of `<root>/driftgate.toml`'
            cand --color 'When to use colour (NO_COLOR is honoured with `auto`)'
            cand --fixed-clock 'Read this time instead of the system clock (for reproducible tests and demonstrations; every expiry and record uses it)'
            cand --strict 'Count cosmetic changes as drift'
            cand --audit 'Record the result in the audit log (a `checked` event), e.g. for a release gate'
            cand --no-notify 'Send no notifications to the `[[notify]]` targets (also DRIFTGATE_NO_NOTIFY=1)'
            cand --staged 'Compare the git index (what `git commit` would record) instead of the working tree'
            cand --no-ignore 'Do not honour .gitignore files'
            cand --hook 'Run as the pre-commit hook: on drift, say which commands let the commit through'
            cand --all 'List every change in the text report, however many'
            cand -q 'Print only errors and the final verdict line'
            cand --quiet 'Print only errors and the final verdict line'
            cand -v 'Also print unchanged-file counts, timings and what each rule means'
            cand --verbose 'Also print unchanged-file counts, timings and what each rule means'
            cand --no-pager 'Do not page long output ($DRIFTGATE_PAGER, else $PAGER, else `less -FRX`)'
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
            cand --format 'Output format of the report'
            cand --root 'Use DIR as the root instead of searching upwards for driftgate.toml'
            cand --config 'Read the configuration from FILE instead of `<root>/driftgate.toml`'
            cand --color 'When to use colour (NO_COLOR is honoured with `auto`)'
            cand --fixed-clock 'Read this time instead of the system clock (for reproducible tests and demonstrations; every expiry and record uses it)'
            cand --strict 'Count cosmetic changes as differences'
            cand --rules 'With `--files`: rate the changes with the risk rules and show their severities'
            cand --all 'List every change in the text report, however many'
            cand --staged 'Compare the git index (what `git commit` would record) instead of the working tree'
            cand --no-ignore 'Do not honour .gitignore files'
            cand -q 'Print only errors and the final verdict line'
            cand --quiet 'Print only errors and the final verdict line'
            cand -v 'Also print unchanged-file counts, timings and what each rule means'
            cand --verbose 'Also print unchanged-file counts, timings and what each rule means'
            cand --no-pager 'Do not page long output ($DRIFTGATE_PAGER, else $PAGER, else `less -FRX`)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'driftgate;snapshot'= {
            cand -m 'Why the tree changed (recorded in the proposal and the audit log)'
            cand --message 'Why the tree changed (recorded in the proposal and the audit log)'
            cand --as 'Propose as NAME instead of git''s user.email or $USER'
            cand --format 'Output format'
            cand --sign 'Sign the proposal with the SSH key in KEY, so that the requester is the principal allowed_signers lists for the key (required under `policy.require_signed_proposals`)'
            cand --actor 'Record the run as KIND (`human`, `ci` or `agent`) through tool NAME; also DRIFTGATE_ACTOR. Without it, the policy''s machine principals and CI detection decide'
            cand --root 'Use DIR as the root instead of searching upwards for driftgate.toml'
            cand --config 'Read the configuration from FILE instead of `<root>/driftgate.toml`'
            cand --color 'When to use colour (NO_COLOR is honoured with `auto`)'
            cand --fixed-clock 'Read this time instead of the system clock (for reproducible tests and demonstrations; every expiry and record uses it)'
            cand --no-ignore 'Do not honour .gitignore files'
            cand --staged 'Propose the git index (what `git commit` would record) instead of the working tree'
            cand --no-notify 'Send no notifications to the `[[notify]]` targets (also DRIFTGATE_NO_NOTIFY=1)'
            cand -q 'Print only errors and the final verdict line'
            cand --quiet 'Print only errors and the final verdict line'
            cand -v 'Also print unchanged-file counts, timings and what each rule means'
            cand --verbose 'Also print unchanged-file counts, timings and what each rule means'
            cand --no-pager 'Do not page long output ($DRIFTGATE_PAGER, else $PAGER, else `less -FRX`)'
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
            cand --actor 'Record the run as KIND (`human`, `ci` or `agent`) through tool NAME; also DRIFTGATE_ACTOR. Without it, the policy''s machine principals and CI detection decide'
            cand --root 'Use DIR as the root instead of searching upwards for driftgate.toml'
            cand --config 'Read the configuration from FILE instead of `<root>/driftgate.toml`'
            cand --color 'When to use colour (NO_COLOR is honoured with `auto`)'
            cand --fixed-clock 'Read this time instead of the system clock (for reproducible tests and demonstrations; every expiry and record uses it)'
            cand --sign-agent 'Sign with ssh-agent (SSH_AUTH_SOCK): the key given with --sign, or the first agent key listed for the approver'
            cand --statement-only 'Only write the statement, for `ssh-keygen -Y sign -n driftgate`'
            cand -y 'Approve without the `[y/N]` question (a signed approval without a terminal needs it)'
            cand --yes 'Approve without the `[y/N]` question (a signed approval without a terminal needs it)'
            cand --all 'List every change on the review screen, however many'
            cand --no-notify 'Send no notifications to the `[[notify]]` targets (also DRIFTGATE_NO_NOTIFY=1)'
            cand -q 'Print only errors and the final verdict line'
            cand --quiet 'Print only errors and the final verdict line'
            cand -v 'Also print unchanged-file counts, timings and what each rule means'
            cand --verbose 'Also print unchanged-file counts, timings and what each rule means'
            cand --no-pager 'Do not page long output ($DRIFTGATE_PAGER, else $PAGER, else `less -FRX`)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'driftgate;accept'= {
            cand --as 'Record NAME as who accepted, instead of git''s user.email or $USER'
            cand --actor 'Record the run as KIND (`human`, `ci` or `agent`) through tool NAME; also DRIFTGATE_ACTOR. Without it, the policy''s machine principals and CI detection decide'
            cand --root 'Use DIR as the root instead of searching upwards for driftgate.toml'
            cand --config 'Read the configuration from FILE instead of `<root>/driftgate.toml`'
            cand --color 'When to use colour (NO_COLOR is honoured with `auto`)'
            cand --fixed-clock 'Read this time instead of the system clock (for reproducible tests and demonstrations; every expiry and record uses it)'
            cand --no-notify 'Send no notifications to the `[[notify]]` targets (also DRIFTGATE_NO_NOTIFY=1)'
            cand -q 'Print only errors and the final verdict line'
            cand --quiet 'Print only errors and the final verdict line'
            cand -v 'Also print unchanged-file counts, timings and what each rule means'
            cand --verbose 'Also print unchanged-file counts, timings and what each rule means'
            cand --no-pager 'Do not page long output ($DRIFTGATE_PAGER, else $PAGER, else `less -FRX`)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'driftgate;reject'= {
            cand -m 'Why it is rejected'
            cand --message 'Why it is rejected'
            cand --as 'Reject as NAME instead of git''s user.email or $USER'
            cand --actor 'Record the run as KIND (`human`, `ci` or `agent`) through tool NAME; also DRIFTGATE_ACTOR. Without it, the policy''s machine principals and CI detection decide'
            cand --root 'Use DIR as the root instead of searching upwards for driftgate.toml'
            cand --config 'Read the configuration from FILE instead of `<root>/driftgate.toml`'
            cand --color 'When to use colour (NO_COLOR is honoured with `auto`)'
            cand --fixed-clock 'Read this time instead of the system clock (for reproducible tests and demonstrations; every expiry and record uses it)'
            cand --no-notify 'Send no notifications to the `[[notify]]` targets (also DRIFTGATE_NO_NOTIFY=1)'
            cand -q 'Print only errors and the final verdict line'
            cand --quiet 'Print only errors and the final verdict line'
            cand -v 'Also print unchanged-file counts, timings and what each rule means'
            cand --verbose 'Also print unchanged-file counts, timings and what each rule means'
            cand --no-pager 'Do not page long output ($DRIFTGATE_PAGER, else $PAGER, else `less -FRX`)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'driftgate;proposals'= {
            cand --format 'Output format'
            cand --actor 'Record the run as KIND (`human`, `ci` or `agent`) through tool NAME; also DRIFTGATE_ACTOR. Without it, the policy''s machine principals and CI detection decide'
            cand --root 'Use DIR as the root instead of searching upwards for driftgate.toml'
            cand --config 'Read the configuration from FILE instead of `<root>/driftgate.toml`'
            cand --color 'When to use colour (NO_COLOR is honoured with `auto`)'
            cand --fixed-clock 'Read this time instead of the system clock (for reproducible tests and demonstrations; every expiry and record uses it)'
            cand --no-notify 'Send no notifications to the `[[notify]]` targets (also DRIFTGATE_NO_NOTIFY=1)'
            cand -q 'Print only errors and the final verdict line'
            cand --quiet 'Print only errors and the final verdict line'
            cand -v 'Also print unchanged-file counts, timings and what each rule means'
            cand --verbose 'Also print unchanged-file counts, timings and what each rule means'
            cand --no-pager 'Do not page long output ($DRIFTGATE_PAGER, else $PAGER, else `less -FRX`)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'driftgate;explain'= {
            cand --format 'Output format'
            cand --root 'Use DIR as the root instead of searching upwards for driftgate.toml'
            cand --config 'Read the configuration from FILE instead of `<root>/driftgate.toml`'
            cand --color 'When to use colour (NO_COLOR is honoured with `auto`)'
            cand --fixed-clock 'Read this time instead of the system clock (for reproducible tests and demonstrations; every expiry and record uses it)'
            cand -q 'Print only errors and the final verdict line'
            cand --quiet 'Print only errors and the final verdict line'
            cand -v 'Also print unchanged-file counts, timings and what each rule means'
            cand --verbose 'Also print unchanged-file counts, timings and what each rule means'
            cand --no-pager 'Do not page long output ($DRIFTGATE_PAGER, else $PAGER, else `less -FRX`)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'driftgate;log'= {
            cand --format 'Output format'
            cand --since 'Only events at or after WHEN: an RFC 3339 time, a date (`2026-10-01`, UTC) or a duration back from now (`7d`, `36h`)'
            cand --until 'Only events at or before WHEN (same forms as `--since`; a date includes its whole day)'
            cand --poll-ms 'How often `--follow` looks for new lines, in milliseconds'
            cand --root 'Use DIR as the root instead of searching upwards for driftgate.toml'
            cand --config 'Read the configuration from FILE instead of `<root>/driftgate.toml`'
            cand --color 'When to use colour (NO_COLOR is honoured with `auto`)'
            cand --fixed-clock 'Read this time instead of the system clock (for reproducible tests and demonstrations; every expiry and record uses it)'
            cand --follow 'Keep running and print events as they are appended (`--format ndjson` or `ocsf`)'
            cand -q 'Print only errors and the final verdict line'
            cand --quiet 'Print only errors and the final verdict line'
            cand -v 'Also print unchanged-file counts, timings and what each rule means'
            cand --verbose 'Also print unchanged-file counts, timings and what each rule means'
            cand --no-pager 'Do not page long output ($DRIFTGATE_PAGER, else $PAGER, else `less -FRX`)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'driftgate;rules'= {
            cand --format 'Output format'
            cand --root 'Use DIR as the root instead of searching upwards for driftgate.toml'
            cand --config 'Read the configuration from FILE instead of `<root>/driftgate.toml`'
            cand --color 'When to use colour (NO_COLOR is honoured with `auto`)'
            cand --fixed-clock 'Read this time instead of the system clock (for reproducible tests and demonstrations; every expiry and record uses it)'
            cand --all 'Also list the built-in rules that are turned off'
            cand --in-force 'List the rules of the accepted baseline instead of driftgate.toml''s'
            cand -q 'Print only errors and the final verdict line'
            cand --quiet 'Print only errors and the final verdict line'
            cand -v 'Also print unchanged-file counts, timings and what each rule means'
            cand --verbose 'Also print unchanged-file counts, timings and what each rule means'
            cand --no-pager 'Do not page long output ($DRIFTGATE_PAGER, else $PAGER, else `less -FRX`)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'driftgate;verify'= {
            cand --format 'Output format'
            cand --trust-root 'Require the first baseline to have root hash HASH (all 64 hex digits), instead of trusting it on first use; for CI'
            cand --base 'Require today''s chain and audit log to extend those at git revision REV (e.g. `origin/main` on a pull request, `HEAD~1` on a push): stops rollbacks, forks and rewritten logs'
            cand --attestation 'Check the attestation FILE (from `driftgate attest`) instead: its signatures, that its signers approved the baseline, and that it says what the history says'
            cand --root 'Use DIR as the root instead of searching upwards for driftgate.toml'
            cand --config 'Read the configuration from FILE instead of `<root>/driftgate.toml`'
            cand --color 'When to use colour (NO_COLOR is honoured with `auto`)'
            cand --fixed-clock 'Read this time instead of the system clock (for reproducible tests and demonstrations; every expiry and record uses it)'
            cand -q 'Print only errors and the final verdict line'
            cand --quiet 'Print only errors and the final verdict line'
            cand -v 'Also print unchanged-file counts, timings and what each rule means'
            cand --verbose 'Also print unchanged-file counts, timings and what each rule means'
            cand --no-pager 'Do not page long output ($DRIFTGATE_PAGER, else $PAGER, else `less -FRX`)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'driftgate;evidence'= {
            cand --since 'Include baselines accepted at or after WHEN: an RFC 3339 time, a date (`2026-10-01`, UTC) or a duration back from now (`90d`); default: all'
            cand --until 'Include baselines accepted at or before WHEN (same forms as `--since`; a date includes its whole day)'
            cand --out 'Write the archive to FILE (`.tar.gz`)'
            cand --root 'Use DIR as the root instead of searching upwards for driftgate.toml'
            cand --config 'Read the configuration from FILE instead of `<root>/driftgate.toml`'
            cand --color 'When to use colour (NO_COLOR is honoured with `auto`)'
            cand --fixed-clock 'Read this time instead of the system clock (for reproducible tests and demonstrations; every expiry and record uses it)'
            cand -q 'Print only errors and the final verdict line'
            cand --quiet 'Print only errors and the final verdict line'
            cand -v 'Also print unchanged-file counts, timings and what each rule means'
            cand --verbose 'Also print unchanged-file counts, timings and what each rule means'
            cand --no-pager 'Do not page long output ($DRIFTGATE_PAGER, else $PAGER, else `less -FRX`)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'driftgate;attest'= {
            cand --sign 'Sign with this SSH key: a private key file, or a public key held by ssh-agent'
            cand --as 'Sign as this approver, when KEY is listed for more than one of them'
            cand --out 'Write the envelope to FILE instead of stdout'
            cand --root 'Use DIR as the root instead of searching upwards for driftgate.toml'
            cand --config 'Read the configuration from FILE instead of `<root>/driftgate.toml`'
            cand --color 'When to use colour (NO_COLOR is honoured with `auto`)'
            cand --fixed-clock 'Read this time instead of the system clock (for reproducible tests and demonstrations; every expiry and record uses it)'
            cand -q 'Print only errors and the final verdict line'
            cand --quiet 'Print only errors and the final verdict line'
            cand -v 'Also print unchanged-file counts, timings and what each rule means'
            cand --verbose 'Also print unchanged-file counts, timings and what each rule means'
            cand --no-pager 'Do not page long output ($DRIFTGATE_PAGER, else $PAGER, else `less -FRX`)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'driftgate;notify'= {
            cand --root 'Use DIR as the root instead of searching upwards for driftgate.toml'
            cand --config 'Read the configuration from FILE instead of `<root>/driftgate.toml`'
            cand --color 'When to use colour (NO_COLOR is honoured with `auto`)'
            cand --fixed-clock 'Read this time instead of the system clock (for reproducible tests and demonstrations; every expiry and record uses it)'
            cand -q 'Print only errors and the final verdict line'
            cand --quiet 'Print only errors and the final verdict line'
            cand -v 'Also print unchanged-file counts, timings and what each rule means'
            cand --verbose 'Also print unchanged-file counts, timings and what each rule means'
            cand --no-pager 'Do not page long output ($DRIFTGATE_PAGER, else $PAGER, else `less -FRX`)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
            cand test 'Send a sample event to every `[[notify]]` target and print each response status'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'driftgate;notify;test'= {
            cand --event 'The kind of event to send'
            cand --root 'Use DIR as the root instead of searching upwards for driftgate.toml'
            cand --config 'Read the configuration from FILE instead of `<root>/driftgate.toml`'
            cand --color 'When to use colour (NO_COLOR is honoured with `auto`)'
            cand --fixed-clock 'Read this time instead of the system clock (for reproducible tests and demonstrations; every expiry and record uses it)'
            cand -q 'Print only errors and the final verdict line'
            cand --quiet 'Print only errors and the final verdict line'
            cand -v 'Also print unchanged-file counts, timings and what each rule means'
            cand --verbose 'Also print unchanged-file counts, timings and what each rule means'
            cand --no-pager 'Do not page long output ($DRIFTGATE_PAGER, else $PAGER, else `less -FRX`)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'driftgate;notify;help'= {
            cand test 'Send a sample event to every `[[notify]]` target and print each response status'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'driftgate;notify;help;test'= {
        }
        &'driftgate;notify;help;help'= {
        }
        &'driftgate;hook'= {
            cand --root 'Use DIR as the root instead of searching upwards for driftgate.toml'
            cand --config 'Read the configuration from FILE instead of `<root>/driftgate.toml`'
            cand --color 'When to use colour (NO_COLOR is honoured with `auto`)'
            cand --fixed-clock 'Read this time instead of the system clock (for reproducible tests and demonstrations; every expiry and record uses it)'
            cand -q 'Print only errors and the final verdict line'
            cand --quiet 'Print only errors and the final verdict line'
            cand -v 'Also print unchanged-file counts, timings and what each rule means'
            cand --verbose 'Also print unchanged-file counts, timings and what each rule means'
            cand --no-pager 'Do not page long output ($DRIFTGATE_PAGER, else $PAGER, else `less -FRX`)'
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
            cand --color 'When to use colour (NO_COLOR is honoured with `auto`)'
            cand --fixed-clock 'Read this time instead of the system clock (for reproducible tests and demonstrations; every expiry and record uses it)'
            cand --force 'Replace a pre-commit hook driftgate did not write, keeping it chained'
            cand -q 'Print only errors and the final verdict line'
            cand --quiet 'Print only errors and the final verdict line'
            cand -v 'Also print unchanged-file counts, timings and what each rule means'
            cand --verbose 'Also print unchanged-file counts, timings and what each rule means'
            cand --no-pager 'Do not page long output ($DRIFTGATE_PAGER, else $PAGER, else `less -FRX`)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'driftgate;hook;uninstall'= {
            cand --root 'Use DIR as the root instead of searching upwards for driftgate.toml'
            cand --config 'Read the configuration from FILE instead of `<root>/driftgate.toml`'
            cand --color 'When to use colour (NO_COLOR is honoured with `auto`)'
            cand --fixed-clock 'Read this time instead of the system clock (for reproducible tests and demonstrations; every expiry and record uses it)'
            cand -q 'Print only errors and the final verdict line'
            cand --quiet 'Print only errors and the final verdict line'
            cand -v 'Also print unchanged-file counts, timings and what each rule means'
            cand --verbose 'Also print unchanged-file counts, timings and what each rule means'
            cand --no-pager 'Do not page long output ($DRIFTGATE_PAGER, else $PAGER, else `less -FRX`)'
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
            cand --color 'When to use colour (NO_COLOR is honoured with `auto`)'
            cand --fixed-clock 'Read this time instead of the system clock (for reproducible tests and demonstrations; every expiry and record uses it)'
            cand -q 'Print only errors and the final verdict line'
            cand --quiet 'Print only errors and the final verdict line'
            cand -v 'Also print unchanged-file counts, timings and what each rule means'
            cand --verbose 'Also print unchanged-file counts, timings and what each rule means'
            cand --no-pager 'Do not page long output ($DRIFTGATE_PAGER, else $PAGER, else `less -FRX`)'
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
            cand evidence 'Write an evidence bundle that an auditor can check offline with ssh-keygen'
            cand attest 'Export an accepted baseline as an in-toto attestation signed with your SSH key'
            cand notify 'Send notifications to the `[[notify]]` targets of driftgate.toml'
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
        &'driftgate;help;evidence'= {
        }
        &'driftgate;help;attest'= {
        }
        &'driftgate;help;notify'= {
            cand test 'Send a sample event to every `[[notify]]` target and print each response status'
        }
        &'driftgate;help;notify;test'= {
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
