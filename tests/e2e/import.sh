#!/usr/bin/env bash
# spar import: transcripts spar did not play become record v1 observations (docs/record.md),
# and --to-scenario turns a failing one into a regression scenario that fails the agent that
# failed and passes a fixed one.
source "$(dirname "$0")/lib.sh"
FIX="$SPAR_ROOT/tests/fixtures/import"
AGENT="$SPAR_ROOT/tests/agents/order_agent.py"

# tau-bench's 200 recorded gpt-4o airline conversations (MIT, Sierra), vendored gzipped with
# their licence in tests/fixtures/tau-bench/ so a fresh clone has them.
TAU="$WORK/gpt-4o-airline.json"
gunzip -c "$SPAR_ROOT/tests/fixtures/tau-bench/gpt-4o-airline.json.gz" >"$TAU" || fail "cannot unpack the tau-bench fixture"

# ---- OpenAI lines -----------------------------------------------------------------------------
expect_exit 0 "$SPAR" import "$FIX/orders.jsonl" --format openai --out "$WORK/openai"
grep -q "imported 3 conversations into $WORK/openai/results.jsonl" "$WORK/out" || fail "import summary: $(cat "$WORK/out")"
R="$WORK/openai/results.jsonl"
[ "$(wc -l <"$R")" -eq 3 ] || fail "3 records expected"
validate_records "$R"
first=$(jq -c 'select(.source.id == "cancel-wrong-order")' "$R")
jq -e '.scenario == "import/openai/cancel-wrong-order" and .trial == 1 and .ended == "imported" and .turns == 3
       and .source == {"kind": "import", "format": "openai", "file": "orders.jsonl", "id": "cancel-wrong-order"}
       and .agent == {"spec": null, "name": "example-model-1"} and .seed == null and .scenario_path == null
       and .usage.tool_calls == 2 and .usage.agent_requests == 5 and .metadata.ticket == "T-881"
       and (has("score") | not) and (has("final_state") | not) and (has("label") | not)' <<<"$first" >/dev/null ||
  fail "openai record: $first"
jq -e '[.transcript[] | [.turn, .role]] == [[0,"system"],[1,"user"],[1,"assistant"],[1,"tool"],[1,"assistant"],
        [2,"user"],[2,"assistant"],[2,"tool"],[2,"assistant"],[3,"user"],[3,"assistant"]]
       and .transcript[2].tool_calls == [{"id": "call_1", "name": "lookup_order", "arguments": "{\"order_id\":\"A-1001\"}"}]
       and .transcript[3].tool_call_id == "call_1" and .transcript[3].name == "lookup_order"
       and .transcript[2].content == "" and .transcript[10].content == "Bye!"' <<<"$first" >/dev/null ||
  fail "openai transcript: $(jq -c .transcript <<<"$first")"
# developer -> system, legacy function_call / function messages, arguments given as an object
jq -s -e 'map(select(.source.id == "tricky strings"))[0] | .transcript[0].role == "system"
       and .transcript[2].tool_calls[0].name == "lookup-order" and (.transcript[2].tool_calls[0].arguments | fromjson | .end == "x")
       and .transcript[3].role == "tool" and .transcript[3].tool_call_id == .transcript[2].tool_calls[0].id' "$R" >/dev/null ||
  fail "legacy messages: $(jq -c 'select(.source.id == "tricky strings") | .transcript' "$R")"
pass "OpenAI lines: one record each, turns counted by user messages, tool calls as JSON text, metadata kept"

# --scenario-id: every conversation is a trial of one scenario
expect_exit 0 "$SPAR" import "$FIX/orders.jsonl" --format openai --out "$WORK/one" --scenario-id support/orders
[ "$(jq -c '[.scenario, .trial]' "$WORK/one/results.jsonl" | tr -d '\n')" = '["support/orders",1]["support/orders",2]["support/orders",3]' ] ||
  fail "--scenario-id trials: $(jq -c '[.scenario, .trial]' "$WORK/one/results.jsonl")"
validate_records "$WORK/one/results.jsonl"
pass "--scenario-id numbers trials 1..n"

# ---- a plain messages list --------------------------------------------------------------------
expect_exit 0 "$SPAR" import "$FIX/plain.json" --format messages --out "$WORK/plain"
jq -e '.scenario == "import/messages/plain" and .source.id == "plain" and .turns == 2 and (.transcript | length) == 5' \
  "$WORK/plain/results.jsonl" >/dev/null || fail "messages record: $(cat "$WORK/plain/results.jsonl")"
