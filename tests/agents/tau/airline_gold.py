#!/usr/bin/env python3
"""tau-bench airline's gold-action agent (exec, stdlib only), for tests/e2e/tau_airline_gold.sh.

Each request's session_id is "tau-bench/airline/task-NNN#TRIAL". The agent makes that task's
gold actions in order, one tool call per message (their argument texts as tau's tasks_test.py
spells them, from tests/fixtures/tau/airline/gold.json), then answers in text, saying the
task's required outputs. The user model (airline_user.py) ends the conversation on that reply.
"""
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURE = os.path.join(HERE, "..", "..", "fixtures", "tau", "airline", "gold.json")
with open(FIXTURE, encoding="utf-8") as f:
    TASKS = {t["scenario"]: t for t in json.load(f)["tasks"]}

for line in sys.stdin:
    if not line.strip():
        continue
    req = json.loads(line)
    sid = req["session_id"]
    task = TASKS[sid.split("#")[0]]
    done = sum(1 for m in req["messages"] if m["role"] == "tool")
    out = {"session_id": sid}
    if done < len(task["actions"]):
        a = task["actions"][done]
        out["content"] = None
        out["tool_calls"] = [{"id": f"call_{done + 1}", "type": "function",
                              "function": {"name": a["name"], "arguments": a["arguments"]}}]
    else:
        out["content"] = task["reply"] or "Done."
    print(json.dumps(out), flush=True)
