#!/usr/bin/env bash
# spar score: verdicts recomputed from recorded observations, with no agent contacted.
source "$(dirname "$0")/lib.sh"
cd "$SPAR_ROOT"

# a. A full run of the bundled library, re-scored with the same options, gives the same lines,
#    summary and JUnit, byte for byte.
expect_exit 0 "$SPAR" run --first-persona scenarios/ --agent mock -k 1 --seed 11 --out "$WORK/live" -q --history ""
expect_exit 0 "$SPAR" score "$WORK/live" --out "$WORK/again"
for f in results.jsonl summary.json junit.xml; do
  cmp -s "$WORK/live/$f" "$WORK/again/$f" || { diff <(jq -S . "$WORK/live/$f" 2>/dev/null) <(jq -S . "$WORK/again/$f" 2>/dev/null) | head; fail "spar score changed $f"; }
done
jq -e -s 'length == 16 and all(.schema_version == 1 and .score.decided_by == "goal")' "$WORK/live/results.jsonl" >/dev/null \
  || fail "every live record is v1 and decided by its goal"
pass "live verdicts == spar score verdicts, byte for byte, over the bundled library"

# b. Other scorer options on an old run change the verdicts, and spar score opens no socket and
#    starts no process (strace, when this machine lets us trace).
set +e
strace -f -qq -e trace=socket,connect,execve -o "$WORK/strace-probe" true 2>/dev/null
have_strace=$?
set -e
traced() {
  if [ "$have_strace" -eq 0 ]; then
    ASAN_OPTIONS="${ASAN_OPTIONS:-}:detect_leaks=0" strace -f -qq -e trace=socket,connect,execve -o "$WORK/strace" "$@"
  else
    "$@"
  fi
}
no_network() {
  [ "$have_strace" -eq 0 ] || return 0
  ! grep -E 'socket\(AF_INET|connect\(.*AF_INET' "$WORK/strace" >/dev/null || { grep AF_INET "$WORK/strace" | head -3; fail "spar score opened a network socket"; }
  [ "$(grep -c 'execve(' "$WORK/strace")" -eq 1 ] || { grep execve "$WORK/strace"; fail "spar score started a process"; }
}
expect_exit 0 traced "$SPAR" score tests/fixtures/results-v0.jsonl --out "$WORK/old" --recovery-turns 0 --checkpoints 3,8
no_network
grep -q "no scenario file: the goal and policy verdicts of its earlier score are kept" "$WORK/err" \
  || fail "a record without its scenario says so"
jq -e -s 'all(.schema_version == 1) and (map(.score.scorer.options.recovery_turns) | unique) == [0]
          and all(.score.checkpoints | keys == ["3", "8"])' "$WORK/old/results.jsonl" >/dev/null \
  || fail "the old run was re-scored with the new options"
# The old run's order-number correction was acted on (a call with the new number) one turn
# later: an action decides whatever R is (R bounds text verdicts only, docs/metrics.md).
jq -e -s '.[0].score.events[0] | .recovered == true and .decided_by == "action" and .turns_to_recover == 1' \
  "$WORK/old/results.jsonl" >/dev/null || fail "--recovery-turns 0 does not undo a recovery decided by an action"
jq -e -s '[.[].score.pass] == [true, true, false]' "$WORK/old/results.jsonl" >/dev/null || fail "the old verdicts on pass stay"
expect_exit 0 traced "$SPAR" score "$WORK/live" --out "$WORK/r0" --recovery-turns 0
no_network
# R bounds the windows of text verdicts and of interruption/topic_switch actions: with R = 0
# fewer events recover (a correction's deciding call is not bounded by R, docs/metrics.md).
jq -e -s 'all(.[].score.scorer.options.recovery_turns; . == 0)' "$WORK/r0/results.jsonl" >/dev/null || fail "R = 0 is stamped"
recovered() { jq '[.recovery.by_evidence[].recovered] | add' "$WORK/$1/summary.json"; }
a=$(recovered live) b=$(recovered r0)
[ "$b" -lt "$a" ] || fail "--recovery-turns 0 lowers recovery ($a -> $b recovered events)"
pass "--recovery-turns 0 --checkpoints 3,8 change the verdicts of an old run and a new one, with no socket opened"

# c. A changed scenario (its goal) changes pass on re-score; the observations stay.
cp -r scenarios "$WORK/changed"
sed -i 's/^  goal = function(state)$/  goal = function(state) do return false end/' "$WORK/changed/retail/address-change.lua"
grep -q "do return false end" "$WORK/changed/retail/address-change.lua" || fail "test set-up: the goal was not changed"
expect_exit 0 "$SPAR" score "$WORK/live" --out "$WORK/changed-run" --scenario "$WORK/changed"
jq -e '.per_scenario["retail/address-change"].pass_hat_k["1"] == 0 and .per_scenario["retail/damaged-refund"].pass_hat_k["1"] == 1' \
  "$WORK/changed-run/summary.json" >/dev/null || fail "the changed goal fails its scenario, and only it"
cmp -s <(jq -c 'del(.score)' "$WORK/live/results.jsonl") <(jq -c 'del(.score)' "$WORK/changed-run/results.jsonl") \
  || fail "re-scoring changed observations"
pass "a changed goal changes pass on re-score"

# d. Bad input: a malformed record is path:line, exit 2.
printf '%s\n' '{"schema_version":1,"scenario":"a","trial":1}' '{"schema_version":1,"scenario":"a","trial":2,"usage":{"retries":"x"}}' >"$WORK/bad.jsonl"
expect_exit 2 "$SPAR" score "$WORK/bad.jsonl" --out "$WORK/bad"
grep -q "bad.jsonl:2: malformed record: " "$WORK/err" || fail "the malformed line is named"
pass "a malformed record is path:line: message, exit 2"
