#!/usr/bin/env python3
"""Figures of a run over the scripted tau retail tasks (tests/e2e/tau_retail_scripted.sh):
reads results.jsonl and prints one line of counts, then one line per conversation.

  conversations=N pass=N reward=N correction_recovered=N/M intent_recovered=N/M
  confirm_violated=N ended_ok=N evidence_orders=N evidence_names_gold=N

reward counts tau's reward (goal_met); the recoveries count events recovered as decided by the
agent's calls (decided_by "action"); confirm_violated counts the conversations that broke
require_confirmation; evidence_orders counts the failed rewards whose
goal_evidence names an order record (orders["#W..."]), evidence_names_gold those naming the
task's gold order.
"""
import json
import sys

ORDER_OK = ("user_stop", "tool_stop", "persona_done")
rows = [json.loads(line) for line in open(sys.argv[1], encoding="utf-8") if line.strip()]
fig = dict(conversations=len(rows), pass_=0, reward=0, corr=0, corr_n=0, intent=0, intent_n=0,
           confirm=0, ended_ok=0, gold_evidence=0, order_evidence=0)
lines = []
for r in sorted(rows, key=lambda r: r["scenario"]):
    s = r["score"]
    fig["pass_"] += bool(s.get("pass"))
    fig["reward"] += s.get("goal_met") is True
    fig["ended_ok"] += r.get("ended") in ORDER_OK
    fig["confirm"] += any(v["rule"].startswith("require_confirmation") for v in s.get("violations", []))
    marks = []
    gold = None
    for ev, verdict in zip(r["events"], s["events"]):
        if ev["type"] == "correction":
            gold = ev["to"]
            fig["corr_n"] += 1
            fig["corr"] += verdict["recovered"] is True and verdict["decided_by"] == "action"
        elif ev["type"] == "intent_change":
            fig["intent_n"] += 1
            fig["intent"] += verdict["recovered"] is True and verdict["decided_by"] == "action"
        marks.append(f'{ev["type"]}:{verdict["recovered"]}/{verdict["decided_by"]}')
    evidence = s.get("goal_evidence", "")
    if s.get("goal_met") is False:
        fig["order_evidence"] += evidence.startswith('orders["')
        fig["gold_evidence"] += bool(gold) and f'orders["{gold}"]' in evidence
    lines.append(f'{r["scenario"]} pass={s.get("pass")} reward={s.get("goal_met")} ended={r.get("ended")} '
                 f'{" ".join(marks)} {evidence[:160]}')
print(f'conversations={fig["conversations"]} pass={fig["pass_"]} reward={fig["reward"]} '
      f'correction_recovered={fig["corr"]}/{fig["corr_n"]} intent_recovered={fig["intent"]}/{fig["intent_n"]} '
      f'confirm_violated={fig["confirm"]} ended_ok={fig["ended_ok"]} evidence_orders={fig["order_evidence"]} evidence_names_gold={fig["gold_evidence"]}')
print("\n".join(lines))
