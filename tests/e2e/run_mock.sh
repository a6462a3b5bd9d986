#!/usr/bin/env bash
# spar run against the real mock agent: records, summary, the table, and spar report.
source "$(dirname "$0")/lib.sh"
cd "$SPAR_ROOT"
out="$WORK/run"
track_mocks

expect_exit 0 "$SPAR" run --first-persona scenarios/ --agent mock -k 3 --seed 11 --out "$out" --history ""
results="$out/results.jsonl"
# spar's own library: not its _*.lua files, nor the tau suites (.spar-separate folders)
scenarios=$(find scenarios -name '*.lua' ! -name '_*' | grep -cv -e '^scenarios/tau-bench/' -e '^scenarios/tau2-bench/')
[ "$(wc -l <"$results")" -eq $((scenarios * 3)) ] || fail "expected one record per scenario x trial ($scenarios x 3)"
pass "one record per conversation"

# Every record is complete, passes, and runs at least 10 turns.
jq -e -s 'all(.[]; .error == null and .score.pass == true and .turns == 25 and (.score.violations | length) == 0)' "$results" \
  >/dev/null || fail "with every flaw off, every scenario should pass all 25 turns without a violation"
jq -e -s --argjson n $((scenarios * 3)) '[.[] | [.scenario, .trial]] | unique | length == $n' "$results" >/dev/null \
  || fail "duplicate (scenario, trial)"
jq -e -s 'all(.[]; (.transcript | length) > 0 and .usage.agent_requests > 0 and has("seed") and has("events"))' "$results" >/dev/null \
  || fail "records miss transcript, usage, seed or events"
# Tool calls reached the scenario's Lua tools and changed the state.
jq -e -s 'all(.[]; .usage.tool_calls > 0 and ([.transcript[] | select(.role == "tool")] | length) > 0)' "$results" >/dev/null \
  || fail "no tool round trips"
jq -e -s '[.[].events[].type] | (index("correction") != null) and (index("intent_change") != null)' "$results" >/dev/null \
  || fail "bundled scenarios raise a correction and an intent change"
pass "records are complete, with tool calls and typed events"

summary="$out/summary.json"
jq -e '.pass_hat_k | keys == ["1","2","3"]' "$summary" >/dev/null || fail "pass_hat_k keys"
jq -e '.pass_at_k["3"] == 1 and .pass_hat_k["3"] == 1' "$summary" >/dev/null || fail "all pass, so pass^3 = 1"
grep -q "^overall ($scenarios scenarios) .* 1.000    1.000    1.000$" "$WORK/out" || { cat "$WORK/out"; fail "table"; }
pass "summary.json and the pass^k table"

# The same seed replays the same persona wording; the seed differs per trial.
expect_exit 0 "$SPAR" run --first-persona scenarios/subscriptions/cancel-or-pause.lua --agent mock -k 2 --seed 11 --out "$WORK/again" -q --history ""
a=$(jq -c 'select(.scenario == "subscriptions/cancel-or-pause" and .trial <= 2) | [.seed, [.transcript[].content]]' "$results" | sort)
b=$(jq -c '[.seed, [.transcript[].content]]' "$WORK/again/results.jsonl" | sort)
[ "$a" = "$b" ] || fail "a seed does not replay identically"
pass "a seed replays identically"

# spar report recomputes summary.json from results.jsonl alone.
cp "$summary" "$WORK/first.json"
rm "$summary"
expect_exit 0 "$SPAR" report "$out"
diff <(jq -S . "$WORK/first.json") <(jq -S . "$summary") || fail "report differs from run's summary"
pass "spar report recomputes the summary"

# Every mock agent this suite's runs started is gone when its run ends.
expect_mocks_gone
pass "no orphaned mock agent ($(wc -l <"$WORK/mock.pids") started, all gone)"
