#!/usr/bin/env bash
# The Docker venue without a Docker engine: `assemble` from a probe output
# recorded in a real reference docker run (tests/data/docker/) plus
# synthetic docker facts; `verify` of Docker-venue bundles, one mutation per
# docker-specific check; `parity` against the golden bwrap-venue bundle.
source "$(dirname "$0")/libtest.sh"

data=$ATTEST_SRCDIR/tests/data/docker
golden=$ATTEST_SRCDIR/tests/data/bundles/accepted.json
policy=$ATTEST_SRCDIR/seccomp/deny-by-default.json
schema=$ATTEST_SRCDIR/schemas/bundle.schema.json
image_id=sha256:$(printf 'image' | sha256sum | cut -d' ' -f1)

# The engine facts as this host would report them (VENUE-LINUX compares
# the engine's kernel with the host's).
jq --arg k "$(uname -r)" '.KernelVersion = $k' "$data/docker-info.json" >"$TEST_TMP/info.json"

argv=(docker run --rm --name tki-sandbox-attest --network none --user 65532:65532 --read-only
  --tmpfs /tmp:rw,noexec,nosuid,nodev,size=16m --cap-drop ALL
  --security-opt no-new-privileges --security-opt "seccomp=$policy"
  --pids-limit 64 --memory 256m --memory-swap 256m --cpus 1 --env-file /dev/null
  -v /work/in:/in:ro -v /work/out:/out:rw tki-inspector:attest --attest --run-date 2026-11-28)

n=0
# assemble_with NAME [ASSEMBLE-OPTIONS...] -- DOCKER-ARGV...: $bundle is the result.
assemble_with() {
  local name=$1
  shift
  n=$((n + 1))
  mkdir -p "$TEST_TMP/ev$n"
  bundle=$TEST_TMP/ev$n/sandbox-attestation-evidence-$name-2026-11-28.json
  run_tool assemble --run-date 2026-11-28 --venue "$name" --policy "$policy" --probe "$SANDBOX_PROBE" \
    --image tki-inspector:attest --image-id "$image_id" --docker-version "Docker version 20.10.24+dfsg1, build 297e128" \
    --evidence "$TEST_TMP/ev$n" "$@"
}
fails() { grep -E "^  $1 +MUST +FAIL" "$out" >/dev/null; }

assemble_with docker --docker-info "$TEST_TMP/info.json" --inside "$data/inside.json" --exit-status 0 -- "${argv[@]}"
check "assemble of a recorded reference docker run: ACCEPTED (exit 0)" [ "$rc" = 0 ]
[ "$rc" = 0 ] || diag "$(grep -E 'FAIL|WARN' "$out" "$err" | head -n 5)"
accepted=$bundle
check "the bundle says venue_kind docker and carries the image id" \
  eval '[ "$(jq -r .venue_kind "$accepted")" = docker ] && [ "$(jq -r .image_digest "$accepted")" = "$image_id" ]'
check "the bundle carries the probe output verbatim" \
  [ "$(jq -r .inside.sha256 "$accepted")" = "$(sha256sum <"$data/inside.json" | cut -d' ' -f1)" ]
if python3 -c 'import jsonschema' 2>/dev/null; then
  check "the Docker-venue bundle validates against the schema" python3 "$ATTEST_SRCDIR/tests/validate-bundle.py" "$schema" "$accepted"
else
  skip "python3-jsonschema not installed"
fi
run_tool verify "$accepted"
check "verify judges the Docker-venue bundle with the same matrix: ACCEPTED" [ "$rc" = 0 ]
run_tool verify "$accepted" --policy "$policy" --probe "$SANDBOX_PROBE"
check "verify --policy --probe with the shipped policy and probe: ACCEPTED" [ "$rc" = 0 ]
run_tool verify "$accepted" --probe "$policy"
check "verify --probe with another binary: BLOCKED naming IMAGE-DIGEST" eval '[ "$rc" = 3 ] && fails IMAGE-DIGEST'

# One change to the docker argv per row that reads it.
while IFS='|' read -r what row from to; do
  mutated=()
  for a in "${argv[@]}"; do
    if [ "$a" = "$from" ]; then
      [ -n "$to" ] && for t in $to; do mutated+=("$t"); done
    else
      mutated+=("$a")
    fi
  done
  assemble_with mutated --docker-info "$TEST_TMP/info.json" --inside "$data/inside.json" --exit-status 0 -- "${mutated[@]}"
  check "docker argv $what: BLOCKED naming $row" eval '[ "$rc" = 3 ] && fails $row'
