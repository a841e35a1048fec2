# TAP helpers for the shell suites ("no plan" TAP: done_testing prints it).
# Sourced.  Each test file gets a temporary folder, removed at exit unless
# TEST_SKIP_CLEANUP is set.
set -u
_tap_n=0
_tap_failed=0
TEST_TMP=$(mktemp -d "${TMPDIR:-/tmp}/attest-test.XXXXXX")
touch "$TEST_TMP/.testtmp"
_cleanup() {
  [ -n "${TEST_SKIP_CLEANUP:-}" ] && return
  chmod -R u+rwX "$TEST_TMP" 2>/dev/null
  rm -rf "$TEST_TMP"
}
trap _cleanup EXIT

ok() { _tap_n=$((_tap_n + 1)); echo "ok $_tap_n - $*"; }
not_ok() { _tap_n=$((_tap_n + 1)); _tap_failed=1; echo "not ok $_tap_n - $*"; }
skip() { _tap_n=$((_tap_n + 1)); echo "ok $_tap_n # SKIP $*"; }
diag() { echo "# $*"; }
check() {
  # check DESCRIPTION COMMAND...: ok when COMMAND succeeds.
  local what=$1
  shift
  if "$@"; then ok "$what"; else not_ok "$what"; fi
}
done_testing() { echo "1..$_tap_n"; exit $_tap_failed; }

# skip_all REASON: a missing host feature; a failure under ATTEST_TESTS_MUST_WORK=1.
skip_all() {
  if [ "${ATTEST_TESTS_MUST_WORK:-0}" = 1 ]; then
    echo "not ok 1 - required feature missing: $*"
    echo "1..1"
    exit 1
  fi
  echo "1..0 # SKIP $*"
  exit 0
}

# run_tool ARGS...: runs sandbox-attest; sets $rc, $out (stdout file), $err (stderr file).
run_tool() {
  out=$TEST_TMP/stdout
  err=$TEST_TMP/stderr
  rc=0
  "$SANDBOX_ATTEST" "$@" >"$out" 2>"$err" || rc=$?
}

one_line() { [ "$(wc -l <"$1")" -eq 1 ]; }
has() { grep -F -- "$2" "$1" >/dev/null; }
