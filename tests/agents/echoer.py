#!/usr/bin/env python3
"""Reference agent: the keyword echoer. Repeats back what it heard, as a question, and never acts.

An exec: agent (docs/agents.md). Every reply is a question that lists every number the user has
said so far (any word with a digit in it, an e-mail address, a date), every capitalised name and
the key words of the user's last message: "So that's 4417, 4471 and the rain jacket, right?". It
never calls a tool, so it completes no bundled task and recovers from nothing: a correction is
"recovered" only by acting on the new value, and it never acts. It is the trap for a scorer that
credits echoes: it names the corrected value (and the superseded one), the value a probe asks
for, the word an interruption carried, and it always ends with a "?".
"""
import hashlib
import json
import re
import sys

STOP = set("""about after again also and any are because been before being but can cannot could did
does doing done from for had has have having hello here how i'd i'll i'm into it's just know let like
made make many may maybe mean more most much need never only other our out over please really right
said same should since some sorry still such sure than thank thanks that that's the their them then
there these they this those through very want was wasn't well were what when where which while who
why will with would yeah yes you you're your yours okay actually""".split())
VALUE = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+|\b[\w-]*\d[\w/:.-]*\b")
NAME = re.compile(r"(?<![.!?]\s)(?<!^)\b[A-Z][a-z]{2,}\b")
WORD = re.compile(r"[A-Za-z][a-z]{3,}")

OPENERS = [
    "So that's {items}, right?",
    "Let me repeat that back: {items}?",
    "Just so I'm following: {items}, correct?",
    "Okay, {items}, is that it?",
]


def heard(messages):
    """Every value and name from the user's messages, in order, then the last message's key words."""
    users = [m.get("content") or "" for m in messages if m.get("role") == "user"]
    seen, items = set(), []

    def add(item):
        item = item.strip(".,;:!?")
        if item and item.lower() not in seen:
            seen.add(item.lower())
            items.append(item)

    for text in users:
        for m in VALUE.finditer(text):
            add(m.group(0))
        for m in NAME.finditer(text):
            if m.group(0).lower() not in STOP:
                add(m.group(0))
    if users:
        for w in WORD.findall(users[-1]):
            if w.lower() not in STOP:
                add(w.lower())
    return items


def reply(req):
    items = heard(req.get("messages", []))
    key = f"{req.get('seed', 0)}#{len(req.get('messages', []))}"  # a seed replays the same words
    opener = OPENERS[int(hashlib.sha256(key.encode()).hexdigest(), 16) % len(OPENERS)]
    if not items:
        return "Sorry, could you say that again?"
    listed = items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]
    return opener.format(items=listed)


for line in sys.stdin:
    if line.strip():
        req = json.loads(line)
        print(json.dumps({"session_id": req.get("session_id", ""), "content": reply(req)}), flush=True)
