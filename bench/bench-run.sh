#!/usr/bin/env bash
# End-to-end: `sandbox-attest run` (a full attestation) against, in the
# same run and interleaved (the start of each round rotates, so no case is
# always first after a pause):
#   bwrap-cg  bare bwrap, the same isolation flags, the same probe, inside
#             fresh cgroup v1 limits equal to Docker's (bench-cgexec): the
#             fair baseline, as the probe's limit probes hit real limits
#             in both (root only)
#   bwrap     bare bwrap without limits (informational: its limit probes
#             fork, touch and spin unbounded, so it is not comparable)
#   docker    the reference `docker run` with the same probe (when
#             $BENCH_DOCKER_IMAGE names a built image), with the seccomp
#             profile $BENCH_DOCKER_POLICY (scripts/bench: the shipped
#             policy if runc starts under it, else moby's default profile)
#   podman    rootful podman with the same flags (when $BENCH_PODMAN_IMAGE
#             names a built image; profile $BENCH_PODMAN_POLICY)
# Every run is timed with bash's $EPOCHREALTIME around the whole process.
# Raw rows go to RAW/e2e.tsv (case, µs, exit), the probe's per-group
# durations to RAW/groups.tsv (case, run, group, µs) and each attestation's
# timings_us and limit peaks to RAW/attest.jsonl.
# Usage: bench-run.sh BUILD_DIR RAW_DIR RUNS
set -euo pipefail
build=$1 raw=$2 runs=$3
tool=$build/src/sandbox-attest
probe=$build/probes/sandbox-probe
src=$(cd "$(dirname "$0")/.." && pwd)
date=2026-11-28
work=$(mktemp -d /tmp/attest-bench.XXXXXX)
trap 'chmod -R u+w "$work" 2>/dev/null; rm -rf "$work"' EXIT
chmod 711 "$work"
root=0
[ "$(id -u)" = 0 ] && root=1

"$tool" compile "$src/seccomp/deny-by-default.json" -o "$work/policy.bpf" >/dev/null
mkdir -p "$work/in" "$work/out" "$work/ev"
echo '{"packet":"attestation-fixture"}' >"$work/in/fixture.json"
chmod 755 "$work/in" && chmod 444 "$work/in/fixture.json"
[ $root = 1 ] && chown 65532:65532 "$work/out"
cp "$probe" "$work/probe"

# The flags of the tool's own bwrap argv (README "How each flag ... is
# enforced"), with bwrap's --tmpfs for /tmp (bare bwrap cannot make it
# noexec: the tool's staging namespace does that).  Arguments: a command
# to run it under (bench-cgexec).
bare_bwrap() {
  local drop=()
  [ $root = 1 ] && drop=(setpriv --reuid 65532 --regid 65532 --clear-groups)
  "$@" env -i "${drop[@]}" bwrap --unshare-all --unshare-user --uid 65532 --gid 65532 --hostname sandbox \
    --die-with-parent --new-session --cap-drop ALL --clearenv \
    --setenv PATH /usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin --setenv HOME / \
    --setenv HOSTNAME sandbox --seccomp 3 --ro-bind "$work/probe" /probe --ro-bind "$work/in" /in \
    --bind "$work/out" /out --size 16777216 --perms 1777 --tmpfs /tmp --proc /proc --dir /dev \
    --dev-bind /dev/null /dev/null --dev-bind /dev/zero /dev/zero --dev-bind /dev/full /dev/full \
    --dev-bind /dev/random /dev/random --dev-bind /dev/urandom /dev/urandom --dev-bind /dev/tty /dev/tty \
    --remount-ro / --chdir / -- /probe --attest --run-date $date --in /in --out /out 3<"$work/policy.bpf"
}
# The reference command's flags; $1: the seccomp profile.
oci_flags() {
  flags=(--rm --network none --user 65532:65532 --read-only --tmpfs /tmp:rw,noexec,nosuid,nodev,size=16m
    --cap-drop ALL --security-opt no-new-privileges --security-opt "seccomp=$1"
    --pids-limit 64 --memory 256m --memory-swap 256m --cpus 1 --env-file /dev/null
    -v "$work/in:/in:ro" -v "$work/out:/out:rw")
}
oci_flags "${BENCH_DOCKER_POLICY:-$src/seccomp/deny-by-default.json}"
docker_flags=("${flags[@]}")
oci_flags "${BENCH_PODMAN_POLICY:-$src/seccomp/deny-by-default.json}"
podman_flags=("${flags[@]}")

