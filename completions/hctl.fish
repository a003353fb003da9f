complete --keep-order --exclusive --command hctl --arguments "(HCTL_COMPLETE=fish hctl -- (commandline --current-process --tokenize --cut-at-cursor) (commandline --current-token))"
