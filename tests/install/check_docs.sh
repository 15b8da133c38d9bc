#!/bin/sh
# The man page and the shell completions name every option that 'masq --help' and each
# command's --help print, and the man page names no option that none of them prints.
#   check_docs.sh MASQ MAN_PAGE BASH_COMPLETION ZSH_COMPLETION
set -u
masq=$1 man=$2 bash_completion=$3 zsh_completion=$4
work=$(mktemp -d "${TMPDIR:-/tmp}/masq-docs.XXXXXX")
trap 'rm -rf "$work"' EXIT
fail=0

# Options as help text writes them: -x or --long-name after a space, '(', '[' or ','.
options() { grep -oE -- "(^|[ ([,])--?[a-z][a-z0-9-]*" | sed 's/^[ ([,]*//' | sed 's/-$//' | sort -u; }

: >"$work/help"
for command in "" scan demo merge baseline devices publish; do
    # shellcheck disable=SC2086
    if ! "$masq" $command --help >"$work/out" 2>&1; then
        echo "FAIL: masq $command --help exits $?" >&2
        fail=1
    fi
    [ -s "$work/out" ] || { echo "FAIL: masq $command --help prints nothing" >&2; fail=1; }
    options <"$work/out" >>"$work/help"
done
sort -u "$work/help" -o "$work/help"
for must in --version --profile --backend --publish --spool --seed -o; do
    grep -qx -- "$must" "$work/help" || { echo "FAIL: $must not read from the help texts" >&2; fail=1; }
done

# The man page as text: roff's \- is a dash, fonts dropped.
sed -e 's/\\-/-/g' -e 's/\\f[BIRP]//g' -e 's/\\e/\\/g' "$man" >"$work/man"
options <"$work/man" >"$work/man_options"

has() { grep -qE -- "(^|[^a-z0-9-])$1([^a-z0-9-]|\$)" "$2"; }
while read -r option; do
    has "$option" "$work/man" || { echo "FAIL: $option is in --help but not in the man page $man" >&2; fail=1; }
    has "$option" "$bash_completion" || { echo "FAIL: $option is in --help but not in the bash completion" >&2; fail=1; }
    has "$option" "$zsh_completion" || { echo "FAIL: $option is in --help but not in the zsh completion" >&2; fail=1; }
done <"$work/help"
while read -r option; do
    grep -qx -- "$option" "$work/help" || { echo "FAIL: the man page names $option, which no --help prints" >&2; fail=1; }
done <"$work/man_options"

# The sections a reader looks for, and the exit codes the help states.
for section in NAME SYNOPSIS DESCRIPTION COMMANDS "SCAN OPTIONS" "PUBLISH OPTIONS" "EXIT STATUS"; do
    grep -q "^\.SH \"*$section" "$man" || { echo "FAIL: the man page has no $section section" >&2; fail=1; }
done
for code in 0 1 2 3; do
    awk '/^\.SH EXIT STATUS/{e=1;next} /^\.SH/{e=0} e' "$man" | grep -qx "\.B $code" ||
        { echo "FAIL: the man page's EXIT STATUS does not give code $code" >&2; fail=1; }
done
bash -n "$bash_completion" || { echo "FAIL: the bash completion does not parse" >&2; fail=1; }
if [ "$fail" = 0 ]; then
    echo "man page and completions: all $(wc -l <"$work/help") options of the help texts, nothing else"
fi
exit "$fail"
