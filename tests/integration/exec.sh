#!/usr/bin/env bash
# sandbox-attest exec: a command runs in the attested sandbox only when the
# bundle is ACCEPTED, of this host, young enough and of the same profile;
# its output and exit status pass through unchanged.  Every refused case
# tries to create a marker in /out, which must not appear.
source "$(dirname "$0")/../cli/libtest.sh"

DATE=2026-11-28
PAYLOADS=$ATTEST_BUILDDIR/tests/payloads
export TMPDIR=$TEST_TMP
chmod 711 "$TEST_TMP"

[ -x "${BWRAP:-}" ] || skip_all "bwrap not found"
"$BWRAP" --unshare-all --unshare-user --ro-bind / / true 2>/dev/null || skip_all "bwrap cannot create namespaces here"
if [ "$(id -u)" != 0 ] && [ -z "${ATTEST_TESTER_CGROUPS:-}" ]; then
  skip_all "no delegated cgroup: run cannot be ACCEPTED here"
fi

bin=$TEST_TMP/bin
mkdir -m 755 "$bin"
cp "$PAYLOADS/echo-exit" "$bin/"
chmod 755 "$bin/echo-exit"
out=$TEST_TMP/out
mkdir -m 755 "$out"
[ "$(id -u)" = 0 ] && chown 65532:65532 "$out"
BIND=(--ro-bind "$bin" /opt/bin)

attest() {  # attest NAME ARGS...: a run into its own evidence folder; sets bundle
  mkdir "$TEST_TMP/$1"
  local name=$1
  shift
  "$SANDBOX_ATTEST" run --run-date $DATE --evidence "$TEST_TMP/$name" "$@" >/dev/null 2>&1 || true
  bundle=$(ls "$TEST_TMP/$name"/*.json)
}
ex() {  # ex ARGS...: sets rc, and the command's stdout/stderr in $xo/$xe
  xo=$TEST_TMP/xo
  xe=$TEST_TMP/xe
  rc=0
  "$SANDBOX_ATTEST" exec "$@" >"$xo" 2>"$xe" || rc=$?
}
refused() {  # refused WHY ARGS...: exit 3, one line naming WHY, no marker
  local why=$1
  shift
  rm -f "$out/marker"
  ex "$@" -- /opt/bin/echo-exit touch /out/marker
  [ "$rc" = 3 ] && one_line "$xe" && has "$xe" "$why" && has "$xe" "nothing was run" && [ ! -e "$out/marker" ]
}

attest good "${BIND[@]}"
good=$bundle
check "run with the extra bind is ACCEPTED" [ "$(jq -r .verdict "$good")" = ACCEPTED ]

ex --bundle "$good" "${BIND[@]}" -- /opt/bin/echo-exit "to stdout" "to stderr" 7
check "exec: the command's exit status passes through" [ "$rc" = 7 ]
check "exec: its stdout passes through unchanged" [ "$(cat "$xo")" = "to stdout" ]
check "exec: its stderr passes through unchanged" [ "$(cat "$xe")" = "to stderr" ]
ex --bundle "$good" "${BIND[@]}" -- /opt/bin/echo-exit a b 0
check "exec: exit 0 passes through" [ "$rc" = 0 ]
rm -f "$out/marker"
ex --bundle "$good" "${BIND[@]}" --out "$out" -- /opt/bin/echo-exit touch /out/marker
check "exec: the command runs and writes /out (positive control for the refusals)" eval '[ "$rc" = 0 ] && [ -e "$out/marker" ]'

check "another policy: refused" refused "SECCOMP-POLICY" --bundle "$good" "${BIND[@]}" --out "$out" \
  --policy "$ATTEST_SRCDIR/tests/data/policies/valid-minimal.json"
check "an extra bind: refused (profile digest)" refused "profile digest" --bundle "$good" "${BIND[@]}" \
  --ro-bind "$bin" /opt/more --out "$out"
check "a missing bind: refused (profile digest)" refused "profile digest" --bundle "$good" --out "$out"
sleep 2
check "an expired bundle: refused" refused "older than --max-age" --bundle "$good" "${BIND[@]}" --out "$out" --max-age 1s

attest weak "${BIND[@]}" --weaken seccomp
check "a blocked bundle: refused" refused "the bundle is BLOCKED" --bundle "$bundle" "${BIND[@]}" --out "$out"

"$ATTEST_SRCDIR/tests/cli/mutate-bundle.py" "$good" "$TEST_TMP/edited.json" profile-limit
check "an edited bundle: refused" refused "the bundle is BLOCKED: PROFILE-DIGEST" --bundle "$TEST_TMP/edited.json" \
  "${BIND[@]}" --out "$out"
jq '.venue_identity.hostname = "elsewhere"' "$good" >"$TEST_TMP/elsewhere.json"
check "a bundle of another host: refused" refused "another host" --bundle "$TEST_TMP/elsewhere.json" "${BIND[@]}" --out "$out"
jq '{_type: "https://in-toto.io/Statement/v1", subject: [], predicateType: "https://sandbox-attest.invalid/bundle/v1",
     predicate: .}' "$good" >"$TEST_TMP/good.intoto.json"
rm -f "$out/marker"
ex --bundle "$TEST_TMP/good.intoto.json" "${BIND[@]}" --out "$out" -- /opt/bin/echo-exit touch /out/marker
check "an in-toto Statement: usage error (2), one line: exec takes the bundle it wraps" \
  eval '[ "$rc" = 2 ] && one_line "$xe" && has "$xe" "is an in-toto Statement" && [ ! -e "$out/marker" ]'
check "a bwrap that does not run: refused" refused "bwrap not found or not runnable" --bundle "$good" "${BIND[@]}" \
  --out "$out" --bwrap /bin/false
check "a bwrap that does not exist: refused" refused "bwrap not found or not runnable" --bundle "$good" "${BIND[@]}" \
  --out "$out" --bwrap "$TEST_TMP/no-such-bwrap"

if [ -n "${ATTEST_TESTER_NOCG_CGROUPS:-}" ]; then
  degraded() (
    IFS=: read -ra dirs <<<"$ATTEST_TESTER_NOCG_CGROUPS"
    for d in "${dirs[@]}"; do echo $BASHPID >"$d/cgroup.procs"; done
    refused "profile digest" --bundle "$good" "${BIND[@]}" --out "$out"
  )
  check "limits degraded since the run (no cgroup now): refused" degraded
else
  skip "the degraded-limits case runs as the unprivileged test account"
fi

ex --bundle "$good" -- 
check "exec without a command: usage error (2)" [ "$rc" = 2 ]
ex "${BIND[@]}" -- /opt/bin/echo-exit a b 0
check "exec without --bundle: usage error (2)" [ "$rc" = 2 ]
ex --bundle "$good" --ro-bind "$bin" /tmp -- /opt/bin/echo-exit a b 0
check "a bind over /tmp: usage error (2)" [ "$rc" = 2 ]

done_testing