run_case() {
  case $1 in
    attest) "$tool" run --run-date $date --evidence "$work/ev" --force ;;
    bwrap-cg) bare_bwrap "$build/bench/bench-cgexec" -- ;;
    bwrap) bare_bwrap ;;
    docker) docker run "${docker_flags[@]}" "$BENCH_DOCKER_IMAGE" --attest --run-date $date ;;
    # Root podman cannot set its default RLIMIT_NOFILE here, and crun
    # refuses hybrid cgroups (research/perf.md §1): runc, explicit ulimits.
    # From the work folder: podman 4.3's conmon leaves an empty file "oom"
    # in its working directory when the container hit its memory limit.
    podman) (cd "$work" && podman run "${podman_flags[@]}" --runtime "${BENCH_PODMAN_RUNTIME:-runc}" --ulimit nofile=1024:20000 \
              --ulimit nproc=32768:32768 "$BENCH_PODMAN_IMAGE" --attest --run-date $date) ;;
  esac
}

# After a run, outside the timed span: the probe's per-group durations.
record_groups() {
  local name=$1 n=$2 inside
  if [ "$name" = attest ]; then
    inside=$(jq -r '.inside.text // empty' "$work"/ev/*.json 2>/dev/null) || inside=
    jq -c --argjson run "$n" '{run: $run, timings_us, verdict,
           peaks: [.limits[]? | {limit, observed}]}' "$work"/ev/*.json >>"$raw/attest.jsonl"
  else
    inside=$(cat "$work/out/sandbox-attestation-inside.json" 2>/dev/null) || inside=
    rm -f "$work/out/sandbox-attestation-inside.json"
  fi
  [ -n "$inside" ] || return 0
  jq -r --arg c "$name" --argjson run "$n" \
    '(.probes[] | [$c, $run, .group, .duration_us]), [$c, $run, "(probe total)", .duration_us] | @tsv' \
    <<<"$inside" >>"$raw/groups.tsv"
}

cases=(attest)
[ $root = 1 ] && [ -d /sys/fs/cgroup/pids ] && cases+=(bwrap-cg)
cases+=(bwrap)
[ -n "${BENCH_DOCKER_IMAGE:-}" ] && cases+=(docker)
[ -n "${BENCH_PODMAN_IMAGE:-}" ] && cases+=(podman)

for c in "${cases[@]}"; do run_case "$c" >/dev/null 2>&1 || true; done   # warm-up
rm -f "$work/out/sandbox-attestation-inside.json"
for n in $(seq "$runs"); do
  k=${#cases[@]}
  for i in $(seq 0 $((k - 1))); do
    c=${cases[$(((i + n) % k))]}
    t0=${EPOCHREALTIME/./}
    rc=0
    run_case "$c" >/dev/null 2>"$work/err" || rc=$?
    t1=${EPOCHREALTIME/./}
    printf '%s\t%s\t%s\n' "$c" $((t1 - t0)) $rc >>"$raw/e2e.tsv"
    [ $rc = 0 ] || head -c 2000 "$work/err" >>"$raw/errors-$c.txt"
    record_groups "$c" "$n"
  done
done
printf '%s\n' "${cases[@]}" >"$raw/cases.txt"

# Peak memory per probe (root): bare bwrap in the same limits, the memory
# cgroup's high-water mark read and reset after every probe's TAP line.
if [[ " ${cases[*]} " == *" bwrap-cg "* ]]; then
  for n in $(seq "${BENCH_PEAK_RUNS:-3}"); do
    bare_bwrap "$build/bench/bench-cgexec" --peaks "$raw/peaks-$n.txt" -- >/dev/null 2>&1 || true
  done
fi
