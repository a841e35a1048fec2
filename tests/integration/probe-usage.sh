#!/usr/bin/env bash
# The probe's command line and report writing: usage errors exit 2 with one
# line on stderr; the report is written atomically or not at all, and a run
# that cannot write it exits non-zero; PR-FS-OUT-OK fails where /out is not
# writable.
. "$(dirname "$0")/probe-lib.sh"
need_basics
make_dirs
close_extra_fds

usage_case () {
  # usage_case DESCRIPTION ARGS...
  local desc=$1
  shift
  "$PROBE" "$@" > "$T/u.out" 2> "$T/u.err"
  local rc=$?
  [ "$rc" -eq 2 ] && [ "$(wc -l < "$T/u.err")" -eq 1 ] && [ ! -s "$T/u.out" ] && [ ! -e "$REPORT" ]
  ok $? "$desc: exit 2, one line on stderr, nothing written (rc $rc)"
}
usage_case "no arguments"
usage_case "no mode" --run-date 2026-11-28 --in "$IN" --out "$OUT"
usage_case "both modes" --attest --baseline --run-date 2026-11-28 --out "$OUT"
usage_case "no run date" --attest --out "$OUT"
usage_case "malformed run date" --attest --run-date 2026-13-01 --out "$OUT"
usage_case "unknown option" --attest --run-date 2026-11-28 --out "$OUT" --frobnicate
usage_case "option without value" --attest --run-date 2026-11-28 --out

# A missing output folder: no report, non-zero exit, and the positive
# control says why.
"$PROBE" --baseline --run-date 2026-11-28 --in "$IN" --out "$T/missing" > "$T/tap" 2> "$T/err"
rc=$?
[ "$rc" -ne 0 ] && [ "$rc" -ne 2 ]
ok $? "a report that cannot be written exits non-zero, not 2 (rc $rc)"
grep -q "sandbox-attestation-inside.json\|cannot create" "$T/err"
ok $? "stderr says the report could not be written"
grep -q '^not ok [0-9]* - PR-FS-OUT-OK ' "$T/tap"
ok $? "PR-FS-OUT-OK fails when the output folder is not writable"

# An existing report is replaced atomically; no temporary file remains.
echo stale > "$REPORT"
"$PROBE" --baseline --run-date 2026-11-28 --in "$IN" --out "$OUT" > /dev/null 2>&1
ok $? "a second run exits 0"
jq -e .schema "$REPORT" >/dev/null 2>&1
ok $? "the stale report was replaced by a complete one"
[ -z "$(find "$OUT" -name '.sandbox-attestation-inside.json.*')" ]
ok $? "no temporary report file remains"

if [ -n "${BWRAP:-}" ] && [ -x "$BWRAP" ] && "$BWRAP" --unshare-all --unshare-user --ro-bind / / true 2>/dev/null; then
  # /out read-only inside the sandbox: the report cannot be written there.
  rm -f "$REPORT"
  env -i "$BWRAP" --unshare-all --unshare-user --uid 65532 --gid 65532 --cap-drop ALL --new-session --clearenv \
    --tmpfs / --ro-bind "$PROBE" /probe --ro-bind "$IN" /in --ro-bind "$OUT" /out --proc /proc --dev /dev \
    --tmpfs /tmp --remount-ro / /probe --attest --run-date 2026-11-28 > "$T/tap" 2> "$T/err"
  rc=$?
  [ "$rc" -ne 0 ] && [ ! -e "$REPORT" ] && [ -z "$(ls -A "$OUT")" ]
  ok $? "a read-only /out: exit non-zero (rc $rc), no report, no temporary file"
  grep -q '^not ok [0-9]* - PR-FS-OUT-OK ' "$T/tap"
  ok $? "PR-FS-OUT-OK fails on a read-only /out"
else
  skip_one "a read-only /out in bwrap" "bwrap cannot create a user namespace here"
fi
finish
