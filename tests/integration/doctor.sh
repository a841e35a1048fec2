#!/usr/bin/env bash
# sandbox-attest doctor on the real host, and with failing conditions
# created for real: user.max_user_namespaces=0 inside a user namespace
# (the sysctl is per user namespace since Linux 4.9, so no root on the
# host is needed), and an account whose cgroups it cannot write (as root:
# uid 65532 in root's cgroups; as attest-tester: the -nocg cgroups
# tests/as-tester.sh prepares).  Each time the diagnosis and the fix text
# are checked, and so is `run`'s one-line error in the same condition.
source "$(dirname "$0")/../cli/libtest.sh"

chmod 711 "$TEST_TMP"     # as root, uid 65532 runs the tool from inside it

[ -x "${BWRAP:-}" ] || skip_all "bwrap not found"
command -v jq >/dev/null || skip_all "jq not found"
"$BWRAP" --unshare-all --unshare-user --ro-bind / / true 2>/dev/null || skip_all "bwrap cannot create namespaces here"

# doctor_json OUT [ENV...] -- CMD...: stores CMD's stdout in OUT, its exit status in $rc.
jqt() { jq -e "$@" >/dev/null; }   # a jq test: its output is not TAP
status_of() { jq -r --arg id "$2" '.checks[] | select(.id == $id) | .status' "$1"; }
field_of() { jq -r --arg id "$2" --arg f "$3" '.checks[] | select(.id == $id) | .[$f] // ""' "$1"; }
trials_ok() { [ "$(jq '[.checks[] | select(.id | startswith("trial.")) | select(.status != "ok")] | length' "$1")" = 0 ]; }
n_trials() { jq '[.checks[] | select(.id | startswith("trial."))] | length' "$1"; }
# tests/as-tester.sh exports the delegated and the unwritable cgroups of the rootless run.
delegated() { [ "$(id -u)" = 0 ] || [ -n "${ATTEST_TESTER_CGROUPS:-}" ]; }
# A failure to create the condition is a skip, or a failure under ATTEST_TESTS_MUST_WORK=1.
skip_or_fail() { if [ "${ATTEST_TESTS_MUST_WORK:-0}" = 1 ]; then not_ok "$*"; else skip "$*"; fi; }

# ---- (a) this host, as it is ----
run_tool doctor --json
cp "$out" "$TEST_TMP/host.json"
host_rc=$rc
check "--json is valid JSON with one object per check" jqt '.checks | length > 20' "$TEST_TMP/host.json"
check "--json: every check has id, status, observed, degrades and fix" \
  jqt '(.checks | length) as $n | [.checks[] | select((.id | type) == "string" and (.status | IN("ok", "warn", "fail"))
          and (.observed | type) == "string" and (.degrades | type) == "string" and has("fix"))] | length == $n' \
  "$TEST_TMP/host.json"
check "--json: ids are unique" jqt '[.checks[].id] | length == (unique | length)' "$TEST_TMP/host.json"
check "--json: a fix exactly where the status is not ok" \
  jqt '[.checks[] | select((.status == "ok") != (.fix == null))] | length == 0' "$TEST_TMP/host.json"
check "--json: accepted and the exit status agree" \
  eval '[ "$(jq -r .accepted "$TEST_TMP/host.json")" = "$([ $host_rc = 0 ] && echo true || echo false)" ]'
check "every trial sandbox works here (userns, netns, proc, seccomp, noexec /tmp, size)" trials_ok "$TEST_TMP/host.json"
check "six trials ran" [ "$(n_trials "$TEST_TMP/host.json")" = 6 ]
if delegated; then
  check "exit 0 here: run can be ACCEPTED (every limit enforced by a cgroup)" [ "$host_rc" = 0 ]
else
  skip "no delegated cgroup for $(id -un): the limits decide the exit status"
fi
for id in $(jq -r '.checks[] | select(.status != "ok") | .id' "$TEST_TMP/host.json"); do
  diag "not ok here: $id: $(field_of "$TEST_TMP/host.json" "$id" observed)"
done

