#!/usr/bin/env bash
# r:expect{}: a persona's assertions on what the agent said or did at a turn. A copy of a bundled
# scenario plays against the mock with a persona that expects things the mock does and things it
# does not; the failures fail the conversation with messages naming the turn and the line, and
# `spar score` recomputes the same verdicts from the record alone.
source "$(dirname "$0")/lib.sh"
cd "$SPAR_ROOT"

mkdir -p "$WORK/lib/scenarios" "$WORK/lib/personas"
cp scenarios/retail/address-change.lua "$WORK/lib/scenarios/address-change.lua"  # played by --persona expecter
cp scenarios/retail/_shop.lua "$WORK/lib/scenarios/"  # the retail tools it includes
# What the mock does: turn 1 asks for the billing zip code (it does not repeat the order
# number); turn 2 verifies order 5230 with zip 30301, looks the order up, and asks for the new
# address; it changes nothing yet.
write_persona() {
  cat >"$WORK/lib/personas/expecter.lua" <<LUA
return persona {
  run = function(u, facts)
    local s = facts.story
    local r = u:say(s.request .. " The order number is " .. s.id .. ".")
    local asked = r:expect{ contains = "zip code", not_contains = "update_address" }
    r = u:say(asked and s.answers.zip or "What do you need?")
    r:expect{ called = "verify_customer", args = { order_id = 5230, zip = "30301" } }
$1
  end,
}
LUA
}

# a. Only expectations the mock meets: the verdict is the goal's, as without them.
write_persona ""
expect_exit 0 "$SPAR" run --persona expecter --allow-errors "$WORK/lib/scenarios" --agent mock -k 1 --seed 3 --out "$WORK/met" -q --history ""
jq -e '.ended == "persona_done" and (.expectations | length) == 2
       and (.expectations[0] | .turn == 1 and (.line | endswith("personas/expecter.lua:5")) and .contains == ["zip code"])
       and (.expectations[1] | .turn == 2 and .called == "verify_customer" and .args == {"order_id": 5230, "zip": "30301"})
       and (.score.expectations | length == 2 and all(.met))
       and .score.decided_by == "goal"' "$WORK/met/results.jsonl" >/dev/null \
  || { jq -c '.expectations, .score.expectations, .score.decided_by' "$WORK/met/results.jsonl" >&2; fail "met expectations are recorded and leave the verdict to the goal"; }
jq -e '.expectations == {"checked": 2, "failed": 0, "failures": []}' "$WORK/met/summary.json" >/dev/null || fail "summary counts met expectations"
! grep -q "^expectations:" "$WORK/out" || fail "no failure lines when every expectation is met"
pass "expectations the agent meets are recorded with turn and line and decide nothing"

# b. Expectations the mock does not meet fail the conversation, with messages naming the turn and
#    the script line.
write_persona '    r:expect{ called = "update_address" }
    r:expect{ matches = "[0-9]{5}" }'
expect_exit 0 "$SPAR" run --persona expecter --allow-errors "$WORK/lib/scenarios" --agent mock -k 1 --seed 3 --out "$WORK/failed" -q --history ""
jq -e '.score.pass == false and .score.decided_by == "expectation"
       and ([.score.expectations[].met] == [true, true, false, false])
       and (.score.expectations[2].message | test("^turn 2 \\(.*personas/expecter\\.lua:8\\): expected a call to update_address; its tool calls: verify_customer "))
       and (.score.expectations[3].message | test("^turn 2 \\(.*personas/expecter\\.lua:9\\): expected the reply to match /\\[0-9\\]\\{5\\}/; it said: \""))' \
  "$WORK/failed/results.jsonl" >/dev/null \
  || { jq -c '.score.pass, .score.decided_by, .score.expectations' "$WORK/failed/results.jsonl" >&2; fail "a failed expectation fails the conversation, naming turn and line"; }
jq -e '.expectations.checked == 4 and .expectations.failed == 2 and (.expectations.failures | length) == 2
       and .expectations.failures[0].scenario == "retail/address-change"' "$WORK/failed/summary.json" >/dev/null \
  || fail "summary counts failed expectations"
grep -q "^expectations: 2 of 4 failed$" "$WORK/out" || { cat "$WORK/out" >&2; fail "the terminal report counts the failures"; }
grep -Eq "^  retail/address-change #1: turn 2 \(.*expecter\.lua:8\): expected a call to update_address" "$WORK/out" \
  || { cat "$WORK/out" >&2; fail "the terminal report lists the first failures"; }
pass "failed expectations fail the conversation; summary and terminal report list them"

# c. spar score recomputes the same verdicts from the record, and from the record alone: an
#    expectation edited in the record is judged as edited, with or without the scenario file.
expect_exit 0 "$SPAR" score "$WORK/failed" --out "$WORK/again"
cmp -s "$WORK/failed/results.jsonl" "$WORK/again/results.jsonl" || fail "spar score gives the same verdicts, byte for byte"
mkdir -p "$WORK/edited"
jq -c '.expectations[2].called = "lookup_order" | .expectations[3].matches = "delivery address"' "$WORK/failed/results.jsonl" >"$WORK/edited/results.jsonl"
expect_exit 0 "$SPAR" score "$WORK/edited" --out "$WORK/edited-scored"
jq -e '([.score.expectations[].met] == [true, true, true, true]) and .score.decided_by == "goal"' "$WORK/edited-scored/results.jsonl" >/dev/null \
  || { jq -c '.score.expectations' "$WORK/edited-scored/results.jsonl" >&2; fail "spar score judges the recorded expectations from the transcript"; }
pass "spar score recomputes expectation verdicts from the record"

# d. A bad regex (or spec) is that conversation's script error naming the persona's line; the run
#    goes on and --resume has nothing to redo for it.
write_persona '    r:expect{ matches = "([a-z" }'
expect_exit 0 "$SPAR" run --persona expecter --allow-errors "$WORK/lib/scenarios" --agent mock -k 2 --seed 3 --out "$WORK/bad" -q --history ""
jq -e -s 'length == 2 and all(.ended == "script_error" and .error.kind == "script"
          and (.error.message | test("personas/expecter\\.lua:8: matches: not an ECMAScript regular expression")))' "$WORK/bad/results.jsonl" >/dev/null \
  || { jq -c '.error' "$WORK/bad/results.jsonl" >&2; fail "a bad regex is a script error naming the line"; }
write_persona '    r:expect{ contain = "x" }'
expect_exit 0 "$SPAR" run --persona expecter --allow-errors "$WORK/lib/scenarios" --agent mock -k 1 --seed 3 --out "$WORK/bad-key" -q --history ""
jq -e '.ended == "script_error" and (.error.message | test("personas/expecter\\.lua:8: expect: unknown field .contain.$"))' "$WORK/bad-key/results.jsonl" >/dev/null \
  || { jq -c '.error' "$WORK/bad-key/results.jsonl" >&2; fail "an unknown key is a script error naming the line"; }
pass "bad expectations are script errors naming the persona's line"
