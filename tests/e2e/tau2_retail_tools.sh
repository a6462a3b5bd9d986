#!/usr/bin/env bash
# tau2-bench retail (issue 15), offline differential test of the ported tools: sequences of tool
# calls (gold calls of random tasks and every tool with seeded random arguments, errors included),
# each played on a fresh database, must answer byte for byte the tool message tau2's Python gave
# (tests/fixtures/tau/tau2-retail/differential.json, written by tools/tau-import/tau2_retail.py).
# The exec agent compares each result and errors on the first difference.
source "$(dirname "$0")/lib.sh"
FIX=$SPAR_ROOT/tests/fixtures/tau/tau2-retail
AGENTS=$SPAR_ROOT/tests/agents/tau
SCEN=$SPAR_ROOT/scenarios/tau2-bench/retail/task-000.lua
cd "$WORK"
n=$(python3 -c "import json,sys; print(len(json.load(open(sys.argv[1]))['sequences']))" "$FIX/differential.json")
calls=$(python3 -c "import json,sys; print(sum(map(len, json.load(open(sys.argv[1]))['sequences'])))" "$FIX/differential.json")
k=$(if sanitized; then echo 1; else echo "$n"; fi)
expect_exit 0 "$SPAR" run "$SCEN" -k "$k" --max-tool-steps 1000 --step-cpu "$TAU_STEP_CPU" -q --out diff \
  --agent "exec:cmd=python3 $AGENTS/tau2_gold.py differential $FIX" --user-model "exec:cmd=python3 $AGENTS/tau2_user.py"
bad=$(jq -r 'select(.error != null or .ended != "user_stop") | "trial \(.trial): \(.ended) \(.error.message // "")"' diff/results.jsonl)
[ -z "$bad" ] || fail "a tool answered other than tau2: $bad"
[ "$(jq -s length diff/results.jsonl)" -eq "$k" ] || fail "expected $k conversations"
pass "tau2 retail tools: $k sequences of calls ($calls in all when not sanitized) answer tau2's tool messages byte for byte"

# The comparison can fail: one expected message changed by a byte is caught.
mkdir -p bad
cp "$FIX/gold.json" bad/
python3 - "$FIX/differential.json" bad/differential.json <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
d["sequences"][0][3]["output"] += " "
json.dump(d, open(sys.argv[2], "w"))
PY
expect_exit 3 "$SPAR" run "$SCEN" -k 1 --max-tool-steps 1000 --step-cpu "$TAU_STEP_CPU" -q --out caught --retries 0 \
  --agent "exec:cmd=python3 $AGENTS/tau2_gold.py differential $WORK/bad" --user-model "exec:cmd=python3 $AGENTS/tau2_user.py"
jq -e 'select(.error != null) | .error.message | contains("call 4 ")' caught/results.jsonl >/dev/null \
  || fail "a changed expected message was not caught: $(head -c 600 caught/results.jsonl)"
pass "a tool message one byte away from tau2's is caught"
