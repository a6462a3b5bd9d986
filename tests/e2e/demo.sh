#!/usr/bin/env bash
# scripts/demo plays the library against the sound mock and a flawed one and prints what spar
# finds between them: the sound agent passes, the flawed one shows a pass^k gap, the table is
# the summaries' own figures, and the demo fails when the sound agent does not pass.
source "$(dirname "$0")/lib.sh"
DEMO="$SPAR_ROOT/scripts/demo"

# The whole library is 64 cases x 4 trials x 2 agents; the sanitized half plays each scenario's own
# persona (--first-persona), the same code on a quarter of the conversations.
cast=(); sanitized && cast=(--first-persona)
expect_exit 0 "$DEMO" --no-build --seed 7 --out "$WORK/a" "${cast[@]}"
sed -n '/^== What spar found/,$p' "$WORK/out" | sed "s|$WORK/a|OUT|g" >"$WORK/table.a"
[ -f "$WORK/a/demo/report.html" ] && [ -f "$WORK/a/demo-flawed/report.html" ] || fail "both runs write report.html"
# The printed figures are the summaries' own.
row() { awk -v l="$1" 'index($0, l) == 1 { print $(NF - 1), $NF }' "$WORK/table.a"; }
s1=$(jq -r '.pass_hat_k["1"]' "$WORK/a/demo/summary.json")
f1=$(jq -r '.pass_hat_k["1"]' "$WORK/a/demo-flawed/summary.json")
f4=$(jq -r '.pass_hat_k["4"]' "$WORK/a/demo-flawed/summary.json")
[ "$(row 'pass^1 ')" = "$(printf '%.3f %.3f' "$s1" "$f1")" ] || fail "pass^1 row: $(row 'pass^1 ')"
[ "$(row 'pass^4 ')" = "$(printf '%.3f %.3f' 1 "$f4")" ] || fail "pass^4 row: $(row 'pass^4 ')"
awk -v a="$f1" -v b="$f4" 'BEGIN { exit !(a - b >= 0.2) }' || fail "the flawed agent shows a clear pass^k gap ($f1 vs $f4)"
v=$(jq -r '.policy.violations' "$WORK/a/demo-flawed/summary.json")
[ "$(row 'violations (count)')" = "0 $v" ] || fail "violations row: $(row 'violations (count)')"
grep -q '^recovery: correction ' "$WORK/table.a" || fail "recovery per event type"
grep -Eq '^flawed report: OUT/demo-flawed/report.html  \(fails most: [a-z]+/[a-z-]+(@[a-z-]+)? \([0-9]/4 passed\)\)$' "$WORK/table.a" ||
  fail "where to look: $(grep report: "$WORK/table.a")"
grep -q '^sound  report: OUT/demo/report.html  (fails most: none)$' "$WORK/table.a" || fail "sound report line"
pass "demo prints the comparison from both summaries"

# (The same seed gives the same records, so the same table: spar's own determinism, tested by
# e2e_run_mock; running the demo twice more here would double this suite's cost under ASan.)

# A sound agent that does not pass fails the demo: a spar that plays the sound mock with slips.
# (The script's own logic, a third library run: in the normal half only.)
if ! sanitized; then
cat >"$WORK/spar-slipping" <<EOF
#!/usr/bin/env bash
args=()
for a in "\$@"; do [ "\$a" = mock ] && a=mock:policy_slip=1; args+=("\$a"); done
exec "$SPAR" "\${args[@]}"
EOF
chmod +x "$WORK/spar-slipping"
SPAR="$WORK/spar-slipping" expect_exit 1 "$DEMO" --no-build --out "$WORK/c" --first-persona
grep -q '^demo: the sound agent did not pass every trial' "$WORK/err" || fail "sound failure message: $(cat "$WORK/err")"
pass "demo fails when the sound agent does not pass"
fi

expect_exit 2 "$DEMO" --no-build --seed x
grep -q "^demo: --seed must be a whole number, not 'x'$" "$WORK/err" || fail "bad seed message"
expect_exit 2 "$DEMO" --frobnicate
grep -q "^demo: unknown option '--frobnicate'" "$WORK/err" || fail "unknown option message"
pass "demo usage errors exit 2 with one line"
