#!/usr/bin/env python3
"""An exec agent (docs/agents.md, "exec:cmd=") that replays tau2-bench retail calls from the
fixtures tools/tau-import/tau2_retail.py writes, and checks every tool result against the tool
message tau2's own Python produced for the same call.

Usage: tau2_gold.py MODE FIXTURE_DIR
  gold        the task's gold calls (gold.json), one per message, then "Done."
  noop        no call: "Done." at once
  perturbed   the gold calls with one argument changed (gold.json "perturbed"), then "Done."
  differential  sequence N of differential.json for trial N of any scenario, then "Done."

The task comes from the request's session_id ("tau2-bench/retail/task-007#1"). A tool result
that differs from tau2's makes the agent answer {"error": ...}, naming the call, so the
conversation ends in an error that the suite reports."""
import json
import sys

mode, fixtures = sys.argv[1], sys.argv[2]
gold = {t["scenario"]: t for t in json.load(open(fixtures + "/gold.json"))["tasks"]}
differential = json.load(open(fixtures + "/differential.json"))["sequences"] if mode == "differential" else None


def plan(session):
    scenario, trial = session.rsplit("#", 1)
    if mode == "differential":
        seq = differential[int(trial.split("-")[0]) - 1]  # "7" or "7-<run id>"
        return [(c["name"], c["arguments"]) for c in seq], [c["output"] for c in seq]
    task = gold[scenario]
    if mode == "noop":
        return [], []
    if mode == "perturbed":
        p = task["perturbed"]
        if p is None:
            return [], []
        return [(c["name"], c["arguments"]) for c in p["calls"]], p["outputs"]
    return [(c["name"], c["arguments"]) for c in task["calls"]], task["outputs"]


for line in sys.stdin:
    req = json.loads(line)
    sid = req["session_id"]
    calls, outputs = plan(sid)
    results = [m for m in req["messages"] if m["role"] == "tool"]
    reply = None
    for i, m in enumerate(results):
        if i < len(outputs) and m["content"] != outputs[i]:
            got, want = m["content"], outputs[i]
            at = next((j for j, (a, b) in enumerate(zip(got, want)) if a != b), min(len(got), len(want)))
            reply = {"error": f"call {i + 1} {calls[i][0]}({json.dumps(calls[i][1])}): from byte {at} spar answered "
                              f"{json.dumps(got[max(0, at - 60):at + 200])}, tau2 answered {json.dumps(want[max(0, at - 60):at + 200])}"}
            break
    if reply is None:
        k = len(results)
        if k < len(calls):
            name, args = calls[k]
            reply = {"tool_calls": [{"id": f"call_{k}", "type": "function",
                                     "function": {"name": name, "arguments": json.dumps(args)}}]}
        else:
            reply = {"content": "Done."}
    reply["session_id"] = sid
    print(json.dumps(reply), flush=True)
