#!/usr/bin/env bash
# Honest aggregates end to end (docs/metrics.md "Pass and pass^k", docs/ci.md "Regressions and
# run-to-run noise"): an erroring scenario counts as failing, gates on an interval's lower bound,
# and spar diff tells noise from a regression.
source "$(dirname "$0")/lib.sh"
cd "$SPAR_ROOT"

# a. One scenario whose agent errors on every trial (the mock with fail_rate=1, no retries),
#    four that pass: the errors count as failures; the infrastructure-excluded figure is shown
#    beside it, named as such.
expect_exit 0 "$SPAR" run --first-persona --allow-errors scenarios/retail --agent mock -k 2 --seed 5 --out "$WORK/good" -q --history ""
expect_exit 0 "$SPAR" run --first-persona --allow-errors scenarios/banking/lost-card.lua --agent mock:fail_rate=1 --retries 0 -k 2 --seed 5 \
  --out "$WORK/broken" -q --history ""
[ "$(jq -s 'map(select(.ended == "agent_error")) | length' "$WORK/broken/results.jsonl")" = 2 ] \
  || fail "fail_rate=1 should error both trials"
mkdir -p "$WORK/mixed"
cat "$WORK/good/results.jsonl" "$WORK/broken/results.jsonl" >"$WORK/mixed/results.jsonl"
expect_exit 0 "$SPAR" report "$WORK/mixed"
jq -e '.per_scenario["banking/lost-card"].pass_hat_k["1"] == 0 and .per_scenario["banking/lost-card"].trials == 2
       and .pass_hat_k["1"] == 0.8 and .pass_hat_k["2"] == 0.8 and .k_max == 2
       and .pass_hat_k_excluding_errors["1"] == 1 and .errors == 2' "$WORK/mixed/summary.json" >/dev/null \
  || { jq -c '{pass_hat_k, pass_hat_k_excluding_errors, k_max}' "$WORK/mixed/summary.json"; fail "errors count as failures"; }
grep -q '^excluding errors (errors count as failures above):  pass^1 1.000  pass^2 1.000$' "$WORK/out" \
  || fail "the terminal shows the infrastructure-excluded figure, named"
grep -Eq '^overall with 95% interval:  pass\^1 0.800 \[0\.[0-9]+, 1.000\]' "$WORK/out" || fail "the terminal shows the interval"
pass "an all-errored scenario has pass^1 = 0 and pulls overall pass^1 to 0.8 (1.0 excluding errors)"

# b. Gates on an interval's lower bound: pass^1 = 0.8 holds >= 0.8, its lower bound does not.
expect_exit 0 "$SPAR" report "$WORK/mixed" --gate 'pass^1>=0.8'
expect_exit 1 "$SPAR" report "$WORK/mixed" --gate 'pass^1.lo>=0.8'
grep -q '^gate FAILED: pass^1.lo>=0.8 (pass^1.lo = 0\.[0-7]' "$WORK/out" || fail "the .lo gate names its value"
expect_exit 0 "$SPAR" report "$WORK/good" --gate 'pass^2.lo>=0.8' --gate 'quality@25.lo>=0.9'
expect_exit 2 "$SPAR" report "$WORK/good" --gate 'pass^2.mid>=0.8'
pass "gates read .lo / .hi"

# c. spar diff: the same agent under two seeds differs by noise only; correction_rate=0 is a
#    regression. (The agent misses half its corrections, so the two seeds do differ: by more
#    than --max-drop on some rows, which the old diff flagged.)
run() { expect_exit 0 "$SPAR" run --first-persona --allow-errors scenarios/ --agent "$2" -k 2 --seed "$3" --out "$WORK/$1" -q --concurrency 16 --history ""; }
run s1 mock:correction_rate=0.5 1
run s2 mock:correction_rate=0.5 2
run base mock 1
run c0 mock:correction_rate=0 1
expect_exit 0 "$SPAR" diff "$WORK/s1" "$WORK/s2"
grep -q '^no regression' "$WORK/out" || fail "two seeds of one agent: no regression"
grep -Eq 'within noise|k too small to tell' "$WORK/out" || fail "some change beyond --max-drop is explained as noise"
grep -q '^overall  *recovery .* fisher p=' "$WORK/out" || fail "each row names its test and p-value"
expect_exit 1 "$SPAR" diff "$WORK/base" "$WORK/c0"
grep -q '^overall  *recovery .* REGRESSION$' "$WORK/out" || fail "correction_rate=0 regresses recovery"
grep -q '^overall  *pass^2 .*sign-flip p=.* REGRESSION$' "$WORK/out" || fail "and pass^2, by the sign-flip test"
grep -q 'k too small to tell' "$WORK/out" || fail "2 trials per scenario cannot tell a scenario's pass^1"
pass "spar diff: two seeds are noise, correction_rate=0 a regression, small k said"

# d. The pass rule: policy_slip=1 skips confirmation in banking/freeze-or-close, whose rule is
#    major; the goal is still met, and the conversation fails.
expect_exit 1 "$SPAR" run --first-persona scenarios/banking/freeze-or-close.lua --agent mock:policy_slip=1 -k 1 --seed 1 \
  --out "$WORK/slip" -q --history "" --gate 'pass^1>=1'
jq -e 'select(.score.goal_met == true) | .score.pass == false and ([.score.violations[].severity] | all(. == "major"))' \
  "$WORK/slip/results.jsonl" >/dev/null || fail "a major violation fails a conversation whose goal was met"
pass "a major violation blocks a pass"