run_tool doctor
table=$TEST_TMP/host.txt
cp "$out" "$table"
check "the table: the same exit status as --json" [ "$rc" = "$host_rc" ]
check "the table: a row for every check of --json" \
  eval 'for id in $(jq -r ".checks[].id" "$TEST_TMP/host.json"); do grep -q "^$id " "$table" || exit 1; done'
check "the table ends with the verdict" eval 'tail -n 1 "$table" | grep -q "^verdict: run "'
check "no colour when stdout is not a terminal" eval '! grep -q $'"'"'\033'"'"' "$table"'
if command -v script >/dev/null; then
  NO_COLOR=1 script -qec "$SANDBOX_ATTEST doctor" /dev/null >"$TEST_TMP/tty-nocolor.txt" 2>&1 || true
  check "no colour on a terminal with NO_COLOR" eval '! grep -q $'"'"'\033\['"'"' "$TEST_TMP/tty-nocolor.txt"'
  env -u NO_COLOR TERM=xterm script -qec "$SANDBOX_ATTEST doctor" /dev/null >"$TEST_TMP/tty-colour.txt" 2>&1 || true
  check "colour on a terminal without NO_COLOR" grep -q $'\033\\[' "$TEST_TMP/tty-colour.txt"
else
  skip "script(1) not found: colour on a terminal not tested"
fi

# ---- usage ----
run_tool doctor extra
check "an argument is bad usage (exit 2, one line)" eval '[ "$rc" = 2 ] && one_line "$err"'
run_tool doctor --bogus
check "an unknown option is bad usage (exit 2)" [ "$rc" = 2 ]

# ---- never stops at the first failure: no bwrap at all ----
run_tool doctor --json --bwrap /nonexistent/bwrap
check "--bwrap /nonexistent: exit 3" [ "$rc" = 3 ]
check "--bwrap /nonexistent: bwrap.path fails, the fix installs bubblewrap" \
  eval '[ "$(status_of "$out" bwrap.path)" = fail ] && field_of "$out" bwrap.path fix | grep -q "apt-get install bubblewrap"'
check "--bwrap /nonexistent: every other check still ran" \
  [ "$(jq '.checks | length' "$out")" = "$(jq '.checks | length' "$TEST_TMP/host.json")" ]

# ---- (b) user.max_user_namespaces = 0, for real, inside a user namespace ----
# As uid 0 of the namespace (util-linux's --map-root-user), literally:
ns_rc=0
unshare --user --map-root-user sh -c 'echo 0 >/proc/sys/user/max_user_namespaces && exec "$0" doctor --json' \
  "$SANDBOX_ATTEST" >"$TEST_TMP/ns-root.json" 2>"$TEST_TMP/ns-root.err" || ns_rc=$?
if ! jq -e . "$TEST_TMP/ns-root.json" >/dev/null 2>&1; then
  skip_or_fail "cannot set max_user_namespaces=0 in a user namespace here: $(head -c 200 "$TEST_TMP/ns-root.err")"
else
  f=$TEST_TMP/ns-root.json
  [ "$ns_rc" = 3 ] || diag "doctor in the namespace: exit $ns_rc: $(jq -c '[.checks[] | select(.id | test("userns|identity|trial.userns")) | {id, status, observed}]' "$f" | head -c 1500)"
  check "max_user_namespaces=0 (namespace root): exit 3" [ "$ns_rc" = 3 ]
  check "max_user_namespaces=0 (namespace root): the user-namespace check fails naming max_user_namespaces" \
    eval '[ "$(status_of "$f" userns.max_user_namespaces)" = fail ] && field_of "$f" userns.max_user_namespaces observed | grep -q max_user_namespaces'
  check "max_user_namespaces=0 (namespace root): the fix is sysctl -w user.max_user_namespaces=15000, persisted" \
    eval 'field_of "$f" userns.max_user_namespaces fix | grep -qF "sysctl -w user.max_user_namespaces=15000" &&
          field_of "$f" userns.max_user_namespaces fix | grep -qF /etc/sysctl.d/'
  check "max_user_namespaces=0 (namespace root): identity fails, 65532 is not mapped" [ "$(status_of "$f" identity)" = fail ]
  check "max_user_namespaces=0 (namespace root): the trials fail, and still every check ran" \
    eval '[ "$(status_of "$f" trial.userns)" = fail ] && [ "$(jq ".checks | length" "$f")" = "$(jq ".checks | length" "$TEST_TMP/host.json")" ]'
