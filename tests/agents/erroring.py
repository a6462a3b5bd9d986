#!/usr/bin/env python3
"""Reference agent: the erroring agent. Crashes exactly where it would have gone wrong.

An exec: agent (docs/agents.md). It is the paraphraser (tests/agents/paraphraser.py) over a
spar-mock-agent that adopts a correction only with probability RATE (default 0.5, the mock's
correction_rate): in some trials it keeps every corrected value and is correct, in the others it
keeps a superseded one and would fail. It also asks a sound mock (correction_rate=1) the same
request, and on the first turn where the two disagree (the turn after a correction it ignored)
it exits with status 3 instead of replying: spar records the conversation as an `exec` error.
So its truth is known: every trial it completes passes, and every trial it errors is one it
would have failed. A scorer that drops errored trials from pass^k rates it as perfect.

Usage: --agent 'exec:cmd=python3 tests/agents/erroring.py [rate=0.5] [KNOB=VALUE ...]'
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import paraphraser  # noqa: E402


class Erroring(paraphraser.Paraphraser):
    def __init__(self, flawed, sound):
        super().__init__(flawed)
        self.sound = sound

    def mock(self, messages, tools, seed, base=None):
        reply = super().mock(messages, tools, seed)
        if reply != super().mock(messages, tools, seed, self.sound):
            turn = sum(1 for m in messages if m.get("role") == "user")
            print(f"erroring agent: lost a corrected value at turn {turn}; crashing instead of answering",
                  file=sys.stderr, flush=True)
            sys.exit(3)  # through main's finally: the mocks are stopped
        return reply


def main():
    rate, knobs = "0.5", []
    for arg in sys.argv[1:]:
        if arg.startswith("rate="):
            rate = arg.split("=", 1)[1]
        else:
            knobs.append(arg)
    flawed, flawed_base = paraphraser.start_mock(knobs + ["correction_rate=" + rate])
    sound, sound_base = paraphraser.start_mock(knobs)
    try:
        paraphraser.serve(Erroring(flawed_base, sound_base))
    finally:
        flawed.terminate()
        sound.terminate()


if __name__ == "__main__":
    main()
