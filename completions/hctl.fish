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
complete -c hctl -n "__fish_hctl_needs_command" -f -a "completions" -d 'Print a shell completion script to stdout'
complete -c hctl -n "__fish_hctl_needs_command" -f -a "man" -d 'Write the man pages (hctl.1 and one per subcommand)'
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
complete -c hctl -n "__fish_hctl_using_subcommand help; and not __fish_seen_subcommand_from config completions man help" -f -a "config" -d 'Show the effective configuration or validate config and YAML files'
complete -c hctl -n "__fish_hctl_using_subcommand help; and not __fish_seen_subcommand_from config completions man help" -f -a "completions" -d 'Print a shell completion script to stdout'
complete -c hctl -n "__fish_hctl_using_subcommand help; and not __fish_seen_subcommand_from config completions man help" -f -a "man" -d 'Write the man pages (hctl.1 and one per subcommand)'
complete -c hctl -n "__fish_hctl_using_subcommand help; and not __fish_seen_subcommand_from config completions man help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c hctl -n "__fish_hctl_using_subcommand help; and __fish_seen_subcommand_from config" -f -a "show" -d 'Print the effective settings of the selected environment, secrets redacted, with the layer each value came from'
complete -c hctl -n "__fish_hctl_using_subcommand help; and __fish_seen_subcommand_from config" -f -a "validate" -d 'Validate hctl.yaml (and every checklist and playbook file); exit 2 when a file is invalid, naming file:line:column'
