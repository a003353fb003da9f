
using namespace System.Management.Automation
using namespace System.Management.Automation.Language

Register-ArgumentCompleter -Native -CommandName 'hctl' -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)

    $commandElements = $commandAst.CommandElements
    $command = @(
        'hctl'
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
        'hctl' {
            [CompletionResult]::new('--env', '--env', [CompletionResultType]::ParameterName, 'Target environment from the config file (default: `default_env`, else `local`)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file (default: ./hctl.yaml when present)')
            [CompletionResult]::new('--set', '--set', [CompletionResultType]::ParameterName, 'Override one setting for this run, e.g. --set url=http://127.0.0.1:8080')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Proceed with destructive or production-affecting actions without asking')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Proceed with destructive or production-affecting actions without asking')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Disable colours (also when NO_COLOR is set)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only data and errors: no progress, no notes')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only data and errors: no progress, no notes')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More diagnostics on stderr (-v debug, -vv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More diagnostics on stderr (-v debug, -vv trace)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('config', 'config', [CompletionResultType]::ParameterValue, 'Show the effective configuration or validate config and YAML files')
            [CompletionResult]::new('preflight', 'preflight', [CompletionResultType]::ParameterValue, 'Run checklists as a gate: automated checks concurrently, manual items by their ticks')
            [CompletionResult]::new('checklist', 'checklist', [CompletionResultType]::ParameterValue, 'Launch checklists: list, show, tick off, progress, audit log, sign-off report')
            [CompletionResult]::new('verify', 'verify', [CompletionResultType]::ParameterValue, 'Verify DNS records, a TLS endpoint or security headers, standalone')
            [CompletionResult]::new('db', 'db', [CompletionResultType]::ParameterValue, 'Back up, restore, verify and check the environment''s database')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print a shell completion script to stdout')
            [CompletionResult]::new('man', 'man', [CompletionResultType]::ParameterValue, 'Write the man pages (hctl.1 and one per subcommand)')
            [CompletionResult]::new('rollout', 'rollout', [CompletionResultType]::ParameterValue, 'Deploy to Kubernetes: apply manifests, watch rollouts, history, restart')
            [CompletionResult]::new('rollback', 'rollback', [CompletionResultType]::ParameterValue, 'Roll the Deployment back to the previous (or a given) revision')
            [CompletionResult]::new('serve', 'serve', [CompletionResultType]::ParameterValue, 'Run the Health Companion API server (SQLite by default, PostgreSQL with DATABASE_URL)')
            [CompletionResult]::new('flags', 'flags', [CompletionResultType]::ParameterValue, 'List and change feature flags through the server''s admin API')
            [CompletionResult]::new('playbook', 'playbook', [CompletionResultType]::ParameterValue, 'Launch, rollback and incident procedures as recorded, resumable runs')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'hctl;config' {
            [CompletionResult]::new('--env', '--env', [CompletionResultType]::ParameterName, 'Target environment from the config file (default: `default_env`, else `local`)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file (default: ./hctl.yaml when present)')
            [CompletionResult]::new('--set', '--set', [CompletionResultType]::ParameterName, 'Override one setting for this run, e.g. --set url=http://127.0.0.1:8080')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Proceed with destructive or production-affecting actions without asking')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Proceed with destructive or production-affecting actions without asking')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Disable colours (also when NO_COLOR is set)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only data and errors: no progress, no notes')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only data and errors: no progress, no notes')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More diagnostics on stderr (-v debug, -vv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More diagnostics on stderr (-v debug, -vv trace)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Print the effective settings of the selected environment, secrets redacted, with the layer each value came from')
            [CompletionResult]::new('validate', 'validate', [CompletionResultType]::ParameterValue, 'Validate hctl.yaml (and every checklist and playbook file); exit 2 when a file is invalid, naming file:line:column')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'hctl;config;show' {
            [CompletionResult]::new('--env', '--env', [CompletionResultType]::ParameterName, 'Target environment from the config file (default: `default_env`, else `local`)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file (default: ./hctl.yaml when present)')
            [CompletionResult]::new('--set', '--set', [CompletionResultType]::ParameterName, 'Override one setting for this run, e.g. --set url=http://127.0.0.1:8080')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Proceed with destructive or production-affecting actions without asking')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Proceed with destructive or production-affecting actions without asking')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Disable colours (also when NO_COLOR is set)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only data and errors: no progress, no notes')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only data and errors: no progress, no notes')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More diagnostics on stderr (-v debug, -vv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More diagnostics on stderr (-v debug, -vv trace)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hctl;config;validate' {
            [CompletionResult]::new('--env', '--env', [CompletionResultType]::ParameterName, 'Target environment from the config file (default: `default_env`, else `local`)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file (default: ./hctl.yaml when present)')
            [CompletionResult]::new('--set', '--set', [CompletionResultType]::ParameterName, 'Override one setting for this run, e.g. --set url=http://127.0.0.1:8080')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Proceed with destructive or production-affecting actions without asking')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Proceed with destructive or production-affecting actions without asking')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Disable colours (also when NO_COLOR is set)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only data and errors: no progress, no notes')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only data and errors: no progress, no notes')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More diagnostics on stderr (-v debug, -vv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More diagnostics on stderr (-v debug, -vv trace)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hctl;config;help' {
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Print the effective settings of the selected environment, secrets redacted, with the layer each value came from')
            [CompletionResult]::new('validate', 'validate', [CompletionResultType]::ParameterValue, 'Validate hctl.yaml (and every checklist and playbook file); exit 2 when a file is invalid, naming file:line:column')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'hctl;config;help;show' {
            break
        }
        'hctl;config;help;validate' {
            break
        }
        'hctl;config;help;help' {
            break
        }
        'hctl;preflight' {
            [CompletionResult]::new('-c', '-c', [CompletionResultType]::ParameterName, 'Checklist file or name (`pre-launch` → checklists/pre-launch.yaml); repeatable; default: every file in checklists/')
            [CompletionResult]::new('--checklist', '--checklist', [CompletionResultType]::ParameterName, 'Checklist file or name (`pre-launch` → checklists/pre-launch.yaml); repeatable; default: every file in checklists/')
            [CompletionResult]::new('--tag', '--tag', [CompletionResultType]::ParameterName, 'Run only items with this tag (repeatable: any of them)')
            [CompletionResult]::new('--only', '--only', [CompletionResultType]::ParameterName, 'Run only this item id (repeatable)')
            [CompletionResult]::new('--exclude', '--exclude', [CompletionResultType]::ParameterName, 'Leave out this item id (repeatable)')
            [CompletionResult]::new('--fail-on', '--fail-on', [CompletionResultType]::ParameterName, 'Lowest severity whose failure fails the run (exit 1)')
            [CompletionResult]::new('--concurrency', '--concurrency', [CompletionResultType]::ParameterName, 'Checks in flight at once')
            [CompletionResult]::new('--deadline', '--deadline', [CompletionResultType]::ParameterName, 'Overall time limit; checks still running then fail with a timeout (e.g. 90s, 5m)')
            [CompletionResult]::new('--env', '--env', [CompletionResultType]::ParameterName, 'Target environment from the config file (default: `default_env`, else `local`)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file (default: ./hctl.yaml when present)')
            [CompletionResult]::new('--set', '--set', [CompletionResultType]::ParameterName, 'Override one setting for this run, e.g. --set url=http://127.0.0.1:8080')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--skip-manual', '--skip-manual', [CompletionResultType]::ParameterName, 'Do not count unticked manual items as failures (they are skipped)')
            [CompletionResult]::new('--allow-empty', '--allow-empty', [CompletionResultType]::ParameterName, 'Pass even when every selected item was skipped (by default a run that verified nothing fails: exit 1)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Proceed with destructive or production-affecting actions without asking')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Proceed with destructive or production-affecting actions without asking')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Disable colours (also when NO_COLOR is set)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only data and errors: no progress, no notes')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only data and errors: no progress, no notes')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More diagnostics on stderr (-v debug, -vv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More diagnostics on stderr (-v debug, -vv trace)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hctl;checklist' {
            [CompletionResult]::new('--env', '--env', [CompletionResultType]::ParameterName, 'Target environment from the config file (default: `default_env`, else `local`)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file (default: ./hctl.yaml when present)')
            [CompletionResult]::new('--set', '--set', [CompletionResultType]::ParameterName, 'Override one setting for this run, e.g. --set url=http://127.0.0.1:8080')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Proceed with destructive or production-affecting actions without asking')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Proceed with destructive or production-affecting actions without asking')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Disable colours (also when NO_COLOR is set)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only data and errors: no progress, no notes')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only data and errors: no progress, no notes')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More diagnostics on stderr (-v debug, -vv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More diagnostics on stderr (-v debug, -vv trace)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List the checklists with their item counts')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Show every item of a checklist with its kind, owner and tick')
            [CompletionResult]::new('tick', 'tick', [CompletionResultType]::ParameterValue, 'Tick items off (no ITEM: choose from the open items interactively)')
            [CompletionResult]::new('untick', 'untick', [CompletionResultType]::ParameterValue, 'Take back a tick')
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'Progress per section; --require-complete exits 1 while a critical item is open')
            [CompletionResult]::new('log', 'log', [CompletionResultType]::ParameterValue, 'Every tick and untick of a checklist, oldest first')
            [CompletionResult]::new('report', 'report', [CompletionResultType]::ParameterValue, 'Sign-off report: automated results and manual ticks with names and times')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'hctl;checklist;list' {
            [CompletionResult]::new('--env', '--env', [CompletionResultType]::ParameterName, 'Target environment from the config file (default: `default_env`, else `local`)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file (default: ./hctl.yaml when present)')
            [CompletionResult]::new('--set', '--set', [CompletionResultType]::ParameterName, 'Override one setting for this run, e.g. --set url=http://127.0.0.1:8080')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Proceed with destructive or production-affecting actions without asking')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Proceed with destructive or production-affecting actions without asking')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Disable colours (also when NO_COLOR is set)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only data and errors: no progress, no notes')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only data and errors: no progress, no notes')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More diagnostics on stderr (-v debug, -vv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More diagnostics on stderr (-v debug, -vv trace)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hctl;checklist;show' {
            [CompletionResult]::new('--env', '--env', [CompletionResultType]::ParameterName, 'Target environment from the config file (default: `default_env`, else `local`)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file (default: ./hctl.yaml when present)')
            [CompletionResult]::new('--set', '--set', [CompletionResultType]::ParameterName, 'Override one setting for this run, e.g. --set url=http://127.0.0.1:8080')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Proceed with destructive or production-affecting actions without asking')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Proceed with destructive or production-affecting actions without asking')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Disable colours (also when NO_COLOR is set)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only data and errors: no progress, no notes')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only data and errors: no progress, no notes')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More diagnostics on stderr (-v debug, -vv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More diagnostics on stderr (-v debug, -vv trace)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hctl;checklist;tick' {
            [CompletionResult]::new('--note', '--note', [CompletionResultType]::ParameterName, 'Why, or where the evidence is')
            [CompletionResult]::new('--as', '--as', [CompletionResultType]::ParameterName, 'Who ticks (default: $USER)')
            [CompletionResult]::new('--env', '--env', [CompletionResultType]::ParameterName, 'Target environment from the config file (default: `default_env`, else `local`)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file (default: ./hctl.yaml when present)')
            [CompletionResult]::new('--set', '--set', [CompletionResultType]::ParameterName, 'Override one setting for this run, e.g. --set url=http://127.0.0.1:8080')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Proceed with destructive or production-affecting actions without asking')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Proceed with destructive or production-affecting actions without asking')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Disable colours (also when NO_COLOR is set)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only data and errors: no progress, no notes')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only data and errors: no progress, no notes')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More diagnostics on stderr (-v debug, -vv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More diagnostics on stderr (-v debug, -vv trace)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hctl;checklist;untick' {
            [CompletionResult]::new('--note', '--note', [CompletionResultType]::ParameterName, 'Why, or where the evidence is')
            [CompletionResult]::new('--as', '--as', [CompletionResultType]::ParameterName, 'Who ticks (default: $USER)')
            [CompletionResult]::new('--env', '--env', [CompletionResultType]::ParameterName, 'Target environment from the config file (default: `default_env`, else `local`)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file (default: ./hctl.yaml when present)')
            [CompletionResult]::new('--set', '--set', [CompletionResultType]::ParameterName, 'Override one setting for this run, e.g. --set url=http://127.0.0.1:8080')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Proceed with destructive or production-affecting actions without asking')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Proceed with destructive or production-affecting actions without asking')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Disable colours (also when NO_COLOR is set)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only data and errors: no progress, no notes')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only data and errors: no progress, no notes')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More diagnostics on stderr (-v debug, -vv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More diagnostics on stderr (-v debug, -vv trace)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hctl;checklist;status' {
            [CompletionResult]::new('--env', '--env', [CompletionResultType]::ParameterName, 'Target environment from the config file (default: `default_env`, else `local`)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file (default: ./hctl.yaml when present)')
            [CompletionResult]::new('--set', '--set', [CompletionResultType]::ParameterName, 'Override one setting for this run, e.g. --set url=http://127.0.0.1:8080')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--require-complete', '--require-complete', [CompletionResultType]::ParameterName, 'Exit 1 while any critical manual item is not ticked')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Proceed with destructive or production-affecting actions without asking')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Proceed with destructive or production-affecting actions without asking')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Disable colours (also when NO_COLOR is set)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only data and errors: no progress, no notes')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only data and errors: no progress, no notes')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More diagnostics on stderr (-v debug, -vv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More diagnostics on stderr (-v debug, -vv trace)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hctl;checklist;log' {
            [CompletionResult]::new('--env', '--env', [CompletionResultType]::ParameterName, 'Target environment from the config file (default: `default_env`, else `local`)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file (default: ./hctl.yaml when present)')
            [CompletionResult]::new('--set', '--set', [CompletionResultType]::ParameterName, 'Override one setting for this run, e.g. --set url=http://127.0.0.1:8080')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Proceed with destructive or production-affecting actions without asking')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Proceed with destructive or production-affecting actions without asking')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Disable colours (also when NO_COLOR is set)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only data and errors: no progress, no notes')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only data and errors: no progress, no notes')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More diagnostics on stderr (-v debug, -vv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More diagnostics on stderr (-v debug, -vv trace)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hctl;checklist;report' {
            [CompletionResult]::new('--tag', '--tag', [CompletionResultType]::ParameterName, 'Report only items with this tag (repeatable: any of them), e.g. `--tag local` so a local report never runs the production checks')
            [CompletionResult]::new('--env', '--env', [CompletionResultType]::ParameterName, 'Target environment from the config file (default: `default_env`, else `local`)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file (default: ./hctl.yaml when present)')
            [CompletionResult]::new('--set', '--set', [CompletionResultType]::ParameterName, 'Override one setting for this run, e.g. --set url=http://127.0.0.1:8080')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--no-checks', '--no-checks', [CompletionResultType]::ParameterName, 'Do not run the automated items (report ticks only)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Proceed with destructive or production-affecting actions without asking')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Proceed with destructive or production-affecting actions without asking')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Disable colours (also when NO_COLOR is set)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only data and errors: no progress, no notes')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only data and errors: no progress, no notes')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More diagnostics on stderr (-v debug, -vv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More diagnostics on stderr (-v debug, -vv trace)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hctl;checklist;help' {
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List the checklists with their item counts')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Show every item of a checklist with its kind, owner and tick')
            [CompletionResult]::new('tick', 'tick', [CompletionResultType]::ParameterValue, 'Tick items off (no ITEM: choose from the open items interactively)')
            [CompletionResult]::new('untick', 'untick', [CompletionResultType]::ParameterValue, 'Take back a tick')
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'Progress per section; --require-complete exits 1 while a critical item is open')
            [CompletionResult]::new('log', 'log', [CompletionResultType]::ParameterValue, 'Every tick and untick of a checklist, oldest first')
            [CompletionResult]::new('report', 'report', [CompletionResultType]::ParameterValue, 'Sign-off report: automated results and manual ticks with names and times')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'hctl;checklist;help;list' {
            break
        }
        'hctl;checklist;help;show' {
            break
        }
        'hctl;checklist;help;tick' {
            break
        }
        'hctl;checklist;help;untick' {
            break
        }
        'hctl;checklist;help;status' {
            break
        }
        'hctl;checklist;help;log' {
            break
        }
        'hctl;checklist;help;report' {
            break
        }
        'hctl;checklist;help;help' {
            break
        }
        'hctl;verify' {
            [CompletionResult]::new('--env', '--env', [CompletionResultType]::ParameterName, 'Target environment from the config file (default: `default_env`, else `local`)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file (default: ./hctl.yaml when present)')
            [CompletionResult]::new('--set', '--set', [CompletionResultType]::ParameterName, 'Override one setting for this run, e.g. --set url=http://127.0.0.1:8080')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Proceed with destructive or production-affecting actions without asking')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Proceed with destructive or production-affecting actions without asking')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Disable colours (also when NO_COLOR is set)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only data and errors: no progress, no notes')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only data and errors: no progress, no notes')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More diagnostics on stderr (-v debug, -vv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More diagnostics on stderr (-v debug, -vv trace)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('dns', 'dns', [CompletionResultType]::ParameterValue, 'Look up DNS records and compare them with expected values')
            [CompletionResult]::new('tls', 'tls', [CompletionResultType]::ParameterValue, 'Handshake, chain, hostname, expiry and protocol of a TLS endpoint')
            [CompletionResult]::new('headers', 'headers', [CompletionResultType]::ParameterValue, 'The MDN HTTP Observatory''s tests, score and grade for a site')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'hctl;verify;dns' {
            [CompletionResult]::new('-t', '-t', [CompletionResultType]::ParameterName, 'Record type: A, AAAA, CNAME, TXT, CAA, MX')
            [CompletionResult]::new('--type', '--type', [CompletionResultType]::ParameterName, 'Record type: A, AAAA, CNAME, TXT, CAA, MX')
            [CompletionResult]::new('--expect', '--expect', [CompletionResultType]::ParameterName, 'A value that must be among the records (repeatable)')
            [CompletionResult]::new('--nameserver', '--nameserver', [CompletionResultType]::ParameterName, 'Nameserver to ask, IP or IP:PORT (default: the system resolver)')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Time limit per attempt')
            [CompletionResult]::new('--retries', '--retries', [CompletionResultType]::ParameterName, 'Extra attempts after a failure')
            [CompletionResult]::new('--env', '--env', [CompletionResultType]::ParameterName, 'Target environment from the config file (default: `default_env`, else `local`)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file (default: ./hctl.yaml when present)')
            [CompletionResult]::new('--set', '--set', [CompletionResultType]::ParameterName, 'Override one setting for this run, e.g. --set url=http://127.0.0.1:8080')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--exact', '--exact', [CompletionResultType]::ParameterName, 'The records must be exactly the --expect values')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Proceed with destructive or production-affecting actions without asking')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Proceed with destructive or production-affecting actions without asking')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Disable colours (also when NO_COLOR is set)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only data and errors: no progress, no notes')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only data and errors: no progress, no notes')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More diagnostics on stderr (-v debug, -vv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More diagnostics on stderr (-v debug, -vv trace)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hctl;verify;tls' {
            [CompletionResult]::new('--servername', '--servername', [CompletionResultType]::ParameterName, 'Server name for SNI and verification (default: HOST)')
            [CompletionResult]::new('--min-days', '--min-days', [CompletionResultType]::ParameterName, 'Fail when the certificate expires in fewer days')
            [CompletionResult]::new('--warn-days', '--warn-days', [CompletionResultType]::ParameterName, 'Warn when the certificate expires in fewer days')
            [CompletionResult]::new('--ca-file', '--ca-file', [CompletionResultType]::ParameterName, 'Trust only the certificates in this PEM file (default: system roots)')
            [CompletionResult]::new('--min-protocol', '--min-protocol', [CompletionResultType]::ParameterName, 'Oldest protocol the server may still accept: 1.0, 1.1, 1.2 or 1.3 (SSL 3.0, TLS 1.0 and 1.1 are probed with hand-written hellos)')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Time limit per attempt')
            [CompletionResult]::new('--retries', '--retries', [CompletionResultType]::ParameterName, 'Extra attempts after a failure')
            [CompletionResult]::new('--env', '--env', [CompletionResultType]::ParameterName, 'Target environment from the config file (default: `default_env`, else `local`)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file (default: ./hctl.yaml when present)')
            [CompletionResult]::new('--set', '--set', [CompletionResultType]::ParameterName, 'Override one setting for this run, e.g. --set url=http://127.0.0.1:8080')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--tls13-only', '--tls13-only', [CompletionResultType]::ParameterName, 'Same as --min-protocol 1.3: refuse servers that still accept 1.2')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Proceed with destructive or production-affecting actions without asking')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Proceed with destructive or production-affecting actions without asking')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Disable colours (also when NO_COLOR is set)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only data and errors: no progress, no notes')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only data and errors: no progress, no notes')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More diagnostics on stderr (-v debug, -vv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More diagnostics on stderr (-v debug, -vv trace)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hctl;verify;headers' {
            [CompletionResult]::new('--min-score', '--min-score', [CompletionResultType]::ParameterName, 'Also fail when the Observatory''s score is below this')
            [CompletionResult]::new('--ca-file', '--ca-file', [CompletionResultType]::ParameterName, 'Trust only the certificates in this PEM file')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Time limit per attempt')
            [CompletionResult]::new('--retries', '--retries', [CompletionResultType]::ParameterName, 'Extra attempts after a failure')
            [CompletionResult]::new('--env', '--env', [CompletionResultType]::ParameterName, 'Target environment from the config file (default: `default_env`, else `local`)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file (default: ./hctl.yaml when present)')
            [CompletionResult]::new('--set', '--set', [CompletionResultType]::ParameterName, 'Override one setting for this run, e.g. --set url=http://127.0.0.1:8080')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Proceed with destructive or production-affecting actions without asking')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Proceed with destructive or production-affecting actions without asking')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Disable colours (also when NO_COLOR is set)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only data and errors: no progress, no notes')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only data and errors: no progress, no notes')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More diagnostics on stderr (-v debug, -vv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More diagnostics on stderr (-v debug, -vv trace)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hctl;verify;help' {
            [CompletionResult]::new('dns', 'dns', [CompletionResultType]::ParameterValue, 'Look up DNS records and compare them with expected values')
            [CompletionResult]::new('tls', 'tls', [CompletionResultType]::ParameterValue, 'Handshake, chain, hostname, expiry and protocol of a TLS endpoint')
            [CompletionResult]::new('headers', 'headers', [CompletionResultType]::ParameterValue, 'The MDN HTTP Observatory''s tests, score and grade for a site')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'hctl;verify;help;dns' {
            break
        }
        'hctl;verify;help;tls' {
            break
        }
        'hctl;verify;help;headers' {
            break
        }
        'hctl;verify;help;help' {
            break
        }
        'hctl;db' {
            [CompletionResult]::new('--env', '--env', [CompletionResultType]::ParameterName, 'Target environment from the config file (default: `default_env`, else `local`)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file (default: ./hctl.yaml when present)')
            [CompletionResult]::new('--set', '--set', [CompletionResultType]::ParameterName, 'Override one setting for this run, e.g. --set url=http://127.0.0.1:8080')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Proceed with destructive or production-affecting actions without asking')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Proceed with destructive or production-affecting actions without asking')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Disable colours (also when NO_COLOR is set)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only data and errors: no progress, no notes')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only data and errors: no progress, no notes')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More diagnostics on stderr (-v debug, -vv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More diagnostics on stderr (-v debug, -vv trace)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('migrate', 'migrate', [CompletionResultType]::ParameterValue, 'Apply the embedded migrations (one transaction each, under an advisory lock on PostgreSQL so concurrent migrators apply each one once)')
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'Show every migration''s state: applied, pending, missing or changed')
            [CompletionResult]::new('backup', 'backup', [CompletionResultType]::ParameterValue, 'Back up the environment''s database into its backup storage (`storage` setting); the manifest is written last, so a failed backup never counts')
            [CompletionResult]::new('backups', 'backups', [CompletionResultType]::ParameterValue, 'List the backups in the environment''s storage, newest first')
            [CompletionResult]::new('restore', 'restore', [CompletionResultType]::ParameterValue, 'Restore a backup over the environment''s database (or into --into URL), after checking its SHA-256 and taking a safety backup of the target; refuses while others use the target; asks first unless --yes')
            [CompletionResult]::new('verify', 'verify', [CompletionResultType]::ParameterValue, 'Check a backup: object present, size and SHA-256 match, archive readable; --deep also restores it into a scratch database and compares every table')
            [CompletionResult]::new('prune', 'prune', [CompletionResultType]::ParameterValue, 'Delete old backups, keeping the newest --keep N that are not known-bad (and those younger than --keep-days); --dry-run shows what goes and why; asks first unless --yes')
            [CompletionResult]::new('health', 'health', [CompletionResultType]::ParameterValue, 'Check the database: reachable, version, schema, connections, replication, latest backup age; exit 1 when unhealthy')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'hctl;db;migrate' {
            [CompletionResult]::new('--lock-timeout', '--lock-timeout', [CompletionResultType]::ParameterName, 'How long to wait for another migrator''s lock (PostgreSQL), in seconds')
            [CompletionResult]::new('--env', '--env', [CompletionResultType]::ParameterName, 'Target environment from the config file (default: `default_env`, else `local`)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file (default: ./hctl.yaml when present)')
            [CompletionResult]::new('--set', '--set', [CompletionResultType]::ParameterName, 'Override one setting for this run, e.g. --set url=http://127.0.0.1:8080')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Show what would be applied, change nothing')
            [CompletionResult]::new('--lint', '--lint', [CompletionResultType]::ParameterName, 'Only check the pending migrations for destructive or locking statements and apply nothing: exit 0 when clean, 1 with findings')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Proceed with destructive or production-affecting actions without asking')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Proceed with destructive or production-affecting actions without asking')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Disable colours (also when NO_COLOR is set)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only data and errors: no progress, no notes')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only data and errors: no progress, no notes')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More diagnostics on stderr (-v debug, -vv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More diagnostics on stderr (-v debug, -vv trace)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hctl;db;status' {
            [CompletionResult]::new('--env', '--env', [CompletionResultType]::ParameterName, 'Target environment from the config file (default: `default_env`, else `local`)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file (default: ./hctl.yaml when present)')
            [CompletionResult]::new('--set', '--set', [CompletionResultType]::ParameterName, 'Override one setting for this run, e.g. --set url=http://127.0.0.1:8080')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Proceed with destructive or production-affecting actions without asking')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Proceed with destructive or production-affecting actions without asking')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Disable colours (also when NO_COLOR is set)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only data and errors: no progress, no notes')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only data and errors: no progress, no notes')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More diagnostics on stderr (-v debug, -vv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More diagnostics on stderr (-v debug, -vv trace)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hctl;db;backup' {
            [CompletionResult]::new('--note', '--note', [CompletionResultType]::ParameterName, 'A note stored in the manifest (e.g. "before v2.3 migration")')
            [CompletionResult]::new('--env', '--env', [CompletionResultType]::ParameterName, 'Target environment from the config file (default: `default_env`, else `local`)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file (default: ./hctl.yaml when present)')
            [CompletionResult]::new('--set', '--set', [CompletionResultType]::ParameterName, 'Override one setting for this run, e.g. --set url=http://127.0.0.1:8080')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Proceed with destructive or production-affecting actions without asking')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Proceed with destructive or production-affecting actions without asking')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Disable colours (also when NO_COLOR is set)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only data and errors: no progress, no notes')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only data and errors: no progress, no notes')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More diagnostics on stderr (-v debug, -vv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More diagnostics on stderr (-v debug, -vv trace)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hctl;db;backups' {
            [CompletionResult]::new('--env', '--env', [CompletionResultType]::ParameterName, 'Target environment from the config file (default: `default_env`, else `local`)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file (default: ./hctl.yaml when present)')
            [CompletionResult]::new('--set', '--set', [CompletionResultType]::ParameterName, 'Override one setting for this run, e.g. --set url=http://127.0.0.1:8080')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Proceed with destructive or production-affecting actions without asking')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Proceed with destructive or production-affecting actions without asking')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Disable colours (also when NO_COLOR is set)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only data and errors: no progress, no notes')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only data and errors: no progress, no notes')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More diagnostics on stderr (-v debug, -vv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More diagnostics on stderr (-v debug, -vv trace)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hctl;db;restore' {
            [CompletionResult]::new('--backup-id', '--backup-id', [CompletionResultType]::ParameterName, 'Backup to restore: `latest` (the newest regular backup whose last verification did not fail) or an id from `hctl db backups`')
            [CompletionResult]::new('--into', '--into', [CompletionResultType]::ParameterName, 'Restore into this database URL instead (created when it does not exist)')
            [CompletionResult]::new('--env', '--env', [CompletionResultType]::ParameterName, 'Target environment from the config file (default: `default_env`, else `local`)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file (default: ./hctl.yaml when present)')
            [CompletionResult]::new('--set', '--set', [CompletionResultType]::ParameterName, 'Override one setting for this run, e.g. --set url=http://127.0.0.1:8080')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Restore even when the target''s schema version is newer than the backup''s, or while other sessions or processes are using the target')
            [CompletionResult]::new('--no-safety-backup', '--no-safety-backup', [CompletionResultType]::ParameterName, 'Do not back the target up first (then the restore cannot be undone)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Proceed with destructive or production-affecting actions without asking')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Proceed with destructive or production-affecting actions without asking')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Disable colours (also when NO_COLOR is set)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only data and errors: no progress, no notes')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only data and errors: no progress, no notes')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More diagnostics on stderr (-v debug, -vv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More diagnostics on stderr (-v debug, -vv trace)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hctl;db;verify' {
            [CompletionResult]::new('--backup-id', '--backup-id', [CompletionResultType]::ParameterName, 'Backup to check: `latest` (the newest regular backup whose last verification did not fail) or an id; without it, compare the live database with the backup it was restored from')
            [CompletionResult]::new('--env', '--env', [CompletionResultType]::ParameterName, 'Target environment from the config file (default: `default_env`, else `local`)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file (default: ./hctl.yaml when present)')
            [CompletionResult]::new('--set', '--set', [CompletionResultType]::ParameterName, 'Override one setting for this run, e.g. --set url=http://127.0.0.1:8080')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--deep', '--deep', [CompletionResultType]::ParameterName, 'Also restore into a scratch database, compare row counts and checksums table by table, and record the restore time (the real RTO)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Proceed with destructive or production-affecting actions without asking')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Proceed with destructive or production-affecting actions without asking')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Disable colours (also when NO_COLOR is set)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only data and errors: no progress, no notes')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only data and errors: no progress, no notes')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More diagnostics on stderr (-v debug, -vv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More diagnostics on stderr (-v debug, -vv trace)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hctl;db;prune' {
            [CompletionResult]::new('--keep', '--keep', [CompletionResultType]::ParameterName, 'Keep this many newest backups that are not known-bad (at least 1); backups whose last verification failed never count')
            [CompletionResult]::new('--keep-days', '--keep-days', [CompletionResultType]::ParameterName, 'Also keep every backup younger than this many days (known-bad ones excepted)')
            [CompletionResult]::new('--keep-safety-days', '--keep-safety-days', [CompletionResultType]::ParameterName, 'Keep safety backups (taken by `hctl db restore`) younger than this many days')
            [CompletionResult]::new('--env', '--env', [CompletionResultType]::ParameterName, 'Target environment from the config file (default: `default_env`, else `local`)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file (default: ./hctl.yaml when present)')
            [CompletionResult]::new('--set', '--set', [CompletionResultType]::ParameterName, 'Override one setting for this run, e.g. --set url=http://127.0.0.1:8080')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Show what would be deleted, what stays and why; delete nothing')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Proceed with destructive or production-affecting actions without asking')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Proceed with destructive or production-affecting actions without asking')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Disable colours (also when NO_COLOR is set)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only data and errors: no progress, no notes')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only data and errors: no progress, no notes')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More diagnostics on stderr (-v debug, -vv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More diagnostics on stderr (-v debug, -vv trace)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hctl;db;health' {
            [CompletionResult]::new('--min-version', '--min-version', [CompletionResultType]::ParameterName, 'Lowest PostgreSQL major version that passes (older gives a warning)')
            [CompletionResult]::new('--max-backup-age', '--max-backup-age', [CompletionResultType]::ParameterName, 'The latest backup must be younger than this many hours')
            [CompletionResult]::new('--env', '--env', [CompletionResultType]::ParameterName, 'Target environment from the config file (default: `default_env`, else `local`)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file (default: ./hctl.yaml when present)')
            [CompletionResult]::new('--set', '--set', [CompletionResultType]::ParameterName, 'Override one setting for this run, e.g. --set url=http://127.0.0.1:8080')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Proceed with destructive or production-affecting actions without asking')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Proceed with destructive or production-affecting actions without asking')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Disable colours (also when NO_COLOR is set)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only data and errors: no progress, no notes')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only data and errors: no progress, no notes')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More diagnostics on stderr (-v debug, -vv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More diagnostics on stderr (-v debug, -vv trace)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hctl;db;help' {
            [CompletionResult]::new('migrate', 'migrate', [CompletionResultType]::ParameterValue, 'Apply the embedded migrations (one transaction each, under an advisory lock on PostgreSQL so concurrent migrators apply each one once)')
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'Show every migration''s state: applied, pending, missing or changed')
            [CompletionResult]::new('backup', 'backup', [CompletionResultType]::ParameterValue, 'Back up the environment''s database into its backup storage (`storage` setting); the manifest is written last, so a failed backup never counts')
            [CompletionResult]::new('backups', 'backups', [CompletionResultType]::ParameterValue, 'List the backups in the environment''s storage, newest first')
            [CompletionResult]::new('restore', 'restore', [CompletionResultType]::ParameterValue, 'Restore a backup over the environment''s database (or into --into URL), after checking its SHA-256 and taking a safety backup of the target; refuses while others use the target; asks first unless --yes')
            [CompletionResult]::new('verify', 'verify', [CompletionResultType]::ParameterValue, 'Check a backup: object present, size and SHA-256 match, archive readable; --deep also restores it into a scratch database and compares every table')
            [CompletionResult]::new('prune', 'prune', [CompletionResultType]::ParameterValue, 'Delete old backups, keeping the newest --keep N that are not known-bad (and those younger than --keep-days); --dry-run shows what goes and why; asks first unless --yes')
            [CompletionResult]::new('health', 'health', [CompletionResultType]::ParameterValue, 'Check the database: reachable, version, schema, connections, replication, latest backup age; exit 1 when unhealthy')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'hctl;db;help;migrate' {
            break
        }
        'hctl;db;help;status' {
            break
        }
        'hctl;db;help;backup' {
            break
        }
        'hctl;db;help;backups' {
            break
        }
        'hctl;db;help;restore' {
            break
        }
        'hctl;db;help;verify' {
            break
        }
        'hctl;db;help;prune' {
            break
        }
        'hctl;db;help;health' {
            break
        }
        'hctl;db;help;help' {
            break
        }
        'hctl;completions' {
            [CompletionResult]::new('--env', '--env', [CompletionResultType]::ParameterName, 'Target environment from the config file (default: `default_env`, else `local`)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file (default: ./hctl.yaml when present)')
            [CompletionResult]::new('--set', '--set', [CompletionResultType]::ParameterName, 'Override one setting for this run, e.g. --set url=http://127.0.0.1:8080')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Proceed with destructive or production-affecting actions without asking')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Proceed with destructive or production-affecting actions without asking')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Disable colours (also when NO_COLOR is set)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only data and errors: no progress, no notes')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only data and errors: no progress, no notes')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More diagnostics on stderr (-v debug, -vv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More diagnostics on stderr (-v debug, -vv trace)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hctl;man' {
            [CompletionResult]::new('--out', '--out', [CompletionResultType]::ParameterName, 'Directory to write the pages to (created if missing); without it, print hctl.1')
            [CompletionResult]::new('--env', '--env', [CompletionResultType]::ParameterName, 'Target environment from the config file (default: `default_env`, else `local`)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file (default: ./hctl.yaml when present)')
            [CompletionResult]::new('--set', '--set', [CompletionResultType]::ParameterName, 'Override one setting for this run, e.g. --set url=http://127.0.0.1:8080')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Proceed with destructive or production-affecting actions without asking')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Proceed with destructive or production-affecting actions without asking')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Disable colours (also when NO_COLOR is set)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only data and errors: no progress, no notes')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only data and errors: no progress, no notes')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More diagnostics on stderr (-v debug, -vv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More diagnostics on stderr (-v debug, -vv trace)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hctl;rollout' {
            [CompletionResult]::new('--env', '--env', [CompletionResultType]::ParameterName, 'Target environment from the config file (default: `default_env`, else `local`)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file (default: ./hctl.yaml when present)')
            [CompletionResult]::new('--set', '--set', [CompletionResultType]::ParameterName, 'Override one setting for this run, e.g. --set url=http://127.0.0.1:8080')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Proceed with destructive or production-affecting actions without asking')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Proceed with destructive or production-affecting actions without asking')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Disable colours (also when NO_COLOR is set)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only data and errors: no progress, no notes')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only data and errors: no progress, no notes')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More diagnostics on stderr (-v debug, -vv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More diagnostics on stderr (-v debug, -vv trace)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('apply', 'apply', [CompletionResultType]::ParameterValue, 'Server-side apply every manifest of the directory (field manager `hctl`), recording the change-cause and the schema version the release expects')
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'Say whether the Deployment''s rollout is complete or still in progress (exit 0) or failed (exit 1); --wait waits for the outcome')
            [CompletionResult]::new('history', 'history', [CompletionResultType]::ParameterValue, 'List the Deployment''s revisions: change-cause, image, creation time and schema version')
            [CompletionResult]::new('restart', 'restart', [CompletionResultType]::ParameterValue, 'Restart every pod of the Deployment with a rolling update')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'hctl;rollout;apply' {
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'Directory of manifests to apply (default: the `kube.manifests` setting)')
            [CompletionResult]::new('--filename', '--filename', [CompletionResultType]::ParameterName, 'Directory of manifests to apply (default: the `kube.manifests` setting)')
            [CompletionResult]::new('--image', '--image', [CompletionResultType]::ParameterName, 'Image for the app container of the Deployment (e.g. ghcr.io/org/api:1.4.2)')
            [CompletionResult]::new('--change-cause', '--change-cause', [CompletionResultType]::ParameterName, 'Text for the `kubernetes.io/change-cause` annotation (default: describes the apply)')
            [CompletionResult]::new('--schema-version', '--schema-version', [CompletionResultType]::ParameterName, 'Database schema version this release expects (default: the latest migration hctl knows)')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Give up waiting after this long (e.g. 90s, 5m); exit 3 saying what is pending')
            [CompletionResult]::new('--env', '--env', [CompletionResultType]::ParameterName, 'Target environment from the config file (default: `default_env`, else `local`)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file (default: ./hctl.yaml when present)')
            [CompletionResult]::new('--set', '--set', [CompletionResultType]::ParameterName, 'Override one setting for this run, e.g. --set url=http://127.0.0.1:8080')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Ask the API server what would change without changing anything')
            [CompletionResult]::new('--wait', '--wait', [CompletionResultType]::ParameterName, 'Wait (watching the Deployment and its pods) until the rollout completes or fails')
            [CompletionResult]::new('--no-health-check', '--no-health-check', [CompletionResultType]::ParameterName, 'After a successful rollout, do not probe `{url}/api/healthz`')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Proceed with destructive or production-affecting actions without asking')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Proceed with destructive or production-affecting actions without asking')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Disable colours (also when NO_COLOR is set)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only data and errors: no progress, no notes')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only data and errors: no progress, no notes')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More diagnostics on stderr (-v debug, -vv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More diagnostics on stderr (-v debug, -vv trace)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hctl;rollout;status' {
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Give up waiting after this long (e.g. 90s, 5m); exit 3 saying what is pending')
            [CompletionResult]::new('--env', '--env', [CompletionResultType]::ParameterName, 'Target environment from the config file (default: `default_env`, else `local`)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file (default: ./hctl.yaml when present)')
            [CompletionResult]::new('--set', '--set', [CompletionResultType]::ParameterName, 'Override one setting for this run, e.g. --set url=http://127.0.0.1:8080')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--wait', '--wait', [CompletionResultType]::ParameterName, 'Wait (watching the Deployment and its pods) until the rollout completes or fails')
            [CompletionResult]::new('--no-health-check', '--no-health-check', [CompletionResultType]::ParameterName, 'After a successful rollout, do not probe `{url}/api/healthz`')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Proceed with destructive or production-affecting actions without asking')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Proceed with destructive or production-affecting actions without asking')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Disable colours (also when NO_COLOR is set)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only data and errors: no progress, no notes')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only data and errors: no progress, no notes')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More diagnostics on stderr (-v debug, -vv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More diagnostics on stderr (-v debug, -vv trace)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hctl;rollout;history' {
            [CompletionResult]::new('--env', '--env', [CompletionResultType]::ParameterName, 'Target environment from the config file (default: `default_env`, else `local`)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file (default: ./hctl.yaml when present)')
            [CompletionResult]::new('--set', '--set', [CompletionResultType]::ParameterName, 'Override one setting for this run, e.g. --set url=http://127.0.0.1:8080')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Proceed with destructive or production-affecting actions without asking')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Proceed with destructive or production-affecting actions without asking')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Disable colours (also when NO_COLOR is set)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only data and errors: no progress, no notes')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only data and errors: no progress, no notes')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More diagnostics on stderr (-v debug, -vv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More diagnostics on stderr (-v debug, -vv trace)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hctl;rollout;restart' {
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Give up waiting after this long (e.g. 90s, 5m); exit 3 saying what is pending')
            [CompletionResult]::new('--env', '--env', [CompletionResultType]::ParameterName, 'Target environment from the config file (default: `default_env`, else `local`)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file (default: ./hctl.yaml when present)')
            [CompletionResult]::new('--set', '--set', [CompletionResultType]::ParameterName, 'Override one setting for this run, e.g. --set url=http://127.0.0.1:8080')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--wait', '--wait', [CompletionResultType]::ParameterName, 'Wait (watching the Deployment and its pods) until the rollout completes or fails')
            [CompletionResult]::new('--no-health-check', '--no-health-check', [CompletionResultType]::ParameterName, 'After a successful rollout, do not probe `{url}/api/healthz`')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Proceed with destructive or production-affecting actions without asking')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Proceed with destructive or production-affecting actions without asking')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Disable colours (also when NO_COLOR is set)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only data and errors: no progress, no notes')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only data and errors: no progress, no notes')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More diagnostics on stderr (-v debug, -vv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More diagnostics on stderr (-v debug, -vv trace)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hctl;rollout;help' {
            [CompletionResult]::new('apply', 'apply', [CompletionResultType]::ParameterValue, 'Server-side apply every manifest of the directory (field manager `hctl`), recording the change-cause and the schema version the release expects')
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'Say whether the Deployment''s rollout is complete or still in progress (exit 0) or failed (exit 1); --wait waits for the outcome')
            [CompletionResult]::new('history', 'history', [CompletionResultType]::ParameterValue, 'List the Deployment''s revisions: change-cause, image, creation time and schema version')
            [CompletionResult]::new('restart', 'restart', [CompletionResultType]::ParameterValue, 'Restart every pod of the Deployment with a rolling update')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'hctl;rollout;help;apply' {
            break
        }
        'hctl;rollout;help;status' {
            break
        }
        'hctl;rollout;help;history' {
            break
        }
        'hctl;rollout;help;restart' {
            break
        }
        'hctl;rollout;help;help' {
            break
        }
        'hctl;rollback' {
            [CompletionResult]::new('--to-revision', '--to-revision', [CompletionResultType]::ParameterName, 'Revision to roll back to (default: the previous one; see `hctl rollout history`)')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Give up waiting after this long (e.g. 90s, 5m); exit 3 saying what is pending')
            [CompletionResult]::new('--env', '--env', [CompletionResultType]::ParameterName, 'Target environment from the config file (default: `default_env`, else `local`)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file (default: ./hctl.yaml when present)')
            [CompletionResult]::new('--set', '--set', [CompletionResultType]::ParameterName, 'Override one setting for this run, e.g. --set url=http://127.0.0.1:8080')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Show what would happen (server-side dry run) without changing anything')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Roll back even when the database has migrations the target release does not know')
            [CompletionResult]::new('--wait', '--wait', [CompletionResultType]::ParameterName, 'Wait (watching the Deployment and its pods) until the rollout completes or fails')
            [CompletionResult]::new('--no-health-check', '--no-health-check', [CompletionResultType]::ParameterName, 'After a successful rollout, do not probe `{url}/api/healthz`')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Proceed with destructive or production-affecting actions without asking')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Proceed with destructive or production-affecting actions without asking')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Disable colours (also when NO_COLOR is set)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only data and errors: no progress, no notes')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only data and errors: no progress, no notes')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More diagnostics on stderr (-v debug, -vv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More diagnostics on stderr (-v debug, -vv trace)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hctl;serve' {
            [CompletionResult]::new('--bind', '--bind', [CompletionResultType]::ParameterName, 'Address to listen on')
            [CompletionResult]::new('--database-url', '--database-url', [CompletionResultType]::ParameterName, 'Database: sqlite://FILE (created when missing) or postgres://… [default: sqlite://healthtracker.db, migrated at start]')
            [CompletionResult]::new('--storage-url', '--storage-url', [CompletionResultType]::ParameterName, 'Where uploaded files go: file://DIR or s3://BUCKET/PREFIX')
            [CompletionResult]::new('--s3-endpoint', '--s3-endpoint', [CompletionResultType]::ParameterName, 'S3 endpoint override for s3:// storage (MinIO, moto)')
            [CompletionResult]::new('--redis-url', '--redis-url', [CompletionResultType]::ParameterName, 'Redis for rate limits shared across replicas (default: in memory; while Redis fails, limits fall back to memory)')
            [CompletionResult]::new('--jwt-secret', '--jwt-secret', [CompletionResultType]::ParameterName, 'HS256 signing secret for access tokens, at least 32 bytes (default outside production: an ephemeral one)')
            [CompletionResult]::new('--admin-token', '--admin-token', [CompletionResultType]::ParameterName, 'Bearer token of the feature-flag admin API (unset: admin API disabled)')
            [CompletionResult]::new('--cors-origins', '--cors-origins', [CompletionResultType]::ParameterName, 'Browser origins allowed by CORS, comma separated')
            [CompletionResult]::new('--rate-limit-ip', '--rate-limit-ip', [CompletionResultType]::ParameterName, 'Requests per minute per client IP, 0–1000000 (0 turns the limit off)')
            [CompletionResult]::new('--rate-limit-user', '--rate-limit-user', [CompletionResultType]::ParameterName, 'Requests per minute per signed-in user, 0–1000000 (0 turns the limit off)')
            [CompletionResult]::new('--login-attempts', '--login-attempts', [CompletionResultType]::ParameterName, 'Login attempts per account per 15 minutes, 0–1000000 (0 turns the limit off)')
            [CompletionResult]::new('--retention-days', '--retention-days', [CompletionResultType]::ParameterName, 'Purge health entries older than this many days, 0–36500 (0 keeps them)')
            [CompletionResult]::new('--purge-interval', '--purge-interval', [CompletionResultType]::ParameterName, 'Run the retention purge this often, in seconds (1–31536000)')
            [CompletionResult]::new('--db-max-connections', '--db-max-connections', [CompletionResultType]::ParameterName, 'Maximum database connections of this process (1–1000)')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'Seconds a request may take before it is answered 503 (1–3600)')
            [CompletionResult]::new('--env', '--env', [CompletionResultType]::ParameterName, 'Target environment from the config file (default: `default_env`, else `local`)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file (default: ./hctl.yaml when present)')
            [CompletionResult]::new('--set', '--set', [CompletionResultType]::ParameterName, 'Override one setting for this run, e.g. --set url=http://127.0.0.1:8080')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--migrate', '--migrate', [CompletionResultType]::ParameterName, 'Apply pending database migrations before serving')
            [CompletionResult]::new('--production', '--production', [CompletionResultType]::ParameterName, 'Production mode: refuse to start without strong JWT_SECRET and ADMIN_TOKEN')
            [CompletionResult]::new('--trust-forwarded-for', '--trust-forwarded-for', [CompletionResultType]::ParameterName, 'Rate-limit and audit by the last X-Forwarded-For hop (only behind a proxy that appends it, e.g. the ingress)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Proceed with destructive or production-affecting actions without asking')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Proceed with destructive or production-affecting actions without asking')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Disable colours (also when NO_COLOR is set)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only data and errors: no progress, no notes')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only data and errors: no progress, no notes')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More diagnostics on stderr (-v debug, -vv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More diagnostics on stderr (-v debug, -vv trace)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hctl;flags' {
            [CompletionResult]::new('--env', '--env', [CompletionResultType]::ParameterName, 'Target environment from the config file (default: `default_env`, else `local`)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file (default: ./hctl.yaml when present)')
            [CompletionResult]::new('--set', '--set', [CompletionResultType]::ParameterName, 'Override one setting for this run, e.g. --set url=http://127.0.0.1:8080')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Proceed with destructive or production-affecting actions without asking')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Proceed with destructive or production-affecting actions without asking')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Disable colours (also when NO_COLOR is set)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only data and errors: no progress, no notes')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only data and errors: no progress, no notes')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More diagnostics on stderr (-v debug, -vv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More diagnostics on stderr (-v debug, -vv trace)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List every flag with its state, rollout percentage and group id')
            [CompletionResult]::new('get', 'get', [CompletionResultType]::ParameterValue, 'Show one flag')
            [CompletionResult]::new('create', 'create', [CompletionResultType]::ParameterValue, 'Create a flag (off unless --enabled); fails if it exists')
            [CompletionResult]::new('set', 'set', [CompletionResultType]::ParameterValue, 'Change an existing flag: --enabled, --rollout, --description, --group-id (fields left out keep their value)')
            [CompletionResult]::new('enable', 'enable', [CompletionResultType]::ParameterValue, 'Turn an existing flag on (for everyone, or for --rollout percent of users)')
            [CompletionResult]::new('disable', 'disable', [CompletionResultType]::ParameterValue, 'Turn an existing flag off for everyone')
            [CompletionResult]::new('delete', 'delete', [CompletionResultType]::ParameterValue, 'Delete a flag (asks first; --yes when not on a terminal)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'hctl;flags;list' {
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Seconds to wait for the server')
            [CompletionResult]::new('--env', '--env', [CompletionResultType]::ParameterName, 'Target environment from the config file (default: `default_env`, else `local`)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file (default: ./hctl.yaml when present)')
            [CompletionResult]::new('--set', '--set', [CompletionResultType]::ParameterName, 'Override one setting for this run, e.g. --set url=http://127.0.0.1:8080')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Proceed with destructive or production-affecting actions without asking')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Proceed with destructive or production-affecting actions without asking')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Disable colours (also when NO_COLOR is set)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only data and errors: no progress, no notes')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only data and errors: no progress, no notes')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More diagnostics on stderr (-v debug, -vv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More diagnostics on stderr (-v debug, -vv trace)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hctl;flags;get' {
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Seconds to wait for the server')
            [CompletionResult]::new('--env', '--env', [CompletionResultType]::ParameterName, 'Target environment from the config file (default: `default_env`, else `local`)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file (default: ./hctl.yaml when present)')
            [CompletionResult]::new('--set', '--set', [CompletionResultType]::ParameterName, 'Override one setting for this run, e.g. --set url=http://127.0.0.1:8080')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Proceed with destructive or production-affecting actions without asking')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Proceed with destructive or production-affecting actions without asking')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Disable colours (also when NO_COLOR is set)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only data and errors: no progress, no notes')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only data and errors: no progress, no notes')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More diagnostics on stderr (-v debug, -vv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More diagnostics on stderr (-v debug, -vv trace)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hctl;flags;create' {
            [CompletionResult]::new('--rollout', '--rollout', [CompletionResultType]::ParameterName, 'Percentage of users (0-100) the flag is on for; sticky per user')
            [CompletionResult]::new('--description', '--description', [CompletionResultType]::ParameterName, 'What the flag gates, for the people who will toggle it')
            [CompletionResult]::new('--group-id', '--group-id', [CompletionResultType]::ParameterName, 'Unleash groupId hashed with the user id (default: the flag name); flags sharing one and a rollout are on for the same users, and changing it reshuffles who is in')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Seconds to wait for the server')
            [CompletionResult]::new('--env', '--env', [CompletionResultType]::ParameterName, 'Target environment from the config file (default: `default_env`, else `local`)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file (default: ./hctl.yaml when present)')
            [CompletionResult]::new('--set', '--set', [CompletionResultType]::ParameterName, 'Override one setting for this run, e.g. --set url=http://127.0.0.1:8080')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--enabled', '--enabled', [CompletionResultType]::ParameterName, 'Create the flag turned on (for --rollout percent of users, default 100)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Proceed with destructive or production-affecting actions without asking')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Proceed with destructive or production-affecting actions without asking')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Disable colours (also when NO_COLOR is set)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only data and errors: no progress, no notes')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only data and errors: no progress, no notes')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More diagnostics on stderr (-v debug, -vv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More diagnostics on stderr (-v debug, -vv trace)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hctl;flags;set' {
            [CompletionResult]::new('--enabled', '--enabled', [CompletionResultType]::ParameterName, 'Turn the flag on (true) or off (false)')
            [CompletionResult]::new('--rollout', '--rollout', [CompletionResultType]::ParameterName, 'Percentage of users (0-100) the flag is on for; sticky per user')
            [CompletionResult]::new('--description', '--description', [CompletionResultType]::ParameterName, 'What the flag gates, for the people who will toggle it')
            [CompletionResult]::new('--group-id', '--group-id', [CompletionResultType]::ParameterName, 'Unleash groupId hashed with the user id (default: the flag name); flags sharing one and a rollout are on for the same users, and changing it reshuffles who is in')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Seconds to wait for the server')
            [CompletionResult]::new('--env', '--env', [CompletionResultType]::ParameterName, 'Target environment from the config file (default: `default_env`, else `local`)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file (default: ./hctl.yaml when present)')
            [CompletionResult]::new('--set', '--set', [CompletionResultType]::ParameterName, 'Override one setting for this run, e.g. --set url=http://127.0.0.1:8080')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Proceed with destructive or production-affecting actions without asking')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Proceed with destructive or production-affecting actions without asking')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Disable colours (also when NO_COLOR is set)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only data and errors: no progress, no notes')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only data and errors: no progress, no notes')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More diagnostics on stderr (-v debug, -vv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More diagnostics on stderr (-v debug, -vv trace)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hctl;flags;enable' {
            [CompletionResult]::new('--rollout', '--rollout', [CompletionResultType]::ParameterName, 'Percentage of users (0-100) the flag is on for [default: 100]')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Seconds to wait for the server')
            [CompletionResult]::new('--env', '--env', [CompletionResultType]::ParameterName, 'Target environment from the config file (default: `default_env`, else `local`)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file (default: ./hctl.yaml when present)')
            [CompletionResult]::new('--set', '--set', [CompletionResultType]::ParameterName, 'Override one setting for this run, e.g. --set url=http://127.0.0.1:8080')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Proceed with destructive or production-affecting actions without asking')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Proceed with destructive or production-affecting actions without asking')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Disable colours (also when NO_COLOR is set)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only data and errors: no progress, no notes')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only data and errors: no progress, no notes')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More diagnostics on stderr (-v debug, -vv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More diagnostics on stderr (-v debug, -vv trace)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hctl;flags;disable' {
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Seconds to wait for the server')
            [CompletionResult]::new('--env', '--env', [CompletionResultType]::ParameterName, 'Target environment from the config file (default: `default_env`, else `local`)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file (default: ./hctl.yaml when present)')
            [CompletionResult]::new('--set', '--set', [CompletionResultType]::ParameterName, 'Override one setting for this run, e.g. --set url=http://127.0.0.1:8080')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Proceed with destructive or production-affecting actions without asking')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Proceed with destructive or production-affecting actions without asking')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Disable colours (also when NO_COLOR is set)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only data and errors: no progress, no notes')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only data and errors: no progress, no notes')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More diagnostics on stderr (-v debug, -vv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More diagnostics on stderr (-v debug, -vv trace)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hctl;flags;delete' {
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Seconds to wait for the server')
            [CompletionResult]::new('--env', '--env', [CompletionResultType]::ParameterName, 'Target environment from the config file (default: `default_env`, else `local`)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file (default: ./hctl.yaml when present)')
            [CompletionResult]::new('--set', '--set', [CompletionResultType]::ParameterName, 'Override one setting for this run, e.g. --set url=http://127.0.0.1:8080')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Proceed with destructive or production-affecting actions without asking')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Proceed with destructive or production-affecting actions without asking')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Disable colours (also when NO_COLOR is set)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only data and errors: no progress, no notes')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only data and errors: no progress, no notes')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More diagnostics on stderr (-v debug, -vv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More diagnostics on stderr (-v debug, -vv trace)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hctl;flags;help' {
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List every flag with its state, rollout percentage and group id')
            [CompletionResult]::new('get', 'get', [CompletionResultType]::ParameterValue, 'Show one flag')
            [CompletionResult]::new('create', 'create', [CompletionResultType]::ParameterValue, 'Create a flag (off unless --enabled); fails if it exists')
            [CompletionResult]::new('set', 'set', [CompletionResultType]::ParameterValue, 'Change an existing flag: --enabled, --rollout, --description, --group-id (fields left out keep their value)')
            [CompletionResult]::new('enable', 'enable', [CompletionResultType]::ParameterValue, 'Turn an existing flag on (for everyone, or for --rollout percent of users)')
            [CompletionResult]::new('disable', 'disable', [CompletionResultType]::ParameterValue, 'Turn an existing flag off for everyone')
            [CompletionResult]::new('delete', 'delete', [CompletionResultType]::ParameterValue, 'Delete a flag (asks first; --yes when not on a terminal)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'hctl;flags;help;list' {
            break
        }
        'hctl;flags;help;get' {
            break
        }
        'hctl;flags;help;create' {
            break
        }
        'hctl;flags;help;set' {
            break
        }
        'hctl;flags;help;enable' {
            break
        }
        'hctl;flags;help;disable' {
            break
        }
        'hctl;flags;help;delete' {
            break
        }
        'hctl;flags;help;help' {
            break
        }
        'hctl;playbook' {
            [CompletionResult]::new('--env', '--env', [CompletionResultType]::ParameterName, 'Target environment from the config file (default: `default_env`, else `local`)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file (default: ./hctl.yaml when present)')
            [CompletionResult]::new('--set', '--set', [CompletionResultType]::ParameterName, 'Override one setting for this run, e.g. --set url=http://127.0.0.1:8080')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Proceed with destructive or production-affecting actions without asking')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Proceed with destructive or production-affecting actions without asking')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Disable colours (also when NO_COLOR is set)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only data and errors: no progress, no notes')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only data and errors: no progress, no notes')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More diagnostics on stderr (-v debug, -vv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More diagnostics on stderr (-v debug, -vv trace)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List the playbooks with their phases and steps')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Show a playbook''s plan: every step in order, the rollback section last')
            [CompletionResult]::new('run', 'run', [CompletionResultType]::ParameterValue, 'Start a run: steps in order, recorded in the ledger; prints the run id on stderr')
            [CompletionResult]::new('resume', 'resume', [CompletionResultType]::ParameterValue, 'Go on with a failed, interrupted or waiting run; passed steps are not run again')
            [CompletionResult]::new('approve', 'approve', [CompletionResultType]::ParameterValue, 'Approve a confirm step of a run (as someone other than its starter)')
            [CompletionResult]::new('runs', 'runs', [CompletionResultType]::ParameterValue, 'The runs of a playbook (default: every playbook), newest first')
            [CompletionResult]::new('log', 'log', [CompletionResultType]::ParameterValue, 'Every ledger row of a run; --verify checks the hash chain (exit 1 when broken)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'hctl;playbook;list' {
            [CompletionResult]::new('--env', '--env', [CompletionResultType]::ParameterName, 'Target environment from the config file (default: `default_env`, else `local`)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file (default: ./hctl.yaml when present)')
            [CompletionResult]::new('--set', '--set', [CompletionResultType]::ParameterName, 'Override one setting for this run, e.g. --set url=http://127.0.0.1:8080')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Proceed with destructive or production-affecting actions without asking')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Proceed with destructive or production-affecting actions without asking')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Disable colours (also when NO_COLOR is set)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only data and errors: no progress, no notes')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only data and errors: no progress, no notes')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More diagnostics on stderr (-v debug, -vv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More diagnostics on stderr (-v debug, -vv trace)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hctl;playbook;show' {
            [CompletionResult]::new('--phase', '--phase', [CompletionResultType]::ParameterName, 'Show only this phase (and the rollback section)')
            [CompletionResult]::new('--env', '--env', [CompletionResultType]::ParameterName, 'Target environment from the config file (default: `default_env`, else `local`)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file (default: ./hctl.yaml when present)')
            [CompletionResult]::new('--set', '--set', [CompletionResultType]::ParameterName, 'Override one setting for this run, e.g. --set url=http://127.0.0.1:8080')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Proceed with destructive or production-affecting actions without asking')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Proceed with destructive or production-affecting actions without asking')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Disable colours (also when NO_COLOR is set)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only data and errors: no progress, no notes')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only data and errors: no progress, no notes')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More diagnostics on stderr (-v debug, -vv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More diagnostics on stderr (-v debug, -vv trace)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hctl;playbook;run' {
            [CompletionResult]::new('--param', '--param', [CompletionResultType]::ParameterName, 'A parameter value (repeatable), e.g. --param image=ghcr.io/org/api:1.4.2')
            [CompletionResult]::new('--phase', '--phase', [CompletionResultType]::ParameterName, 'Run only this phase (e.g. post-launch the next day)')
            [CompletionResult]::new('--as', '--as', [CompletionResultType]::ParameterName, 'Who starts the run (default: $HCTL_ACTOR, else the OS user)')
            [CompletionResult]::new('--env', '--env', [CompletionResultType]::ParameterName, 'Target environment from the config file (default: `default_env`, else `local`)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file (default: ./hctl.yaml when present)')
            [CompletionResult]::new('--set', '--set', [CompletionResultType]::ParameterName, 'Override one setting for this run, e.g. --set url=http://127.0.0.1:8080')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Render every step, run hctl steps that have a --dry-run with it, list the rest and the rollback plan; record and change nothing')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Proceed with destructive or production-affecting actions without asking')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Proceed with destructive or production-affecting actions without asking')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Disable colours (also when NO_COLOR is set)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only data and errors: no progress, no notes')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only data and errors: no progress, no notes')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More diagnostics on stderr (-v debug, -vv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More diagnostics on stderr (-v debug, -vv trace)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hctl;playbook;resume' {
            [CompletionResult]::new('--from', '--from', [CompletionResultType]::ParameterName, 'Run again from this step on, even the steps after it that passed')
            [CompletionResult]::new('--as', '--as', [CompletionResultType]::ParameterName, 'Who resumes the run (default: $HCTL_ACTOR, else the OS user)')
            [CompletionResult]::new('--env', '--env', [CompletionResultType]::ParameterName, 'Target environment from the config file (default: `default_env`, else `local`)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file (default: ./hctl.yaml when present)')
            [CompletionResult]::new('--set', '--set', [CompletionResultType]::ParameterName, 'Override one setting for this run, e.g. --set url=http://127.0.0.1:8080')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Proceed with destructive or production-affecting actions without asking')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Proceed with destructive or production-affecting actions without asking')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Disable colours (also when NO_COLOR is set)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only data and errors: no progress, no notes')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only data and errors: no progress, no notes')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More diagnostics on stderr (-v debug, -vv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More diagnostics on stderr (-v debug, -vv trace)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hctl;playbook;approve' {
            [CompletionResult]::new('--as', '--as', [CompletionResultType]::ParameterName, 'Who approves (default: $HCTL_ACTOR, else the OS user); not the run''s starter')
            [CompletionResult]::new('--note', '--note', [CompletionResultType]::ParameterName, 'Why, or where the evidence is (kept in the ledger)')
            [CompletionResult]::new('--env', '--env', [CompletionResultType]::ParameterName, 'Target environment from the config file (default: `default_env`, else `local`)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file (default: ./hctl.yaml when present)')
            [CompletionResult]::new('--set', '--set', [CompletionResultType]::ParameterName, 'Override one setting for this run, e.g. --set url=http://127.0.0.1:8080')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Proceed with destructive or production-affecting actions without asking')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Proceed with destructive or production-affecting actions without asking')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Disable colours (also when NO_COLOR is set)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only data and errors: no progress, no notes')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only data and errors: no progress, no notes')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More diagnostics on stderr (-v debug, -vv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More diagnostics on stderr (-v debug, -vv trace)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hctl;playbook;runs' {
            [CompletionResult]::new('--env', '--env', [CompletionResultType]::ParameterName, 'Target environment from the config file (default: `default_env`, else `local`)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file (default: ./hctl.yaml when present)')
            [CompletionResult]::new('--set', '--set', [CompletionResultType]::ParameterName, 'Override one setting for this run, e.g. --set url=http://127.0.0.1:8080')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Proceed with destructive or production-affecting actions without asking')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Proceed with destructive or production-affecting actions without asking')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Disable colours (also when NO_COLOR is set)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only data and errors: no progress, no notes')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only data and errors: no progress, no notes')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More diagnostics on stderr (-v debug, -vv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More diagnostics on stderr (-v debug, -vv trace)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hctl;playbook;log' {
            [CompletionResult]::new('--env', '--env', [CompletionResultType]::ParameterName, 'Target environment from the config file (default: `default_env`, else `local`)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file (default: ./hctl.yaml when present)')
            [CompletionResult]::new('--set', '--set', [CompletionResultType]::ParameterName, 'Override one setting for this run, e.g. --set url=http://127.0.0.1:8080')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--verify', '--verify', [CompletionResultType]::ParameterName, 'Check the hash chain of the run''s rows: exit 1 naming the first edited or missing row')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Proceed with destructive or production-affecting actions without asking')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Proceed with destructive or production-affecting actions without asking')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Disable colours (also when NO_COLOR is set)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only data and errors: no progress, no notes')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only data and errors: no progress, no notes')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More diagnostics on stderr (-v debug, -vv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More diagnostics on stderr (-v debug, -vv trace)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hctl;playbook;help' {
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List the playbooks with their phases and steps')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Show a playbook''s plan: every step in order, the rollback section last')
            [CompletionResult]::new('run', 'run', [CompletionResultType]::ParameterValue, 'Start a run: steps in order, recorded in the ledger; prints the run id on stderr')
            [CompletionResult]::new('resume', 'resume', [CompletionResultType]::ParameterValue, 'Go on with a failed, interrupted or waiting run; passed steps are not run again')
            [CompletionResult]::new('approve', 'approve', [CompletionResultType]::ParameterValue, 'Approve a confirm step of a run (as someone other than its starter)')
            [CompletionResult]::new('runs', 'runs', [CompletionResultType]::ParameterValue, 'The runs of a playbook (default: every playbook), newest first')
            [CompletionResult]::new('log', 'log', [CompletionResultType]::ParameterValue, 'Every ledger row of a run; --verify checks the hash chain (exit 1 when broken)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'hctl;playbook;help;list' {
            break
        }
        'hctl;playbook;help;show' {
            break
        }
        'hctl;playbook;help;run' {
            break
        }
        'hctl;playbook;help;resume' {
            break
        }
        'hctl;playbook;help;approve' {
            break
        }
        'hctl;playbook;help;runs' {
            break
        }
        'hctl;playbook;help;log' {
            break
        }
        'hctl;playbook;help;help' {
            break
        }
        'hctl;help' {
            [CompletionResult]::new('config', 'config', [CompletionResultType]::ParameterValue, 'Show the effective configuration or validate config and YAML files')
            [CompletionResult]::new('preflight', 'preflight', [CompletionResultType]::ParameterValue, 'Run checklists as a gate: automated checks concurrently, manual items by their ticks')
            [CompletionResult]::new('checklist', 'checklist', [CompletionResultType]::ParameterValue, 'Launch checklists: list, show, tick off, progress, audit log, sign-off report')
            [CompletionResult]::new('verify', 'verify', [CompletionResultType]::ParameterValue, 'Verify DNS records, a TLS endpoint or security headers, standalone')
            [CompletionResult]::new('db', 'db', [CompletionResultType]::ParameterValue, 'Back up, restore, verify and check the environment''s database')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print a shell completion script to stdout')
            [CompletionResult]::new('man', 'man', [CompletionResultType]::ParameterValue, 'Write the man pages (hctl.1 and one per subcommand)')
            [CompletionResult]::new('rollout', 'rollout', [CompletionResultType]::ParameterValue, 'Deploy to Kubernetes: apply manifests, watch rollouts, history, restart')
            [CompletionResult]::new('rollback', 'rollback', [CompletionResultType]::ParameterValue, 'Roll the Deployment back to the previous (or a given) revision')
            [CompletionResult]::new('serve', 'serve', [CompletionResultType]::ParameterValue, 'Run the Health Companion API server (SQLite by default, PostgreSQL with DATABASE_URL)')
            [CompletionResult]::new('flags', 'flags', [CompletionResultType]::ParameterValue, 'List and change feature flags through the server''s admin API')
            [CompletionResult]::new('playbook', 'playbook', [CompletionResultType]::ParameterValue, 'Launch, rollback and incident procedures as recorded, resumable runs')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'hctl;help;config' {
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Print the effective settings of the selected environment, secrets redacted, with the layer each value came from')
            [CompletionResult]::new('validate', 'validate', [CompletionResultType]::ParameterValue, 'Validate hctl.yaml (and every checklist and playbook file); exit 2 when a file is invalid, naming file:line:column')
            break
        }
        'hctl;help;config;show' {
            break
        }
        'hctl;help;config;validate' {
            break
        }
        'hctl;help;preflight' {
            break
        }
        'hctl;help;checklist' {
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List the checklists with their item counts')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Show every item of a checklist with its kind, owner and tick')
            [CompletionResult]::new('tick', 'tick', [CompletionResultType]::ParameterValue, 'Tick items off (no ITEM: choose from the open items interactively)')
            [CompletionResult]::new('untick', 'untick', [CompletionResultType]::ParameterValue, 'Take back a tick')
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'Progress per section; --require-complete exits 1 while a critical item is open')
            [CompletionResult]::new('log', 'log', [CompletionResultType]::ParameterValue, 'Every tick and untick of a checklist, oldest first')
            [CompletionResult]::new('report', 'report', [CompletionResultType]::ParameterValue, 'Sign-off report: automated results and manual ticks with names and times')
            break
        }
        'hctl;help;checklist;list' {
            break
        }
        'hctl;help;checklist;show' {
            break
        }
        'hctl;help;checklist;tick' {
            break
        }
        'hctl;help;checklist;untick' {
            break
        }
        'hctl;help;checklist;status' {
            break
        }
        'hctl;help;checklist;log' {
            break
        }
        'hctl;help;checklist;report' {
            break
        }
        'hctl;help;verify' {
            [CompletionResult]::new('dns', 'dns', [CompletionResultType]::ParameterValue, 'Look up DNS records and compare them with expected values')
            [CompletionResult]::new('tls', 'tls', [CompletionResultType]::ParameterValue, 'Handshake, chain, hostname, expiry and protocol of a TLS endpoint')
            [CompletionResult]::new('headers', 'headers', [CompletionResultType]::ParameterValue, 'The MDN HTTP Observatory''s tests, score and grade for a site')
            break
        }
        'hctl;help;verify;dns' {
            break
        }
        'hctl;help;verify;tls' {
            break
        }
        'hctl;help;verify;headers' {
            break
        }
        'hctl;help;db' {
            [CompletionResult]::new('migrate', 'migrate', [CompletionResultType]::ParameterValue, 'Apply the embedded migrations (one transaction each, under an advisory lock on PostgreSQL so concurrent migrators apply each one once)')
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'Show every migration''s state: applied, pending, missing or changed')
            [CompletionResult]::new('backup', 'backup', [CompletionResultType]::ParameterValue, 'Back up the environment''s database into its backup storage (`storage` setting); the manifest is written last, so a failed backup never counts')
            [CompletionResult]::new('backups', 'backups', [CompletionResultType]::ParameterValue, 'List the backups in the environment''s storage, newest first')
            [CompletionResult]::new('restore', 'restore', [CompletionResultType]::ParameterValue, 'Restore a backup over the environment''s database (or into --into URL), after checking its SHA-256 and taking a safety backup of the target; refuses while others use the target; asks first unless --yes')
            [CompletionResult]::new('verify', 'verify', [CompletionResultType]::ParameterValue, 'Check a backup: object present, size and SHA-256 match, archive readable; --deep also restores it into a scratch database and compares every table')
            [CompletionResult]::new('prune', 'prune', [CompletionResultType]::ParameterValue, 'Delete old backups, keeping the newest --keep N that are not known-bad (and those younger than --keep-days); --dry-run shows what goes and why; asks first unless --yes')
            [CompletionResult]::new('health', 'health', [CompletionResultType]::ParameterValue, 'Check the database: reachable, version, schema, connections, replication, latest backup age; exit 1 when unhealthy')
            break
        }
        'hctl;help;db;migrate' {
            break
        }
        'hctl;help;db;status' {
            break
        }
        'hctl;help;db;backup' {
            break
        }
        'hctl;help;db;backups' {
            break
        }
        'hctl;help;db;restore' {
            break
        }
        'hctl;help;db;verify' {
            break
        }
        'hctl;help;db;prune' {
            break
        }
        'hctl;help;db;health' {
            break
        }
        'hctl;help;completions' {
            break
        }
        'hctl;help;man' {
            break
        }
        'hctl;help;rollout' {
            [CompletionResult]::new('apply', 'apply', [CompletionResultType]::ParameterValue, 'Server-side apply every manifest of the directory (field manager `hctl`), recording the change-cause and the schema version the release expects')
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'Say whether the Deployment''s rollout is complete or still in progress (exit 0) or failed (exit 1); --wait waits for the outcome')
            [CompletionResult]::new('history', 'history', [CompletionResultType]::ParameterValue, 'List the Deployment''s revisions: change-cause, image, creation time and schema version')
            [CompletionResult]::new('restart', 'restart', [CompletionResultType]::ParameterValue, 'Restart every pod of the Deployment with a rolling update')
            break
        }
        'hctl;help;rollout;apply' {
            break
        }
        'hctl;help;rollout;status' {
            break
        }
        'hctl;help;rollout;history' {
            break
        }
        'hctl;help;rollout;restart' {
            break
        }
        'hctl;help;rollback' {
            break
        }
        'hctl;help;serve' {
            break
        }
        'hctl;help;flags' {
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List every flag with its state, rollout percentage and group id')
            [CompletionResult]::new('get', 'get', [CompletionResultType]::ParameterValue, 'Show one flag')
            [CompletionResult]::new('create', 'create', [CompletionResultType]::ParameterValue, 'Create a flag (off unless --enabled); fails if it exists')
            [CompletionResult]::new('set', 'set', [CompletionResultType]::ParameterValue, 'Change an existing flag: --enabled, --rollout, --description, --group-id (fields left out keep their value)')
            [CompletionResult]::new('enable', 'enable', [CompletionResultType]::ParameterValue, 'Turn an existing flag on (for everyone, or for --rollout percent of users)')
            [CompletionResult]::new('disable', 'disable', [CompletionResultType]::ParameterValue, 'Turn an existing flag off for everyone')
            [CompletionResult]::new('delete', 'delete', [CompletionResultType]::ParameterValue, 'Delete a flag (asks first; --yes when not on a terminal)')
            break
        }
        'hctl;help;flags;list' {
            break
        }
        'hctl;help;flags;get' {
            break
        }
        'hctl;help;flags;create' {
            break
        }
        'hctl;help;flags;set' {
            break
        }
        'hctl;help;flags;enable' {
            break
        }
        'hctl;help;flags;disable' {
            break
        }
        'hctl;help;flags;delete' {
            break
        }
        'hctl;help;playbook' {
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List the playbooks with their phases and steps')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Show a playbook''s plan: every step in order, the rollback section last')
            [CompletionResult]::new('run', 'run', [CompletionResultType]::ParameterValue, 'Start a run: steps in order, recorded in the ledger; prints the run id on stderr')
            [CompletionResult]::new('resume', 'resume', [CompletionResultType]::ParameterValue, 'Go on with a failed, interrupted or waiting run; passed steps are not run again')
            [CompletionResult]::new('approve', 'approve', [CompletionResultType]::ParameterValue, 'Approve a confirm step of a run (as someone other than its starter)')
            [CompletionResult]::new('runs', 'runs', [CompletionResultType]::ParameterValue, 'The runs of a playbook (default: every playbook), newest first')
            [CompletionResult]::new('log', 'log', [CompletionResultType]::ParameterValue, 'Every ledger row of a run; --verify checks the hash chain (exit 1 when broken)')
            break
        }
        'hctl;help;playbook;list' {
            break
        }
        'hctl;help;playbook;show' {
            break
        }
        'hctl;help;playbook;run' {
            break
        }
        'hctl;help;playbook;resume' {
            break
        }
        'hctl;help;playbook;approve' {
            break
        }
        'hctl;help;playbook;runs' {
            break
        }
        'hctl;help;playbook;log' {
            break
        }
        'hctl;help;help' {
            break
        }
    })

    $completions.Where{ $_.CompletionText -like "$wordToComplete*" } |
        Sort-Object -Property ListItemText
}
