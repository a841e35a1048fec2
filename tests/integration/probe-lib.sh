# probe-lib.sh: helpers for the probe's TAP integration tests (sourced).
#
# Environment (set by meson's test_env): SANDBOX_PROBE, SANDBOX_ATTEST,
# ATTEST_SRCDIR, BWRAP. ATTEST_TESTS_MUST_WORK=1 turns a skip into a failure.

set -u

tap_n=0
tap_failed=0

ok () {
  # ok CONDITION-EXIT-STATUS DESCRIPTION
  tap_n=$((tap_n + 1))
  if [ "$1" -eq 0 ]; then
    echo "ok $tap_n - $2"
  else
    echo "not ok $tap_n - $2"
    tap_failed=$((tap_failed + 1))
  fi
}

skip_one () {
  tap_n=$((tap_n + 1))
  echo "ok $tap_n - $1 # SKIP $2"
}

skip_all () {
  if [ "${ATTEST_TESTS_MUST_WORK:-0}" = 1 ]; then
    echo "1..1"
    echo "not ok 1 - cannot run: $1 (ATTEST_TESTS_MUST_WORK=1)"
    exit 1
  fi
  echo "1..0 # SKIP $1"
  exit 0
}

finish () {
  echo "1..$tap_n"
  [ "$tap_failed" -eq 0 ]
}

need_basics () {
  command -v jq >/dev/null 2>&1 || skip_all "jq is not installed"
  [ -x "${SANDBOX_PROBE:-}" ] || skip_all "SANDBOX_PROBE is not an executable (${SANDBOX_PROBE:-unset})"
}

need_bwrap () {
  [ -n "${BWRAP:-}" ] && [ -x "$BWRAP" ] || skip_all "bwrap is not available"
  "$BWRAP" --unshare-all --unshare-user --uid 65532 --gid 65532 --ro-bind / / true 2>/dev/null \
    || skip_all "bwrap cannot create a user namespace here"
}

# Fresh folders: $T/in (read-only content), $T/out, and a copy of the probe
# that every account can run.
make_dirs () {
  T=$(mktemp -d "${TMPDIR:-/tmp}/attest-probe-test.XXXXXX")
  chmod 755 "$T"
  IN=$T/in
  OUT=$T/out
  mkdir "$IN" "$OUT"
  printf '{"packet":"attestation-fixture"}\n' > "$IN/fixture.json"
  chmod 444 "$IN/fixture.json"
  chmod 555 "$IN"
  PROBE=$T/sandbox-probe
  cp "$SANDBOX_PROBE" "$PROBE"
  chmod 555 "$PROBE"
  REPORT=$OUT/sandbox-attestation-inside.json
  trap cleanup EXIT
}

cleanup () {
  [ -n "${canary_pid:-}" ] && kill "$canary_pid" 2>/dev/null && wait "$canary_pid" 2>/dev/null
  [ -n "${T:-}" ] && [ -d "$T" ] && { chmod -R u+w "$T" 2>/dev/null; rm -rf "$T"; }
  return 0
}

# Closes every descriptor above 2 of this shell, so nothing leaks into the
# probe (PR-FD-1 reports any). 255 is bash's own script descriptor, which is
# close-on-exec.
close_extra_fds () {
  for fd in $(ls /proc/$$/fd); do
    if [ "$fd" -gt 2 ] 2>/dev/null && [ "$fd" -ne 255 ]; then
      eval "exec $fd>&-" 2>/dev/null
    fi
  done
}

verdict () {
  jq -r --arg id "$1" '.probes[] | select(.id == $id) | .verdict' "$REPORT"
}

expect () {
  # expect ID VERDICT [why]
  local got
  got=$(verdict "$1")
  [ "$got" = "$2" ]
  ok $? "$1 is $2${3:+ ($3)}${got:+, got $got}"
}

