#!/usr/bin/env python3
"""A scripted tau user model for the tau suites (exec protocol, docs/agents.md; stdlib only).

Usage: --user-model "exec:cmd=python3 tests/agents/tau/user.py"

Plays tau-bench's LLM user (envs/user.py) the simplest faithful way: its first message states
the instruction of the system prompt it was given ("...\\n\\nInstruction: X\\n\\nRules:..."), and
every later message, written when the agent has replied with text, is ###STOP###. The importers
compute tau's own reward against exactly this user (tools/tau-import/, ScriptedUser).
"""
import json
import re
import sys

INSTRUCTION = re.compile(r"\n\nInstruction: (.*?)\n\nRules:", re.S)

for line in sys.stdin:
    if not line.strip():
        continue
    req = json.loads(line)
    messages = req["messages"]
    said = any(m["role"] == "assistant" for m in messages)
    if said:
        text = "###STOP###"
    else:
        m = INSTRUCTION.search(messages[0]["content"]) if messages and messages[0]["role"] == "system" else None
        text = m.group(1) if m else "I need help."
    out = {"content": text}
    if "session_id" in req:
        out["session_id"] = req["session_id"]
    print(json.dumps(out), flush=True)
