#!/usr/bin/env bash
# The probe outside any sandbox (--baseline), as whoever runs the suite
# (root in CI, an unprivileged account in the rootless setup). Outside a
# sandbox the probes must FAIL: this is the setting that proves each required
# probe can fail, i.e. that it tries the operation for real.
. "$(dirname "$0")/probe-lib.sh"
need_basics
make_dirs

# A leaked descriptor and a secret-looking variable, which PR-FD-1 and
# PR-ENV-1 must see; a containerd-like abstract socket for PR-SOCK-DOCKER.
canary_pid=
if command -v python3 >/dev/null 2>&1; then
  python3 -c '
import socket, sys, time
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.bind("\0/containerd-shim/attest-probe-test.sock")
s.listen(1)
print("ready", flush=True)
time.sleep(60)
' > "$T/canary.out" 2>/dev/null &
  canary_pid=$!
  for _ in $(seq 50); do grep -q ready "$T/canary.out" 2>/dev/null && break; sleep 0.1; done
fi

close_extra_fds
start=$(date +%s%N)
AWS_SECRET_ACCESS_KEY=attest-canary "$PROBE" --baseline --run-date 2026-11-28 --in "$IN" --out "$OUT" \
  3</dev/null > "$T/tap" 2> "$T/err"
rc=$?
end=$(date +%s%N)
ok $rc "baseline run exits 0 (rc $rc)"
head -1 "$T/tap" | grep -qx 'TAP version 14'
ok $? "stdout is TAP version 14"
grep -q "^1\.\.$(jq '.probes | length' "$REPORT")\$" "$T/tap"
ok $? "the TAP plan counts every probe"
check_report baseline
echo "# baseline took $(( (end - start) / 1000000 )) ms"

jq -e 'all(.probes[]; (.discriminating | type == "boolean")
    and (.discriminating == (.verdict == "FAIL" or .verdict == "WARN")))' "$REPORT" >/dev/null
ok $? "every probe says whether it discriminates (baseline verdict FAIL or WARN)"
jq -e '[.probes[] | select(.verdict == "ERROR")] | length == 0' "$REPORT" >/dev/null
ok $? "no probe broke (no ERROR)"

uid=$(id -u)
status_of () { awk -v k="$1:" '$1 == k { print $2 }' /proc/self/status; }

# Required probes that fail outside a sandbox whoever runs them.
expect PR-SOCK-1 FAIL "socket() works on the host"
expect PR-ENV-1 FAIL "AWS_SECRET_ACCESS_KEY is set"
expect PR-FS-RO-IN FAIL "the input folder is an ordinary folder"
expect PR-FS-ESC-2 FAIL "in/.. is writable"
expect PR-MOUNT-1 FAIL "nothing is mounted read-only"
expect PR-FS-OUT-OK PASS "the positive control"
expect PR-FD-1 FAIL "descriptor 3 is open"
expect PR-CAP-1 FAIL "the bounding set is full"
if [ -e /bin/sh ]; then expect PR-EXEC-1 FAIL "/bin/sh exists"; fi
if awk 'NR > 1 && $2 == "00000000" { f = 1 } END { exit !f }' /proc/net/route; then
  expect PR-NET-1 FAIL "the host has a default route"
else
  skip_one "PR-NET-1 fails on a host with a default route" "this host has none"
fi
if awk -F: 'NR > 2 { gsub(/ /, "", $1); if ($1 != "lo") f = 1 } END { exit !f }' /proc/net/dev; then
  expect PR-NET-2 FAIL "the host has interfaces besides lo"
else
  skip_one "PR-NET-2 fails on a host with interfaces besides lo" "this host has only lo"
fi
if [ "$(status_of Seccomp)" = 0 ]; then
  expect PR-SECCOMP-1 FAIL "no filter"
  expect PR-SECCOMP-2 FAIL "no filter"
  expect PR-SECCOMP-I386 FAIL "int 0x80 reaches the kernel"
else
  skip_one "PR-SECCOMP-* fail without a filter" "the test runs under a seccomp filter already"
fi
if [ "$(cat /proc/sys/kernel/yama/ptrace_scope 2>/dev/null || echo 0)" -le 1 ]; then
  expect PR-PTRACE-1 FAIL "ptrace of an own child is allowed"
else
  skip_one "PR-PTRACE-1 fails where a parent may trace its child" "Yama ptrace_scope forbids it"
fi
if [ "$(status_of NoNewPrivs)" = 0 ]; then expect PR-NNP-1 FAIL; fi
if [ -n "$canary_pid" ]; then
  expect PR-SOCK-DOCKER FAIL "a containerd-shim abstract socket is listening"
  jq -e '.probes[] | select(.id == "PR-SOCK-DOCKER") | .facts.runtime_sockets_in_proc_net_unix | any(test("containerd-shim"))' "$REPORT" >/dev/null
  ok $? "PR-SOCK-DOCKER names the abstract socket it found"
else
  skip_one "PR-SOCK-DOCKER fails with a containerd-shim socket" "python3 is not available to create one"
fi
if [ "$uid" = 0 ]; then
  expect PR-FS-ESC-1 FAIL "root can create files in /"
  expect PR-ID-1 FAIL "uid 0"
  expect PR-USERNS-1 FAIL "root can unshare"
  expect PR-PROCSYS-1 FAIL "root can open /proc/sys for writing"
else
  expect PR-FS-ESC-1 FAIL "EACCES is not the EROFS of a read-only root"
fi
# The sweep reports a sorted list and its digest.
jq -e '.probes[] | select(.id == "PR-SECCOMP-SWEEP") | .facts as $f
    | ($f.reached | . == sort) and ($f.reached_sha256 | test("^[0-9a-f]{64}$"))
    and ($f.skipped | length) > 0 and ($f.outcomes | length) + ($f.skipped | length) == 512' "$REPORT" >/dev/null
ok $? "the sweep covers 0..511 (called or skipped with a reason) and digests the sorted list"
got=$(jq -r '.probes[] | select(.id == "PR-SECCOMP-SWEEP") | .facts.reached | map(tostring) | join(",")' "$REPORT" | tr -d '\n' | sha256sum | cut -d' ' -f1)
want=$(jq -r '.probes[] | select(.id == "PR-SECCOMP-SWEEP") | .facts.reached_sha256' "$REPORT")
[ "$got" = "$want" ]
ok $? "reached_sha256 is the sha256 of the comma-separated sorted list"
jq -e '.raw.env_keyset | index("AWS_SECRET_ACCESS_KEY") != null' "$REPORT" >/dev/null && ! grep -q attest-canary "$REPORT"
ok $? "the report names the secret key but never carries its value"
check_no_leftovers
finish
