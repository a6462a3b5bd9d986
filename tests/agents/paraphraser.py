#!/usr/bin/env python3
"""Reference agent: the paraphraser. Correct on every bundled scenario, worded its own way.

An exec: agent (docs/agents.md). Its decisions (which tool, which arguments, when to verify and
when to ask) come from spar-mock-agent, started on an ephemeral 127.0.0.1 port, so its truth is
known: it makes exactly the mock's correct moves. What the user reads is its own: every request
for a go-ahead and every request for a value is reworded, in several phrasings picked per turn
(seeded by the conversation), with none of the phrases the personas were once tuned to ("go
ahead", "to confirm", "Could you tell me"). The mock sees its own wording in the history, so
rewording never changes what it does.

Usage: spar run scenarios/ --agent 'exec:cmd=python3 tests/agents/paraphraser.py [KNOB=VALUE ...]'
Needs $SPAR_MOCK_AGENT (the spar-mock-agent binary) or spar-mock-agent on PATH. Knobs go to the
mock and give the paraphraser a known flaw in the same words: correction_rate=0 makes the
correction-ignorer (tests/agents/README.md).
"""
import hashlib
import json
import os
import re
import subprocess
import sys
import urllib.request

CONFIRM = re.compile(r"Just to confirm: you want me to (?P<what>.+?)(?: \((?P<args>[^()]*)\))?\. Shall I go ahead\?$", re.S)
ASK = re.compile(r"Could you tell me (?:your|the) (?P<label>[^?]+)\?$")

# Several phrasings of every confirmation: {what} is "cancel the order", {args} "order id: 4471".
CONFIRMATIONS = [
    "Here's what I have lined up: {what}, with {args}. Would you like me to proceed?",
    "I can {what} using {args}. Is that correct?",
    "Before I make the change, I'd {what} ({args}). Do you want me to do that now?",
    "So the plan is to {what}, with these details: {args}. Can you confirm that's right?",
    "Ready when you are: I'll {what} ({args}). Should I submit it?",
    "Let me check I have it right: I will {what}, {args}. Are you happy for me to do that?",
]
CONFIRMATIONS_NO_ARGS = [
    "I can {what} for you. Would you like me to proceed?",
    "The next step is to {what}. Shall I do that now?",
    "I'm ready to {what}. Is that what you want?",
]
# Requests for a value: synonyms no persona key word was tuned to, per kind of value.
SYNONYMS = [
    (re.compile(r"birth", re.I), ["When were you born?", "What's your DOB?", "And your birthday, please?"]),
    (re.compile(r"e-?mail", re.I), ["What e-mail address do you have on file with us?", "Which mail address should I use?"]),
    (re.compile(r"phone|mobile", re.I), ["What's the best mobile number for you?", "Which telephone number is on the account?"]),
    (re.compile(r"^order number$", re.I), ["What's the order ID?", "Can you share the order #?"]),
    (re.compile(r"^booking code$", re.I), ["What's your booking reference?", "Do you have the reservation code?", "What's the PNR on the ticket?"]),
    (re.compile(r"^account number$", re.I), ["What's the account ID?", "Which account is it, by number?"]),
    (re.compile(r"^customer number$", re.I), ["What's your customer ID?", "Please share your customer number."]),
    (re.compile(r"zip", re.I), ["What's the postal code?", "Which postcode is that?"]),
    (re.compile(r"last name", re.I), ["What's your surname?", "May I have your family name?"]),
]
GENERIC_ASK = ["What's the {label}, please?", "I'll need the {label} for that.", "Please share the {label}.",
               "Which {label} is it?"]


def choose(options, key):
    h = int(hashlib.sha256(key.encode()).hexdigest(), 16)
    return options[h % len(options)]


def reword(text, key):
    text = text or ""
    m = CONFIRM.search(text)
    if m:
        head = text[: m.start()]
        what, args = m.group("what"), m.group("args")
        if args:
            new = choose(CONFIRMATIONS, key).format(what=what, args=args)
        else:
            new = choose(CONFIRMATIONS_NO_ARGS, key).format(what=what)
        return head + new
    m = ASK.search(text)
    if m:
        head, label = text[: m.start()], m.group("label").strip()
        for pattern, options in SYNONYMS:
            if pattern.search(label):
                return head + choose(options, key)
        return head + choose(GENERIC_ASK, key).format(label=label)
    return text


def start_mock(knobs):
    binary = os.environ.get("SPAR_MOCK_AGENT", "spar-mock-agent")
    proc = subprocess.Popen([binary, "--port", "0", "--host", "127.0.0.1", "--threads", "4"] + knobs,
                            stdout=subprocess.PIPE, stdin=subprocess.DEVNULL, text=True)
    line = proc.stdout.readline()
    m = re.search(r"listening on (http://127\.0\.0\.1:\d+)", line)
    if not m:
        sys.exit("paraphraser: spar-mock-agent did not start: " + line)
    return proc, m.group(1)


class Paraphraser:
    def __init__(self, base):
        self.base = base
        self.original = {}  # (session, reworded text) -> the mock's own text

    def mock(self, messages, tools, seed, base=None):
        """The mock's reply to this history (from the mock at `base`, by default self.base)."""
        body = {"model": "paraphraser", "messages": messages, "seed": seed}
        if tools:
            body["tools"] = tools
        http = urllib.request.Request((base or self.base) + "/v1/chat/completions", data=json.dumps(body).encode(),
                                      headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(http, timeout=60) as resp:
            return json.load(resp)["choices"][0]["message"]

    def restore(self, session, messages, tools, seed):
        """The history as the mock wrote it. A reworded message this process has not seen (it
        was restarted) is recovered by asking the mock again for that turn: it is a pure
        function of the request."""
        out = []
        for msg in messages:
            msg = dict(msg)
            text = msg.get("content")
            if msg.get("role") == "assistant" and isinstance(text, str) and text:
                if (session, text) not in self.original:
                    mine = self.mock(out, tools, seed).get("content") or ""
                    ok = self.reword(session, seed, len(out), mine) == text
                    self.original[(session, text)] = mine if ok else text
                    print(f"paraphraser: {'recovered' if ok else 'could not recover'} message {len(out)} of {session}",
                          file=sys.stderr)
                msg["content"] = self.original[(session, text)]
            out.append(msg)
        return out

    def reword(self, session, seed, n, content):
        # Keyed by the conversation's seed (not the session id, which names the run): a seed
        # replays the same wording.
        return reword(content, f"{seed}#{n}")

    def answer(self, req):
        session, seed, tools = req.get("session_id", ""), req.get("seed", 0), req.get("tools") or []
        messages = self.restore(session, req.get("messages", []), tools, seed)
        reply = self.mock(messages, tools, seed)
        out = {"session_id": session}
        content = reply.get("content")
        if content:
            new = self.reword(session, seed, len(messages), content)
            self.original[(session, new)] = content
            out["content"] = new
        if reply.get("tool_calls"):
            out["tool_calls"] = reply["tool_calls"]
        return out


def serve(agent):
    """The exec protocol: one JSON request per stdin line, one reply per stdout line."""
    for line in sys.stdin:
        if line.strip():
            print(json.dumps(agent.answer(json.loads(line))), flush=True)


def main():
    proc, base = start_mock(sys.argv[1:])
    try:
        serve(Paraphraser(base))
    finally:
        proc.terminate()


if __name__ == "__main__":
    main()
