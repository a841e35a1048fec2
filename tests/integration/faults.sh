#!/usr/bin/env bash
# Faults on the host side, each produced for real: bwrap missing, not
# executable or not bwrap; user namespaces switched off (a user namespace
# whose user.max_user_namespaces leaves no room); unreadable, endless,
# non-UTF-8 policies; evidence folders that are read-only, full or a
# symbolic link; SIGINT, SIGTERM and SIGKILL at several points of a run;
# 20 runs in parallel from one account.  Nothing half-written is left,
# nothing of a run survives it, and a later run is not confused.
source "$(dirname "$0")/../cli/libtest.sh"

SCHEMA=$ATTEST_SRCDIR/schemas/bundle.schema.json
export TMPDIR=$TEST_TMP   # so that leftover work folders show
chmod 711 "$TEST_TMP"     # as root the sandbox (host uid 65532) must pass through it

[ -x "${BWRAP:-}" ] || skip_all "bwrap not found"
"$BWRAP" --unshare-all --unshare-user --ro-bind / / true 2>/dev/null || skip_all "bwrap cannot create namespaces here"

delegated() { [ "$(id -u)" = 0 ] || [ -n "${ATTEST_TESTER_CGROUPS:-}" ]; }
valid() { [ -n "$1" ] && /usr/bin/python3 "$ATTEST_SRCDIR/tests/validate-bundle.py" "$SCHEMA" "$1" >/dev/null; }
work_folders() { ls "$TEST_TMP" | grep -c '^sandbox-attest-' || true; }
cgroups_of() { find /sys/fs/cgroup -type d -name "sandbox-attest-$1-*" 2>/dev/null; }
# every cgroup of tool pid $1 (if any is left) holds no process
cgroups_empty() {
  local cg
  for cg in $(cgroups_of "$1"); do [ -z "$(cat "$cg/cgroup.procs" 2>/dev/null)" ] || return 1; done
}
# nothing of the run with date $1 runs any more (polls up to 3 s: bwrap's
# children die through --die-with-parent, asynchronously)
run_gone() {
  for _ in $(seq 30); do
    pgrep -f -- "--run-date $1" >/dev/null || return 0
    sleep 0.1
  done
  return 1
}

