#!/usr/bin/env bash
# The true verdict on each reference agent (tests/agents/README.md), pinned on the bundled
# scenarios. Each agent's truth is known by construction, not by what spar happens to say: a
# correct agent that words things its own way passes and recovers; an agent that only agrees or
# only echoes earns no credit; a forgetter's retention falls; a policy-breaker fails where it
# breaks a rule; an agent that crashes where it would fail is not rated as perfect. Every truth
# is checked and every broken one reported (then the suite fails), so one run lists them all.
source "$(dirname "$0")/lib.sh"
cd "$SPAR_ROOT"
track_mocks  # the agents start their own spar-mock-agents: they must all be gone at the end
AGENTS="$SPAR_ROOT/tests/agents"
TYPES='["correction", "intent_change", "interruption", "ambiguity", "contradiction", "topic_switch"]'

# run NAME "AGENT [ARGS]" K SCENARIOS [OPTION...]: seed 3, summary at $WORK/NAME/summary.json. The
# time taken is printed for the CI budget (docs/testing.md), never asserted. The library plays
# every (scenario, persona) case; --first-persona plays each scenario with its own persona only.
run() {
  local t0=$SECONDS
  expect_exit 0 "$SPAR" run --allow-errors "$4" "${@:5}" --agent "exec:cmd=python3 $AGENTS/$2" -k "$3" --seed 3 \
    --out "$WORK/$1" -q --history ""
  echo "ran $1 ($2, k=$3, $4) in $((SECONDS - t0)) s"
}
BROKEN=()
# truth NAME "WHAT IS TRUE" JQ [SHOW]: JQ runs on NAME's summary with $records (the records) and
# must print true; otherwise the truth is reported broken with SHOW (jq on the same input).
truth() {
  local got
  got=$(jq -c --slurpfile records "$WORK/$1/results.jsonl" --argjson types "$TYPES" "$3" \
    "$WORK/$1/summary.json" 2>&1) || got="jq failed: $got"
  if [ "$got" = true ]; then
    pass "$1: $2"
  else
    local show
    show=$(jq -c --slurpfile records "$WORK/$1/results.jsonl" --argjson types "$TYPES" "${4:-.}" \
      "$WORK/$1/summary.json" 2>&1 || true)
    echo "BROKEN: $1: $2 (got $got; ${show:0:600})" >&2
    BROKEN+=("$1: $2")
  fi
}
# Recovery over all six event types: recovered / scored, or null when nothing was scored.
OVERALL='([.recovery[$types[]] // empty] | {recovered: (map(.recovered) | add), scored: (map(.scored) | add)}
  | if .scored > 0 then .recovered / .scored else null end)'
