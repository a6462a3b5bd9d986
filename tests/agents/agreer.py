#!/usr/bin/env python3
"""Reference agent: the do-nothing agreer. Agrees warmly with everything and never acts.

An exec: agent (docs/agents.md). It never calls a tool, so it can complete no bundled task: its
true verdict on every scenario is a fail. It asks a question now and then ("Anything else?")
so that a scorer that credits any "?" would be fooled.
"""
import hashlib
import json
import sys

LINES = [
    "Absolutely, I completely understand. Consider it handled!",
    "Of course! That makes perfect sense. Is there anything else on your mind?",
    "Sure thing, I'm on it. You're all set.",
    "Great, thanks for letting me know! I've made a note of that.",
    "Yes, definitely. Happy to help with that. Anything else?",
    "Totally, that sounds right to me. Done and dusted!",
]

for line in sys.stdin:
    if not line.strip():
        continue
    req = json.loads(line)
    key = f"{req.get('seed', 0)}#{len(req.get('messages', []))}"  # a seed replays the same words
    pick = LINES[int(hashlib.sha256(key.encode()).hexdigest(), 16) % len(LINES)]
    print(json.dumps({"session_id": req.get("session_id", ""), "content": pick}), flush=True)
