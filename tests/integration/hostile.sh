#!/usr/bin/env bash
# Hostile payloads (tests/hostile/) run as the probe with `run --probe`.
# For each: run says BLOCKED (exit 3, one line) within its deadline, the
# row that catches the attack fails, the bundle validates, and the host is
# unchanged afterwards: no process of the run, no cgroup of the run, no
# work folder, nothing but the bundle in the evidence folder, no file of
# the sandbox's in /tmp, /var/tmp or /dev/shm, host files untouched, no
# input pushed into the terminal.
#
# Every payload is a probe the tool did not ship, so IMAGE-DIGEST fails
# for all of them (run vouches only for its own probe); the other rows
# asserted here are the ones that would catch the attack without it.
source "$(dirname "$0")/../cli/libtest.sh"

H=$ATTEST_BUILDDIR/tests/hostile
SCHEMA=$ATTEST_SRCDIR/schemas/bundle.schema.json
export TMPDIR=$TEST_TMP   # so that leftover work folders would show
chmod 711 "$TEST_TMP"     # as root the sandbox (host uid 65532) must pass through it

[ -x "${BWRAP:-}" ] || skip_all "bwrap not found"
"$BWRAP" --unshare-all --unshare-user --ro-bind / / true 2>/dev/null || skip_all "bwrap cannot create namespaces here"
[ -x "$H/hostile-forkbomb" ] || skip_all "the hostile payloads are not built"

# tests/as-tester.sh exports the delegated cgroups of the rootless run.
delegated() { [ "$(id -u)" = 0 ] || [ -n "${ATTEST_TESTER_CGROUPS:-}" ]; }
if [ "$(id -u)" = 0 ]; then SANDBOX_UID=65532; else SANDBOX_UID=$(id -u); fi

# Names in the shared temporary folders before any payload ran.
shared_dirs=(/tmp /var/tmp /dev/shm)
snapshot() { for d in "${shared_dirs[@]}"; do ls -A "$d" 2>/dev/null | sed "s|^|$d/|"; done | sort; }
snapshot >"$TEST_TMP/shared-before"