# fault NAME [RUN ARGS...]: one run into a fresh evidence folder; sets
# rc, err, ev, bundle.
n=0
fault() {
  local what=$1
  shift
  n=$((n + 1))
  ev=$TEST_TMP/ev$n
  err=$TEST_TMP/err$n
  mkdir -p "$ev"
  rc=0
  "$SANDBOX_ATTEST" run --run-date 2026-07-01 --evidence "$ev" "$@" >/dev/null 2>"$err" || rc=$?
  bundle=$(ls "$ev"/*.json 2>/dev/null | head -n 1)
  diag "$what: exit $rc: $(head -c 300 "$err")"
}
row() { jq -r --arg id "$1" '.judgement.rows[] | select(.id == $id) | .status' "$bundle"; }

# ---- bwrap missing, not executable, not bwrap ----
fault "bwrap missing" --bwrap "$TEST_TMP/no-such-bwrap"
check "bwrap missing: BLOCKED (exit 3), one line" eval '[ "$rc" = 3 ] && one_line "$err"'
check "bwrap missing: the bundle says so (RUN-PROBLEMS)" eval 'valid "$bundle" && [ "$(row RUN-PROBLEMS)" = FAIL ]'
cp "$BWRAP" "$TEST_TMP/bwrap-noexec"
chmod 644 "$TEST_TMP/bwrap-noexec"
fault "bwrap not executable" --bwrap "$TEST_TMP/bwrap-noexec"
check "bwrap not executable: BLOCKED (exit 3), one line" eval '[ "$rc" = 3 ] && one_line "$err"'
check "bwrap not executable: the bundle validates" valid "$bundle"
fault "bwrap is /bin/false" --bwrap /bin/false
check "bwrap is not bwrap (/bin/false): BLOCKED (exit 3), one line" eval '[ "$rc" = 3 ] && one_line "$err"'
check "no work folder is left by the bwrap faults" [ "$(work_folders)" = 0 ]

# ---- user namespaces switched off, for real ----
# The tool runs as an ordinary user in a user namespace U2 created inside
# U1, and U1's user.max_user_namespaces is 1: U2 took the only place, so
# the staging namespace cannot be created (ENOSPC), as on a host where
# an admin switched user namespaces off.
if unshare --user --map-root-user true 2>/dev/null; then
  n=$((n + 1)); ev=$TEST_TMP/ev$n; err=$TEST_TMP/err$n
  mkdir -m 777 "$ev"
  rc=0
  unshare --user --map-root-user sh -c 'echo 1 >/proc/sys/user/max_user_namespaces &&
    exec unshare --user --map-user=1000 --map-group=1000 "$@"' sh \
    "$SANDBOX_ATTEST" run --run-date 2026-07-01 --evidence "$ev" >/dev/null 2>"$err" || rc=$?
  bundle=$(ls "$ev"/*.json 2>/dev/null | head -n 1)
  diag "no user namespaces: exit $rc: $(cat "$err")"
  check "no user namespaces: BLOCKED (exit 3), one line" eval '[ "$rc" = 3 ] && one_line "$err"'
  check "no user namespaces: the bundle names the failed unshare" \
    eval 'valid "$bundle" && jq -r .launch.staging_error "$bundle" | grep -q "No space left on device"'
  check "no user namespaces: SANDBOX-EXIT fails" [ "$(row SANDBOX-EXIT)" = FAIL ]
else
  skip "unshare --user is not available here"
fi

# ---- policies that cannot be read ----
nothing_written() { [ -z "$(ls -A "$ev")" ] && [ "$(work_folders)" = 0 ]; }
if [ "$(id -u)" != 0 ]; then
  cp "$ATTEST_SRCDIR/seccomp/deny-by-default.json" "$TEST_TMP/unreadable.json"
  chmod 000 "$TEST_TMP/unreadable.json"
  fault "unreadable policy" --policy "$TEST_TMP/unreadable.json"
  check "an unreadable policy: exit 2, one line naming it, nothing written" \
    eval '[ "$rc" = 2 ] && one_line "$err" && has "$err" unreadable.json && nothing_written'
else
  skip "an unreadable policy needs a non-root run (root reads every file)"
fi
fault "policy is a folder" --policy "$TEST_TMP"
check "a folder as policy: exit 2, one line, nothing written" eval '[ "$rc" = 2 ] && one_line "$err" && nothing_written'
# A FIFO without a writer: an open without O_NONBLOCK would wait for ever
# (found by this test; inputs are now opened O_NONBLOCK and refused as not
# regular files).  The run is killed after 10 s should that come back.
mkfifo "$TEST_TMP/policy.fifo"
n=$((n + 1)); ev=$TEST_TMP/ev$n; err=$TEST_TMP/err$n
mkdir "$ev"
rc=0
timeout -s KILL 10 "$SANDBOX_ATTEST" run --run-date 2026-07-01 --evidence "$ev" --policy "$TEST_TMP/policy.fifo" \
  >/dev/null 2>"$err" || rc=$?
rm -rf "$TEST_TMP"/sandbox-attest-*   # what a killed run would leave
check "a FIFO as policy (no writer): exit 2 at once, one line, nothing written" \
  eval '[ "$rc" = 2 ] && one_line "$err" && nothing_written'
fault "policy is /dev/zero" --policy /dev/zero
check "an endless policy (/dev/zero): exit 2 at the size cap, one line" eval '[ "$rc" = 2 ] && one_line "$err" && nothing_written'
fault "non-UTF-8 policy" --policy "$ATTEST_SRCDIR/tests/data/policies/invalid-not-utf8.json"
check "a non-UTF-8 policy: exit 2, one line naming the file, nothing written" \
  eval '[ "$rc" = 2 ] && one_line "$err" && has "$err" invalid-not-utf8.json && nothing_written'

# ---- evidence folders that cannot take the bundle ----
ro=$TEST_TMP/ro-evidence
mkdir "$ro"
if [ "$(id -u)" = 0 ]; then mount -t tmpfs -o ro,size=64k tmpfs "$ro"; else chmod 555 "$ro"; fi
rc=0
"$SANDBOX_ATTEST" run --run-date 2026-07-01 --evidence "$ro" >/dev/null 2>"$TEST_TMP/ro-err" || rc=$?
check "a read-only evidence folder: exit 3, one line, nothing in it, no work folder" \
  eval '[ "$rc" = 3 ] && one_line "$TEST_TMP/ro-err" && [ -z "$(ls -A "$ro")" ] && [ "$(work_folders)" = 0 ]'
[ "$(id -u)" = 0 ] && umount "$ro"
if [ "$(id -u)" = 0 ]; then
  full=$TEST_TMP/full-evidence
  mkdir "$full"
  mount -t tmpfs -o size=64k tmpfs "$full"
  dd if=/dev/zero of="$full/filler" bs=4k count=100 2>/dev/null
  rc=0
  "$SANDBOX_ATTEST" run --run-date 2026-07-01 --evidence "$full" >/dev/null 2>"$TEST_TMP/full-err" || rc=$?
  check "a full evidence folder (64 KiB tmpfs): exit 3, one line, no partial bundle or temp file" \
    eval '[ "$rc" = 3 ] && one_line "$TEST_TMP/full-err" && [ "$(ls -A "$full")" = filler ]'
  umount "$full"
else
  skip "a full evidence folder needs a tmpfs (root run)"
fi
mkdir "$TEST_TMP/real-evidence"
ln -s "$TEST_TMP/real-evidence" "$TEST_TMP/link-evidence"
rc=0
"$SANDBOX_ATTEST" run --run-date 2026-07-01 --evidence "$TEST_TMP/link-evidence" >/dev/null 2>"$TEST_TMP/link-err" || rc=$?
check "a symbolic link as evidence folder: exit 2, one line, nothing written through it" \
  eval '[ "$rc" = 2 ] && one_line "$TEST_TMP/link-err" && [ -z "$(ls -A "$TEST_TMP/real-evidence")" ]'

# ---- signals at several points of a run ----
# env --default-signal: a non-interactive shell starts background jobs
# with SIGINT ignored, which a signalfd never sees.
signal_run() {
  local sig=$1 delay=$2 date=$3 ev before
  ev=$TEST_TMP/sig-$sig-$delay
  mkdir "$ev"
  before=$(work_folders)
  env --default-signal=INT,TERM "$SANDBOX_ATTEST" run --run-date "$date" --evidence "$ev" >/dev/null 2>"$ev.err" &
  local pid=$! rc=0 start
  sleep "$delay"
  kill -s "$sig" $pid 2>/dev/null
  start=$(date +%s%N)
  wait $pid || rc=$?
  local took=$(( ($(date +%s%N) - start) / 1000000 ))
  local bundle
  bundle=$(ls "$ev"/*.json 2>/dev/null | head -n 1)
  diag "SIG$sig after ${delay}s: exit $rc, ${took} ms after the signal, bundle: ${bundle:+yes}, $(head -c 200 "$ev.err")"
  check "SIG$sig after ${delay}s: the tool ends within 5 s of it" [ "$took" -lt 5000 ]
  check "SIG$sig after ${delay}s: nothing of the run survives" run_gone "$date"
  if [ "$sig" = KILL ]; then
    check "SIG$sig after ${delay}s: no partial bundle or temp file in the evidence folder" \
      eval '[ -z "$(ls -A "$ev")" ] || { [ "$(ls -A "$ev" | wc -l)" = 1 ] && valid "$bundle"; }'
    check "SIG$sig after ${delay}s: its cgroups hold no process" cgroups_empty $pid
    # The tool could not remove them; the test does, so that repeated
    # runs do not pile up empty cgroups on the host.
    for cg in $(cgroups_of $pid); do rmdir "$cg" 2>/dev/null || true; done
    killed_left=$((killed_left + $(work_folders) - before))
  else
    # Interrupted: exit 3, one line, no bundle; or the run had finished.
    check "SIG$sig after ${delay}s: interrupted (3, one line, no bundle) or finished with a valid bundle" \
      eval '{ [ "$rc" = 3 ] && one_line "$ev.err" && has "$ev.err" "interrupted" && [ -z "$(ls -A "$ev")" ]; } ||
            { { [ "$rc" = 0 ] || [ "$rc" = 3 ]; } && valid "$bundle"; }'
    check "SIG$sig after ${delay}s: its cgroups are removed" [ -z "$(cgroups_of $pid)" ]
    check "SIG$sig after ${delay}s: its work folder is removed" [ "$(work_folders)" = "$before" ]
  fi
}
killed_left=0
d=10
for spec in INT:0.05 INT:0.4 INT:0.8 TERM:0.1 TERM:0.5 TERM:0.9 \
            KILL:0.05 KILL:0.1 KILL:0.3 KILL:0.6 KILL:1.0 KILL:1.5; do
  d=$((d + 1))
  signal_run "${spec%%:*}" "${spec#*:}" "2026-06-$d"
done
# What SIGKILL leaves (the tool gets no chance to clean up): its work
# folders and its (empty) cgroups.  Neither may confuse the next run.
diag "after the SIGKILLs: $killed_left work folders left (each killed run also left its empty cgroups, removed above)"
fault "the run after the SIGKILLs"
if delegated; then
  check "after SIGKILLs: the next run is ACCEPTED" [ "$rc" = 0 ]
else
  check "after SIGKILLs: the next run completes (no cgroup: BLOCKED on limits)" [ "$rc" = 3 ]
fi
check "after SIGKILLs: its bundle validates" valid "$bundle"
check "after SIGKILLs: it removed its own work folder, not the stale ones" [ "$(work_folders)" = "$killed_left" ]

# ---- 20 runs in parallel from one account ----
par=$TEST_TMP/parallel
mkdir "$par"
start=$SECONDS
pids=()
for i in $(seq 1 20); do
  mkdir "$par/ev$i"
  "$SANDBOX_ATTEST" run --run-date 2026-05-01 --evidence "$par/ev$i" >/dev/null 2>"$par/err$i" &
  pids+=($!)
done
codes=()
for i in $(seq 1 20); do
  c=0
  wait "${pids[$((i - 1))]}" || c=$?
  codes+=($c)
done
diag "20 parallel runs: exits ${codes[*]} in $((SECONDS - start)) s"
all_bundles_valid() {
  for i in $(seq 1 20); do
    [ "$(ls "$par/ev$i" | wc -l)" = 1 ] || return 1
    valid "$(ls "$par/ev$i"/*.json)" || return 1
  done
}
# the work folder each run bound as its /probe, and the cgroups it made
distinct() {
  local what=$1 n_all n_uniq
  n_all=$(for i in $(seq 1 20); do jq -r "$what" "$par/ev$i"/*.json; done | grep -c .)
  n_uniq=$(for i in $(seq 1 20); do jq -r "$what" "$par/ev$i"/*.json; done | sort -u | grep -c .)
  diag "distinct: $n_uniq of $n_all"
  [ "$n_all" = "$n_uniq" ] && [ "$n_all" -ge 20 ]
}
check "20 parallel runs: all complete, each with one valid bundle" all_bundles_valid
if delegated; then
  check "20 parallel runs: all ACCEPTED" [ "$(printf '%s\n' "${codes[@]}" | sort -u)" = 0 ]
  check "20 parallel runs: distinct cgroups" \
    distinct '[.limits[] | select(.enforcer | startswith("cgroup")) | .detail | capture("(?<d>/sys/fs/cgroup/[^=]*)/[^/=]*=").d] | unique | .[]'
else
  check "20 parallel runs: all complete (no cgroup: BLOCKED on limits)" [ "$(printf '%s\n' "${codes[@]}" | sort -u)" = 3 ]
fi
check "20 parallel runs: distinct work folders" \
  distinct '.sandbox.bwrap_argv as $a | [range(0; $a | length) | select($a[.] == "/probe") | $a[. - 1]] | .[0]'
check "20 parallel runs: every work folder removed" [ "$(work_folders)" = "$killed_left" ]
check "20 parallel runs: nothing of them survives" run_gone 2026-05-01

done_testing
