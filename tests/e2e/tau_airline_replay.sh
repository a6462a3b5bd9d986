#!/usr/bin/env bash
# tau-bench's 200 recorded gpt-4o airline conversations (historical_trajectories, MIT, Sierra;
# vendored in tests/fixtures/tau-bench/) re-scored through spar's ported airline scenarios:
# `spar import --format tau-bench` tells each record how tau's loop ended it, `spar score
# --scenario` replays its recorded tool calls through the Lua tools from the initial database
# and checks tau's reward there. Each verdict must be the recorded reward, pass^1..4 tau's
# 0.420 / 0.273 / 0.220 / 0.200, and every replayed tool result the recorded one, byte for byte
# (score.warnings has no tool_replay): the differential test on real model traffic.
source "$(dirname "$0")/lib.sh"
cd "$WORK"

gunzip -c "$SPAR_ROOT/tests/fixtures/tau-bench/gpt-4o-airline.json.gz" >raw.json || fail "cannot unpack the fixture"
# The recordings predate tau-bench's users.json renaming a user address's "province" to "state"
# (tau-bench 59a200c has "state"); get_user_details answers are mapped to today's data, and only
# that key, so that every other byte still has to match. tests/fixtures/tau/airline/trajectories.json
# (tau's own Python replaying the same calls at import time) lists the calls this touches.
python3 - raw.json all.json <<'PY'
import json, sys
trajs = json.load(open(sys.argv[1]))
mapped = 0
for t in trajs:
    for m in t["traj"]:
        if m["role"] == "tool" and m.get("name") == "get_user_details" and '"province": ' in (m["content"] or ""):
            m["content"] = m["content"].replace('"province": ', '"state": ')
            mapped += 1
json.dump(trajs, open(sys.argv[2], "w"))
print(f"mapped province -> state in {mapped} get_user_details results", file=sys.stderr)
PY

# Under --sanitize: tasks 0-4, all four trials each (20 conversations, a fixed sample).
if sanitized; then
  jq '[.[] | select(.task_id < 5)]' all.json >tau.json
else
  cp all.json tau.json
fi
want=$(jq length tau.json)

expect_exit 0 "$SPAR" import tau.json --format tau-bench --domain airline --out "$WORK/imp"
R="$WORK/imp/results.jsonl"
# How each ended, as tau's loop ended it (the labels' source gives the counts).
jq -e -s 'length == '"$want"' and all(.[]; .ended == "user_stop" or .ended == "tool_stop" or .ended == "max_steps")' "$R" \
  >/dev/null || fail "each record says how tau ended it: $(jq -c -s 'group_by(.ended) | map({(.[0].ended): length}) | add' "$R")"
jq -e -s 'all(.[] | select(.ended == "user_stop"); .user_stop.token == "###STOP###"
          and (.user_stop.message | contains("###STOP###"))
          and all(.transcript[]; (.content | contains("###STOP###")) | not))' "$R" >/dev/null \
  || fail "a ###STOP### message is the record's user_stop, not a transcript message"
sanitized || jq -e -s '(map(select(.ended == "user_stop")) | length) == 147 and (map(select(.ended == "tool_stop")) | length) == 48
                        and (map(select(.ended == "max_steps")) | length) == 5' "$R" >/dev/null \
  || fail "147 user stops, 48 transfers, 5 step budgets: $(jq -c -s 'group_by(.ended) | map({(.[0].ended): length}) | add' "$R")"
pass "import: $want trajectories, each ended as tau's loop ended it"

start=$(date +%s)
expect_exit 0 "$SPAR" score "$WORK/imp" --scenario "$SPAR_ROOT/scenarios/tau-bench/airline" --out "$WORK/scored" --step-cpu "$TAU_STEP_CPU"
took=$(( $(date +%s) - start ))
S="$WORK/scored/results.jsonl"
jq -e -s 'all(.[]; .score.scorer.options.scenario != null and .score.goal_met != null)' "$S" >/dev/null \
  || fail "every record was re-scored with its scenario: $(jq -c -s '[.[] | select(.score.goal_met == null)][0].score' "$S" | head -c 600)"

# 1. Each trajectory's verdict is its recorded reward.
jq -r -s '.[] | select(.score.pass != .label.pass)
          | "\(.scenario) #\(.trial): recorded \(.label.reward), spar \(.score.pass) (\(.score.goal_evidence // "-"))"' "$S" >differ.txt
[ ! -s differ.txt ] || fail "$(wc -l <differ.txt) verdicts differ from the recorded reward:
$(head -20 differ.txt)"
pass "every re-scored verdict is the recorded reward ($want trajectories, ${took}s)"

# 2. Every replayed tool result is the recorded one, byte for byte.
jq -r -s '.[] | . as $r | .score.warnings[] | select(.kind == "tool_replay") | "\($r.scenario) #\($r.trial): \(.message)"' "$S" >replay.txt
[ ! -s replay.txt ] || fail "$(wc -l <replay.txt) replayed tool results differ from the recorded ones:
$(head -10 replay.txt)"
calls=$(jq -s '[.[].usage.tool_calls] | add' "$S")
pass "all $calls replayed tool results are byte-identical to the recorded ones"

# 3. tau's pass^k from spar's verdicts.
if ! sanitized; then
  expect_exit 0 "$SPAR" report "$WORK/scored"
  got=$(jq -r '[.pass_hat_k["1","2","3","4"] * 1000 | round / 1000 | tostring] | join(" ")' "$WORK/scored/summary.json")
  [ "$got" = "0.42 0.273 0.22 0.2" ] || fail "pass^1..4 from spar's verdicts: $got"
  pass "pass^1..4 = 0.420 / 0.273 / 0.220 / 0.200 from spar's own verdicts"
fi

# 4. The check can fail: a recorded result one byte off is named.
mkdir -p "$WORK/t"
python3 - "$R" "$WORK/t/results.jsonl" <<'PY' >"$WORK/t/tool"
import json, sys
for line in open(sys.argv[1]):
    r = json.loads(line)
    if r["source"]["id"] != "task-0/trial-0":
        continue
    e = next(e for e in r["transcript"] if e["role"] == "tool" and e["content"].startswith("{"))
    e["content"] = e["content"].replace(": ", ":  ", 1)
    print(e["name"])
    open(sys.argv[2], "w").write(json.dumps(r) + "\n")
PY
expect_exit 0 "$SPAR" score "$WORK/t" --scenario "$SPAR_ROOT/scenarios/tau-bench/airline" --out "$WORK/t2" --step-cpu "$TAU_STEP_CPU"
jq -e --arg tool "$(cat "$WORK/t/tool")" '[.score.warnings[] | select(.kind == "tool_replay")] | length == 1 and (.[0].message | contains($tool))' \
  "$WORK/t2/results.jsonl" >/dev/null || fail "a changed recorded result warns tool_replay: $(jq -c .score.warnings "$WORK/t2/results.jsonl")"
pass "a recorded tool result one byte off is a tool_replay warning naming the call"
