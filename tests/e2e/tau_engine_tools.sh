#!/usr/bin/env bash
# The engine features the tau suites need (issue 15, point 2), through the real CLI and a real
# exec agent: a tool's string result reaches the agent as its bytes, record_state = false keeps
# final_state out of the record (and spar score still decides the goal), max_steps and
# tool_calls_per_message bound the loop as tau-bench's does, and bad settings are exit 2.
source "$(dirname "$0")/lib.sh"
mkdir -p "$WORK/s/scenarios"
cd "$WORK/s"

# The unit tests' shop (tools answering a string, a JSON text, a table) with tau's settings.
sed 's/^  max_turns = 6,$/&\n  record_state = false,\n  tool_calls_per_message = 1,\n  max_steps = 3,/' \
  "$SPAR_ROOT/tests/fixtures/tau-engine/shop.lua" >scenarios/tau.lua
grep -q "^  max_steps = 3,$" scenarios/tau.lua || fail "the settings went into the scenario"

# The agent: logs every request it reads, asks for three calls at once in its first message,
# then answers in text.
cat >"$WORK/agent.py" <<PY
import json, sys
log = open("$WORK/requests.jsonl", "a")
for line in sys.stdin:
    if not line.strip():
        continue
    req = json.loads(line)
    log.write(json.dumps(req) + "\n"); log.flush()
    out = {"session_id": req["session_id"], "content": "Done."}
    if len(req["messages"]) == 1:
        calls = [("c1", "cancel_order", '{"order_id":"W123"}'), ("c2", "ping", "{}"), ("c3", "ping", "{}")]
        out = {"session_id": req["session_id"], "content": None,
               "tool_calls": [{"id": i, "type": "function", "function": {"name": n, "arguments": a}} for i, n, a in calls]}
    print(json.dumps(out), flush=True)
PY

expect_exit 0 "$SPAR" run scenarios/tau.lua --agent "exec:cmd=python3 $WORK/agent.py" -k 1 --seed 4 --out "$WORK/a" -q --history ""
R="$WORK/a/results.jsonl"

# 1. The string result, as the agent read it: its bytes, not a JSON string of them.
jq -e -s '.[1].messages[-1] | .role == "tool" and .content == "Order #W123 cancelled"' "$WORK/requests.jsonl" >/dev/null \
  || fail "the agent got the string verbatim: $(jq -c -s '.[1].messages[-1]' "$WORK/requests.jsonl")"
jq -e '[.transcript[] | select(.role == "tool")][0].content == "Order #W123 cancelled"' "$R" >/dev/null \
  || fail "the transcript's tool entry holds the same text"
pass "a string tool result reaches the agent and the transcript unquoted"

# 2. tool_calls_per_message = 1: one call ran and was recorded; the agent's history has one.
jq -e -s '.[1].messages[1].tool_calls | length == 1 and .[0].id == "c1"' "$WORK/requests.jsonl" >/dev/null \
  || fail "the agent's history holds only the call that ran: $(jq -c -s '.[1].messages[1]' "$WORK/requests.jsonl")"
jq -e '(.transcript[1].tool_calls | length) == 1 and .usage.tool_calls == 1
       and ([.warnings[] | select(.kind == "tool_calls_dropped")] | length) == 1' "$R" >/dev/null \
  || fail "one call recorded, a tool_calls_dropped warning: $(jq -c '{t: .transcript[1], usage, warnings}' "$R")"
pass "tool_calls_per_message = 1 drops the rest, visibly"

# 3. max_steps = 3: the tool-call message, the text reply of turn 1, the reply of turn 2.
jq -e '.ended == "max_steps" and .turns == 2 and .usage.agent_requests == 3' "$R" >/dev/null \
  || fail "max_steps ended it after three agent replies: $(jq -c '{ended, turns, usage}' "$R")"
[ "$(wc -l <"$WORK/requests.jsonl")" -eq 3 ] || fail "the agent was asked three times"
pass "max_steps ends the conversation with ended = max_steps"

# 4. record_state = false: no final_state; the goal is decided live and by spar score alike.
jq -e 'has("final_state") | not' "$R" >/dev/null || fail "the record has no final_state"
jq -e '.score.goal_met == true and .score.pass == true' "$R" >/dev/null || fail "the goal was met live: $(jq -c .score "$R")"
expect_exit 0 "$SPAR" score "$WORK/a" --out "$WORK/b"
jq -e '.score.goal_met == true and .score.pass == true and ([.score.warnings[] | select(.kind == "state_replay")] | length) == 0' \
  "$WORK/b/results.jsonl" >/dev/null || fail "spar score replays and agrees, no state_replay: $(jq -c .score "$WORK/b/results.jsonl")"
[ "$(jq -c '.score | del(.scorer)' "$R")" = "$(jq -c '.score | del(.scorer)' "$WORK/b/results.jsonl")" ] \
  || fail "spar score gives the live verdicts"
pass "record_state = false: no final_state, same verdict from spar score"

# 5. Bad settings: one path:line line, exit 2.
for bad in "max_steps = 0" "max_steps = 1.5" "tool_calls_per_message = 'one'" "record_state = 1"; do
  key=${bad%% *}
  sed "s/^  $key = .*/  $bad,/" scenarios/tau.lua >scenarios/bad.lua
  grep -q "^  $bad,\$" scenarios/bad.lua || fail "the test wrote its bad setting"
  expect_exit 2 "$SPAR" run scenarios/bad.lua --agent mock -k 1 --out "$WORK/bad" --history ""
  grep -qE "scenarios/bad\.lua:[0-9]+: .*$key must be" "$WORK/err" || fail "a bad $key is a path:line error: $(head -3 "$WORK/err")"
done
rm scenarios/bad.lua
pass "bad loop settings are path:line errors, exit 2"
