#!/usr/bin/env bash
# `sandbox-attest exec` start-up (issue 10): the gated command run in the
# attested sandbox, against bare bwrap with the same flags running the same
# command, in the same run and interleaved (the order rotates each round):
#   exec      sandbox-attest exec --bundle B --ro-bind DIR /opt/bin --
#             /opt/bin/echo-exit a b 0 (bundle check, policy compile,
#             profile digest, cgroups, staging namespace, bwrap, teardown)
#   bwrap-cg  bare bwrap with the flags of the attested profile (the
#             bundle's profile.text: the same binds, --json-status-fd, the
#             filter on fd 3), the same command, inside fresh cgroup v1
#             limits equal to the tool's (bench-cgexec; root only): the
#             fair baseline
#   bwrap     the same bare bwrap without limits (the cost of the cgroups)
# The command is a static binary that prints "a", "b" and exits 0, so the
# time is start-up and tear-down only.  B is attested once, untimed, with
# `run --ro-bind DIR /opt/bin`.  Every run is timed with bash's
# $EPOCHREALTIME around the whole process; a run counts when it exits 0
# with "a" on stdout.  Raw rows go to RAW/exec.tsv (case, µs, ok).
# Usage: bench-exec.sh BUILD_DIR RAW_DIR RUNS
set -euo pipefail
build=$1 raw=$2 runs=$3
tool=$build/src/sandbox-attest
payload=$build/tests/payloads/echo-exit
src=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d /tmp/attest-bench-exec.XXXXXX)
trap 'chmod -R u+w "$work" 2>/dev/null; rm -rf "$work"' EXIT
chmod 711 "$work"
root=0
[ "$(id -u)" = 0 ] && root=1

if [ ! -x "$payload" ]; then
  echo "exec_note=no $payload (build the tests): exec start-up not measured" >>"$raw/meta.txt"
  exit 0
fi
mkdir -m 755 "$work/bin" "$work/in" "$work/out" "$work/ev"
cp "$payload" "$work/bin/echo-exit"
chmod 755 "$work/bin/echo-exit"
[ $root = 1 ] && chown 65532:65532 "$work/out"
"$tool" compile "$src/seccomp/deny-by-default.json" -o "$work/policy.bpf" >/dev/null

if ! "$tool" run --run-date "$(date -u +%F)" --evidence "$work/ev" --ro-bind "$work/bin" /opt/bin >"$work/run.txt" 2>&1; then
  echo "exec_note=the bundle for exec was not ACCEPTED ($(head -n 1 "$work/run.txt")): exec start-up not measured" >>"$raw/meta.txt"
  exit 0
fi
bundle=$(ls "$work"/ev/*.json)

# The attested bwrap options, in order, from the bundle's profile text
# (one "arg X" line each), with this run's folders for IN, OUT and
# STAGED_TMP.  Bare bwrap cannot stage a noexec /tmp: a bwrap tmpfs of the
# same size stands for it, as in bench-run.sh.
mapfile -t prof < <(jq -r .profile.text "$bundle" | sed -n 's/^arg //p')
flags=()
for ((i = 0; i < ${#prof[@]}; i++)); do
  case ${prof[i]} in
    IN) flags+=("$work/in") ;;
    OUT) flags+=("$work/out") ;;
    STAGED_TMP) unset 'flags[${#flags[@]}-1]'; flags+=(--size 16777216 --perms 1777 --tmpfs) ;;  # was --bind
    *) flags+=("${prof[i]}") ;;
  esac
done
printf '%s\n' "${flags[@]}" >"$raw/exec-bwrap-flags.txt"

bare_bwrap() {  # bare_bwrap [LAUNCHER...]: the same flags and command
  local drop=()
  [ $root = 1 ] && drop=(setpriv --reuid 65532 --regid 65532 --clear-groups)
  "$@" env -i "${drop[@]}" bwrap "${flags[@]}" -- /opt/bin/echo-exit a b 0 3<"$work/policy.bpf" 4>/dev/null
}
run_case() {
  case $1 in
    exec) "$tool" exec --bundle "$bundle" --ro-bind "$work/bin" /opt/bin -- /opt/bin/echo-exit a b 0 ;;
    bwrap-cg) bare_bwrap "$build/bench/bench-cgexec" -- ;;
    bwrap) bare_bwrap ;;
  esac
}

cases=(exec)
[ $root = 1 ] && [ -d /sys/fs/cgroup/pids ] && cases+=(bwrap-cg)
cases+=(bwrap)
for c in "${cases[@]}"; do run_case "$c" >/dev/null 2>&1 || true; done   # warm-up
for n in $(seq "$runs"); do
  k=${#cases[@]}
  for i in $(seq 0 $((k - 1))); do
    c=${cases[$(((i + n) % k))]}
    t0=${EPOCHREALTIME/./}
    rc=0
    run_case "$c" >"$work/stdout" 2>"$work/stderr" || rc=$?
    t1=${EPOCHREALTIME/./}
    good=0
    [ $rc = 0 ] && [ "$(cat "$work/stdout")" = a ] && good=1
    printf '%s\t%s\t%s\n' "$c" $((t1 - t0)) $good >>"$raw/exec.tsv"
    [ $good = 1 ] || { echo "$c: exit $rc: $(head -c 300 "$work/stderr")" >>"$raw/errors-exec.txt"; }
  done
done
printf '%s\n' "${cases[@]}" >"$raw/exec-cases.txt"
