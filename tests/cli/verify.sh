#!/usr/bin/env bash
# sandbox-attest verify on golden bundles: accepted, each kind of blocked,
# malformed; and for each matrix row, a copy of the accepted bundle with
# one observed value changed must be blocked naming that row, whatever its
# stored verdict says.
source "$(dirname "$0")/libtest.sh"

golden=$ATTEST_SRCDIR/tests/data/bundles
mutate=$ATTEST_SRCDIR/tests/cli/mutate-bundle.py
policy=$ATTEST_SRCDIR/seccomp/deny-by-default.json

run_tool verify "$golden/accepted.json"
check "the accepted golden bundle is ACCEPTED (exit 0)" [ "$rc" = 0 ]
before=$(sha256sum <"$golden/accepted.json")
run_tool verify "$golden/accepted.json" --json
check "--json prints valid JSON with the verdict" [ "$(jq -r '.[0].verdict' "$out")" = ACCEPTED ]
check "verify leaves the bundle unchanged" [ "$(sha256sum <"$golden/accepted.json")" = "$before" ]

while read -r name row; do
  "$mutate" "$golden/accepted.json" "$TEST_TMP/$name.json" "$name"
  run_tool verify "$TEST_TMP/$name.json"
  if [ "$rc" = 3 ] && grep -E "^  $row +MUST +FAIL" "$out" >/dev/null; then
    ok "mutation $name: BLOCKED naming $row"
  else
    not_ok "mutation $name: rc=$rc, expected $row to fail: $(cat "$out" "$err" | head -n 5)"
  fi
done < <("$mutate" list)

# Every probe row of the shipped matrix, one at a time.
while read -r id; do
  "$mutate" "$golden/accepted.json" "$TEST_TMP/probe.json" "probe:$id"
  run_tool verify "$TEST_TMP/probe.json"
  check "probe row $id: an outcome it does not accept is BLOCKED naming it" \
    eval '[ "$rc" = 3 ] && grep -E "^  $id +MUST +FAIL" "$out" >/dev/null'
done < <("$mutate" probe-rows "$ATTEST_SRCDIR/data/matrix.json")

while read -r name row; do
  run_tool verify "$golden/$name.json"
  check "golden $name: BLOCKED naming $row" eval '[ "$rc" = 3 ] && grep -E "^  $row +MUST +FAIL" "$out" >/dev/null'
done <<'LIST'
blocked-seccomp PR-SOCK-1
blocked-seccomp NOT-WEAKENED
blocked-timeout SANDBOX-EXIT
blocked-crash SANDBOX-EXIT
blocked-no-bwrap RUN-PROBLEMS
LIST

jq '.verdict = "ACCEPTED" | .judgement.verdict = "ACCEPTED" | .judgement.rows[].status = "PASS"' \
  "$golden/blocked-seccomp.json" >"$TEST_TMP/lying.json"
run_tool verify "$TEST_TMP/lying.json"
check "a bundle whose verdict fields say ACCEPTED but whose observations do not: BLOCKED" [ "$rc" = 3 ]

run_tool verify "$golden/accepted.json" "$golden/blocked-seccomp.json" "$golden/blocked-crash.json"
check "a fleet: exit 3 when any bundle is blocked" [ "$rc" = 3 ]
check "a fleet: one summary line per bundle" [ "$(grep -cE '^(ACCEPTED|BLOCKED) ' "$out")" = 3 ]

run_tool verify "$golden/accepted.json" --policy "$policy"
check "--policy with the policy that was compiled: ACCEPTED" [ "$rc" = 0 ]
run_tool verify "$golden/accepted.json" --policy "$ATTEST_SRCDIR/tests/data/policies/valid-minimal.json"
check "--policy with another policy: BLOCKED naming SECCOMP-POLICY" eval '[ "$rc" = 3 ] && has "$out" "SECCOMP-POLICY"'
run_tool verify "$golden/accepted.json" --probe "$policy"
check "--probe with another binary: BLOCKED naming IMAGE-DIGEST" eval '[ "$rc" = 3 ] && has "$out" "IMAGE-DIGEST"'

for bad in truncated wrong-type not-a-bundle; do
  case $bad in
    truncated) head -c 2000 "$golden/accepted.json" >"$TEST_TMP/bad.json" ;;
    wrong-type) jq '.sandbox.bwrap_argv = "one string"' "$golden/accepted.json" >"$TEST_TMP/bad.json" ;;
    not-a-bundle) cp "$policy" "$TEST_TMP/bad.json" ;;
  esac
  run_tool verify "$TEST_TMP/bad.json"
  check "a $bad bundle: exit 2, one line with the file and where" \
    eval '[ "$rc" = 2 ] && one_line "$err" && has "$err" "$TEST_TMP/bad.json: "'
done
run_tool verify "$TEST_TMP/no-such-bundle.json"
check "a missing bundle: exit 2" [ "$rc" = 2 ]
run_tool verify
check "no bundle at all: usage error (2)" [ "$rc" = 2 ]

done_testing
