"""Stub of tau2.voice_config: tau2's voice settings, imported by its message and audio models; the retail
tools and the environment evaluator read none of them (see ../README.md)."""


def __getattr__(name):
    return None
