#!/usr/bin/env bash
# The probe in the reference sandbox built by hand: bwrap with the compiled
# default policy (--seccomp), a noexec,nosuid,nodev /tmp staged in a user and
# mount namespace of our own (DESIGN.md), the pids and memory fallbacks as
# rlimits and one CPU. Every probe must PASS (INFO probes stay INFO).
. "$(dirname "$0")/probe-lib.sh"
need_basics
need_bwrap
[ -x "${SANDBOX_ATTEST:-}" ] || skip_all "SANDBOX_ATTEST is not built"
[ -f "${ATTEST_SRCDIR:-}/seccomp/deny-by-default.json" ] || skip_all "ATTEST_SRCDIR has no seccomp/deny-by-default.json"
for tool in unshare prlimit taskset mount; do
  command -v "$tool" >/dev/null 2>&1 || skip_all "$tool is not installed"
done
unshare --user --map-root-user --mount true 2>/dev/null || skip_all "cannot create a user namespace for the staging /tmp"
make_dirs

BPF=$T/policy.bpf
"$SANDBOX_ATTEST" compile "$ATTEST_SRCDIR/seccomp/deny-by-default.json" -o "$BPF" > "$T/compile.out" 2>&1
ok $? "the default policy compiles"
STAGE=$T/stage
mkdir "$STAGE"
# As root, become uid 65532 first (as the launcher does): otherwise the
# sandbox's uid 65532 is host uid 0, which RLIMIT_NPROC does not bind and
# which may open /proc/sys for writing.
as_sandbox_user=()
if [ "$(id -u)" = 0 ]; then
  command -v setpriv >/dev/null 2>&1 || skip_all "setpriv is needed to leave root"
  chown 65532:65532 "$OUT" "$STAGE"
  as_sandbox_user=(setpriv --reuid=65532 --regid=65532 --clear-groups)
fi
export BWRAP PROBE IN OUT STAGE BPF
export -f run_in_bwrap
close_extra_fds
start=$(date +%s%N)
# Inside the staging namespace: mount the noexec /tmp, set the limits, then
# start bwrap on one CPU with the filter on descriptor 3.
"${as_sandbox_user[@]}" unshare --user --map-root-user --mount bash -c '
  mount -t tmpfs -o noexec,nosuid,nodev,size=16m,mode=1777 attest-tmp "$STAGE" || exit 90
  prlimit --pid $$ --nproc=64 --as=268435456 || exit 91
  exec taskset -c 0 bash -c "run_in_bwrap --bind \"\$STAGE\" /tmp --remount-ro / --seccomp 3 /probe --attest --run-date 2026-11-28 3<\"\$BPF\""
' > "$T/tap" 2> "$T/err"
rc=$?
end=$(date +%s%N)
ok $rc "the probe runs in the reference sandbox and exits 0 (rc $rc)"
[ -s "$REPORT" ] || { sed 's/^/# /' "$T/err"; finish; exit 1; }
ms=$(( (end - start) / 1000000 ))
echo "# the whole sandboxed run took $ms ms"
[ "$ms" -lt 10000 ]
ok $? "the sandboxed run finishes within 10 s ($ms ms)"
check_report attest

while IFS=$'\t' read -r id level v reason; do
  if [ "$level" = INFO ]; then
    [ "$v" = INFO ]
    ok $? "$id is INFO (got $v)"
  elif [ "$id" = PR-SECCOMP-I386 ] && [ "$v" = SKIP ]; then
    skip_one "$id" "no IA32 emulation on this kernel"
  else
    [ "$v" = PASS ]
    ok $? "$id is PASS (got $v: $reason)"
  fi
done < <(jq -r '.probes[] | [.id, .level, .verdict, .reason] | @tsv' "$REPORT")
# The filter's own fingerprints.
jq -e '.probes[] | select(.id == "PR-SECCOMP-SWEEP") | .facts as $f
    | ($f.reached | index(41)) == null and ($f.reached | index(101)) == null and ($f.reached | index(272)) == null
    and ($f.reached | index(425)) == null and ($f.reached | index(321)) == null and $f.reached_count < 150' "$REPORT" >/dev/null
ok $? "socket, ptrace, unshare, io_uring_setup and bpf do not reach the kernel; few syscalls do"
jq -e '.probes[] | select(.id == "PR-SECCOMP-ENOSYS") | .attempts | all(.outcome == "ENOSYS")' "$REPORT" >/dev/null
ok $? "numbers beyond the policy get ENOSYS"
jq -e '.probes[] | select(.id == "PR-USERNS-1") | .attempts[] | select(.method | startswith("clone3")) | .outcome == "ENOSYS"' "$REPORT" >/dev/null
ok $? "clone3 gets ENOSYS (glibc falls back to clone)"
check_no_leftovers
finish