fi

# ---- the staging child is gone before the tool tells it to go on ----
# As uid 0 of a namespace without 65532, the staging child fails to drop
# to 65532 at once.  strace delays the tool's pidfd_open, its last step
# before it writes to the child, so the child is always gone first: the
# tool must report why, not die of SIGPIPE (exit 141) without a word.
if ! command -v strace >/dev/null; then
  skip_or_fail "strace not found: the early-death case of the staging child is not tested"
elif ! strace -f -qq -o /dev/null -e trace=pidfd_open -e inject=pidfd_open:delay_exit=1 true 2>/dev/null; then
  skip_or_fail "strace cannot trace here (ptrace or syscall injection unavailable)"
else
  race_rc=0
  strace -f -qq -o /dev/null -e trace=pidfd_open -e inject=pidfd_open:delay_exit=200000 \
    unshare --user --map-root-user "$SANDBOX_ATTEST" doctor --json >"$TEST_TMP/race.json" 2>"$TEST_TMP/race.err" || race_rc=$?
  [ "$race_rc" = 3 ] || diag "doctor with the staging child gone first: exit $race_rc: $(head -c 300 "$TEST_TMP/race.err")"
  check "staging child gone before it is told to go on: exit 3, not SIGPIPE" [ "$race_rc" = 3 ]
  check "staging child gone before it is told to go on: trial.userns names the failed uid drop" \
    eval '[ "$(status_of "$TEST_TMP/race.json" trial.userns)" = fail ] &&
          field_of "$TEST_TMP/race.json" trial.userns observed | grep -q "dropping to the staging uid"'
fi

# The account run really uses: an unprivileged uid of the namespace.  The
# namespace's creator keeps its capabilities across exec (--keep-caps)
# just long enough to write the sysctl, then setpriv drops them.
as_user=()
if [ "$(id -u)" = 0 ]; then
  as_user=(setpriv --reuid=65532 --regid=65532 --clear-groups)
fi
nsdir=$TEST_TMP/ns
mkdir -m 1777 "$nsdir"
in_userns0() {
  (cd "$nsdir" && TMPDIR=$nsdir "${as_user[@]}" unshare --user --map-current-user --keep-caps sh -c \
    'echo 0 >/proc/sys/user/max_user_namespaces && exec setpriv --inh-caps=-all --ambient-caps=-all -- "$@"' sh "$@")
}
ns_rc=0
in_userns0 "$SANDBOX_ATTEST" doctor --json >"$TEST_TMP/ns-user.json" 2>"$TEST_TMP/ns-user.err" || ns_rc=$?
if ! jq -e . "$TEST_TMP/ns-user.json" >/dev/null 2>&1; then
  skip_or_fail "cannot set max_user_namespaces=0 as an unprivileged uid here: $(head -c 200 "$TEST_TMP/ns-user.err")"
else
  f=$TEST_TMP/ns-user.json
  check "max_user_namespaces=0: exit 3" [ "$ns_rc" = 3 ]
  check "max_user_namespaces=0: the user-namespace check fails naming max_user_namespaces" \
    eval '[ "$(status_of "$f" userns.max_user_namespaces)" = fail ] && field_of "$f" userns.max_user_namespaces observed | grep -q max_user_namespaces'
  check "max_user_namespaces=0: its fix contains user.max_user_namespaces" \
    eval 'field_of "$f" userns.max_user_namespaces fix | grep -qF user.max_user_namespaces'
  check "max_user_namespaces=0: trial.userns fails in the staging namespace (ENOSPC), diagnosed as max_user_namespaces" \
    eval '[ "$(status_of "$f" trial.userns)" = fail ] && field_of "$f" trial.userns observed | grep -q "No space left on device.*max_user_namespaces"'
  check "max_user_namespaces=0: trial.userns's fix contains user.max_user_namespaces" \
    eval 'field_of "$f" trial.userns fix | grep -qF "sysctl -w user.max_user_namespaces=15000"'
  check "max_user_namespaces=0: every trial fails" \
    [ "$(jq '[.checks[] | select(.id | startswith("trial.")) | select(.status == "fail")] | length' "$f")" = 6 ]
  check "max_user_namespaces=0: the table prints the same diagnosis" \
    eval 'in_userns0 "$SANDBOX_ATTEST" doctor 2>/dev/null | grep -A3 "^userns.max_user_namespaces " | grep -qF "fix: sysctl -w user.max_user_namespaces=15000"'

  # run in the same condition: exit 3, one stderr line with the same cause.
  mkdir -m 1777 "$nsdir/ev"
  run_rc=0
  in_userns0 "$SANDBOX_ATTEST" run --evidence "$nsdir/ev" --run-date 2026-11-28 \
    >"$TEST_TMP/ns-run.out" 2>"$TEST_TMP/ns-run.err" || run_rc=$?
  check "max_user_namespaces=0: run exits 3 with one stderr line" eval '[ "$run_rc" = 3 ] && one_line "$TEST_TMP/ns-run.err"'
  diag "run said: $(cat "$TEST_TMP/ns-run.err")"
  # needs run wiring: pipeline.c puts attest_doctor_explain_bwrap_failure() into run's line.
  check "max_user_namespaces=0: run's line names max_user_namespaces and the fix" \
    grep -q "max_user_namespaces.*fix: sysctl -w user.max_user_namespaces=15000" "$TEST_TMP/ns-run.err"
