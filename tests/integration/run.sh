#!/usr/bin/env bash
# sandbox-attest run, end to end with the real bwrap, kernel and cgroups:
# the verdict where every limit is enforced and where one is not, each
# protection removed on purpose and caught by the probe that tries it,
# hostile probes, unusable evidence folders, a missing bwrap, signals.
source "$(dirname "$0")/../cli/libtest.sh"

PAYLOADS=$ATTEST_BUILDDIR/tests/payloads
SCHEMA=$ATTEST_SRCDIR/schemas/bundle.schema.json
DATE=2026-11-28
export TMPDIR=$TEST_TMP   # so that leftover work folders would show
chmod 711 "$TEST_TMP"     # as root the sandbox (host uid 65532) must pass through it

[ -x "${BWRAP:-}" ] || skip_all "bwrap not found"
"$BWRAP" --unshare-all --unshare-user --ro-bind / / true 2>/dev/null || skip_all "bwrap cannot create namespaces here"

ATTEST_ENV=()
# attest [ARGS...]: one run into a fresh evidence folder; sets rc, out, err, bundle.
n_run=0
attest() {
  n_run=$((n_run + 1))
  ev=$TEST_TMP/ev$n_run
  mkdir "$ev"
  out=$TEST_TMP/out$n_run
  err=$TEST_TMP/err$n_run
  rc=0
  env "${ATTEST_ENV[@]}" "$SANDBOX_ATTEST" run --run-date $DATE --evidence "$ev" "$@" >"$out" 2>"$err" || rc=$?
  bundle=$(ls "$ev"/*.json 2>/dev/null | head -n 1)
}
row() { jq -r --arg id "$1" '.judgement.rows[] | select(.id == $id) | .status' "$bundle"; }
valid_bundle() { [ -n "$bundle" ] && /usr/bin/python3 "$ATTEST_SRCDIR/tests/validate-bundle.py" "$SCHEMA" "$bundle"; }
no_leftovers() { [ -z "$(ls "$TEST_TMP" | grep '^sandbox-attest-')" ]; }
# Hanging payloads run with their own date, so that other suites' probes running in parallel do not count.
HANG_DATE=2026-11-27
sandbox_gone() {
  local left
  left=$(pgrep -af "$TEST_TMP/sandbox-attest-|^/probe --attest --run-date $HANG_DATE")
  [ -z "$left" ] && return 0
  diag "still running: $left"
  return 1
}
# tests/as-tester.sh exports the delegated and the unwritable cgroups of the rootless run.
delegated() { [ "$(id -u)" = 0 ] || [ -n "${ATTEST_TESTER_CGROUPS:-}" ]; }

# ---- the default run ----
attest
if delegated; then
  check "default run: ACCEPTED (exit 0) where every limit is enforced" [ "$rc" = 0 ]
  for l in PIDS MEMORY SWAP CPU; do
    check "default run: LIMIT-$l enforced by a cgroup" [ "$(row LIMIT-$l)" = PASS ]
  done
else
  skip "no delegated cgroup for $(id -un)"
fi
check "default run: the bundle validates against the schema" valid_bundle
if [ -n "${CI:-}" ] && [ "${CI:-}" != false ]; then venue=CI; else venue=linux-host; fi
check "default run: the venue is $venue (CI detected, else the default)" [ "$(jq -r .venue "$bundle")" = "$venue" ]
check "default run: the bundle is named after venue and date" [ "$(basename "$bundle")" = "sandbox-attestation-evidence-$venue-$DATE.json" ]
check "default run: every probe of the matrix was run" [ "$(jq '[.judgement.rows[] | select(.message == "missing from the probe'"'"'s output")] | length' "$bundle")" = 0 ]
check "default run: the folders it created are removed" no_leftovers
check "default run: the probe ran as uid 65532" [ "$(jq -r '.inside.text | fromjson | .identity.uid' "$bundle")" = 65532 ]
check "default run: stdout names the bundle" has "$out" "bundle: $bundle"

# Descriptors the tool inherits never reach the sandbox (a leaked
# directory fd is the runc CVE-2024-21626 escape).
ATTEST_ENV=()
n_run=$((n_run + 1)); ev=$TEST_TMP/ev$n_run; mkdir "$ev"; rc=0
"$SANDBOX_ATTEST" run --run-date $DATE --evidence "$ev" 7</etc/hostname 9<"$TEST_TMP" >/dev/null 2>&1 || rc=$?
bundle=$(ls "$ev"/*.json | head -n 1)
check "inherited fds 7 and 9 do not reach the sandbox (PR-FD-1)" [ "$(row PR-FD-1)" = PASS ]

# The same evidence folder and date again: never over an existing bundle.
before=$(jq -r .created_at "$bundle")
sleep 1
rc=0
"$SANDBOX_ATTEST" run --run-date $DATE --evidence "$ev" >/dev/null 2>"$TEST_TMP/again" || rc=$?
check "a second run does not replace the bundle (exit 2)" \
  eval '[ "$rc" = 2 ] && has "$TEST_TMP/again" "already exists" && [ "$(jq -r .created_at "$bundle")" = "$before" ]'
rc=0
"$SANDBOX_ATTEST" run --run-date $DATE --evidence "$ev" --force >/dev/null 2>&1 || rc=$?
check "--force replaces it (a new created_at)" \
  eval '[ "$rc" != 2 ] && [ "$(jq -r .created_at "$bundle")" != "$before" ]'

# ---- without any cgroup access (as the test account, in a cgroup it cannot write) ----
if [ "$(id -u)" != 0 ] && [ -n "${ATTEST_TESTER_NOCG_CGROUPS:-}" ]; then
  nocg() (
    IFS=: read -ra dirs <<<"$ATTEST_TESTER_NOCG_CGROUPS"
    for d in "${dirs[@]}"; do echo $BASHPID >"$d/cgroup.procs"; done
    attest "$@"
    echo "$rc" >"$TEST_TMP/nocg-rc"
  )
  nocg_run() { nocg "$@"; rc=$(cat "$TEST_TMP/nocg-rc"); ev=$TEST_TMP/ev$((n_run + 1)); n_run=$((n_run + 1)); err=$TEST_TMP/err$n_run; bundle=$(ls "$ev"/*.json 2>/dev/null | head -n 1); }
  nocg_run
  check "no cgroup: BLOCKED (exit 3)" [ "$rc" = 3 ]
  check "no cgroup: the reason names the missing limit" has "$err" "LIMIT-"
  check "no cgroup: LIMIT-CPU fails" [ "$(row LIMIT-CPU)" = FAIL ]
  check "no cgroup: the bundle validates" valid_bundle
  nocg_run --allow-degraded-limits
  check "no cgroup, --allow-degraded-limits: accepted with WARN rows" eval '[ "$rc" = 0 ] && [ "$(row LIMIT-CPU)" = WARN ]'
  check "no cgroup, --allow-degraded-limits: the bundle says DEGRADED" grep -q DEGRADED "$bundle"
  check "no cgroup, --allow-degraded-limits: the bundle records it" [ "$(jq .allow_degraded_limits "$bundle")" = true ]
else
  skip "the no-cgroup case runs as the unprivileged test account"
fi

# ---- a run killed with SIGKILL leaves empty cgroups; the next run sweeps them ----
mine=$(awk -F: '$2 == "pids" { print $3 }' /proc/self/cgroup)
parent=/sys/fs/cgroup/pids${mine%/}
if [ -w "$parent" ] && delegated; then
  stale=$parent/sandbox-attest-999999999-deadbeef   # no such pid can exist (pid_max is at most 2^22)
  mkdir "$stale"
  attest
  check "a stale empty cgroup of a dead run is removed by the next run" [ ! -e "$stale" ]
  rmdir "$stale" 2>/dev/null
else
  skip "no writable cgroup v1 pids hierarchy here"
fi

# ---- each protection removed on purpose, and the probe that catches it ----
while read -r what probe extra; do
  ATTEST_ENV=()
  [ -n "$extra" ] && ATTEST_ENV=("$extra")
  attest --weaken "$what"
  ATTEST_ENV=()
  check "--weaken $what: BLOCKED" [ "$rc" = 3 ]
  check "--weaken $what: $probe catches it" [ "$(row "$probe")" = FAIL ]
done <<'LIST'
seccomp PR-SOCK-1
seccomp PR-SECCOMP-1
tmp-noexec PR-MOUNT-1
tmp-noexec PR-EXEC-2
network PR-NET-2
capabilities PR-CAP-1
env PR-ENV-1 AWS_SECRET_ACCESS_KEY=attest-test-not-a-secret
in-ro PR-FS-RO-IN
LIST

# ---- only the tool's own probe is vouched for ----
cp "$SANDBOX_PROBE" "$TEST_TMP/probe-copy"
printf 'x' >>"$TEST_TMP/probe-copy"   # still runs, no longer the same binary
attest --probe "$TEST_TMP/probe-copy"
check "a probe other than the tool's own: BLOCKED naming IMAGE-DIGEST" eval '[ "$rc" = 3 ] && [ "$(row IMAGE-DIGEST)" = FAIL ]'
check "... although every probe row passed" [ "$(jq '[.judgement.rows[] | select(.id | startswith("PR-")) | select(.status == "FAIL")] | length' "$bundle")" = 0 ]

# ---- hostile or broken probes ----
start=$(date +%s)
DATE=$HANG_DATE attest --probe "$PAYLOADS/payload-hang" --timeout 3
took=$(( $(date +%s) - start ))
check "a hanging probe: BLOCKED (exit 3) at the deadline" eval '[ "$rc" = 3 ] && [ "$took" -lt 20 ]'
check "a hanging probe: the reason says so" has "$err" "overran the deadline"
check "a hanging probe: no process of the sandbox survives" sandbox_gone
check "a hanging probe: the bundle validates" valid_bundle
attest --probe "$PAYLOADS/payload-crash"
check "a crashing probe: BLOCKED (exit 3)" eval '[ "$rc" = 3 ] && [ "$(row SANDBOX-EXIT)" = FAIL ]'
for kind in garbage huge symlink fifo directory; do
  attest --probe "$PAYLOADS/payload-inside-$kind"
  check "inside.json as $kind: BLOCKED (exit 3), one line on stderr" eval '[ "$rc" = 3 ] && one_line "$err"'
  check "inside.json as $kind: INSIDE-DIGEST fails" [ "$(row INSIDE-DIGEST)" = FAIL ]
  check "inside.json as $kind: the bundle validates" valid_bundle
done

# ---- evidence folders that cannot take the bundle ----
ro=$TEST_TMP/ro-evidence
mkdir "$ro"
if [ "$(id -u)" = 0 ]; then
  mount -t tmpfs -o ro,size=64k tmpfs "$ro"
else
  chmod 555 "$ro"
fi
rc=0
"$SANDBOX_ATTEST" run --run-date $DATE --evidence "$ro" >/dev/null 2>"$TEST_TMP/ro-err" || rc=$?
check "a read-only evidence folder: exit 3, one line, no file" eval '[ "$rc" = 3 ] && one_line "$TEST_TMP/ro-err" && [ -z "$(ls -A "$ro")" ]'
[ "$(id -u)" = 0 ] && umount "$ro"
full=$TEST_TMP/full-evidence
mkdir "$full"
rc=0
if [ "$(id -u)" = 0 ]; then
  mount -t tmpfs -o size=64k tmpfs "$full"
  dd if=/dev/zero of="$full/filler" bs=4k count=100 2>/dev/null
  "$SANDBOX_ATTEST" run --run-date $DATE --evidence "$full" >/dev/null 2>"$TEST_TMP/full-err" || rc=$?
  check "a full evidence folder: exit 3, one line, no partial bundle" \
    eval '[ "$rc" = 3 ] && one_line "$TEST_TMP/full-err" && [ "$(ls -A "$full")" = filler ]'
  umount "$full"
else
  skip "a full evidence folder needs a tmpfs (root run)"
fi

# ---- bwrap missing ----
rc=0
env PATH=/nonexistent "$SANDBOX_ATTEST" run --run-date $DATE --evidence "$(mktemp -d "$TEST_TMP/nobwrap.XXXX")" \
  >/dev/null 2>"$TEST_TMP/nobwrap-err" || rc=$?
check "bwrap missing: exit 3 with one line naming it" eval '[ "$rc" = 3 ] && one_line "$TEST_TMP/nobwrap-err" && has "$TEST_TMP/nobwrap-err" "bwrap not found"'

# ---- signals ----
sigev=$TEST_TMP/sig-evidence
mkdir "$sigev"
"$SANDBOX_ATTEST" run --run-date $HANG_DATE --evidence "$sigev" --probe "$PAYLOADS/payload-hang" --timeout 60 \
  >/dev/null 2>"$TEST_TMP/sig-err" &
tool=$!
sleep 1
kill -TERM $tool
rc=0
wait $tool || rc=$?
check "SIGTERM: the tool exits non-zero at once" [ "$rc" != 0 ]
check "SIGTERM: no bundle is written" [ -z "$(ls -A "$sigev")" ]
check "SIGTERM: the sandbox is gone" sandbox_gone
check "SIGTERM: temporary folders are removed" no_leftovers

# ---- bad usage ----
rc=0
"$SANDBOX_ATTEST" run --run-date 2026-13-45 >/dev/null 2>"$TEST_TMP/usage" || rc=$?
check "a bad --run-date is a usage error (2)" eval '[ "$rc" = 2 ] && one_line "$TEST_TMP/usage"'
rc=0
"$SANDBOX_ATTEST" run --policy "$ATTEST_SRCDIR/tests/data/policies/invalid-unknown-op.json" --evidence "$TEST_TMP" \
  >/dev/null 2>"$TEST_TMP/usage" || rc=$?
check "a bad policy is exit 2 naming the JSON location" eval '[ "$rc" = 2 ] && has "$TEST_TMP/usage" "syscalls[0].args[0].op"'

# ---- folders the sandbox writes must not hold the tool's own ----
wide=$TEST_TMP/wide
mkdir -m 777 "$wide"
mkdir "$TEST_TMP/wide-ev"
rc=0
TMPDIR=$wide "$SANDBOX_ATTEST" run --out "$wide" --evidence "$TEST_TMP/wide-ev" >/dev/null 2>"$TEST_TMP/usage" || rc=$?
check "--out holding the work folder (TMPDIR under it): exit 2, one line, nothing left in it" \
  eval '[ "$rc" = 2 ] && one_line "$TEST_TMP/usage" && has "$TEST_TMP/usage" "holds the work folder" &&
        [ -z "$(ls -A "$wide")" ] && [ -z "$(ls -A "$TEST_TMP/wide-ev")" ]'
mkdir "$wide/ev"
rc=0
"$SANDBOX_ATTEST" run --out "$wide" --evidence "$wide/ev" >/dev/null 2>"$TEST_TMP/usage" || rc=$?
check "--evidence inside --out: exit 2, one line, no bundle" \
  eval '[ "$rc" = 2 ] && one_line "$TEST_TMP/usage" && has "$TEST_TMP/usage" "is inside --out" && [ -z "$(ls -A "$wide/ev")" ]'

done_testing
