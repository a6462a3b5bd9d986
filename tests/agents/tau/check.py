#!/usr/bin/env python3
"""Checks a spar run of tau oracle agents (tests/agents/tau/agent.py) against the importer's
oracle (stdlib only; used by tests/e2e/tau_*.sh, generic over tau domains).

Usage: check.py ORACLE.json MODE RESULTS.jsonl AGENT_LOG.jsonl [--expect N]

For every record of RESULTS (N of them, when --expect is given; each scenario once):
  - spar's verdict (score.goal_met) equals tau's reward for MODE's action sequence (1 = met);
  - the conversation ended as tau's did: tool_stop after a terminate tool, else user_stop;
  - the agent made exactly the planned tool calls, and every tool result in the transcript is
    byte-identical to tau's Python output for that call (oracle: text, or sha256 + length);
  - the agent compared every result it read (AGENT_LOG) and found no difference;
  - the agent was given tau's system prompt (the wiki) and tau's tools_info, as parsed JSON.
MODE is gold, noop, perturb or probe (probe: oracle["probes"], no reward to compare).
Prints one line of figures; exits 1 listing the first differences.
"""
import argparse
import hashlib
import json
import sys


def same(got, want):
    if "text" in want:
        return got == want["text"]
    data = got.encode("utf-8")
    return len(data) == want["bytes"] and hashlib.sha256(data).hexdigest() == want["sha256"]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("oracle")
    ap.add_argument("mode", choices=["gold", "noop", "perturb", "probe"])
    ap.add_argument("results")
    ap.add_argument("log")
    ap.add_argument("--expect", type=int)
    ap.add_argument("--stop-tools", default="transfer_to_human_agents")
    a = ap.parse_args()
    with open(a.oracle, encoding="utf-8") as f:
        oracle = json.load(f)
    stop_tools = set(a.stop_tools.split(","))
    problems = []
    records = [json.loads(line) for line in open(a.results, encoding="utf-8") if line.strip()]
    seen = set()
    verdicts = matched = outputs = rewarded = 0
    for r in records:
        sid = r["scenario"]
        if sid in seen:
            problems.append(f"{sid}: more than one record")
        seen.add(sid)
        if a.mode == "probe":
            calls = oracle["probes"][sid]
            plan = {"actions": calls, "observations": calls}
        else:
            plan = oracle["tasks"][sid][a.mode]
        if r.get("error"):
            problems.append(f"{sid}: error {r['error']}")
            continue
        made, results = [], []
        for e in r["transcript"]:
            if e["role"] == "assistant" and e.get("tool_calls"):
                made += [(c["name"], json.loads(c["arguments"])) for c in e["tool_calls"]]
            if e["role"] == "tool":
                results.append(e["content"])
        want = [(x["name"], x["kwargs"]) for x in plan["actions"]]
        if made != want:
            problems.append(f"{sid}: the agent's calls {made[:3]}... are not the plan {want[:3]}...")
        for k, (got, exp) in enumerate(zip(results, plan["observations"])):
            outputs += 1
            if not isinstance(got, str):
                got = json.dumps(got)
            if same(got, exp):
                matched += 1
            else:
                problems.append(f"{sid}: call {k} ({want[k][0]} {json.dumps(want[k][1])[:120]}) answered "
                                f"{got[:200]!r}, tau: {exp.get('text', exp.get('head'))!r}")
        if len(results) != len(plan["observations"]):
            problems.append(f"{sid}: {len(results)} tool results, tau's run had {len(plan['observations'])}")
        stopped = bool(want) and want[-1][0] in stop_tools and len(made) == len(want)
        ended_as = "tool_stop" if stopped else "user_stop"
        if r["ended"] != ended_as:
            problems.append(f"{sid}: ended {r['ended']}, tau's run ended as {ended_as}")
        if a.mode != "probe":
            verdicts += 1
            tau_met = plan["reward"] == 1.0
            rewarded += tau_met
            if r["score"]["goal_met"] == tau_met:
                pass
            else:
                evidence = r["score"].get("goal_evidence", "")
                problems.append(f"{sid}: spar's verdict {r['score']['goal_met']}, tau's reward {plan['reward']} {evidence}")
    entries = [json.loads(line) for line in open(a.log, encoding="utf-8") if line.strip()]
    log = [e for e in entries if "given" not in e]
    given = [e for e in entries if "given" in e]
    bad = [e for e in log if not e["ok"]]
    # What the agent was given: tau's system prompt, and tau's tools_info (an empty `required`
    # list is left out: spar cannot send an empty Lua table as a JSON array).
    want_tools = [json.loads(json.dumps(t)) for t in oracle["agent"]["tools"]]
    for t in want_tools:
        if t["function"]["parameters"].get("required") == []:
            del t["function"]["parameters"]["required"]
    canon = sorted(json.dumps(t, sort_keys=True) for t in want_tools)
    for e in given:
        if e["given"]["system_sha256"] != oracle["agent"]["system_sha256"]:
            problems.append(f"{e['session']}: the agent's system prompt is not tau's")
        if sorted(json.dumps(t, sort_keys=True) for t in e["given"]["tools"] or []) != canon:
            problems.append(f"{e['session']}: the agent's tools are not tau's tools_info")
    if len(given) != len(records):
        problems.append(f"the agent saw {len(given)} conversations start; {len(records)} records")
    for e in bad[:5]:
        problems.append(f"agent log: {e['session']} call {e['call']} {e['name']}: got {e.get('got')!r}, want {e.get('want')!r}")
    read = sum(max(0, len([c for c in r["transcript"] if c["role"] == "tool"]) - (r["ended"] == "tool_stop"))
               for r in records if not r.get("error"))
    if len(log) != read:
        problems.append(f"the agent compared {len(log)} results; it read {read}")
    if a.expect is not None and len(records) != a.expect:
        problems.append(f"{len(records)} records, expected {a.expect}")
    agree = verdicts - sum(1 for p in problems if "spar's verdict" in p)
    figures = (f"{a.mode}: {len(records)} conversations; " +
               (f"spar's verdict = tau's reward for {agree}/{verdicts} (tau rewards {rewarded} with 1); "
                if a.mode != "probe" else "") +
               f"{matched}/{outputs} tool outputs byte-identical to tau's; the agent compared {len(log)}, "
               f"{len(bad)} differed; system prompt and tools as tau's in {len(given)} conversations")
    print(figures)
    if problems:
        for p in problems[:20]:
            print("  " + p, file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
