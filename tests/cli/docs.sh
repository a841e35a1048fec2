#!/usr/bin/env bash
# The man page and the bash completion cover every subcommand and every
# option the tool has: both are written by hand, so this is what notices
# when one falls behind a --help.
source "$(dirname "$0")/libtest.sh"

SCD=$ATTEST_SRCDIR/doc/sandbox-attest.1.scd
COMPLETION=$ATTEST_SRCDIR/completions/bash/sandbox-attest
MAN=$ATTEST_BUILDDIR/doc/sandbox-attest.1

commands=$("$SANDBOX_ATTEST" --help | awk '/^Commands:/ { on = 1; next } on && /^  [a-z]/ { print $1 } on && /^$/ { on = 0 }')
check "the tool lists its commands" [ -n "$commands" ]

# options CMD: the long and short options of CMD's --help, one a line:
# the GOption table's, and those the usage line names (exec's --ro-bind).
options() {
  "$SANDBOX_ATTEST" "$1" --help >"$TEST_TMP/help" || return
  {
    awk '/^Application Options:/ { on = 1; next } on' "$TEST_TMP/help" \
      | grep -oE '^ +(-[a-z], )?--[a-z][a-z-]*' | tr -d ' ' | tr ',' '\n'
    awk 'NR <= 3 && /^  [a-z]/' "$TEST_TMP/help" | grep -oE -- '--[a-z][a-z-]*'
  } | sed '/^$/d' | sort -u
}

# complete WORDS...: COMPREPLY of the installed function for the last word.
complete_words() {
  COMP_WORDS=("$@")
  COMP_CWORD=$(($# - 1))
  COMP_LINE="$*"
  COMP_POINT=${#COMP_LINE}
  COMPREPLY=()
  _sandbox_attest sandbox-attest "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}"
  printf '%s\n' "${COMPREPLY[@]}"
}

# One pass without bash-completion's helpers (its fallback), one with them
# when bash-completion is installed.
modes=plain
[ -r /usr/share/bash-completion/bash_completion ] && modes="plain bash-completion"
for mode in $modes; do
  (
    [ "$mode" = bash-completion ] && source /usr/share/bash-completion/bash_completion
    source "$COMPLETION"
    [ "$(complete -p sandbox-attest 2>/dev/null)" = "complete -F _sandbox_attest sandbox-attest" ]
  ) || not_ok "$mode: sourcing the completion registers _sandbox_attest"
done

for mode in $modes; do
  [ "$mode" = bash-completion ] && source /usr/share/bash-completion/bash_completion
  source "$COMPLETION"
  got=$(complete_words sandbox-attest "" | sort)
  missing=$(for c in $commands; do grep -qx -- "$c" <<<"$got" || echo "$c"; done)
  check "$mode: completes every command${missing:+ (missing: $missing)}" [ -z "$missing" ]
  for c in $commands; do
    got=$(complete_words sandbox-attest "$c" - | sort)
    missing=$(options "$c" | while read -r o; do grep -qx -- "$o" <<<"$got" || echo "$o"; done)
    check "$mode: completes every option of $c${missing:+ (missing: $missing)}" [ -z "$missing" ]
  done
  check "$mode: --format completes the three formats" \
    [ "$(complete_words sandbox-attest report --format "" | tr '\n' ' ')" = "text markdown html " ]
  check "$mode: a prefix completes to its command" [ "$(complete_words sandbox-attest rep)" = report ]
done

for c in $commands; do
  check "man page: a section for $c" grep -qx "## $c" "$SCD"
  missing=$(options "$c" | while read -r o; do grep -qF -- "*$o*" "$SCD" || echo "$o"; done)
  check "man page: every option of $c${missing:+ (missing: $missing)}" [ -z "$missing" ]
done

if [ ! -e "$MAN" ]; then
  skip "the man page was not built (-Dman=auto without scdoc)"
elif ! command -v man >/dev/null; then
  check "man page: built, with a NAME section" grep -q '^\.SH NAME' "$MAN"
else
  LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -l "$MAN" >"$TEST_TMP/man.txt" 2>"$TEST_TMP/man.err"
  check "man page: renders without a warning$(head -c 200 "$TEST_TMP/man.err")" \
    [ -s "$TEST_TMP/man.txt" -a ! -s "$TEST_TMP/man.err" ]
  check "man page: the FILES section names the configured data folder" \
    grep -q "/share/sandbox-attest/matrix.json" "$TEST_TMP/man.txt"
fi
done_testing
