#!/bin/sh
# exe_wrapper of the rootless test setup (meson.build): runs one test as
# the unprivileged account attest-tester, from inside a REAL delegated
# cgroup v1, the way an admin delegates one (research/perf.md §3).
#
# Run as root by meson.  For each of the pids, memory and cpu controllers
# that has a cgroup v1 mount (a missing one is skipped):
#
#   <mount><our cgroup>/attest-tester       owned by attest-tester (the
#       directory, cgroup.procs, tasks): a delegated cgroup.  This script
#       moves itself ($$) in, so the test runs there and may create
#       child cgroups and write their limits.
#   <mount><our cgroup>/attest-tester-nocg  owned by root; only its
#       cgroup.procs and tasks are attest-tester's.  A test can move
#       itself in and then has a cgroup it cannot write: the real
#       "no cgroup access" case (tests/integration/test-limits.c).
#
# "<our cgroup>" is the caller's cgroup in that hierarchy (/proc/self/
# cgroup), "/" for a CI job, so these are /sys/fs/cgroup/<ctrl>/attest-
# tester there; under a job runner that keeps jobs in memory cgroups of
# their own they stay inside it and under its limits.
#
# The test learns the paths from ATTEST_TESTER_CGROUPS and
# ATTEST_TESTER_NOCG_CGROUPS (colon-separated directories).
#
# Idempotent: the directories are created once and reused; empty cgroups
# cost nothing.  Not root, or no cgroup v1: just runs runuser.
set -eu

TESTER=attest-tester

if [ "$(id -u)" = 0 ] && id "$TESTER" >/dev/null 2>&1; then
  delegated=
  nocg=
  for ctrl in pids memory cpu; do
    # mountinfo: "... <mount point> ... - cgroup <source> <options>"
    mount=$(awk -v c="$ctrl" '
      { for (i = 7; i <= NF && $i != "-"; i++) ;
        if ($(i + 1) != "cgroup" || $4 != "/") next
        n = split($(i + 3), o, ",")
        for (j = 1; j <= n; j++) if (o[j] == c) { print $5; exit } }' /proc/self/mountinfo)
    [ -n "$mount" ] || continue
    own=$(awk -F: -v c="$ctrl" '
      { n = split($2, o, ","); for (j = 1; j <= n; j++) if (o[j] == c) { print $3; exit } }' /proc/self/cgroup)
    # Nested use (a wrapper inside a wrapper) reuses the same pair.
    case $own in
      */attest-tester | */attest-tester-nocg) own=${own%/*} ;;
    esac
    base=$mount${own%/}
    [ -d "$base" ] || continue

    mkdir -p "$base/attest-tester" "$base/attest-tester-nocg"
    chown "$TESTER" "$base/attest-tester" "$base/attest-tester/cgroup.procs" "$base/attest-tester/tasks"
    chown root "$base/attest-tester-nocg"
    chmod 755 "$base/attest-tester-nocg"
    chown "$TESTER" "$base/attest-tester-nocg/cgroup.procs" "$base/attest-tester-nocg/tasks"
    echo $$ >"$base/attest-tester/cgroup.procs"

    delegated=${delegated:+$delegated:}$base/attest-tester
    nocg=${nocg:+$nocg:}$base/attest-tester-nocg
  done
  if [ -n "$delegated" ]; then
    ATTEST_TESTER_CGROUPS=$delegated
    ATTEST_TESTER_NOCG_CGROUPS=$nocg
    export ATTEST_TESTER_CGROUPS ATTEST_TESTER_NOCG_CGROUPS
  fi
fi

exec runuser -u "$TESTER" -- "$@"
