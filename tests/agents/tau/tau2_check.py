#!/usr/bin/env python3
"""Compares spar's verdicts with tau2's rewards for the tau2 retail suites.

Usage: tau2_check.py MODE FIXTURE_DIR RESULTS_JSONL EXPECTED_COUNT
MODE is gold, noop or perturbed (tau2_gold.py's modes): every record's score.goal_met must be
tau2's reward for that conversation (gold.json reward_gold / reward_noop / perturbed.reward;
a task without a perturbation plays no call, so tau2's no-op reward), every conversation must
have ended as user_stop without error, and there must be EXPECTED_COUNT of them."""
import json
import sys

mode, fixtures, results, expected = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
gold = {t["scenario"]: t for t in json.load(open(fixtures + "/gold.json"))["tasks"]}
records = [json.loads(line) for line in open(results) if line.strip()]
bad = []
for r in records:
    t = gold[r["scenario"]]
    if mode == "gold":
        want = t["reward_gold"]
    elif mode == "perturbed" and t["perturbed"] is not None:
        want = t["perturbed"]["reward"]
    else:
        want = t["reward_noop"]
    if r.get("error") is not None or r.get("ended") != "user_stop":
        bad.append(f"{r['scenario']}: ended {r.get('ended')} {json.dumps(r.get('error'))[:3000]}")
        continue
    got = r["score"]["goal_met"]
    if got != (want == 1.0):
        bad.append(f"{r['scenario']}: spar goal_met {got} ({r['score'].get('goal_evidence')}), tau2 reward {want}")
if len(records) != expected:
    bad.append(f"{len(records)} records, expected {expected}")
ones = sum(1 for r in records if r.get("score", {}).get("goal_met"))
print(f"{mode}: {len(records)} tasks, spar's verdict = tau2's reward for {len(records) - len(bad)} "
      f"(reward 1 for {ones})")
for b in bad[:20]:
    print("MISMATCH " + b, file=sys.stderr)
sys.exit(1 if bad else 0)
