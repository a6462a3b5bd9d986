#!/usr/bin/env python3
"""An exec agent (docs/agents.md) for tests/e2e/import.sh: cancels the order the customer asks for.

  order_agent.py last   the fixed agent: takes the last order id the customer named ("A-1001,
                        sorry, I mean A-1002" is A-1002)
  order_agent.py first  the agent of the imported transcript: takes the first one (A-1001)

It asks before it cancels, calls cancel_order after a yes, and reports what the tool said."""
import json
import re
import sys

pick = sys.argv[1] if len(sys.argv) > 1 else "last"

for line in sys.stdin:
    if not line.strip():
        continue
    req = json.loads(line)
    messages = req["messages"]
    users = [m["content"] or "" for m in messages if m["role"] == "user"]
    ids = [i for text in users for i in re.findall(r"\bA-\d+\b", text)]
    order = (ids[-1] if pick == "last" else ids[0]) if ids else None
    last = messages[-1]
    reply = {"session_id": req.get("session_id"), "content": "How can I help?"}
    if last["role"] == "tool":
        reply["content"] = "Done: order %s, the system says %s." % (order, last["content"])
    elif order and re.search(r"\b(yes|go ahead)\b", users[-1], re.I):
        reply["content"] = None
        reply["tool_calls"] = [{"id": "call_%d" % len(messages), "type": "function",
                                "function": {"name": "cancel_order",
                                             "arguments": json.dumps({"order_id": order})}}]
    elif order and "cancel" in users[-1].lower():
        reply["content"] = "I can cancel order %s. Shall I go ahead?" % order
    elif re.search(r"\b(thanks|bye)\b", users[-1], re.I):
        reply["content"] = "Glad to help. Goodbye!"
    print(json.dumps(reply), flush=True)
