#!/usr/bin/env bash
# Strictness (issue 17, point 2): a script, policy or goal error fails its conversation, is
# counted as a failure, always prints (-q or not) and makes `spar run` exit 3; mistakes a
# scenario or persona carries are refused at load time with path:line (exit 2), by `spar run`
# and `spar lint` alike.
source "$(dirname "$0")/lib.sh"
cd "$WORK"
mkdir -p scenarios personas

# An agent that calls the first tool it is offered once per user message, then answers.
cat >agent.py <<'PY'
import json, sys
for line in sys.stdin:
    req = json.loads(line)
    last = req["messages"][-1]
    if last["role"] == "user" and req.get("tools"):
        name = req["tools"][0]["function"]["name"]
        out = {"content": None, "tool_calls": [{"id": "c1", "type": "function",
                                                "function": {"name": name, "arguments": "{}"}}]}
    else:
        out = {"content": "Done. Is there anything else?"}
    print(json.dumps(out), flush=True)
PY
AGENT="exec:cmd=python3 $WORK/agent.py"

# base.lua: a scenario that plays clean and passes. Each case below is this file with one
# line changed (sed), so each test differs from a passing run by exactly its mistake.
cat >base.lua <<'LUA'
return scenario {
  id = "s",
  persona = persona {
    name = "asker",
    run = function(u, facts)
      u:say("Please cancel order 4471.")
      u:say("Thanks.")
      u:stop()
    end,
  },
  system = "You are a support agent.",
  state = { orders = { ["4471"] = { status = "open" } } },
  tools = {
    cancel_order = {
      description = "Cancel an order.",
      parameters = { type = "object", properties = { order_id = { type = "string" } } },
      run = function(state, args)
        state.orders["4471"].status = "cancelled"
        return { ok = true }
      end,
    },
  },
  policies = { forbid_tool("cancel_order", function(ctx) return false end) },
  intents = { cancel = "cancel_order" },
  goal = function(state)
    return state.orders["4471"].status == "cancelled"
  end,
  max_turns = 5,
}
LUA
# variant NAME SED: scenarios/NAME.lua is base.lua edited by SED.
variant() { rm -f scenarios/*.lua; sed "$2" base.lua >"scenarios/$1.lua"; }

variant ok 's/id = "s"/id = "s"/'
expect_exit 0 "$SPAR" run --first-persona scenarios --agent "$AGENT" -k 2 --out ok -q --history ""
jq -e -s 'length == 2 and all(.[]; .score.pass == true)' ok/results.jsonl >/dev/null || fail "the base scenario passes"
[ ! -s "$WORK/err" ] || fail "a clean -q run prints nothing on stderr: $(cat "$WORK/err")"
pass "the base scenario passes, exit 0"

# ---- At load time: exit 2, path:line, the same from spar run and spar lint --------------------
# load_error NAME SED WANT: spar run and spar lint both refuse with exactly the line WANT.
load_error() {
  variant "$1" "$2"
  expect_exit 2 "$SPAR" run --first-persona scenarios --agent "$AGENT" --out "run-$1" -q --history ""
  grep -qxF "spar: error: $3" "$WORK/err" || fail "$1: spar run said: $(cat "$WORK/err"), expected: $3"
  expect_exit 2 "$SPAR" lint scenarios
  grep -qxF "$3" "$WORK/out" || fail "$1: spar lint said: $(cat "$WORK/out"), expected: $3"
}
load_error max_turn 's/  max_turns = 5,/  max_turn = 5,/' \
  "scenarios/max_turn.lua:1: scenario: unknown field 'max_turn' (did you mean 'max_turns'?)"
load_error polices 's/  policies = {/  polices = {/' \
  "scenarios/polices.lua:1: scenario: unknown field 'polices' (did you mean 'policies'?)"
load_error unheard 's/  max_turns = 5,/  flavour = "mint",/' \
  "scenarios/unheard.lua:1: scenario: unknown field 'flavour'"
load_error persona_field 's/    name = "asker",/    nmae = "asker",/' \
  "scenarios/persona_field.lua:3: persona: unknown field 'nmae' (did you mean 'name'?)"
load_error tool_field 's/      description = /      descripton = /' \
  "scenarios/tool_field.lua:1: scenario: tool 'cancel_order': unknown field 'descripton' (did you mean 'description'?)"
load_error policy_tool 's/forbid_tool("cancel_order"/forbid_tool("cancel_ordr"/' \
  "scenarios/policy_tool.lua:23: policy forbid_tool(cancel_ordr) names an unknown tool 'cancel_ordr' (did you mean 'cancel_order'?)"
load_error intent_tool 's/cancel = "cancel_order"/cancel = "refund_order"/' \
  "scenarios/intent_tool.lua:24: intents.cancel names an unknown tool 'refund_order'"
load_error schema_type 's/order_id = { type = "string" }/order_id = { type = "str" }/' \
  "scenarios/schema_type.lua:14: tool 'cancel_order': parameters.order_id has type 'str' (a JSON schema type is string, integer, number, boolean, array, object or null)"
load_error schema_object 's/parameters = { type = "object",/parameters = { type = "objct",/' \
  "scenarios/schema_object.lua:14: tool 'cancel_order': parameters must be a JSON schema object ({ type = \"object\", ... })"
pass "unknown fields (with did-you-mean), unknown tools of policies and intents, bad schema types: exit 2, path:line, run = lint"

# A persona file's table is checked the same way.
rm -f scenarios/*.lua
printf 'return persona {\n  name = "p",\n  sumary = "x",\n  run = function(u) u:say("hi") end,\n}\n' >personas/p.lua
printf 'return scenario { persona = "p", goal = function() return true end }\n' >scenarios/named.lua
expect_exit 2 "$SPAR" run --first-persona scenarios --agent "$AGENT" --out run-p -q --history ""
grep -qxF "spar: error: personas/p.lua:1: persona: unknown field 'sumary' (did you mean 'summary'?)" "$WORK/err" ||
  fail "persona file field: $(cat "$WORK/err")"
rm -f personas/p.lua
pass "a persona file's misspelt field is refused with its path:line"

# ---- At run time: the conversation fails with a script error naming the function's line -------
# run_error NAME SED WANT: the run exits 3, every conversation is an error of kind script with
# message WANT, counted as a failed trial, and the error line prints under -q.
run_error() {
  variant "$1" "$2"
  expect_exit 3 "$SPAR" run --first-persona scenarios --agent "$AGENT" -k 2 --out "run-$1" -q --history ""
  jq -e -s --arg want "$3" 'length == 2 and all(.[]; .error.kind == "script" and .error.message == $want
        and .ended == "script_error" and .score.pass == false)' "run-$1/results.jsonl" >/dev/null ||
    fail "$1: records: $(jq -c -s 'map({error, ended, pass: .score.pass})' "run-$1/results.jsonl")"
  [ "$(grep -c "^\[[12]/2\] s #[12] ERROR (.* turns) script error: $3\$" "$WORK/err")" -eq 2 ] ||
    fail "$1: -q must still print each error: $(cat "$WORK/err")"
  jq -e '.errors == 2 and .error_kinds.script == 2 and .pass_hat_k["1"] == 0 and .per_scenario.s.trials == 2
         and .per_scenario.s.passes == 0' "run-$1/summary.json" >/dev/null || fail "$1: summary counts"
  grep -qF "2 conversations: 0 passed, 2 failed (2 of them errors: 2 script, 0 agent or infrastructure; an error counts as a failed trial)" \
    "$WORK/out" || fail "$1: the terminal count: $(cat "$WORK/out")"
  grep -qF "ended in an error" "$WORK/err" || fail "$1: why exit 3"
  grep -qF '<failure message="2 of 2 trials failed: trial 1 (error (script): ' "run-$1/junit.xml" &&
    ! grep -q '<error ' "run-$1/junit.xml" || fail "$1: junit.xml lists a script error as a failure"
}
run_error tool_nil 's/        return { ok = true }/        state.touched = true/' \
  "scenarios/tool_nil.lua:17: tool 'cancel_order' returned nothing (nil): its run() must return a result for the agent, such as { ok = true }"
run_error goal_no_return 's/    return state.orders\["4471"\].status == "cancelled"/    local _ = state.orders["4471"].status == "cancelled"/' \
  "scenarios/goal_no_return.lua:25: goal returned nil instead of true or false (does it end with \`return ...\`?)"
run_error goal_number 's/    return state.orders\["4471"\].status == "cancelled"/    return 1/' \
  "scenarios/goal_number.lua:25: goal returned number instead of true or false"
run_error policy_error 's/return false end) },/return ctx.nothing.here end) },/' \
  "scenarios/policy_error.lua:23: policy 'forbid_tool(cancel_order)' failed: attempt to index a nil value (field 'nothing')"
pass "a tool returning nil, a goal without return or returning a number, a policy that errors: script errors, failures, printed under -q, exit 3"

# ---- How errors exit: --allow-errors, or a gate on errors, decides instead --------------------
expect_exit 0 "$SPAR" run --first-persona scenarios --agent "$AGENT" -k 2 --out allowed -q --history "" --allow-errors
grep -q "ERROR" "$WORK/err" || fail "--allow-errors still prints the errors"
expect_exit 0 "$SPAR" run --first-persona scenarios --agent "$AGENT" -k 2 --out gated -q --history "" --gate 'errors<=1'
expect_exit 1 "$SPAR" run --first-persona scenarios --agent "$AGENT" -k 2 --out gated2 -q --history "" --gate 'errors<=0.5'
expect_exit 3 "$SPAR" run --first-persona scenarios --agent "$AGENT" -k 2 --out gated3 -q --history "" --gate 'pass^1>=0'
pass "--allow-errors and a gate on errors decide the exit; other gates do not excuse an error"

# An agent error (the agent process fails) is an error too: exit 3.
variant ok 's/id = "s"/id = "s"/'
expect_exit 3 "$SPAR" run --first-persona scenarios --agent "exec:cmd=exit 7" --retries 0 -k 1 --out broken -q --history ""
grep -q "^\[1/1\] s #1 ERROR (0 turns) exec error: " "$WORK/err" || fail "the agent error prints: $(cat "$WORK/err")"
grep -qF "(1 of them an error: 0 script, 1 agent or infrastructure" "$WORK/out" || fail "agent error counted: $(cat "$WORK/out")"
pass "an agent error exits 3 and is counted apart from script errors"

# Rescoring (spar score) with a policy that now errors: the record fails, decided by script_error.
variant ok 's/id = "s"/id = "s"/'
expect_exit 0 "$SPAR" run --first-persona scenarios --agent "$AGENT" -k 1 --out rescored -q --history ""
sed -i 's/return false end) },/return ctx.nothing.here end) },/' scenarios/ok.lua
expect_exit 0 "$SPAR" score rescored --scenario scenarios --out rescored2
jq -e -s 'length == 1 and .[0].score.pass == false and .[0].score.decided_by == "script_error"' \
  rescored2/results.jsonl >/dev/null || fail "rescored: $(jq -c '.score | {pass, decided_by, warnings}' rescored2/results.jsonl)"
pass "spar score: a policy error fails the record (decided_by script_error), never a pass"
