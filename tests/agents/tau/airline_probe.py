#!/usr/bin/env python3
"""tau-bench airline's differential prober (exec, stdlib only), for tests/e2e/tau_airline_probe.sh.

Trial T of a task scenario plays batch T-1 of tests/fixtures/tau/airline/probe.json: seeded
random tool calls (tau's Python answered each one at import time, from the initial database).
It makes them in order, one per message, then answers "done"; the suite compares each tool
result in the record with tau's output, byte for byte.
"""
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
with open(os.path.join(HERE, "..", "..", "fixtures", "tau", "airline", "probe.json"), encoding="utf-8") as f:
    BATCHES = json.load(f)["batches"]

for line in sys.stdin:
    if not line.strip():
        continue
    req = json.loads(line)
    sid = req["session_id"]
    calls = BATCHES[int(sid.rsplit("#", 1)[1].split("-")[0]) - 1]  # "SCENARIO#TRIAL-SEED-RUN"
    done = sum(1 for m in req["messages"] if m["role"] == "tool")
    out = {"session_id": sid, "content": "done"}
    if done < len(calls):
        c = calls[done]
        out = {"session_id": sid, "content": None,
               "tool_calls": [{"id": f"call_{done + 1}", "type": "function",
                               "function": {"name": c["name"], "arguments": c["arguments"]}}]}
    print(json.dumps(out), flush=True)
