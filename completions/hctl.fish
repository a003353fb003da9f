# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_hctl_global_optspecs
    string join \n env= config= set= o/output= y/yes no-color q/quiet v/verbose h/help V/version
end

function __fish_hctl_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_hctl_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_hctl_using_subcommand
    set -l cmd (__fish_hctl_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c hctl -n "__fish_hctl_needs_command" -l env -d 'Target environment from the config file (default: `default_env`, else `local`)' -r
complete -c hctl -n "__fish_hctl_needs_command" -l config -d 'Config file (default: ./hctl.yaml when present)' -r -F
complete -c hctl -n "__fish_hctl_needs_command" -l set -d 'Override one setting for this run, e.g. --set url=http://127.0.0.1:8080' -r
complete -c hctl -n "__fish_hctl_needs_command" -s o -l output -d 'Output format' -r -f -a "table\t'Human-readable table (default)'
json\t'One JSON document with stable field names'
junit\t'JUnit XML, for CI test reporters'
markdown\t'Markdown, for sign-off reports and pull requests'"
complete -c hctl -n "__fish_hctl_needs_command" -s y -l yes -d 'Proceed with destructive or production-affecting actions without asking'
complete -c hctl -n "__fish_hctl_needs_command" -l no-color -d 'Disable colours (also when NO_COLOR is set)'
complete -c hctl -n "__fish_hctl_needs_command" -s q -l quiet -d 'Print only data and errors: no progress, no notes'
complete -c hctl -n "__fish_hctl_needs_command" -s v -l verbose -d 'More diagnostics on stderr (-v debug, -vv trace)'
complete -c hctl -n "__fish_hctl_needs_command" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c hctl -n "__fish_hctl_needs_command" -s V -l version -d 'Print version'
complete -c hctl -n "__fish_hctl_needs_command" -f -a "config" -d 'Show the effective configuration or validate config and YAML files'
complete -c hctl -n "__fish_hctl_needs_command" -f -a "preflight" -d 'Run checklists as a gate: automated checks concurrently, manual items by their ticks'
complete -c hctl -n "__fish_hctl_needs_command" -f -a "checklist" -d 'Launch checklists: list, show, tick off, progress, audit log, sign-off report'
complete -c hctl -n "__fish_hctl_needs_command" -f -a "verify" -d 'Verify DNS records, a TLS endpoint or security headers, standalone'
complete -c hctl -n "__fish_hctl_needs_command" -f -a "db" -d 'Back up, restore, verify and check the environment\'s database'
complete -c hctl -n "__fish_hctl_needs_command" -f -a "completions" -d 'Print a shell completion script to stdout'
complete -c hctl -n "__fish_hctl_needs_command" -f -a "man" -d 'Write the man pages (hctl.1 and one per subcommand)'
complete -c hctl -n "__fish_hctl_needs_command" -f -a "rollout" -d 'Deploy to Kubernetes: apply manifests, watch rollouts, history, restart'
complete -c hctl -n "__fish_hctl_needs_command" -f -a "rollback" -d 'Roll the Deployment back to the previous (or a given) revision'
complete -c hctl -n "__fish_hctl_needs_command" -f -a "serve" -d 'Run the Health Companion API server (SQLite by default, PostgreSQL with DATABASE_URL)'
complete -c hctl -n "__fish_hctl_needs_command" -f -a "flags" -d 'List and change feature flags through the server\'s admin API'
complete -c hctl -n "__fish_hctl_needs_command" -f -a "playbook" -d 'Launch, rollback and incident procedures as recorded, resumable runs'
complete -c hctl -n "__fish_hctl_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c hctl -n "__fish_hctl_using_subcommand config; and not __fish_seen_subcommand_from show validate help" -l env -d 'Target environment from the config file (default: `default_env`, else `local`)' -r
complete -c hctl -n "__fish_hctl_using_subcommand config; and not __fish_seen_subcommand_from show validate help" -l config -d 'Config file (default: ./hctl.yaml when present)' -r -F
complete -c hctl -n "__fish_hctl_using_subcommand config; and not __fish_seen_subcommand_from show validate help" -l set -d 'Override one setting for this run, e.g. --set url=http://127.0.0.1:8080' -r
complete -c hctl -n "__fish_hctl_using_subcommand config; and not __fish_seen_subcommand_from show validate help" -s o -l output -d 'Output format' -r -f -a "table\t'Human-readable table (default)'
json\t'One JSON document with stable field names'
junit\t'JUnit XML, for CI test reporters'
markdown\t'Markdown, for sign-off reports and pull requests'"
complete -c hctl -n "__fish_hctl_using_subcommand config; and not __fish_seen_subcommand_from show validate help" -s y -l yes -d 'Proceed with destructive or production-affecting actions without asking'
complete -c hctl -n "__fish_hctl_using_subcommand config; and not __fish_seen_subcommand_from show validate help" -l no-color -d 'Disable colours (also when NO_COLOR is set)'
complete -c hctl -n "__fish_hctl_using_subcommand config; and not __fish_seen_subcommand_from show validate help" -s q -l quiet -d 'Print only data and errors: no progress, no notes'
complete -c hctl -n "__fish_hctl_using_subcommand config; and not __fish_seen_subcommand_from show validate help" -s v -l verbose -d 'More diagnostics on stderr (-v debug, -vv trace)'
complete -c hctl -n "__fish_hctl_using_subcommand config; and not __fish_seen_subcommand_from show validate help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c hctl -n "__fish_hctl_using_subcommand config; and not __fish_seen_subcommand_from show validate help" -s V -l version -d 'Print version'
complete -c hctl -n "__fish_hctl_using_subcommand config; and not __fish_seen_subcommand_from show validate help" -f -a "show" -d 'Print the effective settings of the selected environment, secrets redacted, with the layer each value came from'
complete -c hctl -n "__fish_hctl_using_subcommand config; and not __fish_seen_subcommand_from show validate help" -f -a "validate" -d 'Validate hctl.yaml (and every checklist and playbook file); exit 2 when a file is invalid, naming file:line:column'
complete -c hctl -n "__fish_hctl_using_subcommand config; and not __fish_seen_subcommand_from show validate help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c hctl -n "__fish_hctl_using_subcommand config; and __fish_seen_subcommand_from show" -l env -d 'Target environment from the config file (default: `default_env`, else `local`)' -r
complete -c hctl -n "__fish_hctl_using_subcommand config; and __fish_seen_subcommand_from show" -l config -d 'Config file (default: ./hctl.yaml when present)' -r -F
complete -c hctl -n "__fish_hctl_using_subcommand config; and __fish_seen_subcommand_from show" -l set -d 'Override one setting for this run, e.g. --set url=http://127.0.0.1:8080' -r
complete -c hctl -n "__fish_hctl_using_subcommand config; and __fish_seen_subcommand_from show" -s o -l output -d 'Output format' -r -f -a "table\t'Human-readable table (default)'
json\t'One JSON document with stable field names'
junit\t'JUnit XML, for CI test reporters'
markdown\t'Markdown, for sign-off reports and pull requests'"
complete -c hctl -n "__fish_hctl_using_subcommand config; and __fish_seen_subcommand_from show" -s y -l yes -d 'Proceed with destructive or production-affecting actions without asking'
complete -c hctl -n "__fish_hctl_using_subcommand config; and __fish_seen_subcommand_from show" -l no-color -d 'Disable colours (also when NO_COLOR is set)'
complete -c hctl -n "__fish_hctl_using_subcommand config; and __fish_seen_subcommand_from show" -s q -l quiet -d 'Print only data and errors: no progress, no notes'
complete -c hctl -n "__fish_hctl_using_subcommand config; and __fish_seen_subcommand_from show" -s v -l verbose -d 'More diagnostics on stderr (-v debug, -vv trace)'
complete -c hctl -n "__fish_hctl_using_subcommand config; and __fish_seen_subcommand_from show" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c hctl -n "__fish_hctl_using_subcommand config; and __fish_seen_subcommand_from show" -s V -l version -d 'Print version'
complete -c hctl -n "__fish_hctl_using_subcommand config; and __fish_seen_subcommand_from validate" -l env -d 'Target environment from the config file (default: `default_env`, else `local`)' -r
complete -c hctl -n "__fish_hctl_using_subcommand config; and __fish_seen_subcommand_from validate" -l config -d 'Config file (default: ./hctl.yaml when present)' -r -F
complete -c hctl -n "__fish_hctl_using_subcommand config; and __fish_seen_subcommand_from validate" -l set -d 'Override one setting for this run, e.g. --set url=http://127.0.0.1:8080' -r
complete -c hctl -n "__fish_hctl_using_subcommand config; and __fish_seen_subcommand_from validate" -s o -l output -d 'Output format' -r -f -a "table\t'Human-readable table (default)'
json\t'One JSON document with stable field names'
junit\t'JUnit XML, for CI test reporters'
markdown\t'Markdown, for sign-off reports and pull requests'"
complete -c hctl -n "__fish_hctl_using_subcommand config; and __fish_seen_subcommand_from validate" -s y -l yes -d 'Proceed with destructive or production-affecting actions without asking'
complete -c hctl -n "__fish_hctl_using_subcommand config; and __fish_seen_subcommand_from validate" -l no-color -d 'Disable colours (also when NO_COLOR is set)'
complete -c hctl -n "__fish_hctl_using_subcommand config; and __fish_seen_subcommand_from validate" -s q -l quiet -d 'Print only data and errors: no progress, no notes'
complete -c hctl -n "__fish_hctl_using_subcommand config; and __fish_seen_subcommand_from validate" -s v -l verbose -d 'More diagnostics on stderr (-v debug, -vv trace)'
complete -c hctl -n "__fish_hctl_using_subcommand config; and __fish_seen_subcommand_from validate" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c hctl -n "__fish_hctl_using_subcommand config; and __fish_seen_subcommand_from validate" -s V -l version -d 'Print version'
complete -c hctl -n "__fish_hctl_using_subcommand config; and __fish_seen_subcommand_from help" -f -a "show" -d 'Print the effective settings of the selected environment, secrets redacted, with the layer each value came from'
complete -c hctl -n "__fish_hctl_using_subcommand config; and __fish_seen_subcommand_from help" -f -a "validate" -d 'Validate hctl.yaml (and every checklist and playbook file); exit 2 when a file is invalid, naming file:line:column'
complete -c hctl -n "__fish_hctl_using_subcommand config; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c hctl -n "__fish_hctl_using_subcommand preflight" -s c -l checklist -d 'Checklist file or name (`pre-launch` → checklists/pre-launch.yaml); repeatable; default: every file in checklists/' -r
complete -c hctl -n "__fish_hctl_using_subcommand preflight" -l tag -d 'Run only items with this tag (repeatable: any of them)' -r
complete -c hctl -n "__fish_hctl_using_subcommand preflight" -l only -d 'Run only this item id (repeatable)' -r
complete -c hctl -n "__fish_hctl_using_subcommand preflight" -l exclude -d 'Leave out this item id (repeatable)' -r
complete -c hctl -n "__fish_hctl_using_subcommand preflight" -l fail-on -d 'Lowest severity whose failure fails the run (exit 1)' -r -f -a "critical\t'Only failed critical items fail the run'
warning\t'Failed warning and critical items fail the run'"
complete -c hctl -n "__fish_hctl_using_subcommand preflight" -l concurrency -d 'Checks in flight at once' -r
complete -c hctl -n "__fish_hctl_using_subcommand preflight" -l deadline -d 'Overall time limit; checks still running then fail with a timeout (e.g. 90s, 5m)' -r
complete -c hctl -n "__fish_hctl_using_subcommand preflight" -l env -d 'Target environment from the config file (default: `default_env`, else `local`)' -r
complete -c hctl -n "__fish_hctl_using_subcommand preflight" -l config -d 'Config file (default: ./hctl.yaml when present)' -r -F
complete -c hctl -n "__fish_hctl_using_subcommand preflight" -l set -d 'Override one setting for this run, e.g. --set url=http://127.0.0.1:8080' -r
complete -c hctl -n "__fish_hctl_using_subcommand preflight" -s o -l output -d 'Output format' -r -f -a "table\t'Human-readable table (default)'
json\t'One JSON document with stable field names'
junit\t'JUnit XML, for CI test reporters'
markdown\t'Markdown, for sign-off reports and pull requests'"
complete -c hctl -n "__fish_hctl_using_subcommand preflight" -l skip-manual -d 'Do not count unticked manual items as failures (they are skipped)'
complete -c hctl -n "__fish_hctl_using_subcommand preflight" -l allow-empty -d 'Pass even when every selected item was skipped (by default a run that verified nothing fails: exit 1)'
complete -c hctl -n "__fish_hctl_using_subcommand preflight" -s y -l yes -d 'Proceed with destructive or production-affecting actions without asking'
complete -c hctl -n "__fish_hctl_using_subcommand preflight" -l no-color -d 'Disable colours (also when NO_COLOR is set)'
complete -c hctl -n "__fish_hctl_using_subcommand preflight" -s q -l quiet -d 'Print only data and errors: no progress, no notes'
complete -c hctl -n "__fish_hctl_using_subcommand preflight" -s v -l verbose -d 'More diagnostics on stderr (-v debug, -vv trace)'
complete -c hctl -n "__fish_hctl_using_subcommand preflight" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c hctl -n "__fish_hctl_using_subcommand preflight" -s V -l version -d 'Print version'
complete -c hctl -n "__fish_hctl_using_subcommand checklist; and not __fish_seen_subcommand_from list show tick untick status log report help" -l env -d 'Target environment from the config file (default: `default_env`, else `local`)' -r
complete -c hctl -n "__fish_hctl_using_subcommand checklist; and not __fish_seen_subcommand_from list show tick untick status log report help" -l config -d 'Config file (default: ./hctl.yaml when present)' -r -F
complete -c hctl -n "__fish_hctl_using_subcommand checklist; and not __fish_seen_subcommand_from list show tick untick status log report help" -l set -d 'Override one setting for this run, e.g. --set url=http://127.0.0.1:8080' -r
complete -c hctl -n "__fish_hctl_using_subcommand checklist; and not __fish_seen_subcommand_from list show tick untick status log report help" -s o -l output -d 'Output format' -r -f -a "table\t'Human-readable table (default)'
json\t'One JSON document with stable field names'
junit\t'JUnit XML, for CI test reporters'
markdown\t'Markdown, for sign-off reports and pull requests'"
complete -c hctl -n "__fish_hctl_using_subcommand checklist; and not __fish_seen_subcommand_from list show tick untick status log report help" -s y -l yes -d 'Proceed with destructive or production-affecting actions without asking'
complete -c hctl -n "__fish_hctl_using_subcommand checklist; and not __fish_seen_subcommand_from list show tick untick status log report help" -l no-color -d 'Disable colours (also when NO_COLOR is set)'
complete -c hctl -n "__fish_hctl_using_subcommand checklist; and not __fish_seen_subcommand_from list show tick untick status log report help" -s q -l quiet -d 'Print only data and errors: no progress, no notes'
complete -c hctl -n "__fish_hctl_using_subcommand checklist; and not __fish_seen_subcommand_from list show tick untick status log report help" -s v -l verbose -d 'More diagnostics on stderr (-v debug, -vv trace)'
complete -c hctl -n "__fish_hctl_using_subcommand checklist; and not __fish_seen_subcommand_from list show tick untick status log report help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c hctl -n "__fish_hctl_using_subcommand checklist; and not __fish_seen_subcommand_from list show tick untick status log report help" -s V -l version -d 'Print version'
complete -c hctl -n "__fish_hctl_using_subcommand checklist; and not __fish_seen_subcommand_from list show tick untick status log report help" -f -a "list" -d 'List the checklists with their item counts'
complete -c hctl -n "__fish_hctl_using_subcommand checklist; and not __fish_seen_subcommand_from list show tick untick status log report help" -f -a "show" -d 'Show every item of a checklist with its kind, owner and tick'
complete -c hctl -n "__fish_hctl_using_subcommand checklist; and not __fish_seen_subcommand_from list show tick untick status log report help" -f -a "tick" -d 'Tick items off (no ITEM: choose from the open items interactively)'
complete -c hctl -n "__fish_hctl_using_subcommand checklist; and not __fish_seen_subcommand_from list show tick untick status log report help" -f -a "untick" -d 'Take back a tick'
complete -c hctl -n "__fish_hctl_using_subcommand checklist; and not __fish_seen_subcommand_from list show tick untick status log report help" -f -a "status" -d 'Progress per section; --require-complete exits 1 while a critical item is open'
complete -c hctl -n "__fish_hctl_using_subcommand checklist; and not __fish_seen_subcommand_from list show tick untick status log report help" -f -a "log" -d 'Every tick and untick of a checklist, oldest first'
complete -c hctl -n "__fish_hctl_using_subcommand checklist; and not __fish_seen_subcommand_from list show tick untick status log report help" -f -a "report" -d 'Sign-off report: automated results and manual ticks with names and times'
complete -c hctl -n "__fish_hctl_using_subcommand checklist; and not __fish_seen_subcommand_from list show tick untick status log report help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c hctl -n "__fish_hctl_using_subcommand checklist; and __fish_seen_subcommand_from list" -l env -d 'Target environment from the config file (default: `default_env`, else `local`)' -r
complete -c hctl -n "__fish_hctl_using_subcommand checklist; and __fish_seen_subcommand_from list" -l config -d 'Config file (default: ./hctl.yaml when present)' -r -F
complete -c hctl -n "__fish_hctl_using_subcommand checklist; and __fish_seen_subcommand_from list" -l set -d 'Override one setting for this run, e.g. --set url=http://127.0.0.1:8080' -r
complete -c hctl -n "__fish_hctl_using_subcommand checklist; and __fish_seen_subcommand_from list" -s o -l output -d 'Output format' -r -f -a "table\t'Human-readable table (default)'
json\t'One JSON document with stable field names'
junit\t'JUnit XML, for CI test reporters'
markdown\t'Markdown, for sign-off reports and pull requests'"
complete -c hctl -n "__fish_hctl_using_subcommand checklist; and __fish_seen_subcommand_from list" -s y -l yes -d 'Proceed with destructive or production-affecting actions without asking'
complete -c hctl -n "__fish_hctl_using_subcommand checklist; and __fish_seen_subcommand_from list" -l no-color -d 'Disable colours (also when NO_COLOR is set)'
complete -c hctl -n "__fish_hctl_using_subcommand checklist; and __fish_seen_subcommand_from list" -s q -l quiet -d 'Print only data and errors: no progress, no notes'
complete -c hctl -n "__fish_hctl_using_subcommand checklist; and __fish_seen_subcommand_from list" -s v -l verbose -d 'More diagnostics on stderr (-v debug, -vv trace)'
complete -c hctl -n "__fish_hctl_using_subcommand checklist; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c hctl -n "__fish_hctl_using_subcommand checklist; and __fish_seen_subcommand_from list" -s V -l version -d 'Print version'
complete -c hctl -n "__fish_hctl_using_subcommand checklist; and __fish_seen_subcommand_from show" -l env -d 'Target environment from the config file (default: `default_env`, else `local`)' -r
complete -c hctl -n "__fish_hctl_using_subcommand checklist; and __fish_seen_subcommand_from show" -l config -d 'Config file (default: ./hctl.yaml when present)' -r -F
complete -c hctl -n "__fish_hctl_using_subcommand checklist; and __fish_seen_subcommand_from show" -l set -d 'Override one setting for this run, e.g. --set url=http://127.0.0.1:8080' -r
complete -c hctl -n "__fish_hctl_using_subcommand checklist; and __fish_seen_subcommand_from show" -s o -l output -d 'Output format' -r -f -a "table\t'Human-readable table (default)'
json\t'One JSON document with stable field names'
junit\t'JUnit XML, for CI test reporters'
markdown\t'Markdown, for sign-off reports and pull requests'"
complete -c hctl -n "__fish_hctl_using_subcommand checklist; and __fish_seen_subcommand_from show" -s y -l yes -d 'Proceed with destructive or production-affecting actions without asking'
complete -c hctl -n "__fish_hctl_using_subcommand checklist; and __fish_seen_subcommand_from show" -l no-color -d 'Disable colours (also when NO_COLOR is set)'
complete -c hctl -n "__fish_hctl_using_subcommand checklist; and __fish_seen_subcommand_from show" -s q -l quiet -d 'Print only data and errors: no progress, no notes'
complete -c hctl -n "__fish_hctl_using_subcommand checklist; and __fish_seen_subcommand_from show" -s v -l verbose -d 'More diagnostics on stderr (-v debug, -vv trace)'
complete -c hctl -n "__fish_hctl_using_subcommand checklist; and __fish_seen_subcommand_from show" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c hctl -n "__fish_hctl_using_subcommand checklist; and __fish_seen_subcommand_from show" -s V -l version -d 'Print version'
complete -c hctl -n "__fish_hctl_using_subcommand checklist; and __fish_seen_subcommand_from tick" -l note -d 'Why, or where the evidence is' -r
complete -c hctl -n "__fish_hctl_using_subcommand checklist; and __fish_seen_subcommand_from tick" -l as -d 'Who ticks (default: $USER)' -r
complete -c hctl -n "__fish_hctl_using_subcommand checklist; and __fish_seen_subcommand_from tick" -l env -d 'Target environment from the config file (default: `default_env`, else `local`)' -r
complete -c hctl -n "__fish_hctl_using_subcommand checklist; and __fish_seen_subcommand_from tick" -l config -d 'Config file (default: ./hctl.yaml when present)' -r -F
complete -c hctl -n "__fish_hctl_using_subcommand checklist; and __fish_seen_subcommand_from tick" -l set -d 'Override one setting for this run, e.g. --set url=http://127.0.0.1:8080' -r
complete -c hctl -n "__fish_hctl_using_subcommand checklist; and __fish_seen_subcommand_from tick" -s o -l output -d 'Output format' -r -f -a "table\t'Human-readable table (default)'
json\t'One JSON document with stable field names'
junit\t'JUnit XML, for CI test reporters'
markdown\t'Markdown, for sign-off reports and pull requests'"
complete -c hctl -n "__fish_hctl_using_subcommand checklist; and __fish_seen_subcommand_from tick" -s y -l yes -d 'Proceed with destructive or production-affecting actions without asking'
complete -c hctl -n "__fish_hctl_using_subcommand checklist; and __fish_seen_subcommand_from tick" -l no-color -d 'Disable colours (also when NO_COLOR is set)'
complete -c hctl -n "__fish_hctl_using_subcommand checklist; and __fish_seen_subcommand_from tick" -s q -l quiet -d 'Print only data and errors: no progress, no notes'
complete -c hctl -n "__fish_hctl_using_subcommand checklist; and __fish_seen_subcommand_from tick" -s v -l verbose -d 'More diagnostics on stderr (-v debug, -vv trace)'
complete -c hctl -n "__fish_hctl_using_subcommand checklist; and __fish_seen_subcommand_from tick" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c hctl -n "__fish_hctl_using_subcommand checklist; and __fish_seen_subcommand_from tick" -s V -l version -d 'Print version'
complete -c hctl -n "__fish_hctl_using_subcommand checklist; and __fish_seen_subcommand_from untick" -l note -d 'Why, or where the evidence is' -r
complete -c hctl -n "__fish_hctl_using_subcommand checklist; and __fish_seen_subcommand_from untick" -l as -d 'Who ticks (default: $USER)' -r
complete -c hctl -n "__fish_hctl_using_subcommand checklist; and __fish_seen_subcommand_from untick" -l env -d 'Target environment from the config file (default: `default_env`, else `local`)' -r
complete -c hctl -n "__fish_hctl_using_subcommand checklist; and __fish_seen_subcommand_from untick" -l config -d 'Config file (default: ./hctl.yaml when present)' -r -F
complete -c hctl -n "__fish_hctl_using_subcommand checklist; and __fish_seen_subcommand_from untick" -l set -d 'Override one setting for this run, e.g. --set url=http://127.0.0.1:8080' -r
complete -c hctl -n "__fish_hctl_using_subcommand checklist; and __fish_seen_subcommand_from untick" -s o -l output -d 'Output format' -r -f -a "table\t'Human-readable table (default)'
json\t'One JSON document with stable field names'
junit\t'JUnit XML, for CI test reporters'
markdown\t'Markdown, for sign-off reports and pull requests'"
complete -c hctl -n "__fish_hctl_using_subcommand checklist; and __fish_seen_subcommand_from untick" -s y -l yes -d 'Proceed with destructive or production-affecting actions without asking'
complete -c hctl -n "__fish_hctl_using_subcommand checklist; and __fish_seen_subcommand_from untick" -l no-color -d 'Disable colours (also when NO_COLOR is set)'
complete -c hctl -n "__fish_hctl_using_subcommand checklist; and __fish_seen_subcommand_from untick" -s q -l quiet -d 'Print only data and errors: no progress, no notes'
complete -c hctl -n "__fish_hctl_using_subcommand checklist; and __fish_seen_subcommand_from untick" -s v -l verbose -d 'More diagnostics on stderr (-v debug, -vv trace)'
complete -c hctl -n "__fish_hctl_using_subcommand checklist; and __fish_seen_subcommand_from untick" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c hctl -n "__fish_hctl_using_subcommand checklist; and __fish_seen_subcommand_from untick" -s V -l version -d 'Print version'
complete -c hctl -n "__fish_hctl_using_subcommand checklist; and __fish_seen_subcommand_from status" -l env -d 'Target environment from the config file (default: `default_env`, else `local`)' -r
complete -c hctl -n "__fish_hctl_using_subcommand checklist; and __fish_seen_subcommand_from status" -l config -d 'Config file (default: ./hctl.yaml when present)' -r -F
complete -c hctl -n "__fish_hctl_using_subcommand checklist; and __fish_seen_subcommand_from status" -l set -d 'Override one setting for this run, e.g. --set url=http://127.0.0.1:8080' -r
complete -c hctl -n "__fish_hctl_using_subcommand checklist; and __fish_seen_subcommand_from status" -s o -l output -d 'Output format' -r -f -a "table\t'Human-readable table (default)'
json\t'One JSON document with stable field names'
junit\t'JUnit XML, for CI test reporters'
markdown\t'Markdown, for sign-off reports and pull requests'"
complete -c hctl -n "__fish_hctl_using_subcommand checklist; and __fish_seen_subcommand_from status" -l require-complete -d 'Exit 1 while any critical manual item is not ticked'
complete -c hctl -n "__fish_hctl_using_subcommand checklist; and __fish_seen_subcommand_from status" -s y -l yes -d 'Proceed with destructive or production-affecting actions without asking'
complete -c hctl -n "__fish_hctl_using_subcommand checklist; and __fish_seen_subcommand_from status" -l no-color -d 'Disable colours (also when NO_COLOR is set)'
complete -c hctl -n "__fish_hctl_using_subcommand checklist; and __fish_seen_subcommand_from status" -s q -l quiet -d 'Print only data and errors: no progress, no notes'
complete -c hctl -n "__fish_hctl_using_subcommand checklist; and __fish_seen_subcommand_from status" -s v -l verbose -d 'More diagnostics on stderr (-v debug, -vv trace)'
complete -c hctl -n "__fish_hctl_using_subcommand checklist; and __fish_seen_subcommand_from status" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c hctl -n "__fish_hctl_using_subcommand checklist; and __fish_seen_subcommand_from status" -s V -l version -d 'Print version'
complete -c hctl -n "__fish_hctl_using_subcommand checklist; and __fish_seen_subcommand_from log" -l env -d 'Target environment from the config file (default: `default_env`, else `local`)' -r
complete -c hctl -n "__fish_hctl_using_subcommand checklist; and __fish_seen_subcommand_from log" -l config -d 'Config file (default: ./hctl.yaml when present)' -r -F
complete -c hctl -n "__fish_hctl_using_subcommand checklist; and __fish_seen_subcommand_from log" -l set -d 'Override one setting for this run, e.g. --set url=http://127.0.0.1:8080' -r
complete -c hctl -n "__fish_hctl_using_subcommand checklist; and __fish_seen_subcommand_from log" -s o -l output -d 'Output format' -r -f -a "table\t'Human-readable table (default)'
json\t'One JSON document with stable field names'
junit\t'JUnit XML, for CI test reporters'
markdown\t'Markdown, for sign-off reports and pull requests'"
complete -c hctl -n "__fish_hctl_using_subcommand checklist; and __fish_seen_subcommand_from log" -s y -l yes -d 'Proceed with destructive or production-affecting actions without asking'
complete -c hctl -n "__fish_hctl_using_subcommand checklist; and __fish_seen_subcommand_from log" -l no-color -d 'Disable colours (also when NO_COLOR is set)'
complete -c hctl -n "__fish_hctl_using_subcommand checklist; and __fish_seen_subcommand_from log" -s q -l quiet -d 'Print only data and errors: no progress, no notes'
complete -c hctl -n "__fish_hctl_using_subcommand checklist; and __fish_seen_subcommand_from log" -s v -l verbose -d 'More diagnostics on stderr (-v debug, -vv trace)'
complete -c hctl -n "__fish_hctl_using_subcommand checklist; and __fish_seen_subcommand_from log" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c hctl -n "__fish_hctl_using_subcommand checklist; and __fish_seen_subcommand_from log" -s V -l version -d 'Print version'
complete -c hctl -n "__fish_hctl_using_subcommand checklist; and __fish_seen_subcommand_from report" -l tag -d 'Report only items with this tag (repeatable: any of them), e.g. `--tag local` so a local report never runs the production checks' -r
complete -c hctl -n "__fish_hctl_using_subcommand checklist; and __fish_seen_subcommand_from report" -l env -d 'Target environment from the config file (default: `default_env`, else `local`)' -r
complete -c hctl -n "__fish_hctl_using_subcommand checklist; and __fish_seen_subcommand_from report" -l config -d 'Config file (default: ./hctl.yaml when present)' -r -F
complete -c hctl -n "__fish_hctl_using_subcommand checklist; and __fish_seen_subcommand_from report" -l set -d 'Override one setting for this run, e.g. --set url=http://127.0.0.1:8080' -r
complete -c hctl -n "__fish_hctl_using_subcommand checklist; and __fish_seen_subcommand_from report" -s o -l output -d 'Output format' -r -f -a "table\t'Human-readable table (default)'
json\t'One JSON document with stable field names'
junit\t'JUnit XML, for CI test reporters'
markdown\t'Markdown, for sign-off reports and pull requests'"
complete -c hctl -n "__fish_hctl_using_subcommand checklist; and __fish_seen_subcommand_from report" -l no-checks -d 'Do not run the automated items (report ticks only)'
complete -c hctl -n "__fish_hctl_using_subcommand checklist; and __fish_seen_subcommand_from report" -s y -l yes -d 'Proceed with destructive or production-affecting actions without asking'
complete -c hctl -n "__fish_hctl_using_subcommand checklist; and __fish_seen_subcommand_from report" -l no-color -d 'Disable colours (also when NO_COLOR is set)'
complete -c hctl -n "__fish_hctl_using_subcommand checklist; and __fish_seen_subcommand_from report" -s q -l quiet -d 'Print only data and errors: no progress, no notes'
complete -c hctl -n "__fish_hctl_using_subcommand checklist; and __fish_seen_subcommand_from report" -s v -l verbose -d 'More diagnostics on stderr (-v debug, -vv trace)'
complete -c hctl -n "__fish_hctl_using_subcommand checklist; and __fish_seen_subcommand_from report" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c hctl -n "__fish_hctl_using_subcommand checklist; and __fish_seen_subcommand_from report" -s V -l version -d 'Print version'
complete -c hctl -n "__fish_hctl_using_subcommand checklist; and __fish_seen_subcommand_from help" -f -a "list" -d 'List the checklists with their item counts'
complete -c hctl -n "__fish_hctl_using_subcommand checklist; and __fish_seen_subcommand_from help" -f -a "show" -d 'Show every item of a checklist with its kind, owner and tick'
complete -c hctl -n "__fish_hctl_using_subcommand checklist; and __fish_seen_subcommand_from help" -f -a "tick" -d 'Tick items off (no ITEM: choose from the open items interactively)'
complete -c hctl -n "__fish_hctl_using_subcommand checklist; and __fish_seen_subcommand_from help" -f -a "untick" -d 'Take back a tick'
complete -c hctl -n "__fish_hctl_using_subcommand checklist; and __fish_seen_subcommand_from help" -f -a "status" -d 'Progress per section; --require-complete exits 1 while a critical item is open'
complete -c hctl -n "__fish_hctl_using_subcommand checklist; and __fish_seen_subcommand_from help" -f -a "log" -d 'Every tick and untick of a checklist, oldest first'
complete -c hctl -n "__fish_hctl_using_subcommand checklist; and __fish_seen_subcommand_from help" -f -a "report" -d 'Sign-off report: automated results and manual ticks with names and times'
complete -c hctl -n "__fish_hctl_using_subcommand checklist; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c hctl -n "__fish_hctl_using_subcommand verify; and not __fish_seen_subcommand_from dns tls headers help" -l env -d 'Target environment from the config file (default: `default_env`, else `local`)' -r
complete -c hctl -n "__fish_hctl_using_subcommand verify; and not __fish_seen_subcommand_from dns tls headers help" -l config -d 'Config file (default: ./hctl.yaml when present)' -r -F
complete -c hctl -n "__fish_hctl_using_subcommand verify; and not __fish_seen_subcommand_from dns tls headers help" -l set -d 'Override one setting for this run, e.g. --set url=http://127.0.0.1:8080' -r
complete -c hctl -n "__fish_hctl_using_subcommand verify; and not __fish_seen_subcommand_from dns tls headers help" -s o -l output -d 'Output format' -r -f -a "table\t'Human-readable table (default)'
json\t'One JSON document with stable field names'
junit\t'JUnit XML, for CI test reporters'
markdown\t'Markdown, for sign-off reports and pull requests'"
complete -c hctl -n "__fish_hctl_using_subcommand verify; and not __fish_seen_subcommand_from dns tls headers help" -s y -l yes -d 'Proceed with destructive or production-affecting actions without asking'
complete -c hctl -n "__fish_hctl_using_subcommand verify; and not __fish_seen_subcommand_from dns tls headers help" -l no-color -d 'Disable colours (also when NO_COLOR is set)'
complete -c hctl -n "__fish_hctl_using_subcommand verify; and not __fish_seen_subcommand_from dns tls headers help" -s q -l quiet -d 'Print only data and errors: no progress, no notes'
complete -c hctl -n "__fish_hctl_using_subcommand verify; and not __fish_seen_subcommand_from dns tls headers help" -s v -l verbose -d 'More diagnostics on stderr (-v debug, -vv trace)'
complete -c hctl -n "__fish_hctl_using_subcommand verify; and not __fish_seen_subcommand_from dns tls headers help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c hctl -n "__fish_hctl_using_subcommand verify; and not __fish_seen_subcommand_from dns tls headers help" -s V -l version -d 'Print version'
complete -c hctl -n "__fish_hctl_using_subcommand verify; and not __fish_seen_subcommand_from dns tls headers help" -f -a "dns" -d 'Look up DNS records and compare them with expected values'
complete -c hctl -n "__fish_hctl_using_subcommand verify; and not __fish_seen_subcommand_from dns tls headers help" -f -a "tls" -d 'Handshake, chain, hostname, expiry and protocol of a TLS endpoint'
complete -c hctl -n "__fish_hctl_using_subcommand verify; and not __fish_seen_subcommand_from dns tls headers help" -f -a "headers" -d 'The MDN HTTP Observatory\'s tests, score and grade for a site'
complete -c hctl -n "__fish_hctl_using_subcommand verify; and not __fish_seen_subcommand_from dns tls headers help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c hctl -n "__fish_hctl_using_subcommand verify; and __fish_seen_subcommand_from dns" -s t -l type -d 'Record type: A, AAAA, CNAME, TXT, CAA, MX' -r
complete -c hctl -n "__fish_hctl_using_subcommand verify; and __fish_seen_subcommand_from dns" -l expect -d 'A value that must be among the records (repeatable)' -r
complete -c hctl -n "__fish_hctl_using_subcommand verify; and __fish_seen_subcommand_from dns" -l nameserver -d 'Nameserver to ask, IP or IP:PORT (default: the system resolver)' -r
complete -c hctl -n "__fish_hctl_using_subcommand verify; and __fish_seen_subcommand_from dns" -l timeout -d 'Time limit per attempt' -r
complete -c hctl -n "__fish_hctl_using_subcommand verify; and __fish_seen_subcommand_from dns" -l retries -d 'Extra attempts after a failure' -r
complete -c hctl -n "__fish_hctl_using_subcommand verify; and __fish_seen_subcommand_from dns" -l env -d 'Target environment from the config file (default: `default_env`, else `local`)' -r
complete -c hctl -n "__fish_hctl_using_subcommand verify; and __fish_seen_subcommand_from dns" -l config -d 'Config file (default: ./hctl.yaml when present)' -r -F
complete -c hctl -n "__fish_hctl_using_subcommand verify; and __fish_seen_subcommand_from dns" -l set -d 'Override one setting for this run, e.g. --set url=http://127.0.0.1:8080' -r
complete -c hctl -n "__fish_hctl_using_subcommand verify; and __fish_seen_subcommand_from dns" -s o -l output -d 'Output format' -r -f -a "table\t'Human-readable table (default)'
json\t'One JSON document with stable field names'
junit\t'JUnit XML, for CI test reporters'
markdown\t'Markdown, for sign-off reports and pull requests'"
complete -c hctl -n "__fish_hctl_using_subcommand verify; and __fish_seen_subcommand_from dns" -l exact -d 'The records must be exactly the --expect values'
complete -c hctl -n "__fish_hctl_using_subcommand verify; and __fish_seen_subcommand_from dns" -s y -l yes -d 'Proceed with destructive or production-affecting actions without asking'
complete -c hctl -n "__fish_hctl_using_subcommand verify; and __fish_seen_subcommand_from dns" -l no-color -d 'Disable colours (also when NO_COLOR is set)'
complete -c hctl -n "__fish_hctl_using_subcommand verify; and __fish_seen_subcommand_from dns" -s q -l quiet -d 'Print only data and errors: no progress, no notes'
complete -c hctl -n "__fish_hctl_using_subcommand verify; and __fish_seen_subcommand_from dns" -s v -l verbose -d 'More diagnostics on stderr (-v debug, -vv trace)'
complete -c hctl -n "__fish_hctl_using_subcommand verify; and __fish_seen_subcommand_from dns" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c hctl -n "__fish_hctl_using_subcommand verify; and __fish_seen_subcommand_from dns" -s V -l version -d 'Print version'
complete -c hctl -n "__fish_hctl_using_subcommand verify; and __fish_seen_subcommand_from tls" -l servername -d 'Server name for SNI and verification (default: HOST)' -r
complete -c hctl -n "__fish_hctl_using_subcommand verify; and __fish_seen_subcommand_from tls" -l min-days -d 'Fail when the certificate expires in fewer days' -r
complete -c hctl -n "__fish_hctl_using_subcommand verify; and __fish_seen_subcommand_from tls" -l warn-days -d 'Warn when the certificate expires in fewer days' -r
complete -c hctl -n "__fish_hctl_using_subcommand verify; and __fish_seen_subcommand_from tls" -l ca-file -d 'Trust only the certificates in this PEM file (default: system roots)' -r -F
complete -c hctl -n "__fish_hctl_using_subcommand verify; and __fish_seen_subcommand_from tls" -l min-protocol -d 'Oldest protocol the server may still accept: 1.0, 1.1, 1.2 or 1.3 (SSL 3.0, TLS 1.0 and 1.1 are probed with hand-written hellos)' -r
complete -c hctl -n "__fish_hctl_using_subcommand verify; and __fish_seen_subcommand_from tls" -l timeout -d 'Time limit per attempt' -r
complete -c hctl -n "__fish_hctl_using_subcommand verify; and __fish_seen_subcommand_from tls" -l retries -d 'Extra attempts after a failure' -r
complete -c hctl -n "__fish_hctl_using_subcommand verify; and __fish_seen_subcommand_from tls" -l env -d 'Target environment from the config file (default: `default_env`, else `local`)' -r
complete -c hctl -n "__fish_hctl_using_subcommand verify; and __fish_seen_subcommand_from tls" -l config -d 'Config file (default: ./hctl.yaml when present)' -r -F
complete -c hctl -n "__fish_hctl_using_subcommand verify; and __fish_seen_subcommand_from tls" -l set -d 'Override one setting for this run, e.g. --set url=http://127.0.0.1:8080' -r
complete -c hctl -n "__fish_hctl_using_subcommand verify; and __fish_seen_subcommand_from tls" -s o -l output -d 'Output format' -r -f -a "table\t'Human-readable table (default)'
json\t'One JSON document with stable field names'
junit\t'JUnit XML, for CI test reporters'
markdown\t'Markdown, for sign-off reports and pull requests'"
complete -c hctl -n "__fish_hctl_using_subcommand verify; and __fish_seen_subcommand_from tls" -l tls13-only -d 'Same as --min-protocol 1.3: refuse servers that still accept 1.2'
complete -c hctl -n "__fish_hctl_using_subcommand verify; and __fish_seen_subcommand_from tls" -s y -l yes -d 'Proceed with destructive or production-affecting actions without asking'
complete -c hctl -n "__fish_hctl_using_subcommand verify; and __fish_seen_subcommand_from tls" -l no-color -d 'Disable colours (also when NO_COLOR is set)'
complete -c hctl -n "__fish_hctl_using_subcommand verify; and __fish_seen_subcommand_from tls" -s q -l quiet -d 'Print only data and errors: no progress, no notes'
complete -c hctl -n "__fish_hctl_using_subcommand verify; and __fish_seen_subcommand_from tls" -s v -l verbose -d 'More diagnostics on stderr (-v debug, -vv trace)'
complete -c hctl -n "__fish_hctl_using_subcommand verify; and __fish_seen_subcommand_from tls" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c hctl -n "__fish_hctl_using_subcommand verify; and __fish_seen_subcommand_from tls" -s V -l version -d 'Print version'
complete -c hctl -n "__fish_hctl_using_subcommand verify; and __fish_seen_subcommand_from headers" -l min-score -d 'Also fail when the Observatory\'s score is below this' -r
complete -c hctl -n "__fish_hctl_using_subcommand verify; and __fish_seen_subcommand_from headers" -l ca-file -d 'Trust only the certificates in this PEM file' -r -F
complete -c hctl -n "__fish_hctl_using_subcommand verify; and __fish_seen_subcommand_from headers" -l timeout -d 'Time limit per attempt' -r
complete -c hctl -n "__fish_hctl_using_subcommand verify; and __fish_seen_subcommand_from headers" -l retries -d 'Extra attempts after a failure' -r
complete -c hctl -n "__fish_hctl_using_subcommand verify; and __fish_seen_subcommand_from headers" -l env -d 'Target environment from the config file (default: `default_env`, else `local`)' -r
complete -c hctl -n "__fish_hctl_using_subcommand verify; and __fish_seen_subcommand_from headers" -l config -d 'Config file (default: ./hctl.yaml when present)' -r -F
complete -c hctl -n "__fish_hctl_using_subcommand verify; and __fish_seen_subcommand_from headers" -l set -d 'Override one setting for this run, e.g. --set url=http://127.0.0.1:8080' -r
complete -c hctl -n "__fish_hctl_using_subcommand verify; and __fish_seen_subcommand_from headers" -s o -l output -d 'Output format' -r -f -a "table\t'Human-readable table (default)'
json\t'One JSON document with stable field names'
junit\t'JUnit XML, for CI test reporters'
markdown\t'Markdown, for sign-off reports and pull requests'"
complete -c hctl -n "__fish_hctl_using_subcommand verify; and __fish_seen_subcommand_from headers" -s y -l yes -d 'Proceed with destructive or production-affecting actions without asking'
complete -c hctl -n "__fish_hctl_using_subcommand verify; and __fish_seen_subcommand_from headers" -l no-color -d 'Disable colours (also when NO_COLOR is set)'
complete -c hctl -n "__fish_hctl_using_subcommand verify; and __fish_seen_subcommand_from headers" -s q -l quiet -d 'Print only data and errors: no progress, no notes'
complete -c hctl -n "__fish_hctl_using_subcommand verify; and __fish_seen_subcommand_from headers" -s v -l verbose -d 'More diagnostics on stderr (-v debug, -vv trace)'
complete -c hctl -n "__fish_hctl_using_subcommand verify; and __fish_seen_subcommand_from headers" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c hctl -n "__fish_hctl_using_subcommand verify; and __fish_seen_subcommand_from headers" -s V -l version -d 'Print version'
complete -c hctl -n "__fish_hctl_using_subcommand verify; and __fish_seen_subcommand_from help" -f -a "dns" -d 'Look up DNS records and compare them with expected values'
complete -c hctl -n "__fish_hctl_using_subcommand verify; and __fish_seen_subcommand_from help" -f -a "tls" -d 'Handshake, chain, hostname, expiry and protocol of a TLS endpoint'
complete -c hctl -n "__fish_hctl_using_subcommand verify; and __fish_seen_subcommand_from help" -f -a "headers" -d 'The MDN HTTP Observatory\'s tests, score and grade for a site'
complete -c hctl -n "__fish_hctl_using_subcommand verify; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c hctl -n "__fish_hctl_using_subcommand db; and not __fish_seen_subcommand_from migrate status backup backups restore verify prune health help" -l env -d 'Target environment from the config file (default: `default_env`, else `local`)' -r
complete -c hctl -n "__fish_hctl_using_subcommand db; and not __fish_seen_subcommand_from migrate status backup backups restore verify prune health help" -l config -d 'Config file (default: ./hctl.yaml when present)' -r -F
complete -c hctl -n "__fish_hctl_using_subcommand db; and not __fish_seen_subcommand_from migrate status backup backups restore verify prune health help" -l set -d 'Override one setting for this run, e.g. --set url=http://127.0.0.1:8080' -r
complete -c hctl -n "__fish_hctl_using_subcommand db; and not __fish_seen_subcommand_from migrate status backup backups restore verify prune health help" -s o -l output -d 'Output format' -r -f -a "table\t'Human-readable table (default)'
json\t'One JSON document with stable field names'
junit\t'JUnit XML, for CI test reporters'
markdown\t'Markdown, for sign-off reports and pull requests'"
complete -c hctl -n "__fish_hctl_using_subcommand db; and not __fish_seen_subcommand_from migrate status backup backups restore verify prune health help" -s y -l yes -d 'Proceed with destructive or production-affecting actions without asking'
complete -c hctl -n "__fish_hctl_using_subcommand db; and not __fish_seen_subcommand_from migrate status backup backups restore verify prune health help" -l no-color -d 'Disable colours (also when NO_COLOR is set)'
complete -c hctl -n "__fish_hctl_using_subcommand db; and not __fish_seen_subcommand_from migrate status backup backups restore verify prune health help" -s q -l quiet -d 'Print only data and errors: no progress, no notes'
complete -c hctl -n "__fish_hctl_using_subcommand db; and not __fish_seen_subcommand_from migrate status backup backups restore verify prune health help" -s v -l verbose -d 'More diagnostics on stderr (-v debug, -vv trace)'
complete -c hctl -n "__fish_hctl_using_subcommand db; and not __fish_seen_subcommand_from migrate status backup backups restore verify prune health help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c hctl -n "__fish_hctl_using_subcommand db; and not __fish_seen_subcommand_from migrate status backup backups restore verify prune health help" -s V -l version -d 'Print version'
complete -c hctl -n "__fish_hctl_using_subcommand db; and not __fish_seen_subcommand_from migrate status backup backups restore verify prune health help" -f -a "migrate" -d 'Apply the embedded migrations (one transaction each, under an advisory lock on PostgreSQL so concurrent migrators apply each one once)'
complete -c hctl -n "__fish_hctl_using_subcommand db; and not __fish_seen_subcommand_from migrate status backup backups restore verify prune health help" -f -a "status" -d 'Show every migration\'s state: applied, pending, missing or changed'
complete -c hctl -n "__fish_hctl_using_subcommand db; and not __fish_seen_subcommand_from migrate status backup backups restore verify prune health help" -f -a "backup" -d 'Back up the environment\'s database into its backup storage (`storage` setting); the manifest is written last, so a failed backup never counts'
complete -c hctl -n "__fish_hctl_using_subcommand db; and not __fish_seen_subcommand_from migrate status backup backups restore verify prune health help" -f -a "backups" -d 'List the backups in the environment\'s storage, newest first'
complete -c hctl -n "__fish_hctl_using_subcommand db; and not __fish_seen_subcommand_from migrate status backup backups restore verify prune health help" -f -a "restore" -d 'Restore a backup over the environment\'s database (or into --into URL), after checking its SHA-256 and taking a safety backup of the target; refuses while others use the target; asks first unless --yes'
complete -c hctl -n "__fish_hctl_using_subcommand db; and not __fish_seen_subcommand_from migrate status backup backups restore verify prune health help" -f -a "verify" -d 'Check a backup: object present, size and SHA-256 match, archive readable; --deep also restores it into a scratch database and compares every table'
complete -c hctl -n "__fish_hctl_using_subcommand db; and not __fish_seen_subcommand_from migrate status backup backups restore verify prune health help" -f -a "prune" -d 'Delete old backups, keeping the newest --keep N that are not known-bad (and those younger than --keep-days); --dry-run shows what goes and why; asks first unless --yes'
complete -c hctl -n "__fish_hctl_using_subcommand db; and not __fish_seen_subcommand_from migrate status backup backups restore verify prune health help" -f -a "health" -d 'Check the database: reachable, version, schema, connections, replication, latest backup age; exit 1 when unhealthy'
complete -c hctl -n "__fish_hctl_using_subcommand db; and not __fish_seen_subcommand_from migrate status backup backups restore verify prune health help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c hctl -n "__fish_hctl_using_subcommand db; and __fish_seen_subcommand_from migrate" -l lock-timeout -d 'How long to wait for another migrator\'s lock (PostgreSQL), in seconds' -r
complete -c hctl -n "__fish_hctl_using_subcommand db; and __fish_seen_subcommand_from migrate" -l env -d 'Target environment from the config file (default: `default_env`, else `local`)' -r
complete -c hctl -n "__fish_hctl_using_subcommand db; and __fish_seen_subcommand_from migrate" -l config -d 'Config file (default: ./hctl.yaml when present)' -r -F
complete -c hctl -n "__fish_hctl_using_subcommand db; and __fish_seen_subcommand_from migrate" -l set -d 'Override one setting for this run, e.g. --set url=http://127.0.0.1:8080' -r
complete -c hctl -n "__fish_hctl_using_subcommand db; and __fish_seen_subcommand_from migrate" -s o -l output -d 'Output format' -r -f -a "table\t'Human-readable table (default)'
json\t'One JSON document with stable field names'
junit\t'JUnit XML, for CI test reporters'
markdown\t'Markdown, for sign-off reports and pull requests'"
complete -c hctl -n "__fish_hctl_using_subcommand db; and __fish_seen_subcommand_from migrate" -l dry-run -d 'Show what would be applied, change nothing'
complete -c hctl -n "__fish_hctl_using_subcommand db; and __fish_seen_subcommand_from migrate" -l lint -d 'Only check the pending migrations for destructive or locking statements and apply nothing: exit 0 when clean, 1 with findings'
complete -c hctl -n "__fish_hctl_using_subcommand db; and __fish_seen_subcommand_from migrate" -s y -l yes -d 'Proceed with destructive or production-affecting actions without asking'
complete -c hctl -n "__fish_hctl_using_subcommand db; and __fish_seen_subcommand_from migrate" -l no-color -d 'Disable colours (also when NO_COLOR is set)'
complete -c hctl -n "__fish_hctl_using_subcommand db; and __fish_seen_subcommand_from migrate" -s q -l quiet -d 'Print only data and errors: no progress, no notes'
complete -c hctl -n "__fish_hctl_using_subcommand db; and __fish_seen_subcommand_from migrate" -s v -l verbose -d 'More diagnostics on stderr (-v debug, -vv trace)'
complete -c hctl -n "__fish_hctl_using_subcommand db; and __fish_seen_subcommand_from migrate" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c hctl -n "__fish_hctl_using_subcommand db; and __fish_seen_subcommand_from migrate" -s V -l version -d 'Print version'
complete -c hctl -n "__fish_hctl_using_subcommand db; and __fish_seen_subcommand_from status" -l env -d 'Target environment from the config file (default: `default_env`, else `local`)' -r
complete -c hctl -n "__fish_hctl_using_subcommand db; and __fish_seen_subcommand_from status" -l config -d 'Config file (default: ./hctl.yaml when present)' -r -F
complete -c hctl -n "__fish_hctl_using_subcommand db; and __fish_seen_subcommand_from status" -l set -d 'Override one setting for this run, e.g. --set url=http://127.0.0.1:8080' -r
complete -c hctl -n "__fish_hctl_using_subcommand db; and __fish_seen_subcommand_from status" -s o -l output -d 'Output format' -r -f -a "table\t'Human-readable table (default)'
json\t'One JSON document with stable field names'
junit\t'JUnit XML, for CI test reporters'
markdown\t'Markdown, for sign-off reports and pull requests'"
complete -c hctl -n "__fish_hctl_using_subcommand db; and __fish_seen_subcommand_from status" -s y -l yes -d 'Proceed with destructive or production-affecting actions without asking'
complete -c hctl -n "__fish_hctl_using_subcommand db; and __fish_seen_subcommand_from status" -l no-color -d 'Disable colours (also when NO_COLOR is set)'
complete -c hctl -n "__fish_hctl_using_subcommand db; and __fish_seen_subcommand_from status" -s q -l quiet -d 'Print only data and errors: no progress, no notes'
complete -c hctl -n "__fish_hctl_using_subcommand db; and __fish_seen_subcommand_from status" -s v -l verbose -d 'More diagnostics on stderr (-v debug, -vv trace)'
complete -c hctl -n "__fish_hctl_using_subcommand db; and __fish_seen_subcommand_from status" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c hctl -n "__fish_hctl_using_subcommand db; and __fish_seen_subcommand_from status" -s V -l version -d 'Print version'
complete -c hctl -n "__fish_hctl_using_subcommand db; and __fish_seen_subcommand_from backup" -l note -d 'A note stored in the manifest (e.g. "before v2.3 migration")' -r
complete -c hctl -n "__fish_hctl_using_subcommand db; and __fish_seen_subcommand_from backup" -l env -d 'Target environment from the config file (default: `default_env`, else `local`)' -r
complete -c hctl -n "__fish_hctl_using_subcommand db; and __fish_seen_subcommand_from backup" -l config -d 'Config file (default: ./hctl.yaml when present)' -r -F
complete -c hctl -n "__fish_hctl_using_subcommand db; and __fish_seen_subcommand_from backup" -l set -d 'Override one setting for this run, e.g. --set url=http://127.0.0.1:8080' -r
complete -c hctl -n "__fish_hctl_using_subcommand db; and __fish_seen_subcommand_from backup" -s o -l output -d 'Output format' -r -f -a "table\t'Human-readable table (default)'
json\t'One JSON document with stable field names'
junit\t'JUnit XML, for CI test reporters'
markdown\t'Markdown, for sign-off reports and pull requests'"
complete -c hctl -n "__fish_hctl_using_subcommand db; and __fish_seen_subcommand_from backup" -s y -l yes -d 'Proceed with destructive or production-affecting actions without asking'
complete -c hctl -n "__fish_hctl_using_subcommand db; and __fish_seen_subcommand_from backup" -l no-color -d 'Disable colours (also when NO_COLOR is set)'
complete -c hctl -n "__fish_hctl_using_subcommand db; and __fish_seen_subcommand_from backup" -s q -l quiet -d 'Print only data and errors: no progress, no notes'
complete -c hctl -n "__fish_hctl_using_subcommand db; and __fish_seen_subcommand_from backup" -s v -l verbose -d 'More diagnostics on stderr (-v debug, -vv trace)'
complete -c hctl -n "__fish_hctl_using_subcommand db; and __fish_seen_subcommand_from backup" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c hctl -n "__fish_hctl_using_subcommand db; and __fish_seen_subcommand_from backup" -s V -l version -d 'Print version'
complete -c hctl -n "__fish_hctl_using_subcommand db; and __fish_seen_subcommand_from backups" -l env -d 'Target environment from the config file (default: `default_env`, else `local`)' -r
complete -c hctl -n "__fish_hctl_using_subcommand db; and __fish_seen_subcommand_from backups" -l config -d 'Config file (default: ./hctl.yaml when present)' -r -F
complete -c hctl -n "__fish_hctl_using_subcommand db; and __fish_seen_subcommand_from backups" -l set -d 'Override one setting for this run, e.g. --set url=http://127.0.0.1:8080' -r
complete -c hctl -n "__fish_hctl_using_subcommand db; and __fish_seen_subcommand_from backups" -s o -l output -d 'Output format' -r -f -a "table\t'Human-readable table (default)'
json\t'One JSON document with stable field names'
junit\t'JUnit XML, for CI test reporters'
markdown\t'Markdown, for sign-off reports and pull requests'"
complete -c hctl -n "__fish_hctl_using_subcommand db; and __fish_seen_subcommand_from backups" -s y -l yes -d 'Proceed with destructive or production-affecting actions without asking'
complete -c hctl -n "__fish_hctl_using_subcommand db; and __fish_seen_subcommand_from backups" -l no-color -d 'Disable colours (also when NO_COLOR is set)'
complete -c hctl -n "__fish_hctl_using_subcommand db; and __fish_seen_subcommand_from backups" -s q -l quiet -d 'Print only data and errors: no progress, no notes'
complete -c hctl -n "__fish_hctl_using_subcommand db; and __fish_seen_subcommand_from backups" -s v -l verbose -d 'More diagnostics on stderr (-v debug, -vv trace)'
complete -c hctl -n "__fish_hctl_using_subcommand db; and __fish_seen_subcommand_from backups" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c hctl -n "__fish_hctl_using_subcommand db; and __fish_seen_subcommand_from backups" -s V -l version -d 'Print version'
complete -c hctl -n "__fish_hctl_using_subcommand db; and __fish_seen_subcommand_from restore" -l backup-id -d 'Backup to restore: `latest` (the newest regular backup whose last verification did not fail) or an id from `hctl db backups`' -r
complete -c hctl -n "__fish_hctl_using_subcommand db; and __fish_seen_subcommand_from restore" -l into -d 'Restore into this database URL instead (created when it does not exist)' -r
complete -c hctl -n "__fish_hctl_using_subcommand db; and __fish_seen_subcommand_from restore" -l env -d 'Target environment from the config file (default: `default_env`, else `local`)' -r
complete -c hctl -n "__fish_hctl_using_subcommand db; and __fish_seen_subcommand_from restore" -l config -d 'Config file (default: ./hctl.yaml when present)' -r -F
complete -c hctl -n "__fish_hctl_using_subcommand db; and __fish_seen_subcommand_from restore" -l set -d 'Override one setting for this run, e.g. --set url=http://127.0.0.1:8080' -r
complete -c hctl -n "__fish_hctl_using_subcommand db; and __fish_seen_subcommand_from restore" -s o -l output -d 'Output format' -r -f -a "table\t'Human-readable table (default)'
json\t'One JSON document with stable field names'
junit\t'JUnit XML, for CI test reporters'
markdown\t'Markdown, for sign-off reports and pull requests'"
complete -c hctl -n "__fish_hctl_using_subcommand db; and __fish_seen_subcommand_from restore" -l force -d 'Restore even when the target\'s schema version is newer than the backup\'s, or while other sessions or processes are using the target'
complete -c hctl -n "__fish_hctl_using_subcommand db; and __fish_seen_subcommand_from restore" -l no-safety-backup -d 'Do not back the target up first (then the restore cannot be undone)'
complete -c hctl -n "__fish_hctl_using_subcommand db; and __fish_seen_subcommand_from restore" -s y -l yes -d 'Proceed with destructive or production-affecting actions without asking'
complete -c hctl -n "__fish_hctl_using_subcommand db; and __fish_seen_subcommand_from restore" -l no-color -d 'Disable colours (also when NO_COLOR is set)'
complete -c hctl -n "__fish_hctl_using_subcommand db; and __fish_seen_subcommand_from restore" -s q -l quiet -d 'Print only data and errors: no progress, no notes'
complete -c hctl -n "__fish_hctl_using_subcommand db; and __fish_seen_subcommand_from restore" -s v -l verbose -d 'More diagnostics on stderr (-v debug, -vv trace)'
complete -c hctl -n "__fish_hctl_using_subcommand db; and __fish_seen_subcommand_from restore" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c hctl -n "__fish_hctl_using_subcommand db; and __fish_seen_subcommand_from restore" -s V -l version -d 'Print version'
complete -c hctl -n "__fish_hctl_using_subcommand db; and __fish_seen_subcommand_from verify" -l backup-id -d 'Backup to check: `latest` (the newest regular backup whose last verification did not fail) or an id; without it, compare the live database with the backup it was restored from' -r
complete -c hctl -n "__fish_hctl_using_subcommand db; and __fish_seen_subcommand_from verify" -l env -d 'Target environment from the config file (default: `default_env`, else `local`)' -r
complete -c hctl -n "__fish_hctl_using_subcommand db; and __fish_seen_subcommand_from verify" -l config -d 'Config file (default: ./hctl.yaml when present)' -r -F
complete -c hctl -n "__fish_hctl_using_subcommand db; and __fish_seen_subcommand_from verify" -l set -d 'Override one setting for this run, e.g. --set url=http://127.0.0.1:8080' -r
complete -c hctl -n "__fish_hctl_using_subcommand db; and __fish_seen_subcommand_from verify" -s o -l output -d 'Output format' -r -f -a "table\t'Human-readable table (default)'
json\t'One JSON document with stable field names'
junit\t'JUnit XML, for CI test reporters'
markdown\t'Markdown, for sign-off reports and pull requests'"
complete -c hctl -n "__fish_hctl_using_subcommand db; and __fish_seen_subcommand_from verify" -l deep -d 'Also restore into a scratch database, compare row counts and checksums table by table, and record the restore time (the real RTO)'
complete -c hctl -n "__fish_hctl_using_subcommand db; and __fish_seen_subcommand_from verify" -s y -l yes -d 'Proceed with destructive or production-affecting actions without asking'
complete -c hctl -n "__fish_hctl_using_subcommand db; and __fish_seen_subcommand_from verify" -l no-color -d 'Disable colours (also when NO_COLOR is set)'
complete -c hctl -n "__fish_hctl_using_subcommand db; and __fish_seen_subcommand_from verify" -s q -l quiet -d 'Print only data and errors: no progress, no notes'
complete -c hctl -n "__fish_hctl_using_subcommand db; and __fish_seen_subcommand_from verify" -s v -l verbose -d 'More diagnostics on stderr (-v debug, -vv trace)'
complete -c hctl -n "__fish_hctl_using_subcommand db; and __fish_seen_subcommand_from verify" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c hctl -n "__fish_hctl_using_subcommand db; and __fish_seen_subcommand_from verify" -s V -l version -d 'Print version'
complete -c hctl -n "__fish_hctl_using_subcommand db; and __fish_seen_subcommand_from prune" -l keep -d 'Keep this many newest backups that are not known-bad (at least 1); backups whose last verification failed never count' -r
complete -c hctl -n "__fish_hctl_using_subcommand db; and __fish_seen_subcommand_from prune" -l keep-days -d 'Also keep every backup younger than this many days (known-bad ones excepted)' -r
complete -c hctl -n "__fish_hctl_using_subcommand db; and __fish_seen_subcommand_from prune" -l keep-safety-days -d 'Keep safety backups (taken by `hctl db restore`) younger than this many days' -r
complete -c hctl -n "__fish_hctl_using_subcommand db; and __fish_seen_subcommand_from prune" -l env -d 'Target environment from the config file (default: `default_env`, else `local`)' -r
complete -c hctl -n "__fish_hctl_using_subcommand db; and __fish_seen_subcommand_from prune" -l config -d 'Config file (default: ./hctl.yaml when present)' -r -F
complete -c hctl -n "__fish_hctl_using_subcommand db; and __fish_seen_subcommand_from prune" -l set -d 'Override one setting for this run, e.g. --set url=http://127.0.0.1:8080' -r
complete -c hctl -n "__fish_hctl_using_subcommand db; and __fish_seen_subcommand_from prune" -s o -l output -d 'Output format' -r -f -a "table\t'Human-readable table (default)'
json\t'One JSON document with stable field names'
junit\t'JUnit XML, for CI test reporters'
markdown\t'Markdown, for sign-off reports and pull requests'"
complete -c hctl -n "__fish_hctl_using_subcommand db; and __fish_seen_subcommand_from prune" -l dry-run -d 'Show what would be deleted, what stays and why; delete nothing'
complete -c hctl -n "__fish_hctl_using_subcommand db; and __fish_seen_subcommand_from prune" -s y -l yes -d 'Proceed with destructive or production-affecting actions without asking'
complete -c hctl -n "__fish_hctl_using_subcommand db; and __fish_seen_subcommand_from prune" -l no-color -d 'Disable colours (also when NO_COLOR is set)'
complete -c hctl -n "__fish_hctl_using_subcommand db; and __fish_seen_subcommand_from prune" -s q -l quiet -d 'Print only data and errors: no progress, no notes'
complete -c hctl -n "__fish_hctl_using_subcommand db; and __fish_seen_subcommand_from prune" -s v -l verbose -d 'More diagnostics on stderr (-v debug, -vv trace)'
complete -c hctl -n "__fish_hctl_using_subcommand db; and __fish_seen_subcommand_from prune" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c hctl -n "__fish_hctl_using_subcommand db; and __fish_seen_subcommand_from prune" -s V -l version -d 'Print version'
complete -c hctl -n "__fish_hctl_using_subcommand db; and __fish_seen_subcommand_from health" -l min-version -d 'Lowest PostgreSQL major version that passes (older gives a warning)' -r
complete -c hctl -n "__fish_hctl_using_subcommand db; and __fish_seen_subcommand_from health" -l max-backup-age -d 'The latest backup must be younger than this many hours' -r
complete -c hctl -n "__fish_hctl_using_subcommand db; and __fish_seen_subcommand_from health" -l env -d 'Target environment from the config file (default: `default_env`, else `local`)' -r
complete -c hctl -n "__fish_hctl_using_subcommand db; and __fish_seen_subcommand_from health" -l config -d 'Config file (default: ./hctl.yaml when present)' -r -F
complete -c hctl -n "__fish_hctl_using_subcommand db; and __fish_seen_subcommand_from health" -l set -d 'Override one setting for this run, e.g. --set url=http://127.0.0.1:8080' -r
complete -c hctl -n "__fish_hctl_using_subcommand db; and __fish_seen_subcommand_from health" -s o -l output -d 'Output format' -r -f -a "table\t'Human-readable table (default)'
json\t'One JSON document with stable field names'
junit\t'JUnit XML, for CI test reporters'
markdown\t'Markdown, for sign-off reports and pull requests'"
complete -c hctl -n "__fish_hctl_using_subcommand db; and __fish_seen_subcommand_from health" -s y -l yes -d 'Proceed with destructive or production-affecting actions without asking'
complete -c hctl -n "__fish_hctl_using_subcommand db; and __fish_seen_subcommand_from health" -l no-color -d 'Disable colours (also when NO_COLOR is set)'
complete -c hctl -n "__fish_hctl_using_subcommand db; and __fish_seen_subcommand_from health" -s q -l quiet -d 'Print only data and errors: no progress, no notes'
complete -c hctl -n "__fish_hctl_using_subcommand db; and __fish_seen_subcommand_from health" -s v -l verbose -d 'More diagnostics on stderr (-v debug, -vv trace)'
complete -c hctl -n "__fish_hctl_using_subcommand db; and __fish_seen_subcommand_from health" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c hctl -n "__fish_hctl_using_subcommand db; and __fish_seen_subcommand_from health" -s V -l version -d 'Print version'
complete -c hctl -n "__fish_hctl_using_subcommand db; and __fish_seen_subcommand_from help" -f -a "migrate" -d 'Apply the embedded migrations (one transaction each, under an advisory lock on PostgreSQL so concurrent migrators apply each one once)'
complete -c hctl -n "__fish_hctl_using_subcommand db; and __fish_seen_subcommand_from help" -f -a "status" -d 'Show every migration\'s state: applied, pending, missing or changed'
complete -c hctl -n "__fish_hctl_using_subcommand db; and __fish_seen_subcommand_from help" -f -a "backup" -d 'Back up the environment\'s database into its backup storage (`storage` setting); the manifest is written last, so a failed backup never counts'
complete -c hctl -n "__fish_hctl_using_subcommand db; and __fish_seen_subcommand_from help" -f -a "backups" -d 'List the backups in the environment\'s storage, newest first'
complete -c hctl -n "__fish_hctl_using_subcommand db; and __fish_seen_subcommand_from help" -f -a "restore" -d 'Restore a backup over the environment\'s database (or into --into URL), after checking its SHA-256 and taking a safety backup of the target; refuses while others use the target; asks first unless --yes'
complete -c hctl -n "__fish_hctl_using_subcommand db; and __fish_seen_subcommand_from help" -f -a "verify" -d 'Check a backup: object present, size and SHA-256 match, archive readable; --deep also restores it into a scratch database and compares every table'
complete -c hctl -n "__fish_hctl_using_subcommand db; and __fish_seen_subcommand_from help" -f -a "prune" -d 'Delete old backups, keeping the newest --keep N that are not known-bad (and those younger than --keep-days); --dry-run shows what goes and why; asks first unless --yes'
complete -c hctl -n "__fish_hctl_using_subcommand db; and __fish_seen_subcommand_from help" -f -a "health" -d 'Check the database: reachable, version, schema, connections, replication, latest backup age; exit 1 when unhealthy'
complete -c hctl -n "__fish_hctl_using_subcommand db; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c hctl -n "__fish_hctl_using_subcommand completions" -l env -d 'Target environment from the config file (default: `default_env`, else `local`)' -r
complete -c hctl -n "__fish_hctl_using_subcommand completions" -l config -d 'Config file (default: ./hctl.yaml when present)' -r -F
complete -c hctl -n "__fish_hctl_using_subcommand completions" -l set -d 'Override one setting for this run, e.g. --set url=http://127.0.0.1:8080' -r
complete -c hctl -n "__fish_hctl_using_subcommand completions" -s o -l output -d 'Output format' -r -f -a "table\t'Human-readable table (default)'
json\t'One JSON document with stable field names'
junit\t'JUnit XML, for CI test reporters'
markdown\t'Markdown, for sign-off reports and pull requests'"
complete -c hctl -n "__fish_hctl_using_subcommand completions" -s y -l yes -d 'Proceed with destructive or production-affecting actions without asking'
complete -c hctl -n "__fish_hctl_using_subcommand completions" -l no-color -d 'Disable colours (also when NO_COLOR is set)'
complete -c hctl -n "__fish_hctl_using_subcommand completions" -s q -l quiet -d 'Print only data and errors: no progress, no notes'
complete -c hctl -n "__fish_hctl_using_subcommand completions" -s v -l verbose -d 'More diagnostics on stderr (-v debug, -vv trace)'
complete -c hctl -n "__fish_hctl_using_subcommand completions" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c hctl -n "__fish_hctl_using_subcommand completions" -s V -l version -d 'Print version'
complete -c hctl -n "__fish_hctl_using_subcommand man" -l out -d 'Directory to write the pages to (created if missing); without it, print hctl.1' -r -F
complete -c hctl -n "__fish_hctl_using_subcommand man" -l env -d 'Target environment from the config file (default: `default_env`, else `local`)' -r
complete -c hctl -n "__fish_hctl_using_subcommand man" -l config -d 'Config file (default: ./hctl.yaml when present)' -r -F
complete -c hctl -n "__fish_hctl_using_subcommand man" -l set -d 'Override one setting for this run, e.g. --set url=http://127.0.0.1:8080' -r
complete -c hctl -n "__fish_hctl_using_subcommand man" -s o -l output -d 'Output format' -r -f -a "table\t'Human-readable table (default)'
json\t'One JSON document with stable field names'
junit\t'JUnit XML, for CI test reporters'
markdown\t'Markdown, for sign-off reports and pull requests'"
complete -c hctl -n "__fish_hctl_using_subcommand man" -s y -l yes -d 'Proceed with destructive or production-affecting actions without asking'
complete -c hctl -n "__fish_hctl_using_subcommand man" -l no-color -d 'Disable colours (also when NO_COLOR is set)'
complete -c hctl -n "__fish_hctl_using_subcommand man" -s q -l quiet -d 'Print only data and errors: no progress, no notes'
complete -c hctl -n "__fish_hctl_using_subcommand man" -s v -l verbose -d 'More diagnostics on stderr (-v debug, -vv trace)'
complete -c hctl -n "__fish_hctl_using_subcommand man" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c hctl -n "__fish_hctl_using_subcommand man" -s V -l version -d 'Print version'
complete -c hctl -n "__fish_hctl_using_subcommand rollout; and not __fish_seen_subcommand_from apply status history restart help" -l env -d 'Target environment from the config file (default: `default_env`, else `local`)' -r
complete -c hctl -n "__fish_hctl_using_subcommand rollout; and not __fish_seen_subcommand_from apply status history restart help" -l config -d 'Config file (default: ./hctl.yaml when present)' -r -F
complete -c hctl -n "__fish_hctl_using_subcommand rollout; and not __fish_seen_subcommand_from apply status history restart help" -l set -d 'Override one setting for this run, e.g. --set url=http://127.0.0.1:8080' -r
complete -c hctl -n "__fish_hctl_using_subcommand rollout; and not __fish_seen_subcommand_from apply status history restart help" -s o -l output -d 'Output format' -r -f -a "table\t'Human-readable table (default)'
json\t'One JSON document with stable field names'
junit\t'JUnit XML, for CI test reporters'
markdown\t'Markdown, for sign-off reports and pull requests'"
complete -c hctl -n "__fish_hctl_using_subcommand rollout; and not __fish_seen_subcommand_from apply status history restart help" -s y -l yes -d 'Proceed with destructive or production-affecting actions without asking'
complete -c hctl -n "__fish_hctl_using_subcommand rollout; and not __fish_seen_subcommand_from apply status history restart help" -l no-color -d 'Disable colours (also when NO_COLOR is set)'
complete -c hctl -n "__fish_hctl_using_subcommand rollout; and not __fish_seen_subcommand_from apply status history restart help" -s q -l quiet -d 'Print only data and errors: no progress, no notes'
complete -c hctl -n "__fish_hctl_using_subcommand rollout; and not __fish_seen_subcommand_from apply status history restart help" -s v -l verbose -d 'More diagnostics on stderr (-v debug, -vv trace)'
complete -c hctl -n "__fish_hctl_using_subcommand rollout; and not __fish_seen_subcommand_from apply status history restart help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c hctl -n "__fish_hctl_using_subcommand rollout; and not __fish_seen_subcommand_from apply status history restart help" -s V -l version -d 'Print version'
complete -c hctl -n "__fish_hctl_using_subcommand rollout; and not __fish_seen_subcommand_from apply status history restart help" -f -a "apply" -d 'Server-side apply every manifest of the directory (field manager `hctl`), recording the change-cause and the schema version the release expects'
complete -c hctl -n "__fish_hctl_using_subcommand rollout; and not __fish_seen_subcommand_from apply status history restart help" -f -a "status" -d 'Say whether the Deployment\'s rollout is complete or still in progress (exit 0) or failed (exit 1); --wait waits for the outcome'
complete -c hctl -n "__fish_hctl_using_subcommand rollout; and not __fish_seen_subcommand_from apply status history restart help" -f -a "history" -d 'List the Deployment\'s revisions: change-cause, image, creation time and schema version'
complete -c hctl -n "__fish_hctl_using_subcommand rollout; and not __fish_seen_subcommand_from apply status history restart help" -f -a "restart" -d 'Restart every pod of the Deployment with a rolling update'
complete -c hctl -n "__fish_hctl_using_subcommand rollout; and not __fish_seen_subcommand_from apply status history restart help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c hctl -n "__fish_hctl_using_subcommand rollout; and __fish_seen_subcommand_from apply" -s f -l filename -d 'Directory of manifests to apply (default: the `kube.manifests` setting)' -r -F
complete -c hctl -n "__fish_hctl_using_subcommand rollout; and __fish_seen_subcommand_from apply" -l image -d 'Image for the app container of the Deployment (e.g. ghcr.io/org/api:1.4.2)' -r
complete -c hctl -n "__fish_hctl_using_subcommand rollout; and __fish_seen_subcommand_from apply" -l change-cause -d 'Text for the `kubernetes.io/change-cause` annotation (default: describes the apply)' -r
complete -c hctl -n "__fish_hctl_using_subcommand rollout; and __fish_seen_subcommand_from apply" -l schema-version -d 'Database schema version this release expects (default: the latest migration hctl knows)' -r
complete -c hctl -n "__fish_hctl_using_subcommand rollout; and __fish_seen_subcommand_from apply" -l timeout -d 'Give up waiting after this long (e.g. 90s, 5m); exit 3 saying what is pending' -r
complete -c hctl -n "__fish_hctl_using_subcommand rollout; and __fish_seen_subcommand_from apply" -l env -d 'Target environment from the config file (default: `default_env`, else `local`)' -r
complete -c hctl -n "__fish_hctl_using_subcommand rollout; and __fish_seen_subcommand_from apply" -l config -d 'Config file (default: ./hctl.yaml when present)' -r -F
complete -c hctl -n "__fish_hctl_using_subcommand rollout; and __fish_seen_subcommand_from apply" -l set -d 'Override one setting for this run, e.g. --set url=http://127.0.0.1:8080' -r
complete -c hctl -n "__fish_hctl_using_subcommand rollout; and __fish_seen_subcommand_from apply" -s o -l output -d 'Output format' -r -f -a "table\t'Human-readable table (default)'
json\t'One JSON document with stable field names'
junit\t'JUnit XML, for CI test reporters'
markdown\t'Markdown, for sign-off reports and pull requests'"
complete -c hctl -n "__fish_hctl_using_subcommand rollout; and __fish_seen_subcommand_from apply" -l dry-run -d 'Ask the API server what would change without changing anything'
complete -c hctl -n "__fish_hctl_using_subcommand rollout; and __fish_seen_subcommand_from apply" -l wait -d 'Wait (watching the Deployment and its pods) until the rollout completes or fails'
complete -c hctl -n "__fish_hctl_using_subcommand rollout; and __fish_seen_subcommand_from apply" -l no-health-check -d 'After a successful rollout, do not probe `{url}/api/healthz`'
complete -c hctl -n "__fish_hctl_using_subcommand rollout; and __fish_seen_subcommand_from apply" -s y -l yes -d 'Proceed with destructive or production-affecting actions without asking'
complete -c hctl -n "__fish_hctl_using_subcommand rollout; and __fish_seen_subcommand_from apply" -l no-color -d 'Disable colours (also when NO_COLOR is set)'
complete -c hctl -n "__fish_hctl_using_subcommand rollout; and __fish_seen_subcommand_from apply" -s q -l quiet -d 'Print only data and errors: no progress, no notes'
complete -c hctl -n "__fish_hctl_using_subcommand rollout; and __fish_seen_subcommand_from apply" -s v -l verbose -d 'More diagnostics on stderr (-v debug, -vv trace)'
complete -c hctl -n "__fish_hctl_using_subcommand rollout; and __fish_seen_subcommand_from apply" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c hctl -n "__fish_hctl_using_subcommand rollout; and __fish_seen_subcommand_from apply" -s V -l version -d 'Print version'
complete -c hctl -n "__fish_hctl_using_subcommand rollout; and __fish_seen_subcommand_from status" -l timeout -d 'Give up waiting after this long (e.g. 90s, 5m); exit 3 saying what is pending' -r
complete -c hctl -n "__fish_hctl_using_subcommand rollout; and __fish_seen_subcommand_from status" -l env -d 'Target environment from the config file (default: `default_env`, else `local`)' -r
complete -c hctl -n "__fish_hctl_using_subcommand rollout; and __fish_seen_subcommand_from status" -l config -d 'Config file (default: ./hctl.yaml when present)' -r -F
complete -c hctl -n "__fish_hctl_using_subcommand rollout; and __fish_seen_subcommand_from status" -l set -d 'Override one setting for this run, e.g. --set url=http://127.0.0.1:8080' -r
complete -c hctl -n "__fish_hctl_using_subcommand rollout; and __fish_seen_subcommand_from status" -s o -l output -d 'Output format' -r -f -a "table\t'Human-readable table (default)'
json\t'One JSON document with stable field names'
junit\t'JUnit XML, for CI test reporters'
markdown\t'Markdown, for sign-off reports and pull requests'"
complete -c hctl -n "__fish_hctl_using_subcommand rollout; and __fish_seen_subcommand_from status" -l wait -d 'Wait (watching the Deployment and its pods) until the rollout completes or fails'
complete -c hctl -n "__fish_hctl_using_subcommand rollout; and __fish_seen_subcommand_from status" -l no-health-check -d 'After a successful rollout, do not probe `{url}/api/healthz`'
complete -c hctl -n "__fish_hctl_using_subcommand rollout; and __fish_seen_subcommand_from status" -s y -l yes -d 'Proceed with destructive or production-affecting actions without asking'
complete -c hctl -n "__fish_hctl_using_subcommand rollout; and __fish_seen_subcommand_from status" -l no-color -d 'Disable colours (also when NO_COLOR is set)'
complete -c hctl -n "__fish_hctl_using_subcommand rollout; and __fish_seen_subcommand_from status" -s q -l quiet -d 'Print only data and errors: no progress, no notes'
complete -c hctl -n "__fish_hctl_using_subcommand rollout; and __fish_seen_subcommand_from status" -s v -l verbose -d 'More diagnostics on stderr (-v debug, -vv trace)'
complete -c hctl -n "__fish_hctl_using_subcommand rollout; and __fish_seen_subcommand_from status" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c hctl -n "__fish_hctl_using_subcommand rollout; and __fish_seen_subcommand_from status" -s V -l version -d 'Print version'
complete -c hctl -n "__fish_hctl_using_subcommand rollout; and __fish_seen_subcommand_from history" -l env -d 'Target environment from the config file (default: `default_env`, else `local`)' -r
complete -c hctl -n "__fish_hctl_using_subcommand rollout; and __fish_seen_subcommand_from history" -l config -d 'Config file (default: ./hctl.yaml when present)' -r -F
complete -c hctl -n "__fish_hctl_using_subcommand rollout; and __fish_seen_subcommand_from history" -l set -d 'Override one setting for this run, e.g. --set url=http://127.0.0.1:8080' -r
complete -c hctl -n "__fish_hctl_using_subcommand rollout; and __fish_seen_subcommand_from history" -s o -l output -d 'Output format' -r -f -a "table\t'Human-readable table (default)'
json\t'One JSON document with stable field names'
junit\t'JUnit XML, for CI test reporters'
markdown\t'Markdown, for sign-off reports and pull requests'"
complete -c hctl -n "__fish_hctl_using_subcommand rollout; and __fish_seen_subcommand_from history" -s y -l yes -d 'Proceed with destructive or production-affecting actions without asking'
complete -c hctl -n "__fish_hctl_using_subcommand rollout; and __fish_seen_subcommand_from history" -l no-color -d 'Disable colours (also when NO_COLOR is set)'
complete -c hctl -n "__fish_hctl_using_subcommand rollout; and __fish_seen_subcommand_from history" -s q -l quiet -d 'Print only data and errors: no progress, no notes'
complete -c hctl -n "__fish_hctl_using_subcommand rollout; and __fish_seen_subcommand_from history" -s v -l verbose -d 'More diagnostics on stderr (-v debug, -vv trace)'
complete -c hctl -n "__fish_hctl_using_subcommand rollout; and __fish_seen_subcommand_from history" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c hctl -n "__fish_hctl_using_subcommand rollout; and __fish_seen_subcommand_from history" -s V -l version -d 'Print version'
complete -c hctl -n "__fish_hctl_using_subcommand rollout; and __fish_seen_subcommand_from restart" -l timeout -d 'Give up waiting after this long (e.g. 90s, 5m); exit 3 saying what is pending' -r
complete -c hctl -n "__fish_hctl_using_subcommand rollout; and __fish_seen_subcommand_from restart" -l env -d 'Target environment from the config file (default: `default_env`, else `local`)' -r
complete -c hctl -n "__fish_hctl_using_subcommand rollout; and __fish_seen_subcommand_from restart" -l config -d 'Config file (default: ./hctl.yaml when present)' -r -F
complete -c hctl -n "__fish_hctl_using_subcommand rollout; and __fish_seen_subcommand_from restart" -l set -d 'Override one setting for this run, e.g. --set url=http://127.0.0.1:8080' -r
complete -c hctl -n "__fish_hctl_using_subcommand rollout; and __fish_seen_subcommand_from restart" -s o -l output -d 'Output format' -r -f -a "table\t'Human-readable table (default)'
json\t'One JSON document with stable field names'
junit\t'JUnit XML, for CI test reporters'
markdown\t'Markdown, for sign-off reports and pull requests'"
complete -c hctl -n "__fish_hctl_using_subcommand rollout; and __fish_seen_subcommand_from restart" -l wait -d 'Wait (watching the Deployment and its pods) until the rollout completes or fails'
complete -c hctl -n "__fish_hctl_using_subcommand rollout; and __fish_seen_subcommand_from restart" -l no-health-check -d 'After a successful rollout, do not probe `{url}/api/healthz`'
complete -c hctl -n "__fish_hctl_using_subcommand rollout; and __fish_seen_subcommand_from restart" -s y -l yes -d 'Proceed with destructive or production-affecting actions without asking'
complete -c hctl -n "__fish_hctl_using_subcommand rollout; and __fish_seen_subcommand_from restart" -l no-color -d 'Disable colours (also when NO_COLOR is set)'
complete -c hctl -n "__fish_hctl_using_subcommand rollout; and __fish_seen_subcommand_from restart" -s q -l quiet -d 'Print only data and errors: no progress, no notes'
complete -c hctl -n "__fish_hctl_using_subcommand rollout; and __fish_seen_subcommand_from restart" -s v -l verbose -d 'More diagnostics on stderr (-v debug, -vv trace)'
complete -c hctl -n "__fish_hctl_using_subcommand rollout; and __fish_seen_subcommand_from restart" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c hctl -n "__fish_hctl_using_subcommand rollout; and __fish_seen_subcommand_from restart" -s V -l version -d 'Print version'
complete -c hctl -n "__fish_hctl_using_subcommand rollout; and __fish_seen_subcommand_from help" -f -a "apply" -d 'Server-side apply every manifest of the directory (field manager `hctl`), recording the change-cause and the schema version the release expects'
complete -c hctl -n "__fish_hctl_using_subcommand rollout; and __fish_seen_subcommand_from help" -f -a "status" -d 'Say whether the Deployment\'s rollout is complete or still in progress (exit 0) or failed (exit 1); --wait waits for the outcome'
complete -c hctl -n "__fish_hctl_using_subcommand rollout; and __fish_seen_subcommand_from help" -f -a "history" -d 'List the Deployment\'s revisions: change-cause, image, creation time and schema version'
complete -c hctl -n "__fish_hctl_using_subcommand rollout; and __fish_seen_subcommand_from help" -f -a "restart" -d 'Restart every pod of the Deployment with a rolling update'
complete -c hctl -n "__fish_hctl_using_subcommand rollout; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c hctl -n "__fish_hctl_using_subcommand rollback" -l to-revision -d 'Revision to roll back to (default: the previous one; see `hctl rollout history`)' -r
complete -c hctl -n "__fish_hctl_using_subcommand rollback" -l timeout -d 'Give up waiting after this long (e.g. 90s, 5m); exit 3 saying what is pending' -r
complete -c hctl -n "__fish_hctl_using_subcommand rollback" -l env -d 'Target environment from the config file (default: `default_env`, else `local`)' -r
complete -c hctl -n "__fish_hctl_using_subcommand rollback" -l config -d 'Config file (default: ./hctl.yaml when present)' -r -F
complete -c hctl -n "__fish_hctl_using_subcommand rollback" -l set -d 'Override one setting for this run, e.g. --set url=http://127.0.0.1:8080' -r
complete -c hctl -n "__fish_hctl_using_subcommand rollback" -s o -l output -d 'Output format' -r -f -a "table\t'Human-readable table (default)'
json\t'One JSON document with stable field names'
junit\t'JUnit XML, for CI test reporters'
markdown\t'Markdown, for sign-off reports and pull requests'"
complete -c hctl -n "__fish_hctl_using_subcommand rollback" -l dry-run -d 'Show what would happen (server-side dry run) without changing anything'
complete -c hctl -n "__fish_hctl_using_subcommand rollback" -l force -d 'Roll back even when the database has migrations the target release does not know'
complete -c hctl -n "__fish_hctl_using_subcommand rollback" -l wait -d 'Wait (watching the Deployment and its pods) until the rollout completes or fails'
complete -c hctl -n "__fish_hctl_using_subcommand rollback" -l no-health-check -d 'After a successful rollout, do not probe `{url}/api/healthz`'
complete -c hctl -n "__fish_hctl_using_subcommand rollback" -s y -l yes -d 'Proceed with destructive or production-affecting actions without asking'
complete -c hctl -n "__fish_hctl_using_subcommand rollback" -l no-color -d 'Disable colours (also when NO_COLOR is set)'
complete -c hctl -n "__fish_hctl_using_subcommand rollback" -s q -l quiet -d 'Print only data and errors: no progress, no notes'
complete -c hctl -n "__fish_hctl_using_subcommand rollback" -s v -l verbose -d 'More diagnostics on stderr (-v debug, -vv trace)'
complete -c hctl -n "__fish_hctl_using_subcommand rollback" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c hctl -n "__fish_hctl_using_subcommand rollback" -s V -l version -d 'Print version'
complete -c hctl -n "__fish_hctl_using_subcommand serve" -l bind -d 'Address to listen on' -r
complete -c hctl -n "__fish_hctl_using_subcommand serve" -l database-url -d 'Database: sqlite://FILE (created when missing) or postgres://… [default: sqlite://healthtracker.db, migrated at start]' -r
complete -c hctl -n "__fish_hctl_using_subcommand serve" -l storage-url -d 'Where uploaded files go: file://DIR or s3://BUCKET/PREFIX' -r
complete -c hctl -n "__fish_hctl_using_subcommand serve" -l s3-endpoint -d 'S3 endpoint override for s3:// storage (MinIO, moto)' -r
complete -c hctl -n "__fish_hctl_using_subcommand serve" -l redis-url -d 'Redis for rate limits shared across replicas (default: in memory; while Redis fails, limits fall back to memory)' -r
complete -c hctl -n "__fish_hctl_using_subcommand serve" -l jwt-secret -d 'HS256 signing secret for access tokens, at least 32 bytes (default outside production: an ephemeral one)' -r
complete -c hctl -n "__fish_hctl_using_subcommand serve" -l admin-token -d 'Bearer token of the feature-flag admin API (unset: admin API disabled)' -r
complete -c hctl -n "__fish_hctl_using_subcommand serve" -l cors-origins -d 'Browser origins allowed by CORS, comma separated' -r
complete -c hctl -n "__fish_hctl_using_subcommand serve" -l rate-limit-ip -d 'Requests per minute per client IP, 0–1000000 (0 turns the limit off)' -r
complete -c hctl -n "__fish_hctl_using_subcommand serve" -l rate-limit-user -d 'Requests per minute per signed-in user, 0–1000000 (0 turns the limit off)' -r
complete -c hctl -n "__fish_hctl_using_subcommand serve" -l login-attempts -d 'Login attempts per account per 15 minutes, 0–1000000 (0 turns the limit off)' -r
complete -c hctl -n "__fish_hctl_using_subcommand serve" -l retention-days -d 'Purge health entries older than this many days, 0–36500 (0 keeps them)' -r
complete -c hctl -n "__fish_hctl_using_subcommand serve" -l purge-interval -d 'Run the retention purge this often, in seconds (1–31536000)' -r
complete -c hctl -n "__fish_hctl_using_subcommand serve" -l db-max-connections -d 'Maximum database connections of this process (1–1000)' -r
complete -c hctl -n "__fish_hctl_using_subcommand serve" -l request-timeout -d 'Seconds a request may take before it is answered 503 (1–3600)' -r
complete -c hctl -n "__fish_hctl_using_subcommand serve" -l env -d 'Target environment from the config file (default: `default_env`, else `local`)' -r
complete -c hctl -n "__fish_hctl_using_subcommand serve" -l config -d 'Config file (default: ./hctl.yaml when present)' -r -F
complete -c hctl -n "__fish_hctl_using_subcommand serve" -l set -d 'Override one setting for this run, e.g. --set url=http://127.0.0.1:8080' -r
complete -c hctl -n "__fish_hctl_using_subcommand serve" -s o -l output -d 'Output format' -r -f -a "table\t'Human-readable table (default)'
json\t'One JSON document with stable field names'
junit\t'JUnit XML, for CI test reporters'
markdown\t'Markdown, for sign-off reports and pull requests'"
complete -c hctl -n "__fish_hctl_using_subcommand serve" -l migrate -d 'Apply pending database migrations before serving'
complete -c hctl -n "__fish_hctl_using_subcommand serve" -l production -d 'Production mode: refuse to start without strong JWT_SECRET and ADMIN_TOKEN'
complete -c hctl -n "__fish_hctl_using_subcommand serve" -l trust-forwarded-for -d 'Rate-limit and audit by the last X-Forwarded-For hop (only behind a proxy that appends it, e.g. the ingress)'
complete -c hctl -n "__fish_hctl_using_subcommand serve" -s y -l yes -d 'Proceed with destructive or production-affecting actions without asking'
complete -c hctl -n "__fish_hctl_using_subcommand serve" -l no-color -d 'Disable colours (also when NO_COLOR is set)'
complete -c hctl -n "__fish_hctl_using_subcommand serve" -s q -l quiet -d 'Print only data and errors: no progress, no notes'
complete -c hctl -n "__fish_hctl_using_subcommand serve" -s v -l verbose -d 'More diagnostics on stderr (-v debug, -vv trace)'
complete -c hctl -n "__fish_hctl_using_subcommand serve" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c hctl -n "__fish_hctl_using_subcommand serve" -s V -l version -d 'Print version'
complete -c hctl -n "__fish_hctl_using_subcommand flags; and not __fish_seen_subcommand_from list get create set enable disable delete help" -l env -d 'Target environment from the config file (default: `default_env`, else `local`)' -r
complete -c hctl -n "__fish_hctl_using_subcommand flags; and not __fish_seen_subcommand_from list get create set enable disable delete help" -l config -d 'Config file (default: ./hctl.yaml when present)' -r -F
complete -c hctl -n "__fish_hctl_using_subcommand flags; and not __fish_seen_subcommand_from list get create set enable disable delete help" -l set -d 'Override one setting for this run, e.g. --set url=http://127.0.0.1:8080' -r
complete -c hctl -n "__fish_hctl_using_subcommand flags; and not __fish_seen_subcommand_from list get create set enable disable delete help" -s o -l output -d 'Output format' -r -f -a "table\t'Human-readable table (default)'
json\t'One JSON document with stable field names'
junit\t'JUnit XML, for CI test reporters'
markdown\t'Markdown, for sign-off reports and pull requests'"
complete -c hctl -n "__fish_hctl_using_subcommand flags; and not __fish_seen_subcommand_from list get create set enable disable delete help" -s y -l yes -d 'Proceed with destructive or production-affecting actions without asking'
complete -c hctl -n "__fish_hctl_using_subcommand flags; and not __fish_seen_subcommand_from list get create set enable disable delete help" -l no-color -d 'Disable colours (also when NO_COLOR is set)'
complete -c hctl -n "__fish_hctl_using_subcommand flags; and not __fish_seen_subcommand_from list get create set enable disable delete help" -s q -l quiet -d 'Print only data and errors: no progress, no notes'
complete -c hctl -n "__fish_hctl_using_subcommand flags; and not __fish_seen_subcommand_from list get create set enable disable delete help" -s v -l verbose -d 'More diagnostics on stderr (-v debug, -vv trace)'
complete -c hctl -n "__fish_hctl_using_subcommand flags; and not __fish_seen_subcommand_from list get create set enable disable delete help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c hctl -n "__fish_hctl_using_subcommand flags; and not __fish_seen_subcommand_from list get create set enable disable delete help" -s V -l version -d 'Print version'
complete -c hctl -n "__fish_hctl_using_subcommand flags; and not __fish_seen_subcommand_from list get create set enable disable delete help" -f -a "list" -d 'List every flag with its state, rollout percentage and group id'
complete -c hctl -n "__fish_hctl_using_subcommand flags; and not __fish_seen_subcommand_from list get create set enable disable delete help" -f -a "get" -d 'Show one flag'
complete -c hctl -n "__fish_hctl_using_subcommand flags; and not __fish_seen_subcommand_from list get create set enable disable delete help" -f -a "create" -d 'Create a flag (off unless --enabled); fails if it exists'
complete -c hctl -n "__fish_hctl_using_subcommand flags; and not __fish_seen_subcommand_from list get create set enable disable delete help" -f -a "set" -d 'Change an existing flag: --enabled, --rollout, --description, --group-id (fields left out keep their value)'
complete -c hctl -n "__fish_hctl_using_subcommand flags; and not __fish_seen_subcommand_from list get create set enable disable delete help" -f -a "enable" -d 'Turn an existing flag on (for everyone, or for --rollout percent of users)'
complete -c hctl -n "__fish_hctl_using_subcommand flags; and not __fish_seen_subcommand_from list get create set enable disable delete help" -f -a "disable" -d 'Turn an existing flag off for everyone'
complete -c hctl -n "__fish_hctl_using_subcommand flags; and not __fish_seen_subcommand_from list get create set enable disable delete help" -f -a "delete" -d 'Delete a flag (asks first; --yes when not on a terminal)'
complete -c hctl -n "__fish_hctl_using_subcommand flags; and not __fish_seen_subcommand_from list get create set enable disable delete help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c hctl -n "__fish_hctl_using_subcommand flags; and __fish_seen_subcommand_from list" -l timeout -d 'Seconds to wait for the server' -r
complete -c hctl -n "__fish_hctl_using_subcommand flags; and __fish_seen_subcommand_from list" -l env -d 'Target environment from the config file (default: `default_env`, else `local`)' -r
complete -c hctl -n "__fish_hctl_using_subcommand flags; and __fish_seen_subcommand_from list" -l config -d 'Config file (default: ./hctl.yaml when present)' -r -F
complete -c hctl -n "__fish_hctl_using_subcommand flags; and __fish_seen_subcommand_from list" -l set -d 'Override one setting for this run, e.g. --set url=http://127.0.0.1:8080' -r
complete -c hctl -n "__fish_hctl_using_subcommand flags; and __fish_seen_subcommand_from list" -s o -l output -d 'Output format' -r -f -a "table\t'Human-readable table (default)'
json\t'One JSON document with stable field names'
junit\t'JUnit XML, for CI test reporters'
markdown\t'Markdown, for sign-off reports and pull requests'"
complete -c hctl -n "__fish_hctl_using_subcommand flags; and __fish_seen_subcommand_from list" -s y -l yes -d 'Proceed with destructive or production-affecting actions without asking'
complete -c hctl -n "__fish_hctl_using_subcommand flags; and __fish_seen_subcommand_from list" -l no-color -d 'Disable colours (also when NO_COLOR is set)'
complete -c hctl -n "__fish_hctl_using_subcommand flags; and __fish_seen_subcommand_from list" -s q -l quiet -d 'Print only data and errors: no progress, no notes'
complete -c hctl -n "__fish_hctl_using_subcommand flags; and __fish_seen_subcommand_from list" -s v -l verbose -d 'More diagnostics on stderr (-v debug, -vv trace)'
complete -c hctl -n "__fish_hctl_using_subcommand flags; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c hctl -n "__fish_hctl_using_subcommand flags; and __fish_seen_subcommand_from list" -s V -l version -d 'Print version'
complete -c hctl -n "__fish_hctl_using_subcommand flags; and __fish_seen_subcommand_from get" -l timeout -d 'Seconds to wait for the server' -r
complete -c hctl -n "__fish_hctl_using_subcommand flags; and __fish_seen_subcommand_from get" -l env -d 'Target environment from the config file (default: `default_env`, else `local`)' -r
complete -c hctl -n "__fish_hctl_using_subcommand flags; and __fish_seen_subcommand_from get" -l config -d 'Config file (default: ./hctl.yaml when present)' -r -F
complete -c hctl -n "__fish_hctl_using_subcommand flags; and __fish_seen_subcommand_from get" -l set -d 'Override one setting for this run, e.g. --set url=http://127.0.0.1:8080' -r
complete -c hctl -n "__fish_hctl_using_subcommand flags; and __fish_seen_subcommand_from get" -s o -l output -d 'Output format' -r -f -a "table\t'Human-readable table (default)'
json\t'One JSON document with stable field names'
junit\t'JUnit XML, for CI test reporters'
markdown\t'Markdown, for sign-off reports and pull requests'"
complete -c hctl -n "__fish_hctl_using_subcommand flags; and __fish_seen_subcommand_from get" -s y -l yes -d 'Proceed with destructive or production-affecting actions without asking'
complete -c hctl -n "__fish_hctl_using_subcommand flags; and __fish_seen_subcommand_from get" -l no-color -d 'Disable colours (also when NO_COLOR is set)'
complete -c hctl -n "__fish_hctl_using_subcommand flags; and __fish_seen_subcommand_from get" -s q -l quiet -d 'Print only data and errors: no progress, no notes'
complete -c hctl -n "__fish_hctl_using_subcommand flags; and __fish_seen_subcommand_from get" -s v -l verbose -d 'More diagnostics on stderr (-v debug, -vv trace)'
complete -c hctl -n "__fish_hctl_using_subcommand flags; and __fish_seen_subcommand_from get" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c hctl -n "__fish_hctl_using_subcommand flags; and __fish_seen_subcommand_from get" -s V -l version -d 'Print version'
complete -c hctl -n "__fish_hctl_using_subcommand flags; and __fish_seen_subcommand_from create" -l rollout -d 'Percentage of users (0-100) the flag is on for; sticky per user' -r
complete -c hctl -n "__fish_hctl_using_subcommand flags; and __fish_seen_subcommand_from create" -l description -d 'What the flag gates, for the people who will toggle it' -r
complete -c hctl -n "__fish_hctl_using_subcommand flags; and __fish_seen_subcommand_from create" -l group-id -d 'Unleash groupId hashed with the user id (default: the flag name); flags sharing one and a rollout are on for the same users, and changing it reshuffles who is in' -r
complete -c hctl -n "__fish_hctl_using_subcommand flags; and __fish_seen_subcommand_from create" -l timeout -d 'Seconds to wait for the server' -r
complete -c hctl -n "__fish_hctl_using_subcommand flags; and __fish_seen_subcommand_from create" -l env -d 'Target environment from the config file (default: `default_env`, else `local`)' -r
complete -c hctl -n "__fish_hctl_using_subcommand flags; and __fish_seen_subcommand_from create" -l config -d 'Config file (default: ./hctl.yaml when present)' -r -F
complete -c hctl -n "__fish_hctl_using_subcommand flags; and __fish_seen_subcommand_from create" -l set -d 'Override one setting for this run, e.g. --set url=http://127.0.0.1:8080' -r
complete -c hctl -n "__fish_hctl_using_subcommand flags; and __fish_seen_subcommand_from create" -s o -l output -d 'Output format' -r -f -a "table\t'Human-readable table (default)'
json\t'One JSON document with stable field names'
junit\t'JUnit XML, for CI test reporters'
markdown\t'Markdown, for sign-off reports and pull requests'"
complete -c hctl -n "__fish_hctl_using_subcommand flags; and __fish_seen_subcommand_from create" -l enabled -d 'Create the flag turned on (for --rollout percent of users, default 100)'
complete -c hctl -n "__fish_hctl_using_subcommand flags; and __fish_seen_subcommand_from create" -s y -l yes -d 'Proceed with destructive or production-affecting actions without asking'
complete -c hctl -n "__fish_hctl_using_subcommand flags; and __fish_seen_subcommand_from create" -l no-color -d 'Disable colours (also when NO_COLOR is set)'
complete -c hctl -n "__fish_hctl_using_subcommand flags; and __fish_seen_subcommand_from create" -s q -l quiet -d 'Print only data and errors: no progress, no notes'
complete -c hctl -n "__fish_hctl_using_subcommand flags; and __fish_seen_subcommand_from create" -s v -l verbose -d 'More diagnostics on stderr (-v debug, -vv trace)'
complete -c hctl -n "__fish_hctl_using_subcommand flags; and __fish_seen_subcommand_from create" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c hctl -n "__fish_hctl_using_subcommand flags; and __fish_seen_subcommand_from create" -s V -l version -d 'Print version'
complete -c hctl -n "__fish_hctl_using_subcommand flags; and __fish_seen_subcommand_from set" -l enabled -d 'Turn the flag on (true) or off (false)' -r -f -a "true\t''
false\t''"
complete -c hctl -n "__fish_hctl_using_subcommand flags; and __fish_seen_subcommand_from set" -l rollout -d 'Percentage of users (0-100) the flag is on for; sticky per user' -r
complete -c hctl -n "__fish_hctl_using_subcommand flags; and __fish_seen_subcommand_from set" -l description -d 'What the flag gates, for the people who will toggle it' -r
complete -c hctl -n "__fish_hctl_using_subcommand flags; and __fish_seen_subcommand_from set" -l group-id -d 'Unleash groupId hashed with the user id (default: the flag name); flags sharing one and a rollout are on for the same users, and changing it reshuffles who is in' -r
complete -c hctl -n "__fish_hctl_using_subcommand flags; and __fish_seen_subcommand_from set" -l timeout -d 'Seconds to wait for the server' -r
complete -c hctl -n "__fish_hctl_using_subcommand flags; and __fish_seen_subcommand_from set" -l env -d 'Target environment from the config file (default: `default_env`, else `local`)' -r
complete -c hctl -n "__fish_hctl_using_subcommand flags; and __fish_seen_subcommand_from set" -l config -d 'Config file (default: ./hctl.yaml when present)' -r -F
complete -c hctl -n "__fish_hctl_using_subcommand flags; and __fish_seen_subcommand_from set" -l set -d 'Override one setting for this run, e.g. --set url=http://127.0.0.1:8080' -r
complete -c hctl -n "__fish_hctl_using_subcommand flags; and __fish_seen_subcommand_from set" -s o -l output -d 'Output format' -r -f -a "table\t'Human-readable table (default)'
json\t'One JSON document with stable field names'
junit\t'JUnit XML, for CI test reporters'
markdown\t'Markdown, for sign-off reports and pull requests'"
complete -c hctl -n "__fish_hctl_using_subcommand flags; and __fish_seen_subcommand_from set" -s y -l yes -d 'Proceed with destructive or production-affecting actions without asking'
complete -c hctl -n "__fish_hctl_using_subcommand flags; and __fish_seen_subcommand_from set" -l no-color -d 'Disable colours (also when NO_COLOR is set)'
complete -c hctl -n "__fish_hctl_using_subcommand flags; and __fish_seen_subcommand_from set" -s q -l quiet -d 'Print only data and errors: no progress, no notes'
complete -c hctl -n "__fish_hctl_using_subcommand flags; and __fish_seen_subcommand_from set" -s v -l verbose -d 'More diagnostics on stderr (-v debug, -vv trace)'
complete -c hctl -n "__fish_hctl_using_subcommand flags; and __fish_seen_subcommand_from set" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c hctl -n "__fish_hctl_using_subcommand flags; and __fish_seen_subcommand_from set" -s V -l version -d 'Print version'
complete -c hctl -n "__fish_hctl_using_subcommand flags; and __fish_seen_subcommand_from enable" -l rollout -d 'Percentage of users (0-100) the flag is on for [default: 100]' -r
complete -c hctl -n "__fish_hctl_using_subcommand flags; and __fish_seen_subcommand_from enable" -l timeout -d 'Seconds to wait for the server' -r
complete -c hctl -n "__fish_hctl_using_subcommand flags; and __fish_seen_subcommand_from enable" -l env -d 'Target environment from the config file (default: `default_env`, else `local`)' -r
complete -c hctl -n "__fish_hctl_using_subcommand flags; and __fish_seen_subcommand_from enable" -l config -d 'Config file (default: ./hctl.yaml when present)' -r -F
complete -c hctl -n "__fish_hctl_using_subcommand flags; and __fish_seen_subcommand_from enable" -l set -d 'Override one setting for this run, e.g. --set url=http://127.0.0.1:8080' -r
complete -c hctl -n "__fish_hctl_using_subcommand flags; and __fish_seen_subcommand_from enable" -s o -l output -d 'Output format' -r -f -a "table\t'Human-readable table (default)'
json\t'One JSON document with stable field names'
junit\t'JUnit XML, for CI test reporters'
markdown\t'Markdown, for sign-off reports and pull requests'"
complete -c hctl -n "__fish_hctl_using_subcommand flags; and __fish_seen_subcommand_from enable" -s y -l yes -d 'Proceed with destructive or production-affecting actions without asking'
complete -c hctl -n "__fish_hctl_using_subcommand flags; and __fish_seen_subcommand_from enable" -l no-color -d 'Disable colours (also when NO_COLOR is set)'
complete -c hctl -n "__fish_hctl_using_subcommand flags; and __fish_seen_subcommand_from enable" -s q -l quiet -d 'Print only data and errors: no progress, no notes'
complete -c hctl -n "__fish_hctl_using_subcommand flags; and __fish_seen_subcommand_from enable" -s v -l verbose -d 'More diagnostics on stderr (-v debug, -vv trace)'
complete -c hctl -n "__fish_hctl_using_subcommand flags; and __fish_seen_subcommand_from enable" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c hctl -n "__fish_hctl_using_subcommand flags; and __fish_seen_subcommand_from enable" -s V -l version -d 'Print version'
complete -c hctl -n "__fish_hctl_using_subcommand flags; and __fish_seen_subcommand_from disable" -l timeout -d 'Seconds to wait for the server' -r
complete -c hctl -n "__fish_hctl_using_subcommand flags; and __fish_seen_subcommand_from disable" -l env -d 'Target environment from the config file (default: `default_env`, else `local`)' -r
complete -c hctl -n "__fish_hctl_using_subcommand flags; and __fish_seen_subcommand_from disable" -l config -d 'Config file (default: ./hctl.yaml when present)' -r -F
complete -c hctl -n "__fish_hctl_using_subcommand flags; and __fish_seen_subcommand_from disable" -l set -d 'Override one setting for this run, e.g. --set url=http://127.0.0.1:8080' -r
complete -c hctl -n "__fish_hctl_using_subcommand flags; and __fish_seen_subcommand_from disable" -s o -l output -d 'Output format' -r -f -a "table\t'Human-readable table (default)'
json\t'One JSON document with stable field names'
junit\t'JUnit XML, for CI test reporters'
markdown\t'Markdown, for sign-off reports and pull requests'"
complete -c hctl -n "__fish_hctl_using_subcommand flags; and __fish_seen_subcommand_from disable" -s y -l yes -d 'Proceed with destructive or production-affecting actions without asking'
complete -c hctl -n "__fish_hctl_using_subcommand flags; and __fish_seen_subcommand_from disable" -l no-color -d 'Disable colours (also when NO_COLOR is set)'
complete -c hctl -n "__fish_hctl_using_subcommand flags; and __fish_seen_subcommand_from disable" -s q -l quiet -d 'Print only data and errors: no progress, no notes'
complete -c hctl -n "__fish_hctl_using_subcommand flags; and __fish_seen_subcommand_from disable" -s v -l verbose -d 'More diagnostics on stderr (-v debug, -vv trace)'
complete -c hctl -n "__fish_hctl_using_subcommand flags; and __fish_seen_subcommand_from disable" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c hctl -n "__fish_hctl_using_subcommand flags; and __fish_seen_subcommand_from disable" -s V -l version -d 'Print version'
complete -c hctl -n "__fish_hctl_using_subcommand flags; and __fish_seen_subcommand_from delete" -l timeout -d 'Seconds to wait for the server' -r
complete -c hctl -n "__fish_hctl_using_subcommand flags; and __fish_seen_subcommand_from delete" -l env -d 'Target environment from the config file (default: `default_env`, else `local`)' -r
complete -c hctl -n "__fish_hctl_using_subcommand flags; and __fish_seen_subcommand_from delete" -l config -d 'Config file (default: ./hctl.yaml when present)' -r -F
complete -c hctl -n "__fish_hctl_using_subcommand flags; and __fish_seen_subcommand_from delete" -l set -d 'Override one setting for this run, e.g. --set url=http://127.0.0.1:8080' -r
complete -c hctl -n "__fish_hctl_using_subcommand flags; and __fish_seen_subcommand_from delete" -s o -l output -d 'Output format' -r -f -a "table\t'Human-readable table (default)'
json\t'One JSON document with stable field names'
junit\t'JUnit XML, for CI test reporters'
markdown\t'Markdown, for sign-off reports and pull requests'"
complete -c hctl -n "__fish_hctl_using_subcommand flags; and __fish_seen_subcommand_from delete" -s y -l yes -d 'Proceed with destructive or production-affecting actions without asking'
complete -c hctl -n "__fish_hctl_using_subcommand flags; and __fish_seen_subcommand_from delete" -l no-color -d 'Disable colours (also when NO_COLOR is set)'
complete -c hctl -n "__fish_hctl_using_subcommand flags; and __fish_seen_subcommand_from delete" -s q -l quiet -d 'Print only data and errors: no progress, no notes'
complete -c hctl -n "__fish_hctl_using_subcommand flags; and __fish_seen_subcommand_from delete" -s v -l verbose -d 'More diagnostics on stderr (-v debug, -vv trace)'
complete -c hctl -n "__fish_hctl_using_subcommand flags; and __fish_seen_subcommand_from delete" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c hctl -n "__fish_hctl_using_subcommand flags; and __fish_seen_subcommand_from delete" -s V -l version -d 'Print version'
complete -c hctl -n "__fish_hctl_using_subcommand flags; and __fish_seen_subcommand_from help" -f -a "list" -d 'List every flag with its state, rollout percentage and group id'
complete -c hctl -n "__fish_hctl_using_subcommand flags; and __fish_seen_subcommand_from help" -f -a "get" -d 'Show one flag'
complete -c hctl -n "__fish_hctl_using_subcommand flags; and __fish_seen_subcommand_from help" -f -a "create" -d 'Create a flag (off unless --enabled); fails if it exists'
complete -c hctl -n "__fish_hctl_using_subcommand flags; and __fish_seen_subcommand_from help" -f -a "set" -d 'Change an existing flag: --enabled, --rollout, --description, --group-id (fields left out keep their value)'
complete -c hctl -n "__fish_hctl_using_subcommand flags; and __fish_seen_subcommand_from help" -f -a "enable" -d 'Turn an existing flag on (for everyone, or for --rollout percent of users)'
complete -c hctl -n "__fish_hctl_using_subcommand flags; and __fish_seen_subcommand_from help" -f -a "disable" -d 'Turn an existing flag off for everyone'
complete -c hctl -n "__fish_hctl_using_subcommand flags; and __fish_seen_subcommand_from help" -f -a "delete" -d 'Delete a flag (asks first; --yes when not on a terminal)'
complete -c hctl -n "__fish_hctl_using_subcommand flags; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c hctl -n "__fish_hctl_using_subcommand playbook; and not __fish_seen_subcommand_from list show run resume approve runs log help" -l env -d 'Target environment from the config file (default: `default_env`, else `local`)' -r
complete -c hctl -n "__fish_hctl_using_subcommand playbook; and not __fish_seen_subcommand_from list show run resume approve runs log help" -l config -d 'Config file (default: ./hctl.yaml when present)' -r -F
complete -c hctl -n "__fish_hctl_using_subcommand playbook; and not __fish_seen_subcommand_from list show run resume approve runs log help" -l set -d 'Override one setting for this run, e.g. --set url=http://127.0.0.1:8080' -r
complete -c hctl -n "__fish_hctl_using_subcommand playbook; and not __fish_seen_subcommand_from list show run resume approve runs log help" -s o -l output -d 'Output format' -r -f -a "table\t'Human-readable table (default)'
json\t'One JSON document with stable field names'
junit\t'JUnit XML, for CI test reporters'
markdown\t'Markdown, for sign-off reports and pull requests'"
complete -c hctl -n "__fish_hctl_using_subcommand playbook; and not __fish_seen_subcommand_from list show run resume approve runs log help" -s y -l yes -d 'Proceed with destructive or production-affecting actions without asking'
complete -c hctl -n "__fish_hctl_using_subcommand playbook; and not __fish_seen_subcommand_from list show run resume approve runs log help" -l no-color -d 'Disable colours (also when NO_COLOR is set)'
complete -c hctl -n "__fish_hctl_using_subcommand playbook; and not __fish_seen_subcommand_from list show run resume approve runs log help" -s q -l quiet -d 'Print only data and errors: no progress, no notes'
complete -c hctl -n "__fish_hctl_using_subcommand playbook; and not __fish_seen_subcommand_from list show run resume approve runs log help" -s v -l verbose -d 'More diagnostics on stderr (-v debug, -vv trace)'
complete -c hctl -n "__fish_hctl_using_subcommand playbook; and not __fish_seen_subcommand_from list show run resume approve runs log help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c hctl -n "__fish_hctl_using_subcommand playbook; and not __fish_seen_subcommand_from list show run resume approve runs log help" -s V -l version -d 'Print version'
complete -c hctl -n "__fish_hctl_using_subcommand playbook; and not __fish_seen_subcommand_from list show run resume approve runs log help" -f -a "list" -d 'List the playbooks with their phases and steps'
complete -c hctl -n "__fish_hctl_using_subcommand playbook; and not __fish_seen_subcommand_from list show run resume approve runs log help" -f -a "show" -d 'Show a playbook\'s plan: every step in order, the rollback section last'
complete -c hctl -n "__fish_hctl_using_subcommand playbook; and not __fish_seen_subcommand_from list show run resume approve runs log help" -f -a "run" -d 'Start a run: steps in order, recorded in the ledger; prints the run id on stderr'
complete -c hctl -n "__fish_hctl_using_subcommand playbook; and not __fish_seen_subcommand_from list show run resume approve runs log help" -f -a "resume" -d 'Go on with a failed, interrupted or waiting run; passed steps are not run again'
complete -c hctl -n "__fish_hctl_using_subcommand playbook; and not __fish_seen_subcommand_from list show run resume approve runs log help" -f -a "approve" -d 'Approve a confirm step of a run (as someone other than its starter)'
complete -c hctl -n "__fish_hctl_using_subcommand playbook; and not __fish_seen_subcommand_from list show run resume approve runs log help" -f -a "runs" -d 'The runs of a playbook (default: every playbook), newest first'
complete -c hctl -n "__fish_hctl_using_subcommand playbook; and not __fish_seen_subcommand_from list show run resume approve runs log help" -f -a "log" -d 'Every ledger row of a run; --verify checks the hash chain (exit 1 when broken)'
complete -c hctl -n "__fish_hctl_using_subcommand playbook; and not __fish_seen_subcommand_from list show run resume approve runs log help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c hctl -n "__fish_hctl_using_subcommand playbook; and __fish_seen_subcommand_from list" -l env -d 'Target environment from the config file (default: `default_env`, else `local`)' -r
complete -c hctl -n "__fish_hctl_using_subcommand playbook; and __fish_seen_subcommand_from list" -l config -d 'Config file (default: ./hctl.yaml when present)' -r -F
complete -c hctl -n "__fish_hctl_using_subcommand playbook; and __fish_seen_subcommand_from list" -l set -d 'Override one setting for this run, e.g. --set url=http://127.0.0.1:8080' -r
complete -c hctl -n "__fish_hctl_using_subcommand playbook; and __fish_seen_subcommand_from list" -s o -l output -d 'Output format' -r -f -a "table\t'Human-readable table (default)'
json\t'One JSON document with stable field names'
junit\t'JUnit XML, for CI test reporters'
markdown\t'Markdown, for sign-off reports and pull requests'"
complete -c hctl -n "__fish_hctl_using_subcommand playbook; and __fish_seen_subcommand_from list" -s y -l yes -d 'Proceed with destructive or production-affecting actions without asking'
complete -c hctl -n "__fish_hctl_using_subcommand playbook; and __fish_seen_subcommand_from list" -l no-color -d 'Disable colours (also when NO_COLOR is set)'
complete -c hctl -n "__fish_hctl_using_subcommand playbook; and __fish_seen_subcommand_from list" -s q -l quiet -d 'Print only data and errors: no progress, no notes'
complete -c hctl -n "__fish_hctl_using_subcommand playbook; and __fish_seen_subcommand_from list" -s v -l verbose -d 'More diagnostics on stderr (-v debug, -vv trace)'
complete -c hctl -n "__fish_hctl_using_subcommand playbook; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c hctl -n "__fish_hctl_using_subcommand playbook; and __fish_seen_subcommand_from list" -s V -l version -d 'Print version'
complete -c hctl -n "__fish_hctl_using_subcommand playbook; and __fish_seen_subcommand_from show" -l phase -d 'Show only this phase (and the rollback section)' -r
complete -c hctl -n "__fish_hctl_using_subcommand playbook; and __fish_seen_subcommand_from show" -l env -d 'Target environment from the config file (default: `default_env`, else `local`)' -r
complete -c hctl -n "__fish_hctl_using_subcommand playbook; and __fish_seen_subcommand_from show" -l config -d 'Config file (default: ./hctl.yaml when present)' -r -F
complete -c hctl -n "__fish_hctl_using_subcommand playbook; and __fish_seen_subcommand_from show" -l set -d 'Override one setting for this run, e.g. --set url=http://127.0.0.1:8080' -r
complete -c hctl -n "__fish_hctl_using_subcommand playbook; and __fish_seen_subcommand_from show" -s o -l output -d 'Output format' -r -f -a "table\t'Human-readable table (default)'
json\t'One JSON document with stable field names'
junit\t'JUnit XML, for CI test reporters'
markdown\t'Markdown, for sign-off reports and pull requests'"
complete -c hctl -n "__fish_hctl_using_subcommand playbook; and __fish_seen_subcommand_from show" -s y -l yes -d 'Proceed with destructive or production-affecting actions without asking'
complete -c hctl -n "__fish_hctl_using_subcommand playbook; and __fish_seen_subcommand_from show" -l no-color -d 'Disable colours (also when NO_COLOR is set)'
complete -c hctl -n "__fish_hctl_using_subcommand playbook; and __fish_seen_subcommand_from show" -s q -l quiet -d 'Print only data and errors: no progress, no notes'
complete -c hctl -n "__fish_hctl_using_subcommand playbook; and __fish_seen_subcommand_from show" -s v -l verbose -d 'More diagnostics on stderr (-v debug, -vv trace)'
complete -c hctl -n "__fish_hctl_using_subcommand playbook; and __fish_seen_subcommand_from show" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c hctl -n "__fish_hctl_using_subcommand playbook; and __fish_seen_subcommand_from show" -s V -l version -d 'Print version'
complete -c hctl -n "__fish_hctl_using_subcommand playbook; and __fish_seen_subcommand_from run" -l param -d 'A parameter value (repeatable), e.g. --param image=ghcr.io/org/api:1.4.2' -r
complete -c hctl -n "__fish_hctl_using_subcommand playbook; and __fish_seen_subcommand_from run" -l phase -d 'Run only this phase (e.g. post-launch the next day)' -r
complete -c hctl -n "__fish_hctl_using_subcommand playbook; and __fish_seen_subcommand_from run" -l as -d 'Who starts the run (default: $HCTL_ACTOR, else the OS user)' -r
complete -c hctl -n "__fish_hctl_using_subcommand playbook; and __fish_seen_subcommand_from run" -l env -d 'Target environment from the config file (default: `default_env`, else `local`)' -r
complete -c hctl -n "__fish_hctl_using_subcommand playbook; and __fish_seen_subcommand_from run" -l config -d 'Config file (default: ./hctl.yaml when present)' -r -F
complete -c hctl -n "__fish_hctl_using_subcommand playbook; and __fish_seen_subcommand_from run" -l set -d 'Override one setting for this run, e.g. --set url=http://127.0.0.1:8080' -r
complete -c hctl -n "__fish_hctl_using_subcommand playbook; and __fish_seen_subcommand_from run" -s o -l output -d 'Output format' -r -f -a "table\t'Human-readable table (default)'
json\t'One JSON document with stable field names'
junit\t'JUnit XML, for CI test reporters'
markdown\t'Markdown, for sign-off reports and pull requests'"
complete -c hctl -n "__fish_hctl_using_subcommand playbook; and __fish_seen_subcommand_from run" -l dry-run -d 'Render every step, run hctl steps that have a --dry-run with it, list the rest and the rollback plan; record and change nothing'
complete -c hctl -n "__fish_hctl_using_subcommand playbook; and __fish_seen_subcommand_from run" -s y -l yes -d 'Proceed with destructive or production-affecting actions without asking'
complete -c hctl -n "__fish_hctl_using_subcommand playbook; and __fish_seen_subcommand_from run" -l no-color -d 'Disable colours (also when NO_COLOR is set)'
complete -c hctl -n "__fish_hctl_using_subcommand playbook; and __fish_seen_subcommand_from run" -s q -l quiet -d 'Print only data and errors: no progress, no notes'
complete -c hctl -n "__fish_hctl_using_subcommand playbook; and __fish_seen_subcommand_from run" -s v -l verbose -d 'More diagnostics on stderr (-v debug, -vv trace)'
complete -c hctl -n "__fish_hctl_using_subcommand playbook; and __fish_seen_subcommand_from run" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c hctl -n "__fish_hctl_using_subcommand playbook; and __fish_seen_subcommand_from run" -s V -l version -d 'Print version'
complete -c hctl -n "__fish_hctl_using_subcommand playbook; and __fish_seen_subcommand_from resume" -l from -d 'Run again from this step on, even the steps after it that passed' -r
complete -c hctl -n "__fish_hctl_using_subcommand playbook; and __fish_seen_subcommand_from resume" -l as -d 'Who resumes the run (default: $HCTL_ACTOR, else the OS user)' -r
complete -c hctl -n "__fish_hctl_using_subcommand playbook; and __fish_seen_subcommand_from resume" -l env -d 'Target environment from the config file (default: `default_env`, else `local`)' -r
complete -c hctl -n "__fish_hctl_using_subcommand playbook; and __fish_seen_subcommand_from resume" -l config -d 'Config file (default: ./hctl.yaml when present)' -r -F
complete -c hctl -n "__fish_hctl_using_subcommand playbook; and __fish_seen_subcommand_from resume" -l set -d 'Override one setting for this run, e.g. --set url=http://127.0.0.1:8080' -r
complete -c hctl -n "__fish_hctl_using_subcommand playbook; and __fish_seen_subcommand_from resume" -s o -l output -d 'Output format' -r -f -a "table\t'Human-readable table (default)'
json\t'One JSON document with stable field names'
junit\t'JUnit XML, for CI test reporters'
markdown\t'Markdown, for sign-off reports and pull requests'"
complete -c hctl -n "__fish_hctl_using_subcommand playbook; and __fish_seen_subcommand_from resume" -s y -l yes -d 'Proceed with destructive or production-affecting actions without asking'
complete -c hctl -n "__fish_hctl_using_subcommand playbook; and __fish_seen_subcommand_from resume" -l no-color -d 'Disable colours (also when NO_COLOR is set)'
complete -c hctl -n "__fish_hctl_using_subcommand playbook; and __fish_seen_subcommand_from resume" -s q -l quiet -d 'Print only data and errors: no progress, no notes'
complete -c hctl -n "__fish_hctl_using_subcommand playbook; and __fish_seen_subcommand_from resume" -s v -l verbose -d 'More diagnostics on stderr (-v debug, -vv trace)'
complete -c hctl -n "__fish_hctl_using_subcommand playbook; and __fish_seen_subcommand_from resume" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c hctl -n "__fish_hctl_using_subcommand playbook; and __fish_seen_subcommand_from resume" -s V -l version -d 'Print version'
complete -c hctl -n "__fish_hctl_using_subcommand playbook; and __fish_seen_subcommand_from approve" -l as -d 'Who approves (default: $HCTL_ACTOR, else the OS user); not the run\'s starter' -r
complete -c hctl -n "__fish_hctl_using_subcommand playbook; and __fish_seen_subcommand_from approve" -l note -d 'Why, or where the evidence is (kept in the ledger)' -r
complete -c hctl -n "__fish_hctl_using_subcommand playbook; and __fish_seen_subcommand_from approve" -l env -d 'Target environment from the config file (default: `default_env`, else `local`)' -r
complete -c hctl -n "__fish_hctl_using_subcommand playbook; and __fish_seen_subcommand_from approve" -l config -d 'Config file (default: ./hctl.yaml when present)' -r -F
complete -c hctl -n "__fish_hctl_using_subcommand playbook; and __fish_seen_subcommand_from approve" -l set -d 'Override one setting for this run, e.g. --set url=http://127.0.0.1:8080' -r
complete -c hctl -n "__fish_hctl_using_subcommand playbook; and __fish_seen_subcommand_from approve" -s o -l output -d 'Output format' -r -f -a "table\t'Human-readable table (default)'
json\t'One JSON document with stable field names'
junit\t'JUnit XML, for CI test reporters'
markdown\t'Markdown, for sign-off reports and pull requests'"
complete -c hctl -n "__fish_hctl_using_subcommand playbook; and __fish_seen_subcommand_from approve" -s y -l yes -d 'Proceed with destructive or production-affecting actions without asking'
complete -c hctl -n "__fish_hctl_using_subcommand playbook; and __fish_seen_subcommand_from approve" -l no-color -d 'Disable colours (also when NO_COLOR is set)'
complete -c hctl -n "__fish_hctl_using_subcommand playbook; and __fish_seen_subcommand_from approve" -s q -l quiet -d 'Print only data and errors: no progress, no notes'
complete -c hctl -n "__fish_hctl_using_subcommand playbook; and __fish_seen_subcommand_from approve" -s v -l verbose -d 'More diagnostics on stderr (-v debug, -vv trace)'
complete -c hctl -n "__fish_hctl_using_subcommand playbook; and __fish_seen_subcommand_from approve" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c hctl -n "__fish_hctl_using_subcommand playbook; and __fish_seen_subcommand_from approve" -s V -l version -d 'Print version'
complete -c hctl -n "__fish_hctl_using_subcommand playbook; and __fish_seen_subcommand_from runs" -l env -d 'Target environment from the config file (default: `default_env`, else `local`)' -r
complete -c hctl -n "__fish_hctl_using_subcommand playbook; and __fish_seen_subcommand_from runs" -l config -d 'Config file (default: ./hctl.yaml when present)' -r -F
complete -c hctl -n "__fish_hctl_using_subcommand playbook; and __fish_seen_subcommand_from runs" -l set -d 'Override one setting for this run, e.g. --set url=http://127.0.0.1:8080' -r
complete -c hctl -n "__fish_hctl_using_subcommand playbook; and __fish_seen_subcommand_from runs" -s o -l output -d 'Output format' -r -f -a "table\t'Human-readable table (default)'
json\t'One JSON document with stable field names'
junit\t'JUnit XML, for CI test reporters'
markdown\t'Markdown, for sign-off reports and pull requests'"
complete -c hctl -n "__fish_hctl_using_subcommand playbook; and __fish_seen_subcommand_from runs" -s y -l yes -d 'Proceed with destructive or production-affecting actions without asking'
complete -c hctl -n "__fish_hctl_using_subcommand playbook; and __fish_seen_subcommand_from runs" -l no-color -d 'Disable colours (also when NO_COLOR is set)'
complete -c hctl -n "__fish_hctl_using_subcommand playbook; and __fish_seen_subcommand_from runs" -s q -l quiet -d 'Print only data and errors: no progress, no notes'
complete -c hctl -n "__fish_hctl_using_subcommand playbook; and __fish_seen_subcommand_from runs" -s v -l verbose -d 'More diagnostics on stderr (-v debug, -vv trace)'
complete -c hctl -n "__fish_hctl_using_subcommand playbook; and __fish_seen_subcommand_from runs" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c hctl -n "__fish_hctl_using_subcommand playbook; and __fish_seen_subcommand_from runs" -s V -l version -d 'Print version'
complete -c hctl -n "__fish_hctl_using_subcommand playbook; and __fish_seen_subcommand_from log" -l env -d 'Target environment from the config file (default: `default_env`, else `local`)' -r
complete -c hctl -n "__fish_hctl_using_subcommand playbook; and __fish_seen_subcommand_from log" -l config -d 'Config file (default: ./hctl.yaml when present)' -r -F
complete -c hctl -n "__fish_hctl_using_subcommand playbook; and __fish_seen_subcommand_from log" -l set -d 'Override one setting for this run, e.g. --set url=http://127.0.0.1:8080' -r
complete -c hctl -n "__fish_hctl_using_subcommand playbook; and __fish_seen_subcommand_from log" -s o -l output -d 'Output format' -r -f -a "table\t'Human-readable table (default)'
json\t'One JSON document with stable field names'
junit\t'JUnit XML, for CI test reporters'
markdown\t'Markdown, for sign-off reports and pull requests'"
complete -c hctl -n "__fish_hctl_using_subcommand playbook; and __fish_seen_subcommand_from log" -l verify -d 'Check the hash chain of the run\'s rows: exit 1 naming the first edited or missing row'
complete -c hctl -n "__fish_hctl_using_subcommand playbook; and __fish_seen_subcommand_from log" -s y -l yes -d 'Proceed with destructive or production-affecting actions without asking'
complete -c hctl -n "__fish_hctl_using_subcommand playbook; and __fish_seen_subcommand_from log" -l no-color -d 'Disable colours (also when NO_COLOR is set)'
complete -c hctl -n "__fish_hctl_using_subcommand playbook; and __fish_seen_subcommand_from log" -s q -l quiet -d 'Print only data and errors: no progress, no notes'
complete -c hctl -n "__fish_hctl_using_subcommand playbook; and __fish_seen_subcommand_from log" -s v -l verbose -d 'More diagnostics on stderr (-v debug, -vv trace)'
complete -c hctl -n "__fish_hctl_using_subcommand playbook; and __fish_seen_subcommand_from log" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c hctl -n "__fish_hctl_using_subcommand playbook; and __fish_seen_subcommand_from log" -s V -l version -d 'Print version'
complete -c hctl -n "__fish_hctl_using_subcommand playbook; and __fish_seen_subcommand_from help" -f -a "list" -d 'List the playbooks with their phases and steps'
complete -c hctl -n "__fish_hctl_using_subcommand playbook; and __fish_seen_subcommand_from help" -f -a "show" -d 'Show a playbook\'s plan: every step in order, the rollback section last'
complete -c hctl -n "__fish_hctl_using_subcommand playbook; and __fish_seen_subcommand_from help" -f -a "run" -d 'Start a run: steps in order, recorded in the ledger; prints the run id on stderr'
complete -c hctl -n "__fish_hctl_using_subcommand playbook; and __fish_seen_subcommand_from help" -f -a "resume" -d 'Go on with a failed, interrupted or waiting run; passed steps are not run again'
complete -c hctl -n "__fish_hctl_using_subcommand playbook; and __fish_seen_subcommand_from help" -f -a "approve" -d 'Approve a confirm step of a run (as someone other than its starter)'
complete -c hctl -n "__fish_hctl_using_subcommand playbook; and __fish_seen_subcommand_from help" -f -a "runs" -d 'The runs of a playbook (default: every playbook), newest first'
complete -c hctl -n "__fish_hctl_using_subcommand playbook; and __fish_seen_subcommand_from help" -f -a "log" -d 'Every ledger row of a run; --verify checks the hash chain (exit 1 when broken)'
complete -c hctl -n "__fish_hctl_using_subcommand playbook; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c hctl -n "__fish_hctl_using_subcommand help; and not __fish_seen_subcommand_from config preflight checklist verify db completions man rollout rollback serve flags playbook help" -f -a "config" -d 'Show the effective configuration or validate config and YAML files'
complete -c hctl -n "__fish_hctl_using_subcommand help; and not __fish_seen_subcommand_from config preflight checklist verify db completions man rollout rollback serve flags playbook help" -f -a "preflight" -d 'Run checklists as a gate: automated checks concurrently, manual items by their ticks'
complete -c hctl -n "__fish_hctl_using_subcommand help; and not __fish_seen_subcommand_from config preflight checklist verify db completions man rollout rollback serve flags playbook help" -f -a "checklist" -d 'Launch checklists: list, show, tick off, progress, audit log, sign-off report'
complete -c hctl -n "__fish_hctl_using_subcommand help; and not __fish_seen_subcommand_from config preflight checklist verify db completions man rollout rollback serve flags playbook help" -f -a "verify" -d 'Verify DNS records, a TLS endpoint or security headers, standalone'
complete -c hctl -n "__fish_hctl_using_subcommand help; and not __fish_seen_subcommand_from config preflight checklist verify db completions man rollout rollback serve flags playbook help" -f -a "db" -d 'Back up, restore, verify and check the environment\'s database'
complete -c hctl -n "__fish_hctl_using_subcommand help; and not __fish_seen_subcommand_from config preflight checklist verify db completions man rollout rollback serve flags playbook help" -f -a "completions" -d 'Print a shell completion script to stdout'
complete -c hctl -n "__fish_hctl_using_subcommand help; and not __fish_seen_subcommand_from config preflight checklist verify db completions man rollout rollback serve flags playbook help" -f -a "man" -d 'Write the man pages (hctl.1 and one per subcommand)'
complete -c hctl -n "__fish_hctl_using_subcommand help; and not __fish_seen_subcommand_from config preflight checklist verify db completions man rollout rollback serve flags playbook help" -f -a "rollout" -d 'Deploy to Kubernetes: apply manifests, watch rollouts, history, restart'
complete -c hctl -n "__fish_hctl_using_subcommand help; and not __fish_seen_subcommand_from config preflight checklist verify db completions man rollout rollback serve flags playbook help" -f -a "rollback" -d 'Roll the Deployment back to the previous (or a given) revision'
complete -c hctl -n "__fish_hctl_using_subcommand help; and not __fish_seen_subcommand_from config preflight checklist verify db completions man rollout rollback serve flags playbook help" -f -a "serve" -d 'Run the Health Companion API server (SQLite by default, PostgreSQL with DATABASE_URL)'
complete -c hctl -n "__fish_hctl_using_subcommand help; and not __fish_seen_subcommand_from config preflight checklist verify db completions man rollout rollback serve flags playbook help" -f -a "flags" -d 'List and change feature flags through the server\'s admin API'
complete -c hctl -n "__fish_hctl_using_subcommand help; and not __fish_seen_subcommand_from config preflight checklist verify db completions man rollout rollback serve flags playbook help" -f -a "playbook" -d 'Launch, rollback and incident procedures as recorded, resumable runs'
complete -c hctl -n "__fish_hctl_using_subcommand help; and not __fish_seen_subcommand_from config preflight checklist verify db completions man rollout rollback serve flags playbook help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c hctl -n "__fish_hctl_using_subcommand help; and __fish_seen_subcommand_from config" -f -a "show" -d 'Print the effective settings of the selected environment, secrets redacted, with the layer each value came from'
complete -c hctl -n "__fish_hctl_using_subcommand help; and __fish_seen_subcommand_from config" -f -a "validate" -d 'Validate hctl.yaml (and every checklist and playbook file); exit 2 when a file is invalid, naming file:line:column'
complete -c hctl -n "__fish_hctl_using_subcommand help; and __fish_seen_subcommand_from checklist" -f -a "list" -d 'List the checklists with their item counts'
complete -c hctl -n "__fish_hctl_using_subcommand help; and __fish_seen_subcommand_from checklist" -f -a "show" -d 'Show every item of a checklist with its kind, owner and tick'
complete -c hctl -n "__fish_hctl_using_subcommand help; and __fish_seen_subcommand_from checklist" -f -a "tick" -d 'Tick items off (no ITEM: choose from the open items interactively)'
complete -c hctl -n "__fish_hctl_using_subcommand help; and __fish_seen_subcommand_from checklist" -f -a "untick" -d 'Take back a tick'
complete -c hctl -n "__fish_hctl_using_subcommand help; and __fish_seen_subcommand_from checklist" -f -a "status" -d 'Progress per section; --require-complete exits 1 while a critical item is open'
complete -c hctl -n "__fish_hctl_using_subcommand help; and __fish_seen_subcommand_from checklist" -f -a "log" -d 'Every tick and untick of a checklist, oldest first'
complete -c hctl -n "__fish_hctl_using_subcommand help; and __fish_seen_subcommand_from checklist" -f -a "report" -d 'Sign-off report: automated results and manual ticks with names and times'
complete -c hctl -n "__fish_hctl_using_subcommand help; and __fish_seen_subcommand_from verify" -f -a "dns" -d 'Look up DNS records and compare them with expected values'
complete -c hctl -n "__fish_hctl_using_subcommand help; and __fish_seen_subcommand_from verify" -f -a "tls" -d 'Handshake, chain, hostname, expiry and protocol of a TLS endpoint'
complete -c hctl -n "__fish_hctl_using_subcommand help; and __fish_seen_subcommand_from verify" -f -a "headers" -d 'The MDN HTTP Observatory\'s tests, score and grade for a site'
complete -c hctl -n "__fish_hctl_using_subcommand help; and __fish_seen_subcommand_from db" -f -a "migrate" -d 'Apply the embedded migrations (one transaction each, under an advisory lock on PostgreSQL so concurrent migrators apply each one once)'
complete -c hctl -n "__fish_hctl_using_subcommand help; and __fish_seen_subcommand_from db" -f -a "status" -d 'Show every migration\'s state: applied, pending, missing or changed'
complete -c hctl -n "__fish_hctl_using_subcommand help; and __fish_seen_subcommand_from db" -f -a "backup" -d 'Back up the environment\'s database into its backup storage (`storage` setting); the manifest is written last, so a failed backup never counts'
complete -c hctl -n "__fish_hctl_using_subcommand help; and __fish_seen_subcommand_from db" -f -a "backups" -d 'List the backups in the environment\'s storage, newest first'
complete -c hctl -n "__fish_hctl_using_subcommand help; and __fish_seen_subcommand_from db" -f -a "restore" -d 'Restore a backup over the environment\'s database (or into --into URL), after checking its SHA-256 and taking a safety backup of the target; refuses while others use the target; asks first unless --yes'
complete -c hctl -n "__fish_hctl_using_subcommand help; and __fish_seen_subcommand_from db" -f -a "verify" -d 'Check a backup: object present, size and SHA-256 match, archive readable; --deep also restores it into a scratch database and compares every table'
complete -c hctl -n "__fish_hctl_using_subcommand help; and __fish_seen_subcommand_from db" -f -a "prune" -d 'Delete old backups, keeping the newest --keep N that are not known-bad (and those younger than --keep-days); --dry-run shows what goes and why; asks first unless --yes'
complete -c hctl -n "__fish_hctl_using_subcommand help; and __fish_seen_subcommand_from db" -f -a "health" -d 'Check the database: reachable, version, schema, connections, replication, latest backup age; exit 1 when unhealthy'
complete -c hctl -n "__fish_hctl_using_subcommand help; and __fish_seen_subcommand_from rollout" -f -a "apply" -d 'Server-side apply every manifest of the directory (field manager `hctl`), recording the change-cause and the schema version the release expects'
complete -c hctl -n "__fish_hctl_using_subcommand help; and __fish_seen_subcommand_from rollout" -f -a "status" -d 'Say whether the Deployment\'s rollout is complete or still in progress (exit 0) or failed (exit 1); --wait waits for the outcome'
complete -c hctl -n "__fish_hctl_using_subcommand help; and __fish_seen_subcommand_from rollout" -f -a "history" -d 'List the Deployment\'s revisions: change-cause, image, creation time and schema version'
complete -c hctl -n "__fish_hctl_using_subcommand help; and __fish_seen_subcommand_from rollout" -f -a "restart" -d 'Restart every pod of the Deployment with a rolling update'
complete -c hctl -n "__fish_hctl_using_subcommand help; and __fish_seen_subcommand_from flags" -f -a "list" -d 'List every flag with its state, rollout percentage and group id'
complete -c hctl -n "__fish_hctl_using_subcommand help; and __fish_seen_subcommand_from flags" -f -a "get" -d 'Show one flag'
complete -c hctl -n "__fish_hctl_using_subcommand help; and __fish_seen_subcommand_from flags" -f -a "create" -d 'Create a flag (off unless --enabled); fails if it exists'
complete -c hctl -n "__fish_hctl_using_subcommand help; and __fish_seen_subcommand_from flags" -f -a "set" -d 'Change an existing flag: --enabled, --rollout, --description, --group-id (fields left out keep their value)'
complete -c hctl -n "__fish_hctl_using_subcommand help; and __fish_seen_subcommand_from flags" -f -a "enable" -d 'Turn an existing flag on (for everyone, or for --rollout percent of users)'
complete -c hctl -n "__fish_hctl_using_subcommand help; and __fish_seen_subcommand_from flags" -f -a "disable" -d 'Turn an existing flag off for everyone'
complete -c hctl -n "__fish_hctl_using_subcommand help; and __fish_seen_subcommand_from flags" -f -a "delete" -d 'Delete a flag (asks first; --yes when not on a terminal)'
complete -c hctl -n "__fish_hctl_using_subcommand help; and __fish_seen_subcommand_from playbook" -f -a "list" -d 'List the playbooks with their phases and steps'
complete -c hctl -n "__fish_hctl_using_subcommand help; and __fish_seen_subcommand_from playbook" -f -a "show" -d 'Show a playbook\'s plan: every step in order, the rollback section last'
complete -c hctl -n "__fish_hctl_using_subcommand help; and __fish_seen_subcommand_from playbook" -f -a "run" -d 'Start a run: steps in order, recorded in the ledger; prints the run id on stderr'
complete -c hctl -n "__fish_hctl_using_subcommand help; and __fish_seen_subcommand_from playbook" -f -a "resume" -d 'Go on with a failed, interrupted or waiting run; passed steps are not run again'
complete -c hctl -n "__fish_hctl_using_subcommand help; and __fish_seen_subcommand_from playbook" -f -a "approve" -d 'Approve a confirm step of a run (as someone other than its starter)'
complete -c hctl -n "__fish_hctl_using_subcommand help; and __fish_seen_subcommand_from playbook" -f -a "runs" -d 'The runs of a playbook (default: every playbook), newest first'
complete -c hctl -n "__fish_hctl_using_subcommand help; and __fish_seen_subcommand_from playbook" -f -a "log" -d 'Every ledger row of a run; --verify checks the hash chain (exit 1 when broken)'
