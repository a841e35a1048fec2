#!/usr/bin/env bash
# Refreshes the recorded Docker-venue inputs of tests/cli/docker.sh from a
# real reference docker run on this machine (needs a Docker engine, or root
# to start one; see scripts/attest-docker).  Run it after a change to the
# probe or the shipped policy.  Usage: regenerate.sh BUILD_DIR
#   inside.json                 the probe's output under an engine with a private cgroup namespace
#   inside-cgroupns-host.json   the same under an engine that keeps the host's (Docker 20.10, cgroup v1)
#   docker-info.json            the engine facts assemble records
set -euo pipefail
build=$(cd "$1" && pwd)
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
ATTEST_BUILD=$build "$here/../../../scripts/attest-docker" --run-date 2026-11-28 --venue golden --evidence "$work" || true
bundle=$(ls "$work"/*.json)
jq -j .inside.text "$bundle" >"$here/inside.json"
jq .docker.engine "$bundle" >"$here/docker-info.json"
echo "inside.json: PR-NS-1 $(jq -r '.probes[]|select(.id=="PR-NS-1")|.verdict' "$here/inside.json")"
echo "inside-cgroupns-host.json is kept: it needs an engine without --default-cgroupns-mode private"
