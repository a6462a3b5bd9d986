#!/usr/bin/env bash
# tau-bench airline's 50 test tasks played by a gold-action agent (tests/agents/tau/airline_gold.py:
# each task's gold actions, one tool call per message, then a reply saying the required outputs)
# against an exec user model that ends with tau's ###STOP###. spar's verdict must be tau's own
# reward for those actions (computed by tau's Python at import time, tests/fixtures/tau/airline/
# gold.json), and every gold tool output byte-identical to tau's.
source "$(dirname "$0")/lib.sh"
cd "$WORK"
G="$SPAR_ROOT/tests/fixtures/tau/airline/gold.json"
A="$SPAR_ROOT/tests/agents/tau"

mkdir -p scenarios/tau-bench
cp "$SPAR_ROOT/scenarios/_tau.lua" scenarios/
mkdir -p scenarios/tau-bench && cp "$SPAR_ROOT/scenarios/tau-bench/_calculate.lua" scenarios/tau-bench/
cp -r "$SPAR_ROOT/scenarios/tau-bench/airline" scenarios/tau-bench/
if sanitized; then  # a fixed sample: five tasks, transfers and required outputs among them
  find scenarios/tau-bench/airline -name 'task-*.lua' ! -name 'task-00[0-4].lua' -delete
fi
tasks=$(find scenarios/tau-bench/airline -name 'task-*.lua' | wc -l)

start=$(date +%s)
# tau's loop has no per-turn tool limit (its 30 steps are max_steps): --max-tool-steps 30.
expect_exit 0 "$SPAR" run scenarios/tau-bench/airline --agent "exec:cmd=python3 $A/airline_gold.py" \
  --user-model "exec:cmd=python3 $A/airline_user.py" -k 1 --seed 15 --max-tool-steps 30 --out "$WORK/run" -q --history ""
took=$(( $(date +%s) - start ))
R="$WORK/run/results.jsonl"
[ "$(wc -l <"$R")" -eq "$tasks" ] || fail "one record per task"

python3 - "$G" "$R" <<'PY' || fail "spar's verdicts and tau's rewards differ (above)"
import json, sys
gold = {t["scenario"]: t for t in json.load(open(sys.argv[1]))["tasks"]}
bad = 0
for line in open(sys.argv[2]):
    r = json.loads(line)
    g = gold[r["scenario"]]
    want = g["reward"] == 1.0
    if r["score"]["pass"] != want:
        bad += 1
        print(f"{r['scenario']}: tau {g['reward']}, spar {r['score']['pass']} ({r['score'].get('goal_evidence')}; ended {r['ended']})")
    results = [e["content"] for e in r["transcript"] if e["role"] == "tool"]
    outputs = [a["output"] if a["output"] is not None else "" for a in g["actions"]]
    if results != outputs:
        bad += 1
        for i, (a, b) in enumerate(zip(results, outputs)):
            if a != b:
                print(f"{r['scenario']}: gold action {i} ({g['actions'][i]['name']}): spar {a[:200]!r}, tau {b[:200]!r}")
                break
        else:
            print(f"{r['scenario']}: {len(results)} tool results, tau's gold has {len(outputs)}")
sys.exit(1 if bad else 0)
PY
pass "$tasks tasks: spar's verdict is tau's reward for the gold actions, every gold tool output tau's bytes (${took}s)"

# It can fail: an agent that says nothing after its actions misses the required outputs.
jq -e -s '[.[] | select(.score.pass)] | length > 0' "$R" >/dev/null || fail "some task passes"
