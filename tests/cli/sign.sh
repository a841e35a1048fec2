#!/usr/bin/env bash
# Signed in-toto bundles: sign -> verify ACCEPTED -> edit one byte ->
# verify BLOCKED naming SIGNATURE; a missing signature, another key,
# another namespace, another principal, and a Statement whose subjects
# are not the predicate's digests are BLOCKED too; signing that fails
# leaves nothing behind.  Without a sandbox (the golden bundle), then
# once through run --in-toto --sign-key where bwrap works.
source "$(dirname "$0")/libtest.sh"

golden=$ATTEST_SRCDIR/tests/data/bundles/accepted.json
command -v ssh-keygen >/dev/null || skip_all "ssh-keygen not found (Debian: openssh-client)"

cd "$TEST_TMP" || exit 1
ssh-keygen -q -t ed25519 -N '' -C operator -f operator.key
ssh-keygen -q -t ed25519 -N '' -C intruder -f intruder.key
echo "operator@example.org $(cat operator.key.pub)" >allowed_signers

# rows FILE: "ID STATUS" of every row verify --json printed.
rows() { jq -r '.[0].rows[] | "\(.id) \(.status)"' "$1"; }
blocked_naming() { [ "$rc" = 3 ] && grep -E "^  $1 +MUST +FAIL" "$out" >/dev/null; }

cp "$golden" bundle.json
run_tool sign bundle.json --sign-key operator.key
check "sign: exit 0, a Statement and its signature beside the bundle" \
  eval '[ "$rc" = 0 ] && [ -s bundle.intoto.json ] && [ -s bundle.intoto.json.sig ]'
check "sign: the bundle itself is unchanged" cmp -s "$golden" bundle.json
check "the Statement: in-toto Statement v1 with our versioned predicateType" \
  [ "$(jq -r '"\(._type) \(.predicateType)"' bundle.intoto.json)" \
    = "https://in-toto.io/Statement/v1 https://sandbox-attest.invalid/bundle/v1" ]
check "the Statement: subjects are the probe and the policy with the bundle's sha256" \
  [ "$(jq -c '[.subject[] | [.name, .digest.sha256]]' bundle.intoto.json)" \
    = "$(jq -c '[["sandbox-probe", (.image_digest | ltrimstr("sha256:"))], ["deny-by-default.json", .seccomp_sha256]]' "$golden")" ]
check "the Statement: the predicate is the bundle" \
  [ "$(jq -S .predicate bundle.intoto.json | sha256sum)" = "$(jq -S . "$golden" | sha256sum)" ]
check "the signature is an SSH signature" grep -q -- '-----BEGIN SSH SIGNATURE-----' bundle.intoto.json.sig

run_tool verify bundle.intoto.json --json
check "verify a Statement without --allowed-signers: ACCEPTED, INTOTO-SUBJECTS PASS, no SIGNATURE row" \
  eval '[ "$rc" = 0 ] && rows "$out" | grep -qx "INTOTO-SUBJECTS PASS" && ! rows "$out" | grep -q "^SIGNATURE "'
run_tool verify bundle.intoto.json --allowed-signers allowed_signers --json
check "verify --allowed-signers: ACCEPTED with SIGNATURE PASS" eval '[ "$rc" = 0 ] && rows "$out" | grep -qx "SIGNATURE PASS"'
check "the SIGNATURE row names the principal" \
  grep -q 'Good \\"bundle-v1@sandbox-attest.invalid\\" signature for operator@example.org' "$out"
run_tool verify bundle.intoto.json --allowed-signers allowed_signers --signer-identity operator@example.org
check "--signer-identity the signer: ACCEPTED" [ "$rc" = 0 ]
run_tool verify bundle.intoto.json --allowed-signers allowed_signers --signer-identity someone@example.org
check "--signer-identity another principal: BLOCKED naming SIGNATURE" blocked_naming SIGNATURE