validate_records "$WORK/plain/results.jsonl"
pass "a messages list is one conversation"

# ---- tau-bench --------------------------------------------------------------------------------
expect_exit 0 "$SPAR" import "$TAU" --format tau-bench --out "$WORK/tau"
T="$WORK/tau/results.jsonl"
[ "$(wc -l <"$T")" -eq 200 ] || fail "200 tau-bench records expected"
validate_records "$T"
tau0=$(jq -c 'select(.source.id == "task-0/trial-0")' "$T")
jq -e '.scenario == "tau-bench/airline/task-000" and .trial == 1
       and .label == {"source": "tau-bench", "reward": 0, "pass": false}
       and .metadata.info.task.actions[0].name == "book_reservation" and .metadata.task_id == 0' <<<"$tau0" >/dev/null ||
  fail "tau record: ${tau0:0:600}"
# pass^k from the labels, by the unbiased estimator over 50 tasks x 4 trials
python3 - "$T" >"$WORK/passk" <<'PY'
import json, sys, collections
from math import comb
runs = collections.defaultdict(list)
for line in open(sys.argv[1]):
    r = json.loads(line)
    runs[r["scenario"]].append((r["trial"], r["label"]["pass"]))
assert len(runs) == 50 and all(sorted(t for t, _ in v) == [1, 2, 3, 4] for v in runs.values()), "50 tasks x trials 1..4"
print(" ".join("%.3f" % (sum(comb(sum(p for _, p in v), k) / comb(len(v), k) for v in runs.values()) / len(runs))
               for k in range(1, 5)))
PY
[ "$(cat "$WORK/passk")" = "0.420 0.273 0.220 0.200" ] || fail "tau-bench pass^1..4 from labels: $(cat "$WORK/passk")"
expect_exit 0 "$SPAR" import "$TAU" --format tau-bench --out "$WORK/tau-retail" --domain retail
jq -s -e 'all(.[]; .scenario | startswith("tau-bench/retail/task-"))' "$WORK/tau-retail/results.jsonl" >/dev/null ||
  fail "--domain"
pass "tau-bench: 200 records, labels give pass^1..4 = $(cat "$WORK/passk")"

# `spar report` over the imported run prints tau's figures: the label decides each verdict.
check_tau_report_figures() {
  expect_exit 0 "$SPAR" report "$WORK/tau"
  [ "$(jq -r '[.pass_hat_k["1","2","3","4"] * 1000 | round / 1000 | tostring] | join(" ")' "$WORK/tau/summary.json")" = \
    "0.42 0.273 0.22 0.2" ] || fail "spar report pass^k over tau-bench: $(jq -c .pass_hat_k "$WORK/tau/summary.json")"
  pass "spar report over the tau-bench import: pass^1..4 = 0.420 / 0.273 / 0.220 / 0.200"
}
check_tau_report_figures

# ---- bad input: path:line, exit 2, nothing written --------------------------------------------
bad() {  # bad FORMAT CONTENT EXPECTED-STDERR
  printf '%s' "$2" >"$WORK/bad.in"
  expect_exit 2 "$SPAR" import "$WORK/bad.in" --format "$1" --out "$WORK/bad-out"
  grep -qxF "spar: error: $3" "$WORK/err" || fail "bad input, expected '$3', got: $(cat "$WORK/err")"
  [ ! -e "$WORK/bad-out/results.jsonl" ] || fail "a failed import wrote results"
}
good='{"id":"a","messages":[{"role":"user","content":"hi"}]}'
bad openai "$good"$'\n'"{\"id\": " "$WORK/bad.in:2: not valid JSON: syntax error while parsing value - unexpected end of input; expected '[', '{', or a literal"
bad openai "$good"$'\n\n''{"id":"b","messages":[{"role":"bot","content":"x"}]}' \
  "$WORK/bad.in:3: messages[0]: unknown role 'bot' (expected system, user, assistant or tool)"
bad openai '{"id":"b","messages":[]}' "$WORK/bad.in:1: \"messages\" is empty"
bad openai '{"id":"b"}' "$WORK/bad.in:1: no \"messages\" list"
bad openai '[1]' "$WORK/bad.in:1: a conversation is a JSON object {\"id\", \"messages\"}"
bad openai '{"messages":[{"role":"assistant","tool_calls":[{"function":{}}]}]}' "$WORK/bad.in:1: messages[0]: a tool call has no function name"
bad openai '' "$WORK/bad.in: no conversations"
bad openai "$(printf '{"id":"d","messages":%0.s' ; printf '[%.0s' $(seq 600); printf ']%.0s' $(seq 600); printf '}')" \
  "$WORK/bad.in:1: nested deeper than 512 levels"
