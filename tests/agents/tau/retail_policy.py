#!/usr/bin/env python3
"""A gold-policy reference agent for the scripted tau-bench retail tasks
(scenarios/tau-bench/retail-scripted/; exec protocol, docs/agents.md; stdlib only). Written apart
from spar's mock agent, it behaves as tau's retail policy (wiki.md) asks a careful agent to:

  1. authenticate the user from what they said (email, or first + last name + zip);
  2. look up the order the user's LATEST message naming an order id names (so it follows a
     correction), before anything else is done with it;
  3. take the kind of write from the LATEST user message that names one (cancel, return,
     exchange, modify), so it follows a change of mind;
  4. set the write out and ask for explicit confirmation, and write only after the user's "yes";
  5. report the result without asking anything more.

The write's item, payment and reason arguments come from the task's gold write in the oracle
(tests/fixtures/tau/retail/oracle.json, found through session_id "SCENARIO#TRIAL"); the ORDER ID
and the KIND of write come from the conversation only.

Usage: --agent "exec:cmd=python3 tests/agents/tau/retail_policy.py ORACLE.json [FLAW]"
FLAW (the failing side):
  first_id      keeps the first order id it heard (ignores the correction);
  first_intent  does what was asked first (ignores the change between return and exchange);
  no_confirm    writes as soon as it knows the order and the kind of write, without asking.
"""
import json
import re
import sys

oracle_path = sys.argv[1]
flaw = sys.argv[2] if len(sys.argv) > 2 else ""
if flaw not in ("", "first_id", "first_intent", "no_confirm"):
    sys.exit(f"retail_policy.py: unknown flaw {flaw!r}")
with open(oracle_path, encoding="utf-8") as f:
    tasks = json.load(f)["tasks"]

TOOLS = {
    "cancel": "cancel_pending_order",
    "return": "return_delivered_order_items",
    "exchange": "exchange_delivered_order_items",
    "modify": "modify_pending_order_items",
}
WRITES = set(TOOLS.values())
ORDER = re.compile(r"#W\d{7}")
INTENT = re.compile(r"\b(cancel|return|exchange|modify)\b", re.I)
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
NAME_ZIP = re.compile(r"\bI'm ([A-Z][a-z]+) ([A-Z][a-z]+)\b.*?\b(\d{5})\b")


def gold_write(scenario):
    """The gold write of the plain tau task behind a scripted one."""
    plain = scenario.replace("/retail-scripted/", "/retail/")
    for action in tasks[plain]["gold"]["actions"]:
        if action["name"] in WRITES:
            return action
    raise SystemExit(f"retail_policy.py: {plain} has no order write")


def latest(user_texts, pattern, first):
    """What `pattern` finds in the latest user message that has it (its last match), or with
    `first`, its first match in the first such message."""
    texts = user_texts if first else reversed(user_texts)
    for text in texts:
        found = pattern.findall(text)
        if found:
            return (found[0] if first else found[-1])
    return None


def write_args(gold, intent, order_id):
    """The arguments of the write `intent` asks for, from the gold write's."""
    kw = dict(gold["kwargs"])
    tool = TOOLS[intent]
    if tool == gold["name"]:
        kw["order_id"] = order_id
        return tool, kw
    items = kw.get("item_ids", [])
    pay = kw.get("payment_method_id")
    if intent == "return":
        return tool, {"order_id": order_id, "item_ids": items, "payment_method_id": pay}
    if intent == "exchange":
        return tool, {"order_id": order_id, "item_ids": items, "new_item_ids": items, "payment_method_id": pay}
    if intent == "cancel":
        return tool, {"order_id": order_id, "reason": "no longer needed"}
    return tool, {"order_id": order_id, "item_ids": items, "new_item_ids": items, "payment_method_id": pay}


def calls_of(messages):
    """[(name, args, result)] of the agent's tool calls so far, results by tool_call_id."""
    results = {m.get("tool_call_id"): m.get("content") for m in messages if m["role"] == "tool"}
    out = []
    for m in messages:
        for c in m.get("tool_calls") or []:
            fn = c["function"]
            out.append((fn["name"], json.loads(fn["arguments"] or "{}"), results.get(c.get("id"))))
    return out


def call(n, name, args):
    return {"content": None, "tool_calls": [{"id": f"call_{n}", "type": "function",
                                             "function": {"name": name, "arguments": json.dumps(args)}}]}


def respond(scenario, messages):
    user_texts = [m["content"] or "" for m in messages if m["role"] == "user"]
    calls = calls_of(messages)
    n = len(calls)
    # 1. authenticate
    if not any(name.startswith("find_user_id") and res and not res.startswith("Error") for name, _, res in calls):
        said = "\n".join(user_texts)
        email = EMAIL.search(said)
        if email:
            return call(n, "find_user_id_by_email", {"email": email.group(0)})
        m = NAME_ZIP.search(said)
        if m:
            return call(n, "find_user_id_by_name_zip", {"first_name": m.group(1), "last_name": m.group(2), "zip": m.group(3)})
        return {"content": "To help you, I first need to authenticate you: your email, or your name and zip code?"}
    # the result of a write just made: report it
    if messages[-1]["role"] == "tool" and calls and calls[-1][0] in WRITES:
        res = calls[-1][2] or ""
        if res.startswith("Error"):
            return {"content": f"I could not do that: {res}"}
        return {"content": f"Done: your request for order {calls[-1][1].get('order_id')} has been submitted."}
    order_id = latest(user_texts, ORDER, flaw == "first_id")
    intent = latest([t.lower() for t in user_texts], INTENT, flaw == "first_intent")
    if not order_id or not intent:
        return {"content": "Which order is it about (its id, like #W0000000), and what would you like to do with it?"}
    intent = intent.lower()
    # 2. look the order up before acting on it
    if not any(name == "get_order_details" and args.get("order_id") == order_id for name, args, _ in calls):
        return call(n, "get_order_details", {"order_id": order_id})
    tool, args = write_args(gold_write(scenario), intent, order_id)
    if any(name == tool and a == args for name, a, _ in calls):
        return {"content": f"That request for order {order_id} has already been handled."}
    # 4. confirm, then write: the user's "yes" answers this very proposal
    text = proposal(order_id, intent, args)
    asked = [m["content"] for m in messages if m["role"] == "assistant" and m.get("content")]
    confirmed = user_texts[-1].strip().lower().rstrip(".!") == "yes" and asked and asked[-1] == text
    if confirmed or flaw == "no_confirm":
        return call(n, tool, args)
    return {"content": text}


def proposal(order_id, intent, args):
    details = ", ".join(f"{k} {json.dumps(v)}" for k, v in args.items() if k != "order_id")
    return f"For order {order_id} I can {intent} as follows: {details}. Shall I go ahead? Please confirm (yes/no)."


for line in sys.stdin:
    if not line.strip():
        continue
    req = json.loads(line)
    session = req["session_id"]
    out = respond(session.rsplit("#", 1)[0], req["messages"])
    out["session_id"] = session
    print(json.dumps(out), flush=True)