# Edit one byte of a string value; the JSON stays valid and the matrix
# alone still accepts it, so only the signature can catch it.
cp bundle.intoto.json edited.intoto.json
cp bundle.intoto.json.sig edited.intoto.json.sig
sed -i '0,/"venue" : "golden"/s//"venue" : "goldeN"/' edited.intoto.json
check "the edit is one byte, and the JSON is still valid" \
  eval '[ "$(cmp -l bundle.intoto.json edited.intoto.json | wc -l)" = 1 ] && jq -e . edited.intoto.json >/dev/null'
run_tool verify edited.intoto.json
check "the edited Statement without --allowed-signers: still ACCEPTED (the matrix cannot see it)" [ "$rc" = 0 ]
run_tool verify edited.intoto.json --allowed-signers allowed_signers
check "the edited signed Statement: BLOCKED naming SIGNATURE" blocked_naming SIGNATURE
check "... with ssh-keygen's reason" has "$out" "incorrect signature"

cp bundle.intoto.json unsigned.intoto.json
run_tool verify unsigned.intoto.json --allowed-signers allowed_signers
check "no .sig: BLOCKED naming SIGNATURE" eval 'blocked_naming SIGNATURE && has "$out" "missing"'

cp bundle.intoto.json other.intoto.json
ssh-keygen -q -Y sign -f intruder.key -n bundle-v1@sandbox-attest.invalid other.intoto.json 2>/dev/null
run_tool verify other.intoto.json --allowed-signers allowed_signers
check "signed by a key the allowed-signers file does not list: BLOCKED naming SIGNATURE" blocked_naming SIGNATURE

cp bundle.intoto.json ns.intoto.json
ssh-keygen -q -Y sign -f operator.key -n file ns.intoto.json 2>/dev/null
run_tool verify ns.intoto.json --allowed-signers allowed_signers
check "signed by the right key for another namespace: BLOCKED naming SIGNATURE" blocked_naming SIGNATURE

# Subjects that are not the predicate's digests, signed with the right
# key: the signature is good, the Statement is not.
jq '.subject[0].digest.sha256 = ("0" * 64)' bundle.intoto.json >subject.intoto.json
ssh-keygen -q -Y sign -f operator.key -n bundle-v1@sandbox-attest.invalid subject.intoto.json 2>/dev/null
run_tool verify subject.intoto.json --allowed-signers allowed_signers --json
check "a subject digest that differs from the predicate's, well signed: BLOCKED by INTOTO-SUBJECTS alone" \
  eval '[ "$rc" = 3 ] && rows "$out" | grep -qx "INTOTO-SUBJECTS FAIL" && rows "$out" | grep -qx "SIGNATURE PASS"'
jq '.subject += [{"name": "other", "digest": {"sha256": ("a" * 64)}}]' bundle.intoto.json >extra.intoto.json
run_tool verify extra.intoto.json
check "a subject the bundle does not record: BLOCKED naming INTOTO-SUBJECTS" blocked_naming INTOTO-SUBJECTS
jq '.predicate.seccomp_sha256 = ("0" * 64)' bundle.intoto.json >predicate.intoto.json
run_tool verify predicate.intoto.json
check "a predicate whose policy digest the subjects do not name: BLOCKED naming INTOTO-SUBJECTS" \
  blocked_naming INTOTO-SUBJECTS
jq '.predicateType = "https://example.org/other/v1"' bundle.intoto.json >type.intoto.json
run_tool verify type.intoto.json
check "another predicateType: exit 2, one line naming it" \
  eval '[ "$rc" = 2 ] && one_line "$err" && has "$err" "predicateType"'
jq '._type = "https://in-toto.io/Statement/v0.1"' bundle.intoto.json >v01.intoto.json
run_tool verify v01.intoto.json
check "another Statement version: exit 2" eval '[ "$rc" = 2 ] && has "$err" "_type"'