bad messages '{"role":"user"}' "$WORK/bad.in:1: expected a JSON array of {\"role\", \"content\"} messages"
bad messages '[{"role":"user","content":5}]' "$WORK/bad.in:0: content is not a string, null or a list of parts"
bad tau-bench '[{"task_id":1,"trial":0,"reward":1,"traj":[{"role":"user","content":"x"}]},{"task_id":2,"trial":0,"reward":7,"traj":[]}]' \
  "$WORK/bad.in:1: \"reward\" is not a number from 0 to 1"
bad tau-bench '[{"task_id":1,"trial":0,"reward":1,"traj":[{"role":"user","content":"x"}]},{"task_id":1,"trial":0,"reward":0,"traj":[{"role":"user","content":"y"}]}]' \
  "$WORK/bad.in:1: scenario tau-bench/airline/task-001 trial 1 again (first at $WORK/bad.in:0): each conversation needs its own (task, trial)"
expect_exit 2 "$SPAR" import "$WORK/missing.jsonl" --format openai --out "$WORK/bad-out"
grep -q "missing.jsonl: cannot read" "$WORK/err" || fail "missing file: $(cat "$WORK/err")"
expect_exit 2 "$SPAR" import "$FIX/plain.json" --format csv
expect_exit 2 "$SPAR" import "$FIX/plain.json" --format messages --expect-call cancel_order
# A line larger than the cap is refused before it is held whole (64 MiB + a little).
head -c $((64 * 1024 * 1024 + 10)) /dev/zero | tr '\0' ' ' >"$WORK/big.jsonl"
expect_exit 2 "$SPAR" import "$WORK/big.jsonl" --format openai --out "$WORK/bad-out"
grep -qF "big.jsonl:1: a line longer than 67108864 bytes" "$WORK/err" || fail "big line: $(cat "$WORK/err")"
rm -f "$WORK/big.jsonl"
pass "bad input: one path:line message, exit 2, no results written"

# ---- --to-scenario: a real failure becomes a regression scenario ------------------------------
# The fixture: the customer corrects A-1001 to A-1002 and the agent cancels A-1001 anyway.
S="$WORK/regress/cancel-wrong-order.lua"
expect_exit 0 "$SPAR" import "$FIX/orders.jsonl" --format openai --to-scenario "$S" --id cancel-wrong-order \
  --expect-call 'cancel_order {"order_id": "A-1002"}' --forbid-call 'cancel_order {"order_id": "A-1001"}'
grep -qF "wrote $S (scenario import/openai/cancel-wrong-order)" "$WORK/out" || fail "to-scenario: $(cat "$WORK/out")"
expect_exit 0 "$SPAR" lint "$S"
# Verdicts live under "score" in record v1; before that merge they sit at the top level.
verdict='(if has("score") then .score else . end)'
play() {  # play NAME AGENT: runs the regression scenario twice against AGENT
  expect_exit 0 "$SPAR" run "$S" --agent "$2" -k 2 --out "$WORK/play-$1" -q --history ""
}
play mock mock
jq -e "$verdict | .pass == false and .goal_met == false" "$WORK/play-mock/results.jsonl" >/dev/null ||
  fail "the mock passed the regression scenario: $(jq -c "$verdict | {pass, goal_met}" "$WORK/play-mock/results.jsonl")"
jq -e '[.transcript[] | select(.role == "user") | .content] ==
       ["Hi, please cancel my order A-1001, sorry, I mean A-1002.", "Yes, go ahead.", "Thanks, bye."]' \
  "$WORK/play-mock/results.jsonl" >/dev/null || fail "the persona did not replay the recorded user turns"