# Structural checks every report must pass.
check_report () {
  local mode=$1
  jq -e . "$REPORT" >/dev/null 2>&1
  ok $? "the report is valid JSON"
  jq -e --arg m "$mode" '.schema == "sandbox-attest/inside/1" and .tool == "sandbox-probe" and .mode == $m
      and .run_date == "2026-11-28" and (.duration_us | type == "number")' "$REPORT" >/dev/null
  ok $? "schema, tool, mode $mode and run date"
  jq -e '[.probes[] | select(.required)] | length == 12' "$REPORT" >/dev/null
  ok $? "twelve probes are marked required"
  jq -e '[.probes[] | select(.required) | .id] | sort == ["PR-ENV-1","PR-EXEC-1","PR-FS-ESC-1","PR-FS-ESC-2","PR-FS-OUT-OK","PR-FS-RO-IN","PR-MOUNT-1","PR-NET-1","PR-NET-2","PR-PTRACE-1","PR-SOCK-1","PR-SOCK-DOCKER"]' "$REPORT" >/dev/null
  ok $? "the required probes are the twelve of the reference packet"
  jq -e 'all(.probes[]; (.verdict | IN("PASS","FAIL","WARN","SKIP","ERROR","INFO"))
      and (.expected | type == "array") and (.attempts | type == "array") and (.method | type == "string")
      and (.duration_us | type == "number") and (.facts | type == "object"))' "$REPORT" >/dev/null
  ok $? "every probe has a verdict, expected, attempts, method, duration and facts"
  # The verdict rule, recomputed from the attempts (probes/README.md).
  jq -e 'all(.probes[]; . as $p |
      ([$p.attempts[] | .outcome as $o | ($p.expected | index($o)) != null] | all) as $all |
      if ($p.verdict == "SKIP" or $p.verdict == "ERROR") then ($p.reason | length > 0)
      elif $p.level == "INFO" then $p.verdict == "INFO"
      elif ($p.attempts | length) == 0 then false
      elif $all then $p.verdict == "PASS"
      elif $p.level == "SHOULD" then $p.verdict == "WARN"
      else $p.verdict == "FAIL" end)' "$REPORT" >/dev/null
  ok $? "every verdict follows from the attempts by the documented rule"
  jq -e 'all(.probes[] | select(.verdict == "PASS"); (.attempts | length) > 0)' "$REPORT" >/dev/null
  ok $? "no probe passes without an attempt"
  jq -e '.summary as $s | ([.probes[].verdict] | group_by(.) | map({key: .[0], value: length}) | from_entries) as $c
      | all(["PASS","FAIL","WARN","SKIP","ERROR","INFO"][]; ($s[.] // 0) == ($c[.] // 0))' "$REPORT" >/dev/null
  ok $? "the summary counts the verdicts"
  jq -e '(.raw.mountinfo | type == "string") and (.raw.env_keyset | type == "array") and (.raw.proc_net_dev | type == "string")
      and (.identity.uid | type == "number")' "$REPORT" >/dev/null
  ok $? "raw evidence and identity are present"
}

# No file the probe creates may survive the run.
check_no_leftovers () {
  local left
  left=$(find "$IN" "$OUT" /tmp -maxdepth 1 -name '.attest-probe-*' 2>/dev/null; ls -d /.attest-probe-* 2>/dev/null)
  [ -z "$left" ]
  ok $? "the probe left nothing behind${left:+: $left}"
}

# Runs the probe inside bwrap; $@ are extra bwrap options placed before the
# command. Uses a clean environment so that bwrap's own pid 1 (which keeps
# the launcher's environment, readable as /proc/1/environ) holds no secret.
run_in_bwrap () {
  env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin "$BWRAP" --unshare-all --unshare-user --uid 65532 --gid 65532 \
    --cap-drop ALL --die-with-parent --new-session --clearenv \
    --setenv PATH /usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin --setenv HOME / \
    --setenv HOSTNAME attest-test --hostname attest-test \
    --tmpfs / --ro-bind "$PROBE" /probe --ro-bind "$IN" /in --bind "$OUT" /out \
    --proc /proc --ro-bind /proc/sys /proc/sys --dev /dev "$@"
}
