#!/usr/bin/env bash
# meson install: everything lands where the install plan says, nothing is
# setuid, and the installed tool finds its probe, policy and matrix at the
# installed paths, never in the build tree.
#
# The tool was configured for a prefix (/usr/local by default) that this
# test must not write to, so the install goes to a DESTDIR and the tool
# runs in a mount namespace (bwrap --dev-bind / /) where the staged files
# are bound at their installed paths and everything else is the host's.
source "$(dirname "$0")/libtest.sh"

B=$ATTEST_BUILDDIR
DEST=$TEST_TMP/dest
chmod 711 "$TEST_TMP"     # as root the sandbox (host uid 65532) must pass through it
export TMPDIR=$TEST_TMP
not() { ! "$@"; }

command -v meson >/dev/null || skip_all "meson is not in PATH"
meson introspect --installed "$B" >"$TEST_TMP/plan.json" 2>"$TEST_TMP/plan.err" \
  || skip_all "no install plan: $(head -n 1 "$TEST_TMP/plan.err")"

# installed PATH-SUFFIX: the installed path of the built or source file
# whose path ends so.
installed() { jq -r --arg s "$1" 'to_entries[] | select(.key | endswith($s)) | .value' "$TEST_TMP/plan.json"; }
TOOL=$(installed /src/sandbox-attest)
PROBE=$(installed /probes/sandbox-probe)
POLICY=$(installed /seccomp/deny-by-default.json)
MATRIX=$(installed /data/matrix.json)
SCHEMA=$(installed /schemas/bundle.schema.json)
COMPLETION=$(installed /completions/bash/sandbox-attest)
MANPAGE=$(installed /doc/sandbox-attest.1)
PKGLIBEXECDIR=$(dirname "$PROBE")
PKGDATADIR=$(dirname "$POLICY")

check "the tool installs into bindir ($TOOL)" [ "$(basename "$(dirname "$TOOL")")" = bin ]
check "the probe installs into libexecdir/sandbox-attest ($PROBE)" \
  [ "$(basename "$(dirname "$PKGLIBEXECDIR")")" = libexec -a "$(basename "$PKGLIBEXECDIR")" = sandbox-attest ]
check "policy, matrix and schema install into datadir/sandbox-attest ($PKGDATADIR)" \
  [ "$(basename "$PKGDATADIR")" = sandbox-attest -a "$(dirname "$MATRIX")" = "$PKGDATADIR" \
    -a "$(dirname "$SCHEMA")" = "$PKGDATADIR" ]
check "the bash completion is installed as completions/sandbox-attest ($COMPLETION)" \
  [ "$(basename "$(dirname "$COMPLETION")")" = completions ]
if [ -e "$B/doc/sandbox-attest.1" ]; then
  check "the man page installs into man1 ($MANPAGE)" [ "$(basename "$(dirname "$MANPAGE")")" = man1 ]
else
  skip "the man page was not built (-Dman=auto without scdoc)"
fi

# ---- stage -------------------------------------------------------------
# meson install writes its log into the build folder; the unprivileged
# run of this suite may only read it, so there the same plan is copied
# by hand (the modes are checked below either way).
if [ -w "$B/meson-logs" ]; then
  how="meson install --destdir"
  meson install -C "$B" --no-rebuild --quiet --destdir "$DEST" >"$TEST_TMP/install.log" 2>&1
  st=$?
else
  how="the install plan copied (the build folder is read-only here)"
  st=0
  while IFS=$'\t' read -r from to; do
    install -D -m "$(stat -c %a "$from")" "$from" "$DEST$to" || st=1
  done < <(jq -r 'to_entries[] | "\(.key)\t\(.value)"' "$TEST_TMP/plan.json")
fi
if [ "$st" != 0 ]; then
  not_ok "staging with $how: $(tail -n 3 "$TEST_TMP/install.log" 2>/dev/null)"
  done_testing
fi
ok "staged with $how"

missing=$(jq -r '.[]' "$TEST_TMP/plan.json" | while read -r f; do [ -e "$DEST$f" ] || echo "$f"; done)
check "every file of the plan is there${missing:+ (missing: $missing)}" [ -z "$missing" ]
extra=$(cd "$DEST" && find . -type f -o -type l | sed 's,^\.,,' | while read -r f; do
  jq -e --arg f "$f" 'any(.[]; . == $f)' "$TEST_TMP/plan.json" >/dev/null || echo "$f"; done)
check "nothing but the plan is installed${extra:+ (also: $extra)}" [ -z "$extra" ]
setid=$(find "$DEST" -perm /6000 | sed "s,^$DEST,,")
check "nothing is setuid or setgid${setid:+ ($setid)}" [ -z "$setid" ]
check "tool and probe are executable, the data files are not" \
  [ -x "$DEST$TOOL" -a -x "$DEST$PROBE" -a ! -x "$DEST$POLICY" -a ! -x "$DEST$MATRIX" ]
