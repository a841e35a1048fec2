#!/usr/bin/env bash
# End-to-end attestation time: `sandbox-attest run` against bare bwrap with
# the same isolation flags running the same probe, interleaved A B A B so
# that drift of a shared machine hits both; medians and the ratio.
# Usage: bench-run.sh BUILD_DIR [RUNS]
set -euo pipefail
build=$1
runs=${2:-10}
tool=$build/src/sandbox-attest
probe=$build/probes/sandbox-probe
src=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d /tmp/attest-bench.XXXXXX)
trap 'chmod -R u+w "$work"; rm -rf "$work"' EXIT
chmod 711 "$work"

"$tool" compile "$src/seccomp/deny-by-default.json" -o "$work/policy.bpf" >/dev/null
mkdir -p "$work/in" "$work/out"
echo '{"packet":"attestation-fixture"}' >"$work/in/fixture.json"
[ "$(id -u)" = 0 ] && chown 65532:65532 "$work/out"
cp "$probe" "$work/probe"

bare() {
  local drop=()
  [ "$(id -u)" = 0 ] && drop=(setpriv --reuid 65532 --regid 65532 --clear-groups)
  "${drop[@]}" bwrap --unshare-all --unshare-user --uid 65532 --gid 65532 --hostname sandbox \
    --die-with-parent --new-session --cap-drop ALL --clearenv --setenv PATH /usr/bin --setenv HOME / \
    --seccomp 3 --ro-bind "$work/probe" /probe --ro-bind "$work/in" /in --bind "$work/out" /out \
    --size 16777216 --perms 1777 --tmpfs /tmp --proc /proc --dir /dev --dev-bind /dev/null /dev/null \
    --remount-ro / /probe --attest --run-date 2026-11-28 --in /in --out /out 3<"$work/policy.bpf" >/dev/null
}
full() {
  "$tool" run --run-date 2026-11-28 --evidence "$work/ev" --force >/dev/null 2>&1 || true
}

mkdir -p "$work/ev"
ms() { echo $(( ($(date +%s%N) - $1) / 1000000 )); }
a=() b=()
full; bare   # warm-up
for _ in $(seq "$runs"); do
  t=$(date +%s%N); full; a+=("$(ms "$t")")
  t=$(date +%s%N); bare; b+=("$(ms "$t")")
done
stats() { printf '%s\n' "$@" | sort -n | awk '{v[NR]=$1} END {printf "%d | %d | %d", v[1], v[int((NR+1)/2)], v[NR]}'; }
med() { printf '%s\n' "$@" | sort -n | awk '{v[NR]=$1} END {print v[int((NR+1)/2)]}'; }
echo "| command | runs | min ms | median ms | max ms |"
echo "|---|---|---|---|---|"
echo "| sandbox-attest run (compile, limits, staging, probe, bundle, verify) | $runs | $(stats "${a[@]}") |"
echo "| bare bwrap, same flags, same probe | $runs | $(stats "${b[@]}") |"
echo
echo "ratio of medians (run / bare bwrap): $(awk -v x="$(med "${a[@]}")" -v y="$(med "${b[@]}")" 'BEGIN {printf "%.2f", x / y}')"