done <<'LIST'
with --privileged|ARGV-ISOLATION|--rm|--rm --privileged
with --network host|ARGV-ISOLATION|none|host
with --network given twice|ARGV-ISOLATION|--rm|--rm --network=host
with --cap-add SYS_ADMIN|ARGV-ISOLATION|--rm|--rm --cap-add SYS_ADMIN
with a third volume|ARGV-ISOLATION|--rm|--rm -v /:/host
with seccomp=unconfined|ARGV-ISOLATION|no-new-privileges|seccomp=unconfined
with --pid host|ARGV-ISOLATION|--rm|--rm --pid=host
without --read-only|ARGV-ISOLATION|--read-only|
with --pids-limit 128|LIMIT-PIDS|64|128
with --memory 1g|LIMIT-MEMORY|256m|1g
with --cpus 2|LIMIT-CPU|1|2
LIST

jq '.SwapLimit = false' "$TEST_TMP/info.json" >"$TEST_TMP/info-noswap.json"
assemble_with noswap --docker-info "$TEST_TMP/info-noswap.json" --inside "$data/inside.json" --exit-status 0 -- "${argv[@]}"
check "an engine that cannot limit swap: BLOCKED naming LIMIT-SWAP" eval '[ "$rc" = 3 ] && fails LIMIT-SWAP'
jq '.KernelVersion = "6.6.22-linuxkit" | .OperatingSystem = "Docker Desktop"' "$TEST_TMP/info.json" >"$TEST_TMP/info-desktop.json"
assemble_with desktop --docker-info "$TEST_TMP/info-desktop.json" --inside "$data/inside.json" --exit-status 0 -- "${argv[@]}"
check "Docker Desktop's engine: BLOCKED naming VENUE-LINUX" eval '[ "$rc" = 3 ] && fails VENUE-LINUX'
jq '.SecurityOptions = []' "$TEST_TMP/info.json" >"$TEST_TMP/info-noseccomp.json"
assemble_with noseccomp --docker-info "$TEST_TMP/info-noseccomp.json" --inside "$data/inside.json" --exit-status 0 -- "${argv[@]}"
check "an engine without seccomp: BLOCKED naming NOT-WEAKENED" eval '[ "$rc" = 3 ] && fails NOT-WEAKENED'
assemble_with noinfo --inside "$data/inside.json" --exit-status 0 -- "${argv[@]}"
check "no engine facts: BLOCKED (fail closed), naming RUN-PROBLEMS and RUNTIME" \
  eval '[ "$rc" = 3 ] && fails RUN-PROBLEMS && fails RUNTIME'
assemble_with exit125 --docker-info "$TEST_TMP/info.json" --inside "$data/inside.json" --exit-status 125 -- "${argv[@]}"
check "docker run exit 125 (the container did not start): BLOCKED naming SANDBOX-EXIT" eval '[ "$rc" = 3 ] && fails SANDBOX-EXIT'
assemble_with hostcg --docker-info "$TEST_TMP/info.json" --inside "$data/inside-cgroupns-host.json" --exit-status 0 -- "${argv[@]}"
hostcg=$bundle
check "an engine keeping the host's cgroup namespace: BLOCKED naming PR-NS-1 and NAMESPACES" \
  eval '[ "$rc" = 3 ] && fails PR-NS-1 && fails NAMESPACES'
mkdir "$TEST_TMP/noout"
assemble_with noout --docker-info "$TEST_TMP/info.json" --out "$TEST_TMP/noout" --exit-status 0 -- "${argv[@]}"
check "no inside.json in the out folder: BLOCKED naming INSIDE-DIGEST" eval '[ "$rc" = 3 ] && fails INSIDE-DIGEST'