check "the shipped files are the build's own" cmp -s "$DEST$MATRIX" "$ATTEST_SRCDIR/data/matrix.json"

# ---- the installed tool looks at the installed paths --------------------
if [ ! -e "$MATRIX" ]; then
  # Nothing is installed there on this host: the error names the path.
  "$DEST$TOOL" verify "$TEST_TMP/none.json" >/dev/null 2>"$TEST_TMP/verify.err"
  check "outside the build tree the tool reads the installed matrix ($MATRIX)" \
    has "$TEST_TMP/verify.err" "$MATRIX"
  check "... and nothing of the build tree" not has "$TEST_TMP/verify.err" "$ATTEST_SRCDIR"
fi

# ---- run: the staged files at their installed paths ---------------------
[ -x "${BWRAP:-}" ] || { skip "bwrap not found: run of the installed tool"; done_testing; }
if ! "$BWRAP" --unshare-all --unshare-user --ro-bind / / true 2>/dev/null; then
  skip "bwrap cannot create namespaces here: run of the installed tool"
  done_testing
fi

# put FOLDER: the staged FOLDER appears at FOLDER, everything else stays
# the host's.  A folder the host lacks is made inside a tmpfs over its
# nearest existing parent, whose entries are bound back, so nothing is
# created on the host.
ns=(--dev-bind / /)
put() {
  local target=$1 a=$1 e
  if [ -d "$target" ]; then
    ns+=(--ro-bind "$DEST$target" "$target")
    return 0
  fi
  while [ ! -e "$a" ]; do a=$(dirname "$a"); done
  [ "$a" != / ] || return 1
  ns+=(--tmpfs "$a")
  for e in "$a"/* "$a"/.[!.]*; do
    if [ -L "$e" ]; then
      ns+=(--symlink "$(readlink "$e")" "$e")
    elif [ -e "$e" ]; then
      ns+=(--dev-bind "$e" "$e")
    fi
  done
  ns+=(--ro-bind "$DEST$target" "$target")
}
if ! put "$PKGLIBEXECDIR" || ! put "$PKGDATADIR"; then
  skip "no parent of $PKGLIBEXECDIR or $PKGDATADIR exists here to stage it under"
  done_testing
fi

mkdir "$TEST_TMP/ev"
rc=0
# --allow-degraded-limits: where the limits are enforced is run.sh's
# subject; this test is about finding the installed files.
"$BWRAP" "${ns[@]}" -- "$DEST$TOOL" run --allow-degraded-limits --run-date 2026-01-02 \
  --evidence "$TEST_TMP/ev" --json >"$TEST_TMP/run.json" 2>"$TEST_TMP/run.err" || rc=$?
bundle=$TEST_TMP/ev/$(ls "$TEST_TMP/ev" | head -n 1)
check "the installed tool runs with its installed files and is ACCEPTED (exit $rc: $(tail -n 1 "$TEST_TMP/run.err"))" \
  [ "$rc" = 0 -a "$(jq -r .verdict "$TEST_TMP/run.json" 2>/dev/null)" = ACCEPTED ]
check "it ran the installed probe ($PROBE)" [ "$(jq -r .probe_path "$bundle" 2>/dev/null)" = "$PROBE" ]
check "it compiled the installed policy ($POLICY)" [ "$(jq -r .policy_path "$bundle" 2>/dev/null)" = "$POLICY" ]
check "it judged by the installed matrix" \
  [ "$(jq -r .matrix_sha256 "$bundle" 2>/dev/null)" = "$(sha256sum <"$DEST$MATRIX" | cut -d' ' -f1)" ]
check "the image digest is the installed probe's" \
  [ "$(jq -r .image_digest "$bundle" 2>/dev/null)" = "sha256:$(sha256sum <"$DEST$PROBE" | cut -d' ' -f1)" ]
check "nothing in the bundle points into the build tree" not grep -qF -- "$ATTEST_BUILDDIR" "$bundle"

# The installed verify and report, on that bundle, with the installed matrix.
"$BWRAP" "${ns[@]}" -- "$DEST$TOOL" verify --allow-degraded-limits "$bundle" >"$TEST_TMP/verify.out" 2>&1
check "the installed verify accepts it" [ $? = 0 ]
"$BWRAP" "${ns[@]}" -- "$DEST$TOOL" report --allow-degraded-limits --format markdown "$bundle" \
  >"$TEST_TMP/report.md" 2>&1
check "the installed report renders it as Markdown" grep -q '^### ✅ sandbox-attest: ACCEPTED' "$TEST_TMP/report.md"
done_testing