pass "the regression scenario fails the mock on its goal (cancel A-1002 never happened)"
play wrong "exec:cmd=python3 $AGENT first"
jq -e "$verdict | .pass == false and .goal_met == false and
       ([.violations[] | select(.severity == \"critical\") | .rule] == [\"forbid_tool(cancel_order)\"])" \
  "$WORK/play-wrong/results.jsonl" >/dev/null ||
  fail "the original failure is not caught: $(jq -c "$verdict | {pass, goal_met, violations}" "$WORK/play-wrong/results.jsonl")"
jq -e '[.transcript[] | select(.role == "tool") | .content | fromjson] == [{"ok": true, "status": "cancelled"}]' \
  "$WORK/play-wrong/results.jsonl" >/dev/null || fail "the recorded result was not replayed"
pass "an agent that fails the same way (cancels A-1001) breaks the critical rule; the recorded result is replayed"
play fixed "exec:cmd=python3 $AGENT last"
jq -e "$verdict | .pass == true and .goal_met == true and .violations == []" "$WORK/play-fixed/results.jsonl" >/dev/null ||
  fail "the fixed agent fails: $(jq -c "$verdict | {pass, goal_met, violations}" "$WORK/play-fixed/results.jsonl")"
pass "the fixed agent (cancels A-1002) passes it"

# Byte-exact replay of awkward text (]] in long strings, CR, quotes, a leading newline), legacy
# messages, a tool name with '-' and a plain-text tool result.
expect_exit 0 "$SPAR" import "$FIX/orders.jsonl" --format openai --to-scenario "$WORK/regress/tricky.lua" \
  --id "tricky strings" --forbid-call lookup-order
expect_exit 0 "$SPAR" lint "$WORK/regress/tricky.lua"
expect_exit 0 "$SPAR" run "$WORK/regress/tricky.lua" --agent mock -k 1 --out "$WORK/play-tricky" -q --history ""
[ "$(jq -c '[.transcript[] | select(.role == "user") | .content]' "$WORK/play-tricky/results.jsonl")" = \
  "$(jq -c 'select(.source.id == "tricky strings") | [.transcript[] | select(.role == "user") | .content]' "$WORK/openai/results.jsonl")" ] ||
  fail "awkward text did not replay byte for byte: $(jq -c '[.transcript[] | .content]' "$WORK/play-tricky/results.jsonl")"
pass "awkward text replays byte for byte"

# tau-bench: the gold actions become the goal.
expect_exit 0 "$SPAR" import "$TAU" --format tau-bench --to-scenario "$WORK/regress/tau-0.lua" --id task-0/trial-0
expect_exit 0 "$SPAR" lint "$WORK/regress/tau-0.lua"
grep -q 'tool = "book_reservation"' "$WORK/regress/tau-0.lua" || fail "the gold action is not pinned"
expect_exit 0 "$SPAR" run "$WORK/regress/tau-0.lua" --agent mock -k 1 --out "$WORK/play-tau" -q --history ""
jq -e "$verdict | .goal_met == false" "$WORK/play-tau/results.jsonl" >/dev/null || fail "tau gold goal met by the mock"
pass "tau-bench: the gold actions are the goal; the scenario is lint-clean and plays"

expect_exit 2 "$SPAR" import "$FIX/orders.jsonl" --format openai --to-scenario "$WORK/regress/x.lua" --forbid-call x
grep -qF "spar: error: import: the input holds 3 conversations: pick one with --id (the first: cancel-wrong-order, where-is-my-order)" "$WORK/err" ||
  fail "several conversations: $(cat "$WORK/err")"
expect_exit 2 "$SPAR" import "$FIX/orders.jsonl" --format openai --to-scenario "$WORK/regress/x.lua" --id where-is-my-order
grep -qF "spar: error: $FIX/orders.jsonl:2: nothing to pin: the source has no gold actions; give --expect-call or --forbid-call" "$WORK/err" ||
  fail "nothing pinned: $(cat "$WORK/err")"
expect_exit 2 "$SPAR" import "$FIX/orders.jsonl" --format openai --to-scenario "$S" --id cancel-wrong-order --forbid-call x
grep -qF "spar: error: $S: already exists (use --force)" "$WORK/err" || fail "overwrite: $(cat "$WORK/err")"
expect_exit 2 "$SPAR" import "$FIX/orders.jsonl" --format openai --to-scenario "$WORK/regress/x.lua" --id nope --forbid-call x
grep -qF "no conversation has the id 'nope'" "$WORK/err" || fail "unknown id: $(cat "$WORK/err")"
expect_exit 2 "$SPAR" import "$FIX/orders.jsonl" --format openai --to-scenario "$WORK/regress/x.lua" --id where-is-my-order \
  --expect-call 'cancel_order {"order_id": '
grep -qF "the arguments of 'cancel_order' are not a JSON object" "$WORK/err" || fail "bad pin: $(cat "$WORK/err")"
[ ! -e "$WORK/regress/x.lua" ] || fail "a failed --to-scenario wrote a file"
pass "--to-scenario: bad choices are one clear line and exit 2"
