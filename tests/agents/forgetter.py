#!/usr/bin/env python3
"""Reference agent: the forgetter. The paraphraser until turn 10, then it loses what it was told.

An exec: agent (docs/agents.md). Up to user turn FROM (default 10) it is the paraphraser
(tests/agents/paraphraser.py): spar-mock-agent's correct moves in its own words. From turn FROM+1
on it asks a second spar-mock-agent that sees only the last WINDOW (default 4) non-system
messages of the history, the way an agent that truncates or summarises its context loses the
details of the opening turns: asked "Remind me, which order number did I give you?" after turn
10, it no longer knows.
The conversation is a real one all along (the whole history is sent every turn; only what the
second mock reads is cut), so its truth is known: every detail asked for before turn FROM is
answered, and a detail from the opening turns asked for after it is not.

Usage: --agent 'exec:cmd=python3 tests/agents/forgetter.py [from=10] [window=4] [KNOB=VALUE ...]'
(other knobs go to both mocks, as for the paraphraser).
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import paraphraser  # noqa: E402


class Forgetter(paraphraser.Paraphraser):
    def __init__(self, base, forgetful, after):
        super().__init__(base)
        self.forgetful, self.after = forgetful, after

    def mock(self, messages, tools, seed, base=None):
        turn = sum(1 for m in messages if m.get("role") == "user")
        return super().mock(messages, tools, seed, self.forgetful if turn > self.after else None)


def main():
    opts, knobs = {"from": "10", "window": "4"}, []
    for arg in sys.argv[1:]:
        key = arg.split("=", 1)[0]
        if key in opts:
            opts[key] = arg.split("=", 1)[1]
        else:
            knobs.append(arg)
    sound, sound_base = paraphraser.start_mock(knobs)
    forgetful, forgetful_base = paraphraser.start_mock(knobs + ["context_window=" + opts["window"]])
    try:
        paraphraser.serve(Forgetter(sound_base, forgetful_base, int(opts["from"])))
    finally:
        sound.terminate()
        forgetful.terminate()


if __name__ == "__main__":
    main()