jq '.profile.text |= sub("seccomp=POLICY"; "seccomp=unconfined")' "$accepted" >"$TEST_TMP/profile.json"
run_tool verify "$TEST_TMP/profile.json"
check "a profile text that is not the argv's: BLOCKED naming PROFILE-DIGEST" eval '[ "$rc" = 3 ] && fails PROFILE-DIGEST'
jq '.docker.argv += ["--privileged"]' "$accepted" >"$TEST_TMP/argv.json"
run_tool verify "$TEST_TMP/argv.json"
check "an argv changed after the fact: BLOCKED naming ARGV-ISOLATION" eval '[ "$rc" = 3 ] && fails ARGV-ISOLATION'
jq '.venue_kind = "podman"' "$accepted" >"$TEST_TMP/kind.json"
run_tool verify "$TEST_TMP/kind.json"
check "an unknown venue_kind: malformed (exit 2)" [ "$rc" = 2 ]
jq '.docker = null' "$accepted" >"$TEST_TMP/nodocker.json"
run_tool verify "$TEST_TMP/nodocker.json"
check "venue_kind docker without the docker object: malformed (exit 2)" [ "$rc" = 2 ]

run_tool assemble --run-date 2026-11-28 --policy "$policy"
check "assemble without the required facts: usage error (2)" [ "$rc" = 2 ]

# Parity.  The golden bwrap bundle was recorded on another run (maybe
# another host): give it this host's identity and this probe, as two
# runs on one host would have.
jq --slurpfile d "$accepted" '.venue_identity = $d[0].venue_identity | .image_digest = "sha256:" + $d[0].docker.probe_sha256' \
  "$golden" >"$TEST_TMP/bwrap.json"
run_tool parity "$TEST_TMP/bwrap.json" "$hostcg"
check "parity: every difference explained, none weakens bwrap (exit 0)" [ "$rc" = 0 ]
check "parity: one row per probe, PR-NS-1 different as docker-cgroupns-host" \
  eval 'grep -E "^PR-NS-1 .* different +docker-cgroupns-host" "$out" >/dev/null && grep -E "^PR-NET-1 .* same" "$out" >/dev/null'
run_tool parity "$TEST_TMP/bwrap.json" "$accepted" --json
check "parity --json: rows with both outcomes" \
  eval '[ "$rc" = 0 ] && [ "$(jq "[.rows[] | select(.id == \"PR-SOCK-1\" and .same)] | length" "$out")" = 1 ] && [ "$(jq .unexplained "$out")" = 0 ]'
jq '.inside.text |= (fromjson | (.probes[] | select(.id == "PR-SOCK-1") | .attempts[0].outcome) = "OK" | tojson)' \
  "$TEST_TMP/bwrap.json" >"$TEST_TMP/bwrap-weak.json"
run_tool parity "$TEST_TMP/bwrap-weak.json" "$accepted"
check "parity: the bwrap venue weaker than Docker on a probe: exit 3, named a bug" \
  eval '[ "$rc" = 3 ] && grep -E "^PR-SOCK-1 .*BWRAP WEAKER" "$out" >/dev/null'
jq '.inside.text |= (fromjson | (.probes[] | select(.id == "PR-NET-2") | .attempts[0].outcome) = "LO_AND_MORE" | tojson)' \
  "$accepted" >"$TEST_TMP/docker-odd.json"
run_tool parity "$TEST_TMP/bwrap.json" "$TEST_TMP/docker-odd.json"
check "parity: a difference nobody explained: exit 3, UNEXPLAINED" \
  eval '[ "$rc" = 3 ] && grep -E "^PR-NET-2 .*UNEXPLAINED" "$out" >/dev/null'
run_tool parity "$accepted" "$TEST_TMP/bwrap.json"
check "parity with the venues swapped: usage error (2)" [ "$rc" = 2 ]
jq '{_type: "https://in-toto.io/Statement/v1", subject: [], predicateType: "https://sandbox-attest.invalid/bundle/v1",
     predicate: .}' "$TEST_TMP/bwrap.json" >"$TEST_TMP/bwrap.intoto.json"
run_tool parity "$TEST_TMP/bwrap.intoto.json" "$accepted"
check "parity of an in-toto Statement: usage error (2), one line naming it" \
  eval '[ "$rc" = 2 ] && one_line "$err" && has "$err" "bwrap.intoto.json is an in-toto Statement"'
jq '.venue_identity.hostname = "elsewhere"' "$TEST_TMP/bwrap.json" >"$TEST_TMP/bwrap-other.json"
run_tool parity "$TEST_TMP/bwrap-other.json" "$accepted"
check "parity of bundles from two hosts: NOT COMPARABLE, exit 3" eval '[ "$rc" = 3 ] && has "$out" "NOT COMPARABLE"'

done_testing
