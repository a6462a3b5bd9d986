#!/usr/bin/env python3
"""A user model (exec, stdlib only) for the tau airline suites: it opens with one line, then
answers tau's stop token to whatever the agent says next, so a conversation ends the way
tau-bench's LLM user ends one (###STOP###) after the agent's first text reply."""
import json
import sys

for line in sys.stdin:
    if not line.strip():
        continue
    req = json.loads(line)
    # the user model's history: its system prompt, tau's greeting, then the conversation
    first = len(req["messages"]) <= 2
    text = "Hi, I need help with my reservation." if first else "Thanks, that is all. ###STOP###"
    print(json.dumps({"session_id": req["session_id"], "content": text}), flush=True)
