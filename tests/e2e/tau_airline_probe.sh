#!/usr/bin/env bash
# The ported airline tools against tau's Python on seeded random arguments: a prober agent
# (tests/agents/tau/airline_probe.py) makes batches of calls from tests/fixtures/tau/airline/probe.json
# (tau's tools answered each at import time, from the initial database, errors included) in one
# conversation per batch; every result spar's tools gave must be tau's output byte for byte.
source "$(dirname "$0")/lib.sh"
cd "$WORK"
P="$SPAR_ROOT/tests/fixtures/tau/airline/probe.json"
batches=$(jq '.batches | length' "$P")
sanitized && batches=2

start=$(date +%s)
expect_exit 0 "$SPAR" run "$SPAR_ROOT/scenarios/tau-bench/airline/task-000.lua" \
  --agent "exec:cmd=python3 $SPAR_ROOT/tests/agents/tau/airline_probe.py" -k "$batches" --seed 15 \
  --max-tool-steps 30 --out "$WORK/run" -q --history ""
took=$(( $(date +%s) - start ))

python3 - "$P" "$WORK/run/results.jsonl" <<'PY' || fail "spar's tools and tau's differ (above)"
import json, sys
batches = json.load(open(sys.argv[1]))["batches"]
bad = calls = 0
for line in open(sys.argv[2]):
    r = json.loads(line)
    want = batches[r["trial"] - 1]
    # stop_tools: a transfer_to_human_agents call ends the conversation there (tau's terminate tool)
    cut = next((i + 1 for i, c in enumerate(want) if c["name"] == "transfer_to_human_agents"), None)
    if cut is not None:
        want = want[:cut]
        if r["ended"] != "tool_stop":
            bad += 1
            print(f"trial {r['trial']}: ended {r['ended']}, not tool_stop at the transfer")
    got = [e["content"] for e in r["transcript"] if e["role"] == "tool"]
    if len(got) != len(want):
        bad += 1
        print(f"trial {r['trial']}: {len(got)} results for {len(want)} calls (ended {r['ended']})")
    for c, g in zip(want, got):
        calls += 1
        if c["output"] != g:
            bad += 1
            print(f"trial {r['trial']}: {c['name']} {c['arguments'][:160]}\n  tau:  {c['output'][:240]!r}\n  spar: {g[:240]!r}")
print(f"{calls} calls compared", file=sys.stderr)
sys.exit(1 if bad else 0)
PY
pass "$batches batches of random calls: every result tau's bytes (${took}s)"