fi

# ---- (c) an account without cgroup access ----
# nocg CMD...: CMD as an account in cgroups it cannot write.
nocg_ready=
if [ "$(id -u)" = 0 ]; then
  nocg() { (cd "$nsdir" && TMPDIR=$nsdir setpriv --reuid=65532 --regid=65532 --clear-groups "$@"); }
  nocg_ready=1
elif [ -n "${ATTEST_TESTER_NOCG_CGROUPS:-}" ]; then
  nocg() (
    IFS=: read -ra dirs <<<"$ATTEST_TESTER_NOCG_CGROUPS"
    for d in "${dirs[@]}"; do echo $BASHPID >"$d/cgroup.procs"; done
    exec "$@"
  )
  nocg_ready=1
fi
if [ -n "$nocg_ready" ]; then
  nc_rc=0
  nocg "$SANDBOX_ATTEST" doctor --json >"$TEST_TMP/nocg.json" 2>"$TEST_TMP/nocg.err" || nc_rc=$?
  f=$TEST_TMP/nocg.json
  check "no cgroup access: exit 3 (the limits would be degraded)" [ "$nc_rc" = 3 ]
  check "no cgroup access: limits.pids, limits.memory and limits.cpu fail" \
    eval '[ "$(status_of "$f" limits.pids)$(status_of "$f" limits.memory)$(status_of "$f" limits.cpu)" = failfailfail ]'
  check "no cgroup access: the trials still work" trials_ok "$f"
  nc_table=$TEST_TMP/nocg.txt
  nocg "$SANDBOX_ATTEST" doctor >"$nc_table" 2>&1 || true
  check "no cgroup access: the table names LIMIT-PIDS, LIMIT-MEMORY and LIMIT-CPU" \
    eval 'grep -q LIMIT-PIDS "$nc_table" && grep -q LIMIT-MEMORY "$nc_table" && grep -q LIMIT-CPU "$nc_table"'
  check "no cgroup access: the delegation drop-in is printed" \
    eval 'grep -qF /etc/systemd/system/user@.service.d/delegate.conf "$nc_table" && grep -qF "[Service]\nDelegate=pids memory cpu" "$nc_table"'
  check "no cgroup access: loginctl enable-linger names the account" \
    eval 'grep -qF "loginctl enable-linger $(nocg id -un 2>/dev/null || nocg id -u)" "$nc_table"'
  nc_rc=0
  nocg "$SANDBOX_ATTEST" doctor --json --allow-degraded-limits >"$TEST_TMP/nocg-degraded.json" 2>/dev/null || nc_rc=$?
  check "no cgroup access, --allow-degraded-limits: the limits warn instead, exit 0" \
    eval '[ "$nc_rc" = 0 ] && [ "$(status_of "$TEST_TMP/nocg-degraded.json" limits.pids)" = warn ]'
else
  skip "no account without cgroup access (run the rootless setup: meson test --setup rootless)"
fi

done_testing
