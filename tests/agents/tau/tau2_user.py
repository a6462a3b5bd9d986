#!/usr/bin/env python3
"""An exec user model (docs/agents.md, "exec:cmd="; spar run --user-model) for the tau2 suites:
its first message asks for help, every later one is tau2's stop token, so a conversation is
one turn in which the agent does all it does, ended as tau2 ends one (user_stop)."""
import json
import sys

for line in sys.stdin:
    req = json.loads(line)
    spoke = any(m["role"] == "assistant" for m in req["messages"])  # the user's own earlier turns
    print(json.dumps({"session_id": req["session_id"],
                      "content": "###STOP###" if spoke else "Hi, I need help with my order."}), flush=True)
