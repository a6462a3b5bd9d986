"""Stub of tau2.config: tau2's settings, imported by its message and audio models (see
../README.md). The retail tools and the environment evaluator read none of them; the two audio
rates are numbers only because audio.py builds a model from them at import."""
DEFAULT_PCM_SAMPLE_RATE = 16000
DEFAULT_TELEPHONY_RATE = 8000


def __getattr__(name):
    return None
