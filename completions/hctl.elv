
set edit:completion:arg-completer[hctl] = { |@words|
    var index = (count $words)
    set index = (- $index 1)

    put (env _CLAP_IFS="\n" _CLAP_COMPLETE_INDEX=(to-string $index) HCTL_COMPLETE="elvish" hctl -- $@words) | to-lines
}