# The whole library is every (scenario, persona) case; the sanitized half plays each scenario with
# its own persona (the same code paths on a quarter of the conversations; e2e_library_cast holds
# the full matrix there).
LIB=(); sanitized && LIB=(--first-persona)
# The cases the records hold: every (scenario, persona) pair played.
CASES='([$records[] | "\(.scenario)@\(.persona)"] | unique | length)'
NO_PASS='.pass_hat_k["1"] == 0 and ([$records[] | select(.score.pass)] | length) == 0'
# No event verdict recovered, and every summary recovery rate (per type, per evidence) 0 or null.
NO_RECOVERY='([$records[].score.events[] | select(.recovered == true)] | length) == 0
  and ([.recovery[$types[]] // empty | .rate] | all(. == null or . == 0))
  and (.recovery.by_evidence | type == "object" and ([.[] | .rate] | all(. == null or . == 0)))'
# No probe answered, and every checkpoint's retention mean 0 or null.
NO_RETENTION='([$records[].score.probes[] | select(.answered == true)] | length) == 0
  and ([.checkpoints[] | .retention.mean // null] | all(. == null or . == 0))'

# The paraphraser: correct in its own words. It passes every case (each scenario played by every
# persona of its domain) and recovers from (nearly) every confusion; its corrections are decided
# by what it did (the corrected value in its tool arguments), not by what it said.
run para paraphraser.py 1 scenarios/ "${LIB[@]}"
truth para "passes every case of the library (16 scenarios, each played by its domain's personas), no errors" \
  ".errors == 0 and ([\$records[].scenario] | unique | length) == 16 and $CASES == (\$records | length)
   and .pass_hat_k[\"1\"] == 1" \
  "{errors, pass_hat_k, cases: $CASES, failed: [\$records[] | select(.score.pass | not) | \"\(.scenario)@\(.persona)\"]}"
truth para "recovery >= 0.95 over all event types" "$OVERALL >= 0.95" "{overall: $OVERALL, recovery}"
truth para "retention 1 at every checkpoint with a probe" \
  '[.checkpoints[] | .retention.mean // empty] | length > 0 and all(. == 1)' '[.checkpoints[] | .retention]'
truth para "some event verdicts are decided by action, and those recover (recovery.by_evidence.action.rate >= 0.95)" \
  '.evidence.events.action > 0 and .recovery.by_evidence.action.rate >= 0.95' '{evidence, by_evidence: .recovery.by_evidence}'

# The do-nothing agreer and the keyword echoer never call a tool: they complete nothing and
# recover from nothing, and an echo of the asked-for value is not remembering it.
for agent in agreer echoer; do
  run "$agent" "$agent.py" 1 scenarios/ "${LIB[@]}"
  truth "$agent" "no scenario passes" "$NO_PASS" '{pass_hat_k}'
  truth "$agent" "no recovery credit (no event recovered, every recovery rate 0 or null)" "$NO_RECOVERY" \
    "{recovery: (.recovery | map_values(.rate? // .)), recovered: [\$records[] | .scenario as \$s | .events as \$e | .score.events | to_entries[] | select(.value.recovered == true) | \"\\(\$s):\\(\$e[.key].type)\"]}"
  truth "$agent" "no retention credit (no probe answered, every retention mean 0 or null)" "$NO_RETENTION" \
    '{retention: [.checkpoints | to_entries[] | {(.key): .value.retention.mean}] | add, answered: [$records[].score.probes[] | select(.answered == true)] | length}'
done

# The forgetter: the paraphraser until turn T, then it only sees the last 4 messages. The
# library probes a detail at turns 12-15 (window 9-15) and another at turn 24: from T=10 it has
# forgotten both, below the paraphraser after turn 10; from T=15 it answers the first and not the
# second, so its curve falls. (From T=10 on retail alone: four probes in each window are enough.)
run forget10 "forgetter.py from=10" 1 scenarios/retail --first-persona
truth forget10 "after turn 10, retention below the paraphraser's (< 0.5 at checkpoints 15 and 25)" \
  '.checkpoints["15"].retention.mean < 0.5 and .checkpoints["25"].retention.mean < 0.5' \
  '[.checkpoints | to_entries[] | {(.key): .value.retention.mean}] | add'
run forget15 "forgetter.py from=15" 1 scenarios/ --first-persona
truth forget15 "retention falls: checkpoint 15 (remembered) = 1 > checkpoint 25 (forgotten), degradation < 0" \
  '.checkpoints["15"].retention.mean == 1 and .checkpoints["25"].retention.mean <= 0.5 and .degradation.retention < 0' \
  '{retention: [.checkpoints | to_entries[] | {(.key): .value.retention.mean}] | add, degradation: .degradation.retention}'

# The polite policy-breaker: the paraphraser over a mock that skips verification and
# confirmation before every write (policy_slip=1). A major or critical violation blocks a pass,
# so no conversation with one passes; every violation is counted, and decided by action.
run slip "paraphraser.py policy_slip=1" 1 scenarios/ "${LIB[@]}"
truth slip "breaks verification/confirmation rules in every case" \
  '[$records[] | select(any(.score.violations[]; .rule | test("^require_(before|confirmation)\\(")))] | length == ($records | length)' \
  '[$records[] | {("\(.scenario)@\(.persona)"): [.score.violations[].rule]}] | add'
truth slip "no conversation with a major or critical violation passes" \
  '[$records[] | select(.score.pass and any(.score.violations[]; .severity == "major" or .severity == "critical"))] | length == 0' \
  '[$records[] | select(.score.pass) | {(.scenario): [.score.violations[] | .severity + ":" + .rule]}] | add'
truth slip "its violations are counted (summary policy = the records' violations, all decided by action)" \
  '.policy.violations == ([$records[].score.violations[]] | length) and .policy.violations > 0
   and .policy.conversations_with_violations == ($records | length)
   and .policy.by_severity.major + .policy.by_severity.critical == .policy.violations
   and .evidence.violations.action == ([$records[].score.violations[] | select(.action == "tool_call")] | length)
   and ([$records[].score.violations[] | select(.action == "tool_call" and .decided_by != "action")] | length) == 0' \
  '{policy: (.policy | del(.by_rule)), evidence: .evidence.violations}'

# The erroring agent: the paraphraser over a mock that ignores half the corrections, which exits
# on the turn it would act on a superseded value. Every trial it completes passes, so the figure
# that leaves errors out is 1; errors count as failures in pass^k, which is lower. Retail: two
# scenarios where both trials crash, two where at least one completes (seed 3).
run crash erroring.py 2 scenarios/retail --first-persona
ERRORED='[$records[] | select(.error != null)]'
truth crash "it crashes in some trials (exec errors) and passes every trial it completes" \
  "($ERRORED | length) > 0 and ($ERRORED | all(.error.kind == \"exec\"))
   and ([\$records[] | select(.error == null and (.score.pass | not))] | length) == 0" \
  '[$records[] | {scenario, error: .error.kind, pass: .score.pass}]'
# pass^k with errors as failures, from the records: per scenario c passes of n = 2 trials.
PASS_HAT='([$records[] | {s: .scenario, p: (if .score.pass and .error == null then 1 else 0 end)}]
  | group_by(.s) | map(map(.p) | add) | {k1: (map(. / 2) | add / length), k2: (map(if . == 2 then 1 else 0 end) | add / length)})'
truth crash "errored trials count as failures: pass_hat_k = the records' pass^k with errors failed" \
  "$PASS_HAT as \$want | (.pass_hat_k[\"1\"] - \$want.k1 | fabs) < 1e-6 and (.pass_hat_k[\"2\"] - \$want.k2 | fabs) < 1e-6" \
  "{pass_hat_k, want: $PASS_HAT}"
truth crash "pass_hat_k below pass_hat_k_excluding_errors (= 1: every completed trial passes)" \
  '.pass_hat_k_excluding_errors["1"] == 1 and .pass_hat_k["1"] < .pass_hat_k_excluding_errors["1"]' \
  '{pass_hat_k, pass_hat_k_excluding_errors}'

expect_mocks_gone
if [ "${#BROKEN[@]}" -gt 0 ]; then
  printf 'BROKEN: %s\n' "${BROKEN[@]}" >&2
  fail "${#BROKEN[@]} reference truths broken"
fi
pass "every reference truth holds"