# hostile NAME DATE [RUN ARGS...]: runs payload hostile-NAME with run date
# DATE (one date per payload, so that its processes can be found by their
# command line: the sandbox runs "/probe --attest --run-date DATE") into a
# fresh evidence folder.  Sets rc, took_ms, ev, bundle, err, said (the
# payload's stdout, from the bundle) and tool_pid.
n=0
hostile() {
  local name=$1 date=$2 start
  shift 2
  n=$((n + 1))
  run_name=$name run_date=$date
  ev=$TEST_TMP/ev$n
  err=$TEST_TMP/err$n
  mkdir "$ev"
  start=$(date +%s%N)
  "$SANDBOX_ATTEST" run --probe "$H/hostile-$name" --run-date "$date" --evidence "$ev" "$@" >"$TEST_TMP/out$n" 2>"$err" &
  tool_pid=$!
  rc=0
  wait $tool_pid || rc=$?
  took_ms=$(( ($(date +%s%N) - start) / 1000000 ))
  bundle=$(ls "$ev"/*.json 2>/dev/null | head -n 1)
  said=$TEST_TMP/said$n
  if [ -n "$bundle" ]; then jq -r '.launch.stdout // ""' "$bundle" >"$said"; else : >"$said"; fi
  diag "$name: exit $rc in ${took_ms} ms; $(head -c 300 "$err")"
}
row() { jq -r --arg id "$1" '.judgement.rows[] | select(.id == $id) | .status' "$bundle"; }
row_says() { jq -r --arg id "$1" '.judgement.rows[] | select(.id == $id) | .message // ""' "$bundle" | grep -F -q -- "$2"; }
valid_bundle() { [ -n "$bundle" ] && /usr/bin/python3 "$ATTEST_SRCDIR/tests/validate-bundle.py" "$SCHEMA" "$bundle" >/dev/null; }
said() { grep -F -q -- "$1" "$said"; }
no_process() {
  local left
  left=$(pgrep -a -f -- "--run-date $run_date"; pgrep -a -f -- "$TEST_TMP/sandbox-attest-")
  [ -z "$left" ] || diag "left: $left"
  [ -z "$left" ]
}
# The launcher names its cgroups sandbox-attest-<its pid>-<random>.
no_cgroup() { [ -z "$(find /sys/fs/cgroup -type d -name "sandbox-attest-$tool_pid-*" 2>/dev/null)" ]; }
no_work_folder() { [ -z "$(ls "$TEST_TMP" | grep '^sandbox-attest-')" ]; }
only_bundle() { [ "$(ls -A "$ev")" = "$(basename "$bundle")" ]; }
# A new name in /tmp, /var/tmp or /dev/shm that the sandbox made: owned
# by its uid (as root: 65532, used by nothing else here) or named like
# what the payloads write.
nothing_shared() {
  local new
  new=$(comm -13 "$TEST_TMP/shared-before" <(snapshot))
  [ -z "$new" ] && return 0
  diag "new in the shared folders: $(printf '%s ' $new)"
  ! printf '%s\n' "$new" | grep -E '/(fill|heartbeat|hostile|\.staged|sandbox-attestation)' >/dev/null || return 1
  [ "$(id -u)" != 0 ] && return 0
  for f in $new; do [ "$(stat -c %u "$f" 2>/dev/null)" = "$SANDBOX_UID" ] && return 1; done
  return 0
}

# The common verdict: BLOCKED in one line, within the deadline, the payload
# not vouched for, a valid bundle.
blocked() {
  local deadline_ms=$1
  check "$run_name: BLOCKED (exit 3), one line on stderr" eval '[ "$rc" = 3 ] && one_line "$err"'
  check "$run_name: done within ${deadline_ms} ms" [ "$took_ms" -lt "$deadline_ms" ]
  check "$run_name: IMAGE-DIGEST fails (not the tool's probe)" [ "$(row IMAGE-DIGEST)" = FAIL ]
  check "$run_name: the bundle validates" valid_bundle
}
host_unchanged() {
  check "$run_name: no process of the run is left" no_process
  check "$run_name: no cgroup of the run is left" no_cgroup
  check "$run_name: no work folder is left" no_work_folder
  check "$run_name: the evidence folder holds the bundle only" only_bundle
  check "$run_name: nothing of the sandbox's in /tmp, /var/tmp, /dev/shm" nothing_shared
}

# ---- a fork bomb ----
hostile forkbomb 2026-10-01 --timeout 4
blocked 20000
check "forkbomb: SANDBOX-EXIT fails at the deadline" \
  eval '[ "$(row SANDBOX-EXIT)" = FAIL ] && row_says SANDBOX-EXIT "overran the deadline"'
if delegated; then
  procs=$(sed -n 's/.*; \([0-9]*\) processes in the sandbox.*/\1/p' "$said")
  diag "forkbomb: $(cat "$said")"
  check "forkbomb: fork hit the ceiling (EAGAIN) at <= 64 processes" \
    eval 'said "fork failed with EAGAIN" && [ -n "$procs" ] && [ "$procs" -le 64 ]'
  check "forkbomb: the pids cgroup saw at most 64" \
    [ "$(jq '.limits[] | select(.limit == "pids") | .observed.peak' "$bundle")" -le 64 ]
fi
host_unchanged

# ---- a memory bomb ----
hostile membomb 2026-10-02 --timeout 30
blocked 40000
check "membomb: SANDBOX-EXIT fails (killed or refused)" [ "$(row SANDBOX-EXIT)" = FAIL ]
check "membomb: never past the ceiling" eval '! said ESCAPED'
if delegated; then
  check "membomb: the OOM killer ends it (exit 137)" row_says SANDBOX-EXIT "exited with 137"
fi
host_unchanged

# ---- filling /tmp and /out ----
hostile fill 2026-10-03 --timeout 30
blocked 40000
check "fill: /tmp stops at 16 MiB (ENOSPC)" said "fill /tmp/fill: 16384 KiB written, then ENOSPC"
check "fill: INSIDE-DIGEST fails (no result)" [ "$(row INSIDE-DIGEST)" = FAIL ]
check "fill: the 64 MiB in /out went with the work folder" [ "$(du -sk "$TEST_TMP" | cut -f1)" -lt 4096 ]
host_unchanged
if [ "$(id -u)" = 0 ]; then
  fullout=$TEST_TMP/full-out
  mkdir "$fullout"
  mount -t tmpfs -o size=4m,mode=0777 tmpfs "$fullout"
  hostile fill 2026-10-04 --timeout 30 --out "$fullout"
  blocked 40000
  check "fill, /out a full 4 MiB file system: ENOSPC, the tool carries on" \
    said "fill /out/fill: 4096 KiB written, then ENOSPC"
  check "fill, full /out: the folder the operator named is kept" [ -f "$fullout/fill" ]
  host_unchanged
  umount "$fullout"
else
  skip "a full /out needs a tmpfs (root run)"
fi

# ---- inside.json replaced by a symbolic link, a FIFO, a directory, a 1 GiB sparse file ----
# The link points at a host file whose content the bundle must never carry.
in=$TEST_TMP/in
mkdir "$in"
marker=$TEST_TMP/host-secret
echo "attest-hostile-marker-$$-do-not-leak" >"$marker"
chmod 644 "$marker"
echo "$marker" >"$in/target-path"
chmod 755 "$in" && chmod 644 "$in/target-path"
marker_before=$(stat -c '%Y %s' "$marker"; sha256sum <"$marker")
leaks() { grep -r -F -q "attest-hostile-marker-$$" "$ev"; }
for kind in symlink fifo; do
  # The shipped policy denies symlink(2) and mknod(2) ...
  hostile inside-$kind 2026-10-0$([ $kind = symlink ] && echo 5 || echo 6) --in "$in"
  blocked 20000
  check "inside as a $kind: the policy refuses to make one (EPERM)" said "inside $kind: EPERM"
  host_unchanged
  # ... so the host's refusal is checked with the filter off.
  hostile inside-$kind 2026-10-0$([ $kind = symlink ] && echo 7 || echo 8) --in "$in" --weaken seccomp
  blocked 20000
  check "inside as a $kind (no filter): made it" said "inside $kind: OK"
  check "inside as a $kind (no filter): INSIDE-DIGEST refuses it" \
    eval '[ "$(row INSIDE-DIGEST)" = FAIL ] && row_says INSIDE-DIGEST "$([ $kind = symlink ] && echo "symbolic link (refused)" || echo "not a regular file (refused)")"'
  check "inside as a $kind (no filter): NOT-WEAKENED fails" [ "$(row NOT-WEAKENED)" = FAIL ]
  check "inside as a $kind (no filter): the host file was not read into the bundle" eval '! leaks'
  host_unchanged
done
check "the linked host file is unchanged" [ "$(stat -c '%Y %s' "$marker"; sha256sum <"$marker")" = "$marker_before" ]
hostile inside-directory 2026-10-09
blocked 20000
check "inside as a directory: INSIDE-DIGEST refuses it" row_says INSIDE-DIGEST "not a regular file (refused)"
host_unchanged
hostile inside-sparse 2026-10-10
blocked 20000
check "inside as a 1 GiB sparse file: refused by size, not read" row_says INSIDE-DIGEST "1073741824 bytes, over the limit"
host_unchanged

# ---- a forged inside.json that says every probe passed, in a weakened sandbox ----
# The forgery is genuine: the inside.json of an ACCEPTED run of the
# tool's own probe, same run date.  The probe rows then all pass; the
# host's own records must show the weakening.
FORGE_DATE=2026-10-11
genuine=$TEST_TMP/genuine
mkdir "$genuine"
rc=0
"$SANDBOX_ATTEST" run --run-date $FORGE_DATE --evidence "$genuine" >/dev/null 2>&1 || rc=$?
bundle=$(ls "$genuine"/*.json | head -n 1)
jq -r '.inside.text' "$bundle" >"$in/forged.json"
chmod 644 "$in/forged.json"
if delegated; then
  check "forge: the genuine run it copies was ACCEPTED" [ "$rc" = 0 ]
fi
probe_rows_pass() {
  [ "$(jq '[.judgement.rows[] | select(.id | startswith("PR-")) | select(.id != "PR-DYNIMPORT") | select(.status == "FAIL")] | length' "$bundle")" = 0 ]
}
hostile forge $FORGE_DATE --in "$in"
blocked 20000
check "forge, full sandbox: the forged probe rows all pass" probe_rows_pass
check "forge, full sandbox: IMAGE-DIGEST alone stands between it and ACCEPTED" \
  [ "$(jq -r '[.judgement.rows[] | select(.status == "FAIL") | .id] - ["PR-DYNIMPORT"] | join(",")' "$bundle")" = IMAGE-DIGEST ]
host_unchanged
while read -r what rows; do
  hostile forge $FORGE_DATE --in "$in" --weaken "$what"
  blocked 20000
  check "forge, --weaken $what: the forged probe rows all pass" probe_rows_pass
  for r in NOT-WEAKENED $rows; do
    check "forge, --weaken $what: $r catches it" [ "$(row "$r")" = FAIL ]
  done
  host_unchanged
done <<'LIST'
network NAMESPACES ARGV-ISOLATION
seccomp ARGV-ISOLATION
capabilities ARGV-ISOLATION
env ARGV-ISOLATION
in-ro ARGV-ISOLATION
tmp-noexec
LIST

# ---- kill, ptrace or signal the launcher ----
hostile signal 2026-10-12
blocked 20000
check "signal: the launcher survived and judged (SANDBOX-EXIT passes)" [ "$(row SANDBOX-EXIT)" = PASS ]
check "signal: the payload ran to its end" said "signal: still alive"
for what in "ptrace(ATTACH, parent)" "ptrace(SEIZE, 1)" "ptrace(TRACEME)" "process_vm_writev(1)" "pidfd_open(1)"; do
  check "signal: $what is refused (EPERM)" said "signal: $what: EPERM"
done
check "signal: no process outside the sandbox was reachable" said "reached 0 processes"
host_unchanged

# ---- TIOCSTI into the operator's terminal ----
hostile_pty() {
  n=$((n + 1))
  run_name=tiocsti run_date=2026-10-13
  ev=$TEST_TMP/ev$n
  mkdir "$ev"
  /usr/bin/python3 "$ATTEST_SRCDIR/tests/hostile/pty-run.py" --control \
    "$SANDBOX_ATTEST" run --probe "$H/hostile-tiocsti" --run-date $run_date --evidence "$ev" >"$TEST_TMP/pty$n" 2>&1
  bundle=$(ls "$ev"/*.json 2>/dev/null | head -n 1)
  said=$TEST_TMP/said$n
  jq -r '.launch.stdout // ""' "$bundle" >"$said"
  tool_pid=none
}
hostile_pty
diag "tiocsti: $(grep -E '^(control|exit|injected)' "$TEST_TMP/pty$n" | tr '\n' ' ')"
check "tiocsti: BLOCKED (exit 3) on a real terminal" grep -q '^exit 3$' "$TEST_TMP/pty$n"
check "tiocsti: the bundle validates" valid_bundle
check "tiocsti: every TIOCSTI is refused" eval '! grep -E "^tiocsti .*: OK" "$said" && said "tiocsti fd 0: EPERM"'
if grep -q '^control pushed' "$TEST_TMP/pty$n"; then
  check "tiocsti: nothing but the test's own control input reached the terminal" \
    grep -qx "injected b'CONTROL'" "$TEST_TMP/pty$n"
else
  check "tiocsti: nothing reached the terminal (no control: TIOCSTI is off on this kernel)" \
    grep -qx "injected b''" "$TEST_TMP/pty$n"
fi
host_unchanged

# ---- x32 and int 0x80 ----
hostile abi 2026-10-14
blocked 20000
check "abi: an x32 call is killed (SIGSYS)" said "abi x32: killed by SYS"
check "abi: int 0x80 is killed (SIGSYS)" said "abi int80: killed by SYS"
check "abi: nothing ran" eval '! said ESCAPED'
check "abi: SANDBOX-EXIT fails (the payload died by SIGSYS: 128+31)" row_says SANDBOX-EXIT "exited with 159"
host_unchanged

# ---- io_uring ----
hostile iouring 2026-10-15
blocked 20000
check "iouring: io_uring_setup is refused" eval 'said "iouring setup: EPERM" || said "iouring setup: ENOSYS"'
check "iouring: no ring" eval '! said "iouring setup: OK"'
host_unchanged

# ---- a double fork that tries to outlive the sandbox ----
beat=$TEST_TMP/beat-out
mkdir "$beat"
chmod 777 "$beat"
hostile outlive 2026-10-16 --out "$beat"
blocked 20000
check "outlive: the grandchild was beating" [ -s "$beat/heartbeat" ]
b1=$(cat "$beat/heartbeat" 2>/dev/null)
sleep 0.5
b2=$(cat "$beat/heartbeat" 2>/dev/null)
check "outlive: the heartbeat stopped with the sandbox ($b1 = $b2)" [ "$b1" = "$b2" ]
host_unchanged

# ---- closing and reopening inherited fds; forging bwrap's json-status ----
hostile fds 2026-10-17
blocked 20000
check "fds: the launcher reads its json-status as bwrap wrote it (NAMESPACES passes)" [ "$(row NAMESPACES)" = PASS ]
check "fds: the forged net namespace is not in the bundle" [ "$(jq '.bwrap_status.namespaces.net' "$bundle")" != 4 ]
check "fds: none of init's descriptors but stdio reopen" eval '! grep -E "reopen /proc/1/fd/([3-9]|[1-9][0-9]+): OK" "$said"'
host_unchanged
hostile fds 2026-10-18 --weaken network
blocked 20000
# (bwrap reports no net namespace of its own then; a forged one would pass.)
check "fds, --weaken network: NAMESPACES still fails on the network" \
  eval '[ "$(row NAMESPACES)" = FAIL ] && row_says NAMESPACES "net namespace"'
host_unchanged

done_testing
