#!/usr/bin/env bash
# 300+ conversations under 10% combined chaos (HTTP 500s, hangs, malformed bodies and streams,
# connection resets): one record per conversation, each completed or an error with a kind, the
# documented exit code, no crash, and summaries computed from the completed conversations only.
source "$(dirname "$0")/lib.sh"
cd "$WORK"
# Three 12-turn scenarios with a tool each (the template), 100 trials each.
for name in a b c; do
  "$SPAR" new scenario "chaos/$name" >/dev/null
  sed -i 's/  max_turns = 25,/  max_turns = 12,/; s/u:fill_until(25)/u:fill_until(12)/' "scenarios/chaos/$name.lua"
done
k=100
total=300
chaos="mock:fail_rate=0.03,timeout_rate=0.02,garbage_rate=0.03,reset_rate=0.02,hang_ms=6000"

set +e
"$SPAR" run --first-persona scenarios --agent "$chaos" -k "$k" --seed 13 --concurrency 32 --request-timeout 3 \
  --out "$WORK/chaos" -q --history "" >"$WORK/out" 2>"$WORK/err" </dev/null
code=$?
set -e
[ "$code" -lt 128 ] || fail "spar died from signal $((code - 128))"
# Errors make the run exit 3 (docs/ci.md, "Exit codes"), and each prints one line under -q.
[ "$code" -eq 3 ] || { cat "$WORK/err"; fail "a run with infrastructure errors exits 3, got $code"; }
r="$WORK/chaos/results.jsonl"
[ "$(wc -l <"$r")" -eq "$total" ] || fail "expected $total records, got $(wc -l <"$r")"
jq -e -s --argjson n "$total" '[.[] | [.scenario, .trial]] | unique | length == $n' "$r" >/dev/null || fail "duplicate records"
jq -e -s 'all(.[]; .error == null or (.error != null and (.error.kind | IN("transport", "timeout", "http", "protocol"))))' \
  "$r" >/dev/null || { jq -c 'select(.error != null) | .error' "$r" | sort | uniq -c | head; fail "unexpected statuses"; }
errors=$(jq -s '[.[] | select(.error != null)] | length' "$r")
completed=$((total - errors))
s="$WORK/chaos/summary.json"
jq -e --argjson e "$errors" --argjson c "$completed" '.errors == $e and .completed == $c' "$s" >/dev/null \
  || fail "summary counts"
# Per case (scenario, persona), n counts only completed conversations; errors are counted apart.
jq -e -s --slurpfile s "$s" 'group_by([.scenario, .persona]) | all(.[]; . as $g
      | [$s[0].per_scenario[] | select(.scenario == $g[0].scenario and .persona == $g[0].persona)] as $m
      | ($m | length) == 1 and ($m[0] as $p
      | $p.n == ([$g[] | select(.error == null)] | length)
      and $p.errors == ([$g[] | select(.error != null)] | length)))' "$r" >/dev/null \
  || fail "pass^k is computed from completed conversations only"
[ "$(grep -c ' ERROR (' "$WORK/err")" -eq "$errors" ] || fail "every error prints one line under -q"
pass "$total conversations under 10% chaos: $completed completed, $errors errors with a kind, exit 3, no crash"
jq -r '.error_kinds | to_entries | map("\(.key)=\(.value)") | join(" ")' "$s"

# Gates turn infrastructure errors into a failing exit code when asked to. (The faults are
# rolled from each request and attempt, so this seed leaves errors on every machine.)
[ "$errors" -gt 0 ] || fail "10% chaos left no errored conversation to gate on"
expect_exit 1 "$SPAR" report "$WORK/chaos" --gate 'errors<=0'
pass "--gate errors<=0 fails the run"
