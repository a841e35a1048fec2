#!/usr/bin/env bash
# The command line's own conventions: --version as the GNU coding
# standards want it, --help (and help COMMAND) for every subcommand on
# stdout with exit 0, usage errors as exit 2 with one line, every exit
# status in the man page, and NO_COLOR read wherever colour is written.
source "$(dirname "$0")/libtest.sh"

SCD=$ATTEST_SRCDIR/doc/sandbox-attest.1.scd

run_tool --version
version=$(sed -n "s/^ *version : '\([^']*\)',.*/\1/p" "$ATTEST_SRCDIR/meson.build" | head -n 1)
check "--version: exit 0, nothing on stderr" eval '[ "$rc" = 0 ] && [ ! -s "$err" ]'
check "--version: first line 'sandbox-attest $version'" [ "$(head -n 1 "$out")" = "sandbox-attest $version" ]
check "--version: copyright, licence and warranty lines" \
  eval 'grep -q "^Copyright (C) " "$out" && grep -q "LGPL-2.1-or-later" "$out" && grep -q "NO WARRANTY" "$out"'

commands=$("$SANDBOX_ATTEST" --help | awk '/^Commands:/ { on = 1; next } on && /^  [a-z]/ { print $1 } on && /^$/ { on = 0 }')
check "--help lists the commands" [ -n "$commands" ]
run_tool help
check "help alone is --help" eval '[ "$rc" = 0 ] && [ "$(cat "$out")" = "$("$SANDBOX_ATTEST" --help)" ]'
for c in $commands; do
  run_tool "$c" --help
  check "$c --help: exit 0, usage on stdout naming 'sandbox-attest $c', nothing on stderr" \
    eval '[ "$rc" = 0 ] && [ ! -s "$err" ] && grep -q "^  sandbox-attest $c " "$out"'
  cp "$out" "$TEST_TMP/help.$c"
  run_tool help "$c"
  check "help $c is $c --help" eval '[ "$rc" = 0 ] && cmp -s "$out" "$TEST_TMP/help.$c"'
  run_tool "$c" --no-such-option
  check "$c --no-such-option: exit 2, one line on stderr" eval '[ "$rc" = 2 ] && one_line "$err" && [ ! -s "$out" ]'
done

run_tool
check "no command: usage on stderr, exit 2" eval '[ "$rc" = 2 ] && has "$err" "Usage:"'
run_tool no-such-command
check "an unknown command: exit 2, one line" eval '[ "$rc" = 2 ] && one_line "$err"'
run_tool help no-such-command
check "help of an unknown command: exit 2, one line" eval '[ "$rc" = 2 ] && one_line "$err"'

# The man page's EXIT STATUS names every status the tool uses.
exit_status=$(awk '/^# EXIT STATUS/ { on = 1; next } on && /^# / { on = 0 } on' "$SCD")
for s in 0 1 2 3; do
  check "man page: EXIT STATUS documents $s" grep -qx "\*$s\*" <<<"$exit_status"
done
check "man page: EXIT STATUS says exec passes its command's status on" grep -q "exec" <<<"$exit_status"

# Every source file that writes an ANSI colour reads NO_COLOR
# (no-color.org); tests/cli/report.sh and tests/integration/doctor.sh run
# both on a terminal.
for f in "$ATTEST_SRCDIR"/src/*.c; do
  grep -q '\\033\[' "$f" || continue
  check "$(basename "$f") writes colour and honours NO_COLOR" grep -q 'NO_COLOR' "$f"
done
done_testing
