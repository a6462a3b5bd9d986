#!/usr/bin/env python3
"""Oracle agents for the tau suites (exec protocol, docs/agents.md; stdlib only), generic over
tau domains: they read what to do from an importer's oracle.json (tools/tau-import/).

Usage: --agent "exec:cmd=python3 tests/agents/tau/agent.py MODE ORACLE.json LOG.jsonl"

MODE is one of
  gold     the task's gold actions, one tool call per message (arguments exactly as tau's task),
           then one text holding the task's outputs;
  noop     one text reply, no tool call;
  perturb  the gold actions with one argument of one action changed (chosen by the importer),
           then the gold text;
  probe    the seeded random calls of oracle["probes"] (the differential test), then a text.
The task is the request's session_id ("SCENARIO#TRIAL"): oracle["tasks"][SCENARIO][MODE], or
oracle["probes"][SCENARIO]. Each tool result the agent reads is compared, byte for byte, with
what tau's Python returned for that call (the oracle keeps short texts whole, long ones as
sha256 + length): LOG gets one JSON line per compared call, {"session", "call", "name", "ok"},
with "got" and "want" when they differ, and, at each conversation's first request, what the
agent was given: {"session", "given": {"system_sha256", "tools"}}. A conversation that asks the agent for more than its
plan (a second text) gets the text again.
"""
import hashlib
import json
import sys

mode, oracle_path, log_path = sys.argv[1], sys.argv[2], sys.argv[3]
with open(oracle_path, encoding="utf-8") as f:
    oracle = json.load(f)
log = open(log_path, "a", encoding="utf-8")


def plan_for(scenario):
    if mode == "probe":
        calls = oracle["probes"][scenario]
        return {"actions": calls, "observations": calls, "text": "Probe finished."}
    return oracle["tasks"][scenario][mode]


def matches(got, want):
    if "text" in want:
        return got == want["text"]
    data = got.encode("utf-8")
    return len(data) == want["bytes"] and hashlib.sha256(data).hexdigest() == want["sha256"]


for line in sys.stdin:
    if not line.strip():
        continue
    req = json.loads(line)
    session = req["session_id"]
    plan = plan_for(session.rsplit("#", 1)[0])
    messages = req["messages"]
    done = sum(1 for m in messages if m["role"] == "assistant" and m.get("tool_calls"))
    if not any(m["role"] == "assistant" for m in messages):  # what the agent was given
        system = messages[0]["content"] if messages[0]["role"] == "system" else ""
        log.write(json.dumps({"session": session, "given": {
            "system_sha256": hashlib.sha256(system.encode("utf-8")).hexdigest(), "tools": req.get("tools")}}) + "\n")
    if done and messages[-1]["role"] == "tool":
        got, want = messages[-1]["content"], plan["observations"][done - 1]
        entry = {"session": session, "call": done - 1, "name": plan["actions"][done - 1]["name"], "ok": matches(got, want)}
        if not entry["ok"]:
            entry["got"] = got[:400]
            entry["want"] = want.get("text", want.get("head"))
        log.write(json.dumps(entry) + "\n")
        log.flush()
    out = {"session_id": session}
    if done < len(plan["actions"]):
        action = plan["actions"][done]
        out["content"] = None
        out["tool_calls"] = [{"id": f"call_{done}", "type": "function",
                              "function": {"name": action["name"], "arguments": json.dumps(action["kwargs"])}}]
    else:
        out["content"] = plan["text"]
    print(json.dumps(out), flush=True)
