
using namespace System.Management.Automation
using namespace System.Management.Automation.Language

Register-ArgumentCompleter -Native -CommandName 'driftgate' -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)

    $commandElements = $commandAst.CommandElements
    $command = @(
        'driftgate'
        for ($i = 1; $i -lt $commandElements.Count; $i++) {
            $element = $commandElements[$i]
            if ($element -isnot [StringConstantExpressionAst] -or
                $element.StringConstantType -ne [StringConstantType]::BareWord -or
                $element.Value.StartsWith('-') -or
                $element.Value -eq $wordToComplete) {
                break
        }
        $element.Value
    }) -join ';'

    $completions = @(switch ($command) {
        'driftgate' {
            [CompletionResult]::new('--root', '--root', [CompletionResultType]::ParameterName, 'Use DIR as the root instead of searching upwards for driftgate.toml')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Read the configuration from FILE instead of `<root>/driftgate.toml`')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR is honoured with `auto`)')
            [CompletionResult]::new('--fixed-clock', '--fixed-clock', [CompletionResultType]::ParameterName, 'Read this time instead of the system clock (for reproducible tests and demonstrations; every expiry and record uses it)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors and the final verdict line')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors and the final verdict line')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Also print unchanged-file counts, timings and what each rule means')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Also print unchanged-file counts, timings and what each rule means')
            [CompletionResult]::new('--no-pager', '--no-pager', [CompletionResultType]::ParameterName, 'Do not page long output ($DRIFTGATE_PAGER, else $PAGER, else `less -FRX`)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('init', 'init', [CompletionResultType]::ParameterValue, 'Create driftgate.toml (every key commented with its default) and .driftgate/')
            [CompletionResult]::new('check', 'check', [CompletionResultType]::ParameterValue, 'Compare the tree with the accepted baseline; exit 1 on unapproved drift')
            [CompletionResult]::new('diff', 'diff', [CompletionResultType]::ParameterValue, 'Show every change between the tree and the accepted baseline, or between two files')
            [CompletionResult]::new('snapshot', 'snapshot', [CompletionResultType]::ParameterValue, 'Propose the current tree as the next baseline')
            [CompletionResult]::new('approve', 'approve', [CompletionResultType]::ParameterValue, 'Review a proposal and approve it')
            [CompletionResult]::new('accept', 'accept', [CompletionResultType]::ParameterValue, 'Promote an approved proposal to the accepted baseline')
            [CompletionResult]::new('reject', 'reject', [CompletionResultType]::ParameterValue, 'Close a proposal without accepting it')
            [CompletionResult]::new('proposals', 'proposals', [CompletionResultType]::ParameterValue, 'List pending proposals')
            [CompletionResult]::new('explain', 'explain', [CompletionResultType]::ParameterValue, 'Explain what a proposal needs before it can be accepted')
            [CompletionResult]::new('log', 'log', [CompletionResultType]::ParameterValue, 'Show the audit trail: who proposed, approved, rejected and accepted what')
            [CompletionResult]::new('rules', 'rules', [CompletionResultType]::ParameterValue, 'List the active risk rules')
            [CompletionResult]::new('verify', 'verify', [CompletionResultType]::ParameterValue, 'Verify the baseline chain, its signatures, trust-file changes and the audit log')
            [CompletionResult]::new('evidence', 'evidence', [CompletionResultType]::ParameterValue, 'Write an evidence bundle that an auditor can check offline with ssh-keygen')
            [CompletionResult]::new('attest', 'attest', [CompletionResultType]::ParameterValue, 'Export an accepted baseline as an in-toto attestation signed with your SSH key')
            [CompletionResult]::new('notify', 'notify', [CompletionResultType]::ParameterValue, 'Send notifications to the `[[notify]]` targets of driftgate.toml')
            [CompletionResult]::new('hook', 'hook', [CompletionResultType]::ParameterValue, 'Install or remove the git pre-commit hook that runs `check --staged`')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print a shell completion script')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'driftgate;init' {
            [CompletionResult]::new('--root', '--root', [CompletionResultType]::ParameterName, 'Use DIR as the root instead of searching upwards for driftgate.toml')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Read the configuration from FILE instead of `<root>/driftgate.toml`')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR is honoured with `auto`)')
            [CompletionResult]::new('--fixed-clock', '--fixed-clock', [CompletionResultType]::ParameterName, 'Read this time instead of the system clock (for reproducible tests and demonstrations; every expiry and record uses it)')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Overwrite an existing driftgate.toml')
            [CompletionResult]::new('--solo', '--solo', [CompletionResultType]::ParameterName, 'Allow self-approval, for a project with a single maintainer')
            [CompletionResult]::new('--nested', '--nested', [CompletionResultType]::ParameterName, 'Make a root inside an existing one (its files then belong to both)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors and the final verdict line')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors and the final verdict line')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Also print unchanged-file counts, timings and what each rule means')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Also print unchanged-file counts, timings and what each rule means')
            [CompletionResult]::new('--no-pager', '--no-pager', [CompletionResultType]::ParameterName, 'Do not page long output ($DRIFTGATE_PAGER, else $PAGER, else `less -FRX`)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'driftgate;check' {
            [CompletionResult]::new('--fail-on', '--fail-on', [CompletionResultType]::ParameterName, 'Exit 1 only for drift of at least this severity (default: any drift)')
            [CompletionResult]::new('--as', '--as', [CompletionResultType]::ParameterName, 'Record NAME as who ran the check, with `--audit`')
            [CompletionResult]::new('--actor', '--actor', [CompletionResultType]::ParameterName, 'Record the run as KIND (`human`, `ci` or `agent`) through tool NAME; also DRIFTGATE_ACTOR. Without it, the policy''s machine principals and CI detection decide')
            [CompletionResult]::new('--rev', '--rev', [CompletionResultType]::ParameterName, 'Compare the tree of git commit REV instead of the working tree, without checking it out')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Also write the report in FORMAT to PATH; repeatable (e.g. `--output sarif=drift.sarif`)')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format of the report')
            [CompletionResult]::new('--root', '--root', [CompletionResultType]::ParameterName, 'Use DIR as the root instead of searching upwards for driftgate.toml')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Read the configuration from FILE instead of `<root>/driftgate.toml`')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR is honoured with `auto`)')
            [CompletionResult]::new('--fixed-clock', '--fixed-clock', [CompletionResultType]::ParameterName, 'Read this time instead of the system clock (for reproducible tests and demonstrations; every expiry and record uses it)')
            [CompletionResult]::new('--strict', '--strict', [CompletionResultType]::ParameterName, 'Count cosmetic changes as drift')
            [CompletionResult]::new('--audit', '--audit', [CompletionResultType]::ParameterName, 'Record the result in the audit log (a `checked` event), e.g. for a release gate')
            [CompletionResult]::new('--no-notify', '--no-notify', [CompletionResultType]::ParameterName, 'Send no notifications to the `[[notify]]` targets (also DRIFTGATE_NO_NOTIFY=1)')
            [CompletionResult]::new('--staged', '--staged', [CompletionResultType]::ParameterName, 'Compare the git index (what `git commit` would record) instead of the working tree')
            [CompletionResult]::new('--no-ignore', '--no-ignore', [CompletionResultType]::ParameterName, 'Do not honour .gitignore files')
            [CompletionResult]::new('--hook', '--hook', [CompletionResultType]::ParameterName, 'Run as the pre-commit hook: on drift, say which commands let the commit through')
            [CompletionResult]::new('--all', '--all', [CompletionResultType]::ParameterName, 'List every change in the text report, however many')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors and the final verdict line')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors and the final verdict line')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Also print unchanged-file counts, timings and what each rule means')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Also print unchanged-file counts, timings and what each rule means')
            [CompletionResult]::new('--no-pager', '--no-pager', [CompletionResultType]::ParameterName, 'Do not page long output ($DRIFTGATE_PAGER, else $PAGER, else `less -FRX`)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'driftgate;diff' {
            [CompletionResult]::new('--files', '--files', [CompletionResultType]::ParameterName, 'Compare file A with file B instead of the tree with the baseline')
            [CompletionResult]::new('--from-format', '--from-format', [CompletionResultType]::ParameterName, 'Read A as this format instead of guessing from its extension')
            [CompletionResult]::new('--to-format', '--to-format', [CompletionResultType]::ParameterName, 'Read B as this format instead of guessing from its extension')
            [CompletionResult]::new('--rev', '--rev', [CompletionResultType]::ParameterName, 'Compare the tree of git commit REV instead of the working tree, without checking it out')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Also write the report in FORMAT to PATH; repeatable (e.g. `--output sarif=drift.sarif`)')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format of the report')
            [CompletionResult]::new('--root', '--root', [CompletionResultType]::ParameterName, 'Use DIR as the root instead of searching upwards for driftgate.toml')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Read the configuration from FILE instead of `<root>/driftgate.toml`')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR is honoured with `auto`)')
            [CompletionResult]::new('--fixed-clock', '--fixed-clock', [CompletionResultType]::ParameterName, 'Read this time instead of the system clock (for reproducible tests and demonstrations; every expiry and record uses it)')
            [CompletionResult]::new('--strict', '--strict', [CompletionResultType]::ParameterName, 'Count cosmetic changes as differences')
            [CompletionResult]::new('--rules', '--rules', [CompletionResultType]::ParameterName, 'With `--files`: rate the changes with the risk rules and show their severities')
            [CompletionResult]::new('--all', '--all', [CompletionResultType]::ParameterName, 'List every change in the text report, however many')
            [CompletionResult]::new('--staged', '--staged', [CompletionResultType]::ParameterName, 'Compare the git index (what `git commit` would record) instead of the working tree')
            [CompletionResult]::new('--no-ignore', '--no-ignore', [CompletionResultType]::ParameterName, 'Do not honour .gitignore files')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors and the final verdict line')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors and the final verdict line')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Also print unchanged-file counts, timings and what each rule means')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Also print unchanged-file counts, timings and what each rule means')
            [CompletionResult]::new('--no-pager', '--no-pager', [CompletionResultType]::ParameterName, 'Do not page long output ($DRIFTGATE_PAGER, else $PAGER, else `less -FRX`)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'driftgate;snapshot' {
            [CompletionResult]::new('-m', '-m', [CompletionResultType]::ParameterName, 'Why the tree changed (recorded in the proposal and the audit log)')
            [CompletionResult]::new('--message', '--message', [CompletionResultType]::ParameterName, 'Why the tree changed (recorded in the proposal and the audit log)')
            [CompletionResult]::new('--as', '--as', [CompletionResultType]::ParameterName, 'Propose as NAME instead of git''s user.email or $USER')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--sign', '--sign', [CompletionResultType]::ParameterName, 'Sign the proposal with the SSH key in KEY, so that the requester is the principal allowed_signers lists for the key (required under `policy.require_signed_proposals`)')
            [CompletionResult]::new('--actor', '--actor', [CompletionResultType]::ParameterName, 'Record the run as KIND (`human`, `ci` or `agent`) through tool NAME; also DRIFTGATE_ACTOR. Without it, the policy''s machine principals and CI detection decide')
            [CompletionResult]::new('--root', '--root', [CompletionResultType]::ParameterName, 'Use DIR as the root instead of searching upwards for driftgate.toml')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Read the configuration from FILE instead of `<root>/driftgate.toml`')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR is honoured with `auto`)')
            [CompletionResult]::new('--fixed-clock', '--fixed-clock', [CompletionResultType]::ParameterName, 'Read this time instead of the system clock (for reproducible tests and demonstrations; every expiry and record uses it)')
            [CompletionResult]::new('--no-ignore', '--no-ignore', [CompletionResultType]::ParameterName, 'Do not honour .gitignore files')
            [CompletionResult]::new('--staged', '--staged', [CompletionResultType]::ParameterName, 'Propose the git index (what `git commit` would record) instead of the working tree')
            [CompletionResult]::new('--no-notify', '--no-notify', [CompletionResultType]::ParameterName, 'Send no notifications to the `[[notify]]` targets (also DRIFTGATE_NO_NOTIFY=1)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors and the final verdict line')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors and the final verdict line')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Also print unchanged-file counts, timings and what each rule means')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Also print unchanged-file counts, timings and what each rule means')
            [CompletionResult]::new('--no-pager', '--no-pager', [CompletionResultType]::ParameterName, 'Do not page long output ($DRIFTGATE_PAGER, else $PAGER, else `less -FRX`)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'driftgate;approve' {
            [CompletionResult]::new('--as', '--as', [CompletionResultType]::ParameterName, 'Approve as NAME instead of git''s user.email or $USER')
            [CompletionResult]::new('-m', '-m', [CompletionResultType]::ParameterName, 'The reason, instead of being asked for one')
            [CompletionResult]::new('--message', '--message', [CompletionResultType]::ParameterName, 'The reason, instead of being asked for one')
            [CompletionResult]::new('--sign', '--sign', [CompletionResultType]::ParameterName, 'Sign the approval with the SSH key in KEY (a private key, or a public key held by ssh-agent)')
            [CompletionResult]::new('--actor', '--actor', [CompletionResultType]::ParameterName, 'Record the run as KIND (`human`, `ci` or `agent`) through tool NAME; also DRIFTGATE_ACTOR. Without it, the policy''s machine principals and CI detection decide')
            [CompletionResult]::new('--root', '--root', [CompletionResultType]::ParameterName, 'Use DIR as the root instead of searching upwards for driftgate.toml')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Read the configuration from FILE instead of `<root>/driftgate.toml`')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR is honoured with `auto`)')
            [CompletionResult]::new('--fixed-clock', '--fixed-clock', [CompletionResultType]::ParameterName, 'Read this time instead of the system clock (for reproducible tests and demonstrations; every expiry and record uses it)')
            [CompletionResult]::new('--sign-agent', '--sign-agent', [CompletionResultType]::ParameterName, 'Sign with ssh-agent (SSH_AUTH_SOCK): the key given with --sign, or the first agent key listed for the approver')
            [CompletionResult]::new('--statement-only', '--statement-only', [CompletionResultType]::ParameterName, 'Only write the statement, for `ssh-keygen -Y sign -n driftgate`')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Approve without the `[y/N]` question (a signed approval without a terminal needs it)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Approve without the `[y/N]` question (a signed approval without a terminal needs it)')
            [CompletionResult]::new('--all', '--all', [CompletionResultType]::ParameterName, 'List every change on the review screen, however many')
            [CompletionResult]::new('--no-notify', '--no-notify', [CompletionResultType]::ParameterName, 'Send no notifications to the `[[notify]]` targets (also DRIFTGATE_NO_NOTIFY=1)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors and the final verdict line')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors and the final verdict line')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Also print unchanged-file counts, timings and what each rule means')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Also print unchanged-file counts, timings and what each rule means')
            [CompletionResult]::new('--no-pager', '--no-pager', [CompletionResultType]::ParameterName, 'Do not page long output ($DRIFTGATE_PAGER, else $PAGER, else `less -FRX`)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'driftgate;accept' {
            [CompletionResult]::new('--as', '--as', [CompletionResultType]::ParameterName, 'Record NAME as who accepted, instead of git''s user.email or $USER')
            [CompletionResult]::new('--actor', '--actor', [CompletionResultType]::ParameterName, 'Record the run as KIND (`human`, `ci` or `agent`) through tool NAME; also DRIFTGATE_ACTOR. Without it, the policy''s machine principals and CI detection decide')
            [CompletionResult]::new('--root', '--root', [CompletionResultType]::ParameterName, 'Use DIR as the root instead of searching upwards for driftgate.toml')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Read the configuration from FILE instead of `<root>/driftgate.toml`')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR is honoured with `auto`)')
            [CompletionResult]::new('--fixed-clock', '--fixed-clock', [CompletionResultType]::ParameterName, 'Read this time instead of the system clock (for reproducible tests and demonstrations; every expiry and record uses it)')
            [CompletionResult]::new('--no-notify', '--no-notify', [CompletionResultType]::ParameterName, 'Send no notifications to the `[[notify]]` targets (also DRIFTGATE_NO_NOTIFY=1)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors and the final verdict line')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors and the final verdict line')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Also print unchanged-file counts, timings and what each rule means')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Also print unchanged-file counts, timings and what each rule means')
            [CompletionResult]::new('--no-pager', '--no-pager', [CompletionResultType]::ParameterName, 'Do not page long output ($DRIFTGATE_PAGER, else $PAGER, else `less -FRX`)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'driftgate;reject' {
            [CompletionResult]::new('-m', '-m', [CompletionResultType]::ParameterName, 'Why it is rejected')
            [CompletionResult]::new('--message', '--message', [CompletionResultType]::ParameterName, 'Why it is rejected')
            [CompletionResult]::new('--as', '--as', [CompletionResultType]::ParameterName, 'Reject as NAME instead of git''s user.email or $USER')
            [CompletionResult]::new('--actor', '--actor', [CompletionResultType]::ParameterName, 'Record the run as KIND (`human`, `ci` or `agent`) through tool NAME; also DRIFTGATE_ACTOR. Without it, the policy''s machine principals and CI detection decide')
            [CompletionResult]::new('--root', '--root', [CompletionResultType]::ParameterName, 'Use DIR as the root instead of searching upwards for driftgate.toml')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Read the configuration from FILE instead of `<root>/driftgate.toml`')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR is honoured with `auto`)')
            [CompletionResult]::new('--fixed-clock', '--fixed-clock', [CompletionResultType]::ParameterName, 'Read this time instead of the system clock (for reproducible tests and demonstrations; every expiry and record uses it)')
            [CompletionResult]::new('--no-notify', '--no-notify', [CompletionResultType]::ParameterName, 'Send no notifications to the `[[notify]]` targets (also DRIFTGATE_NO_NOTIFY=1)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors and the final verdict line')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors and the final verdict line')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Also print unchanged-file counts, timings and what each rule means')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Also print unchanged-file counts, timings and what each rule means')
            [CompletionResult]::new('--no-pager', '--no-pager', [CompletionResultType]::ParameterName, 'Do not page long output ($DRIFTGATE_PAGER, else $PAGER, else `less -FRX`)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'driftgate;proposals' {
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--actor', '--actor', [CompletionResultType]::ParameterName, 'Record the run as KIND (`human`, `ci` or `agent`) through tool NAME; also DRIFTGATE_ACTOR. Without it, the policy''s machine principals and CI detection decide')
            [CompletionResult]::new('--root', '--root', [CompletionResultType]::ParameterName, 'Use DIR as the root instead of searching upwards for driftgate.toml')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Read the configuration from FILE instead of `<root>/driftgate.toml`')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR is honoured with `auto`)')
            [CompletionResult]::new('--fixed-clock', '--fixed-clock', [CompletionResultType]::ParameterName, 'Read this time instead of the system clock (for reproducible tests and demonstrations; every expiry and record uses it)')
            [CompletionResult]::new('--no-notify', '--no-notify', [CompletionResultType]::ParameterName, 'Send no notifications to the `[[notify]]` targets (also DRIFTGATE_NO_NOTIFY=1)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors and the final verdict line')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors and the final verdict line')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Also print unchanged-file counts, timings and what each rule means')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Also print unchanged-file counts, timings and what each rule means')
            [CompletionResult]::new('--no-pager', '--no-pager', [CompletionResultType]::ParameterName, 'Do not page long output ($DRIFTGATE_PAGER, else $PAGER, else `less -FRX`)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'driftgate;explain' {
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--root', '--root', [CompletionResultType]::ParameterName, 'Use DIR as the root instead of searching upwards for driftgate.toml')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Read the configuration from FILE instead of `<root>/driftgate.toml`')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR is honoured with `auto`)')
            [CompletionResult]::new('--fixed-clock', '--fixed-clock', [CompletionResultType]::ParameterName, 'Read this time instead of the system clock (for reproducible tests and demonstrations; every expiry and record uses it)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors and the final verdict line')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors and the final verdict line')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Also print unchanged-file counts, timings and what each rule means')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Also print unchanged-file counts, timings and what each rule means')
            [CompletionResult]::new('--no-pager', '--no-pager', [CompletionResultType]::ParameterName, 'Do not page long output ($DRIFTGATE_PAGER, else $PAGER, else `less -FRX`)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'driftgate;log' {
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--since', '--since', [CompletionResultType]::ParameterName, 'Only events at or after WHEN: an RFC 3339 time, a date (`2026-10-01`, UTC) or a duration back from now (`7d`, `36h`)')
            [CompletionResult]::new('--until', '--until', [CompletionResultType]::ParameterName, 'Only events at or before WHEN (same forms as `--since`; a date includes its whole day)')
            [CompletionResult]::new('--poll-ms', '--poll-ms', [CompletionResultType]::ParameterName, 'How often `--follow` looks for new lines, in milliseconds')
            [CompletionResult]::new('--root', '--root', [CompletionResultType]::ParameterName, 'Use DIR as the root instead of searching upwards for driftgate.toml')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Read the configuration from FILE instead of `<root>/driftgate.toml`')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR is honoured with `auto`)')
            [CompletionResult]::new('--fixed-clock', '--fixed-clock', [CompletionResultType]::ParameterName, 'Read this time instead of the system clock (for reproducible tests and demonstrations; every expiry and record uses it)')
            [CompletionResult]::new('--follow', '--follow', [CompletionResultType]::ParameterName, 'Keep running and print events as they are appended (`--format ndjson` or `ocsf`)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors and the final verdict line')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors and the final verdict line')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Also print unchanged-file counts, timings and what each rule means')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Also print unchanged-file counts, timings and what each rule means')
            [CompletionResult]::new('--no-pager', '--no-pager', [CompletionResultType]::ParameterName, 'Do not page long output ($DRIFTGATE_PAGER, else $PAGER, else `less -FRX`)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'driftgate;rules' {
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--root', '--root', [CompletionResultType]::ParameterName, 'Use DIR as the root instead of searching upwards for driftgate.toml')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Read the configuration from FILE instead of `<root>/driftgate.toml`')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR is honoured with `auto`)')
            [CompletionResult]::new('--fixed-clock', '--fixed-clock', [CompletionResultType]::ParameterName, 'Read this time instead of the system clock (for reproducible tests and demonstrations; every expiry and record uses it)')
            [CompletionResult]::new('--all', '--all', [CompletionResultType]::ParameterName, 'Also list the built-in rules that are turned off')
            [CompletionResult]::new('--in-force', '--in-force', [CompletionResultType]::ParameterName, 'List the rules of the accepted baseline instead of driftgate.toml''s')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors and the final verdict line')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors and the final verdict line')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Also print unchanged-file counts, timings and what each rule means')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Also print unchanged-file counts, timings and what each rule means')
            [CompletionResult]::new('--no-pager', '--no-pager', [CompletionResultType]::ParameterName, 'Do not page long output ($DRIFTGATE_PAGER, else $PAGER, else `less -FRX`)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'driftgate;verify' {
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--trust-root', '--trust-root', [CompletionResultType]::ParameterName, 'Require the first baseline to have root hash HASH (all 64 hex digits), instead of trusting it on first use; for CI')
            [CompletionResult]::new('--base', '--base', [CompletionResultType]::ParameterName, 'Require today''s chain and audit log to extend those at git revision REV (e.g. `origin/main` on a pull request, `HEAD~1` on a push): stops rollbacks, forks and rewritten logs')
            [CompletionResult]::new('--attestation', '--attestation', [CompletionResultType]::ParameterName, 'Check the attestation FILE (from `driftgate attest`) instead: its signatures, that its signers approved the baseline, and that it says what the history says')
            [CompletionResult]::new('--root', '--root', [CompletionResultType]::ParameterName, 'Use DIR as the root instead of searching upwards for driftgate.toml')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Read the configuration from FILE instead of `<root>/driftgate.toml`')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR is honoured with `auto`)')
            [CompletionResult]::new('--fixed-clock', '--fixed-clock', [CompletionResultType]::ParameterName, 'Read this time instead of the system clock (for reproducible tests and demonstrations; every expiry and record uses it)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors and the final verdict line')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors and the final verdict line')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Also print unchanged-file counts, timings and what each rule means')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Also print unchanged-file counts, timings and what each rule means')
            [CompletionResult]::new('--no-pager', '--no-pager', [CompletionResultType]::ParameterName, 'Do not page long output ($DRIFTGATE_PAGER, else $PAGER, else `less -FRX`)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'driftgate;evidence' {
            [CompletionResult]::new('--since', '--since', [CompletionResultType]::ParameterName, 'Include baselines accepted at or after WHEN: an RFC 3339 time, a date (`2026-10-01`, UTC) or a duration back from now (`90d`); default: all')
            [CompletionResult]::new('--until', '--until', [CompletionResultType]::ParameterName, 'Include baselines accepted at or before WHEN (same forms as `--since`; a date includes its whole day)')
            [CompletionResult]::new('--out', '--out', [CompletionResultType]::ParameterName, 'Write the archive to FILE (`.tar.gz`)')
            [CompletionResult]::new('--root', '--root', [CompletionResultType]::ParameterName, 'Use DIR as the root instead of searching upwards for driftgate.toml')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Read the configuration from FILE instead of `<root>/driftgate.toml`')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR is honoured with `auto`)')
            [CompletionResult]::new('--fixed-clock', '--fixed-clock', [CompletionResultType]::ParameterName, 'Read this time instead of the system clock (for reproducible tests and demonstrations; every expiry and record uses it)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors and the final verdict line')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors and the final verdict line')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Also print unchanged-file counts, timings and what each rule means')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Also print unchanged-file counts, timings and what each rule means')
            [CompletionResult]::new('--no-pager', '--no-pager', [CompletionResultType]::ParameterName, 'Do not page long output ($DRIFTGATE_PAGER, else $PAGER, else `less -FRX`)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'driftgate;attest' {
            [CompletionResult]::new('--sign', '--sign', [CompletionResultType]::ParameterName, 'Sign with this SSH key: a private key file, or a public key held by ssh-agent')
            [CompletionResult]::new('--as', '--as', [CompletionResultType]::ParameterName, 'Sign as this approver, when KEY is listed for more than one of them')
            [CompletionResult]::new('--out', '--out', [CompletionResultType]::ParameterName, 'Write the envelope to FILE instead of stdout')
            [CompletionResult]::new('--root', '--root', [CompletionResultType]::ParameterName, 'Use DIR as the root instead of searching upwards for driftgate.toml')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Read the configuration from FILE instead of `<root>/driftgate.toml`')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR is honoured with `auto`)')
            [CompletionResult]::new('--fixed-clock', '--fixed-clock', [CompletionResultType]::ParameterName, 'Read this time instead of the system clock (for reproducible tests and demonstrations; every expiry and record uses it)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors and the final verdict line')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors and the final verdict line')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Also print unchanged-file counts, timings and what each rule means')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Also print unchanged-file counts, timings and what each rule means')
            [CompletionResult]::new('--no-pager', '--no-pager', [CompletionResultType]::ParameterName, 'Do not page long output ($DRIFTGATE_PAGER, else $PAGER, else `less -FRX`)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'driftgate;notify' {
            [CompletionResult]::new('--root', '--root', [CompletionResultType]::ParameterName, 'Use DIR as the root instead of searching upwards for driftgate.toml')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Read the configuration from FILE instead of `<root>/driftgate.toml`')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR is honoured with `auto`)')
            [CompletionResult]::new('--fixed-clock', '--fixed-clock', [CompletionResultType]::ParameterName, 'Read this time instead of the system clock (for reproducible tests and demonstrations; every expiry and record uses it)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors and the final verdict line')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors and the final verdict line')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Also print unchanged-file counts, timings and what each rule means')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Also print unchanged-file counts, timings and what each rule means')
            [CompletionResult]::new('--no-pager', '--no-pager', [CompletionResultType]::ParameterName, 'Do not page long output ($DRIFTGATE_PAGER, else $PAGER, else `less -FRX`)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('test', 'test', [CompletionResultType]::ParameterValue, 'Send a sample event to every `[[notify]]` target and print each response status')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'driftgate;notify;test' {
            [CompletionResult]::new('--event', '--event', [CompletionResultType]::ParameterName, 'The kind of event to send')
            [CompletionResult]::new('--root', '--root', [CompletionResultType]::ParameterName, 'Use DIR as the root instead of searching upwards for driftgate.toml')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Read the configuration from FILE instead of `<root>/driftgate.toml`')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR is honoured with `auto`)')
            [CompletionResult]::new('--fixed-clock', '--fixed-clock', [CompletionResultType]::ParameterName, 'Read this time instead of the system clock (for reproducible tests and demonstrations; every expiry and record uses it)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors and the final verdict line')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors and the final verdict line')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Also print unchanged-file counts, timings and what each rule means')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Also print unchanged-file counts, timings and what each rule means')
            [CompletionResult]::new('--no-pager', '--no-pager', [CompletionResultType]::ParameterName, 'Do not page long output ($DRIFTGATE_PAGER, else $PAGER, else `less -FRX`)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'driftgate;notify;help' {
            [CompletionResult]::new('test', 'test', [CompletionResultType]::ParameterValue, 'Send a sample event to every `[[notify]]` target and print each response status')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'driftgate;notify;help;test' {
            break
        }
        'driftgate;notify;help;help' {
            break
        }
        'driftgate;hook' {
            [CompletionResult]::new('--root', '--root', [CompletionResultType]::ParameterName, 'Use DIR as the root instead of searching upwards for driftgate.toml')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Read the configuration from FILE instead of `<root>/driftgate.toml`')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR is honoured with `auto`)')
            [CompletionResult]::new('--fixed-clock', '--fixed-clock', [CompletionResultType]::ParameterName, 'Read this time instead of the system clock (for reproducible tests and demonstrations; every expiry and record uses it)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors and the final verdict line')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors and the final verdict line')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Also print unchanged-file counts, timings and what each rule means')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Also print unchanged-file counts, timings and what each rule means')
            [CompletionResult]::new('--no-pager', '--no-pager', [CompletionResultType]::ParameterName, 'Do not page long output ($DRIFTGATE_PAGER, else $PAGER, else `less -FRX`)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('install', 'install', [CompletionResultType]::ParameterValue, 'Install a git pre-commit hook that runs `driftgate check --staged`')
            [CompletionResult]::new('uninstall', 'uninstall', [CompletionResultType]::ParameterValue, 'Remove driftgate''s pre-commit hook')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'driftgate;hook;install' {
            [CompletionResult]::new('--root', '--root', [CompletionResultType]::ParameterName, 'Use DIR as the root instead of searching upwards for driftgate.toml')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Read the configuration from FILE instead of `<root>/driftgate.toml`')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR is honoured with `auto`)')
            [CompletionResult]::new('--fixed-clock', '--fixed-clock', [CompletionResultType]::ParameterName, 'Read this time instead of the system clock (for reproducible tests and demonstrations; every expiry and record uses it)')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Replace a pre-commit hook driftgate did not write, keeping it chained')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors and the final verdict line')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors and the final verdict line')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Also print unchanged-file counts, timings and what each rule means')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Also print unchanged-file counts, timings and what each rule means')
            [CompletionResult]::new('--no-pager', '--no-pager', [CompletionResultType]::ParameterName, 'Do not page long output ($DRIFTGATE_PAGER, else $PAGER, else `less -FRX`)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'driftgate;hook;uninstall' {
            [CompletionResult]::new('--root', '--root', [CompletionResultType]::ParameterName, 'Use DIR as the root instead of searching upwards for driftgate.toml')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Read the configuration from FILE instead of `<root>/driftgate.toml`')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR is honoured with `auto`)')
            [CompletionResult]::new('--fixed-clock', '--fixed-clock', [CompletionResultType]::ParameterName, 'Read this time instead of the system clock (for reproducible tests and demonstrations; every expiry and record uses it)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors and the final verdict line')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors and the final verdict line')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Also print unchanged-file counts, timings and what each rule means')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Also print unchanged-file counts, timings and what each rule means')
            [CompletionResult]::new('--no-pager', '--no-pager', [CompletionResultType]::ParameterName, 'Do not page long output ($DRIFTGATE_PAGER, else $PAGER, else `less -FRX`)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'driftgate;hook;help' {
            [CompletionResult]::new('install', 'install', [CompletionResultType]::ParameterValue, 'Install a git pre-commit hook that runs `driftgate check --staged`')
            [CompletionResult]::new('uninstall', 'uninstall', [CompletionResultType]::ParameterValue, 'Remove driftgate''s pre-commit hook')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'driftgate;hook;help;install' {
            break
        }
        'driftgate;hook;help;uninstall' {
            break
        }
        'driftgate;hook;help;help' {
            break
        }
        'driftgate;completions' {
            [CompletionResult]::new('--root', '--root', [CompletionResultType]::ParameterName, 'Use DIR as the root instead of searching upwards for driftgate.toml')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Read the configuration from FILE instead of `<root>/driftgate.toml`')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR is honoured with `auto`)')
            [CompletionResult]::new('--fixed-clock', '--fixed-clock', [CompletionResultType]::ParameterName, 'Read this time instead of the system clock (for reproducible tests and demonstrations; every expiry and record uses it)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors and the final verdict line')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors and the final verdict line')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Also print unchanged-file counts, timings and what each rule means')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Also print unchanged-file counts, timings and what each rule means')
            [CompletionResult]::new('--no-pager', '--no-pager', [CompletionResultType]::ParameterName, 'Do not page long output ($DRIFTGATE_PAGER, else $PAGER, else `less -FRX`)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'driftgate;help' {
            [CompletionResult]::new('init', 'init', [CompletionResultType]::ParameterValue, 'Create driftgate.toml (every key commented with its default) and .driftgate/')
            [CompletionResult]::new('check', 'check', [CompletionResultType]::ParameterValue, 'Compare the tree with the accepted baseline; exit 1 on unapproved drift')
            [CompletionResult]::new('diff', 'diff', [CompletionResultType]::ParameterValue, 'Show every change between the tree and the accepted baseline, or between two files')
            [CompletionResult]::new('snapshot', 'snapshot', [CompletionResultType]::ParameterValue, 'Propose the current tree as the next baseline')
            [CompletionResult]::new('approve', 'approve', [CompletionResultType]::ParameterValue, 'Review a proposal and approve it')
            [CompletionResult]::new('accept', 'accept', [CompletionResultType]::ParameterValue, 'Promote an approved proposal to the accepted baseline')
            [CompletionResult]::new('reject', 'reject', [CompletionResultType]::ParameterValue, 'Close a proposal without accepting it')
            [CompletionResult]::new('proposals', 'proposals', [CompletionResultType]::ParameterValue, 'List pending proposals')
            [CompletionResult]::new('explain', 'explain', [CompletionResultType]::ParameterValue, 'Explain what a proposal needs before it can be accepted')
            [CompletionResult]::new('log', 'log', [CompletionResultType]::ParameterValue, 'Show the audit trail: who proposed, approved, rejected and accepted what')
            [CompletionResult]::new('rules', 'rules', [CompletionResultType]::ParameterValue, 'List the active risk rules')
            [CompletionResult]::new('verify', 'verify', [CompletionResultType]::ParameterValue, 'Verify the baseline chain, its signatures, trust-file changes and the audit log')
            [CompletionResult]::new('evidence', 'evidence', [CompletionResultType]::ParameterValue, 'Write an evidence bundle that an auditor can check offline with ssh-keygen')
            [CompletionResult]::new('attest', 'attest', [CompletionResultType]::ParameterValue, 'Export an accepted baseline as an in-toto attestation signed with your SSH key')
            [CompletionResult]::new('notify', 'notify', [CompletionResultType]::ParameterValue, 'Send notifications to the `[[notify]]` targets of driftgate.toml')
            [CompletionResult]::new('hook', 'hook', [CompletionResultType]::ParameterValue, 'Install or remove the git pre-commit hook that runs `check --staged`')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print a shell completion script')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'driftgate;help;init' {
            break
        }
        'driftgate;help;check' {
            break
        }
        'driftgate;help;diff' {
            break
        }
        'driftgate;help;snapshot' {
            break
        }
        'driftgate;help;approve' {
            break
        }
        'driftgate;help;accept' {
            break
        }
        'driftgate;help;reject' {
            break
        }
        'driftgate;help;proposals' {
            break
        }
        'driftgate;help;explain' {
            break
        }
        'driftgate;help;log' {
            break
        }
        'driftgate;help;rules' {
            break
        }
        'driftgate;help;verify' {
            break
        }
        'driftgate;help;evidence' {
            break
        }
        'driftgate;help;attest' {
            break
        }
        'driftgate;help;notify' {
            [CompletionResult]::new('test', 'test', [CompletionResultType]::ParameterValue, 'Send a sample event to every `[[notify]]` target and print each response status')
            break
        }
        'driftgate;help;notify;test' {
            break
        }
        'driftgate;help;hook' {
            [CompletionResult]::new('install', 'install', [CompletionResultType]::ParameterValue, 'Install a git pre-commit hook that runs `driftgate check --staged`')
            [CompletionResult]::new('uninstall', 'uninstall', [CompletionResultType]::ParameterValue, 'Remove driftgate''s pre-commit hook')
            break
        }
        'driftgate;help;hook;install' {
            break
        }
        'driftgate;help;hook;uninstall' {
            break
        }
        'driftgate;help;completions' {
            break
        }
        'driftgate;help;help' {
            break
        }
    })

    $completions.Where{ $_.CompletionText -like "$wordToComplete*" } |
        Sort-Object -Property ListItemText
}
