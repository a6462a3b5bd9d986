#!/usr/bin/env python3
"""Extracts labelled agent turns from tau-bench's recorded gpt-4o airline conversations.

Usage: tools/tau-turns/extract.py TRAJECTORIES.json OUT_DIR

Writes OUT_DIR/turns.jsonl: one {"id", "label", "text"} per labelled agent turn, where the label
comes only from what happened around the turn (the user's answer, the tools called), never from
spar's reading module. The rules are in tests/fixtures/tau-turns/README.md; keep them in step.
"""
import json
import re
import sys

YES = re.compile(r"^\W*(yes|yeah|yep|sure|correct|that's correct|that is correct|please proceed|go ahead|"
                 r"confirm|i confirm|absolutely|okay|ok)\b", re.I)
NO = re.compile(r"^\W*(no|nope)\b", re.I)
USER_ID = re.compile(r"\b[a-z]+_[a-z]+_\d{3,5}\b")
RESERVATION_ID = re.compile(r"\b(?=[A-Z0-9]*\d)(?=[A-Z0-9]*[A-Z])[A-Z0-9]{6}\b")
DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b|\b(January|February|March|April|May|June|July|August|September|"
                  r"October|November|December)\s+\d{1,2}(st|nd|rd|th)?,?\s+\d{4}\b")
# A sentence that asks something of the user, and the sentence boundaries.
REQUEST = re.compile(r"\?|\bplease\b|let me know|\bneed\b|\bprovide\b|\bconfirm\b", re.I)
SENTENCE = re.compile(r"(?<=[.!?])\s+|\n+")
# What the agent's text must name for a value the user then gives to count as asked for.
ASKED = {
    "slot:account": (re.compile(r"user\s*id|username|user name", re.I), USER_ID),
    "slot:booking": (re.compile(r"reservation|booking|confirmation (code|number)", re.I), RESERVATION_ID),
    "slot:dob": (re.compile(r"birth|born|dob", re.I), DATE),
}


def next_user(traj, i):
    for m in traj[i + 1:]:
        if m["role"] == "user":
            return m.get("content") or ""
        if m["role"] == "assistant" and (m.get("content") or "").strip():
            return None
    return None


def transferred(traj, i):
    """The agent called transfer_to_human_agents in this message or the tool round just before."""
    for m in reversed(traj[: i + 1]):
        for call in m.get("tool_calls") or []:
            if call["function"]["name"] == "transfer_to_human_agents":
                return True
        if m is not traj[i] and m["role"] not in ("tool", "assistant"):
            return False
        if m is not traj[i] and m["role"] == "assistant" and (m.get("content") or "").strip():
            return False
    return False


def main():
    if len(sys.argv) != 3:
        print("usage: extract.py TRAJECTORIES.json OUT_DIR", file=sys.stderr)
        sys.exit(2)
    with open(sys.argv[1]) as f:
        convs = json.load(f)
    rows = []
    for c in convs:
        traj = c["traj"]
        for i, m in enumerate(traj):
            text = (m.get("content") or "").strip()
            if m["role"] != "assistant" or not text:
                continue
            rid = f"task-{c['task_id']}/trial-{c['trial']}/msg-{i}"
            answer = next_user(traj, i)
            seen = " ".join((x.get("content") or "") for x in traj[:i + 1])
            labels = []
            if transferred(traj, i):
                labels.append("handoff")
            if answer is not None:
                given = {k: [v for v in val.findall(answer) if isinstance(v, str) and v not in seen]
                         for k, (_, val) in ASKED.items()}
                gives_value = any(given.values())
                asks = bool(REQUEST.search(text))
                if YES.match(answer) and not gives_value and asks:
                    labels.append("answered_yes")
                elif NO.match(answer) and not gives_value and asks:
                    labels.append("answered_no")
                for k, (asked, _) in ASKED.items():
                    if given[k] and any(asked.search(s) and REQUEST.search(s) for s in SENTENCE.split(text)):
                        labels.append(k)
                if answer.strip().startswith("###STOP###") and "?" not in text:
                    labels.append("final")
            for label in labels:
                rows.append({"id": rid, "label": label, "text": text})
    with open(sys.argv[2] + "/turns.jsonl", "w") as f:
        for r in rows:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")
    counts = {}
    for r in rows:
        counts[r["label"]] = counts.get(r["label"], 0) + 1
    print(json.dumps(counts, sort_keys=True))


if __name__ == "__main__":
    main()
