#!/usr/bin/env bash
# Throughput: batches of N concurrent `sandbox-attest run`s from one
# account (each with its own --evidence folder), N = 1 2 4 8.  Prints one
# TSV row per batch: account, N, batch, wall µs, bundles ACCEPTED, runs.
# Usage: bench-throughput.sh TOOL BATCHES
# (scripts/bench runs it as root, and as attest-tester through
# tests/as-tester.sh, which puts it in a delegated cgroup v1 first.)
set -euo pipefail
tool=$1 batches=$2
work=$(mktemp -d /tmp/attest-throughput.XXXXXX)
trap 'rm -rf "$work"' EXIT
account=$(id -un)
cd "$work"

for n in 1 2 4 8; do
  for b in $(seq "$batches"); do
    dirs=()
    for i in $(seq "$n"); do
      dirs+=("$work/$n-$b-$i")
      mkdir "$work/$n-$b-$i"
    done
    t0=${EPOCHREALTIME/./}
    for d in "${dirs[@]}"; do
      "$tool" run --run-date 2026-11-28 --evidence "$d" >/dev/null 2>&1 &
    done
    wait || true
    t1=${EPOCHREALTIME/./}
    ok=0
    for d in "${dirs[@]}"; do
      v=$(jq -r .verdict "$d"/*.json 2>/dev/null || true)
      [ "$v" = ACCEPTED ] && ok=$((ok + 1))
    done
    printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$account" "$n" "$b" $((t1 - t0)) "$ok" "$n"
  done
done
