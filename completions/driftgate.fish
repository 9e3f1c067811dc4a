# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_driftgate_global_optspecs
    string join \n root= config= color= q/quiet v/verbose no-pager fixed-clock= h/help V/version
end

function __fish_driftgate_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_driftgate_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_driftgate_using_subcommand
    set -l cmd (__fish_driftgate_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c driftgate -n "__fish_driftgate_needs_command" -l root -d 'Use DIR as the root instead of searching upwards for driftgate.toml' -r -F
complete -c driftgate -n "__fish_driftgate_needs_command" -l config -d 'Read the configuration from FILE instead of `<root>/driftgate.toml`' -r -F
complete -c driftgate -n "__fish_driftgate_needs_command" -l color -d 'When to use colour (NO_COLOR is honoured with `auto`)' -r -f -a "auto\t'Colour on a terminal unless NO_COLOR is set'
always\t'Always colour'
never\t'Never colour'"
complete -c driftgate -n "__fish_driftgate_needs_command" -l fixed-clock -d 'Read this time instead of the system clock (for reproducible tests and demonstrations; every expiry and record uses it)' -r
complete -c driftgate -n "__fish_driftgate_needs_command" -s q -l quiet -d 'Print only errors and the final verdict line'
complete -c driftgate -n "__fish_driftgate_needs_command" -s v -l verbose -d 'Also print unchanged-file counts, timings and what each rule means'
complete -c driftgate -n "__fish_driftgate_needs_command" -l no-pager -d 'Do not page long output ($DRIFTGATE_PAGER, else $PAGER, else `less -FRX`)'
complete -c driftgate -n "__fish_driftgate_needs_command" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c driftgate -n "__fish_driftgate_needs_command" -s V -l version -d 'Print version'
complete -c driftgate -n "__fish_driftgate_needs_command" -f -a "init" -d 'Create driftgate.toml (every key commented with its default) and .driftgate/'
complete -c driftgate -n "__fish_driftgate_needs_command" -f -a "check" -d 'Compare the tree with the accepted baseline; exit 1 on unapproved drift'
complete -c driftgate -n "__fish_driftgate_needs_command" -f -a "diff" -d 'Show every change between the tree and the accepted baseline, or between two files'
complete -c driftgate -n "__fish_driftgate_needs_command" -f -a "snapshot" -d 'Propose the current tree as the next baseline'
complete -c driftgate -n "__fish_driftgate_needs_command" -f -a "approve" -d 'Review a proposal and approve it'
complete -c driftgate -n "__fish_driftgate_needs_command" -f -a "accept" -d 'Promote an approved proposal to the accepted baseline'
complete -c driftgate -n "__fish_driftgate_needs_command" -f -a "reject" -d 'Close a proposal without accepting it'
complete -c driftgate -n "__fish_driftgate_needs_command" -f -a "proposals" -d 'List pending proposals'
complete -c driftgate -n "__fish_driftgate_needs_command" -f -a "explain" -d 'Explain what a proposal needs before it can be accepted'
complete -c driftgate -n "__fish_driftgate_needs_command" -f -a "log" -d 'Show the audit trail: who proposed, approved, rejected and accepted what'
complete -c driftgate -n "__fish_driftgate_needs_command" -f -a "rules" -d 'List the active risk rules'
complete -c driftgate -n "__fish_driftgate_needs_command" -f -a "verify" -d 'Verify the baseline chain, its signatures, trust-file changes and the audit log'
complete -c driftgate -n "__fish_driftgate_needs_command" -f -a "evidence" -d 'Write an evidence bundle that an auditor can check offline with ssh-keygen'
complete -c driftgate -n "__fish_driftgate_needs_command" -f -a "attest" -d 'Export an accepted baseline as an in-toto attestation signed with your SSH key'
complete -c driftgate -n "__fish_driftgate_needs_command" -f -a "notify" -d 'Send notifications to the `[[notify]]` targets of driftgate.toml'
complete -c driftgate -n "__fish_driftgate_needs_command" -f -a "hook" -d 'Install or remove the git pre-commit hook that runs `check --staged`'
complete -c driftgate -n "__fish_driftgate_needs_command" -f -a "completions" -d 'Print a shell completion script'
complete -c driftgate -n "__fish_driftgate_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c driftgate -n "__fish_driftgate_using_subcommand init" -l root -d 'Use DIR as the root instead of searching upwards for driftgate.toml' -r -F
complete -c driftgate -n "__fish_driftgate_using_subcommand init" -l config -d 'Read the configuration from FILE instead of `<root>/driftgate.toml`' -r -F
complete -c driftgate -n "__fish_driftgate_using_subcommand init" -l color -d 'When to use colour (NO_COLOR is honoured with `auto`)' -r -f -a "auto\t'Colour on a terminal unless NO_COLOR is set'
always\t'Always colour'
never\t'Never colour'"
complete -c driftgate -n "__fish_driftgate_using_subcommand init" -l fixed-clock -d 'Read this time instead of the system clock (for reproducible tests and demonstrations; every expiry and record uses it)' -r
complete -c driftgate -n "__fish_driftgate_using_subcommand init" -l force -d 'Overwrite an existing driftgate.toml'
complete -c driftgate -n "__fish_driftgate_using_subcommand init" -l solo -d 'Allow self-approval, for a project with a single maintainer'
complete -c driftgate -n "__fish_driftgate_using_subcommand init" -l nested -d 'Make a root inside an existing one (its files then belong to both)'
complete -c driftgate -n "__fish_driftgate_using_subcommand init" -s q -l quiet -d 'Print only errors and the final verdict line'
complete -c driftgate -n "__fish_driftgate_using_subcommand init" -s v -l verbose -d 'Also print unchanged-file counts, timings and what each rule means'
complete -c driftgate -n "__fish_driftgate_using_subcommand init" -l no-pager -d 'Do not page long output ($DRIFTGATE_PAGER, else $PAGER, else `less -FRX`)'
complete -c driftgate -n "__fish_driftgate_using_subcommand init" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c driftgate -n "__fish_driftgate_using_subcommand init" -s V -l version -d 'Print version'
complete -c driftgate -n "__fish_driftgate_using_subcommand check" -l fail-on -d 'Exit 1 only for drift of at least this severity (default: any drift)' -r -f -a "critical\t'Only critical drift fails'
high\t'High or critical drift fails'
medium\t'Medium drift or worse fails'
low\t'Low drift or worse fails'
info\t'Any drift fails'"
complete -c driftgate -n "__fish_driftgate_using_subcommand check" -l as -d 'Record NAME as who ran the check, with `--audit`' -r
complete -c driftgate -n "__fish_driftgate_using_subcommand check" -l actor -d 'Record the run as KIND (`human`, `ci` or `agent`) through tool NAME; also DRIFTGATE_ACTOR. Without it, the policy\'s machine principals and CI detection decide' -r
complete -c driftgate -n "__fish_driftgate_using_subcommand check" -l rev -d 'Compare the tree of git commit REV instead of the working tree, without checking it out' -r
complete -c driftgate -n "__fish_driftgate_using_subcommand check" -l output -d 'Also write the report in FORMAT to PATH; repeatable (e.g. `--output sarif=drift.sarif`)' -r
complete -c driftgate -n "__fish_driftgate_using_subcommand check" -l format -d 'Output format of the report' -r -f -a "text\t'For people: summary table and per-file changes'
json\t'One JSON object, schema `driftgate.report/v1`'
sarif\t'SARIF 2.1.0, for code scanning (one result per change)'
github\t'GitHub Actions workflow commands: one annotation per change'
markdown\t'Markdown for `$GITHUB_STEP_SUMMARY` and pull-request comments'
junit\t'JUnit XML for GitLab and Jenkins: a test case per file'
html\t'One self-contained HTML page: the summary, then old and new side by side'"
complete -c driftgate -n "__fish_driftgate_using_subcommand check" -l root -d 'Use DIR as the root instead of searching upwards for driftgate.toml' -r -F
complete -c driftgate -n "__fish_driftgate_using_subcommand check" -l config -d 'Read the configuration from FILE instead of `<root>/driftgate.toml`' -r -F
complete -c driftgate -n "__fish_driftgate_using_subcommand check" -l color -d 'When to use colour (NO_COLOR is honoured with `auto`)' -r -f -a "auto\t'Colour on a terminal unless NO_COLOR is set'
always\t'Always colour'
never\t'Never colour'"
complete -c driftgate -n "__fish_driftgate_using_subcommand check" -l fixed-clock -d 'Read this time instead of the system clock (for reproducible tests and demonstrations; every expiry and record uses it)' -r
complete -c driftgate -n "__fish_driftgate_using_subcommand check" -l strict -d 'Count cosmetic changes as drift'
complete -c driftgate -n "__fish_driftgate_using_subcommand check" -l audit -d 'Record the result in the audit log (a `checked` event), e.g. for a release gate'
complete -c driftgate -n "__fish_driftgate_using_subcommand check" -l no-notify -d 'Send no notifications to the `[[notify]]` targets (also DRIFTGATE_NO_NOTIFY=1)'
complete -c driftgate -n "__fish_driftgate_using_subcommand check" -l staged -d 'Compare the git index (what `git commit` would record) instead of the working tree'
complete -c driftgate -n "__fish_driftgate_using_subcommand check" -l no-ignore -d 'Do not honour .gitignore files'
complete -c driftgate -n "__fish_driftgate_using_subcommand check" -l hook -d 'Run as the pre-commit hook: on drift, say which commands let the commit through'
complete -c driftgate -n "__fish_driftgate_using_subcommand check" -l all -d 'List every change in the text report, however many'
complete -c driftgate -n "__fish_driftgate_using_subcommand check" -s q -l quiet -d 'Print only errors and the final verdict line'
complete -c driftgate -n "__fish_driftgate_using_subcommand check" -s v -l verbose -d 'Also print unchanged-file counts, timings and what each rule means'
complete -c driftgate -n "__fish_driftgate_using_subcommand check" -l no-pager -d 'Do not page long output ($DRIFTGATE_PAGER, else $PAGER, else `less -FRX`)'
complete -c driftgate -n "__fish_driftgate_using_subcommand check" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c driftgate -n "__fish_driftgate_using_subcommand check" -s V -l version -d 'Print version'
complete -c driftgate -n "__fish_driftgate_using_subcommand diff" -l files -d 'Compare file A with file B instead of the tree with the baseline' -r -F
complete -c driftgate -n "__fish_driftgate_using_subcommand diff" -l from-format -d 'Read A as this format instead of guessing from its extension' -r -f -a "yaml\t'YAML 1.2, one or more documents'
json\t'Strict JSON'
toml\t'TOML'
text\t'Lines of text'"
complete -c driftgate -n "__fish_driftgate_using_subcommand diff" -l to-format -d 'Read B as this format instead of guessing from its extension' -r -f -a "yaml\t'YAML 1.2, one or more documents'
json\t'Strict JSON'
toml\t'TOML'
text\t'Lines of text'"
complete -c driftgate -n "__fish_driftgate_using_subcommand diff" -l rev -d 'Compare the tree of git commit REV instead of the working tree, without checking it out' -r
complete -c driftgate -n "__fish_driftgate_using_subcommand diff" -l output -d 'Also write the report in FORMAT to PATH; repeatable (e.g. `--output sarif=drift.sarif`)' -r
complete -c driftgate -n "__fish_driftgate_using_subcommand diff" -l format -d 'Output format of the report' -r -f -a "text\t'For people: summary table and per-file changes'
json\t'One JSON object, schema `driftgate.report/v1`'
sarif\t'SARIF 2.1.0, for code scanning (one result per change)'
github\t'GitHub Actions workflow commands: one annotation per change'
markdown\t'Markdown for `$GITHUB_STEP_SUMMARY` and pull-request comments'
junit\t'JUnit XML for GitLab and Jenkins: a test case per file'
html\t'One self-contained HTML page: the summary, then old and new side by side'"
complete -c driftgate -n "__fish_driftgate_using_subcommand diff" -l root -d 'Use DIR as the root instead of searching upwards for driftgate.toml' -r -F
complete -c driftgate -n "__fish_driftgate_using_subcommand diff" -l config -d 'Read the configuration from FILE instead of `<root>/driftgate.toml`' -r -F
complete -c driftgate -n "__fish_driftgate_using_subcommand diff" -l color -d 'When to use colour (NO_COLOR is honoured with `auto`)' -r -f -a "auto\t'Colour on a terminal unless NO_COLOR is set'
always\t'Always colour'
never\t'Never colour'"
complete -c driftgate -n "__fish_driftgate_using_subcommand diff" -l fixed-clock -d 'Read this time instead of the system clock (for reproducible tests and demonstrations; every expiry and record uses it)' -r
complete -c driftgate -n "__fish_driftgate_using_subcommand diff" -l strict -d 'Count cosmetic changes as differences'
complete -c driftgate -n "__fish_driftgate_using_subcommand diff" -l rules -d 'With `--files`: rate the changes with the risk rules and show their severities'
complete -c driftgate -n "__fish_driftgate_using_subcommand diff" -l all -d 'List every change in the text report, however many'
complete -c driftgate -n "__fish_driftgate_using_subcommand diff" -l staged -d 'Compare the git index (what `git commit` would record) instead of the working tree'
complete -c driftgate -n "__fish_driftgate_using_subcommand diff" -l no-ignore -d 'Do not honour .gitignore files'
complete -c driftgate -n "__fish_driftgate_using_subcommand diff" -s q -l quiet -d 'Print only errors and the final verdict line'
complete -c driftgate -n "__fish_driftgate_using_subcommand diff" -s v -l verbose -d 'Also print unchanged-file counts, timings and what each rule means'
complete -c driftgate -n "__fish_driftgate_using_subcommand diff" -l no-pager -d 'Do not page long output ($DRIFTGATE_PAGER, else $PAGER, else `less -FRX`)'
complete -c driftgate -n "__fish_driftgate_using_subcommand diff" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c driftgate -n "__fish_driftgate_using_subcommand diff" -s V -l version -d 'Print version'
complete -c driftgate -n "__fish_driftgate_using_subcommand snapshot" -s m -l message -d 'Why the tree changed (recorded in the proposal and the audit log)' -r
complete -c driftgate -n "__fish_driftgate_using_subcommand snapshot" -l as -d 'Propose as NAME instead of git\'s user.email or $USER' -r
complete -c driftgate -n "__fish_driftgate_using_subcommand snapshot" -l format -d 'Output format' -r -f -a "text\t'For people'
json\t'JSON, for tools'"
complete -c driftgate -n "__fish_driftgate_using_subcommand snapshot" -l sign -d 'Sign the proposal with the SSH key in KEY, so that the requester is the principal allowed_signers lists for the key (required under `policy.require_signed_proposals`)' -r -F
complete -c driftgate -n "__fish_driftgate_using_subcommand snapshot" -l actor -d 'Record the run as KIND (`human`, `ci` or `agent`) through tool NAME; also DRIFTGATE_ACTOR. Without it, the policy\'s machine principals and CI detection decide' -r
complete -c driftgate -n "__fish_driftgate_using_subcommand snapshot" -l root -d 'Use DIR as the root instead of searching upwards for driftgate.toml' -r -F
complete -c driftgate -n "__fish_driftgate_using_subcommand snapshot" -l config -d 'Read the configuration from FILE instead of `<root>/driftgate.toml`' -r -F
complete -c driftgate -n "__fish_driftgate_using_subcommand snapshot" -l color -d 'When to use colour (NO_COLOR is honoured with `auto`)' -r -f -a "auto\t'Colour on a terminal unless NO_COLOR is set'
always\t'Always colour'
never\t'Never colour'"
complete -c driftgate -n "__fish_driftgate_using_subcommand snapshot" -l fixed-clock -d 'Read this time instead of the system clock (for reproducible tests and demonstrations; every expiry and record uses it)' -r
complete -c driftgate -n "__fish_driftgate_using_subcommand snapshot" -l no-ignore -d 'Do not honour .gitignore files'
complete -c driftgate -n "__fish_driftgate_using_subcommand snapshot" -l staged -d 'Propose the git index (what `git commit` would record) instead of the working tree'
complete -c driftgate -n "__fish_driftgate_using_subcommand snapshot" -l no-notify -d 'Send no notifications to the `[[notify]]` targets (also DRIFTGATE_NO_NOTIFY=1)'
complete -c driftgate -n "__fish_driftgate_using_subcommand snapshot" -s q -l quiet -d 'Print only errors and the final verdict line'
complete -c driftgate -n "__fish_driftgate_using_subcommand snapshot" -s v -l verbose -d 'Also print unchanged-file counts, timings and what each rule means'
complete -c driftgate -n "__fish_driftgate_using_subcommand snapshot" -l no-pager -d 'Do not page long output ($DRIFTGATE_PAGER, else $PAGER, else `less -FRX`)'
complete -c driftgate -n "__fish_driftgate_using_subcommand snapshot" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c driftgate -n "__fish_driftgate_using_subcommand snapshot" -s V -l version -d 'Print version'
complete -c driftgate -n "__fish_driftgate_using_subcommand approve" -l as -d 'Approve as NAME instead of git\'s user.email or $USER' -r
complete -c driftgate -n "__fish_driftgate_using_subcommand approve" -s m -l message -d 'The reason, instead of being asked for one' -r
complete -c driftgate -n "__fish_driftgate_using_subcommand approve" -l sign -d 'Sign the approval with the SSH key in KEY (a private key, or a public key held by ssh-agent)' -r -F
complete -c driftgate -n "__fish_driftgate_using_subcommand approve" -l actor -d 'Record the run as KIND (`human`, `ci` or `agent`) through tool NAME; also DRIFTGATE_ACTOR. Without it, the policy\'s machine principals and CI detection decide' -r
complete -c driftgate -n "__fish_driftgate_using_subcommand approve" -l root -d 'Use DIR as the root instead of searching upwards for driftgate.toml' -r -F
complete -c driftgate -n "__fish_driftgate_using_subcommand approve" -l config -d 'Read the configuration from FILE instead of `<root>/driftgate.toml`' -r -F
complete -c driftgate -n "__fish_driftgate_using_subcommand approve" -l color -d 'When to use colour (NO_COLOR is honoured with `auto`)' -r -f -a "auto\t'Colour on a terminal unless NO_COLOR is set'
always\t'Always colour'
never\t'Never colour'"
complete -c driftgate -n "__fish_driftgate_using_subcommand approve" -l fixed-clock -d 'Read this time instead of the system clock (for reproducible tests and demonstrations; every expiry and record uses it)' -r
complete -c driftgate -n "__fish_driftgate_using_subcommand approve" -l sign-agent -d 'Sign with ssh-agent (SSH_AUTH_SOCK): the key given with --sign, or the first agent key listed for the approver'
complete -c driftgate -n "__fish_driftgate_using_subcommand approve" -l statement-only -d 'Only write the statement, for `ssh-keygen -Y sign -n driftgate`'
complete -c driftgate -n "__fish_driftgate_using_subcommand approve" -s y -l yes -d 'Approve without the `[y/N]` question (a signed approval without a terminal needs it)'
complete -c driftgate -n "__fish_driftgate_using_subcommand approve" -l all -d 'List every change on the review screen, however many'
complete -c driftgate -n "__fish_driftgate_using_subcommand approve" -l no-notify -d 'Send no notifications to the `[[notify]]` targets (also DRIFTGATE_NO_NOTIFY=1)'
complete -c driftgate -n "__fish_driftgate_using_subcommand approve" -s q -l quiet -d 'Print only errors and the final verdict line'
complete -c driftgate -n "__fish_driftgate_using_subcommand approve" -s v -l verbose -d 'Also print unchanged-file counts, timings and what each rule means'
complete -c driftgate -n "__fish_driftgate_using_subcommand approve" -l no-pager -d 'Do not page long output ($DRIFTGATE_PAGER, else $PAGER, else `less -FRX`)'
complete -c driftgate -n "__fish_driftgate_using_subcommand approve" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c driftgate -n "__fish_driftgate_using_subcommand approve" -s V -l version -d 'Print version'
complete -c driftgate -n "__fish_driftgate_using_subcommand accept" -l as -d 'Record NAME as who accepted, instead of git\'s user.email or $USER' -r
complete -c driftgate -n "__fish_driftgate_using_subcommand accept" -l actor -d 'Record the run as KIND (`human`, `ci` or `agent`) through tool NAME; also DRIFTGATE_ACTOR. Without it, the policy\'s machine principals and CI detection decide' -r
complete -c driftgate -n "__fish_driftgate_using_subcommand accept" -l root -d 'Use DIR as the root instead of searching upwards for driftgate.toml' -r -F
complete -c driftgate -n "__fish_driftgate_using_subcommand accept" -l config -d 'Read the configuration from FILE instead of `<root>/driftgate.toml`' -r -F
complete -c driftgate -n "__fish_driftgate_using_subcommand accept" -l color -d 'When to use colour (NO_COLOR is honoured with `auto`)' -r -f -a "auto\t'Colour on a terminal unless NO_COLOR is set'
always\t'Always colour'
never\t'Never colour'"
complete -c driftgate -n "__fish_driftgate_using_subcommand accept" -l fixed-clock -d 'Read this time instead of the system clock (for reproducible tests and demonstrations; every expiry and record uses it)' -r
complete -c driftgate -n "__fish_driftgate_using_subcommand accept" -l no-notify -d 'Send no notifications to the `[[notify]]` targets (also DRIFTGATE_NO_NOTIFY=1)'
complete -c driftgate -n "__fish_driftgate_using_subcommand accept" -s q -l quiet -d 'Print only errors and the final verdict line'
complete -c driftgate -n "__fish_driftgate_using_subcommand accept" -s v -l verbose -d 'Also print unchanged-file counts, timings and what each rule means'
complete -c driftgate -n "__fish_driftgate_using_subcommand accept" -l no-pager -d 'Do not page long output ($DRIFTGATE_PAGER, else $PAGER, else `less -FRX`)'
complete -c driftgate -n "__fish_driftgate_using_subcommand accept" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c driftgate -n "__fish_driftgate_using_subcommand accept" -s V -l version -d 'Print version'
complete -c driftgate -n "__fish_driftgate_using_subcommand reject" -s m -l message -d 'Why it is rejected' -r
complete -c driftgate -n "__fish_driftgate_using_subcommand reject" -l as -d 'Reject as NAME instead of git\'s user.email or $USER' -r
complete -c driftgate -n "__fish_driftgate_using_subcommand reject" -l actor -d 'Record the run as KIND (`human`, `ci` or `agent`) through tool NAME; also DRIFTGATE_ACTOR. Without it, the policy\'s machine principals and CI detection decide' -r
complete -c driftgate -n "__fish_driftgate_using_subcommand reject" -l root -d 'Use DIR as the root instead of searching upwards for driftgate.toml' -r -F
complete -c driftgate -n "__fish_driftgate_using_subcommand reject" -l config -d 'Read the configuration from FILE instead of `<root>/driftgate.toml`' -r -F
complete -c driftgate -n "__fish_driftgate_using_subcommand reject" -l color -d 'When to use colour (NO_COLOR is honoured with `auto`)' -r -f -a "auto\t'Colour on a terminal unless NO_COLOR is set'
always\t'Always colour'
never\t'Never colour'"
complete -c driftgate -n "__fish_driftgate_using_subcommand reject" -l fixed-clock -d 'Read this time instead of the system clock (for reproducible tests and demonstrations; every expiry and record uses it)' -r
complete -c driftgate -n "__fish_driftgate_using_subcommand reject" -l no-notify -d 'Send no notifications to the `[[notify]]` targets (also DRIFTGATE_NO_NOTIFY=1)'
complete -c driftgate -n "__fish_driftgate_using_subcommand reject" -s q -l quiet -d 'Print only errors and the final verdict line'
complete -c driftgate -n "__fish_driftgate_using_subcommand reject" -s v -l verbose -d 'Also print unchanged-file counts, timings and what each rule means'
complete -c driftgate -n "__fish_driftgate_using_subcommand reject" -l no-pager -d 'Do not page long output ($DRIFTGATE_PAGER, else $PAGER, else `less -FRX`)'
complete -c driftgate -n "__fish_driftgate_using_subcommand reject" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c driftgate -n "__fish_driftgate_using_subcommand reject" -s V -l version -d 'Print version'
complete -c driftgate -n "__fish_driftgate_using_subcommand proposals" -l format -d 'Output format' -r -f -a "text\t'For people'
json\t'JSON, for tools'"
complete -c driftgate -n "__fish_driftgate_using_subcommand proposals" -l actor -d 'Record the run as KIND (`human`, `ci` or `agent`) through tool NAME; also DRIFTGATE_ACTOR. Without it, the policy\'s machine principals and CI detection decide' -r
complete -c driftgate -n "__fish_driftgate_using_subcommand proposals" -l root -d 'Use DIR as the root instead of searching upwards for driftgate.toml' -r -F
complete -c driftgate -n "__fish_driftgate_using_subcommand proposals" -l config -d 'Read the configuration from FILE instead of `<root>/driftgate.toml`' -r -F
complete -c driftgate -n "__fish_driftgate_using_subcommand proposals" -l color -d 'When to use colour (NO_COLOR is honoured with `auto`)' -r -f -a "auto\t'Colour on a terminal unless NO_COLOR is set'
always\t'Always colour'
never\t'Never colour'"
complete -c driftgate -n "__fish_driftgate_using_subcommand proposals" -l fixed-clock -d 'Read this time instead of the system clock (for reproducible tests and demonstrations; every expiry and record uses it)' -r
complete -c driftgate -n "__fish_driftgate_using_subcommand proposals" -l no-notify -d 'Send no notifications to the `[[notify]]` targets (also DRIFTGATE_NO_NOTIFY=1)'
complete -c driftgate -n "__fish_driftgate_using_subcommand proposals" -s q -l quiet -d 'Print only errors and the final verdict line'
complete -c driftgate -n "__fish_driftgate_using_subcommand proposals" -s v -l verbose -d 'Also print unchanged-file counts, timings and what each rule means'
complete -c driftgate -n "__fish_driftgate_using_subcommand proposals" -l no-pager -d 'Do not page long output ($DRIFTGATE_PAGER, else $PAGER, else `less -FRX`)'
complete -c driftgate -n "__fish_driftgate_using_subcommand proposals" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c driftgate -n "__fish_driftgate_using_subcommand proposals" -s V -l version -d 'Print version'
complete -c driftgate -n "__fish_driftgate_using_subcommand explain" -l format -d 'Output format' -r -f -a "text\t'For people'
json\t'JSON, for tools'"
complete -c driftgate -n "__fish_driftgate_using_subcommand explain" -l root -d 'Use DIR as the root instead of searching upwards for driftgate.toml' -r -F
complete -c driftgate -n "__fish_driftgate_using_subcommand explain" -l config -d 'Read the configuration from FILE instead of `<root>/driftgate.toml`' -r -F
complete -c driftgate -n "__fish_driftgate_using_subcommand explain" -l color -d 'When to use colour (NO_COLOR is honoured with `auto`)' -r -f -a "auto\t'Colour on a terminal unless NO_COLOR is set'
always\t'Always colour'
never\t'Never colour'"
complete -c driftgate -n "__fish_driftgate_using_subcommand explain" -l fixed-clock -d 'Read this time instead of the system clock (for reproducible tests and demonstrations; every expiry and record uses it)' -r
complete -c driftgate -n "__fish_driftgate_using_subcommand explain" -s q -l quiet -d 'Print only errors and the final verdict line'
complete -c driftgate -n "__fish_driftgate_using_subcommand explain" -s v -l verbose -d 'Also print unchanged-file counts, timings and what each rule means'
complete -c driftgate -n "__fish_driftgate_using_subcommand explain" -l no-pager -d 'Do not page long output ($DRIFTGATE_PAGER, else $PAGER, else `less -FRX`)'
complete -c driftgate -n "__fish_driftgate_using_subcommand explain" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c driftgate -n "__fish_driftgate_using_subcommand explain" -s V -l version -d 'Print version'
complete -c driftgate -n "__fish_driftgate_using_subcommand log" -l format -d 'Output format' -r -f -a "text\t'A table, for people'
json\t'One JSON array of the audit lines'
ndjson\t'One `driftgate.event/v1` JSON event per line, for log shippers'
ocsf\t'One OCSF 1.5 Entity Management event per line, for SIEMs'"
complete -c driftgate -n "__fish_driftgate_using_subcommand log" -l since -d 'Only events at or after WHEN: an RFC 3339 time, a date (`2026-10-01`, UTC) or a duration back from now (`7d`, `36h`)' -r
complete -c driftgate -n "__fish_driftgate_using_subcommand log" -l until -d 'Only events at or before WHEN (same forms as `--since`; a date includes its whole day)' -r
complete -c driftgate -n "__fish_driftgate_using_subcommand log" -l poll-ms -d 'How often `--follow` looks for new lines, in milliseconds' -r
complete -c driftgate -n "__fish_driftgate_using_subcommand log" -l root -d 'Use DIR as the root instead of searching upwards for driftgate.toml' -r -F
complete -c driftgate -n "__fish_driftgate_using_subcommand log" -l config -d 'Read the configuration from FILE instead of `<root>/driftgate.toml`' -r -F
complete -c driftgate -n "__fish_driftgate_using_subcommand log" -l color -d 'When to use colour (NO_COLOR is honoured with `auto`)' -r -f -a "auto\t'Colour on a terminal unless NO_COLOR is set'
always\t'Always colour'
never\t'Never colour'"
complete -c driftgate -n "__fish_driftgate_using_subcommand log" -l fixed-clock -d 'Read this time instead of the system clock (for reproducible tests and demonstrations; every expiry and record uses it)' -r
complete -c driftgate -n "__fish_driftgate_using_subcommand log" -l follow -d 'Keep running and print events as they are appended (`--format ndjson` or `ocsf`)'
complete -c driftgate -n "__fish_driftgate_using_subcommand log" -s q -l quiet -d 'Print only errors and the final verdict line'
complete -c driftgate -n "__fish_driftgate_using_subcommand log" -s v -l verbose -d 'Also print unchanged-file counts, timings and what each rule means'
complete -c driftgate -n "__fish_driftgate_using_subcommand log" -l no-pager -d 'Do not page long output ($DRIFTGATE_PAGER, else $PAGER, else `less -FRX`)'
complete -c driftgate -n "__fish_driftgate_using_subcommand log" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c driftgate -n "__fish_driftgate_using_subcommand log" -s V -l version -d 'Print version'
complete -c driftgate -n "__fish_driftgate_using_subcommand rules" -l format -d 'Output format' -r -f -a "text\t'For people'
json\t'JSON, for tools'"
complete -c driftgate -n "__fish_driftgate_using_subcommand rules" -l root -d 'Use DIR as the root instead of searching upwards for driftgate.toml' -r -F
complete -c driftgate -n "__fish_driftgate_using_subcommand rules" -l config -d 'Read the configuration from FILE instead of `<root>/driftgate.toml`' -r -F
complete -c driftgate -n "__fish_driftgate_using_subcommand rules" -l color -d 'When to use colour (NO_COLOR is honoured with `auto`)' -r -f -a "auto\t'Colour on a terminal unless NO_COLOR is set'
always\t'Always colour'
never\t'Never colour'"
complete -c driftgate -n "__fish_driftgate_using_subcommand rules" -l fixed-clock -d 'Read this time instead of the system clock (for reproducible tests and demonstrations; every expiry and record uses it)' -r
complete -c driftgate -n "__fish_driftgate_using_subcommand rules" -l all -d 'Also list the built-in rules that are turned off'
complete -c driftgate -n "__fish_driftgate_using_subcommand rules" -l in-force -d 'List the rules of the accepted baseline instead of driftgate.toml\'s'
complete -c driftgate -n "__fish_driftgate_using_subcommand rules" -s q -l quiet -d 'Print only errors and the final verdict line'
complete -c driftgate -n "__fish_driftgate_using_subcommand rules" -s v -l verbose -d 'Also print unchanged-file counts, timings and what each rule means'
complete -c driftgate -n "__fish_driftgate_using_subcommand rules" -l no-pager -d 'Do not page long output ($DRIFTGATE_PAGER, else $PAGER, else `less -FRX`)'
complete -c driftgate -n "__fish_driftgate_using_subcommand rules" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c driftgate -n "__fish_driftgate_using_subcommand rules" -s V -l version -d 'Print version'
complete -c driftgate -n "__fish_driftgate_using_subcommand verify" -l format -d 'Output format' -r -f -a "text\t'For people'
json\t'JSON, for tools'"
complete -c driftgate -n "__fish_driftgate_using_subcommand verify" -l trust-root -d 'Require the first baseline to have root hash HASH (all 64 hex digits), instead of trusting it on first use; for CI' -r
complete -c driftgate -n "__fish_driftgate_using_subcommand verify" -l base -d 'Require today\'s chain and audit log to extend those at git revision REV (e.g. `origin/main` on a pull request, `HEAD~1` on a push): stops rollbacks, forks and rewritten logs' -r
complete -c driftgate -n "__fish_driftgate_using_subcommand verify" -l attestation -d 'Check the attestation FILE (from `driftgate attest`) instead: its signatures, that its signers approved the baseline, and that it says what the history says' -r -F
complete -c driftgate -n "__fish_driftgate_using_subcommand verify" -l root -d 'Use DIR as the root instead of searching upwards for driftgate.toml' -r -F
complete -c driftgate -n "__fish_driftgate_using_subcommand verify" -l config -d 'Read the configuration from FILE instead of `<root>/driftgate.toml`' -r -F
complete -c driftgate -n "__fish_driftgate_using_subcommand verify" -l color -d 'When to use colour (NO_COLOR is honoured with `auto`)' -r -f -a "auto\t'Colour on a terminal unless NO_COLOR is set'
always\t'Always colour'
never\t'Never colour'"
complete -c driftgate -n "__fish_driftgate_using_subcommand verify" -l fixed-clock -d 'Read this time instead of the system clock (for reproducible tests and demonstrations; every expiry and record uses it)' -r
complete -c driftgate -n "__fish_driftgate_using_subcommand verify" -s q -l quiet -d 'Print only errors and the final verdict line'
complete -c driftgate -n "__fish_driftgate_using_subcommand verify" -s v -l verbose -d 'Also print unchanged-file counts, timings and what each rule means'
complete -c driftgate -n "__fish_driftgate_using_subcommand verify" -l no-pager -d 'Do not page long output ($DRIFTGATE_PAGER, else $PAGER, else `less -FRX`)'
complete -c driftgate -n "__fish_driftgate_using_subcommand verify" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c driftgate -n "__fish_driftgate_using_subcommand verify" -s V -l version -d 'Print version'
complete -c driftgate -n "__fish_driftgate_using_subcommand evidence" -l since -d 'Include baselines accepted at or after WHEN: an RFC 3339 time, a date (`2026-10-01`, UTC) or a duration back from now (`90d`); default: all' -r
complete -c driftgate -n "__fish_driftgate_using_subcommand evidence" -l until -d 'Include baselines accepted at or before WHEN (same forms as `--since`; a date includes its whole day)' -r
complete -c driftgate -n "__fish_driftgate_using_subcommand evidence" -l out -d 'Write the archive to FILE (`.tar.gz`)' -r -F
complete -c driftgate -n "__fish_driftgate_using_subcommand evidence" -l root -d 'Use DIR as the root instead of searching upwards for driftgate.toml' -r -F
complete -c driftgate -n "__fish_driftgate_using_subcommand evidence" -l config -d 'Read the configuration from FILE instead of `<root>/driftgate.toml`' -r -F
complete -c driftgate -n "__fish_driftgate_using_subcommand evidence" -l color -d 'When to use colour (NO_COLOR is honoured with `auto`)' -r -f -a "auto\t'Colour on a terminal unless NO_COLOR is set'
always\t'Always colour'
never\t'Never colour'"
complete -c driftgate -n "__fish_driftgate_using_subcommand evidence" -l fixed-clock -d 'Read this time instead of the system clock (for reproducible tests and demonstrations; every expiry and record uses it)' -r
complete -c driftgate -n "__fish_driftgate_using_subcommand evidence" -s q -l quiet -d 'Print only errors and the final verdict line'
complete -c driftgate -n "__fish_driftgate_using_subcommand evidence" -s v -l verbose -d 'Also print unchanged-file counts, timings and what each rule means'
complete -c driftgate -n "__fish_driftgate_using_subcommand evidence" -l no-pager -d 'Do not page long output ($DRIFTGATE_PAGER, else $PAGER, else `less -FRX`)'
complete -c driftgate -n "__fish_driftgate_using_subcommand evidence" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c driftgate -n "__fish_driftgate_using_subcommand evidence" -s V -l version -d 'Print version'
complete -c driftgate -n "__fish_driftgate_using_subcommand attest" -l sign -d 'Sign with this SSH key: a private key file, or a public key held by ssh-agent' -r -F
complete -c driftgate -n "__fish_driftgate_using_subcommand attest" -l as -d 'Sign as this approver, when KEY is listed for more than one of them' -r
complete -c driftgate -n "__fish_driftgate_using_subcommand attest" -l out -d 'Write the envelope to FILE instead of stdout' -r -F
complete -c driftgate -n "__fish_driftgate_using_subcommand attest" -l root -d 'Use DIR as the root instead of searching upwards for driftgate.toml' -r -F
complete -c driftgate -n "__fish_driftgate_using_subcommand attest" -l config -d 'Read the configuration from FILE instead of `<root>/driftgate.toml`' -r -F
complete -c driftgate -n "__fish_driftgate_using_subcommand attest" -l color -d 'When to use colour (NO_COLOR is honoured with `auto`)' -r -f -a "auto\t'Colour on a terminal unless NO_COLOR is set'
always\t'Always colour'
never\t'Never colour'"
complete -c driftgate -n "__fish_driftgate_using_subcommand attest" -l fixed-clock -d 'Read this time instead of the system clock (for reproducible tests and demonstrations; every expiry and record uses it)' -r
complete -c driftgate -n "__fish_driftgate_using_subcommand attest" -s q -l quiet -d 'Print only errors and the final verdict line'
complete -c driftgate -n "__fish_driftgate_using_subcommand attest" -s v -l verbose -d 'Also print unchanged-file counts, timings and what each rule means'
complete -c driftgate -n "__fish_driftgate_using_subcommand attest" -l no-pager -d 'Do not page long output ($DRIFTGATE_PAGER, else $PAGER, else `less -FRX`)'
complete -c driftgate -n "__fish_driftgate_using_subcommand attest" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c driftgate -n "__fish_driftgate_using_subcommand attest" -s V -l version -d 'Print version'
complete -c driftgate -n "__fish_driftgate_using_subcommand notify; and not __fish_seen_subcommand_from test help" -l root -d 'Use DIR as the root instead of searching upwards for driftgate.toml' -r -F
complete -c driftgate -n "__fish_driftgate_using_subcommand notify; and not __fish_seen_subcommand_from test help" -l config -d 'Read the configuration from FILE instead of `<root>/driftgate.toml`' -r -F
complete -c driftgate -n "__fish_driftgate_using_subcommand notify; and not __fish_seen_subcommand_from test help" -l color -d 'When to use colour (NO_COLOR is honoured with `auto`)' -r -f -a "auto\t'Colour on a terminal unless NO_COLOR is set'
always\t'Always colour'
never\t'Never colour'"
complete -c driftgate -n "__fish_driftgate_using_subcommand notify; and not __fish_seen_subcommand_from test help" -l fixed-clock -d 'Read this time instead of the system clock (for reproducible tests and demonstrations; every expiry and record uses it)' -r
complete -c driftgate -n "__fish_driftgate_using_subcommand notify; and not __fish_seen_subcommand_from test help" -s q -l quiet -d 'Print only errors and the final verdict line'
complete -c driftgate -n "__fish_driftgate_using_subcommand notify; and not __fish_seen_subcommand_from test help" -s v -l verbose -d 'Also print unchanged-file counts, timings and what each rule means'
complete -c driftgate -n "__fish_driftgate_using_subcommand notify; and not __fish_seen_subcommand_from test help" -l no-pager -d 'Do not page long output ($DRIFTGATE_PAGER, else $PAGER, else `less -FRX`)'
complete -c driftgate -n "__fish_driftgate_using_subcommand notify; and not __fish_seen_subcommand_from test help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c driftgate -n "__fish_driftgate_using_subcommand notify; and not __fish_seen_subcommand_from test help" -s V -l version -d 'Print version'
complete -c driftgate -n "__fish_driftgate_using_subcommand notify; and not __fish_seen_subcommand_from test help" -f -a "test" -d 'Send a sample event to every `[[notify]]` target and print each response status'
complete -c driftgate -n "__fish_driftgate_using_subcommand notify; and not __fish_seen_subcommand_from test help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c driftgate -n "__fish_driftgate_using_subcommand notify; and __fish_seen_subcommand_from test" -l event -d 'The kind of event to send' -r -f -a "proposed\t''
approved\t''
accepted\t''
rejected\t''
drift\t''
expired\t''"
complete -c driftgate -n "__fish_driftgate_using_subcommand notify; and __fish_seen_subcommand_from test" -l root -d 'Use DIR as the root instead of searching upwards for driftgate.toml' -r -F
complete -c driftgate -n "__fish_driftgate_using_subcommand notify; and __fish_seen_subcommand_from test" -l config -d 'Read the configuration from FILE instead of `<root>/driftgate.toml`' -r -F
complete -c driftgate -n "__fish_driftgate_using_subcommand notify; and __fish_seen_subcommand_from test" -l color -d 'When to use colour (NO_COLOR is honoured with `auto`)' -r -f -a "auto\t'Colour on a terminal unless NO_COLOR is set'
always\t'Always colour'
never\t'Never colour'"
complete -c driftgate -n "__fish_driftgate_using_subcommand notify; and __fish_seen_subcommand_from test" -l fixed-clock -d 'Read this time instead of the system clock (for reproducible tests and demonstrations; every expiry and record uses it)' -r
complete -c driftgate -n "__fish_driftgate_using_subcommand notify; and __fish_seen_subcommand_from test" -s q -l quiet -d 'Print only errors and the final verdict line'
complete -c driftgate -n "__fish_driftgate_using_subcommand notify; and __fish_seen_subcommand_from test" -s v -l verbose -d 'Also print unchanged-file counts, timings and what each rule means'
complete -c driftgate -n "__fish_driftgate_using_subcommand notify; and __fish_seen_subcommand_from test" -l no-pager -d 'Do not page long output ($DRIFTGATE_PAGER, else $PAGER, else `less -FRX`)'
complete -c driftgate -n "__fish_driftgate_using_subcommand notify; and __fish_seen_subcommand_from test" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c driftgate -n "__fish_driftgate_using_subcommand notify; and __fish_seen_subcommand_from test" -s V -l version -d 'Print version'
complete -c driftgate -n "__fish_driftgate_using_subcommand notify; and __fish_seen_subcommand_from help" -f -a "test" -d 'Send a sample event to every `[[notify]]` target and print each response status'
complete -c driftgate -n "__fish_driftgate_using_subcommand notify; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c driftgate -n "__fish_driftgate_using_subcommand hook; and not __fish_seen_subcommand_from install uninstall help" -l root -d 'Use DIR as the root instead of searching upwards for driftgate.toml' -r -F
complete -c driftgate -n "__fish_driftgate_using_subcommand hook; and not __fish_seen_subcommand_from install uninstall help" -l config -d 'Read the configuration from FILE instead of `<root>/driftgate.toml`' -r -F
complete -c driftgate -n "__fish_driftgate_using_subcommand hook; and not __fish_seen_subcommand_from install uninstall help" -l color -d 'When to use colour (NO_COLOR is honoured with `auto`)' -r -f -a "auto\t'Colour on a terminal unless NO_COLOR is set'
always\t'Always colour'
never\t'Never colour'"
complete -c driftgate -n "__fish_driftgate_using_subcommand hook; and not __fish_seen_subcommand_from install uninstall help" -l fixed-clock -d 'Read this time instead of the system clock (for reproducible tests and demonstrations; every expiry and record uses it)' -r
complete -c driftgate -n "__fish_driftgate_using_subcommand hook; and not __fish_seen_subcommand_from install uninstall help" -s q -l quiet -d 'Print only errors and the final verdict line'
complete -c driftgate -n "__fish_driftgate_using_subcommand hook; and not __fish_seen_subcommand_from install uninstall help" -s v -l verbose -d 'Also print unchanged-file counts, timings and what each rule means'
complete -c driftgate -n "__fish_driftgate_using_subcommand hook; and not __fish_seen_subcommand_from install uninstall help" -l no-pager -d 'Do not page long output ($DRIFTGATE_PAGER, else $PAGER, else `less -FRX`)'
complete -c driftgate -n "__fish_driftgate_using_subcommand hook; and not __fish_seen_subcommand_from install uninstall help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c driftgate -n "__fish_driftgate_using_subcommand hook; and not __fish_seen_subcommand_from install uninstall help" -s V -l version -d 'Print version'
complete -c driftgate -n "__fish_driftgate_using_subcommand hook; and not __fish_seen_subcommand_from install uninstall help" -f -a "install" -d 'Install a git pre-commit hook that runs `driftgate check --staged`'
complete -c driftgate -n "__fish_driftgate_using_subcommand hook; and not __fish_seen_subcommand_from install uninstall help" -f -a "uninstall" -d 'Remove driftgate\'s pre-commit hook'
complete -c driftgate -n "__fish_driftgate_using_subcommand hook; and not __fish_seen_subcommand_from install uninstall help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c driftgate -n "__fish_driftgate_using_subcommand hook; and __fish_seen_subcommand_from install" -l root -d 'Use DIR as the root instead of searching upwards for driftgate.toml' -r -F
complete -c driftgate -n "__fish_driftgate_using_subcommand hook; and __fish_seen_subcommand_from install" -l config -d 'Read the configuration from FILE instead of `<root>/driftgate.toml`' -r -F
complete -c driftgate -n "__fish_driftgate_using_subcommand hook; and __fish_seen_subcommand_from install" -l color -d 'When to use colour (NO_COLOR is honoured with `auto`)' -r -f -a "auto\t'Colour on a terminal unless NO_COLOR is set'
always\t'Always colour'
never\t'Never colour'"
complete -c driftgate -n "__fish_driftgate_using_subcommand hook; and __fish_seen_subcommand_from install" -l fixed-clock -d 'Read this time instead of the system clock (for reproducible tests and demonstrations; every expiry and record uses it)' -r
complete -c driftgate -n "__fish_driftgate_using_subcommand hook; and __fish_seen_subcommand_from install" -l force -d 'Replace a pre-commit hook driftgate did not write, keeping it chained'
complete -c driftgate -n "__fish_driftgate_using_subcommand hook; and __fish_seen_subcommand_from install" -s q -l quiet -d 'Print only errors and the final verdict line'
complete -c driftgate -n "__fish_driftgate_using_subcommand hook; and __fish_seen_subcommand_from install" -s v -l verbose -d 'Also print unchanged-file counts, timings and what each rule means'
complete -c driftgate -n "__fish_driftgate_using_subcommand hook; and __fish_seen_subcommand_from install" -l no-pager -d 'Do not page long output ($DRIFTGATE_PAGER, else $PAGER, else `less -FRX`)'
complete -c driftgate -n "__fish_driftgate_using_subcommand hook; and __fish_seen_subcommand_from install" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c driftgate -n "__fish_driftgate_using_subcommand hook; and __fish_seen_subcommand_from install" -s V -l version -d 'Print version'
complete -c driftgate -n "__fish_driftgate_using_subcommand hook; and __fish_seen_subcommand_from uninstall" -l root -d 'Use DIR as the root instead of searching upwards for driftgate.toml' -r -F
complete -c driftgate -n "__fish_driftgate_using_subcommand hook; and __fish_seen_subcommand_from uninstall" -l config -d 'Read the configuration from FILE instead of `<root>/driftgate.toml`' -r -F
complete -c driftgate -n "__fish_driftgate_using_subcommand hook; and __fish_seen_subcommand_from uninstall" -l color -d 'When to use colour (NO_COLOR is honoured with `auto`)' -r -f -a "auto\t'Colour on a terminal unless NO_COLOR is set'
always\t'Always colour'
never\t'Never colour'"
complete -c driftgate -n "__fish_driftgate_using_subcommand hook; and __fish_seen_subcommand_from uninstall" -l fixed-clock -d 'Read this time instead of the system clock (for reproducible tests and demonstrations; every expiry and record uses it)' -r
complete -c driftgate -n "__fish_driftgate_using_subcommand hook; and __fish_seen_subcommand_from uninstall" -s q -l quiet -d 'Print only errors and the final verdict line'
complete -c driftgate -n "__fish_driftgate_using_subcommand hook; and __fish_seen_subcommand_from uninstall" -s v -l verbose -d 'Also print unchanged-file counts, timings and what each rule means'
complete -c driftgate -n "__fish_driftgate_using_subcommand hook; and __fish_seen_subcommand_from uninstall" -l no-pager -d 'Do not page long output ($DRIFTGATE_PAGER, else $PAGER, else `less -FRX`)'
complete -c driftgate -n "__fish_driftgate_using_subcommand hook; and __fish_seen_subcommand_from uninstall" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c driftgate -n "__fish_driftgate_using_subcommand hook; and __fish_seen_subcommand_from uninstall" -s V -l version -d 'Print version'
complete -c driftgate -n "__fish_driftgate_using_subcommand hook; and __fish_seen_subcommand_from help" -f -a "install" -d 'Install a git pre-commit hook that runs `driftgate check --staged`'
complete -c driftgate -n "__fish_driftgate_using_subcommand hook; and __fish_seen_subcommand_from help" -f -a "uninstall" -d 'Remove driftgate\'s pre-commit hook'
complete -c driftgate -n "__fish_driftgate_using_subcommand hook; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c driftgate -n "__fish_driftgate_using_subcommand completions" -l root -d 'Use DIR as the root instead of searching upwards for driftgate.toml' -r -F
complete -c driftgate -n "__fish_driftgate_using_subcommand completions" -l config -d 'Read the configuration from FILE instead of `<root>/driftgate.toml`' -r -F
complete -c driftgate -n "__fish_driftgate_using_subcommand completions" -l color -d 'When to use colour (NO_COLOR is honoured with `auto`)' -r -f -a "auto\t'Colour on a terminal unless NO_COLOR is set'
always\t'Always colour'
never\t'Never colour'"
complete -c driftgate -n "__fish_driftgate_using_subcommand completions" -l fixed-clock -d 'Read this time instead of the system clock (for reproducible tests and demonstrations; every expiry and record uses it)' -r
complete -c driftgate -n "__fish_driftgate_using_subcommand completions" -s q -l quiet -d 'Print only errors and the final verdict line'
complete -c driftgate -n "__fish_driftgate_using_subcommand completions" -s v -l verbose -d 'Also print unchanged-file counts, timings and what each rule means'
complete -c driftgate -n "__fish_driftgate_using_subcommand completions" -l no-pager -d 'Do not page long output ($DRIFTGATE_PAGER, else $PAGER, else `less -FRX`)'
complete -c driftgate -n "__fish_driftgate_using_subcommand completions" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c driftgate -n "__fish_driftgate_using_subcommand completions" -s V -l version -d 'Print version'
complete -c driftgate -n "__fish_driftgate_using_subcommand help; and not __fish_seen_subcommand_from init check diff snapshot approve accept reject proposals explain log rules verify evidence attest notify hook completions help" -f -a "init" -d 'Create driftgate.toml (every key commented with its default) and .driftgate/'
complete -c driftgate -n "__fish_driftgate_using_subcommand help; and not __fish_seen_subcommand_from init check diff snapshot approve accept reject proposals explain log rules verify evidence attest notify hook completions help" -f -a "check" -d 'Compare the tree with the accepted baseline; exit 1 on unapproved drift'
complete -c driftgate -n "__fish_driftgate_using_subcommand help; and not __fish_seen_subcommand_from init check diff snapshot approve accept reject proposals explain log rules verify evidence attest notify hook completions help" -f -a "diff" -d 'Show every change between the tree and the accepted baseline, or between two files'
complete -c driftgate -n "__fish_driftgate_using_subcommand help; and not __fish_seen_subcommand_from init check diff snapshot approve accept reject proposals explain log rules verify evidence attest notify hook completions help" -f -a "snapshot" -d 'Propose the current tree as the next baseline'
complete -c driftgate -n "__fish_driftgate_using_subcommand help; and not __fish_seen_subcommand_from init check diff snapshot approve accept reject proposals explain log rules verify evidence attest notify hook completions help" -f -a "approve" -d 'Review a proposal and approve it'
complete -c driftgate -n "__fish_driftgate_using_subcommand help; and not __fish_seen_subcommand_from init check diff snapshot approve accept reject proposals explain log rules verify evidence attest notify hook completions help" -f -a "accept" -d 'Promote an approved proposal to the accepted baseline'
complete -c driftgate -n "__fish_driftgate_using_subcommand help; and not __fish_seen_subcommand_from init check diff snapshot approve accept reject proposals explain log rules verify evidence attest notify hook completions help" -f -a "reject" -d 'Close a proposal without accepting it'
complete -c driftgate -n "__fish_driftgate_using_subcommand help; and not __fish_seen_subcommand_from init check diff snapshot approve accept reject proposals explain log rules verify evidence attest notify hook completions help" -f -a "proposals" -d 'List pending proposals'
complete -c driftgate -n "__fish_driftgate_using_subcommand help; and not __fish_seen_subcommand_from init check diff snapshot approve accept reject proposals explain log rules verify evidence attest notify hook completions help" -f -a "explain" -d 'Explain what a proposal needs before it can be accepted'
complete -c driftgate -n "__fish_driftgate_using_subcommand help; and not __fish_seen_subcommand_from init check diff snapshot approve accept reject proposals explain log rules verify evidence attest notify hook completions help" -f -a "log" -d 'Show the audit trail: who proposed, approved, rejected and accepted what'
complete -c driftgate -n "__fish_driftgate_using_subcommand help; and not __fish_seen_subcommand_from init check diff snapshot approve accept reject proposals explain log rules verify evidence attest notify hook completions help" -f -a "rules" -d 'List the active risk rules'
complete -c driftgate -n "__fish_driftgate_using_subcommand help; and not __fish_seen_subcommand_from init check diff snapshot approve accept reject proposals explain log rules verify evidence attest notify hook completions help" -f -a "verify" -d 'Verify the baseline chain, its signatures, trust-file changes and the audit log'
complete -c driftgate -n "__fish_driftgate_using_subcommand help; and not __fish_seen_subcommand_from init check diff snapshot approve accept reject proposals explain log rules verify evidence attest notify hook completions help" -f -a "evidence" -d 'Write an evidence bundle that an auditor can check offline with ssh-keygen'
complete -c driftgate -n "__fish_driftgate_using_subcommand help; and not __fish_seen_subcommand_from init check diff snapshot approve accept reject proposals explain log rules verify evidence attest notify hook completions help" -f -a "attest" -d 'Export an accepted baseline as an in-toto attestation signed with your SSH key'
complete -c driftgate -n "__fish_driftgate_using_subcommand help; and not __fish_seen_subcommand_from init check diff snapshot approve accept reject proposals explain log rules verify evidence attest notify hook completions help" -f -a "notify" -d 'Send notifications to the `[[notify]]` targets of driftgate.toml'
complete -c driftgate -n "__fish_driftgate_using_subcommand help; and not __fish_seen_subcommand_from init check diff snapshot approve accept reject proposals explain log rules verify evidence attest notify hook completions help" -f -a "hook" -d 'Install or remove the git pre-commit hook that runs `check --staged`'
complete -c driftgate -n "__fish_driftgate_using_subcommand help; and not __fish_seen_subcommand_from init check diff snapshot approve accept reject proposals explain log rules verify evidence attest notify hook completions help" -f -a "completions" -d 'Print a shell completion script'
complete -c driftgate -n "__fish_driftgate_using_subcommand help; and not __fish_seen_subcommand_from init check diff snapshot approve accept reject proposals explain log rules verify evidence attest notify hook completions help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c driftgate -n "__fish_driftgate_using_subcommand help; and __fish_seen_subcommand_from notify" -f -a "test" -d 'Send a sample event to every `[[notify]]` target and print each response status'
complete -c driftgate -n "__fish_driftgate_using_subcommand help; and __fish_seen_subcommand_from hook" -f -a "install" -d 'Install a git pre-commit hook that runs `driftgate check --staged`'
complete -c driftgate -n "__fish_driftgate_using_subcommand help; and __fish_seen_subcommand_from hook" -f -a "uninstall" -d 'Remove driftgate\'s pre-commit hook'
