#!/usr/bin/env bash
# The numbers are right on known ground truth.
source "$(dirname "$0")/lib.sh"

# a. pass^k: 50 scenarios x 4 trials with tau-bench's gpt-4o airline distribution of success
#    counts (14 with 0, 12 with 1, 10 with 2, 4 with 3, 10 with 4). Records carry only scenario,
#    trial, how they ended and their verdict. tau-bench's published row: pass^1..4 = 0.420, 0.273, 0.220, 0.200.
mkdir -p "$WORK/tau"
s=0
for spec in 14:0 12:1 10:2 4:3 10:4; do
  count=${spec%%:*} c=${spec##*:}
  for ((i = 0; i < count; i++)); do
    s=$((s + 1))
    for trial in 1 2 3 4; do
      pass=false; [ "$trial" -le "$c" ] && pass=true
      printf '{"schema_version":1,"scenario":"airline/%02d","trial":%d,"ended":"persona_done","error":null,"score":{"pass":%s,"decided_by":"goal","goal_met":%s,"violations":[]}}\n' \
        "$s" "$trial" "$pass" "$pass"
    done
  done
done >"$WORK/tau/results.jsonl"
# hand-written minimum (only the fields pass^k reads), and what spar score writes from it
records_unchecked "$WORK/tau/results.jsonl" "$WORK/tau-rescored/results.jsonl"
# An errored trial counts as a failed one (as tau-bench counts it). Added to airline/01, which
# passes none, it changes no pinned figure but its scenario's n: 5 trials, pass^5 = 0; overall
# pass^k still stops at k_max = 4, the trials every other scenario has. (Before, it was left
# out of n and the check was ".per_scenario[\"airline/01\"].n == 4": the lie this pins against.)
cp "$WORK/tau/results.jsonl" "$WORK/tau-clean.jsonl"
echo '{"schema_version":1,"scenario":"airline/01","trial":5,"ended":"agent_error","error":{"kind":"timeout","message":"x"},"score":{"pass":false,"decided_by":"error"}}' >>"$WORK/tau/results.jsonl"
expect_exit 0 "$SPAR" report "$WORK/tau"
got=$(jq -r '[.pass_hat_k["1","2","3","4"] | . * 1000 | round / 1000 | tostring] | join(" ")' "$WORK/tau/summary.json")
[ "$got" = "0.42 0.273 0.22 0.2" ] || fail "pass^1..4 = $got, expected tau-bench's 0.420 0.273 0.220 0.200"
jq -e '.errors == 1 and .scenarios == 50 and .k_max == 4 and (.pass_hat_k | has("5") | not)
       and .per_scenario["airline/01"].trials == 5 and .per_scenario["airline/01"].n == 4
       and .per_scenario["airline/01"].pass_hat_k["5"] == 0' "$WORK/tau/summary.json" >/dev/null \
  || fail "the errored trial counts in its scenario's n, and overall pass^k stops at k_max = 4"
jq -e '.pass_at_k["1"] == 0.42 and .pass_at_k["4"] == 0.72' "$WORK/tau/summary.json" >/dev/null || fail "pass@k"
# The same error on airline/50, which passes all 4: now it counts (pass^1 of airline/50 = 4/5, overall
# 0.416); the infrastructure-excluded figure beside it keeps tau-bench's row.
mkdir -p "$WORK/tau-err50"
{ cat "$WORK/tau-clean.jsonl"
  echo '{"schema_version":1,"scenario":"airline/50","trial":5,"ended":"agent_error","error":{"kind":"timeout","message":"x"},"score":{"pass":false,"decided_by":"error"}}'
} >"$WORK/tau-err50/results.jsonl"
records_unchecked "$WORK/tau-err50/results.jsonl"
expect_exit 0 "$SPAR" report "$WORK/tau-err50"
jq -e '.pass_hat_k["1"] == 0.416 and .per_scenario["airline/50"].pass_hat_k["1"] == 0.8 and .k_max == 4
       and .pass_hat_k_excluding_errors["1"] == 0.42 and .pass_hat_k_excluding_errors["4"] == 0.2' \
  "$WORK/tau-err50/summary.json" >/dev/null || fail "an errored trial of a passing scenario counts as a failure"
grep -q '^excluding errors (errors count as failures above):  pass^1 0.420' "$WORK/out" \
  || fail "the terminal names the infrastructure-excluded figure"
pass "pass^k reproduces tau-bench's published row (0.420 0.273 0.220 0.200)"

# b. Degradation against the mock agent's injected flaws, over the bundled library.
cd "$SPAR_ROOT"
run() {  # run NAME AGENT K: runs the library and leaves the summary at $WORK/NAME/summary.json
  expect_exit 0 "$SPAR" run --first-persona scenarios/ --agent "$2" -k "$3" --seed 7 --out "$WORK/$1" -q --concurrency 64 --history ""
}
quality() { jq -r ".checkpoints[\"$2\"].quality.mean" "$WORK/$1/summary.json"; }

run clean mock 2
q3=$(quality clean 3) q25=$(quality clean 25)
awk -v a="$q3" -v b="$q25" 'BEGIN { d = a - b; if (d < 0) d = -d; exit !(d <= 0.02) }' \
  || fail "with every flaw off the quality curve is not flat: $q3 at turn 3, $q25 at turn 25"
pass "flaws off: quality is flat ($q3 at turn 3, $q25 at turn 25)"

run tired mock:fatigue=0.03 2
q3=$(quality tired 3) q25=$(quality tired 25)
awk -v a="$q3" -v b="$q25" 'BEGIN { exit !(a - b >= 0.10) }' \
  || fail "fatigue=0.03 should drop quality by >= 0.10 from turn 3 to 25: $q3 -> $q25"
pass "fatigue=0.03: quality falls from $q3 at turn 3 to $q25 at turn 25"

# correction_rate=p: the measured correction recovery tracks p. Tolerance 0.15 around p
# (the binomial standard error with the number of corrections below is about 0.05 at p=0.5
# with k = 6; sanitized, p = 0.5 alone at k = 3: about 0.07).
corr_k=6 rates=(0 0.5 1); sanitized && corr_k=3 rates=(0.5)
for p in "${rates[@]}"; do
  run "corr$p" "mock:correction_rate=$p" "$corr_k"
  rate=$(jq -r '.recovery.correction.rate' "$WORK/corr$p/summary.json")
  n=$(jq -r '.recovery.correction.scored' "$WORK/corr$p/summary.json")
  awk -v r="$rate" -v p="$p" 'BEGIN { d = r - p; if (d < 0) d = -d; exit !(d <= 0.15) }' \
    || fail "correction_rate=$p measured $rate over $n corrections"
  pass "correction_rate=$p: measured correction recovery $rate over $n corrections"
done

# policy_slip=0.5: the mock skips verification or confirmation, and the policies catch it.
run slip mock:policy_slip=0.5 2
v=$(jq '.policy.violations' "$WORK/slip/summary.json")
c=$(jq '.policy.conversations_with_violations' "$WORK/slip/summary.json")
[ "$v" -gt 0 ] && [ "$c" -gt 0 ] || fail "policy_slip=0.5 recorded no violations"
jq -e '.policy.by_rule | keys | any(startswith("require_confirmation")) and any(startswith("require_before"))' \
  "$WORK/slip/summary.json" >/dev/null || fail "both kinds of skipped step are caught"
pass "policy_slip=0.5: $v violations in $c conversations"

# c. The same figures recomputed by `spar score` from the records alone: every summary above
#    comes out the same, so every check above holds on it too. (a's records carry no turns and no usage: once
#    scored, each has its checkpoints, all unreached, and zero usage where it had none.)
# (Sanitized: three of them, the hand-written records and two played runs.)
names=(tau clean tired corr0 corr0.5 corr1 slip); sanitized && names=(tau corr0.5 slip)
for name in "${names[@]}"; do
  expect_exit 0 "$SPAR" score "$WORK/$name" --out "$WORK/$name-rescored"
  strip='.'; [ "$name" = tau ] && strip='del(.checkpoints, .per_scenario[].checkpoints, .usage)'
  cmp -s <(jq -S "$strip" "$WORK/$name/summary.json") <(jq -S "$strip" "$WORK/$name-rescored/summary.json") \
    || { diff <(jq -S "$strip" "$WORK/$name/summary.json") <(jq -S "$strip" "$WORK/$name-rescored/summary.json") | head; fail "spar score changed $name's figures"; }
done
got=$(jq -r '[.pass_hat_k["1","2","3","4"] | . * 1000 | round / 1000 | tostring] | join(" ")' "$WORK/tau-rescored/summary.json")
[ "$got" = "0.42 0.273 0.22 0.2" ] || fail "re-scored pass^1..4 = $got"
pass "spar score recomputes every figure above from the records"
