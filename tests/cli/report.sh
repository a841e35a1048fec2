#!/usr/bin/env bash
# sandbox-attest report on a bundle of a real run: the verdict is the
# recomputed one (a bundle that lies about it is reported BLOCKED), the
# three formats say what they must, colour follows NO_COLOR and the tty,
# and a hostile probe cannot put markup, table cells or terminal escapes
# into any of them.
source "$(dirname "$0")/libtest.sh"

DATE=2026-11-28
MATRIX=$ATTEST_SRCDIR/data/matrix.json
export TMPDIR=$TEST_TMP   # run's work folders go here
chmod 711 "$TEST_TMP"     # as root the sandbox (host uid 65532) must pass through it
unset GITHUB_STEP_SUMMARY NO_COLOR

[ -x "${BWRAP:-}" ] || skip_all "bwrap not found"
"$BWRAP" --unshare-all --unshare-user --ro-bind / / true 2>/dev/null || skip_all "bwrap cannot create namespaces here"

mkdir "$TEST_TMP/ev"
"$SANDBOX_ATTEST" run --run-date $DATE --evidence "$TEST_TMP/ev" >"$TEST_TMP/run.out" 2>&1
bundle=$(ls "$TEST_TMP"/ev/*.json 2>/dev/null | head -n 1)
if [ -z "$bundle" ]; then
  not_ok "run wrote a bundle to report on: $(tail -n 3 "$TEST_TMP/run.out")"
  done_testing
fi
verdict=$(jq -r .verdict "$bundle")
want_rc=3
[ "$verdict" = ACCEPTED ] && want_rc=0
diag "the run's own verdict: $verdict"

no_escape() { ! grep -q $'\e' "$1"; }
# tty_report ENV... -- ARGS...: the report on a pseudo-terminal (script(1)).
tty_report() {
  local envs=()
  while [ "$1" != -- ]; do envs+=("$1"); shift; done
  shift
  env "${envs[@]}" SHELL=/bin/sh script -qec "$(printf '%q ' "$SANDBOX_ATTEST" report "$@")" /dev/null \
    >"$TEST_TMP/tty.out" 2>&1 </dev/null || true
}

# ---- text ----
run_tool report "$bundle"
check "text: exit status follows the recomputed verdict ($verdict)" [ "$rc" = "$want_rc" ]
check "text: the verdict comes first" [ "$(head -n 1 "$out" | cut -d' ' -f1-2)" = "verdict: $verdict" ]
missing=$(jq -r '.rows[].id' "$MATRIX" | while read -r id; do grep -q -- "^  $id " "$out" || echo "$id"; done)
check "text: every row of the matrix is in the table${missing:+ (missing: $missing)}" [ -z "$missing" ]
check "text: not a terminal, so no escape bytes" no_escape "$out"
check "text: the limits are listed with their enforcer" has "$out" "pids    wanted 64, enforcer"

if command -v script >/dev/null; then
  tty_report -- "$bundle"
  check "text on a terminal: coloured" grep -q $'\e\\[' "$TEST_TMP/tty.out"
  tty_report NO_COLOR=1 -- "$bundle"
  check "text on a terminal with NO_COLOR=1: no escape bytes" no_escape "$TEST_TMP/tty.out"
  tty_report NO_COLOR= -- "$bundle"
  check "text on a terminal with NO_COLOR empty: coloured (no-color.org)" grep -q $'\e\\[' "$TEST_TMP/tty.out"
  tty_report TERM=dumb -- "$bundle"
  check "text on a dumb terminal: no escape bytes" no_escape "$TEST_TMP/tty.out"
else
  skip "script(1) is not installed: no pseudo-terminal for the colour checks"
fi

# ---- Markdown ----
run_tool report --format markdown "$bundle"
check "markdown: exit status follows the verdict" [ "$rc" = "$want_rc" ]
check "markdown: a heading with the verdict" grep -Eq "^### (✅|❌) sandbox-attest: $verdict\$" "$out"
check "markdown: the probe table header" has "$out" "| id | level | status | observed | message | why (matrix) |"
check "markdown: the limits table header" has "$out" "| limit | wanted | enforcer | equivalent | detail | observed | row |"
check "markdown: raw evidence folded in <details>" has "$out" "<details><summary>Raw evidence</summary>"

# ---- HTML ----
run_tool report --format html -o "$TEST_TMP/r.html" "$bundle"
check "html -o: exit status follows the verdict, nothing on stdout" eval '[ "$rc" = "$want_rc" ] && [ ! -s "$out" ]'
check "html: a whole page" eval 'grep -q "^<!DOCTYPE html>" "$TEST_TMP/r.html" && grep -q "</html>" "$TEST_TMP/r.html"'
check "html: no reference to anything outside the file" eval '! grep -Eiq "https?://|src=|href=|@import|url\\(" "$TEST_TMP/r.html"'
check "html: no script, and a CSP that forbids one" eval '! grep -qi "<script" "$TEST_TMP/r.html" && has "$TEST_TMP/r.html" "default-src '"'none'"'"'
check "html: raw evidence folded in <details>" has "$TEST_TMP/r.html" "<details><summary>mountinfo inside the sandbox</summary>"
check "html: the flag table" has "$TEST_TMP/r.html" "How each flag of the reference command is enforced"
check "html: the limits" has "$TEST_TMP/r.html" "Limits and enforcement"
echo stale >"$TEST_TMP/r.html"
run_tool report --format html -o "$TEST_TMP/r.html" "$bundle"
check "-o replaces an existing file" grep -q "^<!DOCTYPE html>" "$TEST_TMP/r.html"
run_tool report -o "$TEST_TMP/no/such/dir/r.txt" "$bundle"
check "-o into a missing folder: exit 2, one line" eval '[ "$rc" = 2 ] && one_line "$err"'

# ---- a hostile probe: its output reaches every format escaped ----
# Only inside.text is changed (its digest then fails, as it must).
hostile=$'<script>alert(1)</script>"\'><img src=x>|cell\e[31mRED'
jq --arg h "$hostile" '
  .inside.text |= (fromjson
    | (.probes[] | select(.id == "PR-NET-1")) |= (.attempts[0].outcome = $h | .attempts[0].detail = $h | .observed.detail = $h)
    | .raw.mountinfo = $h
    | tojson)' "$bundle" >"$TEST_TMP/hostile.json"
run_tool report --format html "$TEST_TMP/hostile.json"
cp "$out" "$TEST_TMP/hostile.html"
check "hostile: BLOCKED (exit 3)" [ "$rc" = 3 ]
check "hostile html: no markup from the bundle" eval '! grep -Eq "<script|<img" "$TEST_TMP/hostile.html"'
check "hostile html: the text is there, escaped" \
  has "$TEST_TMP/hostile.html" "&lt;script&gt;alert(1)&lt;/script&gt;&quot;&#39;&gt;&lt;img src=x&gt;|cell?[31mRED"
run_tool report --format markdown "$TEST_TMP/hostile.json"
cp "$out" "$TEST_TMP/hostile.md"
net_line() { grep '^| `PR-NET-1`' "$TEST_TMP/hostile.md"; }
check "hostile markdown: | is escaped, the row keeps its 6 cells" \
  [ "$(net_line | perl -ne '$n = () = /(?<!\\)\|/g; print $n')" = 7 ]
check "hostile markdown: markup only inside code spans" eval '[ -z "$(net_line | perl -pe "s/\`[^\`]*\`//g" | grep "<")" ]'
check "hostile markdown: the raw evidence stays in its fenced block" \
  eval 'perl -0ne "exit !/\n\`\`\`\n<script>alert\(1\)<\/script>[^\n]*\n\`\`\`\n/" "$TEST_TMP/hostile.md"'
NO_COLOR=1 run_tool report "$TEST_TMP/hostile.json"
check "hostile text: no escape byte reaches the terminal" eval 'no_escape "$out" && has "$out" "?[31mRED"'
if command -v script >/dev/null; then
  tty_report -- "$TEST_TMP/hostile.json"
  check "hostile text on a terminal: only our colours, not the probe's" \
    eval '! grep -qF $'"'"'\e[31mRED'"'"' "$TEST_TMP/tty.out" && has "$TEST_TMP/tty.out" "?[31mRED"'
fi

# ---- a bundle whose verdict fields say ACCEPTED while its evidence fails ----
jq '.verdict = "ACCEPTED" | .judgement.verdict = "ACCEPTED" | .judgement.rows[].status = "PASS"
    | .inside.text |= (fromjson | (.probes[] | select(.id == "PR-NET-1") | .attempts[0].outcome) = "OK" | tojson)' \
  "$bundle" >"$TEST_TMP/liar.json"
run_tool report "$TEST_TMP/liar.json"
check "lying bundle: BLOCKED (exit 3) despite its verdict field" eval '[ "$rc" = 3 ] && [ "$(head -n 1 "$out" | cut -d" " -f2)" = BLOCKED ]'
check "lying bundle: the mismatch is said first" \
  eval 'sed -n 2p "$out" | grep -q "^WARNING: the bundle'"'"'s own verdict says ACCEPTED, but its evidence gives BLOCKED"'
check "lying bundle: the rows it misjudged are named" has "$out" "PR-NET-1 (bundle PASS, recomputed FAIL)"
run_tool report --format markdown "$TEST_TMP/liar.json"
check "lying bundle, markdown: ❌ and the mismatch" eval 'grep -q "^### ❌ sandbox-attest: BLOCKED" "$out" && has "$out" "**Verdict mismatch:**"'
run_tool report --format html "$TEST_TMP/liar.json"
check "lying bundle, html: the mismatch box" has "$out" '<div class="mismatch">Verdict mismatch'

# ---- --github: the job summary ----
summary=$TEST_TMP/summary.md
echo "previous step" >"$summary"
GITHUB_STEP_SUMMARY=$summary run_tool report "$bundle"
check "GITHUB_STEP_SUMMARY alone does not write to it" [ "$(cat "$summary")" = "previous step" ]
GITHUB_STEP_SUMMARY=$summary run_tool report --github "$bundle"
check "--github: exit status follows the verdict, text on stdout" eval '[ "$rc" = "$want_rc" ] && has "$out" "verdict: $verdict"'
check "--github: appends the Markdown after what was there" \
  eval '[ "$(head -n 1 "$summary")" = "previous step" ] && grep -Eq "^### (✅|❌) sandbox-attest: $verdict" "$summary" && has "$summary" "| id | level | status |"'
run_tool report --github "$bundle"
check "--github without GITHUB_STEP_SUMMARY: exit 2, one line" \
  eval '[ "$rc" = 2 ] && one_line "$err" && has "$err" "GITHUB_STEP_SUMMARY is not set" && [ ! -s "$out" ]'

# ---- another matrix: the verdict is the matrix's, not the bundle's ----
# It leaves out the failing check rows, and VENUE-NAMED so that it differs.
failing=$(jq -c '[.judgement.rows[] | select(.status == "FAIL") | .id] + ["VENUE-NAMED"]' "$bundle")
if jq -e --argjson f "$failing" '[.rows[] | select(.kind == "check") | .id] as $c | all($f[]; IN($c[]))' "$MATRIX" >/dev/null; then
  jq --argjson f "$failing" '.rows |= map(select(.id as $id | $f | index($id) | not))' "$MATRIX" >"$TEST_TMP/matrix.json"
  run_tool report --matrix "$TEST_TMP/matrix.json" "$bundle"
  check "--matrix without the failing check rows: ACCEPTED (exit 0)" \
    eval '[ "$rc" = 0 ] && [ "$(head -n 1 "$out" | cut -d" " -f2)" = ACCEPTED ] && has "$out" "judged by another matrix"'
else
  skip "a probe row fails on this host ($failing): no matrix can accept it"
fi

# ---- bad input: exit 2, one line that says where ----
head -c 2000 "$bundle" >"$TEST_TMP/truncated.json"
run_tool report "$TEST_TMP/truncated.json"
check "truncated bundle: exit 2, one line naming the file and the place" \
  eval '[ "$rc" = 2 ] && one_line "$err" && has "$err" "truncated.json" && grep -q "line [0-9]*, column [0-9]*" "$err"'
jq '.problems = "none"' "$bundle" >"$TEST_TMP/shape.json"
run_tool report "$TEST_TMP/shape.json"
check "a member of the wrong type: exit 2 naming the member" \
  eval '[ "$rc" = 2 ] && one_line "$err" && has "$err" "shape.json: problems:"'
run_tool report "$TEST_TMP/absent.json"
check "no such bundle: exit 2, one line" eval '[ "$rc" = 2 ] && one_line "$err"'
run_tool report --format pdf "$bundle"
check "--format pdf: exit 2" eval '[ "$rc" = 2 ] && has "$err" "--format pdf"'
run_tool report "$bundle" "$bundle"
check "two bundles: exit 2" [ "$rc" = 2 ]

# ---- an in-toto Statement of the bundle: judged as verify judges it ----
statement=$TEST_TMP/bundle.intoto.json
jq '{_type: "https://in-toto.io/Statement/v1",
     subject: [{name: "sandbox-probe", digest: {sha256: (.image_digest | ltrimstr("sha256:"))}},
               {name: "policy.json", digest: {sha256: .seccomp_sha256}}],
     predicateType: "https://sandbox-attest.invalid/bundle/v1", predicate: .}' "$bundle" >"$statement"
run_tool report "$statement"
check "a Statement: the bundle's verdict, and INTOTO-SUBJECTS passes" \
  eval '[ "$rc" = "$want_rc" ] && grep -Eq "^  INTOTO-SUBJECTS +MUST +PASS" "$out"'
check "a Statement: the report says its signature is not checked here" has "$out" "its signature is not"
run_tool verify "$statement"
check "a Statement: verify agrees" [ "$rc" = "$want_rc" ]
jq '.subject[0].digest.sha256 = "'"$(printf '0%.0s' {1..64})"'"' "$statement" >"$TEST_TMP/other.intoto.json"
run_tool report "$TEST_TMP/other.intoto.json"
check "a Statement naming another probe: BLOCKED (3), INTOTO-SUBJECTS fails with the reason" \
  eval '[ "$rc" = 3 ] && grep -Eq "^  INTOTO-SUBJECTS +MUST +FAIL .*is neither the probe nor the policy" "$out"'
jq '.predicateType = "https://example.invalid/other"' "$statement" >"$TEST_TMP/foreign.intoto.json"
run_tool report "$TEST_TMP/foreign.intoto.json"
check "a Statement of another predicate type: exit 2, one line naming predicateType" \
  eval '[ "$rc" = 2 ] && one_line "$err" && has "$err" "foreign.intoto.json: predicateType:"'

done_testing