# sign: refusals and leftovers.
run_tool sign bundle.json --sign-key operator.key
check "sign never replaces an existing Statement (exit 2)" eval '[ "$rc" = 2 ] && has "$err" "already exists"'
run_tool sign bundle.json --sign-key operator.key --force
check "sign --force replaces it" [ "$rc" = 0 ]
cp "$golden" badkey.json
echo "not a key" >garbage.key
chmod 600 garbage.key
run_tool sign badkey.json --sign-key garbage.key
check "signing that fails: exit 3, one line, no Statement and no signature left" \
  eval '[ "$rc" = 3 ] && one_line "$err" && [ ! -e badkey.intoto.json ] && [ ! -e badkey.intoto.json.sig ]'
run_tool sign badkey.json --sign-key no-such.key
check "an unreadable key: exit 2 before anything is written" eval '[ "$rc" = 2 ] && [ ! -e badkey.intoto.json ]'
run_tool sign "$ATTEST_SRCDIR/seccomp/deny-by-default.json" --sign-key operator.key -o notabundle.json
check "sign refuses what is not a bundle (exit 2)" eval '[ "$rc" = 2 ] && [ ! -e notabundle.json ]'
cp bundle.intoto.json again.intoto.json
run_tool sign again.intoto.json --sign-key operator.key
check "sign a Statement: signed as it is (STATEMENT.sig), no second wrapping" \
  eval '[ "$rc" = 0 ] && cmp -s bundle.intoto.json again.intoto.json && [ ! -e again.intoto.intoto.json ]'
run_tool verify again.intoto.json --allowed-signers allowed_signers
check "... and it verifies" [ "$rc" = 0 ]
run_tool verify bundle.json --signer-identity x
check "--signer-identity without --allowed-signers: exit 2" [ "$rc" = 2 ]

# Through run, where the sandbox can be built.
if [ ! -x "${BWRAP:-}" ] || ! "$BWRAP" --unshare-all --unshare-user --ro-bind / / true 2>/dev/null; then
  skip "run --in-toto --sign-key: bwrap cannot create namespaces here"
else
  export TMPDIR=$TEST_TMP
  chmod 711 "$TEST_TMP"   # as root the sandbox (host uid 65532) must pass through it
  mkdir ev1 ev2
  run_tool run --run-date 2026-11-29 --venue sign-test --evidence ev1 --allow-degraded-limits --in-toto \
    --sign-key operator.key
  run_rc=$rc
  [ "$rc" = 0 ] || [ "$rc" = 3 ] || diag "run exited $rc: $(head -c 300 "$err")"
  # On a CI runner the venue is CI whatever --venue says.
  if [ -n "${CI:-}" ] && [ "${CI:-}" != false ]; then venue=CI; else venue=sign-test; fi
  b=ev1/sandbox-attestation-evidence-$venue-2026-11-29.json
  s=ev1/sandbox-attestation-evidence-$venue-2026-11-29.intoto.json
  check "run --in-toto --sign-key: bundle, Statement and signature written (run exit $run_rc)" \
    eval '[ -s "$b" ] && [ -s "$s" ] && [ -s "$s.sig" ] && has "$out" "signature: $s.sig"'
  check "... the Statement's predicate is the bundle run wrote" \
    [ "$(jq -S .predicate "$s" | sha256sum)" = "$(jq -S . "$b" | sha256sum)" ]
  run_tool verify "$s" --allowed-signers allowed_signers --allow-degraded-limits --json
  check "... verify --allowed-signers gives run's verdict, with SIGNATURE PASS" \
    eval '[ "$rc" = "$run_rc" ] && rows "$out" | grep -qx "SIGNATURE PASS"'
  run_tool run --run-date 2026-11-29 --venue sign-test --evidence ev2 --allow-degraded-limits --sign-key garbage.key
  what="run --sign-key with a key ssh-keygen refuses: exit 3, signing named, nothing left in the evidence folder"
  if [ "$rc" = 3 ] && has "$err" "signing" && [ -z "$(ls -A ev2)" ]; then
    ok "$what"
  else
    not_ok "$what: rc=$rc $(head -c 300 "$err") $(ls -A ev2)"
  fi
  run_tool run --sign-key no-such.key
  check "run --sign-key with an unreadable key: exit 2 before the sandbox" [ "$rc" = 2 ]
fi
done_testing
