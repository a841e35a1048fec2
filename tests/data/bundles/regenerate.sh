#!/usr/bin/env bash
# Regenerates the golden bundles from real runs on this machine (as root,
# with a delegated cgroup): run it after a change to the bundle format,
# the shipped policy or the probe.  Usage: regenerate.sh BUILD_DIR
set -euo pipefail
build=$(cd "$1" && pwd)
here=$(cd "$(dirname "$0")" && pwd)
tool=$build/src/sandbox-attest
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
chmod 711 "$work"

one() {  # one NAME ARGS...: a run whose bundle becomes NAME.json
  local name=$1
  shift
  mkdir "$work/$name"
  env ${TOOL_PATH:+PATH=$TOOL_PATH} "$tool" run --run-date 2026-11-28 --venue golden --evidence "$work/$name" "$@" \
    >/dev/null 2>&1 || true
  cp "$work/$name"/*.json "$here/$name.json"
}
one accepted
one blocked-seccomp --weaken seccomp
one blocked-timeout --probe "$build/tests/payloads/payload-hang" --timeout 2
one blocked-crash --probe "$build/tests/payloads/payload-crash"
TOOL_PATH=/nonexistent one blocked-no-bwrap
jq -r .verdict "$here"/*.json
