#!/usr/bin/env bash
# sandbox-attest compile: exit codes, outputs, determinism, and that a bad
# policy leaves nothing behind.
source "$(dirname "$0")/libtest.sh"

policy=$ATTEST_SRCDIR/seccomp/deny-by-default.json
moby=$ATTEST_SRCDIR/../shared/testdata/seccomp/moby-default.json
data=$ATTEST_SRCDIR/tests/data/policies

run_tool compile "$policy" -o "$TEST_TMP/a.bpf" --manifest "$TEST_TMP/a.json"
check "compile of the shipped policy exits 0" [ "$rc" = 0 ]
check "the BPF is whole instructions" [ $(( $(stat -c %s "$TEST_TMP/a.bpf") % 8 )) = 0 ]
check "the manifest names the BPF digest" \
  [ "$(jq -r .bpf_sha256 "$TEST_TMP/a.json")" = "$(sha256sum <"$TEST_TMP/a.bpf" | cut -d' ' -f1)" ]
check "the manifest names the policy digest" \
  [ "$(jq -r .policy_sha256 "$TEST_TMP/a.json")" = "$(sha256sum <"$policy" | cut -d' ' -f1)" ]

run_tool compile "$policy" -o "$TEST_TMP/b.bpf"
check "two compiles give byte-identical BPF" cmp -s "$TEST_TMP/a.bpf" "$TEST_TMP/b.bpf"

if [ -f "$moby" ]; then
  run_tool compile "$moby" -o "$TEST_TMP/moby.bpf"
  check "moby's default profile compiles" [ "$rc" = 0 ]
  check "the skipped unknown names are listed" has "$out" "skipped unknown (9): getxattrat"
  check "names not on an architecture are listed per arch" has "$out" "arch SCMP_ARCH_X86_64: highest syscall 456"
  run_tool compile "$moby" -o "$TEST_TMP/moby2.bpf"
  check "moby compiles byte-identically twice" cmp -s "$TEST_TMP/moby.bpf" "$TEST_TMP/moby2.bpf"
else
  skip "shared/testdata is not beside the checkout"
fi

for f in "$data"/invalid-*.json; do
  name=$(basename "$f")
  run_tool compile "$f" -o "$TEST_TMP/bad.bpf" --manifest "$TEST_TMP/bad.json"
  if [ "$rc" = 2 ] && one_line "$err" && has "$err" "$f" && [ ! -e "$TEST_TMP/bad.bpf" ] \
     && [ ! -e "$TEST_TMP/bad.json" ] && [ -z "$(ls "$TEST_TMP" | grep tmp-)" ]; then
    ok "$name: exit 2, one line naming the file, nothing written"
  else
    not_ok "$name: rc=$rc, stderr: $(cat "$err")"
  fi
done

run_tool compile "$data/valid-unknown-syscall-allow.json"
check "an unknown name in an allow rule is skipped and listed" has "$out" "skipped unknown (1): no_such_syscall"
run_tool compile "$data/invalid-unknown-syscall-deny.json" --allow-unknown
check "--allow-unknown skips an unknown name in a deny rule" [ "$rc" = 0 ]

run_tool compile
check "compile without a policy is a usage error (2)" [ "$rc" = 2 ]
run_tool compile "$policy" --no-such-option
check "an unknown option is a usage error (2)" [ "$rc" = 2 ]
run_tool frobnicate
check "an unknown command is a usage error (2)" [ "$rc" = 2 ]
run_tool compile "$TEST_TMP/does-not-exist.json"
check "a missing policy is bad input (2)" eval '[ "$rc" = 2 ] && has "$err" does-not-exist.json' 

mkdir "$TEST_TMP/ro"
chmod 555 "$TEST_TMP/ro"
run_tool compile "$policy" -o "$TEST_TMP/ro/x.bpf"
if [ "$(id -u)" = 0 ]; then
  skip "root writes into a read-only folder"
else
  check "an unwritable output is exit 2 and leaves nothing" eval '[ "$rc" = 2 ] && [ -z "$(ls "$TEST_TMP/ro")" ]' 
fi

run_tool compile "$policy" --pfc
check "--pfc prints libseccomp's PFC text" has "$out" "# filter for arch x86_64"

done_testing
