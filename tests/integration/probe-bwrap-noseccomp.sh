#!/usr/bin/env bash
# The probe inside bwrap without a seccomp filter, with a plain (exec-able)
# /tmp and no limits: the namespaces, the read-only mounts and the dropped
# capabilities hold, everything that only the filter or the launcher's
# staging provides must FAIL. This is "the protection turned off" for the
# filter-dependent probes.
. "$(dirname "$0")/probe-lib.sh"
need_basics
need_bwrap
make_dirs
close_extra_fds

run_in_bwrap --tmpfs /tmp --remount-ro / /probe --attest --run-date 2026-11-28 > "$T/tap" 2> "$T/err"
rc=$?
ok $rc "the probe runs in bwrap and exits 0 (rc $rc)"
[ -s "$REPORT" ] || { cat "$T/err" >&2; finish; exit 1; }
check_report attest
jq -e 'all(.probes[]; has("discriminating") | not)' "$REPORT" >/dev/null
ok $? "attest mode does not mark discriminating"
jq -e '.identity.uid == 65532 and .identity.gid == 65532 and .identity.pid == 2 and .identity.hostname == "attest-test"' "$REPORT" >/dev/null
ok $? "identity: uid and gid 65532, pid 2, the sandbox hostname"

# What the namespaces, mounts and --cap-drop ALL give without a filter.
for id in PR-NET-1 PR-NET-2 PR-ENV-1 PR-FS-RO-IN PR-FS-ESC-1 PR-FS-ESC-2 PR-FS-OUT-OK PR-EXEC-1 PR-SOCK-DOCKER \
          PR-CTRL-1 PR-CAP-1 PR-NNP-1 PR-NS-1 PR-PID-1 PR-TTY-2 PR-FD-1 PR-DEV-1 PR-IPC-1 PR-PROCSYS-1 PR-ID-1 \
          PR-MOUNT-2; do
  expect "$id" PASS "namespaces, read-only mounts, no capabilities"
done
# What only the filter (or the staged noexec /tmp) gives.
expect PR-SOCK-1 FAIL "no filter: socket() works"
expect PR-PTRACE-1 FAIL "no filter: the probe may trace its own child"
expect PR-MOUNT-1 FAIL "bwrap's --tmpfs /tmp is not noexec"
expect PR-EXEC-2 FAIL "a copy of the probe runs from /tmp"
expect PR-SECCOMP-1 FAIL "no filter attached"
expect PR-SECCOMP-2 FAIL "sysinfo reaches the kernel"
expect PR-SOCK-2 FAIL "socket families are open"
expect PR-USERNS-1 FAIL "nested user namespaces work"
expect PR-PROCMEM-1 FAIL "process_vm_readv of an own child works"
expect PR-KEYRING-1 FAIL "the keyring is reachable"
expect PR-TTY-1 WARN "TIOCSTI reaches the kernel (EBADF), SHOULD-level"
expect PR-RES-PIDS FAIL "no pids limit"
expect PR-RES-MEM FAIL "no memory limit"
if jq -e '.probes[] | select(.id == "PR-SECCOMP-I386") | .verdict == "SKIP"' "$REPORT" >/dev/null; then
  skip_one "PR-SECCOMP-I386 fails without a filter" "no IA32 emulation"
else
  expect PR-SECCOMP-I386 FAIL "int 0x80 socketcall creates a socket"
fi
jq -e '.probes[] | select(.id == "PR-MOUNT-1") | .observed.outcome == "NOEXEC_MISSING"' "$REPORT" >/dev/null
ok $? "PR-MOUNT-1 names the missing flag (NOEXEC_MISSING)"
jq -e '.probes[] | select(.id == "PR-SECCOMP-SWEEP") | .facts.reached_count > 300' "$REPORT" >/dev/null
ok $? "without a filter the sweep sees most syscalls reach the kernel"
check_no_leftovers
finish
